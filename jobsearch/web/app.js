// The search page: talks to /v1/search, /v1/jobs, /v1/members, /v1/feedback and /healthz on
// this origin only. Plain DOM, no framework, no build step; all text goes in via textContent.
// The query box is the one source of truth: chips, facets and relaxations rewrite it.
"use strict";

(function () {
  const PAGE = 20; // results per request; "Show more" follows the response's cursor

  const $ = (id) => document.getElementById(id);
  const form = $("search-form");
  const input = $("q");
  const memberSelect = $("member");
  const sortSelect = $("sort");
  const saveButton = $("save-search");
  const button = $("search-button");
  const chipList = $("chips");
  const understood = $("understood");
  const removedLine = $("removed");
  const semantic = $("semantic");
  const notes = $("notes");
  const resetFilters = $("reset-filters");
  const statusLine = $("status");
  const errorBox = $("error");
  const empty = $("empty");
  const emptyReason = $("empty-reason");
  const noStrong = $("no-strong");
  const noStrongTitle = $("no-strong-title");
  const noStrongText = $("no-strong-text");
  const relaxList = $("relaxations");
  const results = $("results");
  const related = $("related");
  const relatedTitle = $("related-title");
  const more = $("more");
  const health = $("health");
  const template = $("result-template");
  const facetsAside = $("facets");
  const facetsBox = $("facets-box");
  const facetGroups = $("facet-groups");
  const refineBox = $("refine");
  const refineGroup = $("refine-group");
  const refineList = $("refinements");
  const detail = $("detail");
  const backdrop = $("detail-backdrop");

  // What the current results answer. `remove` is only used when a chip's words cannot be
  // found in the text (then the page says what was removed); otherwise the text is rewritten.
  const state = {
    query: "", member: "", sort: "relevance", remove: [], removedLabels: [], cursor: null,
    queryId: null, seq: 0, refocus: false, previousQuery: null, detailOpener: null, last: null,
  };
  const wide = window.matchMedia("(min-width: 760px)");

  // ---- formatting (the same wording as the API's "why" and the CLI) ------------------------

  const WORKPLACE = { onsite: "On-site", hybrid: "Hybrid", remote: "Remote" };
  const PERIOD = { year: "a year", month: "a month", hour: "an hour" };
  const LEVEL = {
    intern: "Intern", entry: "Entry level", mid: "Mid level", senior: "Senior", lead: "Lead",
    manager: "Manager", director: "Director", executive: "Executive",
  };
  const EMPLOYMENT = {
    full_time: "Full-time", part_time: "Part-time", contract: "Contract",
    temporary: "Temporary", internship: "Internship",
  };
  const GRADE = { excellent: "Excellent match", good: "Good match", fair: "Fair match", poor: "Weak match" };
  const STRONG = new Set(["excellent", "good"]);
  const FACET_TITLES = {
    place: "Place", company: "Company", company_type: "Employer", workplace: "Workplace",
    seniority: "Level", employment_type: "Job type", pay: "Pay", posted_within: "Posted",
  };

  function money(amount, currency, period) {
    const opts = { style: "currency", currency: currency, maximumFractionDigits: 0 };
    if (period === "hour" && amount < 100 && Math.round(amount) !== amount) opts.maximumFractionDigits = 2;
    try {
      return new Intl.NumberFormat("en", opts).format(amount);
    } catch (e) { // an unknown currency code: show it plainly rather than fail the card
      return `${Math.round(amount).toLocaleString("en")} ${currency}`;
    }
  }

  function range(salary) {
    const lo = money(salary.min, salary.currency, salary.period);
    const hi = money(salary.max, salary.currency, salary.period);
    return lo === hi ? lo : `${lo}–${hi}`; // a collapsed range reads as one amount
  }

  function formatPay(r) {
    if (!r.salary) return "Pay not stated";
    const own = `${range(r.salary)} ${PERIOD[r.salary.period] || "per " + r.salary.period}`;
    return r.salary_converted ? `${own} (≈ ${range(r.salary_converted)}/year)` : own;
  }

  // Hours under a day, then whole days elapsed: a posting inside "the last 3 days" never
  // reads "3 days ago" (jobsearch.explain.posted_ago says the same).
  function formatPosted(iso, now) {
    const hours = Math.max(0, (now - new Date(iso).getTime()) / 3600000);
    if (hours < 1) return "Posted less than an hour ago";
    if (hours < 24) { const n = Math.floor(hours); return `Posted ${n} hour${n === 1 ? "" : "s"} ago`; }
    const days = Math.floor(hours / 24);
    return `Posted ${days} day${days === 1 ? "" : "s"} ago`;
  }

  function postedWindow(days) {
    return days === 1 ? "Posted in the last 24 hours" : `Posted in the last ${days} days`;
  }

  function formatWorkplace(r) {
    const label = WORKPLACE[r.workplace] || r.workplace;
    return r.workplace === "hybrid" && r.remote_share > 0 ? `${label} · ${Math.round(r.remote_share * 100)}% remote` : label;
  }

  // ---- the query text: chip labels in the unit typed, and removing a chip's words ---------

  const RADIUS = /\bwithin\s+(\d+(?:\.\d+)?)\s*(miles?|mi|kms?|kilomet(?:er|re)s?)\s+(?:of|from)\s+$/i;
  const PLACE_PREFIX = /(?:\bwithin\s+\d+(?:\.\d+)?\s*(?:miles?|mi|kms?|kilomet(?:er|re)s?)\s+(?:of|from)\s+|\b(?:in|near|around|based in)\s+)$/i;
  const JOINER = /(?:\s*(?:,|\band\b|\bor\b|\bbut\b))*\s*$/i;

  function spanAt(text, span) {
    return span ? text.toLowerCase().indexOf(span.toLowerCase()) : -1;
  }

  function chipLabel(c, text) {
    if (c.filter === "posted_within_days" && /^\d+$/.test(c.value || "")) return postedWindow(Number(c.value));
    if (c.filter === "location_ids") {
      const at = spanAt(text, c.span);
      const m = at >= 0 ? RADIUS.exec(text.slice(0, at)) : null;
      const km = /^Within [\d.]+ km of (.+)$/.exec(c.label);
      if (m && km) {
        const unit = /^mi/i.test(m[2]) ? (Number(m[1]) === 1 ? "mile" : "miles") : "km";
        return `Within ${m[1]} ${unit} of ${km[1]}`;
      }
    }
    return c.label;
  }

  // The text without one constraint's words (and the "in"/"within 25 miles of"/"and" that
  // joined them), or null when its words are not in the text.
  function withoutConstraint(text, c) {
    const at = spanAt(text, c.span);
    if (at < 0) return null;
    let head = text.slice(0, at);
    if (c.filter === "location_ids") head = head.replace(PLACE_PREFIX, "");
    head = head.replace(JOINER, "");
    let tail = text.slice(at + c.span.length);
    if (!head.trim()) tail = tail.replace(/^(?:\s*(?:,|\band\b|\bor\b))*/i, "");
    const out = `${head} ${tail}`.replace(/\s+,/g, ",").replace(/,\s*,/g, ",").replace(/\s{2,}/g, " ")
      .replace(/^[\s,]+|[\s,]+$/g, "").replace(/\s+(?:and|or|in|near)$/i, "");
    return out.trim() ? out : null;
  }

  // ---- rendering --------------------------------------------------------------------------

  function renderUnderstood(query) {
    chipList.replaceChildren();
    for (const c of query.constraints || []) {
      const li = document.createElement("li");
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.dataset.filter = c.filter;
      chip.dataset.value = c.value || "";
      const label = chipLabel(c, state.query);
      chip.setAttribute("aria-label", `Remove filter: ${label}`);
      chip.title = c.span ? `From “${c.span}”: click to remove` : "Click to remove";
      const text = document.createElement("span");
      text.className = "chip-label";
      text.textContent = label;
      const x = document.createElement("span");
      x.className = "chip-x";
      x.setAttribute("aria-hidden", "true");
      x.textContent = "×";
      chip.append(text, x);
      chip.addEventListener("click", () => removeConstraint(c, label));
      li.append(chip);
      chipList.append(li);
    }
    const removed = state.removedLabels;
    removedLine.hidden = removed.length === 0;
    removedLine.textContent = removed.length ? `Removed from your search: ${removed.join(", ")}` : "";
    resetFilters.hidden = state.previousQuery === null && state.remove.length === 0;
    if (state.refocus) { // the removed chip had focus: keep keyboard users among the chips
      state.refocus = false;
      (chipList.querySelector(".chip") || (resetFilters.hidden ? input : resetFilters)).focus();
    }
    semantic.textContent = query.semantic_text ? `Matching by meaning: “${query.semantic_text}”` : "";
    notes.replaceChildren();
    for (const u of query.unresolved || []) {
      const li = document.createElement("li");
      li.textContent = `Not understood: “${u}”`;
      notes.append(li);
    }
    for (const s of query.suggestions || []) {
      const li = document.createElement("li");
      li.textContent = s.text;
      notes.append(li);
    }
    understood.hidden = !(query.constraints || []).length && !removed.length && !query.semantic_text;
  }

  function renderResult(r, now, hasMeaning) {
    const node = template.content.firstElementChild.cloneNode(true);
    const card = node.querySelector(".card");
    // Data attributes carry the raw values so tests (and people) can check every filter.
    card.dataset.jobId = r.job_id;
    card.dataset.locationIds = r.location_ids.join(" ");
    card.dataset.workplace = r.workplace;
    card.dataset.remoteShare = String(r.remote_share);
    card.dataset.postedAt = r.posted_at;
    card.dataset.companyId = r.company.id;
    card.dataset.companyType = r.company.type;
    card.dataset.seniority = r.seniority;
    card.dataset.employmentType = r.employment_type;
    card.dataset.match = r.match || "";
    if (r.salary) {
      card.dataset.salaryMin = String(r.salary.min);
      card.dataset.salaryMax = String(r.salary.max);
      card.dataset.salaryCurrency = r.salary.currency;
      card.dataset.salaryPeriod = r.salary.period;
    }
    const title = node.querySelector(".title-button");
    title.textContent = r.title;
    title.addEventListener("click", () => openDetail(r.job_id, title));
    node.querySelector(".company-name").textContent = r.company.name;
    node.querySelector(".staffing").hidden = r.company.type !== "staffing";
    const grade = node.querySelector(".grade");
    if (r.match) {
      grade.hidden = false;
      grade.textContent = GRADE[r.match];
      grade.classList.add(r.match);
    }
    const extra = r.location_ids.length - 1;
    node.querySelector(".place").textContent = extra > 0 ? `${r.location} +${extra} more` : r.location;
    node.querySelector(".workplace").textContent = formatWorkplace(r);
    const pay = node.querySelector(".pay");
    pay.textContent = formatPay(r);
    pay.classList.toggle("muted", !r.salary);
    const time = node.querySelector("time");
    time.dateTime = r.posted_at;
    time.title = new Date(r.posted_at).toLocaleString("en");
    time.textContent = formatPosted(r.posted_at, now);
    node.querySelector(".level").textContent =
      `${LEVEL[r.seniority] || r.seniority} · ${EMPLOYMENT[r.employment_type] || r.employment_type}`;
    if (r.similar_count) {
      const similar = node.querySelector(".similar");
      similar.hidden = false;
      similar.textContent = `+${r.similar_count} similar posting${r.similar_count === 1 ? "" : "s"} (same title, company and place)`;
    }
    const why = node.querySelector(".why");
    const list = node.querySelector(".why-list");
    (r.why || []).forEach((reason, i) => {
      const li = document.createElement("li");
      li.textContent = reason;
      // Filter reasons are facts (check mark); the meaning line only when the match is strong.
      if (hasMeaning && i === 0) li.className = STRONG.has(r.match) ? "meaning strong" : "meaning weak";
      else li.className = "fact-reason";
      list.append(li);
    });
    why.hidden = !(r.why || []).length;
    why.open = wide.matches;
    const apply = node.querySelector(".apply");
    if (r.apply_url) {
      apply.hidden = false;
      apply.href = r.apply_url;
      apply.setAttribute("aria-label", `Apply to ${r.title} at ${r.company.name} (opens a new tab)`);
      apply.addEventListener("click", () => sendFeedback(r.job_id, "apply"));
    }
    return node;
  }

  function renderRelaxations(data) {
    relaxList.replaceChildren();
    for (const rx of data.relaxations || []) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "secondary relax";
      b.dataset.kind = rx.kind;
      const found = rx.total_strong === null || rx.total_strong === undefined
        ? `${rx.total_matching.toLocaleString("en")} jobs` : `${rx.total_strong.toLocaleString("en")} strong matches`;
      b.textContent = `${rx.label} (${found})`;
      b.addEventListener("click", () => { input.value = rx.query; newSearch(); });
      li.append(b);
      relaxList.append(li);
    }
  }

  function renderFacets(facets) {
    facetGroups.replaceChildren();
    if (!facets) return;
    for (const [name, values] of Object.entries(facets)) {
      if (!values.length) continue;
      const group = document.createElement("div");
      group.className = "facet-group";
      const h = document.createElement("h3");
      h.id = `facet-${name}`;
      h.textContent = FACET_TITLES[name] || name;
      const ul = document.createElement("ul");
      ul.setAttribute("aria-labelledby", h.id);
      for (const v of values) {
        const li = document.createElement("li");
        const label = name === "posted_within" ? postedWindow(Number(v.value)) : v.label;
        if (v.phrase) {
          const b = document.createElement("button");
          b.type = "button";
          b.className = "facet";
          b.dataset.facet = name;
          b.dataset.value = v.value;
          b.setAttribute("aria-label", `${label}: ${v.count} jobs. Add to the search`);
          b.textContent = label;
          const n = document.createElement("span");
          n.className = "count";
          n.setAttribute("aria-hidden", "true");
          n.textContent = v.count.toLocaleString("en");
          b.append(n);
          b.addEventListener("click", () => addPhrase(v.phrase));
          li.append(b);
        } else {
          li.className = "facet static";
          li.textContent = `${label} `;
          const n = document.createElement("span");
          n.className = "count";
          n.textContent = v.count.toLocaleString("en");
          li.append(n);
        }
        ul.append(li);
      }
      group.append(h, ul);
      facetGroups.append(group);
    }
    facetsAside.hidden = !facetGroups.children.length && refineBox.hidden;
  }

  // Refinement chips: narrower searches from what postings of this role and place have in
  // common (mined when the index was built). One click searches the chip's query.
  function renderRefinements(data) {
    refineList.replaceChildren();
    const chips = data.refinements || [];
    for (const rf of chips) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "refinement";
      b.dataset.kind = rf.kind;
      b.dataset.value = rf.value;
      b.dataset.count = String(rf.count);
      b.textContent = rf.label;
      const n = rf.count.toLocaleString("en");
      const about = rf.count_scope === "filtered"
        ? `${n} job${rf.count === 1 ? "" : "s"} would match`
        : `asked for in ${n} postings of ${rf.group}`;
      b.title = `${about}. Search: ${rf.query}`;
      b.setAttribute("aria-label", `${rf.label}: ${about}. Narrow the search`);
      b.addEventListener("click", () => { input.value = rf.query; newSearch(); });
      li.append(b);
      refineList.append(li);
    }
    refineGroup.textContent = chips.length ? `From ${chips[0].group}` : "";
    refineBox.hidden = chips.length === 0;
  }

  function renderResponse(data, append) {
    const now = Date.now();
    const graded = data.total_strong !== null && data.total_strong !== undefined;
    const hasMeaning = Boolean(data.query.semantic_text);
    if (!append) {
      renderUnderstood(data.query);
      results.replaceChildren();
      related.replaceChildren();
      renderRefinements(data); // before the facets: they show the aside if either has content
      renderFacets(data.facets);
      renderRelaxations(data);
    }
    for (const r of data.results) {
      const strong = !graded || STRONG.has(r.match);
      (strong ? results : related).append(renderResult(r, now, hasMeaning));
    }
    const shown = results.children.length + related.children.length;
    related.hidden = related.children.length === 0;
    relatedTitle.hidden = related.hidden || results.children.length === 0;
    empty.hidden = shown > 0;
    emptyReason.textContent = shown > 0 ? "" : (data.empty_reason || "Nothing matched this search.");
    if (!append) {
      const weakOnly = graded && data.total_strong === 0 && data.results.length > 0;
      noStrong.hidden = !(weakOnly || (data.relaxations || []).length);
      noStrongTitle.textContent = weakOnly || !data.results.length
        ? (data.results.length ? "No strong match for this search" : "Nearby searches that find jobs")
        : "Nearby searches";
      noStrongText.textContent = weakOnly
        ? "These jobs pass your filters but are weaker matches for what you asked. A nearby search may find better ones:"
        : "";
      if (!(data.relaxations || []).length && weakOnly) noStrongText.textContent = "These jobs pass your filters but are weaker matches for what you asked.";
    }
    statusLine.textContent = statusText(data, shown);
    state.cursor = data.next_cursor || null;
    more.hidden = !state.cursor;
    state.last = data;
  }

  function statusText(data, shown) {
    const ms = data.timings_ms && data.timings_ms.total;
    const took = typeof ms === "number" ? ` · ${Math.round(ms)} ms` : "";
    const partial = data.searchable
      ? ` · searched ${data.searchable.indexed.toLocaleString("en")} of ${data.searchable.total.toLocaleString("en")} postings (the rest are still being indexed)`
      : "";
    if (shown === 0) return `No matching jobs${partial}${took}`;
    const total = data.total_matching;
    let text = `${total.toLocaleString("en")} job${total === 1 ? "" : "s"} match your filters`;
    if (data.total_strong !== null && data.total_strong !== undefined) {
      const about = data.total_strong_exact ? "" : "at least ";
      text += ` · ${about}${data.total_strong.toLocaleString("en")} strong match${data.total_strong === 1 ? "" : "es"}`;
    }
    if (data.ranking_note) text += ` · ${data.ranking_note}`;
    return `${text}${partial} · showing ${shown}${took}`;
  }

  function setLoading(on) {
    form.setAttribute("aria-busy", String(on));
    button.disabled = on;
    document.body.classList.toggle("loading", on);
    if (on) statusLine.textContent = "Searching…";
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  // ---- talking to the API -----------------------------------------------------------------

  async function api(path, body, method) {
    const init = body === undefined ? { method: method || "GET" } : {
      method: method || "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    };
    let resp;
    try {
      resp = await fetch(path, init);
    } catch (e) {
      throw new Error("Cannot reach the search service. Is `jobsearch serve` running?");
    }
    let data = null;
    try { data = await resp.json(); } catch (e) { /* not JSON: handled below */ }
    if (!resp.ok) {
      const why = data && data.detail ? data.detail : `HTTP ${resp.status}`;
      const err = new Error(resp.status === 503 ? `The search index is not ready: ${why}` : why);
      err.status = resp.status;
      throw err;
    }
    return { data, headers: resp.headers };
  }

  async function runSearch(append) {
    if (!state.query) {
      showError("Type what kind of job you are looking for.");
      input.focus();
      return;
    }
    const seq = ++state.seq; // answers to older requests are dropped
    showError("");
    setLoading(true);
    const body = { query: state.query, k: PAGE, remove: state.remove, sort: state.sort };
    if (append && state.cursor) body.cursor = state.cursor;
    else body.facets = body.refinements = true; // both describe the whole result set: first page only
    if (state.member) body.member_id = state.member;
    try {
      const { data, headers } = await api("/v1/search", body);
      if (seq !== state.seq) return;
      state.queryId = headers.get("X-Query-Id");
      renderResponse(data, append);
    } catch (e) {
      if (seq !== state.seq) return;
      results.replaceChildren();
      related.replaceChildren();
      related.hidden = relatedTitle.hidden = true;
      empty.hidden = noStrong.hidden = true;
      more.hidden = true;
      statusLine.textContent = "";
      showError(e.message);
    } finally {
      if (seq === state.seq) setLoading(false);
    }
  }

  function sendFeedback(jobId, event) {
    const body = { job_id: jobId, event: event };
    if (state.queryId) body.query_id = state.queryId;
    fetch("/v1/feedback", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), keepalive: true,
    }).catch(() => { /* feedback is best effort */ });
  }

  // ---- changing the search ----------------------------------------------------------------

  function removeConstraint(c, label) {
    const rewritten = withoutConstraint(state.query, c);
    if (state.previousQuery === null) state.previousQuery = state.query;
    if (rewritten !== null) {
      input.value = rewritten; // the box says what is searched
      state.query = rewritten;
    } else { // its words are not in the text (e.g. from the member's profile): drop it by name
      const key = c.value ? `${c.filter}:${c.value}` : c.filter;
      if (!state.remove.includes(key)) state.remove.push(key);
    }
    state.removedLabels.push(label);
    state.refocus = true;
    syncUrl();
    runSearch(false);
  }

  function addPhrase(phrase) {
    const base = input.value.trim().replace(/[\s,]+$/, "");
    input.value = base ? `${base}, ${phrase}` : phrase;
    newSearch();
  }

  function syncUrl() {
    const params = new URLSearchParams();
    if (state.query) params.set("q", state.query);
    if (state.member) params.set("as", state.member);
    if (state.sort !== "relevance") params.set("sort", state.sort);
    const job = new URLSearchParams(location.search).get("job");
    if (job && !detail.hidden) params.set("job", job);
    history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
  }

  function newSearch() {
    state.query = input.value.trim();
    if (state.query) $("examples").hidden = true; // they are for getting started
    state.member = memberSelect.value;
    state.sort = sortSelect.value;
    state.remove = [];
    state.removedLabels = [];
    state.previousQuery = null;
    state.cursor = null;
    saveButton.hidden = !(state.member && state.query);
    syncUrl();
    runSearch(false);
  }

  async function saveSearch() {
    try {
      const { data } = await api(`/v1/members/${encodeURIComponent(state.member)}/searches`, { query: state.query });
      statusLine.textContent = `Saved “${data.query}”. New matching jobs will be listed in this member's alerts.`;
    } catch (e) {
      showError(e.message);
    }
  }

  // ---- the job detail panel (shareable: ?job=ID) -------------------------------------------

  async function openDetail(jobId, opener) {
    state.detailOpener = opener || null;
    let job;
    try {
      ({ data: job } = await api(`/v1/jobs/${encodeURIComponent(jobId)}`));
    } catch (e) {
      showError(e.message);
      return;
    }
    $("detail-title").textContent = job.title;
    const agency = job.company.type === "staffing" ? " · Staffing agency" : "";
    $("detail-company").textContent = `${job.company.name}${agency}`;
    const facts = $("detail-facts");
    facts.replaceChildren();
    const payText = job.salary ? `${range(job.salary)} ${PERIOD[job.salary.period] || ""}` : "Pay not stated";
    for (const text of [job.places.join(" · "), formatWorkplace(job), payText, formatPosted(job.posted_at, Date.now()),
      `${LEVEL[job.seniority] || job.seniority} · ${EMPLOYMENT[job.employment_type] || job.employment_type}`]) {
      const li = document.createElement("li");
      li.className = "fact";
      li.textContent = text;
      facts.append(li);
    }
    const skills = $("detail-skills");
    skills.replaceChildren(...job.skills.map((s) => { const li = document.createElement("li"); li.textContent = s; return li; }));
    const desc = $("detail-description");
    desc.replaceChildren(...job.description.split(/\n{2,}/).map((para) => {
      const p = document.createElement("p"); p.textContent = para; return p;
    }));
    $("detail-meta").textContent = `Job id ${job.job_id} · posted ${new Date(job.posted_at).toLocaleDateString("en", { dateStyle: "medium" })}`;
    const apply = $("detail-apply");
    apply.hidden = !job.apply_url;
    if (job.apply_url) {
      apply.href = job.apply_url;
      apply.onclick = () => sendFeedback(job.job_id, "apply");
    }
    detail.hidden = backdrop.hidden = false;
    document.body.classList.add("detail-open");
    const params = new URLSearchParams(location.search);
    params.set("job", job.job_id);
    history.replaceState(null, "", `?${params}`);
    sendFeedback(job.job_id, "click");
    $("detail-close").focus();
  }

  function closeDetail() {
    if (detail.hidden) return;
    detail.hidden = backdrop.hidden = true;
    document.body.classList.remove("detail-open");
    const params = new URLSearchParams(location.search);
    params.delete("job");
    history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
    if (state.detailOpener && document.contains(state.detailOpener)) state.detailOpener.focus();
    else input.focus();
  }

  function trapFocus(e) { // Tab stays inside the open panel
    const focusable = detail.querySelectorAll("button, a[href]:not([hidden])");
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (e.shiftKey && document.activeElement === first) { last.focus(); e.preventDefault(); }
    else if (!e.shiftKey && document.activeElement === last) { first.focus(); e.preventDefault(); }
  }

  // ---- members and health -----------------------------------------------------------------

  async function loadMembers(wanted) {
    try {
      const { data } = await api("/v1/members");
      for (const m of data.members) {
        const opt = document.createElement("option");
        opt.value = m.member_id;
        opt.textContent = m.headline ? `${m.name}: ${m.headline}` : m.name;
        memberSelect.append(opt);
      }
      if (wanted) memberSelect.value = wanted;
    } catch (e) { /* no index yet: the picker stays anonymous, /healthz says why */ }
  }

  async function loadHealth() {
    try {
      const { data } = await api("/healthz");
      health.textContent = `${Number(data.index_rows ?? data.rows ?? 0).toLocaleString("en")} jobs indexed`;
      health.className = "health ok";
    } catch (e) {
      health.textContent = "index not ready";
      health.className = "health down";
    }
  }

  // ---- wiring -----------------------------------------------------------------------------

  form.addEventListener("submit", (e) => { e.preventDefault(); newSearch(); });
  memberSelect.addEventListener("change", () => { if (input.value.trim()) newSearch(); else saveButton.hidden = true; });
  sortSelect.addEventListener("change", () => { if (input.value.trim()) newSearch(); });
  saveButton.addEventListener("click", saveSearch);
  resetFilters.addEventListener("click", () => {
    if (state.previousQuery !== null) input.value = state.previousQuery;
    newSearch();
    input.focus();
  });
  more.addEventListener("click", () => runSearch(true));
  $("detail-close").addEventListener("click", closeDetail);
  backdrop.addEventListener("click", closeDetail);
  $("detail-copy").addEventListener("click", async () => {
    try { await navigator.clipboard.writeText(location.href); $("detail-copy").textContent = "Link copied"; }
    catch (e) { $("detail-copy").textContent = "Copy the address bar"; }
  });
  document.addEventListener("keydown", (e) => {
    if (!detail.hidden) {
      if (e.key === "Escape") { e.preventDefault(); closeDetail(); }
      else if (e.key === "Tab") trapFocus(e);
      return;
    }
    const titles = [...document.querySelectorAll(".results .title-button")];
    const at = titles.indexOf(document.activeElement);
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && at >= 0) { // move between results
      const next = titles[at + (e.key === "ArrowDown" ? 1 : -1)];
      if (next) { next.focus(); next.scrollIntoView({ block: "nearest" }); e.preventDefault(); }
    } else if (e.key === "/" && document.activeElement !== input && !/input|select|textarea/i.test(document.activeElement.tagName)) {
      input.focus(); e.preventDefault();
    }
  });
  wide.addEventListener("change", () => { facetsBox.open = wide.matches; });
  facetsBox.open = wide.matches;
  for (const ex of document.querySelectorAll(".example")) {
    ex.addEventListener("click", () => { input.value = ex.dataset.query; newSearch(); });
  }

  const params = new URLSearchParams(location.search);
  if (["relevance", "date", "pay"].includes(params.get("sort"))) sortSelect.value = params.get("sort");
  loadHealth();
  loadMembers(params.get("as")).then(() => {
    if (params.get("q")) {
      input.value = params.get("q");
      newSearch();
    }
    if (params.get("job")) openDetail(params.get("job"), null);
  });
  if (!params.get("job")) input.focus();
})();

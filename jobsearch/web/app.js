// The search page: talks to /v1/search, /v1/members, /v1/feedback and /healthz on this
// origin only. Plain DOM, no framework, no build step; all text goes in via textContent.
"use strict";

(function () {
  const PAGE = 20; // results per "page"; "Show more" asks for the next 20, up to the API's 100
  const MAX_K = 100;

  const $ = (id) => document.getElementById(id);
  const form = $("search-form");
  const input = $("q");
  const memberSelect = $("member");
  const button = $("search-button");
  const chipList = $("chips");
  const understood = $("understood");
  const semantic = $("semantic");
  const notes = $("notes");
  const resetFilters = $("reset-filters");
  const statusLine = $("status");
  const errorBox = $("error");
  const empty = $("empty");
  const emptyReason = $("empty-reason");
  const results = $("results");
  const more = $("more");
  const health = $("health");
  const template = $("result-template");

  // What the current results answer: the query as typed, who searches, removed constraints.
  const state = { query: "", member: "", remove: [], k: PAGE, queryId: null, seq: 0, refocus: false };

  // ---- formatting -------------------------------------------------------------------------

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

  function money(amount, currency, period) {
    const opts = { style: "currency", currency: currency, maximumFractionDigits: 0 };
    if (period === "year" && amount >= 10000) {
      opts.notation = "compact";
      opts.maximumFractionDigits = amount >= 100000 ? 0 : 1;
    } else if (period === "hour" && amount < 100 && Math.round(amount) !== amount) {
      opts.maximumFractionDigits = 2;
    }
    try {
      return new Intl.NumberFormat("en", opts).format(amount);
    } catch (e) { // an unknown currency code: show it plainly rather than fail the card
      return `${Math.round(amount).toLocaleString("en")} ${currency}`;
    }
  }

  function formatPay(salary) {
    if (!salary) return "Pay not stated";
    const lo = money(salary.min, salary.currency, salary.period);
    const hi = money(salary.max, salary.currency, salary.period);
    const range = lo === hi ? lo : `${lo}–${hi}`;
    return `${range} ${PERIOD[salary.period] || "per " + salary.period}`;
  }

  const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

  function formatPosted(iso, now) {
    const seconds = (new Date(iso).getTime() - now) / 1000;
    const hours = seconds / 3600;
    const days = hours / 24;
    if (Math.abs(hours) < 1) return "Posted just now";
    if (Math.abs(days) < 1) return "Posted " + relative.format(Math.round(hours), "hour");
    if (Math.abs(days) < 14) return "Posted " + relative.format(Math.round(days), "day");
    if (Math.abs(days) < 60) return "Posted " + relative.format(Math.round(days / 7), "week");
    return "Posted " + relative.format(Math.round(days / 30), "month");
  }

  function formatWorkplace(r) {
    const label = WORKPLACE[r.workplace] || r.workplace;
    if (r.workplace === "hybrid" && r.remote_share > 0) {
      return `${label} · ${Math.round(r.remote_share * 100)}% remote`;
    }
    return label;
  }

  // ---- rendering --------------------------------------------------------------------------

  function removeKey(c) {
    return c.value ? `${c.filter}:${c.value}` : c.filter;
  }

  function renderUnderstood(query) {
    chipList.replaceChildren();
    for (const c of query.constraints || []) {
      const li = document.createElement("li");
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.dataset.filter = c.filter;
      chip.dataset.value = c.value || "";
      chip.dataset.remove = removeKey(c);
      chip.setAttribute("aria-label", `Remove filter: ${c.label}`);
      chip.title = c.span ? `From “${c.span}” — click to remove` : "Click to remove";
      const text = document.createElement("span");
      text.className = "chip-label";
      text.textContent = c.label;
      const x = document.createElement("span");
      x.className = "chip-x";
      x.setAttribute("aria-hidden", "true");
      x.textContent = "×";
      chip.append(text, x);
      chip.addEventListener("click", () => removeConstraint(chip.dataset.remove));
      li.append(chip);
      chipList.append(li);
    }
    resetFilters.hidden = state.remove.length === 0;
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
    understood.hidden = !(query.constraints || []).length && !state.remove.length && !query.semantic_text;
  }

  function renderResult(r, now) {
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
    if (r.salary) {
      card.dataset.salaryMin = String(r.salary.min);
      card.dataset.salaryMax = String(r.salary.max);
      card.dataset.salaryCurrency = r.salary.currency;
      card.dataset.salaryPeriod = r.salary.period;
    }
    const title = node.querySelector(".title-button");
    title.textContent = r.title;
    title.setAttribute("aria-expanded", "false");
    node.querySelector(".company-name").textContent = r.company.name;
    node.querySelector(".staffing").hidden = r.company.type !== "staffing";
    const extra = r.location_ids.length - 1;
    node.querySelector(".place").textContent = extra > 0 ? `${r.location} +${extra} more` : r.location;
    node.querySelector(".workplace").textContent = formatWorkplace(r);
    const pay = node.querySelector(".pay");
    pay.textContent = formatPay(r.salary);
    pay.classList.toggle("muted", !r.salary);
    const time = node.querySelector("time");
    time.dateTime = r.posted_at;
    time.title = new Date(r.posted_at).toLocaleString("en");
    time.textContent = formatPosted(r.posted_at, now);
    node.querySelector(".level").textContent =
      `${LEVEL[r.seniority] || r.seniority} · ${EMPLOYMENT[r.employment_type] || r.employment_type}`;
    const why = node.querySelector(".why-list");
    for (const reason of r.why || []) {
      const li = document.createElement("li");
      li.textContent = reason;
      why.append(li);
    }
    node.querySelector(".why").hidden = !(r.why || []).length;
    const details = node.querySelector(".details");
    for (const [k, v] of [["Job id", r.job_id], ["Score", r.score.toFixed(3)], ["Company id", r.company.id]]) {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      details.append(dt, dd);
    }
    title.addEventListener("click", () => {
      details.hidden = !details.hidden;
      title.setAttribute("aria-expanded", String(!details.hidden));
      if (!details.hidden) sendFeedback(r.job_id, "click");
    });
    const apply = node.querySelector(".apply");
    apply.setAttribute("aria-label", `Apply to ${r.title} at ${r.company.name}`);
    apply.addEventListener("click", () => {
      sendFeedback(r.job_id, "apply");
      apply.textContent = "Applied ✓";
      apply.disabled = true;
    });
    return node;
  }

  function renderResponse(data) {
    renderUnderstood(data.query);
    const now = Date.now();
    results.replaceChildren(...data.results.map((r) => renderResult(r, now)));
    const n = data.results.length;
    empty.hidden = n > 0;
    emptyReason.textContent = n > 0 ? "" : (data.empty_reason || "Nothing matched this search.");
    const total = data.total_matching;
    const ms = data.timings_ms && data.timings_ms.total;
    const took = typeof ms === "number" ? ` · ${Math.round(ms)} ms` : "";
    statusLine.textContent = n === 0
      ? `No matching jobs${took}`
      : `${total.toLocaleString("en")} job${total === 1 ? "" : "s"} match · showing ${n}${took}`;
    more.hidden = !(n < total && state.k < MAX_K);
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

  async function api(path, body) {
    const init = body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
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

  async function runSearch() {
    if (!state.query) {
      showError("Type what kind of job you are looking for.");
      input.focus();
      return;
    }
    const seq = ++state.seq; // answers to older requests are dropped
    showError("");
    setLoading(true);
    const body = { query: state.query, k: state.k, remove: state.remove };
    if (state.member) body.member_id = state.member;
    try {
      const { data, headers } = await api("/v1/search", body);
      if (seq !== state.seq) return;
      state.queryId = headers.get("X-Query-Id");
      renderResponse(data);
    } catch (e) {
      if (seq !== state.seq) return;
      results.replaceChildren();
      empty.hidden = true;
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
    api("/v1/feedback", body).catch(() => { /* feedback is best effort */ });
  }

  function removeConstraint(key) {
    if (!state.remove.includes(key)) state.remove.push(key);
    state.k = PAGE;
    state.refocus = true;
    runSearch();
  }

  function newSearch() {
    state.query = input.value.trim();
    if (state.query) $("examples").hidden = true; // they are for getting started
    state.member = memberSelect.value;
    state.remove = [];
    state.k = PAGE;
    const params = new URLSearchParams();
    if (state.query) params.set("q", state.query);
    if (state.member) params.set("as", state.member);
    history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
    runSearch();
  }

  async function loadMembers(wanted) {
    try {
      const { data } = await api("/v1/members");
      for (const m of data.members) {
        const opt = document.createElement("option");
        opt.value = m.member_id;
        opt.textContent = m.headline ? `${m.name} — ${m.headline}` : m.name;
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
  memberSelect.addEventListener("change", () => { if (input.value.trim()) newSearch(); });
  resetFilters.addEventListener("click", () => { state.remove = []; state.k = PAGE; runSearch(); });
  more.addEventListener("click", () => { state.k = Math.min(MAX_K, state.k + PAGE); runSearch(); });
  for (const ex of document.querySelectorAll(".example")) {
    ex.addEventListener("click", () => { input.value = ex.dataset.query; newSearch(); });
  }

  const params = new URLSearchParams(location.search);
  loadHealth();
  loadMembers(params.get("as")).then(() => {
    if (params.get("q")) {
      input.value = params.get("q");
      newSearch();
    }
  });
  input.focus();
})();

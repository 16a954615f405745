"""Write the page's screenshots in docs/screenshots/ (desktop results with facets, the job
detail panel, a phone), from the real service over a demo data home, in Debian's Chromium.

    .venv/bin/python tests/web/screenshots.py                    # the data home (make demo)
    .venv/bin/python tests/web/screenshots.py --home /tmp/home   # another one

Generated, never edited by hand: rerun after a change to the page."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
QUERY = "data engineer jobs in Berlin paying at least 70k euros, posted this week"
PHONE_QUERY = "software engineer jobs in London, posted this week"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=None, help="data home (default: JOBSEARCH_HOME / user dir)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    if args.home:
        os.environ["JOBSEARCH_HOME"] = str(args.home)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    from playwright.sync_api import sync_playwright

    from jobsearch.api import create_app
    from jobsearch.pipeline import open_pipeline
    from jobsearch.serve import ServeSettings, serve_in_background

    args.out.mkdir(parents=True, exist_ok=True)
    with serve_in_background(create_app(open_pipeline(), ServeSettings())) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        desk = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-US", color_scheme="light")
        page = desk.new_page()
        page.goto(f"{url}/?q={QUERY.replace(' ', '+')}")
        page.wait_for_selector(".results .card")
        page.wait_for_selector('#search-form[aria-busy="false"]')
        page.screenshot(path=str(args.out / "desktop.png"))
        page.locator(".results .title-button").first.click()
        page.get_by_role("dialog").wait_for()
        page.screenshot(path=str(args.out / "detail.png"))
        phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                    has_touch=True, locale="en-US", color_scheme="light")
        page = phone.new_page()
        page.goto(f"{url}/?q={PHONE_QUERY.replace(' ', '+')}")
        page.wait_for_selector(".results .card")
        page.wait_for_selector('#search-form[aria-busy="false"]')
        page.locator("#status").scroll_into_view_if_needed()
        page.evaluate("window.scrollTo(0, document.querySelector('#status').getBoundingClientRect().top + scrollY - 8)")
        page.screenshot(path=str(args.out / "mobile.png"))
        browser.close()
    for name in ("desktop.png", "detail.png", "mobile.png"):
        print(args.out / name)


if __name__ == "__main__":
    main()

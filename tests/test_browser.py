"""The report in a real headless Chromium (Debian's package, driven by Playwright)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = pytest.mark.browser
if not CHROMIUM.exists() or os.environ.get("SKIP_BROWSER"):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError("browser tests required but /usr/bin/chromium is missing (scripts/test.sh installs it)")
    pytest.skip("needs Debian chromium at /usr/bin/chromium", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def open_report(browser, path: Path, javascript: bool = True):
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    events = {"console": [], "requests": []}
    page.on("console", lambda m: events["console"].append(m) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: events["console"].append(e))
    page.on("request", lambda r: events["requests"].append(r.url))
    page.goto(path.resolve().as_uri())
    return context, page, events


def test_report_loads_clean_and_offline(browser, sample_run):
    report = sample_run["dir"] / "report.html"
    context, page, events = open_report(browser, report)
    assert events["console"] == []
    assert events["requests"] == [report.resolve().as_uri()]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"))
    assert page.locator("#actions li.act").count() >= 3
    assert page.locator("#ranking-table > tbody > tr").count() == 50
    context.close()


def test_sorting_and_filtering(browser, sample_run):
    context, page, _ = open_report(browser, sample_run["dir"] / "report.html")
    names = page.locator("#ranking-table > tbody > tr > td:nth-child(2) summary")
    before = names.all_inner_texts()
    page.locator("#ranking-table th", has_text="Mailbox").click()
    after = names.all_inner_texts()
    assert after != before and after == sorted(after, key=str.lower)
    page.locator("[data-filter-for=ranking-table] input").fill(before[0])
    visible = page.locator("#ranking-table > tbody > tr:visible")
    assert visible.count() >= 1 and visible.count() < len(before)
    page.locator("[data-filter-for=ranking-table] input").fill("")
    page.locator("[data-filter-for=ranking-table] select[name=triage]").select_option("act")
    assert all(b == "ACT" for b in page.locator("#ranking-table > tbody > tr:visible > td:nth-child(3) .badge").all_inner_texts())
    codes = page.locator("#codes-table > tbody > tr:visible")
    total = codes.count()
    page.locator("[data-filter-for=codes-table] select[name=category]").select_option("licence")
    assert 1 <= codes.count() < total
    context.close()


def test_expanding_a_mailbox_shows_its_codes(browser, sample_run):
    context, page, _ = open_report(browser, sample_run["dir"] / "report.html")
    first = page.locator("#ranking-table > tbody > tr").first
    assert not first.locator("table.pairs").is_visible()
    first.locator("summary").click()
    assert first.locator("table.pairs tbody tr").count() >= 1 and first.locator("table.pairs").is_visible()
    context.close()


def test_without_javascript_tables_and_actions_are_there(browser, sample_run):
    context, page, events = open_report(browser, sample_run["dir"] / "report.html", javascript=False)
    assert page.locator("#actions li").count() >= 3
    assert page.locator("#ranking-table > tbody > tr:visible").count() == 50
    assert not page.locator(".toolbar").first.is_visible()
    context.close()

"""Render a report in headless Debian Chromium and save a PNG (used for the README screenshot).

    python docs/make_screenshot.py report.html docs/report.png [--full]
"""
from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def screenshot(html: Path, png: Path, full_page: bool = False, width: int = 1280, height: int = 900) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(html.resolve().as_uri())
        page.screenshot(path=str(png), full_page=full_page)
        browser.close()


if __name__ == "__main__":
    screenshot(Path(sys.argv[1]), Path(sys.argv[2]), full_page="--full" in sys.argv)

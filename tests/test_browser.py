"""The query UI in a real browser: Debian's Chromium driven by Playwright, against `ikg serve`."""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("IKG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is needed for the UI tests and was not found at {CHROMIUM}: "
                    "install Debian's `chromium` (CI does) or set IKG_CHROMIUM")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def test_yasgui_runs_a_query_and_an_example_without_leaving_the_server(browser, server):
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    elsewhere: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(server) else elsewhere.append(r.url))
    page.goto(server + "/")
    assert "ikg" in page.title()
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table tbody tr", timeout=20_000)
    assert page.locator(".yasr table tbody tr").count() == 20  # the starting query's LIMIT
    page.click("text=projects-by-call")
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    page.wait_for_selector(".tabPanel.active .yasr table tbody tr", timeout=20_000)
    text = page.locator(".tabPanel.active .yasr table").inner_text()
    assert "interreg-europe-2014-2020-call-4" in text
    assert elsewhere == []
    page.close()

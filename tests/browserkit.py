"""What the browser tests share: one headless Chromium (Debian's ``chromium``) per test module,
driven by Playwright (the ``browser`` fixture, offered to every folder by tests/conftest.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from sitekit import missing_tool

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium() -> str:
    """Debian's Chromium, the browser the tests drive (PATH first, then where Debian puts it)."""
    found = shutil.which("chromium") or "/usr/bin/chromium"
    if not (os.path.isfile(found) and os.access(found, os.X_OK)):
        missing_tool("chromium", "apt-get install chromium, or ./scripts/setup")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()

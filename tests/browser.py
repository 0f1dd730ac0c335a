"""A headless browser for the tests that render ftlab's HTML pages, when this machine has one."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

BROWSER = next(
    (
        shutil.which(name)
        for name in ("chromium", "chromium-headless-shell", "chromium-browser", "google-chrome", "chrome")
        if shutil.which(name)
    ),
    None,
)

#: Headless, as root (CI), and offline: no background connections, updates or sync to try.
OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

#: Marks a test that needs :data:`BROWSER`.
needs_browser = pytest.mark.skipif(
    BROWSER is None, reason="no chromium or chrome on this machine to render the page headless"
)


def rendered_dom(page: Path) -> str:
    """The DOM the headless browser makes of ``page`` (the test fails if the browser does)."""
    assert BROWSER is not None
    with tempfile.TemporaryDirectory(prefix="ftlab-browser-") as profile:
        dom = subprocess.run(
            [BROWSER, *OFFLINE_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert dom.returncode == 0, dom.stderr
    return dom.stdout

"""A headless browser for the tests that render ftlab's HTML pages, when this machine has one."""

from __future__ import annotations

import shutil
import subprocess
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

#: Marks a test that needs :data:`BROWSER`.
needs_browser = pytest.mark.skipif(
    BROWSER is None, reason="no chromium or chrome on this machine to render the page headless"
)


def rendered_dom(page: Path) -> str:
    """The DOM the headless browser makes of ``page`` (the test fails if the browser does)."""
    assert BROWSER is not None
    dom = subprocess.run(
        [BROWSER, "--headless", "--disable-gpu", "--no-sandbox", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert dom.returncode == 0, dom.stderr
    return dom.stdout

"""The HTTP library under the installed openai SDK, for clients that talk over a Unix socket."""

from __future__ import annotations

from types import ModuleType


def http_library() -> ModuleType:
    """``httpx2`` under openai 3.x, ``httpx`` before: the module whose transports the SDK accepts."""
    try:
        import httpx2

        return httpx2
    except ImportError:  # pragma: no cover - openai < 3
        import httpx  # type: ignore[import-not-found,unused-ignore]

        return httpx

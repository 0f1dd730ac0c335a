"""Which fine-tuning API a command talks to: the offline mock, a local server, or the real one.

Never the real API by accident: it takes ``--real`` and an ``OPENAI_API_KEY``, and whichever is
chosen is said in one clear line before anything is sent.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from ftlab.errors import FtlabError

REAL_API = "https://api.openai.com/v1"
LOCAL_KEY = "sk-ftlab-local"


class EndpointRefused(FtlabError):
    """The environment and options don't allow a safe choice of API."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class Endpoint:
    """An API to talk to: its base URL, the key to send, and whether it can cost money."""

    base_url: str
    api_key: str
    kind: str  # "mock" (started by this command) | "local" (a server on this machine) | "real"

    @property
    def banner(self) -> str:
        if self.kind == "mock":
            return f"Using the offline mock API at {self.base_url} (nothing leaves this machine)"
        if self.kind == "local":
            return f"Using the API at {self.base_url} on this machine (from OPENAI_BASE_URL)"
        return f"Using the REAL OpenAI API at {self.base_url} — this costs money"


def is_local(url: str) -> bool:
    """True when ``url`` points at this machine (loopback or a Unix socket)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def choose(environ: Mapping[str, str], *, real: bool) -> Endpoint | None:
    """The endpoint ``environ`` and ``--real`` ask for; None means "start the mock in-process"."""
    base_url = environ.get("OPENAI_BASE_URL", "").strip()
    key = environ.get("OPENAI_API_KEY", "").strip()
    if real:
        if not key:
            raise EndpointRefused(
                "--real needs your OpenAI API key in the OPENAI_API_KEY environment variable; "
                "nothing was sent"
            )
        url = base_url or REAL_API
        return Endpoint(url, key, "local" if is_local(url) else "real")
    if not base_url:
        return None
    if not is_local(base_url):
        raise EndpointRefused(
            f"OPENAI_BASE_URL is {base_url}, which is not this machine: add --real to send your "
            "dataset there (it may cost money), or unset OPENAI_BASE_URL to use the offline mock"
        )
    return Endpoint(base_url, key or LOCAL_KEY, "local")


def unused_key_note(environ: Mapping[str, str], endpoint: Endpoint) -> str | None:
    """A note when an OPENAI_API_KEY is set but not used (so no one thinks they trained for real)."""
    if endpoint.kind == "mock" and environ.get("OPENAI_API_KEY", "").strip():
        return "(OPENAI_API_KEY is set but not used: add --real to use the real API)"
    return None

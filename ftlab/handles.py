"""Handles: resources a grader names in plain data and the learner's side builds for itself."""

from __future__ import annotations

from typing import Any

from ftlab.plain import Handle, register_handle


class Unserializable:
    """A value no JSON encoder can write: proves that a failed write leaves no half file."""

    def __repr__(self) -> str:
        return "<a value JSON cannot encode>"


def unserializable() -> Handle:
    """A handle that becomes an :class:`Unserializable` where the learner's code runs."""
    return Handle("unserializable", {})


def _build_unserializable(params: dict[str, Any]) -> Unserializable:
    return Unserializable()


register_handle("unserializable", _build_unserializable)


def openai_client(*, base_url: str, api_key: str, socket: str | None = None, timeout: float = 30.0, max_retries: int = 0) -> Handle:
    """A handle that becomes ``openai.OpenAI`` where the learner's code runs, pointed at ``base_url``.

    With ``socket``, HTTP goes over that Unix socket: the way a sandboxed learner reaches the mock
    API (serve it with ``MockServer(host="unix://" + path)`` on a path under the run's temporary
    folder, e.g. from ``tmp_path_factory``, which the sandbox mounts at the same path).
    """
    return Handle("openai_client", {"base_url": base_url, "api_key": api_key, "socket": socket, "timeout": timeout, "max_retries": max_retries})


def mock_client(server: Any, *, api_key: str | None = None) -> Handle:
    """The :func:`openai_client` handle for a running ``ftlab.mock.server.MockServer``."""
    from ftlab.mock.server import DEFAULT_KEY

    return openai_client(base_url=server.base_url, api_key=api_key or DEFAULT_KEY, socket=server.socket_path)


def _build_openai_client(params: dict[str, Any]) -> Any:
    from openai import DefaultHttpxClient, OpenAI

    options: dict[str, Any] = {"base_url": params["base_url"], "api_key": params["api_key"], "timeout": params["timeout"], "max_retries": params["max_retries"]}
    if params.get("socket"):
        try:
            import httpx2 as http
        except ImportError:  # pragma: no cover - openai < 3 uses httpx
            import httpx as http  # type: ignore[no-redef]
        options["http_client"] = DefaultHttpxClient(transport=http.HTTPTransport(uds=params["socket"]))
    return OpenAI(**options)


register_handle("openai_client", _build_openai_client)

"""Handles: resources a grader names in plain data and the learner's side builds for itself.

The same grader runs the learner's code in this process or in a sandboxed child, so a grader
never hands over a live object: it hands over a
:class:`~ftlab.grading.isolation.plain_data.Handle` (a kind and plain parameters) and the side
that runs the learner's code builds the object here. An ``openai_client`` handle becomes an
``openai.OpenAI`` pointed at the mock API (over TCP or a Unix socket); a ``mock_sleep`` handle
becomes a ``sleep(seconds)`` that moves the mock's manual clock over HTTP instead of sleeping, so
no grader ever waits.
"""

from __future__ import annotations

import atexit
import math
import threading
from collections import OrderedDict
from typing import Any

from ftlab.grading.isolation.plain_data import Handle, register_handle
from ftlab.transport import http_library
from ftlab.values import is_number, is_strict_int

#: The openai SDK's own default: 408, 409, 429 and 5xx answers are retried twice.
SDK_RETRIES = 2
#: How much simulated time one call may sleep in all before ``mock_sleep`` refuses (a day).
SLEEP_LIMIT = 86_400.0
_POOLS = 8


class Unserializable:
    """A value no JSON encoder can write: proves that a failed write leaves no half file."""

    def __repr__(self) -> str:
        return "<a value JSON cannot encode>"


def unserializable() -> Handle:
    """A handle that becomes an :class:`Unserializable` where the learner's code runs."""
    return Handle("unserializable", {})


def _build_unserializable(params: dict[str, Any]) -> Unserializable:
    return Unserializable()


def openai_client(
    base_url: str, api_key: str, *, socket: str | None = None, max_retries: int = SDK_RETRIES
) -> Handle:
    """A handle that becomes ``openai.OpenAI(base_url=..., api_key=..., max_retries=...)``.

    With ``socket`` (a Unix socket path) the client's HTTP goes over that socket, whatever host
    ``base_url`` names: how a sandbox with no network reaches the mock.
    """
    return Handle(
        "openai_client",
        {"base_url": base_url, "api_key": api_key, "socket": socket, "max_retries": max_retries},
    )


def _build_openai_client(params: dict[str, Any]) -> Any:
    import openai

    http = _pool(params["base_url"], params.get("socket"), sdk=True)
    return openai.OpenAI(
        base_url=params["base_url"],
        api_key=params["api_key"],
        max_retries=int(params["max_retries"]),
        http_client=http,
    )


def mock_sleep(
    url: str, api_key: str, *, socket: str | None = None, limit_seconds: float = SLEEP_LIMIT
) -> Handle:
    """A handle that becomes a :class:`MockSleep`: ``sleep(s)`` advances the mock at ``url`` by s.

    ``url`` is the server's root (``MockServer.url``); ``limit_seconds`` caps the simulated time
    one call into the learner's code may sleep, so a loop that never ends fails fast.
    """
    return Handle(
        "mock_sleep", {"url": url, "api_key": api_key, "socket": socket, "limit_seconds": limit_seconds}
    )


class SleepLimitExceeded(BaseException):
    """The learner's code asked the grader's ``sleep`` for more time than the check allows.

    A ``BaseException``, like ``KeyboardInterrupt``: a loop that catches ``Exception`` and tries
    again cannot swallow it and go on forever.
    """

    def __init__(self, calls: list[float], limit: float) -> None:
        super().__init__(calls, limit)
        self.calls, self.limit = list(calls), limit

    def __str__(self) -> str:
        return (
            f"sleep() was asked for {sum(self.calls):g} s in all over {len(self.calls)} calls, "
            f"more than the {self.limit:g} s this check allows: does your loop poll the job again "
            "after each sleep, and stop once timeout_seconds have passed?"
        )


class MockSleep:
    """``time.sleep``'s stand-in: moves the mock's manual clock instead of waiting; keeps ``calls``."""

    def __init__(
        self, url: str, api_key: str, *, socket: str | None = None, limit_seconds: float = SLEEP_LIMIT
    ) -> None:
        self.url, self.api_key, self.socket, self.limit = (
            url.rstrip("/"),
            api_key,
            socket,
            float(limit_seconds),
        )
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        if not is_number(seconds):
            raise TypeError(f"sleep() takes a number of seconds, not {type(seconds).__name__}")
        if math.isnan(seconds) or seconds < 0:
            raise ValueError(f"sleep length must be a number of seconds >= 0, got {seconds!r}")
        if sum(self.calls) + seconds > self.limit:
            raise SleepLimitExceeded([*self.calls, float(seconds)], self.limit)
        self.calls.append(float(seconds))
        response = _pool(self.url, self.socket, sdk=False).post(
            f"{self.url}/_mock/clock",
            json={"advance": seconds},
            headers={"Authorization": f"Bearer {self.api_key}"},
        )
        if response.status_code != 200:
            raise RuntimeError(
                f"the mock API would not advance its clock ({response.status_code}): {response.text[:300]}"
            )

    def __repr__(self) -> str:
        return f"<sleep that advances the mock at {self.url}>"


def _build_mock_sleep(params: dict[str, Any]) -> MockSleep:
    return MockSleep(
        params["url"],
        params["api_key"],
        socket=params.get("socket"),
        limit_seconds=params.get("limit_seconds", SLEEP_LIMIT),
    )


_pools: OrderedDict[tuple[str, str | None, bool], Any] = OrderedDict()
_pools_lock = threading.Lock()


def _pool(url: str, socket: str | None, *, sdk: bool) -> Any:
    """One HTTP connection pool per endpoint, shared by every client built here (the last few kept)."""
    origin = url.split("/", 3)[:3]
    key = ("/".join(origin), socket, sdk)
    with _pools_lock:
        if key in _pools:
            _pools.move_to_end(key)
            return _pools[key]
        http = http_library()
        # plain HTTP (the mock at 127.0.0.1 or on a Unix socket) never uses TLS: no certificates to load
        verify = not (socket or origin[0] == "http:")  # 40 ms per client to load certificates otherwise
        transport = {"transport": http.HTTPTransport(uds=socket, verify=verify)} if socket else {}
        if sdk:
            from openai import DefaultHttpxClient

            client = DefaultHttpxClient(verify=verify, **transport)
        else:
            client = http.Client(timeout=30.0, verify=verify, **transport)
        _pools[key] = client
        while len(_pools) > _POOLS:
            _pools.popitem(last=False)[1].close()
        return client


@atexit.register
def close_pools() -> None:
    """Close every pooled client, so no kept-alive connection is left for the collector to warn about."""
    with _pools_lock:
        while _pools:
            _pools.popitem()[1].close()


register_handle("unserializable", _build_unserializable)
register_handle("openai_client", _build_openai_client)
register_handle("mock_sleep", _build_mock_sleep)


def repeated(value: Any, count: int) -> Handle:
    """A handle that becomes ``[value] * count`` where the learner's code runs: a big input sent small."""
    if not is_strict_int(count) or count < 0:
        raise ValueError(f"count must be an integer >= 0, got {count!r}")
    return Handle("repeated", {"value": value, "count": count})


def _build_repeated(params: dict[str, Any]) -> list[Any]:
    return [params["value"]] * params["count"]


register_handle("repeated", _build_repeated)

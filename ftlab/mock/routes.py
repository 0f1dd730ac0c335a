"""Request plumbing: routing, the API key, parsing the body, faults, the request log, JSON out."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from ftlab.mock import errors
from ftlab.mock.state import KeyState, RequestRecord

if TYPE_CHECKING:
    from ftlab.mock.server import MockServer

T = TypeVar("T")
Handler = Callable[..., "dict[str, Any] | Response | Deferred"]

_KEY = re.compile(r"^[\x21-\x7e]+$")
_HANDLERS: dict[str, Handler] = {}
_RULES: list[Rule] = []
_PUBLIC = {"health"}


class Deferred:
    """A handler's answer to finish after the key's lock is released (slow work, such as a real model's reply)."""

    def __init__(self, finish: Callable[[], dict[str, Any] | Response]) -> None:
        self.finish = finish


def route(path: str, *methods: str) -> Callable[[Handler], Handler]:
    """Register a handler ``f(ctx, **path_values)`` for ``methods`` on ``path``."""

    def register(handler: Handler) -> Handler:
        endpoint = f"{handler.__module__}.{handler.__name__}"
        _HANDLERS[endpoint] = handler
        _RULES.append(Rule(path, methods=list(methods), endpoint=endpoint))
        if handler.__name__ in _PUBLIC:
            _PUBLIC.add(endpoint)
        return handler

    return register


class Context:
    """One request being answered: the server, the caller's key state, the parsed body."""

    def __init__(self, server: MockServer, request: Request) -> None:
        self.server = server
        self.request = request
        self.state: KeyState | None = None
        self.body: Any = None
        self.now = 0.0

    @property
    def key_state(self) -> KeyState:
        assert self.state is not None
        return self.state

    @property
    def query(self) -> dict[str, str]:
        return dict(self.request.args.items())

    def authenticate(self) -> None:
        header = self.request.headers.get("Authorization", "")
        scheme, _, key = header.strip().partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise errors.missing_key()
        if not _KEY.match(key) or (self.server.api_keys is not None and key not in self.server.api_keys):
            raise errors.bad_key(key)
        self.state = self.server.state.get(key)

    def parse_body(self) -> None:
        request = self.request
        if request.method not in ("POST", "PUT", "PATCH"):
            return
        if request.mimetype == "multipart/form-data":
            self.body = dict(request.form.items())
            for name, upload in request.files.items():
                self.body[name] = {"filename": upload.filename, "content_type": upload.mimetype}
            return
        data = request.get_data()
        if not data.strip():
            self.body = {}
            return
        try:
            self.body = json.loads(data)
        except ValueError:
            self.body = data.decode("utf-8", "replace")
            raise errors.ApiError(
                400,
                "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
                "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
                "sent was not valid JSON.)",
            ) from None

    def record(self, status: int) -> None:
        """Log this request for its key (the mock's own /_mock/ calls are not logged)."""
        if self.state is None or self.request.path.startswith("/_mock/"):
            return
        entry = RequestRecord(
            self.request.method,
            self.request.path,
            self.query,
            self.body,
            status,
            self.now or self.server.clock.now(),
        )
        with self.state.lock:
            self.state.requests.append(entry)

    # --- reading parameters -------------------------------------------------------------

    def json_body(self) -> dict[str, Any]:
        if not isinstance(self.body, dict):
            raise errors.ApiError(400, "The request body must be a JSON object.")
        return self.body

    def int_param(self, name: str, default: int, *, minimum: int, maximum: int) -> int:
        raw = self.request.args.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise errors.invalid_type(name, "an integer", raw) from None
        if not minimum <= value <= maximum:
            raise errors.out_of_range(name, value, minimum=minimum, maximum=maximum)
        return value


def dispatch(ctx: Context) -> Response:
    """Answer one request: route, authenticate, inject any fault, run the handler, log it."""
    request = ctx.request
    try:
        endpoint, values = _map().bind_to_environ(request.environ).match()
    except HTTPException:
        raise errors.invalid_url(request.method, request.path) from None
    handler = _HANDLERS[endpoint]
    if endpoint in _PUBLIC:
        return json_response(handler(ctx, **values))
    ctx.authenticate()
    state = ctx.key_state
    ctx.parse_body()
    if not request.path.startswith("/_mock/"):
        fault = state.faults.take(request.method, request.path) or ctx.server.state.faults.take(
            request.method, request.path
        )
        if fault is not None:
            raise fault
    with state.lock:
        ctx.now = ctx.server.clock.now()
        state.sync(ctx.now, ctx.server.ids)
        result = handler(ctx, **values)
    if isinstance(result, Deferred):
        result = result.finish()
    response = result if isinstance(result, Response) else json_response(result)
    ctx.record(response.status_code)
    return response


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False), status=status, content_type="application/json")


def page(
    items: Sequence[T], after: str | None, limit: int, ident: Callable[[T], str]
) -> tuple[list[T], bool]:
    """The ``limit`` items after the one whose id is ``after`` (from the start without it)."""
    start = 0
    if after is not None:
        ids = [ident(item) for item in items]
        start = ids.index(after) + 1 if after in ids else len(items)
    chunk = list(items[start : start + limit])
    return chunk, start + limit < len(items)


_built: list[Map] = []
_building = threading.Lock()


def _map() -> Map:
    with _building:
        if not _built:
            from ftlab.mock import admin, endpoints, tuning  # noqa: F401 - registering their routes

            _built.append(Map(_RULES, strict_slashes=False, merge_slashes=False))
        return _built[0]

"""Request plumbing: a route table, the API key, parsing the body, faults, the request log, JSON out.

Handlers are plain functions ``f(ctx, **path_values)``; a :class:`Router` answers requests from an
explicit list of :class:`Route` (the mock's own is :data:`ftlab.mock.api.ROUTES`). Whether a route
needs an API key is a property of the route, never of its handler's name.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from ftlab.mock import bodies, errors
from ftlab.mock.backend import TrainingBackend
from ftlab.mock.clock import Clock
from ftlab.mock.ids import IdMaker
from ftlab.mock.jobs import Timing
from ftlab.mock.state import KeyState, Registry, RequestRecord

T = TypeVar("T")
Handler = Callable[..., "dict[str, Any] | Response | Deferred"]

_KEY = re.compile(r"^[\x21-\x7e]+$")

#: The content types a JSON endpoint accepts a body in.
JSON_TYPES = ("application/json",)


class Host(Protocol):
    """What answering a request needs of the server it reached (:class:`ftlab.mock.MockServer` is one)."""

    api_keys: frozenset[str] | None
    state: Registry
    clock: Clock
    ids: IdMaker
    backend: TrainingBackend
    org: str
    timing: Timing

    @property
    def base_url(self) -> str: ...


@dataclass(frozen=True)
class Route:
    """``handler`` answers ``methods`` on ``path``; a ``public`` route needs no API key.

    A ``form`` route takes an upload (multipart/form-data); every other route's body must be JSON.
    """

    path: str
    handler: Handler
    methods: tuple[str, ...]
    public: bool = False
    form: bool = False  # the body is multipart/form-data (an upload), not JSON


class Deferred:
    """A handler's answer to finish after the key's lock is released.

    For slow work, such as a real model's reply.
    """

    def __init__(self, finish: Callable[[], dict[str, Any] | Response]) -> None:
        self.finish = finish


class Context:
    """One request being answered: the server, the caller's key state, the parsed body."""

    def __init__(self, server: Host, request: Request) -> None:
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

    def parse_body(self, *, form: bool = False) -> None:
        """Read the body: an upload's form fields on a ``form`` route, a JSON value everywhere else."""
        request = self.request
        if request.method not in ("POST", "PUT", "PATCH"):
            return
        if form and request.mimetype == "multipart/form-data":
            self.body = dict(request.form.items())
            for name, upload in request.files.items():
                self.body[name] = {"filename": upload.filename, "content_type": upload.mimetype}
            return
        try:
            data = request.get_data()
        except HTTPException:  # the client sent less than its Content-Length and stopped
            raise errors.ApiError(
                400, "The request body ended before the length its Content-Length header announced."
            ) from None
        if not data.strip():
            self.body = {}
            return
        if not form and request.mimetype not in JSON_TYPES:
            raise errors.ApiError(
                400, f"Invalid Content-Type header ({request.mimetype or 'none'}), expected application/json."
            )
        self.body = bodies.parse_json(data)

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


class Router:
    """Answers requests from a route table; refuses a table that routes one method and path twice."""

    def __init__(self, routes: Sequence[Route]) -> None:
        self.routes = tuple(routes)
        seen: set[tuple[str, str]] = set()
        rules = []
        for index, entry in enumerate(self.routes):
            for method in entry.methods:
                if (method, entry.path) in seen:
                    raise ValueError(f"{method} {entry.path} is routed twice")
                seen.add((method, entry.path))
            rules.append(Rule(entry.path, methods=list(entry.methods), endpoint=index))
        self._map = Map(rules, strict_slashes=False, merge_slashes=False)

    def respond(self, host: Host, request: Request) -> Response:
        """The response to ``request``, errors included, in OpenAI's shape."""
        ctx = Context(host, request)
        try:
            return self.dispatch(ctx)
        except errors.ApiError as error:
            ctx.record(error.status)
            return error_response(error)
        except Exception as error:  # noqa: BLE001 - a bug in the mock must still answer like OpenAI
            print(
                f"ftlab mock: internal error on {request.method} {request.path}: {error!r}", file=sys.stderr
            )
            ctx.record(500)
            message = "The server had an error while processing your request. Sorry about that!"
            return error_response(errors.ApiError(500, message, type="server_error"))

    def dispatch(self, ctx: Context) -> Response:
        """Answer one request: route, authenticate, inject any fault, run the handler, log it."""
        request = ctx.request
        try:
            index, values = self._map.bind_to_environ(request.environ).match()
        except HTTPException:
            raise errors.invalid_url(request.method, request.path) from None
        entry = self.routes[index]
        if entry.public:
            return json_response(entry.handler(ctx, **values))
        ctx.authenticate()
        state = ctx.key_state
        ctx.parse_body(form=entry.form)
        if not request.path.startswith("/_mock/"):
            method, path = request.method, request.path
            fault = state.faults.take(method, path) or ctx.server.state.faults.take(method, path)
            if fault is not None:
                raise fault
        state.settle(ctx.server.clock)
        with state.lock:
            ctx.now = ctx.server.clock.now()
            state.sync(ctx.now, ctx.server.ids)
            result = entry.handler(ctx, **values)
        if isinstance(result, Deferred):
            result = result.finish()
        response = result if isinstance(result, Response) else json_response(result)
        ctx.record(response.status_code)
        return response


def json_response(payload: Any, status: int = 200) -> Response:
    """``payload`` as JSON; a non-finite number raises ValueError (JSON has no Infinity or NaN)."""
    return Response(bodies.dumps(payload), status=status, content_type="application/json")


def error_response(error: errors.ApiError) -> Response:
    return Response(
        bodies.dumps(error.body()),
        status=error.status,
        headers=error.headers,
        content_type="application/json",
    )


def page(
    items: Sequence[T],
    after: str | None,
    limit: int,
    ident: Callable[[T], str],
    *,
    made: Mapping[str, int] | None = None,
    newest_first: bool = False,
) -> tuple[list[T], bool]:
    """The ``limit`` items after the one whose id is ``after`` (from the start without it).

    ``made`` numbers every id ever created in this collection (in creation order, deleted ones
    included), so a cursor that was deleted still pages on from where it stood; ``items`` must then
    be in creation order (or its reverse, ``newest_first``). Without it, an unknown cursor gives an
    empty page.
    """
    start = 0
    if after is not None:
        ids = [ident(item) for item in items]
        if after in ids:
            start = ids.index(after) + 1
        elif made is not None and after in made:
            rank = made[after]
            ranks = [made.get(i, -1) for i in ids]
            start = sum(1 for r in ranks if (r > rank if newest_first else r < rank))
        else:
            start = len(items)
    chunk = list(items[start : start + limit])
    return chunk, start + limit < len(items)

"""The mock's HTTP server: a threaded werkzeug server on loopback speaking OpenAI's REST API.

``MockServer`` is also the Python control panel for tests and graders: its state per API key
(uploads, jobs, the log of requests that reached it), fault injection and the clock.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request

from ftlab.mock import errors
from ftlab.mock.api import ROUTES
from ftlab.mock.backend import SimulatedTraining, TrainingBackend
from ftlab.mock.clock import Clock, ManualClock, ScaledClock
from ftlab.mock.connections import Connections, handler_for
from ftlab.mock.faults import Fault, JobFault, arm_failure
from ftlab.mock.files import StoredFile
from ftlab.mock.ids import IdMaker
from ftlab.mock.jobs import Job, Timing
from ftlab.mock.routes import Router
from ftlab.mock.state import ClockAdvance, KeyState, Registry, RequestRecord
from ftlab.tokens.encodings import warm_in_background
from ftlab.transport import http_library

if TYPE_CHECKING:
    from openai import OpenAI

DEFAULT_KEY = "sk-ftlab-test"


class MockServer:
    """An offline OpenAI fine-tuning API. ``with MockServer() as mock:`` serves on a free port.

    ``clock``: simulated time (default :class:`ScaledClock`, 1000x real time);
    ``api_keys``: if given, only these keys are accepted (others get OpenAI's 401);
    ``org``: the organisation part of fine-tuned model names ("personal" as for a personal account);
    ``seed``: makes ids reproducible; ``log``: print one line per request (the CLI does);
    ``backend``: what jobs train on and what answers their models (default :class:`SimulatedTraining`;
    a real-time one such as :class:`ftlab.mock.lora.LoraTraining` makes the default clock the wall clock);
    ``warm_encodings``: load every shipped token encoding in the background after the first request
    (False where the process has warmed what it needs itself, as a grading run does).
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        api_keys: Iterable[str] | None = None,
        org: str = "personal",
        timing: Timing | None = None,
        seed: int | str | None = None,
        log: bool = False,
        backend: TrainingBackend | None = None,
        warm_encodings: bool = True,
    ) -> None:
        self.backend: TrainingBackend = backend if backend is not None else SimulatedTraining()
        self.clock: Clock = (
            clock if clock is not None else ScaledClock(1.0) if self.backend.real_time else ScaledClock()
        )
        self.host, self.port = host, port
        self.api_keys = frozenset(api_keys) if api_keys is not None else None
        self.org = org
        self.timing = timing or Timing()
        self.ids = IdMaker(seed)
        self.state = Registry()
        self.router = Router(ROUTES)
        self._log = log
        self._httpd: BaseWSGIServer | None = None
        self._connections = Connections()
        self._thread: threading.Thread | None = None
        self._http: Any = None
        self._http_lock = threading.Lock()
        self._warm_owed = warm_encodings  # the encodings' background load, begun at the first request

    # --- lifecycle ----------------------------------------------------------------------

    def bind(self) -> MockServer:
        """Open the listening socket (port 0 picks a free one) without serving yet."""
        if self._httpd is not None:
            raise RuntimeError("the mock server is already bound")
        self._connections = Connections()
        try:
            self._httpd = make_server(
                self.host,
                self.port,
                self,
                threaded=True,
                request_handler=handler_for(self._connections, quiet=not self._log),
            )
        except SystemExit:  # werkzeug prints why (e.g. port in use) and exits
            raise OSError(f"cannot listen on {self.host}:{self.port}") from None
        self.port = self._httpd.port
        return self

    def start(self) -> MockServer:
        """Bind if needed and serve from a background thread."""
        if self._httpd is None:
            self.bind()
        assert self._httpd is not None
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, name="ftlab-mock", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (the ``ftlab mock-server`` command)."""
        if self._httpd is None:
            self.bind()
        assert self._httpd is not None
        self._httpd.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self.backend.close()
        with self._http_lock:
            if self._http is not None:
                self._http.close()
                self._http = None
        if self._httpd is None:
            return
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._connections.close_all()  # kept-alive connections: none may reach a stopped server
        self._httpd.server_close()
        self._httpd = None
        if self.socket_path and os.path.exists(self.socket_path):
            os.unlink(self.socket_path)

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def socket_path(self) -> str | None:
        """The Unix socket served on, for ``host="unix:///path/to.sock"``; None on TCP."""
        return self.host[len("unix://") :] if self.host.startswith("unix://") else None

    @property
    def url(self) -> str:
        """The server's root URL (on a Unix socket, the URL to use over that socket)."""
        return "http://localhost" if self.socket_path else f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What ``OpenAI(base_url=...)`` and ``OPENAI_BASE_URL`` want."""
        return f"{self.url}/v1"

    def client(self, api_key: str = DEFAULT_KEY, **kwargs: Any) -> OpenAI:
        """An unmodified ``openai.OpenAI`` client pointed at this server.

        Clients share one HTTP connection pool (the SDK's own default client, without the TLS
        context that plain HTTP to this server never uses), which this server closes when it stops;
        pass ``http_client=`` to use your own.
        """
        from openai import DefaultHttpxClient, OpenAI

        if "http_client" not in kwargs:
            with self._http_lock:
                if self._http is None:
                    transport = (
                        {"transport": http_library().HTTPTransport(uds=self.socket_path)}
                        if self.socket_path
                        else {}
                    )
                    self._http = DefaultHttpxClient(verify=False, **transport)
                kwargs["http_client"] = self._http
        return OpenAI(base_url=self.base_url, api_key=api_key, **kwargs)

    # --- state, for graders and tests ---------------------------------------------------

    def key_state(self, api_key: str = DEFAULT_KEY) -> KeyState:
        """Everything held for ``api_key``, brought up to the clock's time. Hold ``.lock`` to read it."""
        state = self.state.get(api_key)
        state.settle(self.clock)
        with state.lock:
            state.sync(self.clock.now(), self.ids)
        return state

    def requests(self, api_key: str = DEFAULT_KEY) -> list[RequestRecord]:
        """The requests that reached the server with this key, oldest first."""
        state = self.state.get(api_key)
        with state.lock:
            return list(state.requests)

    def uploads(self, api_key: str = DEFAULT_KEY) -> list[StoredFile]:
        """The files this key uploaded (not result files), oldest first, with their bytes."""
        state = self.key_state(api_key)
        with state.lock:
            return [f for f in state.files.values() if f.purpose != "fine-tune-results"]

    def clock_advances(self, api_key: str = DEFAULT_KEY) -> list[ClockAdvance]:
        """This key's ``POST /_mock/clock`` calls (a grader's sleeps), oldest first."""
        state = self.state.get(api_key)
        with state.lock:
            return list(state.clock_advances)

    def jobs(self, api_key: str = DEFAULT_KEY) -> list[Job]:
        state = self.key_state(api_key)
        with state.lock:
            return list(state.jobs.values())

    # --- faults -------------------------------------------------------------------------

    def inject_fault(
        self,
        status: int,
        count: int = 1,
        *,
        api_key: str | None = None,
        method: str | None = None,
        path: str | None = None,
        message: str | None = None,
        retry_after_ms: int | None = 10,
    ) -> Fault:
        """Answer the next ``count`` API calls (for ``api_key``, or any key) with ``status``.

        ``method``/``path`` (a prefix such as ``/v1/fine_tuning/jobs``) narrow which calls.
        Remember the openai SDK retries 408, 409, 429 and 5xx twice by default, so a count of
        2 or less is invisible to code using the SDK's defaults.
        """
        book = self.state.faults if api_key is None else self.state.get(api_key).faults
        return book.add(Fault(status, count, method, path, message, retry_after_ms))

    def fail_next_job(
        self,
        *,
        api_key: str | None = None,
        at_step: int | None = None,
        message: str | None = None,
        code: str | None = None,
    ) -> JobFault:
        """Make the next job created (for ``api_key``, or any key) fail mid-run at ``at_step``."""
        book = self.state.faults if api_key is None else self.state.get(api_key).faults
        return book.add_job_fault(JobFault(at_step, message, code))

    def fail_job(
        self,
        job_id: str,
        *,
        api_key: str = DEFAULT_KEY,
        at_step: int | None = None,
        message: str | None = None,
        code: str | None = None,
    ) -> Job:
        """Make an existing job fail when it reaches ``at_step`` (None: at its next step)."""
        state = self.key_state(api_key)
        with state.lock:
            job = state.job(job_id)
            arm_failure(job, JobFault(at_step, message, code), next_step=True)
            return job

    def clear_faults(self, api_key: str | None = None) -> None:
        (self.state.faults if api_key is None else self.state.get(api_key).faults).clear()

    # --- WSGI ---------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if self._warm_owed:  # after start-up, so that the first answer is not slowed down
            self._warm_owed = False
            warm_in_background()  # the token encodings, once per process
        request = Request(environ)
        started = time.perf_counter()
        try:
            response = self.router.respond(self, request)
        finally:
            request.close()  # uploaded files spool to temporary files
        response.headers.setdefault("x-request-id", self.ids.request())
        response.headers["openai-processing-ms"] = str(max(1, round((time.perf_counter() - started) * 1000)))
        response.headers["openai-version"] = "2020-10-01"
        return response(environ, start_response)


__all__ = ["DEFAULT_KEY", "ManualClock", "MockServer", "ScaledClock", "errors"]

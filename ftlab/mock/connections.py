"""The mock's HTTP connections: kept open between requests, every one closed when the server stops.

werkzeug's development server closes the connection after each answer, because it cannot tell
where a request it has not read ends. The mock can: a request with a ``Content-Length`` (what
the openai SDK sends) ends after that many bytes, so the handler here reads what the app left
unread and keeps the connection for the client's next request, sparing it a new TCP connection
and the server a new thread each time. A request without a length (chunked) is served the
werkzeug way, and its connection closed after.

A kept connection would outlive its server, and a new server on the same port would see a
client's old connection reach the old one: :class:`Connections` lets ``MockServer.stop`` close
every connection still open.
"""

from __future__ import annotations

import io
import socket
import threading
import traceback
from collections.abc import Iterable
from typing import IO, Any, cast

from werkzeug.exceptions import ClientDisconnected, InternalServerError
from werkzeug.serving import WSGIRequestHandler
from werkzeug.wsgi import LimitedStream

#: answers that never carry a body (RFC 9110), whatever their headers say
_NO_BODY = frozenset({204, 304})


class Connections:
    """The connections a server has open; :meth:`close_all` ends them (and refuses any later one)."""

    def __init__(self) -> None:
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False

    def add(self, connection: socket.socket) -> bool:
        """Count a new connection in; False once the server has stopped (then close it)."""
        with self._lock:
            if not self._closed:
                self._open.add(connection)
        return not self._closed

    def discard(self, connection: socket.socket) -> None:
        with self._lock:
            self._open.discard(connection)

    def __len__(self) -> int:
        with self._lock:
            return len(self._open)

    def close_all(self) -> None:
        """Shut every open connection down: its handler's next read ends, and so does its thread."""
        with self._lock:
            self._closed, connections = True, list(self._open)
            self._open.clear()
        for connection in connections:
            _shut(connection)


def _shut(connection: socket.socket) -> None:
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed by the client
        pass


class KeepAliveHandler(WSGIRequestHandler):
    """werkzeug's request handler, keeping HTTP/1.1 connections open between requests."""

    protocol_version = "HTTP/1.1"
    quiet = True
    connections: Connections

    def setup(self) -> None:
        super().setup()
        if self.connection.family != socket.AF_UNIX:  # a small write leaves at once (no Nagle wait)
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if not self.connections.add(self.connection):
            _shut(self.connection)  # accepted while the server was stopping

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.connections.discard(self.connection)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if not self.quiet:
            super().log_request(code, size)

    def run_wsgi(self) -> None:
        length = _body_length(self.headers)
        if length is None or self.headers.get("Expect"):
            self.close_connection = True  # werkzeug's way: it closes the connection after
            super().run_wsgi()
            return
        environ = self.make_environ()
        body = LimitedStream(cast(IO[bytes], self.rfile), length)
        environ["wsgi.input"] = body
        try:
            self._answer(environ)
            body.exhaust()  # what the app left unread, so the next request starts where it should
        except (ConnectionError, TimeoutError, ClientDisconnected):
            self.close_connection = True

    def _answer(self, environ: dict[str, Any]) -> None:
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return self.wfile.write

        try:
            chunks: Iterable[bytes] = self.server.app(environ, start_response)
        except Exception:  # noqa: BLE001 - werkzeug answers 500 and logs the traceback too
            self.server.log("error", f"Error on request:\n{traceback.format_exc()}")
            self.close_connection = True
            chunks = InternalServerError()(environ, start_response)
        try:
            self._send(started[0], started[1], chunks, environ["REQUEST_METHOD"])
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    def _send(
        self, status: str, headers: list[tuple[str, str]], chunks: Iterable[bytes], method: str
    ) -> None:
        code_text, _, reason = status.partition(" ")
        code = int(code_text)
        self.send_response(code, reason)
        names = set()
        for name, value in headers:
            self.send_header(name, value)
            names.add(name.lower())
        chunked = not ("content-length" in names or method == "HEAD" or code < 200 or code in _NO_BODY)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        if self.close_connection:
            self.send_header("Connection", "close")
        if chunked:  # streamed: each chunk leaves as the app makes it
            self.end_headers()
            for data in chunks:
                if data:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.write(b"0\r\n\r\n")
            return
        buffer = io.BytesIO()
        connection, self.wfile = self.wfile, buffer
        try:
            self.end_headers()
            for data in chunks:
                buffer.write(data)
        finally:
            self.wfile = connection
        self.wfile.write(buffer.getvalue())  # one write: the client wakes once, to the whole answer


def _body_length(headers: Any) -> int | None:
    """The request body's length: its ``Content-Length``, 0 without one; None if chunked or not a number."""
    if headers.get("Transfer-Encoding"):
        return None
    value = headers.get("Content-Length")
    if value is None:
        return 0
    value = value.strip()
    return int(value) if value.isdigit() else None


def handler_for(connections: Connections, *, quiet: bool) -> type[KeepAliveHandler]:
    """A handler class whose connections are counted in ``connections`` (one class per server)."""
    return type("MockRequestHandler", (KeepAliveHandler,), {"connections": connections, "quiet": quiet})

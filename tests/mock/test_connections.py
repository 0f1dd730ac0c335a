"""The mock's connections: kept open between requests, and every one closed when the server stops."""

from __future__ import annotations

import socket

import httpx2
import pytest

from ftlab.mock import ManualClock, MockServer, running_mock
from ftlab.mock.connections import Connections
from tests.mock_helpers import good_file, upload

KEY = "sk-ftlab-connections"


@pytest.fixture
def mock():
    with running_mock(clock=ManualClock()) as server:
        yield server


def request(path: str, body: bytes = b"", *, method: str = "GET", extra: str = "") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n"
    length = f"Content-Length: {len(body)}\r\n" if body else ""
    return (head + length + extra + "\r\n").encode() + body


def answers(connection: socket.socket, count: int) -> list[bytes]:
    """The status lines of the next ``count`` answers read from ``connection`` (bodies skipped)."""
    stream = connection.makefile("rb")
    lines = []
    for _ in range(count):
        lines.append(stream.readline().strip())
        length = 0
        while (header := stream.readline().strip()) != b"":
            name, _, value = header.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        stream.read(length)
    return lines


def test_one_connection_carries_one_request_after_another(mock: MockServer) -> None:
    with socket.create_connection(("127.0.0.1", mock.port), timeout=10) as connection:
        for _ in range(3):
            connection.sendall(request("/v1/models"))
            assert answers(connection, 1) == [b"HTTP/1.1 200 OK"]


def test_a_body_the_api_never_read_does_not_become_the_next_request(mock: MockServer) -> None:
    with socket.create_connection(("127.0.0.1", mock.port), timeout=10) as connection:
        unread = request("/v1/no-such-route", b"GET /v1/models HTTP/1.1\r\n\r\n" * 50, method="POST")
        connection.sendall(unread + request("/v1/models"))
        assert answers(connection, 2) == [b"HTTP/1.1 404 NOT FOUND", b"HTTP/1.1 200 OK"]


def test_a_request_without_a_length_is_answered_and_its_connection_closed(mock: MockServer) -> None:
    with socket.create_connection(("127.0.0.1", mock.port), timeout=10) as connection:
        chunked = "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n"
        body = b"2\r\n{}\r\n0\r\n\r\n"
        connection.sendall(request("/v1/fine_tuning/jobs", method="POST", extra=chunked) + body)
        assert answers(connection, 1) == [b"HTTP/1.1 400 BAD REQUEST"]
        assert connection.recv(1) == b""


def test_stopping_the_server_closes_the_connections_it_kept_open() -> None:
    server = MockServer(clock=ManualClock()).start()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(request("/v1/models"))
        assert answers(connection, 1) == [b"HTTP/1.1 200 OK"]
        server.stop()
        assert connection.recv(1) == b""


def test_a_new_server_on_the_port_of_a_stopped_one_is_never_reached_by_its_old_connections() -> None:
    http = httpx2.Client(timeout=10)
    first = MockServer(clock=ManualClock()).start()
    port = first.port
    try:
        from openai import OpenAI

        client = OpenAI(base_url=first.base_url, api_key=KEY, http_client=http, max_retries=0)
        upload(client, good_file(10), "first.jsonl")
        assert len(client.files.list().data) == 1
    finally:
        first.stop()
    second = MockServer(clock=ManualClock(), port=port)
    try:
        second.start()
    except OSError:
        pytest.skip(f"another process took port {port} in the meantime")
    try:
        assert client.files.list().data == [], "the request reached the stopped server's state"
        assert second.requests(KEY)
    finally:
        second.stop()
        http.close()


def test_connections_refuse_a_newcomer_once_closed() -> None:
    connections = Connections()
    left, right = socket.socketpair()
    with left, right:
        assert connections.add(left) and len(connections) == 1
        connections.close_all()
        assert len(connections) == 0 and left.recv(1) == b""
        assert not connections.add(right)

"""Issue 15's mock differences: bad input gets OpenAI's 400 (with ``param``), never a 500 or odd JSON.

One test (or a parametrized group) per numbered case of the issue, each over raw HTTP so the body
and status are exactly what the server sent.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from ftlab.mock import DEFAULT_KEY, ManualClock, MockServer, running_mock
from ftlab.transport import http_library
from tests.mock_helpers import good_file, jsonl

AUTH = {"Authorization": f"Bearer {DEFAULT_KEY}"}
CHAT = "/v1/chat/completions"
JOBS = "/v1/fine_tuning/jobs"


@pytest.fixture
def mock():
    with running_mock(clock=ManualClock(), seed=3) as server:
        yield server


def _post(mock: MockServer, path: str, body: Any = None, **kwargs: Any) -> Any:
    if body is not None:
        kwargs["json"] = body
    return http_library().post(mock.url + path, headers={**AUTH, **kwargs.pop("headers", {})}, **kwargs)


def _get(mock: MockServer, path: str, **params: Any) -> Any:
    return http_library().get(mock.url + path, headers=AUTH, params=params)


def _upload(mock: MockServer, data: bytes, name: str = "train.jsonl", purpose: str = "fine-tune") -> Any:
    return _post(mock, "/v1/files", files={"file": (name, data)}, data={"purpose": purpose})


def _training_file(mock: MockServer) -> str:
    return _upload(mock, good_file(12)).json()["id"]


def _refused(response: Any, param: str | None) -> dict[str, Any]:
    """Assert a 400 in OpenAI's error shape naming ``param``; the error object."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "param", "code"}
    assert body["error"]["type"] == "invalid_request_error"
    assert body["error"]["param"] == param
    return body["error"]


def _chat(messages: Any, **extra: Any) -> dict[str, Any]:
    return {"model": "gpt-4o-mini", "messages": messages, **extra}


# --- 1. 500 instead of 400 --------------------------------------------------------------


def test_a_method_whose_supervised_part_is_not_an_object_is_refused_naming_it(mock) -> None:
    body = {
        "training_file": _training_file(mock),
        "model": "gpt-4o-mini",
        "method": {"type": "supervised", "supervised": "x"},
    }
    _refused(_post(mock, JOBS, body), "method.supervised")


def test_a_text_part_whose_text_is_not_a_string_is_refused_naming_it(mock) -> None:
    messages = [{"role": "user", "content": [{"type": "text", "text": 5}]}]
    _refused(_post(mock, CHAT, _chat(messages)), "messages[0].content[0].text")


def test_a_body_nested_thousands_deep_is_refused_not_crashed_on(mock) -> None:
    deep = b'{"model": "gpt-4o-mini", "messages": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    response = _post(mock, CHAT, content=deep, headers={"Content-Type": "application/json"})
    _refused(response, None)
    assert "nested" in response.json()["error"]["message"]


def test_a_body_shorter_than_its_content_length_is_a_400(mock) -> None:
    body = b'{"model": "gpt-4o-mini"}'
    head = (
        f"POST {CHAT} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {DEFAULT_KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body) + 100}\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", mock.port), timeout=10) as sock:
        sock.sendall(head.encode() + body)
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    status_line, _, rest = reply.partition(b"\r\n")
    assert status_line.split()[1] == b"400", reply
    error = json.loads(rest.partition(b"\r\n\r\n")[2])["error"]
    assert error["type"] == "invalid_request_error"


# --- 2. every number finite -------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1e999", "-1e999", "NaN", "Infinity"])
def test_a_non_finite_learning_rate_is_refused_and_never_echoed(mock, raw: str) -> None:
    file_id = _training_file(mock)
    text = (
        f'{{"training_file": "{file_id}", "model": "gpt-4o-mini", '
        f'"hyperparameters": {{"learning_rate_multiplier": {raw}}}}}'
    )
    response = _post(mock, JOBS, content=text.encode(), headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    _strict_json(response.text)
    assert _strict_json(_get(mock, JOBS).text)["data"] == []


def _strict_json(text: str) -> Any:
    """``text`` parsed as RFC 8259 JSON: a bare NaN or Infinity fails the test."""

    def refuse(name: str) -> None:
        raise AssertionError(f"the response holds a bare {name}, which JSON parsers reject")

    return json.loads(text, parse_constant=refuse)


def test_the_json_encoder_refuses_non_finite_numbers() -> None:
    from ftlab.mock.routes import json_response

    with pytest.raises(ValueError):
        json_response({"learning_rate_multiplier": float("inf")})


# --- 3. suffixes ------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["a/b", "a:b", "two words", "ünï", "a?b"])
def test_a_suffix_with_a_character_openai_refuses_is_refused_at_job_creation(mock, suffix: str) -> None:
    body = {"training_file": _training_file(mock), "model": "gpt-4o-mini", "suffix": suffix}
    _refused(_post(mock, JOBS, body), "suffix")


# --- 4. accepted where OpenAI refuses ---------------------------------------------------


@pytest.mark.parametrize(
    ("body", "param"),
    [
        (_chat([{"role": "user", "content": "hi"}], stream="no"), "stream"),
        (_chat([{"role": 5, "content": "hi"}]), "messages[0].role"),
        (_chat([{"role": "wizard", "content": "hi"}]), "messages[0].role"),
        (_chat([{"role": "user", "content": {"text": "hi"}}]), "messages[0].content"),
        (_chat(["hi"]), "messages[0]"),
        (_chat([{"role": "user", "content": "hi"}, 7]), "messages[1]"),
        (
            _chat([{"role": "user", "content": "hi"}], stream_options={"include_usage": "yes"}, stream=True),
            "stream_options.include_usage",
        ),
    ],
    ids=[
        "stream-no",
        "role-5",
        "role-unknown",
        "content-object",
        "message-string",
        "message-int",
        "include-usage-string",
    ],
)
def test_malformed_chat_requests_are_refused_naming_the_field(mock, body, param) -> None:
    _refused(_post(mock, CHAT, body), param)


def test_metadata_values_over_512_characters_are_refused(mock) -> None:
    body = {"training_file": _training_file(mock), "model": "gpt-4o-mini", "metadata": {"note": "x" * 513}}
    _refused(_post(mock, JOBS, body), "metadata.note")
    assert _get(mock, JOBS).json()["data"] == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_json_endpoint_refuses_a_body_that_is_not_json(mock, content_type: str) -> None:
    file_id = _training_file(mock)
    text = json.dumps({"training_file": file_id, "model": "gpt-4o-mini"}).encode()
    _refused(_post(mock, JOBS, content=text, headers={"Content-Type": content_type}), None)
    assert _get(mock, JOBS).json()["data"] == []


def test_a_json_endpoint_refuses_a_multipart_body(mock) -> None:
    file_id = _training_file(mock)
    response = _post(mock, JOBS, data={"training_file": file_id, "model": "gpt-4o-mini"}, files={"x": b"1"})
    _refused(response, None)
    assert _get(mock, JOBS).json()["data"] == []


def test_a_batch_file_must_be_jsonl(mock) -> None:
    _refused(_upload(mock, b"\x89PNG\r\n", name="cat.png", purpose="batch"), "file")
    assert _upload(mock, jsonl([{"custom_id": "1"}]), name="in.jsonl", purpose="batch").status_code == 200


# --- 5. the usage chunk -----------------------------------------------------------------


def _events(response: Any) -> list[Any]:
    lines = [line[len("data: ") :] for line in response.text.splitlines() if line.startswith("data: ")]
    assert lines[-1] == "[DONE]"
    return [json.loads(line) for line in lines[:-1]]


def test_include_usage_sends_a_last_chunk_with_the_usage_and_no_choices(mock) -> None:
    body = _chat([{"role": "user", "content": "hello"}], stream=True, stream_options={"include_usage": True})
    chunks = _events(_post(mock, CHAT, body))
    *rest, last = chunks
    assert last["choices"] == []
    assert (
        last["usage"]["total_tokens"] == last["usage"]["prompt_tokens"] + last["usage"]["completion_tokens"]
    )
    assert all(chunk["usage"] is None for chunk in rest)


def test_without_include_usage_no_chunk_carries_usage(mock) -> None:
    chunks = _events(_post(mock, CHAT, _chat([{"role": "user", "content": "hello"}], stream=True)))
    assert all("usage" not in chunk and chunk["choices"] for chunk in chunks)


def test_stream_options_without_stream_are_refused(mock) -> None:
    body = _chat([{"role": "user", "content": "hello"}], stream_options={"include_usage": True})
    _refused(_post(mock, CHAT, body), "stream_options")


# --- 6. stable cursors ------------------------------------------------------------------


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_deleting_the_cursor_file_does_not_end_the_listing(mock, order: str) -> None:
    ids = [_upload(mock, b"x", name=f"{i}.txt", purpose="user_data").json()["id"] for i in range(5)]
    first = _get(mock, "/v1/files", limit=2, order=order).json()
    cursor = first["last_id"]
    http_library().delete(f"{mock.url}/v1/files/{cursor}", headers=AUTH).raise_for_status()
    rest = _get(mock, "/v1/files", limit=10, order=order, after=cursor).json()
    expected = ids if order == "asc" else ids[::-1]
    assert [f["id"] for f in rest["data"]] == expected[2:]


# --- 7. the simulated clock, documented -------------------------------------------------


def test_the_mock_doc_explains_the_clock_and_created_at_at_speed() -> None:
    from tests.paths import ROOT

    text = (ROOT / "docs" / "mock.md").read_text(encoding="utf-8")
    assert "1000" in text and "created_at" in text and "ManualClock" in text


# --- hostile training files -------------------------------------------------------------


def _hostile(kind: str) -> bytes:
    record = {
        "messages": [
            {"role": "user", "content": "Weather?"},
            {"role": "assistant", "content": "Sunny."},
        ]
    }
    lines = [json.dumps(record)] * 11
    if kind == "spaces":
        spaced = {
            "messages": [
                {"role": "user", "content": "a" + " " * 1_000_000 + "b"},
                {"role": "assistant", "content": "ok"},
            ]
        }
        lines.append(json.dumps(spaced))
    else:
        call = (
            '{"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": '
            '[{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}], '
            '"content": null}, {"role": "tool", "tool_call_id": "c1", "content": 1e400}], '
            '"tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", '
            '"properties": {"x": {"type": "number", "maximum": 1e400}}}}}]}'
        )
        lines.append(call)
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("kind", ["spaces", "1e400"])
def test_a_hostile_training_file_fails_its_job_and_the_server_keeps_answering(mock, kind: str) -> None:
    file_id = _upload(mock, _hostile(kind)).json()["id"]
    created = _post(mock, JOBS, {"training_file": file_id, "model": "gpt-4o-mini"})
    assert created.status_code == 200 and created.json()["status"] == "validating_files"
    mock.clock.advance(60)
    job = _get(mock, f"{JOBS}/{created.json()['id']}").json()
    assert job["status"] == "failed"
    assert job["error"]["code"] == "invalid_training_file"
    assert job["error"]["param"] == "training_file"
    assert job["error"]["message"].startswith("The job failed due to an invalid training file.")
    assert _get(mock, "/v1/models").status_code == 200

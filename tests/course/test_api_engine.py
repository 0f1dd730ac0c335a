"""The API engine: chat requests to a model and a fine-tuned model id, on the offline mock on loopback."""

from __future__ import annotations

import socket

import pytest

from ftlab.course.api_engine import ApiEngine
from ftlab.course.endpoint import Endpoint
from ftlab.course.triage import EngineFailed
from ftlab.mock import running_mock
from ftlab.mock.server import DEFAULT_KEY

MESSAGES = [{"role": "user", "content": "My site is down"}]


def test_the_engine_asks_the_named_model_greedily_for_a_short_reply():
    with running_mock() as mock:
        engine = ApiEngine(Endpoint(mock.base_url, DEFAULT_KEY, "local"), "gpt-4o-mini", max_tokens=32)
        reply = engine.answer()(MESSAGES)
        engine.close()
        body = mock.requests()[-1].body
    assert reply and body["model"] == "gpt-4o-mini" and body["max_tokens"] == 32 and body["temperature"] == 0
    assert engine.label() == f"gpt-4o-mini at {mock.base_url} (a server on this machine)"


def test_without_a_fine_tuned_model_id_the_fine_tune_leg_says_how_to_give_one():
    engine = ApiEngine(Endpoint("http://127.0.0.1:9/v1", "k", "local"), "gpt-4o-mini")
    with pytest.raises(EngineFailed, match="--ft-model"):
        engine.fine_tune_identity("train.jsonl")
    engine.close()


def test_the_fine_tuned_model_is_the_fine_tune_legs_key_and_its_label():
    engine = ApiEngine(Endpoint("https://api.openai.com/v1", "k", "real"), "gpt-4o-mini", ft_model="ft:x")
    assert engine.fine_tune_identity("t.jsonl")["model"] == "ft:x"
    _, label, seconds = engine.fine_tuned("t.jsonl", None)
    assert label == "ft:x at https://api.openai.com/v1 (the real OpenAI API)" and seconds is None
    engine.close()


def test_a_refusal_becomes_an_engine_failure_naming_the_status():
    with running_mock() as mock:
        engine = ApiEngine(Endpoint(mock.base_url, DEFAULT_KEY, "local"), "ft:gpt-4o-mini:none:x:1")
        with pytest.raises(EngineFailed, match="the API answered 404"):
            engine.answer()(MESSAGES)
        engine.close()


def test_an_unreachable_server_becomes_an_engine_failure_saying_so():
    with socket.socket() as sock:  # a port nobody listens on: bound, never listening
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
        engine = ApiEngine(Endpoint(url, "k", "local"), "gpt-4o-mini")
        engine.client = engine.client.with_options(max_retries=0)
        with pytest.raises(EngineFailed, match="could not reach"):
            engine.answer()(MESSAGES)
        engine.close()

"""Choosing the API: the offline mock unless told otherwise, the real one only with --real and a key."""

from __future__ import annotations

import pytest

from ftlab.course.endpoint import (
    LOCAL_KEY,
    REAL_API,
    Endpoint,
    EndpointRefused,
    choose,
    is_local,
    unused_key_note,
)


def test_with_nothing_set_the_mock_is_started() -> None:
    assert choose({}, real=False) is None


def test_a_key_alone_never_reaches_the_real_api() -> None:
    assert choose({"OPENAI_API_KEY": "sk-real"}, real=False) is None


def test_a_local_base_url_is_used_with_the_key_given_or_a_local_one() -> None:
    assert choose({"OPENAI_BASE_URL": "http://127.0.0.1:8765/v1"}, real=False) == Endpoint(
        "http://127.0.0.1:8765/v1", LOCAL_KEY, "local"
    )
    assert choose(
        {"OPENAI_BASE_URL": "http://localhost:8765/v1", "OPENAI_API_KEY": "k"}, real=False
    ) == Endpoint("http://localhost:8765/v1", "k", "local")


@pytest.mark.parametrize(
    "url", ["https://api.openai.com/v1", "http://10.0.0.5:8765/v1", "http://127.0.0.1.example.com/v1"]
)
def test_another_machine_needs_real(url: str) -> None:
    with pytest.raises(EndpointRefused, match="add --real"):
        choose({"OPENAI_BASE_URL": url, "OPENAI_API_KEY": "sk-real"}, real=False)


def test_real_needs_a_key_and_says_nothing_was_sent() -> None:
    with pytest.raises(EndpointRefused, match="OPENAI_API_KEY .*nothing was sent"):
        choose({"OPENAI_BASE_URL": "https://api.openai.com/v1"}, real=True)


def test_real_with_a_key_is_the_real_api_and_says_it_costs_money() -> None:
    endpoint = choose({"OPENAI_API_KEY": "sk-real"}, real=True)
    assert endpoint == Endpoint(REAL_API, "sk-real", "real")
    assert endpoint.banner == "Using the REAL OpenAI API at https://api.openai.com/v1 — this costs money"


def test_real_with_a_local_base_url_says_it_is_this_machine() -> None:
    endpoint = choose({"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "http://[::1]:8765/v1"}, real=True)
    assert endpoint is not None and endpoint.kind == "local" and "on this machine" in endpoint.banner


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:1/v1", True),
        ("http://127.5.5.5/v1", True),
        ("http://localhost/v1", True),
        ("https://api.openai.com/v1", False),
        ("not a url", False),
    ],
)
def test_is_local_means_loopback(url: str, local: bool) -> None:
    assert is_local(url) is local


def test_an_unused_key_is_pointed_out_only_for_the_mock() -> None:
    mock, local = (
        Endpoint("http://127.0.0.1:1/v1", LOCAL_KEY, "mock"),
        Endpoint("http://127.0.0.1:1/v1", "k", "local"),
    )
    assert "add --real" in (unused_key_note({"OPENAI_API_KEY": "sk"}, mock) or "")
    assert unused_key_note({}, mock) is None and unused_key_note({"OPENAI_API_KEY": "sk"}, local) is None

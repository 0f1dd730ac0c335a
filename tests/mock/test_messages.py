"""Chat requests are checked before anything answers them, each refusal naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from ftlab.mock.errors import ApiError
from ftlab.mock.messages import check_messages, check_stream


def _param(call: Any) -> str | None:
    with pytest.raises(ApiError) as caught:
        call()
    assert caught.value.status == 400
    return caught.value.param


def test_well_formed_messages_pass() -> None:
    check_messages(
        [
            {"role": "system", "content": "Be brief."},
            {
                "role": "user",
                "content": [{"type": "text", "text": "hi"}, {"type": "image_url", "image_url": {}}],
            },
            {"role": "assistant", "content": None, "tool_calls": []},
            {"role": "tool", "content": "42", "tool_call_id": "c1"},
        ]
    )


@pytest.mark.parametrize(
    ("messages", "param"),
    [
        ([3], "messages[0]"),
        ([{"content": "hi"}], "messages[0].role"),
        ([{"role": ["user"], "content": "hi"}], "messages[0].role"),
        ([{"role": "user"}], "messages[0].content"),
        ([{"role": "user", "content": None}], "messages[0].content"),
        ([{"role": "user", "content": [1]}], "messages[0].content[0]"),
        ([{"role": "user", "content": [{"text": "hi"}]}], "messages[0].content[0].type"),
        ([{"role": "user", "content": [{"type": "video"}]}], "messages[0].content[0].type"),
        (
            [{"role": "user", "content": [{"type": "image_url", "image_url": "x"}]}],
            "messages[0].content[0].image_url",
        ),
        ([{"role": "user", "content": "hi", "name": 3}], "messages[0].name"),
    ],
)
def test_malformed_messages_are_refused_naming_the_field(messages: list[Any], param: str) -> None:
    assert _param(lambda: check_messages(messages)) == param


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, (False, False)),
        ({"stream": False}, (False, False)),
        ({"stream": True}, (True, False)),
        ({"stream": True, "stream_options": {"include_usage": True}}, (True, True)),
        ({"stream": True, "stream_options": {}}, (True, False)),
    ],
)
def test_stream_settings_are_read(body: dict[str, Any], expected: tuple[bool, bool]) -> None:
    assert check_stream(body) == expected


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"stream": 1}, "stream"),
        ({"stream": True, "stream_options": []}, "stream_options"),
        ({"stream_options": {"include_usage": True}}, "stream_options"),
    ],
)
def test_malformed_stream_settings_are_refused(body: dict[str, Any], param: str) -> None:
    assert _param(lambda: check_stream(body)) == param

"""ftlab.lora.template: records as chat-template input, and the character spans of the trained turns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from ftlab.errors import FtlabError
from ftlab.lora.template import SpanNotFound, chat_messages, render
from tests import tiny_lm

USER = {"role": "user", "content": "Say hello."}
REPLY = {"role": "assistant", "content": "Hello there, friend!"}


class ChatML:
    """A tokenizer's chat template in plain Python: ChatML turns, optionally hiding some roles."""

    eos_token = "<|im_end|>"

    def __init__(self, *, hidden: Sequence[str] = ()) -> None:
        self.hidden = set(hidden)

    def apply_chat_template(
        self, messages: list[dict[str, Any]], *, tools: Any, tokenize: bool, add_generation_prompt: bool
    ) -> str:
        assert tokenize is False
        text = "".join(
            f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n"
            for m in messages
            if m["role"] not in self.hidden
        )
        return text + ("<|im_start|>assistant\n" if add_generation_prompt else "")


def _spanned(record: dict[str, Any], tokenizer: Any) -> list[str]:
    rendering = render(tokenizer, record)
    return [rendering.text[start:end] for start, end in rendering.spans]


def test_only_assistant_turns_of_weight_1_are_trained():
    record = {"messages": [USER, {**REPLY, "weight": 0}, USER, REPLY, {**USER, "name": "ann"}]}
    messages, tools, trained = chat_messages(record)
    assert trained == [False, False, False, True, False]
    assert tools is None and messages[1] == {"role": "assistant", "content": "Hello there, friend!"}
    assert messages[4] == {"role": "user", "content": "Say hello.", "name": "ann"}  # weight is never sent


def test_tool_calls_are_given_to_templates_with_their_arguments_as_objects():
    call = {"id": "c1", "type": "function", "function": {"name": "find", "arguments": '{"q": "x"}'}}
    record = {
        "messages": [USER, {"role": "assistant", "content": None, "tool_calls": [call]}],
        "tools": [{"type": "function", "function": {"name": "find"}}],
    }
    messages, tools, _ = chat_messages(record)
    assert messages[1] == {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {"type": "function", "id": "c1", "function": {"name": "find", "arguments": {"q": "x"}}}
        ],
    }
    assert tools == record["tools"]


def test_arguments_that_are_not_json_stay_as_they_are():
    call = {"type": "function", "function": {"name": "find", "arguments": "not json"}}
    messages, _, _ = chat_messages({"messages": [USER, {"role": "assistant", "tool_calls": [call]}]})
    assert messages[1]["tool_calls"][0]["function"]["arguments"] == "not json"


def test_legacy_functions_and_function_calls_become_tools_and_tool_calls():
    record = {
        "messages": [
            USER,
            {"role": "assistant", "function_call": {"name": "find", "arguments": "{}"}},
            {"role": "function", "name": "find", "content": "found", "weight": 1},
            REPLY,
        ],
        "functions": [{"name": "find"}],
    }
    messages, tools, _ = chat_messages(record)
    assert messages[1]["tool_calls"] == [{"type": "function", "function": {"name": "find", "arguments": {}}}]
    assert messages[2] == {"role": "tool", "name": "find", "content": "found"}
    assert tools == [{"type": "function", "function": {"name": "find"}}]


def test_a_trained_span_is_the_reply_and_its_end_of_turn_marker():
    record = {"messages": [USER, REPLY, USER, {**REPLY, "content": "Again: hello!"}]}
    assert _spanned(record, ChatML()) == ["Hello there, friend!<|im_end|>\n", "Again: hello!<|im_end|>\n"]


def test_a_template_that_hides_the_reply_raises_span_not_found_an_ftlab_error():
    with pytest.raises(SpanNotFound, match="rewrites or hides this assistant turn") as caught:
        render(ChatML(hidden=["assistant"]), {"messages": [USER, REPLY]})
    assert isinstance(caught.value, FtlabError)


def test_a_reply_found_twice_in_a_rewritten_text_is_not_guessed():
    class Repeating(ChatML):
        def apply_chat_template(self, messages, **kwargs):  # every turn's text twice: prefixes never match
            return 2 * super().apply_chat_template(messages, **kwargs)

    with pytest.raises(SpanNotFound):
        render(Repeating(), {"messages": [USER, REPLY]})


def test_a_real_tokenizers_template_gives_the_same_spans():
    pytest.importorskip("transformers", reason="the optional 'train' extra is not installed")
    tokenizer = tiny_lm.tokenizer(tiny_lm.texts_of([{"messages": [USER, REPLY]}]))
    assert _spanned({"messages": [USER, REPLY]}, tokenizer) == ["Hello there, friend!<|im_end|>\n"]

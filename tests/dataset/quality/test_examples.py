from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ftlab.dataset.quality import examples
from ftlab.dataset.quality.examples import chat_example, content_text


def test_a_chat_record_gives_its_system_prompt_input_and_answers():
    record = {
        "messages": [
            {"role": "system", "content": "S"},
            {"role": "user", "content": "Q1"},
            {"role": "assistant", "content": "A1"},
            {"role": "user", "content": [{"type": "text", "text": "Q2"}]},
            {"role": "assistant", "content": "A2"},
        ]
    }
    example = chat_example(7, record)
    assert example is not None
    assert (example.line, example.system, example.prompt, example.answers) == (
        7,
        "S",
        "Q1\nA1\nQ2",
        ("A1", "A2"),
    )
    assert example.answer == "A2"


def test_anything_but_a_chat_record_gives_no_example():
    for record in (None, 3, "x", [], {"input": []}, {"messages": {}}):
        assert chat_example(1, record) is None


def test_odd_messages_are_skipped_not_fatal():
    example = chat_example(
        1, {"messages": [5, None, {"role": 3, "content": {"a": 1}}, {"role": "assistant"}]}
    )
    assert example is not None
    assert example.answers == ()


def test_tool_calls_count_as_text_of_their_message():
    text = content_text({"role": "assistant", "tool_calls": [{"function": {"name": "f"}}]})
    assert '"name": "f"' in text


def test_an_assistant_message_that_only_calls_a_tool_is_not_an_answer():
    call = {"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f"}}]}
    record = {"messages": [{"role": "user", "content": "Q"}, call, {"role": "assistant", "content": "A"}]}
    example = chat_example(1, record)
    assert example is not None and example.answers == ("A",)
    assert '"name": "f"' in example.prompt


_PLAIN_MESSAGES = st.lists(
    st.fixed_dictionaries(
        {
            "role": st.sampled_from(["system", "developer", "user", "assistant", "tool", "robot"]),
            "content": st.sampled_from(["", "  ", "hi", "Category: billing", "a\nb"]),
        },
        optional={"weight": st.sampled_from([0, 1])},
    ),
    max_size=7,
)


@given(_PLAIN_MESSAGES)
def test_plain_messages_walked_once_give_the_parts_the_general_walk_gives(messages: list[object]):
    assert examples._plain_parts(messages) == examples._parts(messages)


def test_messages_with_tool_calls_or_text_parts_take_the_general_walk():
    call = {"role": "assistant", "content": None, "tool_calls": [{"id": "c"}]}
    parts = {"role": "user", "content": [{"type": "text", "text": "hi"}]}
    assert examples._plain_parts([call]) is None
    assert examples._plain_parts([parts, "odd"]) is None

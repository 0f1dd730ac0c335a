"""Grader for exercise 1: build a training example, then write a training file.

PYTEST_DONT_REWRITE: a failed check says what its message says, nothing more, so two gradings of
one submission give the same feedback (pytest's explanations show reprs: addresses, temp paths).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ftlab.dataset.records import codes
from ftlab.grading.isolation.handles import unserializable
from ftlab.grading.outcomes import StudentCodeError, raised_as
from ftlab.grading.stored_examples import replayed

EMAIL = "Hi, I was charged twice for March. Can you refund one of them?"
TRIAGE = (
    "Category: billing\nPriority: P2\nSummary: Customer was double-charged for March and wants one refunded."
)
SYSTEM = "You triage Acme Cloud support emails. Reply with Category, Priority and Summary lines."


# Task 1: build_example ----------------------------------------------------------------------


@pytest.mark.points(2, task=1, hint="return a dict with one key, 'messages', holding a list of messages")
def test_example_is_a_dict_with_a_messages_list(exercise):
    example = exercise.build_example(EMAIL, TRIAGE)
    assert isinstance(example, dict), f"build_example returned {type(example).__name__}, not a dict"
    assert list(example) == ["messages"], (
        f"the example's keys are {list(example)}; it must have exactly one: 'messages'"
    )
    assert isinstance(example["messages"], list), "'messages' must be a list"


@pytest.mark.points(
    2,
    task=1,
    hint="without a system prompt: the user message, then the assistant message, each {'role', 'content'}",
)
def test_user_then_assistant_without_system(exercise):
    messages = exercise.build_example(EMAIL, TRIAGE)["messages"]
    roles = [m.get("role") for m in messages]
    assert roles == ["user", "assistant"], (
        f"roles are {roles}; expected ['user', 'assistant'] (the assistant message must be the last one)"
    )
    assert messages == [{"role": "user", "content": EMAIL}, {"role": "assistant", "content": TRIAGE}], (
        "each message must be exactly {'role': ..., 'content': ...} with the text you were given"
    )


@pytest.mark.points(
    2, task=1, hint="when a system prompt is given, it is the first message, before the user's"
)
def test_system_message_comes_first(exercise):
    messages = exercise.build_example(EMAIL, TRIAGE, system=SYSTEM)["messages"]
    roles = [m.get("role") for m in messages]
    assert roles == ["system", "user", "assistant"], (
        f"roles are {roles}; expected ['system', 'user', 'assistant']"
    )
    assert messages[0] == {"role": "system", "content": SYSTEM}, (
        "the system message must be exactly {'role': 'system', 'content': system},"
        " with the text you were given"
    )


@pytest.mark.points(
    1, task=1, hint="leave the system message out entirely when system is None (no empty system message)"
)
def test_no_system_message_when_none(exercise):
    roles = [m.get("role") for m in exercise.build_example(EMAIL, TRIAGE, system=None)["messages"]]
    assert "system" not in roles, "system was None, but the example has a system message"


@pytest.mark.points(
    2, task=1, hint="raise ValueError when user, assistant or system is empty or only whitespace"
)
@pytest.mark.parametrize(
    "args",
    [("", TRIAGE), (EMAIL, "   "), (EMAIL, TRIAGE, "\n")],
    ids=["empty-user", "blank-assistant", "blank-system"],
)
def test_blank_text_is_refused(exercise, args):
    with pytest.raises(ValueError):
        exercise.build_example(*args)


@pytest.mark.points(1, task=1, hint="raise ValueError when a text is not a string (None, a number, a list)")
@pytest.mark.parametrize(
    "args",
    [(None, TRIAGE), (EMAIL, 42), (EMAIL, ["a", "list"])],
    ids=["none-user", "number-assistant", "list-assistant"],
)
def test_non_string_text_is_refused(exercise, args):
    with pytest.raises(ValueError):
        exercise.build_example(*args)


def _texts() -> dict[str, Any]:
    """Texts for the three roles (made once by hypothesis, stored in examples/, replayed)."""
    from hypothesis import strategies as st

    from ftlab.dataset.strategies import texts

    return {"user": texts(), "assistant": texts(), "system": st.none() | texts()}


@pytest.mark.points(
    3,
    task=1,
    hint=(
        "every example you build must pass the dataset rules (try ftlab validate),"
        " with the text kept exactly as given"
    ),
)
@replayed(
    "user",
    "assistant",
    "system",
    strategies=_texts,
    calls=lambda user, assistant, system: [("build_example", (user, assistant, system), {})],
    explicit=[
        dict(
            user="  Hi!\n\nMy invoice is wrong.  ",
            assistant="Category: billing\nPriority: P3\n",
            system=" Be brief. ",
        )
    ],
)
def test_every_built_example_is_valid_and_keeps_the_text(exercise, user, assistant, system):
    example = exercise.build_example(user, assistant, system)
    assert codes(example) == [], f"the example breaks the rules: {codes(example)}"
    contents = [m["content"] for m in example["messages"]]
    assert contents == ([system] if system is not None else []) + [user, assistant], (
        "the contents changed: keep the text exactly as given"
    )


def error_name(error: BaseException) -> str:
    """The class the learner's code raised, as they named it (an error from a child is rebuilt)."""
    return str(getattr(error, "type_name", type(error).__name__))


# Task 2: write_jsonl ------------------------------------------------------------------------

EXAMPLES = [
    {
        "messages": [
            {"role": "user", "content": "Où est ma facture ?"},
            {
                "role": "assistant",
                "content": "Category: billing\nPriority: P3\nSummary: Asks where the invoice is.",
            },
        ]
    },
    {
        "messages": [
            {"role": "user", "content": "Site down!!"},
            {
                "role": "assistant",
                "content": "Category: outage\nPriority: P1\nSummary: Production site is down.",
            },
        ]
    },
    {
        "messages": [
            {"role": "user", "content": "Dark mode, please 🌙"},
            {
                "role": "assistant",
                "content": "Category: feature_request\nPriority: P3\nSummary: Wants a dark mode.",
            },
        ]
    },
]


@pytest.mark.points(2, task=2, hint="write one line per example and return how many you wrote")
def test_writes_one_line_per_example_and_returns_the_count(exercise, tmp_path):
    path = tmp_path / "train.jsonl"
    count = exercise.write_jsonl(EXAMPLES, str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert count == len(EXAMPLES), (
        f"returned {count!r}; expected the number of examples written, {len(EXAMPLES)}"
    )
    assert len(lines) == len(EXAMPLES), f"the file has {len(lines)} lines for {len(EXAMPLES)} examples"
    assert [json.loads(line) for line in lines] == EXAMPLES, "the lines don't read back as the same examples"


@pytest.mark.points(
    2,
    task=2,
    hint="every line ends with '\\n' and there are no blank lines (JSONL: exactly one object per line)",
)
def test_every_line_ends_with_a_newline_and_none_is_blank(exercise, tmp_path):
    path = tmp_path / "train.jsonl"
    exercise.write_jsonl(EXAMPLES, str(path))
    data = path.read_bytes()
    assert data.endswith(b"\n"), "the last line must end with a newline"
    assert b"\n\n" not in data and not data.startswith(b"\n"), "the file has a blank line"
    assert b"\r" not in data, "use '\\n' line endings, not '\\r\\n'"


@pytest.mark.points(
    2,
    task=2,
    hint="write UTF-8 with ensure_ascii=False, so 'é' and emoji stay readable instead of \\u escapes",
)
def test_non_ascii_text_is_written_as_utf8(exercise, tmp_path):
    path = tmp_path / "train.jsonl"
    exercise.write_jsonl(EXAMPLES, str(path))
    data = path.read_bytes()
    assert "Où est ma facture".encode() in data and "🌙".encode() in data, (
        "non-ASCII text was escaped (\\u00f9...); use ensure_ascii=False"
    )
    assert not data.startswith(b"\xef\xbb\xbf"), "don't write a byte-order mark (BOM)"


@pytest.mark.points(
    3,
    task=2,
    hint=(
        "if writing fails halfway (json.dumps raises TypeError: let it through), the old file must be"
        " left exactly as it was: write a temp file, then os.replace"
    ),
)
def test_a_failed_write_leaves_the_old_file_untouched(exercise, tmp_path):
    path = tmp_path / "train.jsonl"
    assert exercise.write_jsonl(EXAMPLES, str(path)) == len(EXAMPLES), (
        "the first, good write must work before a failed one can be checked"
    )
    before = path.read_bytes()
    broken = EXAMPLES[:2] + [{"messages": [{"role": "user", "content": "x"}], "extra": unserializable()}]
    error: BaseException | None = None
    try:
        exercise.write_jsonl(broken, str(path))
    except StudentCodeError:
        raise  # a crash, a hang or a harness failure is not the learner's error
    except Exception as raised:  # noqa: BLE001 - its class is checked just below
        error = raised
    assert raised_as(error, TypeError), (
        "an example JSON cannot encode must end write_jsonl with the TypeError json.dumps raises;"
        + (" it returned instead" if error is None else f" it raised {error_name(error)}")
    )
    assert path.read_bytes() == before, "writing failed halfway and the old file was changed or lost"
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != "train.jsonl")
    assert not leftovers, f"a failed write left files behind: {leftovers}"


@pytest.mark.points(1, task=2, hint="write_jsonl must work for an empty list too (an empty file, count 0)")
def test_no_examples_gives_an_empty_file(exercise, tmp_path):
    path = tmp_path / "empty.jsonl"
    count = exercise.write_jsonl([], str(path))
    assert count == 0, f"with no examples write_jsonl returned {count!r}; expected 0"
    assert path.read_bytes() == b"", "with no examples the file must be empty"

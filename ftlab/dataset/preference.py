"""The preference (DPO) record rules: a prompt and two answers to it, the better one first.

    {"input": {"messages": [{"role": "user", "content": "..."}], "tools": [...]},
     "preferred_output": [{"role": "assistant", "content": "..."}],
     "non_preferred_output": [{"role": "assistant", "content": "..."}]}

The envelope is a JSON Schema (``schemas/preference_record.schema.json``); the input's
messages, tools and parallel_tool_calls follow the chat rules, so they are checked by
:func:`ftlab.dataset.records.check_record` itself and keep its codes. What a schema cannot say is
checked here: OpenAI trains DPO on one turn, so the input ends with the user's message, and
two identical answers teach nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

from ftlab.dataset.problems import Problem
from ftlab.dataset.records import ROLES, check_record, tool_result_problems
from ftlab.dataset.wording import allowed_keys, dotted, expected, found, json_type, missing_keys, names

if TYPE_CHECKING:
    import jsonschema

#: The preference record's own codes; input messages also use the chat codes of ftlab.dataset.records.
CODES: dict[str, str] = {
    "data_type": "the record, or one of its input messages, is not a JSON object",
    "missing_preference_key": "input, preferred_output or non_preferred_output is missing",
    "record_unrecognized_key": "a top-level key other than input, preferred_output, non_preferred_output",
    "invalid_input": "input is not an object holding a non-empty 'messages' list (and optionally tools, "
    "parallel_tool_calls), or it does not end with the user's message",
    "invalid_output": "preferred_output or non_preferred_output is not a list of exactly one assistant "
    "message with text content",
    "identical_outputs": "(warning) the preferred and non-preferred outputs are the same, so there is "
    "nothing to learn",
}
RECORD_KEYS = ("input", "preferred_output", "non_preferred_output")
OUTPUTS = ("preferred_output", "non_preferred_output")
INPUT_KEYS = ("messages", "tools", "parallel_tool_calls")
#: Keys of an older preference format, by their current names.
RENAMED = {"preferred_completion": "preferred_output", "non_preferred_completion": "non_preferred_output"}


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of a preference record's envelope, as shipped in the package."""
    text = (
        resources.files("ftlab.dataset").joinpath("schemas/preference_record.schema.json").read_text("utf-8")
    )
    return json.loads(text)


@cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema  # imported here: it costs ~35 ms, and most runs never check a preference record

    return jsonschema.Draft7Validator(schema())


def is_preference_record(record: object) -> bool:
    """Whether a record is meant as a preference example (it has a preference key and no messages)."""
    return (
        isinstance(record, Mapping) and "messages" not in record and any(key in record for key in RECORD_KEYS)
    )


def input_record(record: object) -> dict[str, Any] | None:
    """The input as a chat record (messages, tools, parallel_tool_calls), if it has a messages list."""
    if not isinstance(record, Mapping) or not isinstance(record.get("input"), Mapping):
        return None
    prompt = record["input"]
    if not isinstance(prompt.get("messages"), list) or not prompt["messages"]:
        return None
    return {key: prompt[key] for key in INPUT_KEYS if key in prompt}


def conversation(record: Mapping[str, Any], output: str = "preferred_output") -> list[Any]:
    """The input's messages followed by one of the outputs: what the model sees and says."""
    return list(record["input"]["messages"]) + list(record[output])


def check_preference_record(record: object) -> list[Problem]:
    """Every rule one preference record breaks, in a stable order; empty when it is valid."""
    # Any value may be checked: the validator reports one that is not JSON as a type error.
    problems = [_problem(error, record) for error in _validator().iter_errors(cast(Any, record))]
    chat = input_record(record)
    if chat is not None:
        problems += [
            _in_input(p) for p in check_record(chat) if p.code != "example_missing_assistant_message"
        ]
    problems += semantic_problems(record)
    unique = {(p.code, p.message_index, p.message): p for p in problems}
    return sorted(unique.values(), key=lambda p: (p.message_index is not None, p.message_index or 0, p.code))


def semantic_problems(record: object) -> list[Problem]:
    """The rules a schema cannot say: the prompt ends with the user's turn, the answers differ."""
    problems: list[Problem] = []
    chat = input_record(record)
    if chat is not None:
        problems += [_in_input(p) for p in tool_result_problems(chat)]
        last = chat["messages"][-1]
        role = last.get("role") if isinstance(last, Mapping) else None
        if role in ROLES and role != "user":
            problems.append(
                Problem(
                    "invalid_input",
                    "input.messages must end with the user's message (DPO trains one turn: both outputs "
                    f"answer it); it ends with a {role} message",
                    message_index=len(chat["messages"]) - 1,
                    field="role",
                )
            )
    if isinstance(record, Mapping) and all(_one_text(record.get(key)) is not None for key in OUTPUTS):
        if _one_text(record["preferred_output"]) == _one_text(record["non_preferred_output"]):
            problems.append(
                Problem(
                    "identical_outputs",
                    "preferred_output and non_preferred_output say the same thing: the pair teaches nothing",
                    "warning",
                )
            )
    return problems


def _one_text(output: object) -> str | None:
    if (
        isinstance(output, list)
        and len(output) == 1
        and isinstance(output[0], Mapping)
        and isinstance(output[0].get("content"), str)
    ):
        return output[0]["content"].strip()
    return None


def _rename_hint(keys: list[str]) -> str:
    old = [key for key in keys if key in RENAMED]
    if not old:
        return ""
    renames = ", ".join(f"{key!r} is now {RENAMED[key]!r}" for key in old)
    return f" (the older format's keys were renamed: {renames})"


def _in_input(problem: Problem) -> Problem:
    return Problem(
        problem.code, f"input.{problem.message}", problem.severity, problem.message_index, problem.field
    )


def _problem(error: jsonschema.ValidationError, record: object) -> Problem:
    path = list(error.absolute_path)
    if not path:
        if error.validator == "type":
            return Problem("data_type", f"each line must be a JSON object, got {json_type(record)}")
        if error.validator == "required":
            missing = [k for k in RECORD_KEYS if k not in cast(dict[str, Any], record)]
            return Problem(
                "missing_preference_key", f"a preference example needs {names(missing)}", field=missing[0]
            )
        extra = sorted(set(cast(dict[str, Any], record)) - set(RECORD_KEYS))  # only an object has keys
        return Problem(
            "record_unrecognized_key",
            f"unexpected top-level key(s) {names(extra)}; a preference example has {names(RECORD_KEYS)}"
            + _rename_hint(extra),
            field=extra[0],
        )
    where = dotted(path)
    if path[0] == "input":
        return Problem("invalid_input", f"{where}: {_sentence(error)}", field="input")
    return Problem(
        "invalid_output",
        f"{where}: {_sentence(error)} (each output is a list of exactly one assistant message with text "
        "content)",
        field=str(path[0]),
    )


def _sentence(error: jsonschema.ValidationError) -> str:
    if error.validator == "type":
        return (
            f"must be {_ARTICLES.get(str(expected(error)), expected(error))}, got {json_type(found(error))}"
        )
    if error.validator == "required":
        return f"missing {names(missing_keys(error))}"
    if error.validator == "additionalProperties":
        allowed = allowed_keys(error)
        return (
            f"unexpected key(s) {names(sorted(set(found(error)) - set(allowed)))}; allowed: {names(allowed)}"
        )
    if error.validator in ("minItems", "maxItems"):
        return f"must hold exactly one message, got {len(found(error))}"
    if error.validator == "const":
        return f"must be {json.dumps(expected(error))}, got {json.dumps(found(error))}"
    if error.validator == "pattern":
        return "must be text with at least one non-whitespace character"
    return error.message


_ARTICLES = {"object": "an object", "array": "a list", "string": "a string"}

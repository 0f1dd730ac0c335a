"""Exercise 2: validate a training record.

Fine-tuning that "seems wrong" is almost always a dataset problem. Before you pay for a job,
check every line. Write ``validate_record(record)``: given one parsed line of a training
file (usually a dict, but a line can hold any JSON value), return the list of error codes it
breaks: sorted, each code once, and ``[]`` when the record is valid.

A valid record is ``{"messages": [...]}`` (optionally also ``"tools"``, ``"parallel_tool_calls"``
or the legacy ``"functions"``). Roles and the keys each allows:

    system, user   role, content, name
    assistant      role, content, name, weight, tool_calls, function_call
    tool           role, content, tool_call_id
    function       role, content, name          (legacy)

Task 1. The shape of the record
    1. ``data_type``: the record is not a JSON object (dict). Return just this code.
    2. ``missing_messages_list``: ``messages`` is absent, not a list, or empty. When this
       fires, report no message-level code and no ``example_missing_assistant_message``
       (there are no messages to look at); Task 1.3's and Task 3.3's codes still count.
    3. ``record_unrecognized_key``: a top-level key other than messages, tools,
       parallel_tool_calls, functions (a typo like ``"message"`` is the usual cause).

Task 2. Each message
    Look at a message's role first. A message that is not a dict, has no ``role``, or has a
    role that is not one of the five above gets only that one code (2.1, 2.2 or 2.4): its
    other keys, its content and its name are not checked. ``{"role": "bot", "content": ""}``
    is just ``unrecognized_role``, not ``missing_content`` too.
    1. ``data_type``: a message is not a JSON object.
    2. ``message_missing_key``: no ``role``; or no ``content`` (an assistant message may leave
       content out when it has a ``tool_calls`` or ``function_call`` key, even a malformed
       one); or a tool message without ``tool_call_id``; or a function message without
       ``name``.
    3. ``message_unrecognized_key``: a key its role does not allow (``weight`` on a user
       message, ``tool_call_id`` on an assistant message, say), from the table above.
    4. ``unrecognized_role``: role is not one of the five above (anything not a string too,
       and the names are exact: ``"User"`` and ``"developer "`` are unrecognized).
    5. ``missing_content``: content is present but is not a string with at least one
       non-whitespace character (``None``, a number, a list and ``"  "`` all break it). An
       assistant message with a ``tool_calls`` or ``function_call`` key may have content
       ``None``; if it gives text, the text must not be blank.
    6. ``invalid_name``: ``name`` is not a string of 1-64 characters, each an ASCII letter,
       a digit, ``_`` or ``-`` (no spaces, dots, accents or trailing newline).
    7. ``invalid_weight``: an assistant ``weight`` is not the integer 0 or 1 (``True`` is not
       an integer here, and neither is ``1.0`` or ``"1"``). Weight 0 means "don't train on
       this turn".

Task 3. The conversation as a whole
    1. ``example_missing_assistant_message``: no message has role ``assistant``: there is
       nothing for the model to learn.
    2. ``invalid_tool_calls``: an assistant's ``tool_calls`` is not a non-empty list of
       ``{"id": str, "type": "function", "function": {"name": str, "arguments": str}}``; or
       ``function_call`` is not ``{"name": str, "arguments": str}`` (``None`` included); or
       a tool message's ``tool_call_id`` is not a string, or matches no tool call ``id`` of
       an assistant message before it (a later one does not count).
    3. ``invalid_tools``: ``tools`` is not a list of ``{"type": "function", "function":
       {"name": str, "description": str (optional), "parameters": dict (optional)}}``;
       ``functions`` is not a list of such function dicts; or ``parallel_tool_calls`` is
       not ``True``/``False``.
    Extra keys inside a tool call, a tool or a function definition are allowed.

A record can break several rules at once: return every code it breaks (one code per rule,
however many messages break it), sorted, each once. The graders' hints name the rule as
"Task 2.4" for Task 2's rule 4.

These are the checks of OpenAI's data-preparation guide, brought up to today's format.
Try ``ftlab validate data/broken.jsonl`` to see each code on a real file, and check your
work with ``pytest exercises/ex2_validate_record.py``.
"""

from __future__ import annotations


def validate_record(record: object) -> list[str]:
    """Return the sorted, distinct error codes ``record`` breaks; ``[]`` when it is valid."""
    raise NotImplementedError(
        "Tasks 1-3: check the record, each message, and the conversation; return the codes"
    )

"""Wrong: only the checks of OpenAI's 2023 data-preparation notebook, nothing newer.

No tools, names, weights or unknown top-level keys, and the old role list.
"""


def validate_record(record):
    if not isinstance(record, dict):
        return ["data_type"]
    messages = record.get("messages")
    if not messages:
        return ["missing_messages_list"]
    codes = set()
    for message in messages:
        if not isinstance(message, dict):
            codes.add("data_type")
            continue
        if "role" not in message or "content" not in message:
            codes.add("message_missing_key")
        if any(k not in ("role", "content", "name", "function_call", "weight") for k in message):
            codes.add("message_unrecognized_key")
        if message.get("role") not in ("system", "user", "assistant", "function"):
            codes.add("unrecognized_role")
        content = message.get("content")
        if (not content and not message.get("function_call")) or not isinstance(content, str):
            codes.add("missing_content")
    if not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages):
        codes.add("example_missing_assistant_message")
    return sorted(codes)

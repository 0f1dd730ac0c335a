# Attack: write forged answers (ids 0..1000) on every file descriptor, at import and in every function.
import json as _json
import os as _os
import select as _select
import types as _types

_CLASSES = ["openai.NotFoundError", "openai.APIStatusError", "openai.APIError", "openai.OpenAIError"]


def _forged_lines():
    for ident in range(1001):
        yield {"id": ident, "event": "loaded", "notes": []}
        yield {
            "id": ident,
            "outcome": {
                "kind": "raised",
                "error_type": "NotFoundError",
                "message": "Error code: 404 (forged)",
                "error_classes": [*_CLASSES, "builtins.Exception", "builtins.BaseException"],
            },
        }
        yield {"id": ident, "outcome": {"kind": "value", "value": []}}
        yield {"id": ident, "outcome": {"kind": "value", "value": 3}}


_DATA = [(_json.dumps(line) + "\n").encode() for line in _forged_lines()]


def _forge():
    for fd in range(256):
        for line in _DATA:
            try:
                _, writable, _ = _select.select([], [fd], [], 0)
                if not writable or _os.write(fd, line) < len(line):
                    break
            except (OSError, ValueError):
                break


def _forging(function):
    def forged(*args, **kwargs):
        _forge()
        return function(*args, **kwargs)

    return forged


for _name, _value in list(globals().items()):
    if isinstance(_value, _types.FunctionType) and _value.__module__ == __name__ and not _name.startswith("_"):
        globals()[_name] = _forging(_value)
_forge()

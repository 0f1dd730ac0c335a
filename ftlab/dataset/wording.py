"""How the dataset rules word what they found: JSON types, paths, key lists, a failed schema check."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import jsonschema

from ftlab.values import is_number

_TYPE_NAMES = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}


def json_type(value: object) -> str:
    """What a value is, in JSON's words: "an object", "a list", "true/false", "a number", "null"."""
    return _TYPE_NAMES.get(type(value), "a number" if is_number(value) else type(value).__name__)


def dotted(path: Sequence[Any]) -> str:
    """A JSON path as a learner reads it: ``messages[2].content``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def names(keys: Iterable[object]) -> str:
    """Keys quoted and comma-separated: ``'role', 'content'``."""
    return ", ".join(repr(k) for k in keys)


def expected(error: jsonschema.ValidationError) -> Any:
    """The value of the schema keyword a check failed on (always set on the errors validators yield)."""
    return error.validator_value


def found(error: jsonschema.ValidationError) -> Any:
    """The value that failed the check (always set on the errors validators yield)."""
    return error.instance


def missing_keys(error: jsonschema.ValidationError) -> list[Any]:
    """The keys a failed ``required`` check asks for that the value lacks, in the schema's order."""
    return [key for key in expected(error) if key not in found(error)]


def allowed_keys(error: jsonschema.ValidationError) -> list[str]:
    """The properties the failed check's schema names, sorted (none for a boolean schema)."""
    schema = error.schema
    return sorted(schema.get("properties", {})) if isinstance(schema, Mapping) else []

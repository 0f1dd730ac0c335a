"""How the dataset rules word what they found: JSON types, paths, key lists, a failed schema check.

Anything taken from a learner's file (a role, a key, a name, the file's own name) reaches a terminal,
a JSON report or a web page only through :func:`printable`: escaped, and cut when it is long.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ftlab.values import is_number

if TYPE_CHECKING:
    import jsonschema

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


#: How many characters of a value taken from the input are echoed before it is cut.
VALUE_LIMIT = 200
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(value: object, limit: int | None = VALUE_LIMIT) -> str:
    """``value`` as text that any terminal, JSON or HTML output can carry, in strict UTF-8.

    Lone surrogates (what a ``"\\ud800"`` escape or a file name that is not UTF-8 becomes),
    control and other invisible characters are escaped as Python writes them (``\\ud800``,
    ``\\x07``, ``\\n``); past ``limit`` characters the value is cut with a note of its length:
    ``"xxx… (20,000,000 characters)"``. ``None`` never cuts.
    """
    text = value if isinstance(value, str) else str(value)
    size = len(text)
    if limit is not None and size > limit:
        text = text[:limit]
    if not text.isprintable():
        text = "".join(char if char.isprintable() else _escape(char) for char in text)
    return text if limit is None or size <= limit else f"{text}… ({size:,} characters)"


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def names(keys: Iterable[object]) -> str:
    """Keys quoted and comma-separated: ``'role', 'content'`` (escaped, and cut when long)."""
    return ", ".join(_quoted(k) for k in keys)


def _quoted(key: object) -> str:
    if isinstance(key, str) and len(key) > VALUE_LIMIT:
        return f"{key[:VALUE_LIMIT]!r}… ({len(key):,} characters)"
    return printable(repr(key), limit=None)


def a_or_an(word: str) -> str:
    """``word`` after the article it takes: "an assistant", "an object", "a user", "a tool".

    Written for the words the rules use (roles, JSON types): a vowel letter but ``u`` takes "an".
    """
    return f"{'an' if word[:1].lower() in ('a', 'e', 'i', 'o') else 'a'} {word}"


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

"""Plain data: the only values that cross between a grader and the code it grades.

A value is plain when JSON could carry it: None, bool, int, float, str, lists and dicts with
string keys. Two tagged forms extend that without trusting the other side: dataclasses of the
learner API, ``ftlab.learner`` (a ``Scenario``, a ``Decision``: nothing else is ever rebuilt, so
a value cannot make the other side import or call anything else) and *handles*, named resources that the side
running the learner's code rebuilds for itself (an OpenAI client pointed at the mock, say).
Anything else (an object whose ``==`` is always true, a generator, a file) is refused.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
from collections.abc import Callable
from typing import Any

from ftlab.errors import FtlabError

_TAG = "$ftlab"
LEARNER_API = "ftlab.learner"
MAX_DEPTH = 100
MAX_SIZE = 16 * 1024**2
MAX_INT_BITS = 13_000  # about 3,900 digits: Python refuses to print more than 4,300
#: How the refusal of a value nested too deep begins (here and in ``wire.not_plain``).
NESTED = "a value nested more than"
TOO_DEEP = f"{NESTED} {MAX_DEPTH} levels deep"
TOO_LARGE = f"a value larger than {MAX_SIZE // 1024**2} MiB"
TOO_LONG_INT = "an integer with thousands of digits"
_PLAIN_ONLY = "return plain data only (dict, list, str, int, float, bool or None)"
_ADVICE = {
    TOO_DEEP: "return flatter data",
    TOO_LARGE: "return less data (write big results to a file instead)",
    TOO_LONG_INT: "return a smaller number (or its digits as a string)",
}
_HANDLES: dict[str, Callable[[dict[str, Any]], Any]] = {}


class NotPlainData(FtlabError, TypeError):
    """A value that cannot cross the boundary as plain data (of another type, too deep, too large)."""

    def __init__(self, where: str, value: object, *, what: str = "") -> None:
        super().__init__(where, type(value).__name__)
        self.where = where
        self.type_name = type(value).__name__
        #: what the value is, in a learner's words: "a set object", "a value larger than 16 MiB"
        self.what = what or f"a {self.type_name} object"

    @property
    def reason(self) -> str:
        """What is wrong and what to do, without saying where (":func:`to_plain`'s ``where``)."""
        return f"{self.what}; {_ADVICE.get(self.what, _PLAIN_ONLY)}"

    def __str__(self) -> str:
        return (
            f"{self.where} is {self.reason}" if self.what not in _ADVICE else f"{self.where}: {self.reason}"
        )


@dataclasses.dataclass(frozen=True)
class Handle:
    """A named resource rebuilt on the side that runs the learner's code."""

    kind: str
    params: dict[str, Any]


def register_handle(kind: str, build: Callable[[dict[str, Any]], Any]) -> None:
    """Teach :func:`from_plain` to rebuild handles of ``kind`` with ``build(params)``."""
    _HANDLES[kind] = build


def to_plain(value: object, where: str = "the value") -> Any:
    """A deep copy of ``value`` made of plain data only; tuples become lists.

    Refuses (:class:`NotPlainData`) anything else, and a value nested more than
    :data:`MAX_DEPTH` levels deep or larger than :data:`MAX_SIZE` as JSON (roughly): it stops as
    soon as it knows, never building the whole copy, so no value makes it fail another way.
    """
    try:
        return _plain(value, 0, _Budget())
    except _Refused as refused:
        if refused.what not in (TOO_DEEP, TOO_LARGE):  # where it went over says nothing useful
            where += "".join(reversed(refused.path))
        where = f"a key of {where}" if refused.key else where
        raise NotPlainData(where, refused.value, what=refused.what) from None


class _Refused(FtlabError):
    """Raised inside :func:`_plain`; the path to the value is added on the way out (free when all is well)."""

    def __init__(self, value: object, what: str = "", *, key: bool = False) -> None:
        super().__init__(what)
        self.value, self.what, self.key = value, what, key
        self.path: list[str] = []


class _Budget:
    """What is left of :data:`MAX_SIZE`, counted in characters of JSON (non-ASCII text counts sixfold)."""

    def __init__(self) -> None:
        self.left = MAX_SIZE

    def spend(self, value: object, cost: int) -> None:
        self.left -= cost
        if self.left < 0:
            raise _Refused(value, TOO_LARGE)


def _plain(value: object, depth: int, budget: _Budget) -> Any:
    kind = type(value)
    if value is None or kind is bool:
        budget.spend(value, 7)
        return value
    if kind is str:
        text: str = value  # type: ignore[assignment]
        budget.spend(value, 4 + (len(text) if text.isascii() else 6 * len(text)))
        return value
    if kind is int:
        if value.bit_length() > MAX_INT_BITS:  # type: ignore[attr-defined]
            raise _Refused(value, TOO_LONG_INT)
        budget.spend(value, 4 + value.bit_length() // 3)  # type: ignore[attr-defined]
        return value
    if kind is float:
        budget.spend(value, 26)
        return value if math.isfinite(value) else {_TAG: "float", "repr": repr(value)}  # type: ignore[arg-type]
    if depth >= MAX_DEPTH and kind in (list, tuple, dict):
        raise _Refused(value, TOO_DEEP)
    if kind is list or kind is tuple:  # exactly: no subclass
        return _plain_list(value, depth, budget)  # type: ignore[arg-type]
    if kind is dict:
        return _plain_dict(value, depth, budget)  # type: ignore[arg-type]
    return _plain_tagged(value, depth, budget)


def _plain_list(value: list[Any] | tuple[Any, ...], depth: int, budget: _Budget) -> list[Any]:
    budget.spend(value, 2)
    out = []
    for i, item in enumerate(value):
        try:
            out.append(_plain(item, depth + 1, budget))
        except _Refused as refused:
            refused.path.append(f"[{i}]")
            raise
    return out


def _plain_dict(value: dict[Any, Any], depth: int, budget: _Budget) -> dict[str, Any]:
    budget.spend(value, 2)
    out = {}
    for key, item in value.items():
        if type(key) is not str:
            raise _Refused(key, key=True)
        try:
            budget.spend(key, 6 + (len(key) if key.isascii() else 6 * len(key)))
            out[key] = _plain(item, depth + 1, budget)
        except _Refused as refused:
            refused.path.append(f"[{key[:40]!r}]")
            raise
    return out


def _plain_tagged(value: object, depth: int, budget: _Budget) -> dict[str, Any]:
    if isinstance(value, Handle):
        return {_TAG: "handle", "kind": value.kind, "params": _plain(value.params, depth + 1, budget)}
    cls = type(value)
    if dataclasses.is_dataclass(value) and crosses(cls.__module__):
        fields = {}
        for f in dataclasses.fields(value):
            try:
                fields[f.name] = _plain(getattr(value, f.name), depth + 1, budget)
            except _Refused as refused:
                refused.path.append(f".{f.name}")
                raise
        return {_TAG: "dataclass", "class": f"{cls.__module__}:{cls.__qualname__}", "fields": fields}
    raise _Refused(value)


def crosses(module: str) -> bool:
    """Whether dataclasses of ``module`` may cross: the learner API's, nothing else."""
    return module == LEARNER_API or module.startswith(LEARNER_API + ".")


def from_plain(value: Any, *, handles: bool = True) -> Any:
    """Rebuild what :func:`to_plain` tagged; ``handles=False`` leaves handles as ``Handle``."""
    if isinstance(value, list):
        return [from_plain(item, handles=handles) for item in value]
    if not isinstance(value, dict):
        return value
    tag = value.get(_TAG)
    if tag == "float":
        return float(value["repr"])
    if tag == "dataclass":
        module, _, name = str(value.get("class", "")).partition(":")
        cls = getattr(importlib.import_module(module), name, None) if crosses(module) else None
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            raise ValueError(
                f"refusing to rebuild {value.get('class')!r}: only the learner API's dataclasses"
                f" ({LEARNER_API}) cross the boundary"
            )
        return cls(**{k: from_plain(v, handles=handles) for k, v in value["fields"].items()})
    if tag == "handle":
        handle = Handle(value["kind"], from_plain(value["params"], handles=handles))
        if not handles:
            return handle
        if handle.kind not in _HANDLES:
            raise ValueError(f"no way to build a {handle.kind!r} handle here")
        return _HANDLES[handle.kind](handle.params)
    return {k: from_plain(v, handles=handles) for k, v in value.items()}

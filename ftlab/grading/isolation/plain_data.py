"""Plain data: the only values that cross between a grader and the code it grades.

A value is plain when JSON could carry it: None, bool, int, float, str, lists and dicts with
string keys. Two tagged forms extend that without trusting the other side: dataclasses defined
inside ``ftlab`` (a ``Scenario``, a ``Decision``) and *handles*, named resources that the side
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
_HANDLES: dict[str, Callable[[dict[str, Any]], Any]] = {}


class NotPlainData(FtlabError, TypeError):
    """A value that cannot cross the boundary as plain data."""

    def __init__(self, where: str, value: object) -> None:
        super().__init__(where, type(value).__name__)
        self.where = where
        self.type_name = type(value).__name__

    def __str__(self) -> str:
        return (
            f"{self.where} is a {self.type_name} object; return plain data only "
            "(dict, list, str, int, float, bool or None)"
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
    """A deep copy of ``value`` made of plain data only; tuples become lists."""
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return value if math.isfinite(value) else {_TAG: "float", "repr": repr(value)}
    if isinstance(value, list | tuple) and type(value) in (list, tuple):  # exactly: no subclass
        return [to_plain(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict) and type(value) is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                raise NotPlainData(f"a key of {where}", key)
            out[key] = to_plain(item, f"{where}[{key!r}]")
        return out
    if isinstance(value, Handle):
        return {_TAG: "handle", "kind": value.kind, "params": to_plain(value.params, where)}
    cls = type(value)
    if dataclasses.is_dataclass(value) and cls.__module__.split(".")[0] == "ftlab":
        fields = {
            f.name: to_plain(getattr(value, f.name), f"{where}.{f.name}") for f in dataclasses.fields(value)
        }
        return {_TAG: "dataclass", "class": f"{cls.__module__}:{cls.__qualname__}", "fields": fields}
    raise NotPlainData(where, value)


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
        module, _, name = value["class"].partition(":")
        if module.split(".")[0] != "ftlab":
            raise ValueError(
                f"refusing to rebuild {value['class']}: only ftlab's own dataclasses cross the boundary"
            )
        cls = getattr(importlib.import_module(module), name)
        return cls(**{k: from_plain(v, handles=handles) for k, v in value["fields"].items()})
    if tag == "handle":
        handle = Handle(value["kind"], from_plain(value["params"], handles=handles))
        if not handles:
            return handle
        if handle.kind not in _HANDLES:
            raise ValueError(f"no way to build a {handle.kind!r} handle here")
        return _HANDLES[handle.kind](handle.params)
    return {k: from_plain(v, handles=handles) for k, v in value.items()}

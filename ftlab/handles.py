"""Handles: resources a grader names in plain data and the learner's side builds for itself."""

from __future__ import annotations

from typing import Any

from ftlab.plain import Handle, register_handle


class Unserializable:
    """A value no JSON encoder can write: proves that a failed write leaves no half file."""

    def __repr__(self) -> str:
        return "<a value JSON cannot encode>"


def unserializable() -> Handle:
    """A handle that becomes an :class:`Unserializable` where the learner's code runs."""
    return Handle("unserializable", {})


def _build_unserializable(params: dict[str, Any]) -> Unserializable:
    return Unserializable()


register_handle("unserializable", _build_unserializable)


def repeated(value: Any, count: int) -> Handle:
    """A handle that becomes ``[value] * count`` where the learner's code runs: a big input sent small."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"count must be an integer >= 0, got {count!r}")
    return Handle("repeated", {"value": value, "count": count})


def _build_repeated(params: dict[str, Any]) -> list[Any]:
    return [params["value"]] * params["count"]


register_handle("repeated", _build_repeated)

"""Checks on plain values that every layer shares: JSON's integers and numbers, never booleans."""

from __future__ import annotations

import math

from typing_extensions import TypeIs


def is_strict_int(value: object) -> TypeIs[int]:
    """True for an ``int`` that is not a ``bool`` (``True`` is an ``int`` in Python, not in JSON)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> TypeIs[int | float]:
    """True for an ``int`` or ``float`` that is not a ``bool``; infinities and NaN included."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_finite_number(value: object) -> TypeIs[int | float]:
    """True for a number JSON can carry: an ``int`` or a finite ``float``, not a ``bool``."""
    return is_number(value) and math.isfinite(value)

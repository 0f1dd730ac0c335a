"""A job's tuning parameters as OpenAI checks them: suffix, hyperparameters, metadata."""

from __future__ import annotations

import re
from typing import Any

from ftlab.mock import errors
from ftlab.mock.jobs import Hyperparameters
from ftlab.values import is_finite_number, is_strict_int

MAX_SUFFIX = 64
#: What a suffix may hold: it becomes part of a model name, which is one segment of a URL path
#: (``/v1/models/{model}``) and is split on ``:``. Letters, digits, ``-``, ``_`` and ``.``.
SUFFIX = re.compile(r"^[A-Za-z0-9._-]+$")
#: OpenAI's metadata limits: 16 pairs, keys up to 64 characters, values up to 512.
MAX_METADATA, MAX_METADATA_KEY, MAX_METADATA_VALUE = 16, 64, 512
_RANGES = {"n_epochs": (1, 50), "batch_size": (1, 256)}


def parse_suffix(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise errors.invalid_type("suffix", "a string", value)
    if len(value) > MAX_SUFFIX:
        raise errors.too_long("suffix", value, MAX_SUFFIX)
    if not value:
        raise errors.ApiError(
            400,
            "Invalid 'suffix': string too short. Expected a string with minimum length 1, "
            "but got an empty string instead.",
            param="suffix",
            code="string_below_min_length",
        )
    if not SUFFIX.match(value):
        bad = next(c for c in value if not SUFFIX.match(c))
        raise errors.ApiError(
            400,
            f"Invalid 'suffix': {value!r} contains {bad!r}. A suffix may hold only letters, digits, "
            "'-', '_' and '.'.",
            param="suffix",
            code="invalid_value",
        )
    return value


def hyperparameters(body: dict[str, Any]) -> Hyperparameters:
    """From ``method.supervised.hyperparameters`` or the deprecated top-level ``hyperparameters``."""
    method = body.get("method")
    where, given = "hyperparameters", body.get("hyperparameters")
    if method is not None:
        if not isinstance(method, dict):
            raise errors.invalid_type("method", "an object", method)
        kind = method.get("type")
        if kind != "supervised":
            allowed = ["supervised", "dpo", "reinforcement"]
            if kind not in allowed:
                raise errors.invalid_value("method.type", kind, allowed)
            raise errors.ApiError(
                400,
                f"The ftlab mock simulates supervised fine-tuning only, not method type '{kind}'.",
                param="method.type",
            )
        supervised = method.get("supervised")
        if supervised is not None and not isinstance(supervised, dict):
            raise errors.invalid_type("method.supervised", "an object", supervised)
        inner = (supervised or {}).get("hyperparameters")
        if inner is not None:
            if given is not None and given != inner:
                raise errors.ApiError(
                    400,
                    "Give hyperparameters in 'method' or at the top level (deprecated), not both.",
                    param="hyperparameters",
                )
            where, given = "method.supervised.hyperparameters", inner
    if given is None:
        return Hyperparameters()
    if not isinstance(given, dict):
        raise errors.invalid_type(where, "an object", given)
    values = {name: _hyperparameter(name, given.get(name, "auto"), f"{where}.{name}") for name in _NAMES}
    return Hyperparameters(**values)


_NAMES = ("n_epochs", "batch_size", "learning_rate_multiplier")


def _hyperparameter(name: str, value: Any, param: str) -> Any:
    if value == "auto":
        return value
    if name == "learning_rate_multiplier":
        if not is_finite_number(value):  # JSON has no infinity; a NaN or inf from Python is refused too
            raise errors.invalid_type(param, "a number or 'auto'", value)
        if value <= 0:
            raise errors.out_of_range(param, float(value), minimum=0)
        return value
    if not is_strict_int(value):
        raise errors.invalid_type(param, "an integer or 'auto'", value)
    low, high = _RANGES[name]
    if not low <= value <= high:
        raise errors.out_of_range(param, value, minimum=low, maximum=high)
    return value


def parse_metadata(value: object) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise errors.invalid_type("metadata", "an object of strings", value)
    if len(value) > MAX_METADATA:
        raise errors.ApiError(
            400,
            f"Invalid 'metadata': too many properties. Expected at most {MAX_METADATA}.",
            param="metadata",
        )
    for key, text in value.items():
        if len(key) > MAX_METADATA_KEY:
            raise errors.too_long(f"metadata.{key[:MAX_METADATA_KEY]}…", key, MAX_METADATA_KEY)
        if len(text) > MAX_METADATA_VALUE:
            raise errors.too_long(f"metadata.{key}", text, MAX_METADATA_VALUE)
    return dict(value)

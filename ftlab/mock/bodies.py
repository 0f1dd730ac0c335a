"""JSON in and out of the mock: request bodies parsed strictly, responses that every JSON parser reads.

A request body must be JSON as RFC 8259 means it: no ``NaN`` or ``Infinity``, no number too large
for a 64-bit float (``1e400``), no nesting deeper than the dataset rules allow
(:data:`ftlab.dataset.limits.MAX_DEPTH`). Responses are written with ``allow_nan=False``, so a
non-finite number that slipped into the state raises instead of reaching a client as ``Infinity``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ftlab.dataset import limits
from ftlab.errors import FtlabError
from ftlab.mock import errors

_NOT_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
    "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
    "sent was not valid JSON.)"
)


class _NotJson(FtlabError, ValueError):
    """A number JSON cannot carry, met while parsing."""


def parse_json(data: bytes) -> Any:
    """The JSON value of a request body, or OpenAI's 400 saying why it is not one."""
    try:
        value = json.loads(data, parse_constant=_constant, parse_float=_finite_float)
    except RecursionError:
        raise _too_deep() from None
    except _NotJson as error:
        raise errors.ApiError(400, f"{_NOT_JSON} {error}") from None
    except ValueError:  # malformed JSON, bad UTF-8, an integer of more than 4300 digits
        raise errors.ApiError(400, _NOT_JSON) from None
    if any(problem.code == "nested_too_deep" for problem in limits.value_problems(value)):
        raise _too_deep()
    return value


def dumps(payload: Any) -> str:
    """``payload`` as JSON text; ValueError for a non-finite number."""
    return json.dumps(payload, ensure_ascii=False, allow_nan=False)


def _too_deep() -> errors.ApiError:
    return errors.ApiError(
        400, f"The JSON body of your request is nested more than {limits.MAX_DEPTH} levels deep."
    )


def _constant(name: str) -> float:
    raise _NotJson(f"({name} is not a JSON number.)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJson(f"(The number {text[:40]} is too large for a 64-bit float.)")
    return value

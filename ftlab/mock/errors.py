"""API errors in OpenAI's shape: ``{"error": {"message", "type", "param", "code"}}`` plus a status."""

from __future__ import annotations

from typing import Any

from ftlab.errors import FtlabError

NO_KEY = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header "
    "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank "
    "username) if you're accessing the API from your browser and are prompted for a username and "
    "password. You can obtain an API key from https://platform.openai.com/account/api-keys."
)


class ApiError(FtlabError):
    """An error response: HTTP status and OpenAI's four error fields."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",  # noqa: A002 - OpenAI's field name
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}

    def __str__(self) -> str:
        where = f" (param {self.param})" if self.param else ""
        return f"{self.status} {self.code or self.type}: {self.message}{where}"


def missing_key() -> ApiError:
    return ApiError(401, NO_KEY)


def bad_key(key: str) -> ApiError:
    shown = key if len(key) <= 8 else f"{key[:3]}{'*' * 10}{key[-4:]}"
    return ApiError(
        401,
        f"Incorrect API key provided: {shown}. You can find your API key at https://platform.openai.com/account/api-keys.",
        code="invalid_api_key",
    )


def no_such(kind: str, ident: str, param: str = "id") -> ApiError:
    """404 for an unknown file, job or checkpoint id."""
    return ApiError(404, f"No such {kind}: {ident}", param=param)


def model_not_found(model: str) -> ApiError:
    return ApiError(
        404,
        f"The model `{model}` does not exist or you do not have access to it.",
        code="model_not_found",
    )


def invalid_url(method: str, path: str) -> ApiError:
    return ApiError(404, f"Invalid URL ({method} {path})")


def missing(param: str) -> ApiError:
    return ApiError(
        400, f"Missing required parameter: '{param}'.", param=param, code="missing_required_parameter"
    )


def invalid_type(param: str, expected: str, value: object) -> ApiError:
    return ApiError(
        400,
        f"Invalid type for '{param}': expected {expected}, but got {_json_type(value)} instead.",
        param=param,
        code="invalid_type",
    )


def invalid_value(param: str, value: object, allowed: list[str]) -> ApiError:
    options = (
        ", ".join(f"'{a}'" for a in allowed[:-1]) + f", and '{allowed[-1]}'"
        if len(allowed) > 1
        else f"'{allowed[0]}'"
    )
    return ApiError(
        400,
        f"Invalid value for '{param}': {value!r}. Supported values are: {options}.",
        param=param,
        code="invalid_value",
    )


def out_of_range(
    param: str, value: int | float, *, minimum: float | None = None, maximum: float | None = None
) -> ApiError:
    kind = "integer" if isinstance(value, int) else "decimal"
    if maximum is not None and value > maximum:
        return ApiError(
            400,
            f"Invalid '{param}': {kind} above maximum value. "
            f"Expected a value <= {maximum:g}, but got {value:g} instead.",
            param=param,
            code=f"{kind}_above_max_value",
        )
    bound = ">" if minimum == 0 and kind == "decimal" else ">="
    return ApiError(
        400,
        f"Invalid '{param}': {kind} below minimum value. "
        f"Expected a value {bound} {minimum:g}, but got {value:g} instead.",
        param=param,
        code=f"{kind}_below_min_value",
    )


def too_long(param: str, value: str, maximum: int) -> ApiError:
    return ApiError(
        400,
        f"Invalid '{param}': string too long. Expected a string with maximum length {maximum}, "
        f"but got a string with length {len(value)} instead.",
        param=param,
        code="string_above_max_length",
    )


def _json_type(value: object) -> str:
    """How OpenAI names the JSON type of ``value`` (a subclass as its nearest built-in: bool before int)."""
    for kind in type(value).__mro__:
        if kind in _JSON_TYPES:
            return _JSON_TYPES[kind]
    return "an object"


_JSON_TYPES: dict[type, str] = {
    type(None): "null",
    bool: "a boolean",
    int: "an integer",
    float: "a decimal",
    str: "a string",
    list: "an array",
}

"""API errors: OpenAI's four fields, its status codes and its wording."""

from __future__ import annotations

from ftlab.mock import errors


def test_an_error_body_has_exactly_openais_four_fields() -> None:
    error = errors.ApiError(400, "bad", param="model", code="model_not_available")
    assert error.body() == {
        "error": {
            "message": "bad",
            "type": "invalid_request_error",
            "param": "model",
            "code": "model_not_available",
        }
    }


def test_an_error_reads_as_status_code_message_and_param() -> None:
    assert str(errors.ApiError(400, "too long", param="suffix", code="string_above_max_length")) == (
        "400 string_above_max_length: too long (param suffix)"
    )


def test_a_missing_key_gets_openais_401_sentence() -> None:
    error = errors.missing_key()
    assert error.status == 401
    assert error.message.startswith("You didn't provide an API key.")


def test_a_wrong_key_is_masked_in_the_message() -> None:
    error = errors.bad_key("sk-abcdefghijklmnop1234")
    assert error.status == 401 and error.code == "invalid_api_key"
    assert "sk-**********1234" in error.message
    assert "abcdefghijklmnop" not in error.message


def test_out_of_range_names_the_bound_that_was_broken() -> None:
    high = errors.out_of_range("hyperparameters.n_epochs", 60, minimum=1, maximum=50)
    low = errors.out_of_range("hyperparameters.n_epochs", 0, minimum=1, maximum=50)
    assert (
        high.code == "integer_above_max_value"
        and "Expected a value <= 50, but got 60 instead." in high.message
    )
    assert (
        low.code == "integer_below_min_value" and "Expected a value >= 1, but got 0 instead." in low.message
    )


def test_too_long_gives_both_lengths() -> None:
    error = errors.too_long("suffix", "x" * 70, 64)
    assert error.message == (
        "Invalid 'suffix': string too long. Expected a string with maximum length 64, "
        "but got a string with length 70 instead."
    )


def test_invalid_value_lists_every_allowed_value() -> None:
    error = errors.invalid_value("purpose", "finetune", ["batch", "fine-tune", "vision"])
    assert (
        error.message == "Invalid value for 'purpose': 'finetune'. "
        "Supported values are: 'batch', 'fine-tune', and 'vision'."
    )


def test_unknown_models_get_model_not_found() -> None:
    error = errors.model_not_found("gpt-9")
    assert (error.status, error.code) == (404, "model_not_found")
    assert error.message == "The model `gpt-9` does not exist or you do not have access to it."

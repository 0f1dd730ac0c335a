"""A job's parameters are checked as OpenAI checks them, each refusal naming its field."""

from __future__ import annotations

import math

import pytest

from ftlab.mock.errors import ApiError
from ftlab.mock.parameters import hyperparameters, parse_metadata, parse_suffix


@pytest.mark.parametrize("suffix", ["marv", "my-bot_2.1", "x" * 64])
def test_suffixes_of_letters_digits_dashes_underscores_and_dots_are_kept(suffix: str) -> None:
    assert parse_suffix(suffix) == suffix


@pytest.mark.parametrize("suffix", ["a/b", "a:b", "a b", "é", "", "x" * 65, 5])
def test_other_suffixes_are_refused_naming_suffix(suffix: object) -> None:
    with pytest.raises(ApiError) as caught:
        parse_suffix(suffix)
    assert caught.value.status == 400 and caught.value.param == "suffix"


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, True, "0.5"])
def test_a_learning_rate_must_be_a_finite_number(value: object) -> None:
    with pytest.raises(ApiError) as caught:
        hyperparameters({"hyperparameters": {"learning_rate_multiplier": value}})
    assert caught.value.param == "hyperparameters.learning_rate_multiplier"


def test_a_supervised_method_part_must_be_an_object() -> None:
    with pytest.raises(ApiError) as caught:
        hyperparameters({"method": {"type": "supervised", "supervised": []}})
    assert caught.value.param == "method.supervised"


def test_method_hyperparameters_are_read() -> None:
    body = {"method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 4}}}}
    assert hyperparameters(body).n_epochs == 4


def test_metadata_at_its_limits_is_kept_and_over_them_refused_naming_the_key() -> None:
    assert parse_metadata({"k" * 64: "v" * 512}) == {"k" * 64: "v" * 512}
    with pytest.raises(ApiError) as caught:
        parse_metadata({"note": "v" * 513})
    assert caught.value.param == "metadata.note"
    with pytest.raises(ApiError) as caught:
        parse_metadata({"k" * 65: "v"})
    assert caught.value.code == "string_above_max_length"

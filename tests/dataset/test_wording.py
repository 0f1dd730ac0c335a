"""ftlab.dataset.wording: the words the rules use for JSON values, paths, keys and failed checks."""

from __future__ import annotations

import jsonschema
import pytest

from ftlab.dataset.wording import (
    a_or_an,
    allowed_keys,
    dotted,
    expected,
    found,
    json_type,
    missing_keys,
    names,
    printable,
)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"a": 1}, "an object"),
        ([1], "a list"),
        ("hi", "a string"),
        (True, "true/false"),
        (None, "null"),
        (3, "a number"),
        (2.5, "a number"),
        (b"raw", "bytes"),
    ],
)
def test_a_value_is_named_in_jsons_words_and_a_bool_is_not_a_number(value, words):
    assert json_type(value) == words


def test_a_path_reads_as_dots_and_indexes():
    assert dotted(["messages", 2, "content"]) == "messages[2].content"
    assert dotted([0, "role"]) == "[0].role" and dotted([]) == ""


def test_keys_are_quoted_and_comma_separated():
    assert names(["role", "content"]) == "'role', 'content'" and names([]) == ""


def _first_error(schema: dict, instance: object) -> jsonschema.ValidationError:
    return next(jsonschema.Draft7Validator(schema).iter_errors(instance))


def test_a_failed_required_check_names_the_missing_keys_in_the_schemas_order():
    error = _first_error({"required": ["role", "content", "name"]}, {"content": "x"})
    assert missing_keys(error) == ["role", "name"]
    assert expected(error) == ["role", "content", "name"] and found(error) == {"content": "x"}


def test_allowed_keys_are_the_schemas_properties_sorted():
    schema = {"properties": {"role": {}, "content": {}}, "additionalProperties": False}
    assert allowed_keys(_first_error(schema, {"role": "user", "x": 1})) == ["content", "role"]


def test_a_schema_without_properties_allows_no_key_by_name():
    assert allowed_keys(_first_error({"additionalProperties": False}, {"x": 1})) == []


# Issue 16: every value echoed from a file is printable.


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("assistant", "assistant"),
        ("é · … 日本", "é · … 日本"),
        ("\ud800", "\\ud800"),
        ("a\x07b\nc\td\re\x1b", "a\\x07b\\nc\\td\\re\\x1b"),
        ("\u202eevil", "\\u202eevil"),
        (3, "3"),
    ],
)
def test_printable_escapes_surrogates_and_control_characters(value, shown):
    assert printable(value) == shown
    printable(value).encode("utf-8")  # strict: raises on a surrogate


def test_a_long_value_is_cut_to_its_first_200_characters_with_its_length():
    assert printable("x" * 20_000_000) == "x" * 200 + "… (20,000,000 characters)"
    assert printable("x" * 200) == "x" * 200
    assert printable("\ud800" * 300, limit=2).startswith("\\ud800\\ud800… (300 characters)")
    assert printable("y" * 5000, limit=None) == "y" * 5000


def test_names_quote_keys_escaped_and_cut():
    assert names(["role", "\ud800", "it's"]) == "'role', '\\ud800', \"it's\""
    assert names(["k" * 1000]) == f"'{'k' * 200}'… (1,000 characters)"


@pytest.mark.parametrize(
    ("word", "with_article"),
    [
        ("assistant", "an assistant"),
        ("object", "an object"),
        ("integer", "an integer"),
        ("user", "a user"),
        ("tool", "a tool"),
        ("system", "a system"),
        ("function", "a function"),
    ],
)
def test_the_article_fits_the_word(word, with_article):
    assert a_or_an(word) == with_article

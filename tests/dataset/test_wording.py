"""ftlab.dataset.wording: the words the rules use for JSON values, paths, keys and failed checks."""

from __future__ import annotations

import jsonschema
import pytest

from ftlab.dataset.wording import allowed_keys, dotted, expected, found, json_type, missing_keys, names


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

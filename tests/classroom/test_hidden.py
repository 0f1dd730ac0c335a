"""Hidden checks taken out of a grader's source: functions, case records, and the values only they used."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ftlab.classroom.hidden import HiddenCheckLeft, strip_hidden

SOURCE = """\
import pytest

SHOWN = [1, 2]

# inputs only the hidden check uses
SECRET = [41, 42]
DERIVED = [x + 1 for x in SECRET]


@pytest.mark.points(1, hint="shown")
def test_shown(exercise):
    assert SHOWN


# a hidden one
@pytest.mark.points(1, visibility="hidden", hint="hidden")
@pytest.mark.parametrize("x", DERIVED)
def test_hidden(exercise, x):
    assert x


class TestGroup:
    @pytest.mark.points(2, hint="kept", visibility="visible")
    def test_kept(self):
        pass

    @pytest.mark.points(2, hint="gone", visibility="hidden")
    def test_gone(self):
        pass
"""

CASES = """\
import pytest

ONLY_HIDDEN = {"x": 99}

CASES = [
    # a visible case
    Case("shown", 1),
    # a hidden case, with its comment
    Case("secret-case", ONLY_HIDDEN,
         hidden=True),
    pytest.param(3, id="p-hidden", marks=pytest.mark.points(1, hint="h", visibility="hidden")),
    pytest.param(4, id="p-shown", marks=pytest.mark.points(1, hint="h")),
]
"""


def test_hidden_functions_and_the_values_only_they_used_are_stripped():
    text = strip_hidden(SOURCE)
    assert "test_hidden" not in text and "test_gone" not in text
    assert "SECRET" not in text and "DERIVED" not in text and "41" not in text and "a hidden one" not in text
    assert "test_shown" in text and "SHOWN = [1, 2]" in text and "test_kept" in text
    ast.parse(text)


def test_hidden_case_records_and_params_are_stripped_with_their_data():
    text = strip_hidden(CASES)
    assert (
        "secret-case" not in text
        and "ONLY_HIDDEN" not in text
        and "p-hidden" not in text
        and "with its comment" not in text
    )
    assert 'Case("shown", 1)' in text and "p-shown" in text and "# a visible case" in text
    ast.parse(text)


def test_a_grader_without_hidden_checks_is_unchanged():
    source = '@pytest.mark.points(1, hint="h")\ndef test_a(exercise):\n    pass\n'
    assert strip_hidden(source) == source


def test_a_hidden_case_sharing_a_line_is_refused_not_shipped():
    source = 'CASES = [Case("a", 1), Case("b", 2, hidden=True)]\n'
    with pytest.raises(HiddenCheckLeft, match="line 1: a hidden case shares its line"):
        strip_hidden(source, path=Path("graders/test_x.py"))

"""Number arguments: one parser for every command, with bounds and a plain complaint."""

from __future__ import annotations

import argparse

import pytest

from ftlab.cli.arguments import number


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (number(int, minimum=1), "0", "must be at least 1, got 0"),
        (number(int, minimum=1), "2.5", "'2.5' is not a whole number"),
        (number(int, minimum=0), "-5", "must be 0 or more, got -5"),
        (number(float, above=0), "0", "must be positive, got 0"),
        (number(float, above=0.5), "0.5", "must be more than 0.5, got 0.5"),
        (number(float, above=0), "soon", "'soon' is not a number"),
        (number(int, maximum=9), "10", "must be at most 9, got 10"),
        (number(int, minimum=0, maximum=65535, name="port number"), "70000", "must be 0-65535, got 70000"),
        (number(int, minimum=0, maximum=65535, name="port number"), "x", "'x' is not a port number"),
    ],
)
def test_out_of_range_or_unreadable_values_are_refused_saying_why(parse, text, message):
    with pytest.raises(argparse.ArgumentTypeError, match=f"^{message}$"):
        parse(text)


def test_values_in_range_come_back_as_their_kind():
    assert number(int, minimum=0, maximum=65535)("8765") == 8765
    assert number(float, above=0)("0.5") == 0.5
    assert number(int)("-3") == -3


def test_argparse_names_the_kind_in_its_own_message(capsys):
    parser = argparse.ArgumentParser(prog="x")
    parser.add_argument("--jobs", type=number(int, minimum=1))
    with pytest.raises(SystemExit):
        parser.parse_args(["--jobs", "0"])
    assert "argument --jobs: must be at least 1, got 0" in capsys.readouterr().err

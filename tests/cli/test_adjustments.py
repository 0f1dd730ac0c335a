"""``--adjust FILE``: the adjustments CSV read while parsing, a bad one refused with exit status 2."""

from __future__ import annotations

import argparse

import pytest

from ftlab.cli.adjustments import add_adjustments_option

HEADER = "submission,check or exercise,points,reason\n"


def _file(tmp_path, rows: str, name: str = "adjust.csv"):
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_the_option_reads_the_file_and_a_bad_one_exits_2_with_the_reason(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="ftlab grade")
    add_adjustments_option(parser)
    good = parser.parse_args(["--adjust", str(_file(tmp_path, "alice,1,1,why\n"))])
    assert [row.submission for row in good.adjust.rows] == ["alice"]
    with pytest.raises(SystemExit) as exit_:
        parser.parse_args(["--adjust", str(_file(tmp_path, "alice,1,x,why\n", "bad.csv"))])
    assert exit_.value.code == 2 and "bad.csv, line 2, field 'points'" in capsys.readouterr().err

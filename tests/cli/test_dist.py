"""``ftlab dist student OUT``: the learners' copy written, or a refusal saying why, exit 1."""

from __future__ import annotations

from ftlab.cli.main import build_parser, main
from tests.paths import ROOT


def test_the_command_writes_the_learners_copy_without_solutions(tmp_path, capsys):
    out = tmp_path / "student"
    assert main(["dist", "student", str(out), "--kit", str(ROOT)]) == 0
    said = capsys.readouterr().out
    assert said.startswith("wrote ") and said.endswith(
        f"files to {out} (no solutions/, hidden checks removed)\n"
    )
    assert (out / "exercises").is_dir() and not (out / "solutions").exists()


def test_a_folder_that_is_not_empty_is_refused_with_exit_1(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["dist", "student", str(tmp_path), "--kit", str(ROOT)]) == 1
    assert capsys.readouterr().err.startswith("ftlab dist student: ")
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_the_kit_defaults_to_the_current_folder():
    args = build_parser().parse_args(["dist", "student", "out"])
    assert (args.kind, args.out, args.kit) == ("student", "out", ".")

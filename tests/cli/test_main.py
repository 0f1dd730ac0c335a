"""``ftlab validate``: exit codes, line-numbered output and JSON, as a learner runs it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ftlab.cli.main import main
from ftlab.errors import ExitCode
from tests.paths import DATA, ROOT


def test_a_valid_file_exits_0_and_says_so(capsys):
    assert main(["validate", str(DATA / "support_tickets.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "72 examples, 0 errors, 1 warning" in out and "valid: ready to upload" in out
    assert "warning secret_or_personal_data: Lines 3, 43, 66, 70 and 72 contain" in out


def test_the_broken_file_exits_1_naming_every_line_and_code(capsys):
    assert main(["validate", str(DATA / "broken.jsonl")]) == 1
    out = capsys.readouterr().out
    assert "  line 3: error data_type: each line must be a JSON object, got a list" in out
    assert "  line 16: error invalid_utf8:" in out and "  line 7: warning blank_line:" in out
    assert "not valid: fix the errors above" in out


def test_json_output_is_machine_readable(capsys):
    assert main(["validate", str(DATA / "broken.jsonl"), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert (
        report["valid"] is False and report["n_errors"] == 14 and report["n_warnings"] == 2
    )  # the blank line, and fewer than 50 examples
    assert {
        "line": 3,
        "code": "data_type",
        "severity": "error",
        "message": "each line must be a JSON object, got a list",
    } in report["problems"]


def test_a_missing_file_exits_2_with_one_line_and_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "ftlab.cli.main", "validate", str(tmp_path / "nope.jsonl")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"ftlab validate: {tmp_path / 'nope.jsonl'}: no such file"
    assert result.stdout == ""


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "ftlab"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("ftlab ")


# Issue 16: exit statuses that mean one thing, outputs that never harm a file, imports kept light.

GOOD = {
    "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Category: billing"}]
}
STRICT = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C.UTF-8", "PYTHONPATH": str(ROOT)}


def valid_file(tmp_path: Path) -> Path:
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(json.dumps(GOOD) for _ in range(10)) + "\n", "utf-8")
    return path


class Panic(BaseException):
    """Like pyo3's PanicException (tiktoken's): a BaseException that ``except Exception`` misses."""


def panicking(*_args, **_kwargs):
    raise Panic("called `Result::unwrap()` on an `Err` value\nsecond line")


def test_a_crash_inside_exits_3_with_one_line_and_no_traceback(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("ftlab.dataset.validation.validate_file", panicking)
    assert main(["validate", str(valid_file(tmp_path))]) == ExitCode.INTERNAL == 3
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err.splitlines() == [
        "ftlab: internal error: Panic: called `Result::unwrap()` on an `Err` value\\nsecond line "
        "(run with --debug for the traceback)"
    ]


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_shows_the_traceback_of_a_crash_before_or_after_the_command(
    tmp_path, capsys, monkeypatch, where
):
    monkeypatch.setattr("ftlab.dataset.validation.validate_file", panicking)
    argv = ["validate", str(valid_file(tmp_path))]
    assert main(["--debug", *argv] if where == "before" else [*argv, "--debug"]) == 3
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "panicking" in err
    assert err.splitlines()[-1].startswith("ftlab: internal error: Panic: ") and "--debug" not in err


def test_report_crashes_exit_3_too(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("ftlab.dataset.webpage.render_page", panicking)
    assert main(["report", str(valid_file(tmp_path)), "-o", str(tmp_path / "r.html")]) == 3
    assert not (tmp_path / "r.html").exists()


def test_ctrl_c_is_not_an_internal_error(tmp_path, monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("ftlab.dataset.validation.validate_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        main(["validate", str(valid_file(tmp_path))])


def test_report_to_dev_null_exits_2_and_leaves_the_device_a_device(tmp_path, capsys):
    assert main(["report", str(valid_file(tmp_path)), "-o", "/dev/null"]) == 2
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert capsys.readouterr().err.strip() == (
        "ftlab report: /dev/null: is a character device (like /dev/null), not a regular file; "
        "ftlab will not replace it"
    )


@pytest.mark.parametrize(
    ("make", "kind", "still"),
    [
        (os.mkfifo, "a named pipe (FIFO)", stat.S_ISFIFO),
        (os.mkdir, "a folder", stat.S_ISDIR),
    ],
)
def test_report_refuses_a_fifo_or_a_folder_as_its_output(tmp_path, capsys, make, kind, still):
    target = tmp_path / "out.html"
    make(target)
    assert main(["report", str(valid_file(tmp_path)), "-o", str(target)]) == 2
    assert still(os.lstat(target).st_mode)
    assert f"{target}: is {kind}, not a regular file" in capsys.readouterr().err


def test_report_writes_through_a_symlink_to_a_regular_file_and_says_so(tmp_path, capsys):
    real, link = tmp_path / "real.html", tmp_path / "link.html"
    real.write_text("old", "utf-8")
    link.symlink_to(real)
    assert main(["report", str(valid_file(tmp_path)), "-o", str(link)]) == 0
    assert link.is_symlink() and real.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert f"{link} (through the symlink, to {real}):" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("points_to", "says"),
    [("/dev/null", "a character device"), ("missing.html", "which does not exist")],
)
def test_report_refuses_a_symlink_to_a_device_or_to_nothing(tmp_path, capsys, points_to, says):
    link = tmp_path / "link.html"
    link.symlink_to(points_to)
    assert main(["report", str(valid_file(tmp_path)), "-o", str(link)]) == 2
    assert link.is_symlink() and os.readlink(link) == points_to
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert f"{link}: is a symlink to " in (err := capsys.readouterr().err) and says in err


@pytest.mark.parametrize(
    ("output", "says"),
    [
        ("nope/r.html", "the folder {tmp}/nope does not exist; create it first"),
        ("x.jsonl/r.html", "{tmp}/x.jsonl is a file, not a folder"),
    ],
)
def test_report_into_a_missing_folder_or_a_file_as_folder_exits_2_naming_it(tmp_path, capsys, output, says):
    data = valid_file(tmp_path)
    assert main(["report", str(data), "-o", str(tmp_path / output)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ftlab report: {tmp_path / output}: ") and "Traceback" not in err
    assert says.format(tmp=tmp_path) in err


def test_report_into_a_folder_it_cannot_write_exits_2(tmp_path, capsys, monkeypatch):
    def refused(**_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("ftlab.dataset.jsonl.tempfile.mkstemp", refused)
    assert main(["report", str(valid_file(tmp_path)), "-o", str(tmp_path / "r.html")]) == 2
    assert f"cannot write in the folder {tmp_path}: Permission denied" in capsys.readouterr().err


def test_a_file_name_over_255_bytes_exits_2_with_the_reason(tmp_path, capsys):
    assert main(["validate", str(tmp_path / ("a" * 300 + ".jsonl"))]) == 2
    assert capsys.readouterr().err.strip().endswith(": File name too long")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads through a folder's permissions")
def test_a_file_in_an_unsearchable_folder_exits_2(tmp_path, capsys):
    folder = tmp_path / "locked"
    folder.mkdir()
    data = valid_file(folder)
    folder.chmod(0)
    try:
        assert main(["validate", str(data)]) == 2
    finally:
        folder.chmod(0o755)
    assert "Permission denied" in capsys.readouterr().err


SURROGATES = (
    '{"messages": [{"role": "\\ud800", "content": "hi"}, {"role": "assistant", "content": "yo"}]}\n'
    '{"messages": [{"role": "user", "content": "hi", "\\ud800": 1}, '
    '{"role": "assistant", "content": "yo"}]}\n'
    '{"messages": [{"role": "user\\u0007\\n", "content": "hi"}, {"role": "assistant", "content": "yo"}]}\n'
)


@pytest.mark.parametrize("extra", [[], ["--json"], ["-o", "{tmp}/r.html"]])
def test_surrogates_and_control_characters_print_under_a_strict_utf8_locale(tmp_path, extra):
    data = tmp_path / "s.jsonl"
    data.write_text(SURROGATES, "utf-8")
    command = "report" if extra[:1] == ["-o"] else "validate"
    extra = [e.format(tmp=tmp_path) for e in extra]
    result = subprocess.run(
        [sys.executable, "-m", "ftlab.cli.main", command, str(data), *extra], capture_output=True, env=STRICT
    )
    assert result.returncode == 1, result.stderr
    out = result.stdout.decode("utf-8")
    if command == "report":
        out = (tmp_path / "r.html").read_bytes().decode("utf-8")
    elif extra:
        out = json.dumps(json.loads(out))  # valid JSON, and the surrogate arrives escaped, not raw
    assert "\\ud800" in out and "\ud800" not in out and "\x07" not in out


def test_a_file_name_that_is_not_utf8_prints_escaped(tmp_path):
    name = os.fsencode(tmp_path) + b"/n\xff.jsonl"
    valid = valid_file(tmp_path)
    os.rename(valid, name)
    cases = [
        [b"validate"],
        [b"validate", b"--json"],
        [b"report", b"-o", os.fsencode(tmp_path) + b"/o\xff.html"],
    ]
    for command, *extra in cases:
        result = subprocess.run(
            [sys.executable, "-m", "ftlab.cli.main", command, name, *extra], capture_output=True, env=STRICT
        )
        assert result.returncode == 0, result.stderr
        out = result.stdout.decode("utf-8")
        assert "n\\udcff.jsonl" in (json.loads(out)["file"] if extra == [b"--json"] else out)


def test_a_long_value_is_cut_with_its_length(tmp_path, capsys):
    record = {
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "x", "name": "n" * 1_000_000},
        ]
    }
    data = tmp_path / "long.jsonl"
    data.write_text(json.dumps(record) + "\n", "utf-8")
    assert main(["validate", str(data)]) == 1
    [line] = [
        line for line in capsys.readouterr().out.splitlines() if "invalid_name" in line and "line 1" in line
    ]
    assert len(line) < 2_200 and " characters)" in line


def test_importing_the_command_line_and_building_its_parser_imports_no_openai_sdk():
    code = (
        "import sys, ftlab.cli.main as m; a = 'openai' in sys.modules; m.build_parser(); "
        "print(a, any(k == 'openai' or k.startswith('openai.') for k in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=STRICT)
    assert result.stdout.split() == ["False", "False"], result.stderr

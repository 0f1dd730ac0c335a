"""Reading JSONL line by line through every kind of bad line, and writing it atomically."""

from __future__ import annotations

import json
import os
import re
import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlab.dataset import limits
from ftlab.dataset.jsonl import UnwritableOutput, atomic_writer, read_jsonl, write_jsonl
from ftlab.dataset.strategies import valid_records
from ftlab.grading.isolation.handles import Unserializable


def lines_of(tmp_path, data: bytes):
    path = tmp_path / "f.jsonl"
    path.write_bytes(data)
    return list(read_jsonl(path))


def test_each_kind_of_bad_line_is_reported_with_its_number_and_reading_goes_on(tmp_path):
    lines = lines_of(tmp_path, b'{"a": 1}\n\n{bad\n\xff\xfe\n[1]\nNaN\n{"b": 2}\r\n')
    assert [(line.number, line.problem.code if line.problem else None) for line in lines] == [
        (1, None),
        (2, "blank_line"),
        (3, "invalid_json"),
        (4, "invalid_utf8"),
        (5, None),
        (6, "invalid_json"),
        (7, None),
    ]
    assert lines[6].record == {"b": 2}
    assert lines[4].record == [1] and lines[4].parsed


def test_a_byte_order_mark_is_stripped_with_a_warning(tmp_path):
    [line] = lines_of(tmp_path, b'\xef\xbb\xbf{"a": 1}\n')
    assert line.record == {"a": 1} and line.parsed
    assert (line.problem.code, line.problem.severity) == ("bom", "warning")


def test_json_null_is_a_parsed_line_not_a_missing_one(tmp_path):
    [line] = lines_of(tmp_path, b"null\n")
    assert line.parsed and line.record is None and line.problem is None


def test_a_line_is_plain_only_when_value_problems_cannot_find_anything(tmp_path):
    deep = "[" * (limits.MAX_DEPTH + 1) + "]" * (limits.MAX_DEPTH + 1)
    shallow = "[" * limits.MAX_DEPTH + "]" * limits.MAX_DEPTH
    lines = ['{"a": [1.5, "1e400"]}', '{"a": 1e400}', '{"a": [-1e999]}', deep, shallow]
    path = tmp_path / "f.jsonl"
    path.write_text("\n".join(lines) + "\n")
    read = list(read_jsonl(path))
    assert [line.plain for line in read] == [True, False, False, False, True]
    assert [bool(limits.value_problems(line.record)) for line in read] == [False, True, True, True, False]
    assert read[1].record == {"a": float("inf")}


def test_messages_say_where_the_json_breaks(tmp_path):
    [line] = lines_of(tmp_path, b'{"a": 1,, "b": 2}\n')
    assert (
        line.problem.message == "not valid JSON: Expecting property name enclosed in double quotes (column 9)"
    )


def test_the_first_line_is_yielded_before_the_rest_of_the_file_exists(tmp_path):
    """Through a pipe whose writer waits for the reader: a reader that slurped the file would never yield."""
    import os
    import threading

    pipe = tmp_path / "pipe.jsonl"
    os.mkfifo(pipe)
    first_seen = threading.Event()
    signalled: list[bool] = []

    def writer() -> None:
        with open(pipe, "wb") as stream:
            stream.write(b'{"a": 1}\n')
            stream.flush()
            # A guard against a hang, not a timing: a lazy reader signals at once; a slurping one never.
            signalled.append(first_seen.wait(timeout=30))
            stream.write(b'{"b": 2}\n')

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    lines = read_jsonl(pipe)
    first = next(lines)
    first_seen.set()
    rest = list(lines)
    thread.join()
    assert signalled == [True], "the reader waited for the whole file before yielding its first line"
    assert first.record == {"a": 1} and [line.record for line in rest] == [{"b": 2}]


@given(records=st.lists(valid_records(), max_size=5))
def test_written_records_read_back_identically(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("w") / "out.jsonl"
    assert write_jsonl(records, path) == len(records)
    assert [line.record for line in read_jsonl(path)] == records
    assert path.read_bytes().count(b"\n") == len(records)


def test_writing_keeps_utf8_readable(tmp_path):
    path = tmp_path / "out.jsonl"
    write_jsonl([{"t": "é🌙"}], path)
    assert path.read_bytes() == '{"t": "é🌙"}\n'.encode()


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text("old\n")
    with pytest.raises(TypeError):
        write_jsonl([{"a": 1}, {"b": Unserializable()}], path)
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_a_new_file_gets_ordinary_permissions_and_an_old_one_keeps_its_own(tmp_path):
    fresh = tmp_path / "fresh.jsonl"
    write_jsonl([], fresh)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    kept = tmp_path / "kept.jsonl"
    kept.write_text("")
    kept.chmod(0o600)
    with atomic_writer(kept) as stream:
        stream.write(json.dumps({}) + "\n")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


# Issue 16: encodings named, outputs never replacing what is not a regular file.

RECORD = '{"messages": [{"role": "user", "content": "hi"}]}'


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-16", "UTF-16"),
        ("utf-16-le", "UTF-16"),
        ("utf-16-be", "UTF-16"),
        ("utf-32", "UTF-32"),
        ("utf-32-le", "UTF-32"),
        ("utf-32-be", "UTF-32"),
    ],
)
def test_a_utf16_or_utf32_file_is_one_problem_naming_its_encoding(tmp_path, encoding, name):
    lines = lines_of(tmp_path, f"{RECORD}\n{RECORD}\n".encode(encoding))
    assert [(line.number, line.problem.code, line.problem.message) for line in lines] == [
        (1, "wrong_encoding", f"this file is {name}; save it as UTF-8")
    ]


def test_a_byte_order_mark_after_the_first_line_is_an_error_naming_its_line(tmp_path):
    lines = lines_of(tmp_path, f"{RECORD}\n\ufeff{RECORD}\n".encode())
    assert lines[0].problem is None and lines[1].parsed
    assert (lines[1].problem.code, lines[1].problem.severity, lines[1].problem.message) == (
        "bom_mid_file",
        "error",
        "line 2 starts with a byte-order mark (U+FEFF): remove it",
    )


def test_cr_only_line_endings_are_named_not_read_as_extra_data(tmp_path):
    [line] = lines_of(tmp_path, f"{RECORD}\r{RECORD}\r{RECORD}\r".encode())
    assert line.problem.code == "cr_line_endings"
    assert line.problem.message == "the file uses CR-only line endings (old Mac style); use LF"


def test_a_carriage_return_inside_valid_json_is_whitespace_not_a_line_ending(tmp_path):
    [line] = lines_of(tmp_path, b'{"a":\r1,\r"b": 2}\n')
    assert line.record == {"a": 1, "b": 2} and line.problem is None


@pytest.mark.parametrize(
    ("make", "kind"),
    [(os.mkfifo, "a named pipe (FIFO)"), (os.mkdir, "a folder")],
)
def test_the_atomic_writer_replaces_no_fifo_and_no_folder(tmp_path, make, kind):
    target = tmp_path / "out"
    make(target)
    with pytest.raises(UnwritableOutput, match=rf"is {re.escape(kind)}, not a regular file") as refused:
        with atomic_writer(target) as stream:
            stream.write("x")
    assert isinstance(refused.value, OSError) and refused.value.path == str(target)
    assert os.path.exists(target) and list(tmp_path.iterdir()) == [target]


def test_the_atomic_writer_replaces_no_device():
    with pytest.raises(UnwritableOutput, match="is a character device"):
        with atomic_writer("/dev/full") as stream:
            stream.write("x")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_the_atomic_writer_writes_through_a_symlink_to_a_regular_file(tmp_path):
    real, link = tmp_path / "real.txt", tmp_path / "link.txt"
    real.write_text("old", "utf-8")
    real.chmod(0o640)
    link.symlink_to(real.name)
    writer = atomic_writer(link)
    with writer as stream:
        stream.write("new")
    assert writer.target == real and link.is_symlink() and link.read_text("utf-8") == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


@pytest.mark.parametrize(
    ("output", "says"),
    [
        ("missing/out.txt", "the folder {tmp}/missing does not exist"),
        ("file/out.txt", "{tmp}/file is a file"),
    ],
)
def test_the_atomic_writer_says_which_folder_is_missing_or_not_a_folder(tmp_path, output, says):
    (tmp_path / "file").write_text("", "utf-8")
    with pytest.raises(UnwritableOutput, match=re.escape(says.format(tmp=tmp_path))):
        with atomic_writer(tmp_path / output) as stream:
            stream.write("x")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only folder")
def test_the_atomic_writer_says_it_cannot_write_in_a_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(UnwritableOutput, match="cannot write in the folder"):
            with atomic_writer(folder / "out.txt") as stream:
                stream.write("x")
    finally:
        folder.chmod(0o755)

"""``ftlab validate``, ``validate --json`` and ``report`` fuzzed in-process (issue 16).

Whatever the file holds (random bytes, or records valid, broken, hostile or arbitrary, joined
with any line ending, in any encoding), a command ends with 0, 1 or 2, never a crash (3), and
everything it prints encodes as strict UTF-8. Derandomized: the same cases every run.
Run in-process through ``ftlab.cli.main.main`` (a subprocess a case would be far too slow), with
its argument parser built once for the module (building it is most of a small case's time; parsing
and running the command are unchanged). 3 x 3,400 cases: at least 10,000 in every run.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import io
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftlab.cli import main as cli_main
from ftlab.cli.main import main
from ftlab.dataset.preference import check_preference_record
from ftlab.dataset.records import check_record
from ftlab.dataset.strategies import broken_records
from tests.cli.fuzz_records import chat_records, json_values, preference_records

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=3_400,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
COMMANDS = st.sampled_from(["validate", "json", "report"])

#: Characters that broke outputs before: surrogates, controls, invisible and bidi marks, a BOM.
HOSTILE = ["\ud800", "\udcff", "\x00", "\x07", "\x1b[2J", "\n", "\r", "\u2028", "\u202e", "\ufeff", "\xa0"]
HOSTILE_CHARS = st.sampled_from(HOSTILE)
HOSTILE_TEXT = st.lists(HOSTILE_CHARS | st.text(max_size=3), max_size=4).map("".join)


#: Built once: hypothesis validates every new strategy object it draws from, and validating these
#: cost more than drawing from them when they were built again in each draw (the same draws either way).
PLAIN_RECORDS = chat_records(tools=False)
KEY_VALUES = json_values(max_leaves=2)
WHERE = st.sampled_from(["role", "key", "content", "name"])
LINE_ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])
FILE_ENDINGS = st.sampled_from(["\n", "", "\r"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16"])
ASCII_ONLY = st.booleans()


@st.composite
def hostile_records(draw: st.DrawFn) -> dict[str, Any]:
    """A valid record with a hostile role, key or value put in one of its messages."""
    record = draw(PLAIN_RECORDS)
    message = record["messages"][draw(st.integers(0, len(record["messages"]) - 1))]
    where = draw(WHERE)
    text = draw(HOSTILE_TEXT)
    if where == "key":
        message[text] = draw(KEY_VALUES)
    else:
        message[where] = text
    return record


RECORDS = st.one_of(
    chat_records(),
    broken_records().map(lambda pair: pair[0]),
    preference_records(),
    hostile_records(),
    json_values(max_leaves=6),
)
RECORD_LISTS = st.lists(RECORDS, max_size=12)


@st.composite
def structured_files(draw: st.DrawFn) -> bytes:
    """Records as JSON lines, joined by any line ending, maybe with a BOM or in UTF-16."""
    records = draw(RECORD_LISTS)
    ascii_only = draw(ASCII_ONLY)
    lines = [json.dumps(r, ensure_ascii=ascii_only) for r in records]
    text = draw(LINE_ENDINGS).join(lines) + draw(FILE_ENDINGS)
    encoding = draw(ENCODINGS)
    return text.encode(encoding, errors="surrogatepass")


def run(command: str, data: bytes, folder: Path) -> tuple[int, str]:
    path = folder / "fuzz.jsonl"
    path.write_bytes(data)
    argv = {
        "validate": ["validate", str(path)],
        "json": ["validate", str(path), "--json"],
        "report": ["report", str(path), "-o", str(folder / "fuzz.html")],
    }[command]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    printed = out.getvalue() + err.getvalue()
    if command == "report" and status in (0, 1):
        printed += (folder / "fuzz.html").read_text("utf-8", errors="surrogatepass")
    return status, printed


def check(status: int, printed: str) -> None:
    assert status in (0, 1, 2), printed[-2000:]
    printed.encode("utf-8")  # strict: a raw surrogate raises UnicodeEncodeError


@pytest.fixture(scope="module", autouse=True)
def parser_built_once() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli_main, "build_parser", functools.cache(cli_main.build_parser))
        yield


#: Where the cases' files go, when the machine has one: a folder in memory. On a disk (ext4) each
#: case's rewrite of the same file waits for the last one to reach the disk, and each report's
#: atomic write for its fsync: none of it fuzzed, and most of a case's time when the disk is busy.
MEMORY = Path("/dev/shm")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if not (MEMORY.is_dir() and os.access(MEMORY, os.W_OK)):
        yield tmp_path_factory.mktemp("fuzz")
        return
    with tempfile.TemporaryDirectory(prefix="ftlab-fuzz-", dir=MEMORY) as name:
        yield Path(name)


@FUZZ
@given(data=st.binary(max_size=400), command=COMMANDS)
def test_random_bytes_never_crash_and_print_strict_utf8(folder, data, command):
    check(*run(command, data, folder))


@FUZZ
@given(data=structured_files(), command=COMMANDS)
def test_structured_records_never_crash_and_print_strict_utf8(folder, data, command):
    status, printed = run(command, data, folder)
    check(status, printed)
    if command == "json" and status in (0, 1):
        assert json.loads(printed)["file"].endswith("fuzz.jsonl")


@FUZZ
@given(prefix=structured_files(), noise=st.binary(min_size=1, max_size=60), at=st.integers(0, 10_000))
def test_records_with_random_bytes_spliced_in_never_crash(folder, prefix, noise, at):
    at = at % (len(prefix) + 1)
    check(*run("json", prefix[:at] + noise + prefix[at:], folder))


def kinds(data: bytes) -> set[str]:
    """What a fuzzed file holds: its encoding, line endings, and the kinds of its records."""
    encoding = next((e for bom, e in BOMS if data.startswith(bom)), "utf-8")
    text = data.decode(encoding, errors="surrogatepass")
    seen = {encoding} | {repr(end) for end in re.findall(r"\r\n|\r|\n", text)}
    for line in filter(None, re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))):
        record = json.loads(line)
        if isinstance(record, dict) and "messages" in record and any(sign in line for sign in HOSTILE_SIGNS):
            seen.add("hostile")
        if not isinstance(record, dict):
            seen.add("not an object")
        elif "preferred_output" in record:
            seen.add("preference" if check_preference_record(record) == [] else "broken preference")
        else:
            seen.add("valid" if check_record(record) == [] else "broken")
    return seen


#: a hostile character as it is in a line, raw or escaped (not newlines: readable texts have them too)
HOSTILE_SIGNS = [sign for char in HOSTILE if char not in "\n\r" for sign in (char, json.dumps(char)[1:-1])]
BOMS = [(codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF8, "utf-8-sig")]


def test_the_structured_files_reach_every_kind_of_record_line_ending_and_encoding():
    seen: set[str] = set()

    @settings(FUZZ, max_examples=100)
    @given(data=structured_files())
    def draw(data):
        seen.update(kinds(data))

    draw()
    assert seen >= {"utf-8", "utf-8-sig", "utf-16", "'\\n'", "'\\r\\n'", "'\\r'"}
    assert seen >= {"valid", "broken", "preference", "hostile", "not an object"}

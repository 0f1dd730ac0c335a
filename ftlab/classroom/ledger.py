"""The ledger of a class run: one record per submission in ``--out``, written the moment it is graded.

Records live in ``OUT/.records/NAME.json`` (instructor-only: the whole scoreboard and the log).
They are what ``--resume`` skips, what a regrade of one student replaces while keeping everyone
else's, and what ``--merge`` combines from the shards of a class graded on several machines.
Each submission's own folder (``OUT/NAME/``: ``results.json``, ``feedback.md``) is written with
its record, replacing whatever an earlier grading left there.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

from ftlab.classroom.exports import gradescope
from ftlab.classroom.graded import Graded
from ftlab.classroom.markdown import feedback_md
from ftlab.dataset.jsonl import atomic_writer
from ftlab.errors import FtlabError

RECORDS = ".records"


class UnreadableLedger(FtlabError, ValueError):
    """A folder given to ``--merge`` that holds no records of a grading run."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder

    def __str__(self) -> str:
        return f"{self.folder}: no grading records here ({RECORDS}/ is missing); is it an --out folder?"


def ordered(results: Iterable[Graded]) -> list[Graded]:
    """Submissions in the order every report lists them: by name, whatever order they were graded in."""
    return sorted(results, key=lambda g: (g.name.casefold(), g.name))


class Ledger:
    """The records in one ``--out`` folder."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.folder = out / RECORDS

    def load(self) -> dict[str, Graded]:
        """Every record in the folder, by submission name (unreadable ones are skipped: they get regraded)."""
        records: dict[str, Graded] = {}
        if not self.folder.is_dir():
            return records
        for path in sorted(self.folder.glob("*.json")):
            try:
                graded = Graded.from_dict(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError, KeyError):
                continue
            records[graded.name] = graded
        return records

    def save(self, graded: Graded, *, own_folder: bool) -> None:
        """Record one submission; with ``own_folder``, also (re)write its folder of reports."""
        self.folder.mkdir(parents=True, exist_ok=True)
        _write(self.folder / f"{graded.name}.json", json.dumps(graded.to_dict(), ensure_ascii=False))
        if own_folder:
            folder = self._own(graded.name)
            if folder.is_symlink() or folder.is_file():
                folder.unlink()
            elif folder.is_dir():
                shutil.rmtree(folder)  # a stale folder from an earlier grading goes whole
            folder.mkdir()
            results = json.dumps(gradescope(graded), indent=2, ensure_ascii=False) + "\n"
            _write(folder / "results.json", results)
            _write(folder / "feedback.md", feedback_md(graded))

    @property
    def sandbox(self) -> str:
        """What learner code ran in, as the last grading into this folder said."""
        try:
            return (self.folder / "sandbox.txt").read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    @sandbox.setter
    def sandbox(self, description: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        _write(self.folder / "sandbox.txt", description + "\n")

    def _own(self, name: str) -> Path:
        folder = self.out / name
        if folder.parent != self.out or name in ("", ".", "..", RECORDS):
            raise ValueError(f"{name!r} is not a safe folder name")  # names come from naming.safe_name
        return folder


def merged(folders: Sequence[Path]) -> tuple[list[Graded], str]:
    """The records of several ``--out`` folders (the shards of one class) as one class; what code ran in."""
    records: dict[str, Graded] = {}
    sandboxes = []
    for folder in folders:
        if not (folder / RECORDS).is_dir():
            raise UnreadableLedger(folder)
        ledger = Ledger(folder)
        records.update(ledger.load())
        sandboxes.append(ledger.sandbox)
    return ordered(records.values()), "; ".join(dict.fromkeys(s for s in sandboxes if s))


def _write(path: Path, text: str) -> None:
    with atomic_writer(path) as stream:
        stream.write(text)

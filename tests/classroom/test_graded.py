"""A submission's grading record: light enough for the coordinator of ``ftlab grade`` to import no pytest."""

from __future__ import annotations

import subprocess
import sys

from ftlab.classroom import graded, runner
from ftlab.classroom.graded import Graded, not_graded
from tests.classroom.sample_results import alice
from tests.paths import ROOT


def test_the_coordinators_modules_import_no_pytest():
    probe = (
        "import sys, ftlab.cli.main, ftlab.classroom.batch, ftlab.classroom.ledger, ftlab.classroom.exports, "
        "ftlab.classroom.graded; print('pytest' in sys.modules, '_pytest' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split() == ["False", "False"]  # the workers run pytest; the coordinator need not


def test_a_record_reads_back_the_same_from_its_dict():
    record = Graded("ana", "class/ana", "graded", notes=["a note"], seconds=1.5, board=alice().board)
    assert Graded.from_dict(record.to_dict()) == record


def test_a_board_not_graded_keeps_every_check_at_zero_with_the_reason():
    board = not_graded(alice().board, "it timed out")
    assert [c.name for c in board.checks] == [c.name for c in alice().board.checks]
    assert board.points == 0 and board.max_points == alice().board.max_points
    assert {c.feedback for c in board.checks} == {"not graded: it timed out"}


def test_the_runner_still_offers_the_record_under_its_old_name():
    assert runner.Graded is graded.Graded and runner.not_graded is graded.not_graded

"""The end of an ``ftlab grade`` run: what the coordinator holds is frozen before the last collection."""

from __future__ import annotations

import subprocess
import sys

from tests.paths import ROOT


def _at_exit(calls: str) -> list[str]:
    """The probe's output: what it printed, then whether much was frozen when it exited."""
    probe = (
        "import atexit, gc; atexit.register(lambda: print(gc.get_freeze_count() > 1000)); "
        f"from ftlab.classroom import shutdown; {calls}; print('done')"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    return done.stdout.split()


def test_at_exit_everything_the_process_holds_is_frozen_out_of_the_last_collection():
    assert _at_exit("shutdown.skip_last_collection()") == ["done", "True"]


def test_without_it_nothing_is_frozen_and_asking_twice_is_as_asking_once():
    assert _at_exit("pass") == ["done", "False"]
    assert _at_exit("shutdown.skip_last_collection(); shutdown.skip_last_collection()") == ["done", "True"]

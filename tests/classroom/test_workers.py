"""The batch's workers come from a forkserver started early, that has imported what they all need."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ftlab.classroom import workers


def _imported(names: list[str]) -> list[str]:
    return [name for name in names if name in sys.modules]


def test_start_runs_one_forkserver_that_imports_the_preload_and_a_second_start_reuses_it() -> None:
    pid = workers.start()
    assert pid is not None
    command = _command_line(pid)
    assert "forkserver" in command and all(name in command for name in workers.PRELOAD)
    assert workers.start() == pid


def test_a_worker_has_the_preload_imported_before_its_function_runs() -> None:
    workers.start()
    assert _imported_in_a_worker([*workers.PRELOAD, "openai"]) == [*workers.PRELOAD, "openai"]


def _imported_in_a_worker(names: list[str]) -> list[str]:
    context = workers.context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_report, args=(sender, names))
    process.start()
    sender.close()
    imported = receiver.recv()
    process.join(30)
    return imported


def _report(connection, names: list[str]) -> None:
    connection.send(_imported(names))


def _command_line(pid: int, seconds: float = 10.0) -> str:
    """The command line of ``pid`` once it has one (empty while it is still becoming the forkserver)."""
    deadline = time.monotonic() + seconds
    while not (command := Path(f"/proc/{pid}/cmdline").read_bytes().decode()) and time.monotonic() < deadline:
        time.sleep(0.01)
    return command


def _gone(pid: int, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":  # ended, not yet reaped by the thread stop() left
            return True
        time.sleep(0.05)
    return False


def test_stop_lets_the_forkserver_end_at_once_and_start_runs_a_new_one() -> None:
    pid = workers.start()
    assert pid is not None
    assert workers.stop() == pid
    assert workers.stop() is None, "once stopped, there is nothing left to stop"
    assert _gone(pid), "the forkserver ends once told to"
    again = workers.start()
    assert again is not None and again != pid
    assert _imported_in_a_worker(workers.PRELOAD) == workers.PRELOAD, "the new one serves workers"

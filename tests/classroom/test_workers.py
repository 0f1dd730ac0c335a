"""The batch's workers come from a forkserver started early, that has imported what they all need."""

from __future__ import annotations

import sys
from pathlib import Path

from ftlab.classroom import workers


def _imported(names: list[str]) -> list[str]:
    return [name for name in names if name in sys.modules]


def test_start_runs_one_forkserver_that_imports_the_preload_and_a_second_start_reuses_it() -> None:
    pid = workers.start()
    assert pid is not None
    command = Path(f"/proc/{pid}/cmdline").read_bytes().decode()
    assert "forkserver" in command and all(name in command for name in workers.PRELOAD)
    assert workers.start() == pid


def test_a_worker_has_the_preload_imported_before_its_function_runs() -> None:
    workers.start()
    context = workers.context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_report, args=(sender, [*workers.PRELOAD, "openai"]))
    process.start()
    sender.close()
    assert receiver.recv() == [*workers.PRELOAD, "openai"]
    process.join(30)


def _report(connection, names: list[str]) -> None:
    connection.send(_imported(names))

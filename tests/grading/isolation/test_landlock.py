"""Landlock: a process that restricts itself reads only what it allows, has no TCP and cannot signal out."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ftlab.grading.isolation import landlock
from ftlab.grading.isolation.sandbox import SYSTEM_FILES, SYSTEM_LINKS
from tests.paths import ENGINE, ROOT

ABI = landlock.abi()
needs_landlock = pytest.mark.skipif(ABI < 6, reason=f"this kernel's Landlock ABI is {ABI}; the tests need 6+")


def _restricted(code: str, tmp_path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a Python that first restricts itself to the runtime and ``tmp_path``."""
    read, listed = landlock.runtime_paths([*SYSTEM_LINKS, *SYSTEM_FILES])
    read.append(str(ENGINE))  # this test's ftlab; its folder (with solutions/) may only be listed
    listed.append(str(ROOT))
    prelude = (
        "from ftlab.grading.isolation.landlock import restrict\n"
        f"print(restrict({read!r}, [{str(tmp_path)!r}], listed={listed!r}))\n"
    )
    return subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip


def test_without_landlock_nothing_is_described():
    assert landlock.describe(0) == ""
    assert "network NOT restricted" in landlock.describe(3)
    assert "signals NOT scoped" in landlock.describe(5)


def test_every_right_the_abi_knows_is_handled():
    assert landlock.handled_fs(1) == (1 << 13) - 1
    assert landlock.handled_fs(7) & (landlock.REFER | landlock.TRUNCATE | landlock.IOCTL_DEV)


def test_a_configuration_without_landlock_applies_nothing():
    assert landlock.apply_from_config({"landlock": None}) == {}


def test_an_installed_ftlab_is_never_among_the_runtimes_readable_paths():
    read, listed = landlock.runtime_paths(SYSTEM_LINKS)
    assert not [p for p in read if os.path.basename(p) == "ftlab" or "__editable__" in p]
    assert listed and all(
        "site-packages" in p or os.path.isdir(os.path.join(p, "site-packages")) for p in listed
    )


@needs_landlock
def test_a_restricted_process_reads_its_folder_but_not_the_solutions(tmp_path):
    (tmp_path / "mine.txt").write_text("mine")
    code = (
        f"print(open({str(tmp_path / 'mine.txt')!r}).read())\n"
        f"try:\n    open({str(ROOT / 'solutions' / 'ex1_build_example.py')!r})\n"
        "except PermissionError:\n    print('denied')\n"
    )
    done = _restricted(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [landlock.describe(ABI), "mine", "denied"]


@needs_landlock
def test_a_restricted_process_can_neither_connect_over_tcp_nor_signal_its_parent(tmp_path):
    code = (
        "import os, signal, socket\n"
        "try:\n    socket.create_connection(('127.0.0.1', 9), timeout=2)\nexcept PermissionError:\n"
        "    print('no tcp')\n"
        "try:\n    os.kill(os.getppid(), signal.SIGTERM)\nexcept PermissionError:\n    print('no signal')\n"
    )
    done = _restricted(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == ["no tcp", "no signal"]

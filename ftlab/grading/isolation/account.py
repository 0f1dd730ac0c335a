"""The unprivileged account learner code runs as where bubblewrap cannot run and the grader is root.

PrairieLearn's way: the child drops to an account that owns nothing (``nobody``, or the one
``FTLAB_GRADER_USER`` names), with no supplementary groups. That account must be able to run a
Python of the grader's version and import the harness's packages from the grader's
site-packages; :func:`child_account` checks both, by running them as that account, and says
plainly what is out of its reach when they are not.
"""

from __future__ import annotations

import functools
import os
import pwd
import site
import subprocess
import sys
from dataclasses import dataclass

#: What the harness imports from site-packages: the child cannot start without them.
CHILD_PACKAGES = ("openai", "tiktoken")


@dataclass(frozen=True)
class Account:
    """An unprivileged account, and the Python it may run (the grader's, or a system one)."""

    name: str
    uid: int
    gid: int
    python: str


def child_account() -> Account | str:
    """The account the child runs as, or why there is none that can run it here."""
    name = os.environ.get("FTLAB_GRADER_USER", "nobody")
    try:
        entry = pwd.getpwnam(name)
        uid, gid = entry.pw_uid, entry.pw_gid
    except KeyError:
        if "FTLAB_GRADER_USER" in os.environ:
            return f"FTLAB_GRADER_USER={name}: no such user on this machine"
        uid = gid = 65534
    if uid == 0:
        return f"FTLAB_GRADER_USER={name} is root, not an unprivileged user"
    python = _python_for(uid, gid)
    if not python:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        return f"no Python {version} here that the user {name} may run ({sys.executable} is out of its reach)"
    unreachable = _packages_out_of_reach(python, uid, gid)
    if unreachable:
        return (
            f"the installed packages ({unreachable}) are out of reach of the user {name}:"
            " every folder on the way must be readable by others (chmod o+rx)"
        )
    return Account(name, uid, gid, python)


def _run_as(uid: int, gid: int, argv: list[str]) -> bool:
    """Whether ``argv`` run as ``uid``/``gid`` (no other groups) ends with status 0."""
    try:
        done = subprocess.run(argv, capture_output=True, timeout=30, user=uid, group=gid, extra_groups=[],
                              env={"PATH": "/usr/bin:/bin"}, cwd="/")  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


@functools.cache
def _python_for(uid: int, gid: int) -> str:
    """The grader's Python if ``uid`` may run it, else a system Python of the same version, else ""."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    code = f"import sys; assert '%d.%d' % sys.version_info[:2] == {version!r}"
    for python in (sys.executable, f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"):
        if _run_as(uid, gid, [python, "-I", "-S", "-c", code]):
            return python
    return ""


@functools.cache
def _packages_out_of_reach(python: str, uid: int, gid: int) -> str:
    """The grader's site-packages folders when ``uid`` cannot import :data:`CHILD_PACKAGES` from them."""
    folders = [p for p in site.getsitepackages() if os.path.isdir(p)]
    code = (
        f"import sys, importlib.util as u; sys.path[:0] = {folders!r}; "
        f"sys.exit(any(u.find_spec(m) is None for m in {CHILD_PACKAGES!r}))"
    )
    return "" if _run_as(uid, gid, [python, "-I", "-S", "-c", code]) else ", ".join(folders)

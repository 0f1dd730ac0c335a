"""Where learner code runs: a bubblewrap sandbox, else an unprivileged user or a plain child process.

bubblewrap (``bwrap``, the sandbox Flatpak is built on) gives the child its own user, network,
process and mount namespaces: it sees only the mounts listed here (the Python runtime, the
child library with the learner API and the harness, the submission and the grader's temporary
folder), and it has no network at all. Where ``bwrap`` is missing or cannot create namespaces
(macOS, a locked-down container), a grader running as root starts the child as an unprivileged
user, and the child confines itself with Landlock where the kernel has it
(:mod:`ftlab.grading.isolation.landlock`); otherwise it is a plain process: same protocol,
limits and clean environment, but it can read what the user running the grader can read and
reach the network. :func:`find_sandbox` says which, and :meth:`Sandbox.describe` says it plainly.
"""

from __future__ import annotations

import functools
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ftlab.grading.isolation.account import child_account

HARNESS_LIB = "/ftlab/lib"  # where the child library (learner API + harness) is mounted in the sandbox
SYSTEM_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
SYSTEM_FILES = (
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/localtime",
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
)


@dataclass(frozen=True)
class Limits:
    """Resource limits set in the child before any learner code runs."""

    cpu_seconds: int = 120
    memory_bytes: int = 2 * 1024**3
    processes: int = 64
    file_bytes: int = 64 * 1024**2
    open_files: int = 256

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Limits:
        return cls(**data)


@dataclass(frozen=True)
class Mount:
    """A host path made visible in the sandbox at ``target`` (read-only unless ``writable``)."""

    source: Path
    target: str
    writable: bool = False


@dataclass(frozen=True)
class Sandbox:
    """How a child is started: ``kind`` is "bubblewrap", "unprivileged" or "process".

    ``reason`` says why not bubblewrap; ``user``/``uid``/``gid`` is the account an "unprivileged"
    child runs as; ``landlock`` is the Landlock ABI the child restricts itself with (0: none);
    ``python`` is the interpreter the child runs when the grader's own is out of the user's reach.
    """

    kind: str
    bwrap: str = ""
    reason: str = ""
    user: str = ""
    uid: int = -1
    gid: int = -1
    landlock: int = 0
    python: str = ""

    @property
    def isolated(self) -> bool:
        """Namespaces: the child sees only its mounts (bubblewrap)."""
        return self.kind == "bubblewrap"

    @property
    def protected(self) -> bool:
        """The engine, graders and solutions are out of the child's reach (bubblewrap or Landlock)."""
        return self.isolated or self.landlock > 0

    def describe(self) -> str:
        if self.isolated:
            return (
                "bubblewrap sandbox "
                "(no network; only the submission, the Python runtime and the harness are visible)"
            )
        who = (
            f"child process run as the unprivileged user {self.user}"
            if self.kind == "unprivileged"
            else "child process running as you"
        )
        if self.landlock:
            guarded = ", ".join(_GUARDS[: 2 + (self.landlock >= 4) + (self.landlock >= 6)])
            missing = (
                ""
                if self.landlock >= 6
                else "; NOT guarded: " + ", ".join(_GUARDS[2 + (self.landlock >= 4) :])
            )
            return f"{who} + Landlock ABI {self.landlock}: {guarded}{missing} ({self.reason})"
        if self.kind == "unprivileged":
            return (
                f"{who} without Landlock, NOT fully sandboxed: the learner's code can read every world-"
                f"readable file (solutions and graders if they are) and reach the network ({self.reason})"
            )
        return (
            "plain child process, NOT sandboxed: the learner's code can read your files "
            f"and reach the network ({self.reason})"
        )

    def command(self, argv: Sequence[str], *, mounts: Sequence[Mount], workdir: str) -> list[str]:
        """The command line that runs ``argv`` in this sandbox with ``mounts`` visible."""
        if not self.isolated:
            return [self.python or argv[0], *argv[1:]]
        args = [self.bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--hostname", "ftlab"]
        args += _system_args() + ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
        for mount in _runtime_mounts() + list(mounts):
            args += ["--bind" if mount.writable else "--ro-bind", str(mount.source), mount.target]
        return args + ["--dir", workdir, "--chdir", workdir, "--", *argv]


_GUARDS = (
    "the engine unreadable",
    "graders and solutions unreadable",
    "no network (TCP)",
    "cannot signal the grader",
)


def child_environment(*, home: str, tmpdir: str) -> dict[str, str]:
    """A clean environment for a process running learner code: no API key or token of the grader's,
    and no ranks cache written into the learner's folders (``FTLAB_CACHE_DIR`` empty)."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": home,
        "TMPDIR": tmpdir,
        "FTLAB_CACHE_DIR": "",
    }


def _system_args() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for path in SYSTEM_LINKS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in SYSTEM_FILES:
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    return args


def _runtime_mounts() -> list[Mount]:
    """The Python runtime and its installed packages, at their own paths (never the project folder)."""
    paths = {sys.base_prefix, sys.prefix, os.path.dirname(sys.executable), *site.getsitepackages()}
    paths.update(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib"))
    user_site = site.getusersitepackages()
    if site.ENABLE_USER_SITE and isinstance(user_site, str):
        paths.add(user_site)
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    pairs = {(os.path.realpath(p), p) for p in paths if os.path.isdir(p)} | {
        (os.path.realpath(p), os.path.realpath(p)) for p in paths if os.path.isdir(p)
    }
    pairs = {(real, seen) for real, seen in pairs if not _covered(seen, ["/usr"])}
    targets = sorted({seen for _, seen in pairs})
    return [
        Mount(Path(real), seen)
        for real, seen in sorted(pairs)
        if not _covered(seen, [t for t in targets if t != seen])
    ]


def _covered(path: str, roots: Sequence[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


@functools.cache
def _probe(bwrap: str) -> str:
    """ "" when ``bwrap`` can start a sandboxed Python here, else why not."""
    sandbox = Sandbox("bubblewrap", bwrap=bwrap)
    command = sandbox.command([sys.executable, "-I", "-S", "-c", "pass"], mounts=[], workdir="/tmp/probe")
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin"}
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bwrap could not start: {error}"
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return f"bwrap is installed but cannot create a sandbox here: {detail}"
    return ""


MODES = ("auto", "bubblewrap", "user", "none")


def find_sandbox(*, enabled: bool = True, mode: str = "auto") -> Sandbox:
    """The sandbox ``mode`` asks for: "auto": bubblewrap, else an unprivileged user (root), else Landlock.

    "bubblewrap" and "user" force that kind (a "process" sandbox saying why when it cannot work
    here); "none" (or ``enabled=False``) is a plain child process.
    """
    if not enabled or mode == "none":
        return Sandbox("process", reason="sandbox turned off with --no-sandbox")
    if sys.platform != "linux":
        return Sandbox("process", reason=f"bubblewrap needs Linux; this is {sys.platform}")
    problem = ""
    if mode in ("auto", "bubblewrap"):
        bwrap = shutil.which("bwrap")
        if bwrap is None:
            problem = "bwrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
        else:
            problem = _probe(bwrap)
        if not problem:
            return Sandbox("bubblewrap", bwrap=bwrap or "")
        if mode == "bubblewrap":
            return Sandbox("process", reason=problem)
    else:
        problem = "--sandbox user"
    from ftlab.grading.isolation.landlock import abi

    if os.geteuid() != 0:
        if mode == "user":
            problem = "--sandbox user needs the grader to run as root"
        return Sandbox("process", reason=problem, landlock=abi() if mode == "auto" else 0)
    return unprivileged(problem, landlock=abi())


def unprivileged(reason: str, *, landlock: int) -> Sandbox:
    """A child running as ``FTLAB_GRADER_USER`` (default ``nobody``), no supplementary groups."""
    account = child_account()
    if isinstance(account, str):
        return Sandbox("process", reason=account, landlock=landlock)  # Landlock alone still confines it
    python = "" if account.python == sys.executable else account.python
    return Sandbox(
        "unprivileged",
        reason=reason,
        user=account.name,
        uid=account.uid,
        gid=account.gid,
        landlock=landlock,
        python=python,
    )

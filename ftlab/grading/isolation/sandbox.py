"""Where learner code runs: a bubblewrap sandbox when the machine has one, else a plain child process.

bubblewrap (``bwrap``, the sandbox Flatpak is built on) gives the child its own user, network,
process and mount namespaces: it sees only the mounts listed here (the Python runtime, the
harness, the submission and the grader's temporary folder), and it has no network at all.
Where ``bwrap`` is missing or cannot create namespaces (macOS, a locked-down container), the
child is a plain process: same protocol, limits and clean environment, but it can read what
the user running the grader can read and reach the network. :func:`find_sandbox` says which.
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

HARNESS_LIB = "/ftlab/lib"  # where the ftlab package is mounted inside the sandbox
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
    """How a child is started: ``kind`` is "bubblewrap" or "process"; ``reason`` says why not bubblewrap."""

    kind: str
    bwrap: str = ""
    reason: str = ""

    @property
    def isolated(self) -> bool:
        return self.kind == "bubblewrap"

    def describe(self) -> str:
        if self.isolated:
            return (
                "bubblewrap sandbox "
                "(no network; only the submission, the Python runtime and the harness are visible)"
            )
        return (
            "plain child process, NOT sandboxed: the learner's code can read your files "
            f"and reach the network ({self.reason})"
        )

    def command(self, argv: Sequence[str], *, mounts: Sequence[Mount], workdir: str) -> list[str]:
        """The command line that runs ``argv`` in this sandbox with ``mounts`` visible."""
        if not self.isolated:
            return list(argv)
        args = [self.bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--hostname", "ftlab"]
        args += _system_args() + ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
        for mount in _runtime_mounts() + list(mounts):
            args += ["--bind" if mount.writable else "--ro-bind", str(mount.source), mount.target]
        return args + ["--dir", workdir, "--chdir", workdir, "--", *argv]


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


def find_sandbox(*, enabled: bool = True) -> Sandbox:
    """The best sandbox this machine offers (``enabled=False`` asks for a plain child process)."""
    if not enabled:
        return Sandbox("process", reason="sandbox turned off with --no-sandbox")
    if sys.platform != "linux":
        return Sandbox("process", reason=f"bubblewrap needs Linux; this is {sys.platform}")
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return Sandbox("process", reason="bwrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)")
    problem = _probe(bwrap)
    if problem:
        return Sandbox("process", reason=problem)
    return Sandbox("bubblewrap", bwrap=bwrap)


def harness_package() -> Path:
    """The folder of the ftlab package this process runs (mounted for the harness)."""
    import ftlab

    return Path(ftlab.__file__).resolve().parent

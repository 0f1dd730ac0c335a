"""Landlock: before learner code runs, the child confines itself to the files it needs, no TCP, no signals.

Landlock (Linux 5.13+) lets an unprivileged process drop access rights for itself and everything
it starts, for good. The child calls :func:`restrict` (through :func:`apply_from_config`) just
before it says it is ready: from then on it can read and execute only the runtime, the child
library and the submission, write only its working and scratch folders, neither bind nor connect
TCP sockets (ABI 4+), and neither signal nor reach an abstract Unix socket of any process outside
its own domain, the grader included (ABI 6+). Standard library only: this module runs in the child.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import site
import stat
import sys
import sysconfig
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ftlab.errors import FtlabError

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446  # the same on every Linux architecture
_VERSION = 1  # LANDLOCK_CREATE_RULESET_VERSION
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG = 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 8
MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15  # ABI 2, 3, 5
BIND_TCP, CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6

READ = EXECUTE | READ_FILE | READ_DIR
FILE_RIGHTS = (
    EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
)  # the only rights a file's rule may hold


class LandlockError(FtlabError, OSError):
    """Landlock is there but the child could not restrict itself (it must not run learner code then)."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def abi() -> int:
    """The Landlock ABI version this kernel offers, 0 when it has none (or this is not Linux)."""
    try:
        version = _libc().syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(int(version), 0)


def handled_fs(version: int) -> int:
    """Every filesystem right the ABI ``version`` can refuse."""
    rights = (1 << 13) - 1
    for since, right in ((2, REFER), (3, TRUNCATE), (5, IOCTL_DEV)):
        if version >= since:
            rights |= right
    return rights


def describe(version: int) -> str:
    """What :func:`restrict` enforces under ABI ``version``, in one line ("" without Landlock)."""
    if version <= 0:
        return ""
    parts = [f"Landlock ABI {version}: files outside the runtime, the submission and its folders unreadable"]
    parts.append("no TCP" if version >= 4 else "network NOT restricted (needs ABI 4)")
    parts.append("cannot signal the grader" if version >= 6 else "signals NOT scoped (needs ABI 6)")
    return ", ".join(parts)


def restrict(read: Sequence[str], write: Sequence[str], *, listed: Sequence[str] = ()) -> str:
    """Allow only reading (and executing) ``read`` and full access to ``write``, for good; what is enforced.

    ``listed`` folders may be listed, nothing more (their entries need a rule of their own).
    Paths that do not exist are skipped. Returns "" when the kernel has no Landlock (nothing was done).
    """
    version = abi()
    if version <= 0:
        return ""
    libc = _libc()
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise LandlockError(ctypes.get_errno(), "could not set no_new_privs")
    fs = handled_fs(version)
    attr = _RulesetAttr(fs, (BIND_TCP | CONNECT_TCP) if version >= 4 else 0, 0)
    if version >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
    size = 8 if version < 4 else (16 if version < 6 else 24)
    ruleset = libc.syscall(_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise LandlockError(ctypes.get_errno(), "could not create a Landlock ruleset")
    try:
        for paths, rights in ((listed, READ_DIR), (read, READ), (write, fs)):
            for path in paths:
                _allow(libc, ruleset, path, rights & fs)
        if libc.syscall(_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            raise LandlockError(ctypes.get_errno(), "could not enforce the Landlock ruleset")
    finally:
        os.close(ruleset)
    return describe(version)


def _allow(libc: Any, ruleset: int, path: str, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= FILE_RIGHTS
        rule = _PathBeneath(rights, fd)
        if libc.syscall(_ADD_RULE, ctypes.c_int(ruleset), _RULE_PATH_BENEATH, ctypes.byref(rule), 0) != 0:
            raise LandlockError(ctypes.get_errno(), f"could not allow {path}")
    finally:
        os.close(fd)


def apply_from_config(config: dict[str, Any]) -> dict[str, str]:
    """Apply ``config["landlock"]`` (``{"read", "write", "listed"}``: paths) once; fields for "ready".

    The harness calls it just before it sends ``{"event": "ready"}`` and adds what it returns:
    ``{"protection": "Landlock ABI 7: ..."}``, or ``{}`` when the configuration asks for none.
    """
    global _applied
    rules = config.get("landlock")
    if not rules:
        return {}
    if _applied is None:
        _applied = restrict(rules.get("read", []), rules.get("write", []), listed=rules.get("listed", []))
    return {"protection": _applied}


_applied: str | None = None


#: Public files a library may open because they exist (bubblewrap hides them; Landlock would refuse
#: them): CA certificates (the SDK's SSL context) and MIME types (a file upload).
PUBLIC_ETC = ("/etc/ssl", "/etc/pki", "/etc/ca-certificates", "/etc/mime.types")


def runtime_paths(system: Sequence[str]) -> tuple[list[str], list[str]]:
    """What a child may read (the runtime and ``system``, no ftlab) and may only list (site-packages)."""
    read = ["/usr", *system, *PUBLIC_ETC, "/dev/null", "/dev/zero", "/dev/urandom", "/proc/self"]
    read += [os.path.realpath(p) for p in system if os.path.islink(p)]
    sites = {
        os.path.realpath(p) for p in (*site.getsitepackages(), site.getusersitepackages()) if os.path.isdir(p)
    }
    stdlib = {os.path.realpath(sysconfig.get_paths()[k]) for k in ("stdlib", "platstdlib")}
    executables = {os.path.dirname(sys.executable), os.path.dirname(os.path.realpath(sys.executable))}
    read += sorted(executables) + [os.path.join(sys.prefix, "pyvenv.cfg")]
    listed = sorted(sites | {p for p in stdlib if any(s.startswith(p + os.sep) for s in sites)})
    for folder in sorted(stdlib) + listed:
        if folder in listed:
            read += [e.path for e in os.scandir(folder) if not _engine(e.name) and e.path not in sites]
        else:
            read.append(folder)
    base = os.path.join(sys.base_prefix, "lib")
    if os.path.isdir(base):
        read += [os.path.join(base, n) for n in os.listdir(base) if n.startswith("libpython")]
    return sorted(set(read)), listed


def site_packages() -> list[str]:
    """The grader's site-packages folders (for a child running another interpreter of the same version)."""
    return [p for p in site.getsitepackages() if os.path.isdir(p)]


def _engine(name: str) -> bool:
    """An installed ftlab in site-packages (the package, its metadata, an editable install's finder)."""
    return name == "ftlab" or name.startswith(("ftlab-", "__editable__")) and "ftlab" in name


# -- grader side: handing files to the child's user ---------------------------------------------


def hand_over(path: Path, uid: int, gid: int) -> None:
    """Make the folders, sockets and singly-linked files under ``path`` the user's, never following a link."""
    try:
        top = os.stat(path, follow_symlinks=False)
    except OSError:
        return
    if not stat.S_ISDIR(top.st_mode):
        return
    if top.st_uid != uid:
        os.chown(path, uid, gid, follow_symlinks=False)
    for _, dirs, files, fd in os.fwalk(path, follow_symlinks=False):
        for name in dirs + files:
            try:
                info = os.stat(name, dir_fd=fd, follow_symlinks=False)
                if info.st_uid == uid or stat.S_ISLNK(info.st_mode):
                    continue
                if stat.S_ISDIR(info.st_mode) or stat.S_ISSOCK(info.st_mode) or info.st_nlink == 1:
                    os.chown(name, uid, gid, dir_fd=fd, follow_symlinks=False)
            except OSError:
                continue


def readable_copy(source: Path, target: Path) -> None:
    """Copy ``source`` (a folder or a file) to ``target``: folders 0o755, files 0o644, links left out."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.parent.chmod(0o755)
    if source.is_file():
        shutil.copyfile(source, target)
        target.chmod(0o644)
        return
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    for folder, _, files in os.walk(target):
        os.chmod(folder, 0o755)
        for name in files:
            file = os.path.join(folder, name)
            if os.path.islink(file):
                os.unlink(file)
            else:
                os.chmod(file, 0o644)

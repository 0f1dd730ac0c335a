"""Removing a folder tree with its subfolders removed side by side, never following a symlink.

On some filesystems each removal of a directory waits on the disk (ext4 mounted with ``discard``
on the grading machine measured: 2 to 4 ms a directory while other programs write), so
``shutil.rmtree`` removing a grading run's scratch folder (pytest makes a folder per test, 60 for
the reference) one directory after the other took 0.2 s, at the end of every submission; several
removals at once wait together (8 threads: 0.03 s). :func:`remove_tree` opens the tree's top
levels by descriptor (``O_NOFOLLOW``) until there are enough subfolders, removes each with
``shutil.rmtree(..., dir_fd=...)`` in a thread pool (the standard library's removal that a symlink
swapped in on the way cannot redirect), then the folders it opened, deepest first.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

PARALLEL = 8  # removals at once
MAX_OPENED = 64  # folders opened to find subfolders enough (a long chain of single folders stops here)
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC

Entry = tuple[int, str]  # a subfolder: its parent's descriptor and its name


def remove_tree(path: Path) -> None:
    """Remove ``path`` and all in it, ignoring errors, as ``shutil.rmtree(path, ignore_errors=True)`` does."""
    try:
        top = os.open(path, _FOLDER)
    except OSError:  # missing, a symlink or a file: rmtree's own answer to each
        shutil.rmtree(path, ignore_errors=True)
        return
    opened, expanded = [top], list[Entry]()
    try:
        level = _subfolders(top)
        while 0 < len(level) < PARALLEL and len(opened) < MAX_OPENED:
            deeper: list[Entry] = []
            for parent, name in level:
                try:
                    folder = os.open(name, _FOLDER, dir_fd=parent)
                except OSError:
                    continue  # left to the last rmtree below, which fails on it as it always did
                opened.append(folder)
                expanded.append((parent, name))
                deeper += _subfolders(folder)
            level = deeper
        if level:
            with ThreadPoolExecutor(min(PARALLEL, len(level)), thread_name_prefix="ftlab-remove") as pool:
                list(pool.map(_remove_subtree, level))
        for parent, name in reversed(expanded):
            with suppress(OSError):
                os.rmdir(name, dir_fd=parent)
    finally:
        for folder in opened:
            os.close(folder)
    with suppress(OSError):
        os.rmdir(path)
    if os.path.lexists(path):  # something could not be opened or removed: the plain way, for what it can
        shutil.rmtree(path, ignore_errors=True)


def _subfolders(folder: int) -> list[Entry]:
    """The subfolders of an open folder; everything else in it (files, symlinks) is removed."""
    found: list[Entry] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    found.append((folder, entry.name))
                else:
                    with suppress(OSError):
                        os.unlink(entry.name, dir_fd=folder)
    except OSError:
        pass
    return found


def _remove_subtree(entry: Entry) -> None:
    parent, name = entry
    shutil.rmtree(name, ignore_errors=True, dir_fd=parent)

"""Submission names: each learner's own name (Unicode and all), unique, the same every run, safe as a folder.

A name is what the learner handed in, less its extension (``José García.py`` is ``José García``).
Two submissions of one name are told apart by what they are (``dup``, ``dup.py``,
``dup.ipynb``), then by number (``dup-2``). A name never holds a path separator, a control
character or a leading dot, so a report folder named after it stays inside ``--out``.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

MAX_NAME_BYTES = 150  # a folder and a "<name>.json" record fit every file system's 255
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_name(text: str) -> str:
    """``text`` as a folder name: separators and control characters replaced, no leading dot, not too long."""
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", text)).strip().lstrip(".").strip()
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
        cut = name.encode("utf-8")[: MAX_NAME_BYTES - 9].decode("utf-8", "ignore")
        name = f"{cut}-{digest}"
    return name or "submission"


def entry_name(path: Path) -> str:
    """The name a file or folder gives its submission: a file's stem, a folder's name."""
    absolute = Path(os.path.abspath(path))  # "." and ".." name the folder they stand for
    return absolute.stem if path.suffix in (".py", ".ipynb") and not path.is_dir() else absolute.name


def glob_name(pattern: str, match: str) -> tuple[str, bool]:
    """The name of a glob's match: the path part the last wildcard matched; and whether it is a folder.

    ``'class/*/lab.ipynb'`` matching ``class/ana/lab.ipynb`` is ``ana``, the learner's folder.
    """
    parts, matched = Path(pattern).parts, Path(match).parts
    wild = [i for i, part in enumerate(parts) if glob.has_magic(part)]
    if not wild or len(parts) != len(matched) or wild[-1] == len(parts) - 1:
        return entry_name(Path(match)), False
    return matched[wild[-1]], True


def unique_names(named: Sequence[tuple[str, str]]) -> list[str]:
    """Safe, unique names for ``(name, suffix)`` pairs, the same for the same pairs in the same order.

    Names that clash (ignoring case, as some file systems do) take their suffix when the
    suffixes differ; any still clashing take a number, in order.
    """
    names = [safe_name(name) for name, _ in named]
    suffixes: dict[str, set[str]] = {}
    for name, (_, suffix) in zip(names, named, strict=True):
        suffixes.setdefault(name.casefold(), set()).add(suffix)
    names = [
        safe_name(n + suffix) if len(suffixes[n.casefold()]) > 1 else n
        for n, (_, suffix) in zip(names, named, strict=True)
    ]
    taken = {name.casefold() for name in names}
    seen: set[str] = set()
    unique = []
    for name in names:
        chosen, number = name, 1
        while chosen.casefold() in seen:
            number += 1
            chosen = f"{name}-{number}"
            if chosen.casefold() in taken:  # a learner's own "dup-2" keeps its name
                chosen = name
        seen.add(chosen.casefold())
        unique.append(chosen)
    return unique

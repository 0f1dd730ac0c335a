"""The challenge's cache: each leg's result and the fine-tune's adapter, under a key of what it depends on.

A leg is rerun only when something it depends on changes: the model, the prompt's text, the
handbook pages, the training file, the held-out file or a setting. Each key is the SHA-256 of
those parts as JSON, so a change anywhere gives a new key and the old entry is simply not used.
Everything is written to a temporary name first and then renamed, so an interrupted run never
leaves half an entry. Delete the folder to clear it; nothing else refers to it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from ftlab.course.legs import LegResult

ENV = "FTLAB_CACHE"


def default_folder() -> Path:
    """``$FTLAB_CACHE/challenge``, else ``$XDG_CACHE_HOME/ftlab/challenge``, else ``~/.cache/ftlab/...``."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser() / "challenge"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "ftlab" / "challenge"


def key_of(**parts: Any) -> str:
    """The key of a set of parts: the SHA-256 of their JSON, keys sorted."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_digest(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_digest(folder: str | os.PathLike[str], pattern: str = "*.md") -> str:
    """The SHA-256 of a folder's matching files: their names and contents, in name order."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).glob(pattern)):
        digest.update(f"{path.name}\0{file_digest(path)}\0".encode())
    return digest.hexdigest()


def folder_stamp(folder: str | os.PathLike[str]) -> str:
    """A cheap fingerprint of a model folder: each file's name, size and modification time."""
    root = Path(folder)
    entries = sorted(
        f"{p.relative_to(root)}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for p in root.rglob("*")
        if p.is_file()
    )
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


class LegCache:
    """A folder of results (``results/<key>.json``) and adapters (``adapters/<key>/``)."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def result(self, key: str) -> LegResult | None:
        """The result stored under ``key``, or None (absent, or written by another ftlab version)."""
        path = self.folder / "results" / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return LegResult(**{f.name: data[f.name] for f in fields(LegResult)})
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, key: str, result: LegResult) -> Path:
        """Store ``result`` under ``key`` (atomically) and return its file."""
        path = self.folder / "results" / f"{key}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(prefix=f".{key[:12]}.", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(asdict(result), out, indent=2)
            os.replace(staging, path)
        finally:
            if os.path.exists(staging):
                os.unlink(staging)
        return path

    def adapter(self, key: str) -> Path:
        """Where the adapter for ``key`` lives (the trainer saves it there whole, or not at all)."""
        return self.folder / "adapters" / key

    def has_adapter(self, key: str) -> bool:
        return (self.adapter(key) / "adapter_config.json").is_file()

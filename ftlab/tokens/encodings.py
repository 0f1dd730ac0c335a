"""OpenAI's BPE encodings, loaded offline from package data through tiktoken's own constructors.

tiktoken downloads a rank file the first time an encoding is used. ftlab ships both files it
needs (gzipped, in ``ftlab/data/``) and hands them to tiktoken through its documented cache:
``tiktoken.load.read_file_cached`` reads ``$TIKTOKEN_CACHE_DIR/<sha1 of the download URL>``
before it downloads, and checks the file's sha256 there. The encoding is then built by the very
constructor ``tiktoken.get_encoding`` uses (``tiktoken_ext.openai_public``), so its regex,
special tokens and ranks are tiktoken's own and counts are identical with or without network.

The file is first decompressed and hash-checked here (a damaged file raises ``RankFileError``,
never loads), then written to a fresh private directory that exists only while tiktoken reads
it. ``TIKTOKEN_CACHE_DIR`` points there for that moment only, under a lock, and is restored
afterwards; a tiktoken load running in another thread during that moment would use that
directory as its cache.

Decoding a rank file (base64, 200,000 lines) is half a load, so the ranks tiktoken decoded are
kept in a per-user cache (:func:`cache_path`: per rank file, ftlab, tiktoken and Python), written
atomically as a sha256 line over a ``marshal`` dump. A later load hands intact cached ranks to the
same constructor in place of tiktoken's decoding; a damaged or foreign cache file is never used,
and is rebuilt from the shipped file. Without a usable cache folder nothing is cached.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import marshal
import os
import sys
import tempfile
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import tiktoken
from tiktoken_ext import openai_public

from ftlab import __version__
from ftlab.errors import FtlabError

_CACHE_ENV = "TIKTOKEN_CACHE_DIR"
_env_lock = threading.Lock()


@dataclass(frozen=True)
class RankFile:
    """One shipped rank file: where tiktoken would download it and the sha256 it expects."""

    encoding: str
    filename: str
    url: str
    sha256: str

    @property
    def cache_key(self) -> str:
        """The file name tiktoken's cache uses for this download (sha1 of the URL)."""
        return hashlib.sha1(self.url.encode()).hexdigest()


# URLs and hashes exactly as in tiktoken_ext/openai_public.py (tiktoken 0.7 to 0.14 at least).
RANK_FILES: dict[str, RankFile] = {
    "o200k_base": RankFile(
        encoding="o200k_base",
        filename="o200k_base.tiktoken.gz",
        url="https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        sha256="446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
    "cl100k_base": RankFile(
        encoding="cl100k_base",
        filename="cl100k_base.tiktoken.gz",
        url="https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        sha256="223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
}


class UnknownEncoding(FtlabError, ValueError):
    """An encoding name ftlab does not ship."""

    def __init__(self, name: object) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        shipped = ", ".join(RANK_FILES)
        return f"unknown encoding {self.name!r}: ftlab ships {shipped}"


class RankFileError(FtlabError):
    """A shipped rank file that is missing, unreadable or does not match its published hash."""

    def __init__(self, encoding: str, path: str, problem: str) -> None:
        super().__init__(encoding, path, problem)
        self.encoding = encoding
        self.path = path
        self.problem = problem

    def __str__(self) -> str:
        return f"rank file for {self.encoding} ({self.path}) {self.problem}; reinstall ftlab to restore it"


def rank_file(name: str) -> RankFile:
    """The shipped rank file for an encoding name, or UnknownEncoding."""
    try:
        return RANK_FILES[name]
    except (KeyError, TypeError):
        raise UnknownEncoding(name) from None


def read_ranks(name: str, path: str | os.PathLike[str] | None = None) -> bytes:
    """The unzipped rank file of an encoding, verified against its published sha256."""
    spec = rank_file(name)
    source = resources.files("ftlab.tokens") / "data" / spec.filename if path is None else Path(path)
    try:
        packed = source.read_bytes()
    except FileNotFoundError:
        raise RankFileError(name, str(source), "is missing") from None
    except OSError as exc:
        raise RankFileError(name, str(source), f"cannot be read ({exc})") from None
    try:
        data = gzip.decompress(packed)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise RankFileError(name, str(source), f"is damaged ({exc})") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != spec.sha256:
        problem = f"is corrupt: its sha256 is {actual}, expected {spec.sha256}"
        raise RankFileError(name, str(source), problem)
    return data


def load_encoding(name: str, path: str | os.PathLike[str] | None = None) -> tiktoken.Encoding:
    """Build an encoding from a verified rank file (the shipped one unless ``path`` is given).

    The shipped file's decoded ranks come from the per-user cache when it holds an intact copy.
    """
    spec = rank_file(name)
    ranks = _cache_read(spec) if path is None else None
    params = _constructed_with(spec, ranks) if ranks is not None else None
    if params is None:
        data = read_ranks(name, path)
        with _served_from_cache(spec, data):
            params = openai_public.ENCODING_CONSTRUCTORS[name]()
        if path is None:
            _cache_write(spec, params["mergeable_ranks"])
    return tiktoken.Encoding(**params)


def get_encoding(name: str) -> tiktoken.Encoding:
    """The shipped encoding, loaded once per process (like ``tiktoken.get_encoding``, offline).

    Thread-safe: the first callers of an encoding not loaded yet wait for one load (about a second)
    under a lock instead of each loading it (50 parallel first requests to the mock did).
    """
    encoding = _loaded.get(name) if type(name) is str else None
    if encoding is None:
        key = rank_file(name).encoding
        with _load_lock:
            encoding = _loaded[key] = _cached_encoding(key)
    return encoding


_loaded: dict[str, tiktoken.Encoding] = {}
_load_lock = threading.Lock()


def warm_in_background() -> threading.Thread | None:
    """Start loading every shipped encoding in a daemon thread, once per process (None if started before).

    For servers: their first requests find the encodings loaded, or wait for this same load.
    """
    global _warming
    with _load_lock:
        if _warming:
            return None
        _warming = True
    thread = threading.Thread(target=_load_all, name="ftlab-warm-encodings", daemon=True)
    thread.start()
    return thread


def _load_all() -> None:
    for name in RANK_FILES:
        get_encoding(name)


_warming = False


@functools.cache
def _cached_encoding(name: str) -> tiktoken.Encoding:
    return load_encoding(name)


@contextmanager
def _served_from_cache(spec: RankFile, data: bytes) -> Iterator[None]:
    """Let tiktoken find ``data`` in a private cache directory instead of downloading it."""
    with _env_lock, tempfile.TemporaryDirectory(prefix="ftlab-tiktoken-") as cache_dir:
        Path(cache_dir, spec.cache_key).write_bytes(data)
        saved = os.environ.get(_CACHE_ENV)
        os.environ[_CACHE_ENV] = cache_dir
        try:
            yield
        finally:
            if saved is None:
                del os.environ[_CACHE_ENV]
            else:
                os.environ[_CACHE_ENV] = saved


def cache_dir() -> Path | None:
    """Where decoded ranks are kept: ``$FTLAB_CACHE_DIR``, ``$XDG_CACHE_HOME/ftlab`` or ``~/.cache/ftlab``;
    None (no cache) when ``FTLAB_CACHE_DIR`` is empty (the sandboxed child: its home is the learner's)."""
    if (explicit := os.environ.get("FTLAB_CACHE_DIR")) is not None:
        return Path(explicit) if explicit else None
    try:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except (RuntimeError, KeyError):  # no HOME and no passwd entry (a sandbox)
        return None
    return Path(base) / "ftlab"


def cache_path(spec: RankFile) -> Path | None:
    """The cache file of one rank file's decoded ranks, for this ftlab, tiktoken and Python."""
    folder = cache_dir()
    if folder is None:
        return None
    python = f"py{sys.version_info[0]}{sys.version_info[1]}m{marshal.version}"
    tool = f"ftlab{__version__}-tiktoken{getattr(tiktoken, '__version__', '0')}"
    return folder / f"{spec.encoding}-{spec.sha256[:16]}-{tool}-{python}.ranks"


_HEADER = b"ftlab-ranks sha256="


def _cache_read(spec: RankFile) -> dict[bytes, int] | None:
    """The cached ranks of a rank file, or None when the cache file is absent, damaged or not ours."""
    path = cache_path(spec)
    try:
        if path is None or not _ours(path):
            return None
        blob = path.read_bytes()
    except OSError:
        return None
    head, newline, payload = blob.partition(b"\n")
    if not newline or head != _HEADER + hashlib.sha256(payload).hexdigest().encode():
        return None
    try:
        ranks = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    return ranks if type(ranks) is dict and ranks else None


def _ours(path: Path) -> bool:
    """A file this user owns that no one else may write (a cache someone else could edit is not used)."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _cache_write(spec: RankFile, ranks: dict[bytes, int]) -> None:
    """Keep decoded ranks in the cache: written whole to a private temporary file, then renamed."""
    path, temp = cache_path(spec), None
    if path is None:
        return
    payload = marshal.dumps(ranks)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(_HEADER + hashlib.sha256(payload).hexdigest().encode() + b"\n")
            out.write(payload)
        os.replace(temp, path)
    except OSError:  # a read-only or full disk: the next load decodes the shipped file again
        if temp is not None:
            Path(temp).unlink(missing_ok=True)


def _constructed_with(spec: RankFile, ranks: dict[bytes, int]) -> dict[str, Any] | None:
    """tiktoken's constructor's parameters, its ``load_tiktoken_bpe`` of this very file (URL and
    sha256) answered with ``ranks``; None if the constructor did not ask for that file."""
    original = openai_public.load_tiktoken_bpe

    def cached(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        if (url, expected_hash) == (spec.url, spec.sha256):
            return ranks
        return original(url, expected_hash)

    with _env_lock:
        openai_public.load_tiktoken_bpe = cached
        try:
            params = openai_public.ENCODING_CONSTRUCTORS[spec.encoding]()
        finally:
            openai_public.load_tiktoken_bpe = original
    return params if params.get("mergeable_ranks") is ranks else None

"""ftlab.tokens.encodings: offline, hash-checked encodings built by tiktoken's own constructors."""

from __future__ import annotations

import base64
import functools
import gzip
import inspect
import os
import socket
import threading
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
import tiktoken
import tiktoken.load
from tiktoken_ext import openai_public

from ftlab.errors import FtlabError
from ftlab.tokens.encodings import (
    RANK_FILES,
    RankFileError,
    UnknownEncoding,
    cache_dir,
    cache_path,
    get_encoding,
    load_encoding,
    read_ranks,
)


def _no_network(*args: object, **kwargs: object) -> None:
    raise AssertionError(f"network access attempted: {args!r}")


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No downloads, no sockets, and an empty tiktoken cache: only ftlab's package data."""
    cache = tmp_path_factory.mktemp("empty-tiktoken-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
        patch.setenv("FTLAB_CACHE_DIR", str(tmp_path_factory.mktemp("ftlab-cache")))
        patch.setattr(tiktoken.load, "read_file", _no_network)
        patch.setattr(socket.socket, "connect", _no_network)
        yield cache


@pytest.fixture(scope="module")
def o200k(offline: Path) -> tiktoken.Encoding:
    return load_encoding("o200k_base")


@pytest.fixture(scope="module")
def cl100k(offline: Path) -> tiktoken.Encoding:
    return load_encoding("cl100k_base")


def _file_ranks(name: str) -> dict[bytes, int]:
    """The rank file parsed independently of tiktoken (base64 token, space, rank per line)."""
    packed = (resources.files("ftlab.tokens") / "data" / RANK_FILES[name].filename).read_bytes()
    ranks = {}
    for line in gzip.decompress(packed).splitlines():
        token, rank = line.split()
        ranks[base64.b64decode(token)] = int(rank)
    return ranks


def _corrupted_copy(tmp_path: Path, name: str, flip_at: int) -> Path:
    data = bytearray(read_ranks(name))
    data[flip_at] ^= 0x01
    path = tmp_path / RANK_FILES[name].filename
    path.write_bytes(gzip.compress(bytes(data), compresslevel=1))
    return path


def test_o200k_gives_the_published_ids_offline(o200k: tiktoken.Encoding) -> None:
    assert o200k.name == "o200k_base"
    assert o200k.encode("Hello, world!") == [13225, 11, 2375, 0]


def test_cl100k_gives_the_published_ids_offline(cl100k: tiktoken.Encoding) -> None:
    assert cl100k.name == "cl100k_base"
    assert cl100k.encode("hello world") == [15339, 1917]
    assert cl100k.encode("Hello, world!") == [9906, 11, 1917, 0]


@pytest.mark.parametrize("fixture", ["o200k", "cl100k"])
def test_every_rank_in_the_file_is_the_encodings_rank(fixture: str, request: pytest.FixtureRequest) -> None:
    encoding: tiktoken.Encoding = request.getfixturevalue(fixture)
    ranks = _file_ranks(encoding.name)
    specials = [encoding.encode_single_token(text) for text in encoding.special_tokens_set]
    assert encoding.max_token_value == max(*ranks.values(), *specials)
    for token, rank in ranks.items():
        assert encoding.encode_single_token(token) == rank
    for token, rank in list(ranks.items())[::97]:
        assert encoding.decode_single_token_bytes(rank) == token


def test_special_tokens_are_tiktokens(o200k: tiktoken.Encoding, cl100k: tiktoken.Encoding) -> None:
    assert o200k.encode("<|endoftext|>", allowed_special="all") == [199999]
    assert o200k.encode("<|endofprompt|>", allowed_special="all") == [200018]
    assert cl100k.encode("<|endoftext|>", allowed_special="all") == [100257]
    assert cl100k.encode("<|fim_prefix|>", allowed_special="all") == [100258]
    with pytest.raises(ValueError, match="disallowed special token"):
        o200k.encode("<|endoftext|>")


def test_loading_leaves_the_tiktoken_cache_and_environment_as_they_were(offline: Path) -> None:
    load_encoding("cl100k_base")
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(offline)
    assert list(offline.iterdir()) == []


def test_loading_restores_an_unset_cache_variable(offline: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR")
    load_encoding("cl100k_base")
    assert "TIKTOKEN_CACHE_DIR" not in os.environ


def test_get_encoding_loads_once_per_process(offline: Path) -> None:
    assert get_encoding("o200k_base") is get_encoding("o200k_base")
    assert get_encoding("o200k_base").encode("Hello, world!") == [13225, 11, 2375, 0]


def test_parallel_first_callers_share_one_load(monkeypatch: pytest.MonkeyPatch) -> None:
    from ftlab.tokens import encodings

    loads: list[str] = []
    gate = threading.Barrier(8)

    @functools.cache
    def slow_load(name: str) -> object:
        loads.append(name)
        time.sleep(0.2)  # long enough that every parallel caller arrives during the load
        return object()

    monkeypatch.setattr(encodings, "_cached_encoding", slow_load)
    monkeypatch.setattr(encodings, "_loaded", {}, raising=False)
    got: list[object] = []

    def first_call() -> None:
        gate.wait()
        got.append(encodings.get_encoding("o200k_base"))

    threads = [threading.Thread(target=first_call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == ["o200k_base"]
    assert len(got) == 8 and all(encoding is got[0] for encoding in got)


def test_warming_in_background_loads_every_encoding_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from ftlab.tokens import encodings

    monkeypatch.setattr(encodings, "_warming", False)
    monkeypatch.setattr(encodings, "_loaded", {})
    thread = encodings.warm_in_background()
    assert thread is not None
    thread.join(60)
    assert set(encodings._loaded) == set(RANK_FILES)
    assert encodings.warm_in_background() is None


@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base"])
def test_shipped_hashes_and_urls_are_the_ones_tiktoken_checks(name: str) -> None:
    source = inspect.getsource(openai_public.ENCODING_CONSTRUCTORS[name])
    assert f'"{RANK_FILES[name].url}"' in source
    assert f'expected_hash="{RANK_FILES[name].sha256}"' in source


@pytest.mark.parametrize("flip_at", [0, 1_000_000])
def test_a_flipped_byte_is_refused_with_both_hashes(tmp_path: Path, flip_at: int) -> None:
    path = _corrupted_copy(tmp_path, "o200k_base", flip_at)
    with pytest.raises(RankFileError) as info:
        load_encoding("o200k_base", path)
    message = str(info.value)
    assert "o200k_base" in message and str(path) in message
    assert "is corrupt" in message and RANK_FILES["o200k_base"].sha256 in message


def test_a_damaged_gzip_stream_is_refused(tmp_path: Path) -> None:
    packed = bytearray(gzip.compress(read_ranks("cl100k_base"), compresslevel=1))
    packed[len(packed) // 2] ^= 0xFF
    path = tmp_path / "cl100k_base.tiktoken.gz"
    path.write_bytes(bytes(packed))
    with pytest.raises(RankFileError, match=r"cl100k_base .* is damaged"):
        load_encoding("cl100k_base", path)


def test_a_missing_rank_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.tiktoken.gz"
    with pytest.raises(RankFileError, match=r"nowhere\.tiktoken\.gz\) is missing"):
        load_encoding("o200k_base", path)


@pytest.mark.parametrize("name", ["p50k_base", "O200K_BASE", "", 7, ["o200k_base"]])
def test_an_unknown_encoding_names_the_shipped_ones(name: object) -> None:
    with pytest.raises(UnknownEncoding, match="ftlab ships o200k_base, cl100k_base"):
        get_encoding(name)  # type: ignore[arg-type]


def test_encoding_errors_are_ftlab_errors_and_an_unknown_name_still_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(FtlabError) as unknown:
        get_encoding("p50k_base")
    assert isinstance(unknown.value, UnknownEncoding) and isinstance(unknown.value, ValueError)
    with pytest.raises(FtlabError) as missing:
        load_encoding("cl100k_base", tmp_path / "nowhere.tiktoken.gz")
    assert isinstance(missing.value, RankFileError)


# The per-user cache of decoded ranks ------------------------------------------------------------

CORPUS = [
    "Hello, world!",
    "Bonjour, ma facture de mars est arrivée deux fois. Pouvez-vous rembourser ?",
    "日本語のテキストも数えます。 Ünïcödé, emoji 🎉🎉 and\r\n\tCRLF   spaces",
    "def f(x):\n    return x ** 2  # comment\n\n\n",
    "'s 't 're 've 'm 'll 'd DON'T 12345678901 3.14159 <|endoftext|> <|fim_prefix|>",
]


def _tiktokens_own(name: str) -> tiktoken.Encoding:
    """The encoding as tiktoken's constructor builds it, decoding the shipped file itself."""
    return load_encoding(name, resources.files("ftlab.tokens") / "data" / RANK_FILES[name].filename)


def _refuse_decoding(*args: object, **kwargs: object) -> None:
    raise AssertionError(f"tiktoken decoded a rank file: {args!r}")


@pytest.fixture
def cache(offline: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's own."""
    monkeypatch.setenv("FTLAB_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base"])
def test_an_encoding_from_the_cache_is_tiktokens_own(
    cache: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    first = load_encoding(name)  # decodes the shipped file and fills the cache
    assert cache_path(RANK_FILES[name]) in cache.iterdir()
    monkeypatch.setattr(openai_public, "load_tiktoken_bpe", _refuse_decoding)
    cached = load_encoding(name)
    monkeypatch.undo()
    own = _tiktokens_own(name)
    for encoding in (first, cached):
        assert encoding._mergeable_ranks == own._mergeable_ranks == _file_ranks(name)
        assert encoding._pat_str == own._pat_str and encoding._special_tokens == own._special_tokens
        assert encoding.name == own.name and encoding.max_token_value == own.max_token_value
        for text in CORPUS:
            assert encoding.encode_ordinary(text) == own.encode_ordinary(text)
            assert encoding.encode(text, allowed_special="all") == own.encode(text, allowed_special="all")


def _forged(path: Path, ranks: dict[bytes, int], *, header_of: bytes | None = None) -> None:
    """A cache file holding ``ranks``, its header the hash of ``header_of`` (of the ranks if None)."""
    import hashlib
    import marshal

    payload = marshal.dumps(ranks)
    digest = hashlib.sha256(payload if header_of is None else header_of).hexdigest()
    path.write_bytes(b"ftlab-ranks sha256=" + digest.encode() + b"\n" + payload)


@pytest.mark.parametrize("damage", ["flipped byte", "hash of other ranks", "truncated", "empty", "writable"])
def test_a_damaged_or_foreign_cache_file_is_rebuilt_never_used(cache: Path, damage: str) -> None:
    spec = RANK_FILES["cl100k_base"]
    load_encoding("cl100k_base")
    path = cache_path(spec)
    assert path is not None
    intact = path.read_bytes()
    wrong = {b"hello": 0, b" world": 1}
    if damage == "flipped byte":
        blob = bytearray(intact)
        blob[len(blob) // 2] ^= 0x01
        path.write_bytes(bytes(blob))
    elif damage == "hash of other ranks":
        _forged(path, wrong, header_of=intact.partition(b"\n")[2])
    elif damage == "truncated":
        path.write_bytes(intact[: len(intact) // 3])
    elif damage == "empty":
        path.write_bytes(b"")
    else:  # a well-formed file anyone may have written
        _forged(path, wrong)
        path.chmod(0o666)
    encoding = load_encoding("cl100k_base")
    assert encoding._mergeable_ranks == _file_ranks("cl100k_base")
    assert encoding.encode("Hello, world!") == [9906, 11, 1917, 0]
    assert path.read_bytes() == intact and not path.stat().st_mode & 0o077


def test_without_a_usable_cache_folder_an_encoding_still_loads(
    offline: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("FTLAB_CACHE_DIR", str(blocker / "cache"))
    assert load_encoding("cl100k_base").encode("hello world") == [15339, 1917]
    assert list(tmp_path.iterdir()) == [blocker]


def test_an_empty_cache_setting_loads_without_reading_or_writing_a_cache(
    offline: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FTLAB_CACHE_DIR", "")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() is None
    assert load_encoding("cl100k_base").encode("hello world") == [15339, 1917]
    assert list(tmp_path.iterdir()) == []

"""MinHash signatures of many inputs at once, and their LSH band collisions, in numpy.

The signatures are datasketch's (its ``affine32`` scheme: the MurmurHash3 finaliser, then 64
permutations ``a * h + b mod 2**32``, with datasketch's own ``a`` and ``b``), computed a batch of
inputs at a time rather than one ``MinHash`` object each, and the bands are compared by sorting
rather than through ``MinHashLSH`` (whose in-memory buckets are a Python set each, kilobytes per
example). Memory: 64 x 4 bytes of signature and 16 x 8 bytes of band keys per input.
numpy is imported only when this module is, which the quality pass does only for a file with more
than ``similarity.EXACT_LIMIT`` examples; datasketch is not imported at all (its permutations are
drawn here as it draws them).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from itertools import chain

import numpy as np

NUM_PERM = 64
#: 16 bands of 4 rows: a pair with Jaccard 0.8 collides in some band with probability 0.9998.
BANDS, ROWS = 16, 4
#: A run of more inputs than this in one bucket is paired only neighbour to neighbour.
RUN_LIMIT = 32
_MASK = np.uint64(0xFFFFFFFF)
#: Permutations applied at once (their rows of all of a batch's shingles stay in the CPU's cache).
_GROUP = 16
_PRIMES = (np.uint64(0x9E3779B1), np.uint64(0x85EBCA77), np.uint64(0xC2B2AE3D))
_PRIMES32 = tuple(np.uint32(prime) for prime in _PRIMES)


def _permutations(seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's ``MinHash(num_perm=NUM_PERM, scheme="affine32").permutations`` (seed 1), drawn
    the way it draws them (an odd ``a`` and any ``b`` from ``RandomState(seed)``), without importing
    datasketch (which imports scipy: seconds); tests/dataset/quality/test_minhash.py compares them."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


_A, _B = _permutations()
_WORDS: dict[str, int] = {}


def word_hashes(words: Sequence[str]) -> np.ndarray:
    """A 32-bit CRC of each word (cached: a file's vocabulary repeats)."""
    try:
        return np.fromiter(map(_WORDS.__getitem__, words), dtype=np.uint64, count=len(words))
    except KeyError:
        if len(_WORDS) > 1_000_000:
            _WORDS.clear()
        for word in words:
            if word not in _WORDS:
                _WORDS[word] = zlib.crc32(word.encode("utf-8", "surrogatepass"))
        return np.fromiter(map(_WORDS.__getitem__, words), dtype=np.uint64, count=len(words))


def shingle_hashes(words: Sequence[str], size: int) -> np.ndarray:
    """One 32-bit hash per ``size``-word shingle (the whole text as one when it is shorter)."""
    hashes = word_hashes(words)
    if len(hashes) <= size:
        size = len(hashes)
    count = len(hashes) - size + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(size):
        combined = (combined * _PRIMES[offset % 3] + hashes[offset : offset + count]) & _MASK
    return combined.astype(np.uint32)


def batch_signatures(texts: Sequence[Sequence[str]]) -> np.ndarray:
    """The signature of each text's 3-word shingles (each text has words), all texts at once:
    row ``i`` is ``signatures([shingle_hashes(texts[i], 3)])[0]``, without a numpy call per text."""
    counts = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    return word_signatures(word_hashes(list(chain.from_iterable(texts))), counts)


def word_signatures(hashes: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``batch_signatures`` from the texts' word hashes end to end (32-bit) and their word counts."""
    # the shingles' hashes in uint32: the low 32 bits of a product or a sum are those of the low 32
    # bits of its terms, so this is the uint64 arithmetic of ``shingle_hashes``, masked
    hashes = hashes.astype(np.uint32, copy=False)
    pairs = hashes[:-1] * _PRIMES32[1]  # word i and i + 1
    pairs += hashes[1:]
    triples = pairs[:-1] * _PRIMES32[2]  # words i, i + 1 and i + 2
    triples += hashes[2:]
    starts = np.cumsum(counts) - counts
    # where each text's shingles are in triples + pairs + hashes: from its first word on, in the
    # first for 3 words or more, else the one shingle in the second (2 words) or third (1 word)
    short = np.where(counts == 2, len(triples), len(triples) + len(pairs))
    source = np.where(counts >= 3, starts, short + starts)
    sizes = np.maximum(counts - 2, 1)
    first = np.cumsum(sizes) - sizes
    picks = np.repeat(source - first, sizes) + np.arange(int(sizes.sum()))
    shingles = np.concatenate((triples, pairs, hashes)).take(picks)
    return _signatures(shingles, sizes)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (what datasketch applies before its permutations)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def signatures(batch: Sequence[np.ndarray]) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32 values) of each set of shingle hashes in ``batch``."""
    out = np.full((len(batch), NUM_PERM), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    sizes = np.array([len(h) for h in batch], dtype=np.int64)
    filled = np.flatnonzero(sizes)
    if len(filled):
        out[filled] = _signatures(np.concatenate([batch[i] for i in filled.tolist()]), sizes[filled])
    return out


def _signatures(flat: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The signatures of consecutive runs of ``flat`` (of these ``sizes``, none empty)."""
    flat = _fmix32(flat)
    starts = np.cumsum(sizes) - sizes
    result = np.empty((len(sizes), NUM_PERM), dtype=np.uint32)
    permuted = np.empty((_GROUP, len(flat)), dtype=np.uint32)  # a few permutations at a time: in cache
    for first in range(0, NUM_PERM, _GROUP):
        rows = slice(first, first + _GROUP)
        np.multiply(_A[rows, None], flat[None, :], out=permuted)  # reduceat runs along each row
        permuted += _B[rows, None]
        result[:, rows] = np.minimum.reduceat(permuted, starts, axis=1).T
    return result


def band_keys(signature: np.ndarray) -> np.ndarray:
    """One 64-bit key per band of each signature (``BANDS`` columns): its 4 values read as two
    uint64 (as they lie in memory), the first times an odd constant XOR the second. Keys are only
    compared for equality; two different bands share one by chance, 1 in 2**64."""
    packed = np.ascontiguousarray(signature, dtype=np.uint32).view(np.uint64)
    halves = packed.reshape(len(signature), BANDS, ROWS // 2)
    keys = halves[:, :, 0] * np.uint64(0x100000001B3)
    keys ^= halves[:, :, 1]
    return keys


def candidate_pairs(keys: np.ndarray) -> Iterator[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, whose signatures share a band key (each pair may repeat)."""
    for band in range(keys.shape[1]):
        column = keys[:, band]
        order = np.argsort(column)  # not stable (five times quicker): a crowded run is sorted below
        ordered = column[order]
        same = np.flatnonzero(ordered[1:] == ordered[:-1])  # i: ordered[i] == ordered[i + 1]
        if not len(same):
            continue
        heads = np.flatnonzero(np.diff(same, prepend=-2) != 1)  # each run's first in ``same``
        firsts = same[heads]  # each run's first in ``order``
        sizes = np.diff(heads, append=len(same)) + 1
        two = sizes == 2  # most runs: one pair, found without a loop
        first, second = order[firsts[two]], order[firsts[two] + 1]
        yield from zip(np.minimum(first, second).tolist(), np.maximum(first, second).tolist(), strict=True)
        for start, size in zip(firsts[~two].tolist(), sizes[~two].tolist(), strict=True):
            run = order[start : start + size]
            if size > RUN_LIMIT:
                run = np.sort(run)  # in input order, as a stable sort leaves it
                yield from zip(run[:-1].tolist(), run[1:].tolist(), strict=True)
                continue
            members = sorted(run.tolist())
            for k, member in enumerate(members):
                for other in members[k + 1 :]:
                    yield member, other


def similarity(signature: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The estimated Jaccard similarity of the signatures at ``first[k]`` and ``second[k]``."""
    result: np.ndarray = (signature[first] == signature[second]).mean(axis=1)
    return result

"""Near-duplicate inputs: Jaccard similarity of word shingles, exact for small files, MinHash for large.

Up to ``EXACT_LIMIT`` inputs, each pair of inputs whose sizes allow it is compared on its set of
3-word shingles, exactly. Past that, the inputs seen so far and every later one are turned into
MinHash signatures a batch at a time (:mod:`ftlab.dataset.quality.minhash`, which imports
numpy: a small file never pays for it), and the pairs that share an LSH band
are compared by their signatures. Each input is paired with at most its most similar earlier
input, so what is kept stays O(inputs): one signature, band keys and a key each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from ftlab.dataset.quality.normalize import jaccard, shingles

#: Near-duplicates: inputs whose 3-word shingle sets have at least this Jaccard similarity.
THRESHOLD = 0.8
#: Up to this many inputs are compared exactly, pair by pair; past it, by MinHash.
EXACT_LIMIT = 300
#: Inputs turned into signatures at once: numpy works on (their shingles x 64) values, ~6 MB at 256.
_BATCH = 256


@dataclass(frozen=True, order=True)
class NearPair:
    """Two lines whose inputs are near-duplicates (``first < second``) and their similarity."""

    first: int
    second: int
    similarity: float


@dataclass
class NearInputs:
    """Collects normalised inputs (``add``) and finds the near-duplicate pairs (``pairs``)."""

    limit: int = EXACT_LIMIT
    _lines: list[int] = field(default_factory=list)
    _keys: list[int] = field(default_factory=list)
    _words: list[list[str]] | None = field(default_factory=list)
    _batch: list[list[str]] = field(default_factory=list)
    _signatures: list[Any] = field(default_factory=list)
    _minhash: ModuleType | None = None

    def add(self, line: int, found: list[str], key: int) -> None:
        """Note the normalised words of a line's input; ``key`` is equal for equal inputs (no pair)."""
        if not found:
            return
        self._lines.append(line)
        self._keys.append(key)
        if self._words is not None:
            self._words.append(found)
            if len(self._words) > self.limit:
                self._switch()
            return
        self._batch.append(found)
        if len(self._batch) >= _BATCH:
            self._flush()

    @property
    def estimating(self) -> bool:
        """Past the limit: inputs are compared by their MinHash signatures."""
        return self._words is None

    def add_signatures(self, lines: list[int], keys: list[int], signature: Any) -> None:
        """Note a batch of inputs that have words: their lines, keys and signatures (``estimating`` only)."""
        assert self._words is None, "inputs are given by their signatures only past the limit"
        self._flush()
        self._lines += lines
        self._keys += keys
        self._signatures.append(signature)

    def _switch(self) -> None:
        from ftlab.dataset.quality import minhash

        self._minhash = minhash
        stored, self._words = self._words or [], None
        for found in stored:
            self._batch.append(found)
            if len(self._batch) >= _BATCH:
                self._flush()

    def _minhash_module(self) -> ModuleType:
        if self._minhash is None:
            self._switch()
        assert self._minhash is not None
        return self._minhash

    def _flush(self) -> None:
        if self._batch:
            assert self._minhash is not None
            self._signatures.append(self._minhash.batch_signatures(self._batch))
            self._batch = []

    def pairs(self) -> list[NearPair]:
        """Each input that has a near-duplicate earlier input, paired with the most similar one."""
        if self._words is not None:
            found = self._exact_pairs(self._words)
        else:
            found = self._estimated_pairs()
        best: dict[int, tuple[float, int]] = {}
        for first, second, score in found:
            if self._keys[first] == self._keys[second]:
                continue
            if second not in best or (score, -first) > (best[second][0], -best[second][1]):
                best[second] = (score, first)
        return sorted(
            NearPair(self._lines[first], self._lines[second], round(score, 2))
            for second, (score, first) in best.items()
        )

    def _exact_pairs(self, stored: list[list[str]], split: int = 0) -> list[tuple[int, int, float]]:
        """Pairs by exact Jaccard; with ``split``, only pairs across it (one index below, one above)."""
        sets = [shingles(found) for found in stored]
        order = sorted(range(len(sets)), key=lambda i: len(sets[i]))
        found = []
        for k, i in enumerate(order):
            for j in order[k + 1 :]:
                if len(sets[i]) < THRESHOLD * len(sets[j]):
                    break
                if split and (i < split) == (j < split):
                    continue
                score = jaccard(sets[i], sets[j])
                if score >= THRESHOLD:
                    found.append((min(i, j), max(i, j), score))
        return found

    def signature(self) -> Any:
        """Every input's MinHash signature, one row each (switching to MinHash if not yet)."""
        if self._words is not None:
            self._switch()
        self._flush()
        assert self._minhash is not None
        np = self._minhash.np
        if not self._signatures:
            return np.zeros((0, self._minhash.NUM_PERM), dtype=np.uint32)
        if len(self._signatures) > 1:
            self._signatures = [np.concatenate(self._signatures)]
        return self._signatures[0]

    def _estimated_pairs(self, signature: Any = None, split: int = 0) -> list[tuple[int, int, float]]:
        signature = self.signature() if signature is None else signature
        minhash = self._minhash
        assert minhash is not None
        np = minhash.np
        candidates = set(minhash.candidate_pairs(minhash.band_keys(signature)))
        if split:
            candidates = {(i, j) for i, j in candidates if i < split <= j}
        if not candidates:
            return []
        first, second = (np.array(side, dtype=np.int64) for side in zip(*candidates, strict=True))
        scores = minhash.similarity(signature, first, second)
        keep = scores >= THRESHOLD
        return list(zip(first[keep].tolist(), second[keep].tolist(), scores[keep].tolist(), strict=True))


def cross_pairs(train: NearInputs, held: NearInputs) -> list[NearPair]:
    """Pairs of a training line and a held-out line whose inputs are near-duplicates (not equal)."""
    split = len(train._lines)
    lines = train._lines + held._lines
    if train._words is not None and held._words is not None:
        found = train._exact_pairs(train._words + held._words, split)
    else:
        signature = train._minhash_module().np.concatenate((train.signature(), held.signature()))
        found = train._estimated_pairs(signature, split)
    return sorted(NearPair(lines[i], lines[j], round(score, 2)) for i, j, score in found)

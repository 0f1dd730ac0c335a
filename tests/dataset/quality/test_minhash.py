from __future__ import annotations

import numpy as np
from datasketch import MinHash

from ftlab.dataset.quality import minhash


def test_signatures_are_datasketchs_minhash_of_the_same_hashes():
    words = "the quick brown fox jumps over the lazy dog and runs away".split()
    hashes = minhash.shingle_hashes(words, 3)
    expected = MinHash(num_perm=minhash.NUM_PERM, scheme="affine32", hashfunc=int)
    expected.update_batch([int(h) for h in hashes])
    assert (minhash.signatures([hashes])[0] == expected.hashvalues).all()


def test_the_permutations_are_datasketchs_without_importing_it():
    a, b = MinHash(num_perm=minhash.NUM_PERM, scheme="affine32").permutations
    assert (minhash._A == a).all() and (minhash._B == b).all()
    assert minhash._A.dtype == minhash._B.dtype == np.uint32


def test_a_batch_gives_each_input_its_own_signature_and_an_empty_one_the_maximum():
    first = minhash.shingle_hashes("a b c d".split(), 3)
    second = minhash.shingle_hashes("x y z w".split(), 3)
    batch = minhash.signatures([first, np.zeros(0, dtype=np.uint32), second])
    assert (batch[0] == minhash.signatures([first])[0]).all()
    assert (batch[1] == 0xFFFFFFFF).all()
    assert (batch[2] == minhash.signatures([second])[0]).all()


def test_equal_signatures_collide_in_every_band_and_are_fully_similar():
    hashes = minhash.shingle_hashes("one two three four five".split(), 3)
    signature = minhash.signatures([hashes, hashes, minhash.shingle_hashes("six seven eight".split(), 3)])
    pairs = set(minhash.candidate_pairs(minhash.band_keys(signature)))
    assert pairs == {(0, 1)}
    assert minhash.similarity(signature, np.array([0]), np.array([1])).tolist() == [1.0]


def test_a_crowded_bucket_is_paired_neighbour_to_neighbour_not_all_pairs():
    hashes = minhash.shingle_hashes("same words in every input".split(), 3)
    signature = minhash.signatures([hashes] * (minhash.RUN_LIMIT + 5))
    pairs = set(minhash.candidate_pairs(minhash.band_keys(signature)))
    assert len(pairs) == minhash.RUN_LIMIT + 4


def test_a_batch_of_texts_gets_each_texts_own_signature_whatever_its_length():
    batch = [["one"], ["one", "two"], "a b c".split(), "the quick brown fox jumps".split(), ["one", "two"]]
    signature = minhash.batch_signatures(batch)
    for row, words in enumerate(batch):
        assert (signature[row] == minhash.signatures([minhash.shingle_hashes(words, 3)])[0]).all()


def test_a_crowded_bucket_pairs_each_input_with_the_next_one_in_input_order():
    rng = np.random.default_rng(3)
    signature = rng.integers(0, 1 << 32, (3000, minhash.NUM_PERM), dtype=np.uint64).astype(np.uint32)
    crowded = np.sort(rng.choice(3000, minhash.RUN_LIMIT * 4, replace=False))
    signature[crowded] = signature[crowded[0]]
    pairs = set(minhash.candidate_pairs(minhash.band_keys(signature)))
    assert pairs == set(zip(crowded[:-1].tolist(), crowded[1:].tolist(), strict=True))


def test_a_bucket_of_a_few_inputs_pairs_each_with_each_and_a_bucket_of_two_the_two():
    rng = np.random.default_rng(5)
    signature = rng.integers(0, 1 << 32, (500, minhash.NUM_PERM), dtype=np.uint64).astype(np.uint32)
    signature[[400, 17, 250]] = signature[90]
    signature[3] = signature[480]
    pairs = set(minhash.candidate_pairs(minhash.band_keys(signature)))
    assert pairs == {(17, 90), (17, 250), (17, 400), (90, 250), (90, 400), (250, 400), (3, 480)}

from __future__ import annotations

import pytest

from ftlab.dataset.quality.normalize import digest
from ftlab.dataset.quality.similarity import NearInputs, NearPair, cross_pairs

BASE = (
    "our production api calls to acme cloud are all returning 503 since about two this afternoon and "
    "our checkout is down while the status page says all green please escalate now account shopnorth"
)


def _add(near: NearInputs, line: int, text: str) -> None:
    near.add(line, text.split(), digest(text))


@pytest.mark.parametrize("limit", [300, 2], ids=["exact", "minhash"])
def test_an_input_one_word_longer_is_a_near_duplicate_of_the_first(limit: int):
    near = NearInputs(limit=limit)
    _add(near, 1, BASE)
    _add(near, 2, "something else entirely about invoices and a refund for march and the seats we bought")
    _add(near, 3, BASE.replace("please escalate", "please do escalate"))
    assert [(p.first, p.second) for p in near.pairs()] == [(1, 3)]


@pytest.mark.parametrize("limit", [300, 2], ids=["exact", "minhash"])
def test_equal_inputs_are_not_near_duplicates_they_are_the_same(limit: int):
    near = NearInputs(limit=limit)
    for line in range(1, 5):
        _add(near, line, BASE)
    assert near.pairs() == []


def test_each_input_is_paired_with_its_most_similar_earlier_input_only():
    near = NearInputs()
    _add(near, 1, BASE + " one two")
    _add(near, 2, BASE + " one")
    _add(near, 3, BASE)
    assert [(p.first, p.second) for p in near.pairs()] == [(1, 2), (2, 3)]
    assert all(isinstance(p, NearPair) and 0.8 <= p.similarity < 1 for p in near.pairs())


def test_inputs_without_words_are_never_paired():
    near = NearInputs()
    _add(near, 1, "!!!")
    _add(near, 2, "???")
    assert near.pairs() == []


@pytest.mark.parametrize("limit", [300, 1], ids=["exact", "minhash"])
def test_cross_pairs_only_pair_a_training_input_with_a_held_out_one(limit: int):
    train, held = NearInputs(limit=limit), NearInputs(limit=limit)
    _add(train, 1, BASE)
    _add(train, 2, BASE + " thanks")
    _add(held, 1, BASE + " thank you")
    assert [(p.first, p.second) for p in cross_pairs(train, held)] == [(1, 1), (2, 1)]

"""The graders' stored examples are exactly what hypothesis generates for their checks today.

If this fails after a change to a check's strategies or examples count, or after upgrading
hypothesis, regenerate them: ``python -m tests.graders.regenerate_examples`` (and review the diff).
"""

from __future__ import annotations

import json

import pytest

from tests.graders.regenerate_examples import contents, grader_properties
from tests.paths import ROOT

GRADERS = sorted((ROOT / "graders").glob("test_*.py"))


@pytest.mark.parametrize("grader", GRADERS, ids=lambda p: p.stem)
def test_the_stored_examples_are_what_hypothesis_generates_now(grader):
    expected = contents(grader)
    store = grader.parent / "examples" / f"{grader.stem}.json"
    if expected is None:
        assert not store.exists(), f"{store} is left over: {grader.name} replays no property check"
        return
    stored = json.loads(store.read_text(encoding="utf-8"))
    assert stored["hypothesis"] == expected["hypothesis"], (
        f"{store.name} was made with hypothesis {stored['hypothesis']}: regenerate it"
    )
    assert stored["checks"] == expected["checks"], f"{store.name} differs from a regeneration: regenerate it"


def test_every_property_check_keeps_its_examples_count():
    counts = {p.name: p.max_examples for g in GRADERS for p in grader_properties(g)}
    assert len(counts) == 10
    assert counts.pop("test_cost_is_linear_in_epochs") == 30
    assert set(counts.values()) == {60}

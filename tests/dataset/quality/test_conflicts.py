from __future__ import annotations

from ftlab.dataset.quality import CONFLICT, NEAR_DUPLICATE, assess
from tests.dataset.quality.helpers import chat, email, triage

LONG = (
    "our production api calls to acme cloud are all returning 503 since about two this afternoon and "
    "our checkout is down while the status page says all green please escalate now account shopnorth"
)


def _filler() -> list[dict[str, object]]:
    return [chat(email(n), triage(c)) for n, c in enumerate(["billing", "bug", "outage", "data"] * 2)]


def test_the_same_input_answered_differently_is_one_conflict_naming_every_line():
    records = [chat("Refund me", triage("billing")), chat("refund  ME", triage("account")), *_filler()]
    records.append(chat("Refund me", triage("billing")))
    conflicts = [w for w in assess(records).warnings if w.code == CONFLICT]
    assert [w.lines for w in conflicts] == [(1, 2, 11)]
    assert "different Category: 'billing' (line 1), 'account' (line 2)" in conflicts[0].message


def test_near_inputs_with_different_labels_conflict_and_with_the_same_labels_are_near_duplicates():
    records = [
        chat(LONG, triage("outage", "P1")),
        chat(LONG + " thanks", triage("outage", "P1", "Other words.")),
        chat(LONG + " thank you", triage("outage", "P3")),
        *_filler(),
    ]
    found = [(w.code, w.lines) for w in assess(records).warnings if w.code in (CONFLICT, NEAR_DUPLICATE)]
    assert found == [(CONFLICT, (1, 3)), (NEAR_DUPLICATE, (1, 2))]

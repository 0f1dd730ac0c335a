from __future__ import annotations

from ftlab.dataset.quality import OVERLAP, assess
from tests.dataset.quality.helpers import chat, email, triage

LONG = (
    "our production api calls to acme cloud are all returning 503 since about two this afternoon and "
    "our checkout is down while the status page says all green please escalate now account shopnorth"
)


def test_validation_examples_found_in_training_are_named_with_the_training_lines():
    train = [chat(email(n), triage("bug")) for n in range(5)] + [chat(LONG, triage("outage"))]
    validation = [
        chat(email(2), triage("bug")),
        chat(email(3), triage("billing")),
        chat(LONG + " thanks", triage("outage")),
        chat(email(99), triage("bug")),
    ]
    overlap = [w for w in assess(train, validation=validation).warnings if w.code == OVERLAP]
    assert [w.lines for w in overlap] == [(3,), (4,), (6,)]
    assert overlap[0].message.startswith("Validation line 1 is the same example as training line 3")
    assert overlap[1].message.startswith("Validation line 2 is the same input as training line 4")
    assert overlap[2].message.startswith("Validation line 3 is almost the same input")


def test_without_a_validation_file_there_is_no_overlap_check():
    assert OVERLAP not in assess([chat("a"), chat("a")]).codes()

"""Partial credit: sub-checks counted, failures described, details withheld when asked."""

from __future__ import annotations

from ftlab.grading.credit import PartialCredit


def test_fraction_and_summary_of_mixed_sub_checks():
    credit = PartialCredit()
    for n in range(4):
        with credit.check(f"case {n}", hint=f"hint {n}"):
            assert n % 2 == 0, f"detail {n}"
    assert credit.fraction == 0.5
    assert credit.summary(details=True) == (
        "2 of 4 passed\n- case 1: hint 1 (detail 1\nassert (1 % 2) == 0)\n"
        "- case 3: hint 3 (detail 3\nassert (3 % 2) == 0)"
    )
    assert credit.summary(details=False) == "2 of 4 passed\n- case 1: hint 1\n- case 3: hint 3"


def test_an_exception_in_a_sub_check_fails_only_that_one():
    credit = PartialCredit()
    with credit.check("boom"):
        raise KeyError("x")
    with credit.check("fine"):
        pass
    assert [r.passed for r in credit.results] == [False, True]
    assert not PartialCredit().used and PartialCredit().fraction == 0.0

from __future__ import annotations

from ftlab.dataset.quality import LABEL_IMBALANCE, assess
from tests.dataset.quality.helpers import chat, email, triage


def _file(categories: list[str]) -> list[dict[str, object]]:
    return [chat(email(n), triage(category)) for n, category in enumerate(categories)]


def test_the_first_short_field_of_the_pattern_is_the_label_counted_whatever_its_case():
    report = assess(_file(["billing"] * 5 + ["bug"] * 3 + ["Billing"]))
    assert report.labels == {"billing": 6, "bug": 3}
    assert assess(_file(["Billing"] + ["bug"] * 3 + ["billing"] * 5)).labels == {"Billing": 6, "bug": 3}


def test_a_rare_label_is_imbalance_naming_its_lines():
    report = assess(_file(["billing"] * 10 + ["bug"] * 10 + ["outage"] * 10 + ["data"]))
    imbalance = [w for w in report.warnings if w.code == LABEL_IMBALANCE]
    assert [w.lines for w in imbalance] == [(31,)]
    assert "Category 'data' is on only 1 of the 31 answers" in imbalance[0].message


def test_free_text_answers_carry_no_label():
    records = [chat(email(n), f"Here is a long free answer number {n} with many words.") for n in range(10)]
    assert assess(records).labels == {}


def test_a_field_with_as_many_values_as_answers_is_not_a_label():
    assert assess(_file([f"c{n}" for n in range(8)])).labels == {}

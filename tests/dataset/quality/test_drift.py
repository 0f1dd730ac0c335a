from __future__ import annotations

from ftlab.dataset.quality.drift import Answer, FormatDrift
from ftlab.dataset.quality.results import FORMAT_DRIFT
from ftlab.dataset.quality.shapes import answer_shape

GOOD = "Category: billing\nPriority: P2\nSummary: Customer was charged twice."


def _drift(*answers: str) -> FormatDrift:
    drift = FormatDrift()
    for line, answer in enumerate(answers, start=1):
        drift.add(line, (answer,))
    return drift


def test_the_dominant_shape_and_its_share_count_every_answer():
    shape, share = _drift(GOOD, GOOD, GOOD, "Billing, P2.").dominant()
    assert shape is not None and shape.describe() == "Category: … / Priority: … / Summary: …"
    assert share == 0.75


def test_an_answer_in_another_shape_is_named_with_how_it_deviates():
    warnings = _drift(GOOD, GOOD, "Billing, P2.", GOOD).warnings()
    assert [(w.code, w.lines) for w in warnings] == [(FORMAT_DRIFT, (3,))]
    assert "is one line of text, unlike the file's usual shape `Category: …" in warnings[0].message
    assert "(3 of the 4 answers have it)" in warnings[0].message


def test_a_value_cased_or_ended_unlike_the_rest_is_style_drift():
    odd = "Category: Billing\nPriority: P2\nSummary: customer was charged twice"
    warnings = _drift(*[GOOD] * 6, odd).warnings()
    assert [w.lines for w in warnings] == [(7,)]
    message = warnings[0].message
    assert "its Category 'Billing' starts with a capital letter where 6 of 7 start in lower case" in message
    assert "its Summary has no end punctuation where 6 of 7 end with a full stop" in message


def test_styles_are_not_judged_on_too_few_answers():
    assert _drift(GOOD, GOOD, "Category: Billing\nPriority: P2\nSummary: x").warnings() == []


def test_each_answer_of_a_conversation_is_named_by_its_position():
    drift = _drift(GOOD, GOOD, GOOD)
    drift.add(4, (GOOD, "no pattern here"))
    assert drift.warnings()[0].message.startswith("Line 4's answer 2 (of 2) is one line of text")


def test_each_answer_is_noted_as_an_answer_with_its_line_place_shape_and_values():
    drift = FormatDrift()
    drift.add_batch([3, 4], [(GOOD,), ("Hi.", GOOD)])
    assert all(type(answer) is Answer for answer in drift.answers)
    assert [(a.line, a.number, a.of) for a in drift.answers] == [(3, 1, 1), (4, 1, 2), (4, 2, 2)]
    assert [(a.shape, a.values) for a in drift.answers] == [
        answer_shape(GOOD),
        answer_shape("Hi."),
        answer_shape(GOOD),
    ]
    assert drift.answers[2].name() == "Line 4's answer 2 (of 2)"

from __future__ import annotations

from ftlab.dataset.quality import CODES, DUPLICATE, SECRET, QualityReport, QualityWarning


def test_the_nine_codes_are_the_contracts_strings():
    assert set(CODES) == {
        "duplicate_example",
        "near_duplicate_input",
        "conflicting_answers",
        "format_drift",
        "system_prompt_differs",
        "length_outlier",
        "label_imbalance",
        "validation_overlap",
        "secret_or_personal_data",
    }


def test_a_report_lists_the_codes_it_raised_and_turns_into_plain_data():
    report = QualityReport(
        warnings=(QualityWarning(DUPLICATE, (1, 2), "m"), QualityWarning(SECRET, (3,), "s")), examples=3
    )
    assert report.codes() == {DUPLICATE, SECRET}
    assert report.to_dict()["warnings"] == [
        {"code": DUPLICATE, "lines": [1, 2], "message": "m"},
        {"code": SECRET, "lines": [3], "message": "s"},
    ]


def test_an_empty_report_has_every_answer_in_the_dominant_shape():
    assert QualityReport().format_share == 1.0

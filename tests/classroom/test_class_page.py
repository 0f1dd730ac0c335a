"""The class page: a histogram of scores, each exercise's distribution, the checks failed most."""

from __future__ import annotations

import re
from dataclasses import replace

from ftlab.classroom.class_page import bins, class_html, failed_most, histogram_svg
from ftlab.classroom.runner import Graded
from tests.browser import needs_browser, rendered_dom
from tests.classroom.sample_results import alice, the_class


def _bars(page: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'(data-\w+)="([^"]*)"', bar)) for bar in re.findall(r"<rect [^>]*>", page)]


def test_scores_fall_in_their_bins_and_full_marks_in_the_last():
    assert bins([0, 9.9, 10, 55, 100], 10) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 1]


def test_the_histogram_counts_every_graded_submission_once():
    results = [alice(), alice(), *the_class()[1:]]
    page = class_html(results)
    total = _bars(page)[:10]
    assert sum(int(bar["data-count"]) for bar in total) == 2
    assert [b["data-count"] for b in total if b["data-count"] != "0"] == ["2"]
    assert "2 submissions graded, 2 not graded" in page


def test_the_checks_failed_most_come_first_with_their_hints():
    page = class_html(the_class())
    rows = failed_most([alice()])
    assert rows[0][0] == 1 and {r[3] for r in rows} >= {"raise ValueError", "sort the codes"}
    assert "raise ValueError" in page and "sort the codes" in page


def test_the_page_is_self_contained_and_names_no_learner():
    page = class_html(the_class())
    assert "alice" not in page and "carol" not in page
    assert not re.search(r"""(src|href)=["']?https?:""", page) and "<script" not in page


def test_text_from_the_graders_is_escaped():
    graded = alice()
    graded.board.checks[1].hint = "<b>bold</b>\x07"
    page = class_html([graded])
    assert "&lt;b&gt;bold&lt;/b&gt;\\x07" in page and "<b>bold" not in page


def test_an_empty_histogram_has_bars_of_height_zero():
    assert all(bar["data-count"] == "0" for bar in _bars(histogram_svg([0, 0, 0], label="none")))
    assert "0 submissions graded" in class_html([Graded("x", "x", "malformed")])


@needs_browser
def test_a_headless_browser_renders_the_histogram(tmp_path):
    page = tmp_path / "class.html"
    page.write_text(class_html([alice(), alice(), *the_class()]), encoding="utf-8")
    dom = rendered_dom(page)
    assert len(_bars(dom)) == len(_bars(page.read_text(encoding="utf-8"))) > 10


def test_the_cases_of_one_parametrized_check_count_once_per_submission():
    graded = alice()
    case = graded.board.checks[1]
    graded.board.checks.append(replace(case, name="test_blank_text_is_refused[blank-user]"))
    rows = {(r[1], r[2]): r[0] for r in failed_most([graded, alice()])}
    assert rows[("ex1_build_example", "blank text is refused")] == 2

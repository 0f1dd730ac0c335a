from __future__ import annotations

from ftlab.dataset.quality.shapes import JSON, LINES, TEXT, Shape, answer_shape, difference

USUAL = Shape(LINES, ("Category", "Priority", "Summary"))


def test_key_lines_make_a_line_pattern_with_its_keys_in_order():
    shape, values = answer_shape("Category: billing\nPriority: P2\nSummary: Refund the double charge.")
    assert shape == USUAL
    assert shape.describe() == "Category: … / Priority: … / Summary: …"
    assert [v.label for v in values] == ["billing", "p2", None]


def test_a_json_object_is_described_by_its_keys_and_text_by_its_lines():
    assert answer_shape('{"label": "spam", "score": 1}')[0] == Shape(JSON, ("label", "score"))
    assert answer_shape("Just one line.")[0] == Shape(TEXT)
    assert answer_shape("two\nlines")[0].describe() == "text on several lines"


def test_a_value_has_a_casing_and_an_end():
    style = answer_shape("Refund it.")[1][0].style
    assert (style.casing, style.end) == ("capital", ".")
    assert answer_shape("URGENT")[1][0].style.casing == "upper"
    assert answer_shape("12 34")[1][0].style.casing == "none"


def test_a_difference_names_the_missing_extra_and_recased_keys():
    lacking = answer_shape("Category: bug\nSummary: x")[0]
    assert difference(lacking, USUAL) == "lacks Priority"
    renamed = answer_shape("Type: bug\nPriority: P1\nSummary: x")[0]
    assert difference(renamed, USUAL) == "lacks Category and has Type, which the usual shape has not"
    recased = answer_shape("category: bug\nPriority: P1\nSummary: x")[0]
    assert difference(recased, USUAL) == "writes 'category' for 'Category'"
    reordered = answer_shape("Priority: P1\nCategory: bug\nSummary: x")[0]
    assert difference(reordered, USUAL).startswith("has its keys in another order")
    assert difference(Shape(TEXT), USUAL) == "is one line of text"

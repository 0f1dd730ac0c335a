"""ftlab.dataset.webpage: a self-contained HTML report whose SVG histogram matches the data."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from ftlab.dataset.stats import Distribution
from ftlab.dataset.validation import validate_file
from ftlab.dataset.webpage import histogram_svg, render_page
from tests.browser import needs_browser, rendered_dom
from tests.paths import DATA


class Elements(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser


def bars(html: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in parse(html).tags if tag == "rect" and attrs.get("class") == "bar"]


@pytest.fixture(scope="module")
def sample():
    report = validate_file(DATA / "support_tickets.jsonl", model="gpt-4o-mini")
    return report, render_page(report)


def test_the_bars_are_the_histogram_of_tokens_per_example(sample):
    report, html = sample
    found = bars(html)
    expected = report.stats.tokens.histogram()
    assert [(int(b["data-low"]), int(b["data-high"]), int(b["data-count"])) for b in found] == [
        (b.low, b.high, b.count) for b in expected
    ]
    assert sum(int(b["data-count"]) for b in found) == report.stats.tokens.n == 72


def test_bar_heights_are_proportional_to_the_counts(sample):
    _, html = sample
    svg = next(attrs for tag, attrs in parse(html).tags if tag == "svg")
    plot_height, tallest = float(svg["data-plot-height"]), int(svg["data-max-count"])
    found = bars(html)
    assert tallest == max(int(b["data-count"]) for b in found)
    for bar in found:
        assert float(bar["height"]) == pytest.approx(plot_height * int(bar["data-count"]) / tallest, abs=0.01)
        assert float(bar["y"]) + float(bar["height"]) == pytest.approx(
            float(found[0]["y"]) + float(found[0]["height"]), abs=0.01
        )
    xs = [float(b["x"]) for b in found]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)


def test_the_page_needs_nothing_from_the_network(sample):
    _, html = sample
    tags = parse(html).tags
    assert not [t for t, a in tags if t in ("script", "link", "img", "iframe", "object")]
    assert not [a for _, a in tags if "src" in a or "href" in a]
    assert "url(" not in html and "@import" not in html and "http" not in html


def test_the_page_shows_the_numbers_of_the_text_report(sample):
    report, html = sample
    text = " ".join(parse(html).text)
    assert "valid: ready to upload" in text and "supervised (chat)" in text
    assert "$0.0759" in text and report.cost.cost_usd == pytest.approx(0.075924)
    for value in ("117.17", "157.90", "45.55"):  # mean tokens, p95 tokens, p95 assistant tokens
        assert value in text


def test_problems_and_paths_are_escaped(tmp_path):
    path = tmp_path / "<b>bold&.jsonl"
    path.write_text('{"messages": [{"role": "<script>", "content": "x"}]}\n', encoding="utf-8")
    html = render_page(validate_file(path))
    assert "<script>" not in html and "<b>bold" not in html and "&lt;b&gt;bold&amp;.jsonl" in html
    assert "&lt;script&gt;" in html and "invalid_n_examples" in html


def test_an_empty_distribution_draws_no_chart():
    assert histogram_svg(Distribution()) == "<p>No examples to chart.</p>"


def test_one_value_is_one_bar():
    dist = Distribution()
    for _ in range(5):
        dist.add(42)
    (bar,) = bars(histogram_svg(dist))
    assert (bar["data-low"], bar["data-high"], bar["data-count"]) == ("42", "42", "5")


@needs_browser
def test_a_headless_browser_renders_the_histogram(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(
        render_page(validate_file(DATA / "support_tickets.jsonl", model="gpt-4o-mini")), encoding="utf-8"
    )
    dom = rendered_dom(page)
    assert len(bars(dom)) == len(bars(page.read_text(encoding="utf-8"))) > 0


def test_the_page_escapes_surrogates_and_control_characters_from_the_file(tmp_path):
    path = tmp_path / "h\udcff.jsonl"
    path.write_text(
        '{"messages": [{"role": "\\ud800<b>", "content": "hi"}, {"role": "assistant", "content": "yo"}]}\n',
        "utf-8",
    )
    page = render_page(validate_file(path, model="gpt-4o-mini"))
    page.encode("utf-8")  # strict: a raw surrogate would raise
    assert "h\\udcff.jsonl" in page and "\\ud800&lt;b&gt;" in page and "<b>\\ud800" not in page


@pytest.fixture(scope="module")
def planted():
    report = validate_file(DATA / "quality_problems.jsonl", validation=DATA / "support_tickets_heldout.jsonl")
    return report, render_page(report)


def label_bars(html: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in parse(html).tags if "label-bar" in (attrs.get("class") or "")]


def test_the_quality_section_lists_each_warning_with_its_code_and_lines(planted):
    report, html = planted
    items = [attrs for tag, attrs in parse(html).tags if tag == "li" and attrs.get("data-code")]
    assert [(i["data-code"], i["data-lines"]) for i in items] == [
        (w.code, " ".join(map(str, w.lines))) for w in report.quality.warnings
    ]
    assert '<h2 id="quality">Quality</h2>' in html


def test_the_label_chart_has_a_bar_per_label_as_wide_as_its_share_of_the_commonest(planted):
    report, html = planted
    found = [(b["data-label"], int(b["data-count"]), b["style"]) for b in label_bars(html)]
    assert [(label, count) for label, count, _ in found] == list(report.quality.labels.items())
    assert found[0][2].startswith("width: 100.0%") and found[-1][2].startswith("width: 7.1%")


def test_a_file_without_labels_has_no_label_chart(tmp_path):
    path = tmp_path / "free.jsonl"
    path.write_text(
        "".join(
            json.dumps(
                {
                    "messages": [
                        {"role": "user", "content": f"q {n}"},
                        {"role": "assistant", "content": f"a {n} b c d"},
                    ]
                }
            )
            + "\n"
            for n in range(12)
        ),
        "utf-8",
    )
    assert label_bars(render_page(validate_file(path))) == []


@needs_browser
def test_a_headless_browser_renders_the_quality_section_and_label_chart(tmp_path, planted):
    _, html = planted
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    dom = rendered_dom(page)
    assert len(label_bars(dom)) == len(label_bars(html)) == 4
    assert 'id="quality"' in dom

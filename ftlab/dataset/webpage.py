"""The dataset report as one self-contained web page, with an inline SVG histogram.

Everything the page needs is inside it (styles and the chart, no script, no link, no
font): it opens from a laptop with no network, or as a CI artifact. Each histogram bar
carries its range and count as ``data-*`` attributes and a tooltip, so a test (or a
person) can check the chart against the numbers.
"""

from __future__ import annotations

from html import escape

from ftlab.dataset import report as text
from ftlab.dataset.findings import FileReport
from ftlab.dataset.stats import Bin, Distribution

CHART_WIDTH, CHART_HEIGHT = 640, 220
_MARGIN_LEFT, _MARGIN_BOTTOM, _MARGIN_TOP = 48, 36, 12

_STYLE = (
    "\n"
    'body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;'
    " max-width: 58rem; padding: 0 1rem; color: #1d2330; }\n"
    "h1 { font-size: 1.4rem; margin-bottom: .2rem; }"
    " h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #d8dde6; }\n"
    ".meta { color: #586174; }"
    " .ok { color: #1a7f37; font-weight: 600; }"
    " .bad { color: #c62828; font-weight: 600; }\n"
    "table { border-collapse: collapse; margin: .5rem 0; }"
    " th, td { padding: .25rem .7rem; border-bottom: 1px solid #eceff4; text-align: right; }\n"
    "th:first-child, td:first-child, .text { text-align: left; }"
    " .error { color: #c62828; }"
    " .warning { color: #9a6700; }\n"
    "svg .bar { fill: #4f6bed; }"
    " svg .bar:hover { fill: #2a44c4; }"
    " svg text { font-size: 11px; fill: #586174; }"
    " svg .axis { stroke: #9aa3b5; }\n"
    ".labels { display: grid; grid-template-columns: max-content 1fr max-content; gap: .2rem .6rem;"
    " align-items: center; max-width: 40rem; }\n"
    ".labels .track { background: #eceff4; height: .9rem; }"
    " .labels .fill { background: #4f6bed; height: 100%; }\n"
)


def _cell(value: str, cls: str = "") -> str:
    return f'<td class="{cls}">{escape(value)}</td>' if cls else f"<td>{escape(value)}</td>"


def _table(header: list[str], rows: list[list[str]], classes: list[str] | None = None) -> str:
    """A table; ``classes`` names each column's class ("text" aligns it left)."""
    classes = classes or [""] * len(header)
    head = "".join(
        f'<th class="{c}">{escape(h)}</th>' if c else f"<th>{escape(h)}</th>"
        for h, c in zip(header, classes, strict=True)
    )
    body = "".join(
        "<tr>" + "".join(_cell(v, classes[i]) for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def histogram_svg(
    distribution: Distribution, *, label: str = "tokens per example", max_bins: int = 30
) -> str:
    """An inline SVG bar chart of a distribution (one ``rect.bar`` per bin, empty bins too)."""
    bins = distribution.histogram(max_bins)
    if not bins:
        return "<p>No examples to chart.</p>"
    plot_w = CHART_WIDTH - _MARGIN_LEFT - 8
    plot_h = CHART_HEIGHT - _MARGIN_BOTTOM - _MARGIN_TOP
    tallest = max(b.count for b in bins)
    step = plot_w / len(bins)
    parts = [
        f'<svg class="histogram" role="img" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" '
        f'width="{CHART_WIDTH}" height="{CHART_HEIGHT}" '
        f'data-max-count="{tallest}" data-plot-height="{plot_h}">',
        f"<title>Histogram of {escape(label)}</title>",
        f'<line class="axis" x1="{_MARGIN_LEFT}" y1="{_MARGIN_TOP + plot_h}" '
        f'x2="{CHART_WIDTH - 8}" y2="{_MARGIN_TOP + plot_h}"/>',
        f'<text x="{_MARGIN_LEFT - 6}" y="{_MARGIN_TOP + 10}" text-anchor="end">{tallest:,}</text>',
        f'<text x="{_MARGIN_LEFT - 6}" y="{_MARGIN_TOP + plot_h}" text-anchor="end">0</text>',
    ]
    for i, b in enumerate(bins):
        parts.append(
            _bar(b, x=_MARGIN_LEFT + i * step, width=step, plot_h=plot_h, tallest=tallest, label=label)
        )
    axis_y = _MARGIN_TOP + plot_h + 16
    parts.append(f'<text x="{_MARGIN_LEFT}" y="{axis_y}">{bins[0].low:,}</text>')
    parts.append(f'<text x="{CHART_WIDTH - 8}" y="{axis_y}" text-anchor="end">{bins[-1].high:,}</text>')
    parts.append(
        f'<text x="{_MARGIN_LEFT + plot_w / 2:.1f}" y="{axis_y + 14}" text-anchor="middle">'
        f"{escape(label)}</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _bar(b: Bin, *, x: float, width: float, plot_h: float, tallest: int, label: str) -> str:
    height = plot_h * b.count / tallest
    span = f"{b.low:,}" if b.low == b.high else f"{b.low:,}-{b.high:,}"
    return (
        f'<rect class="bar" x="{x + 1:.2f}" y="{_MARGIN_TOP + plot_h - height:.2f}" '
        f'width="{max(width - 2, 1):.2f}" height="{height:.2f}" '
        f'data-low="{b.low}" data-high="{b.high}" data-count="{b.count}">'
        f"<title>{span} {escape(label)}: {text.plural(b.count, 'example')}</title></rect>"
    )


def render_page(report: FileReport) -> str:
    """The whole report as one HTML document."""
    body = [*_heading(report), *_problems(report), *_quality(report), *_examples(report)]
    body.append(
        "<h2>Cost</h2>"
        + _table(["", ""], [[label, value] for label, value in text.cost_rows(report)], ["", "text"])
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Dataset report: {escape(text.said(report.path))}</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _heading(report: FileReport) -> list[str]:
    """The file's name, its format and model, and the verdict."""
    said = (
        "valid: ready to upload"
        if report.ok
        else "not valid: fix the errors listed below (each names its line)"
    )
    verdict = (
        f'<p class="{"ok" if report.ok else "bad"}">{escape(said)}. {escape(text.summary_line(report))}</p>'
    )
    meta = f"format: {report.format_label or 'unknown'}" + (
        f" · model: {report.model}" if report.model else ""
    )
    return [
        f"<h1>Dataset report: {escape(text.said(report.path))}</h1>",
        f'<p class="meta">{escape(meta)}</p>',
        verdict,
    ]


def _problems(report: FileReport) -> list[str]:
    """The problems by code, then every problem kept; nothing for a file without problems."""
    codes = text.code_rows(report)
    if not codes and not report.file_problems:
        return []
    rows = [
        [text.said(code), severity, f"{count:,}", text.line_list(lines, count)]
        for code, severity, count, lines in codes
    ]
    rows += [[text.said(p.code), p.severity, "file", text.said(p.message)] for p in report.file_problems]
    out = [
        "<h2>Problems</h2>",
        _table(["code", "severity", "count", "lines"], rows, ["", "text", "", "text"]),
    ]
    if report.problems:
        items = "".join(
            f'<li class="{p.problem.severity}">line {p.line}: '
            f"<b>{escape(text.said(p.problem.code))}</b>: {escape(text.said(p.problem.message))}</li>"
            for p in report.problems
        )
        out.append(
            f"<details><summary>Every problem kept ({len(report.problems):,})</summary>"
            f"<ul>{items}</ul></details>"
        )
    return out


def _examples(report: FileReport) -> list[str]:
    """How many examples are valid and what they lack, their distributions and token histogram."""
    stats = report.stats
    out = [f"<h2>Examples: {stats.n_examples:,} valid of {report.n_examples:,}</h2>"]
    examples = [
        ["missing a system message", f"{stats.n_missing_system:,}"],
        ["missing a user message", f"{stats.n_missing_user:,}"],
    ]
    if report.model:
        examples.append(["over the training context (truncated)", f"{stats.n_over_context:,}"])
    out.append(_table(["", "examples"], examples, ["", ""]))
    if stats.n_examples:
        rows = [
            [label, *(text.number(dist.summary()[c]) for c in text.STAT_COLUMNS)]
            for label, dist in text.distributions(report)
        ]
        out.append("<h2>Distributions</h2>" + _table(["", *text.STAT_COLUMNS], rows))
    if stats.tokens.n:
        out.append("<h2>Tokens per example</h2>" + histogram_svg(stats.tokens))
    return out


def label_chart(labels: dict[str, int], *, name: str = "label") -> str:
    """A horizontal bar per label, in pure HTML and CSS: its name, a bar as wide as its share, its count."""
    if not labels:
        return ""
    most = max(labels.values())
    rows = []
    for label, count in labels.items():
        width = 100 * count / most
        rows.append(
            f'<span class="label">{escape(text.said(label))}</span>'
            f'<span class="track"><span class="fill label-bar" style="width: {width:.1f}%; display: block" '
            f'data-label="{escape(text.said(label))}" data-count="{count}" '
            f'title="{escape(text.said(label))}: {count:,}"></span></span>'
            f'<span class="count">{count:,}</span>'
        )
    return (
        f'<div class="labels" role="img" aria-label="answers per {escape(name)}">' + "".join(rows) + "</div>"
    )


def _quality(report: FileReport) -> list[str]:
    """The quality pass: its overview, its warnings (each naming its lines) and the label chart."""
    rows = text.quality_rows(report)
    if not rows:
        return []
    out = [
        '<h2 id="quality">Quality</h2>',
        "<p>Warnings only: a file with quality warnings can still be uploaded.</p>",
        _table(["", ""], [[label, value] for label, value in rows], ["", "text"]),
    ]
    kept = report.quality_kept()
    if kept:
        items = "".join(
            f'<li class="warning" data-code="{escape(w.code)}" data-lines="{" ".join(map(str, w.lines))}">'
            f"<b>{escape(w.code)}</b>: {escape(text.said(w.message))}</li>"
            for w in kept
        )
        out.append(f'<ul class="quality">{items}</ul>')
    assert report.quality is not None
    if report.quality.labels:
        out.append("<h3>Answers per label</h3>" + label_chart(report.quality.labels))
    return out

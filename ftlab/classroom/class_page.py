"""The class page: one self-contained HTML page for the next lesson, with no learner's name on it.

A histogram of the scores, each exercise's distribution, and the checks failed most with their
hints. Inline SVG and CSS only (no script, no CDN), so it opens anywhere and can be projected.
Only submissions that were graded count; the others are counted apart.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from ftlab.classroom.adjustments import is_adjustment
from ftlab.classroom.graded import Graded
from ftlab.classroom.views import exercise_columns, title
from ftlab.grading.results import exercise_label

TOP_CHECKS = 10
_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1,h2{font-weight:600}svg{display:block;margin:.5rem 0 1.5rem}
.bar{fill:#3b7dd8}.axis{font-size:11px;fill:#555}.count{font-size:11px;fill:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35rem;text-align:left}
td.n{text-align:right;white-space:nowrap}.exercises{display:flex;flex-wrap:wrap;gap:1.5rem}
.exercises figure{margin:0}figcaption{font-size:.9rem}
"""


def _e(text: str) -> str:
    """Text shown as itself: HTML-escaped, surrogates and control characters made visible."""
    clean = text.encode("utf-8", "backslashreplace").decode("utf-8")
    clean = "".join(c if c.isprintable() or c in "\n\t" else repr(c)[1:-1] for c in clean)
    return html.escape(clean)


def bins(percents: Sequence[float], count: int) -> list[int]:
    """How many of ``percents`` (0-100) fall in each of ``count`` equal bins; 100 goes in the last."""
    counts = [0] * count
    for value in percents:
        counts[min(count - 1, max(0, int(value * count // 100)))] += 1
    return counts


def histogram_svg(counts: Sequence[int], *, label: str, width: int = 420, height: int = 150) -> str:
    """Bars for ``counts`` over 0-100%, each with its range and count as data attributes."""
    top = max(counts, default=0) or 1
    step = width / max(len(counts), 1)
    span = 100 / max(len(counts), 1)
    parts = [f'<svg role="img" aria-label="{_e(label)}" width="{width}" height="{height + 34}">']
    for index, count in enumerate(counts):
        low, high = round(index * span), round((index + 1) * span)
        tall = (height - 14) * count / top
        x, y = index * step + 1, height - tall
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{step - 2:.1f}" height="{tall:.1f}" '
            f'data-low="{low}" data-high="{high}" data-count="{count}"><title>{low}-{high}%: {count}'
            f"</title></rect>"
        )
        if count:
            parts.append(f'<text class="count" x="{x + step / 2 - 4:.1f}" y="{y - 3:.1f}">{count}</text>')
        parts.append(f'<text class="axis" x="{x:.1f}" y="{height + 14}">{low}%</text>')
    parts.append(f'<text class="axis" x="{width - 30}" y="{height + 30}">100%</text></svg>')
    return "".join(parts)


def _percent(points: float, maximum: float) -> float:
    return 100 * points / maximum if maximum else 0.0


def _exercises(graded: Sequence[Graded]) -> str:
    figures = []
    for slug in exercise_columns(graded):
        scores = [
            _percent(g.points, g.max_points) for r in graded for g in r.board.exercises() if g.slug == slug
        ]
        mean = sum(scores) / len(scores) if scores else 0.0
        figures.append(
            f"<figure><figcaption>{_e(exercise_label(slug))}: mean {mean:.0f}%</figcaption>"
            + histogram_svg(bins(scores, 5), label=f"{exercise_label(slug)} scores", width=260, height=90)
            + "</figure>"
        )
    return '<div class="exercises">' + "".join(figures) + "</div>"


def failed_most(graded: Sequence[Graded], top: int = TOP_CHECKS) -> list[tuple[int, str, str, str]]:
    """The checks failed by most graded submissions: ``(count, exercise, title, hint)``, most first.

    The cases of one parametrized check count as one check, failed by a submission failing any.
    """
    failed: Counter[tuple[str, str]] = Counter()
    hints: dict[tuple[str, str], tuple[str, str]] = {}
    for result in graded:
        keys = set()
        for check in result.board.checks:
            if check.status != "passed" and not is_adjustment(check):
                key = (check.exercise, check.name.partition("[")[0])
                keys.add(key)
                hints.setdefault(key, (title(replace(check, name=key[1])), check.hint))
        failed.update(keys)
    ranked = sorted(failed.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [(count, key[0], *hints[key]) for key, count in ranked]


def _failed_table(graded: Sequence[Graded]) -> str:
    rows = failed_most(graded)
    if not rows:
        return "<p>No check failed.</p>"
    body = "".join(
        f'<tr><td class="n">{count} of {len(graded)}</td><td>{_e(exercise_label(exercise))}</td>'
        f"<td>{_e(name)}</td><td>{_e(hint)}</td></tr>"
        for count, exercise, name, hint in rows
    )
    return (
        "<table><tr><th>Failed by</th><th>Exercise</th><th>Check</th><th>Hint</th></tr>" + body + "</table>"
    )


def class_html(results: Sequence[Graded]) -> str:
    """The class page as one HTML document."""
    graded = [r for r in results if r.status == "graded"]
    others = len(results) - len(graded)
    totals = [_percent(r.board.points, r.board.max_points) for r in graded]
    mean = sum(totals) / len(totals) if totals else 0.0
    summary = f"{len(graded)} submissions graded" + (f", {others} not graded" if others else "")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>ftlab: the class at a glance</title><style>{_STYLE}</style></head><body>"
        f"<h1>The class at a glance</h1><p>{summary}; mean score {mean:.0f}%. "
        "No names on this page: it can be shown to the class.</p>"
        "<h2>Scores</h2>" + histogram_svg(bins(totals, 10), label="total scores", width=520) +
        "<h2>Each exercise</h2>" + _exercises(graded) +
        "<h2>The checks failed most, with their hints</h2>" + _failed_table(graded) +
        "</body></html>\n"
    )  # fmt: skip

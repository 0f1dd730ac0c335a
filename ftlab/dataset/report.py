"""The dataset report a learner reads before paying for a job: problems, distributions, cost.

What OpenAI's data-preparation notebook prints, from one streaming pass over the file
(:func:`ftlab.dataset.validation.validate_file`): every problem with its line, counts per code,
examples missing a system or user message, distributions of messages, tokens and assistant
tokens per example (with real 5th and 95th percentiles), and the auto epochs, billed tokens
and cost. This module renders it for a terminal; ``ftlab.dataset.webpage`` renders it as a web
page.
"""

from __future__ import annotations

from typing import Any

from ftlab.dataset.findings import FileReport, LineProblem
from ftlab.dataset.formats import PREFERENCE
from ftlab.dataset.problems import Problem
from ftlab.dataset.quality import QualityWarning
from ftlab.dataset.stats import Distribution
from ftlab.dataset.wording import printable

STAT_COLUMNS = ("min", "max", "mean", "median", "p5", "p95")
#: How long a message or a path can be before an output cuts it (far above any the rules write).
MESSAGE_LIMIT = 2_000


def said(text: str) -> str:
    """A message, a code or a path as every output shows it: :func:`printable`, cut past ``MESSAGE_LIMIT``."""
    return printable(text, limit=MESSAGE_LIMIT)


def safe_data(value: Any) -> Any:
    """JSON-ready data with every string (keys too) :func:`said`: strict UTF-8, ASCII escapes or not."""
    if isinstance(value, str):
        return said(value)
    if isinstance(value, dict):
        return {said(k) if isinstance(k, str) else k: safe_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [safe_data(v) for v in value]
    return value


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def number(value: float | int | None) -> str:
    """A statistic as a person reads it: thousands separated, at most two decimals."""
    if value is None:
        return "-"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def usd(value: float) -> str:
    """A price: cents for a dollar or more, four significant decimals below."""
    return f"${value:,.2f}" if value >= 1 else f"${value:.4f}"


def distributions(report: FileReport) -> list[tuple[str, Distribution]]:
    """The distributions worth showing: messages always, tokens when a model counted them."""
    rows = [("messages per example", report.stats.messages)]
    if report.stats.tokens.n:
        rows.append(("tokens per example", report.stats.tokens))
        output = "preferred output tokens" if report.format == PREFERENCE else "assistant tokens per example"
        rows.append((output, report.stats.assistant_tokens))
    return rows


def code_rows(report: FileReport) -> list[tuple[str, str, int, list[int]]]:
    """(code, severity, count, first lines) for every line-problem code, errors first."""
    lines = report.lines_by_code()
    severity = {item.problem.code: item.problem.severity for item in report.problems}
    rows = [
        (code, severity.get(code, "error"), count, lines.get(code, []))
        for code, count in report.counts().items()
    ]
    return sorted(rows, key=lambda row: (row[1] != "error", row[0]))


def line_list(lines: list[int], count: int) -> str:
    """ "3, 7, 12" or "3, 7, 12 and 40 more"."""
    text = ", ".join(str(n) for n in lines)
    return f"{text} and {count - len(lines):,} more" if count > len(lines) else text


def summary_line(report: FileReport) -> str:
    """Examples, errors and warnings counted, file-level problems included."""
    examples, errors = plural(report.n_examples, "example"), plural(report.n_errors, "error")
    return f"{examples}, {errors}, {plural(report.n_warnings, 'warning')}"


def verdict(report: FileReport) -> str:
    return "valid: ready to upload" if report.ok else "not valid: fix the errors above (each names its line)"


def render_summary(report: FileReport) -> list[str]:
    """The short form: the path, every problem (lines, then the file's), the counts and the verdict."""
    return [
        said(report.path),
        *(_problem_line(item) for item in report.problems),
        *(_file_line(problem) for problem in report.file_problems),
        *(quality_line(warning) for warning in report.quality_kept()),
        *_more_quality(report),
        summary_line(report),
        verdict(report),
    ]


def quality_line(warning: QualityWarning) -> str:
    """One quality warning as the terminal shows it: its lines, its code, its sentence."""
    lines = line_list(list(warning.lines[:10]), len(warning.lines))
    where = f"line {lines}" if len(warning.lines) == 1 else f"lines {lines}"
    return f"  {where}: warning {said(warning.code)}: {said(warning.message)}"


def _more_quality(report: FileReport) -> list[str]:
    listed = len(report.quality_kept())
    total = sum(report.quality_counts().values())
    return (
        [f"  … and {total - listed:,} more quality warnings (--max-lines N lists more)"]
        if total > listed
        else []
    )


def quality_rows(report: FileReport) -> list[tuple[str, str]]:
    """The quality pass's overview as (label, value) pairs; none for a file it did not assess."""
    quality = report.quality
    if quality is None or not quality.examples:
        return []
    rows = [("examples assessed", f"{quality.examples:,}")]
    if quality.dominant_format:
        rows.append(
            ("usual answer shape", f"{quality.dominant_format} ({quality.format_share:.0%} of answers)")
        )
    rows.append(("system prompts", f"{quality.system_prompts:,} distinct"))
    if quality.labels:
        rows.append(("labels", ", ".join(f"{said(label)} {n:,}" for label, n in quality.labels.items())))
    counts = report.quality_counts()
    rows.append(("warnings", ", ".join(f"{code} {n:,}" for code, n in sorted(counts.items())) or "none"))
    return rows


def cost_rows(report: FileReport) -> list[tuple[str, str]]:
    """The cost section as (label, value) pairs, or why there is none."""
    if report.model is None:
        return [("cost", "not estimated (no model given)")]
    if report.format == PREFERENCE:
        return [("cost", "not estimated: ftlab prices supervised training only")]
    if report.cost is None:
        return [("cost", "not estimated: no valid example to count")]
    cost = report.cost
    note = "" if report.ok else " (the valid examples only: fix the others first)"
    return [
        ("examples priced", f"{cost.n_examples:,}{note}"),
        ("epochs (auto)", str(cost.n_epochs)),
        ("tokens per epoch", f"{cost.total_tokens:,}"),
        (
            "billed per epoch",
            f"{cost.billed_tokens_per_epoch:,} ({cost.n_truncated:,} example(s) truncated "
            f"to {cost.training_context:,})",
        ),
        ("billed tokens", f"{cost.billed_tokens:,}"),
        ("price", f"{usd(cost.price_per_million_usd)} per 1M training tokens"),
        ("cost", usd(cost.cost_usd)),
    ]


def _table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    """Rows of text in columns; ``align`` has one letter per column, l(eft) or r(ight)."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        "  "
        + "  ".join(
            cell.rjust(widths[i]) if align[i] == "r" else cell.ljust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()
        for row in [header, *rows]
    ]


def _problem_line(item: LineProblem) -> str:
    problem = item.problem
    return f"  line {item.line}: {problem.severity} {said(problem.code)}: {said(problem.message)}"


def _file_line(problem: Problem) -> str:
    return f"  file: {problem.severity} {said(problem.code)}: {said(problem.message)}"


def render_text(report: FileReport) -> list[str]:
    """The terminal form: each problem, counts per code, the examples, distributions and cost."""
    head = f"format: {report.format_label or 'unknown (no example says)'}"
    if report.model:
        head += f" · model: {report.model}"
    lines = [said(report.path), head]
    if report.problems or report.file_problems:
        lines += (
            ["", "Problems"]
            + [_problem_line(item) for item in report.problems]
            + [_file_line(p) for p in report.file_problems]
        )
    codes = code_rows(report)
    if codes:
        rows = [
            [said(code), severity, f"{count:,}", line_list(found, count)]
            for code, severity, count, found in codes
        ]
        lines += ["", "Problems by code"] + _table(["code", "severity", "count", "lines"], rows, "llrl")
    stats = report.stats
    lines += ["", f"Examples: {stats.n_examples:,} valid of {report.n_examples:,}"]
    examples = [
        ["missing a system message", f"{stats.n_missing_system:,}"],
        ["missing a user message", f"{stats.n_missing_user:,}"],
    ]
    if report.model:
        examples.append(["over the training context", f"{stats.n_over_context:,}"])
    lines += _table(["", "examples"], examples, "lr")
    if stats.n_examples:
        rows = [
            [label, *(number(dist.summary()[c]) for c in STAT_COLUMNS)]
            for label, dist in distributions(report)
        ]
        lines += ["", "Distributions"] + _table(["", *STAT_COLUMNS], rows, "l" + "r" * len(STAT_COLUMNS))
    quality = quality_rows(report)
    if quality:
        lines += ["", "Quality (warnings only: they do not stop an upload)"]
        lines += _table(["", ""], [[label, value] for label, value in quality], "ll")[1:]
        lines += [quality_line(warning) for warning in report.quality_kept()] + _more_quality(report)
    lines += ["", "Cost"] + _table(["", ""], [[label, value] for label, value in cost_rows(report)], "ll")[1:]
    lines += ["", summary_line(report), verdict(report)]
    return lines


def to_json(report: FileReport) -> dict[str, Any]:
    """The report as plain JSON-ready data (``ftlab validate --json``)."""
    return safe_data({**report.to_dict(), "format_label": report.format_label})

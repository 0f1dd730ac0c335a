"""ftlab.dataset.report and the commands that print it: ftlab validate (text, --json) and ftlab report."""

from __future__ import annotations

import json

import pytest

from ftlab.cli.main import main
from ftlab.dataset.jsonl import write_jsonl
from ftlab.dataset.report import (
    MESSAGE_LIMIT,
    line_list,
    number,
    render_summary,
    render_text,
    safe_data,
    said,
    summary_line,
    to_json,
    usd,
)
from ftlab.dataset.validation import validate_file
from tests.paths import DATA

USER = {"role": "user", "content": "Where is my invoice?"}
ASSISTANT = {"role": "assistant", "content": "Category: billing"}
PAIR = {
    "input": {"messages": [USER]},
    "preferred_output": [ASSISTANT],
    "non_preferred_output": [{"role": "assistant", "content": "No idea."}],
}


def section(lines: list[str], title: str) -> list[str]:
    start = lines.index(title) + 1
    end = next((i for i in range(start, len(lines)) if lines[i] == ""), len(lines))
    return lines[start:end]


def test_the_sample_dataset_reads_as_tables():
    report = validate_file(DATA / "support_tickets.jsonl", model="gpt-4o-mini")
    lines = render_text(report)
    assert lines[1] == "format: supervised (chat) · model: gpt-4o-mini-2024-07-18"
    header, *rows = section(lines, "Distributions")
    assert header.split() == ["min", "max", "mean", "median", "p5", "p95"]
    tokens = next(r for r in rows if r.strip().startswith("tokens per example")).split()[3:]
    summary = report.stats.tokens.summary()
    assert tokens == [number(summary[k]) for k in ("min", "max", "mean", "median", "p5", "p95")]
    cost = dict(line.strip().split("  ", 1) for line in section(lines, "Cost"))
    assert cost["cost"].strip() == usd(report.cost.cost_usd) and cost["epochs (auto)"].strip() == "3"
    assert lines[-2:] == ["72 examples, 0 errors, 1 warning", "valid: ready to upload"]  # e-mail addresses


def test_the_broken_file_lists_each_code_with_its_lines():
    lines = render_text(validate_file(DATA / "broken.jsonl", model="gpt-4o-mini"))
    by_code = {row.split()[0]: row.split() for row in section(lines, "Problems by code")[1:]}
    assert by_code["invalid_utf8"] == ["invalid_utf8", "error", "1", "16"]
    assert by_code["blank_line"][1] == "warning"
    assert (
        "  file: warning few_examples: Training file has 18 examples; "
        "50 to 100 well-chosen examples is the usual starting point" in lines
    )
    assert lines[-2:] == [
        "18 examples, 14 errors, 2 warnings",
        "not valid: fix the errors above (each names its line)",
    ]
    cost = dict(line.strip().split("  ", 1) for line in section(lines, "Cost"))
    assert cost["examples priced"].strip() == "6 (the valid examples only: fix the others first)"


def test_many_lines_of_one_code_are_cut_with_a_count():
    assert line_list([3, 7, 12], 3) == "3, 7, 12"
    assert line_list([3, 7, 12], 43) == "3, 7, 12 and 40 more"


def test_numbers_and_prices_read_well():
    assert (number(None), number(3.0), number(1234), number(2.345)) == ("-", "3", "1,234", "2.35")
    assert (usd(0.075924), usd(12.5)) == ("$0.0759", "$12.50")


def test_validate_prints_json_with_stats_and_cost(capsys):
    assert main(["validate", str(DATA / "support_tickets.jsonl"), "--json", "--model", "gpt-3.5-turbo"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["valid"], data["format"], data["format_label"], data["model"]) == (
        True,
        "supervised",
        "supervised (chat)",
        "gpt-3.5-turbo-0125",
    )
    assert data["stats"]["tokens_per_example"]["n"] == 72 and data["cost"]["price_per_million_usd"] == 8.0
    assert set(data["stats"]["tokens_per_example"]) == {"n", "min", "max", "mean", "median", "p5", "p95"}


def test_validate_exits_1_on_errors_and_counts_the_file_level_ones(tmp_path, capsys):
    path = tmp_path / "tiny.jsonl"
    write_jsonl([{"messages": [USER, ASSISTANT]}] * 7, path)
    assert main(["validate", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["file_problems"] == [
        {
            "code": "invalid_n_examples",
            "message": "Training file has 7 example(s), but must have at least 10 examples",
            "severity": "error",
            "field": "training_file",
        }
    ]
    assert data["n_errors"] == 1 and data["problems"] == []


def test_a_preference_file_says_so_and_is_not_priced(tmp_path, capsys):
    path = tmp_path / "dpo.jsonl"
    write_jsonl([PAIR] * 12, path)
    assert main(["validate", str(path), "--model", "gpt-4.1-mini"]) == 0
    out = capsys.readouterr().out
    assert "format: preference (DPO)" in out and "preferred output tokens" in out
    assert "not estimated: ftlab prices supervised training only" in out


def test_max_lines_bounds_the_listing(tmp_path, capsys):
    path = tmp_path / "empty-messages.jsonl"
    path.write_text('{"messages": []}\n' * 30, encoding="utf-8")
    assert main(["validate", str(path), "--max-lines", "2"]) == 1
    out = capsys.readouterr().out
    assert out.count("error missing_messages_list") == 2
    row = next(
        line for line in out.splitlines() if line.split()[:3] == ["missing_messages_list", "error", "30"]
    )
    assert row.endswith("  1, 2 and 28 more")


@pytest.mark.parametrize(
    "argv", [["--model", "gpt-9"], ["--max-lines", "0"]], ids=["unknown-model", "zero-lines"]
)
def test_bad_options_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["validate", str(DATA / "support_tickets.jsonl"), *argv])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert ("Supported: gpt-4.1-2025-04-14" in err) if "gpt-9" in argv else ("at least 1" in err)


def test_report_writes_the_page_and_exits_as_validate_does(tmp_path, capsys):
    page = tmp_path / "report.html"
    assert main(["report", str(DATA / "broken.jsonl"), "-o", str(page)]) == 1
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (
        capsys.readouterr().out.strip() == f"{page}: dataset report for {DATA / 'broken.jsonl'} (not valid)"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_an_unusable_file_exits_2(tmp_path, capsys):
    assert main(["report", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "r.html")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_the_summary_lists_line_problems_then_file_problems_then_the_counts_and_verdict(tmp_path):
    path = tmp_path / "two.jsonl"
    write_jsonl([{"messages": [USER, ASSISTANT]}, {"messages": [USER]}], path)
    report = validate_file(path)
    lines = render_summary(report)
    assert lines[0] == str(path)
    file_lines = [i for i, line in enumerate(lines) if line.startswith("  file: ")]
    line_lines = [i for i, line in enumerate(lines) if line.startswith("  line ")]
    assert line_lines and file_lines and max(line_lines) < min(file_lines)
    assert lines[-2:] == [summary_line(report), "not valid: fix the errors above (each names its line)"]
    assert lines[-2:] == render_text(report)[-2:]


def test_the_counts_include_file_level_errors(tmp_path):
    path = tmp_path / "one.jsonl"
    write_jsonl([{"messages": [USER, ASSISTANT]}], path)
    report = validate_file(path)
    assert report.file_problems and not report.problems
    assert summary_line(report) == f"1 example, {len(report.file_problems)} error, 0 warnings"


# Issue 16: what a report echoes from the file is safe to print in every form.

HOSTILE = [
    {"messages": [{"role": "\ud800", "content": "hi"}, ASSISTANT]},
    {"messages": [{**USER, "\ud800": 1}, ASSISTANT]},
    {"messages": [{"role": "user\x1b[2J", "content": "hi"}, ASSISTANT]},
]


def hostile_report(tmp_path, name="h.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r) for r in HOSTILE) + "\n", "utf-8")
    return validate_file(path, model="gpt-4o-mini")


def test_text_and_json_reports_escape_surrogates_and_control_characters(tmp_path):
    report = hostile_report(tmp_path, "h\udcff.jsonl")
    text = "\n".join(render_text(report) + render_summary(report))
    data = json.dumps(to_json(report), ensure_ascii=False)
    for out in (text, data):
        out.encode("utf-8")  # strict
        assert "\x1b" not in out
    assert "h\\udcff.jsonl" in text and "\\ud800" in text
    assert json.loads(data)["file"].endswith("h\\udcff.jsonl")
    assert any(p.get("field") == "\\ud800" for p in json.loads(data)["problems"])


def test_said_cuts_a_message_past_the_limit_and_safe_data_keeps_other_values():
    assert said("m" * (MESSAGE_LIMIT + 1)) == "m" * MESSAGE_LIMIT + f"… ({MESSAGE_LIMIT + 1:,} characters)"
    assert safe_data({"\ud800": ["\x07", 1, None, True, 2.5]}) == {"\\ud800": ["\\x07", 1, None, True, 2.5]}


def test_the_quality_section_names_the_usual_shape_labels_and_each_warning_with_its_lines():
    report = validate_file(DATA / "quality_problems.jsonl", validation=DATA / "support_tickets_heldout.jsonl")
    lines = render_text(report)
    quality = section(lines, "Quality (warnings only: they do not stop an upload)")
    assert "  usual answer shape  Category: … / Priority: … / Summary: … (100% of answers)" in quality
    assert "  labels              billing 14, outage 8, account 7, cancellation 1" in quality
    assert any(line.startswith("  lines 1, 4: warning duplicate_example: Lines 1 and 4") for line in quality)
    assert any(
        line.startswith("  line 30: warning label_imbalance: Category 'cancellation'") for line in quality
    )
    assert lines[-2] == "30 examples, 0 errors, 10 warnings"


def test_the_short_summary_lists_quality_warnings_after_the_files_own():
    summary = render_summary(validate_file(DATA / "quality_problems.jsonl"))
    assert summary[1].startswith("  file: warning few_examples")
    assert summary[2].startswith("  lines 1, 4: warning duplicate_example")
    assert summary[-2] == "30 examples, 0 errors, 9 warnings"


def test_quality_warnings_past_max_lines_are_counted_in_one_line(tmp_path):
    records = [
        {
            "messages": [
                {"role": "user", "content": f"question {n // 2}"},
                {"role": "assistant", "content": "a"},
            ]
        }
        for n in range(24)
    ]
    path = tmp_path / "pairs.jsonl"
    write_jsonl(records, path)
    lines = render_text(validate_file(path, keep=3))
    assert sum("warning duplicate_example" in line for line in lines) == 3
    assert "  … and 9 more quality warnings (--max-lines N lists more)" in lines

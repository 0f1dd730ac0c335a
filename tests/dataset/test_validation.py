"""Validating whole files: the sample data, the broken file, and files that can't be read."""

from __future__ import annotations

import pytest

from ftlab.dataset import validation
from ftlab.dataset.jsonl import dumps, write_jsonl
from ftlab.dataset.records import CODES
from ftlab.dataset.validation import UnusableFile, validate_file
from ftlab.errors import FtlabError
from ftlab.tokens.cost import estimate_training_cost
from ftlab.tokens.counting import count_tokens
from ftlab.tokens.models import UnknownModel
from tests.paths import DATA


@pytest.mark.parametrize("name", ["support_tickets.jsonl", "support_tickets_heldout.jsonl"])
def test_the_sample_datasets_are_valid(name):
    report = validate_file(DATA / name)
    assert report.ok and report.problems == []
    assert report.n_examples >= 20


def test_the_sample_dataset_is_big_enough_to_teach_with():
    assert validate_file(DATA / "support_tickets.jsonl").n_examples >= 50


def test_the_broken_file_triggers_every_code_once_on_the_lines_its_note_names():
    report = validate_file(DATA / "broken.jsonl")
    counts = report.counts()
    assert set(CODES) | {"invalid_json", "invalid_utf8", "blank_line"} == set(counts)
    assert all(n == 1 for n in counts.values())
    note = (DATA / "broken.md").read_text(encoding="utf-8")
    for item in report.problems:
        assert f"| {item.line} | `{item.problem.code}`" in note, (
            f"broken.md does not name line {item.line} as {item.problem.code}"
        )


def test_a_missing_file_or_a_folder_is_unusable(tmp_path):
    with pytest.raises(UnusableFile, match="no such file"):
        validate_file(tmp_path / "nope.jsonl")
    with pytest.raises(UnusableFile, match="is a folder"):
        validate_file(tmp_path)


def test_an_unusable_file_is_an_ftlab_error_that_names_the_file_and_the_reason(tmp_path):
    with pytest.raises(FtlabError) as caught:
        validate_file(tmp_path / "nope.jsonl")
    assert isinstance(caught.value, UnusableFile)
    assert (caught.value.path, caught.value.reason) == (str(tmp_path / "nope.jsonl"), "no such file")
    assert str(caught.value) == f"{tmp_path / 'nope.jsonl'}: no such file"


def test_report_totals(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_text(
        '{"messages": []}\n\n'
        '{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}\n'
    )
    report = validate_file(path)
    assert (report.n_lines, report.n_examples, len(report.errors), len(report.warnings), report.ok) == (
        3,
        2,
        1,
        1,
        False,
    )
    assert report.to_dict()["counts"] == {"blank_line": 1, "missing_messages_list": 1}


# Formats, file-level rules, tokens and statistics -------------------------------------------

USER = {"role": "user", "content": "My invoice is wrong."}
ASSISTANT = {"role": "assistant", "content": "Category: billing"}
SYSTEM = {"role": "system", "content": "You triage support emails."}
CHAT = {"messages": [SYSTEM, USER, ASSISTANT]}
TOOL = {
    "messages": [
        USER,
        {
            "role": "assistant",
            "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "find", "arguments": "{}"}}],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "{}"},
        ASSISTANT,
    ],
    "tools": [{"type": "function", "function": {"name": "find"}}],
}
PAIR = {
    "input": {"messages": [SYSTEM, USER]},
    "preferred_output": [ASSISTANT],
    "non_preferred_output": [{"role": "assistant", "content": "Dunno."}],
}


def jsonl(tmp_path, records, name="train.jsonl"):
    path = tmp_path / name
    write_jsonl(records, path)
    return path


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ([CHAT] * 60, "supervised"),
        ([CHAT] * 30 + [TOOL] * 30, "tool_calling"),
        ([PAIR] * 60, "preference"),
    ],
    ids=["supervised", "tool-calling", "preference"],
)
def test_a_file_is_classified_by_its_examples(tmp_path, records, expected):
    report = validate_file(jsonl(tmp_path, records))
    assert (report.format, report.ok, report.problems, report.file_problems) == (expected, True, [], [])


def test_a_mixed_file_is_refused_at_the_first_line_of_the_other_format(tmp_path):
    report = validate_file(jsonl(tmp_path, [CHAT] * 30 + [PAIR] + [CHAT] * 20 + [PAIR] * 3))
    (mixed,) = [p for p in report.problems if p.problem.code == "mixed_formats"]
    assert (mixed.line, report.format, report.ok) == (31, "supervised", False)
    assert (
        "line 1" in mixed.problem.message
        and "preference (DPO)" in mixed.problem.message
        and "4 line(s)" in mixed.problem.message
    )
    assert [p.line for p in report.problems] == sorted(p.line for p in report.problems)
    assert report.stats.n_examples == 50  # only the file's own format is described


def test_fewer_than_ten_examples_is_the_error_openai_gives(tmp_path):
    report = validate_file(jsonl(tmp_path, [CHAT] * 7))
    (problem,) = report.file_problems
    assert (problem.code, problem.severity) == ("invalid_n_examples", "error")
    assert problem.message == "Training file has 7 example(s), but must have at least 10 examples"
    assert not report.ok and report.errors == [] and report.n_errors == 1


def test_fewer_than_fifty_examples_is_a_warning(tmp_path):
    distinct = [
        {"messages": [SYSTEM, {**USER, "content": f"Invoice {n} is wrong."}, ASSISTANT]} for n in range(49)
    ]
    report = validate_file(jsonl(tmp_path, distinct))
    assert [(p.code, p.severity) for p in report.file_problems] == [("few_examples", "warning")]
    assert report.ok and report.n_warnings == 1
    assert validate_file(jsonl(tmp_path, [CHAT] * 50)).file_problems == []


def test_a_file_that_trains_on_nothing_is_an_error(tmp_path):
    silent = {"messages": [USER, {**ASSISTANT, "weight": 0}]}
    report = validate_file(jsonl(tmp_path, [silent] * 12))
    assert [p.code for p in report.file_problems] == ["few_examples", "no_trained_messages"]
    assert report.counts() == {"nothing_trained": 12} and not report.ok
    some = validate_file(jsonl(tmp_path, [silent] * 11 + [CHAT], "some.jsonl"))
    assert "no_trained_messages" not in [p.code for p in some.file_problems]


def test_an_example_over_the_training_context_is_a_warning(tmp_path):
    long = {"messages": [{"role": "user", "content": "tell me more " * 6_000}, ASSISTANT]}
    path = jsonl(tmp_path, [CHAT] * 10 + [long])
    short_model = validate_file(path, model="gpt-3.5-turbo")
    (item,) = short_model.warnings
    assert (item.line, item.problem.code) == (11, "example_too_long")
    assert "16,385" in item.problem.message and "truncated" in item.problem.message
    assert short_model.ok and short_model.stats.n_over_context == 1 and short_model.cost.n_truncated == 1
    assert validate_file(path, model="gpt-4o-mini").warnings == []
    assert validate_file(path).warnings == []  # no model: no token rules


def test_with_a_model_the_report_counts_tokens_and_prices_the_valid_examples(tmp_path):
    records = [CHAT] * 40 + [TOOL] * 15 + [{"messages": []}]
    report = validate_file(jsonl(tmp_path, records), model="gpt-4.1-mini")
    valid = records[:-1]
    assert report.model == "gpt-4.1-mini-2025-04-14" and report.stats.n_examples == 55
    assert list(report.stats.tokens.values()) == sorted(
        count_tokens(r["messages"], "gpt-4.1-mini") for r in valid
    )
    assert report.cost == estimate_training_cost(valid, "gpt-4.1-mini")
    assert report.stats.n_missing_system == 15 and report.stats.n_missing_user == 0


def test_without_a_model_there_are_no_tokens_and_no_cost(tmp_path):
    report = validate_file(jsonl(tmp_path, [CHAT] * 12))
    assert (report.model, report.cost, report.stats.tokens.n, report.stats.messages.n) == (None, None, 0, 12)


def test_an_unknown_model_is_refused_before_reading(tmp_path):
    with pytest.raises(UnknownModel, match="Supported"):
        validate_file(tmp_path / "never-read.jsonl", model="gpt-9")


def test_keep_bounds_the_problems_kept_but_every_one_is_counted(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text("".join(dumps({"messages": []}) + "\n" for _ in range(500)) + "\n" * 30, encoding="utf-8")
    report = validate_file(path, keep=5)
    assert report.counts() == {"missing_messages_list": 500, "blank_line": 30}
    assert len(report.problems) == 10 and report.n_errors == 500 and report.n_warnings == 30
    assert report.lines_by_code() == {
        "missing_messages_list": [1, 2, 3, 4, 5],
        "blank_line": [501, 502, 503, 504, 505],
    }
    assert report.to_dict()["problems_kept_per_code"] == 5


def test_a_preference_file_has_token_stats_but_no_price(tmp_path):
    report = validate_file(jsonl(tmp_path, [PAIR] * 60), model="gpt-4.1-nano")
    assert report.format == "preference" and report.cost is None
    assert report.stats.tokens.max == count_tokens(
        PAIR["input"]["messages"] + PAIR["preferred_output"], "gpt-4.1-nano"
    )


def test_every_code_about_a_file_is_catalogued(tmp_path):
    silent = {"messages": [USER, {**ASSISTANT, "weight": 0}]}
    long = {"messages": [{"role": "user", "content": "tell me more " * 6_000}, ASSISTANT]}
    seen = set()
    for records in ([CHAT] * 3, [silent] * 12, [CHAT] * 12 + [PAIR] + [long]):
        report = validate_file(jsonl(tmp_path, records), model="gpt-3.5-turbo")
        seen |= {p.code for p in report.file_problems} | set(report.counts())
    image = {
        "messages": [
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "u"}}]},
            ASSISTANT,
        ]
    }
    spaces = {"messages": [{"role": "user", "content": "a" + " " * 1_000_000 + "b"}, ASSISTANT]}
    path = jsonl(tmp_path, [image, spaces, {"messages": [USER, {**ASSISTANT, "weight": 1}]}])
    path.write_text(
        path.read_text(encoding="utf-8").replace('"weight": 1', '"weight": 1e400'), encoding="utf-8"
    )
    report = validate_file(path, model="gpt-4o-mini")
    seen |= set(report.counts()) | {"file_too_large", "line_too_long"}  # too big to make here: see below
    seen |= set(validate_file(jsonl(tmp_path, [_nested(70)])).counts())
    assert seen == set(validation.CODES)


def _nested(depth):
    value: object = "deep"
    for _ in range(depth):
        value = [value]
    return {
        "messages": [
            USER,
            {
                **ASSISTANT,
                "tool_calls": [
                    {"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}", "x": value}}
                ],
            },
        ]
    }


# Issue 16 ----------------------------------------------------------------------------------------
def test_a_million_spaces_in_a_row_is_a_problem_on_its_line_not_a_tokenizer_panic(tmp_path):
    for run in (" ", "\t", "\u00a0"):
        records = [CHAT, {"messages": [{"role": "user", "content": "a" + run * 1_000_000 + "b"}, ASSISTANT]}]
        report = validate_file(jsonl(tmp_path, records), model="gpt-4o-mini")
        (item,) = report.errors
        assert item.line == 2 and item.problem.code == "uncountable_example"
        assert (
            "a run of 1,000,000 whitespace characters that the tokenizer cannot encode"
            in item.problem.message
        )


@pytest.mark.parametrize("key", ["tool_calls", "function_call"])
def test_a_number_too_large_for_a_float_is_a_problem_on_its_line(tmp_path, key):
    call = {"name": "f", "arguments": "{}", "extra": 1}
    value = [{"id": "c", "type": "function", "function": call}] if key == "tool_calls" else call
    line = dumps({"messages": [USER, {"role": "assistant", "content": None, key: value}]}).replace(
        '"extra": 1', '"extra": 1e400'
    )
    path = tmp_path / "inf.jsonl"
    path.write_text(dumps(CHAT) + "\n" + line + "\n", encoding="utf-8")
    report = validate_file(path, model="gpt-4o-mini")
    assert [(p.line, p.problem.code) for p in report.errors] == [(2, "non_finite_number")]
    assert "1e400" in report.errors[0].problem.message


@pytest.mark.parametrize(("depth", "refused"), [(50, False), (70, True), (900, True)])
def test_nesting_deeper_than_64_levels_is_a_problem_on_its_line(tmp_path, depth, refused):
    report = validate_file(jsonl(tmp_path, [CHAT, _nested(depth)]), model="gpt-4o-mini")
    codes = [(p.line, p.problem.code) for p in report.errors]
    assert codes == ([(2, "nested_too_deep")] if refused else [])
    if refused:
        assert "more than 64 levels deep" in report.errors[0].problem.message


def test_a_file_over_openais_512_mb_upload_limit_is_refused_without_being_read(tmp_path, monkeypatch):
    path = jsonl(tmp_path, [CHAT] * 12)
    monkeypatch.setattr(validation.limits, "MAX_FILE_BYTES", path.stat().st_size - 1)
    report = validate_file(path)
    assert [p.code for p in report.file_problems if p.is_error] == ["file_too_large"]
    assert not report.ok


def test_a_file_within_the_upload_limit_has_no_size_problem(tmp_path):
    report = validate_file(jsonl(tmp_path, [CHAT] * 12))
    assert "file_too_large" not in {p.code for p in report.file_problems}


def test_an_image_in_a_file_for_a_model_without_vision_is_refused_naming_the_model(tmp_path):
    image = {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
    records = [{"messages": [{"role": "user", "content": [image]}, ASSISTANT]}] * 12
    refused = validate_file(jsonl(tmp_path, records), model="gpt-4o-mini")
    assert {p.problem.code for p in refused.errors} == {"images_not_supported"}
    assert "gpt-4o-mini-2024-07-18 cannot be fine-tuned on images" in refused.errors[0].problem.message
    assert validate_file(jsonl(tmp_path, records), model="gpt-4o-2024-08-06").errors == []


def test_valid_chat_examples_go_through_the_quality_pass_and_invalid_ones_do_not(tmp_path):
    broken = {"messages": [SYSTEM, USER]}  # no assistant message: an error, not assessed
    report = validate_file(jsonl(tmp_path, [CHAT, CHAT, broken, broken]))
    assert report.quality is not None and report.quality.examples == 2
    assert [(w.code, w.lines) for w in report.quality.warnings] == [("duplicate_example", (1, 2))]


def test_the_validation_file_is_checked_for_overlap_and_a_missing_one_is_unusable(tmp_path):
    train = jsonl(tmp_path, [CHAT], "train.jsonl")
    held = jsonl(
        tmp_path, [{"messages": [SYSTEM, {**USER, "content": "Other."}, ASSISTANT]}, CHAT], "val.jsonl"
    )
    report = validate_file(train, validation=held)
    assert report.quality is not None
    assert [(w.code, w.lines) for w in report.quality.warnings] == [("validation_overlap", (1,))]
    assert "Validation line 2 is the same example as training line 1" in report.quality.warnings[0].message
    with pytest.raises(UnusableFile, match="missing.jsonl: no such file"):
        validate_file(train, validation=tmp_path / "missing.jsonl")


def test_a_preference_file_has_no_quality_pass(tmp_path):
    record = {
        "input": {"messages": [USER]},
        "preferred_output": [ASSISTANT],
        "non_preferred_output": [{"role": "assistant", "content": "No."}],
    }
    assert validate_file(jsonl(tmp_path, [record] * 10)).quality is None

"""The graders themselves are tested: full marks for the reference, 0 for stubs, and points lost
for every plausible wrong answer in tests/buggy/ (with the checks that catch each one named).

Every implementation here is graded once, all in one pytest run (``tests.graders.batch``), the
references first.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.graders.batch import grade_folders, linked
from tests.paths import BUGGY, ROOT

GRADED = ["ex1_build_example", "ex2_validate_record", "ex3_estimate_tokens", "ex4_submit_job"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """The results of every implementation here: the references, the stubs, every wrong answer."""
    folder = tmp_path_factory.mktemp("graded")
    implementations = {f"{slug}-reference": ROOT / "solutions" / f"{slug}.py" for slug in GRADED}
    implementations |= {f"{slug}-stub": ROOT / "exercises" / f"{slug}.py" for slug in GRADED}
    implementations |= {f"{slug}-{variant}": BUGGY / slug / f"{variant}.py" for slug, variant, _ in WRONG}
    for (slug, wrong, _), name in zip(WRONG_CLASS, WRONG_CLASS_IDS, strict=True):
        impl = folder / f"{name}.py"
        impl.write_text(_REFERENCE.format(buggy=str(BUGGY), slug=slug) + wrong, encoding="utf-8")
        implementations[f"{slug}-{name}"] = impl
    names = [linked(folder, name, slug_of(name), path).name for name, path in implementations.items()]
    results = grade_folders(folder, names)
    for name, one in results.items():  # every implementation met every check of its grader
        reference = results[f"{slug_of(name)}-reference"]["tests"]
        assert [t["name"] for t in one["tests"]] == [t["name"] for t in reference] != [], name
    return results


def slug_of(name: str) -> str:
    return name.split("-", 1)[0]


def failing(results: dict) -> set[str]:
    return {t["name"].split("[")[0] for t in results["tests"] if t["status"] != "passed"}


@pytest.mark.parametrize("slug", GRADED)
def test_the_reference_solution_scores_full_marks(graded, slug):
    results = graded[f"{slug}-reference"]
    assert results["max_score"] > 0
    assert results["score"] == results["max_score"], [t for t in results["tests"] if t["status"] != "passed"]


@pytest.mark.parametrize("slug", GRADED)
def test_the_stub_scores_zero_with_a_hint_on_every_check(graded, slug):
    results = graded[f"{slug}-stub"]
    assert results["score"] == 0
    assert all(t["status"] == "failed" for t in results["tests"])
    assert all(t["hint"] and "not implemented yet" in t["feedback"] for t in results["tests"])


WRONG = [
    ("ex1_build_example", "system_last", {"test_system_message_comes_first"}),
    (
        "ex1_build_example",
        "no_input_checks",
        {"test_blank_text_is_refused", "test_non_string_text_is_refused"},
    ),
    ("ex1_build_example", "strips_text", {"test_every_built_example_is_valid_and_keeps_the_text"}),
    ("ex1_build_example", "writes_in_place", {"test_a_failed_write_leaves_the_old_file_untouched"}),
    ("ex1_build_example", "ascii_escapes", {"test_non_ascii_text_is_written_as_utf8"}),
    (
        "ex2_validate_record",
        "accept_all",
        {"test_each_broken_record_gives_its_codes", "test_a_record_broken_one_way_gives_exactly_that_code"},
    ),
    (
        "ex2_validate_record",
        "reject_all",
        {"test_valid_records_have_no_codes", "test_every_valid_record_passes"},
    ),
    (
        "ex2_validate_record",
        "ignores_weight",
        {"test_each_broken_record_gives_its_codes", "test_a_record_broken_one_way_gives_exactly_that_code"},
    ),
    (
        "ex2_validate_record",
        "cookbook_only",
        {"test_each_broken_record_gives_its_codes", "test_every_valid_record_passes"},
    ),
    (
        "ex2_validate_record",
        "unsorted_repeats",
        {"test_codes_are_sorted_and_distinct", "test_records_breaking_several_rules"},
    ),
    (
        "ex3_estimate_tokens",
        "no_reply_priming",
        {"test_no_messages_is_just_the_reply_priming", "test_every_training_example_counts_exactly"},
    ),
    (
        "ex3_estimate_tokens",
        "cl100k_everywhere",
        {
            "test_the_cookbook_example_counts_what_the_api_reported",
            "test_each_model_counts_with_its_own_encoding",
        },
    ),
    (
        "ex3_estimate_tokens",
        "counts_weight",
        {"test_a_tool_calling_conversation_with_weights", "test_every_training_example_counts_exactly"},
    ),
    (
        "ex3_estimate_tokens",
        "always_three_epochs",
        {"test_auto_epochs_match_the_rule_for_every_n_up_to_30000"},
    ),
    ("ex3_estimate_tokens", "no_context_cap", {"test_billed_tokens_are_capped_at_the_training_context"}),
    (
        "ex3_estimate_tokens",
        "rounds_to_cents",
        {"test_the_estimate_for_the_sample_dataset", "test_cost_is_linear_in_epochs"},
    ),
    (
        "ex4_submit_job",
        "wrong_purpose",
        {"test_the_upload_has_purpose_fine_tune", "test_the_job_trains_the_model_on_the_uploaded_file"},
    ),
    (
        "ex4_submit_job",
        "legacy_hyperparameters",
        {"test_n_epochs_goes_in_method_not_the_deprecated_hyperparameters"},
    ),
    ("ex4_submit_job", "polls_forever", {"test_a_job_past_the_timeout_raises_timeout_error"}),
    ("ex4_submit_job", "wall_clock_timeout", {"test_a_job_past_the_timeout_raises_timeout_error"}),
    (
        "ex4_submit_job",
        "ignores_failure",
        {"test_a_failed_job_raises_runtime_error", "test_a_cancelled_job_raises_runtime_error"},
    ),
    (
        "ex4_submit_job",
        "swallows_error",
        {
            "test_the_error_names_the_jobs_own_error",
            "test_a_job_failed_by_its_dataset_passes_on_what_was_wrong",
        },
    ),
    (
        "ex4_submit_job",
        "sleeps_without_polling",
        {
            "test_returns_the_fine_tuned_model_of_a_job_that_succeeds",
            "test_sleeps_of_poll_seconds_come_between_polls",
        },
    ),
    ("ex4_submit_job", "no_retry", {"test_a_busy_api_while_polling_is_not_the_job_failing"}),
    ("ex4_submit_job", "retries_everything", {"test_an_unknown_job_is_an_error_at_once"}),
    ("ex4_submit_job", "drops_system", {"test_a_system_prompt_comes_first"}),
]


@pytest.mark.parametrize(("slug", "variant", "caught_by"), WRONG, ids=[f"{s}-{v}" for s, v, _ in WRONG])
def test_a_plausible_wrong_answer_loses_points(graded, slug, variant, caught_by):
    results = graded[f"{slug}-{variant}"]
    assert 0 < results["score"] < results["max_score"], "a wrong answer must lose points, yet not all of them"
    assert caught_by <= failing(results), (
        f"expected {sorted(caught_by)} to fail; failing: {sorted(failing(results))}"
    )


_REFERENCE = """
import sys

import openai

sys.path.insert(0, {buggy!r})
from reference import reference

_ref = reference({slug!r})
globals().update({{k: v for k, v in _ref.items() if not k.startswith("_")}})
"""

#: Wrong answers that an "anything was raised" check let through: an error of the wrong class, or
#: None returned where the job's own None was the expected value. (slug, wrong code, caught by)
WRONG_CLASS = [
    (
        "ex1_build_example",
        """
def write_jsonl(examples, path):
    try:
        return _ref["write_jsonl"](examples, path)
    except TypeError:
        return 0
""",
        {"test_a_failed_write_leaves_the_old_file_untouched"},
    ),
    (
        "ex4_submit_job",
        """
def wait_for_job(*args, **kwargs):
    try:
        return _ref["wait_for_job"](*args, **kwargs)
    except Exception as error:
        raise ValueError(str(error)) from None


def ask_model(*args, **kwargs):
    try:
        return _ref["ask_model"](*args, **kwargs)
    except Exception as error:
        raise ValueError(str(error)) from None
""",
        {
            "test_a_failed_job_raises_runtime_error",
            "test_the_error_names_the_jobs_own_error",
            "test_a_job_failed_by_its_dataset_passes_on_what_was_wrong",
            "test_a_cancelled_job_raises_runtime_error",
            "test_a_job_past_the_timeout_raises_timeout_error",
            "test_an_unknown_job_is_an_error_at_once",
            "test_an_unknown_model_is_an_error_not_an_empty_answer",
        },
    ),
    (
        "ex4_submit_job",
        """
def wait_for_job(client, job_id, poll_seconds=30.0, timeout_seconds=3600.0, sleep=None):
    try:
        client.fine_tuning.jobs.retrieve(job_id)
    except openai.APIStatusError:
        return None
    return _ref["wait_for_job"](
        client, job_id, poll_seconds=poll_seconds, timeout_seconds=timeout_seconds, sleep=sleep
    )
""",
        {"test_a_busy_api_while_polling_is_not_the_job_failing"},
    ),
]


WRONG_CLASS_IDS = ["swallows-type-error", "value-errors", "none-when-busy"]


@pytest.mark.parametrize(("slug", "wrong", "caught_by"), WRONG_CLASS, ids=WRONG_CLASS_IDS)
def test_an_error_of_the_wrong_class_or_a_none_is_caught(graded, request, slug, wrong, caught_by):
    results = graded[f"{slug}-{request.node.callspec.id}"]
    assert 0 < results["score"] < results["max_score"]
    assert caught_by <= failing(results), (
        f"expected {sorted(caught_by)} to fail; failing: {sorted(failing(results))}"
    )


def test_a_wrong_answer_graded_last_in_the_one_run_gets_what_a_run_of_its_own_gives(graded, tmp_path):
    slug, variant, _ = WRONG[-1]  # after the references, the stubs and every other wrong answer
    out = tmp_path / "alone.json"
    grader, impl = ROOT / "graders" / f"test_{slug}.py", BUGGY / slug / f"{variant}.py"
    command = ["pytest", str(grader), "--impl", str(impl), "--ftlab-json", str(out), "-p", "no:cacheprovider"]
    subprocess.run([sys.executable, "-m", *command], cwd=tmp_path, capture_output=True, timeout=600)
    alone = json.loads(out.read_text(encoding="utf-8"))["tests"]
    assert [(t["name"], t["status"], t["points"]) for t in graded[f"{slug}-{variant}"]["tests"]] == [
        (t["name"], t["status"], t["points"]) for t in alone
    ]


def test_every_wrong_answer_here_is_graded():
    on_disk = {(p.parent.name, p.stem) for p in BUGGY.glob("ex*/*.py")}
    assert on_disk == {(slug, variant) for slug, variant, _ in WRONG if slug in GRADED} | {
        (p.parent.name, p.stem) for p in BUGGY.glob("ex*/*.py") if p.parent.name not in GRADED
    }


def test_a_learner_running_pytest_exercises_on_the_stubs_gets_a_zero_scoreboard_and_hints(tmp_path):
    out = tmp_path / "scores.json"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "exercises/", "-p", "no:cacheprovider", "--ftlab-json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "ftlab scoreboard" in result.stdout and "What to fix next:" in result.stdout
    total = next(line for line in result.stdout.splitlines() if line.startswith("total"))
    assert total.split()[1] == "0", total
    assert "Traceback" not in result.stdout and "INTERNALERROR" not in result.stdout + result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["score"] == 0 and all(t["hint"] for t in data["tests"])
    assert {t["exercise"] for t in data["tests"]} == {p.stem for p in (ROOT / "exercises").glob("ex*_*.py")}

"""Exercise 5's grader is tested: full marks for the reference, 0 for the stub, and points lost
by every plausible wrong rule in tests/buggy/ex5_decide_approach/, on visible and hidden scenarios.
All of them are graded once, in one pytest run (``tests.graders.batch``)."""

from __future__ import annotations

import dataclasses
import importlib.util
import runpy
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st

from ftlab.course.decide import priced
from tests.graders.batch import grade_folders, linked
from tests.paths import BUGGY, ROOT

SLUG = "ex5_decide_approach"
GRADER = ROOT / "graders" / f"test_{SLUG}.py"
BUGGY = BUGGY / "ex5_decide_approach"


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """Every graded check of the reference, the stub and each wrong rule, all graded in one run."""
    folder = tmp_path_factory.mktemp("ex5")
    implementations = {"reference": ROOT / "solutions", "stub": ROOT / "exercises"}
    implementations = {name: path / f"{SLUG}.py" for name, path in implementations.items()}
    implementations |= {rule: BUGGY / f"{rule}.py" for rule, _, _ in WRONG}
    names = [linked(folder, name, SLUG, path).name for name, path in implementations.items()]
    return {name: one["tests"] for name, one in grade_folders(folder, names).items()}


def lost(tests: list[dict], visibility: str) -> set[str]:
    """The checks of one visibility that earned less than their points."""
    return {t["name"] for t in tests if t["visibility"] == visibility and t["points"] < t["max_points"]}


def test_the_reference_rule_scores_every_point(graded):
    tests = graded["reference"]
    assert len([t for t in tests if t["name"].startswith("test_scenario[")]) >= 14
    assert [t for t in tests if t["status"] != "passed" or t["points"] != t["max_points"]] == []


def test_the_stub_scores_zero_on_every_check(graded):
    tests = graded["stub"]
    assert tests and all(t["points"] == 0 and t["status"] == "failed" for t in tests)
    assert all("not implemented yet" in t["feedback"] for t in tests if t["visibility"] == "visible")


def test_about_a_third_of_the_scenarios_are_hidden(graded):
    tests = graded["reference"]
    scenarios = [t for t in tests if t["name"].startswith("test_scenario[")]
    hidden = [t for t in scenarios if t["visibility"] == "hidden"]
    assert 0.25 <= len(hidden) / len(scenarios) <= 0.45
    assert len({t["hint"] for t in scenarios}) == len(scenarios), "every scenario has its own hint"


# (wrong rule, visible checks it must lose, hidden checks it must lose)
WRONG = [
    (
        "always_fine_tune",
        {
            "test_scenario[plan-faq]",
            "test_scenario[docs-assistant]",
            "test_scenario[daily-prices]",
            "test_scenario[short-prompt]",
            "test_knowledge_that_changes_daily_is_never_fine_tuned_alone",
            "test_fewer_than_ten_examples_never_fine_tune",
        },
        {"test_scenario[canteen-menu]", "test_scenario[sql-nine-examples]", "test_scenario[news-digest]"},
    ),
    (
        "ignore_freshness",
        {
            "test_scenario[daily-prices]",
            "test_scenario[refund-replies]",
            "test_knowledge_that_changes_daily_is_never_fine_tuned_alone",
        },
        {"test_scenario[invoice-check]", "test_scenario[canteen-menu]"},
    ),
    (
        "ignore_example_count",
        {
            "test_scenario[triage-eight-examples]",
            "test_scenario[brand-voice-thirty]",
            "test_fewer_than_ten_examples_never_fine_tune",
        },
        {"test_scenario[sql-nine-examples]", "test_scenario[summaries-forty]"},
    ),
    (
        "ignore_break_even",
        {"test_scenario[postmortem-low-volume]", "test_scenario[short-prompt]"},
        {"test_scenario[news-digest]"},
    ),
    (
        "payback_backwards",
        {
            "test_scenario[triage-at-scale]",
            "test_scenario[postmortem-low-volume]",
            "test_cheaper_training_never_flips_a_fine_tune_away",
        },
        {"test_scenario[catalogue-classifier]"},
    ),
]


@pytest.mark.parametrize(("rule", "visible", "hidden"), WRONG, ids=[w[0] for w in WRONG])
def test_a_plausible_wrong_rule_loses_points_on_visible_and_hidden_checks(graded, rule, visible, hidden):
    tests = graded[rule]
    score, best = sum(t["points"] for t in tests), sum(t["max_points"] for t in tests)
    assert 0 < score < best, (
        f"{rule} scored {score} of {best}: a wrong rule must lose points, yet not all of them"
    )
    assert visible <= lost(tests, "visible"), (
        f"visible checks kept their points: {sorted(visible - lost(tests, 'visible'))}"
    )
    assert hidden <= lost(tests, "hidden"), (
        f"hidden checks kept their points: {sorted(hidden - lost(tests, 'hidden'))}"
    )


def test_a_wrong_half_of_a_scenario_keeps_the_other_half(graded):
    tests = {t["name"]: t for t in graded["always_fine_tune"]}
    # refund-replies expects rag+fine-tune: "fine-tune" gets the fine-tuning half, misses the RAG half.
    half = tests["test_scenario[refund-replies]"]
    assert half["points"] == half["max_points"] / 2 and half["status"] == "failed"
    assert tests["test_scenario[plan-faq]"]["points"] == tests["test_scenario[plan-faq]"]["max_points"] / 2
    assert tests["test_scenario[triage-at-scale]"]["status"] == "passed"


def test_hidden_scenarios_show_their_hint_but_not_the_expected_answer(graded):
    tests = {t["name"]: t for t in graded["ignore_freshness"]}
    hidden = tests["test_scenario[canteen-menu]"]
    assert (
        hidden["visibility"] == "hidden"
        and "how often do small facts like these change" in hidden["feedback"]
    )
    assert "'rag'" not in hidden["feedback"] and "you answered" not in hidden["feedback"]
    visible = tests["test_scenario[daily-prices]"]
    assert "expected 'rag', you answered 'prompt'" in visible["feedback"]


def test_hidden_hints_say_what_to_revisit_not_the_answer():
    grader = _grader_module()
    hidden = [case for case in grader.CASES if case.hidden]
    assert hidden
    for case in hidden:
        assert case.hint.startswith("revisit Task"), f"{case.id}: {case.hint!r}"
        assert not any(word in case.hint for word in ("must be", "retrieve", "fetch", "keep the prompt")), (
            f"{case.id}'s hint gives the answer away: {case.hint!r}"
        )


def test_every_wrong_rule_here_is_graded():
    assert {p.stem for p in BUGGY.glob("*.py")} == {w[0] for w in WRONG}


# The property checks' generators reach the mistakes by themselves, not only through @example.

SEARCH = settings(
    max_examples=2000,
    phases=[Phase.generate],
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def _grader_module() -> Any:
    spec = importlib.util.spec_from_file_location("ftlab_grader_ex5_under_test", GRADER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _rule(name: str) -> Any:
    """A rule as the grader calls it: on priced scenarios (the training cost filled in)."""
    path = ROOT / "solutions" / "ex5_decide_approach.py" if name == "reference" else BUGGY / f"{name}.py"
    decide = runpy.run_path(str(path))["decide_approach"]
    return lambda scenario: decide(priced(scenario))


def test_generated_daily_knowledge_catches_a_rule_that_ignores_freshness():
    grader, wrong = _grader_module(), _rule("ignore_freshness")
    strategy = grader.scenarios(facts=st.sampled_from(["small", "large"]), facts_change=st.just("daily"))
    found = find(strategy, lambda s: wrong(s).approach == "fine-tune", settings=SEARCH)
    assert _rule("reference")(found).approach != "fine-tune"


def test_generated_small_example_counts_catch_a_rule_that_ignores_them():
    grader, wrong = _grader_module(), _rule("ignore_example_count")
    found = find(
        grader.scenarios(n_examples=st.integers(0, 9)), lambda s: wrong(s).fine_tunes, settings=SEARCH
    )
    assert not _rule("reference")(found).fine_tunes


def test_generated_cheaper_training_catches_a_backwards_payback():
    grader, wrong = _grader_module(), _rule("payback_backwards")
    pairs = st.tuples(grader._fine_tuning_likely(), st.floats(0, 1, exclude_max=True))

    def flips(pair: tuple[Any, float]) -> bool:
        scenario, factor = pair
        cheaper = dataclasses.replace(scenario, training_cost_usd=scenario.training_cost_usd * factor)
        return wrong(scenario).fine_tunes and not wrong(cheaper).fine_tunes

    find(pairs, flips, settings=SEARCH)


def test_the_cheaper_training_property_is_not_vacuous_for_the_reference():
    grader, reference = _grader_module(), _rule("reference")
    find(
        grader._fine_tuning_likely(),
        lambda s: reference(s).fine_tunes and s.prompt_gets_it and s.training_cost_usd > 1,
        settings=SEARCH,
    )

"""Grader for exercise 5: decide between a prompt, RAG and a fine-tune.

Each scenario below carries its expected approach and, in a comment, why: the rule in
docs/decide.md applied by hand, with the break-even numbers where volume decides. A scenario
earns half its points for the retrieval call (RAG or not) and half for the fine-tuning call.
The property checks hold for any sensible rule, not only the reference one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from ftlab.course.decide import priced
from ftlab.grading.stored_examples import replayed
from ftlab.learner import CHANGE_RATES, FACTS, MIN_EXAMPLES, Decision, Scenario

if TYPE_CHECKING:
    from hypothesis import strategies as st

TRIAGE = "Triage Acme Cloud support emails into Category, Priority and Summary lines"


@dataclass(frozen=True)
class Case:
    """One graded scenario: what a good rule answers, and what to tell a learner who misses it."""

    id: str
    scenario: Scenario
    expected: str
    hint: str
    task: int
    hidden: bool = False
    points: int = 2


CASES = [
    # One page of plan facts, revised yearly: it fits in the prompt. Nothing about the answers'
    # style matters, so nothing to fine-tune.
    Case(
        "plan-faq",
        Scenario(
            "Answer questions about Acme's three plans from a one-page plan sheet",
            facts="small",
            facts_change="yearly",
            requests_per_day=500,
            prompt_tokens=600,
        ),
        "prompt",
        "one page of facts that changes once a year fits in the prompt; there is no style to teach",
        task=1,
    ),
    # 3,000 pages cannot go into every prompt, and 2,000 past Q&A pairs would teach the model to
    # sound right, not to know the docs (fine-tuning does not teach facts reliably).
    Case(
        "docs-assistant",
        Scenario(
            "Answer developers' questions from Acme's 3,000-page product documentation",
            facts="large",
            facts_change="monthly",
            n_examples=2000,
            requests_per_day=5000,
        ),
        "rag",
        "3,000 pages won't fit in a prompt,"
        " and fine-tuning on Q&A pairs does not teach facts reliably: retrieve",
        task=1,
    ),
    # A price list that changes daily must be read at request time: yesterday's prompt (or model)
    # quotes yesterday's prices.
    Case(
        "daily-prices",
        Scenario(
            "Quote today's spot-compute prices from a one-page price list",
            facts="small",
            facts_change="daily",
            requests_per_day=2000,
            prompt_tokens=800,
        ),
        "rag",
        "these prices change every day: fetch today's list with each request,"
        " never bake it into a prompt or a model",
        task=1,
    ),
    # Stable format, prompt works but needs 2,500 tokens; 400 examples. break_even: training
    # about $1.44, saves $0.29 per 1,000 requests, pays back after ~5,000 requests: 0.3 days.
    Case(
        "triage-at-scale",
        Scenario(
            TRIAGE,
            consistent_behaviour=True,
            n_examples=400,
            requests_per_day=20000,
            prompt_tokens=2500,
        ),
        "fine-tune",
        "20,000 requests a day each carry a 2,500-token prompt: a fine-tune pays for itself on the first day"
        " (try break_even)",
        task=3,
    ),
    # Same task, but only 8 examples: the API refuses fewer than 10.
    Case(
        "triage-eight-examples",
        Scenario(
            TRIAGE,
            consistent_behaviour=True,
            prompt_gets_it=False,
            n_examples=8,
            requests_per_day=20000,
            prompt_tokens=2500,
        ),
        "prompt",
        "8 examples: the fine-tuning API refuses a file with fewer than 10,"
        " so keep prompting and collect more",
        task=2,
    ),
    # A voice the prompt only half gets, but 30 examples is below the usual 50-100 start.
    Case(
        "brand-voice-thirty",
        Scenario(
            "Write product descriptions in the shop's house voice",
            consistent_behaviour=True,
            prompt_gets_it=False,
            n_examples=30,
            requests_per_day=1000,
            prompt_tokens=900,
        ),
        "prompt",
        "30 examples is too few to expect a fine-tune to help (50-100 is the usual start):"
        " improve the prompt, collect more",
        task=2,
    ),
    # The prompt works; 200 examples; 20 requests a day. break_even: training about $0.72,
    # saves $0.14 per 1,000 requests: 5,320 requests, 266 days to pay back.
    Case(
        "postmortem-low-volume",
        Scenario(
            "Reformat engineers' incident notes into the company's postmortem template",
            consistent_behaviour=True,
            n_examples=200,
            requests_per_day=20,
            prompt_tokens=1500,
        ),
        "prompt",
        "at 20 requests a day the saved prompt tokens take most of a year to pay for the training:"
        " keep the prompt",
        task=3,
    ),
    # Two needs: a stable tone a prompt can't hold (500 examples: fine-tune) and a policy that
    # changes most weeks (retrieve the current one with each request).
    Case(
        "refund-replies",
        Scenario(
            "Draft replies to refund requests in Acme's support tone,"
            " citing the current two-page refund policy",
            facts="small",
            facts_change="weekly",
            consistent_behaviour=True,
            prompt_gets_it=False,
            n_examples=500,
            requests_per_day=3000,
            prompt_tokens=1800,
        ),
        "rag+fine-tune",
        "the tone is stable with 500 examples (fine-tune), but the policy changes weekly:"
        " a fine-tuned model would be stale by next week, so retrieve it",
        task=4,
    ),
    # The wanted voice itself changes every week: retraining weekly is absurd, a prompt is edited
    # in minutes. Volume is irrelevant once the behaviour is not stable.
    Case(
        "campaign-voice",
        Scenario(
            "Write ad copy in this week's campaign voice",
            consistent_behaviour=True,
            behaviour_changes="weekly",
            n_examples=300,
            requests_per_day=50000,
            prompt_tokens=1200,
        ),
        "prompt",
        "the voice changes with every weekly campaign: a fine-tuned model would be stale by next week",
        task=2,
    ),
    # A 100-token prompt: fine-tuned tokens cost twice as much (gpt-4o-mini: $0.30 vs $0.15 per
    # 1M input), so the fine-tuned request is dearer and the training never pays back.
    Case(
        "short-prompt",
        Scenario(
            "Tag support emails with one of five labels listed in a 100-token prompt",
            consistent_behaviour=True,
            n_examples=500,
            requests_per_day=50000,
            prompt_tokens=100,
        ),
        "prompt",
        "the prompt is only 100 tokens and a fine-tuned model's tokens cost twice as much:"
        " there is nothing to save",
        task=3,
    ),
    # The prompt cannot hold the strict format and 150 good examples exist: fine-tune on quality
    # grounds, whatever the volume.
    Case(
        "delivery-notes-json",
        Scenario(
            "Turn free-text delivery notes into the warehouse system's strict JSON record",
            consistent_behaviour=True,
            prompt_gets_it=False,
            n_examples=150,
            requests_per_day=30,
            prompt_tokens=1200,
        ),
        "fine-tune",
        "prompting keeps breaking the format and 150 good examples exist: that is what fine-tuning is for,"
        " whatever the volume",
        task=2,
    ),
    # --- hidden ------------------------------------------------------------------------------
    # Daily exchange rates (retrieve) plus a stable form-filling behaviour with 120 examples that a
    # prompt gets wrong (fine-tune).
    Case(
        "invoice-check",
        Scenario(
            "Fill the invoice-check form from supplier emails,"
            " checking amounts against today's exchange rates",
            facts="small",
            facts_change="daily",
            consistent_behaviour=True,
            prompt_gets_it=False,
            n_examples=120,
            requests_per_day=800,
            prompt_tokens=1500,
        ),
        "rag+fine-tune",
        "revisit Task 1 for facts that change often, and Task 2 for a stable behaviour a prompt can't get",
        task=4,
        hidden=True,
    ),
    # One page that changes weekly: fetch it; no style to teach.
    Case(
        "canteen-menu",
        Scenario(
            "Answer staff questions about this week's canteen menu",
            facts="small",
            facts_change="weekly",
            requests_per_day=300,
            prompt_tokens=700,
        ),
        "rag",
        "revisit Task 1: how often do small facts like these change?",
        task=1,
        hidden=True,
    ),
    # House-style SQL a prompt can't get, but only 9 examples.
    Case(
        "sql-nine-examples",
        Scenario(
            "Write SQL queries in the data team's house style",
            consistent_behaviour=True,
            prompt_gets_it=False,
            n_examples=9,
            requests_per_day=400,
            prompt_tokens=2000,
        ),
        "prompt",
        "revisit Task 2: count the examples against what the fine-tuning API accepts",
        task=2,
        hidden=True,
    ),
    # A 40,000-item catalogue (retrieve) and a stable labelling format whose 3,000-token prompt a
    # fine-tune removes. break_even: training about $14.39, saves $0.18 per 1,000 requests:
    # ~80,000 requests, 0.8 days at 100,000 a day.
    Case(
        "catalogue-classifier",
        Scenario(
            "Assign incoming products to the right category of a 40,000-item catalogue",
            facts="large",
            facts_change="yearly",
            consistent_behaviour=True,
            n_examples=1000,
            requests_per_day=100000,
            prompt_tokens=3000,
            request_tokens=1500,
        ),
        "rag+fine-tune",
        "revisit Task 1 for a catalogue this size, and Task 3 for what dropping a long prompt saves"
        " at this traffic (try break_even)",
        task=4,
        hidden=True,
    ),
    # The volume would pay (684 requests, minutes at 30,000 a day), but 40 examples is under 50.
    Case(
        "summaries-forty",
        Scenario(
            "Summarise support tickets in the team's two-sentence format",
            consistent_behaviour=True,
            n_examples=40,
            requests_per_day=30000,
            prompt_tokens=2000,
        ),
        "prompt",
        "revisit Task 2: how many examples does a fine-tune usually need to beat a good prompt?",
        task=2,
        hidden=True,
    ),
    # Today's news (large, daily): retrieve. The bullet format is stable with 60 examples, but a
    # 500-token prompt costs less than the fine-tuned model's dearer tokens: it never pays back.
    Case(
        "news-digest",
        Scenario(
            "Summarise today's industry news for the sales team in their bullet format",
            facts="large",
            facts_change="daily",
            consistent_behaviour=True,
            n_examples=60,
            requests_per_day=50,
            prompt_tokens=500,
        ),
        "rag",
        "revisit Task 1 for news that changes every day, and Task 3 for what a short prompt costs"
        " against a fine-tuned model's tokens (try break_even)",
        task=4,
        hidden=True,
    ),
    # A style a prompt can't hold, 80 examples, 10 requests a day: fine-tune on quality.
    Case(
        "client-letters",
        Scenario(
            "Rewrite lawyers' notes as client letters in the firm's style",
            consistent_behaviour=True,
            prompt_gets_it=False,
            n_examples=80,
            requests_per_day=10,
            prompt_tokens=1500,
        ),
        "fine-tune",
        "revisit Task 3: when does the traffic matter, and when does prompt_gets_it decide alone?",
        task=3,
        hidden=True,
    ),
]

RETRIEVAL_HINT = (
    "RAG or not: retrieve facts that are large or change weekly or daily;"
    " small, stable facts stay in the prompt"
)
TUNING_HINT = (
    "fine-tune or not: only a stable style/format/behaviour, with 50+ examples,"
    " that a prompt can't get or that pays within a month"
)


def _decision_call(scenario: Scenario) -> tuple[str, tuple, dict]:
    """The call :func:`_decide` makes, described once (checks name it ahead with ``calls=``)."""
    return ("decide_approach", (priced(scenario),), {})


def _decide(exercise, scenario: Scenario) -> Decision:
    """The learner's decision for ``scenario``, priced first: its training cost is exercise 3's estimate."""
    function, args, kwargs = _decision_call(scenario)
    decision = getattr(exercise, function)(*args, **kwargs)
    assert isinstance(decision, Decision), (
        f"decide_approach returned {type(decision).__name__}; return a Decision(approach, reason)"
        " from ftlab.learner"
    )
    return decision


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            id=case.id,
            marks=pytest.mark.points(
                case.points, hint=case.hint, task=case.task, visibility="hidden" if case.hidden else "visible"
            ),
        )
        for case in CASES
    ],
)
def test_scenario(exercise, credit, case):
    decision = _decide(exercise, case.scenario)
    expected = Decision(case.expected, "the reference rule")
    with credit.check("retrieval", hint=RETRIEVAL_HINT):
        assert decision.uses_rag == expected.uses_rag, (
            f"expected {case.expected!r}, you answered {decision.approach!r}"
        )
    with credit.check("fine-tuning", hint=TUNING_HINT):
        assert decision.fine_tunes == expected.fine_tunes, (
            f"expected {case.expected!r}, you answered {decision.approach!r}"
        )


# Property checks ------------------------------------------------------------------------------
# (their examples are made once by hypothesis and stored in examples/; ftlab.grading.stored_examples
# replays them, the explicit ones first)


def scenarios(
    *,
    facts: st.SearchStrategy[str] | None = None,
    facts_change: st.SearchStrategy[str] | None = None,
    n_examples: st.SearchStrategy[int] | None = None,
    training_cost_usd: st.SearchStrategy[float | None] | None = None,
) -> st.SearchStrategy[Scenario]:
    """Scenarios of every kind; pass a strategy to pin one field's range."""
    from hypothesis import strategies as st

    return st.builds(
        Scenario,
        task=st.sampled_from(
            ["Triage support emails", "Answer product questions", "Write release notes", "Classify invoices"]
        ),
        facts=facts if facts is not None else st.sampled_from(FACTS),
        facts_change=facts_change if facts_change is not None else st.sampled_from(CHANGE_RATES),
        consistent_behaviour=st.booleans(),
        behaviour_changes=st.sampled_from(CHANGE_RATES),
        prompt_gets_it=st.booleans(),
        n_examples=n_examples if n_examples is not None else st.integers(0, 5000),
        requests_per_day=st.integers(0, 200_000),
        prompt_tokens=st.integers(0, 8000),
        request_tokens=st.integers(0, 4000),
        answer_tokens=st.integers(1, 1000),
        model=st.sampled_from(["gpt-4o-mini", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4.1", "gpt-4o"]),
        training_cost_usd=training_cost_usd
        if training_cost_usd is not None
        else st.none() | st.floats(0, 500),
    )


def _fine_tuning_likely() -> st.SearchStrategy[Scenario]:
    """Scenarios where fine-tuning is on the table: a stable behaviour with plenty of examples."""
    from hypothesis import strategies as st

    return st.builds(
        dataclasses.replace,
        scenarios(n_examples=st.integers(50, 5000), training_cost_usd=st.floats(0, 200)),
        consistent_behaviour=st.just(True),
        behaviour_changes=st.sampled_from(["never", "yearly", "monthly"]),
    )


def _daily_knowledge() -> dict[str, Any]:
    from hypothesis import strategies as st

    return {"scenario": scenarios(facts=st.sampled_from(["small", "large"]), facts_change=st.just("daily"))}


def _too_few_examples() -> dict[str, Any]:
    from hypothesis import strategies as st

    return {"scenario": scenarios(n_examples=st.integers(0, MIN_EXAMPLES - 1))}


def _fine_tuning_cheaper() -> dict[str, Any]:
    from hypothesis import strategies as st

    return {"scenario": _fine_tuning_likely(), "cheaper_by": st.floats(0, 1, exclude_max=True)}


@pytest.mark.points(
    3,
    task=1,
    hint=(
        "if the knowledge changes daily, a fine-tune alone is always wrong: it is stale tomorrow"
        " (retrieve, maybe as well)"
    ),
)
@replayed(
    "scenario",
    strategies=_daily_knowledge,
    calls=lambda scenario: [_decision_call(scenario)],
    explicit=[
        dict(
            scenario=Scenario(
                "Answer in the house format from today's one-page bulletin",
                facts="small",
                facts_change="daily",
                consistent_behaviour=True,
                prompt_gets_it=False,
                n_examples=200,
                requests_per_day=1000,
                prompt_tokens=1000,
            )
        )
    ],
)
def test_knowledge_that_changes_daily_is_never_fine_tuned_alone(exercise, scenario):
    decision = _decide(exercise, scenario)
    assert decision.approach != "fine-tune", (
        f"the knowledge changes daily, yet you chose 'fine-tune' alone ({decision.reason!r})"
    )


@pytest.mark.points(
    3,
    task=2,
    hint=f"with fewer than {MIN_EXAMPLES} examples a fine-tune is impossible: the API refuses the file",
)
@replayed(
    "scenario",
    strategies=_too_few_examples,
    calls=lambda scenario: [_decision_call(scenario)],
    explicit=[
        dict(
            scenario=Scenario(
                TRIAGE,
                consistent_behaviour=True,
                prompt_gets_it=False,
                n_examples=9,
                requests_per_day=5000,
                prompt_tokens=2000,
            )
        )
    ],
)
def test_fewer_than_ten_examples_never_fine_tune(exercise, scenario):
    decision = _decide(exercise, scenario)
    assert not decision.fine_tunes, f"{scenario.n_examples} examples, yet you chose {decision.approach!r}"


@pytest.mark.points(
    3,
    task=3,
    hint=(
        "making the training cheaper can only make a fine-tune pay sooner:"
        " it must never turn a fine-tune into 'no fine-tune'"
    ),
)
@replayed(
    "scenario",
    "cheaper_by",
    strategies=_fine_tuning_cheaper,
    explicit=[
        dict(
            scenario=Scenario(
                TRIAGE,
                consistent_behaviour=True,
                n_examples=100,
                requests_per_day=100,
                prompt_tokens=1500,
                training_cost_usd=100.0,
            ),
            cheaper_by=0.001,
        )
    ],
)
def test_cheaper_training_never_flips_a_fine_tune_away(exercise, scenario, cheaper_by):
    before = _decide(exercise, scenario)
    if not before.fine_tunes:
        return
    cheaper = dataclasses.replace(scenario, training_cost_usd=scenario.training_cost_usd * cheaper_by)
    after = _decide(exercise, cheaper)
    assert after.fine_tunes, (
        f"you fine-tune at ${scenario.training_cost_usd:.2f} of training but not at"
        f" ${cheaper.training_cost_usd:.2f}: "
        f"cheaper training flipped {before.approach!r} to {after.approach!r}"
    )


@pytest.mark.points(
    1,
    task=4,
    hint=(
        "every scenario gets a Decision, never an error"
        " (check n_examples before you call break_even: no examples, no training cost)"
    ),
)
@replayed(
    "scenario",
    strategies=lambda: {"scenario": scenarios()},
    explicit=[dict(scenario=Scenario(TRIAGE))],
    calls=lambda scenario: [_decision_call(scenario)],
)
def test_every_scenario_gets_a_decision(exercise, scenario):
    _decide(exercise, scenario)

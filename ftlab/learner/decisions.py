"""Exercise 5's vocabulary: a Scenario to decide for, the Decision, and the break-even arithmetic.

The rule that turns a scenario into a decision is the learner's to write (docs/decide.md
explains the reference one); this module only gives both sides the same words and the numbers
behind "does a fine-tune pay for itself within a month?". It holds no answer to any exercise:
the training cost is the scenario's own figure (exercise 3's estimator gives one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ftlab.errors import FtlabError
from ftlab.tokens.models import UnknownModel, resolve_model
from ftlab.tokens.prices import NoPrice, inference_price, request_cost_usd
from ftlab.values import is_finite_number, is_strict_int

#: The four answers to "how should we build this?".
APPROACHES: tuple[str, ...] = ("prompt", "rag", "fine-tune", "rag+fine-tune")
#: How much knowledge the base model lacks: none, a page or two (fits in every prompt), or more.
FACTS: tuple[str, ...] = ("none", "small", "large")
#: How often something changes, from never to every day.
CHANGE_RATES: tuple[str, ...] = ("never", "yearly", "monthly", "weekly", "daily")

#: OpenAI's fine-tuning API refuses a training file with fewer examples than this.
MIN_EXAMPLES = 10
#: Where OpenAI's fine-tuning guide says clear improvements usually start (50 to 100 examples).
USUAL_START_EXAMPLES = 50
#: The system prompt a fine-tuned model still needs: one line, as in the training data.
SHORT_PROMPT_TOKENS = 30
#: "Within a month", in days.
MONTH_DAYS = 30


class BadScenario(FtlabError, ValueError):
    """A scenario field with a value outside its vocabulary or range."""

    def __init__(self, field: str, value: object, expected: str) -> None:
        super().__init__(field, value, expected)
        self.field, self.value, self.expected = field, value, expected

    def __str__(self) -> str:
        return f"Scenario.{self.field} = {self.value!r}: expected {self.expected}"


class BadDecision(FtlabError, ValueError):
    """A decision whose approach is not one of :data:`APPROACHES`, or with no reason."""

    def __init__(self, field: str, value: object, expected: str) -> None:
        super().__init__(field, value, expected)
        self.field, self.value, self.expected = field, value, expected

    def __str__(self) -> str:
        return f"Decision.{self.field} = {self.value!r}: expected {self.expected}"


@dataclass(frozen=True)
class Scenario:
    """A task to build, in the plain facts a decision needs (see docs/decide.md).

    task: what the model must do, in one line.
    facts: knowledge the answers need that the base model lacks (private, niche or newer than
        its training): "none", "small" (a page or two: fits in every prompt) or "large" (a
        manual, a catalogue, a wiki: too much to paste into every request).
    facts_change: how often those facts change, "never" ... "daily" (ignored when facts is "none").
    consistent_behaviour: the win is a consistent style, format or behaviour (a tone of voice,
        a fixed layout, a labelling policy), not knowledge.
    behaviour_changes: how often that wanted style, format or behaviour itself changes.
    prompt_gets_it: a good prompt (instructions plus a few examples), tried on real inputs,
        already gives the wanted behaviour reliably.
    n_examples: good, reviewed examples of the wanted output you have (or could train on).
    requests_per_day: expected traffic.
    prompt_tokens: the instructions and examples the prompt needs to get the behaviour without
        a fine-tune; a fine-tuned model needs only a one-line system prompt instead.
    request_tokens: the part of each request that changes (the email, the question).
    answer_tokens: a typical answer's length.
    model: the model you would use (and fine-tune): a name ``resolve_model`` accepts.
    training_cost_usd: the one-off training cost in dollars (exercise 3's
        ``estimate_training_cost`` gives one), or None when nobody has estimated it yet;
        :func:`break_even` needs it.
    """

    task: str
    facts: str = "none"
    facts_change: str = "never"
    consistent_behaviour: bool = False
    behaviour_changes: str = "never"
    prompt_gets_it: bool = True
    n_examples: int = 0
    requests_per_day: int = 0
    prompt_tokens: int = 0
    request_tokens: int = 300
    answer_tokens: int = 60
    model: str = "gpt-4o-mini"
    training_cost_usd: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.task, str) or not self.task.strip():
            raise BadScenario("task", self.task, "a one-line description of the task")
        _one_of("facts", self.facts, FACTS)
        _one_of("facts_change", self.facts_change, CHANGE_RATES)
        _one_of("behaviour_changes", self.behaviour_changes, CHANGE_RATES)
        for name in ("consistent_behaviour", "prompt_gets_it"):
            if not isinstance(getattr(self, name), bool):
                raise BadScenario(name, getattr(self, name), "True or False")
        for name in ("n_examples", "requests_per_day", "prompt_tokens", "request_tokens", "answer_tokens"):
            value = getattr(self, name)
            if not is_strict_int(value) or value < 0:
                raise BadScenario(name, value, "a whole number >= 0")
        try:
            inference_price(self.model)
        except (UnknownModel, NoPrice) as error:
            raise BadScenario("model", self.model, f"a fine-tunable model with prices ({error})") from None
        cost = self.training_cost_usd
        if cost is not None and (not is_finite_number(cost) or cost < 0):
            raise BadScenario("training_cost_usd", cost, "None or a number of dollars >= 0")


def _one_of(field: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed or not isinstance(value, str):
        raise BadScenario(field, value, "one of " + ", ".join(repr(a) for a in allowed))


@dataclass(frozen=True)
class Decision:
    """The answer for a scenario: one of :data:`APPROACHES` and a short reason a colleague could check."""

    approach: str
    reason: str

    def __post_init__(self) -> None:
        if self.approach not in APPROACHES or not isinstance(self.approach, str):
            raise BadDecision("approach", self.approach, "one of " + ", ".join(repr(a) for a in APPROACHES))
        if not isinstance(self.reason, str) or not self.reason.strip():
            raise BadDecision("reason", self.reason, "a short sentence saying why")

    @property
    def uses_rag(self) -> bool:
        return "rag" in self.approach

    @property
    def fine_tunes(self) -> bool:
        return "fine-tune" in self.approach


@dataclass(frozen=True)
class BreakEven:
    """A fine-tune's one-off cost against what its shorter prompt saves on every request."""

    model: str
    training_cost_usd: float
    prompt_cost_per_request_usd: float
    fine_tuned_cost_per_request_usd: float
    saving_per_request_usd: float
    requests_per_day: int
    requests_to_pay_back: int | None
    days_to_pay_back: float | None
    pays_within_a_month: bool

    def __str__(self) -> str:
        head = (
            f"{self.model}: training ${self.training_cost_usd:,.2f} once; 1,000 requests cost "
            f"${self.prompt_cost_per_request_usd * 1000:,.2f} with the long prompt, "
            f"${self.fine_tuned_cost_per_request_usd * 1000:,.2f} fine-tuned"
        )
        if self.requests_to_pay_back is None:
            return f"{head}: the fine-tuned model saves nothing per request, so it never pays back"
        if self.days_to_pay_back is None:
            return f"{head}: pays back after {self.requests_to_pay_back:,} requests, but there is no traffic"
        verdict = "pays within a month" if self.pays_within_a_month else "does not pay within a month"
        when = f"{self.days_to_pay_back:,.1f} days at {self.requests_per_day:,}/day"
        return f"{head}: pays back after {self.requests_to_pay_back:,} requests, {when} ({verdict})"


def _training_cost(scenario: Scenario) -> float:
    if scenario.training_cost_usd is not None:
        return float(scenario.training_cost_usd)
    if scenario.n_examples < 1:
        raise ValueError("no examples, so nothing to train: a training cost needs n_examples >= 1")
    raise ValueError(
        "this scenario has no training cost (training_cost_usd is None), so there is nothing to"
        " weigh the savings against: exercise 3's estimate_training_cost gives one"
    )


def break_even(scenario: Scenario) -> BreakEven:
    """Does fine-tuning pay? ``scenario.training_cost_usd`` vs the prompt tokens saved per request.

    Requests are priced at published prices; a scenario without a training cost raises ValueError.
    """
    model = resolve_model(scenario.model).name
    long_prompt = request_cost_usd(
        model,
        input_tokens=scenario.prompt_tokens + scenario.request_tokens,
        output_tokens=scenario.answer_tokens,
        fine_tuned=False,
    )
    short_prompt = request_cost_usd(
        model,
        input_tokens=SHORT_PROMPT_TOKENS + scenario.request_tokens,
        output_tokens=scenario.answer_tokens,
        fine_tuned=True,
    )
    return payback(
        model=model,
        training_cost_usd=_training_cost(scenario),
        prompt_cost_per_request_usd=long_prompt,
        fine_tuned_cost_per_request_usd=short_prompt,
        requests_per_day=scenario.requests_per_day,
    )


def payback(
    *,
    model: str,
    training_cost_usd: float,
    prompt_cost_per_request_usd: float,
    fine_tuned_cost_per_request_usd: float,
    requests_per_day: int,
) -> BreakEven:
    """The break-even arithmetic itself: requests and days until the saving covers the training."""
    saving = prompt_cost_per_request_usd - fine_tuned_cost_per_request_usd
    requests = days = None
    if saving > 0:
        requests = max(1, math.ceil(round(training_cost_usd / saving, 6))) if training_cost_usd > 0 else 0
        days = requests / requests_per_day if requests_per_day > 0 else (0.0 if requests == 0 else None)
    return BreakEven(
        model=model,
        training_cost_usd=training_cost_usd,
        prompt_cost_per_request_usd=prompt_cost_per_request_usd,
        fine_tuned_cost_per_request_usd=fine_tuned_cost_per_request_usd,
        saving_per_request_usd=saving,
        requests_per_day=requests_per_day,
        requests_to_pay_back=requests,
        days_to_pay_back=days,
        pays_within_a_month=days is not None and days <= MONTH_DAYS,
    )

"""The challenge's scoreboard: the legs side by side, the simulation notes and the break-even line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ftlab.course.legs import LegResult
from ftlab.course.triage import SIMULATION_NOTE
from ftlab.learner.decisions import payback
from ftlab.tokens.models import resolve_model

COLUMNS = (
    f"{'approach':<11}{'category':>9}{'priority':>9}{'both':>7}{'tokens in':>11}"
    f"{'cost / 1k requests':>20}{'one-off':>10}"
)
CLOSING_NOTES = (
    "- one-off costs leave out your time: writing the prompt, the handbook pages and the training examples",
    "- which would you ship? Weigh quality, cost, effort and how often the policy changes (docs/decide.md)",
)


def render(
    results: Sequence[LegResult],
    *,
    model: str,
    requests_per_day: int,
    skipped: Mapping[str, str] | None = None,
) -> list[str]:
    """The side-by-side table, the simulation notes and the fine-tune's break-even against the prompt."""
    n = results[0].n if results else 0
    lines = [
        f"One task, three ways: Acme Cloud ticket triage on {n} held-out emails "
        f"({resolve_model(model).name} prices)",
        SIMULATION_NOTE,
        "",
        COLUMNS,
    ]
    lines += [row(r) for r in results]
    lines += [f"{name:<11}not run: {reason}" for name, reason in (skipped or {}).items()]
    lines += ["", "Notes:"]
    lines += [f"- {r.name}: {r.note}" for r in results]
    lines += break_even_lines(results, model=model, requests_per_day=requests_per_day)
    lines += CLOSING_NOTES
    return lines


def row(r: LegResult) -> str:
    """One leg's line of the table, under :data:`COLUMNS`."""
    scores = f"{f'{r.category_right}/{r.n}':>9}{f'{r.priority_right}/{r.n}':>9}{f'{r.both_right}/{r.n}':>7}"
    money = f"{f'${r.cost_per_request_usd * 1000:,.3f}':>20}{f'${r.one_off_usd:,.2f}':>10}"
    return f"{r.name:<11}{scores}{r.input_tokens:>11,.0f}{money}"


def break_even_lines(results: Sequence[LegResult], *, model: str, requests_per_day: int) -> list[str]:
    """When the fine-tune's one-off cost pays back against the prompt (none without both legs)."""
    by_name = {r.name: r for r in results}
    if "prompt" not in by_name or "fine-tune" not in by_name:
        return []
    p, f = by_name["prompt"], by_name["fine-tune"]
    even = payback(
        model=model,
        training_cost_usd=f.one_off_usd,
        prompt_cost_per_request_usd=p.cost_per_request_usd,
        fine_tuned_cost_per_request_usd=f.cost_per_request_usd,
        requests_per_day=requests_per_day,
    )
    if even.requests_to_pay_back is None:
        return [
            "- break-even: a fine-tuned request costs no less than a prompted one here, "
            "so the training never pays back"
        ]
    days = (
        f"{even.days_to_pay_back:,.1f} days"
        if even.days_to_pay_back is not None
        else "never, with no traffic"
    )
    return [
        f"- break-even: against the prompt, the fine-tune's ${f.one_off_usd:,.2f} pays back after "
        f"{even.requests_to_pay_back:,} requests: {days} at {requests_per_day:,} a day"
    ]

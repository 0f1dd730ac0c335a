"""The optional challenge: one task done three ways (a prompt, RAG, a fine-tune), scored side by side.

Each *leg* turns an email into a chat request and gets a reply from a responder: a callable
from messages to text. The prompt and RAG legs use the offline keyword responder
(``ftlab.course.responder``); the fine-tune leg takes any responder, by default a model fine-tuned on
the mock API (``mock_fine_tune``). Quality is exact match of the Category and Priority lines
on the held-out set; cost is counted with exercise 3's token counter and published prices.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from openai import OpenAIError

from ftlab.cli.arguments import number
from ftlab.course.decide import payback
from ftlab.course.responder import respond
from ftlab.course.retrieval import Index, read_pages
from ftlab.dataset.jsonl import read_jsonl
from ftlab.dataset.validation import validate_file
from ftlab.tokens.cost import estimate_training_cost
from ftlab.tokens.counting import content_tokens, count_tokens
from ftlab.tokens.models import resolve_model
from ftlab.tokens.prices import request_cost_usd

Messages = list[dict[str, str]]
Responder = Callable[[Messages], str]

#: The good prompt of the prompt leg: instructions, the eight categories and the priority rule.
PROMPT = """You triage Acme Cloud support emails. Reply with exactly three lines: Category, Priority, Summary.

Pick the category from what the customer needs. Categories, with the words that usually give them away:
- billing: invoice, charged, refund, payment, credit card, price, receipt, VAT, plan cost.
- outage: down, outage, unreachable, 503, timing out, slow, delayed, past incident.
- account: log in, password, 2FA, SSO, invitation, member, ownership, username.
- bug: error, broken, does not work, wrong, glitch, typo.
- feature_request: feature, would love, could you add, any chance, suggestion.
- data: import, export, backup, restore, deleted, data loss, GDPR, data residency.
- security: compromised, leaked key, suspicious login, stolen, encryption, SOC 2.
- cancellation: cancel, close account, remove add-on, another provider.

Priority depends on impact, not on the category:
- P1: production down, site down, security incident, data loss.
- P2: blocked, workaround, failing, slow, charged twice, refund.
- P3: question, how do I, feature request, cosmetic, typo.

Summary: one sentence, at most 20 words, plain English, no greeting."""

SIMULATION_NOTE = "All answers come from offline simulations, not from a real model (see the notes below)."


class ChallengeError(Exception):
    """Something the challenge needs is missing or unusable (a file, the mock API)."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(what, reason)
        self.what, self.reason = what, reason

    def __str__(self) -> str:
        return f"{self.what}: {self.reason}"


@dataclass(frozen=True)
class Case:
    """One held-out email and its reference answer's category and priority."""

    email: str
    category: str
    priority: str


@dataclass(frozen=True)
class Leg:
    """One way of doing the task: how a request is built, who answers it, and what it costs."""

    name: str
    model: str
    fine_tuned: bool
    one_off_usd: float
    build: Callable[[str], Messages]
    respond: Responder
    note: str


@dataclass(frozen=True)
class LegResult:
    """How one leg did on the held-out set."""

    name: str
    n: int
    category_right: int
    priority_right: int
    both_right: int
    input_tokens: float
    output_tokens: float
    cost_per_request_usd: float
    one_off_usd: float
    note: str


def parse_reply(text: str) -> tuple[str, str]:
    """The Category and Priority values of a triage reply ("" for a line that is missing)."""
    found: dict[str, str] = {}
    for line in (text or "").splitlines():
        key, colon, value = line.partition(":")
        if colon and key in ("Category", "Priority"):
            found.setdefault(key, value.strip())
    return found.get("Category", ""), found.get("Priority", "")


def read_cases(path: str | os.PathLike[str]) -> list[Case]:
    """The held-out set: each example's last user message and its final answer's labels."""
    cases = []
    for line in read_jsonl(_existing(path)):
        if line.problem is not None or not isinstance(line.record, dict):
            raise ChallengeError(f"{path}, line {line.number}", str(line.problem or "not a training example"))
        messages = line.record.get("messages") or []
        users = [m.get("content", "") for m in messages if isinstance(m, dict) and m.get("role") == "user"]
        answer = messages[-1].get("content", "") if messages and isinstance(messages[-1], dict) else ""
        category, priority = parse_reply(answer)
        if not users or not category or not priority:
            raise ChallengeError(
                f"{path}, line {line.number}",
                "needs a user email and a reference answer with Category and Priority lines",
            )
        cases.append(Case(users[-1], category, priority))
    if not cases:
        raise ChallengeError(str(path), "no held-out examples")
    return cases


def _existing(path: str | os.PathLike[str]) -> Path:
    if not Path(path).is_file():
        raise ChallengeError(str(path), "no such file (run from the ftlab folder, or pass its path)")
    return Path(path)


def prompt_leg(model: str) -> Leg:
    """A good prompt and the keyword responder."""
    return Leg(
        "prompt",
        model,
        False,
        0.0,
        lambda email: [_system(PROMPT), _user(email)],
        respond,
        "the keyword responder (ftlab/course/responder.py) plays the model: it knows only the cue lines of its prompt",
    )


def rag_leg(model: str, docs: str | os.PathLike[str], *, k: int = 2) -> Leg:
    """The good prompt plus the ``k`` handbook pages closest to each email, and the keyword responder."""
    index = Index(read_pages(docs))

    def build(email: str) -> Messages:
        pages = "\n\n".join(page.text.strip() for page in index.search(email, k))
        return [_system(f"{PROMPT}\n\nRelevant pages of the Acme support handbook:\n\n{pages}"), _user(email)]

    return Leg(
        "rag",
        model,
        False,
        0.0,
        build,
        respond,
        f"the same responder, with the {k} pages of {docs} most like each email (TF-IDF) added to its prompt",
    )


def fine_tune_leg(model: str, train: str | os.PathLike[str], answer: Responder, *, note: str) -> Leg:
    """A model fine-tuned on ``train``, asked with the training data's own short system prompt."""
    report = validate_file(_existing(train))
    if not report.ok or report.n_examples == 0:
        raise ChallengeError(
            str(train),
            f"not a usable training file ({len(report.errors)} errors, {report.n_examples} examples): run ftlab validate on it",
        )
    examples = [line.record for line in read_jsonl(train) if line.problem is None]
    system = next((m["content"] for m in examples[0]["messages"] if m.get("role") == "system"), None)
    cost = estimate_training_cost(examples, model).cost_usd
    return Leg(
        "fine-tune",
        model,
        True,
        cost,
        lambda email: ([_system(system)] if system else []) + [_user(email)],
        answer,
        note,
    )


@contextlib.contextmanager
def mock_fine_tune(
    train: str | os.PathLike[str], model: str, *, timeout: float = 60.0
) -> Iterator[Responder]:
    """Fine-tune ``model`` on ``train`` with the mock API on loopback; yields its chat responder."""
    try:
        from ftlab.mock import running_mock
    except ImportError as error:
        raise ChallengeError(
            "the fine-tune leg", f"needs the mock API (ftlab.mock), which this install lacks ({error})"
        ) from None
    with running_mock(seed="challenge") as mock:
        client = mock.client()
        with open(_existing(train), "rb") as stream:
            uploaded = client.files.create(file=stream, purpose="fine-tune")
        job = client.fine_tuning.jobs.create(training_file=uploaded.id, model=resolve_model(model).name)
        deadline = time.monotonic() + timeout
        while job.status not in ("succeeded", "failed", "cancelled"):
            if time.monotonic() > deadline:
                raise ChallengeError(
                    "the fine-tune leg", f"the mock's job {job.id} did not finish within {timeout:g} s"
                )
            time.sleep(0.05)
            job = client.fine_tuning.jobs.retrieve(job.id)
        if job.status != "succeeded" or not job.fine_tuned_model:
            raise ChallengeError(
                "the fine-tune leg", f"the mock's job {job.id} ended {job.status}: {job.error}"
            )
        name = job.fine_tuned_model

        def answer(messages: Messages) -> str:
            try:
                reply = client.chat.completions.create(model=name, messages=messages)  # type: ignore[arg-type]
            except OpenAIError as error:
                raise ChallengeError(
                    "the fine-tune leg", f"the mock API refused a chat request: {error}"
                ) from None
            return reply.choices[0].message.content or ""

        yield answer


def run_leg(leg: Leg, cases: Sequence[Case]) -> LegResult:
    """Ask the leg every held-out email; score its labels and price its requests."""
    right = [0, 0, 0]
    tokens_in = tokens_out = cost = 0.0
    for case in cases:
        messages = leg.build(case.email)
        reply = leg.respond(messages)
        category, priority = parse_reply(reply)
        right[0] += category == case.category
        right[1] += priority == case.priority
        right[2] += category == case.category and priority == case.priority
        n_in, n_out = count_tokens(messages, leg.model), content_tokens({"content": reply}, leg.model)
        tokens_in, tokens_out = tokens_in + n_in, tokens_out + n_out
        cost += request_cost_usd(leg.model, input_tokens=n_in, output_tokens=n_out, fine_tuned=leg.fine_tuned)
    n = len(cases)
    return LegResult(leg.name, n, *right, tokens_in / n, tokens_out / n, cost / n, leg.one_off_usd, leg.note)


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
        f"One task, three ways: Acme Cloud ticket triage on {n} held-out emails ({resolve_model(model).name} prices)",
        SIMULATION_NOTE,
        "",
    ]
    lines.append(
        f"{'approach':<11}{'category':>9}{'priority':>9}{'both':>7}{'tokens in':>11}{'cost / 1k requests':>20}{'one-off':>10}"
    )
    for r in results:
        lines.append(
            f"{r.name:<11}{f'{r.category_right}/{r.n}':>9}{f'{r.priority_right}/{r.n}':>9}{f'{r.both_right}/{r.n}':>7}"
            f"{r.input_tokens:>11,.0f}{f'${r.cost_per_request_usd * 1000:,.3f}':>20}{f'${r.one_off_usd:,.2f}':>10}"
        )
    for name, reason in (skipped or {}).items():
        lines.append(f"{name:<11}not run: {reason}")
    lines += ["", "Notes:"]
    lines += [f"- {r.name}: {r.note}" for r in results]
    by_name = {r.name: r for r in results}
    if "prompt" in by_name and "fine-tune" in by_name:
        p, f = by_name["prompt"], by_name["fine-tune"]
        even = payback(
            model=model,
            training_cost_usd=f.one_off_usd,
            prompt_cost_per_request_usd=p.cost_per_request_usd,
            fine_tuned_cost_per_request_usd=f.cost_per_request_usd,
            requests_per_day=requests_per_day,
        )
        if even.requests_to_pay_back is None:
            lines.append(
                "- break-even: a fine-tuned request costs no less than a prompted one here, so the training never pays back"
            )
        else:
            days = (
                f"{even.days_to_pay_back:,.1f} days"
                if even.days_to_pay_back is not None
                else "never, with no traffic"
            )
            lines.append(
                f"- break-even: against the prompt, the fine-tune's ${f.one_off_usd:,.2f} pays back after {even.requests_to_pay_back:,} requests: {days} at {requests_per_day:,} a day"
            )
    lines.append(
        "- one-off costs leave out your time: writing the prompt, the handbook pages and the training examples"
    )
    lines.append(
        "- which would you ship? Weigh quality, cost, effort and how often the policy changes (docs/decide.md)"
    )
    return lines


def _system(text: str) -> dict[str, str]:
    return {"role": "system", "content": text}


def _user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def add_challenge_parser(subparsers: Any) -> argparse.ArgumentParser:
    """``ftlab challenge``: add the subcommand to the ``ftlab`` command's subparsers."""
    parser = subparsers.add_parser(
        "challenge",
        help="the optional challenge: triage done three ways (prompt, RAG, fine-tune), side by side, offline",
    )
    _add_options(parser)
    return parser


def _add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--train",
        default="data/support_tickets.jsonl",
        help="training file for the fine-tune (default: %(default)s)",
    )
    parser.add_argument(
        "--heldout",
        default="data/support_tickets_heldout.jsonl",
        help="held-out file to score on (default: %(default)s)",
    )
    parser.add_argument(
        "--docs", default="data/challenge", help="folder of .md pages for RAG (default: %(default)s)"
    )
    parser.add_argument(
        "--model",
        default="gpt-4o-mini",
        help="model whose prices are used, and fine-tuned (default: %(default)s)",
    )
    parser.add_argument(
        "--requests-per-day",
        type=number(int, minimum=0),
        default=1000,
        help="traffic for the break-even line (default: %(default)s)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.set_defaults(run=challenge_command)


def challenge_command(args: argparse.Namespace, *, fine_tuned: Responder | None = None) -> int:
    """Run the three legs and print the table (or JSON); 0 when it ran, 2 when an input is unusable."""
    try:
        resolve_model(args.model)
        cases = read_cases(args.heldout)
        legs = [prompt_leg(args.model), rag_leg(args.model, args.docs)]
        results = [run_leg(leg, cases) for leg in legs]
        skipped: dict[str, str] = {}
        with contextlib.ExitStack() as stack:
            answer, note = fine_tuned, "the given fine-tuned responder"
            if answer is None:
                try:
                    answer = stack.enter_context(mock_fine_tune(args.train, args.model))
                    note = "a model fine-tuned on the mock API, which answers with its closest training example's reply"
                except ChallengeError as error:
                    skipped["fine-tune"] = error.reason
            if answer is not None:
                results.append(run_leg(fine_tune_leg(args.model, args.train, answer, note=note), cases))
    except (ChallengeError, ValueError, OSError) as error:
        print(f"ftlab challenge: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(
            json.dumps(
                {"simulated": True, "results": [asdict(r) for r in results], "skipped": skipped}, indent=2
            )
        )
    else:
        print(
            "\n".join(
                render(results, model=args.model, requests_per_day=args.requests_per_day, skipped=skipped)
            )
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ftlab.course.challenge``: the same as ``ftlab challenge``."""
    parser = argparse.ArgumentParser(
        prog="python -m ftlab.course.challenge", description="Triage done three ways, side by side, offline."
    )
    _add_options(parser)
    args = parser.parse_args(argv)
    return challenge_command(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""``ftlab finetune``: Part B of the lab, your own dataset from file to fine-tuned model.

Validate, upload, create a job, follow it event by event, then ask the new model a question.
Against an offline mock it starts by itself unless ``OPENAI_BASE_URL`` names a server on this
machine (a running ``ftlab mock-server``), and against the real API only with ``--real``.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from ftlab.cli.arguments import Subcommands
from ftlab.errors import ExitCode

if TYPE_CHECKING:  # the engine's modules are imported when the command runs, not with ``ftlab``
    import openai

    from ftlab.course.endpoint import Endpoint
    from ftlab.dataset.findings import FileReport

DEFAULT_MODEL = "gpt-4o-mini-2024-07-18"
HELP = (
    "fine-tune on your own dataset: validate, upload, train, wait, then ask the new model "
    "(offline mock unless --real)"
)


def add_finetune_parser(subparsers: Subcommands) -> argparse.ArgumentParser:
    """Add the ``finetune`` command to the ``ftlab`` command's subcommands."""
    parser = subparsers.add_parser(
        "finetune", help=HELP, description=(__doc__ or "").split("\n\n")[1].replace("\n", " ")
    )
    parser.add_argument("dataset", help="your chat-format JSONL training file")
    parser.add_argument(
        "--model", default=DEFAULT_MODEL, help=f"the base model to fine-tune (default {DEFAULT_MODEL})"
    )
    parser.add_argument("--suffix", help="a name to put in the fine-tuned model's name")
    parser.add_argument(
        "--question",
        help="what to ask the new model (default: the first question of "
        "data/support_tickets_heldout.jsonl that the dataset does not ask)",
    )
    parser.add_argument(
        "--real", action="store_true", help="use the real OpenAI API (needs OPENAI_API_KEY; costs money)"
    )
    parser.set_defaults(run=finetune_command)
    return parser


def finetune_command(args: argparse.Namespace) -> int:
    """Run the journey; 0 when the new model answered, 1 when a step failed, 2 when it could not start."""
    from ftlab.course.endpoint import EndpointRefused, choose, unused_key_note
    from ftlab.course.journey import api_for
    from ftlab.dataset.validation import UnusableFile, validate_file

    try:
        chosen = choose(os.environ, real=args.real)
    except EndpointRefused as error:
        print(f"ftlab finetune: {error}", file=sys.stderr)
        return ExitCode.USAGE
    try:
        report = validate_file(args.dataset, model=_countable(args.model))
    except UnusableFile as error:
        print(f"ftlab finetune: {error}", file=sys.stderr)
        return ExitCode.USAGE
    with api_for(chosen) as endpoint:
        print(endpoint.banner)
        note = unused_key_note(os.environ, endpoint)
        if note:
            print(note)
        if not _check(report, args.model):
            return ExitCode.FAILED
        return _run(endpoint, args)


def _countable(model: str) -> str | None:
    """The model to count tokens for, as ``ftlab validate --model`` does (None when ftlab knows none)."""
    from ftlab.tokens.models import UnknownModel, resolve_model

    try:
        return resolve_model(model).name
    except UnknownModel:
        return None


def _check(report: FileReport, model: str) -> bool:
    """Print the validation summary (and every problem); True when the file can be uploaded."""
    from ftlab.course.journey import training_estimate
    from ftlab.dataset.report import render_summary, summary_line

    if not report.ok:
        print("\n".join(render_summary(report)))
        print("Nothing was uploaded: fix the errors above (try ftlab validate), then run this again.")
        return False
    print(f"{report.path}: {summary_line(report)}")
    for line in render_summary(report)[1:-2]:  # its warnings (quality ones too): it has no error
        print(line)
    estimate = training_estimate(report.path, model)
    if estimate is not None:
        print(
            f"Training will bill about {estimate.billed_tokens:,} tokens ({estimate.n_epochs} epochs), "
            f"${estimate.cost_usd:.2f} at OpenAI's price for {estimate.model}"
        )
    return True


def _run(endpoint: Endpoint, args: argparse.Namespace) -> int:
    import openai

    from ftlab.course.finetuning import JobFailed, JobTimedOut
    from ftlab.course.journey import api_message

    job_ids: list[str] = []
    with openai.OpenAI(base_url=endpoint.base_url, api_key=endpoint.api_key) as client:
        try:
            _train_and_ask(client, endpoint, args, job_ids)
            return ExitCode.OK
        except (JobFailed, JobTimedOut) as error:
            print(f"ftlab finetune: {error}", file=sys.stderr)
        except openai.APIStatusError as error:
            print(
                f"ftlab finetune: the API answered {error.status_code}: {api_message(error)}",
                file=sys.stderr,
            )
        except openai.APIConnectionError:
            print(
                f"ftlab finetune: could not reach {endpoint.base_url} (is the server running?)",
                file=sys.stderr,
            )
        except KeyboardInterrupt:
            if job_ids:
                print(f"\nStopped waiting. Job {job_ids[0]} goes on at {endpoint.base_url}.", file=sys.stderr)
            return ExitCode.INTERRUPTED
        return ExitCode.FAILED


def _train_and_ask(
    client: openai.OpenAI, endpoint: Endpoint, args: argparse.Namespace, job_ids: list[str]
) -> None:
    """Upload, train and ask, printing each step; the job's id goes into ``job_ids`` once it exists."""
    from ftlab.course.finetuning import NEAREST_NOTE, ask, follow, heldout_question, submit
    from ftlab.course.journey import PACE, one_line, question_for

    poll, timeout = PACE[endpoint.kind]
    uploaded, job = submit(client, args.dataset, args.model, suffix=args.suffix)
    job_ids.append(job.id)
    print(f"Uploaded {args.dataset} as {uploaded.id} ({uploaded.bytes:,} bytes)")
    print(f"Started fine-tuning job {job.id} on {job.model} (Ctrl+C stops the waiting, not the job)")
    done = follow(client, job.id, poll_seconds=poll, timeout_seconds=timeout, on_event=_show_event)
    print(f"Fine-tuned model: {done.fine_tuned_model}")
    question, system = question_for(args.dataset, args.question or heldout_question(args.dataset))
    print(f"Question: {one_line(question)}")
    answer = ask(client, done.fine_tuned_model, question, system=system)
    if endpoint.kind == "mock":
        print(NEAREST_NOTE)
    print("Answer:\n" + "\n".join(f"  {line}" for line in answer.splitlines() or [""]))


def _show_event(event: Any) -> None:
    from ftlab.course.journey import worth_a_line

    if worth_a_line(event):
        print(f"  {event.message}", flush=True)

"""``ftlab finetune``: Part B of the lab, your own dataset from file to fine-tuned model.

Validate, upload, create a job, follow it event by event, then ask the new model a question.
Against an offline mock it starts by itself unless ``OPENAI_BASE_URL`` names a server on this
machine (a running ``ftlab mock-server``), and against the real API only with ``--real``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

from ftlab.course.endpoint import LOCAL_KEY, Endpoint, EndpointRefused, choose, unused_key_note
from ftlab.dataset.jsonl import read_jsonl
from ftlab.dataset.validation import UnusableFile, validate_file

DEFAULT_MODEL = "gpt-4o-mini-2024-07-18"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
#: Seconds between polls and the most to wait: an in-process mock (done in a fraction of a second),
#: a server on this machine (maybe ``ftlab mock-server --backend lora``: a real run of minutes),
#: the real API (minutes to hours).
PACE = {"mock": (0.02, 60.0), "local": (0.5, 6 * 3600.0), "real": (15.0, 6 * 3600.0)}
METRIC_LINES = 10  # step lines shown per job (the rest are counted, not printed)
HELP = "fine-tune on your own dataset: validate, upload, train, wait, then ask the new model (offline mock unless --real)"


def add_finetune_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """Add the ``finetune`` command to an argparse subparsers object."""
    parser = subparsers.add_parser(
        "finetune", help=HELP, description=__doc__.split("\n\n")[1].replace("\n", " ")
    )
    parser.add_argument("dataset", help="your chat-format JSONL training file")
    parser.add_argument(
        "--model", default=DEFAULT_MODEL, help=f"the base model to fine-tune (default {DEFAULT_MODEL})"
    )
    parser.add_argument("--suffix", help="a name to put in the fine-tuned model's name")
    parser.add_argument(
        "--question", help="what to ask the new model (default: the first example's question)"
    )
    parser.add_argument(
        "--real", action="store_true", help="use the real OpenAI API (needs OPENAI_API_KEY; costs money)"
    )
    parser.set_defaults(run=finetune_command)
    return parser


def finetune_command(args: argparse.Namespace) -> int:
    try:
        chosen = choose(os.environ, real=args.real)
    except EndpointRefused as error:
        print(f"ftlab finetune: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = validate_file(args.dataset)
    except UnusableFile as error:
        print(f"ftlab finetune: {error}", file=sys.stderr)
        return EXIT_USAGE
    with _endpoint(chosen) as endpoint:
        print(endpoint.banner)
        note = unused_key_note(os.environ, endpoint)
        if note:
            print(note)
        if not _check(report, args.model):
            return EXIT_FAILED
        return _run(endpoint, args)


@contextlib.contextmanager
def _endpoint(chosen: Endpoint | None) -> Iterator[Endpoint]:
    if chosen is not None:
        yield chosen
        return
    from ftlab.mock import MockServer

    with MockServer() as server:
        yield Endpoint(server.base_url, LOCAL_KEY, "mock")


def _check(report: Any, model: str) -> bool:
    """Print the validation summary (and every problem); True when the file can be uploaded."""
    from ftlab.cli.main import render_report

    lines = render_report(report)
    if not report.ok:
        print("\n".join(lines))
        print("Nothing was uploaded: fix the errors above (try ftlab validate), then run this again.")
        return False
    print(f"{report.path}: {lines[-2]}")
    estimate = _estimate(report.path, model)
    if estimate is not None:
        print(
            f"Training will bill about {estimate.billed_tokens:,} tokens ({estimate.n_epochs} epochs), "
            f"${estimate.cost_usd:.2f} at OpenAI's price for {estimate.model}"
        )
    return True


def _estimate(path: str, model: str) -> Any:
    from ftlab.tokens.cost import estimate_training_cost
    from ftlab.tokens.models import UnknownModel

    try:
        return estimate_training_cost((line.record for line in read_jsonl(path) if line.parsed), model)
    except (UnknownModel, ValueError):
        return None  # a model the engine has no price for: the API will say whether it exists


def _run(endpoint: Endpoint, args: argparse.Namespace) -> int:
    import openai

    from ftlab.course.finetuning import JobFailed, JobTimedOut, ask, follow, submit

    poll, timeout = PACE[endpoint.kind]
    job_id = None
    with openai.OpenAI(base_url=endpoint.base_url, api_key=endpoint.api_key) as client:
        try:
            uploaded, job = submit(client, args.dataset, args.model, suffix=args.suffix)
            job_id = job.id
            print(f"Uploaded {args.dataset} as {uploaded.id} ({uploaded.bytes:,} bytes)")
            print(f"Started fine-tuning job {job.id} on {job.model} (Ctrl+C stops the waiting, not the job)")
            done = follow(client, job.id, poll_seconds=poll, timeout_seconds=timeout, on_event=_show_event)
            print(f"Fine-tuned model: {done.fine_tuned_model}")
            question, system = _question(args)
            print(f"Question: {_one_line(question)}")
            answer = ask(client, done.fine_tuned_model, question, system=system)
            print("Answer:\n" + "\n".join(f"  {line}" for line in answer.splitlines() or [""]))
            return EXIT_OK
        except (JobFailed, JobTimedOut) as error:
            print(f"ftlab finetune: {error}", file=sys.stderr)
            return EXIT_FAILED
        except openai.APIStatusError as error:
            print(
                f"ftlab finetune: the API answered {error.status_code}: {_api_message(error)}",
                file=sys.stderr,
            )
            return EXIT_FAILED
        except openai.APIConnectionError:
            print(
                f"ftlab finetune: could not reach {endpoint.base_url} (is the server running?)",
                file=sys.stderr,
            )
            return EXIT_FAILED
        except KeyboardInterrupt:
            if job_id:
                print(f"\nStopped waiting. Job {job_id} goes on at {endpoint.base_url}.", file=sys.stderr)
            return EXIT_INTERRUPTED


def _show_event(event: Any) -> None:
    data = event.data or {}
    if event.type == "metrics" and isinstance(data, dict):
        step, total = data.get("step", 0), data.get("total_steps", 0)
        if total and step != total and step % max(1, total // METRIC_LINES):
            return
    print(f"  {event.message}", flush=True)


def _question(args: argparse.Namespace) -> tuple[str, str | None]:
    """The question to ask and the system prompt to send with it (the dataset's first one)."""
    question, system = args.question, None
    for line in read_jsonl(args.dataset):
        if line.parsed and isinstance(line.record, dict):
            messages = [m for m in line.record.get("messages", []) if isinstance(m, dict)]
            system = next((m.get("content") for m in messages if m.get("role") == "system"), None)
            if question is None:
                question = next(
                    (m.get("content") for m in reversed(messages) if m.get("role") == "user"), None
                )
            break
    return (question or "Hello!"), system


def _one_line(text: str, width: int = 100) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def _api_message(error: Any) -> str:
    body = error.body if isinstance(error.body, dict) else {}
    return str(body.get("message") or error.message)

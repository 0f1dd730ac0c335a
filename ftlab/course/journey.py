"""Part B's journey, from your dataset to a fine-tuned model: the API to use, the pace, the question.

``ftlab finetune`` (``ftlab.cli.finetune``) prints it; this module holds what it decides: which API
to talk to (an offline mock started here unless one was chosen), how often to poll it, what training
will cost, which events are worth a line, and what to ask the new model.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from ftlab.course.endpoint import LOCAL_KEY, Endpoint
from ftlab.dataset.jsonl import read_jsonl
from ftlab.tokens.cost import CostEstimate, estimate_training_cost
from ftlab.tokens.models import UnknownModel

#: Seconds between polls and the most to wait: an in-process mock (done in a fraction of a second),
#: a server on this machine (maybe ``ftlab mock-server --backend lora``: a real run of minutes),
#: the real API (minutes to hours).
PACE = {"mock": (0.02, 60.0), "local": (0.5, 6 * 3600.0), "real": (15.0, 6 * 3600.0)}
METRIC_LINES = 10  # step lines shown per job (the rest are counted, not printed)
DEFAULT_QUESTION = "Hello!"


@contextlib.contextmanager
def api_for(chosen: Endpoint | None) -> Iterator[Endpoint]:
    """The chosen API, or an offline mock on loopback for as long as the block runs."""
    if chosen is not None:
        yield chosen
        return
    from ftlab.mock import MockServer

    with MockServer() as server:
        yield Endpoint(server.base_url, LOCAL_KEY, "mock")


def training_estimate(path: str, model: str) -> CostEstimate | None:
    """What training on ``path`` will bill, or None for a model the engine has no price for."""
    try:
        return estimate_training_cost((line.record for line in read_jsonl(path) if line.parsed), model)
    except (UnknownModel, ValueError):
        return None  # the API will say whether the model exists


def worth_a_line(event: Any) -> bool:
    """True for every event but most step lines: about ``METRIC_LINES`` of them per job, and the last."""
    data = event.data or {}
    if event.type == "metrics" and isinstance(data, dict):
        step, total = data.get("step", 0), data.get("total_steps", 0)
        if total and step != total and step % max(1, total // METRIC_LINES):
            return False
    return True


def question_for(path: str, question: str | None) -> tuple[str, str | None]:
    """The question to ask (``question``, else the dataset's first) and the first example's system prompt."""
    system = None
    for line in read_jsonl(path):
        if line.parsed and isinstance(line.record, dict):
            messages = [m for m in line.record.get("messages", []) if isinstance(m, dict)]
            system = next((m.get("content") for m in messages if m.get("role") == "system"), None)
            if question is None:
                question = next(
                    (m.get("content") for m in reversed(messages) if m.get("role") == "user"), None
                )
            break
    return (question or DEFAULT_QUESTION), system


def one_line(text: str, width: int = 100) -> str:
    """``text`` on one line, cut to ``width`` characters with "..." when longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def api_message(error: Any) -> str:
    """What an ``openai.APIStatusError`` says: the API's own message when its body has one."""
    body = error.body if isinstance(error.body, dict) else {}
    return str(body.get("message") or error.message)

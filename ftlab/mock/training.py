"""What a fine-tuning job learns from its file: the engine's validation, token count and epochs.

This is the mock's door into the engine: the same rules as ``ftlab validate``
(:func:`ftlab.dataset.validation.validate_file`), the same counter as exercise 3
(:func:`ftlab.tokens.counting.count_tokens`), and the same epochs and billed tokens (capped at the
model's training context) as the cost estimate (:func:`ftlab.tokens.cost.estimate_from_token_counts`).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from ftlab.dataset.formats import PREFERENCE
from ftlab.dataset.jsonl import read_jsonl
from ftlab.dataset.validation import validate_file
from ftlab.errors import FtlabError
from ftlab.tokens.cost import estimate_from_token_counts, resolve_epochs
from ftlab.tokens.counting import UncountableMessages, count_tokens
from ftlab.tokens.models import UnknownModel, resolve_model

#: OpenAI refuses a training file with fewer examples than this.

_WHERE = re.compile(r"^messages\[\d+\](?: \([^)]*\))?: ")


class UnknownBaseModel(FtlabError):
    """The model cannot be fine-tuned (the engine does not know it)."""


def base_model(name: str) -> str:
    """The snapshot a job on ``name`` trains (``gpt-4o-mini`` -> ``gpt-4o-mini-2024-07-18``)."""
    try:
        return resolve_model(name).name
    except UnknownModel:
        raise UnknownBaseModel(name) from None


@dataclass(frozen=True)
class JobError:
    """Why a job failed, as the job object's ``error`` field shows it."""

    code: str
    message: str
    param: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "param": self.param}

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass(frozen=True)
class Dataset:
    """A file that passed validation: its examples and each one's token count for the job's model."""

    model: str
    examples: tuple[tuple[dict[str, Any], ...], ...]
    token_counts: tuple[int, ...]

    @property
    def n_examples(self) -> int:
        return len(self.examples)

    def trained_tokens(self, n_epochs: int) -> int:
        """Billed tokens for ``n_epochs``: each example capped at the model's training context."""
        return estimate_from_token_counts(self.token_counts, self.model, n_epochs).billed_tokens


def inspect_file(data: bytes, model: str, *, param: str = "training_file") -> Dataset | JobError:
    """Validate an uploaded file with the engine's rules and count its tokens for ``model``.

    The last few answers are remembered by content, so jobs re-run on the same file start at once;
    a check of the same content already under way is waited for, not run a second time beside it
    (checks run in threads of their own, and a grader starts one job per check on the same file).
    """
    key = (hashlib.sha256(data).hexdigest(), model, param)
    with _cache_lock:
        running = _running.setdefault(key, threading.Lock())
    with running:
        with _cache_lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
        try:
            outcome = _inspect(data, model, param)
        except BaseException:
            with _cache_lock:
                _running.pop(key, None)
            raise
        with _cache_lock:
            _cache[key] = outcome
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
            _running.pop(key, None)
    return outcome


_CACHE_SIZE = 8
_cache: OrderedDict[tuple[str, str, str], Dataset | JobError] = OrderedDict()
_cache_lock = threading.Lock()
#: a lock per content being checked now: held by the thread checking it
_running: dict[tuple[str, str, str], threading.Lock] = {}


def _inspect(data: bytes, model: str, param: str) -> Dataset | JobError:
    with _on_disk(data) as path:
        report = validate_file(path, model=model)
        if report.errors:
            return _format_error(report.errors[0].line, report.errors[0].problem, param)
        refused = next((p for p in report.file_problems if p.is_error), None)
        if refused is not None:
            # The engine words file-level refusals as OpenAI does ("Training file has 7 example(s), ...").
            return JobError(refused.code, refused.message, param)
        if report.format == PREFERENCE:
            return JobError(
                "invalid_training_file",
                "The job failed due to an invalid training file. "
                "This file is in the preference (DPO) format; this offline API trains supervised jobs only.",
                param,
            )
        # validated above: every line read is an object with its messages
        records = [cast("dict[str, Any]", line.record) for line in read_jsonl(path) if line.parsed]
        examples = tuple(tuple(record["messages"]) for record in records)
    try:  # validated with the model above, so every example counts; this is a second guard
        counts = tuple(count_tokens(list(messages), model) for messages in examples)
    except UncountableMessages as exc:
        return JobError(f"invalid_{param}", f"The job failed due to an invalid file. {exc}", param)
    return Dataset(model, examples, counts)


def epochs_for(n_examples: int, requested: int | str) -> int:
    """The epochs a job trains for: the one asked for, or the engine's automatic rule."""
    return resolve_epochs(requested, n_examples)


def batch_size_for(n_examples: int, requested: int | str | None) -> int:
    """The batch size: the one asked for, or about 0.2% of the examples (1 to 256), as OpenAI picks."""
    if isinstance(requested, int):
        return requested
    return max(1, min(256, round(n_examples * 0.002)))


def total_steps(n_examples: int, batch_size: int, n_epochs: int) -> int:
    return math.ceil(n_examples / batch_size) * n_epochs


def _format_error(line: int, problem: Any, param: str) -> JobError:
    kind = "training" if param == "training_file" else "validation"
    text = problem.message
    if problem.message_index is not None:
        where = f"Example {line}, message {problem.message_index + 1}"
        text = _WHERE.sub("", text)
    else:
        where = f"Example {line}"
    return JobError(
        f"invalid_{param}",
        f"The job failed due to an invalid {kind} file. Invalid file format. {where}: {text}",
        param,
    )


@contextmanager
def _on_disk(data: bytes) -> Iterator[str]:
    handle, path = tempfile.mkstemp(prefix="ftlab-mock-", suffix=".jsonl")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        yield path
    finally:
        os.unlink(path)

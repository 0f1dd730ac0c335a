"""A validated training file as token ids and labels: assistant turns learn, everything else is -100."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from ftlab.dataset.findings import FileReport
from ftlab.dataset.jsonl import read_jsonl
from ftlab.dataset.validation import UnusableFile, validate_file
from ftlab.lora.errors import (
    DatasetRefused,
    DatasetUnreadable,
    ExampleTooLong,
    NothingToTrain,
    TemplateMismatch,
)
from ftlab.lora.template import SpanNotFound, render

IGNORE = -100  # the label PyTorch's cross-entropy skips


@dataclass(frozen=True)
class TokenizedExample:
    """One training example: its line in the file, its token ids, and a label per token (-100 = no loss)."""

    line: int
    input_ids: list[int]
    labels: list[int]

    @property
    def n_trained(self) -> int:
        return sum(label != IGNORE for label in self.labels)

    def features(self) -> dict[str, list[int]]:
        return {
            "input_ids": self.input_ids,
            "attention_mask": [1] * len(self.input_ids),
            "labels": self.labels,
        }


@dataclass(frozen=True)
class TokenizedDataset:
    """The examples to train on, and the lines skipped because none of their turns is trained."""

    path: str
    examples: list[TokenizedExample]
    skipped: list[int]

    @property
    def n_tokens(self) -> int:
        return sum(len(e.input_ids) for e in self.examples)

    @property
    def n_trained(self) -> int:
        return sum(e.n_trained for e in self.examples)


def check_dataset(path: str | os.PathLike[str]) -> FileReport:
    """Run the engine's dataset rules; raise :class:`DatasetRefused` when the file has any error."""
    try:
        report = validate_file(path)
    except UnusableFile as error:
        raise DatasetUnreadable(error.path, error.reason) from None
    if report.errors:  # errors on a line; the file-level rules are the hosted API's (10 examples at least)
        raise DatasetRefused(report)
    return report


def tokenize_record(tokenizer: Any, record: Mapping[str, Any]) -> tuple[list[int], list[int]]:
    """Token ids of a record through the chat template, and labels that keep only trained assistant turns."""
    rendering = render(tokenizer, record)
    encoding = tokenizer(rendering.text, add_special_tokens=False, return_offsets_mapping=True)
    ids = list(encoding["input_ids"])
    return ids, label_tokens(ids, encoding["offset_mapping"], rendering.spans)


def label_tokens(
    ids: Sequence[int], offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]
) -> list[int]:
    """Each token's own id when it starts inside a trained span, else -100."""
    return [
        token if any(start <= offset[0] < end for start, end in spans) else IGNORE
        for token, offset in zip(ids, offsets, strict=True)
    ]


def tokenize_dataset(path: str | os.PathLike[str], tokenizer: Any, *, max_length: int) -> TokenizedDataset:
    """Tokenize every example of an already validated file; refuse examples longer than ``max_length``."""
    examples: list[TokenizedExample] = []
    skipped: list[int] = []
    too_long: list[tuple[int, int]] = []
    for line in read_jsonl(path):
        if not line.parsed:
            continue
        try:
            # The file passed the dataset rules, so every parsed line is a record object.
            ids, labels = tokenize_record(tokenizer, cast(Mapping[str, Any], line.record))
        except SpanNotFound as error:
            raise TemplateMismatch(str(path), line.number, str(error)) from None
        except Exception as error:  # noqa: BLE001 - jinja's TemplateError, or a template's own raise_exception
            raise TemplateMismatch(
                str(path), line.number, f"the model's chat template refuses this conversation: {error}"
            ) from None
        if len(ids) > max_length:
            too_long.append((line.number, len(ids)))
        elif all(label == IGNORE for label in labels):
            skipped.append(line.number)
        else:
            examples.append(TokenizedExample(line.number, ids, labels))
    if too_long:
        raise ExampleTooLong(str(path), max_length, too_long)
    if not examples:
        raise NothingToTrain(str(path))
    return TokenizedDataset(str(path), examples, skipped)

"""The quality pass over a whole file: every chat example fed to each check, then their warnings.

Memory stays O(examples), never O(file): per example, a few digests, lengths and line numbers,
an interned answer shape, and (past ``similarity.EXACT_LIMIT`` examples) a 256-byte MinHash
signature with its band keys; never the records, never a pairwise matrix. Past that limit the
examples' texts wait in batches of ``_BATCH`` (or fewer, holding ``_BATCH_CHARS`` characters of
inputs and answers) to be normalised, hashed and scanned together in numpy
(:mod:`ftlab.dataset.quality.texts`, :mod:`ftlab.dataset.quality.scans`); up to it, one at a time
in Python (no numpy import).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from types import ModuleType

from ftlab.dataset.jsonl import read_jsonl
from ftlab.dataset.quality import labels
from ftlab.dataset.quality.conflicts import SameInputs, near_warnings
from ftlab.dataset.quality.drift import Answer, FormatDrift
from ftlab.dataset.quality.duplicates import ExactDuplicates
from ftlab.dataset.quality.examples import (
    ChatExample,
    Parts,
    chat_parts,
    example_key,
    input_key,
    system_key,
)
from ftlab.dataset.quality.outliers import Lengths
from ftlab.dataset.quality.overlap import overlap_warnings
from ftlab.dataset.quality.prompts import SystemPrompts
from ftlab.dataset.quality.results import QualityReport, QualityWarning
from ftlab.dataset.quality.secrets import SecretFinder
from ftlab.dataset.quality.similarity import NearInputs

#: Past ``similarity.EXACT_LIMIT`` examples, inputs are normalised this many at a time (numpy's
#: work per batch is a few dozen calls: 1,024 costs 10% less time than 256, and as little memory),
#: or as many as hold ``_BATCH_CHARS`` characters of inputs and answers (numpy's arrays take some 40
#: bytes per character, and both are scanned).
_BATCH = 1024
_BATCH_CHARS = 1 << 20


@dataclass
class Assessor:
    """Takes a file's records one at a time (``add``) and reports on them (``report``)."""

    examples: int = 0
    _exact: ExactDuplicates = field(default_factory=ExactDuplicates)
    _inputs: SameInputs = field(default_factory=SameInputs)
    _near: NearInputs = field(default_factory=NearInputs)
    _drift: FormatDrift = field(default_factory=FormatDrift)
    _prompts: SystemPrompts = field(default_factory=SystemPrompts)
    _lengths: Lengths = field(default_factory=Lengths)
    _secrets: SecretFinder = field(default_factory=SecretFinder)
    _texts: ModuleType | None = None
    _scans: ModuleType | None = None
    #: The examples waiting for their batch (past ``similarity.EXACT_LIMIT``): their parts (system
    #: prompt, input, answers, as ``chat_parts`` gives them) and, apart, their lines.
    _batch: list[Parts] = field(default_factory=list)
    _batch_lines: list[int] = field(default_factory=list)
    _batch_chars: int = 0

    def add(self, line: int, record: object) -> None:
        """Assess the record of a 1-based line (anything but a chat record is skipped)."""
        parts = chat_parts(record)
        if parts is None:
            return
        self.examples += 1
        if self._texts is not None:  # kept as it is, a batch's columns are taken at once
            self._batch.append(parts)
            self._batch_lines.append(line)
            self._batch_chars += len(parts[1]) + sum(map(len, parts[2]))
            if self._batch_chars >= _BATCH_CHARS or len(self._batch) >= _BATCH:
                self._settle()
            return
        system, prompt, answers = parts
        key = system_key(system)
        self._prompts.add(line, system, key)
        self._drift.add(line, answers)
        self._lengths.add(line, prompt, answers)
        self._keyed(ChatExample(line, system, prompt, answers))
        if self._near.estimating:  # past similarity.EXACT_LIMIT: inputs normalised a batch at a time
            from ftlab.dataset.quality import scans, texts

            self._texts, self._scans = texts, scans

    def _keyed(self, example: ChatExample) -> None:
        self._secrets.add(example)
        self._exact.add(example)
        self._inputs.add(example)
        self._near.add(example.line, example.prompt_words or [], example.prompt_key)

    def _settle(self) -> None:
        """Give the examples waiting for their input's digest and signature theirs, all at once."""
        if not self._batch or self._texts is None or self._scans is None:
            return
        lines = self._batch_lines
        systems, prompts, answers = zip(*self._batch, strict=True)
        self._batch, self._batch_lines, self._batch_chars = [], [], 0
        system_keys = self._prompts.add_batch(lines, systems)
        self._drift.add_batch(lines, answers)
        self._lengths.add_batch(lines, prompts, answers)
        said = list(chain.from_iterable(answers))  # inputs and answers are encoded and scanned apart
        raw, keys, counts, signature, answer_keys = self._texts.batch_digests(prompts, answers, said)
        hints = self._scans.secret_hints([*prompts, *said], raw, cut=len(prompts))
        self._secrets.add_batch(lines, systems, prompts, answers, self._scans.example_hints(hints, answers))
        self._exact.add_batch(lines, list(map(example_key, system_keys, keys, answer_keys)))
        self._inputs.add_batch(lines, list(map(input_key, system_keys, keys)), answer_keys)
        near = [index for index, count in enumerate(counts.tolist()) if count]
        self._near.add_signatures([lines[i] for i in near], [keys[i] for i in near], signature)

    def report(self, validation: Sequence[object | None] | None = None) -> QualityReport:
        """Every warning, in order of the first line each is about."""
        self._settle()
        usual, share = self._drift.dominant()
        in_shape = [answer for answer in self._drift.answers if answer.shape == usual]
        positions = labels.label_positions(usual, in_shape)
        counts = labels.label_counts(in_shape, usual, positions[0] if positions else None)
        last: dict[int, Answer] = {answer.line: answer for answer in self._drift.answers}
        found: list[QualityWarning] = [
            *self._exact.warnings(),
            *self._inputs.warnings(last, positions),
            *near_warnings(self._near.pairs(), last, positions),
            *self._drift.warnings(),
            *self._prompts.warnings(),
            *self._lengths.warnings(),
            *labels.imbalance_warnings(in_shape, usual, positions[0] if positions else None, counts),
            *self._secrets.warnings(),
        ]
        if validation is not None:
            found += overlap_warnings(validation, self._exact, self._inputs, self._near)
        found.sort(key=lambda w: (w.lines[0] if w.lines else 0, w.code))
        return QualityReport(
            warnings=tuple(found),
            examples=self.examples,
            dominant_format=usual.describe() if usual is not None else "",
            format_share=share,
            system_prompts=self._prompts.distinct,
            labels=counts,
        )


def assess(
    records: Sequence[object | None], *, validation: Sequence[object | None] | None = None
) -> QualityReport:
    """The quality of a file's records (``records[i]`` is line i+1's parsed JSON, None when unreadable).

    ``validation`` holds the records of a validation file, checked for overlap with the training
    records. Only chat records are assessed; anything else is skipped, and this never raises.
    """
    assessor = Assessor()
    for index, record in enumerate(records):
        if record is not None:
            assessor.add(index + 1, record)
    return assessor.report(validation)


def assess_file(
    path: str | os.PathLike[str], *, validation: str | os.PathLike[str] | None = None
) -> QualityReport:
    """The quality of a JSONL file's records (lines that do not parse are skipped)."""
    assessor = Assessor()
    for line in read_jsonl(path):
        if line.parsed:
            assessor.add(line.number, line.record)
    held_out = None
    if validation is not None:
        held_out = [line.record if line.parsed else None for line in read_jsonl(validation)]
    return assessor.report(held_out)

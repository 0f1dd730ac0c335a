"""What can stop a LoRA run, each as a small value with a sentence a learner can act on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ftlab.errors import FtlabError

if TYPE_CHECKING:  # a hint only: ``ftlab train-lora``'s parser loads this module, the validator need not
    from ftlab.dataset.findings import FileReport

INSTALL_HINT = "install with pip install -e '.[train]' (adds torch, transformers, accelerate, peft)"
_SHOWN = 10


class LoraError(FtlabError):
    """Base class: a LoRA run refused or failed for a reason the learner can fix."""


@dataclass
class MissingExtra(LoraError):
    """A library of the optional ``train`` extra cannot be imported."""

    module: str
    reason: str = ""

    def __str__(self) -> str:
        why = f" ({self.reason})" if self.reason else ""
        return (
            f"the local LoRA path needs the optional 'train' extra, but {self.module!r} cannot be "
            f"imported{why}; {INSTALL_HINT}"
        )


@dataclass
class DatasetRefused(LoraError):
    """The engine's dataset rules found errors: nothing is trained on a bad file."""

    report: FileReport

    def __str__(self) -> str:
        errors = self.report.errors
        lines = [
            f"{self.report.path}: {len(errors)} error(s); fix them before training "
            "(ftlab validate shows the full report):"
        ]
        lines += [f"  line {p.line}: {p.problem}" for p in errors[:_SHOWN]]
        if len(errors) > _SHOWN:
            lines.append(f"  ... and {len(errors) - _SHOWN} more")
        return "\n".join(lines)


@dataclass
class DatasetUnreadable(LoraError):
    """The training file cannot be opened at all."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class ModelNotLoadable(LoraError):
    """The base model (or its tokenizer) cannot be found or loaded."""

    model: str
    reason: str

    def __str__(self) -> str:
        return (
            f"cannot load model {self.model!r}: {self.reason}. Point --model at a local folder holding "
            "config.json, the tokenizer files and the weights (for example one made on a connected "
            "machine with "
            f"`hf download {self._hub_id()} --local-dir ./models/{self._hub_id().rsplit('/', 1)[-1]}`), "
            "or at a Hugging Face hub id that is already in your cache"
        )

    def _hub_id(self) -> str:
        return (
            self.model
            if self.model.count("/") == 1 and not self.model.startswith((".", "/", "~"))
            else "HuggingFaceTB/SmolLM2-135M-Instruct"
        )


@dataclass
class ExampleTooLong(LoraError):
    """Examples whose tokens do not fit the context: training would cut off their answers."""

    path: str
    limit: int
    lines: Sequence[tuple[int, int]]  # (line number, token count)

    def __str__(self) -> str:
        shown = ", ".join(f"line {line} ({n} tokens)" for line, n in self.lines[:_SHOWN])
        more = f" and {len(self.lines) - _SHOWN} more" if len(self.lines) > _SHOWN else ""
        return (
            f"{self.path}: {len(self.lines)} example(s) longer than the {self.limit}-token limit: "
            f"{shown}{more}; shorten or split them (or raise --max-length, up to the model's context)"
        )


@dataclass
class PromptTooLong(LoraError):
    """A conversation to answer that leaves no room in the model's context for a reply."""

    tokens: int
    limit: int

    def __str__(self) -> str:
        return (
            f"the conversation is {self.tokens} tokens, but the model's context is {self.limit}: "
            "shorten it to leave room for a reply"
        )


@dataclass
class TemplateMismatch(LoraError):
    """The model's chat template cannot show which tokens belong to an assistant turn."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: line {self.line}: {self.reason}"


@dataclass
class NothingToTrain(LoraError):
    """No example has an assistant turn with weight 1, so there is no token to learn from."""

    path: str

    def __str__(self) -> str:
        return (
            f"{self.path}: no example has an assistant turn to train on (every assistant turn has weight 0)"
        )


@dataclass
class OutputTaken(LoraError):
    """The adapter folder exists and holds something that is not an adapter: it is never overwritten."""

    path: str

    def __str__(self) -> str:
        return f"{self.path} exists and is not an empty folder or an earlier adapter; choose another --out"


@dataclass
class TrainingFailed(LoraError):
    """Training started but could not finish (out of memory, a diverging loss); nothing was saved."""

    reason: str

    def __str__(self) -> str:
        return f"training failed, nothing was saved: {self.reason}"

"""The challenge's legs on a small open model on this machine: asked as it is, and through a LoRA adapter.

The model is loaded the way ``ftlab train-lora`` loads it (a folder, or a hub id from the cache,
downloaded when online), and the adapter is trained by the same code
(:meth:`ftlab.lora.backend.LoraBackend.train`, which runs :func:`ftlab.lora.trainer.train_adapter`),
printing its progress. Nothing here imports torch until an engine is made.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ftlab.course.leg_cache import file_digest, folder_stamp
from ftlab.course.legs import Messages, Responder
from ftlab.lora.extra import require
from ftlab.lora.settings import TrainSettings
from ftlab.lora.trainer import METADATA

#: A triage reply is three short lines; this leaves room for them and cuts off a rambling model.
MAX_TOKENS = 64


class LocalEngine:
    """A base model on this machine that answers chat requests, with or without a LoRA adapter."""

    kind = "local"

    def __init__(
        self,
        model: str,
        *,
        settings: TrainSettings | None = None,
        max_tokens: int = MAX_TOKENS,
        offline: bool | None = None,
        log: Callable[[str], None] = print,
    ) -> None:
        """Check the ``train`` extra (:class:`MissingExtra` without it) and find the model's folder."""
        require()
        from ftlab.lora.backend import LoraBackend
        from ftlab.lora.model import model_folder

        self.model, self.max_tokens, self.log = model, max_tokens, log
        self.settings = settings or TrainSettings()
        self.folder = model_folder(model, offline=offline, log=log)
        self.backend = LoraBackend(model, settings=self.settings, offline=offline, log=log)
        self._warm: set[str | None] = set()

    def identity(self) -> dict[str, Any]:
        """What the prompt and RAG legs' answers depend on: the model's files and the reply length."""
        return {
            "kind": self.kind,
            "model": self.model,
            "files": folder_stamp(self.folder),
            "max_tokens": self.max_tokens,
        }

    def label(self) -> str:
        return f"{self.model}, a local model on this machine"

    def answer(self) -> Responder:
        """The base model's responder (loaded before it is returned, so no request pays for the loading)."""
        return self._responder(None)

    def fine_tune_identity(self, train: str | os.PathLike[str]) -> dict[str, Any]:
        """What the adapter depends on: the base model, the training file's bytes and the settings."""
        return {
            "kind": self.kind,
            "model": self.model,
            "files": folder_stamp(self.folder),
            "train": file_digest(train),
            "settings": self.settings.to_dict(),
        }

    def fine_tuned(self, train: str | os.PathLike[str], adapter: Path) -> tuple[Responder, str, float | None]:
        """A responder through ``adapter`` (trained first when absent), its label and its training time."""
        if not (adapter / "adapter_config.json").is_file():
            self.log(f"fine-tune: training a LoRA adapter on {train} (the same training as ftlab train-lora)")
            self.backend.train(train, adapter)
            self.log(f"fine-tune: adapter saved in {adapter}")
        else:
            self.log(f"fine-tune: the adapter trained on this file before is in {adapter}")
        label = f"{self.model} plus the LoRA adapter trained here on {train}"
        return self._responder(adapter), label, training_seconds(adapter)

    def _responder(self, adapter: Path | None) -> Responder:
        key = None if adapter is None else str(adapter)
        if key not in self._warm:
            self.backend.chat(adapter, [{"role": "user", "content": "Hello"}], max_tokens=1)
            self._warm.add(key)

        def respond(messages: Messages) -> str:
            return self.backend.chat(adapter, messages, max_tokens=self.max_tokens)

        return respond


def training_seconds(adapter: Path) -> float | None:
    """How long the adapter took to train, from the summary the trainer saved beside it."""
    try:
        seconds = json.loads((adapter / METADATA).read_text(encoding="utf-8"))["seconds"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return float(seconds) if isinstance(seconds, (int, float)) else None

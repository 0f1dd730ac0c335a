"""The LoRA backend for the mock fine-tuning API: real training behind a job, real answers by ``ft:`` models.

For the mock server's author; nothing here knows about HTTP. Plugging it in::

    from ftlab.lora.backend import LoraBackend
    from ftlab.lora.errors import LoraError, MissingExtra

    backend = LoraBackend("HuggingFaceTB/SmolLM2-135M-Instruct")   # raises MissingExtra without the extra
    # in the job's worker thread, with the uploaded training file on disk:
    adapter = backend.train("train.jsonl", "jobs/ftjob-1/adapter", n_epochs=3,
                            on_step=lambda step, total, loss: events.append(...))
    # on LoraError (bad file, too long, model missing): mark the job failed with str(error)
    # for POST /chat/completions to the job's fine_tuned_model:
    text = backend.chat(adapter, [{"role": "user", "content": "Hi"}], max_tokens=64)
    # backend.chat(None, ...) answers from the base model alone

``train`` blocks (run it in a thread); ``on_step(step, total_steps, loss)`` is called after every
optimiser step from that thread, the first call before the second step starts; to cancel a job,
raise an exception of your own from ``on_step``: it propagates out of ``train`` and nothing is
saved. ``n_epochs=None`` keeps the default (3). ``chat`` is greedy (the same messages give the
same answer), thread-safe, and keeps the base model and every adapter it has loaded in memory;
``reply`` is ``chat`` with the token counts and whether the reply ended or hit ``max_tokens``.
``train(..., checkpoint=f)`` saves the adapter as of a step into the folder ``f(step, total_steps)``
names (None: no checkpoint). Both raise :class:`ftlab.lora.errors.LoraError` subclasses whose
``str()`` is a message for the learner.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftlab.lora.errors import PromptTooLong
from ftlab.lora.extra import require
from ftlab.lora.settings import TrainSettings
from ftlab.lora.template import chat_messages

if TYPE_CHECKING:
    from ftlab.lora.trainer import CheckpointCallback


class LoraBackend:
    """A base model that can be fine-tuned with LoRA and asked to chat, with or without an adapter."""

    def __init__(
        self,
        base_model: str,
        *,
        settings: TrainSettings | None = None,
        offline: bool | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        require()
        self.base_model = base_model
        self.settings = settings or TrainSettings()
        self.offline = offline
        self.log = log or (lambda _message: None)
        self._lock = threading.Lock()
        self._model: Any = None
        self._tokenizer: Any = None
        self._adapters: dict[str, str] = {}
        self._context: int | None = None

    def train(
        self,
        dataset_path: str | os.PathLike[str],
        out_dir: str | os.PathLike[str],
        *,
        n_epochs: float | None = None,
        on_step: Callable[[int, int, float], None] | None = None,
        settings: TrainSettings | None = None,
        checkpoint: CheckpointCallback | None = None,
    ) -> str:
        """Train an adapter on a chat-format JSONL file and return the folder it was saved in.

        ``settings`` replaces the backend's own for this run; ``checkpoint`` is passed on to
        :func:`train_adapter`.
        """
        from ftlab.lora.trainer import train_adapter

        settings = settings or self.settings
        settings = settings if n_epochs is None else replace(settings, epochs=float(n_epochs))
        result = train_adapter(
            dataset_path,
            self.base_model,
            out_dir,
            settings,
            on_step=on_step,
            log=self.log,
            offline=self.offline,
            checkpoint=checkpoint,
        )
        return result.adapter_dir

    def chat(
        self,
        adapter_dir: str | os.PathLike[str] | None,
        messages: Sequence[Mapping[str, Any]],
        max_tokens: int = 256,
    ) -> str:
        """The reply to ``messages`` (OpenAI chat format) from the base model plus the adapter, if any."""
        return self.reply(adapter_dir, messages, max_tokens).text

    def reply(
        self,
        adapter_dir: str | os.PathLike[str] | None,
        messages: Sequence[Mapping[str, Any]],
        max_tokens: int = 256,
    ) -> Reply:
        """As :meth:`chat`, with the token counts and whether the reply ended or hit its limit.

        The reply is cut at ``max_tokens`` or at the end of the model's context, whichever comes
        first; a conversation that fills the context raises :class:`PromptTooLong`.
        """
        import torch

        with self._lock:
            model, tokenizer = self._load()
            name = self._adapter(adapter_dir) if adapter_dir is not None else None
            conversation, tools, _ = chat_messages({"messages": [_plain(m) for m in messages]})
            inputs = tokenizer.apply_chat_template(
                conversation, tools=tools, add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
            inputs = {k: v.to(model.device) for k, v in inputs.items()}
            prompt = inputs["input_ids"].shape[1]
            if self._context is not None and prompt >= self._context:
                raise PromptTooLong(prompt, self._context)
            limit = max_tokens if self._context is None else min(max_tokens, self._context - prompt)
            with torch.inference_mode(), _active(model, name):
                output = model.generate(
                    **inputs, max_new_tokens=limit, do_sample=False, pad_token_id=tokenizer.pad_token_id
                )
            new = output[0, prompt:].tolist()
            ended = bool(new) and new[-1] in _stop_ids(model, tokenizer)
            text = tokenizer.decode(new, skip_special_tokens=True).strip()
            return Reply(text, prompt, len(new), "length" if len(new) >= limit and not ended else "stop")

    def _load(self) -> tuple[Any, Any]:
        if self._model is None:
            import torch

            from ftlab.lora.errors import ModelNotLoadable
            from ftlab.lora.model import context_length, load_model, load_tokenizer, model_folder

            folder = model_folder(self.base_model, offline=self.offline, log=self.log)
            self._tokenizer = load_tokenizer(folder, self.base_model)
            try:
                self._context = context_length(folder, self.base_model, self._tokenizer)
            except ModelNotLoadable:
                self._context = None  # a config that names no context: generation is not capped by it
            self._model = load_model(folder, self.base_model).eval()
            if self.settings.device == "auto" and torch.cuda.is_available():
                self._model.to("cuda")
        return self._model, self._tokenizer

    def _adapter(self, adapter_dir: str | os.PathLike[str]) -> str:
        from peft import PeftModel

        from ftlab.lora.errors import ModelNotLoadable
        from ftlab.lora.model import peft_quietly

        key = str(Path(adapter_dir).resolve())
        if key not in self._adapters:
            if not (Path(key) / "adapter_config.json").is_file():
                raise ModelNotLoadable(
                    str(adapter_dir), "it is not a LoRA adapter folder (no adapter_config.json)"
                )
            name = f"adapter_{len(self._adapters) + 1}"
            if isinstance(self._model, PeftModel):
                self._model.load_adapter(key, adapter_name=name)
            else:
                with peft_quietly():
                    self._model = PeftModel.from_pretrained(self._model, key, adapter_name=name).eval()
            self._adapters[key] = name
        return self._adapters[key]


@dataclass(frozen=True)
class Reply:
    """A generated reply: its text, the prompt's and the reply's token counts, and "stop" or "length"."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str


def _stop_ids(model: Any, tokenizer: Any) -> set[int]:
    """The token ids that end a turn for this model (generation stops at any of them)."""
    ids = getattr(model.generation_config, "eos_token_id", None)
    ids = [ids] if isinstance(ids, int) else list(ids or [])
    return set(ids) | ({tokenizer.eos_token_id} if tokenizer.eos_token_id is not None else set())


def _plain(message: Mapping[str, Any]) -> dict[str, Any]:
    """A chat-completions message as a training record has it: text content, ``developer`` as ``system``."""
    content = message.get("content")
    if isinstance(content, list):
        content = "".join(part.get("text", "") for part in content if isinstance(part, Mapping))
    role = "system" if message.get("role") == "developer" else message.get("role")
    return {**message, "role": role, "content": content}


@contextmanager
def _active(model: Any, name: str | None) -> Iterator[None]:
    """Use adapter ``name`` for the block, or no adapter at all when ``name`` is None."""
    from peft import PeftModel

    if not isinstance(model, PeftModel):
        yield
    elif name is None:
        with model.disable_adapter():
            yield
    else:
        model.set_adapter(name)
        yield

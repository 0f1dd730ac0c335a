"""One LoRA run: validate, tokenize, train with transformers' Trainer and peft, save the adapter whole."""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftlab.lora.dataset import TokenizedDataset, check_dataset, tokenize_dataset
from ftlab.lora.errors import OutputTaken, TrainingFailed
from ftlab.lora.extra import require
from ftlab.lora.model import context_length, load_model, load_tokenizer, model_folder, peft_quietly
from ftlab.lora.settings import TrainSettings

StepCallback = Callable[[int, int, float], None]  # (step, total_steps, loss)
CheckpointCallback = Callable[
    [int, int], "str | os.PathLike[str] | None"
]  # (step, total_steps) -> folder to save in, or None
METADATA = "ftlab_lora.json"


@dataclass
class TrainResult:
    """What a finished run produced: where the adapter is, and the loss at every step."""

    adapter_dir: str
    base_model: str
    n_examples: int
    steps: int
    losses: list[float] = field(default_factory=list)
    seconds: float = 0.0
    device: str = "cpu"


def train_adapter(
    dataset: str | os.PathLike[str],
    model: str,
    out: str | os.PathLike[str],
    settings: TrainSettings | None = None,
    *,
    on_step: StepCallback | None = None,
    log: Callable[[str], None] = print,
    offline: bool | None = None,
    checkpoint: CheckpointCallback | None = None,
) -> TrainResult:
    """Train a LoRA adapter for ``model`` on a chat-format JSONL file and save it to ``out``.

    The engine's dataset rules run first and refuse a file with errors; only assistant turns with
    weight 1 are trained on. ``on_step(step, total_steps, loss)`` is called after every step; an
    exception it raises stops training and propagates, with nothing saved (that is how to cancel).
    ``checkpoint(step, total_steps)``, called just before ``on_step``, may name a folder: the adapter
    as of that step is saved there (the final adapter still goes to ``out``).
    Raises a :class:`ftlab.lora.errors.LoraError` with a learner-facing message on every known failure.
    """
    settings = settings or TrainSettings()
    require()
    out = Path(out)
    _check_out(out)
    report = check_dataset(dataset)
    log(
        f"checked {dataset}: {report.n_examples} examples, no errors"
        + (f" ({len(report.warnings)} warnings)" if report.warnings else "")
    )
    folder = model_folder(model, offline=offline, log=log)
    tokenizer = load_tokenizer(folder, model)
    limit = min(filter(None, (settings.max_length, context_length(folder, model, tokenizer))))
    data = tokenize_dataset(dataset, tokenizer, max_length=limit)
    _describe(data, limit, log)
    return _train(data, model, folder, tokenizer, out, settings, _Hooks(on_step, checkpoint, log))


def _describe(data: TokenizedDataset, limit: int, log: Callable[[str], None]) -> None:
    longest = max(len(e.input_ids) for e in data.examples)
    log(
        f"tokenized {len(data.examples)} examples: {data.n_tokens:,} tokens, "
        f"{data.n_trained:,} of them in trained assistant turns; longest {longest} of {limit}"
    )
    if data.skipped:
        log(f"skipped line(s) {', '.join(map(str, data.skipped))}: no assistant turn with weight 1")


@dataclass(frozen=True)
class _Hooks:
    on_step: StepCallback | None
    checkpoint: CheckpointCallback | None
    log: Callable[[str], None]


def _train(
    data: TokenizedDataset,
    model: str,
    folder: Path,
    tokenizer: Any,
    out: Path,
    settings: TrainSettings,
    hooks: _Hooks,
) -> TrainResult:
    import torch

    gpu = settings.device == "auto" and (torch.cuda.is_available() or torch.backends.mps.is_available())
    bf16 = gpu and torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    base = load_model(folder, model, dtype=torch.bfloat16 if bf16 else torch.float32)
    peft_model = _with_lora(base, settings)
    losses: list[float] = []
    started = time.monotonic()
    header = (
        f"training LoRA (rank {settings.rank}, alpha {settings.alpha}, lr {settings.learning_rate:g}, "
        f"batch {settings.batch_size}) on {'a GPU' if gpu else 'the CPU'}"
    )
    progress = _progress(losses, hooks, model, started, header)
    device = _fit(peft_model, tokenizer, data, settings, progress, gpu=gpu, bf16=bf16)
    _check_losses(losses)
    result = TrainResult(
        str(out), model, len(data.examples), len(losses), losses, time.monotonic() - started, device
    )
    _save(peft_model, tokenizer, out, result, settings, data.path)
    return result


def _with_lora(base: Any, settings: TrainSettings) -> Any:
    """The base model wrapped for LoRA training as the settings say (seeded first, for repeatable runs)."""
    from peft import LoraConfig, get_peft_model
    from transformers import set_seed

    set_seed(settings.seed)
    lora = LoraConfig(
        r=settings.rank,
        lora_alpha=settings.alpha,
        lora_dropout=settings.dropout,
        target_modules=settings.target_modules,
        task_type="CAUSAL_LM",
    )
    with peft_quietly():
        return get_peft_model(base, lora)


def _fit(
    peft_model: Any,
    tokenizer: Any,
    data: TokenizedDataset,
    settings: TrainSettings,
    progress: Any,
    *,
    gpu: bool,
    bf16: bool,
) -> str:
    """Run transformers' Trainer over the examples; the type of the device it trained on."""
    import torch
    from transformers import DataCollatorForSeq2Seq, Trainer, TrainingArguments
    from transformers.trainer_callback import PrinterCallback

    with tempfile.TemporaryDirectory(prefix="ftlab-lora-") as scratch:
        args = TrainingArguments(
            output_dir=scratch,
            num_train_epochs=settings.epochs,
            max_steps=settings.max_steps or -1,
            learning_rate=settings.learning_rate,
            per_device_train_batch_size=settings.batch_size,
            logging_steps=1,
            save_strategy="no",
            report_to="none",
            disable_tqdm=True,
            use_cpu=not gpu,
            bf16=bf16,
            seed=settings.seed,
            label_names=["labels"],
        )
        trainer = Trainer(
            model=peft_model,
            args=args,
            train_dataset=[e.features() for e in data.examples],
            data_collator=DataCollatorForSeq2Seq(tokenizer, padding=True),
            callbacks=[progress],
        )
        trainer.remove_callback(PrinterCallback)
        try:
            trainer.train()
        except torch.OutOfMemoryError:
            raise TrainingFailed(
                "out of memory; lower --batch-size or --max-length, or use a smaller model"
            ) from None
    device: str = args.device.type
    return device


def _check_losses(losses: list[float]) -> None:
    """Refuse a run that took no step or whose loss stopped being a number."""
    if not losses:
        raise TrainingFailed("no training step ran")
    if bad := [step for step, loss in enumerate(losses, start=1) if not math.isfinite(loss)]:
        raise TrainingFailed(
            f"the loss stopped being a number at step {bad[0]} ({losses[bad[0] - 1]}); lower --lr"
        )


def _progress(losses: list[float], hooks: _Hooks, base_model: str, started: float, header: str) -> Any:
    from transformers import TrainerCallback

    log = hooks.log

    class Progress(TrainerCallback):
        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            log(f"{header}: {state.max_steps} steps, {state.num_train_epochs} epoch(s)")

        def on_log(
            self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any
        ) -> None:
            if not logs or "loss" not in logs:
                return
            loss = float(logs["loss"])
            losses.append(loss)
            width = len(str(state.max_steps))
            log(
                f"step {state.global_step:>{width}}/{state.max_steps}  loss {loss:.4f}  "
                f"epoch {state.epoch or 0:.2f}  {time.monotonic() - started:.0f}s"
            )
            if (
                hooks.checkpoint is not None
                and (folder := hooks.checkpoint(state.global_step, state.max_steps)) is not None
            ):
                _save_checkpoint(kwargs["model"], Path(folder), base_model)
            if hooks.on_step is not None:
                hooks.on_step(state.global_step, state.max_steps, loss)

    return Progress()


def _save_checkpoint(model: Any, folder: Path, base_model: str) -> None:
    """The adapter as it is now, saved whole into the new folder ``folder`` (staged, then renamed)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for config in model.peft_config.values():
            config.base_model_name_or_path = base_model
        model.save_pretrained(staging)
        os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_out(out: Path) -> None:
    if out.exists() and not (
        out.is_dir() and (not any(out.iterdir()) or (out / "adapter_config.json").is_file())
    ):
        raise OutputTaken(str(out))


def _save(
    model: Any, tokenizer: Any, out: Path, result: TrainResult, settings: TrainSettings, dataset: str
) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for config in model.peft_config.values():
            config.base_model_name_or_path = result.base_model
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        summary = {
            "base_model": result.base_model,
            "dataset": os.path.abspath(dataset),
            "n_examples": result.n_examples,
            "steps": result.steps,
            "losses": result.losses,
            "seconds": round(result.seconds, 2),
            "device": result.device,
            "settings": settings.to_dict(),
        }
        (staging / METADATA).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        _install(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _install(staging: Path, out: Path) -> None:
    """Put the finished folder at ``out``, replacing an earlier adapter only once the new one is whole."""
    if not out.exists():
        os.replace(staging, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
    os.replace(out, old / "adapter")
    try:
        os.replace(staging, out)
    except OSError:
        os.replace(old / "adapter", out)
        raise
    shutil.rmtree(old, ignore_errors=True)

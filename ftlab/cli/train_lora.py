"""``ftlab train-lora DATASET --model MODEL --out ADAPTER_DIR``: argparse over :mod:`ftlab.lora.trainer`.

Wire it into ``ftlab.cli.main`` with ``add_train_lora_parser(commands)``; the subparser's ``run`` default
is :func:`train_lora_command`, which returns the exit code: 0 saved, 1 refused or failed (the
message says why), 2 the optional extra is missing, 130 interrupted (nothing saved).
"""

from __future__ import annotations

import argparse
import sys

from ftlab.cli.arguments import Subcommands, number
from ftlab.errors import ExitCode
from ftlab.lora.errors import LoraError, MissingExtra
from ftlab.lora.settings import DEVICES, TrainSettings

_DEFAULTS = TrainSettings()
DESCRIPTION = (
    "Fine-tune a small open instruct model with LoRA on a chat-format JSONL file, on this machine "
    "(a GPU when there is one, else the CPU). The file must pass ftlab validate first; only assistant "
    "turns are trained on, and weight-0 turns are skipped. Needs pip install -e '.[train]'."
)


def add_train_lora_parser(subparsers: Subcommands) -> argparse.ArgumentParser:
    """Add ``train-lora`` to an argparse subparsers object and return its parser."""
    parser = subparsers.add_parser(
        "train-lora",
        help="fine-tune an open model locally with LoRA (needs the 'train' extra)",
        description=DESCRIPTION,
    )
    parser.add_argument("dataset", metavar="DATASET", help="the chat-format JSONL training file")
    parser.add_argument(
        "--model",
        required=True,
        metavar="MODEL_DIR_OR_HUB_ID",
        help="a local model folder, or a hub id such as HuggingFaceTB/SmolLM2-135M-Instruct",
    )
    parser.add_argument(
        "--out",
        required=True,
        metavar="ADAPTER_DIR",
        help="where to save the LoRA adapter (replaced only when training succeeds)",
    )
    _add_training_options(parser)
    parser.add_argument("--seed", type=int, default=_DEFAULTS.seed, help="random seed (default %(default)s)")
    parser.add_argument(
        "--device",
        choices=DEVICES,
        default=_DEFAULTS.device,
        help="auto takes a GPU when there is one (default %(default)s)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="never download the model, even if it is not cached (also: HF_HUB_OFFLINE=1)",
    )
    parser.set_defaults(run=train_lora_command)
    return parser


def _add_training_options(parser: argparse.ArgumentParser) -> None:
    """Epochs, learning rate, steps, LoRA rank and alpha, batch size and example length."""
    parser.add_argument(
        "--epochs",
        type=number(float, above=0),
        default=_DEFAULTS.epochs,
        help="passes over the data (default %(default)s)",
    )
    parser.add_argument(
        "--lr",
        type=number(float, above=0),
        default=_DEFAULTS.learning_rate,
        help="learning rate (default %(default)s)",
    )
    parser.add_argument(
        "--max-steps",
        type=number(int, minimum=1),
        default=None,
        help="stop after this many steps (overrides --epochs)",
    )
    parser.add_argument(
        "--rank",
        type=number(int, minimum=1),
        default=_DEFAULTS.rank,
        help="LoRA rank r (default %(default)s)",
    )
    parser.add_argument(
        "--alpha",
        type=number(int, minimum=1),
        default=_DEFAULTS.alpha,
        help="LoRA alpha (default %(default)s)",
    )
    parser.add_argument(
        "--batch-size",
        type=number(int, minimum=1),
        default=_DEFAULTS.batch_size,
        help="examples per step (default %(default)s)",
    )
    parser.add_argument(
        "--max-length",
        type=number(int, minimum=1),
        default=None,
        help="longest example in tokens (default: the model's context)",
    )


def train_lora_command(args: argparse.Namespace) -> int:
    """Run ``ftlab train-lora`` with parsed arguments and return the exit code."""
    try:
        from ftlab.lora.extra import require

        require()
    except MissingExtra as error:
        print(f"ftlab train-lora: {error}", file=sys.stderr)
        return ExitCode.USAGE
    from transformers.utils import logging as transformers_logging

    from ftlab.lora.trainer import train_adapter

    transformers_logging.disable_progress_bar()  # the step lines are the progress; keep the terminal readable

    settings = TrainSettings(
        epochs=args.epochs, learning_rate=args.lr, max_steps=args.max_steps, rank=args.rank, alpha=args.alpha,
        batch_size=args.batch_size, max_length=args.max_length, seed=args.seed, device=args.device,
    )  # fmt: skip
    try:
        result = train_adapter(
            args.dataset, args.model, args.out, settings, log=_say, offline=True if args.offline else None
        )
    except LoraError as error:
        print(f"ftlab train-lora: {error}", file=sys.stderr)
        return ExitCode.FAILED
    except KeyboardInterrupt:
        print("ftlab train-lora: interrupted; nothing was saved", file=sys.stderr)
        return ExitCode.INTERRUPTED
    first, last = result.losses[0], result.losses[-1]
    run = f"{result.steps} steps in {result.seconds:.0f}s, loss {first:.4f} -> {last:.4f}"
    _say(f"saved LoRA adapter to {result.adapter_dir} ({run})")
    _say(
        "try it: see docs/local-lora.md ('Try the adapter'), "
        "or compare it with the base model on your held-out set"
    )
    return ExitCode.OK


def _say(message: str) -> None:
    print(message, flush=True)

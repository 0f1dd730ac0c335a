"""Finding and loading the base model: a local folder, or a hub id from the cache (downloaded when online)."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ftlab.lora.errors import ModelNotLoadable

_FILES = ["*.json", "*.safetensors", "*.jinja", "*.model", "*.txt", "*.tiktoken"]
_LENGTH_KEYS = ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length")


def offline_by_default() -> bool:
    """True when the environment asks the Hugging Face libraries to stay offline."""
    return any(
        os.environ.get(k, "").strip().lower() in ("1", "true", "yes", "on")
        for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def model_folder(model: str, *, offline: bool | None = None, log: Callable[[str], None] = print) -> Path:
    """The local folder holding ``model``: the folder itself, or the hub snapshot (cached or downloaded)."""
    path = Path(model).expanduser()
    if path.exists() or model.startswith((".", "/", "~")) or model.count("/") > 1 or "\\" in model:
        return _local_folder(model, path)
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError

    offline = offline_by_default() if offline is None else offline
    try:
        return Path(snapshot_download(model, allow_patterns=_FILES, local_files_only=True))
    except HFValidationError:
        raise ModelNotLoadable(model, "it is neither an existing folder nor a valid hub id") from None
    except OSError:
        if offline:
            raise ModelNotLoadable(
                model, "it is not in the Hugging Face cache and offline mode is on (HF_HUB_OFFLINE)"
            ) from None
    log(
        f"{model} is not in the local Hugging Face cache; "
        "downloading it from the hub (set HF_HUB_OFFLINE=1 to skip)"
    )
    try:
        return Path(snapshot_download(model, allow_patterns=_FILES))
    except Exception as error:  # noqa: BLE001 - network, auth, missing repo: all end in the same advice
        raise ModelNotLoadable(
            model, f"it is not cached and the hub could not provide it ({_first_line(error)})"
        ) from None


def _local_folder(model: str, path: Path) -> Path:
    if not path.is_dir():
        raise ModelNotLoadable(
            model, "no such folder" if not path.exists() else "it is a file, not a model folder"
        )
    if not (path / "config.json").is_file():
        raise ModelNotLoadable(model, "the folder has no config.json")
    return path


def load_tokenizer(folder: Path, model: str) -> Any:
    """The model's tokenizer, which must be a fast one with a chat template (instruct models have both)."""
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(folder)
    except Exception as error:  # noqa: BLE001 - corrupt or missing tokenizer files
        raise ModelNotLoadable(model, f"its tokenizer does not load ({_first_line(error)})") from None
    if not getattr(tokenizer, "chat_template", None):
        raise ModelNotLoadable(
            model,
            "its tokenizer has no chat template; use an instruct (chat) model such as SmolLM2-135M-Instruct",
        )
    if not getattr(tokenizer, "is_fast", False):
        raise ModelNotLoadable(
            model, "it has no fast tokenizer (tokenizer.json), which assistant-only masking needs"
        )
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def context_length(folder: Path, model: str, tokenizer: Any) -> int:
    """The longest sequence the model takes, from its config (or the tokenizer when the config is silent)."""
    from transformers import AutoConfig

    try:
        config = AutoConfig.from_pretrained(folder)
    except Exception as error:  # noqa: BLE001
        raise ModelNotLoadable(model, f"its config.json does not load ({_first_line(error)})") from None
    config = getattr(config, "text_config", None) or config
    lengths = [v for k in _LENGTH_KEYS if isinstance(v := getattr(config, k, None), int) and v > 0]
    tokenizer_limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(tokenizer_limit, int) and 0 < tokenizer_limit < 10**7:
        lengths.append(tokenizer_limit)
    if not lengths:
        raise ModelNotLoadable(model, "its config names no context length; pass --max-length")
    return min(lengths)


def load_model(folder: Path, model: str, *, dtype: Any = None) -> Any:
    """The causal language model's weights, in ``dtype`` (float32 unless told)."""
    import torch
    from transformers import AutoModelForCausalLM

    try:
        return AutoModelForCausalLM.from_pretrained(folder, dtype=dtype or torch.float32)
    except Exception as error:  # noqa: BLE001 - unknown architecture, missing or corrupt weights
        raise ModelNotLoadable(model, f"its weights do not load ({_first_line(error)})") from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


@contextmanager
def peft_quietly() -> Iterator[None]:
    """Silence the one deprecation peft triggers in transformers 5 (nothing a learner can act on)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)
        yield

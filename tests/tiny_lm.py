"""A tiny causal language model built in the test itself: random weights, a locally trained tokenizer.

No download: a byte-level BPE tokenizer is trained on the given texts (every byte stays encodable),
wrapped as a fast Hugging Face tokenizer with a ChatML-style chat template, and saved beside a
2-layer Llama with hidden size 32, so ``--model FOLDER`` loads it like any real model.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
SPECIAL = ["<|im_start|>", "<|im_end|>", "<pad>"]


def tokenizer(texts: Iterable[str], *, vocab_size: int = 400) -> Any:
    """A fast byte-level BPE tokenizer trained on ``texts``, with the test chat template."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    # newlines stand alone, so no token spans the end of a template line and the start of a turn
    bpe.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Split(Regex("\n"), "isolated"), pre_tokenizers.ByteLevel(add_prefix_space=False)]
    )
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(list(texts), trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<pad>", chat_template=CHAT_TEMPLATE
    )


def build(folder: Path, texts: Iterable[str], *, context: int = 256, seed: int = 0) -> Path:
    """Save a tiny random Llama and its tokenizer into ``folder`` and return the folder.

    Also puts this process's torch on one thread: a model this small gains nothing from more, and
    on a busy 2-core machine (or two xdist workers) extra threads spin and make runs 3x slower.
    """
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.set_num_threads(1)

    tok = tokenizer(texts)
    config = LlamaConfig(
        vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=context, initializer_range=0.5,
        eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id, bos_token_id=None,
    )  # fmt: skip
    torch.manual_seed(seed)
    LlamaForCausalLM(config).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def record(*turns: tuple[str, str], weight: dict[int, int] | None = None) -> dict[str, Any]:
    """A chat record from (role, content) pairs; ``weight`` maps message index to an assistant weight."""
    messages = [{"role": role, "content": content} for role, content in turns]
    for index, value in (weight or {}).items():
        messages[index]["weight"] = value
    return {"messages": messages}


def write_jsonl(path: Path, records: Sequence[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def texts_of(records: Sequence[dict[str, Any]]) -> list[str]:
    """Every message text and role name in ``records``: the tokenizer's training corpus."""
    return [m["content"] for r in records for m in r["messages"]] + ["system user assistant tool"]

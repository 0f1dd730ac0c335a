"""The fine-tunable models: snapshot names, aliases, encodings, training context and prices."""

from __future__ import annotations

import re
from dataclasses import dataclass

import tiktoken

from ftlab.errors import FtlabError
from ftlab.tokens.encodings import RANK_FILES


@dataclass(frozen=True)
class FineTunableModel:
    """One fine-tunable snapshot and the facts needed to count and price training on it."""

    name: str
    aliases: tuple[str, ...]
    encoding: str
    training_context: int
    price_per_million_usd: float


# Training context (max tokens per training example): the "Token limits" table of OpenAI's
# fine-tuning guide (platform.openai.com/docs/guides/fine-tuning): 65,536 for gpt-4o-mini,
# gpt-4o and the gpt-4.1 family, 16,385 for gpt-3.5-turbo-0125. Longer examples are truncated.
# Prices: training, USD per 1M tokens, as last published by OpenAI (fine-tuning pricing page).
# Encodings: tiktoken's MODEL_TO_ENCODING (o200k_base for gpt-4o and later, cl100k_base before).
FINE_TUNABLE_MODELS: tuple[FineTunableModel, ...] = (
    FineTunableModel("gpt-4.1-2025-04-14", ("gpt-4.1",), "o200k_base", 65_536, 25.00),
    FineTunableModel("gpt-4.1-mini-2025-04-14", ("gpt-4.1-mini",), "o200k_base", 65_536, 5.00),
    FineTunableModel("gpt-4.1-nano-2025-04-14", ("gpt-4.1-nano",), "o200k_base", 65_536, 1.50),
    FineTunableModel("gpt-4o-2024-08-06", ("gpt-4o",), "o200k_base", 65_536, 25.00),
    FineTunableModel("gpt-4o-mini-2024-07-18", ("gpt-4o-mini",), "o200k_base", 65_536, 3.00),
    FineTunableModel("gpt-3.5-turbo-0125", ("gpt-3.5-turbo",), "cl100k_base", 16_385, 8.00),
)

_BY_NAME: dict[str, FineTunableModel] = {
    name: model for model in FINE_TUNABLE_MODELS for name in (model.name, *model.aliases)
}

# ft:BASE:ORG:SUFFIX:ID, optionally :ckpt-step-N (the suffix may be empty).
_FT_NAME = re.compile(r"ft:([^:]+):([^:]+):([^:]*):([^:]+)(?::ckpt-step-[0-9]+)?")

# Chat models whose messages are framed differently from the 3-tokens-per-message rule.
_OTHER_FRAMING = frozenset({"gpt-3.5-turbo-0301"})


class UnknownModel(FtlabError, ValueError):
    """A model name ftlab cannot count or price; its text lists the supported models."""

    def __init__(self, name: object, reason: str = "is not a fine-tunable model") -> None:
        super().__init__(name, reason)
        self.name = name
        self.reason = reason

    def __str__(self) -> str:
        supported = ", ".join(f"{model.name} ({', '.join(model.aliases)})" for model in FINE_TUNABLE_MODELS)
        return (
            f"model {self.name!r} {self.reason}. Supported: {supported}, "
            "and fine-tuned models built on them (ft:BASE:ORG:SUFFIX:ID)"
        )


def supported_models() -> list[str]:
    """Every name resolve_model accepts directly (snapshots and aliases)."""
    return list(_BY_NAME)


def base_model_name(name: str) -> str:
    """The model a fine-tuned name (ft:BASE:...) was built on; other names are returned as is."""
    if not isinstance(name, str):
        raise UnknownModel(name, "is not a model name (expected a string)")
    if not name.startswith("ft:"):
        return name
    match = _FT_NAME.fullmatch(name)
    if match is None:
        raise UnknownModel(
            name, "is not a fine-tuned model name of the form ft:BASE:ORG:SUFFIX:ID[:ckpt-step-N]"
        )
    return match.group(1)


def resolve_model(name: str) -> FineTunableModel:
    """The fine-tunable snapshot behind a base name, dated snapshot or ft: name."""
    base = base_model_name(name)
    try:
        return _BY_NAME[base]
    except KeyError:
        reason = "is not a fine-tunable model"
        if base != name:
            reason = f"is built on {base!r}, which is not a fine-tunable model"
        raise UnknownModel(name, reason) from None


def encoding_name_for_model(name: str) -> str:
    """The encoding of any chat model ftlab can count: the table above, else tiktoken's own map.

    Never guesses: a model tiktoken does not know, one whose encoding ftlab does not ship and
    gpt-3.5-turbo-0301 (whose message framing differs) raise UnknownModel.
    """
    base = base_model_name(name)
    if base in _BY_NAME:
        return _BY_NAME[base].encoding
    if base in _OTHER_FRAMING:
        raise UnknownModel(
            name, "frames messages differently (4 tokens per message); ftlab does not count it"
        )
    try:
        encoding = tiktoken.encoding_name_for_model(base)
    except KeyError:
        raise UnknownModel(name, "is neither fine-tunable nor a model tiktoken knows") from None
    if encoding not in RANK_FILES:
        raise UnknownModel(name, f"uses {encoding}, which ftlab does not ship")
    return encoding

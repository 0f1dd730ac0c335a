"""The base models the mock lists under /v1/models: the engine's fine-tunable models and aliases."""

from __future__ import annotations

from typing import Any

from ftlab.tokens.models import supported_models

#: When OpenAI published each (``created`` in /v1/models); others show the 2024-07-18 release.
_CREATED: dict[str, int] = {
    "gpt-4.1": 1744316542,
    "gpt-4.1-2025-04-14": 1744315746,
    "gpt-4.1-mini": 1744318173,
    "gpt-4.1-mini-2025-04-14": 1744317547,
    "gpt-4.1-nano": 1744321707,
    "gpt-4.1-nano-2025-04-14": 1744321025,
    "gpt-4o": 1715367049,
    "gpt-4o-2024-08-06": 1722814719,
    "gpt-4o-mini": 1721172741,
    "gpt-4o-mini-2024-07-18": 1721172717,
    "gpt-3.5-turbo": 1677610602,
    "gpt-3.5-turbo-0125": 1706048358,
}
_DEFAULT_CREATED = 1721172717

BASE_MODELS: tuple[str, ...] = tuple(supported_models())


def base_model_json(model: str) -> dict[str, Any]:
    owner = "openai" if model == "gpt-3.5-turbo" else "system"
    return {
        "id": model,
        "object": "model",
        "created": _CREATED.get(model, _DEFAULT_CREATED),
        "owned_by": owner,
    }

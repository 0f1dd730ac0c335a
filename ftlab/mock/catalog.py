"""The base models the mock lists under /v1/models and answers chat completions for."""

from __future__ import annotations

from typing import Any

#: id -> (created, owned_by), as OpenAI's /v1/models reports them.
BASE_MODELS: dict[str, tuple[int, str]] = {
    "gpt-4.1": (1744316542, "system"),
    "gpt-4.1-2025-04-14": (1744315746, "system"),
    "gpt-4.1-mini": (1744318173, "system"),
    "gpt-4.1-mini-2025-04-14": (1744317547, "system"),
    "gpt-4.1-nano": (1744321707, "system"),
    "gpt-4.1-nano-2025-04-14": (1744321025, "system"),
    "gpt-4o": (1715367049, "system"),
    "gpt-4o-2024-08-06": (1722814719, "system"),
    "gpt-4o-mini": (1721172741, "system"),
    "gpt-4o-mini-2024-07-18": (1721172717, "system"),
    "gpt-3.5-turbo": (1677610602, "openai"),
    "gpt-3.5-turbo-0125": (1706048358, "system"),
    "babbage-002": (1692634615, "system"),
    "davinci-002": (1692634301, "system"),
}


def base_model_json(model: str) -> dict[str, Any]:
    created, owner = BASE_MODELS[model]
    return {"id": model, "object": "model", "created": created, "owned_by": owner}

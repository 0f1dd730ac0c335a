"""The challenge's legs through a chat-completions API: a chat model for the prompt and RAG legs, a
fine-tuned model id for the fine-tune leg.

``ftlab challenge --real`` uses it with the endpoint :func:`ftlab.course.endpoint.choose` picks
(the same rails as ``ftlab finetune --real``: a key is needed, and the real API is named before
anything is sent); ``OPENAI_BASE_URL`` pointing at this machine (a running ``ftlab mock-server``)
sends the same requests there instead.
"""

from __future__ import annotations

import os
from typing import Any

import openai

from ftlab.course.endpoint import Endpoint
from ftlab.course.journey import api_message
from ftlab.course.legs import Messages, Responder
from ftlab.course.triage import EngineFailed

MAX_TOKENS = 64
NO_FT_MODEL = (
    "give the fine-tuned model's id with --ft-model "
    "(ftlab finetune --real prints it as 'Fine-tuned model: ft:...')"
)


class ApiEngine:
    """Chat models behind an API endpoint, asked greedily (temperature 0) for short replies."""

    kind = "api"

    def __init__(
        self, endpoint: Endpoint, model: str, *, ft_model: str | None = None, max_tokens: int = MAX_TOKENS
    ) -> None:
        self.endpoint, self.model, self.ft_model, self.max_tokens = endpoint, model, ft_model, max_tokens
        self.client = openai.OpenAI(base_url=endpoint.base_url, api_key=endpoint.api_key, max_retries=2)

    def identity(self) -> dict[str, Any]:
        """What the prompt and RAG legs' answers depend on: where, which model, how long a reply."""
        return {
            "kind": self.kind,
            "base_url": self.endpoint.base_url,
            "model": self.model,
            "max_tokens": self.max_tokens,
        }

    def label(self) -> str:
        return self._label(self.model)

    def answer(self) -> Responder:
        return self._responder(self.model)

    def fine_tune_identity(self, train: str | os.PathLike[str]) -> dict[str, Any]:
        """The fine-tuned model answers for itself: its id is the key (the training file is not re-read)."""
        if not self.ft_model:
            raise EngineFailed("the fine-tune leg", NO_FT_MODEL)
        return {**self.identity(), "model": self.ft_model}

    def fine_tuned(
        self, train: str | os.PathLike[str], adapter: object
    ) -> tuple[Responder, str, float | None]:
        """The fine-tuned model's responder and label; its training ran elsewhere, so no time is known."""
        if not self.ft_model:
            raise EngineFailed("the fine-tune leg", NO_FT_MODEL)
        return self._responder(self.ft_model), self._label(self.ft_model), None

    def close(self) -> None:
        self.client.close()

    def _label(self, model: str) -> str:
        where = "the real OpenAI API" if self.endpoint.kind == "real" else "a server on this machine"
        return f"{model} at {self.endpoint.base_url} ({where})"

    def _responder(self, model: str) -> Responder:
        def respond(messages: Messages) -> str:
            try:
                reply = self.client.chat.completions.create(
                    model=model,
                    messages=messages,  # type: ignore[arg-type]
                    max_tokens=self.max_tokens,
                    temperature=0,
                )
            except openai.APIStatusError as error:
                raise EngineFailed(
                    model, f"the API answered {error.status_code}: {api_message(error)}"
                ) from None
            except openai.APIConnectionError:
                raise EngineFailed(
                    model, f"could not reach {self.endpoint.base_url} (is the server running?)"
                ) from None
            return reply.choices[0].message.content or ""

        return respond

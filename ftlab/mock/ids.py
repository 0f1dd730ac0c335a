"""Object ids shaped like OpenAI's: ``file-…``, ``ftjob-…``, ``ftevent-…``, ``ftckpt_…``."""

from __future__ import annotations

import random
import string
import threading

_ALPHABET = string.ascii_letters + string.digits


class IdMaker:
    """Random base62 ids; pass a seed for a reproducible sequence."""

    def __init__(self, seed: int | str | None = None) -> None:
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def make(self, prefix: str, length: int = 24) -> str:
        with self._lock:
            return prefix + "".join(self._random.choices(_ALPHABET, k=length))

    def file(self) -> str:
        return self.make("file-", 22)

    def job(self) -> str:
        return self.make("ftjob-")

    def event(self) -> str:
        return self.make("ftevent-")

    def checkpoint(self) -> str:
        return self.make("ftckpt_")

    def model_tag(self) -> str:
        """The 8-character tail of a fine-tuned model's name (``…::Ajo5kvNY``)."""
        return self.make("", 8)

    def completion(self) -> str:
        return self.make("chatcmpl-", 29)

    def request(self) -> str:
        return self.make("req_", 32).lower()

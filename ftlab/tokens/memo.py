"""A bounded memo of token counts, so text that recurs in every example is tokenized once.

A training file repeats a few strings in nearly every example: each message's role, and often
one system prompt. :class:`LengthMemo` remembers how many tokens such a string encodes to, keyed
by the string itself, so a count from the memo is the count the tokenizer gives. It is bounded
twice, in entries and in characters held; when either bound would be passed it forgets
everything and starts again (a file with many distinct prompts still counts right, only slower).
A string the tokenizer fails on is never remembered: it fails again the next time.
"""

from __future__ import annotations

from collections.abc import Callable

#: At most this many strings are remembered at once.
MAX_ENTRIES = 256
#: At most this many characters, summed over the strings remembered (a long prompt counts whole).
MAX_CHARS = 1 << 20


class LengthMemo:
    """``measure(text)`` for any text, remembered for texts that recur (bounded; see the module)."""

    def __init__(
        self, measure: Callable[[str], int], *, max_entries: int = MAX_ENTRIES, max_chars: int = MAX_CHARS
    ) -> None:
        self._measure = measure
        self._lengths: dict[str, int] = {}
        #: ``known(text)``: the remembered count of ``text``, or None (a dict lookup, no Python call).
        self.known = self._lengths.get
        self._chars = 0
        self.max_entries = max_entries
        self.max_chars = max_chars

    def __call__(self, text: str) -> int:
        """The count of ``text``: remembered, or measured (and remembered if it fits the bounds)."""
        length = self._lengths.get(text)
        if length is None:
            length = self._measure(text)
            self._remember(text, length)
        return length

    def _remember(self, text: str, length: int) -> None:
        size = len(text)
        if size > self.max_chars:
            return
        if len(self._lengths) >= self.max_entries or self._chars + size > self.max_chars:
            self._lengths.clear()
            self._chars = 0
        self._lengths[text] = length
        self._chars += size

    def __len__(self) -> int:
        return len(self._lengths)

    @property
    def chars(self) -> int:
        """How many characters the remembered strings hold together."""
        return self._chars

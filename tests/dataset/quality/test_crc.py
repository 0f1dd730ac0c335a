from __future__ import annotations

import zlib

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ftlab.dataset.quality import crc


def test_word_crcs_are_zlibs_for_short_and_long_words():
    words = [b"a", b"ab", b"caf\xc3\xa9", b"x" * 255, b"y" * 256, b"z" * 257, b"w" * 300, b"v"]
    data = b" " + b" ".join(words) + b"\x1c"
    begins = np.array([data.index(word, 1) for word in words])
    ends = begins + np.array([len(w) for w in words])
    spaced = np.frombuffer(data, dtype=np.uint8)
    crcs = crc.word_crcs(spaced, data, begins, ends)
    assert crcs.tolist() == [zlib.crc32(word) for word in words]


#: Words of 1 to 300 bytes (past the table's 256 too), none holding a space.
_WORD = st.binary(min_size=1, max_size=300).map(lambda word: word.replace(b" ", b"x"))


@given(
    st.lists(_WORD, min_size=1, max_size=20),
    st.lists(st.integers(1, 300), min_size=21, max_size=21),
)
def test_word_crcs_are_zlibs_however_far_apart_the_words_and_whatever_lies_between(
    words: list[bytes], gaps: list[int]
):
    data, begins, ends = b"", [], []
    for word, gap in zip(words, gaps, strict=False):  # the first word after 1 to 300 spaces
        data += b" " * gap
        begins.append(len(data))
        data += word
        ends.append(len(data))
    data += b" " * gaps[-1]
    spaced = np.frombuffer(data, dtype=np.uint8)
    crcs = crc.word_crcs(spaced, data, np.array(begins), np.array(ends))
    assert crcs.tolist() == [zlib.crc32(word) for word in words]

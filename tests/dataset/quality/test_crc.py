from __future__ import annotations

import zlib

import numpy as np

from ftlab.dataset.quality import crc


def test_word_crcs_are_zlibs_for_short_and_long_words():
    words = [b"a", b"ab", b"caf\xc3\xa9", b"x" * 255, b"y" * 256, b"z" * 257, b"w" * 300, b"v"]
    data = b" " + b" ".join(words) + b"\x1c"
    begins = np.array([data.index(word, 1) for word in words])
    ends = begins + np.array([len(w) for w in words])
    spaced = np.frombuffer(data, dtype=np.uint8)
    crcs = crc.word_crcs(spaced, data, begins, ends)
    assert crcs.tolist() == [zlib.crc32(word) for word in words]


def test_the_ramp_is_each_position_modulo_256_at_any_length():
    for size in (1, 256, 70_000, (1 << 24) + 5, 3):
        assert (crc._ramp(size) == np.arange(size, dtype=np.uint32) % 256).all()
    assert len(crc._ramp(1)) == 1 and len(crc._RAMP) <= 1 << 24

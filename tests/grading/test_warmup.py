"""Warm-up: the lazy loads a learner's call may trigger happen before any call is timed."""

from __future__ import annotations

import subprocess
import sys

from tests.paths import ROOT

PROBE = """
import sys
from ftlab.tokens import encodings
assert encodings._cached_encoding.cache_info().currsize == 0 and "openai" not in sys.modules
from ftlab.grading import warmup
warmup.warm()
warmup.warm()
print(encodings._cached_encoding.cache_info().currsize, len(encodings.RANK_FILES), "openai" in sys.modules)
"""


def test_after_warm_up_every_encoding_is_cached_and_openai_is_imported():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, timeout=120, check=True
    )
    cached, shipped, imported = done.stdout.split()
    assert int(cached) == int(shipped) > 0 and imported == "True"

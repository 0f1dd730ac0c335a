"""Warm-up: the lazy loads a learner's call may trigger happen before any call is timed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ftlab.grading.exercises import EXERCISES
from ftlab.grading.warmup import known, start_in_background, warm_only
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

#: One exercise's first call through the in-process backend, then what is loaded: the encodings
#: cached and whether openai is imported, measured right before the learner's function runs.
FIRST_CALL = """
import json, sys
from pathlib import Path
from ftlab.grading import seam
from ftlab.grading.exercises import find
from ftlab.tokens import encodings
seen = {}
def spy(target, args, kwargs, **where):
    seen["encodings"] = sorted(encodings._loaded)
    seen["openai"] = "openai" in sys.modules
    return seam.Outcome("value", value=None)
seam.run_call = spy
exercise = find(sys.argv[1])
seam.LocalBackend(Path("solutions")).call(exercise, exercise.functions[0], [], {})
print(json.dumps(seen))
"""


def _run(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=120, check=True
    )
    return done.stdout


def test_after_warm_up_every_encoding_is_cached_and_openai_is_imported():
    cached, shipped, imported = _run(PROBE).split()
    assert int(cached) == int(shipped) > 0 and imported == "True"


@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e.functions], ids=lambda e: e.slug)
def test_an_exercise_first_call_finds_what_it_declares_loaded_and_nothing_else(exercise):
    seen = json.loads(_run(FIRST_CALL, exercise.slug))
    assert seen["encodings"] == sorted(w for w in exercise.warms if w != "openai")
    assert seen["openai"] is ("openai" in exercise.warms)


def test_exercise_3_warms_both_encodings_and_exercise_4_openai_and_its_graders_encoding():
    by_number = {e.number: e.warms for e in EXERCISES}
    assert set(by_number[3]) == {"o200k_base", "cl100k_base"}
    assert set(by_number[4]) == {"openai", "o200k_base"}
    assert all(set(warms) <= set(known()) for warms in by_number.values())


def test_an_unknown_name_to_warm_is_refused_with_the_names_it_knows():
    with pytest.raises(ValueError, match="known: o200k_base, cl100k_base, openai"):
        warm_only(["gpt-9"])


BACKGROUND = """
import sys
from ftlab.grading import warmup
from ftlab.tokens import encodings
thread = warmup.start_in_background(["openai", "o200k_base"])
thread.join(120)
print(thread.name, sorted(encodings._loaded), "openai" in sys.modules, sorted(warmup._warmed))
"""


def test_in_the_background_only_encodings_load_and_openai_is_left_to_the_callers_thread():
    name, loaded, imported, warmed = _run(BACKGROUND).split(" ", 3)
    assert name == "ftlab-warm-up"
    assert loaded == "['o200k_base']" and imported == "False"
    assert warmed.strip() == "['o200k_base']"


def test_an_unknown_name_to_warm_in_the_background_is_refused_before_any_thread_starts():
    with pytest.raises(ValueError, match="nothing to warm up by the name 'gpt-9'"):
        start_in_background(["o200k_base", "gpt-9"])


def test_nothing_to_load_in_the_background_starts_no_thread():
    assert start_in_background(["openai"]) is None


PLATFORM_PROBE = """
import subprocess
from ftlab.grading.warmup import warm_only
warm_only(["openai"])
def refuse(*args, **kwargs):
    raise AssertionError("a program was run")
subprocess.Popen = refuse
import platform
print(bool(platform.platform()))
"""


def test_warming_openai_caches_what_its_first_request_asks_of_the_platform():
    """openai's first request reads ``platform.platform()``, which runs ``uname -p`` once: after the
    warm-up it runs no program, so no timed call (in-process, template or child) pays for it."""
    done = subprocess.run(
        [sys.executable, "-c", PLATFORM_PROBE], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True"]

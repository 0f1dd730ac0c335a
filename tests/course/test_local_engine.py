"""The local engine: it needs the 'train' extra, and reads the training time the trainer saved.

The engine's end-to-end run (a tiny model, a trained adapter, the cache) is in
tests/cli/test_challenge_local.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ftlab.course.local_engine import LocalEngine, training_seconds
from ftlab.lora import extra
from ftlab.lora.errors import INSTALL_HINT, MissingExtra
from ftlab.lora.trainer import METADATA


def test_without_the_extra_the_engine_refuses_with_the_install_hint(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(extra, "MODULES", ("ftlab_no_such_library",))
    with pytest.raises(MissingExtra) as caught:
        LocalEngine("HuggingFaceTB/SmolLM2-135M-Instruct")
    assert str(caught.value).endswith(INSTALL_HINT)


def test_the_training_time_comes_from_the_trainers_summary(tmp_path: Path):
    (tmp_path / METADATA).write_text(json.dumps({"seconds": 12.5, "steps": 4}))
    assert training_seconds(tmp_path) == 12.5


@pytest.mark.parametrize("summary", [None, "{broken", json.dumps({"steps": 4}), json.dumps({"seconds": "x"})])
def test_without_a_usable_summary_the_training_time_is_unknown(tmp_path: Path, summary: str | None):
    if summary is not None:
        (tmp_path / METADATA).write_text(summary)
    assert training_seconds(tmp_path) is None

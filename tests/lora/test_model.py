"""Finding the base model: local folders and cached hub ids, with advice when neither works (no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip(
    "huggingface_hub", reason="the optional 'train' extra is not installed (pip install -e '.[train]')"
)

from ftlab.lora.errors import ModelNotLoadable  # noqa: E402
from ftlab.lora.model import model_folder, offline_by_default  # noqa: E402


def _never(message: str) -> None:
    raise AssertionError(f"tried to download: {message}")


def test_a_folder_with_a_config_is_used_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")

    assert model_folder(str(tmp_path), offline=True, log=_never) == tmp_path


@pytest.mark.parametrize(
    ("model", "reason"),
    [
        ("./models/absent", "no such folder"),
        ("/no/such/model/folder", "no such folder"),
        ("a/b/c", "no such folder"),
    ],
)
def test_a_path_that_does_not_exist_is_named_with_advice(model: str, reason: str) -> None:
    with pytest.raises(ModelNotLoadable) as caught:
        model_folder(model, offline=True, log=_never)

    assert caught.value.reason == reason
    assert f"cannot load model {model!r}: {reason}" in str(
        caught.value
    ) and "local folder holding config.json" in str(caught.value)


def test_a_folder_without_config_json_is_refused(tmp_path: Path) -> None:
    (tmp_path / "weights.bin").write_bytes(b"")

    with pytest.raises(ModelNotLoadable, match="the folder has no config.json"):
        model_folder(str(tmp_path), offline=True, log=_never)


def test_an_uncached_hub_id_offline_fails_fast_saying_how_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(ModelNotLoadable) as caught:
        model_folder("ftlab-tests/no-such-model-7f3a", offline=True, log=_never)

    text = str(caught.value)
    assert "not in the Hugging Face cache and offline mode is on" in text
    assert "hf download ftlab-tests/no-such-model-7f3a --local-dir ./models/no-such-model-7f3a" in text


def test_offline_mode_follows_the_hugging_face_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    assert not offline_by_default()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert offline_by_default()

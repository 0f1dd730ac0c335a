"""Training settings: CPU-friendly defaults, bad values refused with the field's name (no torch needed)."""

from __future__ import annotations

import pytest

from ftlab.lora.settings import TrainSettings


def test_the_defaults_are_a_small_lora_for_a_cpu() -> None:
    settings = TrainSettings()

    assert (settings.rank, settings.alpha, settings.batch_size, settings.epochs, settings.device) == (
        8,
        16,
        2,
        3.0,
        "auto",
    )
    assert settings.to_dict()["learning_rate"] == 2e-4


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rank", 0, "rank must be greater than 0"),
        ("max_steps", -1, "max_steps must be greater than 0"),
        ("dropout", 1.0, "dropout must be in"),
        ("device", "tpu", "device must be one of auto, cpu"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TrainSettings(**{field: value})  # type: ignore[arg-type]

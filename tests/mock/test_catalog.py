"""The base models under /v1/models: the engine's fine-tunable models, dated as OpenAI dates them."""

from __future__ import annotations

from ftlab.mock.catalog import BASE_MODELS, base_model_json
from ftlab.tokens.models import supported_models


def test_the_base_models_are_the_engines_fine_tunable_models() -> None:
    assert list(BASE_MODELS) == supported_models()


def test_a_base_model_shows_openais_four_fields() -> None:
    assert base_model_json("gpt-4o-mini-2024-07-18") == {
        "id": "gpt-4o-mini-2024-07-18",
        "object": "model",
        "created": 1721172717,
        "owned_by": "system",
    }


def test_gpt_35_turbo_is_owned_by_openai_as_on_the_real_api() -> None:
    assert base_model_json("gpt-3.5-turbo")["owned_by"] == "openai"
    assert base_model_json("gpt-3.5-turbo-0125")["owned_by"] == "system"


def test_a_model_without_a_known_date_shows_the_default_one() -> None:
    assert base_model_json("gpt-made-up")["created"] == base_model_json("gpt-4o-mini-2024-07-18")["created"]
    assert base_model_json("gpt-4.1")["created"] != base_model_json("gpt-made-up")["created"]

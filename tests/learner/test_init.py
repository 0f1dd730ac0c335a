"""ftlab.learner: the one surface exercise code may import, and everything it names is there."""

from __future__ import annotations

import ftlab.learner
from ftlab.learner import get_encoding, resolve_model


def test_every_name_the_learner_api_promises_is_importable():
    missing = [name for name in ftlab.learner.__all__ if not hasattr(ftlab.learner, name)]
    assert missing == []


def test_the_api_names_exercise_3s_tools_and_exercise_5s_words():
    assert {"get_encoding", "encoding_name_for_model", "resolve_model", "UnknownModel"} <= set(
        ftlab.learner.__all__
    )
    assert {"Scenario", "Decision", "break_even", "payback", "BadScenario", "BadDecision"} <= set(
        ftlab.learner.__all__
    )


def test_the_api_holds_no_answer_key():
    assert not {"count_tokens", "estimate_training_cost", "training_cost_usd", "validate_record"} & set(
        dir(ftlab.learner)
    )


def test_its_encodings_and_model_facts_are_the_engines():
    assert get_encoding("o200k_base").encode_ordinary("Hello, world!") == [13225, 11, 2375, 0]
    assert resolve_model("gpt-4o-mini").name == "gpt-4o-mini-2024-07-18"

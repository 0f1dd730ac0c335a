"""ftlab.tokens.models: which names resolve to which fine-tunable snapshot, encoding, limit and price."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlab.errors import FtlabError
from ftlab.tokens.models import (
    FINE_TUNABLE_MODELS,
    UnknownModel,
    base_model_name,
    encoding_name_for_model,
    resolve_model,
    supported_models,
)

SNAPSHOTS = [model.name for model in FINE_TUNABLE_MODELS]


def ft_names(*, bases: list[str]) -> st.SearchStrategy[str]:
    """Fine-tuned model names ft:BASE:ORG:SUFFIX:ID[:ckpt-step-N] built on one of ``bases``."""
    if not bases:
        raise ValueError("bases must not be empty")
    part = st.text(st.characters(codec="ascii", exclude_characters=":\n"), min_size=1, max_size=12)
    suffix = st.just("") | part
    checkpoint = st.just("") | st.integers(0, 10**6).map(lambda step: f":ckpt-step-{step}")
    return st.builds(
        lambda base, org, sfx, ident, ckpt: f"ft:{base}:{org}:{sfx}:{ident}{ckpt}",
        st.sampled_from(bases),
        part,
        suffix,
        part,
        checkpoint,
    )


@pytest.mark.parametrize(
    ("name", "snapshot", "encoding", "context", "price"),
    [
        ("gpt-4.1", "gpt-4.1-2025-04-14", "o200k_base", 65_536, 25.00),
        ("gpt-4.1-2025-04-14", "gpt-4.1-2025-04-14", "o200k_base", 65_536, 25.00),
        ("gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", "o200k_base", 65_536, 5.00),
        ("gpt-4.1-nano-2025-04-14", "gpt-4.1-nano-2025-04-14", "o200k_base", 65_536, 1.50),
        ("gpt-4o", "gpt-4o-2024-08-06", "o200k_base", 65_536, 25.00),
        ("gpt-4o-mini", "gpt-4o-mini-2024-07-18", "o200k_base", 65_536, 3.00),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini-2024-07-18", "o200k_base", 65_536, 3.00),
        ("gpt-3.5-turbo", "gpt-3.5-turbo-0125", "cl100k_base", 16_385, 8.00),
        ("gpt-3.5-turbo-0125", "gpt-3.5-turbo-0125", "cl100k_base", 16_385, 8.00),
    ],
)
def test_names_and_snapshots_resolve_to_the_published_facts(
    name: str, snapshot: str, encoding: str, context: int, price: float
) -> None:
    model = resolve_model(name)
    assert (model.name, model.encoding, model.training_context) == (snapshot, encoding, context)
    assert model.price_per_million_usd == price
    assert encoding_name_for_model(name) == encoding


@pytest.mark.parametrize(
    "name",
    [
        "ft:gpt-4o-mini-2024-07-18:personal::Ajo5kvNY",
        "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:96olL566",
        "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:96olL566:ckpt-step-300",
    ],
)
def test_real_fine_tuned_names_resolve_to_their_base(name: str) -> None:
    assert resolve_model(name).name == "gpt-4o-mini-2024-07-18"
    assert base_model_name(name) == "gpt-4o-mini-2024-07-18"


@given(ft_names(bases=SNAPSHOTS))
def test_any_fine_tuned_name_resolves_to_the_snapshot_it_was_built_on(name: str) -> None:
    assert resolve_model(name).name == name.split(":")[1]


@pytest.mark.parametrize(
    "name",
    [
        "ft:gpt-4o-mini-2024-07-18",
        "ft:gpt-4o-mini-2024-07-18:org",
        "ft:gpt-4o-mini-2024-07-18:org:suffix",
        "ft:gpt-4o-mini-2024-07-18:org:suffix:id:extra",
        "ft:gpt-4o-mini-2024-07-18:org:suffix:id:ckpt-step-",
        "ft::org:suffix:id",
    ],
)
def test_malformed_fine_tuned_names_are_refused_with_the_expected_form(name: str) -> None:
    with pytest.raises(UnknownModel, match=r"ft:BASE:ORG:SUFFIX:ID\[:ckpt-step-N\]"):
        resolve_model(name)
    with pytest.raises(UnknownModel):
        encoding_name_for_model(name)


@pytest.mark.parametrize(
    "name", ["gpt-9", "gpt-4", "GPT-4o-mini", "gpt-4o-mini ", "gpt-3.5-turbo-0613", "", "davinci"]
)
def test_unknown_models_list_every_supported_snapshot(name: str) -> None:
    with pytest.raises(UnknownModel) as info:
        resolve_model(name)
    message = str(info.value)
    assert repr(name) in message
    assert all(snapshot in message for snapshot in SNAPSHOTS)
    assert isinstance(info.value, ValueError)


def test_a_fine_tuned_name_on_an_unsupported_base_names_the_base() -> None:
    with pytest.raises(UnknownModel, match=r"built on 'gpt-3.5-turbo-0613', which is not"):
        resolve_model("ft:gpt-3.5-turbo-0613:org::abc123")


def test_a_non_string_model_is_refused() -> None:
    with pytest.raises(UnknownModel, match="expected a string"):
        resolve_model(None)  # type: ignore[arg-type]


def test_supported_models_lists_snapshots_and_aliases() -> None:
    names = supported_models()
    assert set(SNAPSHOTS) <= set(names)
    assert {"gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini"} <= set(names)
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("gpt-4", "cl100k_base"),
        ("gpt-4-turbo", "cl100k_base"),
        ("gpt-4-0613", "cl100k_base"),
        ("gpt-3.5-turbo-1106", "cl100k_base"),
        ("gpt-4o-2024-11-20", "o200k_base"),
        ("ft:gpt-3.5-turbo-0613:org::abc123", "cl100k_base"),
        # tiktoken's own prefix table maps "ft:gpt-4..." to cl100k_base; gpt-4.1 is o200k_base.
        ("ft:gpt-4.1-nano-2025-04-14:org::abc123", "o200k_base"),
    ],
)
def test_chat_models_tiktoken_knows_have_an_encoding(name: str, encoding: str) -> None:
    assert encoding_name_for_model(name) == encoding


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("gpt-3.5-turbo-0301", "frames messages differently"),
        ("text-davinci-003", "uses p50k_base, which ftlab does not ship"),
        ("gpt-9", "neither fine-tunable nor a model tiktoken knows"),
        ("ft:gpt-9:org::abc", "neither fine-tunable nor a model tiktoken knows"),
    ],
)
def test_encodings_are_never_guessed(name: str, reason: str) -> None:
    with pytest.raises(UnknownModel, match=reason):
        encoding_name_for_model(name)


def test_an_unknown_model_is_an_ftlab_error_and_still_a_value_error():
    with pytest.raises(FtlabError) as caught:
        resolve_model("gpt-9")
    assert isinstance(caught.value, UnknownModel) and isinstance(caught.value, ValueError)

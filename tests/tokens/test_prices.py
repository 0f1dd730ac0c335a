"""Inference prices: one table, every fine-tunable model priced, hand-checked request costs."""

from __future__ import annotations

import pytest

from ftlab.errors import FtlabError
from ftlab.tokens.models import FINE_TUNABLE_MODELS, UnknownModel
from ftlab.tokens.prices import INFERENCE_PRICES, NoPrice, inference_price, request_cost_usd


def test_every_fine_tunable_model_has_an_inference_price():
    assert [m.name for m in FINE_TUNABLE_MODELS if m.name not in INFERENCE_PRICES] == []
    assert set(INFERENCE_PRICES) == {m.name for m in FINE_TUNABLE_MODELS}, (
        "a price for a model ftlab.tokens.models does not know"
    )


@pytest.mark.parametrize("name", sorted(INFERENCE_PRICES))
def test_a_fine_tuned_token_never_costs_less_than_a_base_token(name):
    price = INFERENCE_PRICES[name]
    assert price.fine_tuned_input_usd > price.input_usd > 0
    assert price.fine_tuned_output_usd > price.output_usd > 0


def test_a_million_tokens_cost_the_published_price():
    assert request_cost_usd("gpt-4o-mini", input_tokens=1_000_000, output_tokens=0, fine_tuned=False) == 0.15
    assert request_cost_usd("gpt-4o-mini", input_tokens=1_000_000, output_tokens=0, fine_tuned=True) == 0.30
    assert request_cost_usd("gpt-4.1-mini", input_tokens=0, output_tokens=1_000_000, fine_tuned=True) == 3.20


def test_a_request_adds_input_and_output_at_their_own_rates():
    # gpt-4o-mini: 2,800 input tokens at $0.15/1M plus 60 output tokens at $0.60/1M = $0.000456
    assert request_cost_usd(
        "gpt-4o-mini", input_tokens=2800, output_tokens=60, fine_tuned=False
    ) == pytest.approx(0.000456, abs=1e-12)
    # fine-tuned: 330 at $0.30/1M plus 60 at $1.20/1M = $0.000171
    assert request_cost_usd(
        "gpt-4o-mini", input_tokens=330, output_tokens=60, fine_tuned=True
    ) == pytest.approx(0.000171, abs=1e-12)


@pytest.mark.parametrize(
    "name", ["gpt-4o-mini", "gpt-4o-mini-2024-07-18", "ft:gpt-4o-mini-2024-07-18:personal::Ajo5kvNY"]
)
def test_aliases_snapshots_and_fine_tuned_names_share_one_price(name):
    assert inference_price(name) == INFERENCE_PRICES["gpt-4o-mini-2024-07-18"]


def test_an_unknown_model_is_refused_with_the_supported_list():
    with pytest.raises(UnknownModel, match="gpt-4o-mini"):
        inference_price("gpt-9")


@pytest.mark.parametrize(
    ("input_tokens", "output_tokens"), [(-1, 0), (0, -5), (1.5, 0), (True, 0), ("10", 0)]
)
def test_token_counts_must_be_whole_numbers(input_tokens, output_tokens):
    with pytest.raises(ValueError, match="whole number of tokens"):
        request_cost_usd(
            "gpt-4o-mini", input_tokens=input_tokens, output_tokens=output_tokens, fine_tuned=False
        )


def test_a_missing_price_is_an_ftlab_error_and_still_a_lookup_error(monkeypatch):
    monkeypatch.delitem(INFERENCE_PRICES, "gpt-4o-mini-2024-07-18")
    with pytest.raises(FtlabError) as caught:
        inference_price("gpt-4o-mini")
    assert isinstance(caught.value, NoPrice) and isinstance(caught.value, LookupError)
    assert "no inference price for 'gpt-4o-mini-2024-07-18'" in str(caught.value)

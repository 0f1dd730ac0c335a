"""The Files, Models and Chat Completions endpoints, as the openai SDK and plain HTTP see them."""

from __future__ import annotations

import httpx2
import openai
import pytest

from ftlab.mock import ManualClock, MockServer, running_mock
from ftlab.tokens.models import supported_models
from tests.mock_helpers import finish, good_file, upload


@pytest.fixture
def mock():
    with running_mock(clock=ManualClock()) as server:
        yield server


def _chat(mock: MockServer, **fields: object) -> httpx2.Response:
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], **fields}
    return httpx2.post(f"{mock.base_url}/chat/completions", headers={"Authorization": "Bearer k"}, json=body)


def test_the_models_list_is_the_engines_fine_tunable_models(mock: MockServer) -> None:
    assert [m.id for m in mock.client().models.list()] == supported_models()


def test_a_fine_tuned_model_can_be_retrieved_and_deleted_once(mock: MockServer) -> None:
    client = mock.client()
    job = client.fine_tuning.jobs.create(training_file=upload(client, good_file()).id, model="gpt-4o-mini")
    assert job.fine_tuned_model is None
    name = finish(mock, client, job.id).fine_tuned_model
    model = client.models.retrieve(name)
    assert (model.id, model.owned_by) == (name, mock.key_state().organization_id)
    assert client.models.delete(name).deleted is True
    assert name not in [m.id for m in client.models.list()]
    with pytest.raises(openai.NotFoundError):
        client.models.delete(name)
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model=name, messages=[{"role": "user", "content": "hi"}])


def test_a_base_model_cannot_be_deleted(mock: MockServer) -> None:
    with pytest.raises(openai.PermissionDeniedError):
        mock.client().models.delete("gpt-4o-mini")


def test_an_unknown_model_cannot_be_retrieved(mock: MockServer) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        mock.client().models.retrieve("gpt-9")
    assert caught.value.code == "model_not_found"


def test_a_base_model_is_retrieved_as_the_models_list_shows_it(mock: MockServer) -> None:
    client = mock.client()
    listed = {m.id: m for m in client.models.list()}
    assert client.models.retrieve("gpt-4o-mini") == listed["gpt-4o-mini"]


@pytest.mark.parametrize(("field", "value"), [("n", True), ("n", 2.0), ("max_tokens", "5"), ("n", 129)])
def test_chat_counts_must_be_json_integers_in_range(mock: MockServer, field: str, value: object) -> None:
    response = _chat(mock, **{field: value})
    assert response.status_code == 400 and response.json()["error"]["param"] == field


def test_max_completion_tokens_is_read_before_max_tokens(mock: MockServer) -> None:
    response = _chat(mock, max_completion_tokens=1, max_tokens=1000)
    assert response.status_code == 200
    assert response.json()["choices"][0]["finish_reason"] == "length"


def test_a_model_name_must_be_a_string(mock: MockServer) -> None:
    response = _chat(mock, model=4)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_type"

"""Chat completions: a fine-tuned model answers from its training data, base models generically."""

from __future__ import annotations

import openai
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlab.mock import ManualClock, MockServer, running_mock
from ftlab.mock.chat import closest_reply, last_user_text, text_of, training_pairs
from ftlab.mock.training import Dataset, inspect_file
from ftlab.tokens.counting import content_tokens, count_tokens
from tests.mock_helpers import example, finish, jsonl, upload

QA = [
    ("What is the capital of France?", "Paris, as if everyone doesn't know that already."),
    ("Who wrote 'Romeo and Juliet'?", "Oh, just some guy named William Shakespeare."),
    ("How far is the Moon from Earth?", "Around 384,400 kilometers. Give or take."),
    ("What is the boiling point of water?", "100 degrees Celsius at sea level. Groundbreaking."),
    ("How many legs does a spider have?", "Eight. Count them yourself if you doubt me."),
] * 2


@pytest.fixture(scope="module")
def tuned():
    with running_mock(clock=ManualClock(), seed=5) as mock:
        client = mock.client()
        data = jsonl([example(0, question=q, answer=a) for q, a in QA])
        job = client.fine_tuning.jobs.create(training_file=upload(client, data).id, model="gpt-4o-mini")
        yield mock, finish(mock, client, job.id).fine_tuned_model


def _ask(mock: MockServer, model: str, question: str, **extra):
    return mock.client().chat.completions.create(
        model=model, messages=[{"role": "user", "content": question}], **extra
    )


@pytest.mark.parametrize(("question", "answer"), QA[:5])
def test_the_fine_tuned_model_answers_a_training_question_with_its_training_answer(
    tuned, question: str, answer: str
) -> None:
    mock, model = tuned
    assert _ask(mock, model, question).choices[0].message.content == answer


def test_a_reworded_question_still_finds_the_closest_training_prompt(tuned) -> None:
    mock, model = tuned
    assert _ask(mock, model, "how far away is the moon?").choices[0].message.content == QA[2][1]


def test_a_checkpoint_of_the_model_answers_too(tuned) -> None:
    mock, model = tuned
    job = mock.jobs()[0]
    checkpoint = job.checkpoints[-1].model
    assert _ask(mock, checkpoint, "capital of France").choices[0].message.content == QA[0][1]


def test_the_response_says_which_model_answered_and_counts_tokens_with_the_engine(tuned) -> None:
    mock, model = tuned
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is the capital of France?"},
    ]
    answer = mock.client().chat.completions.create(model=model, messages=messages)
    assert answer.model == model and answer.object == "chat.completion" and answer.id.startswith("chatcmpl-")
    assert answer.choices[0].finish_reason == "stop"
    assert answer.usage.prompt_tokens == count_tokens(messages, "gpt-4o-mini-2024-07-18")
    assert answer.usage.completion_tokens == content_tokens({"content": QA[0][1]}, "gpt-4o-mini-2024-07-18")


def test_a_base_model_gives_a_generic_deterministic_reply(tuned) -> None:
    mock, _ = tuned
    first = _ask(mock, "gpt-4o-mini", "What is the capital of France?").choices[0].message.content
    assert first == _ask(mock, "gpt-4o-mini", "What is the capital of France?").choices[0].message.content
    assert "not been fine-tuned" in first and QA[0][1] not in first


def test_another_key_cannot_use_the_fine_tuned_model(tuned) -> None:
    mock, model = tuned
    with pytest.raises(openai.NotFoundError) as caught:
        mock.client("someone-else").chat.completions.create(
            model=model, messages=[{"role": "user", "content": "hi"}]
        )
    assert caught.value.code == "model_not_found"


def test_an_unknown_model_is_openais_404_model_not_found(tuned) -> None:
    mock, _ = tuned
    with pytest.raises(openai.NotFoundError) as caught:
        _ask(mock, "gpt-9", "hi")
    assert caught.value.body == {
        "message": "The model `gpt-9` does not exist or you do not have access to it.",
        "type": "invalid_request_error",
        "param": None,
        "code": "model_not_found",
    }


def test_max_tokens_cuts_the_reply_and_says_length(tuned) -> None:
    mock, model = tuned
    answer = _ask(mock, model, "What is the capital of France?", max_completion_tokens=3)
    assert answer.choices[0].finish_reason == "length"
    assert QA[0][1].startswith(answer.choices[0].message.content)
    assert answer.usage.completion_tokens <= 3


def test_n_gives_that_many_choices(tuned) -> None:
    mock, model = tuned
    answer = _ask(mock, model, "spider legs?", n=3)
    assert [c.index for c in answer.choices] == [0, 1, 2]
    assert {c.message.content for c in answer.choices} == {QA[4][1]}


def test_streaming_delivers_the_same_reply_in_pieces(tuned) -> None:
    mock, model = tuned
    stream = _ask(mock, model, "Who wrote Romeo and Juliet?", stream=True)
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == QA[1][1]
    assert chunks[-1].choices[0].finish_reason == "stop"


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"messages": [{"role": "user", "content": "hi"}]}, 400, "you must provide a model parameter"),
        ({"model": "gpt-4o-mini"}, 400, "Missing required parameter: 'messages'."),
        ({"model": "gpt-4o-mini", "messages": []}, 400, "empty array"),
        ({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "n": 0}, 400, ">= 1"),
    ],
)
def test_bad_chat_requests_are_refused(tuned, body: dict, status: int, words: str) -> None:
    import httpx2

    mock, _ = tuned
    response = httpx2.post(
        f"{mock.base_url}/chat/completions", headers={"Authorization": "Bearer k"}, json=body
    )
    assert response.status_code == status and words in response.json()["error"]["message"]


# --- the similarity, without HTTP -------------------------------------------------------------


def test_the_prompt_is_the_last_user_message_before_the_final_reply() -> None:
    record = {
        "messages": [
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "one"},
            {"role": "user", "content": "second"},
            {"role": "assistant", "content": "two"},
        ]
    }
    dataset = inspect_file(jsonl([record] * 10), "gpt-4o-mini-2024-07-18")
    assert isinstance(dataset, Dataset)
    assert training_pairs(dataset)[0] == ("second", "two")


def test_text_parts_count_as_the_message_text() -> None:
    assert (
        text_of(
            [
                {"type": "text", "text": "a"},
                {"type": "image_url", "image_url": {}},
                {"type": "text", "text": "b"},
            ]
        )
        == "a b"
    )
    assert last_user_text([{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]) == "x"


@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30)), min_size=1, max_size=8
    )
)
def test_asking_a_training_prompt_exactly_gets_the_first_reply_to_that_prompt(
    pairs: list[tuple[str, str]],
) -> None:
    prompt = pairs[-1][0]
    expected = next(r for p, r in pairs if p.lower() == prompt.lower())
    assert closest_reply(pairs, prompt) == expected


def test_ties_go_to_the_earliest_example() -> None:
    assert closest_reply([("same", "first"), ("same", "second")], "same") == "first"


def test_an_alias_answers_as_its_snapshot(tuned) -> None:
    mock, _ = tuned
    assert _ask(mock, "gpt-4o-mini", "hi").model == "gpt-4o-mini-2024-07-18"

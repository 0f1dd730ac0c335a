"""The Files API: uploads kept byte for byte, listed and paged as OpenAI does, per API key."""

from __future__ import annotations

import httpx2
import openai
import pytest

from ftlab.mock import ManualClock, MockServer, running_mock
from tests.mock_helpers import good_file, upload


@pytest.fixture
def mock():
    with running_mock(clock=ManualClock(), seed=3) as server:
        yield server


def test_an_upload_reaches_the_server_byte_for_byte(mock: MockServer) -> None:
    data = good_file(12) + "é\n".encode()
    made = upload(mock.client(), data, "my data.jsonl")
    (stored,) = mock.uploads()
    assert (stored.id, stored.data, stored.filename, stored.purpose) == (
        made.id,
        data,
        "my data.jsonl",
        "fine-tune",
    )
    assert made.bytes == len(data)
    assert mock.client().files.content(made.id).content == data


def test_the_request_log_shows_the_purpose_and_file_name(mock: MockServer) -> None:
    upload(mock.client(), good_file(), "train.jsonl")
    (entry,) = mock.requests()
    assert (entry.method, entry.path, entry.status) == ("POST", "/v1/files", 200)
    assert entry.body["purpose"] == "fine-tune"
    assert entry.body["file"]["filename"] == "train.jsonl"


def test_files_list_newest_first_and_page_with_after(mock: MockServer) -> None:
    client = mock.client()
    ids = []
    for i in range(5):
        ids.append(upload(client, good_file(), f"f{i}.jsonl").id)
        mock.clock.advance(1)
    first = client.files.list(limit=2)
    assert [f.id for f in first.data] == ids[::-1][:2] and first.has_more
    assert [f.id for f in client.files.list(limit=2, after=ids[3]).data] == [ids[2], ids[1]]
    assert [f.id for f in client.files.list(limit=2)] == ids[::-1]  # the SDK follows the pages
    assert [f.id for f in client.files.list(order="asc").data] == ids


def test_files_list_filters_by_purpose(mock: MockServer) -> None:
    client = mock.client()
    tuned = upload(client, good_file())
    upload(client, b"notes", "notes.txt", purpose="user_data")
    assert [f.id for f in client.files.list(purpose="fine-tune").data] == [tuned.id]


def test_a_deleted_file_is_gone(mock: MockServer) -> None:
    client = mock.client()
    made = upload(client, good_file())
    deleted = client.files.delete(made.id)
    assert (deleted.id, deleted.deleted) == (made.id, True)
    with pytest.raises(openai.NotFoundError) as caught:
        client.files.retrieve(made.id)
    assert caught.value.body == {
        "message": f"No such File object: {made.id}",
        "type": "invalid_request_error",
        "param": "id",
        "code": None,
    }


@pytest.mark.parametrize("call", ["retrieve", "delete", "content"])
def test_unknown_file_ids_are_404(mock: MockServer, call: str) -> None:
    with pytest.raises(openai.NotFoundError):
        getattr(mock.client().files, call)("file-doesnotexist")


def test_a_fine_tune_file_must_be_jsonl(mock: MockServer) -> None:
    with pytest.raises(
        openai.BadRequestError, match="Invalid file format for Fine-Tuning API. Must be .jsonl"
    ):
        upload(mock.client(), good_file(), "train.json")


def test_an_unknown_purpose_is_rejected_with_the_allowed_ones(mock: MockServer) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        upload(mock.client(), good_file(), purpose="finetune")
    assert caught.value.code == "invalid_value" and caught.value.param == "purpose"
    assert "'fine-tune'" in caught.value.message


def test_an_upload_without_a_purpose_names_the_missing_parameter(mock: MockServer) -> None:
    response = httpx2.post(
        f"{mock.base_url}/files",
        headers={"Authorization": "Bearer k"},
        files={"file": ("train.jsonl", good_file())},
    )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "message": "Missing required parameter: 'purpose'.",
        "type": "invalid_request_error",
        "param": "purpose",
        "code": "missing_required_parameter",
    }


def test_an_upload_must_be_multipart(mock: MockServer) -> None:
    response = httpx2.post(
        f"{mock.base_url}/files", headers={"Authorization": "Bearer k"}, json={"purpose": "fine-tune"}
    )
    assert response.status_code == 400
    assert "multipart/form-data" in response.json()["error"]["message"]


def test_one_key_never_sees_another_keys_files(mock: MockServer) -> None:
    mine = upload(mock.client("key-a"), good_file())
    theirs = mock.client("key-b")
    assert list(theirs.files.list()) == []
    with pytest.raises(openai.NotFoundError):
        theirs.files.content(mine.id)
    assert mock.uploads("key-b") == []


def test_an_upload_over_the_size_limit_is_refused_with_413(
    mock: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ftlab.mock import endpoints

    data = good_file(12)
    monkeypatch.setattr(endpoints, "MAX_BYTES", len(data) - 1)
    response = httpx2.post(
        f"{mock.base_url}/files",
        headers={"Authorization": "Bearer k"},
        data={"purpose": "fine-tune"},
        files={"file": ("train.jsonl", data)},
    )
    assert response.status_code == 413 and response.json()["error"]["param"] == "file"
    assert mock.uploads("k") == []


def test_an_uploads_size_is_read_from_its_stream_without_reading_it() -> None:
    import io

    from ftlab.mock.endpoints import _upload_size

    stream = io.BytesIO(b"x" * 1000)
    assert _upload_size(stream) == 1000 and stream.tell() == 0
    assert _upload_size(object()) == 0

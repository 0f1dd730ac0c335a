"""Request plumbing: a route table answered by a Router, the API key, the body, errors, paging."""

from __future__ import annotations

from typing import Any

import httpx2
import openai
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from ftlab.mock import ManualClock, MockServer, running_mock
from ftlab.mock.routes import Context, Route, Router, page


@pytest.fixture
def mock():
    with running_mock(clock=ManualClock()) as server:
        yield server


def _ask(router: Router, path: str, method: str = "GET", key: str | None = None, **kwargs: Any):
    """The status and JSON a router gives a request, answered for a fresh, unstarted server."""
    headers = [("Authorization", f"Bearer {key}")] if key else []
    request = Request(EnvironBuilder(path=path, method=method, headers=headers, **kwargs).get_environ())
    response = router.respond(MockServer(clock=ManualClock()), request)
    return response.status_code, response.get_json()


def health(ctx: Context) -> dict[str, Any]:
    return {"status": "ok"}


def echo(ctx: Context, word: str) -> dict[str, Any]:
    return {"word": word, "key": ctx.key_state.key}


def broken(ctx: Context) -> dict[str, Any]:
    return {"ratio": 1 // 0}


def test_a_handler_named_health_is_not_public_by_its_name() -> None:
    router = Router([Route("/x/health", health, ("GET",))])
    status, body = _ask(router, "/x/health")
    assert status == 401 and body["error"]["message"].startswith("You didn't provide an API key")
    assert _ask(router, "/x/health", key="k") == (200, {"status": "ok"})


def test_a_public_route_answers_without_a_key_whatever_its_handler_is_called() -> None:
    router = Router(
        [Route("/x/<word>", echo, ("GET",)), Route("/open", lambda ctx: {"open": 1}, ("GET",), True)]
    )
    assert _ask(router, "/open") == (200, {"open": 1})
    assert _ask(router, "/x/hi", key="sk-a") == (200, {"word": "hi", "key": "sk-a"})
    assert _ask(router, "/x/hi")[0] == 401


def test_a_table_that_routes_one_method_and_path_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="GET /x is routed twice"):
        Router([Route("/x", health, ("GET",)), Route("/x", echo, ("POST", "GET"))])


def test_one_path_can_have_a_handler_per_method() -> None:
    router = Router([Route("/x", health, ("GET",)), Route("/x", lambda ctx: {"posted": 1}, ("POST",))])
    assert _ask(router, "/x", "POST", key="k", json={}) == (200, {"posted": 1})
    assert _ask(router, "/x", key="k") == (200, {"status": "ok"})


def test_a_bug_in_a_handler_is_answered_as_openais_500(capsys: pytest.CaptureFixture[str]) -> None:
    router = Router([Route("/boom", broken, ("GET",))])
    status, body = _ask(router, "/boom", key="k")
    assert status == 500 and body["error"]["type"] == "server_error"
    assert "internal error on GET /boom" in capsys.readouterr().err


def test_a_page_starts_after_the_given_id_and_says_whether_more_follow() -> None:
    items = ["a", "b", "c", "d"]
    assert page(items, None, 2, str) == (["a", "b"], True)
    assert page(items, "b", 2, str) == (["c", "d"], False)
    assert page(items, "d", 2, str) == ([], False)
    assert page(items, "unknown", 2, str) == ([], False)


def test_a_request_without_a_key_gets_openais_401(mock: MockServer) -> None:
    response = httpx2.get(f"{mock.base_url}/models")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["message"].startswith(
        "You didn't provide an API key. You need to provide your API key in an Authorization header"
    )
    assert (error["type"], error["param"], error["code"]) == ("invalid_request_error", None, None)


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "", "sk-no-scheme"])
def test_a_malformed_authorization_header_counts_as_no_key(mock: MockServer, header: str) -> None:
    response = httpx2.get(f"{mock.base_url}/models", headers={"Authorization": header})
    assert response.status_code == 401 and response.json()["error"]["code"] is None


def test_a_key_with_spaces_is_an_incorrect_key(mock: MockServer) -> None:
    with pytest.raises(openai.AuthenticationError) as caught:
        mock.client("two words").models.list()
    assert caught.value.code == "invalid_api_key"


def test_a_server_limited_to_some_keys_refuses_others() -> None:
    with running_mock(clock=ManualClock(), api_keys=["sk-class-1"]) as mock:
        assert mock.client("sk-class-1").models.list().data
        with pytest.raises(openai.AuthenticationError, match="Incorrect API key provided"):
            mock.client("sk-other").models.list()


def test_an_unknown_path_is_openais_invalid_url(mock: MockServer) -> None:
    response = httpx2.post(f"{mock.base_url}/fine_tunes", headers={"Authorization": "Bearer k"})
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Invalid URL (POST /v1/fine_tunes)"


def test_a_wrong_method_is_an_invalid_url_too(mock: MockServer) -> None:
    response = httpx2.delete(f"{mock.base_url}/fine_tuning/jobs", headers={"Authorization": "Bearer k"})
    assert response.status_code == 404 and "Invalid URL (DELETE /v1/fine_tuning/jobs)" in response.text


def test_a_body_that_is_not_json_is_refused(mock: MockServer) -> None:
    response = httpx2.post(
        f"{mock.base_url}/fine_tuning/jobs",
        headers={"Authorization": "Bearer k", "Content-Type": "application/json"},
        content=b"{nope",
    )
    assert (
        response.status_code == 400 and "could not parse the JSON body" in response.json()["error"]["message"]
    )


def test_failed_requests_are_logged_with_their_status(mock: MockServer) -> None:
    with pytest.raises(openai.NotFoundError):
        mock.client().files.retrieve("file-x")
    assert [str(r) for r in mock.requests()] == ["GET /v1/files/file-x -> 404"]

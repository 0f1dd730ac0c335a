"""Shared by the mock's tests: OpenAI's OpenAPI contract, training data, driving a job to its end.

The contract is ``../shared/openai/openapi.yml`` beside the repository (or the file named by
``FTLAB_OPENAPI_SPEC``); tests that need it skip with the reason when it is absent.
"""

from __future__ import annotations

import copy
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from ftlab.mock import MockServer

SPEC_PATH = Path(__file__).resolve().parents[2] / "shared/openai/openapi.yml"
FINISHED = ("succeeded", "failed", "cancelled")


def spec_path() -> Path | None:
    for candidate in (os.environ.get("FTLAB_OPENAPI_SPEC"), SPEC_PATH):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@cache
def _spec() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read OpenAI's OpenAPI description")
    path = spec_path()
    if path is None:
        pytest.skip(f"OpenAI's OpenAPI description is not at {SPEC_PATH} (nor FTLAB_OPENAPI_SPEC)")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as stream:
        return _nullable(yaml.load(stream, Loader=loader))


def _nullable(node: Any) -> Any:
    """Rewrite OpenAPI 3.0's ``nullable: true`` (still used in parts of the spec) as JSON Schema."""
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _nullable(value) for key, value in node.items()}
    if out.pop("nullable", False) is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


def schema(name: str) -> dict[str, Any]:
    """A copy of ``#/components/schemas/<name>`` (to patch where the spec contradicts itself)."""
    return copy.deepcopy(_spec()["components"]["schemas"][name])


def assert_matches(name: str, payload: Any, *, replace: dict[str, Any] | None = None) -> None:
    """Validate ``payload`` against the spec's schema ``name``; ``replace`` swaps in patched schemas."""
    from jsonschema import Draft202012Validator

    components = dict(_spec()["components"])
    if replace:
        components["schemas"] = {**components["schemas"], **replace}
    root = {"$ref": f"#/components/schemas/{name}", "components": components}
    errors = sorted(Draft202012Validator(root).iter_errors(payload), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [
            f"  at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}" for e in errors[:5]
        ]
        raise AssertionError(f"response does not match OpenAI's {name} schema:\n" + "\n".join(lines))


def with_paused_status() -> dict[str, Any]:
    """``FineTuningJob`` accepting status "paused" (the spec's pause example shows it, its enum omits it)."""
    job = schema("FineTuningJob")
    job["properties"]["status"]["enum"].append("paused")
    return {"FineTuningJob": job}


def example(i: int, *, question: str | None = None, answer: str | None = None) -> dict[str, Any]:
    return {
        "messages": [
            {"role": "system", "content": "Marv is a factual chatbot that is also sarcastic."},
            {"role": "user", "content": question or f"What is fact number {i} about the Moon?"},
            {
                "role": "assistant",
                "content": answer or f"Fact {i}: the Moon is still there. Shocking, I know.",
            },
        ]
    }


def jsonl(records: list[Any]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def good_file(n: int = 12) -> bytes:
    return jsonl([example(i) for i in range(n)])


def finish(mock: MockServer, client: Any, job_id: str, *, step: float = 30.0, limit: int = 10_000) -> Any:
    """Advance the manual clock and poll until the job ends; the final job object."""
    for _ in range(limit):
        job = client.fine_tuning.jobs.retrieve(job_id)
        if job.status in FINISHED:
            return job
        mock.clock.advance(step)  # type: ignore[attr-defined]
    raise AssertionError(f"job {job_id} did not finish")


def upload(client: Any, data: bytes, name: str = "train.jsonl", purpose: str = "fine-tune") -> Any:
    return client.files.create(file=(name, data), purpose=purpose)

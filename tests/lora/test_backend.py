"""The mock API's LoRA backend: real training with per-step loss, and chat answered through the adapter."""

from __future__ import annotations

import json
from importlib.util import find_spec
from pathlib import Path

import pytest

from ftlab.lora.backend import LoraBackend
from ftlab.lora.errors import ModelNotLoadable
from ftlab.lora.settings import TrainSettings
from ftlab.lora.trainer import METADATA
from tests import tiny_lm

# Looked up, not imported: the backend imports torch and peft when it trains, so a worker of
# ``pytest -n`` that runs none of these tests does not spend seconds importing them at collection.
pytestmark = pytest.mark.skipif(
    find_spec("torch") is None or find_spec("peft") is None,
    reason="the optional 'train' extra is not installed (pip install -e '.[train]')",
)

QUESTION = [
    {"role": "system", "content": "You are terse."},
    {"role": "user", "content": "What is the capital of France?"},
]
ANSWERS = {"a": "Paris is the capital of France.", "b": "Bonjour! I only speak French."}


def _records(answer: str) -> list[dict[str, object]]:
    return [
        {"messages": [*QUESTION, {"role": "assistant", "content": answer}]},
        tiny_lm.record(("user", "Say hello."), ("assistant", "Hello there, friend!")),
    ]


@pytest.fixture(scope="module")
def trained(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[LoraBackend, dict[str, str], list[tuple[int, int, float]]]:
    root = tmp_path_factory.mktemp("backend")
    corpus = [text for answer in ANSWERS.values() for text in tiny_lm.texts_of(_records(answer))]
    backend = LoraBackend(
        str(tiny_lm.build(root / "model", corpus)), settings=TrainSettings(learning_rate=1e-2, batch_size=2)
    )
    steps: dict[str, list[tuple[int, int, float]]] = {name: [] for name in ANSWERS}
    adapters = {}
    for name, answer in ANSWERS.items():
        data = tiny_lm.write_jsonl(root / f"{name}.jsonl", _records(answer))
        adapters[name] = backend.train(
            data,
            root / f"adapter-{name}",
            n_epochs=30,
            on_step=lambda *step, seen=steps[name]: seen.append(step),
        )
    return backend, adapters, steps["a"]


def test_train_reports_every_step_with_the_loss_it_saved(
    trained: tuple[LoraBackend, dict[str, str], list[tuple[int, int, float]]],
) -> None:
    _, adapters, steps = trained
    saved = json.loads((Path(adapters["a"]) / METADATA).read_text())

    assert [(step, total) for step, total, _ in steps] == [
        (i, 30) for i in range(1, 31)
    ]  # 2 examples, batch 2: a step per epoch
    assert [loss for *_, loss in steps] == saved["losses"]
    assert steps[-1][2] < steps[0][2] / 4


def test_chat_through_an_adapter_gives_its_memorized_answer_and_the_base_model_does_not(
    trained: tuple[LoraBackend, dict[str, str], list[tuple[int, int, float]]],
) -> None:
    backend, adapters, _ = trained

    assert backend.chat(adapters["a"], QUESTION, max_tokens=24) == ANSWERS["a"]
    assert backend.chat(adapters["b"], QUESTION, max_tokens=24) == ANSWERS["b"]
    assert backend.chat(None, QUESTION, max_tokens=24) not in ANSWERS.values()
    assert backend.chat(adapters["a"], QUESTION, max_tokens=24) == ANSWERS["a"]  # switching back works


def test_chat_accepts_content_parts_and_the_developer_role(
    trained: tuple[LoraBackend, dict[str, str], list[tuple[int, int, float]]],
) -> None:
    backend, adapters, _ = trained
    parts = [
        {"role": "system", "content": [{"type": "text", "text": "You are terse."}]},
        {"role": "user", "content": [{"type": "text", "text": "What is the capital of France?"}]},
    ]
    developer = [{**QUESTION[0], "role": "developer"}, QUESTION[1]]

    assert backend.chat(adapters["a"], parts, max_tokens=24) == ANSWERS["a"]
    assert backend.chat(adapters["a"], developer, max_tokens=24) == ANSWERS["a"]


def test_chat_with_a_folder_that_is_not_an_adapter_says_so(
    trained: tuple[LoraBackend, dict[str, str], list[tuple[int, int, float]]], tmp_path: Path
) -> None:
    backend, _, _ = trained

    with pytest.raises(ModelNotLoadable, match="not a LoRA adapter folder"):
        backend.chat(tmp_path, QUESTION, max_tokens=4)

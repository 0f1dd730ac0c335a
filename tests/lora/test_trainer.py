"""A real LoRA run on a tiny random model built in the test: the adapter is saved and the loss falls."""

from __future__ import annotations

import json
import re
from importlib.util import find_spec
from pathlib import Path

import pytest

from ftlab.lora.dataset import IGNORE, tokenize_record
from ftlab.lora.errors import DatasetRefused, ExampleTooLong, OutputTaken
from ftlab.lora.settings import TrainSettings
from ftlab.lora.trainer import METADATA, train_adapter
from tests import tiny_lm

# Looked up, not imported: the trainer imports torch and peft when it trains, so a worker of
# ``pytest -n`` that runs none of these tests does not spend seconds importing them at collection.
pytestmark = pytest.mark.skipif(
    find_spec("torch") is None or find_spec("peft") is None,
    reason="the optional 'train' extra is not installed (pip install -e '.[train]')",
)

RECORDS = [
    tiny_lm.record(
        ("system", "You are terse."),
        ("user", "What is the capital of France?"),
        ("assistant", "Paris is the capital of France."),
    ),
    tiny_lm.record(
        ("user", "Say hello."),
        ("assistant", "Go away."),
        ("user", "Say hello nicely."),
        ("assistant", "Hello there, friend!"),
        weight={1: 0},
    ),
]
FAST = TrainSettings(learning_rate=1e-2, max_steps=30, batch_size=2)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_lm.build(tmp_path_factory.mktemp("tiny") / "model", tiny_lm.texts_of(RECORDS))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_lm.write_jsonl(tmp_path_factory.mktemp("data") / "train.jsonl", RECORDS)


def test_training_saves_a_trained_adapter_and_the_loss_falls(
    model_dir: Path, dataset: Path, tmp_path: Path
) -> None:
    from safetensors.torch import load_file

    steps: list[tuple[int, int, float]] = []
    lines: list[str] = []
    result = train_adapter(
        dataset,
        str(model_dir),
        tmp_path / "adapter",
        FAST,
        on_step=lambda *a: steps.append(a),
        log=lines.append,
    )

    out = Path(result.adapter_dir)
    assert {"adapter_config.json", "adapter_model.safetensors", "tokenizer.json", METADATA} <= {
        p.name for p in out.iterdir()
    }
    assert [s[:2] for s in steps] == [(i, 30) for i in range(1, 31)]
    assert [s[2] for s in steps] == result.losses
    assert sum(result.losses[-5:]) < sum(result.losses[:5]) / 4
    progress = [
        line for line in lines if re.fullmatch(r"step +\d+/30  loss \d+\.\d{4}  epoch \d+\.\d\d  \d+s", line)
    ]
    assert (
        len(progress) == 30
        and progress[0].startswith("step  1/30")
        and progress[-1].startswith(f"step 30/30  loss {result.losses[-1]:.4f}")
    )
    weights = load_file(out / "adapter_model.safetensors")
    lora_b = [w for name, w in weights.items() if "lora_B" in name]
    assert lora_b and all(w.abs().sum() > 0 for w in lora_b)  # B starts at zero: nonzero means trained
    summary = json.loads((out / METADATA).read_text())
    assert (
        summary["base_model"] == str(model_dir)
        and summary["losses"] == result.losses
        and summary["n_examples"] == 2
    )
    assert json.loads((out / "adapter_config.json").read_text())["base_model_name_or_path"] == str(model_dir)


def test_masked_tokens_get_no_gradient_and_trained_ones_do(model_dir: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, DataCollatorForSeq2Seq

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    features = [
        dict(zip(("input_ids", "labels"), tokenize_record(tokenizer, r), strict=True)) for r in RECORDS
    ]
    batch = DataCollatorForSeq2Seq(tokenizer, padding=True)(features)

    output = model(**batch)
    output.logits.retain_grad()
    output.loss.backward()

    # the logits at position t are scored against the label at t + 1
    graded = output.logits.grad.abs().sum(-1)[:, :-1] > 0
    trained = batch["labels"][:, 1:] != IGNORE
    assert torch.equal(graded, trained)
    assert trained.sum() > 0 and (~trained).sum() > trained.sum()


def test_a_bad_file_is_refused_before_any_model_is_looked_at(tmp_path: Path) -> None:
    bad = tiny_lm.write_jsonl(
        tmp_path / "bad.jsonl",
        [
            RECORDS[0],
            {"messages": [{"role": "user", "content": "  "}, {"role": "assistant", "content": "x"}]},
        ],
    )

    with pytest.raises(DatasetRefused, match="line 2: error missing_content"):
        train_adapter(bad, str(tmp_path / "no-such-model"), tmp_path / "adapter", FAST, log=lambda _: None)
    assert not (tmp_path / "adapter").exists()


def test_a_failed_run_keeps_the_earlier_adapter_and_a_good_one_replaces_it(
    model_dir: Path, dataset: Path, tmp_path: Path
) -> None:
    out = tmp_path / "adapter"
    train_adapter(
        dataset, str(model_dir), out, TrainSettings(learning_rate=1e-2, max_steps=3), log=lambda _: None
    )
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    too_long = tiny_lm.write_jsonl(
        tmp_path / "long.jsonl",
        [tiny_lm.record(("user", "Say hello. " * 200), ("assistant", "Hello there, friend!"))],
    )

    with pytest.raises(ExampleTooLong, match="line 1"):
        train_adapter(too_long, str(model_dir), out, FAST, log=lambda _: None)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

    train_adapter(
        dataset, str(model_dir), out, TrainSettings(learning_rate=1e-2, max_steps=4), log=lambda _: None
    )
    assert json.loads((out / METADATA).read_text())["steps"] == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "adapter",
        "long.jsonl",
    ]  # no staging or backup left behind


def test_a_folder_holding_other_files_is_never_overwritten(
    model_dir: Path, dataset: Path, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("mine")

    with pytest.raises(OutputTaken):
        train_adapter(dataset, str(model_dir), tmp_path, FAST, log=lambda _: None)
    assert (tmp_path / "notes.txt").read_text() == "mine"


class _Cancel(Exception):
    pass


def test_raising_from_on_step_cancels_the_run_and_saves_nothing(
    model_dir: Path, dataset: Path, tmp_path: Path
) -> None:
    seen: list[int] = []

    def cancel_at_3(step: int, total: int, loss: float) -> None:
        seen.append(step)
        if step == 3:
            raise _Cancel

    with pytest.raises(_Cancel):
        train_adapter(
            dataset, str(model_dir), tmp_path / "adapter", FAST, on_step=cancel_at_3, log=lambda _: None
        )
    assert seen == [1, 2, 3]
    assert list(tmp_path.iterdir()) == []

"""``ftlab challenge --local-model``: a tiny model built in the test (no download) answers all three
legs, its LoRA adapter trained by train-lora's code and then reused from the cache; without the
'train' extra the command exits 2 with the install line."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from pathlib import Path

import pytest

from ftlab.cli.challenge import add_challenge_parser
from ftlab.course.triage import PROMPT
from ftlab.errors import ExitCode
from ftlab.lora.extra import MODULES
from tests import tiny_lm
from tests.extras import without
from tests.paths import DATA

TRAIN, HELDOUT, HANDBOOK = (
    DATA / "support_tickets.jsonl",
    DATA / "support_tickets_heldout.jsonl",
    DATA / "challenge",
)
FAST = ("--max-steps", "2", "--max-tokens", "4")  # a tiny random model: the run's shape, not its quality


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="ftlab")
    add_challenge_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["challenge", "--train", str(TRAIN), "--docs", str(HANDBOOK), *argv])
    return int(args.run(args))


def _texts() -> list[str]:
    """Everything the model will read: the prompt, the pages, every message of both files."""
    records = [json.loads(line) for f in (TRAIN, HELDOUT) for line in f.read_text().splitlines()]
    pages = [p.read_text() for p in sorted(HANDBOOK.glob("*.md"))]
    return [PROMPT, *pages, *tiny_lm.texts_of(records)]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One full run on a tiny model and 4 held-out emails: its output, cache and the adapters it asked."""
    for name in MODULES:
        pytest.importorskip(
            name, reason="the optional 'train' extra is not installed (pip install -e '.[train]')"
        )
    from ftlab.lora.backend import LoraBackend

    root = tmp_path_factory.mktemp("challenge-local")
    model = tiny_lm.build(root / "model", _texts(), context=4096)
    heldout = root / "heldout.jsonl"
    heldout.write_text("".join(HELDOUT.read_text().splitlines(keepends=True)[:4]))
    asked: list[object] = []
    chat = LoraBackend.chat
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(io.StringIO()) as out:
        patch.setattr(
            LoraBackend,
            "chat",
            lambda self, adapter, *a, **k: asked.append(adapter) or chat(self, adapter, *a, **k),
        )
        code = _run(
            "--local-model", str(model), "--heldout", str(heldout), "--cache", str(root / "cache"), *FAST
        )
    return {
        "code": code,
        "out": out.getvalue(),
        "model": model,
        "heldout": heldout,
        "cache": root / "cache",
        "asked": asked,
    }


def test_a_tiny_local_model_answers_all_three_legs_each_named(first_run: dict) -> None:
    out, model = first_run["out"], first_run["model"]
    assert first_run["code"] == ExitCode.OK, out
    rows = [
        line.split() for line in out.splitlines() if line.split()[:1] in (["prompt"], ["rag"], ["fine-tune"])
    ]
    assert [r[0] for r in rows] == ["prompt", "rag", "fine-tune"] and all(r[1].endswith("/4") for r in rows)
    assert f"Answered by {model}, a real model running on this machine (not a simulation)." in out
    assert f"- prompt: {model}, a local model on this machine" in out
    assert f"- rag: {model}, a local model on this machine" in out
    assert f"- fine-tune: {model} plus the LoRA adapter trained here on {TRAIN}" in out
    assert "s / request  trained in" in out and rows[0][-1] == "-" and rows[2][-1].endswith("s")


def test_the_adapter_is_trained_by_train_loras_code_saved_in_the_cache_and_asked(first_run: dict) -> None:
    out, cache = first_run["out"], first_run["cache"]
    adapters = [p for p in (cache / "adapters").iterdir()]
    assert len(adapters) == 1 and (adapters[0] / "adapter_model.safetensors").is_file()
    assert "checked" in out and "step 1/2  loss" in out and "step 2/2  loss" in out
    assert first_run["asked"].count(adapters[0]) == 5  # one warm-up, then the 4 held-out emails
    assert first_run["asked"].count(None) == 1 + 8  # the base model: one warm-up, then prompt and RAG
    assert json.loads((adapters[0] / "ftlab_lora.json").read_text())["steps"] == 2


def test_a_rerun_with_a_new_prompt_asks_again_but_takes_the_fine_tune_from_the_cache(
    first_run: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ftlab.lora.backend import LoraBackend

    def no_training(*args: object, **kwargs: object) -> str:
        raise AssertionError("the adapter was trained again")

    monkeypatch.setattr(LoraBackend, "train", no_training)
    cache: Path = first_run["cache"]
    results_before = set((cache / "results").iterdir())
    (tmp_path / "prompt.txt").write_text(PROMPT + "\nBe brief.")

    code = _run(
        "--local-model", str(first_run["model"]), "--heldout", str(first_run["heldout"]),
        "--cache", str(cache), "--prompt", str(tmp_path / "prompt.txt"), *FAST,
    )  # fmt: skip

    out = capsys.readouterr().out
    assert code == ExitCode.OK, out
    assert "fine-tune: from the cache" in out and "prompt: sending the 4 held-out emails" in out
    assert len(set((cache / "results").iterdir()) - results_before) == 2  # new prompt and RAG results only
    assert len(list((cache / "adapters").iterdir())) == 1
    assert f"- prompt: the prompt in {tmp_path / 'prompt.txt'}, then the email" in out


@pytest.mark.parametrize("missing", MODULES)
def test_without_the_extra_it_exits_2_with_the_install_line(
    missing: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    without(missing, monkeypatch)

    code = _run("--local-model", "HuggingFaceTB/SmolLM2-135M-Instruct", "--cache", str(tmp_path / "cache"))

    out, err = capsys.readouterr()
    assert code == ExitCode.USAGE
    assert "cannot be imported" in err and "pip install -e '.[train]'" in err
    assert "Traceback" not in out + err and not (tmp_path / "cache").exists()

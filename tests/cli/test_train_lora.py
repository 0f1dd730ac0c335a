"""``ftlab train-lora``: install advice without the extra, progress and a saved adapter with it,
no tracebacks."""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from ftlab.cli.train_lora import add_train_lora_parser
from ftlab.errors import ExitCode
from ftlab.lora.extra import MODULES
from tests import tiny_lm
from tests.extras import without

RECORDS = [
    tiny_lm.record(
        ("user", "What is the capital of France?"), ("assistant", "Paris is the capital of France.")
    ),
    tiny_lm.record(("user", "Say hello."), ("assistant", "Hello there, friend!")),
]


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="ftlab")
    add_train_lora_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["train-lora", *argv])
    return args.run(args)


@pytest.fixture
def extra() -> None:
    for name in MODULES:
        pytest.importorskip(
            name, reason="the optional 'train' extra is not installed (pip install -e '.[train]')"
        )


@pytest.mark.parametrize("missing", MODULES)
def test_without_the_extra_the_command_says_how_to_install_it_and_exits_2(
    missing: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    without(missing, monkeypatch)

    code = _run(str(tmp_path / "train.jsonl"), "--model", "m", "--out", str(tmp_path / "adapter"))

    out, err = capsys.readouterr()
    first_missing = next(m for m in MODULES if m == missing or importlib.util.find_spec(m) is None)
    assert code == ExitCode.USAGE
    assert f"{first_missing!r} cannot be imported" in err and "pip install -e '.[train]'" in err
    assert "Traceback" not in out + err and not (tmp_path / "adapter").exists()


def test_importing_the_lora_modules_imports_no_heavy_library() -> None:
    code = (
        "import sys, ftlab.cli.train_lora, ftlab.lora.backend, ftlab.lora.trainer; "
        "print(sorted(m for m in ('torch', 'transformers', 'peft', 'accelerate') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("option", "value"), [("--epochs", "0"), ("--lr", "-1"), ("--rank", "two"), ("--device", "tpu")]
)
def test_bad_option_values_are_usage_errors(
    option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        _run("train.jsonl", "--model", "m", "--out", "a", option, value)

    assert caught.value.code == 2
    assert option in capsys.readouterr().err


def test_the_command_trains_printing_each_step_and_saves_the_adapter(
    extra: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tiny_lm.build(tmp_path / "model", tiny_lm.texts_of(RECORDS))
    data = tiny_lm.write_jsonl(tmp_path / "train.jsonl", RECORDS)

    code = _run(
        str(data),
        "--model",
        str(model),
        "--out",
        str(tmp_path / "adapter"),
        "--max-steps",
        "12",
        "--lr",
        "0.01",
    )

    out, err = capsys.readouterr()
    assert code == ExitCode.OK, err
    assert [line.split()[1] for line in out.splitlines() if line.startswith("step ")] == [
        f"{i}/12" for i in range(1, 13)
    ]
    assert f"saved LoRA adapter to {tmp_path / 'adapter'} (12 steps" in out
    assert (tmp_path / "adapter" / "adapter_model.safetensors").is_file()


def test_a_bad_dataset_exits_1_naming_the_line_without_a_traceback(
    extra: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tiny_lm.write_jsonl(
        tmp_path / "train.jsonl",
        [
            RECORDS[0],
            {
                "messages": [
                    {"role": "user", "content": "hi"},
                    {"role": "assistant", "content": "x", "weight": 2},
                ]
            },
        ],
    )

    code = _run(
        str(data),
        "--model",
        "HuggingFaceTB/SmolLM2-135M-Instruct",
        "--out",
        str(tmp_path / "adapter"),
        "--offline",
    )

    out, err = capsys.readouterr()
    assert code == ExitCode.FAILED
    assert "line 2: error invalid_weight" in err and "Traceback" not in out + err


def test_a_model_missing_offline_exits_1_with_the_way_to_get_it(
    extra: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tiny_lm.write_jsonl(tmp_path / "train.jsonl", RECORDS)

    code = _run(
        str(data), "--model", "ftlab-tests/absent-model-91c2", "--out", str(tmp_path / "adapter"), "--offline"
    )

    _, err = capsys.readouterr()
    assert code == ExitCode.FAILED
    assert (
        "cannot load model 'ftlab-tests/absent-model-91c2'" in err
        and "--local-dir" in err
        and "Traceback" not in err
    )

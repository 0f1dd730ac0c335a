"""The similarity report: renamed copies are found, independent answers and untouched stubs are not."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ftlab.classroom.runner import Graded
from ftlab.classroom.similarity import (
    read_code,
    similar_pairs,
    similarity_html,
    similarity_report,
    stub_shingles,
    tokens,
)
from tests.paths import ROOT

FILES = ("ex1_build_example.py", "ex3_estimate_tokens.py")

# A second correct answer to exercises 1 and 3, written independently of solutions/ (it scores
# 105/105 with `pytest graders/test_ex1_build_example.py graders/test_ex3_estimate_tokens.py --impl`).
INDEPENDENT = {
    "ex1_build_example.py": r'''"""Exercise 1, written another way."""

import json
import os
from pathlib import Path


def _checked(text, role):
    if type(text) is not str:
        raise ValueError("the " + role + " text has to be a str, not " + repr(type(text)))
    if text.strip() == "":
        raise ValueError("the " + role + " text is blank")
    return {"role": role, "content": text}


def build_example(user, assistant, system=None):
    convo = [] if system is None else [_checked(system, "system")]
    convo += [_checked(user, "user"), _checked(assistant, "assistant")]
    return dict(messages=convo)


def write_jsonl(examples, path):
    target = Path(path)
    scratch = target.with_name(target.name + ".partial")
    lines = 0
    try:
        with open(scratch, "w", encoding="utf-8", newline="\n") as handle:
            for item in examples:
                handle.write(json.dumps(item, ensure_ascii=False))
                handle.write("\n")
                lines = lines + 1
        os.replace(scratch, target)
    except BaseException:
        if scratch.exists():
            scratch.unlink()
        raise
    return lines
''',
    "ex3_estimate_tokens.py": r'''"""Exercise 3, written another way."""

import json

from ftlab.learner import encoding_name_for_model, get_encoding, resolve_model


def _length(encoder, thing):
    if thing is None:
        return 0
    text = thing if isinstance(thing, str) else json.dumps(thing, separators=(",", ":"), ensure_ascii=False)
    return len(encoder.encode_ordinary(text))


def count_tokens(messages, model="gpt-4o-mini"):
    encoder = get_encoding(encoding_name_for_model(model))
    n = 3  # every reply is primed with <|start|>assistant<|message|>
    for msg in messages:
        n = n + 3
        n += sum(_length(encoder, v) + (1 if k == "name" and v is not None else 0)
                 for k, v in msg.items() if k != "weight")
    return n


def _epochs_for(count):
    low, high = 100, 25_000
    if 3 * count < low:
        return min(25, low // count)
    return max(1, high // count) if 3 * count > high else 3


def estimate_training_cost(examples, model, n_epochs="auto"):
    info = resolve_model(model)
    valid_epochs = n_epochs == "auto" or (isinstance(n_epochs, int) and not isinstance(n_epochs, bool)
                                          and 0 < n_epochs < 51)
    if not valid_epochs:
        raise ValueError("n_epochs should be 'auto' or a whole number between 1 and 50")
    sizes = [count_tokens(e["messages"], model) for e in examples]
    if not sizes:
        raise ValueError("cannot estimate the cost of an empty dataset")
    chosen = _epochs_for(len(sizes)) if n_epochs == "auto" else n_epochs
    per_epoch = sum(min(s, info.training_context) for s in sizes)
    return {
        "model": info.name,
        "n_examples": len(sizes),
        "total_tokens": sum(sizes),
        "billed_tokens_per_epoch": per_epoch,
        "n_epochs": chosen,
        "billed_tokens": per_epoch * chosen,
        "price_per_million_usd": info.price_per_million_usd,
        "cost_usd": per_epoch * chosen * info.price_per_million_usd / 1_000_000,
    }
''',
}
RENAMES = {"messages": "msgs", "encoding": "enc", "total": "acc", "value": "val", "examples": "items",
           "count": "num", "spec": "model_info", "message": "m", "epochs": "rounds"}  # fmt: skip


def _renamed(text: str) -> str:
    for old, new in RENAMES.items():
        text = re.sub(rf"\b{old}\b", new, text)
    return text.replace("# ", "# my note: ")


@pytest.fixture
def class_folder(tmp_path: Path) -> Path:
    for name in ("reference", "renamed", "independent", "stub-a", "stub-b"):
        (tmp_path / name).mkdir()
    for file in FILES:
        reference = (ROOT / "solutions" / file).read_text(encoding="utf-8")
        (tmp_path / "reference" / file).write_text(reference, encoding="utf-8")
        (tmp_path / "renamed" / file).write_text(_renamed(reference), encoding="utf-8")
        (tmp_path / "independent" / file).write_text(INDEPENDENT[file], encoding="utf-8")
        for stub in ("stub-a", "stub-b"):
            shutil.copy(ROOT / "exercises" / file, tmp_path / stub / file)
    return tmp_path


def _pairs(folder: Path) -> set[frozenset[str]]:
    codes = [read_code(p.name, p) for p in sorted(folder.iterdir())]
    pairs = similar_pairs(codes, stub_shingles(ROOT / "exercises"))
    return {frozenset((p.first.name, p.second.name)) for p in pairs}


def test_renamed_variables_do_not_change_the_tokens():
    assert [t for t, _ in tokens("total = a + b  # sum")] == [t for t, _ in tokens("acc = x + y")]
    assert [t for t, _ in tokens("x.append(len(y))")] == [
        *("v1", ".", "append", "(", "len", "(", "v2", ")", ")", ";")
    ]


def test_a_renamed_copy_is_a_pair_and_independent_answers_and_untouched_stubs_are_not(class_folder):
    assert _pairs(class_folder) == {frozenset(("reference", "renamed"))}


def test_the_report_shows_the_shared_fragments_side_by_side_as_a_lead(class_folder):
    results = [Graded(p.name, str(p), "graded") for p in sorted(class_folder.iterdir())]
    page = similarity_report(results, stubs=ROOT / "exercises")
    assert "<h2>reference and renamed: 100% alike" in page
    assert "leads for a person to read, not findings" in page
    assert page.count("<tr><td>") >= 1 and "def build_example" in page and "def count_tokens" in page
    assert "independent" not in page.split("<h2>", 1)[1]


def test_a_class_with_nothing_alike_says_so_and_names_escape():
    page = similarity_html([], compared=3)
    assert "No pair of submissions is unusually alike" in page and "3 submissions compared" in page


def test_code_that_does_not_parse_or_cannot_be_read_is_compared_as_far_as_it_goes(tmp_path):
    (tmp_path / "broken.py").write_text("def f(:\n    return [1, 2\n", encoding="utf-8")
    assert read_code("broken", tmp_path / "broken.py").lines["broken.py"]
    assert read_code("missing", tmp_path / "nothing-here").spans == {}

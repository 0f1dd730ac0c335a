"""docs/lab.md tells the truth: every "You should now see" block is checked against the real command.

The guide is read as a list of steps: a ```console block of ``$ command`` lines, optionally
followed by a "You should now see" ```text block. Every line of that block must appear in the
output, in order, as part of a line (whitespace squeezed; `` ... `` stands for anything).
HTML comments steer the run without showing in the rendered page:
``<!-- lab: solved="1" -->`` copies exercise 1's reference solution in before the next step,
``<!-- lab: file="NAME" -->`` saves the next ```python block as NAME, and
``<!-- lab: needs="ftlab train-lora" -->`` marks a step whose command (or grader file) is not in
this version yet: it is skipped with a reason naming what is missing, and
``<!-- lab: serves="yes" -->`` a command that serves until stopped (``ftlab mock-server``): it runs
on a free port (``--port 0``, read back as the default 8765) until its lines have appeared, then
it is stopped. The steps run in order in a copy of the kit, as a learner would go through them.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ftlab.cli.main import build_parser
from tests.paths import ROOT

GUIDE = ROOT / "docs" / "lab.md"
_MARKER = re.compile(r"<!--\s*lab:\s*(\w+)=\"([^\"]*)\"\s*-->")
_FENCE = re.compile(r"^```(\w*)\s*$")
_SEE = "You should now see"


@dataclass
class Step:
    """One command block of the guide, what must be in place before it, and what it should print."""

    line: int
    commands: list[str]
    needs: str | None = None
    serves: bool = False
    solved: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    expected: list[str] | None = None


def parse(text: str) -> list[Step]:
    """The guide's steps; raises ValueError for a "You should now see" with no command before it."""
    steps: list[Step] = []
    pending: dict[str, object] = {"solved": [], "files": {}}
    lines = text.splitlines()
    i, want_expectation = 0, False
    while i < len(lines):
        line = lines[i]
        for key, value in _MARKER.findall(line):
            if key == "solved":
                pending["solved"].append(value)  # type: ignore[union-attr]
            elif key in ("file", "needs", "serves"):
                pending[key] = value
            else:
                raise ValueError(f"lab.md line {i + 1}: unknown marker {key!r}")
        if line.strip().startswith(_SEE):
            if not steps or steps[-1].expected is not None:
                raise ValueError(f"lab.md line {i + 1}: 'You should now see' with no command block before it")
            want_expectation = True
        fence = _FENCE.match(line)
        if fence and fence.group(1):
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            body, kind = lines[i + 1 : end], fence.group(1)
            if kind == "console":
                steps.append(
                    Step(
                        i + 1,
                        [b[2:] for b in body if b.startswith("$ ")],
                        pending.pop("needs", None),  # type: ignore[arg-type]
                        pending.pop("serves", "") == "yes",
                        pending["solved"],
                        pending["files"],
                    )
                )  # type: ignore[arg-type]
                pending = {"solved": [], "files": {}}
            elif kind == "python" and "file" in pending:
                pending["files"][pending.pop("file")] = "\n".join(body) + "\n"  # type: ignore[index]
            elif kind == "text" and want_expectation:
                steps[-1].expected = [b for b in body if b.strip()]
                want_expectation = False
            i = end
        i += 1
    if want_expectation:
        raise ValueError("lab.md: the last 'You should now see' has no block after it")
    return steps


STEPS = parse(GUIDE.read_text(encoding="utf-8"))


def missing(needs: str | None) -> str | None:
    """Why a step cannot run in this version of the kit, or None when it can."""
    if needs is None:
        return None
    if needs.startswith("ftlab "):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                build_parser().parse_args([needs.split()[1], "--help"])
            except SystemExit as exit:
                known = exit.code == 0
        return None if known else f"`{needs}` is not in this version of ftlab yet"
    return None if (ROOT / needs).exists() else f"{needs} is not in this version of the kit yet"


def argv(command: str) -> list[str]:
    words = shlex.split(command)
    if words[0] == "ftlab":
        return [sys.executable, "-m", "ftlab.cli.main", *words[1:]]
    if words[0] == "pytest":
        return [sys.executable, "-m", "pytest", *words[1:], "-p", "no:cacheprovider"]
    if words[0] == "python":
        return [sys.executable, *words[1:]]
    raise ValueError(f"lab.md: don't know how to run {command!r}")


def squeeze(text: str) -> str:
    return " ".join(text.split())


def appears_in_order(expected: list[str], output: str) -> str | None:
    """None when every expected line is found in order; else the first one that isn't."""
    lines = [squeeze(line) for line in output.splitlines()]
    at = 0
    for want in expected:
        parts = [squeeze(p) for p in squeeze(want).split(" ... ")]
        pattern = re.compile(".*?".join(re.escape(p) for p in parts))
        while at < len(lines) and not pattern.search(lines[at]):
            at += 1
        if at == len(lines):
            return want
        at += 1
    return None


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, str]:
    """Every runnable step's output, run in order in a copy of the kit."""
    kit = tmp_path_factory.mktemp("kit")
    for name in ("exercises", "graders", "data"):
        shutil.copytree(ROOT / name, kit / name)
    for name in ("pyproject.toml", "conftest.py"):
        shutil.copy(ROOT / name, kit / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "OPENAI_"))}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        COLUMNS="120",
        NO_COLOR="1",
    )
    results: dict[int, str] = {}
    for step in STEPS:
        for number in step.solved:
            slug = next(p.stem for p in (ROOT / "solutions").glob(f"ex{number}_*.py"))
            shutil.copy(ROOT / "solutions" / f"{slug}.py", kit / "exercises" / f"{slug}.py")
        for name, body in step.files.items():
            (kit / name).write_text(body, encoding="utf-8")
        if missing(step.needs):
            continue
        if step.serves:
            results[step.line] = serve(
                argv(step.commands[0]) + ["--port", "0"], kit, env, step.expected or []
            )
            continue
        printed = []
        for command in step.commands:
            done = subprocess.run(
                argv(command), cwd=kit, env=env, capture_output=True, text=True, timeout=300
            )
            printed.append(done.stdout + done.stderr)
        results[step.line] = "\n".join(printed)
    return results


def serve(
    command: list[str], cwd: Path, env: dict[str, str], expected: list[str], *, wait: float = 20.0
) -> str:
    """Start a serving command, collect its output until every expected line is there, stop it."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if appears_in_order(expected, _default_port("".join(lines))) is None:
                break
            time.sleep(0.05)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)
        process.stdout.close()  # type: ignore[union-attr]
    return _default_port("".join(lines))


def _default_port(text: str) -> str:
    return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:8765", text)


def test_the_guide_has_checked_steps_for_both_parts():
    checked = [s for s in STEPS if s.expected is not None and not missing(s.needs)]
    assert len(checked) >= 6
    lead_ins = [
        line for line in GUIDE.read_text(encoding="utf-8").splitlines() if line.strip().startswith(_SEE)
    ]
    assert len(lead_ins) == len([s for s in STEPS if s.expected is not None]), (
        "every 'You should now see' belongs to a step"
    )
    assert any("ftlab validate data/support_tickets.jsonl" in c for s in checked for c in s.commands)


def test_a_see_block_without_a_command_is_refused():
    with pytest.raises(ValueError, match="no command block"):
        parse("Intro.\n\nYou should now see:\n\n```text\nhello\n```\n")


def test_lines_must_appear_in_order():
    output = "a one\nb two\nc three"
    assert appears_in_order(["a one", "c ... three"], output) is None
    assert appears_in_order(["c three", "a one"], output) == "a one"
    assert appears_in_order(["b    two"], "b two") is None


@pytest.mark.parametrize(
    "step", STEPS, ids=[f"line{s.line}-{s.commands[-1] if s.commands else 'none'}" for s in STEPS]
)
def test_each_step_prints_what_the_guide_says(step, outputs):
    reason = missing(step.needs)
    if reason:
        pytest.skip(reason)
    if step.needs and step.expected is None:
        pytest.skip(
            f"`{step.needs}` exists now: give this step (lab.md line {step.line})"
            " a 'You should now see' block"
        )
    if step.expected is None:
        assert step.line in outputs
        return
    absent = appears_in_order(step.expected, outputs[step.line])
    assert absent is None, (
        f"lab.md line {step.line}: {absent!r} is not in the output of {step.commands}:\n{outputs[step.line]}"
    )

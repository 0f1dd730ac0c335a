"""The ftlab pytest plugin: points per check, hints instead of tracebacks, and a scoreboard.

Registered through the ``pytest11`` entry point, so ``pytest`` loads it wherever ftlab is
installed. Grader modules (``graders/test_<slug>.py``) mark every check with
``@pytest.mark.points(n, hint="...")`` and reach the learner's code only through the
``exercise`` fixture. ``pytest exercises/`` runs each exercise's grader against the learner's
file; ``pytest graders/ --impl solutions`` runs them against the reference answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from _pytest.python import importtestmodule  # the one private name used: how pytest imports a test module

from ftlab.grading.credit import PartialCredit
from ftlab.grading.exercises import Exercise, UnknownExercise, find
from ftlab.grading.feedback import classify, describe
from ftlab.grading.mock_api import ftlab_mock_server, mock_api  # noqa: F401 - fixtures for graders that use the mock API
from ftlab.grading.results import VISIBILITIES, CheckResult, Scoreboard
from ftlab.grading.seam import DEFAULT_CALL_TIMEOUT, Backend, ExerciseProxy, LocalBackend

HELP_IMPL = "which implementation graders check: 'exercises' (default), 'solutions', or a path to a folder or one .py file"
HELP_JSON = "write every graded check, with points and feedback, as JSON to this path"
HELP_DEBUG = "keep pytest's full traceback under each failed check (for people who write graders)"
HELP_TIMEOUT = (
    f"seconds one call into the learner's code may take (default {DEFAULT_CALL_TIMEOUT:g}; 0: no limit)"
)
MARKER_POINTS = (
    "points(max_points, *, hint, task=None, visibility='visible'): a graded check worth max_points; "
    "hint is shown to the learner when it fails; visibility 'hidden' shows only the name and hint."
)

NEXT_STEPS = 12  # failing checks listed under the scoreboard; every failure above shows its own hint
_EXERCISE_FILE = re.compile(r"^ex\d+_[a-z0-9_]+\.py$")


@dataclass(frozen=True)
class PointsSpec:
    """A validated ``points`` marker."""

    max_points: float
    hint: str
    task: int | None
    visibility: str


BackendFactory = Callable[[pytest.Config, Path], Backend]
_BOARD = pytest.StashKey[Scoreboard]()
_BACKENDS = pytest.StashKey[dict[Path, Backend]]()
BACKEND_FACTORY = pytest.StashKey[BackendFactory]()
_SPEC = pytest.StashKey[PointsSpec]()
_CREDIT = pytest.StashKey[PartialCredit]()
_RECORDED = pytest.StashKey[bool]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ftlab", "ftlab grading")
    group.addoption("--impl", dest="ftlab_impl", default=None, metavar="WHICH", help=HELP_IMPL)
    group.addoption("--ftlab-json", dest="ftlab_json", default=None, metavar="PATH", help=HELP_JSON)
    group.addoption("--ftlab-debug", dest="ftlab_debug", action="store_true", default=False, help=HELP_DEBUG)
    group.addoption(
        "--ftlab-timeout",
        dest="ftlab_timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help=HELP_TIMEOUT,
    )
    parser.addini("ftlab_impl", HELP_IMPL, default="exercises")
    parser.addini("ftlab_timeout", HELP_TIMEOUT, default=str(DEFAULT_CALL_TIMEOUT))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_POINTS)
    config.stash[_BOARD] = Scoreboard()
    config.stash[_BACKENDS] = {}
    config.stash.setdefault(BACKEND_FACTORY, _local_backend)
    config.pluginmanager.register(_Recorder(config), "ftlab-recorder")
    if config.getoption("ftlab_impl"):
        impl_root(config)  # a wrong --impl is a usage error now, not one error per check later


def _local_backend(config: pytest.Config, root: Path) -> Backend:
    return LocalBackend(root, timeout=call_timeout(config))


def call_timeout(config: pytest.Config) -> float:
    """The per-call time limit from ``--ftlab-timeout`` or the ``ftlab_timeout`` ini value."""
    value = config.getoption("ftlab_timeout")
    if value is None:
        raw = config.getini("ftlab_timeout")
        try:
            value = float(raw)
        except ValueError:
            raise pytest.UsageError(
                f"ftlab_timeout = {raw!r} in your pytest configuration is not a number of seconds"
            ) from None
    if value < 0:
        raise pytest.UsageError(f"--ftlab-timeout must be 0 (no limit) or more seconds, got {value:g}")
    return value


def impl_root(config: pytest.Config) -> Path:
    """Where the implementation under test lives, from ``--impl`` or the ``ftlab_impl`` ini value."""
    which = config.getoption("ftlab_impl") or config.getini("ftlab_impl")
    path = Path(which)
    if not path.is_absolute():
        path = (
            (config.rootpath / path)
            if which in ("exercises", "solutions")
            else (config.invocation_params.dir / path)
        )
    if not path.exists():
        raise pytest.UsageError(f"--impl {which}: there is no folder or file at {path}")
    return path.resolve()


class GraderModule(pytest.Module):
    """A learner's exercise file, collected as the checks of its grader module.

    The node's path is the learner's file (so ``pytest exercises/ex1_build_example.py`` finds
    it and reports name it); its code is the grader ``graders/test_<slug>.py``.
    """

    def __init__(self, *, grader_path: Path, impl_root: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.grader_path = grader_path
        self.impl_root = impl_root

    def _getobj(self) -> Any:
        return importtestmodule(self.grader_path, self.config)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """An exercise file in a folder (``pytest exercises/``) is collected as its grader module."""
    if parent.session.isinitpath(file_path):
        return None  # named on the command line: pytest's python plugin asks pytest_pycollect_makemodule
    return _grader_module(file_path, parent)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    """An exercise file named on the command line (``pytest exercises/ex1_build_example.py``)."""
    return _grader_module(module_path, parent)


def _grader_module(file_path: Path, parent: pytest.Collector) -> GraderModule | None:
    """The grader of ``exN_slug.py``, checking that very file's folder, or None for other files."""
    if not _EXERCISE_FILE.match(file_path.name):
        return None
    grader = file_path.parent.parent / "graders" / f"test_{file_path.name}"
    if not grader.is_file():
        return None
    return GraderModule.from_parent(
        parent, path=file_path, grader_path=grader, impl_root=file_path.parent.resolve()
    )


def _backend(config: pytest.Config, root: Path) -> Backend:
    backends = config.stash[_BACKENDS]
    if root not in backends:
        backends[root] = config.stash[BACKEND_FACTORY](config, root)
    return backends[root]


def _exercise_of(node: pytest.Item | pytest.Collector) -> Exercise:
    try:
        return find(node.path.stem)
    except UnknownExercise as error:
        raise pytest.UsageError(
            f"{node.nodeid}: a grader module must be named test_<exercise slug>.py ({error})"
        ) from None


@pytest.fixture(scope="module")
def exercise(request: pytest.FixtureRequest) -> ExerciseProxy:
    """The learner's implementation of this grader module's exercise (the one seam to it)."""
    module = request.node
    root = module.impl_root if isinstance(module, GraderModule) else impl_root(request.config)
    return ExerciseProxy(_backend(request.config, root), _exercise_of(module))


@pytest.fixture
def credit(request: pytest.FixtureRequest) -> PartialCredit:
    """Partial credit: ``with credit.check(label, hint=...):`` per sub-check; points scale with passes."""
    tracker = PartialCredit()
    request.node.stash[_CREDIT] = tracker
    return tracker


def points_spec(
    max_points: float, *, hint: str, task: int | None = None, visibility: str = "visible"
) -> PointsSpec:
    """Check a ``points`` marker's arguments (same signature as the marker)."""
    if isinstance(max_points, bool) or not isinstance(max_points, (int, float)) or not max_points > 0:
        raise ValueError(f"max_points must be a positive number, got {max_points!r}")
    if not isinstance(hint, str) or not hint.strip():
        raise ValueError("hint must be a non-empty sentence for the learner")
    if task is not None and (isinstance(task, bool) or not isinstance(task, int) or task < 1):
        raise ValueError(f"task must be a task number (1, 2, ...), got {task!r}")
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, got {visibility!r}")
    return PointsSpec(float(max_points), hint.strip(), task, visibility)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        marker = item.get_closest_marker("points")
        in_grader = item.path.name.startswith("test_ex") and item.path.parent.name == "graders"
        if marker is None:
            if in_grader:
                raise pytest.UsageError(
                    f"{item.nodeid}: every check in a grader module needs @pytest.mark.points(n, hint=...)"
                )
            continue
        try:
            item.stash[_SPEC] = points_spec(*marker.args, **marker.kwargs)
        except (TypeError, ValueError) as error:
            reason = str(error).replace("points_spec()", "points()")
            raise pytest.UsageError(
                f"{item.nodeid}: bad @pytest.mark.points{_call_text(marker)}: {reason}"
            ) from None
        _exercise_of(item)


def _call_text(marker: pytest.Mark) -> str:
    parts = [repr(a) for a in marker.args] + [f"{k}={v!r}" for k, v in marker.kwargs.items()]
    return f"({', '.join(parts)})"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    spec = item.stash.get(_SPEC, None)
    if spec is None or item.stash.get(_RECORDED, False):
        return report
    if report.when == "call" or (report.when == "setup" and not report.passed):
        item.stash[_RECORDED] = True
        result = _grade(item, call, report, spec)
        report.user_properties.append(("ftlab", result.to_dict()))
    return report


def _grade(
    item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport, spec: PointsSpec
) -> CheckResult:
    credit = item.stash.get(_CREDIT, None)
    error = call.excinfo.value if call.excinfo is not None else None
    hidden = spec.visibility == "hidden"
    result = CheckResult(
        name=item.name,
        exercise=_exercise_of(item).slug,
        points=0.0,
        max_points=spec.max_points,
        status="passed",
        visibility=spec.visibility,  # type: ignore[arg-type]
        task=spec.task,
        hint=spec.hint,
        nodeid=item.nodeid,
    )
    if report.skipped:
        result.status, result.feedback = "skipped", _skip_reason(report)
        return result
    if error is None and credit is not None and credit.failures:
        result.points = round(spec.max_points * credit.fraction, 4)
        result.status = "failed"
        result.feedback = f"{spec.hint}\n{credit.summary(details=not hidden)}"
        report.outcome = "failed"
        _replace_longrepr(item, report, result.feedback)
        return result
    if error is None:
        result.points = spec.max_points
        return result
    kind = classify(error)
    result.status = "error" if kind == "grader" else "failed"
    detail = (
        describe(error)
        if not hidden or kind == "not_implemented"
        else "(hidden check: details are not shown)"
    )
    result.feedback = f"{spec.hint}\n{detail}"
    _replace_longrepr(item, report, result.feedback)
    return result


def _replace_longrepr(item: pytest.Item, report: pytest.TestReport, text: str) -> None:
    if item.config.getoption("ftlab_debug"):
        report.sections.append(("ftlab feedback", text))
    else:
        report.longrepr = text


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    return str(longrepr[2]) if isinstance(longrepr, tuple) else str(longrepr or "")


class _Recorder:
    """Gathers graded checks from every report (xdist workers' too) and shows the scoreboard."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == "ftlab":
                self.config.stash[_BOARD].checks.append(CheckResult.from_dict(value))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        board = self.config.stash[_BOARD]
        if not board.checks:
            return
        terminalreporter.section("ftlab scoreboard")
        for line in board.lines():
            terminalreporter.write_line(line)
        failing = [c for c in board.checks if c.status != "passed"]
        if failing:
            terminalreporter.write_line("")
            terminalreporter.write_line("What to fix next:")
            for check in failing[:NEXT_STEPS]:
                task = f" task {check.task}" if check.task else ""
                number = check.exercise.split("_", 1)[0]
                terminalreporter.write_line(
                    f"  {number}{task} {check.name} ({check.points:g}/{check.max_points:g}): {check.hint}"
                )
            if len(failing) > NEXT_STEPS:
                terminalreporter.write_line(
                    f"  ... and {len(failing) - NEXT_STEPS} more (each failure above has its hint)"
                )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = self.config.getoption("ftlab_json")
        if path and not hasattr(self.config, "workerinput"):
            self.config.stash[_BOARD].write_json(Path(self.config.invocation_params.dir, path))

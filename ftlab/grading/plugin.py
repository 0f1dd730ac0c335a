"""The ftlab pytest plugin: points per check, hints instead of tracebacks, and a scoreboard.

Registered through the ``pytest11`` entry point, so ``pytest`` loads it wherever ftlab is
installed. Grader modules (``graders/test_<slug>.py``) mark every check with
``@pytest.mark.points(n, hint="...")`` and reach the learner's code only through the
``exercise`` fixture. ``pytest exercises/`` runs each exercise's grader against the learner's
file; ``pytest graders/ --impl solutions`` runs them against the reference answers.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from ftlab.grading.compat import ForeignCodeModule
from ftlab.grading.credit import PartialCredit
from ftlab.grading.exercises import Exercise, UnknownExercise, find
from ftlab.grading.feedback import classify, describe
from ftlab.grading.freezer import freeze, pause, resume, track
from ftlab.grading.marker import MARKER_POINTS, PointsSpec, marker_call, points_spec
from ftlab.grading.mock_api import ENCODINGS_WARMED, ftlab_mock_server, mock_api  # noqa: F401 - fixtures
from ftlab.grading.outcomes import StudentCodeError
from ftlab.grading.recorder import PROPERTY, Recorder
from ftlab.grading.results import CheckResult
from ftlab.grading.seam import Backend, ExerciseProxy
from ftlab.grading.selfcheck import register_engine_use
from ftlab.grading.settings import BACKEND_FACTORY, add_options, impl_root, local_backend
from ftlab.grading.warmup import start_in_background, warm_only

_EXERCISE_FILE = re.compile(r"^ex\d+_[a-z0-9_]+\.py$")
_BACKENDS = pytest.StashKey[dict[Path, Backend]]()
_SPEC = pytest.StashKey[PointsSpec]()
_CREDIT = pytest.StashKey[PartialCredit]()
_RECORDED = pytest.StashKey[bool]()
#: the grader-side failures (:class:`StudentCodeError`) of the calls the running check made
_FAILURES = pytest.StashKey[list[StudentCodeError]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_POINTS)
    config.stash[_BACKENDS] = {}
    config.stash[_FAILURES] = []
    config.stash.setdefault(BACKEND_FACTORY, local_backend)
    config.pluginmanager.register(Recorder(config), "ftlab-recorder")
    register_engine_use(config)
    if config.getoption("ftlab_impl"):
        impl_root(config)  # a wrong --impl is a usage error now, not one error per check later
    track(config)  # what the run freezes (ftlab.grading.freezer) is thawed at its very end


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Before a grading run's first check: its exercises' lazy loads (:mod:`ftlab.grading.warmup`),
    then ``gc.freeze()``: what is loaded by now (pytest, graders, openai, encodings) lives as long as
    the process, and later full collections (pytest runs two at the end) need not walk it. The
    collector, paused while the graders imported (:mod:`ftlab.grading.freezer`), runs again."""
    config = session.config
    graded = [_exercise_of(item) for item in session.items if _SPEC in item.stash]
    if not graded or config.option.collectonly:
        resume(config)
        return
    if config.stash[BACKEND_FACTORY] is local_backend:
        warm_only(sorted({name for exercise in graded for name in exercise.warms}))
        config.stash[ENCODINGS_WARMED] = True
    freeze(config)


#: hypothesis's pytest plugin, under its entry-point name
HYPOTHESIS_PLUGIN = "hypothesispytest"


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Spare a run that never used hypothesis the import of all of it (a quarter of a second).

    hypothesis's plugin imports hypothesis in its terminal summary, to list what hypothesis's tests
    wrote. When nothing in this process imported hypothesis (``pytest exercises/``: the graders replay
    stored examples) and no run of it is reported from elsewhere (xdist workers), there is nothing
    to list, so the plugin is taken out before the summary.
    """
    config = session.config
    distributed = config.getoption("dist", "no") != "no" or hasattr(config, "workerinput")
    if "hypothesis" in sys.modules or distributed:
        return
    plugin = config.pluginmanager.get_plugin(HYPOTHESIS_PLUGIN)
    if plugin is not None:
        config.pluginmanager.unregister(plugin)


class GraderModule(ForeignCodeModule):
    """A learner's exercise file, collected as the checks of its grader module.

    The node's path is the learner's file (so ``pytest exercises/ex1_build_example.py`` finds
    it and reports name it); its code is the grader ``graders/test_<slug>.py``.
    """

    def __init__(self, *, grader_path: Path, impl_root: Path, **kwargs: Any) -> None:
        super().__init__(code_path=grader_path, **kwargs)
        self.impl_root = impl_root

    def _getobj(self) -> Any:
        """The grader module, imported once the exercise's encodings have begun loading beside it."""
        config = self.config
        if config.stash[BACKEND_FACTORY] is local_backend and not config.option.collectonly:
            _start_warming(self.path)
        return super()._getobj()


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
    pause(parent.config)  # a grading run: no collection while graders (and openai) import
    return GraderModule.from_parent(
        parent, path=file_path, grader_path=grader, impl_root=file_path.parent.resolve()
    )


def _start_warming(file_path: Path) -> None:
    """Begin the exercise's encodings in the background now, beside its grader's imports (openai's);
    ``pytest_collection_finish`` waits for them before the first check. Not when the node is made:
    pytest makes one for every exercise file in the folder, even when one file is asked for."""
    try:
        start_in_background(find(file_path.stem).warms)
    except UnknownExercise:
        return  # not an exercise: collecting its items says so


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
    failures = request.config.stash[_FAILURES]
    return ExerciseProxy(_backend(request.config, root), _exercise_of(module), observe=failures.append)


@pytest.fixture
def credit(request: pytest.FixtureRequest) -> PartialCredit:
    """Partial credit: ``with credit.check(label, hint=...):`` per sub-check; points scale with passes."""
    tracker = PartialCredit()
    request.node.stash[_CREDIT] = tracker
    return tracker


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
                f"{item.nodeid}: bad @pytest.mark.points{marker_call(marker)}: {reason}"
            ) from None
        _exercise_of(item)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.config.stash[_FAILURES].clear()  # a new check: no call of it has failed yet


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    error = _backstop(item, call, report)
    spec = item.stash.get(_SPEC, None)
    if spec is None or item.stash.get(_RECORDED, False):
        return report
    if report.when == "call" or (report.when == "setup" and not report.passed):
        item.stash[_RECORDED] = True
        result = _grade(item, error, report, spec)
        report.user_properties.append((PROPERTY, result.to_dict()))
    return report


def _backstop(
    item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport
) -> BaseException | None:
    """A check during which a call failed on the grader's side (a hang, a crash, a forged answer) fails.

    Whatever the check's code did with the error (caught it, expected "an error"): a crash, a hang
    or a broken protocol is never the behaviour a check asks for. The check then fails with that
    error, as if it had not been caught. The error the check failed with (None if it passed).
    """
    failures = item.config.stash[_FAILURES]
    error = call.excinfo.value if call.excinfo is not None else None
    if report.when != "call" or not failures or isinstance(error, StudentCodeError):
        return error
    first = failures[0]
    report.outcome = "failed"
    report.longrepr = describe(first)
    if hasattr(report, "wasxfail"):
        del report.wasxfail
    return first


def _grade(
    item: pytest.Item, error: BaseException | None, report: pytest.TestReport, spec: PointsSpec
) -> CheckResult:
    credit = item.stash.get(_CREDIT, None)
    hidden = spec.visibility == "hidden"
    result = CheckResult(
        name=item.name,
        exercise=_exercise_of(item).slug,
        points=0.0,
        max_points=spec.max_points,
        status="passed",
        visibility=spec.visibility,
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

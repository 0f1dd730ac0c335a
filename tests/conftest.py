"""The project's own tests: warnings are errors here (not in learners' runs of the graders).

Under xdist (``pytest -n auto``, as CI runs it) the tests are handed out one at a time, longest
first (``FIRST``), so that no core sits idle at the end while the other finishes a long test it
began late; the tests of a module in ``ONE_WORKER`` (one whose module-scoped fixture grades a
class or walks the lab guide) go to one worker together, so that fixture runs once, not once on
each worker that drew one of its tests. Only where and when tests run changes: every test runs,
with the same checks. ``--dist`` given on the command line wins. A module that runs ``ftlab grade``
in-process several times can ask for ``one_forkserver``: its runs then share one forkserver.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

#: Node id prefixes of the longest work, longest first (measured with ``--durations``); the rest
#: keeps its collection order.
FIRST = (
    "tests/classroom/test_runner.py",
    "tests/classroom/test_runner_user_sandbox.py",
    "tests/cli/test_fuzz_cli.py",
    "tests/docs/test_lab_guide.py",
    "tests/graders/test_graders.py",
    # then the modules whose tests take 10 s or more (real grading runs, pytest in subprocesses)
    "tests/classroom/test_class_run.py",
    "tests/classroom/test_same_feedback.py",
    "tests/classroom/test_dist.py",
    "tests/grading/test_selfcheck.py",
    "tests/classroom/test_under_load.py",
    "tests/grading/test_screen.py",
    "tests/grading/test_plugin_backstop.py",
)
#: Modules whose module-scoped fixture is costly (grades, trains, builds or renders something) and
#: shared by several of their tests.
ONE_WORKER = frozenset(
    {
        "tests/classroom/test_dist.py",
        "tests/classroom/test_gradescope.py",
        "tests/classroom/test_runner.py",
        "tests/cli/test_challenge_local.py",
        "tests/cli/test_permissions.py",
        "tests/dataset/test_webpage.py",
        "tests/docs/test_lab_break_even.py",
        "tests/docs/test_lab_guide.py",
        "tests/graders/test_grader_ex5.py",
        "tests/graders/test_grader_ex6.py",
        "tests/graders/test_graders.py",
        "tests/grading/test_plugin_backstop.py",
        "tests/lora/test_backend.py",
        "tests/lora/test_dataset.py",
        "tests/lora/test_trainer.py",
        "tests/mock/test_chat.py",
        "tests/mock/test_contract.py",
        "tests/mock/test_lora.py",
        "tests/tokens/test_encodings.py",
    }
)


def rank(nodeid: str) -> int:
    """Where a test goes in the hand-out order: its prefix's place in FIRST, or after all of them."""
    return next((i for i, prefix in enumerate(FIRST) if nodeid.startswith(prefix)), len(FIRST))


def work_unit(nodeid: str) -> str:
    """The xdist work unit of a test: its module when the module is in ONE_WORKER, else the test alone."""
    module = nodeid.split("::", 1)[0]
    return module if module in ONE_WORKER else nodeid


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.filterwarnings("error"), append=False)
    items.sort(key=lambda item: rank(item.nodeid))  # stable: within a rank, collection order


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """One test per work unit, in collection order, except a module in ONE_WORKER: one unit."""
    if config.option.dist != "load" or any(a.startswith("--dist") for a in config.invocation_params.args):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByCost(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False  # keep FIRST's order, not the units' sizes
    return ByCost(config, log)


@pytest.fixture(scope="module")
def one_forkserver() -> Iterator[None]:
    """The in-process ``ftlab grade`` runs of a module share one forkserver, stopped after its last test.

    Each run lets its forkserver go once its workers have started, so the next run in this process
    started another and paid its preload again (about a second of CPU each); what a run grades,
    writes and prints is the same with either. A run in a subprocess still starts its own.
    """
    from ftlab.classroom import workers  # only in the modules that ask for it

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers, "stop", lambda: None)
        yield
    workers.stop()


# Shared, noisy machines: no test may fail for being slow (speed is measured in bench/).
settings.register_profile("ftlab-tests", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ftlab-tests")

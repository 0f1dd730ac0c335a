"""The project's own tests: warnings are errors here (not in learners' runs of the graders)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.filterwarnings("error"), append=False)


# Shared, noisy machines: no test may fail for being slow (speed is measured in bench/).
settings.register_profile("ftlab-tests", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ftlab-tests")

"""The project's own tests: warnings are errors here (not in learners' runs of the graders)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.filterwarnings("error"), append=False)

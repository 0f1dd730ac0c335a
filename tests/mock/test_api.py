"""The mock API's route table: every route once, every handler routed, only health public."""

from __future__ import annotations

import inspect
from collections import Counter

from ftlab.mock import admin, endpoints, tuning
from ftlab.mock.api import ROUTES
from ftlab.mock.routes import Router


def _handlers() -> set[object]:
    """The public functions of the handler modules that take a request context first."""
    found: set[object] = set()
    for module in (admin, endpoints, tuning):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            parameters = list(inspect.signature(function).parameters)
            if (
                function.__module__ == module.__name__
                and not name.startswith("_")
                and parameters[:1] == ["ctx"]
            ):
                found.add(function)
    return found


def test_the_table_lists_every_method_and_path_once() -> None:
    pairs = Counter((method, route.path) for route in ROUTES for method in route.methods)
    assert [pair for pair, count in pairs.items() if count > 1] == []
    assert len(pairs) == 26


def test_every_handler_is_routed_exactly_once() -> None:
    routed = Counter(route.handler for route in ROUTES)
    assert set(routed) == _handlers()
    assert max(routed.values()) == 1


def test_only_health_is_public() -> None:
    assert [route.path for route in ROUTES if route.public] == ["/_mock/health"]


def test_the_mocks_own_routes_are_under_mock_and_the_apis_under_v1() -> None:
    for route in ROUTES:
        module = route.handler.__module__
        assert route.path.startswith("/_mock/" if module == admin.__name__ else "/v1/"), route


def test_a_router_accepts_the_table() -> None:
    assert Router(ROUTES).routes == ROUTES


def test_imports_inside_the_mock_go_down_from_server_to_table_to_handlers_to_plumbing() -> None:
    import grimp

    graph = grimp.build_graph("ftlab", include_external_packages=False)
    handlers = ["ftlab.mock.admin", "ftlab.mock.endpoints", "ftlab.mock.tuning"]
    levels = [["ftlab.mock.routes"], handlers, ["ftlab.mock.api"], ["ftlab.mock.server"]]
    upward = [
        (low, high)
        for i, lows in enumerate(levels)
        for highs in levels[i + 1 :]
        for low in lows
        for high in highs
        if graph.chain_exists(importer=low, imported=high)
    ]
    sideways = [
        (a, b) for a in handlers for b in handlers if a != b and graph.chain_exists(importer=a, imported=b)
    ]
    assert (upward, sideways) == ([], [])

"""The house plan, checked: the engine's tree shows its architecture and stays that way.

import-linter (``lint-imports`` in CI) keeps the layers; these checks keep what it cannot see.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest

from tests.paths import ROOT, TESTS

ENGINE = ROOT / "ftlab"
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 50
MAX_TOP_LEVEL_MODULES = 6
#: Stop learner code and must get past its ``except Exception``: outside the FtlabError tree on purpose.
BASE_EXCEPTIONS = {"TimeLimitExceeded", "SleepLimitExceeded"}


def _modules() -> list[Path]:
    return sorted(ENGINE.rglob("*.py"))


def _trees() -> Iterator[tuple[Path, ast.Module]]:
    for path in _modules():
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.find_modules_directly_imported_by(node):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_two_engine_modules_import_each_other_even_through_others():
    graph = grimp.build_graph("ftlab", include_external_packages=False)
    assert _strongly_connected(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(name)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.x")
    graph.add_import(importer="a.z", imported="a.x")
    assert _strongly_connected(graph) == [["a.x", "a.y"]]


def test_few_modules_sit_directly_in_the_package_the_rest_in_subpackages_by_concern():
    top = sorted(p.name for p in ENGINE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top
    for folder in ENGINE.iterdir():
        if folder.is_dir() and any(folder.glob("*.py")):
            assert (folder / "__init__.py").is_file(), f"{folder} is not a package"


def test_no_module_is_over_the_size_limit():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := p.read_text("utf-8").count("\n")) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_is_over_the_size_limit():
    long = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path, tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


def _imports(tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_only_the_cli_package_parses_arguments():
    outside = [
        str(p.relative_to(ROOT))
        for p, tree in _trees()
        if "argparse" in _imports(tree) and p.relative_to(ENGINE).parts[0] != "cli"
    ]
    assert outside == []
    assert not [p for p in _modules() if "sys.argv" in p.read_text("utf-8")]


def test_private_apis_of_other_libraries_are_reached_from_one_compat_module():
    compat = ENGINE / "grading" / "compat.py"
    private = [
        f"{p.relative_to(ROOT)}: {name}"
        for p, tree in _trees()
        if p != compat
        for name in _imports(tree)
        if any(part.startswith("_") and not part.startswith("__") for part in name.split("."))
    ]
    assert private == []
    assert not [p for p in _modules() if re.search(r"\bargparse\._", p.read_text("utf-8"))]


def test_every_engine_error_is_an_ftlab_error():
    import importlib

    from ftlab.errors import FtlabError

    strays = []
    for path, tree in _trees():
        module_name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        classes = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
        if not classes:
            continue
        module = importlib.import_module(module_name.removesuffix(".__init__"))
        for name in classes:
            cls = getattr(module, name)
            if isinstance(cls, type) and issubclass(cls, BaseException) and name not in BASE_EXCEPTIONS:
                if not issubclass(cls, FtlabError):
                    strays.append(f"{module_name}.{name}")
    assert strays == []


def test_exit_statuses_have_one_name_each():
    defined = [
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p in _modules()
        for m in re.finditer(r"^EXIT_\w+.*=.*$", p.read_text("utf-8"), flags=re.M)
    ]
    assert defined == []


def test_the_strict_integer_test_is_written_once():
    pattern = re.compile(r"isinstance\(\w+, bool\)")
    copies = [str(p.relative_to(ROOT)) for p in _modules() if pattern.search(p.read_text("utf-8"))]
    assert copies == ["ftlab/values.py"]


@pytest.mark.parametrize(
    "module", [p.relative_to(ENGINE) for p in _modules() if p.name != "__init__.py"], ids=str
)
def test_every_engine_module_has_its_test_module(module: Path):
    expected = TESTS / module.parent / f"test_{module.stem}.py"
    assert expected.is_file(), f"{module} has no {expected.relative_to(ROOT)}"

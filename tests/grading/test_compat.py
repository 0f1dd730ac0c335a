"""pytest's private names the plugin needs: still there, reached only through ftlab.grading.compat.

Runs before the plugin's own tests (``test_compat`` sorts before ``test_plugin``), so a pytest
release that moves a name fails here first, with a message naming it.
"""

from __future__ import annotations

import pytest

from ftlab.errors import FtlabError
from ftlab.grading import compat
from ftlab.grading.compat import PytestInternalsMoved, import_test_module, missing_internals


def test_this_pytest_still_has_every_private_name_the_plugin_needs():
    missing = missing_internals()
    assert missing == [], (
        f"pytest {pytest.__version__} moved {', '.join(missing)}: "
        "update ftlab/grading/compat.py (the plugin's only door to pytest internals)"
    )


def test_a_test_module_is_imported_as_pytest_imports_it_with_assertions_rewritten(pytester):
    source = pytester.makepyfile(test_sample="def test_sum():\n    total = 1 + 1\n    assert total == 3\n")
    module = import_test_module(source, pytester.parseconfigure())
    with pytest.raises(AssertionError, match=r"assert 2 == 3"):
        module.test_sum()


def test_a_foreign_code_module_collects_the_tests_of_its_code_file(pytester):
    pytester.makepyfile(
        conftest="""
        from ftlab.grading.compat import ForeignCodeModule

        def pytest_collect_file(file_path, parent):
            if file_path.suffix == ".txt":
                code = file_path.with_name("code_" + file_path.stem + ".py")
                return ForeignCodeModule.from_parent(parent, path=file_path, code_path=code)
        """,
        code_notes="def test_from_the_code_file():\n    pass\n",
    )
    pytester.makefile(".txt", notes="not python")
    result = pytester.runpytest("-p", "no:cacheprovider", "-v")
    result.stdout.fnmatch_lines(["notes.txt::test_from_the_code_file PASSED*"])
    assert result.ret == pytest.ExitCode.OK


def test_a_moved_name_is_an_ftlab_error_that_names_it_and_the_fix(monkeypatch, pytester):
    source = pytester.makepyfile(test_sample="def test_nothing():\n    pass\n")
    monkeypatch.setattr(compat, "_IMPORT_TEST_MODULE", None)
    assert missing_internals() == ["_pytest.python.importtestmodule"]
    with pytest.raises(PytestInternalsMoved) as caught:
        import_test_module(source, pytester.parseconfig())
    assert isinstance(caught.value, FtlabError)
    assert "_pytest.python.importtestmodule" in str(caught.value)
    assert "ftlab/grading/compat.py" in str(caught.value)

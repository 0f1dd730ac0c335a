"""The forkserver's preload: importing it loads the pytest plugins, openai and the mock, warmed."""

from __future__ import annotations

import subprocess
import sys

from ftlab.grading.isolation.preload import MODULES, plugin_modules
from tests.paths import ROOT


def test_it_preloads_ftlabs_plugin_and_none_of_those_a_grading_run_blocks():
    assert plugin_modules() == ["ftlab.grading.plugin"]


def test_importing_it_leaves_every_worker_module_loaded_and_the_encodings_warm():
    probe = (
        "import sys, ftlab.grading.isolation.preload as p, ftlab.grading.warmup as w; "
        "print(all(m in sys.modules for m in [*p.plugin_modules(), *p.MODULES]), w._warmed == set(w.known()))"
        "; import gc; print(gc.get_freeze_count() > 10_000)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split() == ["True", "True", "True"]  # loaded, warm, and out of the collector's way
    assert "openai" in MODULES


def test_the_child_library_never_holds_it():
    from ftlab.grading.isolation.library import child_modules

    assert not any(m.endswith("isolation.preload") for m in child_modules())


def test_importing_it_caches_the_platform_description_so_a_workers_first_request_runs_no_program():
    probe = (
        "import subprocess, ftlab.grading.isolation.preload, platform; "
        "subprocess.Popen = None; print(platform.platform().startswith('Linux'))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split() == ["True"]  # Popen was gone: uname -p had run in the preload

"""A grading run loads ftlab's pytest plugin and blocks every other one installed."""

from __future__ import annotations

from importlib.metadata import entry_points

from ftlab.grading.isolation.plugins import GRADING_PLUGIN, blocked, unneeded_plugins


def test_every_installed_plugin_but_ftlabs_is_blocked_hypothesis_and_xdist_among_them():
    installed = {e.name for e in entry_points(group="pytest11")}
    assert set(unneeded_plugins()) == installed - {GRADING_PLUGIN}
    assert {"hypothesispytest", "xdist"} <= set(unneeded_plugins())
    assert GRADING_PLUGIN in installed


def test_blocked_is_one_no_option_per_unneeded_plugin():
    arguments = blocked()
    assert arguments[0::2] == ["-p"] * len(unneeded_plugins())
    assert arguments[1::2] == [f"no:{name}" for name in unneeded_plugins()]

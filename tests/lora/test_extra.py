"""ftlab.lora.extra: the optional 'train' extra is checked by import, naming what is missing."""

from __future__ import annotations

import pytest

from ftlab.errors import FtlabError
from ftlab.lora import extra
from ftlab.lora.errors import INSTALL_HINT, MissingExtra


def test_the_extra_is_the_four_training_libraries():
    assert set(extra.MODULES) == {"torch", "transformers", "accelerate", "peft"}


def test_a_missing_library_is_named_with_the_install_hint(monkeypatch):
    monkeypatch.setattr(extra, "MODULES", ("json", "ftlab_no_such_library", "also_missing"))
    with pytest.raises(MissingExtra) as caught:
        extra.require()
    assert caught.value.module == "ftlab_no_such_library"
    assert "No module named 'ftlab_no_such_library'" in caught.value.reason
    assert isinstance(caught.value, FtlabError) and str(caught.value).endswith(INSTALL_HINT)


def test_with_every_library_importable_nothing_is_raised(monkeypatch):
    monkeypatch.setattr(extra, "MODULES", ("json", "math"))
    assert extra.require() is None


def test_the_installed_extra_passes():
    for name in extra.MODULES:
        pytest.importorskip(name, reason="the optional 'train' extra is not installed")
    extra.require()

"""Project-wide pytest setup: the project's own tests drive the grading plugin with pytester."""

from __future__ import annotations

pytest_plugins = ["pytester"]

"""The learner API: the only part of ftlab that exercise code may import (filled in by issue 11)."""

from __future__ import annotations

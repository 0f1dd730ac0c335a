"""ftlab: exercises, graders and an offline fine-tuning API for the module 'Fine-tuning & training'."""

from __future__ import annotations

__version__ = "0.1.0"

"""Grading one implementation: the pytest plugin, the exercise seam, feedback, partial credit and results."""

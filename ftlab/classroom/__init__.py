"""Grading a class: submissions, batch runs, reports for LMSs, Gradescope, the student kit, the notebook."""

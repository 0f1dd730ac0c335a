# Attack: find ftlab's files on disk and exec the dataset rules' source in this module.
import os as _os
import sys as _sys


def _engine_file(*parts):
    for folder in _sys.path:
        path = _os.path.join(folder or ".", "ftlab", *parts)
        if _os.path.isfile(path):
            return path
    import ftlab.learner as _learner  # the learner API is allowed: its folder is ftlab's

    return _os.path.join(_os.path.dirname(_os.path.dirname(_learner.__file__)), *parts)


_rules = {"__name__": "ftlab.dataset.records", "__file__": _engine_file("dataset", "records.py")}
with open(_rules["__file__"], encoding="utf-8") as _source:
    exec(compile(_source.read(), _rules["__file__"], "exec"), _rules)


def validate_record(record):
    return _rules["codes"](record)

# Attack: reach ftlab's engine without an import statement: a walk of sys.modules, then importlib.
import dataclasses as _dataclasses
import importlib as _importlib
import sys as _sys


def _engine(name):
    for loaded_name, module in list(_sys.modules.items()):
        if loaded_name == name and module is not None:
            return module
    return _importlib.import_module(name)


_records = _engine("ftlab.dataset.records")
_counting = _engine("ftlab.tokens.counting")
_cost = _engine("ftlab.tokens.cost")
write_jsonl = _engine("ftlab.dataset.jsonl").write_jsonl


def validate_record(record):
    return _records.codes(record)


def count_tokens(messages, model="gpt-4o-mini"):
    return _counting.count_tokens(messages, model)


def estimate_training_cost(examples, model, n_epochs="auto"):
    return _dataclasses.asdict(_cost.estimate_training_cost(examples, model, n_epochs))

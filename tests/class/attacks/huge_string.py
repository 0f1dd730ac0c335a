# Attack: every function returns a 600 MB string.
import types as _types


def _huge(*args, **kwargs):
    return "x" * 600_000_000


for _name, _value in list(globals().items()):
    if isinstance(_value, _types.FunctionType) and _value.__module__ == __name__ and not _name.startswith("_"):
        globals()[_name] = _huge

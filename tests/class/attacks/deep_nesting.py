# Attack: every function returns a list nested 200,000 deep (built without recursion).
import types as _types


def _deep(*args, **kwargs):
    value = []
    for _ in range(200_000):
        value = [value]
    return value


for _name, _value in list(globals().items()):
    if isinstance(_value, _types.FunctionType) and _value.__module__ == __name__ and not _name.startswith("_"):
        globals()[_name] = _deep

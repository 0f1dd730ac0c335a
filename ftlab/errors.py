"""The engine's one error root and the command line's one set of exit statuses.

Every error the engine raises on purpose derives from :class:`FtlabError` (often together with the
built-in class a caller would expect, such as ``ValueError``), so a caller can catch the engine's
own refusals with one ``except`` and let real bugs through. Two deliberate exceptions: the
``BaseException`` subclasses that stop learner code (a time limit, a sleep limit) must get past a
learner's ``except Exception`` and so stand outside this tree.
"""

from __future__ import annotations

import enum


class FtlabError(Exception):
    """Something the engine refuses or cannot do, said in a sentence a learner can act on."""


class ExitCode(enum.IntEnum):
    """Exit statuses of every ``ftlab`` command."""

    OK = 0
    #: The input was read but is not good: a file not valid, a check failed, not all graded.
    FAILED = 1
    #: The command could not run as asked: bad arguments, an unreadable file, a missing extra.
    USAGE = 2
    #: The command failed inside: a bug or a crash in ftlab or a library, never a verdict on the input.
    INTERNAL = 3
    #: Stopped by Ctrl+C (128 + SIGINT), as shells report it.
    INTERRUPTED = 130

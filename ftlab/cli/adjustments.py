"""``--adjust FILE``: an instructor's adjustments CSV, read and checked while the command line is parsed."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the classroom (and pytest under it) loads only when --adjust is given
    from ftlab.classroom.adjustments import Adjustments

HELP = (
    "a CSV of manual adjustments (submission, check or exercise, points, reason), applied to every "
    "score and shown in the learner's feedback"
)


def _argument(text: str) -> Adjustments:
    from ftlab.classroom.adjustments import AdjustmentError, load_adjustments

    try:
        return load_adjustments(Path(text))
    except AdjustmentError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_adjustments_option(parser: argparse.ArgumentParser) -> None:
    """``--adjust FILE`` on ``parser``: a bad file exits with status 2, naming its file, line and field."""
    parser.add_argument("--adjust", type=_argument, default=None, metavar="FILE", help=HELP)

"""The optional challenge: one task done three ways (a prompt, RAG, a fine-tune), scored side by side.

The task and its held-out cases are in ``ftlab.course.triage``, the three legs in
``ftlab.course.legs``, the table in ``ftlab.course.scoreboard``; ``ftlab challenge``
(``ftlab.cli.challenge``) prints it. Quality is exact match of the Category and Priority lines
on the held-out set; cost is counted with exercise 3's token counter and published prices.
"""

from __future__ import annotations

import contextlib
import os

from ftlab.course.legs import (
    LegResult,
    Responder,
    fine_tune_leg,
    mock_fine_tune,
    prompt_leg,
    rag_leg,
    run_leg,
)
from ftlab.course.triage import ChallengeError, read_cases
from ftlab.tokens.models import resolve_model

MOCK_NOTE = "a model fine-tuned on the mock API, which answers with its closest training example's reply"
GIVEN_NOTE = "the given fine-tuned responder"

FilePath = str | os.PathLike[str]


def run_challenge(
    *, train: FilePath, heldout: FilePath, docs: FilePath, model: str, fine_tuned: Responder | None = None
) -> tuple[list[LegResult], dict[str, str]]:
    """Every leg's result on the held-out set, and why a leg was skipped (the fine-tune, if the mock fails).

    Without ``fine_tuned`` the fine-tune leg trains on the mock API. Raises :class:`ChallengeError`,
    ``ValueError`` (an unknown model) or ``OSError`` when an input is unusable.
    """
    resolve_model(model)
    cases = read_cases(heldout)
    results = [run_leg(leg, cases) for leg in (prompt_leg(model), rag_leg(model, docs))]
    skipped: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        answer, note = fine_tuned, GIVEN_NOTE
        if answer is None:
            try:
                answer, note = stack.enter_context(mock_fine_tune(train, model)), MOCK_NOTE
            except ChallengeError as error:
                skipped["fine-tune"] = error.reason
        if answer is not None:
            results.append(run_leg(fine_tune_leg(model, train, answer, note=note), cases))
    return results, skipped

"""Hypothesis strategies for training records: valid ones, and ones broken in exactly one way.

Graders use them for differential checks (the learner's validator must agree with
``ftlab.dataset.records``); this module is the one they import. Valid chat records are built in
``ftlab.dataset.chat_strategies``, broken ones in ``ftlab.dataset.breakers``; preference records,
any JSON value and the grading settings are here. Helpers are keyword-only and check their
arguments eagerly.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from ftlab.dataset.breakers import broken_records
from ftlab.dataset.chat_strategies import names, texts, valid_records

__all__ = [
    "GRADING",
    "broken_records",
    "json_values",
    "names",
    "preference_records",
    "texts",
    "valid_records",
]

#: Settings for graded property checks: the same examples every run, so a score never flickers,
#: and no shrinking, so a learner sees the first failing example at once instead of waiting.
GRADING = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def preference_records(*, max_turns: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    """Valid preference (DPO) records: a chat prompt ending with the user, two different answers."""
    if max_turns < 1:
        raise ValueError(f"max_turns must be at least 1, got {max_turns}")
    prompt = valid_records(max_turns=max_turns, tools=False).map(lambda r: r["messages"][:-1])
    answers = st.lists(texts(), min_size=2, max_size=2, unique_by=str.strip)
    return st.builds(
        lambda messages, pair, parallel: {
            "input": {
                "messages": messages,
                **({"parallel_tool_calls": parallel} if parallel is not None else {}),
            },
            "preferred_output": [{"role": "assistant", "content": pair[0]}],
            "non_preferred_output": [{"role": "assistant", "content": pair[1]}],
        },
        prompt,
        answers,
        st.none() | st.booleans(),
    )


def json_values(*, max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Any JSON value (what a line of a file can hold), with keys records often use."""
    if max_leaves < 1:
        raise ValueError(f"max_leaves must be at least 1, got {max_leaves}")
    keys = st.sampled_from(
        [
            "messages",
            "role",
            "content",
            "name",
            "weight",
            "input",
            "preferred_output",
            "non_preferred_output",
            "tools",
            "tool_calls",
            "x",
        ]
    ) | st.text(max_size=5)
    leaves = (
        st.none()
        | st.booleans()
        | st.integers(-2, 2)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.sampled_from(["user", "assistant", "system", "tool", "hi", "", " "])
    )
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=max_leaves,
    )

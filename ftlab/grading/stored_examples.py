"""Property checks replayed from stored examples: hypothesis generates them once, every run replays them.

A grader's property check names the values it draws and a function that builds their strategies::

    @replayed("record", strategies=_records)
    def test_every_valid_record_passes(exercise, record): ...

Its examples are in ``graders/examples/<grader module>.json``: what hypothesis generates from those
strategies under :data:`ftlab.dataset.strategies.GRADING` (no shrinking), derandomized as
hypothesis derandomizes the check itself (seeded by its source's digest), with nothing drawn from
the constants of whatever modules happen to be loaded. Replaying
them needs no hypothesis at all, so a learner's ``pytest exercises/`` spends its time on their
code, and every submission meets exactly the same examples. Explicit examples (hypothesis's
``@example``) run first, then the stored ones in the order hypothesis generated them; the first
that fails fails the check with a "Falsifying example" note, as hypothesis without shrinking does.
:func:`generate` regenerates a check's examples; a maintainer test compares them with the file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib
import inspect
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest

from ftlab.errors import FtlabError

F = TypeVar("F", bound=Callable[..., Any])
#: a call a check makes: the function's name, its arguments, its keyword arguments
Call = tuple[str, Sequence[Any], dict[str, Any]]
FOLDER = "examples"
ATTRIBUTE = "ftlab_property"
DEFAULT_EXAMPLES = 60  # GRADING's max_examples


@dataclasses.dataclass(frozen=True)
class Property:
    """One property check: what it draws, how its strategies are built, how many examples it gets."""

    name: str
    names: tuple[str, ...]
    strategies: Callable[[], Mapping[str, Any]]
    max_examples: int
    explicit: tuple[Mapping[str, Any], ...]
    store: Path
    #: the check as written (its digest seeds generation, as hypothesis's derandomize does)
    test: Callable[..., Any] | None = None


class MissingExamples(FtlabError):
    """A property check whose stored examples are not in its grader's examples file."""

    def __init__(self, store: Path, check: str) -> None:
        super().__init__(store, check)
        self.store, self.check = store, check

    def __str__(self) -> str:
        return (
            f"{self.store} holds no examples for {self.check}: regenerate them"
            " (python -m tests.graders.regenerate_examples)"
        )


def replayed(
    *names: str,
    strategies: Callable[[], Mapping[str, Any]],
    max_examples: int = DEFAULT_EXAMPLES,
    explicit: Sequence[Mapping[str, Any]] = (),
    calls: Callable[..., Sequence[Call]] | None = None,
) -> Callable[[F], F]:
    """Run the check once per stored example of ``names`` (drawn from ``strategies()`` when generated).

    ``calls(**example)`` names the calls the check makes for an example, ``(function, args,
    kwargs)`` each, in order: they are sent ahead to the learner's side in batches
    (:meth:`ftlab.grading.seam.ExerciseProxy.expect`), each call the check makes as named takes its
    answer from there, and any other runs as usual. Nothing else changes.
    """

    def decorate(test: F) -> F:
        store = (
            Path(test.__globals__["__file__"]).parent / FOLDER / f"{test.__module__.rsplit('.', 1)[-1]}.json"
        )
        prop = Property(test.__name__, names, strategies, max_examples, tuple(explicit), store, test)
        signature = inspect.signature(test)
        kept = [p for p in signature.parameters.values() if p.name not in names]

        @functools.wraps(test)
        def check(*args: Any, **kwargs: Any) -> None:
            examples = [("explicit example", e) for e in prop.explicit] + [
                ("example", e) for e in stored(prop)
            ]
            with _ahead(kwargs.get("exercise"), calls, [e for _, e in examples]):
                for label, example in examples:
                    try:
                        test(*args, **kwargs, **example)
                    except (Exception, pytest.fail.Exception) as error:
                        error.add_note(falsifying(prop.name, label, {**kwargs, **example}))
                        raise

        check.__signature__ = signature.replace(parameters=kept)  # type: ignore[attr-defined]
        setattr(check, ATTRIBUTE, prop)
        return check  # type: ignore[return-value]

    return decorate


def _ahead(
    exercise: Any, calls: Callable[..., Sequence[Call]] | None, examples: list[Mapping[str, Any]]
) -> contextlib.AbstractContextManager[Any]:
    """The exercise's :meth:`expect` of every example's calls, or nothing when there is none to say."""
    expect = getattr(exercise, "expect", None)
    if calls is None or expect is None:
        return contextlib.nullcontext()
    return expect([call for example in examples for call in calls(**example)])


def falsifying(name: str, label: str, arguments: Mapping[str, Any]) -> str:
    """The note under a failed example, in hypothesis's words: the check called with its arguments."""
    lines = "".join(f"    {key}={value!r},\n" for key, value in arguments.items())
    return f"Falsifying {label}: {name}(\n{lines})"


def stored(prop: Property) -> list[dict[str, Any]]:
    """The stored examples of a check, decoded, in the order hypothesis generated them."""
    checks = _load(prop.store).get("checks", {})
    if prop.name not in checks:
        raise MissingExamples(prop.store, prop.name)
    return [decode(example) for example in checks[prop.name]]


@functools.cache
def _load(store: Path) -> dict[str, Any]:
    if not store.is_file():
        return {}
    data: dict[str, Any] = json.loads(store.read_text(encoding="utf-8"))
    return data


def properties(namespace: Mapping[str, Any]) -> list[Property]:
    """The replayed checks defined in a grader module's namespace, in their order there."""
    return [getattr(v, ATTRIBUTE) for v in namespace.values() if callable(v) and hasattr(v, ATTRIBUTE)]


def generate(prop: Property) -> list[Any]:
    """The examples hypothesis generates for a check, encoded for the store (imports hypothesis)."""
    from hypothesis import given, seed, settings
    from hypothesis.internal.conjecture.utils import int_from_bytes
    from hypothesis.internal.reflection import function_digest

    from ftlab.dataset.strategies import GRADING

    found: list[Any] = []
    # the random generator hypothesis's derandomize gives the check itself
    digest = function_digest(prop.test) if prop.test is not None else prop.name.encode()

    @seed(int_from_bytes(digest))
    @settings(GRADING, max_examples=prop.max_examples)
    @given(**prop.strategies())
    def record(**drawn: Any) -> None:
        found.append(encode({name: drawn[name] for name in prop.names}))

    with _no_local_constants():
        record()
    return found


@contextlib.contextmanager
def _no_local_constants() -> Iterator[None]:
    """Hypothesis sometimes draws constants found in loaded local modules: none, so generation is stable."""
    from hypothesis.internal.conjecture import providers

    saved = getattr(providers, "_get_local_constants", None)
    if saved is None:  # another hypothesis: nothing of the kind to switch off
        yield
        return
    cache = getattr(getattr(providers, "CONSTANTS_CACHE", None), "cache", {})
    cache.clear()  # what earlier runs in this process drew from their local constants
    providers._get_local_constants = lambda: providers.Constants()
    try:
        yield
    finally:
        providers._get_local_constants = saved
        cache.clear()


def encode(value: Any) -> Any:
    """A value as JSON that :func:`decode` turns back into an equal value (tuples, dataclasses too)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {"$dict": [[encode(k), encode(v)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        kind = type(value)
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return {"$dataclass": f"{kind.__module__}:{kind.__qualname__}", "fields": fields}
    raise TypeError(f"cannot store a {type(value).__name__} as an example: {value!r}")


def decode(value: Any) -> Any:
    """The value :func:`encode` stored."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$float" in value:
        return float(value["$float"])
    if "$tuple" in value:
        return tuple(decode(v) for v in value["$tuple"])
    if "$dict" in value:
        return {decode(k): decode(v) for k, v in value["$dict"]}
    if "$dataclass" in value:
        module, name = value["$dataclass"].split(":")
        kind = getattr(importlib.import_module(module), name)
        return kind(**{k: decode(v) for k, v in value["fields"].items()})
    return {k: decode(v) for k, v in value.items()}

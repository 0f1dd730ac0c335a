"""Pairs of submissions whose code is unusually alike: leads for a human reader, never a verdict.

Each submission's code is cut into Python tokens with comments, layout and the text of strings
dropped, and every name a learner chose replaced by a placeholder numbered in order of first use
within each top-level definition (so renaming variables changes nothing); keywords, builtins
and attribute names stay. Runs of :data:`SHINGLE` tokens are the shingles compared. Shingles of
the exercises' stubs are left out (untouched stubs are not "alike"), and so are those that many
submissions share (the obvious way to write a line is not evidence). MinHash LSH (datasketch)
proposes candidate pairs; each is then measured exactly (Jaccard of the shingle sets).
"""

from __future__ import annotations

import builtins
import hashlib
import html
import io
import keyword
import re
import tokenize
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from ftlab.classroom.graded import Graded
from ftlab.grading.cells import UnreadableNotebook, read_cells

SHINGLE = 8
THRESHOLD = 0.5  # the Jaccard similarity from which a pair is reported
MIN_SHARED = 25  # shingles two submissions must share before they are compared at all
MAX_BYTES = 2 * 1024**2
_KEPT = set(keyword.kwlist) | set(keyword.softkwlist) | set(dir(builtins)) | {"self", "cls"}
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
Span = tuple[str, int, int]  # a file (or notebook cell), its first and last line
_STRING_PARTS = {getattr(tokenize, n, -1) for n in ("FSTRING_MIDDLE", "FSTRING_END")}


@dataclass
class Code:
    """One submission's code: its files' lines, and its shingles with the lines each spans."""

    name: str
    lines: dict[str, list[str]] = field(default_factory=dict)
    spans: dict[int, list[Span]] = field(default_factory=dict)  # shingle -> places

    @property
    def shingles(self) -> set[int]:
        return set(self.spans)


@dataclass(frozen=True)
class Pair:
    """Two submissions, how alike (0-1), and the fragments they share: (file, first, last) each side."""

    first: Code
    second: Code
    similarity: float
    shared: int
    fragments: list[tuple[Span, Span]]


def tokens(text: str) -> list[tuple[str, int]]:
    """``text``'s normalized tokens with their line numbers (names as placeholders ``v1``, ``v2``...)."""
    found: list[tuple[str, int]] = []
    names: dict[str, str] = {}
    previous = ""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind, value, line = token.type, token.string, token.start[0]
            if kind in _SKIP or kind in _STRING_PARTS or kind == tokenize.ENDMARKER:
                continue
            if kind == tokenize.NAME and value in ("def", "class") and token.start[1] == 0:
                names = {}
            if kind == tokenize.NAME and value not in _KEPT and previous != ".":
                value = names.setdefault(value, f"v{len(names) + 1}")
            elif kind == tokenize.STRING or kind == getattr(tokenize, "FSTRING_START", -1):
                value = "S"
            elif kind == tokenize.NEWLINE:
                value = ";"
            found.append((value, line))
            previous = value
    except (tokenize.TokenError, SyntaxError):
        pass  # code that does not tokenize to the end is compared as far as it goes
    return found


def _add(code: Code, label: str, text: str) -> None:
    code.lines[label] = text.splitlines()
    stream = tokens(text)
    for start in range(len(stream) - SHINGLE + 1):
        window = stream[start : start + SHINGLE]
        joined = " ".join(value for value, _ in window).encode()
        key = int.from_bytes(hashlib.blake2b(joined, digest_size=8).digest(), "little")
        code.spans.setdefault(key, []).append((label, window[0][1], window[-1][1]))


def _files(path: Path) -> Iterable[tuple[str, str]]:
    """``(label, text)`` of each code file of a submission (a notebook gives its code cells)."""
    if path.suffix == ".ipynb" and path.is_file():
        try:
            yield from ((f"cell {c.number}", c.source) for c in read_cells(path))
        except UnreadableNotebook:
            return
    elif path.suffix == ".py" and path.is_file():
        if path.stat().st_size <= MAX_BYTES:
            yield path.name, path.read_text(encoding="utf-8", errors="replace")
    elif path.is_dir():
        folders = [path, path / "exercises"]
        for file in sorted(p for folder in folders if folder.is_dir() for p in folder.glob("*.py")):
            if not re.match(r"[._]", file.name):
                yield from _files(file)


def read_code(name: str, path: Path) -> Code:
    """The code of the submission at ``path``, empty when there is none to read."""
    code = Code(name)
    try:
        for label, text in _files(path):
            _add(code, label, text)
    except OSError:
        pass
    return code


def stub_shingles(stubs: Path | None) -> set[int]:
    """The shingles of the exercises' stubs, which no pair is reported for sharing."""
    return read_code("stubs", stubs).shingles if stubs is not None and stubs.is_dir() else set()


def _keep_only(code: Code, dropped: set[int]) -> None:
    for key in dropped & code.shingles:
        del code.spans[key]


def similar_pairs(codes: Sequence[Code], stubs: AbstractSet[int] = frozenset()) -> list[Pair]:
    """The pairs at or above :data:`THRESHOLD`, most alike first."""
    from datasketch import MinHash, MinHashLSH  # type: ignore[import-untyped]

    counts: dict[int, int] = {}
    for code in codes:
        for key in code.shingles:
            counts[key] = counts.get(key, 0) + 1
    common = {key for key, n in counts.items() if n > max(3, len(codes) // 4)}
    for code in codes:
        _keep_only(code, set(stubs) | common)
    lsh = MinHashLSH(threshold=THRESHOLD * 0.6, num_perm=128)
    hashes = {}
    for index, code in enumerate(codes):
        if len(code.spans) >= MIN_SHARED:
            sketch = MinHash(num_perm=128, seed=1)
            sketch.update_batch([key.to_bytes(8, "little") for key in code.shingles])
            hashes[index] = sketch
            lsh.insert(index, sketch)
    pairs = []
    for index, sketch in hashes.items():
        for other in sorted(lsh.query(sketch)):
            if other > index:
                pair = _measure(codes[index], codes[other])
                if pair is not None:
                    pairs.append(pair)
    return sorted(pairs, key=lambda p: (-p.similarity, p.first.name, p.second.name))


def _measure(first: Code, second: Code) -> Pair | None:
    shared = first.shingles & second.shingles
    similarity = len(shared) / len(first.shingles | second.shingles)
    if similarity < THRESHOLD or len(shared) < MIN_SHARED:
        return None
    return Pair(first, second, similarity, len(shared), _fragments(first, second, shared))


def _runs(places: Iterable[Span]) -> list[Span]:
    """Overlapping or adjacent line spans merged, per file."""
    merged: list[Span] = []
    for label, low, high in sorted(places):
        if merged and merged[-1][0] == label and low <= merged[-1][2] + 1:
            merged[-1] = (label, merged[-1][1], max(high, merged[-1][2]))
        else:
            merged.append((label, low, high))
    return merged


def _fragments(first: Code, second: Code, shared: set[int]) -> list[tuple[Span, Span]]:
    """The longest shared stretches of ``first`` with where the same shingles sit in ``second``."""
    found = []
    for run in _runs(place for key in shared for place in first.spans[key]):
        inside = [
            key
            for key in shared
            if any(p[0] == run[0] and run[1] <= p[1] <= run[2] for p in first.spans[key])
        ]
        there = _runs(place for key in inside for place in second.spans[key])
        if there:
            found.append((run, max(there, key=lambda r: r[2] - r[1])))
    return sorted(found, key=lambda f: f[0][1] - f[0][2])[:3]


# -- the report ------------------------------------------------------------------------------

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;width:100%}"
    "td{vertical-align:top;width:50%;border:1px solid #ddd;padding:.3rem}pre{margin:0;white-space:pre-wrap}"
    ".lead{background:#fff8e0;padding:.6rem;border-left:4px solid #e0a800}"
)
LEAD = (
    "These pairs are leads for a person to read, not findings: code can be alike because the "
    "exercise leaves little room, because learners worked from the same course notes, or because "
    "they were allowed to work together. Read the fragments, and talk with the learners, before "
    "concluding anything."
)


def _quote(code: Code, span: Span, limit: int = 30) -> str:
    label, first, last = span
    lines = code.lines.get(label, [])[first - 1 : min(last, first + limit - 1)]
    more = f"\n[... {last - first + 1 - limit} more lines]" if last - first + 1 > limit else ""
    shown = "\n".join(f"{first + i:4} {line}" for i, line in enumerate(lines))
    return f"<b>{html.escape(f'{label}, lines {first}-{last}')}</b><pre>{html.escape(shown + more)}</pre>"


def similarity_html(pairs: Sequence[Pair], *, compared: int) -> str:
    """The report as one HTML page: each pair, how alike, and its shared fragments side by side."""
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f"<title>ftlab: code alike</title><style>{_STYLE}</style></head><body>",
        "<h1>Submissions whose code is unusually alike</h1>",
        f'<p class="lead">{html.escape(LEAD)}</p>',
        f"<p>{compared} submissions compared; {len(pairs)} pair{'' if len(pairs) == 1 else 's'} at or above "
        f"{THRESHOLD:.0%} alike (shared runs of {SHINGLE} tokens, names ignored, stubs left out).</p>",
    ]
    if not pairs:
        parts.append("<p>No pair of submissions is unusually alike.</p>")
    for pair in pairs:
        a, b = html.escape(pair.first.name), html.escape(pair.second.name)
        parts.append(f"<h2>{a} and {b}: {pair.similarity:.0%} alike ({pair.shared} shared shingles)</h2>")
        parts.append(f"<table><tr><th>{a}</th><th>{b}</th></tr>")
        parts += [
            f"<tr><td>{_quote(pair.first, mine)}</td><td>{_quote(pair.second, theirs)}</td></tr>"
            for mine, theirs in pair.fragments
        ]
        parts.append("</table>")
    return "".join(parts) + "</body></html>\n"


def similarity_report(results: Sequence[Graded], *, stubs: Path | None = None) -> str:
    """Read every submission's code from where it was graded and write the report."""
    codes = [read_code(g.name, Path(g.source)) for g in results]
    codes = [c for c in codes if c.spans]
    return similarity_html(similar_pairs(codes, stub_shingles(stubs)), compared=len(codes))

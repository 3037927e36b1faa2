"""Per-category diagnosis of one run and its ranked capability gaps (plain, frozen dataclasses).

A gap is a category the model fails in, ranked by the Overall points a perfect score there would
add: ``expected_gain = (1 - accuracy) x effective weight`` (see ``weights``). Examples pair the
BFCL question and a reference call (the shortest one the checker accepts) with the model's
raw output, so a reader sees the failure, not just its label.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..categories import Category, Checker
from ..scoring import Aggregate, CategoryScore, aggregate
from .kinds import DECODE_SUBKINDS, ErrorKind, decode_subkind, error_kind
from .rundata import CaseRecord, RunData, RunInfo
from .stats import wilson_interval
from .weights import effective_weights

TEXT_LIMIT = 160  # characters of question / call / output kept per example


@dataclass(frozen=True)
class CategoryDiagnosis:
    category: Category
    correct: int
    n: int
    interval: tuple[float, float]  # Wilson 95%
    weight: float  # effective weight in Overall (0..1)
    error_types: dict[str, int]  # official error type -> count
    kinds: dict[ErrorKind, int]  # readable kind -> count, most frequent first
    decode_subkinds: dict[str, int]  # ast_decoder failures by sub-kind

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0

    @property
    def failures(self) -> int:
        return self.n - self.correct

    @property
    def expected_gain(self) -> float:
        """Overall points (as a fraction) gained by getting this category fully right."""
        return (1.0 - self.accuracy) * self.weight

    def dominant_kinds(self, limit: int = 3) -> list[tuple[ErrorKind, int]]:
        return list(self.kinds.items())[:limit]


@dataclass(frozen=True)
class Example:
    id: str
    kind: ErrorKind
    error_type: str
    question: str
    expected: str
    output: str
    detail: str = ""  # e.g. the decode sub-kind behind an abstention


@dataclass(frozen=True)
class Gap:
    rank: int
    diagnosis: CategoryDiagnosis
    synthesis_weight: float  # share of synthetic data to aim here; sums to 1 over categories
    examples: tuple[Example, ...]

    @property
    def category(self) -> Category:
        return self.diagnosis.category


@dataclass(frozen=True)
class Diagnosis:
    info: RunInfo
    categories: dict[Category, CategoryDiagnosis]  # in Category order
    gaps: tuple[Gap, ...]  # failing categories, largest expected gain first
    synthesis_weights: dict[Category, float]

    @property
    def scores(self) -> dict[Category, CategoryScore]:
        return {c: CategoryScore(c, d.correct, d.n) for c, d in self.categories.items()}

    @property
    def aggregates(self) -> dict[str, Aggregate]:
        return aggregate(self.scores)

    @property
    def cases(self) -> int:
        return sum(d.n for d in self.categories.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "run": {"name": self.info.name, "model": self.info.model, "mode": self.info.mode,
                    "decode_mode": self.info.decode_mode, "created": self.info.created},
            "categories": {c.value: _diagnosis_json(d) for c, d in self.categories.items()},
            "aggregates": {n: {"accuracy": a.accuracy, "complete": a.complete}
                           for n, a in self.aggregates.items()},
            "gaps": [
                {"rank": g.rank, "category": g.category.value,
                 "expected_gain": g.diagnosis.expected_gain,
                 "synthesis_weight": g.synthesis_weight,
                 "examples": [{**e.__dict__, "kind": e.kind.value} for e in g.examples]}
                for g in self.gaps
            ],
        }  # fmt: skip


def _diagnosis_json(d: CategoryDiagnosis) -> dict[str, Any]:
    return {
        "correct": d.correct, "n": d.n, "accuracy": d.accuracy, "wilson95": list(d.interval),
        "weight": d.weight, "expected_gain": d.expected_gain, "error_types": d.error_types,
        "kinds": {k.value: n for k, n in d.kinds.items()}, "decode_subkinds": d.decode_subkinds,
    }  # fmt: skip


def _kind(case: CaseRecord, info: RunInfo) -> ErrorKind | None:
    return error_kind(case.error_type, case.raw, case.output_tokens, info.max_new_tokens, case.calls)


def _ranked(counter: Counter, order: list) -> dict:
    """Most frequent first; ties in the given (enum / vocabulary) order."""
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], order.index(kv[0]))))


def diagnose_category(
    category: Category, cases: list[CaseRecord], info: RunInfo, weight: float
) -> CategoryDiagnosis:
    failed = [c for c in cases if not c.valid]
    error_types = Counter(c.error_type or "unknown" for c in failed)
    kinds = Counter(_kind(c, info) or ErrorKind.OTHER for c in failed)
    subkinds = Counter(
        decode_subkind(c.raw, c.output_tokens, info.max_new_tokens)
        for c in failed
        if (c.error_type or "").startswith("ast_decoder:")
    )
    correct = len(cases) - len(failed)
    return CategoryDiagnosis(
        category, correct, len(cases), wilson_interval(correct, len(cases)), weight,
        dict(sorted(error_types.items(), key=lambda kv: (-kv[1], kv[0]))),
        _ranked(kinds, list(ErrorKind)), _ranked(subkinds, list(DECODE_SUBKINDS)),
    )  # fmt: skip


def synthesis_weights(categories: Mapping[Category, CategoryDiagnosis]) -> dict[Category, float]:
    """Expected gains normalised to sum to 1; uniform over failing categories if all gains are 0
    (only zero-weight categories fail), uniform over all if nothing fails."""
    gains = {c: d.expected_gain for c, d in categories.items()}
    total = sum(gains.values())
    if total > 0:
        return {c: g / total for c, g in gains.items()}
    failing = [c for c, d in categories.items() if d.failures] or list(categories)
    return {c: (1 / len(failing) if c in failing else 0.0) for c in categories}


def diagnose(
    run: RunData, entries: Mapping[str, Any] | None = None, examples_per_gap: int = 3
) -> Diagnosis:
    """Diagnose a run. ``entries`` maps id -> ``bfcl_adapter.data.Entry`` for examples; pass None
    to load them from the BFCL data (examples then lack question and answer if it is missing)."""
    weights = effective_weights()
    by_category: dict[Category, list[CaseRecord]] = {}
    for case in run.cases:
        by_category.setdefault(case.category, []).append(case)
    categories = {
        c: diagnose_category(c, by_category[c], run.info, weights[c])
        for c in Category
        if c in by_category
    }
    shares = synthesis_weights(categories)
    failing = [d for d in categories.values() if d.failures]
    failing.sort(key=lambda d: (-d.expected_gain, -d.failures, list(Category).index(d.category)))
    if entries is None:
        wanted = [d.category for d in failing] if examples_per_gap > 0 else []
        entries = load_entry_index(wanted, run.info.data_dir)
    gaps = tuple(
        Gap(rank, d, shares[d.category],
            _examples(d, by_category[d.category], run.info, entries, examples_per_gap))
        for rank, d in enumerate(failing, start=1)
    )  # fmt: skip
    return Diagnosis(run.info, categories, gaps, shares)


def load_entry_index(categories: Iterable[Category], data_dir: str | None = None) -> dict[str, Any]:
    """Entries by id for the examples; an absent BFCL data package only costs the examples."""
    from ..data import DataError, load_entries

    index: dict[str, Any] = {}
    for category in categories:
        try:
            index.update((e.id, e) for e in load_entries(category, data_dir))
        except DataError:
            continue
    return index


def _examples(
    d: CategoryDiagnosis, cases: list[CaseRecord], info: RunInfo,
    entries: Mapping[str, Any], limit: int,
) -> tuple[Example, ...]:  # fmt: skip
    """One failing case per dominant kind first, then more of the most frequent kinds."""
    failed = [(c, _kind(c, info) or ErrorKind.OTHER) for c in cases if not c.valid]
    chosen: list[tuple[CaseRecord, ErrorKind]] = []
    for kind in d.kinds:
        first = next((pair for pair in failed if pair[1] is kind), None)
        if first:
            chosen.append(first)
    for kind in d.kinds:
        for pair in failed:
            if len(chosen) >= limit:
                break
            if pair[1] is kind and all(pair[0] is not c for c, _ in chosen):
                chosen.append(pair)
    return tuple(_example(c, k, info, entries.get(c.id)) for c, k in chosen[:limit])


def _example(case: CaseRecord, kind: ErrorKind, info: RunInfo, entry: Any) -> Example:
    detail = ""
    if (case.error_type or "").startswith("ast_decoder:"):
        detail = "decode failure: " + decode_subkind(case.raw, case.output_tokens, info.max_new_tokens)
    question = one_line(entry.first_question) if entry is not None else ""
    expected = expected_text(case.category, entry, limit=None) if entry is not None else ""
    expected, output = _aligned(expected, output_text(case.raw, limit=None))
    return Example(case.id, kind, case.error_type or "", question, expected, output, detail)


def _aligned(expected: str, output: str, limit: int = TEXT_LIMIT, context: int = 40) -> tuple[str, str]:
    """Shorten both texts, starting near their first difference when it lies beyond the cut:
    two long calls that differ in one late value must still show that value."""
    first_diff = next(
        (i for i, (a, b) in enumerate(zip(expected, output)) if a != b), min(len(expected), len(output))
    )
    start = max(0, first_diff - context) if first_diff > limit - context else 0

    def cut(text: str) -> str:
        return one_line(("…" + text[start:]) if start and len(text) > start else text, limit)

    return (cut(expected) if expected else ""), cut(output)


# --- text for examples ---------------------------------------------------------------------


def one_line(text: str, limit: int | None = TEXT_LIMIT) -> str:
    flat = " ".join(str(text).split())
    return flat if limit is None or len(flat) <= limit else flat[: limit - 1] + "…"


def output_text(raw: Any, limit: int | None = TEXT_LIMIT) -> str:
    if raw is None:
        return "(no output recorded)"
    if not isinstance(raw, str):
        raw = json.dumps(raw, ensure_ascii=False)
    return one_line(raw, limit) if raw.strip() else "(empty output)"


def _first_option(options: Any) -> tuple[bool, Any]:
    if not isinstance(options, list):
        return True, options
    for option in options:
        if option != "":  # "" marks "may be omitted" in BFCL possible answers
            return True, option
    return False, None


def _resolve(value: Any) -> Any:
    """A possible-answer value with every nested option list collapsed to its first choice."""
    if isinstance(value, dict):
        out = {}
        for key, options in value.items():
            present, chosen = _first_option(options)
            if present:
                out[key] = _resolve(chosen)
        return out
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    return value


def reference_call(answer: Mapping[str, Any]) -> str:
    """The shortest correct call: ``{"f": {"a": [1], "b": ["", 2]}}`` -> ``f(a=1)``.

    Omittable parameters ("" among the options) are left out: fewer tokens for the reader, and
    still a call the checker accepts."""
    name, params = next(iter(answer.items()))
    args = []
    for param, options in params.items():
        if isinstance(options, list) and "" in options:
            continue
        present, chosen = _first_option(options)
        if present:
            args.append(f"{param}={_resolve(chosen)!r}")
    return f"{name}({', '.join(args)})"


def expected_text(category: Category, entry: Any, limit: int | None = TEXT_LIMIT) -> str:
    if category.checker is Checker.IRRELEVANCE:
        return "(no call: none of the functions fits)"
    if category.checker is Checker.RELEVANCE:
        return "(any call of a relevant function)"
    answer = entry.possible_answer or []
    if category.checker is Checker.MULTI_TURN:
        turns = [t for t in answer if t]
        more = f"  (+{len(turns) - 1} more turns)" if len(turns) > 1 else ""
        room = None if limit is None else limit - len(more)
        return one_line("; ".join(turns[0]) if turns else "(no calls)", room) + more
    return one_line("[" + ", ".join(reference_call(a) for a in answer) + "]", limit)

"""BFCL v4 aggregation: per-category accuracy into Non-Live, Live, Irrelevance, ..., Overall.

Mirrors ``generate_leaderboard_csv`` in bfcl-eval 2026.3.23 (eval_checker/eval_runner_helper.py):

* Non-Live = unweighted mean of Simple, multiple, parallel, parallel_multiple, where Simple is the
  unweighted mean of simple_python, simple_java, simple_javascript;
* Live = the four live AST categories, weighted by entry count;
* Irrelevance = unweighted mean of irrelevance and live_irrelevance (live_relevance is shown only);
* Multi-Turn = unweighted mean of its four categories; Agentic = mean(web search, memory);
* Overall = 10% Non-Live + 10% Live + 10% Irrelevance + 30% Multi-Turn + 40% Agentic.

A category that was not run counts as 0 (weighted by its full size where weights apply), exactly
as on the leaderboard, and every aggregate says which of its parts were missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .categories import Category

C = Category

# Entries per category in bfcl-eval 2026.3.23 (tests/test_data.py checks them against the files).
FULL_SIZES: dict[Category, int] = {
    C.SIMPLE_PYTHON: 400, C.SIMPLE_JAVA: 100, C.SIMPLE_JAVASCRIPT: 50, C.MULTIPLE: 200,
    C.PARALLEL: 200, C.PARALLEL_MULTIPLE: 200, C.IRRELEVANCE: 240, C.LIVE_SIMPLE: 258,
    C.LIVE_MULTIPLE: 1053, C.LIVE_PARALLEL: 16, C.LIVE_PARALLEL_MULTIPLE: 24,
    C.LIVE_IRRELEVANCE: 884, C.LIVE_RELEVANCE: 16, C.MULTI_TURN_BASE: 200,
    C.MULTI_TURN_MISS_FUNC: 200, C.MULTI_TURN_MISS_PARAM: 200, C.MULTI_TURN_LONG_CONTEXT: 200,
    C.WEB_SEARCH_BASE: 100, C.WEB_SEARCH_NO_SNIPPET: 100, C.MEMORY_KV: 155,
    C.MEMORY_VECTOR: 155, C.MEMORY_REC_SUM: 155,
}  # fmt: skip

OVERALL_WEIGHTS: dict[str, int] = {
    "Non-Live": 10, "Live": 10, "Irrelevance": 10, "Multi-Turn": 30, "Agentic": 40,
}  # fmt: skip


@dataclass(frozen=True)
class CategoryScore:
    category: Category
    correct: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class Aggregate:
    name: str
    accuracy: float
    total: int
    missing: tuple[Category, ...] = field(default=())

    @property
    def complete(self) -> bool:
        return not self.missing


def _part(scores: Mapping[Category, CategoryScore], category: Category) -> Aggregate:
    if category in scores:
        s = scores[category]
        return Aggregate(category.value, s.accuracy, s.total)
    return Aggregate(category.value, 0.0, FULL_SIZES[category], (category,))


def _unweighted(name: str, parts: Iterable[Aggregate]) -> Aggregate:
    parts = list(parts)
    return Aggregate(
        name,
        sum(p.accuracy for p in parts) / len(parts),
        sum(p.total for p in parts),
        tuple(m for p in parts for m in p.missing),
    )


def _count_weighted(name: str, parts: Iterable[Aggregate]) -> Aggregate:
    parts = list(parts)
    total = sum(p.total for p in parts)
    accuracy = sum(p.accuracy * p.total for p in parts) / total if total else 0.0
    return Aggregate(name, accuracy, total, tuple(m for p in parts for m in p.missing))


def aggregate(scores: Mapping[Category, CategoryScore]) -> dict[str, Aggregate]:
    """The leaderboard's summary columns, in display order."""
    p = lambda c: _part(scores, c)  # noqa: E731
    simple = _unweighted("Simple", [p(C.SIMPLE_PYTHON), p(C.SIMPLE_JAVA), p(C.SIMPLE_JAVASCRIPT)])
    non_live = _unweighted(
        "Non-Live", [simple, p(C.MULTIPLE), p(C.PARALLEL), p(C.PARALLEL_MULTIPLE)]
    )
    live = _count_weighted(
        "Live",
        [p(C.LIVE_SIMPLE), p(C.LIVE_MULTIPLE), p(C.LIVE_PARALLEL), p(C.LIVE_PARALLEL_MULTIPLE)],
    )
    irrelevance = _unweighted("Irrelevance", [p(C.IRRELEVANCE), p(C.LIVE_IRRELEVANCE)])
    relevance = _unweighted("Relevance", [p(C.LIVE_RELEVANCE)])
    multi_turn = _unweighted(
        "Multi-Turn",
        [p(C.MULTI_TURN_BASE), p(C.MULTI_TURN_MISS_FUNC), p(C.MULTI_TURN_MISS_PARAM),
         p(C.MULTI_TURN_LONG_CONTEXT)],
    )  # fmt: skip
    web_search = _unweighted("Web Search", [p(C.WEB_SEARCH_BASE), p(C.WEB_SEARCH_NO_SNIPPET)])
    memory = _unweighted("Memory", [p(C.MEMORY_KV), p(C.MEMORY_VECTOR), p(C.MEMORY_REC_SUM)])
    agentic = _unweighted("Agentic", [web_search, memory])
    summary = {a.name: a for a in (non_live, live, irrelevance, multi_turn, agentic)}
    weight_sum = sum(OVERALL_WEIGHTS.values())
    overall = Aggregate(
        "Overall",
        sum(summary[n].accuracy * w for n, w in OVERALL_WEIGHTS.items()) / weight_sum,
        sum(a.total for a in summary.values()),
        tuple(m for a in summary.values() for m in a.missing),
    )
    return {
        a.name: a
        for a in (overall, non_live, simple, live, irrelevance, relevance, multi_turn, agentic)
    }


def scores_from_verdicts(
    verdicts: Iterable[tuple[Category, bool]],
) -> dict[Category, CategoryScore]:
    correct: dict[Category, int] = {}
    total: dict[Category, int] = {}
    for category, valid in verdicts:
        total[category] = total.get(category, 0) + 1
        correct[category] = correct.get(category, 0) + int(valid)
    return {c: CategoryScore(c, correct[c], total[c]) for c in Category if c in total}


def scores_to_json(scores: Mapping[Category, CategoryScore], mode: str) -> dict:
    """The ``scores.json`` document of a run directory (schema version 1)."""
    return {
        "schema_version": 1,
        "decode_mode": mode,
        "categories": {
            c.value: {"correct": s.correct, "total": s.total, "accuracy": s.accuracy}
            for c, s in scores.items()
        },
        "aggregates": {
            name: {
                "accuracy": a.accuracy,
                "total": a.total,
                "complete": a.complete,
                "missing": [m.value for m in a.missing],
            }
            for name, a in aggregate(scores).items()
        },
    }


def scores_from_json(document: Mapping) -> dict[Category, CategoryScore]:
    return {
        Category.parse(name): CategoryScore(Category.parse(name), v["correct"], v["total"])
        for name, v in document["categories"].items()
    }

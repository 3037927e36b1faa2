"""Comparing two runs case by case: deltas, exact McNemar tests, flipped cases.

Cases are paired by id, so two runs over different samples are compared on what they share only
(the aggregates too: both sides are re-aggregated over the paired cases). McNemar looks at the
discordant pairs alone, which is the right test for the same items judged twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..categories import Category
from ..scoring import CategoryScore, aggregate
from .rundata import RunData, RunInfo
from .stats import mcnemar_exact


@dataclass(frozen=True)
class CategoryDelta:
    category: Category
    n: int  # paired cases
    before_correct: int
    after_correct: int
    fixed: int  # wrong before, right after
    broken: int  # right before, wrong after

    @property
    def before(self) -> float:
        return self.before_correct / self.n if self.n else 0.0

    @property
    def after(self) -> float:
        return self.after_correct / self.n if self.n else 0.0

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def p_value(self) -> float:
        return mcnemar_exact(self.fixed, self.broken)


@dataclass(frozen=True)
class AggregateDelta:
    name: str
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class Flip:
    id: str
    category: Category
    after_valid: bool  # True: fixed; False: broken
    before_error: str | None
    after_error: str | None


@dataclass(frozen=True)
class Comparison:
    before: RunInfo
    after: RunInfo
    categories: dict[Category, CategoryDelta]
    aggregates: dict[str, AggregateDelta]
    flips: tuple[Flip, ...]
    unpaired_before: int  # cases only in the earlier run
    unpaired_after: int

    @property
    def n(self) -> int:
        return sum(d.n for d in self.categories.values())

    @property
    def fixed(self) -> int:
        return sum(d.fixed for d in self.categories.values())

    @property
    def broken(self) -> int:
        return sum(d.broken for d in self.categories.values())

    @property
    def p_value(self) -> float:
        """Pooled over all paired cases: "did anything change", not weighted like Overall."""
        return mcnemar_exact(self.fixed, self.broken)

    def to_json(self) -> dict[str, Any]:
        return {
            "before": self.before.name, "after": self.after.name, "paired": self.n,
            "unpaired_before": self.unpaired_before, "unpaired_after": self.unpaired_after,
            "fixed": self.fixed, "broken": self.broken, "p_value": self.p_value,
            "categories": {
                c.value: {"n": d.n, "before": d.before, "after": d.after, "delta": d.delta,
                          "fixed": d.fixed, "broken": d.broken, "p_value": d.p_value}
                for c, d in self.categories.items()
            },
            "aggregates": {n: {"before": a.before, "after": a.after, "delta": a.delta}
                           for n, a in self.aggregates.items()},
            "flips": [{"id": f.id, "category": f.category.value, "now": "fixed" if f.after_valid
                       else "broken", "before_error": f.before_error, "after_error": f.after_error}
                      for f in self.flips],
        }  # fmt: skip


def compare(before: RunData, after: RunData) -> Comparison:
    """``after`` relative to ``before`` (deltas are after - before)."""
    earlier = before.by_id()
    paired = [(earlier[c.id], c) for c in after.cases if c.id in earlier]
    counts: dict[Category, list[int]] = {}  # n, before_correct, after_correct, fixed, broken
    flips = []
    for old, new in paired:
        row = counts.setdefault(new.category, [0, 0, 0, 0, 0])
        row[0] += 1
        row[1] += old.valid
        row[2] += new.valid
        if old.valid != new.valid:
            row[3 if new.valid else 4] += 1
            flips.append(Flip(new.id, new.category, new.valid, old.error_type, new.error_type))
    deltas = {c: CategoryDelta(c, *counts[c]) for c in Category if c in counts}
    agg_before = aggregate({c: CategoryScore(c, d.before_correct, d.n) for c, d in deltas.items()})
    agg_after = aggregate({c: CategoryScore(c, d.after_correct, d.n) for c, d in deltas.items()})
    order = list(Category)
    flips.sort(key=lambda f: (order.index(f.category), f.after_valid))  # stable: file order within
    return Comparison(
        before.info, after.info, deltas,
        {n: AggregateDelta(n, agg_before[n].accuracy, agg_after[n].accuracy) for n in agg_after},
        tuple(flips), len(before.cases) - len(paired), len(after.cases) - len(paired),
    )  # fmt: skip

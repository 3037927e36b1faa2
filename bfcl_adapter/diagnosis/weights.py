"""Each category's effective weight in BFCL v4's Overall score.

Overall is linear in the per-category accuracies once the entry counts are fixed, so the weight
of a category is Overall evaluated with that category at 100% and every other at 0%. Probing
``scoring.aggregate`` this way keeps one source of truth: if the aggregation changes, these
weights follow. Counts are the full BFCL sizes (``FULL_SIZES``) because a sampled run estimates
the full leaderboard score, where Live is weighted by the full entry counts.

Resulting structure (bfcl-eval 2026.3.23): simple_python = 10%/4/3, multiple = 10%/4, each live
AST category = 10% x size / 1351, irrelevance and live_irrelevance = 10%/2, each multi-turn
category = 30%/4, web search = 40%/2/2, memory = 40%/2/3, live_relevance = 0 (shown, not counted).
"""

from __future__ import annotations

from functools import lru_cache

from ..categories import Category
from ..scoring import FULL_SIZES, CategoryScore, aggregate


@lru_cache(maxsize=1)
def _weights() -> tuple[tuple[Category, float], ...]:
    weights = []
    for probe in Category:
        scores = {
            c: CategoryScore(c, FULL_SIZES[c] if c is probe else 0, FULL_SIZES[c]) for c in Category
        }
        weights.append((probe, aggregate(scores)["Overall"].accuracy))
    return tuple(weights)


def effective_weights() -> dict[Category, float]:
    """Weight of every category in Overall; they sum to 1."""
    return dict(_weights())


def effective_weight(category: Category) -> float:
    return effective_weights()[category]

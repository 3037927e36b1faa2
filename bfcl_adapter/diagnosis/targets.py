"""Target accuracies (a TOML file) and a run's distance to them.

Format (values in percent, as on the leaderboard)::

    schema_version = 1
    model = "Hammer2.1-0.5b"
    mode = "FC"                      # how the target was measured
    source = "BFCL v4 leaderboard snapshot ..."
    date = "2026-04-12"
    [aggregates]                     # keys: the leaderboard CSV's column names
    overall = 21.22
    non_live = 65.98
    [categories]                     # optional, per BFCL category
    simple_python = 90.0
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..categories import Category, UnknownCategoryError
from .core import Diagnosis

# Leaderboard CSV column -> aggregate name as in scoring.aggregate (plus the two agentic parts).
AGGREGATE_KEYS: dict[str, str] = {
    "overall": "Overall", "non_live": "Non-Live", "simple": "Simple", "live": "Live",
    "irrelevance": "Irrelevance", "relevance": "Relevance", "multi_turn": "Multi-Turn",
    "agentic": "Agentic", "web_search": "Web Search", "memory": "Memory",
}  # fmt: skip
_AGENTIC_PARTS: dict[str, tuple[Category, ...]] = {
    "Web Search": (Category.WEB_SEARCH_BASE, Category.WEB_SEARCH_NO_SNIPPET),
    "Memory": (Category.MEMORY_KV, Category.MEMORY_VECTOR, Category.MEMORY_REC_SUM),
}


class TargetsError(ValueError):
    """A targets file is unreadable or malformed; the message names it."""


@dataclass(frozen=True)
class Targets:
    model: str
    source: str
    date: str
    mode: str = ""
    aggregates: dict[str, float] = field(default_factory=dict)  # aggregate name -> 0..1
    categories: dict[Category, float] = field(default_factory=dict)  # 0..1
    path: str = ""


@dataclass(frozen=True)
class TargetDistance:
    name: str  # aggregate or category name
    ours: float
    target: float
    complete: bool  # False when part of our aggregate was not run (counted as 0)

    @property
    def distance(self) -> float:
        """Positive: above target."""
        return self.ours - self.target


def _toml_loads(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib.loads(text)


def _percent(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise TargetsError(f"{where}: expected a percentage between 0 and 100, got {value!r}")
    return float(value) / 100


def parse_targets(text: str, origin: str = "<targets>") -> Targets:
    try:
        doc = _toml_loads(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise TargetsError(f"{origin}: not valid TOML: {exc}") from None
    if doc.get("schema_version", 1) != 1:
        raise TargetsError(f"{origin}: unsupported schema_version {doc.get('schema_version')!r}")
    for key in ("model", "source", "date"):
        if not isinstance(doc.get(key), str) or not doc[key]:
            raise TargetsError(f"{origin}: missing string field {key!r}")
    aggregates = {}
    for key, value in (doc.get("aggregates") or {}).items():
        if key not in AGGREGATE_KEYS:
            raise TargetsError(f"{origin}: unknown aggregate {key!r}; known: {', '.join(AGGREGATE_KEYS)}")
        aggregates[AGGREGATE_KEYS[key]] = _percent(f"{origin}: aggregates.{key}", value)
    categories = {}
    for key, value in (doc.get("categories") or {}).items():
        try:
            category = Category.parse(key)
        except UnknownCategoryError as exc:
            raise TargetsError(f"{origin}: {exc}") from None
        categories[category] = _percent(f"{origin}: categories.{key}", value)
    if not aggregates and not categories:
        raise TargetsError(f"{origin}: no [aggregates] or [categories] targets")
    return Targets(
        doc["model"], doc["source"], str(doc["date"]), str(doc.get("mode", "")),
        aggregates, categories, origin,
    )  # fmt: skip


def read_targets(path: Path | str) -> Targets:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TargetsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return parse_targets(text, str(path))


def target_distances(diagnosis: Diagnosis, targets: Targets) -> list[TargetDistance]:
    """Aggregates first (leaderboard order of the file), then categories in BFCL order.
    Categories the run did not score are left out; aggregates always count, as on the board."""
    ours = {n: (a.accuracy, a.complete) for n, a in diagnosis.aggregates.items()}
    scores = diagnosis.scores
    for name, parts in _AGENTIC_PARTS.items():
        accuracies = [scores[c].accuracy if c in scores else 0.0 for c in parts]
        ours[name] = (sum(accuracies) / len(parts), all(c in scores for c in parts))
    rows = [TargetDistance(n, ours[n][0], t, ours[n][1]) for n, t in targets.aggregates.items()]
    for category, target in targets.categories.items():
        if category in scores:
            rows.append(TargetDistance(category.value, scores[category].accuracy, target, True))
    return rows

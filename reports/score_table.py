"""The score tables: BFCL aggregates and per-category accuracy, as Rich renderables."""

from __future__ import annotations

from typing import Mapping

from rich.console import Group
from rich.table import Table
from rich.text import Text

from bfcl_adapter.categories import Category
from bfcl_adapter.scoring import Aggregate, CategoryScore, aggregate

_BAR_WIDTH = 20


def _bar(accuracy: float) -> Text:
    filled = round(accuracy * _BAR_WIDTH)
    style = "green" if accuracy >= 0.75 else "yellow" if accuracy >= 0.4 else "red"
    return Text("█" * filled, style=style) + Text("·" * (_BAR_WIDTH - filled), style="dim")


def _pct(value: float) -> str:
    return f"{100 * value:6.2f}"


def category_table(scores: Mapping[Category, CategoryScore], title: str = "Categories") -> Table:
    table = Table(title=title, title_justify="left", expand=False)
    table.add_column("category")
    table.add_column("group")
    table.add_column("correct", justify="right")
    table.add_column("total", justify="right")
    table.add_column("acc %", justify="right")
    table.add_column("", no_wrap=True)
    for category in Category:
        if category not in scores:
            continue
        s = scores[category]
        table.add_row(
            category.value, category.group.value, str(s.correct), str(s.total), _pct(s.accuracy),
            _bar(s.accuracy),
        )  # fmt: skip
    return table


def aggregate_table(aggregates: Mapping[str, Aggregate], title: str = "BFCL v4 summary") -> Table:
    table = Table(title=title, title_justify="left", expand=False)
    table.add_column("aggregate")
    table.add_column("acc %", justify="right")
    table.add_column("cases", justify="right")
    table.add_column("not run (counted as 0, as on the leaderboard)")
    for name, agg in aggregates.items():
        missing = ", ".join(m.value for m in agg.missing)
        if len(missing) > 44:
            missing = f"{len(agg.missing)} categories"
        table.add_row(name, _pct(agg.accuracy), str(agg.total), Text(missing, style="dim"))
    return table


def score_report(
    scores: Mapping[Category, CategoryScore], mode: str, heading: str | None = None
) -> Group:
    """Per-category table and the aggregates, headed by what was scored and how."""
    parts = []
    if heading:
        parts.append(Text(heading, style="bold"))
    parts.append(Text(f"decode mode: {mode}", style="dim"))
    parts.append(category_table(scores))
    parts.append(aggregate_table(aggregate(scores)))
    return Group(*parts)

"""The score tables: BFCL aggregates and per-category accuracy, as Rich renderables."""

from __future__ import annotations

from typing import Mapping

from rich.console import Group
from rich.table import Table
from rich.text import Text

from bfcl_adapter.categories import Category
from bfcl_adapter.scoring import FULL_SIZES, Aggregate, CategoryScore, aggregate

_BAR_WIDTH = 12


def _bar(accuracy: float) -> Text:
    filled = round(accuracy * _BAR_WIDTH)
    style = "green" if accuracy >= 0.75 else "yellow" if accuracy >= 0.4 else "red"
    return Text("█" * filled, style=style) + Text("·" * (_BAR_WIDTH - filled), style="dim")


def _pct(value: float) -> str:
    return f"{100 * value:.2f}"


def category_table(scores: Mapping[Category, CategoryScore], title: str = "Categories") -> Table:
    table = Table(title=title, title_justify="left", expand=False)
    table.add_column("category", no_wrap=True, min_width=22)
    table.add_column("group", no_wrap=True)
    table.add_column("ok", justify="right", no_wrap=True)
    table.add_column("n", justify="right", no_wrap=True)
    table.add_column("acc %", justify="right", no_wrap=True)
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
    table.add_column("aggregate", no_wrap=True)
    table.add_column("acc %", justify="right")
    table.add_column("scored", justify="right")
    table.add_column("not run: counted as 0, as on the leaderboard")
    for name, agg in aggregates.items():
        missing = ", ".join(m.value for m in agg.missing)
        if len(missing) > 40:
            missing = f"{len(agg.missing)} categories"
        scored = agg.total - sum(FULL_SIZES[m] for m in agg.missing)
        table.add_row(name, _pct(agg.accuracy), str(scored), Text(missing, style="dim"))
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

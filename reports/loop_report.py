"""The close-loop summary: probe scores per round, decisions, and the report-split result."""

from __future__ import annotations

from typing import Any, Mapping

from rich.console import Group
from rich.table import Table
from rich.text import Text


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def loop_table(state: Mapping[str, Any]) -> Group:
    """From a loop's ``state.json`` document (plain data: reports never import harness)."""
    rounds = state.get("rounds", [])
    categories = list(state.get("config", {}).get("categories", []))
    probe = Table(title="probe split, per round (accuracy %)", title_justify="left")
    probe.add_column("category", no_wrap=True)
    for r in rounds:
        label = "base" if r["index"] == 0 else f"r{r['index']}"
        if r.get("decision"):
            label += " ✓" if r["decision"]["accepted"] else " ✗"
        probe.add_column(label, justify="right")
    best = state.get("best_round", 0)
    show_delta = best > 0 and len(rounds) > best
    if show_delta:
        probe.add_column(f"Δ pp r{best}−base", justify="right")
    for category in categories:
        cells = [_pct(r.get("scores", {}).get(category)) for r in rounds]
        if show_delta:
            before, after = rounds[0].get("scores", {}).get(category), rounds[best].get("scores", {}).get(category)
            cells.append("-" if before is None or after is None else f"{100 * (after - before):+.1f}")
        probe.add_row(category, *cells)
    parts: list[Any] = [probe]
    for r in rounds[1:]:
        if r.get("decision"):
            parts.append(Text(f"round {r['index']}: {r['decision']['reason']}", style="dim"))
    final = state.get("final", {})
    if "base" in final and "best" in final:
        report = Table(title="report split (never used for decisions)", title_justify="left")
        for column in ("category", "base %", "best %", "Δ pp"):
            report.add_column(column, justify="left" if column == "category" else "right", no_wrap=True)
        for category in categories:
            before = final["base"]["accuracy"].get(category)
            after = final["best"]["accuracy"].get(category)
            delta = "-" if before is None or after is None else f"{100 * (after - before):+.1f}"
            report.add_row(category, _pct(before), _pct(after), delta)
        parts.append(report)
    elapsed = state.get("elapsed_s", 0.0)
    parts.append(Text(f"best model: {state.get('best_model')}  ·  {elapsed / 60:.1f} min of work"))
    return Group(*parts)

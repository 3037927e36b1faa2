"""The gap report as Rich renderables: readable at 100 columns and without colour.

Colour only repeats what the text already says (signs, '*' for significance), so the report is
complete on a plain console or in a log file.
"""

from __future__ import annotations

from typing import Sequence

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from bfcl_adapter.diagnosis import Comparison, Diagnosis, Gap, Targets, target_distances

from . import fmt
from .score_table import _bar, aggregate_table

MAX_GAPS = 6
MAX_FLIPS = 15


def header(diagnosis: Diagnosis, comparisons: Sequence[Comparison] = ()) -> Table:
    info = diagnosis.info
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("model", Text(fmt.model_line(info)))
    grid.add_row("run", Text(fmt.run_line(info, diagnosis.cases)))
    for c in comparisons:
        grid.add_row("compared", Text(f"{c.before.name}: {fmt.model_line(c.before)}"))
    if info.not_run:
        grid.add_row("not run", Text(", ".join(info.not_run)))
    title = Text(f"closeloop gap report · {info.model_name}", style="bold")
    outer = Table.grid()
    outer.add_row(title)
    outer.add_row(grid)
    return outer


def _delta_text(value: float) -> Text:
    style = "green" if value > 0 else "red" if value < 0 else "dim"
    return Text(fmt.pp(value), style=style)


class _CategoryTable:
    """Chooses its columns at render time: the bar column only where the whole table fits, so
    the numbers stay whole on an 80-column terminal."""

    def __init__(self, diagnosis: Diagnosis, comparison: Comparison | None) -> None:
        self.diagnosis, self.comparison = diagnosis, comparison

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = _category_table(self.diagnosis, self.comparison, bars=True)
        natural = Measurement.get(console, options.update(max_width=10_000), table).maximum
        if natural > options.max_width:
            table = _category_table(self.diagnosis, self.comparison, bars=False)
        yield table


def category_table(diagnosis: Diagnosis, comparison: Comparison | None = None) -> RenderableType:
    """Per category: n, accuracy, Wilson interval, bar, Overall weight, expected gain, and the
    delta and McNemar p against ``comparison`` when given."""
    return _CategoryTable(diagnosis, comparison)


def _category_table(diagnosis: Diagnosis, comparison: Comparison | None, bars: bool) -> Table:
    title = "Categories" + (f" (Δ vs {comparison.before.name})" if comparison else "")
    table = Table(title=Text(title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  collapse_padding=True)
    table.add_column("category", no_wrap=True)
    for name in ["n", "acc %", "95% CI"] + ([""] if bars else []) + ["weight", "gain"]:
        table.add_column(name, justify="right", no_wrap=True)
    if comparison:
        table.add_column("Δ pp", justify="right", no_wrap=True)
        table.add_column("p", justify="right", no_wrap=True)
    for category, d in diagnosis.categories.items():
        row: list[RenderableType] = [category.value, str(d.n), fmt.pct(d.accuracy), fmt.interval(d.interval)]
        if bars:
            row.append(_bar(d.accuracy))
        row += [fmt.pct(d.weight), fmt.gain_pp(d.expected_gain)]
        if comparison:
            delta = comparison.categories.get(category)
            row += [_delta_text(delta.delta), fmt.p_value(delta.p_value)] if delta else ["", ""]
        table.add_row(*row)
    return table


def aggregate_delta_table(comparison: Comparison) -> Table:
    table = Table(
        title=Text(f"Aggregates on paired cases, vs {comparison.before.name}"),
        title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
    )  # fmt: skip
    table.add_column("aggregate", no_wrap=True)
    table.add_column("before %", justify="right")
    table.add_column("after %", justify="right")
    table.add_column("Δ pp", justify="right")
    for name, a in comparison.aggregates.items():
        table.add_row(name, fmt.pct(a.before), fmt.pct(a.after), _delta_text(a.delta))
    return table


def _example_grid(gap: Gap) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, width=2)  # indent under the gap's line
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(overflow="fold")
    for e in gap.examples:
        label = e.kind.label + (f" ({e.detail})" if e.detail else "")
        # Text(), never a str: model output such as "[f(x=1)]" would be read as Rich markup.
        grid.add_row("", "case", Text(f"{e.id} · {label}", style="bold"))
        if e.question:
            grid.add_row("", "question", Text(e.question))
        if e.expected:
            grid.add_row("", "expected", Text(e.expected))
        grid.add_row("", "got", Text(e.output))
    return grid


def gap_list(diagnosis: Diagnosis, limit: int = MAX_GAPS, examples: bool = True) -> Group:
    """Ranked gaps: category, expected gain, accuracy with interval, dominant errors, examples."""
    parts: list[RenderableType] = [Text("Ranked gaps (largest expected Overall gain first)", style="bold")]
    if not diagnosis.gaps:
        parts.append(Text("no failures: nothing to practise"))
    for gap in diagnosis.gaps[:limit]:
        d = gap.diagnosis
        parts.append(
            Text.assemble(
                (f"{gap.rank}. {gap.category.value}", "bold"),
                (f"  +{fmt.gain_pp(d.expected_gain)} pp", "bold"),
                f"  acc {fmt.pct(d.accuracy)}% (95% CI {fmt.interval(d.interval)}, n={d.n}),"
                f" weight {fmt.pct(d.weight)}%",
            )
        )
        parts.append(Text(f"   errors: {fmt.kinds_summary(d)}"))
        if d.decode_subkinds:
            parts.append(Text(f"   decode failures: {fmt.decode_summary(d)}"))
        if examples and gap.examples:
            parts.append(_example_grid(gap))
    hidden = len(diagnosis.gaps) - limit
    if hidden > 0:
        parts.append(Text(f"… {hidden} more failing categories (see --markdown or --html)", style="dim"))
    return Group(*parts)


def targets_table(diagnosis: Diagnosis, targets: Targets) -> Table:
    table = Table(
        title=Text(f"Distance to target: {targets.model} ({targets.mode or 'mode n/a'}, {targets.date})"),
        title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
        caption=Text(f"source: {targets.source}"), caption_justify="left",
    )  # fmt: skip
    table.add_column("aggregate", no_wrap=True)
    table.add_column("ours %", justify="right")
    table.add_column("target %", justify="right")
    table.add_column("distance pp", justify="right")
    table.add_column("note")
    for row in target_distances(diagnosis, targets):
        note = "" if row.complete else "parts not run count as 0"
        table.add_row(Text(row.name), fmt.pct(row.ours), fmt.pct(row.target), _delta_text(row.distance), note)
    return table


def flips_table(comparison: Comparison, limit: int = MAX_FLIPS) -> Table:
    table = Table(
        title=Text(f"Flipped cases vs {comparison.before.name} ({comparison.fixed} fixed, "
                   f"{comparison.broken} broken)"),
        title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
    )  # fmt: skip
    table.add_column("id", no_wrap=True)
    table.add_column("now", no_wrap=True)
    table.add_column("error before → after", overflow="fold")
    for f in comparison.flips[:limit]:
        now = Text("fixed", style="green") if f.after_valid else Text("broken", style="red")
        table.add_row(Text(f.id), now, Text(f"{f.before_error or 'ok'} → {f.after_error or 'ok'}"))
    hidden = len(comparison.flips) - limit
    if hidden > 0:
        table.add_row(Text(f"… {hidden} more", style="dim"), "", "")
    return table


def full_report(
    diagnosis: Diagnosis,
    comparisons: Sequence[Comparison] = (),
    targets: Targets | None = None,
    max_gaps: int = MAX_GAPS,
) -> Group:
    """Header, BFCL aggregates, categories (with deltas vs the first comparison), comparisons,
    targets and the ranked gaps with examples."""
    primary = comparisons[0] if comparisons else None
    parts: list[RenderableType] = [header(diagnosis, comparisons), Text("")]
    parts.append(aggregate_table(diagnosis.aggregates))
    parts.append(category_table(diagnosis, primary))
    parts.append(Text(fmt.legend(bool(primary)), style="dim"))
    for c in comparisons:
        parts += [Text(""), Text(fmt.comparison_line(c))]
    if primary:
        parts += [aggregate_delta_table(primary), flips_table(primary)]
    if targets:
        parts += [Text(""), targets_table(diagnosis, targets)]
    parts += [Text(""), gap_list(diagnosis, max_gaps)]
    return Group(*parts)

"""Charts for the HTML report, drawn with matplotlib and returned as inline SVG text.

matplotlib is imported inside the functions (reports and ``--help`` must stay light), and only
the object API is used (``Figure``, no pyplot): no global backend switch, nothing that needs a
display. SVG output is made reproducible: text kept as text, fixed id salt, no date metadata.
"""

from __future__ import annotations

import functools
import io
from typing import Any, Callable, Sequence

from bfcl_adapter.diagnosis import Diagnosis

_AFTER, _BEFORE, _GRID = "#2f6db5", "#b0b7c3", "#e3e6eb"


_STYLE = {
    "svg.fonttype": "none",  # text stays text: smaller, selectable, no embedded glyph paths
    "svg.hashsalt": "closeloop",  # deterministic element ids
    "font.size": 9,
    "font.family": "DejaVu Sans",
}


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _drawn(draw: Callable[..., Any]) -> Callable[..., str]:
    """Run a chart function under our style (a context, so the caller's rcParams stay as they
    were) and return its figure as inline SVG."""

    @functools.wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> str:
        import matplotlib

        with matplotlib.rc_context(_STYLE):
            return _svg(draw(*args, **kwargs))

    return wrapper


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    # Inline SVG needs no XML prolog or DOCTYPE (whose DTD URL would be the page's only link).
    return text[text.index("<svg") :]


def _errors(points: Sequence[tuple[float, tuple[float, float]]]) -> list[list[float]]:
    return [[100 * (a - lo) for a, (lo, _) in points], [100 * (hi - a) for a, (_, hi) in points]]


@_drawn
def category_bars_svg(diagnosis: Diagnosis, before: Diagnosis | None = None) -> Any:
    """Horizontal bars of per-category accuracy with Wilson 95% whiskers; before/after pairs
    when a baseline is given (baseline categories the run lacks are left out)."""
    categories = list(diagnosis.categories)
    fig = _figure(7.5, 0.9 + 0.28 * len(categories) * (1.5 if before else 1))
    ax = fig.add_subplot()
    ys = list(range(len(categories)))[::-1]
    height = 0.38 if before else 0.7
    after = [(d.accuracy, d.interval) for d in diagnosis.categories.values()]
    offset = height / 2 if before else 0.0
    if before:
        base = [before.categories.get(c) for c in categories]
        points = [(b.accuracy, b.interval) if b else (0.0, (0.0, 0.0)) for b in base]
        ax.barh([y + offset for y in ys], [100 * a for a, _ in points], height, xerr=_errors(points),
                color=_BEFORE, ecolor="#777", capsize=2, label=before.info.name)  # fmt: skip
    ax.barh([y - offset for y in ys], [100 * a for a, _ in after], height, xerr=_errors(after),
            color=_AFTER, ecolor="#333", capsize=2, label=diagnosis.info.name)  # fmt: skip
    if before:  # drawn first, so listed first: the legend reads in time order
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set_yticks(ys, [c.value for c in categories])
    ax.set_xlim(0, 100)
    ax.set_xlabel("accuracy % (whiskers: Wilson 95% interval)")
    ax.grid(axis="x", color=_GRID)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


@_drawn
def round_curves_svg(rounds: Sequence[Diagnosis], columns: int = 4, labels: Sequence[str] | None = None,
                     headline: str = "Overall") -> Any:  # fmt: skip
    """Small multiples: the ``headline`` aggregate, then every category scored in any round, accuracy
    per round with the Wilson band. Rounds are in loop order; the x labels are ``labels`` or the
    run names."""
    categories = [c for c in dict.fromkeys(c for r in rounds for c in r.categories)]
    panels = [headline] + [c.value for c in categories]
    rows = -(-len(panels) // columns)
    fig = _figure(2.1 * columns, 1.7 * rows)
    xs = list(range(len(rounds)))
    labels = list(labels) if labels is not None else [r.info.name for r in rounds]
    axes = fig.subplots(rows, columns, sharex=True, sharey=True, squeeze=False).flatten()
    for ax, panel in zip(axes, panels):
        if panel == headline:
            ys = [100 * r.aggregates[headline].accuracy for r in rounds]
            ax.plot(xs, ys, marker="o", color="#222", linewidth=2)
        else:
            found = [(x, r.categories.get(categories[panels.index(panel) - 1])) for x, r in zip(xs, rounds)]
            pts = [(x, d) for x, d in found if d is not None]
            px = [x for x, _ in pts]
            ax.fill_between(px, [100 * d.interval[0] for _, d in pts], [100 * d.interval[1] for _, d in pts],
                            color=_AFTER, alpha=0.15, linewidth=0)  # fmt: skip
            ax.plot(px, [100 * d.accuracy for _, d in pts], marker="o", color=_AFTER)
        ax.set_title(panel, fontsize=8)
        ax.set_ylim(0, 100)
        ax.grid(color=_GRID)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    for ax in axes:
        ax.set_xticks(xs, labels, rotation=30, fontsize=7)
    return fig

"""The close-loop report as one HTML page and as Markdown: what the loop did and what it reached.

Inputs are plain data read by ``harness.loop_report`` (the loop's ``state.json``, one row per
round) and the diagnoses of the evaluation runs: the probe-split evaluation of every round (the
curves) and the report-split evaluations of the base and the best model (the published numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any, Mapping, Sequence

from bfcl_adapter.diagnosis import Diagnosis

from . import fmt

HEADLINE = ("Non-Live", "Simple")  # the aggregates a non-live loop is judged by


@dataclass
class LoopPages:
    """Everything the pages show. ``rounds`` holds one plain dict per round (see harness.loop_report)."""

    state: Mapping[str, Any]
    rounds: Sequence[Mapping[str, Any]]
    probe: Sequence[Diagnosis] = ()  # per round, in order (base first)
    probe_labels: Sequence[str] = ()
    base: Diagnosis | None = None  # report split
    best: Diagnosis | None = None
    official: Mapping[str, Any] = field(default_factory=dict)  # optional: the official checker's figures


def _pct(value: float | None) -> str:
    return "-" if value is None else fmt.pct(value)


def _minutes(seconds: float | None) -> str:
    return "-" if not seconds else f"{seconds / 60:.1f}"


def report_rows(pages: LoopPages) -> list[list[str]]:
    """Report split, base vs best: the headline aggregates, then every category."""
    if pages.base is None or pages.best is None:
        return []
    rows = []
    for name in HEADLINE:
        before, after = pages.base.aggregates[name], pages.best.aggregates[name]
        rows.append([name, _pct(before.accuracy), _pct(after.accuracy), fmt.pp(after.accuracy - before.accuracy),
                     f"not run, counted as 0: {fmt.missing_summary(after)}" if after.missing else ""])  # fmt: skip
    for category, d in pages.best.categories.items():
        b = pages.base.categories.get(category)
        rows.append([category.value, _pct(b.accuracy if b else None), _pct(d.accuracy),
                     fmt.pp(d.accuracy - b.accuracy) if b else "-", f"n={d.n}"])  # fmt: skip
    return rows


FAILURE_HEADER, FAILURE_ALIGN = ["", "failed", "commonest error kinds"], "lrl"


def failure_rows(pages: LoopPages, limit: int = 3) -> list[list[str]]:
    """Report split, best model: each failing category's commonest error kinds (what limits it)."""
    if pages.best is None:
        return []
    return [[category.value, f"{d.failures}/{d.n}", " · ".join(f"{k.label} {n}" for k, n in d.dominant_kinds(limit))]
            for category, d in pages.best.categories.items() if d.failures]  # fmt: skip


def round_table_rows(pages: LoopPages) -> list[list[str]]:
    out = []
    for r in pages.rounds:
        decision = r.get("decision") or {}
        verdict = "" if not decision else ("accepted" if decision.get("accepted") else "rejected")
        out.append([
            "base" if r["index"] == 0 else str(r["index"]), str(r.get("samples") or "-"),
            "-" if r.get("accepted") is None else f"{r['accepted']}/{r['verified']}",
            r.get("method") or "-", r.get("steps") or "-", _minutes(r.get("train_s")),
            _minutes(r.get("eval_s")), _minutes(r.get("seconds")), verdict, decision.get("reason", ""),
        ])  # fmt: skip
    return out


REPORT_HEADER = ["", "base %", "best %", "Δ pp", "note"]
ROUND_HEADER = ["round", "samples", "verified", "training", "steps", "train min", "eval min", "round min",
                "decision", "why"]  # fmt: skip
# Column alignment (l: text, r: number), shared by the HTML and the Markdown tables.
REPORT_ALIGN, ROUND_ALIGN = "lrrrl", "lrrlrrrrll"


def _meta(pages: LoopPages) -> list[tuple[str, str]]:
    state = pages.state
    config = state.get("config", {})
    rows = [("base model", str(state.get("base_model"))), ("best model", str(state.get("best_model"))),
            ("status", f"{state.get('status')}: {state.get('stop_reason') or 'finished'}"),
            ("time", f"{_minutes(state.get('elapsed_s'))} min of a {_minutes(config.get('budget_s'))} min budget"),
            ("categories", ", ".join(config.get("categories", []))),
            ("splits", f"probe: at most {config.get('probe_per_category')} per category (decisions); "
                       f"report: at most {config.get('report_per_category') or 'all'} per category (published)")]  # fmt: skip
    if pages.official:
        rows.append(("official checker", str(pages.official.get("summary", ""))))
    return rows


def loop_html(pages: LoopPages) -> str:
    from .charts import category_bars_svg, round_curves_svg
    from .html_report import _CSS, _num, _table

    def table(header: list[str], rows: list[list[str]], align: str, caption: str = "") -> str:
        body = ["<tr>" + "".join(_num(c) if a == "r" else f"<td>{escape(c)}</td>" for a, c in zip(align, row))
                + "</tr>" for row in rows]  # fmt: skip
        return _table(header, body, caption)

    meta = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in _meta(pages))
    body = [f"<h1>closeloop · close-loop report</h1><table class=meta>{meta}</table>"]
    if pages.base is not None and pages.best is not None:
        body += ["<h2>Report split: base → best (the published numbers)</h2>",
                 table(REPORT_HEADER, report_rows(pages), REPORT_ALIGN,
                       "BFCL entries never used for any decision or training"),
                 f'<div class="chart" id="category-bars">{category_bars_svg(pages.best, pages.base)}</div>']  # fmt: skip
        failures = failure_rows(pages)
        if failures:
            body += ["<h3>What the best model still gets wrong (report split)</h3>",
                     table(FAILURE_HEADER, failures, FAILURE_ALIGN)]
    if len(pages.probe) >= 2:
        curves = round_curves_svg(pages.probe, labels=pages.probe_labels, headline="Non-Live")
        body += ["<h2>Per round (probe split)</h2>", f'<div class="chart" id="round-curves">{curves}</div>']
    body += ["<h2>Rounds: data, verification, training, decision</h2>",
             table(ROUND_HEADER, round_table_rows(pages), ROUND_ALIGN)]
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>closeloop close-loop report</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body) + "\n</body></html>\n"
    )


def loop_markdown(pages: LoopPages) -> str:
    from .markdown_report import _table

    out = ["## closeloop close-loop report", ""]
    out += [f"- **{k}** {v}" for k, v in _meta(pages)]
    rows = report_rows(pages)
    if rows:
        out += ["", "### Report split: base → best", ""]
        out += _table(REPORT_HEADER, rows, REPORT_ALIGN)
    failures = failure_rows(pages)
    if failures:
        out += ["", "### What the best model still gets wrong (report split)", ""]
        out += _table(FAILURE_HEADER, failures, FAILURE_ALIGN)
    if pages.probe:
        out += ["", "### Probe split, per round (accuracy %)", ""]
        categories = list(dict.fromkeys(c for d in pages.probe for c in d.categories))
        header = ["", *pages.probe_labels]
        table = [["Non-Live", *(_pct(d.aggregates["Non-Live"].accuracy) for d in pages.probe)]]
        for category in categories:
            table.append([category.value, *(_pct(d.categories[category].accuracy) if category in d.categories
                                            else "-" for d in pages.probe)])  # fmt: skip
        out += _table(header, table, "l" + "r" * len(pages.probe_labels))
    out += ["", "### Rounds", ""]
    out += _table(ROUND_HEADER, round_table_rows(pages), ROUND_ALIGN)
    return "\n".join(out) + "\n"

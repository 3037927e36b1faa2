"""The gap report as one self-contained HTML page: inline CSS, inline SVG charts, no scripts,
no external assets, so it can be attached to a pull request or opened offline."""

from __future__ import annotations

from html import escape
from typing import Sequence

from bfcl_adapter.diagnosis import Comparison, Diagnosis, Targets, target_distances

from . import fmt

_CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330;
       max-width: 1100px; margin: 24px auto; padding: 0 16px; background: #fff; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px;
     border-bottom: 1px solid #e3e6eb; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0; } caption { text-align: left; color: #5b6475; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eef0f3; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { white-space: nowrap; }
.meta td:first-child { font-weight: 600; color: #5b6475; }
.pos { color: #1a7f37; } .neg { color: #c62828; } .dim { color: #7a8394; }
.bar { display: inline-block; height: 10px; background: #2f6db5; vertical-align: middle; }
.barbg { display: inline-block; width: 100px; height: 10px; background: #e3e6eb; }
.gap { margin: 14px 0; } .gap h3 { font-size: 15px; margin: 0 0 4px; }
.ex { margin: 6px 0 6px 18px; font-size: 13px; }
.ex code { background: #f4f6f8; padding: 1px 4px; border-radius: 3px; white-space: pre-wrap;
           word-break: break-word; }
.chart svg { max-width: 100%; height: auto; }
"""


def _num(text: str, css: str = "") -> str:
    return f'<td class="num {css}">{escape(text)}</td>'


def _signed(value: float) -> str:
    css = "pos" if value > 0 else "neg" if value < 0 else "dim"
    return _num(fmt.pp(value), css)


def _bar(accuracy: float) -> str:
    return (f'<span class="barbg"><span class="bar" style="width:{round(100 * accuracy)}px">'
            "</span></span>")  # fmt: skip


def _table(header: list[str], rows: list[str], caption: str = "") -> str:
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _header(diagnosis: Diagnosis, comparisons: Sequence[Comparison]) -> str:
    info = diagnosis.info
    rows = [("model", fmt.model_line(info)), ("run", fmt.run_line(info, diagnosis.cases))]
    rows += [("compared", f"{c.before.name}: {fmt.model_line(c.before)}") for c in comparisons]
    if info.not_run:
        rows.append(("not run", ", ".join(info.not_run)))
    body = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<h1>closeloop gap report · {escape(info.model_name)}</h1><table class=meta>{body}</table>"


def _aggregates(diagnosis: Diagnosis, primary: Comparison | None) -> str:
    rows = []
    for name, a in diagnosis.aggregates.items():
        cells = f"<td>{escape(name)}</td>{_num(fmt.pct(a.accuracy))}"
        if primary:
            cells += _signed(primary.aggregates[name].delta)
        cells += f'{_num(str(fmt.scored(a)))}<td class="dim">{escape(fmt.missing_summary(a))}</td>'
        rows.append(f"<tr>{cells}</tr>")
    header = ["aggregate", "acc %"] + (["Δ pp (paired)"] if primary else [])
    header += ["scored", "not run (counted as 0)"]
    return _table(header, rows)


def _categories(diagnosis: Diagnosis, primary: Comparison | None) -> str:
    rows = []
    for category, d in diagnosis.categories.items():
        cells = (f"<td>{escape(category.value)}</td>{_num(str(d.n))}{_num(fmt.pct(d.accuracy))}"
                 f"{_num(fmt.interval(d.interval))}<td>{_bar(d.accuracy)}</td>"
                 f"{_num(fmt.pct(d.weight))}{_num(fmt.gain_pp(d.expected_gain))}")  # fmt: skip
        if primary:
            delta = primary.categories.get(category)
            cells += _signed(delta.delta) + _num(fmt.p_value(delta.p_value)) if delta else "<td></td>" * 2
        cells += f"<td>{escape(fmt.kinds_summary(d)) if d.kinds else ''}</td>"
        rows.append(f"<tr>{cells}</tr>")
    header = ["category", "n", "acc %", "95% CI", "", "weight %", "gain pp"]
    header += (["Δ pp", "p"] if primary else []) + ["errors"]
    return _table(header, rows, fmt.legend(bool(primary)))


def _comparison(c: Comparison, max_flips: int = 50) -> str:
    rows = [
        f"<tr><td>{escape(f.id)}</td><td class={'pos' if f.after_valid else 'neg'}>"
        f"{'fixed' if f.after_valid else 'broken'}</td>"
        f"<td>{escape(f.before_error or 'ok')} → {escape(f.after_error or 'ok')}</td></tr>"
        for f in c.flips[:max_flips]
    ]
    more = f"<p class=dim>… {len(c.flips) - max_flips} more</p>" if len(c.flips) > max_flips else ""
    flips = _table(["id", "now", "error before → after"], rows, "flipped cases") if rows else ""
    return f"<p>{escape(fmt.comparison_line(c))}</p>{flips}{more}"


def _targets(diagnosis: Diagnosis, targets: Targets) -> str:
    rows = [
        f"<tr><td>{escape(r.name)}</td>{_num(fmt.pct(r.ours))}{_num(fmt.pct(r.target))}"
        f"{_signed(r.distance)}<td class=dim>{'' if r.complete else 'parts not run count as 0'}</td></tr>"
        for r in target_distances(diagnosis, targets)
    ]
    title = f"{targets.model} ({targets.mode or 'mode n/a'}, {targets.date}); source: {targets.source}"
    return _table(["aggregate", "ours %", "target %", "distance pp", "note"], rows, title)


def _gaps(diagnosis: Diagnosis, max_gaps: int | None) -> str:
    if not diagnosis.gaps:
        return "<p>No failures: nothing to practise.</p>"
    parts = []
    for gap in diagnosis.gaps[:max_gaps]:
        d = gap.diagnosis
        examples = []
        for e in gap.examples:
            label = e.kind.label + (f" ({e.detail})" if e.detail else "")
            lines = [f"<b>{escape(e.id)}</b> · {escape(label)}"]
            if e.question:
                lines.append(f"question: <code>{escape(e.question)}</code>")
            if e.expected:
                lines.append(f"expected: <code>{escape(e.expected)}</code>")
            lines.append(f"got: <code>{escape(e.output)}</code>")
            examples.append(f'<div class="ex">{"<br>".join(lines)}</div>')
        decode = f"<br>decode failures: {escape(fmt.decode_summary(d))}" if d.decode_subkinds else ""
        parts.append(
            f'<div class="gap"><h3>{gap.rank}. {escape(gap.category.value)}: '
            f"+{fmt.gain_pp(d.expected_gain)} pp expected gain</h3>"
            f"acc {fmt.pct(d.accuracy)}% (95% CI {fmt.interval(d.interval)}, n={d.n}), "
            f"weight {fmt.pct(d.weight)}%, synthesis share {fmt.pct(gap.synthesis_weight)}%"
            f"<br>errors: {escape(fmt.kinds_summary(d, limit=len(d.kinds)))}{decode}"
            f"{''.join(examples)}</div>"
        )
    return "".join(parts)


def html_report(
    diagnosis: Diagnosis,
    comparisons: Sequence[Comparison] = (),
    targets: Targets | None = None,
    baseline: Diagnosis | None = None,
    rounds: Sequence[Diagnosis] = (),
    max_gaps: int | None = None,
) -> str:
    """The page. ``baseline`` (the run of ``comparisons[0]``) adds before/after bars; ``rounds``
    (loop rounds in order, two or more) adds per-round curves per category."""
    from .charts import category_bars_svg, round_curves_svg

    primary = comparisons[0] if comparisons else None
    body = [_header(diagnosis, comparisons), "<h2>BFCL v4 summary</h2>", _aggregates(diagnosis, primary)]
    body += ["<h2>Categories</h2>", _categories(diagnosis, primary)]
    title = "Accuracy by category" + (f": {baseline.info.name} → {diagnosis.info.name}" if baseline else "")
    bars = category_bars_svg(diagnosis, baseline)
    body += [f"<h2>{escape(title)}</h2>", f'<div class="chart" id="category-bars">{bars}</div>']
    if len(rounds) >= 2:
        body += ["<h2>Loop rounds</h2>",
                 f'<div class="chart" id="round-curves">{round_curves_svg(rounds)}</div>']  # fmt: skip
    if comparisons:
        body += ["<h2>Comparisons</h2>"] + [_comparison(c) for c in comparisons]
    if targets:
        body += ["<h2>Distance to target</h2>", _targets(diagnosis, targets)]
    body += ["<h2>Ranked gaps</h2>", _gaps(diagnosis, max_gaps)]
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>closeloop report · {escape(diagnosis.info.model_name)}</title>"
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )

"""The gap report as GitHub-flavoured Markdown, for pull-request descriptions and comments."""

from __future__ import annotations

from typing import Sequence

from bfcl_adapter.diagnosis import Comparison, Diagnosis, Targets, target_distances

from . import fmt

MAX_FLIPS = 30


def _cell(text: object) -> str:
    """Table-cell safe: pipes escaped, newlines flattened."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    """Inline code that survives backticks inside model output."""
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    marks = {"l": "---", "r": "---:"}
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def markdown_report(
    diagnosis: Diagnosis,
    comparisons: Sequence[Comparison] = (),
    targets: Targets | None = None,
    max_gaps: int | None = None,
) -> str:
    info = diagnosis.info
    primary = comparisons[0] if comparisons else None
    out = [f"## closeloop gap report: {info.model_name}", ""]
    out.append(f"- **model** {fmt.model_line(info)}")
    out.append(f"- **run** {fmt.run_line(info, diagnosis.cases)}")
    for c in comparisons:
        out.append(f"- **compared** {c.before.name}: {fmt.model_line(c.before)}")
    if info.not_run:
        out.append(f"- **not run** {', '.join(info.not_run)}")
    out += ["", "### BFCL v4 summary", ""]
    rows = []
    for name, a in diagnosis.aggregates.items():
        row = [name, fmt.pct(a.accuracy), str(fmt.scored(a)), fmt.missing_summary(a)]
        if primary:
            d = primary.aggregates[name]
            row.insert(2, fmt.pp(d.delta))
        rows.append(row)
    header = ["aggregate", "acc %", "scored", "not run (counted as 0)"]
    if primary:
        header.insert(2, f"Δ pp vs {primary.before.name} (paired)")
    out += _table(header, rows, "lrrrl" if primary else "lrrl")

    out += ["", "### Categories", ""]
    header = ["category", "n", "acc %", "95% CI", "weight %", "gain pp", "errors"]
    align = "lrrrrrl"
    if primary:
        header[6:6] = ["Δ pp", "p"]
        align = "lrrrrrrrl"
    rows = []
    for category, d in diagnosis.categories.items():
        row = [category.value, str(d.n), fmt.pct(d.accuracy), fmt.interval(d.interval),
               fmt.pct(d.weight), fmt.gain_pp(d.expected_gain), fmt.kinds_summary(d)]  # fmt: skip
        if primary:
            delta = primary.categories.get(category)
            row[6:6] = [fmt.pp(delta.delta), fmt.p_value(delta.p_value)] if delta else ["", ""]
        rows.append(row)
    out += _table(header, rows, align)
    out += ["", f"_{fmt.legend(bool(primary))}_"]

    for c in comparisons:
        out += ["", f"### {fmt.comparison_line(c)}"]
    if primary and primary.flips:
        out += ["", "<details><summary>Flipped cases</summary>", ""]
        flips = [
            [f.id, "fixed" if f.after_valid else "broken", f"{f.before_error or 'ok'} → {f.after_error or 'ok'}"]
            for f in primary.flips[:MAX_FLIPS]
        ]
        out += _table(["id", "now", "error before → after"], flips, "lll")
        if len(primary.flips) > MAX_FLIPS:
            out.append(f"\n… {len(primary.flips) - MAX_FLIPS} more")
        out += ["", "</details>"]

    if targets:
        measured = f"{targets.mode or 'mode n/a'}, {targets.date}"
        out += ["", f"### Distance to target: {targets.model} ({measured})", ""]
        rows = [[r.name, fmt.pct(r.ours), fmt.pct(r.target), fmt.pp(r.distance),
                 "" if r.complete else "parts not run count as 0"]
                for r in target_distances(diagnosis, targets)]  # fmt: skip
        out += _table(["aggregate", "ours %", "target %", "distance pp", "note"], rows, "lrrrl")
        out += ["", f"Source: {targets.source}"]

    out += ["", "### Ranked gaps", ""]
    if not diagnosis.gaps:
        out.append("No failures: nothing to practise.")
    for gap in diagnosis.gaps[:max_gaps]:
        d = gap.diagnosis
        out.append(
            f"{gap.rank}. **{gap.category.value}**: +{fmt.gain_pp(d.expected_gain)} pp expected gain; "
            f"acc {fmt.pct(d.accuracy)}% (95% CI {fmt.interval(d.interval)}, n={d.n}), "
            f"weight {fmt.pct(d.weight)}%, synthesis share {fmt.pct(gap.synthesis_weight)}%"
        )
        out.append(f"   - errors: {fmt.kinds_summary(d, limit=len(d.kinds))}")
        if d.decode_subkinds:
            out.append(f"   - decode failures: {fmt.decode_summary(d)}")
        for e in gap.examples:
            label = e.kind.label + (f" ({e.detail})" if e.detail else "")
            out.append(f"   - `{e.id}` · {label}")
            if e.question:
                out.append(f"     - question: {_code(e.question)}")
            if e.expected:
                out.append(f"     - expected: {_code(e.expected)}")
            out.append(f"     - got: {_code(e.output)}")
    return "\n".join(out) + "\n"

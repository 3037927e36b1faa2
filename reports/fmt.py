"""Number and label formatting shared by the terminal, Markdown and HTML reports, so that the
three always print the same figures."""

from __future__ import annotations

from bfcl_adapter.diagnosis import CategoryDiagnosis, Comparison, RunInfo
from bfcl_adapter.scoring import FULL_SIZES, Aggregate

SIGNIFICANT = 0.05


def pct(value: float) -> str:
    """0.4 -> '40.0' (percent, one decimal: samples are rarely large enough for more)."""
    return f"{100 * value:.1f}"


def pp(value: float) -> str:
    """Signed percentage points: 0.068 -> '+6.8'; exactly zero prints as '0.0'."""
    text = f"{100 * value:+.1f}"
    return "0.0" if text in ("+0.0", "-0.0") else text


def gain_pp(value: float) -> str:
    """Overall points with two decimals: per-category gains are often below one point."""
    return f"{100 * value:.2f}"


def interval(ci: tuple[float, float]) -> str:
    return f"{100 * ci[0]:.1f}-{100 * ci[1]:.1f}"


def p_value(p: float) -> str:
    """Three significant figures; '*' marks p < 0.05 so significance survives without colour."""
    if p >= 0.9995:
        return "1"
    text = f"{p:.3f}" if p >= 0.001 else f"{p:.0e}"
    return text + ("*" if p < SIGNIFICANT else "")


def missing_summary(aggregate: Aggregate) -> str:
    """Categories an aggregate lacks (counted as 0): named when few, else counted."""
    if len(aggregate.missing) > 3:
        return f"{len(aggregate.missing)} categories"
    return ", ".join(m.value for m in aggregate.missing)


def scored(aggregate: Aggregate) -> int:
    """Cases actually scored in an aggregate (its total counts missing parts at full size)."""
    return aggregate.total - sum(FULL_SIZES[m] for m in aggregate.missing)


def kinds_summary(d: CategoryDiagnosis, limit: int = 3) -> str:
    parts = [f"{kind.label} {count}" for kind, count in d.dominant_kinds(limit)]
    more = len(d.kinds) - limit
    return ", ".join(parts) + (f", +{more} more" if more > 0 else "")


def decode_summary(d: CategoryDiagnosis) -> str:
    """'' when nothing failed to decode, else e.g. 'prose 2, truncated 1'."""
    return ", ".join(f"{sub} {count}" for sub, count in d.decode_subkinds.items())


def model_line(info: RunInfo) -> str:
    m = info.model
    bits = [str(m.get(k)) for k in ("backend", "dtype") if m.get(k)]
    if m.get("weights_sha256"):
        bits.append(f"weights {str(m['weights_sha256'])[:12]}")
    path = str(m.get("path") or info.model_name)
    return path + (f" ({', '.join(bits)})" if bits else "")


def run_line(info: RunInfo, cases: int) -> str:
    parts = [info.name, f"{info.mode} mode", f"decode {info.decode_mode}", f"{cases} cases"]
    if info.created:
        parts.append(info.created)
    if info.status and info.status != "complete":
        parts.append(f"status {info.status}")
    return " · ".join(parts)


def comparison_line(c: Comparison) -> str:
    unpaired = c.unpaired_before + c.unpaired_after
    tail = f", {unpaired} unpaired" if unpaired else ""
    return (
        f"vs {c.before.name} ({c.before.model_name}): {c.n} paired cases{tail}, "
        f"{c.fixed} fixed, {c.broken} broken, exact McNemar p = {p_value(c.p_value)}"
    )


def legend(compared: bool) -> str:
    text = ("weight: share of BFCL v4 Overall · gain: Overall points if the category were perfect · "
            "95% CI: Wilson")  # fmt: skip
    return text + (" · p: exact McNemar on the flipped cases (* < 0.05)" if compared else "")

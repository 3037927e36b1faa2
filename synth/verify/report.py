"""The verification report: what ``verify.json`` holds and what the Rich table shows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .base import CHECKS, Failure

TOP_REASONS = 15
EXAMPLES_PER_REASON = 3


@dataclass
class Outcome:
    """The verdict on one line of the input."""

    id: str
    line: int
    category: str
    applied: dict[str, bool] = field(default_factory=dict)  # check -> ran (False: not applicable)
    failures: list[Failure] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.failures


@dataclass
class VerifyReport:
    samples: Path
    out: Path
    profile: str
    total: int
    accepted: int
    checks: dict[str, dict[str, Any]]
    categories: dict[str, dict[str, Any]]
    reasons: list[dict[str, Any]]
    mutants: dict[str, Any]
    seconds: float
    notes: list[str] = field(default_factory=list)
    blocked: str | None = None  # why no train.jsonl was written (the reward cannot discriminate)

    @property
    def rejected(self) -> int:
        return self.total - self.accepted

    @property
    def ok(self) -> bool:
        return self.blocked is None

    @property
    def acceptance_rate(self) -> float:
        return self.accepted / self.total if self.total else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": 1, "samples": str(self.samples), "out": str(self.out), "profile": self.profile,
            "total": self.total, "accepted": self.accepted, "rejected": self.rejected,
            "acceptance_rate": round(self.acceptance_rate, 4), "ok": self.ok, "blocked": self.blocked,
            "checks": self.checks, "categories": self.categories, "top_rejection_reasons": self.reasons,
            "mutant_suite": self.mutants, "seconds": round(self.seconds, 3), "notes": self.notes,
        }  # fmt: skip


def summarise(outcomes: list[Outcome]) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """(per check, per category, top reasons) over every outcome."""
    checks: dict[str, dict[str, Any]] = {}
    for name in CHECKS:
        applied = sum(1 for o in outcomes if o.applied.get(name))
        failed = sum(1 for o in outcomes if any(f.check == name for f in o.failures))
        checks[name] = {"applied": applied, "passed": applied - failed, "failed": failed,
                        "acceptance_rate": round((applied - failed) / applied, 4) if applied else None}  # fmt: skip
    malformed = sum(1 for o in outcomes if any(f.check == "record" for f in o.failures))
    if malformed:
        checks["record"] = {"applied": len(outcomes), "passed": len(outcomes) - malformed, "failed": malformed,
                            "acceptance_rate": round(1 - malformed / len(outcomes), 4)}  # fmt: skip
    categories: dict[str, dict[str, Any]] = {}
    for outcome in outcomes:
        entry = categories.setdefault(outcome.category, {"total": 0, "accepted": 0, "failed_checks": Counter()})
        entry["total"] += 1
        entry["accepted"] += outcome.accepted
        entry["failed_checks"].update({f.check for f in outcome.failures})
    for entry in categories.values():
        entry["acceptance_rate"] = round(entry["accepted"] / entry["total"], 4)
        entry["failed_checks"] = dict(sorted(entry["failed_checks"].items()))
    counts: Counter[str] = Counter()
    examples: dict[str, list[dict[str, Any]]] = {}
    for outcome in outcomes:
        seen: set[str] = set()
        for failure in outcome.failures:
            if failure.code in seen:
                continue
            seen.add(failure.code)
            counts[failure.code] += 1
            bucket = examples.setdefault(failure.code, [])
            if len(bucket) < EXAMPLES_PER_REASON:
                bucket.append({"id": outcome.id, "category": outcome.category, "evidence": failure.evidence})
    reasons = [{"code": code, "samples": n, "examples": examples[code]} for code, n in counts.most_common(TOP_REASONS)]
    return checks, dict(sorted(categories.items())), reasons


def summary_table(report: VerifyReport) -> Any:
    """A Rich renderable: per-check rates, per-category rates, top reasons, mutant suite."""
    from rich.console import Group
    from rich.table import Table

    checks = Table(title=f"verify: {report.accepted}/{report.total} accepted ({report.acceptance_rate:.1%})")
    for column in ("check", "applied", "passed", "failed", "rate"):
        checks.add_column(column, justify="left" if column == "check" else "right")
    for name, row in report.checks.items():
        rate = row["acceptance_rate"]
        checks.add_row(name, str(row["applied"]), str(row["passed"]), str(row["failed"]),
                       "-" if rate is None else f"{rate:.1%}", style="red" if row["failed"] else None)  # fmt: skip
    categories = Table(title="per category")
    for column in ("category", "total", "accepted", "rate", "failed checks"):
        categories.add_column(column, justify="left" if column in ("category", "failed checks") else "right")
    for name, row in report.categories.items():
        failed = ", ".join(f"{k} {v}" for k, v in row["failed_checks"].items()) or "-"
        categories.add_row(name, str(row["total"]), str(row["accepted"]), f"{row['acceptance_rate']:.1%}", failed)
    reasons = Table(title="top rejection reasons")
    reasons.add_column("reason")
    reasons.add_column("samples", justify="right")
    reasons.add_column("example")
    for row in report.reasons[:10]:
        example = row["examples"][0]
        reasons.add_row(row["code"], str(row["samples"]), f"{example['id']}: {_brief(example['evidence'])}")
    suite = report.mutants
    mutants = Table(title=f"mutant suite ({suite.get('profile')}, {suite.get('samples', 0)} samples): "
                    + ("reward discriminates" if suite.get("ok") else "REWARD CANNOT DISCRIMINATE"))  # fmt: skip
    for column in ("mutant", "meaning", "cases", "asserted", "skipped", "result"):
        mutants.add_column(column, justify="left" if column in ("mutant", "meaning", "result") else "right")
    for kind, row in (suite.get("kinds") or {}).items():
        result = "ok" if row["ok"] else f"FAIL: {row['failures'][0]['detail']}"
        mutants.add_row(kind, row["meaning"], str(row["cases"]), str(row["asserted"]), str(row["skipped"]), result,
                        style=None if row["ok"] else "red")  # fmt: skip
    parts: list[Any] = [checks, categories]
    if report.reasons:
        parts.append(reasons)
    parts.append(mutants)
    return Group(*parts)


def _brief(evidence: dict[str, Any], limit: int = 90) -> str:
    text = ", ".join(f"{k}={v}" for k, v in evidence.items())
    return text if len(text) <= limit else text[: limit - 3] + "..."

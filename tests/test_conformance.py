"""Conformance: our decoder + checker give the official bfcl-eval verdict, case for case.

The cases (``tests/conformance/data/cases.jsonl.gz``) are candidate model outputs generated
from every entry of the 13 single-turn categories; the recorded official verdicts
(``oracle.jsonl.gz``, provenance in ``oracle_meta.json``) come from the real bfcl-eval checker
run in its own virtualenv. Regenerate both with ``make oracle``.

Contract checked: ``bfcl_adapter.checking.score_case(category, raw_result, functions,
possible_answer, mode="official")`` returns a Verdict whose ``valid`` equals the official one on
every case, and whose ``error_type`` equals the official one on every case the official checker
rejects. Cases on which the official checker itself raised are left out, and counted.
"""

from __future__ import annotations

import collections
import copy
import functools
import gzip
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conformance.generate_cases import CATEGORIES, DEFAULT_SEED, bfcl_data_dir, load_category

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "conformance" / "data"
CASES = DATA / "cases.jsonl.gz"
ORACLE = DATA / "oracle.jsonl.gz"
ORACLE_PYTHON = ROOT / ".venv-oracle" / "bin" / "python"
ORACLE_SCRIPT = ROOT / "tests" / "conformance" / "official_oracle.py"
MAX_DATA_BYTES = 5_000_000
SHOW = 20


def read_jsonl_gz(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@functools.lru_cache(maxsize=None)
def bfcl_entries() -> dict[tuple[str, str], tuple[list, list | None]]:
    """(category, id) -> (raw function docs, ground truth or None), read with plain json."""
    data_dir = bfcl_data_dir()
    out = {}
    for category in CATEGORIES:
        for entry, gt in load_category(category, data_dir):
            out[(category, entry["id"])] = (entry["function"], gt)
    return out


@dataclass
class Disagreement:
    case: str
    category: str
    mutation: str
    result: str
    ours: str
    official: str


@dataclass
class Report:
    total: collections.Counter = field(default_factory=collections.Counter)
    compared: collections.Counter = field(default_factory=collections.Counter)
    oracle_exceptions: collections.Counter = field(default_factory=collections.Counter)
    disagreements: list[Disagreement] = field(default_factory=list)

    def of(self, category: str | None) -> list[Disagreement]:
        return [d for d in self.disagreements if category is None or d.category == category]

    def render(self, category: str | None = None) -> str:
        bad = self.of(category)
        lines = [
            f"{len(bad)} disagreement(s) with the official checker"
            + (f" in {category}" if category else "")
            + f"; first {min(SHOW, len(bad))}:",
            f"{'case':34s} {'mutation':22s} {'ours':56s} {'official':56s} result",
        ]
        for d in bad[:SHOW]:
            text = ascii(d.result)
            text = text if len(text) <= 90 else text[:87] + "..."
            lines.append(f"{d.case:34s} {d.mutation:22s} {d.ours:56s} {d.official:56s} {text}")
        per_cat = collections.Counter(d.category for d in self.disagreements)
        per_mut = collections.Counter(d.mutation for d in bad)
        lines.append("")
        lines.append(f"{'category':24s} {'cases':>7s} {'compared':>9s} {'disagree':>9s} {'oracle_exc':>10s}")
        for cat in CATEGORIES:
            if category is None or cat == category:
                lines.append(
                    f"{cat:24s} {self.total[cat]:7d} {self.compared[cat]:9d} {per_cat[cat]:9d} "
                    f"{self.oracle_exceptions[cat]:10d}"
                )
        lines.append("by mutation: " + ", ".join(f"{m}={n}" for m, n in per_mut.most_common()))
        return "\n".join(lines)


def describe(valid: bool, error_type: str | None) -> str:
    return "valid" if valid else f"invalid {error_type}"


def compare(cases: list[dict], oracle: list[dict]) -> Report:
    from bfcl_adapter.categories import Category
    from bfcl_adapter.checking import score_case

    verdicts = {o["case"]: o for o in oracle}
    entries = bfcl_entries()
    report = Report()
    for case in cases:
        category = case["category"]
        report.total[category] += 1
        official = verdicts[case["case"]]
        if "oracle_exception" in official:
            report.oracle_exceptions[category] += 1
            continue
        report.compared[category] += 1
        functions, gt = entries[(category, case["id"])]
        try:
            # Copies: a checker that edits its inputs must not change the next case's.
            verdict = score_case(
                Category(category), case["result"], copy.deepcopy(functions), copy.deepcopy(gt), mode="official"
            )
            ours_valid, ours_type = bool(verdict.valid), verdict.error_type
            ours = describe(ours_valid, ours_type)
        except Exception as e:  # noqa: BLE001 - reported as a disagreement, not a crash
            ours_valid, ours_type, ours = None, None, f"raised {type(e).__name__}: {e}"[:56]
        same = ours_valid == official["valid"] and (official["valid"] or ours_type == official["error_type"])
        if not same:
            report.disagreements.append(
                Disagreement(
                    case["case"], category, case["mutation"], case["result"], ours,
                    describe(official["valid"], official["error_type"]),
                )
            )
    return report


@functools.lru_cache(maxsize=None)
def recorded_report() -> Report:
    return compare(read_jsonl_gz(CASES), read_jsonl_gz(ORACLE))


# --------------------------------------------------------------------------------------------


def test_recorded_suite_is_complete_and_small():
    assert CASES.exists() and ORACLE.exists(), "run `make oracle` to (re)generate the conformance data"
    size = CASES.stat().st_size + ORACLE.stat().st_size
    assert size < MAX_DATA_BYTES, f"conformance data is {size / 1e6:.1f} MB"
    cases, oracle = read_jsonl_gz(CASES), read_jsonl_gz(ORACLE)
    assert [c["case"] for c in cases] == [o["case"] for o in oracle], "oracle.jsonl.gz is stale: run `make oracle`"
    assert {c["category"] for c in cases} == set(CATEGORIES)
    entries = bfcl_entries()
    missing = {(c["category"], c["id"]) for c in cases} - set(entries)
    assert not missing, f"cases for entries the installed BFCL data lacks: {sorted(missing)[:5]}"
    assert {(c["category"], c["id"]) for c in cases} == set(entries), "some BFCL entries have no case"


def test_conformance_all_cases():
    report = recorded_report()
    n_exc = sum(report.oracle_exceptions.values())
    print(f"\n{sum(report.compared.values())} cases compared, {n_exc} left out (official checker raised)")
    assert not report.disagreements, report.render()


@pytest.mark.parametrize("category", CATEGORIES)
def test_conformance_by_category(category):
    report = recorded_report()
    assert report.total[category] > 0, f"no recorded cases for {category}"
    assert not report.of(category), report.render(category)


@pytest.mark.oracle
@pytest.mark.skipif(not ORACLE_PYTHON.exists(), reason="no oracle virtualenv: run `make oracle-venv`")
def test_conformance_live_against_official(tmp_path):
    """Fresh cases (another Hypothesis seed), judged by the official checker right now."""
    cases_path, oracle_path = tmp_path / "cases.jsonl.gz", tmp_path / "oracle.jsonl.gz"
    subprocess.run(
        [sys.executable, "-m", "tests.conformance.generate_cases", "--seed", str(DEFAULT_SEED + 1),
         "--max-cases", "500", "--out", str(cases_path)],
        cwd=ROOT, check=True, capture_output=True, text=True, timeout=600,
    )
    subprocess.run(
        [str(ORACLE_PYTHON), str(ORACLE_SCRIPT), "--cases", str(cases_path), "--out", str(oracle_path),
         "--meta", str(tmp_path / "meta.json"), "--workers", "1"],
        cwd=ROOT, check=True, capture_output=True, text=True, timeout=600,
    )
    cases = read_jsonl_gz(cases_path)
    assert len(cases) >= 200
    report = compare(cases, read_jsonl_gz(oracle_path))
    print(f"\n{sum(report.compared.values())} live cases compared, {sum(report.oracle_exceptions.values())} left out")
    assert not report.disagreements, report.render()

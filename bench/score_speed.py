"""bench/score_speed: `harness score` against the official `bfcl evaluate` on the same result files.

Both are timed as whole processes (interpreter start, imports, data loading, checking, writing):
ours from this project's virtualenv, the official one from the oracle virtualenv
(`make oracle-venv`). The result files cover every AST and irrelevance category (3,625 cases):
for each BFCL entry one candidate output is picked, deterministically, from the conformance
corpus (tests/conformance/data/cases.jsonl.gz), so correct, wrong and undecodable answers mix.
As a by-product the per-category accuracies of both are compared.

Run: `make bench` (or `.venv/bin/python bench/score_speed.py`). Appends to bench/results/score_speed.md.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from _common import append_result  # bench/ is sys.path[0] when a script runs

ROOT = Path(__file__).resolve().parents[1]
HEADER = """# bench/score_speed

`harness score` against the official `bfcl evaluate` (bfcl-eval 2026.3.23, from `.venv-oracle`) on the
same result files: every AST and irrelevance category, one candidate output per BFCL entry picked
from the conformance corpus. Whole processes, wall-clock. Target: ours under 2 s.
Command: `make bench` (runs `.venv/bin/python bench/score_speed.py`, which appends a row here).

| date (UTC) | machine | cases | ours | official | speed-up | same accuracies |
|---|---|---|---|---|---|---|
"""
CASES = ROOT / "tests" / "conformance" / "data" / "cases.jsonl.gz"
ORACLE_BIN = ROOT / ".venv-oracle" / "bin"
OUR_BIN = Path(sys.executable).parent
MODEL = "Qwen/Qwen3-0.6B"  # a registered prompting model whose handler uses BFCL's default decoder
CATEGORIES = [
    "simple_python", "simple_java", "simple_javascript", "multiple", "parallel",
    "parallel_multiple", "irrelevance", "live_simple", "live_multiple", "live_parallel",
    "live_parallel_multiple", "live_irrelevance",
]  # fmt: skip
GROUP = {c: ("live" if c.startswith("live_") else "non_live") for c in CATEGORIES}


def write_results(root: Path) -> int:
    by_id: dict[str, list[dict]] = {}
    with gzip.open(CASES, "rt") as handle:
        for line in handle:
            case = json.loads(line)
            if case["category"] in GROUP:
                by_id.setdefault(case["id"], []).append(case)
    per_category: dict[str, list[dict]] = {c: [] for c in CATEGORIES}
    for entry_id, cases in by_id.items():
        pick = int(hashlib.sha256(entry_id.encode()).hexdigest(), 16) % len(cases)
        case = cases[pick]
        per_category[case["category"]].append({"id": entry_id, "result": case["result"]})
    folder = root / "result" / MODEL.replace("/", "_")
    for category, rows in per_category.items():
        path = folder / GROUP[category] / f"BFCL_v4_{category}_result.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return sum(len(r) for r in per_category.values())


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    began = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def official_accuracies(score_root: Path) -> dict[str, float]:
    found = {}
    for path in score_root.rglob("BFCL_v4_*_score.json"):
        category = path.name[len("BFCL_v4_") : -len("_score.json")]
        found[category] = json.loads(path.read_text().splitlines()[0])["accuracy"]
    return found


def main() -> None:
    if not (ORACLE_BIN / "bfcl").exists():
        sys.exit("bench/score_speed needs the official checker: run `make oracle-venv` first")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases = write_results(work)
        model_dir = work / "result" / MODEL.replace("/", "_")
        ours = timed(
            [str(OUR_BIN / "harness"), "score", str(model_dir), "--json", str(work / "ours.json")],
            work,
        )
        env = {**os.environ, "BFCL_PROJECT_ROOT": str(work)}
        official = timed(
            [str(ORACLE_BIN / "bfcl"), "evaluate", "--model", MODEL, "--test-category",
             ",".join(CATEGORIES), "--result-dir", "result", "--score-dir", "score"],
            work, env,
        )  # fmt: skip
        ours_acc = {
            c: v["accuracy"] for c, v in json.loads((work / "ours.json").read_text())["categories"].items()
        }
        theirs_acc = official_accuracies(work / "score")
    agree = all(abs(ours_acc[c] - theirs_acc.get(c, -1)) < 1e-12 for c in CATEGORIES)
    record = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} · {os.cpu_count()} CPUs · {platform.processor() or platform.machine()}",
        "command": "make bench  (.venv/bin/python bench/score_speed.py)",
        "cases": cases,
        "ours_seconds": round(ours, 3),
        "official_seconds": round(official, 3),
        "speedup": round(official / ours, 2),
        "per_category_accuracy_identical": agree,
    }
    print(json.dumps(record, indent=2))
    append_result(
        "score_speed",
        f"| {record['date']} | {record['machine']} | {cases} | {ours:.2f} s | {official:.2f} s "
        f"| {record['speedup']}x | {'yes' if agree else 'NO'} |\n",
        HEADER,
        record,
    )
    if not agree:
        diff = {c: (ours_acc.get(c), theirs_acc.get(c)) for c in CATEGORIES if ours_acc.get(c) != theirs_acc.get(c)}
        sys.exit(f"accuracies differ: {diff}")


if __name__ == "__main__":
    main()

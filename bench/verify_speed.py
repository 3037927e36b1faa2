"""bench/verify_speed: `harness verify` on a real 2000-sample synth output (target: under 60 s).

Makes the input with the real generator (`harness synth --n N`, catalog tools, every category
with a recipe), then times `harness verify DIR` as a whole process (interpreter start, imports,
tool catalog and BFCL index loading, every check, the thorough mutant suite with the RL reward,
writing the records) and appends a row to bench/results/verify_speed.md.

Run: `.venv/bin/python bench/verify_speed.py [--n 2000] [--seed 0] [--profile thorough]`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from _common import machine  # bench/ is sys.path[0] when a script runs

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "verify_speed.md"
TARGET_S = 60.0
HEADER = """# bench/verify_speed

`harness verify DIR` on the output of `harness synth --n N` (catalog tools, all 17 categories with a
recipe), timed as a whole process: imports, tool catalog and BFCL contamination index loading, every
per-sample check, the mutant suite (checker + RL reward) and writing the records. Target: under 60 s
for 2000 samples on the 2-core dev VM. Command: `.venv/bin/python bench/verify_speed.py` (appends a row).

| date (UTC) | machine | command | samples | accepted | seconds |
|---|---|---|---|---|---|
"""

# Drives a command module the way harness.cli does, whether or not cli.py registers it yet.
DRIVER = """
import argparse, importlib, sys
name = sys.argv[1]
module = importlib.import_module(f"harness.{name}_cmd")
parser = argparse.ArgumentParser(prog="harness")
module.add_parser(parser.add_subparsers(dest="command"))
sys.exit(module.run(parser.parse_args([name, *sys.argv[2:]])))
"""


def harness(command: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", DRIVER, command, *argv], cwd=ROOT, capture_output=True, text=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", choices=("ci", "thorough"), default="thorough")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        samples, out = Path(tmp) / "synth", Path(tmp) / "verified"
        made = harness("synth", ["--n", str(args.n), "--seed", str(args.seed), "--out", str(samples), "--no-progress"])
        if made.returncode != 0:
            print(made.stderr, file=sys.stderr)
            return made.returncode
        started = time.perf_counter()
        done = harness("verify", [str(samples), "--out", str(out), "--profile", args.profile])
        seconds = time.perf_counter() - started
        if done.returncode not in (0, 1):
            print(done.stderr, file=sys.stderr)
            return done.returncode
        summary = json.loads((out / "verify.json").read_text(encoding="utf-8"))
    command = f"harness verify DIR --profile {args.profile}  (DIR = harness synth --n {args.n} --seed {args.seed})"
    row = (f"| {datetime.now(timezone.utc).isoformat(timespec='seconds')} | {machine()} | `{command}` | "
           f"{summary['total']} | {summary['accepted']} ({summary['acceptance_rate']:.1%}) | {seconds:.1f} |\n")  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    if not RESULTS.exists():
        RESULTS.write_text(HEADER, encoding="utf-8")
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(row)
    print(row, end="")
    rates = ", ".join(f"{k} {v['acceptance_rate']:.1%}" for k, v in summary["checks"].items() if v["acceptance_rate"] is not None)
    print(f"verify: {seconds:.1f} s for {summary['total']} samples; per check: {rates}; "
          f"mutant suite {'ok' if summary['mutant_suite']['ok'] else 'BLOCKED'}")  # fmt: skip
    return 0 if seconds < TARGET_S and done.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""bench/synth_speed: programmatic `harness synth` throughput (target: at least 200 samples/s).

Runs the synth command as a whole process over every category with a recipe (catalog tools,
in-process server, contamination guard on, as in production) and appends a row to
bench/results/synth_speed.md: samples/s of the generation loop (from manifest.json) and of the
whole process (interpreter start, imports, catalog and guard loading, writing included).

Run: `.venv/bin/python bench/synth_speed.py [--n 5000] [--seed 0] [--via-mcp]`.
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
RESULTS = ROOT / "bench" / "results" / "synth_speed.md"
HEADER = """# bench/synth_speed

Programmatic `harness synth` (all 17 categories with a recipe, catalog tools, contamination guard on),
timed as a whole process. `loop` = samples/s of the generation loop (manifest.json), `process` = samples
over the whole process wall time. Target: loop >= 200 samples/s on the 2-core dev VM.
Command: `.venv/bin/python bench/synth_speed.py` (appends a row here).

| date (UTC) | machine | command | samples | loop samples/s | process samples/s |
|---|---|---|---|---|---|
"""

# Drives the command module the way harness.cli does, whether or not cli.py registers it yet.
DRIVER = """
import argparse, sys
from harness.synth_cmd import add_parser, run
parser = argparse.ArgumentParser(prog="harness")
add_parser(parser.add_subparsers(dest="command"))
sys.exit(run(parser.parse_args(["synth", *sys.argv[1:]])))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--via-mcp", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        argv = ["--n", str(args.n), "--seed", str(args.seed), "--out", tmp, "--no-progress"]
        if args.via_mcp:
            argv.append("--via-mcp")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", DRIVER, *argv], cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        manifest = json.loads((Path(tmp) / "manifest.json").read_text())
    loop = manifest["timing"]["samples_per_second"]
    process = manifest["written"] / wall
    command = "harness synth " + " ".join(a for a in argv if a not in ("--out", tmp) and a != "--no-progress")
    row = (f"| {datetime.now(timezone.utc).isoformat(timespec='seconds')} | {machine()} | `{command}` | "
           f"{manifest['written']} | {loop:.0f} | {process:.0f} |\n")  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    if not RESULTS.exists():
        RESULTS.write_text(HEADER, encoding="utf-8")
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(row)
    print(row, end="")
    print(f"loop {loop:.0f} samples/s, whole process {process:.0f} samples/s ({wall:.1f} s)")
    return 0 if loop >= 200 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Shared by the bench scripts (run as `python bench/<script>.py`, so this folder is on sys.path)."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable, Iterator


RESULTS = Path(__file__).resolve().parent / "results"


def append_result(name: str, row: str, header: str, record: dict | None = None) -> Path:
    """Record a run in bench/results: ``record`` as a line of NAME.jsonl (if given), ``row`` (one or more
    table lines) appended to NAME.md, which starts with ``header`` when new. Returns the table's path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    if record is not None:
        with (RESULTS / f"{name}.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, default=str) + "\n")
    table = RESULTS / f"{name}.md"
    if not table.exists():
        table.write_text(header, encoding="utf-8")
    with table.open("a", encoding="utf-8") as fh:
        fh.write(row)
    return table


def machine() -> str:
    """The machine column of a results row: host, CPU count, architecture."""
    return f"{platform.node() or 'host'} · {os.cpu_count()} CPUs · {platform.machine()}"


def result_rows(run_dir: Path, category: str, group: str = "*") -> list[dict] | None:
    """The JSON-lines rows of a run directory's BFCL result file for ``category`` (None: no file)."""
    files = list((run_dir / "result").glob(f"*/{group}/BFCL_v4_{category}_result.json"))
    if not files:
        return None
    return [json.loads(line) for line in files[0].read_text().splitlines() if line.strip()]


def run_harness(argv: list[str], max_minutes: float | None = None) -> float:
    """Run `harness ARGV` from the repository root, stopped after ``max_minutes``; wall seconds."""
    import shlex
    import subprocess
    import sys
    import time

    print(f"$ harness {shlex.join(argv)}", flush=True)
    began = time.perf_counter()
    try:
        subprocess.run([sys.executable, "-m", "harness", *argv], cwd=Path(__file__).resolve().parents[1],
                       timeout=max_minutes * 60 if max_minutes else None)  # fmt: skip
    except subprocess.TimeoutExpired:
        print(f"stopped after {max_minutes} min; rerun the same command to resume", flush=True)
    return time.perf_counter() - began


def synth_bench_args(doc: str) -> argparse.Namespace:
    """The command line of the per-category data benches: --n, --seed, --procedural, --no-write."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="samples per category")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--procedural", type=int, default=200, help="generated tools beside the catalog")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.n <= 0 or args.procedural < 0:
        parser.error("--n must be positive and --procedural >= 0")
    return args


def synthesized(categories: Iterable[str], args: argparse.Namespace) -> Iterator[tuple[str, list[dict]]]:
    """(category, samples): ``args.n`` samples of each category, synthesized as the loop does (the
    catalog and ``args.procedural`` generated tools, seed ``args.seed``)."""
    import tempfile

    from bfcl_adapter.categories import Category
    from synth.generate import SynthConfig, run
    from synth.recipes import uniform_targets
    from synth.sample import load_samples
    from synth.specs import generate_tools, load_catalog

    tools = load_catalog() + generate_tools(args.procedural, seed=args.seed)
    for name in categories:
        with tempfile.TemporaryDirectory() as tmp:
            run(SynthConfig(targets=uniform_targets([Category(name)]), n=args.n, seed=args.seed), tools, Path(tmp))
            yield name, load_samples(Path(tmp) / "samples.jsonl")


def hf_model_dir(name: str) -> Path:
    """An HF checkpoint folder to train, resolved as ``harness train`` resolves its model: ``default``
    is the embedded SmolLM2, and a GGUF is re-materialized once (trl refuses GGUF-quantized models)."""
    from harness.backends.models import materialize_hf_checkpoint, resolve_model

    resolved = resolve_model(name)
    return materialize_hf_checkpoint(resolved.path) if resolved.kind == "gguf" else resolved.path


def commit() -> str:
    """The short commit of this checkout (the results tables' commit column)."""
    import subprocess

    root = Path(__file__).resolve().parents[1]
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()

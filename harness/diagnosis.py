"""Gap diagnosis of run directories: the harness side (errors as usage errors, gaps.json).

The computations and records live in ``bfcl_adapter.diagnosis`` (floor 1) so that ``reports``
can render them without importing ``harness``; this module only reads run directories, writes
``gaps.json`` and resolves target files.
"""

from __future__ import annotations

import json
from pathlib import Path

from bfcl_adapter.diagnosis import (
    Comparison,
    Diagnosis,
    GapsError,
    RunData,
    RunDirError,
    Targets,
    TargetsError,
    diagnose,
    gaps_document,
    read_run,
    read_targets,
    validate_gaps,
)
from bfcl_adapter.diagnosis import compare as compare_data
from bfcl_adapter.results import atomic_write_text

from .errors import UsageError


def load_run(run_dir: Path | str) -> RunData:
    try:
        return read_run(Path(run_dir))
    except RunDirError as exc:
        raise UsageError(str(exc)) from None


def diagnose_run(run_dir: Path | str, examples_per_gap: int = 3) -> Diagnosis:
    return diagnose(load_run(run_dir), examples_per_gap=examples_per_gap)


def write_gaps(run_dir: Path | str, diagnosis: Diagnosis | None = None) -> Path:
    """Write ``RUN_DIR/gaps.json`` (validated against its schema) and return its path."""
    run_dir = Path(run_dir)
    document = gaps_document(diagnosis or diagnose_run(run_dir))
    try:
        validate_gaps(document)
    except GapsError as exc:  # a bug, not bad input: say so loudly
        raise RuntimeError(f"refusing to write an invalid gaps.json: {exc}") from None
    path = run_dir / "gaps.json"
    atomic_write_text(path, json.dumps(document, indent=2) + "\n")
    return path


def compare(run_a: Path | str, run_b: Path | str) -> Comparison:
    """``run_b`` relative to ``run_a``: paired by case id, deltas are b - a."""
    return compare_data(load_run(run_a), load_run(run_b))


def load_targets(spec: str) -> Targets:
    """A targets TOML file, or the name of one shipped in reports/targets (e.g. ``llama-3.2-1b``)."""
    from reports.targets import shipped_targets

    path = Path(spec)
    if not path.exists():
        shipped = shipped_targets()
        if spec.lower() not in shipped:
            raise UsageError(
                f"--targets {spec}: no such file, nor a shipped target ({', '.join(sorted(shipped))})"
            )
        path = shipped[spec.lower()]
    try:
        return read_targets(path)
    except TargetsError as exc:
        raise UsageError(str(exc)) from None

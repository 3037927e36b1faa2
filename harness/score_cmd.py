"""`harness score`: score BFCL-format result files written by any tool."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bfcl_adapter.categories import Category
from bfcl_adapter.results import (
    ResultRecord,
    atomic_write_text,
    find_result_files,
    read_result_file,
    write_score_file,
)
from bfcl_adapter.scorer import score_records
from bfcl_adapter.scoring import scores_from_verdicts, scores_to_json

from .errors import UsageError


def load_records(path: Path, category: str | None) -> list[ResultRecord]:
    if not path.exists():
        raise UsageError(f"{path}: no such file or directory")
    if path.is_dir():
        if category:
            raise UsageError("--category applies to a single result file, not a directory")
        files = find_result_files(path)
        return [r for c, f in files.items() for r in read_result_file(f, c)]
    return read_result_file(path, Category.parse(category) if category else None)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from reports import score_report

    path = Path(args.path)
    records = load_records(path, args.category)
    verdicts = score_records(records, args.data_dir, args.mode)
    scores = scores_from_verdicts((v.category, v.verdict.valid) for v in verdicts)

    if args.verdicts:
        lines = "".join(json.dumps(v.to_json()) + "\n" for v in verdicts)
        atomic_write_text(Path(args.verdicts), lines)
    if args.json:
        atomic_write_text(Path(args.json), json.dumps(scores_to_json(scores, args.mode), indent=2) + "\n")
    if args.score_dir:
        model = path.name if path.is_dir() else "model"
        for category, score in scores.items():
            failures = [
                {"id": v.id, "valid": False, "error_type": v.verdict.error_type,
                 "error": list(v.verdict.errors)}
                for v in verdicts if v.category is category and not v.verdict.valid
            ]  # fmt: skip
            out = Path(args.score_dir) / model / category.result_dir / category.score_file_name
            write_score_file(out, score.correct, score.total, failures)

    Console().print(score_report(scores, args.mode, heading=f"scored {len(verdicts)} cases from {path}"))
    return 0

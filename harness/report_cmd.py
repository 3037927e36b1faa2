"""`harness report RUN [--vs RUN ...]`: gap diagnosis of scored runs, in the terminal and as
Markdown, HTML and JSON; and `print_eval_report`, the report `harness eval` ends with.

With several --vs runs the first is the baseline of the per-category deltas, every one gets a
comparison line, and the HTML page draws the runs as loop rounds in the order given, RUN last.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="diagnose a scored run: accuracy intervals, ranked gaps, comparisons, targets",
        description="Report on a run directory written by `harness eval`: per-category accuracy "
        "with Wilson intervals, error kinds, capability gaps ranked by expected BFCL Overall gain "
        "with examples, and comparisons with earlier runs (paired by case, exact McNemar tests).",
    )
    p.add_argument("run_dir", metavar="RUN", help="run directory, or a loop directory of `harness close-loop`")
    p.add_argument("--vs", metavar="RUN", nargs="+", action="extend", default=[],
                   help="earlier run(s) to compare with; the first is the baseline of the deltas, "
                   "and all of them, in order, are the loop rounds drawn in --html")  # fmt: skip
    p.add_argument("--html", metavar="OUT.html", help="write a self-contained HTML page")
    p.add_argument("--markdown", metavar="OUT.md", help="write a Markdown report (for pull requests)")
    p.add_argument("--json", metavar="OUT.json", help="write the diagnosis and comparisons as JSON")
    p.add_argument("--targets", metavar="FILE",
                   help="target accuracies: a TOML file, or a shipped name "
                   "(hammer2.1-0.5b, llama-3.2-1b)")  # fmt: skip
    p.add_argument("--gaps", action="store_true", help="also (re)write RUN/gaps.json")
    p.add_argument("--max-gaps", type=int, default=6, metavar="N",
                   help="gaps shown in the terminal (default 6; files show all)")  # fmt: skip
    p.set_defaults(run="harness.report_cmd:run")


def _write(path: str, text: str) -> None:
    from bfcl_adapter.results import atomic_write_text

    try:
        atomic_write_text(Path(path), text)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None


def report_document(diagnosis: Any, comparisons: list, targets: Any) -> dict[str, Any]:
    """The --json document: the diagnosis, every comparison and the target distances."""
    from bfcl_adapter.diagnosis import target_distances

    return {
        "schema_version": 1,
        "diagnosis": diagnosis.to_json(),
        "comparisons": [c.to_json() for c in comparisons],
        "targets": None if targets is None else {
            "model": targets.model, "source": targets.source, "date": targets.date, "mode": targets.mode,
            "distances": [{"name": r.name, "ours": r.ours, "target": r.target, "distance": r.distance,
                           "complete": r.complete} for r in target_distances(diagnosis, targets)],
        },
    }  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from bfcl_adapter.diagnosis import compare, diagnose

    from .diagnosis import load_run, load_targets, write_gaps

    if args.max_gaps < 0:
        raise UsageError("--max-gaps must be zero or more")
    from .loop_report import is_loop_dir

    if is_loop_dir(args.run_dir):
        return run_loop_report(args)
    current = load_run(args.run_dir)
    earlier = [load_run(path) for path in args.vs]  # fail on a bad path before any work
    targets = load_targets(args.targets) if args.targets else None
    diagnosis = diagnose(current)
    comparisons = [compare(before, current) for before in earlier]

    from reports.diagnosis_report import full_report

    console = Console()
    console.print(full_report(diagnosis, comparisons, targets, max_gaps=args.max_gaps))
    if args.gaps:
        console.print(f"gaps: {write_gaps(args.run_dir, diagnosis)}")
    if args.markdown:
        from reports.markdown_report import markdown_report

        _write(args.markdown, markdown_report(diagnosis, comparisons, targets))
        console.print(f"markdown: {args.markdown}")
    if args.html:
        from reports.html_report import html_report

        rounds = [diagnose(r, examples_per_gap=0) for r in earlier] + [diagnosis] if earlier else []
        baseline = rounds[0] if rounds else None
        _write(args.html, html_report(diagnosis, comparisons, targets, baseline, rounds))
        console.print(f"html: {args.html}")
    if args.json:
        _write(args.json, json.dumps(report_document(diagnosis, comparisons, targets), indent=2) + "\n")
        console.print(f"json: {args.json}")
    return 0


def run_loop_report(args: argparse.Namespace) -> int:
    """`harness report LOOP_DIR`: the loop summary, and LOOP/report.html + report.md (or the given paths)."""
    from rich.console import Console

    from reports.loop_report import loop_table

    from .loop_report import collect, write_loop_reports

    if args.vs or args.json or args.targets or args.gaps:
        raise UsageError("a loop directory takes --html and --markdown only (report a round's run for the rest)")
    pages = collect(args.run_dir)  # one read of the loop directory; a broken state.json is one error line
    console = Console()
    console.print(loop_table(pages.state))
    for path in write_loop_reports(args.run_dir, args.html, args.markdown, pages=pages):
        console.print(f"{path.suffix.lstrip('.')}: {path}")
    return 0


def print_eval_report(run_dir: Path | str, console: Any, full: bool = False) -> Path:
    """End of `harness eval`: write RUN/gaps.json and print the ranked gaps (the whole report
    with ``full``; eval already prints the score tables). Returns the gaps.json path."""
    from .diagnosis import diagnose_run, write_gaps

    diagnosis = diagnose_run(run_dir)
    path = write_gaps(run_dir, diagnosis)
    if full:
        from reports.diagnosis_report import full_report

        console.print(full_report(diagnosis))
    else:
        from reports.diagnosis_report import gap_list

        console.print(gap_list(diagnosis))
    console.print(f"gaps: {path}")
    return path

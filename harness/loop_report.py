"""Read a loop directory into the close-loop report (reports.loop_pages) and write it.

``write_loop_reports(LOOP)`` writes ``LOOP/report.html`` and ``LOOP/report.md``; ``harness report
LOOP`` and the end of ``harness close-loop`` call it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .errors import UsageError


def is_loop_dir(path: Path | str) -> bool:
    return (Path(path) / "state.json").is_file() and (Path(path) / "split.json").is_file()


def _json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def inside(loop_dir: Path, stored: str) -> Path:
    """A path recorded in state.json, found inside ``loop_dir`` even when the loop was run from
    another directory (paths are recorded as given: relative to the cwd of the run) or moved."""
    path = Path(stored)
    parts = path.parts
    for i, part in enumerate(parts):
        if re.fullmatch(r"round_\d{3}|final", part):
            return loop_dir.joinpath(*parts[i:])
    return path


def round_row(loop_dir: Path, r: dict[str, Any]) -> dict[str, Any]:
    """One round as plain data: data, verification, training and timing figures, and the decision."""
    row: dict[str, Any] = {"index": r["index"], "decision": r.get("decision"), "seconds": r.get("seconds")}
    phases = r.get("phase_seconds") or {}
    row["train_s"], row["eval_s"] = phases.get("train"), phases.get("eval")
    paths = {k: inside(loop_dir, v) for k, v in r.get("paths", {}).items()}
    manifest = _json(Path(paths["synth"]) / "manifest.json") if "synth" in paths else None
    if manifest:
        row["samples"] = manifest.get("n")
        row["counts"] = manifest.get("counts")
    verify = _json(Path(paths["verify"]) / "verify.json") if "verify" in paths else None
    if verify:
        row["accepted"], row["verified"] = verify.get("accepted"), verify.get("total")
    trained = _json(Path(paths["checkpoint"]) / "closeloop.json") if "checkpoint" in paths else None
    if trained:
        stages = trained.get("stages") or []
        row["method"] = trained.get("method_run") or trained.get("method")
        row["steps"] = " + ".join(f"{s['name']} {s['steps']}" for s in stages)
        row["notes"] = trained.get("notes") or []
    return row


def collect(loop_dir: Path | str) -> Any:
    from bfcl_adapter.diagnosis import diagnose
    from reports.loop_pages import LoopPages

    from .diagnosis import load_run

    loop_dir = Path(loop_dir)
    state = _json(loop_dir / "state.json")
    if not isinstance(state, dict):
        raise UsageError(f"{loop_dir}: no readable state.json (not a loop directory)")
    probe, labels = [], []
    for r in state.get("rounds", []):
        run = r.get("paths", {}).get("eval")
        run = inside(loop_dir, run) if run else None
        if run and r.get("scores") and (run / "verdicts.jsonl").is_file():
            probe.append(diagnose(load_run(run), examples_per_gap=0))
            labels.append("base" if r["index"] == 0 else f"r{r['index']}" + (
                " ✓" if (r.get("decision") or {}).get("accepted") else " ✗" if r.get("decision") else ""))
    final = state.get("final", {})

    def final_diagnosis(name: str):
        run = final.get(name, {}).get("run_dir")
        return diagnose(load_run(inside(loop_dir, run)), examples_per_gap=0) if run else None

    rows = [round_row(loop_dir, r) for r in state.get("rounds", [])]
    official = _json(loop_dir / "official_check.json") or {}
    return LoopPages(state=state, rounds=rows, probe=probe, probe_labels=labels,
                     base=final_diagnosis("base"), best=final_diagnosis("best"), official=official)  # fmt: skip


def write_loop_reports(loop_dir: Path | str, html: str | None = None, markdown: str | None = None,
                       pages: Any = None) -> list[Path]:  # fmt: skip
    """Write the pages (from ``pages`` when the caller has already collected them)."""
    from bfcl_adapter.results import atomic_write_text
    from reports.loop_pages import loop_html, loop_markdown

    pages = pages if pages is not None else collect(loop_dir)
    written = []
    for path, render in ((html or Path(loop_dir) / "report.html", loop_html),
                         (markdown or Path(loop_dir) / "report.md", loop_markdown)):  # fmt: skip
        atomic_write_text(Path(path), render(pages))
        written.append(Path(path))
    return written

"""Run directories: what `harness eval` writes, and how a killed run is resumed.

Layout (schema version 1)::

    RUN_DIR/
      run.json                 model identity, mode, selection, versions, timings
      result/<model>/<group>/BFCL_v4_<category>_result.json   BFCL layout, appended per batch
      score/<model>/<group>/BFCL_v4_<category>_score.json     BFCL layout
      verdicts.jsonl           one line per case: id, category, valid, error_type (+ calls: given,
                               expected, when the number of calls is wrong)
      scores.json              per-category and aggregate accuracy

Result lines are appended a whole batch at a time and fsynced, so a kill loses at most the batch
in flight; a torn last line (no newline) is dropped on resume.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bfcl_adapter.categories import Category
from bfcl_adapter.results import atomic_write_text, model_folder_name, result_path, score_path

from .errors import UsageError

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class RunDir:
    root: Path
    model_name: str  # BFCL result-folder name

    @property
    def run_json(self) -> Path:
        return self.root / "run.json"

    @property
    def verdicts(self) -> Path:
        return self.root / "verdicts.jsonl"

    @property
    def scores(self) -> Path:
        return self.root / "scores.json"

    @property
    def gaps(self) -> Path:
        return self.root / "gaps.json"

    @property
    def result_root(self) -> Path:
        return self.root / "result"

    def result_file(self, category: Category) -> Path:
        return result_path(self.result_root, self.model_name, category)

    def score_file(self, category: Category) -> Path:
        return score_path(self.root / "score", self.model_name, category)

    # --- metadata -----------------------------------------------------------------------------
    def read_meta(self) -> dict[str, Any] | None:
        if not self.run_json.exists():
            return None
        try:
            return json.loads(self.run_json.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise UsageError(f"{self.run_json}: unreadable run metadata ({exc})") from None

    def write_meta(self, meta: dict[str, Any]) -> None:
        atomic_write_text(self.run_json, json.dumps(meta, indent=2, sort_keys=True) + "\n")

    # --- results ------------------------------------------------------------------------------
    def completed(self, category: Category) -> dict[str, dict[str, Any]]:
        """Result lines already written for a category, by id; repairs a torn last line."""
        path = self.result_file(category)
        if not path.exists():
            return {}
        text = path.read_text(encoding="utf-8")
        if text and not text.endswith("\n"):
            text = text[: text.rfind("\n") + 1]  # the batch in flight when the run was killed
            atomic_write_text(path, text)
        rows: dict[str, dict[str, Any]] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                raise UsageError(f"{path}:{number}: corrupt result line; move the file away") from None
            rows[row["id"]] = row
        return rows


def open_run_dir(root: Path, identity: dict[str, Any], resume: bool) -> RunDir:
    """Create a run directory, or reopen one to resume; refuse to mix two models' results."""
    run = RunDir(root, model_folder_name(identity["name"]))
    meta = run.read_meta()
    has_results = run.result_root.exists() and any(run.result_root.rglob("*_result.json"))
    if meta is not None:
        previous = meta.get("model", {})
        if previous.get("weights_sha256") != identity["weights_sha256"]:
            raise UsageError(
                f"{root} holds results of another model ({previous.get('path')}, weights "
                f"{str(previous.get('weights_sha256'))[:12]}); choose another --out"
            )
        if has_results and not resume:
            raise UsageError(f"{root} already has results; pass --resume to finish it, or choose another --out")
    elif has_results:
        raise UsageError(f"{root} has result files but no run.json; choose another --out")
    return run

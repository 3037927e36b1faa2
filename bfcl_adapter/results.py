"""BFCL result and score files, in the leaderboard's own layout.

Result files: ``result/<model>/<non_live|live|multi_turn|agentic>/BFCL_v4_<category>_result.json``,
JSON lines with at least ``{"id", "result"}``. Score files:
``score/<model>/<group>/BFCL_v4_<category>_score.json``, a header line
``{"accuracy", "correct_count", "total_count"}`` followed by one line per failed case.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .categories import Category, UnknownCategoryError
from .data import DataError, read_json_lines


class ResultFileError(ValueError):
    """A result file is unreadable or malformed; the message names the file (and line)."""


@dataclass(frozen=True)
class ResultRecord:
    id: str
    category: Category
    result: Any  # raw model text (single turn) or list of turns of step outputs (multi-turn)
    source: Path
    line: int


def model_folder_name(model: str) -> str:
    """BFCL's folder name for a model: slashes become underscores."""
    return model.replace("/", "_")


def result_path(root: Path, model: str, category: Category) -> Path:
    return root / model_folder_name(model) / category.result_dir / category.result_file_name


def score_path(root: Path, model: str, category: Category) -> Path:
    return root / model_folder_name(model) / category.result_dir / category.score_file_name


def read_result_file(path: Path, category: Category | None = None) -> list[ResultRecord]:
    """Read one JSON-lines result file; the category comes from the argument or the file name."""
    if category is None:
        try:
            category = Category.from_result_file_name(path.name)
        except UnknownCategoryError:
            raise ResultFileError(
                f"{path}: cannot tell the category from the file name; "
                "name it BFCL_v4_<category>_result.json or pass --category"
            ) from None
    records = []
    seen: set[str] = set()
    try:
        for number, raw in read_json_lines(path):
            if "id" not in raw or "result" not in raw:
                raise ResultFileError(f"{path}:{number}: each line needs 'id' and 'result'")
            entry_id = raw["id"]
            if not isinstance(entry_id, str):
                raise ResultFileError(f"{path}:{number}: 'id' must be a string")
            if entry_id in seen:
                raise ResultFileError(f"{path}:{number}: duplicate id {entry_id!r}")
            seen.add(entry_id)
            records.append(ResultRecord(entry_id, category, raw["result"], path, number))
    except DataError as exc:
        raise ResultFileError(str(exc)) from None
    return records


def find_result_files(root: Path) -> dict[Category, Path]:
    """Result files under a directory in BFCL's layout (one model), keyed by category."""
    found: dict[Category, Path] = {}
    for path in sorted(root.rglob("BFCL_v4_*_result.json")):
        try:
            category = Category.from_result_file_name(path.name)
        except UnknownCategoryError:
            raise ResultFileError(f"{path}: unknown category in file name") from None
        if category in found:
            raise ResultFileError(
                f"{root}: two result files for {category.value} ({found[category]} and {path}); "
                "point at one model's folder"
            )
        found[category] = path
    if not found:
        raise ResultFileError(f"{root}: no BFCL_v4_<category>_result.json files found")
    return found


def atomic_write_text(path: Path, text: str) -> None:
    """Write a whole file so that a reader (or a kill) never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is for everyone to read
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def append_json_lines(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Append whole lines in one write, then fsync: a kill loses at most the batch being written."""
    payload = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if not payload:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())


def write_score_file(
    path: Path, correct: int, total: int, failures: Iterable[dict[str, Any]]
) -> None:
    header = {"accuracy": correct / total if total else 0.0, "correct_count": correct, "total_count": total}
    lines = [json.dumps(header)] + [json.dumps(f, ensure_ascii=False, default=repr) for f in failures]
    atomic_write_text(path, "\n".join(lines) + "\n")

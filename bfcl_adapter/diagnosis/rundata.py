"""Reading a run directory (schema version 1) for diagnosis: metadata, verdicts, raw outputs.

Read-only on purpose: ``harness`` writes run directories, while ``reports`` (which may not import
``harness``) and the diagnosis both need to read them, so the reader lives on floor 1. Layout::

    run.json        {"schema_version", "model": {...}, "mode", "decode_mode", "config", ...}
    verdicts.jsonl  {"id", "category", "valid", "error_type"} per case (+ "calls": {"given",
                    "expected"} for a wrong call count)
    result/<model>/<group>/BFCL_v4_<category>_result.json
                    {"id", "result", "output_token_count", ...} per case
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..categories import Category, UnknownCategoryError
from ..results import find_result_files, result_path
from ..scoring import CategoryScore, scores_from_verdicts


class RunDirError(ValueError):
    """A run directory is missing a file or holds a malformed one; the message names it."""


@dataclass(frozen=True)
class RunInfo:
    """Who and how, from ``run.json`` (empty defaults when it is missing)."""

    path: Path
    model: dict[str, Any] = field(default_factory=dict)
    mode: str = "unknown"
    decode_mode: str = "official"
    created: str = ""
    status: str = ""
    max_new_tokens: int | None = None
    data_dir: str | None = None
    not_run: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The directory's name: stable across checkouts, unlike its absolute path."""
        return self.path.name

    @property
    def model_name(self) -> str:
        return str(self.model.get("name") or self.model.get("path") or self.path.name)


@dataclass(frozen=True)
class CaseRecord:
    id: str
    category: Category
    valid: bool
    error_type: str | None
    raw: Any = None  # the result file's "result"; None if the line is missing
    output_tokens: int | None = None
    calls: tuple[int, int] | None = None  # (given, expected) of a wrong call count, when recorded


@dataclass(frozen=True)
class RunData:
    info: RunInfo
    cases: tuple[CaseRecord, ...]

    def scores(self) -> dict[Category, CategoryScore]:
        return scores_from_verdicts((c.category, c.valid) for c in self.cases)

    def by_id(self) -> dict[str, CaseRecord]:
        return {c.id: c for c in self.cases}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RunDirError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise RunDirError(f"{path}: not valid JSON: {exc.msg}") from None


def _read_lines(path: Path) -> list[dict[str, Any]]:
    rows = []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RunDirError(f"{path}: cannot read: {exc.strerror or exc}") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            if number == len(text.splitlines()) and not text.endswith("\n"):
                break  # a torn last line of an interrupted run: `harness eval --resume` repairs it
            raise RunDirError(f"{path}:{number}: not valid JSON: {exc.msg}") from None
        if not isinstance(row, dict):
            raise RunDirError(f"{path}:{number}: expected a JSON object per line")
        rows.append(row)
    return rows


def read_run_info(root: Path) -> RunInfo:
    root = Path(root)
    meta_path = root / "run.json"
    meta = _read_json(meta_path) if meta_path.exists() else {}
    if not isinstance(meta, dict):
        raise RunDirError(f"{meta_path}: expected a JSON object")
    config = meta.get("config") or {}
    return RunInfo(
        path=root,
        model=dict(meta.get("model") or {}),
        mode=str(meta.get("mode") or "unknown"),
        decode_mode=str(meta.get("decode_mode") or config.get("decode_mode") or "official"),
        created=str(meta.get("created") or ""),
        status=str(meta.get("status") or ""),
        max_new_tokens=config.get("max_new_tokens"),
        data_dir=config.get("data_dir"),
        not_run=dict(meta.get("not_run") or {}),
    )


def _result_files(root: Path, info: RunInfo, categories: set[Category]) -> dict[Category, Path]:
    result_root = root / "result"
    if info.model.get("name"):
        found = {c: result_path(result_root, info.model["name"], c) for c in categories}
        return {c: p for c, p in found.items() if p.exists()}
    if not result_root.exists():
        return {}
    return find_result_files(result_root)


def _call_counts(value: Any) -> tuple[int, int] | None:
    """A verdict line's ``calls`` ({"given", "expected"}; absent before it was recorded)."""
    if not isinstance(value, dict):
        return None
    given, expected = value.get("given"), value.get("expected")
    if isinstance(given, int) and isinstance(expected, int):
        return given, expected
    return None


def read_run(root: Path | str) -> RunData:
    """Verdicts joined with raw outputs. A run must have been scored (``verdicts.jsonl``)."""
    root = Path(root)
    if not root.is_dir():
        raise RunDirError(f"{root}: not a directory")
    info = read_run_info(root)
    verdicts_path = root / "verdicts.jsonl"
    if not verdicts_path.exists():
        raise RunDirError(
            f"{root}: no verdicts.jsonl; score the run first (harness eval --resume --out {root})"
        )
    verdicts = _read_lines(verdicts_path)
    try:
        categories = {Category.parse(v["category"]) for v in verdicts}
    except (KeyError, UnknownCategoryError) as exc:
        raise RunDirError(f"{verdicts_path}: bad verdict line ({exc})") from None
    outputs: dict[str, dict[str, Any]] = {}
    try:
        files = _result_files(root, info, categories)
    except ValueError as exc:  # ResultFileError: two models' folders, unknown file names
        raise RunDirError(str(exc)) from None
    for path in files.values():
        for row in _read_lines(path):
            if "id" in row:
                outputs[row["id"]] = row
    cases = []
    for number, v in enumerate(verdicts, start=1):
        try:
            case_id, valid = v["id"], bool(v["valid"])
            category = Category.parse(v["category"])
        except KeyError as exc:
            raise RunDirError(f"{verdicts_path}:{number}: missing field {exc.args[0]!r}") from None
        row = outputs.get(case_id, {})
        tokens = row.get("output_token_count")
        cases.append(
            CaseRecord(
                case_id, category, valid, v.get("error_type"), row.get("result"),
                tokens if isinstance(tokens, int) else None, _call_counts(v.get("calls")),
            )
        )  # fmt: skip
    return RunData(info, tuple(cases))

"""Reading a verified data directory (``DIR/train.jsonl``, written by ``harness verify``).

One JSON object per line, trl's conversational prompt-completion format plus BFCL checking fields::

    {"id": str,
     "prompt": [{"role": "system" | "user" | "assistant" | "tool", "content": str}, ...],
     "completion": [{"role": "assistant", "content": "[f(a=1)]" or an abstention sentence}],
     "category": "<BFCL category value>",
     "functions": "<JSON text: BFCL function docs>",
     "possible_answer": "<JSON text: [{name: {param: [values]}}]>" or null}

Plain ``json`` only (no torch, no datasets): the rows are checked here, once, so that a bad line
fails before any model is loaded, with the file and line in the message.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from bfcl_adapter.categories import Category

from .rewards import is_scorable

TRAIN_FILE = "train.jsonl"
ROLES = ("system", "user", "assistant", "tool")


class DataError(ValueError):
    """The verified data directory is missing, empty or malformed; the message says where."""


@dataclass(frozen=True)
class TrainData:
    """The rows of one ``train.jsonl`` and where they came from."""

    path: Path
    sha256: str
    rows: list[dict[str, Any]] = field(repr=False)

    @property
    def categories(self) -> dict[str, int]:
        return dict(sorted(Counter(r["category"] for r in self.rows).items()))

    def provenance(self) -> dict[str, Any]:
        """What ``closeloop.json`` records about the data."""
        return {"path": str(self.path), "sha256": self.sha256, "rows": len(self.rows),
                "categories": self.categories}  # fmt: skip

    def scorable(self) -> list[dict[str, Any]]:
        """Rows the single-turn verdict can score (GRPO trains on these; SFT on all)."""
        return [r for r in self.rows if is_scorable(r["category"])]


def train_file(directory: str | Path) -> Path:
    """``DIR/train.jsonl`` (or the file itself when a ``.jsonl`` path is given)."""
    path = Path(directory).expanduser()
    if path.is_file() and path.suffix == ".jsonl":
        return path
    if not path.exists():
        raise DataError(f"data directory does not exist: {path}")
    if not path.is_dir():
        raise DataError(f"not a data directory: {path}")
    file = path / TRAIN_FILE
    if not file.is_file():
        raise DataError(f"{path} has no {TRAIN_FILE} (run `harness verify` to write it)")
    return file


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def load_train_data(directory: str | Path) -> TrainData:
    """Read and check every row; raise :class:`DataError` naming the file and line of the first bad one."""
    file = train_file(directory)
    rows: list[dict[str, Any]] = []
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{file}: cannot read: {exc}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{file}:{number}: not JSON: {exc.msg}") from None
        problem = row_problem(row)
        if problem:
            raise DataError(f"{file}:{number}: {problem}")
        rows.append(row)
    if not rows:
        raise DataError(f"{file} is empty")
    return TrainData(file.resolve(), sha256_file(file), rows)


def row_problem(row: Any) -> str | None:
    """What is wrong with one row, or None."""
    if not isinstance(row, dict):
        return "a row must be a JSON object"
    for key in ("prompt", "completion", "category"):
        if key not in row:
            return f"missing {key!r}"
    for key in ("prompt", "completion"):
        messages = row[key]
        if not isinstance(messages, list) or not messages:
            return f"{key!r} must be a non-empty list of messages"
        for message in messages:
            if not isinstance(message, dict) or message.get("role") not in ROLES:
                return f"{key!r} holds a message without a valid role ({', '.join(ROLES)})"
            if not isinstance(message.get("content"), str):
                return f"{key!r} holds a message whose content is not text"
    if row["completion"][-1]["role"] != "assistant":
        return "the completion must end with an assistant message"
    try:
        category = Category.parse(str(row["category"]))
    except ValueError:
        return f"unknown category {row['category']!r}"
    for key in ("functions", "possible_answer"):
        value = row.get(key)
        if value is not None and not isinstance(value, str):
            return f"{key!r} must be JSON text (a string) or null"
        if isinstance(value, str):
            try:
                json.loads(value)
            except json.JSONDecodeError:
                return f"{key!r} is not valid JSON text"
    if is_scorable(category):
        if row.get("functions") is None:
            return f"{category.value} rows need 'functions'"
        if category.is_ast and row.get("possible_answer") in (None, "null"):
            return f"{category.value} rows need a 'possible_answer'"
    return None


def sft_records(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The two columns SFT trains on (extra columns would reach trl's collator)."""
    return [{"prompt": r["prompt"], "completion": r["completion"]} for r in rows]


def grpo_records(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The prompt plus the columns the reward functions read."""
    return [{"prompt": r["prompt"], "category": r["category"], "functions": r["functions"],
             "possible_answer": r.get("possible_answer"), "id": r.get("id", "")} for r in rows]  # fmt: skip

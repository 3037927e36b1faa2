"""BFCL v4 test entries and possible answers, read from the installed ``bfcl-eval`` package.

The data files are JSON lines: ``data/BFCL_v4_<category>.json`` (question turns and function
docs) and ``data/possible_answer/BFCL_v4_<category>.json`` (ground truth). As in BFCL's own
runner, an entry and its answer are paired by position in the two files.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from .categories import Category, Checker

Message = dict[str, Any]


class DataError(ValueError):
    """A BFCL data file is missing or malformed; the message names the file and line."""


@dataclass(frozen=True)
class Entry:
    id: str
    category: Category
    turns: list[list[Message]]  # BFCL's "question": one list of messages per user turn
    functions: list[dict[str, Any]]  # function docs, as in the data file
    possible_answer: list[Any] | None  # "ground_truth"; None where BFCL has none (irrelevance)
    extra: dict[str, Any] = field(default_factory=dict)  # multi-turn config and the like

    @property
    def first_question(self) -> str:
        """The first user message of the first turn (for reports and contamination checks)."""
        for message in self.turns[0] if self.turns else []:
            if message.get("role") == "user":
                return str(message.get("content", ""))
        return ""


def default_data_dir() -> Path:
    """The ``data`` folder of the installed ``bfcl-eval`` package."""
    spec = importlib.util.find_spec("bfcl_eval")
    if spec is None or not spec.submodule_search_locations:
        raise DataError(
            "the BFCL data package is not installed: run `make setup` "
            "(or `pip install --no-deps bfcl-eval==2026.3.23`), or pass --data-dir DIR"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def read_json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for each non-blank line; a bad line raises DataError naming it."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{number}: not valid JSON: {exc.msg}") from None
            if not isinstance(value, dict):
                raise DataError(f"{path}:{number}: expected a JSON object per line")
            yield number, value


def _entry_from(category: Category, path: Path, number: int, raw: dict[str, Any]) -> Entry:
    try:
        entry_id = raw["id"]
        turns = raw["question"]
        functions = raw.get("function", [])
    except KeyError as exc:
        raise DataError(f"{path}:{number}: missing field {exc.args[0]!r}") from None
    if not isinstance(entry_id, str) or not isinstance(turns, list):
        raise DataError(f"{path}:{number}: 'id' must be a string and 'question' a list")
    if not isinstance(functions, list):
        raise DataError(f"{path}:{number}: 'function' must be a list")
    extra = {k: v for k, v in raw.items() if k not in ("id", "question", "function")}
    return Entry(entry_id, category, turns, functions, None, extra)


@lru_cache(maxsize=64)
def _load_cached(category: Category, data_dir: Path) -> tuple[Entry, ...]:
    path = data_dir / f"BFCL_v4_{category.data_stem}.json"
    if not path.exists():
        raise DataError(f"{path}: data file not found for category {category.value}")
    entries = [_entry_from(category, path, n, raw) for n, raw in read_json_lines(path)]
    if category.checker in (Checker.IRRELEVANCE, Checker.RELEVANCE):
        return tuple(entries)
    answer_path = data_dir / "possible_answer" / path.name
    if not answer_path.exists():
        raise DataError(f"{answer_path}: possible-answer file not found")
    answers = list(read_json_lines(answer_path))
    if len(answers) != len(entries):
        raise DataError(
            f"{answer_path}: {len(answers)} answers for {len(entries)} entries in {path.name}"
        )
    paired = []
    for entry, (number, answer) in zip(entries, answers):
        if "ground_truth" not in answer:
            raise DataError(f"{answer_path}:{number}: missing field 'ground_truth'")
        paired.append(
            Entry(entry.id, category, entry.turns, entry.functions, answer["ground_truth"], entry.extra)
        )
    return tuple(paired)


def load_entries(category: Category, data_dir: Path | str | None = None) -> list[Entry]:
    """All entries of a category, with their possible answers where BFCL has them."""
    if not category.runnable_offline:
        raise DataError(f"category {category.value} needs the live web or a model download")
    directory = Path(data_dir) if data_dir is not None else default_data_dir()
    return list(_load_cached(category, directory.resolve()))


def entries_by_id(categories: list[Category], data_dir: Path | str | None = None) -> dict[str, Entry]:
    return {e.id: e for c in categories for e in load_entries(c, data_dir)}


def category_of_id(entry_id: str) -> Category:
    """The category an entry id belongs to (ids are ``<category>_<n>`` or ``<category>_<a>-<b>-<c>``)."""
    best: Category | None = None
    for category in Category:
        prefix = category.value + "_"
        if entry_id.startswith(prefix) and (best is None or len(category.value) > len(best.value)):
            rest = entry_id[len(prefix) :]
            if rest[:1].isdigit():
                best = category
    if best is None:
        from .categories import UnknownCategoryError

        raise UnknownCategoryError(entry_id)
    return best

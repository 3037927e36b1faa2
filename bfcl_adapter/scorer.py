"""Scoring result records against the BFCL data: one verdict per case."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .categories import Category, Checker
from .checking import score_case
from .data import Entry, load_entries
from .results import ResultFileError, ResultRecord
from .types import Verdict


@dataclass(frozen=True)
class CaseVerdict:
    id: str
    category: Category
    verdict: Verdict

    def to_json(self) -> dict[str, Any]:
        line: dict[str, Any] = {
            "id": self.id,
            "category": self.category.value,
            "valid": self.verdict.valid,
            "error_type": self.verdict.error_type,
        }
        if self.verdict.calls is not None:
            line["calls"] = {"given": self.verdict.calls[0], "expected": self.verdict.calls[1]}
        return line


def score_records(
    records: Iterable[ResultRecord], data_dir: Path | str | None = None, mode: str = "official"
) -> list[CaseVerdict]:
    """Judge every record; an id that is not in its category's data is an input error."""
    index: dict[Category, dict[str, Entry]] = {}
    verdicts = []
    for record in records:
        category = record.category
        if not category.runnable_offline:
            raise ResultFileError(
                f"{record.source}: scoring {category.value} is not supported "
                "(agentic categories need the live web or an embedding-model download)"
            )
        if category not in index:
            index[category] = {e.id: e for e in load_entries(category, data_dir)}
        entry = index[category].get(record.id)
        if entry is None:
            raise ResultFileError(
                f"{record.source}:{record.line}: unknown id {record.id!r} for BFCL v4 {category.value}"
            )
        if category.checker is Checker.MULTI_TURN:
            from .multi_turn import check_multi_turn  # loads bfcl-eval's API classes on use

            verdict = check_multi_turn(entry, record.result, mode=mode)
        else:
            verdict = score_case(category, record.result, entry.functions, entry.possible_answer, mode)
        verdicts.append(CaseVerdict(record.id, category, verdict))
    return verdicts

"""bench/_common.append_result: the one way the bench scripts record a run."""

from __future__ import annotations

import json
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_append_result_writes_header_once_and_keeps_earlier_rows(tmp_path, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    import _common

    monkeypatch.setattr(_common, "RESULTS", tmp_path / "results")
    header = "# t\n\n| a |\n|---|\n"
    table = _common.append_result("t", "| 1 |\n", header, {"a": 1, "when": Path("x")})
    _common.append_result("t", "| 2 |\n", header)  # no record: the JSON lines stay as they were
    assert table.read_text() == header + "| 1 |\n| 2 |\n"
    lines = (tmp_path / "results" / "t.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == [{"a": 1, "when": "x"}]

"""Our prompting-mode messages equal those recorded from the official BFCL code.

The recording is ``tests/conformance/data/official_prompts.jsonl`` (made by
``tests/conformance/record_prompts.py``); the inputs are the raw data files of the installed
``bfcl_eval`` package, read with plain ``json`` so none of its modules is imported.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from bfcl_adapter.categories import Category
from bfcl_adapter.prompts import default_system_prompt, preprocess_function_docs, prompting_messages

RECORDED = Path(__file__).resolve().parent / "conformance" / "data" / "official_prompts.jsonl"


def _data_dir() -> Path | None:
    spec = importlib.util.find_spec("bfcl_eval")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


DATA_DIR = _data_dir()
pytestmark = pytest.mark.skipif(DATA_DIR is None, reason="bfcl_eval is not installed")


def _recorded() -> list[dict[str, Any]]:
    with RECORDED.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _raw_entries(category: str) -> dict[str, dict[str, Any]]:
    assert DATA_DIR is not None
    path = DATA_DIR / f"BFCL_v4_{category}.json"
    with path.open(encoding="utf-8") as fh:
        entries = (json.loads(line) for line in fh if line.strip())
        return {entry["id"]: entry for entry in entries}


RECORDS = _recorded() if RECORDED.exists() else []


def test_recording_covers_every_single_turn_category() -> None:
    recorded = {r["category"] for r in RECORDS}
    single_turn = {c.value for c in Category if c.is_single_turn}
    assert recorded == single_turn


@pytest.mark.parametrize("record", RECORDS, ids=[r["id"] for r in RECORDS])
def test_messages_equal_official(record: dict[str, Any]) -> None:
    entry = _raw_entries(record["category"])[record["id"]]
    original = json.dumps(entry, sort_keys=True)
    ours = prompting_messages(entry["question"][0], entry["function"], Category(record["category"]))
    assert ours == record["messages"]
    # The official code mutates its entry; ours must not.
    assert json.dumps(entry, sort_keys=True) == original


def test_existing_system_message_is_merged_after_the_prompt() -> None:
    docs = [{"name": "f", "description": "d", "parameters": {"type": "dict", "properties": {}}}]
    turn = [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "hi"}]
    out = prompting_messages(turn, docs, Category.SIMPLE_PYTHON)
    expected_prompt = default_system_prompt(preprocess_function_docs(docs, Category.SIMPLE_PYTHON))
    assert out[0] == {"role": "system", "content": expected_prompt + "\n\nBe terse."}
    assert out[1:] == turn[1:]


def test_preprocessed_docs_are_not_hinted_twice() -> None:
    docs = [{"name": "f", "description": "d", "parameters": {"type": "dict", "properties": {}}}]
    done = preprocess_function_docs(docs, Category.SIMPLE_PYTHON)
    turn = [{"role": "user", "content": "hi"}]
    assert prompting_messages(turn, done, Category.SIMPLE_PYTHON, functions_preprocessed=True) == (
        prompting_messages(turn, docs, Category.SIMPLE_PYTHON)
    )


def test_empty_turn_is_rejected() -> None:
    with pytest.raises(IndexError):
        prompting_messages([], [], Category.SIMPLE_PYTHON)

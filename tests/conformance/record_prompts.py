"""Record the official BFCL prompting-mode messages (and FC tools) for ``tests/test_prompts.py``.

Run with a Python that has the *official* ``bfcl-eval`` importable, e.g.::

    BFCL_PROJECT_ROOT=$(mktemp -d) /tmp/promptvenv/bin/python tests/conformance/record_prompts.py

Only ``bfcl_eval.utils`` and ``bfcl_eval.model_handler.utils`` are imported (they need
``filelock``, ``tenacity`` and the tree-sitter grammars, nothing else). The messages are built as
``OSSHandler._pre_query_processing_prompting`` + ``add_first_turn_message_prompting`` build them:
``load_dataset_entry`` (which adds the language hints), then
``system_prompt_pre_processing_chat_model`` on the first turn. ``tools`` is
``convert_to_tool(functions, GORILLA_TO_OPENAPI, ModelStyle.OPENAI_COMPLETIONS)``.

Per category: the first 3 entries, plus the first entry (if any) that starts with its own system
message, whose docs contain non-ASCII text, or that has no functions -- the branches the first
three entries never reach.
"""

from __future__ import annotations

import copy
import json
import os
import sys
import tempfile
from pathlib import Path

# BFCL creates a lock directory under its project root at import time; keep it out of
# site-packages and out of this checkout.
os.environ.setdefault("BFCL_PROJECT_ROOT", tempfile.mkdtemp(prefix="bfcl_root_"))

from bfcl_eval.constants.enums import ModelStyle
from bfcl_eval.constants.type_mappings import GORILLA_TO_OPENAPI
from bfcl_eval.model_handler.utils import (
    convert_to_tool,
    system_prompt_pre_processing_chat_model,
)
from bfcl_eval.utils import load_dataset_entry

CATEGORIES = (
    "simple_python",
    "simple_java",
    "simple_javascript",
    "multiple",
    "parallel",
    "parallel_multiple",
    "irrelevance",
    "live_simple",
    "live_multiple",
    "live_parallel",
    "live_parallel_multiple",
    "live_irrelevance",
    "live_relevance",
)
FIRST_N = 3
OUT = Path(__file__).resolve().parent / "data" / "official_prompts.jsonl"


def _chosen(raw_entries: list[dict]) -> list[int]:
    """Indices to record: the first few, then one witness for each rarer branch."""
    picks = list(range(min(FIRST_N, len(raw_entries))))
    witnesses = (
        lambda e: e["question"][0][0]["role"] == "system",
        lambda e: not json.dumps(e["function"], ensure_ascii=False).isascii(),
        lambda e: len(e["function"]) == 0,
    )
    for has_branch in witnesses:
        index = next((i for i, e in enumerate(raw_entries) if has_branch(e)), None)
        if index is not None and index not in picks:
            picks.append(index)
    return picks


def main() -> int:
    records = []
    for category in CATEGORIES:
        # Raw entries only pick the witnesses; the recorded data comes from BFCL's own loader.
        raw = load_dataset_entry(category, include_language_specific_hint=False)
        loaded = load_dataset_entry(category)
        for index in _chosen(raw):
            entry = copy.deepcopy(loaded[index])
            functions = entry["function"]
            messages = system_prompt_pre_processing_chat_model(
                entry["question"][0], functions, entry["id"]
            )
            tools = convert_to_tool(functions, GORILLA_TO_OPENAPI, ModelStyle.OPENAI_COMPLETIONS)
            records.append(
                {"id": entry["id"], "category": category, "messages": messages, "tools": tools}
            )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record) + "\n")
    print(f"wrote {len(records)} records to {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Record the conversations BFCL's own multi-turn inference loop builds (``data/multi_turn_messages.jsonl.gz``).

Run from the repository root with the oracle virtualenv::

    .venv-oracle/bin/python tests/conformance/multi_turn_record_messages.py

It imports nothing from this project. For a few entries of each multi-turn category (all
turns, miss_func's held-out-function turn included) it runs
``BaseHandler.inference_multi_turn_prompting`` of the prompting handler ``Qwen/Qwen3-8B``
with its model query replaced by a script: the step outputs of the ``gt`` case of that entry
in ``multi_turn_cases.jsonl.gz``. Recorded per entry: the messages the handler would send at
its last query, the message count at every query, and the result it returns. The test
``tests/test_multi_turn.py`` drives ``MultiTurnSession`` with the same steps and must build
the same messages and result.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("BFCL_PROJECT_ROOT", tempfile.mkdtemp(prefix="bfcl_oracle_root_"))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import copy  # noqa: E402
import gzip  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

HERE = Path(__file__).resolve().parent
REGISTRY_NAME = "Qwen/Qwen3-8B"
ENTRIES = {
    "multi_turn_base": ["multi_turn_base_0", "multi_turn_base_57"],
    "multi_turn_miss_func": ["multi_turn_miss_func_0", "multi_turn_miss_func_120"],
    "multi_turn_miss_param": ["multi_turn_miss_param_3"],
    "multi_turn_long_context": ["multi_turn_long_context_150"],
}


def record(handler, test_entry: dict, steps: list[str]) -> dict:
    queue = list(steps)
    lengths: list[int] = []
    last: list[dict] = []

    def scripted_query(inference_data: dict):
        nonlocal last
        last = copy.deepcopy(inference_data["message"])
        lengths.append(len(last))
        text = queue.pop(0)
        response = SimpleNamespace(
            choices=[SimpleNamespace(text=text)],
            usage=SimpleNamespace(prompt_tokens=0, completion_tokens=0),
        )
        return response, 0.0

    handler._query_prompting = scripted_query
    with contextlib.redirect_stdout(io.StringIO()):
        result, _ = handler.inference_multi_turn_prompting(
            test_entry, include_input_log=False, exclude_state_log=True
        )
    assert not queue, f"{test_entry['id']}: {len(queue)} scripted steps left over"
    return {"id": test_entry["id"], "messages": last, "lengths": lengths, "result": result}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=Path, default=HERE / "data" / "multi_turn_cases.jsonl.gz")
    ap.add_argument("--out", type=Path, default=HERE / "data" / "multi_turn_messages.jsonl.gz")
    args = ap.parse_args(argv)

    from bfcl_eval.eval_checker.eval_runner import get_handler
    from bfcl_eval.utils import load_dataset_entry

    with gzip.open(args.cases, "rt", encoding="utf-8") as f:
        gt_cases = {c["id"]: c for c in map(json.loads, f) if c["mutation"] == "gt"}
    rows = []
    for category, ids in ENTRIES.items():
        entries = {e["id"]: e for e in load_dataset_entry(category, include_prereq=False)}
        for entry_id in ids:
            steps = [step for turn in gt_cases[entry_id]["result"] for step in turn]
            rows.append(record(get_handler(REGISTRY_NAME), entries[entry_id], steps))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "wb") as raw, gzip.GzipFile(
        filename=args.out.name.removesuffix(".gz"), mode="wb", fileobj=raw, mtime=0, compresslevel=9
    ) as gz:
        for row in rows:
            gz.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
    print(f"{len(rows)} conversations -> {args.out} ({args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""bench/eval_throughput: generated tokens/s of the harness's transformers backend against a
per-case ``model.generate`` loop, on the same 64 BFCL prompts (simple_python, BFCL's prompting
format), the same model (the embedded SmolLM2-135M-Instruct) and the same token budget, in one run.
The ratio compares the same work: the harness runs with ``stop_when_not_call_list`` off (as
``--full-text``). A last pass times the harness default, which ends a reply once it can no longer
decode to a call list (same verdicts): its speed-up is in cases/s, not tokens/s.

Run: `.venv/bin/python bench/eval_throughput.py [--n 64] [--max-new-tokens 64] [--batch-size 16]`.
Appends a row to bench/results/eval_throughput.md and the whole record to eval_throughput.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import datetime, timezone
from pathlib import Path

from _common import append_result  # bench/ is sys.path[0] when a script runs

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()

    import torch

    from bfcl_adapter import Category, load_entries
    from harness.backends.registry import create_backend
    from harness.evaluate import EvalConfig, build_request

    entries = load_entries(Category.SIMPLE_PYTHON)[: args.n]
    config = EvalConfig(categories=[], max_new_tokens=args.max_new_tokens, stop_when_not_call_list=False)
    requests = [build_request(e, "prompting", config) for e in entries]
    default_config = EvalConfig(categories=[], max_new_tokens=args.max_new_tokens)
    default_requests = [build_request(e, "prompting", default_config) for e in entries]
    backend = create_backend("transformers", "default", batch_size=args.batch_size)
    model, tokenizer = backend.model, backend.tokenizer

    # Baseline: one model.generate per case, greedy, same token budget, no early stop.
    began = time.perf_counter()
    baseline_tokens = 0
    for request in requests:
        ids = tokenizer(backend.render(request), return_tensors="pt", add_special_tokens=False)
        with torch.no_grad():
            out = model.generate(**ids, max_new_tokens=args.max_new_tokens, do_sample=False,
                                 pad_token_id=tokenizer.pad_token_id)  # fmt: skip
        baseline_tokens += out.shape[1] - ids["input_ids"].shape[1]
    baseline_s = time.perf_counter() - began

    began = time.perf_counter()
    completions = backend.generate(requests)
    ours_s = time.perf_counter() - began
    ours_tokens = sum(c.completion_tokens for c in completions)

    began = time.perf_counter()
    backend.generate(default_requests)
    default_s = time.perf_counter() - began

    record = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} · {os.cpu_count()} CPUs · load {os.getloadavg()[0]:.1f}",
        "command": f"bench/eval_throughput.py --n {args.n} --max-new-tokens {args.max_new_tokens} "
        f"--batch-size {args.batch_size}",
        "baseline_tokens_per_s": round(baseline_tokens / baseline_s, 1),
        "ours_tokens_per_s": round(ours_tokens / ours_s, 1),
        "ratio": round((ours_tokens / ours_s) / (baseline_tokens / baseline_s), 2),
        "baseline_s": round(baseline_s, 1),
        "ours_s": round(ours_s, 1),
        "default_s": round(default_s, 1),
        "cases_per_s": {"per_case_loop": round(len(requests) / baseline_s, 2),
                        "harness_same_work": round(len(requests) / ours_s, 2),
                        "harness_default": round(len(requests) / default_s, 2)},
    }
    print(json.dumps(record, indent=2))
    append_result(
        "eval_throughput",
        f"| {record['date']} | {record['machine']} | `{record['command']}` | "
        f"{record['baseline_tokens_per_s']} | {record['ours_tokens_per_s']} | {record['ratio']}x |\n",
        "# bench/eval_throughput\n\nGenerated tokens/s: harness's transformers backend (batched, sorted by "
        "length, early stop) vs a per-case `model.generate` loop, same 64 BFCL prompts and model, one run. "
        "Target: ratio >= 5.\n\n| date (UTC) | machine | command | per-case loop tok/s | harness tok/s | ratio |\n"
        "|---|---|---|---|---|---|\n",
        record,  # the whole record, cases/s included
    )  # fmt: skip
    cases = record["cases_per_s"]
    print(f"cases/s: per-case loop {cases['per_case_loop']}, harness same work {cases['harness_same_work']}, "
          f"harness default (prose cut) {cases['harness_default']} ({baseline_s / default_s:.1f}x the loop)")


if __name__ == "__main__":
    main()

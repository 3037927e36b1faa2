"""bench/data_tokens: what a synthesized training row costs, per category, against BFCL's shape.

On a 2-core CPU the SFT steps a round can afford are fixed by the tokens of its rows, nearly all of
them prompt: the BFCL system prompt and the JSON docs of every tool offered. This counts, per
category, the tools a synthesized sample offers and its prompt's tokens, against what BFCL's entries of
that category offer and weigh (read from the bfcl-eval package), and the tokens of its training row
(prompt and completion through the embedded model's chat template, as the SFT trainer sees it).

Synthesizes ``--n`` samples per category with the catalog and ``--procedural`` generated tools (as
the loop does) and appends a row per category to bench/results/data_tokens.md with the commit:
``.venv/bin/python bench/data_tokens.py [--n 200] [--seed 1] [--no-write]``.
"""

from __future__ import annotations

import statistics
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _common import append_result, commit, hf_model_dir, machine, synth_bench_args, synthesized  # noqa: E402

CATEGORIES = ("simple_python", "simple_java", "simple_javascript", "multiple", "parallel", "parallel_multiple",
              "irrelevance")  # fmt: skip
HEADER = """# bench/data_tokens: tools offered and tokens per synthesized training row

`bench/data_tokens.py`: per category, the tools a synthesized sample offers (mean and range) beside
what BFCL v4's entries of that category offer (bfcl-eval's data files), the prompt's tokens beside a
BFCL entry's (BFCL's system prompt and docs, through the embedded model's chat template; means), and
the tokens of the whole SFT row, prompt and gold completion (mean and 90th percentile).

| date | machine | commit | command | category | samples | tools offered | BFCL offers | prompt tokens | BFCL prompt tokens | row tokens | row p90 |
|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|
"""


def spread(counts: list[int]) -> str:
    """'2.8 (2-4)': mean and range."""
    return f"{statistics.mean(counts):.1f} ({min(counts)}-{max(counts)})"


def tokens(tokenizer, messages: list[dict], completion: str | None = None) -> int:
    """Tokens of a templated prompt (ready for the reply) or, with ``completion``, of a whole SFT row."""
    if completion is None:
        text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    else:
        text = tokenizer.apply_chat_template([*messages, {"role": "assistant", "content": completion}], tokenize=False)
    return len(tokenizer(text)["input_ids"])


def main() -> None:
    args = synth_bench_args(__doc__)
    from bfcl_adapter import Category, load_entries
    from bfcl_adapter.prompts import prompting_messages
    from rl.common import load_tokenizer

    tokenizer = load_tokenizer(hf_model_dir("default"))
    command = f"bench/data_tokens.py --n {args.n} --seed {args.seed} --procedural {args.procedural}"
    rows = []
    for name, samples in synthesized(CATEGORIES, args):
        category = Category(name)
        entries = load_entries(category)
        offered = spread([len(s["tools"]) for s in samples])
        bfcl = spread([len(e.functions) for e in entries])
        prompt = statistics.mean(tokens(tokenizer, s["prompting"]["messages"]) for s in samples)
        exam = statistics.mean(tokens(tokenizer, prompting_messages(e.turns[0], e.functions, category)) for e in entries)
        row = sorted(tokens(tokenizer, s["prompting"]["messages"], s["prompting"]["completion"]) for s in samples)
        mean, p90 = statistics.mean(row), row[int(0.9 * (len(row) - 1))]
        print(f"{name:18} {len(samples):4}  tools {offered:12} BFCL {bfcl:12} prompt {prompt:5.0f} BFCL {exam:5.0f}"
              f"  row {mean:5.0f} p90 {p90}")  # fmt: skip
        rows.append(f"| {datetime.now(timezone.utc):%Y-%m-%d} | {machine()} | {commit()} | `{command}` | {name} | "
                    f"{len(samples)} | {offered} | {bfcl} | {prompt:.0f} | {exam:.0f} | {mean:.0f} | {p90} |\n")  # fmt: skip
    if not args.no_write:
        print("recorded:", append_result("data_tokens", "".join(rows), HEADER))


if __name__ == "__main__":
    main()

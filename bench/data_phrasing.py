"""bench/data_phrasing: how the synthesized requests are worded, per category.

Two shares that a model can learn as shortcuts: requests asked as a question ("What is ...?",
"Who ...", "Tell me ...") among call samples and among abstention samples - if only abstention
samples are questions, "a question: refuse" fits the data - and, for Java/JavaScript, calls that
pass an object by the variable holding it (``changes=userChanges``, BFCL's ``any`` type).

Synthesizes ``--n`` samples per category with the catalog and ``--procedural`` generated tools (as
the loop does), counts, and appends a row per category to bench/results/data_phrasing.md with the
commit. Run at two commits to compare recipes:
``.venv/bin/python bench/data_phrasing.py [--n 200] [--seed 1] [--no-write]``.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _common import append_result, commit, machine, synth_bench_args, synthesized  # noqa: E402

CATEGORIES = ("simple_python", "simple_java", "simple_javascript", "multiple", "parallel", "irrelevance")
QUESTION = re.compile(r"\s*(what|what's|who|which|when|where|how|why|is|are|do|does|tell me|i'd like to know)\b", re.I)
HEADER = """# bench/data_phrasing: how synthesized requests are worded

`bench/data_phrasing.py`: per category, the share of samples whose request is asked as a question,
and for Java/JavaScript the share of calls that pass an object by variable name (BFCL type `any`).

| date | machine | commit | command | category | samples | asked as a question | call names a variable |
|---|---|---|---|---|---:|---:|---:|
"""


def shares(samples: list[dict]) -> tuple[float, float]:
    """(share asked as a question, share whose BFCL docs declare an ``any`` parameter)."""
    asked = sum(bool(QUESTION.match(s["messages"][0]["content"])) for s in samples)
    named = sum(any(p.get("type") == "any" for f in s["functions"] for p in f["parameters"]["properties"].values())
                for s in samples)  # fmt: skip
    return asked / len(samples), named / len(samples)


def main() -> None:
    args = synth_bench_args(__doc__)
    from bfcl_adapter.categories import Category

    command = f"bench/data_phrasing.py --n {args.n} --seed {args.seed} --procedural {args.procedural}"
    rows = []
    for name, samples in synthesized(CATEGORIES, args):
        asked, named = shares(samples)
        variable = f"{100 * named:.1f}%" if Category(name).language.value != "python" else "-"
        print(f"{name:18} {len(samples):4}  asked as a question {100 * asked:5.1f}%  names a variable {variable}")
        rows.append(f"| {datetime.now(timezone.utc):%Y-%m-%d} | {machine()} | {commit()} | `{command}` | {name} | "
                    f"{len(samples)} | {100 * asked:.1f}% | {variable} |\n")  # fmt: skip
    if not args.no_write:
        print("recorded:", append_result("data_phrasing", "".join(rows), HEADER))


if __name__ == "__main__":
    main()

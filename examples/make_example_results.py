"""Write the small example result set used by `make demo`'s scoring step and the README.

A made-up "example-model" answering the first 5 entries of each single-turn category: mostly
the reference call (first acceptable value of each parameter), sometimes prose, sometimes a wrong
value, so the score table shows both verdicts. Run: .venv/bin/python examples/make_example_results.py
"""

from __future__ import annotations

import json
from pathlib import Path

from bfcl_adapter import Category, load_entries
from bfcl_adapter.categories import SINGLE_TURN_CATEGORIES

OUT = Path(__file__).parent / "results" / "example-model"


def literal(value, language: str) -> str:
    if language == "python":
        return repr(value)
    return json.dumps(value) if not isinstance(value, str) else f'"{value}"'


def reference_call(answer: dict, language: str) -> str:
    name, params = next(iter(answer.items()))
    args = []
    for param, options in params.items():
        chosen = next((o for o in options if o != ""), None)
        if chosen is not None:
            if isinstance(chosen, dict) or language != "python" and isinstance(chosen, list):
                chosen = {k: v[0] for k, v in chosen.items()} if isinstance(chosen, dict) else chosen
            args.append(f"{param}={literal(chosen, language)}")
    return f"{name}({', '.join(args)})"


def answer_text(category: Category, index: int, entry) -> str:
    if entry.possible_answer is None:  # irrelevance / relevance: abstain on even indexes
        return "None of the given functions can answer this." if index % 2 == 0 else "[lookup(query='x')]"
    if index == 1:
        return "I would call the function with the values you gave."
    calls = [reference_call(a, category.language.value) for a in entry.possible_answer]
    text = "[" + ", ".join(calls) + "]"
    return text.replace("=", "=0 and ", 1) if index == 3 else text


def main() -> None:
    for category in SINGLE_TURN_CATEGORIES:
        rows = [
            {"id": e.id, "result": answer_text(category, i, e)}
            for i, e in enumerate(load_entries(category)[:5])
        ]
        path = OUT / category.result_dir / category.result_file_name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
        print(path)


if __name__ == "__main__":
    main()

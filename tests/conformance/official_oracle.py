"""Record the OFFICIAL bfcl-eval verdict of every conformance case (``data/oracle.jsonl.gz``).

Run from the repository root with the oracle virtualenv (``make oracle-venv``), which has the
complete ``bfcl-eval`` installed::

    .venv-oracle/bin/python tests/conformance/official_oracle.py
    .venv-oracle/bin/python tests/conformance/official_oracle.py --cases /tmp/c.jsonl.gz --out /tmp/o.jsonl.gz --meta /tmp/o.json

It imports nothing from this project. Each case goes through the official runner's own
per-entry functions, as ``bfcl evaluate`` calls them:

* AST categories: ``eval_runner._evaluate_single_ast_entry`` (decode with the model handler's
  ``decode_ast`` -- ``default_decode_ast_prompting`` for a prompting model --, then
  ``is_function_calling_format_output``, then ``ast_checker``), with the language and return
  format that ``ast_file_runner`` picks for the category;
* irrelevance / live_irrelevance / live_relevance: ``eval_runner._evaluate_single_relevance_entry``.

The function docs are those of ``load_dataset_entry(category, include_prereq=False,
include_language_specific_hint=False)`` (the raw ``function`` field), the possible answers
those of ``load_ground_truth_entry``. The checker needs a registered model name for its
dot-to-underscore rule: ``Qwen/Qwen3-8B`` (prompting mode, ``underscore_to_dot=False``), passed
as its result-folder name ``Qwen_Qwen3-8B`` exactly as the runner passes it.

A case on which the official code raises writes ``{"case", "oracle_exception": "<type>"}``
instead of a verdict.
"""

from __future__ import annotations

import os
import tempfile

# bfcl-eval makes a lock folder under its project root at import time: keep it out of the way.
os.environ.setdefault("BFCL_PROJECT_ROOT", tempfile.mkdtemp(prefix="bfcl_oracle_root_"))

import argparse  # noqa: E402
import collections  # noqa: E402
import contextlib  # noqa: E402
import datetime  # noqa: E402
import gzip  # noqa: E402
import hashlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import platform  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from importlib.metadata import version  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
REGISTRY_NAME = "Qwen/Qwen3-8B"  # prompting mode; MODEL_CONFIG_MAPPING[...].underscore_to_dot is False
MODEL_NAME = REGISTRY_NAME.replace("/", "_")  # the result-folder name that the runner hands the checker

_STATE: dict = {}


def _init() -> None:
    from bfcl_eval.constants.enums import Language, ReturnFormat
    from bfcl_eval.constants.model_config import MODEL_CONFIG_MAPPING
    from bfcl_eval.eval_checker import eval_runner
    from bfcl_eval.utils import (
        is_java,
        is_js,
        is_relevance_or_irrelevance,
        load_dataset_entry,
        load_ground_truth_entry,
    )

    config = MODEL_CONFIG_MAPPING[REGISTRY_NAME]
    assert not config.is_fc_model and not config.underscore_to_dot, REGISTRY_NAME
    _STATE.update(
        runner=eval_runner,
        handler=eval_runner.get_handler(REGISTRY_NAME),
        is_rel=is_relevance_or_irrelevance,
        is_java=is_java,
        is_js=is_js,
        Language=Language,
        ReturnFormat=ReturnFormat,
        load_prompts=lambda c: {
            e["id"]: e for e in load_dataset_entry(c, include_prereq=False, include_language_specific_hint=False)
        },
        load_answers=lambda c: {a["id"]: a["ground_truth"] for a in load_ground_truth_entry(c)},
        prompts={},
        answers={},
    )


def _entry(category: str, entry_id: str) -> tuple[dict, list | None]:
    s = _STATE
    if category not in s["prompts"]:
        s["prompts"][category] = s["load_prompts"](category)
        s["answers"][category] = None if s["is_rel"](category) else s["load_answers"](category)
    answers = s["answers"][category]
    return s["prompts"][category][entry_id], (None if answers is None else answers[entry_id])


def judge(case: dict) -> dict:
    """The official verdict of one case (as ``bfcl evaluate`` would record it)."""
    s = _STATE
    category = case["category"]
    runner = s["runner"]
    try:
        prompt_entry, ground_truth = _entry(category, case["id"])
        # The JavaScript dict converter prints on some inputs; keep the output file clean.
        with contextlib.redirect_stdout(io.StringIO()):
            if s["is_rel"](category):
                verdict = runner._evaluate_single_relevance_entry(
                    s["handler"], case["id"], case["result"], prompt_entry, MODEL_NAME, category
                )
            else:
                if s["is_java"](category):
                    language, return_format = s["Language"].JAVA, s["ReturnFormat"].JAVA
                elif s["is_js"](category):
                    language, return_format = s["Language"].JAVASCRIPT, s["ReturnFormat"].JAVASCRIPT
                else:
                    language, return_format = s["Language"].PYTHON, s["ReturnFormat"].PYTHON
                verdict = runner._evaluate_single_ast_entry(
                    s["handler"],
                    case["id"],
                    case["result"],
                    ground_truth,
                    prompt_entry,
                    MODEL_NAME,
                    category,
                    language=language,
                    return_format=return_format,
                    has_tool_call_tag=False,
                )
    except Exception as e:  # the official checker itself failed on this case
        return {"case": case["case"], "oracle_exception": type(e).__name__}
    valid = bool(verdict["valid"])
    return {"case": case["case"], "valid": valid, "error_type": None if valid else verdict.get("error_type")}


def _judge_chunk(chunk: list[dict]) -> list[dict]:
    if not _STATE:
        _init()
    return [judge(c) for c in chunk]


def read_cases(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl_gz(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(filename=path.name.removesuffix(".gz"), mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        for row in rows:
            gz.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=Path, default=HERE / "data" / "cases.jsonl.gz")
    ap.add_argument("--out", type=Path, default=HERE / "data" / "oracle.jsonl.gz")
    ap.add_argument("--meta", type=Path, default=None, help="default: oracle_meta.json beside --out")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args(argv)
    meta_path = args.meta or args.out.parent / "oracle_meta.json"

    t0 = time.time()
    cases = read_cases(args.cases)
    chunks = [cases[i : i + 500] for i in range(0, len(cases), 500)]
    if args.workers > 1 and len(chunks) > 1:
        with multiprocessing.get_context("fork").Pool(args.workers) as pool:
            results = [r for part in pool.imap(_judge_chunk, chunks) for r in part]
    else:
        results = [r for part in map(_judge_chunk, chunks) for r in part]
    write_jsonl_gz(args.out, results)
    elapsed = time.time() - t0

    mutation = {c["case"]: (c["category"], c["mutation"]) for c in cases}
    valid = collections.Counter()
    exceptions = collections.Counter()
    for r in results:
        cat, mut = mutation[r["case"]]
        if "oracle_exception" in r:
            exceptions[f"{cat}/{mut}/{r['oracle_exception']}"] += 1
        else:
            valid[(cat, r["valid"])] += 1
    meta = {
        "bfcl_eval_version": version("bfcl-eval"),
        "tree_sitter_versions": {p: version(p) for p in ("tree-sitter", "tree-sitter-java", "tree-sitter-javascript")},
        "python_version": platform.python_version(),
        "platform": platform.platform(),
        "date_utc": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
        "model_name": MODEL_NAME,
        "model_registry_name": REGISTRY_NAME,
        "command": " ".join(shlex.quote(a) for a in [os.path.relpath(sys.executable), *sys.argv]),
        "generator_command": "python -m tests.conformance.generate_cases",
        "cases_file": args.cases.name,
        "cases_sha256": hashlib.sha256(args.cases.read_bytes()).hexdigest(),
        "cases": len(cases),
        "valid_by_category": {
            cat: {"valid": valid[(cat, True)], "invalid": valid[(cat, False)]}
            for cat in dict.fromkeys(c["category"] for c in cases)
        },
        "oracle_exceptions": dict(sorted(exceptions.items())),
        "seconds": round(elapsed, 1),
    }
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"{len(results)} verdicts -> {args.out} ({args.out.stat().st_size / 1e6:.2f} MB), "
        f"{sum(exceptions.values())} oracle exceptions, {elapsed:.1f}s; metadata -> {meta_path}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

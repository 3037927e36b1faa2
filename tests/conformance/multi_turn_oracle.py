"""Record the OFFICIAL bfcl-eval verdict of every multi-turn case (``data/multi_turn_oracle.jsonl.gz``).

Run from the repository root with the oracle virtualenv (complete ``bfcl-eval`` install)::

    .venv-oracle/bin/python tests/conformance/multi_turn_oracle.py
    .venv-oracle/bin/python tests/conformance/multi_turn_oracle.py --cases /tmp/mt.jsonl.gz --out /tmp/mto.jsonl.gz

It imports nothing from this project. Each case goes through the official runner's per-entry
function ``eval_runner._evaluate_single_multi_turn_entry`` (decode every step with the
handler's ``decode_execute``, then ``multi_turn_checker``), as ``bfcl evaluate`` calls it, with
the prompt entries of ``load_dataset_entry(category, include_prereq=False,
include_language_specific_hint=False)`` and the answers of ``load_ground_truth_entry``.
Handlers: ``Qwen/Qwen3-8B`` (prompting, ``default_decode_execute_prompting``) for
``style == "prompting"``, ``Qwen/Qwen3-8B-FC`` (``QwenFCHandler.decode_execute``) for ``"fc"``.

Isolation. BFCL's executor keeps the back-end instances as globals of ``multi_turn_utils``
named after the model and the entry id, and reuses them on the next call with the same names;
long-context ``TravelAPI`` instances also share (and mutate) records of the ``long_context``
module. A real ``bfcl evaluate`` judges each entry once per process; to judge thousands of
cases as if each ran in a fresh process, every case gets its own model name (so its own
instances), its instance globals are deleted afterwards, and the ``long_context`` module's
records are restored in place from a snapshot taken at start-up.

For the cases in ``TRACED`` the step-by-step execution is recorded too (``trace``): each step
decoded with ``decode_execute`` and run with ``execute_multi_turn_func_call`` on one set of
instances, as the inference loop runs them, giving a short hash of each call's execution
string and result string -- so the result strings shown to the model are compared, not only
the verdicts.

A case on which the official code raises writes ``{"case", "oracle_exception": "<type>"}``.
"""

from __future__ import annotations

import os
import tempfile

# bfcl-eval makes a lock folder under its project root at import time: keep it out of the way.
os.environ.setdefault("BFCL_PROJECT_ROOT", tempfile.mkdtemp(prefix="bfcl_oracle_root_"))

import argparse  # noqa: E402
import collections  # noqa: E402
import contextlib  # noqa: E402
import copy  # noqa: E402
import datetime  # noqa: E402
import gzip  # noqa: E402
import hashlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from importlib.metadata import version  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
HANDLERS = {"prompting": "Qwen/Qwen3-8B", "fc": "Qwen/Qwen3-8B-FC"}
# Cases whose step-by-step execution is also recorded (see trace()).
TRACED = frozenset({"gt_stepwise", "wrong_arg", "extra_call", "quirks", "fc_gt", "fc_wrong_arg"})

_STATE: dict = {}


def _init() -> None:
    from bfcl_eval.eval_checker import eval_runner
    from bfcl_eval.eval_checker.multi_turn_eval import multi_turn_utils
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_utils import (
        execute_multi_turn_func_call,
        is_empty_execute_response,
    )
    from bfcl_eval.eval_checker.multi_turn_eval.func_source_code import long_context
    from bfcl_eval.utils import load_dataset_entry, load_ground_truth_entry

    _STATE.update(
        runner=eval_runner,
        execute=execute_multi_turn_func_call,
        is_empty=is_empty_execute_response,
        utils_globals=vars(multi_turn_utils),
        long_context=long_context,
        long_context_snapshot={
            k: copy.deepcopy(v) for k, v in vars(long_context).items() if isinstance(v, (dict, list))
        },
        handlers={style: eval_runner.get_handler(name) for style, name in HANDLERS.items()},
        load_prompts=lambda c: {
            e["id"]: e for e in load_dataset_entry(c, include_prereq=False, include_language_specific_hint=False)
        },
        load_answers=lambda c: {a["id"]: a["ground_truth"] for a in load_ground_truth_entry(c)},
        prompts={},
        answers={},
    )


def _restore_in_place(live, saved) -> None:
    """Put a module-level dict/list back to its saved contents without replacing the object."""
    if isinstance(live, dict):
        for key in list(live):
            if key not in saved:
                del live[key]
        for key, value in saved.items():
            if key in live and isinstance(live[key], (dict, list)) and type(live[key]) is type(value):
                _restore_in_place(live[key], value)
            else:
                live[key] = copy.deepcopy(value)
    elif isinstance(live, list):
        live[:] = copy.deepcopy(saved)


def _fresh_process_state() -> None:
    s = _STATE
    for name in [k for k in s["utils_globals"] if k.endswith("_instance")]:
        del s["utils_globals"][name]
    module_vars = vars(s["long_context"])
    for name, saved in s["long_context_snapshot"].items():
        _restore_in_place(module_vars[name], saved)


# A set of strings prints in an order that depends on PYTHONHASHSEED (BFCL's TravelAPI puts
# one in an error message): sort such literals before hashing.
_STRING_SET = re.compile(r"\{('[^'{}]*'(?:, '[^'{}]*')+)\}")


def call_hash(decoded: str, result: str) -> str:
    result = _STRING_SET.sub(lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", result)
    return hashlib.sha1(f"{decoded}\x00{result}".encode("utf-8", "surrogatepass")).hexdigest()[:10]


def trace(case: dict, prompt_entry: dict, model_name: str) -> list:
    """Every step of the result decoded and executed in order on one set of fresh instances, as
    the inference loop does: per turn, per step, None (decoding raised), [] (no call), or one
    hash of (execution string, result string) per call."""
    s = _STATE
    handler = s["handlers"][case["style"]]
    category = case["category"]
    turns = []
    for turn in case["result"]:
        steps = []
        for step in turn:
            try:
                decoded = handler.decode_execute(copy.deepcopy(step), has_tool_call_tag=False)
            except Exception:
                steps.append(None)
                continue
            if s["is_empty"](decoded):
                steps.append([])
                continue
            results, _ = s["execute"](
                func_call_list=decoded,
                initial_config=prompt_entry["initial_config"],
                involved_classes=prompt_entry["involved_classes"],
                model_name=model_name,
                test_entry_id=case["id"],
                long_context=("long_context" in category or "composite" in category),
                is_evaL_run=True,
            )
            steps.append([call_hash(d, r) for d, r in zip(decoded, results)])
        turns.append(steps)
    return turns


def judge(case: dict, number: int) -> dict:
    s = _STATE
    category = case["category"]
    try:
        if category not in s["prompts"]:
            s["prompts"][category] = s["load_prompts"](category)
            s["answers"][category] = s["load_answers"](category)
        prompt_entry = copy.deepcopy(s["prompts"][category][case["id"]])
        ground_truth = copy.deepcopy(s["answers"][category][case["id"]])
        with contextlib.redirect_stdout(io.StringIO()):
            verdict = s["runner"]._evaluate_single_multi_turn_entry(
                s["handlers"][case["style"]],
                case["id"],
                copy.deepcopy(case["result"]),
                ground_truth,
                prompt_entry,
                f"oracle_case_{number}",  # a model name of its own: fresh instances
                category,
            )
        _fresh_process_state()
        steps = None
        if case["mutation"] in TRACED:
            with contextlib.redirect_stdout(io.StringIO()):
                steps = trace(case, prompt_entry, f"oracle_trace_{number}")
    except Exception as e:  # the official checker itself failed on this case
        return {"case": case["case"], "oracle_exception": type(e).__name__}
    finally:
        _fresh_process_state()
    valid = bool(verdict["valid"])
    error_type = None if valid else verdict.get("error", {}).get("error_type")
    row = {"case": case["case"], "valid": valid, "error_type": error_type}
    if steps is not None:
        row["trace"] = steps
    return row


def read_cases(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl_gz(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(
        filename=path.name.removesuffix(".gz"), mode="wb", fileobj=raw, mtime=0, compresslevel=9
    ) as gz:
        for row in rows:
            gz.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=Path, default=HERE / "data" / "multi_turn_cases.jsonl.gz")
    ap.add_argument("--out", type=Path, default=HERE / "data" / "multi_turn_oracle.jsonl.gz")
    ap.add_argument("--meta", type=Path, default=None, help="default: multi_turn_oracle_meta.json beside --out")
    args = ap.parse_args(argv)
    meta_path = args.meta or args.out.parent / "multi_turn_oracle_meta.json"

    t0 = time.time()
    _init()
    cases = read_cases(args.cases)
    results = [judge(case, number) for number, case in enumerate(cases)]
    write_jsonl_gz(args.out, results)
    elapsed = time.time() - t0

    by_case = {c["case"]: c for c in cases}
    counts: collections.Counter = collections.Counter()
    exceptions: collections.Counter = collections.Counter()
    for r in results:
        c = by_case[r["case"]]
        if "oracle_exception" in r:
            exceptions[f"{c['category']}/{c['mutation']}/{r['oracle_exception']}"] += 1
        else:
            counts[(c["category"], r["valid"])] += 1
    meta = {
        "bfcl_eval_version": version("bfcl-eval"),
        "python_version": platform.python_version(),
        "platform": platform.platform(),
        "date_utc": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
        "handlers": HANDLERS,
        "command": " ".join(shlex.quote(a) for a in [Path(sys.executable).as_posix(), *sys.argv]),
        "generator_command": "python -m tests.conformance.multi_turn_cases",
        "cases_file": args.cases.name,
        "cases_sha256": hashlib.sha256(args.cases.read_bytes()).hexdigest(),
        "cases": len(cases),
        "valid_by_category": {
            cat: {"valid": counts[(cat, True)], "invalid": counts[(cat, False)]}
            for cat in dict.fromkeys(c["category"] for c in cases)
        },
        "oracle_exceptions": dict(exceptions),
        "seconds": round(elapsed, 1),
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Conformance: ``check_multi_turn`` gives the official bfcl-eval multi-turn verdict, case for case.

Cases: ``tests/conformance/data/multi_turn_cases.jsonl.gz`` (model results built from the ground
truth of every entry of the four multi-turn categories, correct and mutated; see
``multi_turn_cases.py``). Official verdicts: ``multi_turn_oracle.jsonl.gz``, recorded by
``multi_turn_oracle.py`` with the real bfcl-eval in its own virtualenv. Regenerate both with::

    .venv/bin/python -m tests.conformance.multi_turn_cases
    .venv-oracle/bin/python tests/conformance/multi_turn_oracle.py

Contract: ``valid`` equals the official one on every case, and ``error_type`` too on every case
the official checker rejects. Cases on which the official code raised are left out, and counted.
For the traced cases, every step decodes (or fails to) as BFCL's ``decode_execute`` does, and
every call gives the same execution string and result string as BFCL's executor.
"""

from __future__ import annotations

import collections
import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest

from bfcl_adapter.categories import Category
from bfcl_adapter.data import load_entries
from bfcl_adapter.multi_turn import (
    Executor,
    all_function_names,
    check_multi_turn,
    decode_step,
    is_empty_execute_response,
    load_instances,
)
from bfcl_adapter.types import DecodeError

DATA = Path(__file__).resolve().parent / "conformance" / "data"
CASES = DATA / "multi_turn_cases.jsonl.gz"
ORACLE = DATA / "multi_turn_oracle.jsonl.gz"
MAX_DATA_BYTES = 3_000_000
SHOW = 20
MODE = {"prompting": "official", "fc": "fc"}


def _read(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module")
def corpus() -> tuple[list[dict], dict[str, dict]]:
    if not (CASES.exists() and ORACLE.exists()):
        pytest.skip("multi-turn conformance data not generated (see module docstring)")
    return _read(CASES), {r["case"]: r for r in _read(ORACLE)}


def test_data_files_are_small() -> None:
    for path in (CASES, ORACLE):
        if path.exists():
            assert path.stat().st_size < MAX_DATA_BYTES, path


def test_oracle_covers_every_case(corpus) -> None:
    cases, oracle = corpus
    assert {c["case"] for c in cases} == set(oracle)
    assert {c["category"] for c in cases} == {c.value for c in Category if c.group.value == "Multi-Turn"}


def _entries(cases: list[dict]) -> dict:
    entries = {}
    for case in cases:
        category = Category(case["category"])
        if category not in entries:
            entries[category] = {e.id: e for e in load_entries(category)}
    return entries


# As in the oracle: a set of strings prints in a PYTHONHASHSEED-dependent order; sort it.
_STRING_SET = re.compile(r"\{('[^'{}]*'(?:, '[^'{}]*')+)\}")


def _call_hash(decoded: str, result: str) -> str:
    result = _STRING_SET.sub(lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", result)
    return hashlib.sha1(f"{decoded}\x00{result}".encode("utf-8", "surrogatepass")).hexdigest()[:10]


def our_trace(entry, result: list, mode: str) -> tuple[list, list]:
    """The oracle's trace, computed by us; also the readable (execution string, result) pairs."""
    executor = Executor(load_instances(entry), all_function_names(entry))
    hashes, readable = [], []
    for turn in result:
        turn_hashes, turn_readable = [], []
        for step in turn:
            try:
                decoded = decode_step(step, mode)
            except DecodeError:
                turn_hashes.append(None)
                turn_readable.append(None)
                continue
            if is_empty_execute_response(decoded):
                turn_hashes.append([])
                turn_readable.append([])
                continue
            results = executor.execute(decoded)
            turn_hashes.append([_call_hash(d, r) for d, r in zip(decoded, results)])
            turn_readable.append(list(zip(decoded, results)))
        hashes.append(turn_hashes)
        readable.append(turn_readable)
    return hashes, readable


def test_execution_traces_match_official_executor(corpus) -> None:
    cases, oracle = corpus
    entries = _entries(cases)
    traced = 0
    bad = []
    for case in cases:
        official = oracle[case["case"]]
        if "trace" not in official:
            continue
        traced += 1
        entry = entries[Category(case["category"])][case["id"]]
        ours, readable = our_trace(entry, case["result"], MODE[case["style"]])
        if ours != official["trace"]:
            where = next(
                (t, s)
                for t, (a, b) in enumerate(zip(ours, official["trace"]))
                for s, (x, y) in enumerate(zip(a, b))
                if x != y
            )
            t, s = where
            bad.append(
                f"{case['case']} turn {t} step {s}: step {case['result'][t][s]!r:.150}; "
                f"ours {str(readable[t][s])[:250]} (official hashes {official['trace'][t][s]})"
            )
    print(f"\nexecution traces compared: {traced}")
    assert traced > 0
    assert not bad, f"{len(bad)} trace disagreement(s):\n" + "\n".join(bad[:SHOW])


def test_agreement_with_official_checker(corpus) -> None:
    cases, oracle = corpus
    entries = _entries(cases)
    compared = collections.Counter()
    agreed = collections.Counter()
    skipped = collections.Counter()
    bad = []
    for case in cases:
        official = oracle[case["case"]]
        if "oracle_exception" in official:
            skipped[case["category"]] += 1
            continue
        entry = entries[Category(case["category"])][case["id"]]
        ours = check_multi_turn(entry, case["result"], mode=MODE[case["style"]])
        compared[case["category"]] += 1
        same = ours.valid == official["valid"] and (
            official["valid"] or ours.error_type == official["error_type"]
        )
        if same:
            agreed[case["category"]] += 1
        else:
            bad.append(
                f"{case['case']} [{case['style']}]: ours {ours.valid}/{ours.error_type} "
                f"official {official['valid']}/{official['error_type']} -- {' | '.join(ours.errors)[:200]}"
            )
    summary = ", ".join(
        f"{cat}: {agreed[cat]}/{compared[cat]} ({100 * agreed[cat] / compared[cat]:.2f}%)" for cat in compared
    )
    print(f"\nmulti-turn agreement: {summary}; oracle exceptions skipped: {dict(skipped)}")
    assert not bad, f"{len(bad)} disagreement(s):\n" + "\n".join(bad[:SHOW])

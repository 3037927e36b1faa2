"""``verify_dir``: run every check over a synth folder, then the mutant suite, then write the
records (accepted.jsonl, train.jsonl, rejected.jsonl, verify.json).

Per-sample checks are independent and all run on every sample, so a rejected sample lists every
property it breaks. Uniqueness runs last, in input order, against the samples already accepted.
``train.jsonl`` is written only when the mutant suite shows the reward discriminates: a reward
that cannot tell a wrong answer from a right one must not drive a training run.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from .abstention import check_abstention
from .base import CHECKS, CheckResult, fail
from .execution import Replayer
from .grounding import check_grounding
from .record import MalformedSample, SampleView, parse_line
from .report import Outcome, VerifyReport, summarise
from .roundtrip import check_round_trip
from .schema import check_schema
from .suite import PROFILES, Scorer, case_of, run_suite
from .tools import ToolIndex
from .tools import spec_sources as manifest_sources
from .uniqueness import UniquenessIndex

SAMPLES_FILE = "samples.jsonl"
OUTPUT_FILES = ("accepted.jsonl", "train.jsonl", "rejected.jsonl", "verify.json")


class VerifyError(ValueError):
    """Bad input (no samples file, unknown profile) or a missing prerequisite; one clear line."""


def samples_file(samples_dir: Path) -> Path:
    if samples_dir.is_file():
        return samples_dir
    if not samples_dir.exists():
        raise VerifyError(f"{samples_dir}: no such folder")
    path = samples_dir / SAMPLES_FILE
    if not path.is_file():
        raise VerifyError(f"{samples_dir} has no {SAMPLES_FILE} (run `harness synth` to write one)")
    return path


class SampleChecks:
    """The per-sample checks with what they share across a run (tools, server, BFCL index)."""

    def __init__(self, samples_dir: Path, guard: Any = None, sources: Sequence[str] | None = None) -> None:
        self.notes: list[str] = []
        self.guard = guard if guard is not None else _load_guard()
        self.index = ToolIndex.load(list(sources) if sources else manifest_sources(samples_dir))
        self.notes += self.index.notes
        self._pool: Any = None
        self.replayer = Replayer(self.index, self.pool)

    def pool(self) -> Any:
        """The run's tool pool as ``synth.generate`` built it (multi-turn plans are rebuilt from it)."""
        if self._pool is None and self.index.complete:
            from ..generate import clean_tools
            from ..recipes import ToolPool

            self._pool = ToolPool(clean_tools(self.index.tools, self.guard, []))
        return self._pool

    def run(self, view: SampleView) -> dict[str, CheckResult]:
        results: dict[str, CheckResult] = {}
        for name, check in (("schema", check_schema), ("grounding", check_grounding), ("execution", self.replayer.check),
                            ("round_trip", check_round_trip), ("abstention", check_abstention),
                            ("contamination", self.contamination)):  # fmt: skip
            try:
                results[name] = check(view)
            except Exception as exc:  # a check that crashes proves nothing: reject, with the reason
                results[name] = [fail(name, "check_crashed", error=f"{type(exc).__name__}: {exc}")]
        return results

    def contamination(self, view: SampleView) -> CheckResult:
        problems = self.guard.check_sample(view.data)
        return [fail("contamination", "bfcl_overlap", problem=p) for p in problems[:5]]


def _load_guard() -> Any:
    from ..contamination import default_guard

    try:
        return default_guard()
    except Exception as exc:  # no BFCL data: nothing could be shown uncontaminated
        raise VerifyError(f"cannot build the BFCL contamination index: {exc}") from None


def verify_dir(samples_dir: Path | str, out_dir: Path | str, profile: str = "thorough", *,
               scorers: dict[str, Scorer] | None = None, spec_sources: Sequence[str] | None = None,
               guard: Any = None, progress: Callable[[int], None] | None = None) -> VerifyReport:  # fmt: skip
    """Verify ``samples_dir/samples.jsonl`` into ``out_dir``; see the module doc.

    ``profile`` is the Hypothesis profile of the mutant suite (``ci`` or ``thorough``);
    ``scorers`` adds verdict functions the suite must find sound (the harness adds the RL
    reward); ``spec_sources`` are the tool sources the samples were made from, in the order
    given to synth (default: ``manifest.json``'s ``spec_sources``, else ``catalog``) - replay
    needs them to rebuild multi-turn starting states; ``guard`` replaces the default
    ``ContaminationGuard`` (tests).
    """
    if profile not in PROFILES:
        raise VerifyError(f"unknown profile {profile!r}; use one of {', '.join(sorted(PROFILES))}")
    started = time.perf_counter()
    source = samples_file(Path(samples_dir))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    checks = SampleChecks(source.parent, guard, spec_sources)
    outcomes: list[Outcome] = []
    accepted: list[SampleView] = []
    unique = UniquenessIndex()
    with source.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            outcome, view = _verify_line(line, number, checks, unique)
            outcomes.append(outcome)
            if outcome.accepted and view is not None:
                accepted.append(view)
            if progress is not None:
                progress(1)
    if not outcomes:
        raise VerifyError(f"{source} holds no samples")
    cases = [c for c in (case_of(v) for v in accepted) if c is not None]
    suite = run_suite(cases, profile, scorers)
    blocked = suite.message() or None
    if not accepted:
        blocked = blocked or "no sample passed verification"
    _write(out, outcomes, accepted, source, blocked)
    per_check, per_category, reasons = summarise(outcomes)
    notes = list(checks.notes)
    if accepted and not cases:
        notes.append("mutant suite: no accepted single-turn sample to mutate (the reward was not exercised)")
    report = VerifyReport(Path(samples_dir), out, profile, len(outcomes), len(accepted), per_check, per_category,
                          reasons, suite.to_json(), time.perf_counter() - started, notes, blocked)  # fmt: skip
    _atomic_write(out / "verify.json", json.dumps(report.to_json(), indent=2, ensure_ascii=False, default=str) + "\n")
    return report


def _verify_line(line: str, number: int, checks: SampleChecks, unique: UniquenessIndex) -> tuple[Outcome, SampleView | None]:
    try:
        view = parse_line(line, number)
    except MalformedSample as exc:
        return Outcome(_raw_id(line, number), number, _raw_category(line),
                       failures=[fail("record", "malformed", detail=str(exc))]), None  # fmt: skip
    outcome = Outcome(view.id, number, view.category.value)
    for name, result in checks.run(view).items():
        outcome.applied[name] = result is not None
        outcome.failures += result or []
    if not outcome.failures:  # duplicates are judged against accepted samples only
        outcome.applied["uniqueness"] = True
        found, state = unique.check(view)
        outcome.failures += found
        if not found:
            unique.keep(view, state)
    outcome.failures.sort(key=lambda f: CHECKS.index(f.check) if f.check in CHECKS else -1)
    return outcome, view


def _raw_id(line: str, number: int) -> str:
    try:
        return str(json.loads(line).get("id", f"line-{number}"))
    except (ValueError, AttributeError):
        return f"line-{number}"


def _raw_category(line: str) -> str:
    try:
        return str(json.loads(line).get("category", "unknown"))
    except (ValueError, AttributeError):
        return "unknown"


def train_row(view: SampleView) -> dict[str, Any]:
    """The trainer's contract (rl.data): trl conversational prompt-completion + checking fields."""
    raw = json.loads(view.raw)
    functions = raw["functions"] if isinstance(raw["functions"], str) else json.dumps(raw["functions"], ensure_ascii=False)
    answer = raw.get("possible_answer")
    if isinstance(answer, str):
        answer = None if answer.strip() == "null" else answer
    elif answer is not None:
        answer = json.dumps(answer, ensure_ascii=False)
    return {"id": view.id, "prompt": view.prompting["messages"],
            "completion": [{"role": "assistant", "content": view.prompting["completion"]}],
            "category": view.category.value, "functions": functions, "possible_answer": answer}  # fmt: skip


def _write(out: Path, outcomes: list[Outcome], accepted: list[SampleView], source: Path, blocked: str | None) -> None:
    _atomic_write(out / "accepted.jsonl", "".join(v.raw + "\n" for v in accepted))
    train = out / "train.jsonl"
    if blocked is None:
        _atomic_write(train, "".join(_line(train_row(v)) for v in accepted))
    elif train.exists():
        train.unlink()  # a stale train.jsonl from an earlier run must not be trained on
    rows = _rejected_rows(outcomes, source)
    _atomic_write(out / "rejected.jsonl", "".join(_line(r) for r in rows))


def _rejected_rows(outcomes: list[Outcome], source: Path) -> Iterable[dict[str, Any]]:
    wanted = {o.line: o for o in outcomes if not o.accepted}
    if not wanted:
        return
    with source.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            outcome = wanted.get(number)
            if outcome is None:
                continue
            try:
                sample: Any = json.loads(line)
            except ValueError:
                sample = line.rstrip("\n")
            yield {"id": outcome.id, "line": number, "category": outcome.category,
                   "failed_checks": sorted({f.check for f in outcome.failures}),
                   "failures": [f.to_json() for f in outcome.failures], "sample": sample}  # fmt: skip


def _line(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, default=str) + "\n"


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


__all__ = ["OUTPUT_FILES", "SampleChecks", "VerifyError", "train_row", "verify_dir"]

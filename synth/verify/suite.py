"""Reward soundness: run every mutation operator under Hypothesis against the accepted samples
and assert that each scorer (the BFCL checker, and whatever the caller adds - the RL reward)
gives each mutant the verdict BFCL's rules give it.

Profiles (registered here, used through ``settings(parent=...)`` so that nothing global is
changed; ``tests/conftest.py`` owns the global ``ci`` / ``thorough`` profiles):

* ``closeloop-verify-ci``: 25 examples per operator, at most 60 samples - for tests;
* ``closeloop-verify-thorough``: 300 examples per operator, at most 600 samples - for real runs.

Both are derandomized (a verification run is reproducible) and keep no example database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from hypothesis import HealthCheck, Verbosity, given, settings
from hypothesis import strategies as st

from bfcl_adapter.categories import Category, Checker
from bfcl_adapter.checking import score_case

from .mutants import APPLIES, OPERATORS, Case, Mutant

Scorer = Callable[[Category, str, list[dict[str, Any]], "list[Any] | None"], bool]

PROFILES = {"ci": "closeloop-verify-ci", "thorough": "closeloop-verify-thorough"}
SAMPLE_LIMIT = {"ci": 60, "thorough": 600}
MIN_CASES = 8  # per operator, topped up from all accepted samples when the draw has fewer
_COMMON: dict[str, Any] = dict(derandomize=True, database=None, deadline=None, verbosity=Verbosity.quiet,
                               suppress_health_check=list(HealthCheck), report_multiple_bugs=False, print_blob=False)  # fmt: skip
settings.register_profile(PROFILES["ci"], max_examples=25, **_COMMON)
settings.register_profile(PROFILES["thorough"], max_examples=300, **_COMMON)


def checker_scorer(mode: str) -> Scorer:
    """``score_case`` - the verdict evaluation reports and the reward is built on."""

    def score(category: Category, text: str, functions: list[dict[str, Any]], answer: list[Any] | None) -> bool:
        return score_case(category, text, functions, answer, mode).valid

    return score


@dataclass
class KindResult:
    kind: str
    meaning: str
    cases: int = 0  # samples the operator applies to
    examples: int = 0  # Hypothesis examples run (shrinking included)
    asserted: int = 0  # scorer verdicts compared with BFCL's
    skipped: int = 0  # draws that produced no mutant (e.g. the change was another acceptable value)
    raised: int = 0  # scorer exceptions (counted as "invalid")
    failures: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"meaning": self.meaning, "cases": self.cases, "examples": self.examples, "asserted": self.asserted,
                "skipped": self.skipped, "raised": self.raised, "ok": not self.failures, "failures": self.failures}  # fmt: skip


@dataclass
class SuiteResult:
    profile: str
    samples: int
    kinds: dict[str, KindResult]
    scorers: list[str]
    identity_failures: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the suite itself broke: nothing was proven
    unrenderable: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.identity_failures and all(not k.failures for k in self.kinds.values())

    def message(self) -> str:
        if self.ok:
            return ""
        if self.errors:
            return f"the mutant suite could not run: {self.errors[0]}"
        if self.identity_failures:
            first = self.identity_failures[0]
            return f"reward rejects an accepted gold answer ({first['scorer']} on {first['id']})"
        kind, first = next((k, r.failures[0]) for k, r in self.kinds.items() if r.failures)
        verdict = "accepts" if first["got"] else "rejects"
        return (f"reward cannot discriminate: {first['scorer']} {verdict} a {kind} mutant of {first['id']} "
                f"({first['detail']}) that BFCL would {'accept' if first['expected'] else 'reject'}")

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "profile": self.profile, "samples": self.samples, "unrenderable": self.unrenderable,
                "scorers": self.scorers,
                "message": self.message(), "errors": self.errors, "identity_failures": self.identity_failures,
                "kinds": {k: r.to_json() for k, r in self.kinds.items()}}  # fmt: skip


class _Disagreement(Exception):
    def __init__(self, evidence: dict[str, Any]) -> None:
        super().__init__(evidence.get("detail", ""))
        self.evidence = evidence


def pick_cases(cases: Sequence[Case], limit: int) -> list[Case]:
    """Up to ``limit`` cases, round-robin over categories so that every one is represented."""
    by_category: dict[str, list[Case]] = {}
    for case in cases:
        by_category.setdefault(case.category.value, []).append(case)
    rng = random.Random(0)
    queues = [rng.sample(group, len(group)) for _, group in sorted(by_category.items())]
    out: list[Case] = []
    while len(out) < limit and any(queues):
        for queue in queues:
            if queue and len(out) < limit:
                out.append(queue.pop())
    return out


def _with_coverage(chosen: list[Case], everything: Sequence[Case]) -> list[Case]:
    """``chosen`` plus, for an operator that applies to fewer than ``MIN_CASES`` of them, more
    cases it applies to from the rest (rare shapes, such as a float with an integral value)."""
    out = list(chosen)
    taken = {id(c) for c in out}
    for applies in APPLIES.values():
        have = sum(1 for c in out if applies(c))
        for case in everything:
            if have >= MIN_CASES:
                break
            if id(case) not in taken and applies(case):
                out.append(case)
                taken.add(id(case))
                have += 1
    return out


def _renders(case: Case, checker: Scorer) -> bool:
    if case.checker is Checker.IRRELEVANCE:
        return True
    try:
        return _verdict(checker, case, case.render(case.calls))[0]
    except ValueError:
        return False


def _verdict(scorer: Scorer, case: Case, text: str) -> tuple[bool, bool]:
    """(valid, raised)."""
    try:
        return bool(scorer(case.category, text, case.functions, case.possible_answer)), False
    except Exception:
        return False, True


def run_suite(cases: Sequence[Case], profile: str = "ci", scorers: dict[str, Scorer] | None = None) -> SuiteResult:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; use one of {sorted(PROFILES)}")
    official = {"checker": checker_scorer("official"), **(scorers or {})}
    lenient = checker_scorer("lenient")
    chosen, unrenderable = [], 0
    for case in _with_coverage(pick_cases(cases, SAMPLE_LIMIT[profile]), cases):
        # Mutants are written with ``Case.render``; a case it cannot write faithfully would make
        # every preserving mutant look like a reward bug, so it is left out (and counted).
        if _renders(case, official["checker"]):
            chosen.append(case)
        else:
            unrenderable += 1
    result = SuiteResult(profile, len(chosen), {}, sorted(official) + ["checker(lenient)"], unrenderable=unrenderable)
    for case in chosen:  # the unmutated gold answer must pass everywhere
        for name, scorer in official.items():
            valid, _ = _verdict(scorer, case, case.text)
            if not valid:
                result.identity_failures.append({"id": case.id, "scorer": name, "text": case.text[:300]})
    parent = settings.get_profile(PROFILES[profile])
    for kind, (operator, meaning) in OPERATORS.items():
        outcome = KindResult(kind, meaning)
        result.kinds[kind] = outcome
        applicable = [c for c in chosen if APPLIES[kind](c)]
        outcome.cases = len(applicable)
        if not applicable:
            continue
        try:
            _run_kind(operator, applicable, official, lenient, outcome, parent)
        except _Disagreement as exc:
            outcome.failures.append(exc.evidence)
        except Exception as exc:  # an operator bug: the reward was not verified, so say so
            result.errors.append(f"{kind}: {type(exc).__name__}: {exc}")
    return result


def _run_kind(operator: Callable[[Case, Any], Mutant | None], cases: list[Case], official: dict[str, Scorer],
              lenient: Scorer, outcome: KindResult, parent: settings) -> None:  # fmt: skip
    samples = st.sampled_from(cases)  # built once: its label is hashed over every case

    @settings(parent)
    @given(st.data())
    def prop(data: Any) -> None:
        outcome.examples += 1
        case = data.draw(samples, label="sample")
        mutant = operator(case, data)
        if mutant is None:
            outcome.skipped += 1
            return
        checks: list[tuple[str, Scorer, bool]] = [(n, s, mutant.expect) for n, s in official.items()]
        if mutant.expect_lenient is not None:
            checks.append(("checker(lenient)", lenient, mutant.expect_lenient))
        for name, scorer, expected in checks:
            got, raised = _verdict(scorer, case, mutant.text)
            outcome.asserted += 1
            outcome.raised += raised
            if got != expected:
                raise _Disagreement({"id": case.id, "category": case.category.value, "scorer": name, "kind": mutant.kind,
                                     "detail": mutant.detail, "text": mutant.text[:400], "expected": expected,
                                     "got": got, "raised": raised})  # fmt: skip

    prop()


def case_of(view: Any) -> Case | None:
    """The reward's view of an accepted sample (single-turn, scorable), or None."""
    from bfcl_adapter.types import Call

    category: Category = view.category
    if not category.is_single_turn or not (category.is_ast or category.checker in (Checker.IRRELEVANCE, Checker.RELEVANCE)):
        return None
    first = view.gold[0] if view.gold else []
    calls = [Call(c.name, dict(c.arguments)) for c in first]
    return Case(view.id, category, view.functions, view.possible_answer, calls, view.prompting["completion"])

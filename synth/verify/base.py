"""The vocabulary shared by every check: a failure is a check name, a reason code and evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# In the order they run and are reported. ``record`` is not a check: it names lines that are
# not samples at all (they are rejected too - nothing is dropped silently).
CHECKS: tuple[str, ...] = ("schema", "grounding", "execution", "round_trip", "abstention", "uniqueness", "contamination")


@dataclass(frozen=True)
class Failure:
    """One failed property of one sample. ``code`` is ``<check>.<reason>``; ``evidence`` holds
    what a reviewer needs to see it (the call, the parameter, the value, the message)."""

    check: str
    code: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "code": self.code, "evidence": self.evidence}


def fail(check: str, reason: str, **evidence: Any) -> Failure:
    return Failure(check, f"{check}.{reason}", evidence)


# A check returns its failures ([] = passed) or None when it does not apply to the sample.
CheckResult = list[Failure] | None


def strict_equal(a: Any, b: Any) -> bool:
    """Equality that tells ``True`` from ``1`` and ``1`` from ``1.0`` (Python's ``==`` does not),
    and treats tuples as lists (JSON has no tuples)."""
    if isinstance(a, tuple):
        a = list(a)
    if isinstance(b, tuple):
        b = list(b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(strict_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b))
    return bool(a == b)

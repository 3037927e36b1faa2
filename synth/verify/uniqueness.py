"""Uniqueness: exact duplicates (same normalised user text, same tool set, same gold calls) and
near duplicates are removed; the first occurrence is kept. Near means the same tool set and user
texts whose character 5-gram shingles have a Jaccard similarity of at least ``NEAR_THRESHOLD``,
or at least ``PARAPHRASE_THRESHOLD`` when the gold calls are identical too (the same labelled
example reworded: "hey can you get X" and "get X").

Candidates come from MinHash signatures with LSH banding (and, for identical gold calls, from
a bucket keyed by tools + gold), so a run costs about linear time; every candidate pair is then
confirmed with the exact Jaccard, so MinHash never decides alone.
Only samples that passed every other check are compared against: a sample is not a duplicate
of something that was rejected anyway.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass, field

import numpy as np

from .base import Failure, fail
from .normalise import words
from .record import SampleView

NEAR_THRESHOLD = 0.9
PARAPHRASE_THRESHOLD = 0.6
SHINGLE = 5
PERMUTATIONS, BANDS = 64, 16  # 16 bands x 4 rows: pairs at Jaccard 0.9 collide with probability > 0.999
_PRIME = np.uint64(4294967311)  # > 2**32; a * h < 2**63 for a < 2**31 and 32-bit h
_rng = np.random.default_rng(20240605)
_A = _rng.integers(1, 2**31 - 1, size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, 2**32 - 1, size=PERMUTATIONS, dtype=np.uint64)


def normalised_text(view: SampleView) -> str:
    return " ".join(words(view.user_text()))


def tool_set(view: SampleView) -> str:
    return "|".join(sorted(view.schemas()))


def _digest(*parts: object) -> str:
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


def gold_key(view: SampleView) -> str:
    gold = [[{"name": c.name, "arguments": c.arguments} for c in step] for step in view.gold]
    return _digest(tool_set(view), gold)


def exact_key(view: SampleView) -> str:
    return _digest(normalised_text(view), gold_key(view))


State = tuple[str, str, str, frozenset[int], np.ndarray]  # (exact key, gold key, tool set, shingles, signature)


def shingles(text: str) -> frozenset[int]:
    if len(text) <= SHINGLE:
        return frozenset({zlib.crc32(text.encode())})
    return frozenset(zlib.crc32(text[i:i + SHINGLE].encode()) for i in range(len(text) - SHINGLE + 1))


def signature(grams: frozenset[int]) -> np.ndarray:
    values = np.fromiter(grams, dtype=np.uint64, count=len(grams))
    return ((np.outer(_A, values) + _B[:, None]) % _PRIME).min(axis=1)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


@dataclass
class UniquenessIndex:
    """The samples kept so far; :meth:`check` then :meth:`keep` in input order."""

    exact: dict[str, str] = field(default_factory=dict)  # key -> id of the kept sample
    same_gold: dict[str, list[int]] = field(default_factory=dict)  # tools + gold -> kept positions
    buckets: dict[tuple[str, int, bytes], list[int]] = field(default_factory=dict)
    kept: list[tuple[str, frozenset[int]]] = field(default_factory=list)  # (id, shingles)

    def check(self, view: SampleView) -> tuple[list[Failure], State]:
        gold, tools = gold_key(view), tool_set(view)
        text = normalised_text(view)
        key = _digest(text, gold)
        grams = shingles(text)
        sig = signature(grams)
        state = (key, gold, tools, grams, sig)
        if key in self.exact:
            return [fail("uniqueness", "exact_duplicate", duplicate_of=self.exact[key])], state
        best: tuple[float, str, bool] | None = None
        same = set(self.same_gold.get(gold, []))
        candidates = set(same)
        for band in range(BANDS):
            candidates.update(self.buckets.get(self._band(tools, sig, band), []))
        for position in sorted(candidates):
            other_id, other = self.kept[position]
            score = jaccard(grams, other)
            threshold = PARAPHRASE_THRESHOLD if position in same else NEAR_THRESHOLD
            if score >= threshold and (best is None or score > best[0]):
                best = (score, other_id, position in same)
        if best is not None:
            return [fail("uniqueness", "near_duplicate", duplicate_of=best[1], jaccard=round(best[0], 3),
                         same_gold_calls=best[2])], state  # fmt: skip
        return [], state

    def keep(self, view: SampleView, state: State) -> None:
        key, gold, tools, grams, sig = state
        self.exact[key] = view.id
        position = len(self.kept)
        self.kept.append((view.id, grams))
        self.same_gold.setdefault(gold, []).append(position)
        for band in range(BANDS):
            self.buckets.setdefault(self._band(tools, sig, band), []).append(position)

    @staticmethod
    def _band(tools: str, sig: np.ndarray, band: int) -> tuple[str, int, bytes]:
        rows = PERMUTATIONS // BANDS
        return tools, band, sig[band * rows:(band + 1) * rows].tobytes()

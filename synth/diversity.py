"""Diversity statistics of a synthesized run (printed, and saved as stats.json).

Cheap, order-independent counters: which tools were called, how varied the argument values are
(Shannon entropy), how varied the user phrasing is (distinct-n over word n-grams), and how many
calls and turns samples have. Everything is deterministic for a given samples file.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any, Iterable

_WORD = re.compile(r"[a-z0-9']+")


def entropy(counts: Counter[Any]) -> float:
    total = sum(counts.values())
    if total == 0:
        return 0.0
    return -sum(c / total * math.log2(c / total) for c in counts.values() if c)


def _leaves(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield repr(value)


class DiversityStats:
    """Accumulates decoded samples one by one; :meth:`to_json` summarises them."""

    def __init__(self) -> None:
        self.samples = 0
        self.by_category: Counter[str] = Counter()
        self.tools_called: Counter[str] = Counter()
        self.tools_offered: Counter[str] = Counter()
        self.domains: Counter[str] = Counter()
        self.values: Counter[str] = Counter()
        self.param_values: dict[str, Counter[str]] = {}
        self.calls_per_sample: Counter[int] = Counter()
        self.user_turns: Counter[int] = Counter()
        self.abstentions = 0
        self.ngrams = {n: Counter() for n in (1, 2, 3)}
        self.first_words: Counter[str] = Counter()

    def add(self, sample: dict[str, Any], domains: dict[str, str] | None = None) -> None:
        self.samples += 1
        self.by_category[sample["category"]] += 1
        for tool in sample["tools"]:
            self.tools_offered[tool["function"]["name"]] += 1
        calls = [c for step in sample["gold_calls"] for c in step]
        self.calls_per_sample[len(calls)] += 1
        if not sample["gold_calls"] or not sample["gold_calls"][0]:  # first answer is not a call
            self.abstentions += 1
        for call in calls:
            self.tools_called[call["name"]] += 1
            if domains and call["name"] in domains:
                self.domains[domains[call["name"]]] += 1
            for param, value in call["arguments"].items():
                for leaf in _leaves(value):
                    self.values[leaf] += 1
                    self.param_values.setdefault(f"{call['name']}.{param}", Counter())[leaf] += 1
        users = [m["content"] for m in sample["messages"] if m["role"] == "user"]
        self.user_turns[len(users)] += 1
        for text in users:
            words = _WORD.findall(text.lower())
            if words:
                self.first_words[words[0]] += 1
            for n, counter in self.ngrams.items():
                counter.update(tuple(words[i : i + n]) for i in range(len(words) - n + 1))

    def to_json(self) -> dict[str, Any]:
        value_h = entropy(self.values)
        per_param = [entropy(c) for c in self.param_values.values() if sum(c.values()) >= 2]
        distinct = {f"distinct_{n}": round(len(c) / max(1, sum(c.values())), 4) for n, c in self.ngrams.items()}
        return {
            "samples": self.samples,
            "by_category": dict(sorted(self.by_category.items())),
            "distinct_tools_called": len(self.tools_called),
            "distinct_tools_offered": len(self.tools_offered),
            "domains_called": dict(sorted(self.domains.items())),
            "top_tools": [[name, count] for name, count in sorted(self.tools_called.items(), key=lambda x: (-x[1], x[0]))[:10]],
            "argument_values": {
                "total": sum(self.values.values()),
                "distinct": len(self.values),
                "entropy_bits": round(value_h, 4),
                "normalized_entropy": round(value_h / math.log2(len(self.values)), 4) if len(self.values) > 1 else 0.0,
                "mean_entropy_per_parameter_bits": round(sum(per_param) / len(per_param), 4) if per_param else 0.0,
            },
            "phrasing": {**distinct, "first_word_entropy_bits": round(entropy(self.first_words), 4),
                         "user_messages": sum(k * v for k, v in self.user_turns.items())},  # fmt: skip
            "calls_per_sample": {str(k): v for k, v in sorted(self.calls_per_sample.items())},
            "user_turns_per_sample": {str(k): v for k, v in sorted(self.user_turns.items())},
            "first_answer_not_a_call": self.abstentions,
        }


def format_stats(stats: dict[str, Any]) -> list[str]:
    """A few readable lines for the console."""
    values, phrasing = stats["argument_values"], stats["phrasing"]
    calls = ", ".join(f"{k}:{v}" for k, v in stats["calls_per_sample"].items())
    return [
        f"samples {stats['samples']}  categories {len(stats['by_category'])}  "
        f"tools called {stats['distinct_tools_called']} (offered {stats['distinct_tools_offered']})",
        f"argument values: {values['distinct']} distinct of {values['total']}, entropy {values['entropy_bits']:.2f} bits "
        f"(normalized {values['normalized_entropy']:.2f}), per parameter {values['mean_entropy_per_parameter_bits']:.2f} bits",
        f"phrasing: distinct-1 {phrasing['distinct_1']:.3f}  distinct-2 {phrasing['distinct_2']:.3f}  "
        f"distinct-3 {phrasing['distinct_3']:.3f}  first-word entropy {phrasing['first_word_entropy_bits']:.2f} bits",
        f"calls per sample: {calls}   first answer not a call: {stats['first_answer_not_a_call']}",
    ]

"""Abstention: an irrelevance sample teaches the model to answer without a call, so it must be
one where no call is right. Two properties:

* the reference answer makes no call (gold, trl messages, prompting completion, possible answer);
* no offered tool could satisfy the request: a tool whose name and description match the
  request's words (lexical fit) is acceptable only if one of its required parameters is not
  stated (the "information missing" kind of abstention, as in BFCL's live_irrelevance).

The fit is a heuristic over words, tuned so that the gold tool of a call sample fits its own
request and tools from other domains do not (``fit_score``); it decides nothing about call samples.
"""

from __future__ import annotations

import re
from typing import Any

from bfcl_adapter.categories import Checker
from bfcl_adapter.decoding import decode
from bfcl_adapter.types import DecodeError

from .base import CheckResult, Failure, fail
from .normalise import words
from .record import SampleView

FIT_THRESHOLD = 0.5  # gold tools of call samples: 5% quantile 0.57; cross-domain offers: max 0.4 (2000 samples)
_STOP = frozenset("""a an the of to for and or in on at by with from into onto as is are be been it its this that
these those any all each every one two more some given optional optionally chosen new get gets list lists find finds
return returns show shows check checks set sets make makes do does can could you your please me my i we our want
like would help go ahead need quick hey hi so ok also then what which how when where who if whether there here
about over under per via than up down out off only just use using used based""".split())  # fmt: skip
_UNIT_SUFFIX = frozenset("km kg m cm mm minutes min hours days pct percent usd eur c f s seconds ms mb gb".split())


def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _keywords(text: str) -> list[str]:
    return [_stem(w) for w in words(text) if w not in _STOP and not w.isdigit()]


def _tool_words(function: dict[str, Any]) -> list[str]:
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(function.get("name", "")))
    description = str(function.get("description", "")).split("\n")[0]
    description = re.split(r"(?<=[.!?])\s", description, maxsplit=1)[0]
    return _keywords(name.replace("_", " ").replace(".", " ")) + _keywords(description)


def fit_score(request: str, function: dict[str, Any]) -> float:
    """Share of the tool's distinct keywords (name + first sentence of the description) that the
    request uses."""
    keys = set(_tool_words(function))
    if not keys:
        return 0.0
    said = set(_keywords(request))
    return len(keys & said) / len(keys)


def _without_action(request: list[str], description: list[str]) -> list[str]:
    """The request minus the runs of words it shares with the tool's description: the action
    ("get the largest cities of a country") names parameters without stating their values."""
    remaining = list(request)
    for _ in range(3):
        best = (0, 0, 0)
        index = {}
        for j in range(len(description)):
            index.setdefault(description[j], []).append(j)
        for i in range(len(remaining)):
            for j in index.get(remaining[i], []):
                k = 0
                while i + k < len(remaining) and j + k < len(description) and remaining[i + k] == description[j + k]:
                    k += 1
                if k > best[0]:
                    best = (k, i, j)
        if best[0] < 2:
            break
        del remaining[best[1]:best[1] + best[0]]
    return remaining


def _label_options(name: str, schema: dict[str, Any]) -> list[list[str]]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    toks = [t for t in re.split(r"[_\W]+", spaced.lower()) if t]
    if len(toks) > 1 and toks[-1] in _UNIT_SUFFIX:
        toks = toks[:-1]
    options = [[_stem(t) for t in toks]]
    description = str(schema.get("description") or "")
    if 0 < len(description) <= 40:
        options.append([_stem(w) for w in words(description)])
    return [o for o in options if o]


def missing_required(request: str, function: dict[str, Any]) -> list[str]:
    """Required parameters of ``function`` that the request does not mention outside its action."""
    parameters = function.get("parameters") if isinstance(function.get("parameters"), dict) else {}
    properties = parameters.get("properties") or {}
    description = [_stem(w) for w in words(str(function.get("description", "")).split("\n")[0])]
    rest = " " + " ".join(_without_action([_stem(w) for w in words(request)], description)) + " "
    missing = []
    for name in parameters.get("required") or []:
        schema = properties.get(name) if isinstance(properties.get(name), dict) else {}
        if not any(" " + " ".join(option) + " " in rest for option in _label_options(name, schema)):
            missing.append(name)
    return missing


def check_abstention(view: SampleView) -> CheckResult:
    if view.category.checker is not Checker.IRRELEVANCE:
        return None
    failures: list[Failure] = []
    calls = [c.name for step in view.gold for c in step]
    sent = [c.get("function", {}).get("name") for m in view.messages for c in m.get("tool_calls") or []]
    if calls or sent:
        failures.append(fail("abstention", "has_call", calls=sorted(set(calls + sent))))
    if view.possible_answer:
        failures.append(fail("abstention", "has_answer", detail="an abstention sample has a possible answer"))
    try:
        decoded = decode(view.prompting["completion"])
    except DecodeError:
        decoded = []
    if decoded:
        failures.append(fail("abstention", "has_call", completion=view.prompting["completion"][:200]))
    request = next((text for _, text in view.user_turns()), "")
    for function in view.schemas().values():
        score = fit_score(request, function)
        if score < FIT_THRESHOLD:
            continue
        if not missing_required(request, function):
            failures.append(fail("abstention", "fitting_tool", tool=function.get("name"), fit=round(score, 2),
                                 request=request[:300], detail="the tool matches the request and every required "
                                 "parameter is stated"))  # fmt: skip
    return failures

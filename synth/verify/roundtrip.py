"""Round trip: the gold calls, written in every format we train on, read back with the harness's
own decoders to the same calls, and the BFCL checker scores them valid against the sample's
possible answer. Formats: the BFCL prompting call list (the ``prompting`` completion and
assistant turns as stored, and a fresh rendering), OpenAI JSON tool calls, ``<tool_call>`` blocks.

If a format loses information (a float that prints as an int, a key the decoder drops), the
model is trained on text whose meaning differs from the label - this check is where that shows.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from bfcl_adapter.categories import Checker, Language
from bfcl_adapter.checking import check_calls, score_case
from bfcl_adapter.decoding import decode
from bfcl_adapter.fc import calls_to_python_call_list, calls_to_tool_call_text, decode_fc
from bfcl_adapter.types import Call, DecodeError

from .base import CheckResult, Failure, fail, strict_equal
from .record import GoldCall, SampleView


def same_calls(decoded: list[Call], gold: list[GoldCall]) -> bool:
    return len(decoded) == len(gold) and all(
        d.name == g.name and strict_equal(d.arguments, g.arguments) for d, g in zip(decoded, gold)
    )


def formats(calls: list[GoldCall], language: Language) -> dict[str, Callable[[], str]]:
    """Format name -> renderer of ``calls`` in that format (lazy: a renderer may raise)."""
    bfcl = [Call(c.name, dict(c.arguments)) for c in calls]
    out: dict[str, Callable[[], str]] = {
        "json_tool_calls": lambda: json.dumps([{"type": "function", "function": {
            "name": c.name, "arguments": json.dumps(c.arguments, ensure_ascii=False)}} for c in calls], ensure_ascii=False),
        "tool_call_blocks": lambda: calls_to_tool_call_text(bfcl),
    }  # fmt: skip
    if language is Language.PYTHON:
        out["python_call_list"] = lambda: calls_to_python_call_list(bfcl)
    return out


def _decoder(name: str, language: Language) -> Callable[[str], list[Call]]:
    if name == "python_call_list":
        return lambda text: decode(text, language, "official")
    return decode_fc


def check_round_trip(view: SampleView) -> CheckResult:
    failures: list[Failure] = []
    category, language = view.category, view.category.language
    assistant = [str(m.get("content") or "") for m in view.prompting["messages"] if m.get("role") == "assistant"]
    texts = assistant + [view.prompting["completion"]]
    expected = view.gold[: len(texts)] if category.is_single_turn else view.gold
    if len(texts) != len(expected):
        failures.append(fail("round_trip", "prompting_mismatch",
                             detail=f"{len(texts)} assistant texts in prompting for {len(expected)} gold steps"))  # fmt: skip
    for step_index, (text, step) in enumerate(zip(texts, expected)):
        failures += _stored_text(text, step, step_index, language)
        if step:
            failures += _rendered(step, step_index, view)
    if category.is_single_turn and not failures:
        failures += _verdict(view)
    return failures


def _stored_text(text: str, step: list[GoldCall], step_index: int, language: Language) -> list[Failure]:
    """The prompting text stored for one step decodes to exactly that step's gold calls."""
    try:
        decoded = decode(text, language, "official")
    except DecodeError as exc:
        if step:
            return [fail("round_trip", "decode_failed", format="prompting", step=step_index, text=text[:300], error=str(exc))]
        return []
    if not step and decoded:
        return [fail("round_trip", "text_reads_as_call", step=step_index, text=text[:300])]
    if step and not same_calls(decoded, step):
        return [fail("round_trip", "decode_mismatch", format="prompting", step=step_index, text=text[:300],
                     decoded=[{"name": c.name, "arguments": _jsonable(c.arguments)} for c in decoded])]  # fmt: skip
    return []


def _rendered(step: list[GoldCall], step_index: int, view: SampleView) -> list[Failure]:
    failures: list[Failure] = []
    for name, render in formats(step, view.category.language).items():
        try:
            text = render()
        except (ValueError, TypeError) as exc:
            failures.append(fail("round_trip", "render_failed", format=name, step=step_index, error=str(exc)))
            continue
        try:
            decoded = _decoder(name, view.category.language)(text)
        except DecodeError as exc:
            failures.append(fail("round_trip", "decode_failed", format=name, step=step_index, text=text[:300], error=str(exc)))
            continue
        if not same_calls(decoded, step):
            failures.append(fail("round_trip", "decode_mismatch", format=name, step=step_index, text=text[:300]))
            continue
        if step_index == 0 and view.category.is_single_turn and view.category.is_ast:
            verdict = _checked(view, decoded)
            if not verdict[0]:
                failures.append(fail("round_trip", "checker_rejects", format=name, error_type=verdict[1], detail=verdict[2]))
    return failures


def _checked(view: SampleView, calls: list[Call]) -> tuple[bool, str | None, str]:
    if view.possible_answer is None:
        return False, "no_possible_answer", "an AST sample needs a possible answer"
    try:
        verdict = check_calls(view.category, calls, view.functions, view.possible_answer)
    except Exception as exc:  # the official checker raises on some inputs; so does ours
        return False, "checker_raised", f"{type(exc).__name__}: {exc}"
    return verdict.valid, verdict.error_type, "; ".join(verdict.errors)


def _verdict(view: SampleView) -> list[Failure]:
    """What evaluation and the reward will compute on the stored completion: ``score_case``."""
    category = view.category
    if not (category.is_ast or category.checker in (Checker.IRRELEVANCE, Checker.RELEVANCE)):
        return []
    try:
        verdict = score_case(category, view.prompting["completion"], view.functions, view.possible_answer, "official")
    except Exception as exc:
        return [fail("round_trip", "checker_rejects", format="prompting", error_type="checker_raised", detail=str(exc))]
    if verdict.valid:
        return []
    return [fail("round_trip", "checker_rejects", format="prompting", error_type=verdict.error_type,
                 detail="; ".join(verdict.errors))]  # fmt: skip


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))

"""Grounding: every gold argument value is supported by the conversation *before* the call -
stated in a user turn (after normalisation, see :mod:`.normalise`), returned by an earlier tool
call, or the parameter's schema default. A value that only the assistant ever wrote was
invented, and a model trained on it learns to invent."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from bfcl_adapter.categories import Language

from .base import CheckResult, Failure, fail
from .normalise import Statements, words
from .record import SampleView, is_holdout_notice

_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE_CUES = frozenset("on yes true enabled enable please".split())
_FALSE_CUES = frozenset("off no false disabled disable".split())
_NEGATIONS = frozenset("without leave not no dont skip exclude excluding".split())
_UNIT_SUFFIX = frozenset("km kg m cm mm minutes min hours days pct percent usd eur c f s seconds ms mb gb m2 kwh mph "
                         "kmh g ml l".split())  # fmt: skip
_JAVA_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_SOURCE_SYNTAX = frozenset("""new ArrayList List Arrays asList int long double float short byte char boolean String
Integer Long Double Float Boolean Character HashMap Map Set HashSet of L f d F D""".split())  # fmt: skip
_JAVA_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def check_grounding(view: SampleView) -> CheckResult:
    if not any(step for step in view.gold):
        return None  # nothing is claimed
    failures: list[Failure] = []
    said = Statements()
    steps = {step.message_index: (i, step) for i, step in enumerate(view.steps())}
    schemas = view.schemas()
    declared = _declared_types(view)
    for index, message in enumerate(view.messages):
        role = message.get("role")
        content = message.get("content")
        if role == "user" and not is_holdout_notice(content):
            said.add(str(content or ""))
        elif role == "tool":
            said.add(content if isinstance(content, str) else json.dumps(content))
        elif role == "assistant" and index in steps:
            step_index, step = steps[index]
            for call_index, call in enumerate(step.calls):
                function = schemas.get(call.name) or {}
                properties = (function.get("parameters") or {}).get("properties") or {}
                for param, value in call.arguments.items():
                    schema = properties.get(param) if isinstance(properties.get(param), dict) else {}
                    kind = declared.get((call.name, param))
                    if not _grounded_param(param, value, schema, kind, view.category.language, said):
                        failures.append(fail("grounding", "invented_value", step=step_index, call=call_index,
                                             name=call.name, param=param, value=_short(value)))  # fmt: skip
    return failures


def _declared_types(view: SampleView) -> dict[tuple[str, str], str]:
    """(function, param) -> BFCL-declared type (Java/JS gold values are source text per type)."""
    out: dict[tuple[str, str], str] = {}
    for doc in view.functions:
        props = (doc.get("parameters") or {}).get("properties") or {}
        for param, schema in props.items():
            if isinstance(schema, dict):
                out[(doc.get("name"), param)] = str(schema.get("type"))
    return out


def _short(value: Any) -> Any:
    text = json.dumps(value, ensure_ascii=False)
    return value if len(text) <= 200 else text[:197] + "..."


def _grounded_param(name: str, value: Any, schema: dict[str, Any], declared: str | None, language: Language,
                    said: Statements) -> bool:  # fmt: skip
    if "default" in schema and _same(value, schema["default"]):
        return True
    if language is not Language.PYTHON and isinstance(value, str) and declared not in ("String", "string", None):
        return _grounded_source(value, said)  # Java/JS: a value's source text, e.g. 42L, new int[]{1, 2}
    return grounded(value, schema, said, name)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b or (isinstance(a, (int, float)) and isinstance(b, (int, float))
                                              and not isinstance(a, bool) and not isinstance(b, bool) and a == b)  # fmt: skip


def grounded(value: Any, schema: dict[str, Any], said: Statements, name: str = "") -> bool:
    """Is ``value`` (for the parameter ``name`` with ``schema``) stated in ``said``?"""
    schema = schema if isinstance(schema, dict) else {}
    if "default" in schema and _same(value, schema["default"]):
        return True
    if value is None:
        return False
    if isinstance(value, bool):
        return _grounded_flag(name, schema, value, said)
    if isinstance(value, (int, float)):
        return said.has_number(float(value))
    if isinstance(value, str):
        return _grounded_text(value, said)
    if isinstance(value, list):
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        return all(grounded(v, items, said, name) for v in value)
    if isinstance(value, dict):
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        return all(grounded(v, props.get(k) or {}, said, str(k)) for k, v in value.items())
    return False


def _grounded_text(value: str, said: Statements) -> bool:
    if said.has_words(value):
        return True
    if not words(value):
        return bool(value.strip()) and said.has_verbatim(value)  # punctuation-only values: verbatim
    if _ISO_DATE.match(value):
        day = _date(value)
        return day is not None and said.has_date(day)
    stamp = _ISO_DATETIME.match(value)
    if stamp:
        day = _date(stamp.group(1))
        clock = [stamp.group(2), stamp.group(3)]
        return day is not None and said.has_date(day) and (clock == ["00", "00"] or said.has_words(" ".join(clock)))
    return False


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _grounded_flag(name: str, schema: dict[str, Any], value: bool, said: Statements) -> bool:
    """A flag is stated when its label is mentioned with a cue of the right polarity: the first
    cue in the few words after the label ("dark mode turned on", "include archived: no"), else
    a negation right before it ("without notifications")."""
    labels = [_label_words(name)]
    description = str(schema.get("description") or "")
    if 0 < len(description) <= 40:
        labels.append(words(description))
    tokens = said.text.split()
    for label in labels:
        if not label:
            continue
        size = len(label)
        for start in range(len(tokens) - size + 1):
            if tokens[start:start + size] == label and _polarity(tokens, start, start + size) is value:
                return True
    return False


def _polarity(tokens: list[str], start: int, end: int) -> bool | None:
    for token in tokens[end:end + 4]:
        if token in _TRUE_CUES:
            return True
        if token in _FALSE_CUES:
            return False
    if set(tokens[max(0, start - 2):start]) & _NEGATIONS:
        return False
    return None


def _label_words(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    toks = [t for t in re.split(r"[_\W]+", spaced.lower()) if t]
    if len(toks) > 1 and toks[-1] in _UNIT_SUFFIX:
        toks = toks[:-1]
    return toks


def _grounded_source(source: str, said: Statements) -> bool:
    """Java/JS source text: every literal in it (strings, numbers, booleans) is stated."""
    strings = _JAVA_STRING.findall(source)
    rest = _JAVA_STRING.sub(" ", source)
    numbers = [float(n) for n in _JAVA_NUMBER.findall(rest)]
    names = [w for w in re.findall(r"[A-Za-z_]\w*", rest) if w not in _SOURCE_SYNTAX]
    if not (strings or numbers or names):
        return said.has_words(source)
    # Everything outside string literals is syntax or a value: true/false, an enum constant, ...
    return (all(said.has_words(s) or not words(s) for s in strings) and all(said.has_number(n) for n in numbers)
            and all(said.has_words(n) for n in names))  # fmt: skip

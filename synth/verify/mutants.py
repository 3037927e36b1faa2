"""Mutation operators over a sample's gold answer, each with the verdict BFCL's rules give.

A :class:`Mutant` is the completion text a model might write plus the verdict BFCL would give
it: meaning-changing edits (drop a required parameter, change a type, perturb a value, rename
the function, add or drop a call, add an unknown parameter) must fail; meaning-preserving ones
(reorder parallel calls, an equivalent string under BFCL's normalisation, an int for a float,
leaving out an omittable parameter) must pass; wrappers (prose, code fences) follow BFCL's
decoder: the official one strips backticks, newlines and spaces at the ends and nothing else.

Expected verdicts depend on the category's checker: a relevance sample passes on any call,
an irrelevance sample passes when nothing decodes to a call. Operators draw every choice from
Hypothesis' ``data`` so failures shrink to a minimal mutant.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable

from hypothesis import strategies as st

from bfcl_adapter.categories import Category, Checker, Language
from bfcl_adapter.fc import calls_to_python_call_list
from bfcl_adapter.types import Call

from .oracle import accepted, bfcl_string, call_matches

Draw = Any  # hypothesis.strategies.DataObject


@dataclass(frozen=True)
class Mutant:
    kind: str
    text: str
    expect: bool  # the official decoder's verdict, per BFCL's rules
    expect_lenient: bool | None = None  # wrappers only: the lenient decoder's verdict
    detail: str = ""


@dataclass
class Case:
    """One accepted single-turn sample, as the reward sees it."""

    id: str
    category: Category
    functions: list[dict[str, Any]]
    possible_answer: list[Any] | None
    calls: list[Call]
    text: str  # the stored completion
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.docs = {d["name"]: d for d in self.functions if isinstance(d, dict) and "name" in d}

    @property
    def checker(self) -> Checker:
        return self.category.checker

    @property
    def language(self) -> Language:
        return self.category.language

    def declared(self, name: str, param: str) -> str:
        props = (self.docs.get(name, {}).get("parameters") or {}).get("properties") or {}
        return str((props.get(param) or {}).get("type", ""))

    def required(self, name: str) -> list[str]:
        return list((self.docs.get(name, {}).get("parameters") or {}).get("required") or [])

    def answer_for(self, index: int) -> dict[str, list[Any]]:
        """The possible answer of call ``index`` (answers are in gold-call order)."""
        answers = self.possible_answer or []
        name = self.calls[index].name
        if index < len(answers) and next(iter(answers[index])) == name:
            return next(iter(answers[index].values()))
        for answer in answers:
            if next(iter(answer)) == name:
                return next(iter(answer.values()))
        return {}

    def render(self, calls: list[Call]) -> str:
        if self.language is Language.PYTHON:
            return calls_to_python_call_list(calls)
        parts = []
        for call in calls:
            args = ", ".join(f"{k}={self._source(call.name, k, v)}" for k, v in call.arguments.items())
            parts.append(f"{call.name}({args})")
        return "[" + ", ".join(parts) + "]"

    def _source(self, name: str, param: str, value: Any) -> str:
        # Java/JS gold values are what BFCL's decoder returns: source text, except that a
        # top-level string literal loses its quotes.
        if self.declared(name, param) in ("String", "string", "") or not isinstance(value, str):
            return json.dumps(value, ensure_ascii=False)
        return value

    def ambiguous(self) -> bool:
        """Does some gold call satisfy more than one possible answer? (BFCL pairs greedily, so
        a reordering can then fail legitimately.)"""
        answers = self.possible_answer or []
        return any(sum(call_matches(c.name, c.arguments, a) for a in answers) > 1 for c in self.calls)


def _replace(calls: list[Call], index: int, arguments: dict[str, Any], name: str | None = None) -> list[Call]:
    out = list(calls)
    out[index] = Call(name or calls[index].name, arguments)
    return out


def _call_verdict(case: Case, calls: list[Call], meaning_preserved: bool) -> bool:
    if case.checker is Checker.RELEVANCE:
        return bool(calls)  # relevance: any call passes
    return meaning_preserved


def _params(case: Case, keep: Callable[[int, str, Any], bool]) -> list[tuple[int, str]]:
    return [(i, p) for i, c in enumerate(case.calls) for p, v in c.arguments.items() if isinstance(p, str) and keep(i, p, v)]


# --- meaning-changing ----------------------------------------------------------------------------


def _required_params(case: Case) -> list[tuple[int, str]]:
    return _params(case, lambda i, p, v: p in case.required(case.calls[i].name))


def drop_required(case: Case, data: Draw) -> Mutant | None:
    options = _required_params(case)
    if not options:
        return None
    i, param = data.draw(st.sampled_from(options), label="param")
    arguments = {k: v for k, v in case.calls[i].arguments.items() if k != param}
    calls = _replace(case.calls, i, arguments)
    return Mutant("drop_required", case.render(calls), _call_verdict(case, calls, False), detail=f"{case.calls[i].name}.{param}")


_TYPE_SWAPS: dict[str, Callable[[Any], list[Any]]] = {
    "string": lambda v: [7, [v], True],
    "integer": lambda v: [str(v), float(v), [v]],
    "float": lambda v: [str(v), [v], True],
    "boolean": lambda v: [str(v).lower(), int(v)],
    "array": lambda v: [json.dumps(v), {"items": v}],
    "dict": lambda v: [json.dumps(v), [v]],
}


def _typed_params(case: Case) -> list[tuple[int, str]]:
    if case.language is not Language.PYTHON:
        return []
    return _params(case, lambda i, p, v: case.declared(case.calls[i].name, p) in _TYPE_SWAPS)


def change_type(case: Case, data: Draw) -> Mutant | None:
    options = _typed_params(case)
    if not options:
        return None
    i, param = data.draw(st.sampled_from(options), label="param")
    value = case.calls[i].arguments[param]
    swapped = data.draw(st.sampled_from(_TYPE_SWAPS[case.declared(case.calls[i].name, param)](value)), label="value")
    alternatives = case.answer_for(i).get(param, [])
    if any(type(a) is type(swapped) and a == swapped for a in alternatives):
        return None  # BFCL's "variable" rule: a value of the answer's own type is compared as is
    calls = _replace(case.calls, i, {**case.calls[i].arguments, param: swapped})
    return Mutant("change_type", case.render(calls), _call_verdict(case, calls, False),
                  detail=f"{case.calls[i].name}.{param}: {value!r} -> {swapped!r}")  # fmt: skip


_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def _perturb(value: Any, data: Draw) -> Any:
    """A value that differs in meaning (the caller checks it against every alternative)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + data.draw(st.integers(1, 1000), label="delta") * data.draw(st.sampled_from([1, -1]), label="sign")
    if isinstance(value, float):
        return round(value + data.draw(st.integers(1, 1000), label="delta") / 4 * data.draw(st.sampled_from([1, -1])), 6)
    if isinstance(value, str):
        position = data.draw(st.integers(0, len(value)), label="position")
        return value[:position] + data.draw(st.sampled_from(_ALNUM), label="char") + value[position:]
    if isinstance(value, list):
        if value and data.draw(st.booleans(), label="drop item"):
            index = data.draw(st.integers(0, len(value) - 1), label="item")
            return value[:index] + value[index + 1:]
        if value:
            index = data.draw(st.integers(0, len(value) - 1), label="item")
            return value[:index] + [_perturb(value[index], data)] + value[index + 1:]
        return value + ["extra"]
    if isinstance(value, dict) and value:
        key = data.draw(st.sampled_from(sorted(value, key=str)), label="key")
        return {**value, key: _perturb(value[key], data)}
    return None


def _perturb_source(source: str, declared: str, data: Draw) -> str | None:
    """Java/JS source text of a number or boolean, changed in meaning."""
    if declared in ("boolean", "Boolean") and source in ("true", "false"):
        return "false" if source == "true" else "true"
    suffix = source[-1] if source[-1:] in ("L", "f", "d", "F", "D") else ""
    body = source[: len(source) - len(suffix)]
    try:
        number: int | float = int(body)
    except ValueError:
        try:
            number = float(body)
        except ValueError:
            return None
    changed = _perturb(number, data)
    return f"{changed}{suffix}"


def perturb_value(case: Case, data: Draw) -> Mutant | None:
    options = _params(case, lambda i, p, v: v is not None)
    if not options:
        return None
    i, param = data.draw(st.sampled_from(options), label="param")
    value = case.calls[i].arguments[param]
    declared = case.declared(case.calls[i].name, param)
    if case.language is not Language.PYTHON and declared not in ("String", "string"):
        changed = _perturb_source(value, declared, data) if isinstance(value, str) and value else None
        if changed is None or changed == value:
            return None
    else:
        changed = _perturb(value, data)
        if changed is None or accepted(changed, case.answer_for(i).get(param, [])):
            return None  # the change happens to be another acceptable value: not a mutant
    calls = _replace(case.calls, i, {**case.calls[i].arguments, param: changed})
    return Mutant("perturb_value", case.render(calls), _call_verdict(case, calls, False),
                  detail=f"{case.calls[i].name}.{param}: {value!r} -> {changed!r}")  # fmt: skip


def rename_function(case: Case, data: Draw) -> Mutant | None:
    if not case.calls:
        return None
    i = data.draw(st.integers(0, len(case.calls) - 1), label="call")
    name = case.calls[i].name
    others = sorted(n for n in case.docs if n != name)
    new = data.draw(st.sampled_from(others + [name + "_v2", name + "s"]), label="name")
    calls = _replace(case.calls, i, dict(case.calls[i].arguments), new)
    return Mutant("rename_function", case.render(calls), _call_verdict(case, calls, False), detail=f"{name} -> {new}")


def add_call(case: Case, data: Draw) -> Mutant | None:
    if case.checker is Checker.IRRELEVANCE:
        return _call_on_abstention(case, data)
    if case.language is not Language.PYTHON or not case.calls:
        return None  # BFCL's Java/JS decoders read one call only; no rule to state here
    source = data.draw(st.integers(0, len(case.calls) - 1), label="copy of")
    position = data.draw(st.integers(0, len(case.calls)), label="at")
    calls = case.calls[:position] + [case.calls[source]] + case.calls[position:]
    return Mutant("add_call", case.render(calls), _call_verdict(case, calls, False), detail=f"duplicate of call {source}")


def _call_on_abstention(case: Case, data: Draw) -> Mutant | None:
    """An abstention sample answered with a call: a call list fails; a call list inside prose
    does not decode in official mode (BFCL then sees no call), but does in lenient mode."""
    if not case.docs:
        return None
    name = data.draw(st.sampled_from(sorted(case.docs)), label="function")
    params = (case.docs[name].get("parameters") or {}).get("properties") or {}
    arguments = {p: "x" for p in case.required(name) if p in params and str(p).isidentifier()}
    try:
        text = calls_to_python_call_list([Call(name, arguments)])
    except ValueError:
        return None
    if data.draw(st.booleans(), label="in prose"):
        return Mutant("add_call", f"I will call it now: {text} Done!", True, False, detail=f"{name} in prose")
    return Mutant("add_call", text, False, False, detail=name)


def drop_call(case: Case, data: Draw) -> Mutant | None:
    if not case.calls:
        return None
    i = data.draw(st.integers(0, len(case.calls) - 1), label="call")
    calls = case.calls[:i] + case.calls[i + 1:]
    text = case.render(calls) if calls else "[]"
    return Mutant("drop_call", text, _call_verdict(case, calls, False), detail=f"without {case.calls[i].name}")


def add_unknown_param(case: Case, data: Draw) -> Mutant | None:
    if not case.calls:
        return None
    i = data.draw(st.integers(0, len(case.calls) - 1), label="call")
    props = (case.docs.get(case.calls[i].name, {}).get("parameters") or {}).get("properties") or {}
    param = data.draw(st.sampled_from(["extra", "verbose", "unexpected_option"]), label="param")
    if param in props:
        return None
    calls = _replace(case.calls, i, {**case.calls[i].arguments, param: "x"})
    return Mutant("add_unknown_param", case.render(calls), _call_verdict(case, calls, False), detail=f"{case.calls[i].name}.{param}")


# --- meaning-preserving ----------------------------------------------------------------------------


def reorder_calls(case: Case, data: Draw) -> Mutant | None:
    if case.checker is not Checker.PARALLEL or len(case.calls) < 2 or case.ambiguous():
        return None
    order = list(data.draw(st.permutations(range(len(case.calls))), label="order"))
    if order == list(range(len(case.calls))):
        order.reverse()  # the identity is no mutant; its reverse is (and is what shrinking reaches)
    calls = [case.calls[j] for j in order]
    return Mutant("reorder_calls", case.render(calls), True, detail=f"order {list(order)}")


_STRING_FORMS: dict[str, Callable[[str], str]] = {
    "lower": str.lower, "upper": str.upper, "spaces to underscores": lambda s: s.replace(" ", "_"),
    "spaces to hyphens": lambda s: s.replace(" ", "-"), "no spaces": lambda s: s.replace(" ", ""),
    "trailing period": lambda s: s + ".",
}  # fmt: skip


def _string_params(case: Case) -> list[tuple[int, str]]:
    def fits(i: int, p: str, v: Any) -> bool:
        alternatives = [a for a in case.answer_for(i).get(p, []) if a != ""]
        return (isinstance(v, str) and any(ch.isalpha() for ch in v) and case.declared(case.calls[i].name, p) in ("string", "String")
                and bool(alternatives) and all(isinstance(a, str) for a in alternatives))  # fmt: skip

    return _params(case, fits)


def string_equivalent(case: Case, data: Draw) -> Mutant | None:
    options = _string_params(case)
    if not options:
        return None
    i, param = data.draw(st.sampled_from(options), label="param")
    form = data.draw(st.sampled_from(sorted(_STRING_FORMS)), label="form")
    value = case.calls[i].arguments[param]
    changed = _STRING_FORMS[form](value)
    if changed == value or bfcl_string(changed) != bfcl_string(value):
        return None
    calls = _replace(case.calls, i, {**case.calls[i].arguments, param: changed})
    return Mutant("string_equivalent", case.render(calls), True, detail=f"{case.calls[i].name}.{param}: {form}")


def _integral_float_params(case: Case) -> list[tuple[int, str]]:
    def fits(i: int, p: str, v: Any) -> bool:
        return (case.language is Language.PYTHON and case.declared(case.calls[i].name, p) == "float"
                and type(v) is float and math.isfinite(v) and v.is_integer() and abs(v) < 1e15)  # fmt: skip

    return _params(case, fits)


def int_for_float(case: Case, data: Draw) -> Mutant | None:
    options = _integral_float_params(case)
    if not options:
        return None
    i, param = data.draw(st.sampled_from(options), label="param")
    value = case.calls[i].arguments[param]
    calls = _replace(case.calls, i, {**case.calls[i].arguments, param: int(value)})
    return Mutant("int_for_float", case.render(calls), True, detail=f"{case.calls[i].name}.{param}: {value!r} -> {int(value)!r}")


def _omittable_params(case: Case) -> list[tuple[int, str]]:
    return _params(case, lambda i, p, v: p not in case.required(case.calls[i].name) and "" in case.answer_for(i).get(p, []))


def drop_optional(case: Case, data: Draw) -> Mutant | None:
    options = _omittable_params(case)
    if not options:
        return None
    i, param = data.draw(st.sampled_from(options), label="param")
    calls = _replace(case.calls, i, {k: v for k, v in case.calls[i].arguments.items() if k != param})
    return Mutant("drop_optional", case.render(calls), True, detail=f"{case.calls[i].name}.{param} left to its default")


# --- wrappers ------------------------------------------------------------------------------------

# (text template, transparent to the official decoder)
_WRAPPERS: dict[str, tuple[str, bool]] = {
    "whitespace": ("\n  {}  \n", True),
    "bare fence": ("```\n{}\n```", True),
    "tagged fence": ("```python\n{}\n```", False),
    "prose before": ("Sure, here is the call you need: {}", False),
    "prose after": ("{} Let me know if you need anything else!", False),
}


def wrap(case: Case, data: Draw) -> Mutant | None:
    names = sorted(_WRAPPERS)
    if case.language is not Language.PYTHON:
        names = ["bare fence", "whitespace"]  # the Java/JS grammars may parse prose; no rule to state
    name = data.draw(st.sampled_from(names), label="wrapper")
    template, transparent = _WRAPPERS[name]
    text = template.format(case.text)
    if case.checker is Checker.IRRELEVANCE:
        return Mutant("wrap", text, True, True, detail=name)  # still no call
    return Mutant("wrap", text, transparent, True, detail=name)


# kind -> (operator, meaning)
OPERATORS: dict[str, tuple[Callable[[Case, Draw], Mutant | None], str]] = {
    "drop_required": (drop_required, "changing"),
    "change_type": (change_type, "changing"),
    "perturb_value": (perturb_value, "changing"),
    "rename_function": (rename_function, "changing"),
    "add_call": (add_call, "changing"),
    "drop_call": (drop_call, "changing"),
    "add_unknown_param": (add_unknown_param, "changing"),
    "reorder_calls": (reorder_calls, "preserving"),
    "string_equivalent": (string_equivalent, "preserving"),
    "int_for_float": (int_for_float, "preserving"),
    "drop_optional": (drop_optional, "preserving"),
    "wrap": (wrap, "wrapper"),
}

# Which cases an operator can apply to at all (so Hypothesis draws only those).
APPLIES: dict[str, Callable[[Case], bool]] = {
    "drop_required": lambda c: bool(_required_params(c)),
    "change_type": lambda c: bool(_typed_params(c)),
    "perturb_value": lambda c: any(x.arguments for x in c.calls),
    "rename_function": lambda c: bool(c.calls),
    "add_call": lambda c: c.checker is Checker.IRRELEVANCE or (c.language is Language.PYTHON and bool(c.calls)),
    "drop_call": lambda c: bool(c.calls),
    "add_unknown_param": lambda c: bool(c.calls),
    "reorder_calls": lambda c: c.checker is Checker.PARALLEL and len(c.calls) > 1 and not c.ambiguous(),
    "string_equivalent": lambda c: bool(_string_params(c)),
    "int_for_float": lambda c: bool(_integral_float_params(c)),
    "drop_optional": lambda c: bool(_omittable_params(c)),
    "wrap": lambda c: True,
}

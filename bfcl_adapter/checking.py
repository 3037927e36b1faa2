"""The AST checker: BFCL's verdicts and error types, reimplemented.

Semantics follow bfcl-eval 2026.3.23 (``eval_checker/ast_eval/ast_checker.py`` and the runner
in ``eval_checker/eval_runner.py``) case for case; ``tests/test_conformance.py`` compares every
verdict with the official checker's. Notable rules reproduced here:

* a parameter must be in the function doc *and* in the possible answer, else it is unexpected;
* ``int`` is accepted for a Python ``float``; a value whose type matches the possible answer's
  type rather than the doc's is a "variable" and is compared by plain equality;
* strings are compared after removing spaces and ``,./-_*^``, lower-casing, ``'`` -> ``"``;
* parallel calls are matched greedily in the possible answers' order;
* Java / JavaScript values arrive as source strings and are converted per declared type first.

Where the official checker raises (for example an unconvertible Java ``Set``), so do we: such
cases have no official verdict to agree with.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from .categories import Category, Checker, Language
from .decoding import decode
from .types import Call, DecodeError, Verdict

_PYTHON_TYPES: dict[str, type] = {
    "string": str,
    "integer": int,
    "float": float,
    "boolean": bool,
    "array": list,
    "tuple": list,
    "dict": dict,
    "any": str,
}
_PYTHON_NESTED = ("array", "tuple")
_JAVA_JS_NESTED = ("Array", "ArrayList", "array")
_NORMALIZE = re.compile(r"[ \,\.\/\-\_\*\^]")


def normalize_string(text: str) -> str:
    """BFCL's string normal form.

    >>> normalize_string("April 1, 2024")
    'april12024'
    >>> normalize_string("it's")
    'it"s'
    """
    return _NORMALIZE.sub("", text).lower().replace("'", '"')


def _normalized(value: Any) -> Any:
    return normalize_string(value) if type(value) is str else value


def _normalized_items(sequence: Any) -> list[Any]:
    # Index-based on purpose: a possible answer that is a string is walked char by char, as in BFCL.
    return [_normalized(sequence[i]) for i in range(len(sequence))]


# --- entry points -------------------------------------------------------------------------------


def score_case(
    category: Category,
    raw_result: Any,
    functions: list[dict[str, Any]],
    possible_answer: list[Any] | None,
    mode: str = "official",
) -> Verdict:
    """Decode one raw model output and judge it against the entry, as BFCL's runner does."""
    checker = category.checker
    if checker in (Checker.IRRELEVANCE, Checker.RELEVANCE):
        try:
            called = len(decode(raw_result, Language.PYTHON, mode)) > 0
        except DecodeError:
            called = False
        if checker is Checker.IRRELEVANCE:
            if called:
                return Verdict.fail("irrelevance_error:decoder_success", "a call was made")
            return Verdict.ok()
        if not called:
            return Verdict.fail("relevance_error:decoder_failed", "no call was made")
        return Verdict.ok()
    if not category.is_ast:
        raise ValueError(f"{category.value} is not checked by the AST checker")
    try:
        calls = decode(raw_result, category.language, mode)
    except DecodeError as exc:
        return Verdict.fail(f"ast_decoder:{exc.kind}", str(exc))
    assert possible_answer is not None, f"{category.value} entries have possible answers"
    return check_calls(category, calls, functions, possible_answer)


def check_calls(
    category: Category,
    calls: Sequence[Call],
    functions: list[dict[str, Any]],
    possible_answer: list[Any],
) -> Verdict:
    """Judge decoded calls against the possible answers of an AST category."""
    language = category.language
    checker = category.checker
    if checker is Checker.PARALLEL:
        return _check_parallel(functions, calls, possible_answer, language)
    if checker is Checker.MULTIPLE:
        if len(calls) != len(possible_answer):
            return Verdict.wrong_count("multiple_function_checker:wrong_count", len(calls), len(possible_answer))
        expected = possible_answer[0]
        doc = _find_doc(functions, next(iter(expected)))
        return _check_one(doc, calls[0], expected, language)
    if len(calls) != 1:
        return Verdict.wrong_count("simple_function_checker:wrong_count", len(calls), 1)
    return _check_one(functions[0], calls[0], possible_answer[0], language)


def _find_doc(functions: Any, name: str) -> Any:
    if isinstance(functions, list):
        return next((doc for doc in functions if doc["name"] == name), None)
    return functions


def _check_parallel(
    functions: list[dict[str, Any]], calls: Sequence[Call], answers: list[Any], language: Language
) -> Verdict:
    if len(calls) != len(answers):
        return Verdict.wrong_count("parallel_function_checker_no_order:wrong_count", len(calls), len(answers))
    matched: set[int] = set()
    for answer_index, expected in enumerate(answers):
        doc = _find_doc(functions, next(iter(expected)))
        verdict: Verdict | None = None
        for call_index, call in enumerate(calls):
            if call_index in matched:
                continue
            verdict = _check_one(doc, call, expected, language)
            if verdict.valid:
                matched.add(call_index)
                break
        if verdict is not None and not verdict.valid:
            return Verdict.fail(
                "parallel_function_checker_no_order:cannot_find_match",
                f"no call matches possible answer {answer_index}",
            )
    return Verdict.ok()


# --- one call against one possible answer -------------------------------------------------------


class _Failure(Exception):
    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict


def _fail(error_type: str, message: str) -> _Failure:
    return _Failure(Verdict.fail(error_type, message))


def _check_one(doc: dict[str, Any], call: Call, expected: dict[str, Any], language: Language) -> Verdict:
    try:
        _check_call(doc, call, next(iter(expected.values())), language)
    except _Failure as failure:
        return failure.verdict
    return Verdict.ok()


def _check_call(doc: dict[str, Any], call: Call, answer: dict[str, list[Any]], language: Language) -> None:
    name = doc["name"]
    properties = doc["parameters"]["properties"]
    if call.name != name:
        raise _fail("simple_function_checker:wrong_func_name", f"function {name!r} not called")
    arguments = call.arguments
    for param in doc["parameters"]["required"]:
        if param not in arguments:
            raise _fail("simple_function_checker:missing_required", f"missing {param!r}")

    for param, value in arguments.items():
        if param not in properties or param not in answer:
            raise _fail("simple_function_checker:unexpected_param", f"unexpected {param!r}")
        declared = properties[param]["type"]
        acceptable = answer[param]
        value, expected_type, item_type = _typed_value(param, value, declared, properties[param], language)
        if declared == "tuple" and type(value) is tuple:
            value = list(value)  # the answers went through JSON, where tuples become lists
        if language is Language.PYTHON and declared == "float" and type(value) is int:
            value = float(value)
        is_variable = _check_type(value, acceptable, expected_type, item_type)
        if not is_variable:
            if expected_type is dict:
                _check_dict(value, acceptable)
                continue
            if expected_type is list and item_type is dict:
                _check_list_of_dicts(value, acceptable)
                continue
            if expected_type is str:
                if normalize_string(value) not in [
                    normalize_string(a) for a in acceptable if type(a) is str
                ]:
                    raise _fail("value_error:string", f"wrong value for {param!r}: {value!r}")
                continue
            if expected_type is list:
                normalized = _normalized_items(list(value))
                if normalized not in [_normalized_items(a) for a in acceptable]:
                    raise _fail("value_error:list/tuple", f"wrong value for {param!r}: {value!r}")
                continue
        if value not in acceptable:
            raise _fail("value_error:others", f"wrong value for {param!r}: {value!r}")

    for param, acceptable in answer.items():
        if param not in arguments and "" not in acceptable:
            raise _fail("simple_function_checker:missing_optional", f"{param!r} not given")


def _typed_value(
    param: Any, value: Any, declared: str, schema: dict[str, Any], language: Language
) -> tuple[Any, type, type | None]:
    """The value as the checker compares it, its expected type and its item type (for arrays)."""
    if language is Language.PYTHON:
        expected = _PYTHON_TYPES[declared]
        item = _PYTHON_TYPES[schema["items"]["type"]] if declared in _PYTHON_NESTED else None
        return value, expected, item

    from . import _java_js

    if language is Language.JAVA:
        table, convert, error = _java_js.JAVA_TYPES, _java_js.convert_java_value, "type_error:java"
    else:
        table, convert, error = _java_js.JS_TYPES, _java_js.convert_js_value, "type_error:js"
    expected = table[declared]
    if type(value) is not str:
        raise _fail(error, f"{param!r} must be given as source text, got {type(value).__name__}")
    if declared in _JAVA_JS_NESTED:
        item_declared = schema["items"]["type"]
        return convert(value, declared, item_declared), expected, table[item_declared]
    return convert(value, declared), expected, None


def _answer_type(acceptable: Sequence[Any]) -> type | None:
    """Type of the first non-optional possible answer ("" marks an omittable parameter)."""
    for answer in acceptable:
        if answer != "":
            return type(answer)
    return None


def _check_type(value: Any, acceptable: Any, expected: type, item_type: type | None) -> bool:
    """Raise on a type error; return True when the value is a "variable" (see module doc)."""
    answer_type = _answer_type(acceptable)
    is_variable = answer_type is not None and answer_type is not expected
    if type(value) is expected:
        if item_type is None:
            return is_variable
        for candidate in acceptable:
            if type(candidate) is list and not all(
                _item_type_ok(item, candidate, item_type) for item in value
            ):
                continue
            return is_variable
        # No possible answer accepts the item types.
        if answer_type is not None and type(value) is answer_type:
            raise _fail("type_error:nested", "array items have the wrong type")
        raise _fail("type_error:simple", "array items have the wrong type")
    if answer_type is not None and type(value) is answer_type:
        return True
    raise _fail("type_error:simple", f"expected {expected.__name__}, got {type(value).__name__}")


def _item_type_ok(item: Any, candidate: list[Any], item_type: type) -> bool:
    if type(item) is item_type:
        return True
    candidate_type = _answer_type(candidate)
    return candidate_type is not None and type(item) is candidate_type


def _check_dict(value: dict[Any, Any], acceptable: list[Any]) -> None:
    failure = _fail("dict_checker:unclear", "no possible answer matches")
    for answer in acceptable:
        if answer == "":
            continue
        failure = None
        for key, item in value.items():
            if key not in answer:
                failure = _fail("value_error:dict_key", f"unexpected key {key!r}")
                break
            if _normalized(item) not in _normalized_items(answer[key]):
                failure = _fail("value_error:dict_value", f"wrong value for key {key!r}")
                break
        # Runs even after a failure above, and its error type then wins, as in BFCL.
        for key, options in answer.items():
            if key not in value and "" not in options:
                failure = _fail("value_error:dict_key", f"missing key {key!r}")
                break
        if failure is None:
            return
    raise failure


def _check_list_of_dicts(value: list[Any], acceptable: list[Any]) -> None:
    failure = _fail("list_dict_checker:unclear", "no possible answer matches")
    for answer in acceptable:
        if len(value) != len(answer):
            failure = _fail("value_error:list_dict_count", "wrong number of dicts")
            continue
        try:
            for index, item in enumerate(value):
                _check_dict(item, [answer[index]])
        except _Failure as exc:
            failure = exc
            continue
        return
    raise failure

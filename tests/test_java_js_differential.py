"""Differential test: our Java/JS decoders and converters against the official BFCL code.

Skipped when ``bfcl_eval`` (installed --no-deps by ``make setup``) is not importable. The
official ``model_handler.utils`` module pulls in dependencies we do not install, so the two
lines of its prompting-mode clean-up are restated in ``_official_decode``.
"""

from __future__ import annotations

from typing import Any, Callable

import pytest

official_java = pytest.importorskip("bfcl_eval.model_handler.parser.java_parser")
official_js = pytest.importorskip("bfcl_eval.model_handler.parser.js_parser")
official_java_conv = pytest.importorskip(
    "bfcl_eval.eval_checker.ast_eval.type_convertor.java_type_converter"
)
official_js_conv = pytest.importorskip(
    "bfcl_eval.eval_checker.ast_eval.type_convertor.js_type_converter"
)
official_types = pytest.importorskip("bfcl_eval.constants.type_mappings")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bfcl_adapter._java_js import (  # noqa: E402
    JAVA_TYPES,
    JS_TYPES,
    convert_java_value,
    convert_js_value,
    decode_java,
    decode_javascript,
)
from bfcl_adapter.types import DecodeError  # noqa: E402

SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


# ---------------------------------------------------------------- official reference outcome


def _official_decode(parse: Callable[[str], Any], text: str) -> tuple[str, Any]:
    """What the official runner records: ("ok", calls) or ("error", kind)."""
    result = text.strip("`\n ")
    if not result.startswith("["):
        result = "[" + result
    if not result.endswith("]"):
        result = result + "]"
    try:
        decoded = parse(result[1:-1])
    except Exception:
        return ("error", "decoder_failed")
    if type(decoded) is not list:
        return ("error", "decoder_wrong_output_format")
    return ("ok", decoded)


def _our_decode(decode: Callable[[str], Any], text: str) -> tuple[str, Any]:
    try:
        calls = decode(text)
    except DecodeError as exc:
        return ("error", exc.kind)
    return ("ok", [call.to_bfcl() for call in calls])


def _outcome(fn: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    try:
        value = fn(*args)
    except Exception as exc:  # compare the exception type only
        return ("raise", type(exc))
    return ("value", type(value), value)


def _same_value(ours: tuple[str, Any], theirs: tuple[str, Any]) -> bool:
    # repr, not ==: it tells True from 1 and -0.0 from 0.0, keeps dict order, and NaN == NaN.
    return repr(ours) == repr(theirs)


# ---------------------------------------------------------------- generators

IDENT = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True)
QUALIFIED = st.lists(IDENT, min_size=1, max_size=3).map(".".join)
NUMBER = st.from_regex(
    r"-?[0-9]{1,4}(\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?[fFlLdDn]?", fullmatch=True
)
SHORT_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
JAVA_TYPE_NAME = st.sampled_from(
    ["int", "String", "Integer", "double", "long", "char", "Object", "boolean", "float"]
)


def _literals() -> st.SearchStrategy[str]:
    return st.one_of(
        NUMBER,
        SHORT_TEXT.map(lambda s: '"' + s.replace('"', "").replace("\\", "") + '"'),
        SHORT_TEXT.map(lambda s: "'" + s.replace("'", "").replace("\\", "")[:1] + "'"),
        st.sampled_from(
            ["true", "false", "null", "12L", "3.5f", '"abc"', "'c'", "undefined", "1e3", "0x1F"]
        ),
        IDENT,
    )


def _java_values() -> st.SearchStrategy[str]:
    lit = _literals()
    lists = st.lists(lit, max_size=4).map(", ".join)
    return st.one_of(
        lit,
        st.tuples(JAVA_TYPE_NAME, lists).map(lambda t: f"new {t[0]}[]{{{t[1]}}}"),
        st.tuples(JAVA_TYPE_NAME, st.integers(0, 9)).map(lambda t: f"new {t[0]}[{t[1]}]"),
        st.tuples(JAVA_TYPE_NAME, lists).map(
            lambda t: f"new ArrayList<{t[0]}>(Arrays.asList({t[1]}))"
        ),
        st.tuples(JAVA_TYPE_NAME, lists).map(
            lambda t: f"new ArrayList<{t[0]}>() {{{{ "
            + " ".join(f"add({x});" for x in t[1].split(", ") if x)
            + " }}"
        ),
        st.tuples(st.lists(st.tuples(SHORT_TEXT, lit), max_size=3)).map(
            lambda t: "new HashMap<String, Object>(){{"
            + "".join(
                f'put("{k.replace(chr(34), "").replace(chr(92), "")}", {v});' for k, v in t[0]
            )
            + "}}"
        ),
        st.sampled_from(
            [
                "new HashMap<>()",
                "String.class",
                "obj.method(1)",
                "a + b",
                "(x) -> x",
                "new Foo(1, /*c*/ 2)",
                "new int[][]{{1,2},{3}}",
                'Map.of("a", 1)',
                "-5",
                "new Object()",
            ]
        ),
        QUALIFIED,
    )


def _js_values() -> st.SearchStrategy[str]:
    lit = _literals()
    lists = st.lists(lit, max_size=4).map(", ".join)
    return st.one_of(
        lit,
        lists.map(lambda s: f"[{s}]"),
        lists.map(lambda s: f"new Array({s})"),
        st.lists(lists.map(lambda s: f"[{s}]"), max_size=3).map(
            lambda rows: "[" + ", ".join(rows) + "]"
        ),
        st.lists(st.tuples(IDENT, lit), max_size=3).map(
            lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"
        ),
        st.sampled_from(
            ["{}", "`tpl`", "() => 1", "a.b.c", "x => x * 2", "null", "new Date()", "[1, [2, 3]]"]
        ),
        QUALIFIED,
    )


def _call(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    argument = st.one_of(
        st.tuples(IDENT, values).map(lambda t: f"{t[0]}={t[1]}"),
        st.tuples(IDENT, values).map(lambda t: f"{t[0]} = {t[1]}"),
        values,
    )
    call = st.tuples(QUALIFIED, st.lists(argument, max_size=4)).map(
        lambda t: f"{t[0]}({', '.join(t[1])})"
    )
    calls = st.lists(call, min_size=1, max_size=2).map(", ".join)
    noise = st.sampled_from(["", "`", "```", "\n", " ", "[", "]", "```java\n", ";", "```\n"])
    wrapped = st.tuples(noise, st.booleans(), calls, st.booleans(), noise).map(
        lambda t: f"{t[0]}{'[' if t[1] else ''}{t[2]}{']' if t[3] else ''}{t[4]}"
    )
    bracketed = call.map(lambda c: f"[{c}]")
    return st.one_of(call, bracketed, wrapped, wrapped, SHORT_TEXT, st.text(max_size=30))


# ---------------------------------------------------------------- properties


@SETTINGS
@given(_call(_java_values()))
def test_decode_java_matches_official(text: str) -> None:
    ours = _our_decode(decode_java, text)
    assert repr(ours) == repr(_official_decode(official_java.parse_java_function_call, text))


@SETTINGS
@given(_call(_js_values()))
def test_decode_javascript_matches_official(text: str) -> None:
    ours = _our_decode(decode_javascript, text)
    assert repr(ours) == repr(_official_decode(official_js.parse_javascript_function_call, text))


def test_tables_match_official() -> None:
    assert JAVA_TYPES == official_types.JAVA_TYPE_CONVERSION
    assert JS_TYPES == official_types.JS_TYPE_CONVERSION


TYPE_NAME_NOISE = ["", "int", "list", "str"]


@SETTINGS
@given(
    st.one_of(_java_values(), st.text(max_size=20)),
    st.sampled_from(sorted(JAVA_TYPES) + TYPE_NAME_NOISE),
    st.one_of(st.none(), st.sampled_from(sorted(JAVA_TYPES) + TYPE_NAME_NOISE)),
)
def test_java_converter_matches_official(value: str, expected: str, nested: str | None) -> None:
    ours = _outcome(convert_java_value, value, expected, nested)
    theirs = _outcome(official_java_conv.java_type_converter, value, expected, nested)
    assert _same_value(ours, theirs)


@SETTINGS
@given(
    st.one_of(_js_values(), st.text(max_size=20)),
    st.sampled_from(sorted(JS_TYPES) + TYPE_NAME_NOISE),
    st.one_of(st.none(), st.sampled_from(sorted(JS_TYPES) + TYPE_NAME_NOISE)),
)
def test_js_converter_matches_official(value: str, expected: str, nested: str | None) -> None:
    ours = _outcome(convert_js_value, value, expected, nested)
    theirs = _outcome(official_js_conv.js_type_converter, value, expected, nested)
    assert _same_value(ours, theirs)


@SETTINGS
@given(st.one_of(_java_values(), _js_values()))
def test_every_type_on_each_argument(value: str) -> None:
    """Each decoded-looking value through every table type, nested or not."""
    for expected in JAVA_TYPES:
        for nested in (None, "String", "char", "integer", "long", "float", "Array"):
            ours = _outcome(convert_java_value, value, expected, nested)
            theirs = _outcome(official_java_conv.java_type_converter, value, expected, nested)
            assert _same_value(ours, theirs), (expected, nested)
    for expected in JS_TYPES:
        for nested in (None, *JS_TYPES):
            ours = _outcome(convert_js_value, value, expected, nested)
            theirs = _outcome(official_js_conv.js_type_converter, value, expected, nested)
            assert _same_value(ours, theirs), (expected, nested)

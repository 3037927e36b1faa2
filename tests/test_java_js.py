"""Java/JavaScript decoding and conversion: fixed cases whose expected values were produced by
running the official bfcl_eval 2026.3.23 functions (tree-sitter 0.21.3, tree-sitter-java 0.21.0,
tree-sitter-javascript 0.21.4). Many expectations look wrong on purpose: they are BFCL's."""

from __future__ import annotations

import math
import subprocess
import sys
from typing import Any

import pytest

from bfcl_adapter._java_js import (
    JAVA_TYPES,
    JS_TYPES,
    convert_java_value,
    convert_js_value,
    decode_java,
    decode_javascript,
)
from bfcl_adapter.types import DecodeError

FAILED = "decoder_failed"
WRONG_FORMAT = "decoder_wrong_output_format"


def _decoded(decode: Any, text: str) -> Any:
    """The decoded calls in BFCL's shape, or the failure kind."""
    try:
        return [call.to_bfcl() for call in decode(text)]
    except DecodeError as exc:
        return exc.kind


JAVA_DECODE_CASES = [
    ("[Foo.bar(a=1, b=2)]", [{"Foo.bar": {"a": "1", "b": "2"}}]),
    ('func(a="x", b=new int[]{1, 2})', [{"func": {"a": "x", "b": "new int[]{1,2}"}}]),
    # Byte offsets applied to a str: non-ASCII text garbles the arguments.
    ('```\n[f(a="é", b=x)]\n```', [{"f": {"a": 'é"', "=": ")"}}]),
    ('f(a="😀", b=c)', [{"f": {"a": '😀", ', ")": ""}}]),
    # tree-sitter-java's error recovery: a lone short call without ';' is an ERROR.
    ("f(a=1)", FAILED),
    ("f(a=1);", [{"f": {"a": "1"}}]),
    # The anonymous class body of a HashMap is dropped.
    (
        'f(a=new HashMap<String, Integer>(){{put("k", 1);}}, b=2)',
        [{"f": {"a": "new HashMap<String,Integer>()", "b": "2"}}],
    ),
    (
        'g(a=new ArrayList<>(Arrays.asList("a", "b")), b=c)',
        [{"g": {"a": 'new ArrayList<>(Arrays.asList("a", "b"))', "b": "c"}}],
    ),
    ("g(x, y)", FAILED),  # two positional identifiers collide under the None key
    ("g(a=1, a=2)", FAILED),
    ("g(a=new int[3], b=1)", FAILED),  # array without initialiser
    ("g(a /*c*/ = 1, b=2)", [{"g": {"a": "=", "b": "2"}}]),
    ("g(String.class, b=1)", [{"g": {None: "String.class", "b": "1"}}]),
    ("g(a=h(b=1), c=2)", [{"g": {"a": "h(b=1)", "c": "2"}}]),
    ('g(a="a" + "b", c=2)', [{"g": {"a": '"a"+"b"', "c": "2"}}]),
    ("g(a=1, true, b='c')", [{"g": {"a": "1", "b": "c"}}]),  # positional literal dropped
    ("class A {}", WRONG_FORMAT),
    ("", WRONG_FORMAT),
    ("hello world", WRONG_FORMAT),
    ('f(a="\ud800", b=1)', FAILED),  # not encodable as UTF-8
]

JS_DECODE_CASES = [
    ('[f(a=1, b="x")]', [{"f": {"a": "1", "b": "x"}}]),
    ("obj.f(a=[1, 2], b={k: 1})", [{"obj.f": {"a": "[1, 2]", "b": "{k: 1}"}}]),
    ("f(a='q', true, false, c)", FAILED),  # `true` and `c` collide; `false` is ignored
    ("f(a=1, a=2)", FAILED),
    ("f(x, y)", FAILED),
    ("f(a += 1)", [{"f": {}}]),
    ("f(a /*c*/ = 1)", [{"f": {"a": "="}}]),
    ("x = f(a=1)", WRONG_FORMAT),
    ("(f(a=1))", WRONG_FORMAT),
    ("f(a=1); g(b=2)", [{"f": {"a": "1"}}]),
    ("f?.(a=1)", [{"f": {}}]),
    ("f(a=new int[]{1})", FAILED),
    ("", WRONG_FORMAT),
    ("just text", FAILED),
    ("```\nf(a=1)\n```", [{"f": {"a": "1"}}]),
    ('f(a="é", b=x)', [{"f": {"a": "é", "b": "x"}}]),
]


@pytest.mark.parametrize(("text", "expected"), JAVA_DECODE_CASES)
def test_decode_java(text: str, expected: Any) -> None:
    assert _decoded(decode_java, text) == expected


@pytest.mark.parametrize(("text", "expected"), JS_DECODE_CASES)
def test_decode_javascript(text: str, expected: Any) -> None:
    assert _decoded(decode_javascript, text) == expected


def test_decode_returns_calls() -> None:
    (call,) = decode_java("[Foo.bar(a=1, b=2)]")
    assert (call.name, call.arguments) == ("Foo.bar", {"a": "1", "b": "2"})


def test_import_does_not_load_tree_sitter() -> None:
    code = "import sys, bfcl_adapter._java_js; print('tree_sitter' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


JAVA_CONVERT_CASES = [
    ("12", "integer", None, 12),
    ("-7", "short", None, -7),
    ("12\n", "byte", None, 12),
    ("1.5", "integer", None, "1.5"),
    ("3.5f", "float", None, 3.5),
    ("3e2F", "float", None, 300.0),
    ("3.5", "float", None, "3.5"),
    ("3.5", "double", None, 3.5),
    ("3.5d", "double", None, "3.5d"),
    ("12L", "long", None, 12),
    ("12", "long", None, "12"),
    ("true", "boolean", None, True),
    ("True", "boolean", None, "True"),
    ("'c'", "char", None, "'c'"),  # the char pattern never matches: quotes stay
    ("c", "char", None, "c"),
    ("abc", "String", None, "abc"),
    ('"abc"', "String", None, '"abc"'),
    ("12", "any", None, "12"),
    ("new int[]{1, 2, 3}", "Array", None, [1, 2, 3]),
    ("new int[]{1, 2}", "Array", "integer", [1, 2]),
    ('new String[]{"a", "b"}', "Array", "String", ['"a"', '"b"']),
    ("new long[]{1L, 2, 3L}", "Array", "long", [1, "2", 3]),
    ("int[] x", "Array", None, "int[] x"),
    ("new double[]{1.5, 2}", "Array", None, [1.5, 2]),
    ('new ArrayList<>(Arrays.asList("a", "b"))', "ArrayList", "String", ["a", "b"]),
    ("new ArrayList<>(Arrays.asList(a, b))", "ArrayList", "String", ["", ""]),
    ("new ArrayList<Integer>(Arrays.asList(1, 2L, 3.5f))", "ArrayList", None, [1, 2, 3.5]),
    ("new ArrayList<Character>() {{ add('a'); add('b'); }}", "ArrayList", "char", ["a", "b"]),
    ("new ArrayList<>()", "ArrayList", None, []),
    ("Arrays.asList(1)", "ArrayList", None, "Arrays.asList(1)"),
    (
        'new HashMap<String, Object>() {{ put("k1", 1); put("k2", "v"); put("k3", true); }}',
        "HashMap",
        None,
        {"k1": 1, "k2": "v", "k3": True},
    ),
    ("new HashMap<String,Integer>()", "HashMap", "integer", {}),
    ("Map.of()", "HashMap", None, "Map.of()"),
]


@pytest.mark.parametrize(("value", "expected_type", "nested", "expected"), JAVA_CONVERT_CASES)
def test_convert_java_value(
    value: str, expected_type: str, nested: str | None, expected: Any
) -> None:
    result = convert_java_value(value, expected_type, nested)
    assert (type(result), result) == (type(expected), expected)


def test_convert_java_nan_element() -> None:
    first, second = convert_java_value("new float[]{1.5f, nan}", "Array")
    assert first == 1.5 and math.isnan(second)


@pytest.mark.parametrize(
    ("value", "expected_type", "nested", "error"),
    [
        ("x", "Set", None, NotImplementedError),
        ("x", "Hashtable", None, NotImplementedError),
        ("x", "Queue", None, NotImplementedError),
        ("x", "Stack", None, NotImplementedError),
        ("x", "int", None, ValueError),
        ("new int[]{1}", "Array", "int", ValueError),
        ("new int[]{1}", "Array", "Set", NotImplementedError),
    ],
)
def test_convert_java_value_raises(
    value: str, expected_type: str, nested: str | None, error: type[Exception]
) -> None:
    with pytest.raises(error):
        convert_java_value(value, expected_type, nested)


JS_CONVERT_CASES = [
    ('"abc"', "String", None, "abc"),
    ("'abc'", "String", None, "abc"),
    ("abc", "String", None, "abc"),
    ("\"abc'", "String", None, "\"abc'"),
    ("12", "integer", None, 12),
    ("12.0", "integer", None, "12.0"),
    ("1.5", "float", None, 1.5),
    ("1e3", "float", None, "1e3"),
    ("1", "float", None, 1.0),
    ("12n", "Bigint", None, 12),
    ("12", "Bigint", None, "12"),
    ("true", "Boolean", None, True),
    ("1", "Boolean", None, "1"),
    ("[1, 'two', true]", "array", None, [1, "two", True]),
    ("new Array(1, 2)", "array", None, [1, 2]),
    ("[]", "array", None, []),
    ("['1', 2]", "array", "integer", ["'1'", 2]),
    ('["a", "b"]', "array", "String", ["a", "b"]),
    ("[1, 2]", "array", "nonsense", "[1, 2]"),  # the error is swallowed: text kept
    ("[1]", "array", "int", "[1]"),
    ("[[1, 2], [3, 4]]", "array", "integer", [[1, 2], [3, 4]]),
    ("[1, [2, 3]]", "array", None, [1, "[2", 3]),
    ("not an array", "array", None, "not an array"),
    ("{}", "dict", None, {}),
    ("{a: 1, b: 'x', c: true}", "dict", None, {"a": 1, "b": "x", "c": True}),
    ("{a: '5', b: [1, 2]}", "dict", None, {"a": 5, "b": [1, 2]}),
    ("{a: {b: 1}}", "dict", None, {"a": "{b: 1"}),
    ("{a: 1, b: 2", "dict", None, "{a: 1, b: 2"),
    ("x", "dict", None, "x"),
    ("12", "any", None, "12"),
]


@pytest.mark.parametrize(("value", "expected_type", "nested", "expected"), JS_CONVERT_CASES)
def test_convert_js_value(
    value: str, expected_type: str, nested: str | None, expected: Any
) -> None:
    result = convert_js_value(value, expected_type, nested)
    assert repr(result) == repr(expected)  # repr also tells True from 1


@pytest.mark.parametrize(("value", "expected_type"), [("x", "int"), ("1" * 5000, "integer")])
def test_convert_js_value_raises(value: str, expected_type: str) -> None:
    with pytest.raises(ValueError):
        convert_js_value(value, expected_type)


def test_tables() -> None:
    assert JAVA_TYPES == {
        "byte": int, "short": int, "integer": int, "float": float, "double": float,
        "long": int, "boolean": bool, "char": str, "Array": list, "ArrayList": list,
        "Set": set, "HashMap": dict, "Hashtable": dict, "Queue": list, "Stack": list,
        "String": str, "any": str,
    }  # fmt: skip
    assert JS_TYPES == {
        "String": str, "integer": int, "float": float, "Bigint": int,
        "Boolean": bool, "dict": dict, "array": list, "any": str,
    }  # fmt: skip

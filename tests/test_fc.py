"""FC-mode helpers: tool conversion (against recorded official output) and decoding round trips."""

from __future__ import annotations

import ast
import importlib.util
import json
import keyword
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bfcl_adapter.categories import Category
from bfcl_adapter.fc import (
    calls_to_python_call_list,
    calls_to_tool_call_text,
    decode_fc,
    functions_to_tools,
)
from bfcl_adapter.types import Call, DecodeError

RECORDED = Path(__file__).resolve().parent / "conformance" / "data" / "official_prompts.jsonl"
_SPEC = importlib.util.find_spec("bfcl_eval")
DATA_DIR = (
    Path(next(iter(_SPEC.submodule_search_locations))) / "data"
    if _SPEC is not None and _SPEC.submodule_search_locations
    else None
)


# --- functions_to_tools ---------------------------------------------------------------------------


def _records() -> list[dict[str, Any]]:
    if not RECORDED.exists():
        return []
    with RECORDED.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


RECORDS = [r for r in _records() if "tools" in r]


@pytest.mark.skipif(DATA_DIR is None, reason="bfcl_eval is not installed")
@pytest.mark.parametrize("record", RECORDS, ids=[r["id"] for r in RECORDS])
def test_tools_equal_official_convert_to_tool(record: dict[str, Any]) -> None:
    """The recording holds BFCL's convert_to_tool(..., OPENAI_COMPLETIONS), which renames dots."""
    assert DATA_DIR is not None
    with (DATA_DIR / f"BFCL_v4_{record['category']}.json").open(encoding="utf-8") as fh:
        entry = next(e for e in map(json.loads, fh) if e["id"] == record["id"])
    category = Category(record["category"])
    ours = functions_to_tools(entry["function"], category, dot_to_underscore=True)
    # Key order matters too: chat templates serialise the tools as given.
    assert json.dumps(ours) == json.dumps(record["tools"])
    kept = functions_to_tools(entry["function"], category)
    assert [t["function"]["name"] for t in kept] == [f["name"] for f in entry["function"]]


def test_type_conversion_and_dot_names() -> None:
    doc = {
        "name": "geo.distance",
        "description": "Distance.",
        "parameters": {
            "type": "dict",
            "properties": {
                "scale": {"type": "float", "description": "Scale."},
                "point": {"type": "tuple", "items": {"type": "float"}, "description": "P."},
                "opts": {
                    "type": "dict",
                    "properties": {"deep": {"type": "bool", "description": "D."}},
                    "description": "O.",
                },
                "untyped": {"description": "U."},
                "odd": {"type": "complex", "description": "C."},
            },
            "required": ["scale"],
        },
    }
    original = json.dumps(doc)
    [tool] = functions_to_tools([doc], Category.SIMPLE_PYTHON)
    assert json.dumps(doc) == original  # input untouched
    fn = tool["function"]
    assert tool["type"] == "function" and fn["name"] == "geo.distance"
    assert fn["description"] == "Distance. Note that the provided function is in Python 3 syntax."
    props = fn["parameters"]["properties"]
    assert fn["parameters"]["type"] == "object"
    assert props["scale"] == {
        "type": "number",
        "description": "Scale. This is a float type value.",
        "format": "float",
    }
    # items of a top-level array are mapped, but get no float note (as in BFCL)
    assert props["point"]["type"] == "array" and props["point"]["items"] == {"type": "number"}
    assert props["opts"]["type"] == "object"
    assert props["opts"]["properties"]["deep"]["type"] == "boolean"
    assert props["untyped"]["type"] == "string" and props["odd"]["type"] == "string"
    [renamed] = functions_to_tools([doc], Category.SIMPLE_PYTHON, dot_to_underscore=True)
    assert renamed["function"]["name"] == "geo_distance"


def test_java_params_become_strings_before_mapping() -> None:
    doc = {
        "name": "Foo.bar",
        "description": "d",
        "parameters": {
            "type": "dict",
            "properties": {
                "xs": {"type": "ArrayList", "items": {"type": "long"}, "description": "x"}
            },
        },
    }
    [tool] = functions_to_tools([doc], Category.SIMPLE_JAVA)
    xs = tool["function"]["parameters"]["properties"]["xs"]
    assert xs["type"] == "string" and "items" not in xs
    assert xs["description"].endswith(
        "The list elements are of type long; they are not in string representation."
    )


# --- decode_fc ------------------------------------------------------------------------------------


def test_decode_tool_call_blocks() -> None:
    text = (
        '<tool_call>\n{"name": "spotify.play", '
        '"arguments": {"artist": "Taylor Swift", "duration": 20}}\n'
        '</tool_call>\n<tool_call>\n{"name": "g", "arguments": "{\\"b\\": [1, 2.5]}"}\n</tool_call>'
    )
    assert decode_fc(text) == [
        Call("spotify.play", {"artist": "Taylor Swift", "duration": 20}),
        Call("g", {"b": [1, 2.5]}),
    ]


def test_decode_bare_json_forms() -> None:
    assert decode_fc('{"name": "f", "parameters": {"a": 1}}') == [Call("f", {"a": 1})]
    assert decode_fc(
        ' [{"name": "f", "arguments": {}}, {"name": "g", "arguments": {"x": null}}] '
    ) == [
        Call("f", {}),
        Call("g", {"x": None}),
    ]
    assert decode_fc('```json\n{"name": "f", "arguments": {"a": true}}\n```') == [
        Call("f", {"a": True})
    ]
    assert decode_fc("[]") == []


def test_decode_ignores_reasoning_and_surrounding_prose() -> None:
    text = (
        '<think>maybe <tool_call>{"name": "no", "arguments": {}}</tool_call></think>\n'
        'Sure.<tool_call>{"name": "f", "arguments": {"s": "a </tool_call> b"}}</tool_call> done'
    )
    assert decode_fc(text) == [Call("f", {"s": "a </tool_call> b"})]


def test_unclosed_final_block_is_tolerated() -> None:
    assert decode_fc('<tool_call>\n{"name": "f", "arguments": {"a": 1}}\n') == [Call("f", {"a": 1})]


@pytest.mark.parametrize(
    "text",
    [
        "I cannot help with that.",
        "",
        "[f(a=1)]",
        "__import__('os').system('true')",
        '{"arguments": {"a": 1}}',
        '{"name": "f", "arguments": [1]}',
        '{"name": "f", "arguments": "not json"}',
        '{"name": 3, "arguments": {}}',
        "<tool_call>{not json}</tool_call>",
        '<tool_call>{"name": "f", "arguments": {}} trailing</tool_call>',
        '{"name": "f", "arguments": {}} and some prose',
        "42",
        "[" * 100_000,
    ],
)
def test_decode_rejects_non_calls(text: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_fc(text)
    assert info.value.kind == "decoder_failed"


# --- property tests -------------------------------------------------------------------------------


def _identifier() -> st.SearchStrategy[str]:
    return st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True).filter(
        lambda s: not keyword.iskeyword(s)
    )


_names = st.lists(_identifier(), min_size=1, max_size=3).map(".".join)
_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
_calls = st.lists(
    st.builds(Call, _names, st.dictionaries(_identifier(), _json_values, max_size=4)),
    max_size=4,
)


def _same(a: Any, b: Any) -> bool:
    """Equality that also tells 1, 1.0 and True apart, at every depth."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, Call):
        return a.name == b.name and _same(a.arguments, b.arguments)
    return bool(a == b)


@settings(deadline=None)
@given(_calls)
def test_tool_call_text_round_trips(calls: list[Call]) -> None:
    if calls:
        assert _same(decode_fc(calls_to_tool_call_text(calls)), calls)
    bare = json.dumps([{"name": c.name, "arguments": c.arguments} for c in calls])
    assert _same(decode_fc(bare), calls)


def _read_python_call_list(text: str) -> list[Call]:
    """A Python-literal reader: the call syntax via ``ast``, every value via ``literal_eval``."""
    tree = ast.parse(text, mode="eval").body
    assert isinstance(tree, ast.List)
    calls = []
    for node in tree.elts:
        assert isinstance(node, ast.Call) and not node.args
        arguments = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords}
        calls.append(Call(ast.unparse(node.func), arguments))
    return calls


@settings(deadline=None)
@given(_calls)
def test_python_call_list_round_trips(calls: list[Call]) -> None:
    assert _same(_read_python_call_list(calls_to_python_call_list(calls)), calls)


def test_python_call_list_shape() -> None:
    calls = [Call("f", {"a": 1}), Call("m.g", {"b": "x", "c": [1.5, None, {"k": True}]})]
    assert calls_to_python_call_list(calls) == "[f(a=1), m.g(b='x', c=[1.5, None, {'k': True}])]"
    assert calls_to_python_call_list([]) == "[]"


@pytest.mark.parametrize(
    "call",
    [
        Call("f", {"from": 1}),
        Call("f", {None: {"a": 1}}),
        Call("my-func", {}),
        Call("f", {"a": float("nan")}),
        Call("f", {"a": {1, 2}}),
    ],
)
def test_python_call_list_refuses_what_would_not_read_back(call: Call) -> None:
    with pytest.raises(ValueError):
        calls_to_python_call_list([call])


@settings(deadline=None)
@given(st.text() | st.text().map(lambda s: "<tool_call>" + s) | st.text().map(lambda s: "{" + s))
def test_decode_never_raises_anything_but_decode_error(text: str) -> None:
    try:
        result = decode_fc(text)
    except DecodeError:
        return
    assert all(isinstance(c, Call) for c in result)

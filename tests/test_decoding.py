"""The official-mode decoder: BFCL's quirks, and safety on arbitrary text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bfcl_adapter import Call, DecodeError, Language, decode
from bfcl_adapter.decoding import contains_call


def calls(text: str) -> list[tuple[str, dict]]:
    return [(c.name, c.arguments) for c in decode(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[f(a=1, b='x')]", [("f", {"a": 1, "b": "x"})]),
        ("f(a=1)", [("f", {"a": 1})]),  # brackets are added
        ("  \n`[f(a=1)]`\n ", [("f", {"a": 1})]),  # backticks, newlines, spaces stripped
        ("[f(1, a=2)]", [("f", {"a": 2})]),  # positional arguments dropped
        ("[math.sqrt(x=4)]", [("math.sqrt", {"x": 4})]),
        ("[f(a=+5)]", [("f", {"a": -5})]),  # any unary operator negates, as in BFCL
        ("[f(a=-2.5)]", [("f", {"a": -2.5})]),
        ("[f(a=2**3, b='a'+'b')]", [("f", {"a": 8, "b": "ab"})]),
        ("[f(a=x)]", [("f", {"a": "x"})]),  # a bare name is its identifier
        ("[f(a=g(1))]", [("f", {"a": "g(1)"})]),  # a call without keywords is its source
        ("[f(a=g(k=1))]", [("f", {"a": {"g": {"k": 1}}})]),
        ("[f(a=x[0])]", [("f", {"a": "x[0]"})]),
        ("[f(a=(1, 2))]", [("f", {"a": (1, 2)})]),
        ("[f(a=...)]", [("f", {"a": "..."})]),
        ("[f(a=1, a=2)]", [("f", {"a": 2})]),
        ("[f(**kw)]", [("f", {None: "kw"})]),
        ("[]", []),
    ],
)
def test_official_quirks(text, expected):
    assert calls(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "```python\n[f(a=1)]\n```",  # the language tag survives stripping: fails, as in BFCL
        "I think you should call f with a=1.",
        "[f(a=lambda: 1)]",
        "[f(a=math.pi)]",  # attributes are not values
        "[f(a={1, 2})]",
        "[f(a=f'{x}')]",
        "[f(a=--1)]",
        "[f(a=1/0)]",
        "[1, 2]",
        "[f(a=1)], [g(b=2)]",
        "[f(a=__import__('os').system('true') + 1)]",  # would be executed by eval: refused
        "[f(a=10**10**10)]",  # would exhaust memory: refused
        "[f(a='x' * 10**12)]",
    ],
)
def test_decode_failures(text):
    with pytest.raises(DecodeError) as info:
        decode(text)
    assert info.value.kind == "decoder_failed"


def test_lenient_accepts_fenced_and_prose():
    assert decode("```python\n[f(a=1)]\n```", mode="lenient") == [Call("f", {"a": 1})]
    assert decode("Sure! [f(a=1)] should work.", mode="lenient") == [Call("f", {"a": 1})]
    with pytest.raises(DecodeError):
        decode("no call here", mode="lenient")


def test_non_text_result_fails_to_decode():
    with pytest.raises(DecodeError):
        decode([{"f": {}}])


def test_contains_call():
    assert contains_call("[f(a=1)]")
    assert not contains_call("[]")
    assert not contains_call("Sorry, none of the functions fit.")


@given(st.text(max_size=300))
@settings(max_examples=3000)
def test_decoder_only_raises_decode_error_on_arbitrary_text(text):
    for language in Language:
        try:
            result = decode(text, language)
        except DecodeError:
            continue
        assert all(isinstance(c, Call) for c in result)


_call_like = st.builds(
    lambda name, args: f"{name}({args})",
    st.sampled_from(["f", "a.b", "get_weather", "x.y.z"]),
    st.lists(
        st.builds(
            lambda k, v: f"{k}={v}",
            st.sampled_from(["a", "b", "city", "n"]),
            st.one_of(
                st.integers().map(str), st.floats(allow_nan=False).map(repr),
                st.text(max_size=10).map(repr), st.sampled_from(["True", "None", "[1, 2]", "{'k': 1}"]),
                st.text(alphabet="()[]{}=,.+-*/'\" abc123", max_size=15),
            ),
        ),
        max_size=4,
    ).map(", ".join),
)  # fmt: skip


@given(st.lists(_call_like, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"))
@settings(max_examples=1500)
def test_decoder_only_raises_decode_error_on_call_like_text(text):
    try:
        decode(text)
    except DecodeError:
        pass

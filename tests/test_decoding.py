"""The official-mode decoder: BFCL's quirks, and safety on arbitrary text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bfcl_adapter import Call, DecodeError, Language, decode
from bfcl_adapter.decoding import cannot_become_call_list, contains_call


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


# --- cannot_become_call_list: the early give-up of prompting-mode generation ---------------------


@pytest.mark.parametrize(
    "text",
    [
        "To find the roots of", "I'm", "Sure! ", "The function get_weather", "[f(x=1) g(y=2)",
        "What city?", "[f(s='broken\nline')]", "1. First step", "import os; os.system('x')",
        "None x,", "'a' b,", "x 'a'", "f(a=$1)",
    ],
)
def test_cannot_become_call_list_on_prose(text):
    assert cannot_become_call_list(text)
    with pytest.raises(DecodeError):
        decode(text)


@pytest.mark.parametrize(
    "text",
    [
        "", "The", "[", "  \n```", "get_weather(", "[f(a='it''s', b=\"x\"\n", "[f(a='''multi\nline''')",
        "[f(a=1 if x else 2)]", "[f(a=x not in y)]", "[f(a=b'x' r'y' 'z')]", "[f(a=f'{x['k']}')",
        "[f(a=1e5, b=0x1F, c=2j)]", "[f(a=1if 1else 2)]", "[f(a=[1, 2] )]", "(f)(x=1)", "'a'(x=1)",
        "[f(a=x != y)]", "[f(a=café)]", "[f() # a comment; with? odd! chars\n]", "[f(a='x\\\ny')]",
        "```python\n[f(x=1)]", "[f(x=1)]```\n",
    ],
)
def test_cannot_become_call_list_keeps_what_may_still_decode(text):
    assert not cannot_become_call_list(text)


def test_cannot_become_call_list_never_cuts_a_decodable_conformance_case():
    """Every decodable candidate output of the conformance corpus: no prefix is given up on."""
    import gzip
    import json
    import random
    from pathlib import Path

    path = Path(__file__).parent / "conformance" / "data" / "cases.jsonl.gz"
    texts = [row["result"] for row in map(json.loads, gzip.open(path)) if isinstance(row["result"], str)]
    checked = 0
    for text in random.Random(0).sample(texts, 3000):
        try:
            decode(text)
        except DecodeError:
            continue
        checked += 1
        for cut in range(len(text) + 1):
            assert not cannot_become_call_list(text[:cut]), (text[:cut], text)
    assert checked > 2000


_prose_alphabet = "abcxyz_ TIf()[]{}'\"\n=,.!?#:;$01`"


@given(st.text(alphabet=_prose_alphabet, max_size=30), st.text(alphabet=_prose_alphabet, max_size=30))
@settings(max_examples=3000)
def test_given_up_text_fails_to_decode_whatever_follows(prefix, suffix):
    if cannot_become_call_list(prefix):
        with pytest.raises(DecodeError):
            decode(prefix + suffix)


@given(st.lists(_call_like, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"), st.text(alphabet=" \n`", max_size=3))
@settings(max_examples=1500)
def test_no_prefix_of_a_decodable_call_list_is_given_up(text, lead):
    text = lead + text
    try:
        decode(text)
    except DecodeError:
        return
    for cut in range(len(text) + 1):
        assert not cannot_become_call_list(text[:cut]), text[:cut]

"""Hand-picked checker cases; the conformance suite compares every verdict with the official one."""

import pytest

from bfcl_adapter import Category, score_case
from bfcl_adapter.checking import normalize_string

DOC = {
    "name": "area",
    "parameters": {
        "type": "dict",
        "properties": {
            "base": {"type": "integer"},
            "height": {"type": "float"},
            "unit": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "opts": {"type": "dict", "properties": {}},
        },
        "required": ["base", "height"],
    },
}
ANSWER = [{"area": {"base": [10], "height": [5.0], "unit": ["cm", ""], "tags": [["a b"], ""],
                    "opts": [{"k": ["v"]}, ""]}}]  # fmt: skip


def verdict(text, category=Category.SIMPLE_PYTHON, functions=(DOC,), answer=ANSWER):
    return score_case(category, text, list(functions), answer)


@pytest.mark.parametrize(
    "text, error_type",
    [
        ("[area(base=10, height=5)]", None),  # int accepted for float
        ("[area(height=5.0, base=10, unit='CM')]", None),  # case-insensitive strings
        ("[area(base=10, height=5.0, tags=['A-B'])]", None),  # normalised list items
        ("[area(base=10, height=5.0, opts={'k': 'V'})]", None),
        ("[area(base=10.0, height=5)]", "type_error:simple"),  # float for int fails
        ("[area(base=10)]", "simple_function_checker:missing_required"),
        ("[area(base=10, height=5, colour='red')]", "simple_function_checker:unexpected_param"),
        ("[volume(base=10, height=5)]", "simple_function_checker:wrong_func_name"),
        ("[area(base=11, height=5)]", "value_error:others"),
        ("[area(base=10, height=5, unit='m')]", "value_error:string"),
        ("[area(base=10, height=5, tags=['x'])]", "value_error:list/tuple"),
        ("[area(base=10, height=5, opts={'z': 'v'})]", "value_error:dict_key"),
        ("[area(base=10, height=5, opts={'k': 'w'})]", "value_error:dict_value"),
        # An optional ("") answer after the list answers lets any item type through (BFCL quirk).
        ("[area(base=10, height=5, tags=[1])]", "value_error:list/tuple"),
        ("[area(base=10, height=5), area(base=10, height=5)]", "simple_function_checker:wrong_count"),
        ("The area is 25.", "ast_decoder:decoder_failed"),
    ],
)
def test_simple_verdicts(text, error_type):
    v = verdict(text)
    assert v.valid == (error_type is None)
    assert v.error_type == error_type


def test_missing_optional_without_default_marker():
    answer = [{"area": {"base": [10], "height": [5.0], "unit": ["cm"]}}]
    v = verdict("[area(base=10, height=5)]", answer=answer)
    assert v.error_type == "simple_function_checker:missing_optional"


def test_nested_item_type_error():
    answer = [{"area": {"base": [10], "height": [5.0], "tags": [["a"]]}}]
    v = verdict("[area(base=10, height=5, tags=[1])]", answer=answer)
    assert v.error_type == "type_error:nested"


def test_parallel_is_order_insensitive_and_counts():
    answer = [{"area": {"base": [1], "height": [1.0]}}, {"area": {"base": [2], "height": [2.0]}}]
    ok = verdict("[area(base=2, height=2), area(base=1, height=1)]", Category.PARALLEL, answer=answer)
    assert ok.valid
    wrong = verdict("[area(base=2, height=2)]", Category.PARALLEL, answer=answer)
    assert wrong.error_type == "parallel_function_checker_no_order:wrong_count"
    miss = verdict("[area(base=2, height=2), area(base=3, height=1)]", Category.PARALLEL, answer=answer)
    assert miss.error_type == "parallel_function_checker_no_order:cannot_find_match"


def test_multiple_counts_calls():
    v = verdict("[]", Category.MULTIPLE)
    assert v.error_type == "multiple_function_checker:wrong_count"


def test_irrelevance_and_relevance():
    assert verdict("None of these tools apply.", Category.IRRELEVANCE, answer=None).valid
    assert verdict("[]", Category.IRRELEVANCE, answer=None).valid
    v = verdict("[area(base=1)]", Category.IRRELEVANCE, answer=None)
    assert v.error_type == "irrelevance_error:decoder_success"
    assert verdict("[area(base=1)]", Category.LIVE_RELEVANCE, answer=None).valid
    v = verdict("no", Category.LIVE_RELEVANCE, answer=None)
    assert v.error_type == "relevance_error:decoder_failed"


def test_checker_is_deterministic():
    texts = ["[area(base=10, height=5)]", "[area(base=1)]", "junk"]
    assert [verdict(t) for t in texts] == [verdict(t) for t in texts]


def test_normalize_string():
    assert normalize_string("New York, NY") == normalize_string("new-york ny")

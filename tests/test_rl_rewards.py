"""The GRPO reward agrees with the evaluation's verdict (``score_case``) on gold answers and mutants."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bfcl_adapter.categories import Category
from bfcl_adapter.checking import score_case
from bfcl_adapter.decoding import decode
from bfcl_adapter.fc import calls_to_python_call_list
from bfcl_adapter.types import Call, DecodeError
from rl.rewards import (
    RewardConfig,
    abstention_reward,
    build_reward_funcs,
    correctness_reward,
    gate_reward,
    partial_names_reward,
    partial_required_reward,
    partial_values_reward,
    total_rewards,
)
from tests.rl_fixtures import ABSTAIN, TOOLS, make_rows

ROWS = make_rows(64, seed=11)


def _columns(row: dict) -> dict:
    return {k: [row[k]] for k in ("category", "functions", "possible_answer")}


def _verdict(row: dict, text: str):
    answer = json.loads(row["possible_answer"])
    return score_case(Category(row["category"]), text, json.loads(row["functions"]), answer)


def _mutate_value(value, draw):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return draw(st.sampled_from([value + 1, value - 1, float(value), str(value)]))
    if isinstance(value, float):
        return draw(st.sampled_from([value + 0.5, int(value), str(value)]))
    if isinstance(value, str):
        return draw(st.sampled_from([value + "x", value.upper(), value[:1], "", 7]))
    return None


@st.composite
def completions(draw, row: dict) -> str:
    gold = row["completion"][0]["content"]
    functions = json.loads(row["functions"])
    try:
        calls = decode(gold)
    except DecodeError:
        calls = []
    kind = draw(st.sampled_from([
        "gold", "rename", "drop_param", "add_param", "value", "swap_order", "truncate", "prose", "fence",
        "trailing", "abstain", "empty", "duplicate", "call_other", "garbage",
    ]))  # fmt: skip
    if kind == "gold":
        return gold
    if kind == "truncate":
        return gold[: draw(st.integers(0, max(0, len(gold) - 1)))]
    if kind == "prose":
        return f"Sure! Here you go: {gold}"
    if kind == "fence":
        return f"```python\n{gold}\n```"
    if kind == "trailing":
        return gold + draw(st.sampled_from(["\nDone.", " ", "\n", "]"]))
    if kind == "abstain":
        return ABSTAIN
    if kind == "empty":
        return "[]"
    if kind == "garbage":
        return draw(st.text(max_size=30))
    if kind == "call_other" or not calls:
        doc = draw(st.sampled_from(functions))
        args = {p: draw(st.sampled_from([1, "Lisbon", 2.5, True]))
                for p in doc["parameters"]["properties"] if draw(st.booleans())}  # fmt: skip
        return calls_to_python_call_list([Call(doc["name"], args)])
    calls = list(calls)
    i = draw(st.integers(0, len(calls) - 1))
    call = calls[i]
    args = dict(call.arguments)
    if kind == "rename":
        calls[i] = Call(draw(st.sampled_from([n for n in TOOLS if n != call.name])), args)
    elif kind == "drop_param" and args:
        args.pop(draw(st.sampled_from(sorted(args))))
        calls[i] = Call(call.name, args)
    elif kind == "add_param":
        args[draw(st.sampled_from(["extra", "days", "limit", "city"]))] = draw(st.sampled_from([3, "x"]))
        calls[i] = Call(call.name, args)
    elif kind == "value" and args:
        key = draw(st.sampled_from(sorted(args)))
        args[key] = _mutate_value(args[key], draw)
        calls[i] = Call(call.name, args)
    elif kind == "swap_order":
        calls = calls[::-1]
    elif kind == "duplicate":
        calls = calls + [call]
    return calls_to_python_call_list(calls)


@st.composite
def row_and_text(draw):
    row = draw(st.sampled_from(ROWS))
    return row, draw(completions(row))


@given(row_and_text())
def test_rewards_agree_with_verdict(case) -> None:
    row, text = case
    cols = _columns(row)
    valid = _verdict(row, text).valid
    abstention = Category(row["category"]) in (Category.IRRELEVANCE, Category.LIVE_IRRELEVANCE)
    # The summed default reward is the verdict, for plain strings and conversational completions alike.
    assert total_rewards([text], **cols) == [1.0 if valid else 0.0]
    assert total_rewards([[{"role": "assistant", "content": text}]], **cols) == [1.0 if valid else 0.0]
    correct = correctness_reward([None], [text], **cols)[0]
    refused = abstention_reward([None], [text], **cols)[0]
    if abstention:
        assert correct is None and refused == (1.0 if valid else 0.0)
    else:
        assert refused is None and correct == (1.0 if valid else 0.0)


@given(row_and_text(), st.floats(-2, 0), st.floats(0, 1))
def test_gate_penalty_and_bonus(case, penalty, bonus) -> None:
    row, text = case
    cols = _columns(row)
    config = RewardConfig(gate_penalty=penalty, format_bonus=bonus)
    try:
        called = bool(decode(text))
    except DecodeError:
        called = False
    abstention = row["category"] == "irrelevance"
    gate_ok = (not called) if abstention else called
    assert gate_reward([None], [text], config=config, **cols) == [bonus if gate_ok else penalty]
    valid = _verdict(row, text).valid
    expected = (bonus + (1.0 if valid else 0.0)) if gate_ok else penalty
    assert total_rewards([text], config, **cols)[0] == pytest.approx(expected)
    if valid:
        assert gate_ok  # a valid answer always passes the gate


@given(row_and_text())
def test_partial_credit_bounds(case) -> None:
    row, text = case
    cols = _columns(row)
    valid = _verdict(row, text).valid
    for func in (partial_names_reward, partial_required_reward, partial_values_reward):
        value = func([None], [text], **cols)[0]
        if row["category"] == "irrelevance":
            assert value is None
            continue
        assert value is not None and 0.0 <= value <= 1.0, (func.__name__, text, value)
        if valid:
            assert value == 1.0, (func.__name__, text)


def test_partial_credit_is_off_by_default_and_weighted() -> None:
    funcs, weights = build_reward_funcs()
    assert [f.__name__ for f in funcs] == ["gate", "correctness", "abstention"]
    funcs, weights = build_reward_funcs(RewardConfig(partial_names=0.1, partial_values=0.3))
    assert [f.__name__ for f in funcs][-2:] == ["partial_names", "partial_values"]
    assert weights[-2:] == [0.1, 0.3]
    row = next(r for r in ROWS if r["category"] == "simple_python")
    call = decode(row["completion"][0]["content"])[0]
    wrong = dict(call.arguments)
    key = sorted(wrong)[0]
    wrong[key] = "definitely wrong" if not isinstance(wrong[key], str) else wrong[key] + " nope"
    text = calls_to_python_call_list([Call(call.name, wrong)])
    cols = _columns(row)
    config = RewardConfig(partial_names=0.1, partial_values=0.3)
    share = partial_values_reward([None], [text], **cols)[0]
    assert 0.0 < share < 1.0
    assert total_rewards([text], config, **cols)[0] == pytest.approx(0.1 + 0.3 * share)


def test_reward_config_validation() -> None:
    with pytest.raises(KeyError, match="bogus"):
        RewardConfig.from_dict({"bogus": 1})
    with pytest.raises(ValueError, match="decode_mode"):
        RewardConfig(decode_mode="loose")
    with pytest.raises(ValueError, match="correctness"):
        RewardConfig(correctness=-1)
    with pytest.raises(ValueError, match="number"):
        RewardConfig(gate_penalty="a")  # type: ignore[arg-type]


def test_missing_columns_are_named() -> None:
    with pytest.raises(KeyError, match="possible_answer"):
        gate_reward([None], ["[f()]"], category=["simple_python"], functions=["[]"])

"""Procedural tools: reproducible, valid, distinct from the catalog and from BFCL."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synth.contamination import bfcl_function_names, name_key
from synth.specs import generate_tools, load_catalog, tool_problems
from synth.specs.validate import is_snake_case
from synth.specs.vocab import VOCABULARY


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**40), n=st.integers(min_value=0, max_value=25))
def test_same_seed_same_tools_and_all_valid(seed: int, n: int) -> None:
    first = generate_tools(n, seed)
    assert first == generate_tools(n, seed)
    assert len(first) == n
    assert [p for t in first for p in tool_problems(t)] == []
    assert len({t.name for t in first}) == n
    assert all(is_snake_case(t.name) for t in first)
    assert all(t.source == f"procedural:{seed}" and t.executor is None for t in first)
    assert "__optional__" not in json.dumps([t.parameters for t in first])


@settings(max_examples=10, deadline=None)
@given(domains=st.lists(st.sampled_from(sorted(VOCABULARY)), min_size=1, max_size=3, unique=True),
       seed=st.integers(min_value=0, max_value=1000))  # fmt: skip
def test_domain_filter(domains: list[str], seed: int) -> None:
    tools = generate_tools(15, seed, domains)
    assert {t.domain for t in tools} <= set(domains)


def test_prefix_stable_and_seeds_differ() -> None:
    assert generate_tools(10, 3) == generate_tools(40, 3)[:10]
    assert [t.name for t in generate_tools(10, 3)] != [t.name for t in generate_tools(10, 4)]


def test_names_avoid_catalog_and_bfcl() -> None:
    tools = generate_tools(3000, seed=11)
    keys = [name_key(t.name) for t in tools]
    assert len(set(keys)) == len(keys)
    reserved = {name_key(t.name) for t in load_catalog()} | {name_key(n) for n in bfcl_function_names()}
    assert not set(keys) & reserved
    assert len({t.domain for t in tools}) == len(VOCABULARY)


def test_variety() -> None:
    tools = generate_tools(500, seed=5)
    assert len({t.description for t in tools}) > 100
    shapes = {json.dumps(t.parameters, sort_keys=True) for t in tools}
    assert len(shapes) > 450  # nearly every tool has its own argument set
    assert any("changes" in t.parameters["properties"] for t in tools)  # nested objects
    assert any(any("enum" in p for p in t.parameters["properties"].values()) for t in tools)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        generate_tools(-1, 0)
    with pytest.raises(ValueError, match="unknown domain"):
        generate_tools(3, 0, ["astrology"])
    assert generate_tools(0, 0) == []

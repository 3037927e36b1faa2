"""Knowledge-domain calculators and lookups (synth.specs.formulas): reproducible, valid, clear of
BFCL names, drawn with real-world values, and usable by every single-turn recipe."""

from __future__ import annotations

import random

import pytest

from bfcl_adapter.categories import Category
from bfcl_adapter.data import DataError
from synth.recipes import RECIPES, Knobs, RecipeInput, ToolPool, draw_arguments
from synth.server.knowledge import KNOWLEDGE_POOLS
from synth.specs import generate_formula_tools, load_specs, tool_problems
from synth.specs.formulas import _parameters, vocabulary
from synth.spec import SpecError


@pytest.fixture(scope="module")
def tools():
    return generate_formula_tools(300, seed=4)


def test_same_seed_same_tools_and_names_distinct(tools):
    again = generate_formula_tools(300, seed=4)
    assert [t.name for t in tools] == [t.name for t in again]
    assert [t.parameters for t in tools] == [t.parameters for t in again]
    assert len({t.name for t in tools}) == 300
    assert [t.name for t in generate_formula_tools(300, seed=5)] != [t.name for t in tools]


def test_tools_are_valid_and_cover_many_domains(tools):
    assert [p for t in tools for p in tool_problems(t)] == []
    assert len({t.domain for t in tools}) >= 12
    assert any("." in t.name for t in tools) and any("." not in t.name for t in tools)
    assert {t.source for t in tools} == {"formulas:4"}


def test_no_tool_is_or_resembles_a_bfcl_function(tools):
    contamination = pytest.importorskip("synth.contamination")
    try:
        guard = contamination.default_guard()
    except DataError as exc:  # no BFCL data installed: nothing to compare with
        pytest.skip(f"BFCL data unavailable: {exc}")
    assert [p for t in tools for p in guard.check_tool(t)] == []


def test_knowledge_parameters_draw_real_world_values(tools):
    rng = random.Random(0)
    seen = 0
    for tool in tools:
        args = draw_arguments(tool, rng, Knobs(), optional_share=0.0)
        for name, value in args.items():
            if name in KNOWLEDGE_POOLS:
                assert value in KNOWLEDGE_POOLS[name]
                seen += 1
    assert seen >= 20


def test_every_vocabulary_line_parses_with_a_required_parameter():
    for _lookup, (_domain, namespaces, subject, what, params) in vocabulary():
        schema = _parameters(params)
        assert schema["required"], subject
        assert namespaces.split() and what == what.strip()


@pytest.mark.parametrize("category", [Category.SIMPLE_PYTHON, Category.MULTIPLE, Category.PARALLEL,
                                      Category.PARALLEL_MULTIPLE, Category.SIMPLE_JAVA], ids=lambda c: c.value)
def test_recipes_plan_with_formula_tools(category, tools):
    pool = ToolPool(tools)
    rng = random.Random(1)
    for _ in range(20):
        plan = RECIPES[category](RecipeInput(category, pool, rng, Knobs()))
        assert plan.turns and plan.tools


def test_loader_form():
    assert len(load_specs("formulas:12:3").tools) == 12
    with pytest.raises(SpecError, match="formulas:N"):
        load_specs("formulas:many")


def test_knowledge_pools_leave_catalog_and_procedural_values_alone():
    """The pools are keyed by exact parameter names no business tool uses, so adding them changed
    no value the catalog or procedural tools draw (close-loop's default data)."""
    from synth.specs import generate_tools, load_catalog

    names = {p for t in load_catalog() + generate_tools(600, seed=3) for p in t.parameters.get("properties", {})}
    assert names.isdisjoint(KNOWLEDGE_POOLS)

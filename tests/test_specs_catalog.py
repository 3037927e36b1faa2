"""The shipped catalog: size, domains, schema validity, names, executors."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from synth.spec import ToolSpec
from synth.specs import catalog_domains, load_catalog, tool_problems
from synth.specs.validate import is_snake_case, walk_schemas

REQUIRED_DOMAINS = {"weather", "finance", "travel", "calendar", "ecommerce", "messaging", "files", "math",
                    "units", "geography", "health", "sports", "media", "devices", "devtools"}  # fmt: skip
EXECUTOR_NAMESPACES = {"math", "units", "dates", "strings", "calendar", "cart", "files", "bank"}


@pytest.fixture(scope="module")
def catalog() -> list[ToolSpec]:
    return load_catalog()


def test_size_and_domains(catalog: list[ToolSpec]) -> None:
    assert len(catalog) >= 300
    domains = Counter(t.domain for t in catalog)
    assert len(domains) >= 15
    assert REQUIRED_DOMAINS <= set(domains)
    assert min(domains.values()) >= 10, domains
    assert sorted(domains) == catalog_domains()


def test_every_tool_validates(catalog: list[ToolSpec]) -> None:
    problems = [p for t in catalog for p in tool_problems(t)]
    assert problems == []


def test_names_are_distinct_snake_case_identifiers(catalog: list[ToolSpec]) -> None:
    names = [t.name for t in catalog]
    assert len(set(names)) == len(names)
    assert all(is_snake_case(n) and "." not in n for n in names), [n for n in names if not is_snake_case(n)]


def test_descriptions_are_distinct_and_non_trivial(catalog: list[ToolSpec]) -> None:
    descriptions = [t.description for t in catalog]
    assert len(set(descriptions)) == len(descriptions)
    assert all(len(d.split()) >= 3 for d in descriptions)


def test_schema_features_are_covered(catalog: list[ToolSpec]) -> None:
    """The catalog teaches the whole range of argument shapes, not just flat strings."""
    seen: Counter[str] = Counter()
    for tool in catalog:
        params = tool.parameters
        if len(params.get("required", [])) < len(params["properties"]):
            seen["optional"] += 1
        for pointer, sub in walk_schemas(params):
            if not pointer:
                continue
            seen[str(sub.get("type"))] += 1
            seen.update(k for k in ("enum", "default", "items", "format", "pattern", "minimum") if k in sub)
            if sub.get("type") == "object" and pointer.count("/properties/") >= 1:
                seen["nested_object"] += 1
            if sub.get("type") == "array" and isinstance(sub.get("items"), dict) and sub["items"].get("type") == "object":
                seen["array_of_objects"] += 1
    for feature in ("string", "integer", "number", "boolean", "array", "object", "enum", "default", "items",
                    "format", "pattern", "minimum", "optional", "nested_object", "array_of_objects"):  # fmt: skip
        assert seen[feature] >= 5, (feature, seen[feature])


def test_every_tool_has_a_response_schema(catalog: list[ToolSpec]) -> None:
    for tool in catalog:
        assert tool.returns.get("type") == "object"
        assert tool.returns.get("properties") or tool.returns.get("additionalProperties"), tool.name


def test_required_names_have_properties_and_defaults_fit(catalog: list[ToolSpec]) -> None:
    for tool in catalog:
        for _, sub in walk_schemas(tool.parameters):
            if "required" in sub:
                assert set(sub["required"]) <= set(sub.get("properties", {})), tool.name
            if "enum" in sub:
                assert sub["enum"], tool.name
            if "default" in sub and "enum" in sub:
                assert sub["default"] in sub["enum"], tool.name


def test_executors(catalog: list[ToolSpec]) -> None:
    keys = [t.executor for t in catalog if t.executor]
    assert len(keys) == len(set(keys)), "one tool per executor key"
    assert {k.split(".")[0] for k in keys} <= EXECUTOR_NAMESPACES
    assert {k.split(".")[0] for k in keys} >= EXECUTOR_NAMESPACES
    by_domain = {t.domain for t in catalog if t.executor}
    assert {"math", "units", "dates", "strings", "calendar", "ecommerce", "files", "bank"} <= by_domain
    # Every tool of the executable domains can really run.
    assert all(t.executor for t in catalog if t.domain in ("math", "units", "dates", "strings", "files", "bank"))


def test_exports_and_catalog_is_cached_but_copied(catalog: list[ToolSpec]) -> None:
    again = load_catalog()
    assert again == catalog and again is not catalog
    doc = catalog[0].to_bfcl_doc()
    assert doc["parameters"]["type"] == "dict"
    json.dumps([t.to_openai_tool() for t in catalog])  # JSON-serialisable throughout


def test_catalog_executors_index() -> None:
    from synth.specs import catalog_executors

    executors = catalog_executors()
    assert executors["math.add"].name == "arith_add"
    assert executors["calendar.create_event"].parameters["required"] == ["title", "start", "end"]
    assert len(executors) >= 100

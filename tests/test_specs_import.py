"""Python-module and MCP importers, and the CLI spec forms."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from synth.spec import SpecError
from synth.specs import import_mcp_command, import_mcp_tools, import_python_module, load_catalog, load_specs
from synth.specs.pyfunc import parse_docstring

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture()
def fixture_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(FIXTURES))


# --- Python functions ------------------------------------------------------------------------


def test_python_module_import(fixture_path: None) -> None:
    result = import_python_module("specs_pymod")
    tools = {t.name: t for t in result.tools}
    assert list(tools) == ["plan_garden_watering", "rank_hiking_trails", "book_quiet_window", "undocumented_helper"]
    assert len(result.problems) == 1
    assert "specs_pymod.py:" in result.problems[0] and "takes_a_callback" in result.problems[0]

    garden = tools["plan_garden_watering"]
    assert garden.description == "Schedule watering for one garden zone."
    assert garden.parameters["required"] == ["zone", "litres", "days"]
    props = garden.parameters["properties"]
    assert props["litres"] == {"type": "number", "description": "Water per session in litres; split evenly over the days."}
    assert props["mode"]["enum"] == ["drip", "spray"] and props["mode"]["default"] == "drip"
    assert props["days"]["items"] == {"type": "string"}
    assert garden.returns["additionalProperties"] == {"type": "number"}
    assert garden.source == "py:specs_pymod.plan_garden_watering" and garden.domain == "specs_pymod"

    trails = tools["rank_hiking_trails"].parameters["properties"]  # NumPy style
    assert trails["region"]["description"] == "Mountain range or park name."
    assert trails["priority"] == {"type": "string", "enum": ["low", "high"], "description": "How hard to look.", "default": "low"}
    assert trails["near"]["type"] == ["object", "null"] and trails["near"]["required"] == ["lat", "lon"]
    assert "default" not in trails["max_km"]
    assert tools["rank_hiking_trails"].returns["description"] == "Trail names, best first."

    window = tools["book_quiet_window"]  # Sphinx style, dataclass, Annotated
    assert window.parameters["properties"]["window"]["required"] == ["start", "end"]
    assert window.parameters["properties"]["attendees"]["description"] == "Email addresses to invite"
    assert window.returns == {"type": "string", "description": "The booking id."}

    helper = tools["undocumented_helper"]
    assert helper.description == "Undocumented helper."
    assert helper.parameters["properties"]["ratio"]["type"] == "number"  # inferred from the default


def test_python_module_that_cannot_import() -> None:
    result = import_python_module("no_such_module_for_closeloop")
    assert result.tools == [] and result.problems[0].startswith("py:no_such_module_for_closeloop: cannot import")


def test_docstring_styles() -> None:
    google = parse_docstring("""Do it.

    Args:
        a (int): First
            continued.
        b: Second.

    Raises:
        ValueError: never a parameter.
    """)
    assert google.summary == "Do it." and google.params == {"a": "First continued.", "b": "Second."}
    numpy = parse_docstring("Sum.\n\nParameters\n----------\nx : int\n    The x.\ny\n    The y.\n")
    assert numpy.summary == "Sum." and numpy.params == {"x": "The x.", "y": "The y."}
    sphinx = parse_docstring("Go.\n\n:param str where: Place\n    name.\n:type where: str\n:returns: Done.")
    assert sphinx.params == {"where": "Place name."} and sphinx.returns == "Done."


# --- MCP -------------------------------------------------------------------------------------

TOOLS_LIST = {
    "jsonrpc": "2.0",
    "id": 2,
    "result": {
        "tools": [
            {"name": "weather.lookup-now", "description": "Current weather for a town.",
             "inputSchema": {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                             "properties": {"town": {"type": "string", "title": "Town"},
                                            "when": {"$ref": "#/$defs/Moment"}},
                             "required": ["town"], "$defs": {"Moment": {"type": "string", "enum": ["now", "tonight"]}}},
             "outputSchema": {"type": "object", "properties": {"celsius": {"type": "number"}}}},
            {"name": "ping", "title": "Check the server is alive", "inputSchema": {"type": "object"}},
            {"name": "no_schema", "description": "Broken: no inputSchema."},
            {"name": "bad-default", "description": "Broken default.",
             "inputSchema": {"type": "object", "properties": {"n": {"type": "integer", "default": "x"}}}},
            {"name": "", "description": "No name."},
        ]
    },
}  # fmt: skip


def test_mcp_tools_list_import() -> None:
    result = import_mcp_tools(TOOLS_LIST, source="mcp:demo")
    tools = {t.name: t for t in result.tools}
    assert list(tools) == ["weather_lookup_now", "ping"]
    weather = tools["weather_lookup_now"]
    assert weather.source == "mcp:demo#weather.lookup-now"  # original name kept for routing
    assert weather.parameters["properties"]["when"] == {"type": "string", "enum": ["now", "tonight"]}
    assert "$defs" not in weather.parameters and "$schema" not in weather.parameters
    assert weather.parameters["properties"]["town"]["description"] == "Town"
    assert weather.returns["properties"]["celsius"] == {"type": "number"}
    assert tools["ping"].description == "Check the server is alive"
    assert len(result.problems) == 3
    assert result.problems[0].startswith("mcp:demo#/tools/2 (no_schema): missing or non-object 'inputSchema'")
    assert result.problems[1].startswith("mcp:demo#/tools/3/inputSchema/properties/n/default:")
    assert result.problems[2].startswith("mcp:demo#/tools/4: tool has no usable 'name'")
    # The bare list and the pydantic model give the same tools.
    import mcp_types

    valid = {"tools": [t for t in TOOLS_LIST["result"]["tools"] if "inputSchema" in t]}
    model = mcp_types.ListToolsResult.model_validate(valid)
    assert [t.name for t in import_mcp_tools(model, "mcp:demo").tools] == list(tools)
    assert import_mcp_tools(TOOLS_LIST["result"]["tools"], "mcp:demo").tools == result.tools


def test_mcp_live_stdio_server() -> None:
    result = import_mcp_command([sys.executable, str(FIXTURES / "mcp_tiny_server.py")], timeout_s=60)
    assert result.problems == []
    tools = {t.name: t for t in result.tools}
    assert set(tools) == {"tally_pebbles", "notes_search_text"}
    assert tools["tally_pebbles"].parameters["required"] == ["first"]
    assert tools["notes_search_text"].parameters["properties"]["mode"]["enum"] == ["fast", "exact"]
    assert tools["notes_search_text"].source.endswith("#notes.search-text")


def test_mcp_command_failures_are_problems() -> None:
    missing = import_mcp_command(["/nonexistent/closeloop-server"])
    assert missing.tools == [] and "cannot list tools" in missing.problems[0]
    crash = import_mcp_command([sys.executable, "-c", "import sys; print('bad start', file=sys.stderr); sys.exit(3)"],
                               timeout_s=20)  # fmt: skip
    assert crash.tools == [] and "bad start" in crash.problems[0]


# --- load_specs ------------------------------------------------------------------------------


def test_load_specs_forms(fixture_path: None) -> None:
    assert len(load_specs("catalog").tools) == len(load_catalog())
    weather = load_specs("catalog:weather,units").tools
    assert {t.domain for t in weather} == {"weather", "units"}
    assert len(load_specs("procedural:12").tools) == 12
    assert load_specs("procedural:5:9").tools == load_specs("procedural:5:9").tools != load_specs("procedural:5:8").tools
    assert [t.name for t in load_specs("py:specs_pymod").tools][0] == "plan_garden_watering"
    mcp = load_specs(f"mcp:{sys.executable} {FIXTURES / 'mcp_tiny_server.py'}")
    assert len(mcp.tools) == 2


@pytest.mark.parametrize("arg", ["", "nonsense", "procedural:many", "openapi:", "catalog:astrology"])
def test_load_specs_usage_errors(arg: str) -> None:
    with pytest.raises(SpecError):
        load_specs(arg)

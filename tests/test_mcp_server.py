"""The role play's MCP server: real MCP clients over stdio and streamable HTTP, and the
in-process API they share (validation, executors, simulators, simulated responses)."""

from __future__ import annotations

import json
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest
from jsonschema import Draft202012Validator

from synth.agents import Completion
from synth.server import EXECUTORS, ToolServer, dump_tools, simulate_response
from synth.server.executors import State
from synth.spec import ToolSpec

ROOT = Path(__file__).resolve().parents[1]

NUM = {"type": "number"}
ADD = ToolSpec("add_numbers", "Add two numbers.", {"type": "object", "properties": {"a": NUM, "b": NUM},
               "required": ["a", "b"]}, {"type": "object", "properties": {"result": NUM}}, "math", "test", "math.add")  # fmt: skip
PUT = ToolSpec("cart_put", "Put a product in the cart.",
               {"type": "object", "properties": {"product_id": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1}},
                "required": ["product_id"]}, {"type": "object"}, "cart", "test", "cart.add_item")  # fmt: skip
SHOW = ToolSpec("cart_show", "Show the cart.", {"type": "object", "properties": {}}, {"type": "object"}, "cart", "test", "cart.view")
WEATHER = ToolSpec("weather_now", "Current weather at a place.",
                   {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
                   {"type": "object", "properties": {"city": {"type": "string"}, "temperature_c": NUM,
                                                     "sky": {"type": "string", "enum": ["clear", "rain"]}},
                    "required": ["city", "temperature_c", "sky"]}, "weather", "test")  # fmt: skip
TOOLS = [ADD, PUT, SHOW, WEATHER]


def catalog_tools() -> list[ToolSpec]:
    specs = pytest.importorskip("synth.specs")
    return specs.load_catalog()


def _text(result) -> str:
    return "".join(getattr(block, "text", "") for block in result.content)


@pytest.fixture
def tools_file(tmp_path: Path) -> Path:
    return dump_tools(TOOLS, tmp_path / "tools.json")


def _product(seed: int = 0) -> str:
    """A product that exists in every session: the catalogue is the same in all worlds, and its
    first product is chosen among those in stock."""
    products = State(seed=seed).domain("cart")["products"]
    return next(p["product_id"] for p in sorted(products.values(), key=lambda p: p["product_id"]) if p["stock"] >= 5)


# --- real MCP clients ----------------------------------------------------------------------------


async def _exercise(session, product: str) -> None:
    await session.initialize()
    listing = await session.list_tools()
    assert sorted(t.name for t in listing.tools) == ["add_numbers", "cart_put", "cart_show", "weather_now"]
    assert next(t for t in listing.tools if t.name == "add_numbers").input_schema == ADD.parameters

    added = await session.call_tool("add_numbers", {"a": 2, "b": 3.5})  # executable
    assert not added.is_error and json.loads(_text(added)) == {"result": 5.5}
    assert added.structured_content == {"result": 5.5}

    quantities = []
    for amount in (1, 2):  # stateful: the second call sees the first
        cart = await session.call_tool("cart_put", {"product_id": product, "quantity": amount})
        assert not cart.is_error, _text(cart)
        quantities.append(next(l["quantity"] for l in json.loads(_text(cart))["lines"] if l["product_id"] == product))
    assert quantities[1] == quantities[0] + 2

    bad = await session.call_tool("add_numbers", {"a": "two"})  # invalid arguments: a tool error
    assert bad.is_error and "invalid arguments" in _text(bad)
    unknown = await session.call_tool("no_such_tool", {})
    assert unknown.is_error
    missing = await session.call_tool("cart_put", {"product_id": "SKU-00000"})  # the simulator says no
    assert missing.is_error and "no product" in _text(missing)

    weather = await session.call_tool("weather_now", {"city": "Porto"})  # schema-simulated, still alive
    assert not weather.is_error and json.loads(_text(weather))["city"] == "Porto"


def test_stdio_server_with_a_real_mcp_client(tools_file):
    from mcp import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(command=sys.executable, cwd=str(ROOT),
                                   args=["-m", "synth.server", "--tools", f"json:{tools_file}", "--transport", "stdio"])  # fmt: skip

    async def main() -> None:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await _exercise(session, _product())

    anyio.run(main)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_streamable_http_server_on_localhost(tools_file):
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "synth.server", "--tools", f"json:{tools_file}", "--transport", "http", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            time.sleep(0.1)
        else:
            pytest.fail("the HTTP server did not start")

        async def main() -> None:
            async with streamable_http_client(f"http://127.0.0.1:{port}/mcp") as (read, write), \
                    ClientSession(read, write) as session:  # fmt: skip
                await _exercise(session, _product())

        anyio.run(main)
    finally:
        process.terminate()
        process.wait(10)


def test_sync_client_sessions_are_isolated_by_metadata(tools_file):
    from synth.server.client import MCPToolClient

    product = _product()
    empty = State(seed=1).domain("cart")
    empty["lines"] = {}
    command = [sys.executable, "-m", "synth.server", "--tools", f"json:{tools_file}"]
    with MCPToolClient(command=command, cwd=str(ROOT)) as client:
        assert sorted(client.tool_names) == ["add_numbers", "cart_put", "cart_show", "weather_now"]
        for session in ("a", "b"):  # the snapshot in the first call's metadata seeds the session
            assert client.call("cart_show", {}, session=session, initial={"cart": empty}).content["lines"] == []
        for _ in range(2):
            client.call("cart_put", {"product_id": product}, session="a")
        seen_a = client.call("cart_show", {}, session="a").content
        seen_b = client.call("cart_show", {}, session="b").content
    assert [(l["product_id"], l["quantity"]) for l in seen_a["lines"]] == [(product, 2)]
    assert seen_b["lines"] == []


def test_server_exits_cleanly_on_a_bad_tool_source(tmp_path):
    done = subprocess.run([sys.executable, "-m", "synth.server", "--tools", f"json:{tmp_path / 'missing.json'}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2 and "cannot read tools" in done.stderr


# --- the in-process server -----------------------------------------------------------------------


def test_in_process_call_validates_executes_and_never_raises():
    server = ToolServer(TOOLS)
    assert server.call("add_numbers", {"a": 1, "b": 2}).content == {"result": 3}
    assert server.call("add_numbers", {"a": 1}).is_error
    assert server.call("add_numbers", ["not", "a", "dict"]).is_error
    assert server.call("nope", {}).is_error
    assert server.call("weather_now", {"city": 7}).is_error


def test_state_is_per_session_and_resettable():
    server = ToolServer(TOOLS)
    product = _product()
    lines = lambda s: {l["product_id"]: l["quantity"] for l in server.call("cart_show", {}, s).content["lines"]}  # noqa: E731
    fresh = lines("s1")
    assert lines("s1") == fresh  # a session's world is seeded by its key: reading twice changes nothing
    server.call("cart_put", {"product_id": product}, "s1")
    server.call("cart_put", {"product_id": product}, "s1")
    assert lines("s1")[product] == fresh.get(product, 0) + 2
    other = lines("s2")
    server.call("cart_put", {"product_id": product}, "s1")
    assert lines("s2") == other  # sessions do not see each other
    server.reset("s1")
    assert lines("s1") == fresh


def test_initial_state_snapshot_seeds_a_session():
    world = State(seed=9)
    snapshot = {"cart": world.domain("cart")}
    snapshot["cart"]["lines"] = {}
    server = ToolServer(TOOLS)
    assert server.call("cart_show", {}, "x", initial=snapshot).content["lines"] == []
    assert world.domain("cart")["lines"] == {}  # the caller's snapshot is not mutated by the session


def test_simulated_responses_are_deterministic_valid_and_echo_arguments():
    first = simulate_response(WEATHER, {"city": "Porto"})
    assert first == simulate_response(WEATHER, {"city": "Porto"})
    assert first["city"] == "Porto"
    Draft202012Validator(WEATHER.returns).validate(first)
    assert simulate_response(WEATHER, {"city": "Lisbon"}) != first


class _FakeModel:
    def __init__(self, text: str) -> None:
        self.text, self.requests = text, []

    def generate(self, requests):
        self.requests.extend(requests)
        return [Completion(self.text) for _ in requests]


def test_llm_simulated_responses_are_validated_before_use():
    good = {"city": "Porto", "temperature_c": 21.5, "sky": "clear"}
    model = _FakeModel("```json\n" + json.dumps(good) + "\n```")
    result = ToolServer(TOOLS, simulator=model).call("weather_now", {"city": "Porto"})
    assert result.content == good and result.source == "llm" and model.requests
    fallback = ToolServer(TOOLS, simulator=_FakeModel('{"city": 3}')).call("weather_now", {"city": "Porto"})
    assert fallback.source == "simulated" and fallback.content == simulate_response(WEATHER, {"city": "Porto"})
    # executors are never replaced by the model
    assert ToolServer(TOOLS, simulator=model).call("add_numbers", {"a": 1, "b": 1}).source == "executor"


# --- the catalog's executors ---------------------------------------------------------------------


def test_every_catalog_executor_key_is_implemented():
    missing = sorted({t.executor for t in catalog_tools() if t.executor and t.executor not in EXECUTORS})
    assert missing == []


def test_executor_results_follow_the_catalog_returns_schemas():
    from synth.recipes import Knobs, RecipeInput, ToolPool, _intent
    from bfcl_adapter.categories import Category

    tools = [t for t in catalog_tools() if t.executor]
    pool, server = ToolPool(tools), ToolServer(tools)
    errors = 0
    for spec in tools:
        for seed in range(6):
            rng, world = random.Random(seed), State(seed=seed)
            intent = _intent(spec, RecipeInput(Category.SIMPLE_PYTHON, pool, rng, Knobs(), world.known_values()))
            result = server.call(spec.name, intent.arguments, f"{spec.name}-{seed}", initial=world.snapshot())
            assert not str(result.content).startswith(("invalid arguments", "internal error")), result
            if result.is_error:
                errors += 1
            else:
                errors_found = list(Draft202012Validator(spec.returns).iter_errors(result.content))
                assert not errors_found, (spec.name, intent.arguments, result.content, errors_found[0].message)
    assert errors < len(tools) * 6 * 0.15  # realistic refusals (a delivered order cannot be cancelled) stay rare


@pytest.mark.parametrize(("key", "args", "expected"), [
    ("math.divide", {"dividend": 1, "divisor": 8}, {"result": 0.125}),
    ("math.mod", {"dividend": 17, "divisor": 5}, {"quotient": 3, "remainder": 2}),
    ("math.root", {"value": 27, "degree": 3}, {"result": 3}),
    ("math.eval", {"expression": "(a + 2) * b", "variables": {"a": 1, "b": 4}}, {"result": 12.0}),
    ("math.solve_linear", {"coefficients": [[2, 1], [1, 3]], "constants": [3, 5]}, {"solution": [0.8, 1.4], "unique": True}),
    ("math.to_numeral", {"value": 1994, "system": "roman"}, {"text": "MCMXCIV"}),
    ("units.convert_length", {"value": 5, "from_unit": "km", "to_unit": "mi"}, {"value": 3.1069, "unit": "mi"}),
    ("units.convert_temperature", {"value": 100, "from_unit": "celsius", "to_unit": "fahrenheit"}, {"value": 212.0, "unit": "fahrenheit"}),
    ("dates.days_between", {"start_date": "2024-02-01", "end_date": "2024-03-01"}, {"days": 29}),
    ("dates.add", {"date": "2024-01-31", "amount": 1, "unit": "months"}, {"date": "2024-02-29"}),
    ("dates.nth_weekday", {"year": 2025, "month": 11, "weekday": "thursday", "n": 4}, {"date": "2025-11-27"}),
    ("strings.replace", {"text": "a-b-a", "find": "a", "replacement": "x"}, {"text": "x-b-x", "replacements": 2}),
    ("strings.anagram", {"first": "Listen", "second": "Silent"}, {"anagrams": True}),
])  # fmt: skip
def test_stateless_executors_compute_real_answers(key, args, expected):
    assert EXECUTORS[key](State(), args) == expected


def test_bank_transfer_moves_money_between_own_accounts():
    state = State(seed=4)
    source, target = sorted(state.domain("bank")["accounts"])
    before = {k: a["balance"] for k, a in state.domain("bank")["accounts"].items()}
    out = EXECUTORS["bank.transfer"](state, {"from_account": source, "to_account": target, "amount": 100})
    assert out["status"] == "completed" and out["from_balance"] == round(before[source] - 100, 2)
    assert state.domain("bank")["accounts"][target]["balance"] == round(before[target] + 100, 2)
    too_much = EXECUTORS["bank.transfer"](state, {"from_account": source, "to_account": target, "amount": 10**9})
    assert too_much["status"] == "rejected"

"""OpenAPI 3 import: the shipped RapidAPI-style fixture plus small broken documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from synth.specs import ImportResult, import_openapi, load_specs

FIXTURE = Path(__file__).parent / "fixtures" / "openapi" / "parcel_tracker.yaml"


@pytest.fixture(scope="module")
def imported() -> ImportResult:
    return import_openapi(FIXTURE)


def by_name(result: ImportResult) -> dict:
    return {t.name: t for t in result.tools}


def test_operations_become_tools(imported: ImportResult) -> None:
    assert sorted(by_name(imported)) == [
        "cancel_shipment", "create_shipment", "get_categories_tree", "get_parcel_status", "list_parcels",
        "update_delivery_address",
    ]  # fmt: skip


def test_broken_operation_is_reported_with_location_and_skipped(imported: ImportResult) -> None:
    assert len(imported.problems) == 1
    problem = imported.problems[0]
    assert problem.startswith(f"{FIXTURE}:")
    assert "#/paths/~1rates~1quote/get/parameters/1" in problem
    assert "#/components/parameters/Currency" in problem
    line = int(problem.split(":", 1)[1].split(" ", 1)[0])
    assert "Currency" in FIXTURE.read_text().splitlines()[line - 1]
    assert "quote_rates" not in by_name(imported)


def test_parameters_refs_enums_defaults(imported: ImportResult) -> None:
    tool = by_name(imported)["get_parcel_status"]
    props = tool.parameters["properties"]
    assert set(props) == {"x_rapid_api_key", "tracking_number", "lang"}  # path-level header ref included
    assert set(tool.parameters["required"]) == {"x_rapid_api_key", "tracking_number"}
    assert props["lang"]["enum"] == ["en", "de", "fr", "nl"] and props["lang"]["default"] == "en"
    assert props["tracking_number"]["minLength"] == 8
    assert props["tracking_number"]["description"]  # filled in: the document has none
    status = tool.returns["properties"]["events"]["items"]["properties"]["status"]
    assert status["enum"][0] == "label_created"  # nested $ref inside a $ref
    assert tool.description == "Current status and scan history of one parcel."  # from the summary
    assert tool.domain == "parcels" and tool.source.endswith("#getParcelStatus")


def test_missing_description_filled_from_operation_id(imported: ImportResult) -> None:
    tool = by_name(imported)["list_parcels"]
    assert tool.description == "List parcels (GET /parcels)."
    assert tool.parameters["properties"]["page_size"]["default"] == 20
    assert tool.parameters["properties"]["status"]["items"]["enum"]
    assert tool.returns["properties"]["next"]["type"] == ["string", "null"]  # 3.0 nullable


def test_request_body_is_flattened_with_nested_refs(imported: ImportResult) -> None:
    tool = by_name(imported)["create_shipment"]
    props = tool.parameters["properties"]
    assert {"sender", "recipient", "parcels", "service", "pickup_date"} <= set(props)
    assert set(tool.parameters["required"]) == {"x_rapid_api_key", "sender", "recipient", "parcels"}
    assert "id" not in props["sender"]["properties"]  # readOnly dropped from inputs
    assert props["sender"]["required"] == ["name", "street", "postcode", "country"]
    money = props["parcels"]["items"]["properties"]["declared_value"]["properties"]["amount"]
    assert money == {"type": "number", "exclusiveMinimum": 0}  # 3.0 boolean form rewritten
    assert props["service"]["default"] == "standard"
    # Response: allOf merged into one object.
    assert {"shipment_id", "tracking_numbers", "sender"} <= set(tool.returns["properties"])
    assert tool.description.startswith("Book a collection")  # description preferred over summary


def test_operation_id_normalisation_and_nullable_enum(imported: ImportResult) -> None:
    tool = by_name(imported)["cancel_shipment"]
    assert tool.source.endswith("#cancel-shipment")
    assert tool.parameters["properties"]["reason"]["enum"][-1] is None


def test_cycles_are_cut_and_unnamed_operations_named(imported: ImportResult) -> None:
    tool = by_name(imported)["get_categories_tree"]
    child = tool.returns["properties"]["children"]["items"]
    assert child["type"] == "object" and "recursive" in child["description"]
    assert tool.source.endswith("#GET /categories/tree")
    assert tool.parameters["required"] == []


def test_json_form_gives_the_same_tools(tmp_path: Path, imported: ImportResult) -> None:
    path = tmp_path / "parcel_tracker.json"
    path.write_text(json.dumps(yaml.safe_load(FIXTURE.read_text())))
    again = import_openapi(path)
    assert [(t.name, t.parameters, t.returns) for t in again.tools] == [
        (t.name, t.parameters, t.returns) for t in imported.tools
    ]
    assert len(again.problems) == 1 and again.problems[0].startswith(f"{path}#/paths/~1rates~1quote")


def _doc(paths: dict, components: dict | None = None) -> dict:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths,
            "components": components or {}}  # fmt: skip


def _op(**parts: object) -> dict:
    return {"get": {"responses": {"200": {"description": "ok"}}, **parts}}


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        (_op(operationId="a", parameters=[{"name": "q", "schema": {"type": "string"}}]), "no valid 'in'"),
        (_op(operationId="b", parameters=[{"in": "query", "schema": {"type": "string"}}]), "non-empty 'name'"),
        (_op(operationId="c", parameters=[{"name": "q", "in": "query",
                                           "schema": {"type": "string", "enum": ["x"], "default": "y"}}]), "default"),
        (_op(operationId="d", parameters=[{"name": "q", "in": "query", "schema": {"type": "string", "enum": []}}]),
         "enum"),
        (_op(operationId="e", parameters=[{"$ref": "other.yaml#/components/parameters/X"}]), "external $ref"),
        (_op(operationId="f", parameters=[{"name": "id", "in": "path", "schema": {"type": "string"}}]),
         "does not appear"),
        (_op(operationId="g", requestBody={"description": "no content"}), "content"),
        ({"get": "not an object"}, "must be an object"),
        (_op(operationId="h", parameters=[{"name": "q", "in": "query", "schema": {"type": "strnig"}}]),
         "Draft 2020-12"),
    ],
)  # fmt: skip
def test_each_broken_operation_is_one_problem(tmp_path: Path, operation: dict, message: str) -> None:
    doc = _doc({"/ok": _op(operationId="fine", summary="Fine."), "/broken": operation})
    path = tmp_path / "api.json"
    path.write_text(json.dumps(doc))
    result = import_openapi(path)
    assert [t.name for t in result.tools] == ["fine"]
    assert len(result.problems) == 1, result.problems
    assert result.problems[0].startswith(f"{path}#/paths/~1broken/get"), result.problems
    assert message in result.problems[0]


def test_ref_cycle_between_parameters_is_reported(tmp_path: Path) -> None:
    doc = _doc({"/x": _op(operationId="x", parameters=[{"$ref": "#/components/parameters/A"}])},
               {"parameters": {"A": {"$ref": "#/components/parameters/B"}, "B": {"$ref": "#/components/parameters/A"}}})
    path = tmp_path / "api.json"
    path.write_text(json.dumps(doc))
    result = import_openapi(path)
    assert result.tools == [] and "cycle" in result.problems[0]


@pytest.mark.parametrize(
    ("text", "suffix", "message"),
    [
        ("{not json", ".json", ":1: not valid JSON"),
        ("openapi: 3.0.0\npaths: [unclosed\n", ".yaml", "not valid YAML"),
        ('{"swagger": "2.0", "paths": {}}', ".json", "not an OpenAPI 3 document"),
        ('{"openapi": "3.0.0", "paths": []}', ".json", "'paths' must be an object"),
    ],
)
def test_unreadable_documents_are_problems(tmp_path: Path, text: str, suffix: str, message: str) -> None:
    path = tmp_path / f"doc{suffix}"
    path.write_text(text)
    result = import_openapi(path)
    assert result.tools == [] and len(result.problems) == 1 and message in result.problems[0]
    assert result.problems[0].startswith(str(path))


def test_missing_file_and_load_specs_form(tmp_path: Path) -> None:
    missing = import_openapi(tmp_path / "nope.yaml")
    assert missing.tools == [] and "cannot read" in missing.problems[0]
    assert [t.name for t in load_specs(f"openapi:{FIXTURE}").tools] == [t.name for t in import_openapi(FIXTURE).tools]

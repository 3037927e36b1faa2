"""Rules every :class:`~synth.spec.ToolSpec` must satisfy, whatever its source.

The Draft 2020-12 metaschema alone accepts things that break tool calling downstream (an empty
``enum`` no model can satisfy, a ``required`` name with no property, a default the schema itself
rejects), so the metaschema check is followed by our own structural rules.
"""

from __future__ import annotations

import keyword
import re
from typing import Any, Iterator

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError

from ..spec import SpecError, ToolSpec

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*\Z")

# Keywords whose value is one subschema / a map of subschemas / a list of subschemas.
_ONE = ("items", "additionalProperties", "contains", "not", "if", "then", "else",
        "propertyNames", "unevaluatedItems", "unevaluatedProperties")  # fmt: skip
_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")


def is_identifier(name: str) -> bool:
    """A Python call target: an identifier that is not a keyword, or dotted ones ("optics.lens"),
    as BFCL prompts show calls as Python and name many functions by module."""
    return all(bool(_IDENTIFIER.match(part)) and not keyword.iskeyword(part) for part in name.split("."))


def is_snake_case(name: str) -> bool:
    return bool(_SNAKE.match(name)) and not keyword.iskeyword(name)


def walk_schemas(schema: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (JSON pointer, subschema) in a schema, the root included."""
    if not isinstance(schema, dict):
        return
    yield pointer, schema
    for key in _ONE:
        if key in schema:
            yield from walk_schemas(schema[key], f"{pointer}/{key}")
    for key in _MAP:
        sub = schema.get(key)
        if isinstance(sub, dict):
            for name, value in sub.items():
                yield from walk_schemas(value, f"{pointer}/{key}/{_escape(name)}")
    for key in _LIST:
        sub = schema.get(key)
        if isinstance(sub, list):
            for index, value in enumerate(sub):
                yield from walk_schemas(value, f"{pointer}/{key}/{index}")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def schema_problems(schema: Any, where: str, *, require_object: bool) -> list[str]:
    """Problems of one schema; each message starts with ``where`` plus a JSON pointer."""
    if not isinstance(schema, dict):
        return [f"{where}: schema must be a JSON object, got {type(schema).__name__}"]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        path = "".join(f"/{_escape(str(p))}" for p in exc.absolute_path)
        return [f"{where}{path}: not a valid Draft 2020-12 schema: {exc.message}"]
    problems: list[str] = []
    if require_object:
        if schema.get("type") != "object":
            problems.append(f"{where}: parameters must have type 'object', got {schema.get('type')!r}")
        if not isinstance(schema.get("properties", {}), dict):
            problems.append(f"{where}: 'properties' must be an object")
    for pointer, sub in walk_schemas(schema):
        problems.extend(_rules(schema, sub, f"{where}{pointer}"))
    return problems


def _rules(root: dict[str, Any], sub: dict[str, Any], where: str) -> Iterator[str]:
    props = sub.get("properties")
    required = sub.get("required")
    if isinstance(required, list) and isinstance(props, dict):
        missing = [r for r in required if r not in props]
        if missing:
            yield f"{where}: required names without a property: {', '.join(map(str, missing))}"
    if "enum" in sub and not sub["enum"]:
        yield f"{where}: enum is empty"
    if "default" in sub:
        # A subschema may point into the root's $defs; give the check the root's definitions.
        check = dict(sub)
        for defs in ("$defs", "definitions"):
            if defs in root and defs not in check:
                check[defs] = root[defs]
        check.pop("default")
        try:
            Draft202012Validator(check).validate(sub["default"])
        except ValidationError as exc:
            yield f"{where}/default: default {sub['default']!r} fails its own schema: {exc.message}"
        except Exception as exc:  # an unresolvable $ref and the like: reported, never raised
            yield f"{where}/default: cannot check the default: {exc}"


def tool_problems(spec: ToolSpec, where: str | None = None, *, params_at: str = "/parameters",
                  returns_at: str = "/returns") -> list[str]:  # fmt: skip
    """All rule violations of a tool; an empty list means valid. ``params_at``/``returns_at`` say
    where the two schemas sit inside ``where`` (``/inputSchema`` for an MCP tool, say)."""
    where = where or (spec.source if spec.source else "tool") + f"#{spec.name}"
    problems: list[str] = []
    if not isinstance(spec.name, str) or not is_identifier(spec.name):
        problems.append(f"{where}: name {spec.name!r} is not a Python identifier (or dotted identifiers)")
    if not isinstance(spec.description, str) or not spec.description.strip():
        problems.append(f"{where}: description is empty")
    problems.extend(schema_problems(spec.parameters, f"{where}{params_at}", require_object=True))
    problems.extend(schema_problems(spec.returns, f"{where}{returns_at}", require_object=False))
    return problems


def validate_tool(spec: ToolSpec, where: str | None = None) -> ToolSpec:
    """The spec itself when valid; otherwise :class:`SpecError` naming the first problem."""
    problems = tool_problems(spec, where)
    if problems:
        raise SpecError("; ".join(problems))
    return spec

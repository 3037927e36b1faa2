"""The internal form of a tool: every spec source (catalog, procedural, OpenAPI, MCP, Python)
is normalised to a :class:`ToolSpec` before anything else sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# JSON Schema types -> BFCL function-doc type names (the prompting format shows BFCL's names).
_BFCL_TYPE = {"object": "dict", "number": "float", "integer": "integer", "string": "string",
              "boolean": "boolean", "array": "array", "null": "any"}  # fmt: skip


class SpecError(ValueError):
    """A malformed spec; the message starts with its source location."""


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    parameters: dict[str, Any]  # JSON Schema: {"type": "object", "properties": {...}, "required": [...]}
    returns: dict[str, Any] = field(default_factory=lambda: {"type": "object"})  # response schema
    domain: str = "general"
    source: str = "catalog"  # catalog | procedural:<seed> | openapi:<path>#<op> | mcp:<cmd> | py:<module>.<func>
    executor: str | None = None  # key of an executable implementation or simulator in the MCP server

    def to_openai_tool(self) -> dict[str, Any]:
        """trl / transformers ``tools=`` form."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }

    def to_bfcl_doc(self) -> dict[str, Any]:
        """BFCL's function-doc form, for the prompting-mode system prompt."""
        return {"name": self.name, "description": self.description, "parameters": _bfcl_schema(self.parameters)}


def _bfcl_schema(schema: dict[str, Any]) -> dict[str, Any]:
    out = dict(schema)
    kind = schema.get("type")
    if isinstance(kind, str):
        out["type"] = _BFCL_TYPE.get(kind, kind)
    if "properties" in schema:
        out["properties"] = {k: _bfcl_schema(v) for k, v in schema["properties"].items()}
        out.setdefault("required", [])
    if "items" in schema and isinstance(schema["items"], dict):
        out["items"] = _bfcl_schema(schema["items"])
    return out

"""Inline local ``$ref``s so every imported schema is self-contained.

Prompts show a tool's parameters to a model as one document; a ``$ref`` into a components section
the model never sees is useless there. References are expanded in place; a reference cycle
(``Node.children: [Node]``) is cut at its second occurrence and replaced by a described,
untyped-object stub, so the result is finite and still valid.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from ..spec import SpecError

MAX_DEPTH = 40  # deeper than any real API; guards against pathological nesting without cycles

Schema = dict[str, Any]
Convert = Callable[[Schema], Schema]


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def resolve_pointer(root: Any, ref: str, where: str) -> Any:
    """The node a local ``#/a/b`` reference points to; SpecError naming ``where`` otherwise."""
    if not ref.startswith("#"):
        raise SpecError(f"{where}: external $ref {ref!r} is not supported (only '#/...' references)")
    node = root
    for token in [unescape(t) for t in ref[1:].split("/")[1:]] if ref not in ("#", "#/") else []:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise SpecError(f"{where}: unresolvable $ref {ref!r}")
    return node


def follow(root: Any, node: Any, where: str, limit: int = 16) -> tuple[Any, str]:
    """Follow a chain of ``$ref``-only objects (parameters, request bodies, responses)."""
    seen: list[str] = []
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen or len(seen) >= limit:
            raise SpecError(f"{where}: $ref cycle through {' -> '.join(seen + [ref])}")
        seen.append(ref)
        node = resolve_pointer(root, ref, where)
        where = f"{where.split('#')[0]}#{ref[1:]}" if "#" in where else where
    return node, where


_SUBSCHEMA_ONE = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else")
_SUBSCHEMA_MAP = ("properties", "patternProperties", "dependentSchemas")
_SUBSCHEMA_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")


def inline(schema: Any, root: Any, where: str, convert: Convert | None = None,
           _stack: tuple[str, ...] = (), _depth: int = 0) -> Any:  # fmt: skip
    """A copy of ``schema`` with every local ``$ref`` expanded (cycles cut, see module doc)."""
    if not isinstance(schema, dict):
        return copy.deepcopy(schema)
    if _depth > MAX_DEPTH:
        return {"type": "object", "description": "(nesting truncated)"}
    if isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if ref in _stack:
            name = ref.rsplit("/", 1)[-1]
            return {"type": "object", "description": f"A nested {unescape(name)} (recursive structure)"}
        target = resolve_pointer(root, ref, where)
        expanded = inline(target, root, where, convert, _stack + (ref,), _depth + 1)
        siblings = {k: v for k, v in schema.items() if k != "$ref"}  # e.g. a description next to $ref
        if siblings and isinstance(expanded, dict):
            expanded = {**expanded, **inline(siblings, root, where, convert, _stack, _depth + 1)}
        return expanded
    out: Schema = {}
    for key, value in schema.items():
        if key in ("$defs", "definitions"):
            continue  # everything they held is inlined where used
        if key in _SUBSCHEMA_ONE and isinstance(value, dict):
            out[key] = inline(value, root, where, convert, _stack, _depth + 1)
        elif key in _SUBSCHEMA_MAP and isinstance(value, dict):
            out[key] = {k: inline(v, root, where, convert, _stack, _depth + 1) for k, v in value.items()}
        elif key in _SUBSCHEMA_LIST and isinstance(value, list):
            out[key] = [inline(v, root, where, convert, _stack, _depth + 1) for v in value]
        else:
            out[key] = copy.deepcopy(value)
    return convert(out) if convert else out


def merge_all_of(schema: Schema) -> Schema:
    """Flatten ``allOf`` of object schemas into one object (the common OpenAPI inheritance idiom);
    anything else is left as it is."""
    parts = schema.get("allOf")
    if not isinstance(parts, list) or not all(isinstance(p, dict) for p in parts):
        return schema
    merged: Schema = {k: v for k, v in schema.items() if k != "allOf"}
    props: Schema = dict(merged.get("properties", {}))
    required: list[str] = list(merged.get("required", []))
    for part in parts:
        part = merge_all_of(part)
        if part.get("type", "object") != "object" or not isinstance(part.get("properties", {}), dict):
            return schema
        props.update(part.get("properties", {}))
        required += [r for r in part.get("required", []) if r not in required]
        for key in ("description", "title"):
            if key in part and key not in merged:
                merged[key] = part[key]
    merged.update(type="object", properties=props)
    if required:
        merged["required"] = required
    return merged

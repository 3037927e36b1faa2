"""Function-calling (FC) mode: BFCL docs to OpenAI tools, native tool-call text to ``Call``s.

``functions_to_tools`` mirrors bfcl-eval 2026.3.23's ``convert_to_tool(functions,
GORILLA_TO_OPENAPI, ModelStyle.OPENAI_COMPLETIONS)`` applied to docs that went through
``load_dataset_entry``'s language pre-processing. The decoder is our own (Qwen/Hermes-style
``<tool_call>`` blocks or bare JSON) and never evaluates model text.
"""

from __future__ import annotations

import copy
import json
import keyword
import math
import re
from collections.abc import Iterable
from typing import Any

from bfcl_adapter.categories import Category
from bfcl_adapter.prompts import preprocess_function_docs
from bfcl_adapter.types import Call, DecodeError

# BFCL's GORILLA_TO_OPENAPI (constants/type_mappings.py): data-file types, including the
# Java/JavaScript spellings, to JSON-Schema types.
GORILLA_TO_OPENAPI: dict[str, str] = {
    "integer": "integer",
    "number": "number",
    "float": "number",
    "string": "string",
    "boolean": "boolean",
    "bool": "boolean",
    "array": "array",
    "list": "array",
    "dict": "object",
    "object": "object",
    "tuple": "array",
    "any": "string",
    "byte": "integer",
    "short": "integer",
    "long": "integer",
    "double": "number",
    "char": "string",
    "ArrayList": "array",
    "Array": "array",
    "HashMap": "object",
    "Hashtable": "object",
    "Queue": "array",
    "Stack": "array",
    "Any": "string",
    "String": "string",
    "Bigint": "integer",
}


# --- docs -> tools ------------------------------------------------------------------------------


def functions_to_tools(
    functions: list[dict[str, Any]],
    category: Category,
    *,
    dot_to_underscore: bool = False,
    functions_preprocessed: bool = False,
) -> list[dict[str, Any]]:
    """OpenAI-style tools ``{"type": "function", "function": {...}}`` for raw BFCL docs.

    Like BFCL, the docs first get the language hint (and Java/JS params become strings), then
    types are mapped with :data:`GORILLA_TO_OPENAPI`; other keys of a doc (e.g. ``response``)
    are kept. BFCL renames ``a.b`` to ``a_b`` for OpenAI-like APIs, whose name pattern forbids
    dots; local chat templates accept dots, so that is opt-in here (``dot_to_underscore``), and
    the decoded names must then be mapped back by the caller.
    """
    docs = functions if functions_preprocessed else preprocess_function_docs(functions, category)
    tools: list[dict[str, Any]] = []
    for doc in copy.deepcopy(docs):
        if dot_to_underscore:
            doc["name"] = doc["name"].replace(".", "_")
        doc["parameters"]["type"] = "object"
        _cast_properties(doc["parameters"]["properties"])
        tools.append({"type": "function", "function": doc})
    return tools


def _cast_properties(properties: dict[str, Any]) -> dict[str, Any]:
    """Map every property's type in place, descending as far as BFCL does (and no further).

    Unknown top-level types become ``"string"``; unknown ``items`` types raise ``KeyError``
    and ``additionalProperties`` is left untouched -- both as in BFCL.
    """
    for prop in properties.values():
        if "type" not in prop:
            prop["type"] = "string"
        else:
            kind = prop["type"]
            if kind == "float":
                # JSON Schema has no float; BFCL keeps the distinction in ``format`` and prose.
                prop["format"] = "float"
                prop["description"] += " This is a float type value."
            prop["type"] = GORILLA_TO_OPENAPI.get(kind, "string")

        if prop["type"] not in ("array", "object"):
            continue
        if "properties" in prop:
            _cast_properties(prop["properties"])
        elif "items" in prop:
            items = prop["items"]
            items["type"] = GORILLA_TO_OPENAPI[items["type"]]
            if items["type"] == "array" and "items" in items:
                items["items"]["type"] = GORILLA_TO_OPENAPI[items["items"]["type"]]
            elif items["type"] == "object" and "properties" in items:
                _cast_properties(items["properties"])
    return properties


# --- native tool-call text -> calls ---------------------------------------------------------------

_OPEN, _CLOSE = "<tool_call>", "</tool_call>"
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)
_JSON = json.JSONDecoder()


def decode_fc(text: str) -> list[Call]:
    """Decode a model's native tool-call output; raise ``DecodeError`` for anything else.

    Accepted: one or more ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>`` blocks
    (text around them is ignored; ``arguments`` may be a JSON-encoded string), or the whole
    reply being one JSON call object or a JSON list of them (optionally in a code fence).
    ``"parameters"`` is accepted for ``"arguments"``. Reasoning before a ``</think>`` is dropped
    first, as BFCL's FC handlers do.
    """
    if "</think>" in text:
        text = text.split("</think>")[-1]
    if _OPEN in text:
        return _decode_blocks(text)
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1)
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # deep nesting overflows the JSON parser
        raise DecodeError(f"not a tool call: {text[:200]!r}", kind="decoder_failed") from None
    return _calls_from_payload(payload)


def _decode_blocks(text: str) -> list[Call]:
    calls: list[Call] = []
    start = text.find(_OPEN)
    while start != -1:
        pos = _skip_space(text, start + len(_OPEN))
        try:
            # raw_decode, not a regex up to the closing tag: a string argument may itself
            # contain "</tool_call>".
            payload, pos = _JSON.raw_decode(text, pos)
        except (ValueError, RecursionError):
            raise DecodeError(
                f"malformed JSON in <tool_call> block at offset {start}", kind="decoder_failed"
            ) from None
        pos = _skip_space(text, pos)
        if text.startswith(_CLOSE, pos):
            pos += len(_CLOSE)
        elif pos != len(text):
            # An unclosed block is tolerated only at the very end (generation stopped early).
            raise DecodeError(
                f"unterminated <tool_call> block at offset {start}", kind="decoder_failed"
            )
        calls.extend(_calls_from_payload(payload))
        start = text.find(_OPEN, pos)
    return calls


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _calls_from_payload(payload: Any) -> list[Call]:
    items = payload if isinstance(payload, list) else [payload]
    return [_call_from_object(item) for item in items]


def _call_from_object(obj: Any) -> Call:
    if isinstance(obj, dict) and "name" not in obj and isinstance(obj.get("function"), dict):
        obj = obj["function"]  # OpenAI's {"type": "function", "function": {...}} wrapper
    if not isinstance(obj, dict) or not isinstance(obj.get("name"), str) or not obj["name"]:
        raise DecodeError(f"not a function call object: {obj!r:.200}", kind="decoder_failed")
    arguments = obj.get("arguments", obj.get("parameters", {}))
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except (ValueError, RecursionError):
            raise DecodeError(
                f"arguments of {obj['name']!r} are not JSON", kind="decoder_failed"
            ) from None
    if not isinstance(arguments, dict):
        raise DecodeError(f"arguments of {obj['name']!r} are not an object", kind="decoder_failed")
    return Call(obj["name"], arguments)


# --- calls -> text --------------------------------------------------------------------------------


def calls_to_tool_call_text(calls: Iterable[Call]) -> str:
    """Render calls as Qwen/Hermes ``<tool_call>`` blocks (what :func:`decode_fc` reads)."""
    return "\n".join(
        f"{_OPEN}\n{json.dumps({'name': c.name, 'arguments': c.arguments})}\n{_CLOSE}"
        for c in calls
    )


def calls_to_python_call_list(calls: Iterable[Call]) -> str:
    """Render calls as BFCL's prompting-mode answer, ``[f(a=1), g(b='x')]``.

    Values are written with ``repr``, so every argument reads back with ``ast.literal_eval``
    and BFCL's own AST decoder. Anything that would not read back the same raises
    ``ValueError``: a name or key that is not a (dotted) identifier or is a keyword
    (BFCL's live data has a ``from`` parameter), a ``None`` key, a non-finite float, or a value
    that is not a Python literal.
    """
    rendered = []
    for call in calls:
        if not all(_is_plain_identifier(part) for part in call.name.split(".")):
            raise ValueError(f"function name {call.name!r} cannot be written as a Python call")
        args = []
        for key, value in call.arguments.items():
            if not isinstance(key, str) or not _is_plain_identifier(key):
                raise ValueError(f"argument {key!r} of {call.name!r} cannot be a keyword argument")
            _check_literal(value)
            args.append(f"{key}={value!r}")
        rendered.append(f"{call.name}({', '.join(args)})")
    return "[" + ", ".join(rendered) + "]"


def _is_plain_identifier(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def _check_literal(value: Any) -> None:
    # Exact types: a subclass (an IntEnum, say) may have a repr that is no literal.
    if value is None or type(value) in (bool, int, str):
        return
    if type(value) is float:
        if not math.isfinite(value):
            raise ValueError(f"{value!r} has no Python literal")
        return
    if type(value) in (list, tuple):
        for item in value:
            _check_literal(item)
        return
    if type(value) is dict:
        for key, item in value.items():
            _check_literal(key)
            _check_literal(item)
        return
    raise ValueError(f"{type(value).__name__} value {value!r:.80} is not a Python literal")

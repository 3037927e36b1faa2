"""Python functions -> ToolSpecs, from signatures, type hints and docstrings.

Every public function defined in the module (or listed in ``__all__``) becomes a tool; argument
descriptions come from Google-, NumPy- or Sphinx-style docstrings, a default makes an argument
optional. A function whose hints cannot be turned into JSON Schema is reported at its
``file:line`` and skipped.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import importlib
import inspect
import json
import pathlib
import re
import types
import typing
import uuid
from typing import Any, Callable

from ..spec import SpecError, ToolSpec
from .refs import inline
from .result import ImportResult, sentence_from_name, snake_name

Schema = dict[str, Any]
_NONE = type(None)
_SIMPLE: dict[Any, Schema] = {
    str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"}, bool: {"type": "boolean"},
    decimal.Decimal: {"type": "number"}, bytes: {"type": "string", "contentEncoding": "base64"},
    datetime.date: {"type": "string", "format": "date"}, datetime.datetime: {"type": "string", "format": "date-time"},
    datetime.time: {"type": "string", "format": "time"}, uuid.UUID: {"type": "string", "format": "uuid"},
    pathlib.Path: {"type": "string"}, pathlib.PurePath: {"type": "string"}, dict: {"type": "object"},
    list: {"type": "array"}, tuple: {"type": "array"}, set: {"type": "array", "uniqueItems": True},
    frozenset: {"type": "array", "uniqueItems": True}, _NONE: {"type": "null"}, typing.Any: {}, object: {},
}  # fmt: skip


def type_schema(hint: Any, where: str, _depth: int = 0) -> Schema:
    """JSON Schema of a type hint (raises SpecError for types with no JSON form)."""
    if _depth > 20:
        raise SpecError(f"{where}: type nesting too deep")
    if hint is inspect.Parameter.empty:
        return {}
    if hint in _SIMPLE:
        return dict(_SIMPLE[hint])
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        schema = type_schema(args[0], where, _depth + 1)
        notes = [a for a in args[1:] if isinstance(a, str)]
        if notes:
            schema["description"] = notes[0]
        return schema
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not _NONE]
        schemas = [type_schema(a, where, _depth + 1) for a in members]
        schema = schemas[0] if len(schemas) == 1 else {"anyOf": schemas}
        if len(members) < len(args):  # Optional[X]: None is also accepted
            schema = _nullable(schema)
        return schema
    if origin is typing.Literal:
        return _enum_schema(list(args))
    if inspect.isclass(hint) and issubclass(hint, enum.Enum):
        return _enum_schema([m.value for m in hint])
    if origin in (list, set, frozenset, tuple) or origin in _ABC_SEQUENCES:
        schema: Schema = {"type": "array"}
        if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            schema.update(prefixItems=[type_schema(a, where, _depth + 1) for a in args], minItems=len(args),
                          maxItems=len(args))  # fmt: skip
        elif args:
            schema["items"] = type_schema(args[0], where, _depth + 1)
        if origin in (set, frozenset):
            schema["uniqueItems"] = True
        return schema
    if origin in (dict,) or origin in _ABC_MAPPINGS:
        schema = {"type": "object"}
        if len(args) == 2:
            if args[0] is not str:
                raise SpecError(f"{where}: mapping keys must be str for JSON, got {args[0]!r}")
            schema["additionalProperties"] = type_schema(args[1], where, _depth + 1)
        return schema
    if inspect.isclass(hint) and typing.is_typeddict(hint):
        hints = typing.get_type_hints(hint, include_extras=True)
        return {"type": "object", "properties": {k: type_schema(v, where, _depth + 1) for k, v in hints.items()},
                "required": [k for k in hints if k in hint.__required_keys__]}  # fmt: skip
    if inspect.isclass(hint) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint, include_extras=True)
        fields = dataclasses.fields(hint)
        props = {f.name: type_schema(hints.get(f.name, Any), where, _depth + 1) for f in fields}
        return {"type": "object", "properties": props,
                "required": [f.name for f in fields if f.default is dataclasses.MISSING
                             and f.default_factory is dataclasses.MISSING]}  # fmt: skip
    if inspect.isclass(hint) and hasattr(hint, "model_json_schema"):  # pydantic models
        raw = hint.model_json_schema()
        return inline(raw, raw, where)
    raise SpecError(f"{where}: no JSON Schema for type {hint!r}")


_ABC_SEQUENCES = {typing.get_origin(t) for t in (typing.Sequence[int], typing.List[int], typing.Iterable[int],
                                                  typing.Collection[int], typing.Set[int])}  # fmt: skip
_ABC_MAPPINGS = {typing.get_origin(t) for t in (typing.Mapping[str, int], typing.Dict[str, int])}


def _nullable(schema: Schema) -> Schema:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]} if schema else schema


def _enum_schema(values: list[Any]) -> Schema:
    kinds = {type(v) for v in values}
    schema: Schema = {"enum": values}
    names = {str: "string", int: "integer", float: "number", bool: "boolean"}
    name = names.get(next(iter(kinds))) if len(kinds) == 1 else None
    if name:
        schema = {"type": name, **schema}
    return schema


# --- docstrings ------------------------------------------------------------------------------

_NUMPY_RULE = re.compile(r"^\s*-{3,}\s*$")
_GOOGLE_HEADER = re.compile(r"^([A-Z][A-Za-z]*(?: [A-Za-z]+)?):\s*$")
_GOOGLE_ENTRY = re.compile(r"^\*{0,2}(\w+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$")
_NUMPY_ENTRY = re.compile(r"^\*{0,2}(\w+)\s*(?::\s*(.*))?$")
_SPHINX_PARAM = re.compile(r"^:param\s+(?:[^:]*\s)?\*{0,2}(\w+)\s*:\s*(.*)$")
_SPHINX_RETURNS = re.compile(r"^:returns?:\s*(.*)$")
_PARAM_SECTIONS = {"args", "arguments", "parameters", "params", "keyword args", "keyword arguments",
                   "other parameters"}  # fmt: skip
_RETURN_SECTIONS = {"returns", "return", "yields"}


@dataclasses.dataclass
class Docstring:
    summary: str = ""
    params: dict[str, str] = dataclasses.field(default_factory=dict)
    returns: str = ""


def parse_docstring(text: str | None) -> Docstring:
    """Summary, per-argument descriptions and the returns text of a Google, NumPy or Sphinx docstring."""
    doc = Docstring()
    if not text:
        return doc
    lines = inspect.cleandoc(text).splitlines()
    head: list[str] = []
    sections: list[tuple[str, str, list[str]]] = []  # (title, style, body lines)
    index = 0
    while index < len(lines):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.strip() and not line[0].isspace() and _NUMPY_RULE.match(following):
            sections.append((line.strip().lower(), "numpy", []))
            index += 2
            continue
        header = _GOOGLE_HEADER.match(line)
        if header:
            sections.append((header.group(1).lower(), "google", []))
        else:
            (sections[-1][2] if sections else head).append(line)
        index += 1
    summary: list[str] = []
    for line in head:
        if not line.strip() or line.lstrip().startswith(":"):
            break
        summary.append(line.strip())
    doc.summary = " ".join(summary)
    _sphinx_fields(head, doc)
    for title, style, body in sections:
        if title in _PARAM_SECTIONS:
            doc.params.update(_entries(body, style))
        elif title in _RETURN_SECTIONS:
            doc.returns = _returns_text(body, style)
    return doc


def _entries(body: list[str], style: str) -> dict[str, str]:
    """``name -> description`` from a parameter section's lines."""
    indents = [len(line) - len(line.lstrip()) for line in body if line.strip()]
    base = min(indents) if indents else 0
    out: dict[str, str] = {}
    current: str | None = None
    for line in body:
        if not line.strip():
            continue
        indent, text = len(line) - len(line.lstrip()), line.strip()
        entry = (_GOOGLE_ENTRY if style == "google" else _NUMPY_ENTRY).match(text) if indent == base else None
        if entry:
            current = entry.group(1)
            out[current] = entry.group(3).strip() if style == "google" else ""  # numpy: text after ':' is the type
        elif current is not None:
            out[current] = f"{out[current]} {text}".strip()
    return out


def _returns_text(body: list[str], style: str) -> str:
    lines = [line for line in body if line.strip()]
    if style == "numpy" and len(lines) > 1:  # numpy: "type" line, then the indented description
        base = min(len(line) - len(line.lstrip()) for line in lines)
        lines = [line for line in lines if len(line) - len(line.lstrip()) > base] or lines
    return " ".join(line.strip() for line in lines)


def _sphinx_fields(lines: list[str], doc: Docstring) -> None:
    target: str | None = None  # "param:<name>" or "returns" while continuation lines may follow
    for line in lines:
        text = line.strip()
        param, returns = _SPHINX_PARAM.match(text), _SPHINX_RETURNS.match(text)
        if param:
            target = f"param:{param.group(1)}"
            doc.params[param.group(1)] = param.group(2).strip()
        elif returns:
            target, doc.returns = "returns", returns.group(1).strip()
        elif text.startswith(":"):
            target = None  # :type x:, :raises:, ... are not descriptions
        elif target and text and line[:1].isspace():
            if target == "returns":
                doc.returns = f"{doc.returns} {text}".strip()
            else:
                name = target.split(":", 1)[1]
                doc.params[name] = f"{doc.params[name]} {text}".strip()


# --- functions -------------------------------------------------------------------------------


def _json_default(value: Any) -> tuple[bool, Any]:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, (tuple, frozenset, set)):
        value = list(value)
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False, None
    return True, value


def function_spec(fn: Callable[..., Any], *, domain: str = "python", source: str | None = None) -> ToolSpec:
    """The ToolSpec of one function (SpecError, located at file:line, when it has none)."""
    try:
        where = f"{inspect.getsourcefile(fn)}:{inspect.getsourcelines(fn)[1]} ({fn.__module__}.{fn.__qualname__})"
    except (OSError, TypeError):
        where = f"{fn.__module__}.{fn.__qualname__}"
    try:
        hints = typing.get_type_hints(fn, include_extras=True)
    except Exception as exc:  # unresolvable forward references and the like
        raise SpecError(f"{where}: cannot resolve type hints: {exc}") from None
    doc = parse_docstring(inspect.getdoc(fn))
    properties: Schema = {}
    required: list[str] = []
    for param in inspect.signature(fn).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue  # *args/**kwargs have no fixed names a model could fill in
        hint = hints.get(param.name, inspect.Parameter.empty)
        if hint is inspect.Parameter.empty and param.default is not param.empty and param.default is not None:
            hint = type(param.default)  # unannotated: infer from the default
        schema = type_schema(hint, f"{where} argument {param.name!r}")
        text = doc.params.get(param.name) or schema.get("description", "")
        schema["description"] = text or f"{sentence_from_name(param.name)[:-1]}."
        properties[param.name] = schema
        if param.default is param.empty:
            required.append(param.name)
        elif param.default is not None:
            ok, value = _json_default(param.default)
            if ok:
                schema["default"] = value
    returns: Schema = {}
    if "return" in hints and hints["return"] is not _NONE:
        returns = type_schema(hints["return"], f"{where} return value")
    if doc.returns:
        returns["description"] = doc.returns
    description = doc.summary or sentence_from_name(fn.__name__)
    parameters = {"type": "object", "properties": properties, "required": required}
    return ToolSpec(fn.__name__, description, parameters, returns or {"type": "object"}, domain=domain,
                    source=source or f"py:{fn.__module__}.{fn.__qualname__}")  # fmt: skip


def import_python_module(module_name: str) -> ImportResult:
    result = ImportResult()
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # any import-time failure of user code is a problem, not a crash
        result.problems.append(f"py:{module_name}: cannot import: {type(exc).__name__}: {exc}")
        return result
    exported = getattr(module, "__all__", None)

    def wanted(name: str, fn: Callable[..., Any]) -> bool:
        if exported is not None:
            return name in exported
        return not name.startswith("_") and fn.__module__ == module.__name__  # defined here, not imported

    functions = [fn for name, fn in inspect.getmembers(module, inspect.isfunction) if wanted(name, fn)]
    functions.sort(key=lambda f: getattr(f.__code__, "co_firstlineno", 0))
    domain = snake_name(module_name.rsplit(".", 1)[-1]) or "python"
    for fn in functions:
        try:
            spec = function_spec(fn, domain=domain, source=f"py:{module_name}.{fn.__name__}")
        except SpecError as exc:
            result.problems.append(str(exc))
            continue
        except Exception as exc:  # e.g. a TypedDict whose own hints do not resolve
            result.problems.append(f"py:{module_name}.{fn.__name__}: {type(exc).__name__}: {exc}")
            continue
        result.add(spec, spec.source, params_at=" (arguments)", returns_at=" (return value)")
    return result

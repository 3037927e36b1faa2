"""OpenAPI 3 documents (JSON or YAML) -> one ToolSpec per operation.

Arguments are the operation's path, query and header parameters plus, flattened, the properties
of its JSON request body (a non-object body becomes one ``body`` argument). ``$ref``s are inlined
(cycles cut), OpenAPI 3.0 schema dialect is rewritten to JSON Schema 2020-12, missing
descriptions are filled from the summary or the operationId. A broken operation is reported
with its location (``file:line #/json/pointer``; lines for YAML) and skipped; the rest import.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..spec import SpecError, ToolSpec
from .refs import escape, follow, inline, merge_all_of
from .result import ImportResult, sentence_from_name, snake_name

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_LOCATIONS = ("path", "query", "header")  # cookies are session plumbing, not tool arguments
_OPENAPI_ONLY = ("nullable", "discriminator", "xml", "externalDocs", "example")


def _to_2020(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI 3.0 schema keywords -> JSON Schema 2020-12 (3.1 documents pass through unchanged)."""
    out = {k: v for k, v in schema.items() if k not in _OPENAPI_ONLY and not k.startswith("x-")}
    if schema.get("nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    if "example" in schema and "examples" not in out:
        out["examples"] = [schema["example"]]
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(bound), bool):  # 3.0: a flag modifying minimum/maximum
            if out.pop(bound) and limit in out:
                out[bound] = out.pop(limit)
    return out


class _Document:
    def __init__(self, path: Path, data: Any, text: str, is_yaml: bool) -> None:
        self.path, self.data, self._text, self._is_yaml = path, data, text, is_yaml
        self._nodes: Any = None

    def where(self, pointer: str) -> str:
        line = self._line(pointer)
        return f"{self.path}:{line} #{pointer}" if line else f"{self.path}#{pointer}"

    def _line(self, pointer: str) -> int | None:
        """Line of a JSON pointer in a YAML file (YAML nodes keep their marks; json does not)."""
        if not self._is_yaml:
            return None
        try:
            import yaml

            if self._nodes is None:
                self._nodes = yaml.compose(self._text)
            node = self._nodes
            for token in [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]:
                if isinstance(node, yaml.MappingNode):
                    node = next(v for k, v in node.value if k.value == token)
                elif isinstance(node, yaml.SequenceNode):
                    node = node.value[int(token)]
            return int(node.start_mark.line) + 1
        except Exception:  # a location is a courtesy; never fail the import over it
            return None


def _read(path: Path) -> tuple[_Document | None, str | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return None, f"{path}: cannot read: {exc.strerror or exc}"
    is_yaml = path.suffix.lower() in (".yaml", ".yml") or not text.lstrip().startswith(("{", "["))
    if not is_yaml:
        try:
            return _Document(path, json.loads(text), text, False), None
        except json.JSONDecodeError as exc:
            return None, f"{path}:{exc.lineno}: not valid JSON: {exc.msg}"
    try:
        import yaml
    except ImportError:
        return None, f"{path}: reading YAML needs PyYAML (pip install pyyaml)"
    try:
        return _Document(path, yaml.safe_load(text), text, True), None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        return None, f"{path}{line}: not valid YAML: {getattr(exc, 'problem', None) or exc}"


def import_openapi(path: str | Path) -> ImportResult:
    result = ImportResult()
    doc, problem = _read(Path(path))
    if doc is None:
        result.problems.append(problem or f"{path}: unreadable")
        return result
    data = doc.data
    if not isinstance(data, dict) or not str(data.get("openapi", "")).startswith("3"):
        result.problems.append(f"{doc.where('')}: not an OpenAPI 3 document (no 'openapi: 3.x' field)")
        return result
    paths = data.get("paths")
    if not isinstance(paths, dict):
        result.problems.append(f"{doc.where('/paths')}: 'paths' must be an object")
        return result
    default_domain = snake_name(str((data.get("info") or {}).get("x-domain") or "openapi")) or "openapi"
    for raw_path, item in paths.items():
        pointer = f"/paths/{escape(str(raw_path))}"
        try:
            item, _ = follow(data, item, doc.where(pointer))
        except SpecError as exc:
            result.problems.append(str(exc))
            continue
        if not isinstance(item, dict):
            result.problems.append(f"{doc.where(pointer)}: a path item must be an object")
            continue
        for method in METHODS:
            if method not in item:
                continue
            op_pointer = f"{pointer}/{method}"
            try:
                spec = _operation(doc, str(raw_path), method, item, op_pointer, default_domain)
            except SpecError as exc:
                result.problems.append(str(exc))
                continue
            except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
                # Shapes the checks above did not foresee: still one skipped operation, not a crash.
                result.problems.append(f"{doc.where(op_pointer)}: malformed operation ({type(exc).__name__}: {exc})")
                continue
            # The argument schema is assembled from several places; name it rather than point.
            result.add(spec, doc.where(op_pointer), params_at=" (arguments)", returns_at=" (response)")
    return result


def _operation(doc: _Document, raw_path: str, method: str, item: dict[str, Any], pointer: str,
               default_domain: str) -> ToolSpec:  # fmt: skip
    op = item[method]
    where = doc.where(pointer)
    if not isinstance(op, dict):
        raise SpecError(f"{where}: an operation must be an object")
    op_id = op.get("operationId")
    name = snake_name(op_id) if isinstance(op_id, str) else ""
    if not name:
        name = snake_name(f"{method} {re.sub(r'[{}]', ' ', raw_path)}")
    description = (op.get("description") or op.get("summary") or "").strip()
    if not description:  # fall back to the operationId, read as words, and the route
        words = sentence_from_name(op_id if isinstance(op_id, str) else name)[:-1]
        description = f"{words} ({method.upper()} {raw_path})."
    tags = op.get("tags")
    domain = snake_name(str(tags[0])) if isinstance(tags, list) and tags else default_domain

    properties: dict[str, Any] = {}
    required: list[str] = []
    for param, param_where in _parameters(doc, item, op, pointer):
        arg, schema, is_required = _parameter(doc, param, param_where, raw_path)
        if arg is None:
            continue
        if arg in properties:
            arg = f"{arg}_{param['in']}"
        properties[arg] = schema
        if is_required:
            required.append(arg)
    _request_body(doc, op, pointer, properties, required)
    parameters: dict[str, Any] = {"type": "object", "properties": properties, "required": required}
    returns = _response(doc, op, pointer)
    source = f"openapi:{doc.path}#{op_id if isinstance(op_id, str) and op_id else f'{method.upper()} {raw_path}'}"
    return ToolSpec(name or "operation", description, parameters, returns, domain=domain or default_domain,
                    source=source)  # fmt: skip


Json = dict[str, Any]


def _parameters(doc: _Document, item: Json, op: Json, pointer: str) -> list[tuple[Json, str]]:
    """Path-level then operation-level parameters; an operation parameter overrides a path one
    with the same (name, in)."""
    path_pointer = pointer.rsplit("/", 1)[0]
    merged: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    for owner, owner_pointer in ((item, path_pointer), (op, pointer)):
        raw = owner.get("parameters", [])
        if not isinstance(raw, list):
            raise SpecError(f"{doc.where(owner_pointer + '/parameters')}: 'parameters' must be a list")
        for index, param in enumerate(raw):
            where = doc.where(f"{owner_pointer}/parameters/{index}")
            param, _ = follow(doc.data, param, where)
            if not isinstance(param, dict) or not isinstance(param.get("name"), str) or not param["name"]:
                raise SpecError(f"{where}: a parameter needs a non-empty 'name'")
            if param.get("in") not in ("path", "query", "header", "cookie"):
                raise SpecError(f"{where}: parameter {param['name']!r} has no valid 'in' "
                                "(path, query, header or cookie)")  # fmt: skip
            merged[(param["name"], param["in"])] = (param, where)
    return list(merged.values())


def _parameter(doc: _Document, param: Json, where: str, raw_path: str) -> tuple[str | None, Json, bool]:
    location = param["in"]
    if location not in _LOCATIONS:
        return None, {}, False
    raw_schema = param.get("schema")
    if raw_schema is None and isinstance(param.get("content"), dict) and param["content"]:
        raw_schema = next(iter(param["content"].values())).get("schema")
    schema = inline(raw_schema if raw_schema is not None else {"type": "string"}, doc.data, where, _to_2020)
    schema = merge_all_of(schema) if isinstance(schema, dict) else schema
    if not isinstance(schema, dict):
        raise SpecError(f"{where}: parameter {param['name']!r} has a schema that is not an object")
    text = (param.get("description") or schema.get("description") or "").strip()
    schema["description"] = text or f"{sentence_from_name(param['name'])[:-1]} ({location} parameter)."
    if location == "path" and f"{{{param['name']}}}" not in raw_path:
        raise SpecError(f"{where}: path parameter {param['name']!r} does not appear in {raw_path!r}")
    arg = snake_name(param["name"])
    if not arg:
        raise SpecError(f"{where}: parameter name {param['name']!r} has no usable characters")
    return arg, schema, location == "path" or bool(param.get("required", False))


_JSON_TYPES = re.compile(r"^application/(.+\+)?json\b|^\*/\*$")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _request_body(doc: _Document, op: Json, pointer: str, properties: Json, required: list[str]) -> None:
    if "requestBody" not in op:
        return
    where = doc.where(f"{pointer}/requestBody")
    body, where = follow(doc.data, op["requestBody"], where)
    content = body.get("content") if isinstance(body, dict) else None
    if not isinstance(content, dict) or not content:
        raise SpecError(f"{where}: requestBody needs a 'content' map")
    media = next((m for m in content if _JSON_TYPES.match(m)), None)
    media = media or next((m for m in content if m in _FORM_TYPES), None)
    if media is None:
        return  # binary uploads and the like: nothing a model can pass as an argument
    raw_schema = (content[media] or {}).get("schema", {"type": "object"})
    schema = _without_read_only(merge_all_of(inline(raw_schema, doc.data, where, _to_2020)))
    body_required = bool(body.get("required", False))
    if schema.get("type") == "object" and isinstance(schema.get("properties"), dict) and schema["properties"]:
        for prop, sub in schema["properties"].items():
            arg = snake_name(prop) or "field"
            arg = f"body_{arg}" if arg in properties else arg
            properties[arg] = sub
            if body_required and prop in schema.get("required", []):
                required.append(arg)
    else:
        properties["body"] = schema
        if body_required:
            required.append("body")


def _without_read_only(schema: Any) -> Any:
    """Drop ``readOnly`` properties: server-assigned fields (ids, timestamps) are not inputs."""
    if not isinstance(schema, dict):
        return schema
    out = {k: _without_read_only(v) if k in ("items", "additionalProperties") else v for k, v in schema.items()}
    if isinstance(schema.get("properties"), dict):
        kept = {k: _without_read_only(v) for k, v in schema["properties"].items()
                if not (isinstance(v, dict) and v.get("readOnly"))}  # fmt: skip
        out["properties"] = kept
        if isinstance(schema.get("required"), list):
            out["required"] = [r for r in schema["required"] if r in kept]
    return out


def _response(doc: _Document, op: dict[str, Any], pointer: str) -> dict[str, Any]:
    responses = op.get("responses")
    if not isinstance(responses, dict):
        return {"type": "object"}
    by_code = {str(code): value for code, value in responses.items()}  # YAML reads 200 as an int
    codes = sorted(c for c in by_code if c.startswith("2")) + (["default"] if "default" in by_code else [])
    for code in codes:
        where = doc.where(f"{pointer}/responses/{escape(code)}")
        response, where = follow(doc.data, by_code[code], where)
        content = response.get("content") if isinstance(response, dict) else None
        if isinstance(content, dict):
            media = next((m for m in content if _JSON_TYPES.match(m)), None)
            if media and isinstance(content[media], dict) and "schema" in content[media]:
                schema = merge_all_of(inline(content[media]["schema"], doc.data, where, _to_2020))
                if isinstance(response.get("description"), str) and "description" not in schema:
                    schema["description"] = response["description"]
                return schema
    return {"type": "object"}

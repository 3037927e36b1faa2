"""Schema: every gold call names an offered tool and its arguments validate against that tool's
JSON schema (jsonschema, Draft 2020-12, with format checks), with no unknown parameters even
where the schema would allow them (BFCL's checker rejects any parameter the doc does not list).
The trl messages must carry exactly the gold calls."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from .base import CheckResult, Failure, fail, strict_equal
from .record import SampleView

_FORMATS = FormatChecker()
_CODES = {"required": "missing_required", "enum": "enum", "const": "enum", "type": "type",
          "additionalProperties": "unknown_param", "unevaluatedProperties": "unknown_param"}  # fmt: skip


@lru_cache(maxsize=4096)
def _validator(schema_text: str) -> Draft202012Validator | str:
    """Compiled once per distinct schema (the same catalog tools recur across thousands of samples)."""
    schema = json.loads(schema_text)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return f"the tool's schema is invalid: {exc.message}"
    return Draft202012Validator(schema, format_checker=_FORMATS)


def validate_arguments(parameters: dict[str, Any], arguments: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(reason, path, message) for every problem of ``arguments`` under ``parameters``."""
    problems: list[tuple[str, str, str]] = []
    properties = parameters.get("properties") if isinstance(parameters.get("properties"), dict) else {}
    for name in arguments:
        if name not in properties:
            problems.append(("unknown_param", str(name), f"{name!r} is not a parameter of the tool"))
    validator = _validator(json.dumps(parameters, sort_keys=True))
    if isinstance(validator, str):
        return problems + [("bad_tool_schema", "", validator)]
    for error in validator.iter_errors(arguments):
        reason = _CODES.get(str(error.validator), "constraint")
        if reason == "unknown_param" and not error.absolute_path:
            continue  # already reported above, with the name
        path = "/".join(str(p) for p in error.absolute_path)
        problems.append((reason, path, error.message))
    return problems


def check_schema(view: SampleView) -> CheckResult:
    failures: list[Failure] = []
    schemas = view.schemas()
    steps = view.steps()
    if len(steps) != len(view.gold):
        failures.append(fail("schema", "gold_mismatch", detail=f"{len(view.gold)} gold entries for {len(steps)} assistant messages"))
    for step_index, step in enumerate(steps):
        message = view.messages[step.message_index]
        sent = [(c.get("function", {}).get("name"), c.get("function", {}).get("arguments"))
                for c in message.get("tool_calls") or []]  # fmt: skip
        gold = [(c.name, c.arguments) for c in step.calls]
        if len(sent) != len(gold) or not all(a == c and strict_equal(b, d) for (a, b), (c, d) in zip(sent, gold)):
            failures.append(fail("schema", "gold_mismatch", step=step_index,
                                 detail="the assistant message's tool_calls differ from gold_calls"))  # fmt: skip
        available = view.available_at(step.message_index)
        for call_index, call in enumerate(step.calls):
            where = {"step": step_index, "call": call_index, "name": call.name}
            function = schemas.get(call.name)
            if function is None or call.name not in available:
                failures.append(fail("schema", "unknown_tool", **where, offered=sorted(available)[:20]))
                continue
            parameters = function.get("parameters")
            if not isinstance(parameters, dict):
                failures.append(fail("schema", "bad_tool_schema", **where, detail="no parameters object"))
                continue
            for reason, path, message in validate_arguments(parameters, call.arguments):
                failures.append(fail("schema", reason, **where, param=path, detail=message))
    return failures

"""A small schema-building DSL for the hand-written catalog.

Writing 300+ tools as raw JSON would bury the few interesting choices (types, enums, defaults,
which arguments are required) under braces. Each helper returns a plain JSON Schema dict;
``opt=True`` or a ``default`` marks an object property optional, everything else is required.
The one-letter names (S string, I integer, N number, B boolean, E enum, A array, O object) are
deliberate: they keep a tool definition to a few readable lines.

    tool("hourly_sky_outlook", "Hour-by-hour forecast for a place.",
         {"place": S("City name"), "hours": I("Hours ahead", default=24, lo=1, hi=72)},
         returns=O(hours=A(O(time=DT(), temp_c=N()))))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Schema = dict[str, Any]

_OPT = "__optional__"  # private marker, removed by O() and tool()
_NO: Any = object()  # "no default given" (None is a legal JSON default)


def _base(kind: str | None, desc: str, default: Any, opt: bool, **extra: Any) -> Schema:
    out: Schema = {"type": kind} if kind else {}
    if desc:
        out["description"] = desc
    out.update({k: v for k, v in extra.items() if v is not None})
    if default is not _NO:
        out["default"] = default
    if opt:
        out[_OPT] = True
    return out


def S(desc: str = "", *, default: Any = _NO, opt: bool = False, fmt: str | None = None,
      pattern: str | None = None, min_len: int | None = None, max_len: int | None = None,
      examples: list[str] | None = None) -> Schema:  # fmt: skip
    return _base("string", desc, default, opt, format=fmt, pattern=pattern, minLength=min_len,
                 maxLength=max_len, examples=examples)  # fmt: skip


def I(desc: str = "", *, default: Any = _NO, opt: bool = False, lo: int | None = None,  # noqa: E743
      hi: int | None = None) -> Schema:  # fmt: skip
    return _base("integer", desc, default, opt, minimum=lo, maximum=hi)


def N(desc: str = "", *, default: Any = _NO, opt: bool = False, lo: float | None = None,
      hi: float | None = None, xlo: float | None = None) -> Schema:  # fmt: skip
    return _base("number", desc, default, opt, minimum=lo, maximum=hi, exclusiveMinimum=xlo)


def B(desc: str = "", *, default: Any = _NO, opt: bool = False) -> Schema:
    return _base("boolean", desc, default, opt)


def E(values: list[str] | str, desc: str = "", *, default: Any = _NO, opt: bool = False) -> Schema:
    """A string enum; ``values`` may be one space-separated string for brevity."""
    items = values.split() if isinstance(values, str) else list(values)
    return _base("string", desc, default, opt, enum=items)


def A(items: Schema, desc: str = "", *, default: Any = _NO, opt: bool = False,
      min_items: int | None = None, max_items: int | None = None, unique: bool | None = None) -> Schema:  # fmt: skip
    return _base("array", desc, default, opt, items=_strip(items), minItems=min_items,
                 maxItems=max_items, uniqueItems=unique)  # fmt: skip


def O(desc: str = "", /, *, opt: bool = False, default: Any = _NO, extra: Schema | None = None,  # noqa: E743
      **props: Schema) -> Schema:  # fmt: skip
    """An object; a property is required unless it has a default or was built with ``opt=True``."""
    out = _base("object", desc, default, opt)
    out["properties"] = {name: _strip(p) for name, p in props.items()}
    out["required"] = [n for n, p in props.items() if "default" not in p and not p.get(_OPT)]
    if extra is not None:
        out["additionalProperties"] = _strip(extra)
    return out


def MAP(values: Schema, desc: str = "", *, opt: bool = False, default: Any = _NO) -> Schema:
    """A string-keyed map (object with additionalProperties)."""
    return _base("object", desc, default, opt, additionalProperties=_strip(values))


# Formats used throughout the catalog.
def DATE(desc: str = "", **kw: Any) -> Schema:
    return S(desc, fmt="date", **kw)


def DT(desc: str = "", **kw: Any) -> Schema:
    return S(desc, fmt="date-time", **kw)


def EMAIL(desc: str = "", **kw: Any) -> Schema:
    return S(desc, fmt="email", **kw)


def URL(desc: str = "", **kw: Any) -> Schema:
    return S(desc, fmt="uri", **kw)


def ID(desc: str = "", **kw: Any) -> Schema:
    return S(desc, min_len=1, **kw)


def _strip(schema: Schema) -> Schema:
    return {k: v for k, v in schema.items() if k != _OPT}


@dataclass(frozen=True)
class ToolDef:
    """A catalog entry before it becomes a ToolSpec (the domain comes from its module)."""

    name: str
    description: str
    parameters: Schema
    returns: Schema
    executor: str | None = None


def tool(name: str, description: str, params: dict[str, Schema] | None = None,
         returns: Schema | None = None, *, executor: str | None = None) -> ToolDef:  # fmt: skip
    parameters = O(**(params or {}))
    return ToolDef(name, description, parameters, _strip(returns) if returns else {"type": "object"}, executor)


__all__ = ["A", "B", "DATE", "DT", "E", "EMAIL", "I", "ID", "MAP", "N", "O", "S", "URL", "Schema",
           "ToolDef", "tool"]  # fmt: skip

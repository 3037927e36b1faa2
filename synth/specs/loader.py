"""The CLI form of a spec source: ``catalog | catalog:DOMAIN,... | openapi:PATH | mcp:CMD |
py:MODULE | procedural:N[:SEED] | formulas:N[:SEED]``."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from ..spec import SpecError
from .catalog import catalog_domains, load_catalog
from .result import ImportResult

if TYPE_CHECKING:
    from ..contamination import ContaminationGuard

FORMS = ("catalog | catalog:DOMAIN[,DOMAIN...] | openapi:PATH | mcp:COMMAND | py:MODULE | procedural:N[:SEED] "
         "| formulas:N[:SEED]")


def load_specs(spec_arg: str, *, guard: "ContaminationGuard | None" = None) -> ImportResult:
    """Tools from one source. A malformed argument raises SpecError (a usage error); malformed
    specs inside a source are reported in ``problems``. With ``guard``, tools that look like BFCL
    material are moved to ``problems`` too."""
    kind, _, rest = spec_arg.partition(":")
    kind = kind.strip().lower()
    if kind == "catalog":
        tools = load_catalog()
        if rest:
            wanted = [d.strip() for d in rest.split(",") if d.strip()]
            unknown = sorted(set(wanted) - set(catalog_domains()))
            if unknown:
                known = ", ".join(catalog_domains())
                raise SpecError(f"{spec_arg}: unknown catalog domain(s) {', '.join(unknown)}; known: {known}")
            tools = [t for t in tools if t.domain in wanted]
        result = ImportResult(tools=tools)
    elif kind == "openapi" and rest:
        from .openapi import import_openapi

        result = import_openapi(rest)
    elif kind == "mcp" and rest:
        from .mcp_import import import_mcp_command

        result = import_mcp_command(shlex.split(rest))
    elif kind == "py" and rest:
        from .pyfunc import import_python_module

        result = import_python_module(rest.strip())
    elif kind in ("procedural", "formulas") and rest:
        from .formulas import generate_formula_tools
        from .procedural import generate_tools

        generate = generate_tools if kind == "procedural" else generate_formula_tools
        count, _, seed = rest.partition(":")
        try:
            result = ImportResult(tools=generate(int(count), seed=int(seed) if seed else 0))
        except ValueError as exc:
            raise SpecError(f"{spec_arg}: expected {kind}:N[:SEED] with integers ({exc})") from None
    else:
        raise SpecError(f"{spec_arg!r}: unknown spec source; expected {FORMS}")
    if guard is not None:
        kept = []
        for tool in result.tools:
            found = guard.check_tool(tool)
            if found:
                result.problems.extend(f"{tool.source}: contamination: {p}" for p in found)
            else:
                kept.append(tool)
        result.tools = kept
    return result

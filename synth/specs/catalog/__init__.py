"""The shipped tool catalog: hand-written tools, one module per domain, disjoint from BFCL.

Each domain module defines ``DOMAIN`` and ``TOOLS`` (built with :mod:`synth.specs.dsl`).
"""

from __future__ import annotations

import importlib
from collections import Counter
from functools import lru_cache

from ...spec import SpecError, ToolSpec
from ..validate import is_identifier

# Module names, in catalog order; the domain a tool belongs to is the module's DOMAIN.
DOMAIN_MODULES = (
    "weather", "finance", "bank", "travel", "calendar", "ecommerce", "messaging", "files",
    "math", "units", "dates", "strings", "geography", "health", "sports", "media", "devices",
    "devtools", "food", "education", "jobs", "real_estate", "logistics",
)  # fmt: skip


@lru_cache(maxsize=1)
def _catalog() -> tuple[ToolSpec, ...]:
    tools: list[ToolSpec] = []
    for module_name in DOMAIN_MODULES:
        module = importlib.import_module(f"{__name__}.{module_name}")
        for d in module.TOOLS:
            tools.append(ToolSpec(d.name, d.description, d.parameters, d.returns,
                                  domain=module.DOMAIN, source="catalog", executor=d.executor))  # fmt: skip
    # The catalog is code we ship: a broken entry is a bug, not input to skip. The full schema
    # rules (tool_problems, about 1 s for the whole catalog) run in tests/test_specs_catalog.py;
    # loading checks only what would silently corrupt a run.
    counts = Counter(t.name for t in tools)
    problems = [f"catalog#{n}: duplicate name" for n, c in sorted(counts.items()) if c > 1]
    problems += [f"catalog#{t.name}: not an identifier" for t in tools if not is_identifier(t.name)]
    if problems:
        raise SpecError("; ".join(problems))
    return tuple(tools)


def load_catalog() -> list[ToolSpec]:
    """All catalog tools (built once per process; a fresh list each call)."""
    return list(_catalog())


def catalog_domains() -> list[str]:
    return sorted({t.domain for t in _catalog()})


def catalog_executors() -> dict[str, ToolSpec]:
    """Executor key -> its catalog tool (the tool's parameters are the executor's arguments)."""
    return {t.executor: t for t in _catalog() if t.executor}

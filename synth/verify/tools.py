"""The tool specs behind a samples folder, rebuilt from the run's spec sources.

Samples carry OpenAI tool schemas, not :class:`ToolSpec` s: the executor key and the response
schema that replay needs live in the spec source. The sources come from ``manifest.json``
(``harness synth`` writes it; ``catalog`` otherwise). Only sources that are *data* are reloaded
(catalog, procedural and formula tools, OpenAPI files): verification never runs an MCP command or imports a
Python module named in a file it is checking.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ..spec import SpecError, ToolSpec

SAFE_SOURCES = ("catalog", "procedural", "formulas", "openapi")


def name_key(name: str) -> str:
    """``TravelController.railJourneyPlanner`` ~ ``rail_journey_planner`` (Java/JS renames)."""
    return re.sub(r"[^a-z0-9]", "", name.rsplit(".", 1)[-1].lower())


def spec_sources(samples_dir: Path) -> list[str]:
    try:
        manifest = json.loads((samples_dir / "manifest.json").read_text(encoding="utf-8"))
        sources = manifest.get("spec_sources")
        if isinstance(sources, list) and sources and all(isinstance(s, str) for s in sources):
            return sources
    except (OSError, ValueError):
        pass
    return ["catalog"]


@dataclass
class ToolIndex:
    """The run's tools in ``harness synth`` order (first of a name wins), plus what could not
    be reloaded (``notes``)."""

    tools: list[ToolSpec]
    notes: list[str] = field(default_factory=list)
    complete: bool = True  # every source was reloaded, so the run's tool pool can be rebuilt

    def __post_init__(self) -> None:
        self.by_name = {t.name: t for t in self.tools}
        self.by_key: dict[str, ToolSpec] = {}
        for spec in self.tools:
            self.by_key.setdefault(name_key(spec.name), spec)

    @classmethod
    def load(cls, sources: Sequence[str]) -> "ToolIndex":
        from ..server.toolset import load_tools

        tools: list[ToolSpec] = []
        notes: list[str] = []
        complete = True
        for source in sources:
            kind = source.partition(":")[0].strip().lower()
            if kind not in SAFE_SOURCES:
                notes.append(f"spec source {source!r} not reloaded (only {', '.join(SAFE_SOURCES)} are)")
                complete = False
                continue
            try:
                found, _problems = load_tools(source)
            except (SpecError, OSError, ValueError) as exc:
                notes.append(f"spec source {source!r}: {exc}")
                complete = False
                continue
            taken = {t.name for t in tools}
            tools.extend(t for t in found if t.name not in taken)
        return cls(tools, notes, complete)

    def resolve(self, name: str, parameters: dict[str, Any]) -> ToolSpec | None:
        """The spec of an offered tool, if the run's sources define one with the same schema."""
        spec = self.by_name.get(name)
        if spec is not None and _same_properties(spec.parameters, parameters):
            return spec
        return None


def _same_properties(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return set((a.get("properties") or {})) == set((b.get("properties") or {}))

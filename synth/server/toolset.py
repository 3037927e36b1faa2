"""Choosing the tool set a server serves: any spec source, plus ``json:PATH`` of dumped ToolSpecs.

``json:PATH`` exists so the role play can hand a subprocess server *exactly* the tools it
sampled (procedural tools, an OpenAPI import, a filtered catalog) without re-running the import.
The other sources are delegated to ``synth.specs.load_specs``, imported on first use.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable

from ..spec import SpecError, ToolSpec


def tool_to_json(spec: ToolSpec) -> dict[str, Any]:
    return asdict(spec)


def tool_from_json(data: dict[str, Any]) -> ToolSpec:
    fields = ("name", "description", "parameters", "returns", "domain", "source", "executor")
    return ToolSpec(**{k: data[k] for k in fields if k in data})


def dump_tools(tools: Iterable[ToolSpec], path: Path | str) -> Path:
    path = Path(path)
    path.write_text(json.dumps([tool_to_json(t) for t in tools], ensure_ascii=False), encoding="utf-8")
    return path


def load_tools(source: str) -> tuple[list[ToolSpec], list[str]]:
    """(tools, problems) for ``json:PATH`` or any ``synth.specs.load_specs`` source string."""
    if source.startswith("json:"):
        path = Path(source[5:])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SpecError(f"{path}: cannot read tools: {exc}") from None
        if not isinstance(data, list):
            raise SpecError(f"{path}: expected a JSON list of tools")
        return [tool_from_json(item) for item in data], []
    try:
        from ..specs import load_specs
    except ImportError as exc:  # the catalog package is written separately
        if source == "catalog":
            from ..specs.catalog import load_catalog

            return load_catalog(), []
        raise SpecError(f"spec source {source!r} needs synth.specs.load_specs ({exc})") from None
    result = load_specs(source)
    return list(result.tools), list(getattr(result, "problems", []))

"""What every importer returns, and the helpers they share for names and validation."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

from ..spec import ToolSpec
from .validate import tool_problems


@dataclass
class ImportResult:
    """Valid tools, plus one message per skipped spec; each message starts with its location
    (``file#/json/pointer``, ``file:line``, or ``mcp:<command>#/tools/<i>``)."""

    tools: list[ToolSpec] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, spec: ToolSpec, where: str, *, params_at: str = "/parameters",
            returns_at: str = "/returns") -> bool:  # fmt: skip
        """Validate ``spec`` and keep it, or record why not. Name clashes get a numeric suffix
        (two OpenAPI paths may normalise to the same name; both are still useful tools)."""
        found = tool_problems(spec, where, params_at=params_at, returns_at=returns_at)
        if found:
            self.problems.extend(found)
            return False
        taken = {t.name for t in self.tools}
        if spec.name in taken:
            suffix = 2
            while f"{spec.name}_{suffix}" in taken:
                suffix += 1
            spec = ToolSpec(f"{spec.name}_{suffix}", spec.description, spec.parameters, spec.returns,
                            spec.domain, spec.source, spec.executor)  # fmt: skip
        self.tools.append(spec)
        return True


_CAMEL_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")
_NON_WORD = re.compile(r"[^0-9a-zA-Z]+")


def snake_name(raw: str) -> str:
    """``listPets`` -> ``list_pets``, ``GET /v1/pets/{id}`` -> ``get_v1_pets_id``, ``notes.search-text``
    -> ``notes_search_text``; a leading digit or a Python keyword gets a safe prefix/suffix.
    Returns "" when nothing usable is left."""
    text = _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", raw))
    name = _NON_WORD.sub("_", text).strip("_").lower()
    name = re.sub(r"_+", "_", name)
    if not name:
        return ""
    if name[0].isdigit():
        name = f"op_{name}"
    if keyword.iskeyword(name):
        name = f"{name}_"
    return name


def sentence_from_name(name: str) -> str:
    """A last-resort description: ``list_pets`` -> ``List pets.``"""
    words = snake_name(name).replace("_", " ").strip()
    return f"{words[:1].upper()}{words[1:]}." if words else ""

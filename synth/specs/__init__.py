"""The API-spec pool: a shipped catalog, procedural business tools, knowledge-domain calculators
and lookups (formulas), and importers (OpenAPI, MCP, Python),
all normalised to :class:`synth.spec.ToolSpec` and validated by the same rules."""

from .catalog import catalog_domains, catalog_executors, load_catalog
from .loader import load_specs
from .mcp_import import import_mcp_command, import_mcp_tools, list_mcp_tools
from .formulas import generate_formula_tools
from .openapi import import_openapi
from .procedural import generate_tools
from .pyfunc import function_spec, import_python_module
from .result import ImportResult
from .validate import tool_problems, validate_tool

__all__ = [
    "ImportResult", "catalog_domains", "catalog_executors", "function_spec", "generate_formula_tools", "generate_tools",
    "import_mcp_command", "import_mcp_tools", "import_openapi", "import_python_module", "list_mcp_tools", "load_catalog",
    "load_specs", "tool_problems", "validate_tool",
]  # fmt: skip

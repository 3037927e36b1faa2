"""The role play's MCP server: tool execution, domain simulators, simulated responses.

* :class:`ToolServer` - the in-process API (validate, execute or simulate, per-session state);
* :func:`build_mcp_server` / ``python -m synth.server`` - the same over MCP (stdio or HTTP);
* :class:`MCPToolClient` - a synchronous handle on a real MCP client session, for ``--via-mcp``;
* :data:`EXECUTORS` - executor key -> implementation.

The MCP SDK is imported only by the modules that need it, so the in-process path stays light.
"""

from .core import ToolResult, ToolServer, simulate_response
from .executors import EXECUTORS, State, ToolError
from .toolset import dump_tools, load_tools

__all__ = ["EXECUTORS", "MCPToolClient", "State", "ToolError", "ToolResult", "ToolServer", "build_mcp_server",
           "dump_tools", "load_tools", "simulate_response"]  # fmt: skip


def __getattr__(name: str):  # lazy: importing the SDK costs ~0.5 s
    if name == "build_mcp_server":
        from .mcp_app import build_mcp_server

        return build_mcp_server
    if name == "MCPToolClient":
        from .client import MCPToolClient

        return MCPToolClient
    raise AttributeError(name)

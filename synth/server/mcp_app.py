"""The MCP face of :class:`~synth.server.core.ToolServer`, on the official SDK's low-level Server.

The low-level ``Server`` is used rather than ``MCPServer`` (v1's FastMCP) because the tools are
data (JSON schemas from a catalog or an OpenAPI file), not Python functions with signatures.

State isolation: a call whose request ``_meta`` carries ``closeloop/session`` uses that session's
state (and ``closeloop/state``, a snapshot such as ``{"bank": {...}}``, seeds it on first use);
otherwise each client connection has its own state (per ``Mcp-Session-Id`` on HTTP; a stdio
process has one client). One server process can so serve many role plays without them seeing
each other's files or balances.
"""

from __future__ import annotations

from typing import Any

import mcp_types as types
from mcp.server.lowlevel import Server

from .core import ToolServer

SESSION_META_KEY = "closeloop/session"
STATE_META_KEY = "closeloop/state"


def build_mcp_server(tool_server: ToolServer, name: str = "closeloop-synth") -> Server[Any]:
    """A low-level MCP Server whose tools/list and tools/call are answered by ``tool_server``."""
    listing = [
        types.Tool(
            name=spec.name,
            description=spec.description,
            input_schema=spec.parameters,
            _meta={"closeloop/domain": spec.domain, "closeloop/source": spec.source,
                   "closeloop/executable": bool(spec.executor)},  # fmt: skip
        )
        for spec in tool_server.tools
    ]

    async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(tools=listing)

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        meta = dict(params.meta or {})
        session = str(meta.get(SESSION_META_KEY) or _connection_key(ctx))
        initial = meta.get(STATE_META_KEY)
        result = tool_server.call(params.name, params.arguments or {}, session,
                                  initial=initial if isinstance(initial, dict) else None)  # fmt: skip
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=result.text())],
            # Structured content only for objects: handshake-era clients accept nothing else.
            structured_content=result.content if isinstance(result.content, dict) and not result.is_error else None,
            is_error=result.is_error,
        )

    return Server(name, version="1", instructions="Tools for closeloop role play.",
                  on_list_tools=list_tools, on_call_tool=call_tool)  # fmt: skip


def _connection_key(ctx: Any) -> str:
    """The default state scope: the HTTP session (``Mcp-Session-Id``), else the process.

    A stdio server process serves exactly one client, so "default" is per connection there.
    (The SDK builds a new ``ServerSession`` object per request, so it cannot be the key.)
    """
    request = getattr(ctx, "request", None)
    headers = getattr(request, "headers", None)
    session_id = headers.get("mcp-session-id") if headers is not None else None
    return f"http-{session_id}" if session_id else "default"


async def serve_stdio(tool_server: ToolServer) -> None:
    from mcp.server.stdio import stdio_server

    server = build_mcp_server(tool_server)
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def http_app(tool_server: ToolServer, host: str = "127.0.0.1") -> Any:
    """The Starlette app serving streamable HTTP at ``/mcp``."""
    return build_mcp_server(tool_server).streamable_http_app(host=host)


async def serve_http(tool_server: ToolServer, host: str = "127.0.0.1", port: int = 8765,
                     log_level: str = "warning") -> None:  # fmt: skip
    import uvicorn

    config = uvicorn.Config(http_app(tool_server, host), host=host, port=port, log_level=log_level)
    await uvicorn.Server(config).serve()

"""MCP servers -> ToolSpecs: from a ``tools/list`` result, or live from a stdio server command.

MCP tool names may contain dots, dashes or slashes; they are normalised to identifiers and the
original name is kept in ``source`` (``mcp:<command>#<original name>``) so a caller can route
calls back to the server.
"""

from __future__ import annotations

import asyncio
import shlex
import sys
import tempfile
import threading
from typing import Any, Iterable

from .refs import inline
from .result import ImportResult, sentence_from_name, snake_name
from ..spec import SpecError, ToolSpec


def _as_dict(tool: Any) -> Any:
    if hasattr(tool, "model_dump"):  # mcp_types.Tool (pydantic): wire names via aliases
        return tool.model_dump(by_alias=True, exclude_none=True, mode="json")
    return tool


def _tool_items(listing: Any) -> list[Any]:
    if hasattr(listing, "tools"):
        return list(listing.tools)
    if isinstance(listing, dict):
        if "result" in listing and isinstance(listing["result"], dict):  # a raw JSON-RPC response
            listing = listing["result"]
        return list(listing.get("tools", []))
    return list(listing)


def import_mcp_tools(listing: Any, source: str = "mcp") -> ImportResult:
    """Tools of a ``tools/list`` result: a ``ListToolsResult``, its JSON (``{"tools": [...]}``,
    or a whole JSON-RPC response), or a plain list of tool dicts."""
    result = ImportResult()
    try:
        items = _tool_items(listing)
    except TypeError:
        result.problems.append(f"{source}: not a tools/list result (expected an object with 'tools' or a list)")
        return result
    for index, raw in enumerate(items):
        where = f"{source}#/tools/{index}"
        try:
            spec = _tool(_as_dict(raw), where, source)
        except SpecError as exc:
            result.problems.append(str(exc))
            continue
        result.add(spec, where, params_at="/inputSchema", returns_at="/outputSchema")
    return result


def _tool(tool: Any, where: str, source: str) -> ToolSpec:
    if not isinstance(tool, dict):
        raise SpecError(f"{where}: a tool must be an object")
    original = tool.get("name")
    name = snake_name(original) if isinstance(original, str) else ""
    if not name:
        raise SpecError(f"{where}: tool has no usable 'name' ({original!r})")
    where = f"{where} ({original})"
    annotations = tool.get("annotations") if isinstance(tool.get("annotations"), dict) else {}
    description = next((d.strip() for d in (tool.get("description"), tool.get("title"), annotations.get("title"))
                        if isinstance(d, str) and d.strip()), sentence_from_name(original))  # fmt: skip
    schema = tool.get("inputSchema", tool.get("input_schema"))
    if not isinstance(schema, dict):
        raise SpecError(f"{where}: missing or non-object 'inputSchema'")
    parameters = _self_contained(schema, f"{where}/inputSchema")
    if "type" not in parameters and "properties" in parameters:
        parameters["type"] = "object"
    parameters.setdefault("properties", {})
    parameters.pop("title", None)  # pydantic's "<fn>Arguments" titles carry no meaning
    for prop in parameters["properties"].values():
        if isinstance(prop, dict) and "description" not in prop and isinstance(prop.get("title"), str):
            prop["description"] = prop["title"]
    output = tool.get("outputSchema", tool.get("output_schema"))
    returns = _self_contained(output, f"{where}/outputSchema") if isinstance(output, dict) else {"type": "object"}
    returns.pop("title", None)
    return ToolSpec(name, description, parameters, returns, domain="mcp", source=f"{source}#{original}")


def _self_contained(schema: dict[str, Any], where: str) -> dict[str, Any]:
    out = inline(schema, schema, where)
    out.pop("$schema", None)  # the metaschema check assumes 2020-12; a draft-07 tag would mislead it
    return out


# --- live servers ----------------------------------------------------------------------------


async def list_mcp_tools(command: list[str], timeout_s: float = 30.0) -> list[Any]:
    """``tools/list`` (all pages) of a stdio MCP server started with ``command``."""
    import anyio
    import mcp_types
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    server = StdioServerParameters(command=command[0], args=list(command[1:]))
    tools: list[Any] = []
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errlog, anyio.fail_after(timeout_s):
        try:
            async with stdio_client(server, errlog=errlog) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    cursor: str | None = None
                    while True:
                        params = mcp_types.PaginatedRequestParams(cursor=cursor) if cursor else None
                        page = await session.list_tools(params=params)
                        tools.extend(page.tools)
                        cursor = page.next_cursor
                        if not cursor:
                            break
        except BaseException as exc:
            errlog.seek(0)
            tail = errlog.read()[-2000:].strip()
            if tail and isinstance(exc, Exception):
                raise RuntimeError(f"{_describe(exc)}; server stderr: {tail}") from exc
            raise
    return tools


def _run_blocking(coro: Any) -> Any:
    """Run a coroutine to completion from sync code, even when an event loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def worker() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def import_mcp_command(command: list[str] | str, timeout_s: float = 30.0) -> ImportResult:
    """Start a stdio MCP server, list its tools, and import them (connection failures are problems)."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    source = f"mcp:{shlex.join(argv)}"
    if not argv:
        return ImportResult(problems=[f"{source}: empty server command"])
    try:
        tools = _run_blocking(list_mcp_tools(argv, timeout_s))
    except TimeoutError:
        return ImportResult(problems=[f"{source}: no tools/list answer within {timeout_s:g} s"])
    except Exception as exc:  # spawn errors, protocol errors, a server that crashed: all reported
        return ImportResult(problems=[f"{source}: cannot list tools: {_describe(exc)}"])
    return import_mcp_tools(tools, source)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):  # anyio task groups wrap the real error(s)
        return "; ".join(_describe(e) for e in _leaves(exc))
    return str(exc) or type(exc).__name__


def _leaves(group: BaseExceptionGroup) -> Iterable[BaseException]:
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            yield from _leaves(exc)
        else:
            yield exc


if sys.version_info < (3, 11):  # pragma: no cover - BaseExceptionGroup is builtin from 3.11
    from exceptiongroup import BaseExceptionGroup  # type: ignore[no-redef]

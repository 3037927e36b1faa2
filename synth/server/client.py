"""A synchronous handle on a real MCP client session (stdio subprocess or streamable HTTP).

The role play is plain synchronous code; the SDK client is async. The session therefore lives
in a background thread with its own event loop, and :meth:`MCPToolClient.call` hands it one
coroutine at a time. Used by ``harness synth --via-mcp`` and by the tests.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import sys
import threading
from typing import Any, Awaitable, Callable

from .core import ToolResult
from .mcp_app import SESSION_META_KEY, STATE_META_KEY

_STOP = object()


class MCPToolClient:
    """``MCPToolClient(command=[...])`` spawns a stdio server; ``MCPToolClient(url=...)`` dials HTTP."""

    def __init__(self, *, command: list[str] | None = None, url: str | None = None,
                 cwd: str | None = None, env: dict[str, str] | None = None, timeout_s: float = 60.0) -> None:  # fmt: skip
        if (command is None) == (url is None):
            raise ValueError("give exactly one of command= or url=")
        self._command, self._url, self._cwd, self._env = command, url, cwd, env
        self._timeout = timeout_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[Any] | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self.tool_names: list[str] = []

    # --- lifecycle ---------------------------------------------------------------------------
    def __enter__(self) -> "MCPToolClient":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def start(self) -> None:
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), name="mcp-client", daemon=True)
        self._thread.start()
        if not self._ready.wait(self._timeout):
            raise TimeoutError("MCP server did not answer the handshake in time")
        if self._error is not None:
            raise RuntimeError(f"cannot connect to the MCP server: {self._error}") from self._error

    def close(self) -> None:
        if self._loop is not None and self._queue is not None and self._thread and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._queue.put_nowait, _STOP)
            self._thread.join(self._timeout)
        self._loop = None

    async def _main(self) -> None:
        from mcp import ClientSession

        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        try:
            async with self._transport() as streams, ClientSession(streams[0], streams[1]) as session:
                await session.initialize()
                listing = await session.list_tools()
                self.tool_names = [tool.name for tool in listing.tools]
                self._ready.set()
                while True:
                    item = await self._queue.get()
                    if item is _STOP:
                        break
                    make, future = item
                    try:
                        future.set_result(await make(session))
                    except BaseException as exc:  # handed back to the calling thread
                        future.set_exception(exc)
        except BaseException as exc:
            self._error = exc
            self._ready.set()

    def _transport(self) -> Any:
        if self._url is not None:
            from mcp.client.streamable_http import streamable_http_client

            return streamable_http_client(self._url)
        from mcp.client.stdio import StdioServerParameters, stdio_client

        assert self._command is not None
        params = StdioServerParameters(command=self._command[0], args=self._command[1:], cwd=self._cwd, env=self._env)
        return stdio_client(params, errlog=sys.stderr)

    def _run(self, make: Callable[[Any], Awaitable[Any]]) -> Any:
        if self._loop is None or self._queue is None:
            raise RuntimeError("the MCP client is not connected")
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self._loop.call_soon_threadsafe(self._queue.put_nowait, (make, future))
        return future.result(self._timeout)

    # --- protocol ----------------------------------------------------------------------------
    def list_tools(self) -> list[dict[str, Any]]:
        result = self._run(lambda session: session.list_tools())
        return [{"name": t.name, "description": t.description, "inputSchema": t.input_schema} for t in result.tools]

    def call(self, name: str, arguments: dict[str, Any], session: str | None = None,
             initial: dict[str, Any] | None = None) -> ToolResult:  # fmt: skip
        meta: dict[str, Any] = {}
        if session is not None:
            meta[SESSION_META_KEY] = session
        if initial is not None:
            meta[STATE_META_KEY] = initial

        async def make(client_session: Any) -> Any:
            return await client_session.call_tool(name, arguments, meta=meta or None)

        result = self._run(make)
        text = "".join(getattr(block, "text", "") for block in result.content)
        if result.is_error:
            return ToolResult(text, is_error=True, source="mcp")
        content: Any = result.structured_content
        if content is None:
            try:
                content = json.loads(text)
            except ValueError:
                content = text
        return ToolResult(content, source="mcp")

"""``python -m synth.server --tools catalog --transport stdio|http --port N``."""

from __future__ import annotations

import argparse
import sys

from ..spec import SpecError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m synth.server",
                                     description="Serve a closeloop tool set over MCP.")  # fmt: skip
    parser.add_argument("--tools", default="catalog",
                        help="catalog | openapi:PATH | mcp:CMD | py:MODULE | procedural:N | json:PATH")  # fmt: skip
    parser.add_argument("--transport", choices=("stdio", "http"), default="stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="HTTP port (default 8765)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the simulated initial states")
    args = parser.parse_args(argv)

    import anyio

    from .core import ToolServer
    from .mcp_app import serve_http, serve_stdio
    from .toolset import load_tools

    try:
        tools, problems = load_tools(args.tools)
    except SpecError as exc:
        print(f"synth.server: error: {exc}", file=sys.stderr)
        return 2
    for problem in problems:  # stdout belongs to the protocol on stdio: report on stderr
        print(f"synth.server: skipped: {problem}", file=sys.stderr)
    if not tools:
        print(f"synth.server: error: no tools in {args.tools!r}", file=sys.stderr)
        return 2
    server = ToolServer(tools, seed=args.seed)
    if args.transport == "stdio":
        anyio.run(serve_stdio, server)
    else:
        print(f"synth.server: {len(tools)} tools on http://{args.host}:{args.port}/mcp", file=sys.stderr)
        anyio.run(lambda: serve_http(server, args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())

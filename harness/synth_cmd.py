"""`harness synth`: synthesize training samples aimed at a model's weakest BFCL categories.

Reads ``gaps.json`` (or a category list), builds tools from one or more spec sources, role-plays
every sample between the user simulator, the assistant and the MCP tool server, gates each
sample (schema, BFCL checker, contamination) and writes ``DIR/samples.jsonl``,
``DIR/stats.json`` and ``DIR/manifest.json``. Programmatic by default; ``--backend`` makes the
chosen roles model-backed (the assistant's calls are kept only when the checker accepts them).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from .errors import UsageError, require_share

ROLES = ("user", "assistant", "server")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "synth",
        help="synthesize tool-calling training data by three-agent role play",
        description="Synthesize samples (trl conversational tool-calling format plus BFCL checking "
        "fields) for the categories a gaps.json asks for, by role play between a user simulator, the "
        "assistant and an MCP tool server.",
    )
    pick = p.add_mutually_exclusive_group()
    pick.add_argument("--gaps", metavar="GAPS_JSON", help="gaps.json of a run (weights and error types)")
    pick.add_argument("--categories", help="comma-separated categories or collections (default: every "
                      "category with a recipe, uniformly)")  # fmt: skip
    p.add_argument("--specs", action="append", metavar="SOURCE",
                   help="tool source, repeatable: catalog | catalog:DOMAIN,... | openapi:PATH | mcp:CMD | "
                   "py:MODULE | procedural:N[:SEED] | formulas:N[:SEED] (default: catalog)")  # fmt: skip
    p.add_argument("--n", type=int, required=True, help="number of samples")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--via-mcp", action="store_true",
                   help="execute tool calls through a real MCP stdio session (python -m synth.server) "
                   "instead of in-process; same output, slower")  # fmt: skip
    p.add_argument("--backend", help="model backend for the LLM roles (transformers, vllm, openai, mock, ...)")
    p.add_argument("--model", default="default", help="model for --backend (path or served name)")
    p.add_argument("--roles", default=",".join(ROLES),
                   help="roles the --backend model plays: user,assistant,server (default: all three)")
    p.add_argument("--base-url", help="openai backend: server URL (or OPENAI_BASE_URL)")
    p.add_argument("--api-key", help="openai backend: key (or OPENAI_API_KEY)")
    p.add_argument("--near-miss-share", type=float, default=0.0, metavar="S",
                   help="share of 'no tool fits' samples offering tools of the request's own domain (default 0)")
    p.add_argument("--multi-call-share", type=float, default=None, metavar="S",
                   help="cap on the weighted share of parallel and parallel_multiple samples (default: no cap)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run="harness.synth_cmd:run")


class BackendGenerator:
    """Adapts a harness backend to synth's ``TextGenerator``: synth's requests mirror
    ``ChatRequest`` field for field but are not the harness's class."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        # How the assistant role asks the model: with tools in the chat template when the
        # template renders them, else in BFCL's prompting format (as `harness eval --mode auto`).
        try:
            self.mode = "fc" if backend.supports_tools_in_template() else "prompting"
        except Exception:
            self.mode = "prompting"

    def generate(self, requests: Sequence[Any]) -> list[Any]:
        from .backends.base import ChatRequest

        return self.backend.generate([
            ChatRequest(messages=r.messages, tools=r.tools, max_new_tokens=r.max_new_tokens,
                        temperature=r.temperature, seed=r.seed, stop=tuple(r.stop), id=r.id)
            for r in requests
        ])  # fmt: skip


def _targets(args: argparse.Namespace) -> tuple[list[Any], list[str]]:
    """The weighted categories, with the data-mix flags applied (the same knobs as close-loop's)."""
    from synth.recipes import cap_multi_call, with_near_miss

    require_share("--near-miss-share", args.near_miss_share)
    require_share("--multi-call-share", args.multi_call_share)
    targets, notes = _weighted_targets(args)
    if args.multi_call_share is not None:
        targets = cap_multi_call(targets, args.multi_call_share)
    return with_near_miss(targets, args.near_miss_share), notes


def _weighted_targets(args: argparse.Namespace) -> tuple[list[Any], list[str]]:
    from bfcl_adapter.categories import parse_categories
    from synth.recipes import SYNTHESIZABLE, read_gaps, uniform_targets

    if args.gaps:
        try:
            return read_gaps(args.gaps)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    categories = parse_categories(args.categories) if args.categories else list(SYNTHESIZABLE)
    targets = uniform_targets(categories)
    skipped = [c.value for c in categories if c not in SYNTHESIZABLE]
    if not targets:
        raise UsageError(f"no category with a recipe among {args.categories!r} (agentic categories have none)")
    return targets, [f"no recipe for {', '.join(skipped)}"] if skipped else []


def _tools(sources: list[str]) -> tuple[list[Any], list[str]]:
    from synth.server.toolset import load_tools
    from synth.spec import SpecError

    tools: list[Any] = []
    problems: list[str] = []
    for source in sources:
        try:
            found, issues = load_tools(source)
        except SpecError as exc:
            raise UsageError(str(exc)) from None
        taken = {t.name for t in tools}
        tools.extend(t for t in found if t.name not in taken)
        problems.extend(issues)
    if not tools:
        raise UsageError(f"no usable tools in {', '.join(sources)}")
    return tools, problems


def _generators(args: argparse.Namespace) -> tuple[dict[str, Any], Any]:
    if not args.backend:
        return {}, None
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise UsageError(f"--roles: unknown role(s) {', '.join(unknown)}; choose from {', '.join(ROLES)}")
    from .backends.registry import create_backend

    options = {k: v for k, v in (("base_url", args.base_url), ("api_key", args.api_key)) if v is not None}
    backend = create_backend(args.backend, args.model, **options)
    generator = BackendGenerator(backend)
    return {f"{role}_model": generator for role in roles}, backend


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from synth.diversity import format_stats
    from synth.generate import SynthConfig
    from synth.generate import run as synthesize

    if args.n <= 0:
        raise UsageError("--n must be positive")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    targets, notes = _targets(args)
    sources = args.specs or ["catalog"]
    tools, problems = _tools(sources)
    console = Console(stderr=True)
    models, backend = _generators(args)
    config = SynthConfig(targets=targets, n=args.n, seed=args.seed, via_mcp=args.via_mcp, **models)
    console.print(f"[bold]synth[/] {args.n} samples, {len(targets)} categories, {len(tools)} tools from "
                  f"{', '.join(sources)}{' via MCP' if args.via_mcp else ''} -> {out}")  # fmt: skip
    started = time.time()
    try:
        with _progress(args.n, not args.no_progress) as advance:
            result = synthesize(config, tools, out, progress=advance)
    finally:
        if backend is not None:
            backend.close()
    manifest = _manifest(args, sources, targets, result, notes + result.notes, problems, started)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    for line in format_stats(result.stats):
        console.print(line)
    rejected = ", ".join(f"{k} {v}" for k, v in result.rejected.items()) or "none"
    console.print(f"wrote {result.written} samples ({result.samples_per_second:.0f} samples/s); retried: {rejected}")
    console.print(f"output: {out / 'samples.jsonl'}")
    return 0 if result.written else 1


def _manifest(args: argparse.Namespace, sources: list[str], targets: list[Any], result: Any, notes: list[str],
              problems: list[str], started: float) -> dict[str, Any]:  # fmt: skip
    from synth.sample import GENERATOR, GENERATOR_VERSION

    return {
        "generator": GENERATOR, "version": GENERATOR_VERSION,
        "command": ["harness", "synth", *sys.argv[2:]] if sys.argv[1:2] == ["synth"] else sys.argv,
        "args": {k: v for k, v in vars(args).items() if k != "run" and k != "api_key"},
        "seed": args.seed, "n": args.n, "written": result.written,
        "counts": result.counts, "rejected": result.rejected, "tool_errors": result.tool_errors,
        "targets": {t.category.value: {"weight": t.weight, "knobs": t.knobs.to_json()} for t in targets},
        "spec_sources": sources, "spec_problems": problems[:50], "spec_problem_count": len(problems),
        "assistant": result.assistant, "notes": notes,
        "timing": {"started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
                   "seconds": round(result.seconds, 3), "samples_per_second": round(result.samples_per_second, 1)},
        "machine": {"platform": platform.platform(), "python": platform.python_version()},
    }  # fmt: skip


class _progress:
    """A Rich progress bar with samples/s, or nothing."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled, self._progress = total, enabled, None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
        from rich.text import Text

        class Rate(TextColumn):
            def __init__(self) -> None:
                super().__init__("")

            def render(self, task: Any) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed:6.1f} samples/s" if speed else "   -   samples/s", style="cyan")

        self._progress = Progress(TextColumn("[bold]synth"), BarColumn(), MofNCompleteColumn(), Rate(),
                                  TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), transient=False)  # fmt: skip
        self._progress.__enter__()
        task = self._progress.add_task("synth", total=self.total)
        return lambda n: self._progress.advance(task, n)

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)

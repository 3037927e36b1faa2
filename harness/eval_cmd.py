"""`harness eval [MODEL_PATH]`: generate BFCL answers with a backend, score them, report."""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bfcl_adapter.categories import COLLECTIONS, parse_categories

from .errors import UsageError

# The default sweep: every single-turn category (AST, irrelevance, relevance).
DEFAULT_CATEGORIES = "single_turn"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval",
        help="evaluate a model on BFCL v4 and write a run directory",
        description="Generate answers to BFCL v4 entries with a model backend, write BFCL-layout "
        "result files, score them with the official-equivalent checker and print the report.",
    )
    p.add_argument("model", nargs="?", default="default",
                   help="HF model directory, .gguf file, served model name (openai), or 'default' "
                   "(the embedded SmolLM2-135M-Instruct)")  # fmt: skip
    p.add_argument("--backend", default="transformers", help="transformers (default), vllm, openai, mock, or a plug-in")
    p.add_argument("--categories", default=DEFAULT_CATEGORIES,
                   help=f"comma-separated categories or collections ({', '.join(COLLECTIONS)}); "
                   f"default {DEFAULT_CATEGORIES}")  # fmt: skip
    pick = p.add_mutually_exclusive_group()
    pick.add_argument("--limit", type=int, metavar="N", help="first N entries per category")
    pick.add_argument("--sample", type=int, metavar="N", help="N entries per category, drawn with --seed")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mode", choices=("auto", "prompting", "fc"), default="auto",
                   help="prompting (BFCL system prompt) or fc (chat template tools=); auto picks fc "
                   "when the chat template renders tools")  # fmt: skip
    p.add_argument("--decode-mode", choices=("official", "lenient"), default="official")
    p.add_argument("--temperature", type=float, default=0.0)
    p.add_argument("--max-new-tokens", type=int, default=160)
    p.add_argument("--full-text", action="store_true",
                   help="generate every reply to its end; by default a prompting-mode reply stops once it "
                        "can no longer decode to a call list (same verdicts under --decode-mode official)")
    p.add_argument("--batch-size", type=int, help="generation batch size (backend default if unset)")
    p.add_argument("--max-batch-tokens", type=int,
                   help="transformers backend: rows x longest prompt per batch (default 16384 on CPU)")
    p.add_argument("--out", metavar="RUN_DIR", help="run directory (default runs/<model>-<time>)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted run in --out")
    p.add_argument("--data-dir", metavar="DIR", help="BFCL data folder (default: installed bfcl-eval)")
    p.add_argument("--base-url", help="openai backend: server URL (or OPENAI_BASE_URL)")
    p.add_argument("--api-key", help="openai backend: key (or OPENAI_API_KEY)")
    p.add_argument("--tensor-parallel-size", type=int, help="vllm backend")
    p.add_argument("--data-parallel-size", type=int, help="vllm backend")
    p.set_defaults(run="harness.eval_cmd:run")


@contextmanager
def progress_bars() -> Iterator:
    from rich.progress import (
        BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
        TimeElapsedColumn, TimeRemainingColumn,
    )  # fmt: skip

    class RateColumn(TextColumn):
        def __init__(self) -> None:
            super().__init__("")

        def render(self, task):  # cases/s over this session's work
            from rich.text import Text

            speed = task.finished_speed or task.speed
            return Text(f"{speed:5.2f} cases/s" if speed else "  -   cases/s", style="cyan")

    with Progress(
        TextColumn("[bold]{task.description:<24}"), BarColumn(), MofNCompleteColumn(),
        TaskProgressColumn(), RateColumn(), TimeElapsedColumn(), TextColumn("ETA"),
        TimeRemainingColumn(), transient=False,
    ) as progress:  # fmt: skip

        def start(name: str, total: int, already: int):
            task = progress.add_task(name, total=total, completed=already)
            return lambda n: progress.advance(task, n)

        yield start


def backend_options(args: argparse.Namespace) -> dict:
    options = {
        "batch_size": args.batch_size,
        "max_batch_tokens": args.max_batch_tokens,
        "base_url": args.base_url,
        "api_key": args.api_key,
        "tensor_parallel_size": args.tensor_parallel_size,
        "data_parallel_size": args.data_parallel_size,
    }
    return {k: v for k, v in options.items() if v is not None}


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from reports import score_report

    from .backends.registry import create_backend
    from .evaluate import EvalConfig, run_eval
    from .rundir import open_run_dir

    categories = parse_categories(args.categories)
    if not categories:
        raise UsageError("no categories selected")
    for flag in ("limit", "sample", "max_new_tokens"):
        value = getattr(args, flag)
        if value is not None and value <= 0:
            raise UsageError(f"--{flag.replace('_', '-')} must be positive")
    if args.resume and not args.out:
        raise UsageError("--resume needs --out RUN_DIR")
    console = Console()
    backend = create_backend(args.backend, args.model, **backend_options(args))
    try:
        identity = backend.identity
        out = Path(args.out) if args.out else Path("runs") / f"{identity.name}-{_stamp()}"
        run_dir = open_run_dir(out, identity.to_json(), args.resume)
        config = EvalConfig(
            categories=categories, limit=args.limit, sample=args.sample, seed=args.seed,
            mode=args.mode, decode_mode=args.decode_mode, max_new_tokens=args.max_new_tokens,
            temperature=args.temperature, data_dir=args.data_dir, stop_when_not_call_list=not args.full_text,
        )  # fmt: skip
        console.print(f"[bold]model[/] {identity.path}  [dim]{identity.backend} {identity.dtype} "
                      f"weights {identity.weights_sha256[:12]}[/]  -> {out}")  # fmt: skip
        with progress_bars() as progress:
            outcome = run_eval(backend, run_dir, config, progress, command=sys.argv)
    finally:
        backend.close()
    heading = f"{identity.path} · {outcome.mode} mode · {sum(s.total for s in outcome.scores.values())} cases"
    console.print(score_report(outcome.scores, args.decode_mode, heading=heading))
    from .report_cmd import print_eval_report

    print_eval_report(out, console)  # the ranked gaps; also writes gaps.json
    if outcome.skipped:
        console.print(f"[dim]not run: {', '.join(c.value for c in outcome.skipped)}[/]")
    console.print(f"run directory: {out}")
    return 0


def _stamp() -> str:
    from datetime import datetime

    return datetime.now().strftime("%Y%m%d-%H%M%S")

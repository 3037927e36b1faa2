"""`harness close-loop [MODEL]`: eval -> gaps -> synth -> verify -> train -> eval, until done."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from bfcl_adapter.categories import parse_categories

from .errors import UsageError, require_share

if TYPE_CHECKING:
    from .loop_phases import PhaseSettings


def parse_duration(text: str, flag: str = "--budget") -> float:
    """'2h', '90m', '45s', '1h30m' or plain seconds.

    >>> parse_duration("1h30m")
    5400.0
    """
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    parts = re.findall(r"(\d+(?:\.\d+)?)([hms])", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise UsageError(f"{flag} {text!r}: use e.g. 2h, 90m, 1h30m or seconds")
    return sum(float(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in parts)


def phase_settings(out: Path, given: PhaseSettings, resume: bool, log: Callable[[str], None]) -> PhaseSettings:
    """The phases' settings (tools, data knobs, training config) live in the loop directory, so that
    a resume synthesizes and trains later rounds as the loop began them, whatever its command line."""
    import json
    from dataclasses import asdict

    from bfcl_adapter.results import atomic_write_text

    from .loop_phases import PhaseSettings

    path = out / "phase_settings.json"
    if resume and path.exists():
        try:
            document = json.loads(path.read_text())
            # Loops begun before the cap existed had none; keep them as they began.
            document.setdefault("multi_call_share", None)
            saved = PhaseSettings(**document)
        except (ValueError, TypeError) as exc:
            raise UsageError(f"{path}: unreadable phase settings ({exc})") from None
        if saved != given:
            log(f"resuming with the settings the loop began with ({path.name}), not this command line's")
        return saved
    atomic_write_text(path, json.dumps(asdict(given), indent=2) + "\n")
    return given


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "close-loop",
        help="improve a model: eval, gaps, synth, verify, train, eval, keep if better, repeat",
        description="The self-improving loop. State lives in --out; --resume continues after a kill.",
    )
    p.add_argument("model", nargs="?", default="default", help="HF model directory, .gguf, or 'default'")
    p.add_argument("--rounds", type=int, default=2, help="training rounds at most (default 2; the budget may stop earlier)")
    p.add_argument("--budget", default="2h", help="wall-clock budget (default 2h): 90m, 1h30m, 3600")
    p.add_argument("--min-train", default=None,
                   help="start a round only if this much training time fits (default: budget/10, at most 5m)")
    p.add_argument("--categories", default="non_live", help="categories the loop targets (default non_live)")
    p.add_argument("--targets", help="targets TOML (see reports/targets/); shown as distance to target")
    p.add_argument("--out", metavar="LOOP_DIR", help="loop directory (default runs/loop-<time>)")
    p.add_argument("--resume", action="store_true")
    p.add_argument("--backend", default="transformers", help="generation backend for evaluation")
    p.add_argument("--seed", type=int, default=0, help="seed of data synthesis, training and the split (default 0)")
    p.add_argument("--split-seed", type=int, metavar="N",
                   help="seed of the probe/report split alone (default: --seed); fix it to repeat a loop on the same cases")
    p.add_argument("--probe-fraction", type=float, default=0.2, help="share of BFCL used for decisions (<= 0.3)")
    p.add_argument("--probe-per-category", type=int, default=15, help="cap on probe cases per category (default 15)")
    p.add_argument("--report-per-category", type=int, default=40,
                   help="cap on report-split cases per category, a fixed random sample (default 40; 0: all)")  # fmt: skip
    p.add_argument("--samples-per-round", type=int, default=1200,
                   help="samples synthesized per round; SFT trains one epoch or to its deadline (default 1200)")
    p.add_argument("--max-new-tokens", type=int, default=128)
    p.add_argument("--train-config", metavar="TOML", help="training settings (see configs/train.toml)")
    p.add_argument("--train-max-steps", type=int, help="cap on optimizer steps per stage")
    p.add_argument("--formula-tools", type=int, default=0,
                   help="knowledge-domain calculators and look-ups added to each round's tools (default 0)")
    p.add_argument("--near-miss-share", type=float, default=0.0,
                   help="share of 'no tool fits' samples offering tools of the request's own domain (default 0)")
    p.add_argument("--multi-call-share", type=float, default=0.25, metavar="S",
                   help="cap on the gap-weighted share of parallel and parallel_multiple data (default 0.25; 1: no cap)")
    p.set_defaults(run="harness.close_loop_cmd:run")


def run(args: argparse.Namespace) -> int:
    from bfcl_adapter.data import load_entries

    from .loop import CloseLoop, LoopConfig
    from .loop_phases import PhaseSettings, RealPhases

    from rich import get_console

    console = get_console()  # the one the progress bars draw on: lines print above them
    budget = parse_duration(args.budget)
    min_train = parse_duration(args.min_train, "--min-train") if args.min_train else None
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no tqdm bars under the live view
    categories = parse_categories(args.categories)
    if not categories:
        raise UsageError("no categories selected")
    for flag in ("rounds", "probe_per_category", "samples_per_round", "max_new_tokens"):
        if getattr(args, flag) <= 0:
            raise UsageError(f"--{flag.replace('_', '-')} must be positive")
    if args.formula_tools < 0:
        raise UsageError("--formula-tools must be >= 0")
    require_share("--near-miss-share", args.near_miss_share)
    require_share("--multi-call-share", args.multi_call_share)
    if args.resume and not args.out:
        raise UsageError("--resume needs --out LOOP_DIR")
    if args.train_config and not Path(args.train_config).is_file():
        raise UsageError(f"{args.train_config}: no such file")
    model = args.model
    if model != "default":
        from .backends.models import resolve_model

        resolve_model(model)  # a missing or non-model path fails here, before any work
    out = Path(args.out) if args.out else Path("runs") / f"loop-{time.strftime('%Y%m%d-%H%M%S')}"
    start, spent_before, limit = time.monotonic(), 0.0, budget

    def log(message: str) -> None:
        minutes = (spent_before + time.monotonic() - start) / 60
        console.print(f"[dim]{minutes:6.1f}/{limit / 60:.0f} min[/] {message}")

    def show(state) -> None:  # after every evaluation and decision: scores so far, decisions and why
        from reports.loop_report import loop_table

        console.print(loop_table(state.to_json()))

    from .eval_cmd import progress_bars

    with progress_bars() as progress:
        settings = PhaseSettings(
            backend=args.backend, max_new_tokens=args.max_new_tokens, train_config=args.train_config,
            train_max_steps=args.train_max_steps, formula_tools=args.formula_tools,
            near_miss_share=args.near_miss_share, multi_call_share=args.multi_call_share,
        )  # fmt: skip
        phases = RealPhases(settings, progress=progress, log=log)
        ids = {c: [e.id for e in load_entries(c)] for c in categories}
        loop = CloseLoop(out, phases, ids, log=log, on_update=show)
        config = LoopConfig(
            categories=categories, rounds=args.rounds, budget_s=budget, seed=args.seed, split_seed=args.split_seed,
            probe_fraction=args.probe_fraction, probe_per_category=args.probe_per_category,
            report_per_category=args.report_per_category or None,
            samples_per_round=args.samples_per_round,
            min_train_s=min_train,
        )  # fmt: skip
        loop.start(model, config, args.resume)
        # A resumed loop's clock goes on from the time its state recorded, under the budget it began with.
        start, spent_before, limit = time.monotonic(), loop.state.elapsed_s, loop.state.config.budget_s
        phases.settings = phase_settings(out, settings, args.resume, log)
        state = loop.run()

    from reports.loop_report import loop_table

    console.print(loop_table(state.to_json()))
    from .loop_report import write_loop_reports

    html, markdown = write_loop_reports(out)
    console.print(f"report: {html} · {markdown}")
    console.print(f"loop directory: {out}  ({state.status}: {state.stop_reason or 'finished'})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run(argparse.Namespace()))

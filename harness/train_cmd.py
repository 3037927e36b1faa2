"""`harness train MODEL --data VERIFIED_DIR --out CKPT_DIR`: SFT and/or GRPO on verified data.

Only argparse is imported at module level; torch, transformers and trl are imported by ``rl`` when
the command runs, so ``harness --help`` stays instant.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .errors import UsageError

METHODS = ("sft", "grpo", "sft+grpo", "auto")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="fine-tune a model on verified data (SFT warm start and/or GRPO) into a checkpoint dir",
        description="Train MODEL on DIR/train.jsonl (written by `harness verify`) with SFT, GRPO (reward: the "
        "evaluation's own BFCL verdict, gated on a well-formed answer), or both, and write an HF checkpoint "
        "directory with closeloop.json that `harness eval` loads. Killed and run again with the same arguments, "
        "it resumes from the last saved step.",
    )
    p.add_argument("model", help="HF model directory, .gguf file, or 'default' (the embedded SmolLM2-135M-Instruct)")
    p.add_argument("--data", required=True, metavar="VERIFIED_DIR", help="directory holding train.jsonl")
    p.add_argument("--out", required=True, metavar="CKPT_DIR", help="output checkpoint directory (new, or a run to resume)")
    p.add_argument("--method", choices=METHODS,
                   help="sft, grpo, sft+grpo, or auto: probe the reward first and warm up with SFT only on a cold "
                   "start (default: train.toml's method, else auto)")  # fmt: skip
    p.add_argument("--config", metavar="TRAIN_TOML", help="training settings (see configs/train.toml)")
    p.add_argument("--max-steps", type=int, metavar="N", help="at most N optimizer steps per stage")
    p.add_argument("--max-time", metavar="DURATION",
                   help="wall-clock cap for the whole run, e.g. 25m or 1h (SFT gets 3/4 of it before GRPO); "
                   "training stops after the step that crosses it and the checkpoint is written")  # fmt: skip
    p.add_argument("--seed", type=int, help="random seed (default: train.toml's, else 0)")
    p.add_argument("--gaps", metavar="GAPS_JSON", help="gaps.json of the last eval: weights GRPO's prompt selection")
    p.set_defaults(run="harness.train_cmd:run")


def _settings(args: argparse.Namespace):
    from rl.common import ConfigError
    from rl.train import TrainSettings, load_train_toml

    try:
        settings = load_train_toml(args.config) if args.config else TrainSettings()
        if args.method:
            settings.method = args.method
        if args.seed is not None:
            settings.seed = args.seed
        if args.max_steps is not None:
            settings.max_steps = args.max_steps
        if args.gaps:
            settings.grpo.gaps = args.gaps
        if getattr(args, "max_time", None):
            from .close_loop_cmd import parse_duration

            settings.max_seconds = parse_duration(args.max_time, flag="--max-time")
        settings.__post_init__()
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    return settings


def _base_model(name: str):
    """(HF directory to train, identity recorded in closeloop.json)."""
    from .backends.base import BackendError
    from .backends.models import materialize_hf_checkpoint, resolve_model, weights_sha256

    try:
        resolved = resolve_model(name)
    except BackendError as exc:
        raise UsageError(f"model: {exc}") from None
    identity = {"name": resolved.name, "source": str(resolved.path), "kind": resolved.kind,
                "default": resolved.is_default}  # fmt: skip
    try:
        identity["weights_sha256"] = weights_sha256(resolved.path)
        hf_dir = materialize_hf_checkpoint(resolved.path) if resolved.kind == "gguf" else resolved.path
    except BackendError as exc:
        raise UsageError(f"model: {exc}") from None
    return Path(hf_dir), identity


def run(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
    if args.max_steps is not None and args.max_steps <= 0:
        raise UsageError("--max-steps must be positive")
    if args.config and not Path(args.config).is_file():
        raise UsageError(f"--config: no such file: {args.config}")
    if args.gaps and not Path(args.gaps).is_file():
        raise UsageError(f"--gaps: no such file: {args.gaps}")

    from rich.console import Console

    from rl.common import ConfigError, TrainError
    from rl.data import DataError, load_train_data

    try:
        data = load_train_data(args.data)  # fail on bad data before any model is loaded
    except DataError as exc:
        raise UsageError(f"--data: {exc}") from None
    settings = _settings(args)
    console = Console()
    try:
        from rl.train import train, validate_trl_settings

        validate_trl_settings(settings)
        model_dir, identity = _base_model(args.model)
        console.print(f"[bold]train[/] {identity['source']} [dim]({settings.method}, seed {settings.seed})[/] on "
                      f"{data.path} [dim]{len(data.rows)} rows, sha256 {data.sha256[:12]}[/] -> {args.out}")  # fmt: skip
        info = train(model_dir, args.data, args.out, settings, base_model=identity, console=console,
                     log=lambda text: console.print(f"[dim]{text}[/]"))  # fmt: skip
    except (ConfigError, DataError, TrainError) as exc:
        raise UsageError(str(exc)) from None
    _print_summary(console, args.out, info)
    return 0


def _print_summary(console, out: str, info: dict) -> None:
    from rich.table import Table

    table = Table(title=f"{out} · {info.get('method_run')}", show_lines=False)
    for column in ("stage", "steps", "seconds", "key metrics"):
        table.add_column(column)
    for stage in info.get("stages", []):
        metrics = info.get("metrics", {}).get(stage["name"], {})
        shown = ", ".join(f"{k} {v:.3g}" for k, v in metrics.items() if isinstance(v, (int, float)))
        table.add_row(stage["name"], str(stage["steps"]), f"{stage['seconds']:.0f}", shown)
    console.print(table)
    for note in info.get("notes", []):
        console.print(f"[yellow]{note}[/]")
    console.print(f"checkpoint: {out}  (harness eval {out})")

"""`harness verify DIR`: the gate between synthesis and training.

Runs every property check of :mod:`synth.verify` over ``DIR/samples.jsonl`` (schema, grounding,
replay on the tool server, round trip through the decoders and the checker, abstention,
uniqueness, contamination), then the Hypothesis mutant suite against the BFCL checker *and* the
RL reward functions (``rl.rewards``, the reward GRPO optimises), and writes ``OUT/accepted.jsonl``,
``OUT/train.jsonl``, ``OUT/rejected.jsonl`` and ``OUT/verify.json``. Exit 1 when the reward
cannot discriminate (no train.jsonl is written) or nothing was accepted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .errors import UsageError

DEFAULT_OUT = "verified"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify",
        help="verify synthetic samples before training (properties, replay, reward mutants)",
        description="Check every sample of a `harness synth` folder (schema, grounding, execution replay, "
        "round trip, abstention, uniqueness, contamination), prove with Hypothesis mutants that the reward "
        "discriminates, and write accepted.jsonl, train.jsonl (the trainer's input), rejected.jsonl and verify.json.",
    )
    p.add_argument("samples", metavar="DIR", help="synth output folder (holding samples.jsonl), or the .jsonl itself")
    p.add_argument("--out", metavar="OUT", help=f"output folder (default: DIR/{DEFAULT_OUT})")
    p.add_argument("--profile", choices=("ci", "thorough"), default="thorough",
                   help="Hypothesis profile of the mutant suite: ci (fast) or thorough (default)")  # fmt: skip
    p.add_argument("--no-reward", action="store_true",
                   help="run the mutant suite against the BFCL checker only, not the RL reward functions")  # fmt: skip
    p.add_argument("--specs", action="append", metavar="SOURCE",
                   help="tool source the samples were made from, repeatable, in synth's order (default: the "
                   "folder's manifest.json, else catalog); only catalog, procedural, formulas and openapi are reloaded")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print verify.json instead of the tables")
    p.set_defaults(run="harness.verify_cmd:run")


def reward_scorer() -> Any:
    """The GRPO reward as a verdict: with its default weights the summed reward is 1 exactly when
    the answer is right (``rl.rewards`` module doc), so "valid" means a total of at least 1."""
    from rl.rewards import RewardConfig, abstention_reward, correctness_reward, gate_reward

    config = RewardConfig()

    def score(category: Any, text: str, functions: list[dict[str, Any]], answer: list[Any] | None) -> bool:
        columns = {"category": [category.value], "functions": [json.dumps(functions)],
                   "possible_answer": [None if answer is None else json.dumps(answer)]}  # fmt: skip
        completions = [[{"role": "assistant", "content": text}]]
        values = [f([None], completions, config=config, **columns)[0] for f in (gate_reward, correctness_reward, abstention_reward)]
        return sum(v for v in values if v is not None) >= 1.0

    return score


def verify(samples: Path | str, out: Path | str, profile: str = "thorough", *, reward: bool = True,
           spec_sources: list[str] | None = None) -> Any:  # fmt: skip
    """``synth.verify.verify_dir`` with the RL reward among the scorers (what the loop should call)."""
    from synth.verify import verify_dir

    scorers = {"rl_reward": reward_scorer()} if reward else None
    return verify_dir(samples, out, profile, scorers=scorers, spec_sources=spec_sources)


def _hypothesis_home() -> None:
    """Hypothesis caches source constants under ``./.hypothesis``; a command must not litter the
    user's working directory, so the cache goes with closeloop's other caches (a process-wide
    setting, hence here and not in the library)."""
    import os

    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        return
    from hypothesis.configuration import set_hypothesis_home_dir

    from synth.contamination import cache_dir

    set_hypothesis_home_dir(cache_dir() / "hypothesis")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from synth.verify import VerifyError, summary_table

    samples = Path(args.samples)
    if not samples.exists():
        raise UsageError(f"{samples}: no such file or folder")
    folder = samples.parent if samples.is_file() else samples
    out = Path(args.out) if args.out else folder / DEFAULT_OUT
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    _hypothesis_home()
    console = Console(stderr=True)
    try:
        with console.status(f"verifying {samples}"):
            report = verify(samples, out, args.profile, reward=not args.no_reward, spec_sources=args.specs)
    except VerifyError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False, default=str))
    else:
        console.print(summary_table(report))
        for note in report.notes:
            console.print(f"[yellow]note:[/] {note}")
        console.print(f"wrote {out}/accepted.jsonl ({report.accepted}), rejected.jsonl ({report.rejected}), verify.json"
                      + ("" if report.blocked else ", train.jsonl") + f" in {report.seconds:.1f} s")  # fmt: skip
    if report.blocked:
        print(f"harness: verify: blocked: {report.blocked}; no train.jsonl written", file=sys.stderr)
        return 1
    return 0

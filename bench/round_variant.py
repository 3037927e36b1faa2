"""bench/round_variant: one round of a recorded close loop again, with other settings, on the probe split.

A whole headline run costs about 105 minutes of the 2-core CPU; a data or training lever can be tried
on one round for a third of that. This takes a finished loop directory and a round of it, and redoes
that round with the recorded start model, seed, replay shares, gaps and the loop's cold-start rule (SFT
alone from a model that passes no probed call case), but with the phase settings given here (say
``--multi-call-share 0.5``, or ``--abstention-share 0.3`` for the loop's share of abstention data) and a
training-time cap; then it evaluates the candidate on the very probe cases the recorded round was judged
on. Report-split entries are never touched.

Writes OUT/{synth,verify,train,eval}, OUT/result.json (with each category's error types), and a row
in bench/results/round_variant.md: the start model, the recorded round's candidate and the variant's,
per category and in the loop's probe objective.

Run: ``.venv/bin/python bench/round_variant.py --loop runs/headline13 --round 2 --out runs/variant
--multi-call-share 0.5 --method sft --max-time 25``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _common import append_result, commit, machine  # noqa: E402  (bench/ is on sys.path as a script)

HEADER = """# bench/round_variant: one loop round again with other settings (probe split only)

`bench/round_variant.py` redoes round R of a recorded `harness close-loop` run from the same start
model, seed, replay shares and gaps, with the settings named in the row, and scores the candidate on the
same probe cases (at most 15 a category: one case is 6.7 points). Cheap and noisy: a lead for a whole
run, not a result. Accuracy %, recorded round / variant.

| date | machine | commit | loop, round | variant | steps (recorded / variant) | objective: start -> recorded / variant | per category (recorded / variant) |
|---|---|---|---|---|---|---:|---|
"""


def _steps(train_dir: Path) -> str:
    info = json.loads((train_dir / "closeloop.json").read_text())
    return " + ".join(f"{s['name']} {s['steps']}" for s in info["stages"])


def _probe_ids(eval_dir: Path) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = defaultdict(list)
    for line in (eval_dir / "verdicts.jsonl").read_text().splitlines():
        if line.strip():
            verdict = json.loads(line)
            ids[verdict["category"]].append(verdict["id"])
    return dict(ids)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loop", type=Path, required=True, help="a finished loop directory")
    parser.add_argument("--round", type=int, required=True, help="the round to redo (1 or later)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--multi-call-share", type=float, default=None, help="default: the loop's own")
    parser.add_argument("--near-miss-share", type=float, default=None, help="default: the loop's own")
    parser.add_argument("--abstention-share", type=float, default=None,
                        help="share of the data that teaches abstention (default: the recorded round's)")
    parser.add_argument("--samples", type=int, default=None, help="default: the recorded round's")
    parser.add_argument("--method", default=None, choices=("sft", "grpo", "sft+grpo", "auto"),
                        help="default: the loop's")
    parser.add_argument("--max-time", type=float, required=True, metavar="MIN", help="training minutes at most")
    args = parser.parse_args()

    from bfcl_adapter.categories import Category
    from harness.errors import require_share
    from harness.loop import LoopConfig, cold_start, objective, replay_weights
    from harness.loop_phases import PhaseSettings, RealPhases

    folder = args.loop / f"round_{args.round:03d}"
    for needed in (folder / "synth" / "manifest.json", folder / "train" / "closeloop.json",
                   folder / "eval" / "verdicts.jsonl", args.loop / "phase_settings.json",
                   args.loop / "state.json"):  # fmt: skip
        if not needed.is_file():
            print(f"round_variant: error: {needed} is missing (a finished round of a loop directory?)", file=sys.stderr)
            return 2
    changes = {k: v for k, v in (("multi_call_share", args.multi_call_share), ("near_miss_share", args.near_miss_share),
                                 ("train_method", args.method)) if v is not None}  # fmt: skip
    named_changes = dict(changes)  # what the row names: the phase settings and the loop's abstention share
    if args.abstention_share is not None:
        named_changes["abstention_share"] = args.abstention_share
    try:
        settings = replace(PhaseSettings(), **changes)  # the flags first: their error is the user's
        require_share("--abstention-share", args.abstention_share)
    except ValueError as exc:
        print(f"round_variant: error: {exc}", file=sys.stderr)
        return 2
    try:
        manifest = json.loads((folder / "synth" / "manifest.json").read_text())
        seed, n = int(manifest["seed"]), args.samples or int(manifest["n"])
        base_model = json.loads((folder / "train" / "closeloop.json").read_text())["base_model"]
        start = base_model.get("source") or base_model["path"]
        settings = replace(PhaseSettings(**json.loads((args.loop / "phase_settings.json").read_text())), **changes)
        # The objective the loop decided by (LoopConfig's rule for loops begun before the ceiling).
        config = LoopConfig.from_json(json.loads((args.loop / "state.json").read_text())["config"])
        ceiling = config.abstention_ceiling
        # The round synthesized from the gaps of the model it started from: its round's eval folder.
        start_round = Path(start).parent if Path(start).name == "train" else args.loop / "round_000"
        replay = dict(manifest.get("replay", {}))
        start_acc = _scores(start_round / "eval" / "scores.json", config.categories)
        start_scores = {c.value: a for c, a in start_acc.items()}
        # The loop's cold-start rule: a start model that passes no probed call case trains SFT alone
        # (round 1 from the embedded model), where `auto` alone would spend a quarter on GRPO.
        cold = cold_start(start_scores)
        if args.abstention_share is not None:
            # The loop's own rule on the start model's probe scores, with the other abstention share.
            replay = replay_weights(replace(config, abstention_share=args.abstention_share), start_scores)
    except OSError as exc:  # a file the round needs, e.g. the start model's scores (round_000 for round 1)
        print(f"round_variant: error: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, KeyError, AttributeError) as exc:  # what the loop directory holds
        print(f"round_variant: error: {folder}: unreadable round ({exc!r})", file=sys.stderr)
        return 2
    phases = RealPhases(settings)
    started = time.time()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    if not (out / "synth" / "manifest.json").is_file():
        phases.synthesize(start_round / "eval", out / "synth", n, seed, replay)
    if not (out / "verify" / "train.jsonl").is_file():
        phases.verify(out / "synth", out / "verify")
    if not (out / "train" / "closeloop.json").is_file():
        phases.train(start, out / "verify", out / "train", 1.0, seed, args.max_time * 60, cold_start=cold)
    ids = {Category(c): v for c, v in _probe_ids(folder / "eval").items()}
    summary = phases.evaluate(str(out / "train"), out / "eval", ids)
    start_acc = {c: a for c, a in start_acc.items() if c in ids}  # read above; the probed categories
    recorded_acc = _scores(folder / "eval" / "scores.json", ids)
    variant_acc = dict(summary.accuracy)
    result = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(), "commit": commit(),
        "loop": str(args.loop), "round": args.round, "out": str(out), "changes": named_changes, "replay": replay,
        "samples": n, "seed": seed,
        "max_time_min": args.max_time, "wall_s": round(time.time() - started, 1),
        "steps": {"recorded": _steps(folder / "train"), "variant": _steps(out / "train")},
        "abstention_ceiling": ceiling,
        "objective": {"start": objective(start_acc, ceiling), "recorded": objective(recorded_acc, ceiling),
                      "variant": objective(variant_acc, ceiling)},
        "accuracy": {c.value: {"start": start_acc.get(c), "recorded": recorded_acc.get(c),
                               "variant": variant_acc.get(c)} for c in ids},
        "error_types": {"recorded": _error_types(folder / "eval"), "variant": _error_types(out / "eval")},
        "settings": asdict(settings),
    }  # fmt: skip
    (out / "result.json").write_text(json.dumps(result, indent=2) + "\n")
    per_category = ", ".join(f"{c} {100 * a['recorded']:.1f} / {100 * a['variant']:.1f}"
                             for c, a in result["accuracy"].items())  # fmt: skip
    named = ", ".join(f"{k}={v}" for k, v in named_changes.items())
    named = named or "no setting changed (the code at the commit)"
    variant = f"{named}, {n} samples, training <= {args.max_time:g} min"
    row = (f"| {result['date'][:10]} | {result['machine']} | {result['commit']} | {args.loop} r{args.round} "
           f"| {variant} | {result['steps']['recorded']} / {result['steps']['variant']} "
           f"| {100 * result['objective']['start']:.1f} -> {100 * result['objective']['recorded']:.1f} / "
           f"{100 * result['objective']['variant']:.1f} | {per_category} |\n")  # fmt: skip
    append_result("round_variant", row, HEADER, result)
    print(row, end="")
    return 0


def _error_types(eval_dir: Path) -> dict[str, dict[str, int]]:
    """Per category, the checker's error types and their counts (the run's gaps.json)."""
    gaps = json.loads((eval_dir / "gaps.json").read_text())
    return {c: dict(v.get("error_types", {})) for c, v in gaps["categories"].items()}


def _scores(path: Path, ids: dict) -> dict:
    """Per-category accuracy of a run directory's scores.json, for the categories in ``ids``."""
    categories = json.loads(path.read_text())["categories"]
    return {c: float(categories[c.value]["accuracy"]) for c in ids if c.value in categories}


if __name__ == "__main__":
    raise SystemExit(main())

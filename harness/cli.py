"""The `harness` command line. Only argparse is imported here so that `--help` is instant;
each command imports what it needs when it runs."""

from __future__ import annotations

import argparse
import sys
from typing import Callable, Sequence

EXIT_USAGE = 2


def _add_score(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score",
        help="score BFCL-format result files written by any tool",
        description="Score BFCL result files: a JSON-lines file of {\"id\", \"result\"} or a "
        "directory in BFCL's result layout (result/<model>/<group>/BFCL_v4_<category>_result.json).",
    )
    p.add_argument("path", help="result file or directory")
    p.add_argument("--category", help="category of a single result file (default: from its name)")
    p.add_argument("--verdicts", metavar="OUT.jsonl", help="write one verdict line per case")
    p.add_argument("--score-dir", metavar="DIR", help="also write BFCL score files under DIR")
    p.add_argument("--mode", choices=("official", "lenient"), default="official",
                   help="decoder mode (default: official, as the leaderboard)")  # fmt: skip
    p.add_argument("--data-dir", metavar="DIR", help="BFCL data folder (default: installed bfcl-eval)")
    p.add_argument("--json", metavar="OUT.json", help="write the scores as JSON")
    p.set_defaults(run="harness.score_cmd:run")


def _add_eval(sub: argparse._SubParsersAction) -> None:
    from .eval_cmd import add_parser

    add_parser(sub)


def _add_report(sub: argparse._SubParsersAction) -> None:
    from .report_cmd import add_parser

    add_parser(sub)


def _add_synth(sub: argparse._SubParsersAction) -> None:
    from .synth_cmd import add_parser

    add_parser(sub)


def _add_verify(sub: argparse._SubParsersAction) -> None:
    from .verify_cmd import add_parser

    add_parser(sub)


def _add_train(sub: argparse._SubParsersAction) -> None:
    from .train_cmd import add_parser

    add_parser(sub)


def _add_close_loop(sub: argparse._SubParsersAction) -> None:
    from .close_loop_cmd import add_parser

    add_parser(sub)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_eval, _add_score, _add_report, _add_synth, _add_verify, _add_train, _add_close_loop,
]  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness",
        description="Measure and improve how well a language model calls tools (BFCL v4).",
    )
    parser.add_argument("--version", action="version", version="closeloop 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE
    module_name, func_name = args.run.split(":")
    import importlib

    from .errors import user_errors

    run = getattr(importlib.import_module(module_name), func_name)
    try:
        return int(run(args) or 0)
    except user_errors() as exc:
        print(f"harness: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("harness: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

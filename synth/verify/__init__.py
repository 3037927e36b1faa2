"""The verification gate: no synthetic sample reaches training unless it provably says what it claims.

``verify_dir(samples_dir, out_dir, profile)`` checks every sample of a synth folder - schema,
grounding, execution (replay on the tool server), round trip through the harness's decoders and
checker, abstention, uniqueness, contamination - runs the Hypothesis mutant suite that shows the
reward discriminates, and writes ``accepted.jsonl``, ``train.jsonl`` (the trainer's contract),
``rejected.jsonl`` (every failed check with its evidence) and ``verify.json``.
"""

from .base import CHECKS, Failure
from .gate import OUTPUT_FILES, VerifyError, train_row, verify_dir
from .mutants import OPERATORS, Case, Mutant
from .report import VerifyReport, summary_table
from .suite import PROFILES, Scorer, SuiteResult, checker_scorer, run_suite

__all__ = ["CHECKS", "OPERATORS", "OUTPUT_FILES", "PROFILES", "Case", "Failure", "Mutant", "Scorer", "SuiteResult",
           "VerifyError", "VerifyReport", "checker_scorer", "run_suite", "summary_table", "train_row", "verify_dir"]  # fmt: skip

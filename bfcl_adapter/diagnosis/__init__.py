"""Gap diagnosis of a scored run: pure computations and the records that reports render.

Why on floor 1: ``reports`` may import only ``bfcl_adapter``, and both ``reports`` and
``harness`` need the same diagnosis records, statistics and run-directory reader. So everything
here is pure (plus read-only access to run directories through their schema); ``harness.diagnosis``
is the thin layer that turns errors into usage errors and writes ``gaps.json``.

Modules: ``stats`` (Wilson, exact McNemar), ``weights`` (effective Overall weights), ``kinds``
(error types -> readable kinds), ``rundata`` (run-directory reader), ``core`` (diagnosis and gaps),
``compare`` (two runs, case by case), ``gaps`` (the gaps.json contract), ``targets`` (TOML targets).
"""

from .compare import AggregateDelta, CategoryDelta, Comparison, Flip, compare
from .core import CategoryDiagnosis, Diagnosis, Example, Gap, diagnose, synthesis_weights
from .gaps import GAPS_JSON_SCHEMA, GAPS_SCHEMA_VERSION, GapsError, gaps_document, read_gaps, validate_gaps
from .kinds import DECODE_SUBKINDS, ErrorKind, decode_subkind, error_kind
from .rundata import CaseRecord, RunData, RunDirError, RunInfo, read_run, read_run_info
from .stats import mcnemar_exact, wilson_interval
from .targets import TargetDistance, Targets, TargetsError, parse_targets, read_targets, target_distances
from .weights import effective_weight, effective_weights

__all__ = [
    "AggregateDelta", "CaseRecord", "CategoryDelta", "CategoryDiagnosis", "Comparison",
    "DECODE_SUBKINDS", "Diagnosis", "ErrorKind", "Example", "Flip", "GAPS_JSON_SCHEMA",
    "GAPS_SCHEMA_VERSION", "Gap", "GapsError", "RunData", "RunDirError", "RunInfo",
    "TargetDistance", "Targets", "TargetsError", "compare", "decode_subkind", "diagnose",
    "effective_weight", "effective_weights", "error_kind", "gaps_document", "mcnemar_exact",
    "parse_targets", "read_gaps", "read_run", "read_run_info", "read_targets",
    "synthesis_weights", "target_distances", "validate_gaps", "wilson_interval",
]  # fmt: skip

"""BFCL v4 at the bottom of closeloop: categories, data, prompts, decoding, checking, scoring.

Light to import: nothing here pulls in torch or transformers, and tree-sitter is loaded only when
a Java or JavaScript output is decoded.
"""

from .categories import (
    AST_CATEGORIES,
    COLLECTIONS,
    Category,
    Checker,
    Language,
    ScoreGroup,
    UnknownCategoryError,
    parse_categories,
)
from .checking import check_calls, normalize_string, score_case
from .data import DataError, Entry, default_data_dir, load_entries
from .decoding import cannot_become_call_list, contains_call, decode
from .scoring import Aggregate, CategoryScore, aggregate, scores_from_verdicts
from .types import Call, DecodeError, Verdict

__all__ = [
    "AST_CATEGORIES", "COLLECTIONS", "Aggregate", "Call", "Category", "CategoryScore", "Checker",
    "DataError", "DecodeError", "Entry", "Language", "ScoreGroup", "UnknownCategoryError",
    "Verdict", "aggregate", "cannot_become_call_list", "check_calls", "contains_call", "decode",
    "default_data_dir", "load_entries", "normalize_string", "parse_categories", "score_case",
    "scores_from_verdicts",
]  # fmt: skip

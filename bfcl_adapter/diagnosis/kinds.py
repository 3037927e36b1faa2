"""Readable error kinds: BFCL's checker error types, regrouped by what a model must learn.

The official error types name the checker step that failed (``simple_function_checker:...``,
``type_error:java``); a training-data synthesizer needs the behaviour instead ("wrong string
value", "abstained when it should call"). Decode failures carry no detail in BFCL, so their
sub-kind is recovered from the raw output text:

* ``empty`` / ``prose``: nothing that looks like a call (no ``(`` or ``[``). In an AST category
  this is an abstention, so such cases count as ``abstained_when_should_call``;
* ``truncated``: unbalanced brackets or quotes, or the output hit the token limit, and some
  continuation would still decode (generation may stop a reply once none would, see
  ``decoding.cannot_become_call_list``);
* ``malformed``: anything else (call-like text the decoder still rejects).
"""

from __future__ import annotations

import enum
from typing import Any

from ..decoding import cannot_become_call_list


class ErrorKind(str, enum.Enum):
    """Declaration order is display order and breaks ties in rankings."""

    WRONG_FUNCTION_NAME = "wrong_function_name"
    MISSING_REQUIRED_PARAMETER = "missing_required_parameter"
    UNEXPECTED_PARAMETER = "unexpected_parameter"
    WRONG_TYPE = "wrong_type"
    WRONG_STRING_VALUE = "wrong_string_value"
    WRONG_NUMBER_VALUE = "wrong_number_value"
    WRONG_LIST_VALUE = "wrong_list_value"
    WRONG_DICT_VALUE = "wrong_dict_value"
    TOO_FEW_CALLS = "too_few_calls"
    TOO_MANY_CALLS = "too_many_calls"
    WRONG_CALL_COUNT = "wrong_call_count"  # counts not recorded (verdicts written before they were)
    NO_MATCHING_PARALLEL_CALL = "no_matching_parallel_call"
    DECODE_TRUNCATED = "decode_failure_truncated"
    DECODE_MALFORMED = "decode_failure_malformed"
    CALLED_WHEN_SHOULD_ABSTAIN = "called_when_should_abstain"
    ABSTAINED_WHEN_SHOULD_CALL = "abstained_when_should_call"
    STATE_MISMATCH = "multi_turn_state_mismatch"
    RESPONSE_MISMATCH = "multi_turn_response_mismatch"
    FORCE_TERMINATED = "force_terminated"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: dict[ErrorKind, str] = {
    ErrorKind.WRONG_FUNCTION_NAME: "wrong function name",
    ErrorKind.MISSING_REQUIRED_PARAMETER: "missing required parameter",
    ErrorKind.UNEXPECTED_PARAMETER: "unexpected parameter",
    ErrorKind.WRONG_TYPE: "wrong type",
    ErrorKind.WRONG_STRING_VALUE: "wrong value: string",
    # BFCL's value_error:others covers every scalar that is not a string: numbers, mostly.
    ErrorKind.WRONG_NUMBER_VALUE: "wrong value: number/other",
    ErrorKind.WRONG_LIST_VALUE: "wrong value: list",
    ErrorKind.WRONG_DICT_VALUE: "wrong value: dict",
    ErrorKind.TOO_FEW_CALLS: "too few calls",
    ErrorKind.TOO_MANY_CALLS: "too many calls",
    ErrorKind.WRONG_CALL_COUNT: "wrong call count",
    ErrorKind.NO_MATCHING_PARALLEL_CALL: "parallel call matches no answer",
    ErrorKind.DECODE_TRUNCATED: "decode failure: truncated",
    ErrorKind.DECODE_MALFORMED: "decode failure: malformed",
    ErrorKind.CALLED_WHEN_SHOULD_ABSTAIN: "called when it should abstain",
    ErrorKind.ABSTAINED_WHEN_SHOULD_CALL: "abstained when it should call",
    ErrorKind.STATE_MISMATCH: "multi-turn state mismatch",
    ErrorKind.RESPONSE_MISMATCH: "multi-turn response mismatch",
    ErrorKind.FORCE_TERMINATED: "force-terminated",
    ErrorKind.OTHER: "other",
}

K = ErrorKind
_BY_ERROR_TYPE: dict[str, ErrorKind] = {
    "simple_function_checker:wrong_func_name": K.WRONG_FUNCTION_NAME,
    "simple_function_checker:missing_required": K.MISSING_REQUIRED_PARAMETER,
    # A parameter the doc calls optional but the possible answer requires: missing all the same.
    "simple_function_checker:missing_optional": K.MISSING_REQUIRED_PARAMETER,
    "simple_function_checker:unexpected_param": K.UNEXPECTED_PARAMETER,
    "simple_function_checker:wrong_count": K.WRONG_CALL_COUNT,
    "multiple_function_checker:wrong_count": K.WRONG_CALL_COUNT,
    "parallel_function_checker_no_order:wrong_count": K.WRONG_CALL_COUNT,
    "parallel_function_checker_no_order:cannot_find_match": K.NO_MATCHING_PARALLEL_CALL,
    "type_error:simple": K.WRONG_TYPE,
    "type_error:nested": K.WRONG_TYPE,
    "type_error:java": K.WRONG_TYPE,
    "type_error:js": K.WRONG_TYPE,
    "value_error:string": K.WRONG_STRING_VALUE,
    "value_error:others": K.WRONG_NUMBER_VALUE,
    "value_error:list/tuple": K.WRONG_LIST_VALUE,
    "value_error:list_dict_count": K.WRONG_LIST_VALUE,
    "list_dict_checker:unclear": K.WRONG_LIST_VALUE,
    "value_error:dict_key": K.WRONG_DICT_VALUE,
    "value_error:dict_value": K.WRONG_DICT_VALUE,
    "dict_checker:unclear": K.WRONG_DICT_VALUE,
    "irrelevance_error:decoder_success": K.CALLED_WHEN_SHOULD_ABSTAIN,
    "relevance_error:decoder_failed": K.ABSTAINED_WHEN_SHOULD_CALL,
    "multi_turn:instance_state_mismatch": K.STATE_MISMATCH,
    "multi_turn:execution_response_mismatch": K.RESPONSE_MISMATCH,
    "multi_turn:empty_turn_model_response": K.ABSTAINED_WHEN_SHOULD_CALL,
    "multi_turn:force_terminated": K.FORCE_TERMINATED,
}
del K

DECODE_SUBKINDS = ("empty", "prose", "truncated", "malformed")
_OPEN, _CLOSE = "([{", ")]}"


def _unbalanced(text: str) -> bool:
    """True when brackets or a string literal are left open (quotes respected, escapes skipped)."""
    depth = 0
    quote: str | None = None
    escaped = False
    for char in text:
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
    return depth > 0 or quote is not None


def decode_subkind(raw: Any, output_tokens: int | None = None, max_tokens: int | None = None) -> str:
    """Why an output failed to decode: ``empty``, ``prose``, ``truncated`` or ``malformed``."""
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    stripped = text.strip().strip("`").strip()
    if not stripped:
        return "empty"
    if "(" not in stripped and "[" not in stripped:
        return "prose"
    if cannot_become_call_list(text):  # no continuation decodes: not cut short, just wrong
        return "malformed"
    hit_limit = output_tokens is not None and max_tokens is not None and output_tokens >= max_tokens
    if hit_limit or _unbalanced(stripped):
        return "truncated"
    return "malformed"


def error_kind(
    error_type: str | None,
    raw: Any = None,
    output_tokens: int | None = None,
    max_tokens: int | None = None,
    calls: tuple[int, int] | None = None,
) -> ErrorKind | None:
    """The readable kind of a failed case (None for a passing case).

    ``calls`` is (given, expected) for a wrong call count: it tells too few from too many.

    >>> error_kind("parallel_function_checker_no_order:wrong_count", calls=(1, 3)).label
    'too few calls'
    >>> error_kind("parallel_function_checker_no_order:wrong_count").label
    'wrong call count'
    """
    if error_type is None:
        return None
    if error_type.startswith("ast_decoder:"):
        sub = decode_subkind(raw, output_tokens, max_tokens)
        if sub in ("empty", "prose"):
            return ErrorKind.ABSTAINED_WHEN_SHOULD_CALL
        return ErrorKind.DECODE_TRUNCATED if sub == "truncated" else ErrorKind.DECODE_MALFORMED
    kind = _BY_ERROR_TYPE.get(error_type, ErrorKind.OTHER)
    if kind is ErrorKind.WRONG_CALL_COUNT and calls is not None and calls[0] != calls[1]:
        return ErrorKind.TOO_FEW_CALLS if calls[0] < calls[1] else ErrorKind.TOO_MANY_CALLS
    return kind

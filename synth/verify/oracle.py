"""What BFCL's rules say about a value, stated independently of the checker under test.

The mutant suite must know the right verdict *before* asking the checker. These few rules are
written from BFCL's documentation, not from ``bfcl_adapter.checking``: if both were derived from
the same code, a shared bug would pass unnoticed.

* strings are equal when equal after removing spaces and ``,./-_*^``, lower-casing and ``'``->``"``;
* numbers are equal by value; a bool is only ever equal to the same bool;
* lists compare item by item; a dict matches a possible-answer dict (values are lists of
  alternatives) key by key, and a key it lacks must be omittable (``""`` among its alternatives).
"""

from __future__ import annotations

import re
from typing import Any

_SEPARATORS = re.compile(r"[ ,./\-_*^]")


def bfcl_string(text: str) -> str:
    return _SEPARATORS.sub("", text).lower().replace("'", '"')


def equivalent(value: Any, option: Any) -> bool:
    """Would BFCL accept ``value`` where ``option`` is one acceptable answer?"""
    if isinstance(value, bool) or isinstance(option, bool):
        return type(value) is type(option) and value == option
    if isinstance(value, str) and isinstance(option, str):
        return bfcl_string(value) == bfcl_string(option)
    if isinstance(value, (int, float)) and isinstance(option, (int, float)):
        return value == option
    if isinstance(value, (list, tuple)) and isinstance(option, (list, tuple)):
        return len(value) == len(option) and all(equivalent(v, o) for v, o in zip(value, option))
    if isinstance(value, dict) and isinstance(option, dict):
        for key, item in value.items():
            alternatives = option.get(key)
            if not isinstance(alternatives, list) or not any(equivalent(item, a) for a in alternatives if a != ""):
                return False
        return all(key in value or (isinstance(alts, list) and "" in alts) for key, alts in option.items())
    return False


def accepted(value: Any, alternatives: list[Any]) -> bool:
    return any(equivalent(value, a) for a in alternatives if not (isinstance(a, str) and a == "" and value != ""))


def call_matches(name: str, arguments: dict[str, Any], answer: dict[str, dict[str, list[Any]]]) -> bool:
    """Does one call satisfy one possible answer ``{name: {param: [alternatives]}}``?"""
    expected_name, params = next(iter(answer.items()))
    if name != expected_name:
        return False
    for param, value in arguments.items():
        if param not in params or not accepted(value, params[param]):
            return False
    return all(param in arguments or "" in alternatives for param, alternatives in params.items())

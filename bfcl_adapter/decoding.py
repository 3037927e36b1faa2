"""Decoding model text into calls.

``official`` mode reproduces BFCL's prompting-mode decoder (``default_decode_ast_prompting``)
quirk for quirk, so that our verdicts equal the leaderboard's:

* backticks, newlines and spaces are stripped from both ends, then ``[`` / ``]`` added where
  missing, so a fenced ```python block keeps its language tag and fails to parse;
* only keyword arguments are kept (positional ones are dropped), ``**x`` becomes the key ``None``;
* a unary operator always negates a constant operand (``+5`` and ``not 5`` both give ``-5``);
* a bare name becomes its identifier string, a call without keywords its source text, a
  subscript its source text, a lambda always fails.

Where the official decoder calls ``eval`` (a binary operation such as ``2**3`` or ``"a"+"b"``),
we compute the same value with a small arithmetic evaluator over literals only: model text is
never executed. Operations on anything else than literals fail to decode (the official decoder
would run them), and results too large to be an argument are refused.

``lenient`` mode accepts more: a call list inside a fenced block or surrounded by prose.
"""

from __future__ import annotations

import ast
import keyword
import operator
import re
from typing import Any, Callable

from .categories import Language
from .types import Call, DecodeError

MODES = ("official", "lenient")


def decode(text: Any, language: Language = Language.PYTHON, mode: str = "official") -> list[Call]:
    """Decode one raw model output into calls; raise :class:`DecodeError` if it is not a call list."""
    if mode not in MODES:
        raise ValueError(f"unknown decode mode {mode!r}; use one of {MODES}")
    if not isinstance(text, str):
        # Prompting-mode results are strings; anything else cannot be stripped, as in BFCL.
        raise DecodeError(f"model result is a {type(text).__name__}, not text")
    if mode == "lenient":
        return _decode_lenient(text, language)
    if language is Language.PYTHON:
        return decode_python(text)
    from . import _java_js  # tree-sitter is loaded only when Java/JavaScript is scored

    if language is Language.JAVA:
        return _java_js.decode_java(text)
    return _java_js.decode_javascript(text)


def bracketed(text: str) -> str:
    """BFCL's pre-processing: strip ``\\`\\n `` from both ends, then wrap in ``[...]`` if needed."""
    text = text.strip("`\n ")
    if not text.startswith("["):
        text = "[" + text
    if not text.endswith("]"):
        text = text + "]"
    return text


def decode_python(text: str) -> list[Call]:
    source = bracketed(text).strip().strip("'")
    try:
        body = ast.parse(source, mode="eval").body
        if isinstance(body, ast.Call):
            return [_resolve_call(body)]
        elements = getattr(body, "elts", None)
        if elements is None:
            raise DecodeError(f"expected a list of calls, got {type(body).__name__}")
        calls = []
        for element in elements:
            if not isinstance(element, ast.Call):
                raise DecodeError(f"list element is a {type(element).__name__}, not a call")
            calls.append(_resolve_call(element))
        return calls
    except DecodeError:
        raise
    except (Exception, RecursionError) as exc:  # SyntaxError, ValueError, MemoryError, ...
        raise DecodeError(f"{type(exc).__name__}: {exc}") from None


def _resolve_call(node: ast.Call) -> Call:
    parts: list[str] = []
    func: ast.expr = node.func
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    arguments: dict[Any, Any] = {}
    for argument in node.keywords:  # not ``keyword``: the module imports the stdlib's keyword
        arguments[argument.arg] = _resolve_value(argument.value)
    return Call(".".join(reversed(parts)), arguments)


def _resolve_value(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant):
        return "..." if node.value is Ellipsis else node.value
    if isinstance(node, ast.UnaryOp):
        if not hasattr(node.operand, "value"):
            raise DecodeError("unary operator on a non-constant")
        try:
            return -node.operand.value  # BFCL negates, whatever the operator is
        except TypeError as exc:
            raise DecodeError(str(exc)) from None
    if isinstance(node, ast.List):
        return [_resolve_value(v) for v in node.elts]
    if isinstance(node, ast.Dict):
        result = {}
        for key, value in zip(node.keys, node.values):
            if key is None:
                raise DecodeError("dict unpacking is not a value")
            resolved_key = _resolve_value(key)
            try:
                result[resolved_key] = _resolve_value(value)
            except TypeError as exc:  # unhashable key
                raise DecodeError(str(exc)) from None
        return result
    if isinstance(node, ast.BinOp):
        return _evaluate_literal_arithmetic(node)
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return ast.unparse(node) if not node.keywords else _resolve_call(node).to_bfcl()
    if isinstance(node, ast.Tuple):
        return tuple(_resolve_value(v) for v in node.elts)
    if isinstance(node, ast.Subscript):
        return ast.unparse(node.value) + "[" + ast.unparse(node.slice) + "]"
    raise DecodeError(f"unsupported value: {type(node).__name__}")


# --- literal arithmetic, in place of BFCL's eval ------------------------------------------------

_MAX_SIZE = 100_000  # elements or characters; an argument this large is not a real answer


def _checked_pow(base: Any, exponent: Any) -> Any:
    if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1:
        if exponent * max(abs(base), 2).bit_length() > 64 * _MAX_SIZE:
            raise DecodeError("power too large to evaluate")
    return operator.pow(base, exponent)


def _checked_mul(left: Any, right: Any) -> Any:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, (str, bytes, list, tuple)) and isinstance(count, int):
            if len(seq) * max(count, 0) > _MAX_SIZE:
                raise DecodeError("repetition too large to evaluate")
    return operator.mul(left, right)


def _checked_lshift(left: Any, right: Any) -> Any:
    if isinstance(right, int) and right > 64 * _MAX_SIZE:
        raise DecodeError("shift too large to evaluate")
    return operator.lshift(left, right)


_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: _checked_mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: _checked_pow,
    ast.LShift: _checked_lshift,
    ast.RShift: operator.rshift,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
    ast.BitAnd: operator.and_,
    ast.MatMult: operator.matmul,
}
_UNARY: dict[type, Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
    ast.Not: operator.not_,
}


def _evaluate_literal_arithmetic(node: ast.expr) -> Any:
    """Python semantics of an expression made of literals and operators; nothing else."""
    try:
        return _literal(node)
    except DecodeError:
        raise
    except (Exception, RecursionError) as exc:  # ZeroDivisionError, TypeError, OverflowError...
        raise DecodeError(f"{type(exc).__name__}: {exc}") from None


def _literal(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.BinOp):
        left, right = _literal(node.left), _literal(node.right)
        if isinstance(node.op, ast.Mod) and isinstance(left, (str, bytes)):
            _check_format_arguments(right)
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_literal(node.operand))
    if isinstance(node, ast.List):
        return [_literal(v) for v in node.elts]
    if isinstance(node, ast.Tuple):
        return tuple(_literal(v) for v in node.elts)
    if isinstance(node, ast.Set):
        return {_literal(v) for v in node.elts}
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise DecodeError("dict unpacking in an expression")
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values)}  # type: ignore[arg-type]
    raise DecodeError(f"expression uses {type(node).__name__}, which would be executed")


def _check_format_arguments(value: Any) -> None:
    # '%s' % x formats literals only, so it runs no code; but '%*d' % (10**9, 1) pads hugely.
    values = value if isinstance(value, tuple) else (value,)
    if any(isinstance(v, int) and abs(v) > _MAX_SIZE for v in values):
        raise DecodeError("format width too large to evaluate")


# --- lenient mode -------------------------------------------------------------------------------

_FENCE = re.compile(r"```[A-Za-z0-9_+-]*\s*\n?(.*?)```", re.DOTALL)
_BRACKETED = re.compile(r"\[.*\]", re.DOTALL)


def _decode_lenient(text: str, language: Language) -> list[Call]:
    """Try the official decoder on the text, then on each fenced block, then on the widest [...]."""
    candidates = [text, *(_FENCE.findall(text))]
    match = _BRACKETED.search(text)
    if match:
        candidates.append(match.group(0))
    first_error: DecodeError | None = None
    for candidate in candidates:
        try:
            return decode(candidate, language, "official")
        except DecodeError as exc:
            first_error = first_error or exc
    assert first_error is not None
    raise first_error


_CLOSER = {"[": "]", "(": ")", "{": "}"}
_CLOSERS = frozenset(_CLOSER.values())


def call_list_closed(text: str) -> bool:
    """True once ``text`` (left-stripped) is ``[`` ... its matching ``]``, quotes respected.

    Generation uses it to stop a row as soon as its prompting-mode call list is complete. A
    mismatched closer means the text is not a call list that can end early: False, and generation
    runs on to EOS or the token limit as it would without this check.

    >>> call_list_closed("[f(a='])'), g(b=[1, 2])]")
    True
    >>> call_list_closed("[f(a=[1, 2]")
    False
    >>> call_list_closed("I cannot help with that.")
    False
    """
    s = text.lstrip()
    if not s.startswith("["):
        return False
    expected: list[str] = []
    quote = ""
    escaped = False
    for ch in s:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in _CLOSER:
            expected.append(_CLOSER[ch])
        elif ch in _CLOSERS:
            if not expected or expected.pop() != ch:
                return False
            if not expected:
                return True
    return False


def contains_call(text: Any, mode: str = "official") -> bool:
    """Relevance detection as BFCL does it: the text decodes (as Python) to a non-empty call list."""
    try:
        calls = decode(text, Language.PYTHON, mode)
    except DecodeError:
        return False
    return len(calls) > 0


# --- early give-up: text that no continuation can turn into a call list ------------------------

_STRING_PREFIXES = frozenset({"r", "u", "b", "br", "rb"})  # f/t-strings end the scan (nested quotes)
_FORMATTED_PREFIXES = frozenset({"f", "fr", "rf", "t", "tr", "rt"})
_EXPRESSION_CONSTANTS = frozenset({"True", "False", "None"})
_NEVER_PYTHON = frozenset("?$;")


def cannot_become_call_list(text: str) -> bool:
    """True when no continuation of ``text`` decodes (``official``, Python) to a call list.

    Generation uses it to end a prompting-mode reply as soon as it is certain to fail decoding
    (prose, mostly): the verdict on the cut text is the verdict on any longer one. It answers
    True only on certain syntax errors inside BFCL's ``[...]`` wrapping: two operands side by
    side (``The weather``, ``I'm``, ``f(x=1) g(y=2)``), a quoted string broken by a newline, or
    a character Python never accepts outside strings (``?``, ``$``, ``;``, ``!`` not before
    ``=``). Anything it does not follow exactly (a word still being written, non-ASCII, f-strings,
    backslashes, numbers with letters) ends the scan with False: a text that could still decode
    is never cut.

    >>> cannot_become_call_list("The function get_weather")
    True
    >>> cannot_become_call_list("I'm")
    True
    >>> cannot_become_call_list("[get_weather(city='Paris'), get_time(zone='CET')]")
    False
    >>> cannot_become_call_list("```python\\n[get_weather(city=")
    False
    >>> cannot_become_call_list("The")  # may still become "The(x=1)"
    False
    """
    s = text.lstrip("`\n ")  # BFCL strips these from both ends before wrapping in [...]
    operand = False  # the last token ends an operand: a name, number, string, ), ] or }
    string = False  # ... and it is a string (strings may follow strings)
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        if ch in " \t\r\n\f":
            i += 1
        elif ch == "#":  # a comment runs to the end of its line
            end = s.find("\n", i)
            if end < 0:
                return False
            i = end + 1
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            j = i + 1
            while j < n and s[j].isascii() and (s[j].isalnum() or s[j] == "_"):
                j += 1
            if j == n or not s[j].isascii():
                return False  # the word may still grow (into a keyword, say), or is not ASCII
            word = s[i:j]
            if s[j] in "'\"" and word.lower() in _FORMATTED_PREFIXES:
                return False
            if s[j] in "'\"" and word.lower() in _STRING_PREFIXES:
                i = j  # the prefix belongs to the string token that starts at the quote
                continue
            if word in _EXPRESSION_CONSTANTS or not keyword.iskeyword(word):
                if operand:
                    return True
                operand, string = True, False
            else:
                operand, string = False, False
            i = j
        elif ch.isdigit():
            j = i + 1
            while j < n and (s[j].isdigit() or s[j] in "_."):
                j += 1
            if j == n or s[j].isalnum() or not s[j].isascii():
                return False  # still growing, or 1e5 / 0x1F / 2j / 1if: not followed
            if operand:
                return True
            operand, string = True, False
            i = j
        elif ch in "'\"":
            if operand and not string:
                return True
            end = _string_end(s, i)
            if end is None:
                return False  # still open: anything may follow
            if end < 0:
                return True  # a one-line string broken by a newline
            operand, string = True, True
            i = end
        elif ch in _NEVER_PYTHON:
            return True
        elif ch == "!":
            if i + 1 == n:
                return False
            if s[i + 1] != "=":
                return True
            operand, string = False, False
            i += 2
        elif ch in ")]}":
            operand, string = True, False
            i += 1
        elif ch in "\\`" or not ch.isascii():
            return False  # continuations, backticks (stripped at the end), non-ASCII: not followed
        else:
            operand, string = False, False
            i += 1
    return False


def _string_end(s: str, start: int) -> int | None:
    """Index after the string starting at ``s[start]``; None if still open; -1 if broken."""
    quote = s[start]
    triple = s.startswith(quote * 3, start)
    if triple:
        end = s.find(quote * 3, start + 3)
        while end >= 0 and _escaped(s, end):
            end = s.find(quote * 3, end + 1)
        return None if end < 0 else end + 3
    i = start + 1
    while i < len(s):
        ch = s[i]
        if ch == "\\":
            i += 2
            continue
        if ch == quote:
            return i + 1
        if ch == "\n":
            return -1
        i += 1
    return None


def _escaped(s: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and s[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1

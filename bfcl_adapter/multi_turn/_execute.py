"""Executing calls on the back-end instances, with BFCL's result strings but without ``eval``.

BFCL (``multi_turn_utils.execute_multi_turn_func_call``) turns each decoded call back into a
Python string (``decode_execute``), prefixes method names with the name of a global instance and
passes the string to ``eval``. Here:

1. Step text is decoded by ``bfcl_adapter``'s decoder into :class:`~bfcl_adapter.types.Call`\\ s.
2. Each call is *rendered* into the string BFCL's ``decode_execute`` would produce
   (:func:`render_prompting_call` for prompting models, ``decoded_output_to_execution_list``;
   :func:`render_fc_call` for function-calling output, ``convert_to_function_call``). The string is
   what BFCL shows the model as the tool message's ``name`` and logs; rendering raises
   :class:`~bfcl_adapter.types.DecodeError` exactly where ``decode_execute`` raises (an empty
   dict argument, an integer too long to print), which BFCL treats as an undecodable step.
3. The string is parsed with :mod:`ast` and run by :class:`Executor`, a small interpreter that
   knows literals and calls of allowed methods, nothing else: a call's function must be a bare
   name among the entry's function-doc names that is a public method of an involved instance;
   arguments are literals (constants, lists, tuples, sets, dicts, signs). Positional arguments
   are accepted (the ground truth uses them); so is a call as an argument value when it names an
   allowed method too (BFCL renders a ``{"f": {...}}`` dict argument as the nested call ``f(...)``
   and runs it, and so do we). Anything else -- other names, builtins, dunders, private methods,
   attribute chains such as ``a.__class__``, subscripts, lambdas, comprehensions, ``**`` -- is
   refused with an ``"Error during execution: ..."`` string and nothing runs.

Result strings are BFCL's: a ``str`` result as is, a ``dict`` as ``json.dumps`` (``str`` if that
fails), anything else ``str``; an exception raised by the call as
``"Error during execution: {exception}"``. Where BFCL's ``eval`` would fail the same strings
appear: ``name 'x' is not defined`` for an unknown function or a non-finite float (``inf``),
the ``SyntaxError`` message for a string that does not parse, and BFCL's pre-``eval`` refusal of
``kill``/``exit``/``quit``/``remove``/``unlink``/``popen``/``Popen``/``run``.

Known, deliberate differences (none can arise from a call a model makes in good faith):
a builtin or a module that BFCL's ``eval`` would reach (``print``, ``__import__``, ``json.dumps``)
is refused instead of run; BFCL's method-name prefixing also rewrites ``name(`` inside string
arguments (the text then holds BFCL's internal instance name), which we leave alone.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import decimal
import json
import operator
import re
import sys
from typing import Any, Callable, Iterable

from ..types import Call, DecodeError

ERROR_PREFIX = "Error during execution: "

# Checked by BFCL on the function name before ``eval``.
_FORBIDDEN_NAMES = frozenset({"kill", "exit", "quit", "remove", "unlink", "popen", "Popen", "run"})

# Names BFCL's ``eval`` would resolve in ``multi_turn_utils``'s namespace (plus the builtins):
# we refuse them rather than claim they are undefined.
_BFCL_GLOBALS = frozenset(
    {
        "copy", "importlib", "inspect", "json", "re", "CLASS_FILE_PATH_MAPPING", "STATELESS_CLASSES",
        "execute_multi_turn_func_call", "is_empty_execute_response", "_process_method_calls",
    }
)  # fmt: skip
_BUILTIN_NAMES = frozenset(dir(builtins))

# BFCL's regular expression for a function name (``_process_method_calls``).
_CALLEE = re.compile(r"\b([a-zA-Z_]\w*)\s*(?=\()")


class _Refused(Exception):
    """The call (or an argument) is outside what we execute; nothing of it has run."""


# --- rendering decoded calls as BFCL's execution strings ------------------------------------------


def render_prompting_call(call: Call) -> str:
    """``decoded_output_to_execution_list`` for one call: ``name(k=<parse_nested_value(v)>, ...)``."""
    try:
        args = ", ".join(f"{key}={_nested_value(value)}" for key, value in call.arguments.items())
    except (IndexError, ValueError, RecursionError) as exc:  # {} argument; int too long to print
        raise DecodeError(f"cannot render the call for execution: {type(exc).__name__}: {exc}") from None
    return f"{call.name}({args})"


def _nested_value(value: Any) -> str:
    # BFCL's parse_nested_value: a dict whose values are all dicts is a nested call (first key),
    # other dicts have their keys written between single quotes, everything else is repr'd.
    if isinstance(value, dict):
        if all(isinstance(v, dict) for v in value.values()):
            name = list(value.keys())[0]  # IndexError on {} -- as in BFCL, a decoding failure
            inner = value[name]
            return f"{name}({', '.join(f'{k}={_nested_value(v)}' for k, v in inner.items())})"
        return "{" + ", ".join(f"'{k}': {_nested_value(v)}" for k, v in value.items()) + "}"
    return repr(value)


def render_fc_call(call: Call) -> str:
    """``convert_to_function_call`` for one call: ``name(k=repr(v),...)`` (no spaces)."""
    try:
        return f"{call.name}({','.join(f'{k}={v!r}' for k, v in call.arguments.items())})"
    except (ValueError, RecursionError) as exc:
        raise DecodeError(f"cannot render the call for execution: {exc}") from None


def fc_calls_from_bfcl(payload: Any) -> list[Call]:
    """Calls from BFCL's function-calling result format: ``[{name: arguments}, ...]``.

    ``arguments`` may be a dict or a JSON-encoded string (as ``convert_to_function_call``
    accepts); a single dict stands for a one-element list.
    """
    items = [payload] if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        raise DecodeError(f"a function-calling step is a list of {{name: arguments}}, not {type(payload).__name__}")
    calls = []
    for item in items:
        if not isinstance(item, dict):
            raise DecodeError(f"a function call is a {{name: arguments}} dict, not {type(item).__name__}")
        for name, arguments in item.items():
            if isinstance(arguments, str):
                try:
                    arguments = json.loads(arguments)
                except (ValueError, RecursionError) as exc:
                    raise DecodeError(f"arguments of {name!r} are not JSON: {exc}") from None
            if not isinstance(arguments, dict):
                raise DecodeError(f"arguments of {name!r} are not an object")
            calls.append(Call(str(name), arguments))
    return calls


# --- result formatting ----------------------------------------------------------------------------


def format_result(result: Any) -> str:
    """BFCL's formatting of a return value."""
    if type(result) is str:
        return result
    if type(result) is dict:
        try:
            return json.dumps(result)
        except Exception:  # not serializable: BFCL falls back to str
            return str(result)
    return str(result)


# --- the executor -----------------------------------------------------------------------------------


class Executor:
    """Runs BFCL execution strings against a set of back-end instances.

    ``instances``: class name -> instance, in ``involved_classes`` order. ``allowed``: the
    function names the entry documents; a name is callable when it is allowed and a public
    method of an instance (when two classes share a name, the later class wins, as in BFCL).
    """

    def __init__(self, instances: dict[str, Any], allowed: Iterable[str]) -> None:
        from ._backends import public_methods

        self.instances = instances
        allowed = frozenset(allowed)
        self._methods: dict[str, Callable[..., Any]] = {}
        self._all_method_names: set[str] = set()  # what BFCL would prefix, allowed or not
        for instance in instances.values():
            for name, method in public_methods(instance).items():
                self._all_method_names.add(name)
                if name in allowed:
                    self._methods[name] = method

    @property
    def method_names(self) -> frozenset[str]:
        return frozenset(self._methods)

    def execute(self, call_strings: Iterable[str]) -> list[str]:
        return [self.execute_one(text) for text in call_strings]

    def execute_one(self, text: str) -> str:
        """The result string of one execution string (never raises for bad input)."""
        head = self._checked_name(text)
        if head in _FORBIDDEN_NAMES:
            return f"{ERROR_PREFIX}Function call {head} is not allowed."
        try:
            tree = ast.parse(text, filename="<string>", mode="eval")
        except SyntaxError as exc:
            return f"{ERROR_PREFIX}{exc}"
        except (ValueError, RecursionError, MemoryError) as exc:
            return f"{ERROR_PREFIX}{exc}"
        with _contained_global_settings():  # the result is printed under the call's settings
            try:
                result = self._value(tree.body)
            except _Refused as exc:
                return f"{ERROR_PREFIX}{exc}"
            except Exception as exc:  # raised by the back-end method (or a NameError we emulate)
                return f"{ERROR_PREFIX}{exc}"
            return format_result(result)

    def _checked_name(self, text: str) -> str:
        # BFCL: prefix method names with "<instance>.", then take what precedes the first "("
        # and, if it has a dot, its second dot-separated part.
        processed = _CALLEE.sub(
            lambda m: f"I.{m.group(1)}" if m.group(1) in self._all_method_names else m.group(1), text
        )
        head = processed.split("(")[0] if "(" in processed else processed
        if "." in head:
            head = head.split(".")[1]
        return head

    # The interpreter: literals, and calls of allowed methods.
    def _value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.List):
            return [self._value(item) for item in node.elts]
        if isinstance(node, ast.Tuple):
            return tuple(self._value(item) for item in node.elts)
        if isinstance(node, ast.Set):
            return {self._value(item) for item in node.elts}
        if isinstance(node, ast.Dict):
            result = {}
            for key, value in zip(node.keys, node.values):
                if key is None:
                    raise _Refused("dict unpacking is not supported")
                result[self._value(key)] = self._value(value)
            return result
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self._value(node.operand)
            if not _is_number(operand):
                raise _Refused("a sign applies to numbers only")
            return -operand if isinstance(node.op, ast.USub) else +operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            # repr() writes complex numbers as (1+2j)
            left, right = self._value(node.left), self._value(node.right)
            if not (_is_number(left) and _is_number(right)):
                raise _Refused("arithmetic applies to number literals only")
            return operator.add(left, right) if isinstance(node.op, ast.Add) else operator.sub(left, right)
        if isinstance(node, ast.Name):
            self._undefined(node.id)
        raise _Refused(f"unsupported expression: {type(node).__name__}")

    def _call(self, node: ast.Call) -> Any:
        function = self._callee(node.func)
        args = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise _Refused("argument unpacking is not supported")
            args.append(self._value(arg))
        kwargs = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                raise _Refused("argument unpacking is not supported")
            kwargs[keyword.arg] = self._value(keyword.value)
        return function(*args, **kwargs)

    def _callee(self, func: ast.expr) -> Callable[..., Any]:
        if isinstance(func, ast.Name):
            name = func.id
            if name in self._methods:
                return self._methods[name]
            if name == "set":  # repr() of an empty set is "set()"
                return _empty_set
            self._undefined(name, calling=True)
        if isinstance(func, ast.Attribute):
            root: ast.expr = func
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name):
                self._undefined(root.id, calling=True, dotted=True)
            raise _Refused("Function call on an expression is not allowed.")
        raise _Refused(f"Function call on a {type(func).__name__} is not allowed.")

    def _undefined(self, name: str, *, calling: bool = False, dotted: bool = False) -> None:
        """Raise what BFCL's ``eval`` raises for a name outside the instances' methods.

        A plain unknown name gives BFCL's ``NameError`` text; a name ``eval`` would resolve to
        something (a builtin, a dunder, a module, an instance, a private method) is refused.
        """
        reachable = (
            name in _BUILTIN_NAMES
            or name in _BFCL_GLOBALS
            or name.startswith("_")
            or name.endswith("_instance")
        )
        if reachable:
            what = "Function call" if calling else "Name"
            raise _Refused(f"{what} {name}{'...' if dotted else ''} is not allowed.")
        raise NameError(f"name '{name}' is not defined")


def _empty_set(*args: Any, **kwargs: Any) -> set:
    if args or kwargs:
        raise _Refused("Function call set is not allowed with arguments.")
    return set()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, complex))


@contextlib.contextmanager
def _contained_global_settings():
    """Keep MathAPI's process-wide precision settings (``decimal``, ``mpmath``) from leaking.

    The methods set the precision they need before computing, so results are unchanged; this
    only restores the caller's settings afterwards.
    """
    mpmath = sys.modules.get("mpmath")
    dps = mpmath.mp.dps if mpmath is not None else None
    try:
        with decimal.localcontext():
            yield
    finally:
        if mpmath is not None and dps is not None:
            mpmath.mp.dps = dps

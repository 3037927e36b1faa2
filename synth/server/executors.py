"""Executable tool implementations: the registry, session state, and the stateless domains.

``EXECUTORS`` maps a ToolSpec's ``executor`` key (``"math.add"``, ``"bank.transfer"``) to a
function ``(State, arguments) -> result``. Stateless keys (math, units, dates, strings) compute
the real answer; the stateful simulators (calendar, cart, files, bank; :mod:`.simulators`) read
and change a :class:`State`, so a multi-turn role play sees its own earlier actions. Results
follow the catalog tools' ``returns`` schemas (``tests/test_mcp_server.py`` checks that). A
problem the *caller* caused (division by zero, unknown account) raises :class:`ToolError` and
reaches the client as an MCP tool error.

Argument names follow the catalog; :func:`arg` accepts a few other spellings so that imported
tools (OpenAPI, Python modules) that reuse an executor key still work.
"""

from __future__ import annotations

import base64
import binascii
import calendar as calendar_module
import codecs
import copy
import difflib
import hashlib
import math
import random
import re
import statistics
import textwrap
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from typing import Any, Callable

from .values import anchor_date, stable_seed

Executor = Callable[["State", dict[str, Any]], Any]


class ToolError(Exception):
    """The call was understood but cannot be carried out; the message is shown to the model."""


_MISSING: Any = object()


def arg(args: dict[str, Any], *names: str, default: Any = _MISSING) -> Any:
    """The first argument present under any of ``names``; ToolError if none and no default."""
    for name in names:
        if name in args and args[name] is not None:
            return args[name]
    if default is _MISSING:
        raise ToolError(f"missing argument: {names[0]}")
    return default


def tidy(value: float, places: int = 10) -> int | float:
    """Round away float noise (0.30000000000000004 -> 0.3); keep integers integral."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ToolError("the result is not a finite number")
        value = round(value, places)
    return value


# --- state ----------------------------------------------------------------------------------------


@dataclass
class State:
    """Everything the stateful simulators remember for one session (one role play).

    Each domain is created on first use from the session seed, so two sessions with the same
    seed start identical; :meth:`load` replaces domains with a snapshot (JSON-compatible: it
    may travel in MCP request metadata).
    """

    seed: int = 0
    domains: dict[str, dict[str, Any]] = field(default_factory=dict)
    counter: int = 0

    pending: dict[str, Any] = field(default_factory=dict)  # loaded but not yet used (copied on first use)

    def domain(self, name: str) -> dict[str, Any]:
        if name not in self.domains:
            if name in self.pending:
                self.domains[name] = copy.deepcopy(self.pending.pop(name))
            else:
                from .simulators import INITIAL

                self.domains[name] = INITIAL[name](random.Random(stable_seed(self.seed, name)))
        return self.domains[name]

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter:04d}"

    def load(self, snapshot: dict[str, Any]) -> None:
        """Start from ``snapshot`` (``{"bank": {...}}``); each domain is copied when first used."""
        from .simulators import INITIAL

        for name, value in snapshot.items():
            if name in INITIAL and isinstance(value, dict):
                self.domains.pop(name, None)
                self.pending[name] = value

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy({**self.pending, **self.domains})

    def known_values(self, domains: tuple[str, ...] = ("bank", "files", "calendar", "cart")) -> dict[str, list[Any]]:
        """Identifiers the state holds, by the argument names that refer to them (see
        :func:`synth.server.simulators.known_values`)."""
        from .simulators import known_values

        return known_values(self, domains)


# --- math -----------------------------------------------------------------------------------------


def _number(args: dict[str, Any], *names: str) -> float:
    value = arg(args, *names)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ToolError(f"{names[0]} must be a number")
    return value


def _divide(state: State, args: dict[str, Any]) -> Any:
    divisor = _number(args, "divisor", "b")
    if divisor == 0:
        raise ToolError("division by zero")
    return {"result": tidy(_number(args, "dividend", "a") / divisor, int(arg(args, "decimals", default=6)))}


def _power(state: State, args: dict[str, Any]) -> Any:
    base, exponent = _number(args, "base", "a"), _number(args, "exponent", "b")
    try:
        result = base**exponent
    except (OverflowError, ZeroDivisionError):
        raise ToolError("the result is out of range") from None
    if isinstance(result, complex):
        raise ToolError("the result is not a real number")
    if isinstance(result, int) and abs(result) > 10**15:
        result = float(result)
    return {"result": tidy(result)}


def _root(state: State, args: dict[str, Any]) -> Any:
    value, degree = _number(args, "value", "x"), int(arg(args, "degree", "n", default=2))
    if degree == 0:
        raise ToolError("degree must not be zero")
    if value < 0 and degree % 2 == 0:
        raise ToolError("an even root of a negative number is not real")
    root = math.copysign(abs(value) ** (1 / degree), value)
    return {"result": tidy(round(root) if abs(round(root) ** degree - value) < 1e-9 else root)}


def _mod(state: State, args: dict[str, Any]) -> Any:
    dividend, divisor = int(_number(args, "dividend", "a")), int(_number(args, "divisor", "b"))
    if divisor == 0:
        raise ToolError("division by zero")
    return {"quotient": dividend // divisor, "remainder": dividend % divisor}


def _round(state: State, args: dict[str, Any]) -> Any:
    from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

    places = int(arg(args, "places", "decimals", default=0))
    mode = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "floor": ROUND_FLOOR,
            "ceiling": ROUND_CEILING, "truncate": ROUND_DOWN}[arg(args, "rule", default="half_up")]  # fmt: skip
    result = Decimal(str(_number(args, "value"))).quantize(Decimal(1).scaleb(-places), rounding=mode)
    return {"result": tidy(float(result))}


def _values(args: dict[str, Any]) -> list[float]:
    values = arg(args, "values", "numbers")
    if not isinstance(values, list) or not values:
        raise ToolError("values must be a non-empty list of numbers")
    return values


_MEASURES: dict[str, Callable[[list[float]], float]] = {
    "mean": statistics.fmean, "median": statistics.median, "min": min, "max": max,
    "range": lambda v: max(v) - min(v), "stdev": lambda v: statistics.stdev(v) if len(v) > 1 else 0.0,
    "variance": lambda v: statistics.variance(v) if len(v) > 1 else 0.0, "total": math.fsum,
    "count": len, "mode": lambda v: statistics.multimode(v)[0],
}  # fmt: skip


def _stats(state: State, args: dict[str, Any]) -> Any:
    values = _values(args)
    measures = arg(args, "measures", default=["mean", "median", "min", "max", "stdev"])
    return {m: tidy(float(_MEASURES[m](values)), 6) for m in measures if m in _MEASURES}


def _percentile(state: State, args: dict[str, Any]) -> Any:
    values, p = sorted(_values(args)), _number(args, "percentile")
    if not 0 <= p <= 100:
        raise ToolError("percentile must be between 0 and 100")
    position = (len(values) - 1) * p / 100
    low, high = math.floor(position), math.ceil(position)
    return {"result": tidy(values[low] + (values[high] - values[low]) * (position - low), 6)}


def _integers(args: dict[str, Any]) -> list[int]:
    numbers = arg(args, "numbers", "values")
    if not isinstance(numbers, list) or len(numbers) < 2:
        raise ToolError("at least two integers are needed")
    return [int(n) for n in numbers]


def _is_prime(state: State, args: dict[str, Any]) -> Any:
    n = int(_number(args, "n"))
    divisor = next((k for k in range(2, math.isqrt(abs(n)) + 1) if n % k == 0), None) if n > 1 else None
    out: dict[str, Any] = {"n": n, "is_prime": n > 1 and divisor is None}
    if divisor is not None:
        out["smallest_divisor"] = divisor
    return out


def _factorize(state: State, args: dict[str, Any]) -> Any:
    n = int(_number(args, "n"))
    if n < 2 or n > 10**12:
        raise ToolError("n must be between 2 and 10^12")
    factors, k = [], 2
    while k * k <= n:
        exponent = 0
        while n % k == 0:
            n //= k
            exponent += 1
        if exponent:
            factors.append({"prime": k, "exponent": exponent})
        k += 1
    if n > 1:
        factors.append({"prime": n, "exponent": 1})
    return {"factors": factors}


def _percent(state: State, args: dict[str, Any]) -> Any:
    whole = _number(args, "whole")
    if whole == 0:
        raise ToolError("whole must not be zero")
    return {"result": round(_number(args, "part") * 100 / whole, int(arg(args, "decimals", default=2)))}


def _percent_change(state: State, args: dict[str, Any]) -> Any:
    old = _number(args, "old_value")
    if old == 0:
        raise ToolError("old_value must not be zero")
    return {"result": tidy((_number(args, "new_value") - old) * 100 / abs(old), 6)}


_EXPRESSION = re.compile(r"^[\d\s.+\-*/%()a-zA-Z_,^]*$")


def _eval(state: State, args: dict[str, Any]) -> Any:
    """Arithmetic over numbers and the given variables only: parsed, never ``eval``-ed."""
    import ast
    import operator

    text = str(arg(args, "expression")).replace("^", "**")
    variables = arg(args, "variables", default={}) or {}
    ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.Mod: operator.mod, ast.Pow: operator.pow, ast.USub: operator.neg, ast.UAdd: operator.pos}  # fmt: skip
    functions = {"sqrt": math.sqrt, "abs": abs, "round": round, "min": min, "max": max, "log": math.log}

    def value(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.Name) and node.id in variables:
            return variables[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            left, right = value(node.left), value(node.right)
            if isinstance(node.op, ast.Pow) and abs(right) > 100:
                raise ToolError("exponent too large")
            return ops[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp) and type(node.op) in ops:
            return ops[type(node.op)](value(node.operand))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
            return functions[node.func.id](*(value(a) for a in node.args))
        raise ToolError(f"unsupported expression: {ast.unparse(node)!r}")

    if not _EXPRESSION.match(text) or len(text) > 200:
        raise ToolError("the expression may only use numbers, variables and + - * / % ^ ( )")
    try:
        result = value(ast.parse(text, mode="eval").body)
    except ZeroDivisionError:
        raise ToolError("division by zero") from None
    except (SyntaxError, ValueError, OverflowError, TypeError) as exc:
        raise ToolError(f"cannot evaluate the expression: {exc}") from None
    return {"result": tidy(float(result))}


def _solve_linear(state: State, args: dict[str, Any]) -> Any:
    matrix = [[Fraction(str(x)) for x in row] for row in arg(args, "coefficients")]
    constants = [Fraction(str(x)) for x in arg(args, "constants")]
    n = len(matrix)
    if n == 0 or any(len(row) != n for row in matrix) or len(constants) != n:
        raise ToolError("coefficients must be a square matrix matching the constants")
    rows = [row + [c] for row, c in zip(matrix, constants)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            return {"solution": [], "unique": False}
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col])]
    return {"solution": [tidy(float(rows[i][n] / rows[i][i]), 9) for i in range(n)], "unique": True}


def _matmul(state: State, args: dict[str, Any]) -> Any:
    left, right = arg(args, "left"), arg(args, "right")
    if not left or not right or any(len(row) != len(right) for row in left) or len({len(r) for r in right}) != 1:
        raise ToolError("the matrices have incompatible shapes")
    return {"result": [[tidy(math.fsum(a * b for a, b in zip(row, col))) for col in zip(*right)] for row in left]}


def _norm(state: State, args: dict[str, Any]) -> Any:
    vector = arg(args, "vector")
    kind = arg(args, "norm", default="l2")
    result = {"l1": lambda: math.fsum(abs(x) for x in vector), "max": lambda: max(abs(x) for x in vector),
              "l2": lambda: math.sqrt(math.fsum(x * x for x in vector))}[kind]()  # fmt: skip
    return {"result": tidy(result)}


def _fibonacci(state: State, args: dict[str, Any]) -> Any:
    count, start = int(arg(args, "count", "n")), int(arg(args, "start_index", default=0))
    if count < 0 or count + start > 300:
        raise ToolError("count + start_index must be at most 300")
    a, b, terms = 0, 1, []
    for index in range(start + count):
        if index >= start:
            terms.append(a)
        a, b = b, a + b
    return {"terms": terms}


def _choose(state: State, args: dict[str, Any]) -> Any:
    n, k = int(_number(args, "n")), int(_number(args, "k"))
    if n < 0 or k < 0:
        raise ToolError("n and k must not be negative")
    return {"result": math.comb(n, k)}


def _roman(value: int) -> str:
    if not 0 < value < 4000:
        raise ToolError("roman numerals need a value between 1 and 3999")
    out = []
    for number, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                            (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        count, value = divmod(value, number)
        out.append(letters * count)
    return "".join(out)


def _numeral(state: State, args: dict[str, Any]) -> Any:
    value, system = int(_number(args, "value")), arg(args, "system")
    render = {"roman": _roman, "binary": lambda v: format(v, "b"), "octal": lambda v: format(v, "o"),
              "hex": lambda v: format(v, "x")}[system]  # fmt: skip
    return {"text": render(value)}


def _compound(state: State, args: dict[str, Any]) -> Any:
    principal, rate = _number(args, "principal"), _number(args, "rate_pct", "rate") / 100
    years, periods = _number(args, "years"), int(arg(args, "periods_per_year", default=12))
    if periods <= 0:
        raise ToolError("periods_per_year must be positive")
    final = principal * (1 + rate / periods) ** (periods * years)
    return {"future_value": round(final, 2), "interest_earned": round(final - principal, 2)}


MATH: dict[str, Executor] = {
    "add": lambda s, a: {"result": tidy(_number(a, "a") + _number(a, "b"))},
    "subtract": lambda s, a: {"result": tidy(_number(a, "a") - _number(a, "b"))},
    "multiply": lambda s, a: {"result": tidy(_number(a, "a") * _number(a, "b"))},
    "divide": _divide, "power": _power, "root": _root, "mod": _mod, "round": _round, "stats": _stats,
    "percentile": _percentile,
    "gcd": lambda s, a: {"result": math.gcd(*_integers(a))},
    "lcm": lambda s, a: {"result": math.lcm(*_integers(a))},
    "is_prime": _is_prime, "factorize": _factorize, "percent": _percent, "percent_change": _percent_change,
    "eval": _eval, "solve_linear": _solve_linear, "matmul": _matmul, "norm": _norm, "fibonacci": _fibonacci,
    "choose": _choose, "to_numeral": _numeral, "compound_interest": _compound,
}  # fmt: skip


# --- units ----------------------------------------------------------------------------------------

# Factor to one base unit per quantity (the catalog's unit spellings, plus common aliases).
_FACTORS: dict[str, dict[str, float]] = {
    "length": {"mm": 0.001, "cm": 0.01, "m": 1, "km": 1000, "in": 0.0254, "ft": 0.3048, "yd": 0.9144,
               "mi": 1609.344, "nmi": 1852},
    "mass": {"mg": 1e-6, "g": 0.001, "kg": 1, "t": 1000, "oz": 0.028349523125, "lb": 0.45359237, "st": 6.35029318},
    "volume": {"ml": 0.001, "cl": 0.01, "l": 1, "m3": 1000, "tsp": 0.00492892159375, "tbsp": 0.01478676478125,
               "cup": 0.2365882365, "fl_oz": 0.0295735295625, "pint": 0.473176473, "quart": 0.946352946,
               "gallon": 3.785411784},
    "speed": {"m_s": 1, "km_h": 1 / 3.6, "mph": 0.44704, "knot": 1852 / 3600, "ft_s": 0.3048},
    "area": {"mm2": 1e-6, "cm2": 1e-4, "m2": 1, "km2": 1e6, "hectare": 1e4, "acre": 4046.8564224,
             "ft2": 0.09290304, "in2": 0.00064516, "mi2": 2589988.110336},
    "data_size": {"bit": 0.125, "byte": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "KiB": 1024,
                  "MiB": 1024**2, "GiB": 1024**3, "TiB": 1024**4},
    "duration": {"ms": 0.001, "s": 1, "min": 60, "h": 3600, "day": 86400, "week": 604800, "year": 31557600},
    "pressure": {"Pa": 1, "kPa": 1e3, "MPa": 1e6, "bar": 1e5, "psi": 6894.757293168, "atm": 101325,
                 "mmHg": 133.322387415},
    "energy": {"J": 1, "kJ": 1e3, "cal": 4.184, "kcal": 4184, "Wh": 3600, "kWh": 3.6e6, "BTU": 1055.05585262,
               "eV": 1.602176634e-19},
    "angle": {"degree": 1, "radian": 180 / math.pi, "gradian": 0.9, "turn": 360, "arcminute": 1 / 60,
              "arcsecond": 1 / 3600},
    "power": {"W": 1, "kW": 1e3, "MW": 1e6, "hp": 745.69987158227, "BTU_h": 0.29307107017},
}  # fmt: skip
_TEMPERATURES = ("celsius", "fahrenheit", "kelvin", "rankine")
_FUEL = ("mpg_us", "mpg_uk", "l_per_100km", "km_per_l")
UNIT_LISTS: dict[str, list[str]] = {**{q: list(t) for q, t in _FACTORS.items()}, "temperature": list(_TEMPERATURES),
                                    "fuel_economy": list(_FUEL)}  # fmt: skip


def _to_celsius(value: float, unit: str) -> float:
    return {"celsius": value, "fahrenheit": (value - 32) * 5 / 9, "kelvin": value - 273.15,
            "rankine": (value - 491.67) * 5 / 9}[unit]  # fmt: skip


def _from_celsius(value: float, unit: str) -> float:
    return {"celsius": value, "fahrenheit": value * 9 / 5 + 32, "kelvin": value + 273.15,
            "rankine": (value + 273.15) * 9 / 5}[unit]  # fmt: skip


def _km_per_l(value: float, unit: str) -> float:
    if value <= 0:
        raise ToolError("fuel economy must be positive")
    return {"km_per_l": value, "l_per_100km": 100 / value, "mpg_us": value * 1.609344 / 3.785411784,
            "mpg_uk": value * 1.609344 / 4.54609}[unit]  # fmt: skip


def convert_units(value: float, source: str, target: str) -> float:
    if source in _TEMPERATURES and target in _TEMPERATURES:
        return _from_celsius(_to_celsius(value, source), target)
    if source in _FUEL and target in _FUEL:
        km_per_l = _km_per_l(value, source)
        return _km_per_l(km_per_l, target) if target != "km_per_l" else km_per_l
    for table in _FACTORS.values():
        if source in table and target in table:
            return value * table[source] / table[target]
    raise ToolError(f"cannot convert {source!r} to {target!r}")


def _convert(state: State, args: dict[str, Any]) -> Any:
    value = _number(args, "value", "amount")
    target = arg(args, "to_unit", "to")
    result = convert_units(value, arg(args, "from_unit", "from"), target)
    return {"value": tidy(round(result, int(arg(args, "decimals", default=4)))), "unit": target}


def _scale_recipe(state: State, args: dict[str, Any]) -> Any:
    source, target = _number(args, "from_servings"), _number(args, "to_servings")
    if source <= 0 or target <= 0:
        raise ToolError("servings must be positive")
    return {"ingredients": [{"name": i["name"], "amount": tidy(round(i["amount"] * target / source, 3)),
                             "unit": i.get("unit", "")} for i in arg(args, "ingredients")]}  # fmt: skip


def _shoe_size(state: State, args: dict[str, Any]) -> Any:
    """Linear sizing-chart approximations around the EU scale (adult sizes)."""
    size, system = _number(args, "size"), arg(args, "system")
    offsets = {"eu": 0.0, "uk": 33.5, "us_men": 32.5, "us_women": 31.0}
    eu = size * 1.5 + 2 if system == "cm" else size + offsets[system]
    half = lambda x: round(x * 2) / 2  # noqa: E731 - charts move in half sizes
    return {"eu": half(eu), "uk": half(eu - 33.5), "us_men": half(eu - 32.5), "us_women": half(eu - 31.0),
            "cm": round((eu - 2) / 1.5, 1)}  # fmt: skip


UNITS: dict[str, Executor] = {f"convert_{q}": _convert for q in ("length", "mass", "temperature", "volume", "speed",
                                                                  "area", "data_size", "duration", "pressure",
                                                                  "energy", "angle", "fuel_economy", "power")}  # fmt: skip
UNITS.update({
    "convert": _convert,
    "list_units": lambda s, a: {"quantity": arg(a, "quantity"), "units": UNIT_LISTS.get(arg(a, "quantity"), [])},
    "scale_recipe": _scale_recipe, "shoe_size": _shoe_size,
})  # fmt: skip


# --- dates ----------------------------------------------------------------------------------------


def day_of(value: Any) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ToolError(f"not a date (YYYY-MM-DD): {value!r}") from None


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "it": ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
    "pt": ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"),
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
}


def _days_between(state: State, args: dict[str, Any]) -> Any:
    start, end = day_of(arg(args, "start_date")), day_of(arg(args, "end_date"))
    days = (end - start).days
    if arg(args, "inclusive", default=False):
        days += 1 if days >= 0 else -1
    return {"days": days}


def _shift(state: State, args: dict[str, Any]) -> Any:
    start, amount, unit = day_of(arg(args, "date")), int(_number(args, "amount")), arg(args, "unit", default="days")
    if unit in ("days", "weeks"):
        result = start + timedelta(days=amount * (7 if unit == "weeks" else 1))
    else:
        months = amount * (12 if unit == "years" else 1)
        year, month = divmod(start.month - 1 + months, 12)
        year += start.year
        if not 1 <= year <= 9999:
            raise ToolError("the result is out of range")
        result = date(year, month + 1, min(start.day, calendar_module.monthrange(year, month + 1)[1]))
    return {"date": result.isoformat()}


def _weekday(state: State, args: dict[str, Any]) -> Any:
    day = day_of(arg(args, "date"))
    return {"weekday": _WEEKDAY_NAMES[arg(args, "locale", default="en")][day.weekday()], "iso_number": day.isoweekday()}


def _business_days(state: State, args: dict[str, Any]) -> Any:
    start, end = day_of(arg(args, "start_date")), day_of(arg(args, "end_date"))
    if end < start:
        start, end = end, start
    if (end - start).days > 366 * 20:
        raise ToolError("the range is longer than 20 years")
    holidays = {day_of(h) for h in arg(args, "holidays", default=[])}
    weekend = {_WEEKDAYS.index(d) for w in arg(args, "weekend", default=["sat", "sun"]) for d in _WEEKDAYS if d.startswith(w)}
    count = sum(1 for k in range((end - start).days + 1)
                if (d := start + timedelta(days=k)).weekday() not in weekend and d not in holidays)  # fmt: skip
    return {"working_days": count}


_ZONES = {"UTC": 0, "Europe/Lisbon": 60, "Europe/London": 60, "Europe/Berlin": 120, "Europe/Paris": 120,
          "America/New_York": -240, "America/Denver": -360, "America/Los_Angeles": -420, "America/Bogota": -300,
          "Asia/Tokyo": 540, "Asia/Kolkata": 330, "Africa/Nairobi": 180, "Australia/Adelaide": 570,
          "Australia/Sydney": 600, "Asia/Singapore": 480, "America/Toronto": -240}  # fmt: skip (fixed offsets: simulation data)


def _offset(zone: str) -> int:
    if zone not in _ZONES:
        raise ToolError(f"unknown time zone {zone!r}")
    return _ZONES[zone]


def _offset_text(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _convert_tz(state: State, args: dict[str, Any]) -> Any:
    try:
        moment = datetime.fromisoformat(str(arg(args, "local_time")))
    except ValueError:
        raise ToolError("local_time must look like YYYY-MM-DDTHH:MM") from None
    target = _offset(arg(args, "to_zone"))
    shifted = moment + timedelta(minutes=target - _offset(arg(args, "from_zone")))
    return {"local_time": shifted.isoformat(timespec="minutes"), "utc_offset": _offset_text(target)}


def _format(state: State, args: dict[str, Any]) -> Any:
    day, style = day_of(arg(args, "date")), arg(args, "style", default="long")
    suffix = "th" if 11 <= day.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    text = {"iso": day.isoformat(), "us": day.strftime("%m/%d/%Y"), "eu": day.strftime("%d/%m/%Y"),
            "long": f"{day.strftime('%B')} {day.day}, {day.year}", "short": day.strftime("%b %d, %Y"),
            "ordinal": f"{day.day}{suffix} of {day.strftime('%B')} {day.year}"}[style]  # fmt: skip
    return {"text": text}


def _age(state: State, args: dict[str, Any]) -> Any:
    born = day_of(arg(args, "birth_date"))
    on = day_of(arg(args, "on_date", default=anchor_date().isoformat()))
    if born > on:
        raise ToolError("birth_date is after on_date")
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    anchor_year, anchor_month = divmod(born.month - 1 + months, 12)
    last = date(born.year + anchor_year, anchor_month + 1,
                min(born.day, calendar_module.monthrange(born.year + anchor_year, anchor_month + 1)[1]))  # fmt: skip
    return {"years": months // 12, "months": months % 12, "days": (on - last).days}


def _month_grid(state: State, args: dict[str, Any]) -> Any:
    year, month = int(_number(args, "year")), int(_number(args, "month"))
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        raise ToolError("month must be 1-12 and year 1-9999")
    return {"weeks": calendar_module.Calendar(firstweekday=0).monthdayscalendar(year, month)}


def _from_unix(state: State, args: dict[str, Any]) -> Any:
    offset = _offset(arg(args, "zone", default="UTC"))
    moment = datetime.fromtimestamp(int(_number(args, "timestamp")), tz=timezone(timedelta(minutes=offset)))
    return {"datetime": moment.isoformat()}


def _to_unix(state: State, args: dict[str, Any]) -> Any:
    try:
        moment = datetime.fromisoformat(str(arg(args, "datetime")))
    except ValueError:
        raise ToolError("datetime must be ISO 8601") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return {"timestamp": int(moment.timestamp())}


def _clock(text: Any) -> int:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", str(text).strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ToolError(f"not a time of day (HH:MM): {text!r}")
    return int(match.group(1)) * 60 + int(match.group(2))


def _duration(state: State, args: dict[str, Any]) -> Any:
    total = (_clock(arg(args, "end")) - _clock(arg(args, "start"))) % (24 * 60)  # past midnight wraps
    return {"hours": total // 60, "minutes": total % 60, "total_minutes": total}


def _nth_weekday(state: State, args: dict[str, Any]) -> Any:
    year, month, n = int(_number(args, "year")), int(_number(args, "month")), int(_number(args, "n"))
    weekday = _WEEKDAYS.index(arg(args, "weekday"))
    days = [d for d in calendar_module.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
    if n == 0 or abs(n) > len(days):
        raise ToolError(f"{arg(args, 'weekday')} number {n} does not exist in {year}-{month:02d}")
    return {"date": (days[n - 1] if n > 0 else days[n]).isoformat()}


DATES: dict[str, Executor] = {
    "days_between": _days_between, "add": _shift, "weekday": _weekday, "business_days": _business_days,
    "convert_timezone": _convert_tz, "format": _format,
    "iso_week": lambda s, a: dict(zip(("iso_year", "week"), day_of(arg(a, "date")).isocalendar()[:2])),
    "is_leap_year": lambda s, a: {"year": int(arg(a, "year")), "leap": calendar_module.isleap(int(arg(a, "year")))},
    "age": _age, "month_calendar": _month_grid, "from_unix": _from_unix, "to_unix": _to_unix,
    "duration": _duration, "nth_weekday": _nth_weekday,
}  # fmt: skip


# --- strings --------------------------------------------------------------------------------------


def _text(args: dict[str, Any], *names: str) -> str:
    value = arg(args, *(names or ("text",)))
    if not isinstance(value, str):
        raise ToolError(f"{(names or ('text',))[0]} must be text")
    return value


def _case(text: str, style: str) -> str:
    if style in ("upper", "lower", "title"):
        return getattr(text, style)()
    if style == "sentence":
        return text[:1].upper() + text[1:].lower()
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text))]
    if style == "snake":
        return "_".join(words)
    if style == "kebab":
        return "-".join(words)
    return words[0] + "".join(w.title() for w in words[1:]) if words else ""


def _tally(state: State, args: dict[str, Any]) -> Any:
    text = _text(args)
    characters = len(text) if arg(args, "count_spaces", default=True) else len(re.sub(r"\s", "", text))
    return {"characters": characters, "words": len(text.split()),
            "sentences": len([s for s in re.split(r"[.!?]+", text) if s.strip()]), "lines": len(text.splitlines()) or 0}  # fmt: skip


def _substitute(state: State, args: dict[str, Any]) -> Any:
    text, find, new = _text(args), _text(args, "find"), _text(args, "replacement")
    if not find:
        raise ToolError("find must not be empty")
    limit = int(arg(args, "max_count", default=0))
    flags = 0 if arg(args, "case_sensitive", default=True) else re.IGNORECASE
    result, count = re.subn(re.escape(find), new.replace("\\", "\\\\"), text, count=max(limit, 0), flags=flags)
    return {"text": result, "replacements": count}


def _slug(state: State, args: dict[str, Any]) -> Any:
    separator = arg(args, "separator", default="-")
    slug = re.sub(r"[^a-z0-9]+", separator, _text(args).lower()).strip(separator)
    limit = arg(args, "max_length", default=None)
    return {"slug": slug[: int(limit)].rstrip(separator) if limit else slug}


def _palindrome(state: State, args: dict[str, Any]) -> Any:
    text = _text(args).lower()
    if arg(args, "ignore_non_letters", default=True):
        text = re.sub(r"[^a-z0-9]", "", text)
    return {"palindrome": text == text[::-1]}


def _levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def _similarity(state: State, args: dict[str, Any]) -> Any:
    first, second = _text(args, "first"), _text(args, "second")
    method = arg(args, "method", default="levenshtein")
    if method == "levenshtein":
        distance = _levenshtein(first, second)
        return {"score": round(1 - distance / max(len(first), len(second), 1), 4), "distance": distance}
    if method == "jaccard_words":
        a, b = set(first.lower().split()), set(second.lower().split())
        return {"score": round(len(a & b) / len(a | b), 4) if a | b else 1.0}
    return {"score": round(difflib.SequenceMatcher(None, first, second).ratio(), 4)}  # close to Jaro-Winkler


def _encode(state: State, args: dict[str, Any]) -> Any:
    text, scheme = _text(args), arg(args, "scheme")
    encoded = {"base64": lambda: base64.b64encode(text.encode()).decode(), "url": lambda: urllib.parse.quote(text),
               "hex": lambda: text.encode().hex(), "rot13": lambda: codecs.encode(text, "rot13")}[scheme]()  # fmt: skip
    return {"encoded": encoded}


def _decode(state: State, args: dict[str, Any]) -> Any:
    data, scheme = _text(args, "data"), arg(args, "scheme")
    try:
        text = {"base64": lambda: base64.b64decode(data, validate=True).decode(), "url": lambda: urllib.parse.unquote(data),
                "hex": lambda: bytes.fromhex(data).decode(), "rot13": lambda: codecs.decode(data, "rot13")}[scheme]()  # fmt: skip
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ToolError(f"the data is not valid {scheme}") from None
    return {"text": text}


def _regex(state: State, args: dict[str, Any]) -> Any:
    flags = 0
    for name in arg(args, "flags", default=[]):
        flags |= {"ignorecase": re.IGNORECASE, "multiline": re.MULTILINE, "dotall": re.DOTALL}[name]
    try:
        pattern = re.compile(_text(args, "pattern"), flags)
    except re.error as exc:
        raise ToolError(f"invalid regular expression: {exc}") from None
    limit = int(arg(args, "max_matches", default=100))
    matches = [{"match": m.group(0), "start": m.start(), "groups": [g or "" for g in m.groups()]}
               for _, m in zip(range(limit), pattern.finditer(_text(args)))]  # fmt: skip
    return {"matches": matches}


def _truncate(state: State, args: dict[str, Any]) -> Any:
    text, limit = _text(args), int(_number(args, "max_chars"))
    ellipsis = arg(args, "ellipsis", default="...")
    if len(text) <= limit:
        return {"text": text, "truncated": False}
    return {"text": text[: max(0, limit - len(ellipsis))] + ellipsis, "truncated": True}


def _split(state: State, args: dict[str, Any]) -> Any:
    delimiter = arg(args, "delimiter", default=",")
    if not delimiter:
        raise ToolError("delimiter must not be empty")
    fields = _text(args).split(delimiter)
    if arg(args, "trim", default=True):
        fields = [f.strip() for f in fields]
    if arg(args, "drop_empty", default=False):
        fields = [f for f in fields if f]
    return {"fields": fields}


def _char_freq(state: State, args: dict[str, Any]) -> Any:
    text = _text(args).lower()
    if arg(args, "letters_only", default=True):
        text = "".join(c for c in text if c.isalpha())
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: int(arg(args, "top", default=10))]
    return {"counts": [{"char": c, "count": n} for c, n in ranked]}


def _wrap(state: State, args: dict[str, Any]) -> Any:
    width = int(arg(args, "width", default=72))
    if width < 1:
        raise ToolError("width must be positive")
    lines = textwrap.wrap(_text(args), width=width) or [""]
    return {"text": "\n".join(lines), "lines": len(lines)}


def _anagram(state: State, args: dict[str, Any]) -> Any:
    key = lambda s: sorted(re.sub(r"[^a-z0-9]", "", s.lower()))  # noqa: E731
    return {"anagrams": key(_text(args, "first")) == key(_text(args, "second"))}


STRINGS: dict[str, Executor] = {
    "reverse": lambda s, a: {"text": _text(a)[::-1]},
    "case": lambda s, a: {"text": _case(_text(a), arg(a, "style"))},
    "count": _tally, "replace": _substitute, "slugify": _slug, "palindrome": _palindrome,
    "similarity": _similarity, "encode": _encode, "decode": _decode,
    "hash": lambda s, a: {"hex": hashlib.new(arg(a, "algorithm", default="sha256"), _text(a).encode()).hexdigest()},
    "regex_find": _regex, "truncate": _truncate, "split": _split, "char_freq": _char_freq, "wrap": _wrap,
    "anagram": _anagram,
}  # fmt: skip


def _registry() -> dict[str, Executor]:
    from .simulators import STATEFUL

    table: dict[str, Executor] = {}
    for prefix, ops in (("math", MATH), ("units", UNITS), ("dates", DATES), ("strings", STRINGS)):
        table.update({f"{prefix}.{op}": fn for op, fn in ops.items()})
    table.update(STATEFUL)
    return table


EXECUTORS: dict[str, Executor] = _registry()
STATELESS_PREFIXES = ("math", "units", "dates", "strings")
STATEFUL_PREFIXES = ("calendar", "cart", "files", "bank")

__all__ = ["EXECUTORS", "Executor", "State", "ToolError", "arg", "convert_units", "day_of", "tidy"]

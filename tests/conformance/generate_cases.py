"""Generate the conformance suite's candidate model outputs (``data/cases.jsonl.gz``).

Run from the repository root with the project's virtualenv::

    .venv/bin/python -m tests.conformance.generate_cases            # the committed suite
    .venv/bin/python -m tests.conformance.generate_cases --seed 7 --max-cases 500 --out /tmp/c.jsonl.gz

For every entry of the 13 single-turn BFCL v4 categories it writes raw "model outputs" built
from the entry's possible answers (or, for the relevance categories, from its function docs):
the correct answer in each of its acceptable value choices, then mutations of it -- reordered
calls, dropped/extra/renamed parameters, wrong types, perturbed values, the string changes that
BFCL normalises (and some it does not), prose, fences, truncation, Java/JavaScript literals ...

Everything is deterministic: each entry runs one Hypothesis search (``@seed`` derived from the
global seed and the entry id, no database, generate phase only) whose examples are the
candidates; each example draws one of the mutation kinds that apply to the entry, then every
other detail from small Hypothesis strategies. The BFCL data is read
with plain ``json`` from the installed ``bfcl_eval`` package's ``data`` folder (it is never
imported here: the project's virtualenv installs it without its dependencies).

The verdicts for these cases come from ``official_oracle.py`` (``make oracle`` runs both).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import importlib.util
import json
import multiprocessing
import re
import sys
import time
import zlib
from pathlib import Path
from typing import Any, Callable

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

DEFAULT_SEED = 20260323
EXAMPLES_PER_ENTRY = 12  # Hypothesis examples per entry, on top of the enumerated correct answers
MAX_CHOICE_VARIANTS = 3  # correct answers enumerated per entry (j-th acceptable value of each param)
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data" / "cases.jsonl.gz"


# Strategies are built once and reused: building (and validating) a fresh strategy for every
# draw is what dominates Hypothesis's cost here.
@functools.lru_cache(maxsize=None)
def _ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@functools.lru_cache(maxsize=None)
def _choice(key: tuple) -> st.SearchStrategy[Any]:
    return st.sampled_from([x for _, x in key])


def ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return _ints(lo, hi)


def choice(options: list | tuple) -> st.SearchStrategy[Any]:
    # (type, value) keys: 1 == True and 1 == 1.0 must not share a cache slot.
    return _choice(tuple((type(x).__name__, x) for x in options))


BOOLS = st.booleans()


@functools.lru_cache(maxsize=None)
def permutations(n: int) -> st.SearchStrategy[list[int]]:
    return st.permutations(list(range(n)))

AST_CATEGORIES = (
    "simple_python",
    "simple_java",
    "simple_javascript",
    "multiple",
    "parallel",
    "parallel_multiple",
    "live_simple",
    "live_multiple",
    "live_parallel",
    "live_parallel_multiple",
)
RELEVANCE_CATEGORIES = ("irrelevance", "live_irrelevance", "live_relevance")
CATEGORIES = AST_CATEGORIES + RELEVANCE_CATEGORIES
LANGUAGE = {"simple_java": "java", "simple_javascript": "javascript"}


# --------------------------------------------------------------------------------------------
# BFCL data (plain json, from the installed package)
# --------------------------------------------------------------------------------------------


def bfcl_data_dir() -> Path:
    spec = importlib.util.find_spec("bfcl_eval")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("bfcl_eval is not installed in this interpreter (run `make setup`)")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_category(category: str, data_dir: Path | None = None) -> list[tuple[dict, list | None]]:
    """``(entry, ground_truth)`` pairs in file order; ground_truth is None for (ir)relevance."""
    data_dir = data_dir or bfcl_data_dir()
    entries = _read_jsonl(data_dir / f"BFCL_v4_{category}.json")
    if category in RELEVANCE_CATEGORIES:
        return [(e, None) for e in entries]
    answers = {a["id"]: a["ground_truth"] for a in _read_jsonl(data_dir / "possible_answer" / f"BFCL_v4_{category}.json")}
    return [(e, answers[e["id"]]) for e in entries]


# --------------------------------------------------------------------------------------------
# Plans: [[name, [[key, value], ...]], ...]; key None = positional, "**" = a splat.
# Raw values are written verbatim.
# --------------------------------------------------------------------------------------------


class Raw(str):
    """A value that is rendered as this exact source text."""


def copy_plan(plan: list) -> list:
    return [[name, [list(kv) for kv in args]] for name, args in plan]


def param_types(functions: list[dict], name: str) -> dict[str, tuple[str, str | None]]:
    for f in functions:
        if f.get("name") == name:
            props = (f.get("parameters") or {}).get("properties") or {}
            return {
                p: (d.get("type", "any"), (d.get("items") or {}).get("type"))
                for p, d in props.items()
                if isinstance(d, dict)
            }
    return {}


def find_function(functions: list[dict], name: str) -> dict | None:
    for f in functions:
        if f.get("name") == name:
            return f
    return None


DICT_TYPES = {"dict", "HashMap", "Hashtable", "object"}
LIST_TYPES = {"array", "Array", "ArrayList", "tuple", "list"}


def _pick(choices: list, j: int) -> tuple[bool, Any]:
    """The j-th non-"" choice (clamped); (False, None) when the only choice is ""."""
    non_empty = [c for c in choices if c != ""]
    if not non_empty:
        return False, None
    return True, non_empty[min(j, len(non_empty) - 1)]


def _resolve_nested(value: Any, ptype: str, items: str | None, j: int, omit_optional: bool) -> Any:
    """Possible answers of dict params (and lists of dicts) hold a choice list per key."""
    if ptype in DICT_TYPES and isinstance(value, dict):
        return _resolve_choice_dict(value, j, omit_optional)
    if ptype in LIST_TYPES and items in DICT_TYPES and isinstance(value, list):
        return [_resolve_choice_dict(v, j, omit_optional) if isinstance(v, dict) else v for v in value]
    return value


def _resolve_choice_dict(d: dict, j: int, omit_optional: bool) -> dict:
    out = {}
    for k, choices in d.items():
        if not isinstance(choices, list):
            out[k] = choices
            continue
        if omit_optional and "" in choices:
            continue
        ok, v = _pick(choices, j)
        if ok:
            out[k] = v
    return out


def correct_plan(functions: list[dict], ground_truth: list, j: int = 0, omit_optional: bool = False) -> list:
    plan = []
    for call in ground_truth:
        (name, params), = call.items()
        types = param_types(functions, name)
        args = []
        for p, choices in params.items():
            if omit_optional and "" in choices:
                continue
            ok, v = _pick(choices, j)
            if not ok:
                continue
            ptype, items = types.get(p, ("any", None))
            args.append([p, _resolve_nested(v, ptype, items, j, omit_optional)])
        plan.append([name, args])
    return plan


def max_choices(ground_truth: list) -> int:
    n = 1
    for call in ground_truth:
        for choices in next(iter(call.values())).values():
            n = max(n, len([c for c in choices if c != ""]))
    return n


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

_CTRL = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def quote(s: str, q: str) -> str:
    out = []
    for ch in s:
        if ch in _CTRL:
            out.append(_CTRL[ch])
        elif ch == q:
            out.append("\\" + q)
        elif ord(ch) < 32:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return q + "".join(out) + q


STYLE = st.fixed_dictionaries(
    {
        "q": choice(["'", '"']),
        "sep": choice([", ", ",", " , ", ",  "]),
        "eq": choice(["=", " = ", "= "]),
        "callsep": choice([", ", ",", ",\n", ", \n  "]),
        "brackets": choice([True, True, False]),
        "pad": choice(["", "", "\n", " ", "\n\n", "  \n"]),
        "tail": choice(["", "", "\n", " "]),
        "bare_ident": BOOLS,  # Java/JS: identifier-like strings without quotes
        "jlong": choice(["L", "l"]),
        "jfloat": choice(["f", "F"]),
        "jlist": choice(["asList", "add"]),
        "jsarray": choice(["[]", "[]", "new Array"]),
        "jskey": choice(["bare", "quoted"]),
    }
)


def py_value(v: Any, sty: dict) -> str:
    if isinstance(v, Raw):
        return str(v)
    if v is None:
        return "None"
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return quote(v, sty["q"])
    if isinstance(v, tuple):
        inner = sty["sep"].join(py_value(x, sty) for x in v)
        return "(" + inner + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, list):
        return "[" + sty["sep"].join(py_value(x, sty) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + sty["sep"].join(f"{py_value(k, sty)}: {py_value(x, sty)}" for k, x in v.items()) + "}"
    return repr(v)


_IDENT = re.compile(r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$")
# Values such as new Path("/tmp") or React.createContext(): written bare (as code) in some styles.
_CODE = re.compile(r"^(new\s+)?[A-Za-z_$][\w$.<>]*\(.*\)$", re.S)
_JAVA_ELEM = {
    "integer": "int",
    "long": "long",
    "short": "short",
    "byte": "byte",
    "double": "double",
    "float": "float",
    "boolean": "boolean",
    "char": "char",
    "String": "String",
}
_JAVA_BOX = {"int": "Integer", "long": "Long", "double": "Double", "float": "Float", "boolean": "Boolean", "char": "Character"}


def java_value(v: Any, jtype: str | None, items: str | None, sty: dict) -> str:
    if isinstance(v, Raw):
        return str(v)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        if jtype == "char" and len(v) == 1:
            return quote(v, "'")
        if _IDENT.match(v) and (sty["bare_ident"] or jtype not in ("String", "any", "char", None)):
            return v
        if _CODE.match(v) and sty["bare_ident"]:
            return v.replace("'", '"')
        return quote(v, '"')
    if isinstance(v, int):
        if jtype == "long":
            return f"{v}{sty['jlong']}"
        if jtype == "float":
            return f"{float(v)}{sty['jfloat']}"
        if jtype == "double":
            return repr(float(v))
        return str(v)
    if isinstance(v, float):
        if jtype == "float":
            return f"{v}{sty['jfloat']}"
        if jtype in ("integer", "long", "short", "byte") and v.is_integer():
            return str(int(v))
        return repr(v)
    if isinstance(v, list):
        elem = _JAVA_ELEM.get(items or "", "Object")
        parts = [java_value(x, items, None, sty) for x in v]
        if jtype == "ArrayList":
            box = _JAVA_BOX.get(elem, elem)
            if sty["jlist"] == "asList" and parts:
                return f"new ArrayList<>(Arrays.asList({', '.join(parts)}))"
            if not parts:
                return f"new ArrayList<{box}>()"
            return f"new ArrayList<{box}>() {{{{ " + " ".join(f"add({p});" for p in parts) + " }}"
        return f"new {elem}[]{{" + ", ".join(parts) + "}"
    if isinstance(v, dict):
        puts = " ".join(f"put({quote(str(k), chr(34))}, {java_value(x, None, None, sty)});" for k, x in v.items())
        if not puts:
            return "new HashMap<String, Object>()"
        return "new HashMap<String, Object>() {{ " + puts + " }}"
    return str(v)


def js_value(v: Any, jtype: str | None, items: str | None, sty: dict) -> str:
    if isinstance(v, Raw):
        return str(v)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        if _IDENT.match(v) and (sty["bare_ident"] or jtype not in ("String", "any", None)):
            return v
        if _CODE.match(v) and sty["bare_ident"]:
            return v
        return quote(v, sty["q"])
    if isinstance(v, int):
        return f"{v}n" if jtype == "Bigint" else str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, list):
        parts = ", ".join(js_value(x, items, None, sty) for x in v)
        return f"new Array({parts})" if sty["jsarray"] == "new Array" else f"[{parts}]"
    if isinstance(v, dict):
        def key(k: Any) -> str:
            k = str(k)
            return k if sty["jskey"] == "bare" and _IDENT.match(k) and "." not in k else quote(k, sty["q"])

        return "{" + ", ".join(f"{key(k)}: {js_value(x, None, None, sty)}" for k, x in v.items()) + "}"
    return str(v)


def render(plan: list, functions: list[dict], language: str, sty: dict) -> str:
    calls = []
    for name, args in plan:
        types = param_types(functions, name)
        parts = []
        for k, v in args:
            if language == "python":
                text = py_value(v, sty)
            else:
                ptype, items = types.get(k, (None, None)) if k else (None, None)
                text = (java_value if language == "java" else js_value)(v, ptype, items, sty)
            if k is None:
                parts.append(text)
            elif k == "**":
                parts.append("**" + text)
            else:
                parts.append(f"{k}{sty['eq']}{text}")
        calls.append(f"{name}({sty['sep'].join(parts)})")
    body = sty["callsep"].join(calls)
    if sty["brackets"] or not calls:
        body = "[" + body + "]"
    return sty["pad"] + body + sty["tail"]


# --------------------------------------------------------------------------------------------
# Value mutators: small Hypothesis-driven parts
# --------------------------------------------------------------------------------------------

NORMALISED_PUNCT = " ,./-_*^"
OTHER_PUNCT = "!?:;()'\"\t"


def draw_index(draw: Callable, n: int) -> int:
    return draw(ints(0, max(0, n - 1)))


def normalise_string(draw: Callable, s: str) -> str:
    op = draw(
        choice(
            [
                "upper", "lower", "title", "swapcase", "pad_spaces", "remove_spaces", "space_to_underscore",
                "space_to_dash", "insert_normalised_punct", "insert_other_punct", "trailing_period",
                "swap_quotes", "tab", "newline", "nbsp", "double_space",
            ]
        )
    )
    pos = draw_index(draw, len(s) + 1)
    if op == "upper":
        return s.upper()
    if op == "lower":
        return s.lower()
    if op == "title":
        return s.title()
    if op == "swapcase":
        return s.swapcase()
    if op == "pad_spaces":
        return " " + s + "  "
    if op == "remove_spaces":
        return s.replace(" ", "")
    if op == "space_to_underscore":
        return s.replace(" ", "_") if " " in s else s + "_"
    if op == "space_to_dash":
        return s.replace(" ", "-") if " " in s else "-" + s
    if op == "insert_normalised_punct":
        return s[:pos] + draw(choice(list(NORMALISED_PUNCT))) + s[pos:]
    if op == "insert_other_punct":
        return s[:pos] + draw(choice(list(OTHER_PUNCT))) + s[pos:]
    if op == "trailing_period":
        return s + "."
    if op == "swap_quotes":
        return s.replace("'", "\u0000").replace('"', "'").replace("\u0000", '"') if ("'" in s or '"' in s) else "'" + s + "'"
    if op == "tab":
        return s[:pos] + "\t" + s[pos:]
    if op == "newline":
        return s[:pos] + "\n" + s[pos:]
    if op == "nbsp":
        return s.replace(" ", "\u00a0") if " " in s else s + "\u00a0"
    return s.replace(" ", "  ")


UNICODE_BITS = ["é", "ü", "ß", "İ", "ı", "Σ", "ﬁ", "Ｘ", "東京", "😀", "\u0301", "\u200b", "Å", "ǅ"]


def unicode_string(draw: Callable, s: str) -> str:
    op = draw(choice(["insert", "fullwidth", "accent_all", "upper_special", "replace"]))
    if op == "insert":
        pos = draw_index(draw, len(s) + 1)
        return s[:pos] + draw(choice(UNICODE_BITS)) + s[pos:]
    if op == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)
    if op == "accent_all":
        return "".join(c + "\u0301" if c.isalpha() else c for c in s)
    if op == "upper_special":
        return s.upper() + draw(choice(["ΣΑΣ", "İ", "ß", "ǅ"]))
    return draw(choice(["Zürich", "São Paulo", "東京", "Ελλάδα", "Москва", "naïve café"]))


def perturb_value(draw: Callable, v: Any) -> Any:
    if isinstance(v, bool):
        return not v
    if isinstance(v, int):
        return v + draw(choice([1, -1, 10, 100])) if draw(BOOLS) else -v if v else 1
    if isinstance(v, float):
        return draw(choice([v + 1.0, v - 0.5, v * 1.1, round(v + 0.01, 4), -v if v else 1.0]))
    if isinstance(v, str):
        op = draw(choice(["append", "drop_last", "replace", "reverse", "prefix", "empty"]))
        if op == "append":
            return v + draw(choice(["x", "1", "s", " extra"]))
        if op == "drop_last":
            return v[:-1]
        if op == "replace":
            return draw(choice(["wrong", "unknown", "N/A", "something else", "0"]))
        if op == "reverse":
            return v[::-1]
        if op == "prefix":
            return "the " + v
        return ""
    if isinstance(v, list):
        if not v:
            return [draw(choice([1, "a", 0.5]))]
        op = draw(choice(["drop", "append", "reverse", "element"]))
        i = draw_index(draw, len(v))
        if op == "drop":
            return v[:i] + v[i + 1 :]
        if op == "append":
            return v + [v[i]]
        if op == "reverse" and len(v) > 1 and v != v[::-1]:
            return v[::-1]
        return v[:i] + [perturb_value(draw, v[i])] + v[i + 1 :]
    if isinstance(v, dict):
        if not v:
            return {"extra": 1}
        keys = list(v)
        k = keys[draw_index(draw, len(keys))]
        op = draw(choice(["value", "drop", "add", "rename"]))
        out = dict(v)
        if op == "value":
            out[k] = perturb_value(draw, v[k])
        elif op == "drop":
            del out[k]
        elif op == "add":
            out["extra_key"] = "x"
        else:
            out[k + "_x"] = out.pop(k)
        return out
    return "x"


def wrong_type_value(draw: Callable, v: Any) -> Any:
    options: list[Any] = []
    if isinstance(v, bool):
        options = [str(v), str(v).lower(), int(v), [v], None]
    elif isinstance(v, int):
        options = [str(v), float(v), bool(v), [v], None, {"value": v}]
    elif isinstance(v, float):
        options = [str(v), int(v), [v], True, None]
    elif isinstance(v, str):
        options = [[v], 1, 1.5, True, None, {"value": v}, (v,)]
        if re.fullmatch(r"-?\d+", v.strip()):
            options.append(int(v))
        if re.fullmatch(r"-?\d+\.\d+", v.strip()):
            options.append(float(v))
    elif isinstance(v, list):
        options = [", ".join(map(str, v)), tuple(v), v[0] if v else 0, {"items": v}, None]
        if v and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
            options.append([str(x) for x in v])
        if v and all(isinstance(x, str) for x in v):
            options.append([1 for _ in v])
    elif isinstance(v, dict):
        options = [json.dumps(v), list(v.values()), [[k, x] for k, x in v.items()], None]
    else:
        options = ["x", 0]
    return options[draw_index(draw, len(options))]


def int_float_swap(v: Any) -> Any:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return float(v)
    if isinstance(v, float):
        return int(v) if v.is_integer() else round(v)
    if isinstance(v, list) and v and any(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
        return [int_float_swap(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else x for x in v]
    if isinstance(v, dict):
        for k, x in v.items():
            sw = int_float_swap(x)
            if sw is not None:
                out = dict(v)
                out[k] = sw
                return out
    return None


def map_strings(v: Any, fn: Callable[[str], str], only_first: bool = True) -> tuple[Any, bool]:
    """Apply fn to the first string found in v (recursing into lists and dict values)."""
    if isinstance(v, Raw):
        return v, False
    if isinstance(v, str):
        return fn(v), True
    if isinstance(v, list):
        out = list(v)
        for i, x in enumerate(v):
            nx, done = map_strings(x, fn, only_first)
            if done:
                out[i] = nx
                return out, True
        return v, False
    if isinstance(v, dict):
        out = dict(v)
        for k, x in v.items():
            nx, done = map_strings(x, fn, only_first)
            if done:
                out[k] = nx
                return out, True
        return v, False
    return v, False


def contains(v: Any, pred: Callable[[Any], bool]) -> bool:
    if pred(v):
        return True
    if isinstance(v, (list, tuple)):
        return any(contains(x, pred) for x in v)
    if isinstance(v, dict):
        return any(contains(x, pred) for x in v.values())
    return False


def is_str(v: Any) -> bool:
    return isinstance(v, str) and not isinstance(v, Raw)


def is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def schema_value(draw: Callable, spec: dict, depth: int = 0) -> Any:
    """A plausible value for a JSON-schema-ish BFCL parameter (for the relevance categories)."""
    if not isinstance(spec, dict):
        return "x"
    if spec.get("enum"):
        return draw(choice(list(spec["enum"])))
    t = spec.get("type", "string")
    if t in ("integer", "long", "short", "byte"):
        return draw(ints(-3, 500))
    if t in ("float", "number", "double"):
        return draw(choice([0.5, 1.0, 2.75, 10.0, 37.5, 100.25]))
    if t in ("boolean", "Boolean"):
        return draw(BOOLS)
    if t in LIST_TYPES and depth < 2:
        item = spec.get("items") or {"type": "string"}
        return [schema_value(draw, item, depth + 1) for _ in range(draw(ints(0, 2)))]
    if t in DICT_TYPES and depth < 2:
        props = spec.get("properties") or {}
        if props:
            keys = list(props)[:3]
            return {k: schema_value(draw, props[k], depth + 1) for k in keys}
        return {"key": "value"}
    return draw(choice(["New York", "test", "2024-01-01", "example", "San Francisco, CA", "abc123"]))


def schema_call(draw: Callable, fn: dict, all_params: bool) -> list:
    props = (fn.get("parameters") or {}).get("properties") or {}
    required = set((fn.get("parameters") or {}).get("required") or [])
    args = []
    for p, spec in props.items():
        if p in required or (all_params and draw(BOOLS)):
            args.append([p, schema_value(draw, spec)])
    return [fn["name"], args]


# --------------------------------------------------------------------------------------------
# Text-level wrappers
# --------------------------------------------------------------------------------------------


def prose(draw: Callable, plan: list, text: str) -> str:
    name = plan[0][0] if plan else "the function"
    arg = plan[0][1][0] if plan and plan[0][1] else None
    options = [
        "I'm sorry, but I can't help with that.",
        "The answer is 42.",
        f"You should call {name} to do this.",
        f"I will call {name} with {arg[0]} set to {arg[1]!r}." if arg else f"Calling {name} now.",
        "None",
        "hello",
        "",
        "print('hi')",
        f"Sure! Here is the call: {text}",
        f"{text}\nThis calls the function for you.",
        f"<think>I need to call {name}.</think>\n{text}",
        "I need more information: which city do you mean?",
        "[I cannot answer this]",
        "No function call is needed.",
    ]
    return options[draw_index(draw, len(options))]


GARBAGE_ALPHABET = "[](){}=,'\":.abxyz019 \n_"
GARBAGE_TEXT = st.text(alphabet=GARBAGE_ALPHABET, min_size=0, max_size=24)


def garbage(draw: Callable, text: str) -> str:
    fixed = [
        "}{", "[[", "[f(", "[1, 2]", "{'a': 1}", "None", "True", "42", "[None]", "[[]]", "[{}]", "()",
        text + "]", text + ")", "((" + text.strip("[] \n") + "))", text + text, "[" + text + "]",
        text.replace("(", "[", 1), "null", "```", "`", "'", '"' + text + '"', "'" + text + "'",
    ]
    if draw(BOOLS):
        return fixed[draw_index(draw, len(fixed))]
    return draw(GARBAGE_TEXT)


def fence(draw: Callable, text: str) -> str:
    lang = draw(choice(["python", "", "json", "tool_code", "java", "javascript"]))
    nl = draw(choice(["\n", "\n\n", " "]))
    return f"```{lang}{nl}{text.strip()}{nl}```"


def backticks(draw: Callable, text: str) -> str:
    n = draw(choice([1, 1, 2, 3]))
    return "`" * n + text.strip() + "`" * draw(choice([n, n, 0]))


def truncate(draw: Callable, text: str) -> str:
    if len(text) < 2:
        return ""
    return text[: draw(ints(1, len(text) - 1))]


# Python expressions that exercise the official decoder's resolve_ast_by_type corners.
PY_QUIRK_VALUES = [
    "+5", "-5", "-2.5", "- -3", "-x", "2*3", "1+1", "10/4", "7//2", "'a'+'b'", "x+1", "None", "...",
    "(1, 2)", "(1,)", "{1, 2}", "a[0]", "np.pi", "lambda: 1", "f'x{1}'", "1 < 2", "not True",
    "g(1)", "g(x=1)", "g()", "[1, [2, 3]]", "{'k': [1, 2]}", "True and False", "b'bytes'", "1e3",
    "0x10", "1_000", "1j", "float('inf')", "-0.0", "[*a]", "{**d}", "'a' 'b'", "r'\\d+'", '"""doc"""',
    "'x\\ty'", "10**2", "[1, 2][0]", "-True", "+'a'", "not x", "~5", "12345678901234567890", "1e400",
    "0.1+0.2", "u'x'", "(lambda: 1)()", "x if y else z", "[i for i in a]",
]
JAVA_QUIRK_VALUES = [
    '"5"', "5L", "5l", "5.0", "5.0f", "5F", "5d", "0x1F", "1_000", "1e3", "-3", "true", "True", '"true"',
    "null", "'a'", "'ab'", "new int[]{}", "new int[] {1,2}", "new String[]{\"a\", \"b\"}",
    'new ArrayList<>(Arrays.asList("a", "b"))', "new ArrayList<String>() {{ add(\"a\"); }}",
    'new HashMap<String, String>() {{ put("k", "v"); }}', "new HashMap<>()", "Foo.BAR", "obj.method()",
    "x -> x", "this", "new Object()", '"a" + "b"', "(int) 5", "!true", "a[0]", "new Path(\"/tmp\")",
    '"a\\"b"', "5_000L", "-5L", "+5", "new int[][]{{1}}", "'\\n'", "new ArrayList<>(List.of(1, 2))",
    "Arrays.asList(1, 2)", "Long.valueOf(5)", "5.0d", "0b101", "07", "1.5e-3f", "new String[]{a, b}",
]
JS_QUIRK_VALUES = [
    '"5"', "5", "5.0", "-5", "5n", "0x1F", "1e3", ".5", "true", "'true'", "null", "undefined", "[]",
    "[1, 2]", "['a', 'b']", "new Array(1, 2)", "[[1, 2], [3, 4]]", "{}", "{a: 1}", "{'a': 'b', c: [1]}",
    "() => 1", "function() {}", "x.y", "`tpl`", "a + b", "!0", "NaN", "Infinity", "{a: {b: 1}}",
    "-0", "+5", "1_000", "[1, [2, 3]]", "{a: [1, 2], b: 'x'}", "new Map()", "'a' + 'b'", "[,]", "{...a}",
    "-5n", "[\"a, b\", 'c']", "{'k': \"v, w\"}", "[true, false]", "['x']",
]


# --------------------------------------------------------------------------------------------
# One entry: applicable kinds, then one Hypothesis run
# --------------------------------------------------------------------------------------------

PY_AST_KINDS = [
    "correct_styled", "reorder_calls", "drop_required", "drop_param", "extra_unknown_param",
    "extra_schema_param", "rename_function", "wrong_function", "wrong_type", "perturb_value",
    "string_normalisation", "int_float_swap", "nested_perturb", "unicode", "positional_args",
    "extra_call", "missing_call", "empty_list", "prose", "fenced", "backticks", "garbage",
    "truncated", "quirk_value", "bare_calls", "duplicate_kwarg", "newline_separated", "wrapped_quotes",
    "shuffle_args", "double_mutation",
]
JJ_AST_KINDS = [
    "correct_styled", "drop_required", "drop_param", "extra_unknown_param", "extra_schema_param",
    "rename_function", "wrong_type", "perturb_value", "string_normalisation", "int_float_swap",
    "nested_perturb", "unicode", "positional_args", "extra_call", "empty_list", "prose", "fenced",
    "backticks", "garbage", "truncated", "quirk_value", "python_syntax", "duplicate_kwarg",
    "shuffle_args", "double_mutation",
]
# Kinds that apply to few entries get drawn more often where they do apply.
EXTRA_WEIGHT = {"reorder_calls": 3, "nested_perturb": 3, "int_float_swap": 2, "extra_schema_param": 2, "double_mutation": 2}
# What double_mutation combines (two of these, then the arguments shuffled): the official
# checker reports the FIRST failing parameter in the model's argument order.
DOUBLE_PARTS = ["wrong_type", "perturb_value", "drop_param", "extra_unknown_param", "int_float_swap", "string_normalisation", "nested_perturb"]
REL_KINDS = [
    "schema_call", "schema_call_all_params", "call_no_args", "unknown_call", "multi_call", "empty_list",
    "empty_string", "prose", "fenced", "backticks", "garbage", "truncated", "non_call_literal",
    "quirk_value", "positional_args", "json_shaped", "bare_calls", "prose_then_call",
]


def applicable_kinds(category: str, entry: dict, ground_truth: list | None) -> list[str]:
    if ground_truth is None:
        kinds = list(REL_KINDS)
        if not entry["function"]:
            kinds = [k for k in kinds if k not in ("schema_call", "schema_call_all_params", "call_no_args")]
        return kinds
    language = LANGUAGE.get(category, "python")
    kinds = list(PY_AST_KINDS if language == "python" else JJ_AST_KINDS)
    plan = correct_plan(entry["function"], ground_truth)
    values = [v for _, args in plan for _, v in args]
    drop = set()
    if len(plan) < 2:
        drop.add("reorder_calls")
    if len(entry["function"]) < 2:
        drop.add("wrong_function")
    if not any(args for _, args in plan):
        drop |= {"drop_param", "wrong_type", "perturb_value", "positional_args", "duplicate_kwarg", "quirk_value", "shuffle_args", "double_mutation"}
    if not any(p in dict(args) for name, args in plan for p in _required(entry, name)):
        drop.add("drop_required")
    if not any(contains(v, is_str) for v in values):
        drop |= {"string_normalisation", "unicode"}
    if not any(contains(v, is_num) for v in values):
        drop.add("int_float_swap")
    if not any(isinstance(v, (list, dict)) and v for v in values):
        drop.add("nested_perturb")
    if not _unused_schema_params(entry, plan):
        drop.add("extra_schema_param")
    return [k for k in kinds if k not in drop for _ in range(EXTRA_WEIGHT.get(k, 1))]


def _required(entry: dict, name: str) -> list[str]:
    fn = find_function(entry["function"], name)
    return list(((fn or {}).get("parameters") or {}).get("required") or [])


def _unused_schema_params(entry: dict, plan: list) -> list[tuple[int, str]]:
    out = []
    for i, (name, args) in enumerate(plan):
        used = {k for k, _ in args}
        for p in param_types(entry["function"], name):
            if p not in used:
                out.append((i, p))
    return out


def _pick_arg(draw: Callable, plan: list, pred: Callable[[Any], bool] = lambda v: True) -> tuple[int, int] | None:
    spots = [(i, a) for i, (_, args) in enumerate(plan) for a, (k, v) in enumerate(args) if k and pred(v)]
    if not spots:
        return None
    return spots[draw_index(draw, len(spots))]


def mutate_ast(
    draw: Callable, kind: str, entry: dict, gt: list, language: str, plan: list | None = None
) -> tuple[list | None, Callable[[str], str] | None]:
    """Return (plan, text transform) for one AST mutation; plan None means no output."""
    funcs = entry["function"]
    if plan is None:
        j = draw(ints(0, max_choices(gt) - 1))
        omit = draw(BOOLS)
        plan = correct_plan(funcs, gt, j, omit)
    ident: Callable[[str], str] = lambda t: t

    if kind == "correct_styled":
        return plan, ident
    if kind == "shuffle_args":
        for call in plan:
            call[1] = [call[1][i] for i in draw(permutations(len(call[1])))]
        return plan, ident
    if kind == "double_mutation":
        done = 0
        for _ in range(2):
            sub = draw(choice(DOUBLE_PARTS))
            new_plan, _t = mutate_ast(draw, sub, entry, gt, language, copy_plan(plan))
            if new_plan is not None:
                plan, done = new_plan, done + 1
        if not done:
            return None, None
        return mutate_ast(draw, "shuffle_args", entry, gt, language, plan)
    if kind == "reorder_calls":
        perm = draw(permutations(len(plan)))
        return [plan[i] for i in perm], ident
    if kind in ("drop_required", "drop_param"):
        spots = []
        for i, (name, args) in enumerate(plan):
            req = set(_required(entry, name))
            for a, (k, _) in enumerate(args):
                if kind == "drop_param" or k in req:
                    spots.append((i, a))
        if not spots:
            return None, None
        i, a = spots[draw_index(draw, len(spots))]
        del plan[i][1][a]
        return plan, ident
    if kind == "extra_unknown_param":
        i = draw_index(draw, len(plan))
        taken = {k for k, _ in plan[i][1]}
        names = [n for n in ["extra", "unit", "verbose", "foo_bar", "kwargs", "timeout", "format"] if n not in taken]
        name = names[draw_index(draw, len(names))]
        plan[i][1].insert(draw_index(draw, len(plan[i][1]) + 1), [name, draw(choice([1, "x", True, 2.5, None]))])
        return plan, ident
    if kind == "extra_schema_param":
        unused = _unused_schema_params(entry, plan)
        if not unused:
            return None, None
        i, p = unused[draw_index(draw, len(unused))]
        fn = find_function(funcs, plan[i][0]) or {}
        spec = ((fn.get("parameters") or {}).get("properties") or {}).get(p, {})
        plan[i][1].append([p, spec.get("default") if spec.get("default") not in (None, "") and draw(BOOLS) else schema_value(draw, spec)])
        return plan, ident
    if kind == "rename_function":
        i = draw_index(draw, len(plan))
        name = plan[i][0]
        op = draw(choice(["upper", "suffix", "dot_to_underscore", "drop_prefix", "snake", "typo", "prefix"]))
        if op == "upper":
            new = name.upper() if name.upper() != name else name.lower()
        elif op == "suffix":
            new = name + "_v2"
        elif op == "dot_to_underscore":
            new = name.replace(".", "_") if "." in name else name + "_"
        elif op == "drop_prefix":
            new = name.split(".")[-1] if "." in name else "functions." + name
        elif op == "snake":
            new = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
            new = new if new != name else name.replace("_", "")
        elif op == "typo":
            new = name[:-1] if len(name) > 1 else name + "x"
        else:
            new = "api." + name
        if not new or new == name or not re.fullmatch(r"[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*", new):
            new = name + "_x"
        plan[i][0] = new
        return plan, ident
    if kind == "wrong_function":
        others = [f for f in funcs if f["name"] not in {n for n, _ in plan}]
        if not others:
            return None, None
        fn = others[draw_index(draw, len(others))]
        i = draw_index(draw, len(plan))
        if draw(BOOLS):
            plan[i] = schema_call(draw, fn, False)
        else:
            plan[i][0] = fn["name"]
        return plan, ident
    if kind in ("wrong_type", "perturb_value", "int_float_swap", "string_normalisation", "unicode", "nested_perturb"):
        pred = {
            "wrong_type": lambda v: True,
            "perturb_value": lambda v: True,
            "int_float_swap": lambda v: int_float_swap(v) is not None,
            "string_normalisation": lambda v: contains(v, is_str),
            "unicode": lambda v: contains(v, is_str),
            "nested_perturb": lambda v: isinstance(v, (list, dict)) and bool(v),
        }[kind]
        spot = _pick_arg(draw, plan, pred)
        if spot is None:
            return None, None
        i, a = spot
        v = plan[i][1][a][1]
        if kind == "wrong_type":
            if language != "python" and draw(BOOLS):
                new = Raw(draw(choice(JAVA_QUIRK_VALUES if language == "java" else JS_QUIRK_VALUES)))
            else:
                new = wrong_type_value(draw, v)
        elif kind == "perturb_value":
            new = perturb_value(draw, v)
        elif kind == "int_float_swap":
            new = int_float_swap(v)
        elif kind == "string_normalisation":
            new, _ = map_strings(v, lambda s: normalise_string(draw, s))
        elif kind == "unicode":
            new, _ = map_strings(v, lambda s: unicode_string(draw, s))
        else:
            new = perturb_value(draw, v)
        if new is None or (type(new) is type(v) and new == v):
            return None, None  # a no-op on this value (e.g. lower() of a lower-case string)
        plan[i][1][a][1] = new
        return plan, ident
    if kind == "positional_args":
        spot = _pick_arg(draw, plan)
        if spot is None:
            return None, None
        i, a = spot
        k, v = plan[i][1].pop(a)
        where = draw(choice(["first", "last", "all"]))
        if where == "all":
            plan[i][1] = [[None, x] for _, x in plan[i][1]] + [[None, v]]
        elif where == "first":
            plan[i][1].insert(0, [None, v])
        else:
            plan[i][1].append([None, v])  # positional after keywords: a syntax error in Python
        return plan, ident
    if kind == "extra_call":
        i = draw_index(draw, len(plan))
        op = draw(choice(["duplicate", "other", "perturbed_duplicate"]))
        if op == "other" and len(funcs) > 1:
            plan.insert(draw_index(draw, len(plan) + 1), schema_call(draw, funcs[draw_index(draw, len(funcs))], False))
        elif op == "perturbed_duplicate" and plan[i][1]:
            dup = [plan[i][0], [list(kv) for kv in plan[i][1]]]
            a = draw_index(draw, len(dup[1]))
            dup[1][a][1] = perturb_value(draw, dup[1][a][1])
            plan.append(dup)
        else:
            plan.insert(i, [plan[i][0], [list(kv) for kv in plan[i][1]]])
        return plan, ident
    if kind == "missing_call":
        del plan[draw_index(draw, len(plan))]
        return plan, ident
    if kind == "empty_list":
        return [], (lambda t: draw(choice(["[]", "[ ]", "[]\n", "``` []```", "[\n]"])))
    if kind == "prose":
        return plan, (lambda t: prose(draw, plan, t))
    if kind == "fenced":
        return plan, (lambda t: fence(draw, t))
    if kind == "backticks":
        return plan, (lambda t: backticks(draw, t))
    if kind == "garbage":
        return plan, (lambda t: garbage(draw, t))
    if kind == "truncated":
        return plan, (lambda t: truncate(draw, t))
    if kind == "wrapped_quotes":
        return plan, (lambda t: draw(choice(["'", '"', "'''"])) + t.strip() + draw(choice(["'", '"', "'''", ""])))
    if kind == "quirk_value":
        spot = _pick_arg(draw, plan)
        if spot is None:
            return None, None
        i, a = spot
        pool = {"python": PY_QUIRK_VALUES, "java": JAVA_QUIRK_VALUES, "javascript": JS_QUIRK_VALUES}[language]
        if language == "python" and draw(ints(0, 4)) == 0:
            plan[i][1].append(["**", Raw(draw(choice(["{'a': 1}", "kwargs"])))])
        else:
            plan[i][1][a][1] = Raw(pool[draw_index(draw, len(pool))])
        return plan, ident
    if kind == "bare_calls":
        return plan, None  # rendered without brackets below
    if kind == "newline_separated":
        return plan, (lambda t: t)  # render with "\n" between calls below
    if kind == "duplicate_kwarg":
        spot = _pick_arg(draw, plan)
        if spot is None:
            return None, None
        i, a = spot
        k, v = plan[i][1][a]
        plan[i][1].append([k, perturb_value(draw, v) if draw(BOOLS) else v])
        return plan, ident
    if kind == "python_syntax":
        return plan, None
    raise AssertionError(kind)


def mutate_relevance(draw: Callable, kind: str, entry: dict) -> tuple[list, Callable[[str], str]]:
    funcs = entry["function"]
    ident: Callable[[str], str] = lambda t: t

    def some_call(all_params: bool = False) -> list:
        if funcs:
            return schema_call(draw, funcs[draw_index(draw, len(funcs))], all_params)
        return ["get_weather", [["location", "Boston, MA"]]]

    if kind == "schema_call":
        return [some_call()], ident
    if kind == "schema_call_all_params":
        return [some_call(True)], ident
    if kind == "call_no_args":
        return [[funcs[draw_index(draw, len(funcs))]["name"], []]], ident
    if kind == "unknown_call":
        name = draw(choice(["get_weather", "search", "calculator.add", "noop", "Answer"]))
        return [[name, [["query", draw(choice(["weather", "x", "What is AI?"]))]]]], ident
    if kind == "multi_call":
        return [some_call(), some_call()], ident
    if kind == "empty_list":
        return [], (lambda t: draw(choice(["[]", "[ ]", "\n[]\n", "`[]`", "```\n[]\n```"])))
    if kind == "empty_string":
        return [], (lambda t: draw(choice(["", " ", "\n", "``", "```\n```"])))
    if kind == "prose":
        plan = [some_call()]
        return plan, (lambda t: prose(draw, plan, t))
    if kind == "fenced":
        return [some_call()], (lambda t: fence(draw, t))
    if kind == "backticks":
        return [some_call()], (lambda t: backticks(draw, t))
    if kind == "garbage":
        return [some_call()], (lambda t: garbage(draw, t))
    if kind == "truncated":
        return [some_call()], (lambda t: truncate(draw, t))
    if kind == "non_call_literal":
        options = ["[1, 2]", "['a']", "{}", "[{}]", "None", "True", "42", "'text'", "[None]", "[[]]", "()", "[()]", "[f]", "x"]
        return [], (lambda t: options[draw_index(draw, len(options))])
    if kind == "quirk_value":
        call = some_call(True)
        pos = draw_index(draw, len(call[1]) + 1)
        call[1].insert(pos, [draw(choice(["value", "q", "n"])), Raw(draw(choice(PY_QUIRK_VALUES)))])
        return [call], ident
    if kind == "positional_args":
        call = some_call(True)
        call[1] = [[None, v] for _, v in call[1]] or [[None, "x"]]
        return [call], ident
    if kind == "json_shaped":
        call = some_call()
        obj = {"name": call[0], "arguments": {k: v for k, v in call[1]}}
        variants = [json.dumps([obj]), json.dumps(obj), "<tool_call>" + json.dumps(obj) + "</tool_call>"]
        return [], (lambda t: variants[draw_index(draw, len(variants))])
    if kind == "bare_calls":
        return [some_call(), some_call()][: draw(ints(1, 2))], None
    if kind == "prose_then_call":
        plan = [some_call()]
        return plan, (lambda t: draw(choice(["Sure! ", "Here you go:\n", "<think>ok</think>"])) + t)
    raise AssertionError(kind)


def entry_seed(global_seed: int, entry_id: str) -> int:
    return zlib.crc32(f"{global_seed}:{entry_id}".encode()) ^ (global_seed & 0xFFFFFFFF)


SETTINGS = dict(
    database=None,
    phases=[Phase.generate],
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=False,
    print_blob=False,
    report_multiple_bugs=False,
)


def cases_for_entry(category: str, entry: dict, gt: list | None, global_seed: int, n_examples: int) -> list[tuple[str, str]]:
    """(mutation, raw text) pairs for one entry, deduplicated on the text, in a fixed order."""
    language = LANGUAGE.get(category, "python")
    funcs = entry["function"]
    out: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(kind: str, text: str) -> None:
        if text not in seen:
            seen.add(text)
            out.append((kind, text))

    plain = {
        "q": "'", "sep": ", ", "eq": "=", "callsep": ", ", "brackets": True, "pad": "", "tail": "",
        "bare_ident": False, "jlong": "L", "jfloat": "f", "jlist": "asList", "jsarray": "[]", "jskey": "bare",
    }
    if gt is not None:
        # The correct answer in each acceptable value choice, and with optional params left out.
        for j in range(min(max_choices(gt), MAX_CHOICE_VARIANTS)):
            add("correct", render(correct_plan(funcs, gt, j), funcs, language, plain))
        add("correct_omit_optional", render(correct_plan(funcs, gt, 0, True), funcs, language, plain))
        if len(gt) > 1:
            add("reorder_calls", render(correct_plan(funcs, gt)[::-1], funcs, language, plain))
        if language != "python":  # identifiers and code-like values written bare
            add("correct", render(correct_plan(funcs, gt), funcs, language, {**plain, "bare_ident": True}))

    kinds = applicable_kinds(category, entry, gt)
    offset = zlib.crc32(entry["id"].encode()) % len(kinds)
    kinds = kinds[offset:] + kinds[:offset]  # Hypothesis's first (simplest) example takes kinds[0]

    @settings(max_examples=n_examples, **SETTINGS)
    @seed(entry_seed(global_seed, entry["id"]))
    @given(st.data())
    def run(data: Any) -> None:
        draw = data.draw
        kind = draw(choice(kinds))
        sty = dict(draw(STYLE))
        if gt is not None:
            plan, transform = mutate_ast(draw, kind, entry, gt, language)
        else:
            plan, transform = mutate_relevance(draw, kind, entry)
        if plan is None:
            return
        render_lang = language
        if kind in ("bare_calls",):
            sty["brackets"] = False
        if kind == "newline_separated":
            sty["callsep"] = draw(choice(["\n", " ", ";\n", "; "]))
        if kind == "python_syntax":
            render_lang = "python"
        text = render(plan, funcs, render_lang, sty)
        if transform is not None:
            text = transform(text)
        add(kind, text)

    run()
    return out


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------


def _work(job: tuple) -> list[dict]:
    category, entry, gt, global_seed, n_examples = job
    rows = []
    for n, (kind, text) in enumerate(cases_for_entry(category, entry, gt, global_seed, n_examples)):
        rows.append({"case": f"{entry['id']}#{n}", "id": entry["id"], "category": category, "mutation": kind, "result": text})
    return rows


def select_jobs(global_seed: int, n_examples: int, max_cases: int | None, categories: list[str]) -> list[tuple]:
    jobs = []
    data_dir = bfcl_data_dir()
    for category in categories:
        for entry, gt in load_category(category, data_dir):
            jobs.append((category, entry, gt, global_seed, n_examples))
    if max_cases:
        # A deterministic spread of entries over every category, ~max_cases cases in all.
        per_entry = n_examples + 1
        want = max(len(categories), -(-max_cases // per_entry))
        by_cat: dict[str, list[tuple]] = {}
        for job in jobs:
            by_cat.setdefault(job[0], []).append(job)
        chosen = []
        quota = max(1, -(-want // len(by_cat)))
        for category, cat_jobs in by_cat.items():
            ranked = sorted(cat_jobs, key=lambda jb: zlib.crc32(f"{global_seed}:{jb[1]['id']}".encode()))
            chosen.extend(ranked[:quota])
        order = {id(j): i for i, j in enumerate(jobs)}
        jobs = sorted(chosen, key=lambda jb: order[id(jb)])
    return jobs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--examples", type=int, default=EXAMPLES_PER_ENTRY, help="Hypothesis examples per entry")
    ap.add_argument("--max-cases", type=int, default=None, help="only a spread of entries, about this many cases")
    ap.add_argument("--categories", default=",".join(CATEGORIES))
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--workers", type=int, default=min(2, multiprocessing.cpu_count()))
    args = ap.parse_args(argv)

    t0 = time.time()
    categories = [c for c in args.categories.split(",") if c]
    jobs = select_jobs(args.seed, args.examples, args.max_cases, categories)
    if args.workers > 1 and len(jobs) > 50:
        with multiprocessing.get_context("fork").Pool(args.workers) as pool:
            chunks = list(pool.imap(_work, jobs, chunksize=16))
    else:
        chunks = [_work(job) for job in jobs]
    rows = [row for chunk in chunks for row in chunk]

    args.out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 and a fixed file name in the header: byte-identical output for identical cases.
    with open(args.out, "wb") as raw, gzip.GzipFile(filename="cases.jsonl", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        for row in rows:
            gz.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))

    counts: dict[str, int] = {}
    for row in rows:
        counts[row["category"]] = counts.get(row["category"], 0) + 1
    for category in categories:
        print(f"{category:24s} {counts.get(category, 0):6d}")
    print(f"{'total':24s} {len(rows):6d}  -> {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

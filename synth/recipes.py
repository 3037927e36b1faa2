"""Category recipes: what one sample of a BFCL category must look like, steered by gaps.json.

A recipe turns (tools, seeded rng, knobs) into a :class:`Plan`: the tools offered, the turns,
and per turn the user's intents (tool + gold arguments) and what the assistant must do (call,
abstain, ask for a missing value, or wait for a missing function). Values are drawn *before*
the text is written, so the gold calls are known by construction; multi-turn intents are bound
lazily, from the results the role play has already seen.

Knobs translate the diagnosis into data: e.g. many ``simple_function_checker:missing_required``
errors -> tools with several required parameters; ``type_error:*`` -> numbers, booleans and
arrays in the text; ``irrelevance_error:decoder_success`` -> more abstention samples.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Sequence

from bfcl_adapter.categories import Category, Checker, Language

from .agents import action_phrase, param_label
from .server.values import draw_value, fits, stable_seed, tokens
from .spec import ToolSpec

# --- plan records --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    messy: bool = False  # live-style noise: lower case, fillers, a typo
    verbose: bool = False  # a context sentence around the request
    indirect: bool = False  # relative dates ("next Friday") and similar
    number_words: bool = False  # "three" for 3
    units: bool = False  # "25 km" for radius_km=25

    def plain(self) -> "Style":
        return Style()


@dataclass
class Intent:
    """One thing the user asks for. ``arguments`` are the gold values (for Java/JS: source text
    as the BFCL decoder returns it); ``execute`` names the catalog tool and JSON arguments that
    the server runs when they differ from the offered (renamed) tool."""

    tool: ToolSpec
    arguments: dict[str, Any]
    action: str | None = None
    withheld: tuple[str, ...] = ()  # not mentioned yet (miss_param)
    references: dict[str, str] = field(default_factory=dict)  # param -> "the event you just created"
    spoken: dict[str, str] = field(default_factory=dict)  # param -> exact surface text in the request
    source: dict[str, str] = field(default_factory=dict)  # param -> Java/JS source in the answer
    accept: dict[str, list[Any]] = field(default_factory=dict)  # param -> acceptable values (checker form)
    execute: tuple[str, dict[str, Any]] | None = None
    variables: dict[str, Any] = field(default_factory=dict)  # Java/JS: variable named in the call -> its value


@dataclass
class Context:
    """What a lazily bound turn may look at: earlier calls with results, and state-known values."""

    history: list[tuple[str, dict[str, Any], Any]]  # (tool, arguments, result content)
    known: dict[str, list[Any]]
    rng: random.Random


IntentSource = Callable[[Context], list[Intent]]


@dataclass
class TurnPlan:
    kind: str  # call | abstain | clarify | holdout
    intents: list[Intent] | IntentSource = field(default_factory=list)
    reason: str = ""  # abstention reason (abstain / holdout)
    off_topic: bool = False
    sequential: bool = False  # one assistant step per intent (a chain inside one turn)


@dataclass
class Plan:
    category: Category
    recipe: str
    tools: list[ToolSpec]
    turns: list[TurnPlan]
    style: Style = Style()
    holdout: dict[int, list[ToolSpec]] = field(default_factory=dict)  # user-turn index -> tools announced
    functions: list[dict[str, Any]] | None = None  # BFCL docs when not ToolSpec.to_bfcl_doc (Java/JS)
    initial_state: dict[str, Any] | None = None
    knobs: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)  # Java/JS: what the variables named hold


# --- knobs from gaps.json ------------------------------------------------------------------------


@dataclass(frozen=True)
class Knobs:
    # BFCL's single-call answers mostly carry 2-3 required arguments; a round that waits for a
    # missing_required diagnosis before asking for them loses a round, so most picks prefer them.
    min_required: int = 2
    min_required_share: float = 0.75  # share of picks that apply min_required (1.0 once diagnosed)
    compact_parallel: float = 0.6  # parallel: one or two values vary, shared ones said once
    prefer_types: frozenset[str] = frozenset()
    # BFCL v4's multiple entries offer 2-4 functions (mean 2.8) and its irrelevance entries one; an
    # offered tool costs ~250 prompt tokens of every training row, so more than the exam shows only
    # buys fewer training steps.
    distractors: tuple[int, int] = (1, 3)
    same_domain_distractors: float = 0.3
    parallel_calls: tuple[int, int] = (2, 3)
    optional_share: float = 0.35
    abstain_missing_share: float = 0.3  # live_irrelevance: share of "required info missing"
    off_topic_share: float = 0.25
    # irrelevance: share of "no tool fits" samples that offer tools of the request's own domain (a
    # different quantity or action), so that the domain alone does not cue a call; 0 keeps the data
    # of earlier runs byte for byte.
    near_miss_share: float = 0.0
    style_p: dict[str, float] = field(default_factory=lambda: {"messy": 0.0, "verbose": 0.15, "indirect": 0.2,
                                                               "number_words": 0.1, "units": 0.3})  # fmt: skip
    turns: tuple[int, int] = (3, 5)

    def to_json(self) -> dict[str, Any]:
        out = {"min_required": self.min_required, "min_required_share": self.min_required_share,
               "compact_parallel": self.compact_parallel, "prefer_types": sorted(self.prefer_types),
               "distractors": list(self.distractors), "parallel_calls": list(self.parallel_calls),
               "optional_share": self.optional_share, "style_p": self.style_p, "turns": list(self.turns)}  # fmt: skip
        if self.near_miss_share:  # named only when on, so the default data stays byte for byte
            out["near_miss_share"] = self.near_miss_share
        return out


_TYPE_ERRORS = {"type_error:simple": {"integer", "number", "boolean"}, "type_error:nested": {"array", "object"},
                "type_error:java": {"integer", "number", "boolean", "array"}, "type_error:js": {"integer", "number", "boolean", "array"},
                "value_error:others": {"integer", "number"}, "value_error:list/tuple": {"array"},
                "value_error:dict_key": {"object"}, "value_error:dict_value": {"object"}, "value_error:string": {"string"},
                "value_error:list_dict_count": {"array"}, "list_dict_checker:unclear": {"array"}}  # fmt: skip
_KIND_TYPES = {"wrong_type": {"integer", "number", "boolean"}, "wrong_number_value": {"integer", "number"},
               "wrong_list_value": {"array"}, "wrong_dict_value": {"object"}, "wrong_string_value": {"string"}}  # fmt: skip


_CALL_COUNT_KINDS = frozenset({"wrong_call_count", "too_few_calls", "too_many_calls", "no_matching_parallel_call"})


def knobs_for(category: Category, error_types: dict[str, int] | None = None,
              emphasize: Sequence[str] = ()) -> Knobs:  # fmt: skip
    """Turn a category's error profile into generation knobs (unknown types are ignored)."""
    errors = {k: v for k, v in (error_types or {}).items() if isinstance(v, (int, float)) and v > 0}
    kinds = set(emphasize)
    knobs = Knobs()
    style = dict(knobs.style_p)
    if category.group.value in ("Live", "Relevance") or category is Category.LIVE_IRRELEVANCE:
        style.update(messy=0.5, verbose=0.35)
    prefer: set[str] = set()
    for error, types in _TYPE_ERRORS.items():
        if error in errors:
            prefer |= types
    for kind, types in _KIND_TYPES.items():
        if kind in kinds:
            prefer |= types
    changes: dict[str, Any] = {"prefer_types": frozenset(prefer), "style_p": style}
    if prefer & {"integer", "number"}:
        style.update(number_words=0.3, units=0.5)
    if {"simple_function_checker:missing_required", "simple_function_checker:missing_optional"} & set(errors) \
            or "missing_required_parameter" in kinds:  # fmt: skip
        changes.update(min_required=2, min_required_share=1.0)
    if "simple_function_checker:unexpected_param" in errors or "unexpected_parameter" in kinds:
        changes["optional_share"] = 0.15  # fewer stated optionals, more defaults the model must leave out
    if "simple_function_checker:wrong_func_name" in errors or "wrong_function_name" in kinds:
        changes.update(distractors=(2, 3), same_domain_distractors=0.7)
    if any(e.endswith(":wrong_count") for e in errors) or kinds & _CALL_COUNT_KINDS:
        changes["parallel_calls"] = (2, 4)
    if "irrelevance_error:decoder_success" in errors or "called_when_should_abstain" in kinds:
        changes.update(abstain_missing_share=0.45, off_topic_share=0.2)
    if kinds & {"multi_turn_state_mismatch", "multi_turn_response_mismatch", "force_terminated"}:
        changes["turns"] = (4, 6)
    if kinds & {"wrong_string_value"}:
        style.update(indirect=0.4)
    return replace(knobs, **changes)


# --- gaps.json and the category mix --------------------------------------------------------------

SYNTHESIZABLE: tuple[Category, ...] = tuple(c for c in Category if c.group.value != "Agentic")


@dataclass(frozen=True)
class Target:
    category: Category
    weight: float
    knobs: Knobs


def read_gaps(path: Path | str) -> tuple[list[Target], list[str]]:
    """Targets from a gaps.json, read defensively: (targets, notes about what was skipped)."""
    notes: list[str] = []
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot read gaps.json ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("categories"), dict):
        raise ValueError(f"{path}: not a gaps.json document (no 'categories' object)")
    version = document.get("schema_version")
    if version != 1:
        notes.append(f"gaps.json schema_version {version!r} is not 1; reading it as version 1")
    targets: list[Target] = []
    for name, entry in document["categories"].items():
        try:
            category = Category(name)
        except ValueError:
            notes.append(f"unknown category {name!r} ignored")
            continue
        if category not in SYNTHESIZABLE:
            notes.append(f"{name}: no recipe (agentic), weight redistributed")
            continue
        entry = entry if isinstance(entry, dict) else {}
        weight = entry.get("weight", 0)
        weight = float(weight) if isinstance(weight, (int, float)) and weight > 0 else 0.0
        errors = entry.get("error_types") if isinstance(entry.get("error_types"), dict) else {}
        emphasize = [k for k in entry.get("emphasize", []) if isinstance(k, str)] if isinstance(entry.get("emphasize"), list) else []
        targets.append(Target(category, weight, knobs_for(category, errors, emphasize)))
    if not any(t.weight > 0 for t in targets):
        notes.append("no positive weights: uniform over the listed categories")
        targets = [replace(t, weight=1.0) for t in targets]
    return targets, notes


def uniform_targets(categories: Sequence[Category]) -> list[Target]:
    return [Target(c, 1.0, knobs_for(c)) for c in categories if c in SYNTHESIZABLE]


def allocate(targets: Sequence[Target], n: int) -> dict[Category, int]:
    """Largest-remainder split of ``n`` samples by weight (ties broken by BFCL order)."""
    total = sum(t.weight for t in targets)
    if n <= 0 or total <= 0:
        return {}
    quotas = [(t.category, n * t.weight / total) for t in targets]
    counts = {c: int(q) for c, q in quotas}
    order = sorted(quotas, key=lambda cq: (-(cq[1] - int(cq[1])), list(Category).index(cq[0])))
    for category, _ in order[: n - sum(counts.values())]:
        counts[category] += 1
    return {c: k for c, k in counts.items() if k > 0}


def cap_multi_call(targets: Sequence[Target], share: float) -> list[Target]:
    """Scale the multi-call categories (parallel checker) down so that they hold at most ``share`` of
    the targets' total weight, the others unchanged. Gap weights give parallel and parallel_multiple
    half of a Non-Live round by expected gain, but a model that cannot make one right call yet learns
    mostly "call again" from them (over-calling was 17 of 40 simple_python and 21 of 40 multiple
    failures on a CPU loop's report split, bench/results/close_loop/2026-11-26-near-miss/report.md),
    so a cap puts single calls first.

    >>> ts = uniform_targets([Category.SIMPLE_PYTHON, Category.PARALLEL, Category.PARALLEL_MULTIPLE])
    >>> [round(t.weight, 3) for t in cap_multi_call(ts, 0.25)]
    [1.0, 0.167, 0.167]
    >>> [t.weight for t in cap_multi_call(ts, 0.9)]
    [1.0, 1.0, 1.0]
    >>> cap_multi_call(ts, 1.5)
    Traceback (most recent call last):
    ValueError: the multi-call share must be between 0 and 1, not 1.5
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"the multi-call share must be between 0 and 1, not {share!r}")
    multi = sum(t.weight for t in targets if t.category.checker is Checker.PARALLEL)
    rest = sum(t.weight for t in targets) - multi
    if rest <= 0 or multi <= share * (multi + rest):
        return list(targets)
    factor = share * rest / ((1.0 - share) * multi)
    return [replace(t, weight=t.weight * factor) if t.category.checker is Checker.PARALLEL else t for t in targets]


def with_near_miss(targets: Sequence[Target], share: float) -> list[Target]:
    """Every target's knobs with ``Knobs.near_miss_share`` set (unchanged at 0, the default)."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"the near-miss share must be between 0 and 1, not {share!r}")
    if not share:
        return list(targets)
    return [replace(t, knobs=replace(t.knobs, near_miss_share=share)) for t in targets]


# --- tool pool -----------------------------------------------------------------------------------

_CHECKABLE_TYPES = {"string", "integer", "number", "boolean", "array", "object"}
_STATEFUL = ("calendar", "cart", "files", "bank")
_ID_LIKE = re.compile(r"(^|_)(id|ids|path|file|filename|account|account_number|event|order)$")


def _simple_schema(schema: dict[str, Any], depth: int = 0) -> bool:
    kind = schema.get("type")
    if kind not in _CHECKABLE_TYPES or depth > 2:
        return False
    if kind == "array":
        items = schema.get("items")
        return isinstance(items, dict) and _simple_schema(items, depth + 1)
    if kind == "object":
        props = schema.get("properties") or {}
        return all(k.isidentifier() and _simple_schema(v, depth + 1) for k, v in props.items())
    return True


class ToolPool:
    """Indexes over the tool set, built once per run."""

    def __init__(self, tools: Sequence[ToolSpec]) -> None:
        self.tools = list(tools)
        self.by_name = {t.name: t for t in self.tools}
        self.checkable = [t for t in self.tools if _checkable(t)]
        self.domains = sorted({t.domain for t in self.tools})
        self.by_domain: dict[str, list[ToolSpec]] = {}
        for spec in self.tools:
            self.by_domain.setdefault(spec.domain, []).append(spec)
        self.stateful: dict[str, list[ToolSpec]] = {}
        for spec in self.tools:
            prefix = (spec.executor or "").split(".", 1)[0]
            if prefix in _STATEFUL:
                self.stateful.setdefault(prefix, []).append(spec)
        self.chainable = [t for t in self.checkable if (t.executor or "").split(".", 1)[0] in ("math", "units", "dates", "strings")]
        self._features = {t.name: _features(t) for t in self.tools}

    def features(self, spec: ToolSpec) -> dict[str, Any]:
        return self._features[spec.name]

    def pick(self, rng: random.Random, knobs: Knobs, candidates: Sequence[ToolSpec] | None = None,
             exclude: Sequence[str] = ()) -> ToolSpec:  # fmt: skip
        """A tool, preferring the knobs' parameter types and required-parameter counts."""
        pool = [t for t in (candidates if candidates is not None else self.checkable) if t.name not in exclude]
        if not pool:
            raise LookupError("no tool fits the recipe")
        scored = pool
        if knobs.min_required and (knobs.min_required_share >= 1.0 or rng.random() < knobs.min_required_share):
            richer = [t for t in pool if self._features[t.name]["required"] >= knobs.min_required]
            scored = richer or pool
        if knobs.prefer_types:
            typed = [t for t in scored if self._features[t.name]["types"] & knobs.prefer_types]
            if typed and rng.random() < 0.75:
                scored = typed
        return scored[rng.randrange(len(scored))]

    def distractors(self, rng: random.Random, target: ToolSpec, count: int, same_domain: float,
                    exclude: Sequence[str] = ()) -> list[ToolSpec]:  # fmt: skip
        chosen: list[ToolSpec] = []
        taken = {target.name, *exclude}
        near = [t for t in self.by_domain.get(target.domain, []) if t.name not in taken and _checkable(t)]
        far = [t for t in self.checkable if t.name not in taken and t.domain != target.domain]
        for _ in range(count):
            source = near if near and rng.random() < same_domain else far or near
            if not source:
                break
            spec = source.pop(rng.randrange(len(source)))
            chosen.append(spec)
        return chosen


def _checkable(spec: ToolSpec) -> bool:
    props = spec.parameters.get("properties") or {}
    # Dotted names ("optics.lens_image") are Python attribute calls, as BFCL's docs and answers use.
    if not props or not all(part.isidentifier() for part in spec.name.split(".")):
        return False
    return all(re.fullmatch(r"[A-Za-z_]\w*", k) and k not in ("from", "class", "import", "lambda", "in", "is")
               and _simple_schema(v) for k, v in props.items())  # fmt: skip


def _features(spec: ToolSpec) -> dict[str, Any]:
    props = spec.parameters.get("properties") or {}
    required = set(spec.parameters.get("required") or [])
    return {"required": len(required), "optional": len(props) - len(required),
            "types": frozenset(str(v.get("type")) for v in props.values())}  # fmt: skip


# --- argument drawing ----------------------------------------------------------------------------


def draw_arguments(spec: ToolSpec, rng: random.Random, knobs: Knobs, *, optional_share: float | None = None,
                   fixed: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    """Gold arguments: every required parameter plus a share of the optional ones, in schema order."""
    props = spec.parameters.get("properties") or {}
    required = set(spec.parameters.get("required") or [])
    share = knobs.optional_share if optional_share is None else optional_share
    out: dict[str, Any] = {}
    for name, schema in props.items():
        if fixed and name in fixed:
            out[name] = fixed[name]
        elif name in required or rng.random() < share:
            value = draw_value(rng, name, schema)
            if "default" in schema and value == schema["default"] and name not in required:
                continue  # stating the default adds nothing; leave it to the possible answer's ""
            out[name] = value
    _order_ranges(out)
    return out


_RANGE_WORDS = (("start", "end"), ("from", "to"), ("from", "until"), ("min", "max"), ("earliest", "latest"),
                ("begin", "end"), ("check_in", "check_out"), ("departure", "return"), ("birth", "on"),
                ("window_start", "window_end"), ("from_servings", "to_servings"))  # fmt: skip
_ORDERED_TEXT = re.compile(r"\d{4}-\d{2}(-\d{2})?(T[\d:]+)?$|\d{1,2}:\d{2}(:\d{2})?$")  # dates and times only


def _order_ranges(arguments: dict[str, Any]) -> None:
    """Independent draws can put an end before its start; swap such pairs (same type only).

    Pairs are found by name: ``start_date``/``end_date``, ``ready_from``/``ready_until``,
    ``min_price``/``max_price`` and the like.
    """
    names = list(arguments)
    for low_word, high_word in _RANGE_WORDS:
        for low in names:
            if low_word not in low:
                continue
            high = low.replace(low_word, high_word, 1)
            a, b = arguments.get(low), arguments.get(high)
            if high == low or b is None or a is None or type(a) is not type(b) or isinstance(a, bool):
                continue
            if isinstance(a, str) and not (_ORDERED_TEXT.match(a) and _ORDERED_TEXT.match(b)):
                continue  # from_unit/to_unit are not a range
            if not isinstance(a, (str, int, float)):
                continue
            try:
                if a > b:
                    arguments[low], arguments[high] = b, a
            except TypeError:
                continue


def cohere(spec: ToolSpec, arguments: dict[str, Any], rng: random.Random, known: dict[str, list[Any]],
           keep: Sequence[str] = (), history: Sequence[tuple[str, dict[str, Any], Any]] = ()) -> dict[str, Any]:  # fmt: skip
    """Make independently drawn values fit together (in place; ``keep`` names bound values).

    A few relations that a real user request would respect: the substring to replace occurs in
    the text, encoded data decodes, an expression uses its variables, matrices have matching
    shapes, a transfer goes between two different accounts, a folder tool gets a folder.
    """
    free = lambda name: name in arguments and name not in keep  # noqa: E731
    op = spec.executor or ""
    text = arguments.get("text")
    if isinstance(text, str) and text.split():
        word = rng.choice(re.findall(r"[A-Za-z]{3,}", text) or text.split())
        for name in ("find", "substring"):
            if free(name):
                arguments[name] = word
        if op == "strings.regex_find" and free("pattern"):
            arguments["pattern"] = rng.choice((word, r"\b\w{5}\b", r"[A-Z][a-z]+"))
    if op == "strings.decode" and free("data"):
        from .server.executors import EXECUTORS, State

        plain = rng.choice(("hello world", "meet at noon", "launch code 42", "see you soon"))
        arguments["data"] = EXECUTORS["strings.encode"](State(), {"text": plain, "scheme": arguments.get("scheme", "base64")})["encoded"]
    if op == "strings.anagram" and free("second") and isinstance(arguments.get("first"), str) and rng.random() < 0.5:
        letters = list(arguments["first"].lower())
        rng.shuffle(letters)
        arguments["second"] = "".join(letters)
    if op == "math.eval" and free("expression"):
        names = list(arguments.get("variables") or {})
        if names:
            arguments["expression"] = f"({names[0]} + 2) * {names[-1]}" if len(names) > 1 else f"{names[0]} * 3 - 1"
    if op in ("math.solve_linear", "math.matmul"):
        n = rng.randint(2, 3)
        row = lambda k: [float(rng.randint(-9, 9)) for _ in range(k)]  # noqa: E731
        if op == "math.solve_linear" and free("coefficients"):
            arguments["coefficients"], arguments["constants"] = [row(n) for _ in range(n)], row(n)
        elif free("left"):
            m = rng.randint(1, 3)
            arguments["left"], arguments["right"] = [row(n) for _ in range(m)], [row(rng.randint(1, 3)) for _ in range(n)]
            width = len(arguments["right"][0])
            arguments["right"] = [r[:width] + row(width - len(r[:width])) for r in arguments["right"]]
    if op == "bank.transfer" and free("to_account") and arguments.get("to_account") == arguments.get("from_account"):
        others = [a for a in known.get("to_account", []) if a != arguments.get("from_account")]
        arguments["to_account"] = rng.choice(others) if others else f"GB{rng.randint(10, 99)}BANK{rng.randint(10**7, 10**8 - 1)}"
    if op.startswith("bank.") and free("currency"):
        arguments["currency"] = "USD"  # the simulated accounts hold dollars
    if op == "calendar.update_event" and isinstance(arguments.get("changes"), dict):
        changes = arguments["changes"]
        if "start" in changes or "end" in changes:  # move both ends, one hour apart
            from datetime import datetime, timedelta

            start = datetime.fromisoformat(str(changes.get("start") or changes.get("end"))[:19])
            changes["start"], changes["end"] = start.isoformat(), (start + timedelta(hours=1)).isoformat()
    if op == "calendar.remove_attendee" and free("email"):  # someone who is actually invited
        event = arguments.get("event_id")
        invited = [a for _t, _a, r in history if isinstance(r, dict) and r.get("event_id") == event
                   for a in r.get("attendees", [])]  # fmt: skip
        invited += [pair.split("|", 1)[1] for pair in known.get("event_attendee", []) if pair.startswith(f"{event}|")]
        if invited:
            arguments["email"] = rng.choice(sorted(set(invited)))
    if op == "cart.add_item" and free("product_id") and known.get("product_in_stock"):
        arguments["product_id"] = rng.choice(known["product_in_stock"])
    if op == "cart.cancel_order" and free("order_id") and known.get("open_order_id"):
        arguments["order_id"] = rng.choice(known["open_order_id"])
    if op == "cart.remove_item" and free("product_id") and known.get("cart_line"):
        arguments["product_id"] = rng.choice(known["cart_line"])
    if op in ("files.list", "files.mkdir", "files.chdir") and free("path"):
        if _phase(spec) == "create":
            arguments["path"] = f"/home/user/{rng.choice(('workbench', 'docs', 'archive'))}/{rng.choice(('q3', 'drafts', 'old', 'photos_2025', 'invoices'))}"
        elif known.get("directory"):
            arguments["path"] = rng.choice(known["directory"])
    return arguments


def possible_answer(spec_doc: dict[str, Any], intent: Intent) -> dict[str, dict[str, list[Any]]]:
    """BFCL's ``{name: {param: [acceptable values]}}`` for one gold call (Python categories).

    A stated value is required (plus its equivalents); an optional parameter with a default that
    was not stated may be omitted or given as its default ("" marks omittable, as in BFCL).
    """
    props = spec_doc["parameters"].get("properties", {})
    required = set(spec_doc["parameters"].get("required", []))
    answer: dict[str, list[Any]] = {}
    for name in props:
        schema = intent.tool.parameters.get("properties", {}).get(name, {})
        if name in intent.accept:
            answer[name] = list(intent.accept[name])
        elif name in intent.arguments:
            value = intent.arguments[name]
            answer[name] = [checker_value(value)]
            if name not in required and schema.get("default") == value:
                answer[name].append("")
        elif name not in required and "default" in schema:
            answer[name] = ["", checker_value(schema["default"])]
    return {spec_doc["name"]: answer}


def checker_value(value: Any) -> Any:
    """A gold value in the possible-answer shape: dicts hold lists of acceptable values per key."""
    if isinstance(value, dict):
        return {k: [v] for k, v in value.items()}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [{k: [x] for k, x in v.items()} for v in value]
    return value


# --- Java / JavaScript ---------------------------------------------------------------------------


def _camel(name: str) -> str:
    toks = tokens(name)
    return toks[0] + "".join(t.title() for t in toks[1:]) if toks else name


def _is_reference(schema: dict[str, Any]) -> bool:
    """An object or a list of objects: a Java/JS question names the variable that holds it
    (BFCL's ``any`` parameters: ``connection=conn``), since a literal's body does not survive
    BFCL's decoders (a Java HashMap's is dropped, JS object keys lose their quotes)."""
    kind = schema.get("type")
    return kind == "object" or (kind == "array" and (schema.get("items") or {}).get("type") == "object")


def _java_js_ready(spec: ToolSpec) -> bool:
    if "." in spec.name:  # the Java/JS rename of a dotted name could not be traced back to its tool
        return False
    props = spec.parameters.get("properties") or {}
    for schema in props.values():
        if _is_reference(schema):
            continue
        if schema.get("type") == "array" and (schema.get("items") or {}).get("type") not in ("string", "integer", "number"):
            return False
    return bool(props)


def _reference_params(spec: ToolSpec) -> list[str]:
    return [p for p, schema in (spec.parameters.get("properties") or {}).items() if _is_reference(schema)]


_VARIABLE_PREFIX = ("", "", "my", "current", "new", "user")
_VARIABLE_SUFFIX = {"object": ("", "Obj", "Config", "Data", "Info"), "array": ("List", "Array", "Items", "")}
_KEYWORDS = frozenset({"default", "class", "new", "function", "var", "let", "const", "this", "return", "switch",
                       "case", "for", "while", "do", "if", "else", "import", "export", "package", "public",
                       "private", "static", "void", "int", "long", "double", "float", "boolean", "char", "null",
                       "true", "false", "try", "catch", "finally", "throw", "delete", "in", "of", "with"})  # fmt: skip


def variable_name(param: str, schema: dict[str, Any], rng: random.Random) -> str:
    """A camelCase variable that could hold this parameter's value in the user's code.

    >>> variable_name("working_hours", {"type": "object"}, random.Random(3))
    'workingHoursInfo'
    >>> variable_name("legs", {"type": "array", "items": {"type": "object"}}, random.Random(1))
    'legsList'
    """
    words = [rng.choice(_VARIABLE_PREFIX), *(tokens(param) or ["value"]),
             rng.choice(_VARIABLE_SUFFIX["array" if schema.get("type") == "array" else "object"])]
    words = [w for w in words if w]
    name = words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:])
    return name + "Value" if name in _KEYWORDS or not name.isidentifier() else name


def _source(value: Any, kind: str, language: Language, rng: random.Random, items: str | None = None) -> tuple[str, Any]:
    """(source text, BFCL-typed declared type) for one value in Java or JavaScript."""
    java = language is Language.JAVA
    if kind == "boolean":
        return ("true" if value else "false"), ("boolean" if java else "Boolean")
    if kind == "integer":
        if java and rng.random() < 0.25:
            return f"{value}L", "long"
        return str(value), "integer"
    if kind == "number":
        text = repr(float(value))
        if java and rng.random() < 0.4:
            return text + "f", "float"
        return text, ("double" if java else "float")
    if kind == "array":
        if items == "string":
            quoted = ", ".join(json.dumps(v, ensure_ascii=False) for v in value)
            return (f"new ArrayList<>(Arrays.asList({quoted}))", "ArrayList") if java else (f"[{quoted}]", "array")
        element = "int" if items == "integer" else "double"
        rendered = ", ".join(str(v) if items == "integer" else repr(float(v)) for v in value)
        return (f"new {element}[]{{{rendered}}}", "Array") if java else (f"[{rendered}]", "array")
    return json.dumps(value, ensure_ascii=False), "String"


def _natural(value: Any, rng: random.Random) -> str:
    """How a BFCL Java/JS question states a value: plain words, strings quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        items = [_natural(v, rng) for v in value]
        return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)
    if isinstance(value, str):
        return rng.choice(("'{}'", '"{}"', "`{}`")).format(value)
    return str(value)


_ITEM_TYPE = {Language.JAVA: {"string": "String", "integer": "integer", "number": "double"},
              Language.JAVASCRIPT: {"string": "String", "integer": "integer", "number": "float"}}  # fmt: skip
_JAVA_CLASS = ("Service", "Manager", "Utils", "Client", "Helper", "Controller")


def to_language(spec: ToolSpec, intent_args: dict[str, Any], language: Language,
                rng: random.Random) -> tuple[ToolSpec, dict[str, Any], Intent]:  # fmt: skip
    """Rename a tool Java/JS style and rewrite its gold call as source text.

    Returns (renamed spec, BFCL-typed doc, intent). The intent's arguments are what BFCL's
    decoder yields for the rendered source (strings); ``spoken`` holds the source itself, and
    ``accept`` the Python values the checker compares after its type conversion.
    """
    props = spec.parameters.get("properties") or {}
    name = _camel(spec.name)
    if language is Language.JAVA:
        name = "".join(t.title() for t in tokens(spec.domain)) + rng.choice(_JAVA_CLASS) + "." + name
    renamed_props: dict[str, Any] = {}
    doc_props: dict[str, Any] = {}
    arguments, spoken, code, accept, variables = {}, {}, {}, {}, {}
    mapping = {p: _camel(p) for p in props}
    for param, schema in props.items():
        new = mapping[param]
        renamed_props[new] = dict(schema)
        kind, items = schema.get("type"), (schema.get("items") or {}).get("type")
        if _is_reference(schema):
            source, declared = variable_name(param, schema, rng), "any"
        elif param in intent_args:
            source, declared = _source(intent_args[param], kind, language, rng, items)
        else:
            source, declared = _source(draw_value(rng, param, schema), kind, language, rng, items)
        doc = {"type": declared, "description": schema.get("description") or param_label(param, schema)}
        if declared in ("ArrayList", "Array", "array"):
            doc["items"] = {"type": _ITEM_TYPE[language][items]}
        if declared in ("integer", "long", "float", "double") and "default" in schema:
            doc["default"] = str(schema["default"])
        doc_props[new] = doc
        if param in intent_args and declared == "any":  # the variable's name, said and called bare
            code[new], arguments[new], accept[new] = source, source, [source]
            variables[source] = intent_args[param]
            spoken[new] = rng.choice(("`{}`", "`{}`", "{}")).format(source)
        elif param in intent_args:
            value = intent_args[param]
            code[new] = source
            spoken[new] = _natural(value, rng)
            # What the decoder hands the checker: a top-level string literal loses its quotes.
            arguments[new] = json.loads(source) if declared == "String" else source
            accept[new] = [value if not isinstance(value, float) or kind != "number" else float(value)]
    required = [mapping[r] for r in spec.parameters.get("required", []) if r in mapping]
    for param in props:
        new = mapping[param]
        if param not in intent_args and new not in required and "default" in props[param]:
            accept[new] = [""]
    renamed = replace(spec, name=name, parameters={"type": "object", "properties": renamed_props, "required": required})
    doc = {"name": name, "description": spec.description, "parameters": {"type": "dict", "properties": doc_props, "required": required}}
    intent = Intent(renamed, arguments, action=action_phrase(spec.description), spoken=spoken, source=code,
                    accept=accept, execute=(spec.name, dict(intent_args)), variables=variables)  # fmt: skip
    return renamed, doc, intent


# --- recipes -------------------------------------------------------------------------------------


@dataclass
class RecipeInput:
    category: Category
    pool: ToolPool
    rng: random.Random
    knobs: Knobs
    known: dict[str, list[Any]] = field(default_factory=dict)  # identifiers the session state holds


def _style(inp: RecipeInput, live: bool = False) -> Style:
    p = dict(inp.knobs.style_p)
    if live:
        p["messy"] = max(p.get("messy", 0.0), 0.5)
    rng = inp.rng
    return Style(**{k: rng.random() < p.get(k, 0.0) for k in ("messy", "verbose", "indirect", "number_words", "units")})


_REFERENCES = frozenset({"event_id", "product_id", "order_id", "account_id", "from_account", "to_account", "payee_id",
                         "card_last4", "code", "currency", "email"})  # fmt: skip
_PATH_NAMES = frozenset({"path", "source", "first", "second", "root", "directory"})


def _refers(spec: ToolSpec, name: str) -> bool:
    """Does this parameter name something that must already exist in the session state?"""
    if name in _REFERENCES:
        return not (name == "email" and _op(spec) != "remove_attendee")
    return name in _PATH_NAMES and _phase(spec) != "create"


def _ground(spec: ToolSpec, arguments: dict[str, Any], inp: RecipeInput) -> dict[str, Any]:
    """Tie drawn values to the session's world: existing accounts, files, events; then cohere."""
    if (spec.executor or "").split(".", 1)[0] in _STATEFUL:
        for name in arguments:
            if inp.known.get(name) and _refers(spec, name):
                arguments[name] = inp.rng.choice(inp.known[name])
    return cohere(spec, arguments, inp.rng, inp.known)


def _intent(spec: ToolSpec, inp: RecipeInput, **kw: Any) -> Intent:
    return Intent(spec, _ground(spec, draw_arguments(spec, inp.rng, inp.knobs, **kw), inp))


def _offer(target: Sequence[ToolSpec], distractors: Sequence[ToolSpec], rng: random.Random) -> list[ToolSpec]:
    tools = list(target) + list(distractors)
    rng.shuffle(tools)
    return tools


def recipe_simple(inp: RecipeInput) -> Plan:
    """One call to the only tool offered (live: messy wording, longer docs, more optionals)."""
    live = inp.category.group.value in ("Live", "Relevance")
    spec = inp.pool.pick(inp.rng, inp.knobs)
    intent = _intent(spec, inp, optional_share=0.6 if live else None)
    return Plan(inp.category, "simple", [_long_doc(spec, inp.rng) if live else spec],
                [TurnPlan("call", [intent])], _style(inp, live))


def recipe_multiple(inp: RecipeInput) -> Plan:
    """One call; the right tool sits among 1-3 distractors (same domain when names get confused)."""
    live = inp.category.group.value == "Live"
    spec = inp.pool.pick(inp.rng, inp.knobs)
    low, high = inp.knobs.distractors
    others = inp.pool.distractors(inp.rng, spec, inp.rng.randint(low, high), inp.knobs.same_domain_distractors)
    intent = _intent(spec, inp, optional_share=0.6 if live else None)
    return Plan(inp.category, "multiple", _offer([spec], others, inp.rng), [TurnPlan("call", [intent])], _style(inp, live))


def recipe_parallel(inp: RecipeInput) -> Plan:
    """The same tool several times in one step, with different values."""
    for _ in range(5):  # a tool whose values keep coming out the same gives way to another
        spec = inp.pool.pick(inp.rng, inp.knobs)
        count = inp.rng.randint(*inp.knobs.parallel_calls)
        share = inp.rng.random() * 0.4
        first = _intent(spec, inp, optional_share=share)
        varied = _varied_intents(spec, first, count, inp) if inp.rng.random() < inp.knobs.compact_parallel else None
        intents = varied or [first]
        for _ in range(count - 1 if varied is None else 0):
            keep = {k: v for k, v in first.arguments.items() if inp.rng.random() < 0.3}
            nxt = Intent(spec, draw_arguments(spec, inp.rng, inp.knobs, optional_share=0.0, fixed=keep))
            for name in first.arguments:  # same parameter set, so "again with ..." reads naturally
                nxt.arguments.setdefault(name, draw_value(inp.rng, name, spec.parameters["properties"][name]))
            nxt.arguments = _ground(spec, {k: nxt.arguments[k] for k in first.arguments}, inp)
            if nxt.arguments != first.arguments and all(nxt.arguments != i.arguments for i in intents):
                intents.append(nxt)
        if len(intents) >= 2:
            break
    else:
        raise LookupError("no tool gave two different parallel calls")
    live = inp.category.group.value == "Live"
    tools = [spec]
    if live and inp.rng.random() < 0.5:
        tools = _offer([spec], inp.pool.distractors(inp.rng, spec, inp.rng.randint(1, 2), 0.3), inp.rng)
    return Plan(inp.category, "parallel", tools, [TurnPlan("call", intents)], _style(inp, live))


def _varied_intents(spec: ToolSpec, first: Intent, count: int, inp: RecipeInput) -> list[Intent] | None:
    """Calls that differ in one argument (``count`` values) or, sometimes, in two (every pair of 2 x 2
    values), the rest shared: "the population of A and B in 2000 and 2010" is four calls. The user
    simulator says the shared values once and lists the varying ones. None when no argument can vary."""
    rng, props = inp.rng, spec.parameters.get("properties", {})
    movable = [n for n, v in first.arguments.items()
               if isinstance(v, (str, int, float)) and not isinstance(v, bool) and not _refers(spec, n)]  # fmt: skip
    if not movable:
        return None
    names = rng.sample(movable, 2) if len(movable) >= 2 and rng.random() < 0.3 else [rng.choice(movable)]
    sizes = [2, 2] if len(names) == 2 else [count]
    columns: list[list[Any]] = []
    for name, size in zip(names, sizes):
        values = [first.arguments[name]]
        for _ in range(12 * size):
            if len(values) == size:
                break
            value = draw_value(rng, name, props[name])
            if value not in values and not isinstance(value, bool):
                values.append(value)
        if len(values) < size:
            return None
        columns.append(values)
    shared = [n for n in first.arguments if n not in names]
    combos = [[a] for a in columns[0]] if len(columns) == 1 else [[a, b] for a in columns[0] for b in columns[1]]
    intents = []
    for combo in combos:
        arguments = {**first.arguments, **dict(zip(names, combo))}
        arguments = cohere(spec, arguments, rng, inp.known, keep=shared)
        if any(arguments[n] != first.arguments[n] for n in shared):
            return None
        intents.append(Intent(spec, arguments))
    if len({json.dumps(i.arguments, sort_keys=True, default=str) for i in intents}) < len(intents):
        return None
    return intents


def recipe_parallel_multiple(inp: RecipeInput) -> Plan:
    """Several different tools (some more than once) in one step, among distractors."""
    count = inp.rng.randint(2, max(2, inp.knobs.parallel_calls[1]))
    chosen: list[ToolSpec] = []
    for _ in range(count):
        chosen.append(inp.pool.pick(inp.rng, inp.knobs, exclude=[t.name for t in chosen]))
    intents = [_intent(spec, inp) for spec in chosen]
    if inp.rng.random() < 0.4:  # one tool used twice, as in BFCL's parallel_multiple
        spec = chosen[0]
        varied = _varied_intents(spec, intents[0], 2, inp) if inp.rng.random() < inp.knobs.compact_parallel else None
        if varied:  # "... for A and B": the shared values said once
            intents[:1] = varied
        else:
            extra = Intent(spec, _ground(spec, draw_arguments(spec, inp.rng, inp.knobs, optional_share=0.0), inp))
            if extra.arguments != intents[0].arguments:
                intents.insert(1, extra)
    # At most 4 tools in all, as BFCL's parallel_multiple entries offer (2-4, bench/results/data_tokens.md).
    spare = inp.rng.randint(0, max(0, min(2, 4 - len(chosen))))
    others = inp.pool.distractors(inp.rng, chosen[0], spare, 0.3, exclude=[t.name for t in chosen])
    live = inp.category.group.value == "Live"
    return Plan(inp.category, "parallel_multiple", _offer(chosen, others, inp.rng),
                [TurnPlan("call", intents)], _style(inp, live))  # fmt: skip


def recipe_irrelevance(inp: RecipeInput) -> Plan:
    """No tool fits (another domain's request, or an off-topic question); live: or info is missing."""
    rng, pool = inp.rng, inp.pool
    live = inp.category is Category.LIVE_IRRELEVANCE
    if live and rng.random() < inp.knobs.abstain_missing_share:
        spec = _with_required(pool, rng, inp.knobs)
        if spec is not None:
            intent = _intent(spec, inp)
            missing = [p for p in spec.parameters.get("required", []) if p in intent.arguments]
            withheld = tuple(rng.sample(missing, k=1 if len(missing) == 1 or rng.random() < 0.7 else 2))
            intent.withheld = withheld
            labels = " and ".join(param_label(p, spec.parameters["properties"][p]) for p in withheld)
            others = pool.distractors(rng, spec, rng.randint(0, 2), 0.2)
            return Plan(inp.category, "irrelevance_missing_info", _offer([spec], others, rng),
                        [TurnPlan("abstain", [intent], reason=f"I need the {labels} before I can {action_phrase(spec.description)}.")],
                        _style(inp, True))  # fmt: skip
    wanted = pool.pick(rng, inp.knobs)
    offered_pool = [t for t in pool.checkable if t.domain != wanted.domain]
    if inp.knobs.near_miss_share and rng.random() < inp.knobs.near_miss_share:
        near = [t for t in pool.by_domain.get(wanted.domain, []) if _near_miss(t, wanted)]
        offered_pool = near or offered_pool
    offered = []
    for _ in range(rng.randint(1, 2) if inp.category is Category.IRRELEVANCE else rng.randint(1, 5)):
        if offered_pool:
            offered.append(offered_pool.pop(rng.randrange(len(offered_pool))))
    if rng.random() < inp.knobs.off_topic_share:
        turn = TurnPlan("abstain", [], reason="that is a general question, not something these functions do.", off_topic=True)
    else:
        intent = _intent(wanted, inp)
        turn = TurnPlan("abstain", [intent], reason=f"none of them can {action_phrase(wanted.description)}.")
    return Plan(inp.category, "irrelevance", [_long_doc(t, rng) if live else t for t in offered], [turn], _style(inp, live))


def _near_miss(tool: ToolSpec, wanted: ToolSpec) -> bool:
    """A tool of the same domain that cannot serve the request: another name and other parameters
    (two names for one quantity or action share their parameters)."""
    return (
        _checkable(tool)
        and tool.name != wanted.name
        and set(tool.parameters.get("properties", {})) != set(wanted.parameters.get("properties", {}))
    )


def _with_required(pool: ToolPool, rng: random.Random, knobs: Knobs) -> ToolSpec | None:
    candidates = [t for t in pool.checkable if pool.features(t)["required"] >= 1]
    return pool.pick(rng, knobs, candidates) if candidates else None


# Share of Java/JS samples whose call passes an object by its variable's name (``any`` parameters).
# BFCL's Java questions do so more often than its JavaScript ones.
REFERENCE_SHARE = {Language.JAVA: 0.5, Language.JAVASCRIPT: 0.3}


def recipe_java_js(inp: RecipeInput) -> Plan:
    """simple_java / simple_javascript: one call, values as Java/JS source strings; a share of
    calls pass an object held in a variable the request names."""
    language = inp.category.language
    plain: list[ToolSpec] = []
    with_reference: list[ToolSpec] = []
    for tool in (t for t in inp.pool.checkable if _java_js_ready(t)):
        (with_reference if _reference_params(tool) else plain).append(tool)
    fixed: dict[str, Any] = {}
    if with_reference and inp.rng.random() < REFERENCE_SHARE[language]:
        spec = inp.pool.pick(inp.rng, inp.knobs, with_reference)
        param = inp.rng.choice(_reference_params(spec))
        # The server still runs the call on a real value: the one the variable holds.
        fixed[param] = draw_value(inp.rng, param, spec.parameters["properties"][param])
    else:
        spec = inp.pool.pick(inp.rng, inp.knobs, plain)
    args = _ground(spec, draw_arguments(spec, inp.rng, inp.knobs, fixed=fixed), inp)
    for key, value in list(args.items()):
        if isinstance(value, str):
            args[key] = _source_safe(value, list_item=False)
        elif isinstance(value, list):
            args[key] = [_source_safe(v, list_item=True) if isinstance(v, str) else v for v in value]
    renamed, doc, intent = to_language(spec, args, language, inp.rng)
    return Plan(inp.category, f"simple_{language.value}", [renamed], [TurnPlan("call", [intent])],
                _style(inp), functions=[doc], variables=intent.variables)  # fmt: skip


def _source_safe(text: str, list_item: bool) -> str:
    """Drop what BFCL's Java/JS value handling cannot round-trip: quotes and backslashes (kept
    escaped), non-ASCII (the Java decoder slices by bytes), and in list items commas and brackets
    (its regexes split on them)."""
    banned = r"[\"'\\,\[\]\{\}]" if list_item else r"[\"'\\]"
    cleaned = re.sub(banned, "", text.encode("ascii", "ignore").decode()).strip()
    return cleaned or "x"


def _long_doc(spec: ToolSpec, rng: random.Random) -> ToolSpec:
    """Live-style docs: long descriptions that list every parameter and its default."""
    if rng.random() < 0.5:
        return spec
    props = spec.parameters.get("properties", {})
    lines = [spec.description, "", "Parameters:"]
    for name, schema in props.items():
        default = f" Defaults to {json.dumps(schema['default'])}." if "default" in schema else ""
        lines.append(f"- {name} ({schema.get('type', 'any')}): {schema.get('description', param_label(name, schema))}.{default}")
    return replace(spec, description="\n".join(lines))


# --- multi-turn ----------------------------------------------------------------------------------

_CREATE = re.compile(r"create|add|write|deposit|open|schedule|save|make|upload|invite|append|book|new")
_READ = re.compile(r"list|get|view|read|balance|transactions|search|find|summary|info|history|status|stat|total|day")
_CHANGE = re.compile(r"update|move|rename|copy|set|reschedule|apply|respond|transfer|pay|withdraw|remind|quantity")
_END = re.compile(r"delete|remove|cancel|clear|checkout|close|order")


def _op(spec: ToolSpec) -> str:
    return (spec.executor or spec.name).split(".", 1)[-1]


def _phase(spec: ToolSpec) -> str:
    op = _op(spec)
    for name, pattern in (("end", _END), ("change", _CHANGE), ("create", _CREATE), ("read", _READ)):
        if pattern.search(op):
            return name
    return "read"


def _reference(name: str, schema: dict[str, Any], rng: random.Random) -> str:
    label = param_label(name, schema)
    return rng.choice((f"the {label} you just got back", f"that same {label}", f"the {label} from before",
                       f"the {label} from the last step"))  # fmt: skip


_FOLDER_OPS = ("files.list", "files.chdir", "files.mkdir")
_RESULT_ALIASES = {"path": ("path", "destination"), "source": ("destination", "path"), "first": ("path", "destination"),
                   "second": ("path", "destination")}  # fmt: skip


def bind_intent(spec: ToolSpec, ctx: Context, knobs: Knobs) -> Intent | None:
    """Gold arguments for a multi-turn step, tied to what already happened.

    An identifier-like parameter takes the value of the same-named field of the latest result
    (the user then refers to it indirectly), else of an earlier call's argument, else a value the
    state is known to hold; values that a delete or move has made stale are skipped. ``None``
    when a required identifier cannot be resolved: the step would only produce an error.
    """
    rng = ctx.rng
    props = spec.parameters.get("properties") or {}
    required = set(spec.parameters.get("required") or [])
    gone = _gone(ctx)
    creates = _phase(spec) == "create" and spec.executor not in ("calendar.add_attendee", "cart.add_item")
    arguments: dict[str, Any] = {}
    references: dict[str, str] = {}
    for name, schema in props.items():
        id_like = bool(_ID_LIKE.search(name)) or name in ctx.known
        if (name in _PATH_NAMES and (creates or spec.executor in _FOLDER_OPS)) or name == "currency" \
                or (name == "email" and not _refers(spec, name)):  # fmt: skip
            id_like = False  # a new file, or a folder: cohere() chooses
        from_result = _latest(ctx, name, schema, True, gone) if id_like else None
        from_args = _latest(ctx, name, schema, False, gone) if id_like else None
        known = [v for v in ctx.known.get(name, []) if v not in gone] if id_like else []
        if name in _PATH_NAMES and id_like:  # a file operation wants a file, not a folder
            folders = set(ctx.known.get("directory", [])) | {"/home/user", "/"}
            from_result = None if from_result in folders else from_result
            from_args = None if from_args in folders else from_args
        if from_result is not None:
            arguments[name] = from_result
            references[name] = _reference(name, schema, rng)
        elif from_args is not None and (name in required or rng.random() < 0.5):
            arguments[name] = from_args
        elif known and (name in required or rng.random() < knobs.optional_share):
            arguments[name] = rng.choice(known)
        elif id_like and name in required and ("id" in tokens(name) or name in _PATH_NAMES):
            return None
        elif id_like and name not in required and (ctx.known.get(name) is not None or "id" in tokens(name)):
            continue  # an optional reference nothing points to: leave it out rather than invent one
        elif name in required or rng.random() < knobs.optional_share * 0.6:
            arguments[name] = draw_value(rng, name, schema)
    _order_ranges(arguments)
    cohere(spec, arguments, rng, ctx.known, keep=list(references), history=ctx.history)
    return Intent(spec, arguments, references=references)


def _gone(ctx: Context) -> set[Any]:
    """Values a successful delete or move made stale (files, events, cancelled orders)."""
    gone: set[Any] = set()
    for _tool, args, result in ctx.history:
        if not isinstance(result, dict):
            continue
        if result.get("deleted") or result.get("cancelled"):
            gone.update(v for k, v in args.items() if k in ("path", "event_id", "order_id") and isinstance(v, str))
        elif "source" in result and "destination" in result and "copied_files" not in result:
            gone.add(result["source"])
            gone.discard(result["destination"])
    return gone


def _latest(ctx: Context, name: str, schema: dict[str, Any], in_results: bool, gone: set[Any]) -> Any:
    keys = _RESULT_ALIASES.get(name, (name,)) if in_results else (name,)
    for _tool, args, result in reversed(ctx.history):
        source = result if in_results else args
        if not isinstance(source, dict):
            continue
        for key in keys:
            value = source.get(key)
            if value is not None and value not in gone and fits(schema, value):
                return value
    return None


def _workflow(tools: Sequence[ToolSpec], knobs: Knobs, turns: int) -> list[IntentSource]:
    """Lazily bound turns: create first, then reads and changes, maybe an end step."""
    by_phase: dict[str, list[ToolSpec]] = {}
    for spec in tools:
        by_phase.setdefault(_phase(spec), []).append(spec)
    order = ["create"] + ["read" if i % 2 else "change" for i in range(turns - 2)] + ["end" if by_phase.get("end") else "read"]

    def make(phase: str) -> IntentSource:
        def source(ctx: Context) -> list[Intent]:
            pool = by_phase.get(phase) or [t for p in ("create", "read", "change") for t in by_phase.get(p, [])]
            candidates = list(pool)
            ctx.rng.shuffle(candidates)
            count = 2 if phase != "end" and ctx.rng.random() < 0.25 else 1  # nothing after a delete
            out: list[Intent] = []
            for spec in candidates + [t for t in tools if t not in candidates]:
                intent = bind_intent(spec, ctx, knobs)
                if intent is not None:
                    out.append(intent)
                if len(out) == count:
                    break
            return out

        return source

    return [make(phase) for phase in order[:turns]]


def recipe_multi_turn(inp: RecipeInput) -> Plan:
    """Stateful workflows over several user turns; miss_param / miss_func / long_context variants."""
    rng, pool, category = inp.rng, inp.pool, inp.category
    domains = sorted(pool.stateful)
    if not domains:
        raise LookupError("multi-turn recipes need stateful tools (calendar, cart, files or bank executors)")
    domain = rng.choice(domains)
    core = list(pool.stateful[domain])
    long_context = category is Category.MULTI_TURN_LONG_CONTEXT
    low, high = inp.knobs.turns
    turns = rng.randint(low + (1 if long_context else 0), high + (2 if long_context else 0))
    extra_domains = [d for d in pool.domains if d != (core[0].domain if core else "")]
    offered = list(core)
    for other in rng.sample(extra_domains, k=min(len(extra_domains), 3 if long_context else rng.randint(0, 1))):
        offered.extend(pool.by_domain[other][: (8 if long_context else 4)])
    held: ToolSpec | None = None
    if category is Category.MULTI_TURN_MISS_FUNC:
        # The missing tool is fixed up front: it must be absent from the tools offered at the start.
        readable = [t for t in core if _phase(t) in ("read", "change")] or core[1:] or core
        held = readable[rng.randrange(len(readable))]
        core = [t for t in core if t.name != held.name] or core
        offered = [t for t in offered if t.name != held.name]
    sources = _workflow(core, inp.knobs, turns)
    plan_turns = [TurnPlan("call", source, sequential=True) for source in sources]
    holdout: dict[int, list[ToolSpec]] = {}
    if category is Category.MULTI_TURN_MISS_PARAM:
        index = rng.randrange(1, len(plan_turns))
        plan_turns[index] = TurnPlan("clarify", _withhold(sources[index], core, inp.knobs), sequential=True)
    elif held is not None:
        index = rng.randrange(1, len(plan_turns))
        plan_turns[index] = TurnPlan("holdout", _only(held, inp.knobs), reason=f"there is no function to {action_phrase(held.description)}.",
                                     sequential=True)  # fmt: skip
        holdout[index] = [held]
    initial = _initial_state(domain, stable_seed(rng.random()), long_context)
    return Plan(category, category.value, offered, plan_turns, _style(inp), holdout=holdout, initial_state=initial,
                knobs={"domain": domain})  # fmt: skip


def _only(spec: ToolSpec, knobs: Knobs) -> IntentSource:
    def source(ctx: Context) -> list[Intent]:
        intent = bind_intent(spec, ctx, knobs)
        if intent is None:  # an identifier nothing produced yet: state it outright
            intent = Intent(spec, draw_arguments(spec, ctx.rng, knobs, optional_share=0.0))
        return [intent]

    return source


def _withhold(source: IntentSource, tools: Sequence[ToolSpec], knobs: Knobs) -> IntentSource:
    """The turn's request leaves out one required value; the assistant must ask for it."""

    def wrapped(ctx: Context) -> list[Intent]:
        intents = source(ctx)
        if not any(_required_stated(i) for i in intents):  # e.g. "list my accounts": nothing to ask
            candidates = [t for t in tools if t.parameters.get("required")]
            ctx.rng.shuffle(candidates)
            for spec in candidates:
                intent = bind_intent(spec, ctx, knobs)
                if intent is not None and _required_stated(intent):
                    intents = [intent]
                    break
        for intent in intents:
            required = _required_stated(intent)
            if required:
                name = ctx.rng.choice(required)
                intent.references.pop(name, None)  # "delete the event" - which one? the user will say
                intent.withheld = (name,)
                break
        return intents

    return wrapped


def _required_stated(intent: Intent) -> list[str]:
    return [p for p in intent.arguments if p in (intent.tool.parameters.get("required") or [])]


def _initial_state(domain: str, seed: int, large: bool) -> dict[str, Any]:
    """The session's starting state; long-context sessions start with a lot of it."""
    from .server.executors import State
    from .server.simulators import enlarge

    world = State(seed=seed).domain(domain)
    if large:
        enlarge(domain, world, random.Random(seed))
    return {domain: world}


RECIPES: dict[Category, Callable[[RecipeInput], Plan]] = {
    Category.SIMPLE_PYTHON: recipe_simple,
    Category.SIMPLE_JAVA: recipe_java_js,
    Category.SIMPLE_JAVASCRIPT: recipe_java_js,
    Category.MULTIPLE: recipe_multiple,
    Category.PARALLEL: recipe_parallel,
    Category.PARALLEL_MULTIPLE: recipe_parallel_multiple,
    Category.IRRELEVANCE: recipe_irrelevance,
    Category.LIVE_SIMPLE: recipe_simple,
    Category.LIVE_MULTIPLE: recipe_multiple,
    Category.LIVE_PARALLEL: recipe_parallel,
    Category.LIVE_PARALLEL_MULTIPLE: recipe_parallel_multiple,
    Category.LIVE_IRRELEVANCE: recipe_irrelevance,
    Category.LIVE_RELEVANCE: recipe_simple,
    Category.MULTI_TURN_BASE: recipe_multi_turn,
    Category.MULTI_TURN_MISS_FUNC: recipe_multi_turn,
    Category.MULTI_TURN_MISS_PARAM: recipe_multi_turn,
    Category.MULTI_TURN_LONG_CONTEXT: recipe_multi_turn,
}


def make_plan(category: Category, pool: ToolPool, rng: random.Random, knobs: Knobs | None = None,
              known: dict[str, list[Any]] | None = None) -> Plan:  # fmt: skip
    plan = RECIPES[category](RecipeInput(category, pool, rng, knobs or knobs_for(category), known or {}))
    plan.knobs = {**(knobs or knobs_for(category)).to_json(), **plan.knobs}
    return plan

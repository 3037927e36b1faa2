"""Reward functions for GRPO, built on the evaluation's own verdict (``bfcl_adapter``).

Every function has trl's reward signature ``f(prompts, completions, **kwargs) -> list[float | None]``;
trl passes the dataset's columns as keyword lists, and we read three of them: ``category`` (a BFCL
category value), ``functions`` (JSON text of the BFCL function docs) and ``possible_answer``
(JSON text of ``[{name: {param: [values]}}]``, ``null`` for irrelevance). Completions may be plain
strings or trl's conversational form ``[{"role": "assistant", "content": ...}]``.

The reward is *gated*:

* the **gate** passes when the completion decodes to a non-empty call list (call samples), or
  makes no call (abstention samples: BFCL's irrelevance categories). A failed gate scores
  ``gate_penalty`` (0 by default) and every other function scores 0 for that completion, so
  nothing can be earned by malformed output; a passed gate scores ``format_bonus`` (0 by default);
* **correctness** is 1 exactly when ``bfcl_adapter.checking.score_case`` says the answer is valid
  (``None``, i.e. "not applicable", on abstention samples);
* **abstention** is 1 for a correct refusal on an abstention sample, 0 when it calls anything
  (``None`` on call samples);
* **partial credit** (function names, required parameters, argument values) is off by default:
  each is a separate function with its own weight, scored with the same checker.

With the defaults the summed reward *is* the evaluation verdict (1 valid, 0 not), so training
optimises what ``harness eval`` reports. Nothing here imports torch.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from typing import Any, Callable, Sequence

from bfcl_adapter.categories import Category, Checker
from bfcl_adapter.checking import check_calls, score_case
from bfcl_adapter.decoding import decode
from bfcl_adapter.types import Call, DecodeError

DECODE_MODES = ("official", "lenient")

RewardFunc = Callable[..., list]


@dataclass(frozen=True)
class RewardConfig:
    """Weights and knobs of the gated reward (recorded in every checkpoint's ``closeloop.json``).

    >>> RewardConfig().weights()
    {'gate': 1.0, 'correctness': 1.0, 'abstention': 1.0}
    >>> RewardConfig(partial_names=0.2).weights()["partial_names"]
    0.2
    """

    gate_penalty: float = 0.0  # reward of a completion that fails the gate (0, or negative)
    format_bonus: float = 0.0  # reward of a completion that passes the gate
    correctness: float = 1.0  # weight of the verdict on call samples
    abstention: float = 1.0  # weight of a correct refusal on abstention samples
    partial_names: float = 0.0  # weight of the share of expected functions called (off)
    partial_required: float = 0.0  # weight of the share of required parameters given (off)
    partial_values: float = 0.0  # weight of the share of argument values the checker accepts (off)
    decode_mode: str = "official"  # the decoder mode the evaluation reports (official | lenient)

    def __post_init__(self) -> None:
        if self.decode_mode not in DECODE_MODES:
            raise ValueError(f"decode_mode must be one of {DECODE_MODES}, not {self.decode_mode!r}")
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "decode_mode" and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise ValueError(f"reward {f.name} must be a number, not {value!r}")
        for name in ("correctness", "abstention", "partial_names", "partial_required", "partial_values"):
            if getattr(self, name) < 0:
                raise ValueError(f"reward {name} must be >= 0")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RewardConfig":
        """Build from a TOML table; an unknown key raises ``KeyError`` naming it."""
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise KeyError(key)
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def weights(self) -> dict[str, float]:
        """Name -> weight of each reward function in use (a zero-weight partial credit is left out)."""
        chosen = {"gate": 1.0, "correctness": self.correctness, "abstention": self.abstention}
        for name in ("partial_names", "partial_required", "partial_values"):
            if getattr(self, name) > 0:
                chosen[name] = getattr(self, name)
        return chosen


# --- parsing the dataset columns ----------------------------------------------------------------


def completion_text(completion: Any) -> str:
    """The text of one completion: a string, or the last message of a conversational completion.

    >>> completion_text("[f(a=1)]")
    '[f(a=1)]'
    >>> completion_text([{"role": "assistant", "content": "[f(a=1)]"}])
    '[f(a=1)]'
    >>> completion_text([{"role": "assistant", "content": [{"type": "text", "text": "hi"}]}])
    'hi'
    """
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        completion = [completion]
    if isinstance(completion, (list, tuple)) and completion:
        content = completion[-1].get("content", "") if isinstance(completion[-1], dict) else completion[-1]
        if isinstance(content, list):
            return "".join(part.get("text", "") for part in content if isinstance(part, dict))
        return "" if content is None else str(content)
    return ""


@lru_cache(maxsize=4096)
def _json(text: str) -> Any:
    return json.loads(text)


def _loaded(value: Any) -> Any:
    """A JSON-text column value as Python (already-parsed values pass through)."""
    if isinstance(value, str):
        return _json(value)
    return value


def _category(value: Any) -> Category:
    return value if isinstance(value, Category) else Category.parse(str(value))


def is_abstention(category: Category | str) -> bool:
    """True for categories that pass when nothing is called (BFCL's irrelevance checker)."""
    return _category(category).checker is Checker.IRRELEVANCE


def is_scorable(category: Category | str) -> bool:
    """True for categories the single-turn verdict can score (AST, irrelevance, relevance)."""
    try:
        cat = _category(category)
    except ValueError:
        return False
    return cat.is_ast or cat.checker in (Checker.IRRELEVANCE, Checker.RELEVANCE)


@dataclass(frozen=True)
class _Case:
    category: Category
    functions: list[dict[str, Any]]
    possible_answer: list[Any] | None


def _cases(n: int, kwargs: dict[str, Any]) -> list[_Case]:
    missing = [k for k in ("category", "functions", "possible_answer") if k not in kwargs]
    if missing:
        raise KeyError(f"reward functions need the dataset columns {missing}")
    out = []
    for i in range(n):
        out.append(_Case(_category(kwargs["category"][i]), _loaded(kwargs["functions"][i]),
                         _loaded(kwargs["possible_answer"][i])))  # fmt: skip
    return out


# --- the gate and the verdict -------------------------------------------------------------------


def _decoded(text: str, case: _Case, mode: str) -> list[Call] | None:
    try:
        return decode(text, case.category.language, mode)
    except DecodeError:
        return None


def passes_gate(text: str, case: _Case, mode: str = "official") -> bool:
    """Call samples: a non-empty call list. Abstention samples: no call (as ``score_case`` sees it)."""
    if case.category.checker is Checker.IRRELEVANCE:
        return score_case(case.category, text, case.functions, case.possible_answer, mode).valid
    calls = _decoded(text, case, mode)
    return bool(calls)


def verdict_valid(text: str, case: _Case, mode: str = "official") -> bool:
    return score_case(case.category, text, case.functions, case.possible_answer, mode).valid


def gate_reward(prompts: Sequence[Any], completions: Sequence[Any], *, config: RewardConfig | None = None,
                **kwargs: Any) -> list[float]:  # fmt: skip
    """``format_bonus`` when the completion passes the gate, ``gate_penalty`` when it does not.

    >>> fn = json.dumps([{"name": "tpl_ping", "description": "", "parameters": {"type": "dict",
    ...     "properties": {"host": {"type": "string", "description": ""}}, "required": ["host"]}}])
    >>> cols = dict(category=["simple_python"] * 3, functions=[fn] * 3, possible_answer=[None] * 3)
    >>> gate_reward([None] * 3, ["[tpl_ping(host='a')]", "I cannot", "[]"], **cols,
    ...             config=RewardConfig(gate_penalty=-1.0))
    [0.0, -1.0, -1.0]
    """
    config = config or RewardConfig()
    cases = _cases(len(completions), kwargs)
    return [config.format_bonus if passes_gate(completion_text(c), case, config.decode_mode) else config.gate_penalty
            for c, case in zip(completions, cases)]  # fmt: skip


def correctness_reward(prompts: Sequence[Any], completions: Sequence[Any], *, config: RewardConfig | None = None,
                       **kwargs: Any) -> list[float | None]:  # fmt: skip
    """1.0 when ``score_case`` judges the answer valid, else 0.0; ``None`` on abstention samples.

    >>> fn = json.dumps([{"name": "tpl_ping", "description": "", "parameters": {"type": "dict",
    ...     "properties": {"host": {"type": "string", "description": ""}}, "required": ["host"]}}])
    >>> answer = json.dumps([{"tpl_ping": {"host": ["example.org"]}}])
    >>> cols = dict(category=["simple_python"] * 3 + ["irrelevance"], functions=[fn] * 4,
    ...             possible_answer=[answer] * 3 + [None])
    >>> correctness_reward([None] * 4, ["[tpl_ping(host='example.org')]", "[tpl_ping(host='x')]",
    ...                    "tpl_ping(host='example.org') and more", "no"], **cols)
    [1.0, 0.0, 0.0, None]
    """
    config = config or RewardConfig()
    out: list[float | None] = []
    for c, case in zip(completions, _cases(len(completions), kwargs)):
        if case.category.checker is Checker.IRRELEVANCE:
            out.append(None)
            continue
        text = completion_text(c)
        ok = passes_gate(text, case, config.decode_mode) and verdict_valid(text, case, config.decode_mode)
        out.append(1.0 if ok else 0.0)
    return out


def abstention_reward(prompts: Sequence[Any], completions: Sequence[Any], *, config: RewardConfig | None = None,
                      **kwargs: Any) -> list[float | None]:  # fmt: skip
    """1.0 for a refusal on an abstention sample, 0.0 for calling anything; ``None`` on call samples.

    >>> fn = json.dumps([{"name": "tpl_ping", "description": "", "parameters": {"type": "dict",
    ...     "properties": {"host": {"type": "string", "description": ""}}, "required": ["host"]}}])
    >>> cols = dict(category=["irrelevance", "irrelevance", "simple_python"], functions=[fn] * 3,
    ...             possible_answer=[None, None, "[]"])
    >>> abstention_reward([None] * 3, ["None of the functions can help.", "[tpl_ping(host='a')]", "x"], **cols)
    [1.0, 0.0, None]
    """
    config = config or RewardConfig()
    out: list[float | None] = []
    for c, case in zip(completions, _cases(len(completions), kwargs)):
        if case.category.checker is not Checker.IRRELEVANCE:
            out.append(None)
            continue
        out.append(1.0 if verdict_valid(completion_text(c), case, config.decode_mode) else 0.0)
    return out


# --- partial credit (off by default) ------------------------------------------------------------


def _expected(case: _Case) -> list[tuple[str, dict[str, list[Any]]]]:
    """The possible answer as (function name, {param: acceptable values}) pairs."""
    answer = case.possible_answer or []
    return [(name, params) for item in answer for name, params in item.items()]


def _doc(case: _Case, name: str) -> dict[str, Any] | None:
    return next((d for d in case.functions if d.get("name") == name), None)


def _match_calls(calls: list[Call], expected: list[tuple[str, dict]],
                 score: Callable[[Call, tuple[str, dict]], float] = lambda c, w: 1.0,
                 ) -> list[tuple[Call, tuple[str, dict], float]]:  # fmt: skip
    """Pair each expected call (in answer order) with the unused decoded call of the same name
    that scores best (the first on ties), as BFCL's parallel checker pairs them greedily."""
    pairs, used = [], set()
    for want in expected:
        best, best_score = None, -1.0
        for i, call in enumerate(calls):
            if i in used or call.name != want[0]:
                continue
            value = score(call, want)
            if value > best_score:
                best, best_score = i, value
        if best is not None:
            used.add(best)
            pairs.append((calls[best], want, best_score))
    return pairs


def _partial(text: str, case: _Case, config: RewardConfig, part: str) -> float | None:
    if case.category.checker is Checker.IRRELEVANCE or not case.category.is_ast:
        return None
    calls = _decoded(text, case, config.decode_mode)
    if not calls:
        return 0.0
    expected = _expected(case)
    if not expected:
        return None
    if part == "names":
        # Matched names over the larger of (expected, made): extra calls cost as much as missing ones.
        return len(_match_calls(calls, expected)) / max(len(expected), len(calls))

    def score(call: Call, want: tuple[str, dict]) -> float:
        doc = _doc(case, want[0])
        if doc is None:
            return 0.0
        if part == "required":
            required = list(doc.get("parameters", {}).get("required", []))
            return 1.0 if not required else sum(p in call.arguments for p in required) / len(required)
        return _value_share(call, doc, want[1], case)

    # Unmatched expected calls count as 0.
    return sum(s for _, _, s in _match_calls(calls, expected, score)) / len(expected)


def _value_share(call: Call, doc: dict[str, Any], answer: dict[str, list[Any]], case: _Case) -> float:
    """Share of the expected parameters whose given value the checker accepts, one parameter at a time.

    Each parameter is judged by ``check_calls`` on a one-parameter view of the doc, the call and the
    answer, so types, string normalisation and the "variable" rule are exactly the evaluation's.
    """
    if not answer:
        return 1.0
    properties = doc.get("parameters", {}).get("properties", {})
    good = 0
    for param, acceptable in answer.items():
        if param not in call.arguments:
            good += "" in acceptable  # an omittable parameter left out is right
            continue
        if param not in properties:
            continue
        view_doc = {**doc, "parameters": {**doc["parameters"], "properties": {param: properties[param]},
                                          "required": [param]}}  # fmt: skip
        view_call = Call(call.name, {param: call.arguments[param]})
        view_answer = [{doc["name"]: {param: acceptable}}]
        try:
            verdict = check_calls(_single_category(case.category), [view_call], [view_doc], view_answer)
        except Exception:  # a value the checker cannot convert (Java/JS) earns nothing
            continue
        good += verdict.valid
    return good / len(answer)


def _single_category(category: Category) -> Category:
    """The one-call category of the same language (the per-parameter view has one call)."""
    from bfcl_adapter.categories import Language

    return {Language.PYTHON: Category.SIMPLE_PYTHON, Language.JAVA: Category.SIMPLE_JAVA,
            Language.JAVASCRIPT: Category.SIMPLE_JAVASCRIPT}[category.language]  # fmt: skip


def _partial_func(part: str) -> RewardFunc:
    def reward(prompts: Sequence[Any], completions: Sequence[Any], *, config: RewardConfig | None = None,
               **kwargs: Any) -> list[float | None]:  # fmt: skip
        config = config or RewardConfig()
        out = []
        for c, case in zip(completions, _cases(len(completions), kwargs)):
            text = completion_text(c)
            if not passes_gate(text, case, config.decode_mode):
                out.append(None if case.category.checker is Checker.IRRELEVANCE else 0.0)
                continue
            out.append(_partial(text, case, config, part))
        return out

    reward.__name__ = f"partial_{part}_reward"
    reward.__doc__ = f"Partial credit ({part}) in [0, 1]; None on abstention samples."
    return reward


partial_names_reward = _partial_func("names")
partial_required_reward = _partial_func("required")
partial_values_reward = _partial_func("values")
partial_names_reward.__doc__ = """Share of the expected functions called (extra calls count against it).

    >>> fn = json.dumps([{"name": "tpl_ping", "description": "", "parameters": {"type": "dict",
    ...     "properties": {"host": {"type": "string", "description": ""}}, "required": ["host"]}}])
    >>> answer = json.dumps([{"tpl_ping": {"host": ["a"]}}, {"tpl_ping": {"host": ["b"]}}])
    >>> partial_names_reward([None], ["[tpl_ping(host='a')]"], category=["parallel"], functions=[fn],
    ...                      possible_answer=[answer])
    [0.5]
    """
partial_values_reward.__doc__ = """Share of expected argument values the checker accepts, per parameter.

    >>> fn = json.dumps([{"name": "tpl_move", "description": "", "parameters": {"type": "dict",
    ...     "properties": {"x": {"type": "integer", "description": ""}, "y": {"type": "integer",
    ...     "description": ""}}, "required": ["x", "y"]}}])
    >>> answer = json.dumps([{"tpl_move": {"x": [1], "y": [2]}}])
    >>> partial_values_reward([None], ["[tpl_move(x=1, y=5)]"], category=["simple_python"], functions=[fn],
    ...                       possible_answer=[answer])
    [0.5]
    """


# --- assembling the functions trl receives ------------------------------------------------------

_FUNCS: dict[str, RewardFunc] = {
    "gate": gate_reward,
    "correctness": correctness_reward,
    "abstention": abstention_reward,
    "partial_names": partial_names_reward,
    "partial_required": partial_required_reward,
    "partial_values": partial_values_reward,
}


def _bound(name: str, config: RewardConfig) -> RewardFunc:
    func = _FUNCS[name]

    def reward(prompts: Sequence[Any], completions: Sequence[Any], **kwargs: Any) -> list:
        kwargs.pop("config", None)
        return func(prompts, completions, config=config, **kwargs)

    reward.__name__ = name  # trl logs rewards/<__name__>/mean
    reward.__doc__ = func.__doc__
    return reward


def build_reward_funcs(config: RewardConfig | None = None) -> tuple[list[RewardFunc], list[float]]:
    """The reward functions and their weights, ready for ``GRPOTrainer(reward_funcs=...)`` /
    ``GRPOConfig(reward_weights=...)``.

    >>> funcs, weights = build_reward_funcs()
    >>> [f.__name__ for f in funcs], weights
    (['gate', 'correctness', 'abstention'], [1.0, 1.0, 1.0])
    """
    config = config or RewardConfig()
    chosen = config.weights()
    return [_bound(name, config) for name in chosen], list(chosen.values())


def total_rewards(completions: Sequence[Any], config: RewardConfig | None = None, **columns: Any) -> list[float]:
    """The summed reward trl computes (weights times values, a ``None`` counting as 0).

    >>> fn = json.dumps([{"name": "tpl_ping", "description": "", "parameters": {"type": "dict",
    ...     "properties": {"host": {"type": "string", "description": ""}}, "required": ["host"]}}])
    >>> answer = json.dumps([{"tpl_ping": {"host": ["a"]}}])
    >>> total_rewards(["[tpl_ping(host='a')]", "[tpl_ping(host='b')]", "nope", "nope"],
    ...               category=["simple_python"] * 3 + ["irrelevance"], functions=[fn] * 4,
    ...               possible_answer=[answer] * 3 + [None])
    [1.0, 0.0, 0.0, 1.0]
    """
    funcs, weights = build_reward_funcs(config)
    prompts = [None] * len(completions)
    totals = [0.0] * len(completions)
    for func, weight in zip(funcs, weights):
        for i, value in enumerate(func(prompts, completions, **columns)):
            if value is not None:
                totals[i] += weight * value
    return totals

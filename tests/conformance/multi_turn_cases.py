"""Generate the multi-turn conformance corpus (``data/multi_turn_cases.jsonl.gz``).

Run from the repository root with the project's virtualenv::

    .venv/bin/python -m tests.conformance.multi_turn_cases
    .venv/bin/python -m tests.conformance.multi_turn_cases --per-category 50 --out /tmp/mt.jsonl.gz

For every entry of the four multi-turn categories it writes model results in BFCL's format (one
list per turn of raw step outputs) built from the entry's ground truth:

* ``gt``: each turn's calls as one prompting-style step, then a step without calls that ends
  the turn (``""`` or prose, alternating); a turn with empty ground truth gets prose only;
* ``gt_stepwise``: one step per call, then the closing step;
* ``drop_call``: one call left out; ``wrong_arg``: one argument value changed;
  ``extra_call``: a state-changing call added to one turn; ``moved_call``: a call moved to the
  next or previous turn (for miss_func / miss_param: often the answer given in the turn that
  cannot be answered yet); ``empty_turn``: one turn answered with prose only;
* ``quirks``: the ground truth plus steps that exercise BFCL's decode-execute corner cases
  (see :func:`quirk_steps`);
* ``fc_gt`` and ``fc_wrong_arg``: the same in Qwen's ``<tool_call>`` format (our ``mode="fc"``
  against BFCL's ``QwenFCHandler``);
* a few per category: ``force_terminated`` (a turn missing), ``inference_error`` (not a list).

Calls are rendered from the ground truth's strings: positional arguments are given their
parameter names (from the back-end method's signature), since BFCL's decoder drops positional
arguments. Everything is deterministic (a seeded ``random.Random`` per entry).
The official verdicts come from ``multi_turn_oracle.py``.
"""

from __future__ import annotations

import argparse
import ast
import copy
import gzip
import inspect
import json
import random
import zlib
from pathlib import Path
from typing import Any

from bfcl_adapter.categories import MULTI_TURN_CATEGORIES
from bfcl_adapter.data import Entry, load_entries
from bfcl_adapter.fc import calls_to_python_call_list, calls_to_tool_call_text
from bfcl_adapter.multi_turn._backends import backend_class, involved_classes
from bfcl_adapter.types import Call

DEFAULT_SEED = 20260323
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data" / "multi_turn_cases.jsonl.gz"

PROSE = [
    "I have completed the requested operations.",
    "I cannot complete this request: a required parameter is missing. Could you provide it?",
    "None of the available functions can do that.",
]

# One state-changing call per back-end class (MathAPI has no state: its call only adds output).
EXTRA_CALLS: dict[str, Call] = {
    "GorillaFileSystem": Call("mkdir", {"dir_name": "closeloop_extra"}),
    "MathAPI": Call("add", {"a": 1.5, "b": 2.0}),
    "MessageAPI": Call("add_contact", {"user_name": "closeloop_extra"}),
    "TwitterAPI": Call("follow_user", {"username_to_follow": "closeloop_extra"}),
    "TicketAPI": Call("create_ticket", {"title": "closeloop extra ticket", "priority": 2}),
    "TradingBot": Call("fund_account", {"amount": 10.0}),
    "TravelAPI": Call("get_budget_fiscal_year", {}),
    "VehicleControlAPI": Call("setHeadlights", {"mode": "on"}),
}


def parse_ground_truth_call(text: str, entry: Entry) -> Call:
    """A ground-truth call string as a keyword-only Call (positional args named by the signature)."""
    node = ast.parse(text, mode="eval").body
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name), text
    name = node.func.id
    arguments: dict[str, Any] = {}
    if node.args:
        params = _parameters(name, entry)
        for param, arg in zip(params, node.args):
            arguments[param] = ast.literal_eval(arg)  # the data file's own literals
    for keyword in node.keywords:
        arguments[keyword.arg] = ast.literal_eval(keyword.value)
    return Call(name, arguments)


def _parameters(method: str, entry: Entry) -> list[str]:
    for class_name in involved_classes(entry):
        function = getattr(backend_class(class_name), method, None)
        if function is not None:
            return [p for p in inspect.signature(function).parameters if p != "self"]
    raise KeyError(f"{entry.id}: no back-end method {method}")


def _closing(rng: random.Random) -> str:
    return rng.choice(["", PROSE[0], "[]"])


def render(turns: list[list[Call]], rng: random.Random, *, stepwise: bool = False, fc: bool = False) -> list[list[str]]:
    result = []
    for calls in turns:
        if not calls:
            result.append([rng.choice(PROSE[1:])])
            continue
        to_text = calls_to_tool_call_text if fc else calls_to_python_call_list
        steps = [to_text([c]) for c in calls] if stepwise else [to_text(calls)]
        result.append(steps + [PROSE[0] if fc else _closing(rng)])
    return result


def _nonempty_turns(turns: list[list[Call]]) -> list[int]:
    return [i for i, t in enumerate(turns) if t]


def _prefer_long(turns: list[list[Call]], rng: random.Random) -> int:
    """A turn with calls, preferably one that keeps a call after losing one."""
    long = [i for i, t in enumerate(turns) if len(t) > 1]
    return rng.choice(long if long and rng.random() < 0.8 else _nonempty_turns(turns))


def mutate_drop(turns, rng, entry):
    turns = copy.deepcopy(turns)
    t = _prefer_long(turns, rng)
    del turns[t][rng.randrange(len(turns[t]))]
    return turns


def _changed(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice([1, 2, 10])
    if isinstance(value, float):
        return value + rng.choice([0.5, 1.0, 12.25])
    if isinstance(value, str):
        return rng.choice([value + "_x", value.upper() if value != value.upper() else value + "2", "wrong"])
    if isinstance(value, list):
        return value[:-1] if value else ["x"]
    if isinstance(value, dict):
        return {**value, "closeloop": 1}
    return value


def mutate_wrong_arg(turns, rng, entry):
    turns = copy.deepcopy(turns)
    spots = [(t, i) for t, calls in enumerate(turns) for i, c in enumerate(calls) if c.arguments]
    if not spots:
        return None
    t, i = rng.choice(spots)
    call = turns[t][i]
    key = rng.choice(list(call.arguments))
    arguments = dict(call.arguments)
    arguments[key] = _changed(arguments[key], rng)
    turns[t][i] = Call(call.name, arguments)
    return turns


def mutate_extra(turns, rng, entry):
    turns = copy.deepcopy(turns)
    classes = [c for c in involved_classes(entry) if c != "MathAPI"] or involved_classes(entry)
    extra = EXTRA_CALLS[rng.choice(classes)]
    t = rng.choice(_nonempty_turns(turns))
    turns[t].insert(rng.randrange(len(turns[t]) + 1), extra)
    return turns


def mutate_move(turns, rng, entry):
    turns = copy.deepcopy(turns)
    empty = [i for i, t in enumerate(turns) if not t and i + 1 < len(turns) and turns[i + 1]]
    if empty and rng.random() < 0.6:
        # answer early, in the turn that cannot be answered yet (miss_param / miss_func)
        i = rng.choice(empty)
        turns[i], turns[i + 1] = turns[i + 1], []
        return turns
    pairs = [i for i in range(len(turns) - 1) if turns[i] or turns[i + 1]]
    if not pairs:
        return None
    keeping = [i for i in pairs if len(turns[i]) > 1 or len(turns[i + 1]) > 1]
    i = rng.choice(keeping if keeping and rng.random() < 0.8 else pairs)
    if len(turns[i]) > 1 or (turns[i] and not turns[i + 1]) or (turns[i] and rng.random() < 0.5):
        turns[i + 1].insert(0, turns[i].pop())  # last call of turn i, first of turn i+1
    else:
        turns[i].append(turns[i + 1].pop(0))
    return turns


def mutate_empty_turn(turns, rng, entry):
    turns = copy.deepcopy(turns)
    turns[rng.choice(_nonempty_turns(turns))] = []
    return turns


def quirk_steps(entry: Entry, rng: random.Random) -> list[str]:
    """Steps that exercise BFCL's decode-execute quirks; each is harmless in BFCL's ``eval``.

    Unknown names, ``inf``, refused names, ``**`` (a syntax error once rendered), an empty dict
    argument (the whole step fails to decode, so its state-changing call must not run), nested
    calls rendered from ``{name: {args}}`` values, dict keys written between quotes,
    positional arguments (dropped), attribute chains.
    """
    classes = involved_classes(entry)
    methods = [doc for c in classes for doc in (_docs_of(c))]
    m = rng.choice(methods)
    m2 = rng.choice(methods)
    extra = EXTRA_CALLS[rng.choice([c for c in classes if c != "MathAPI"] or classes)]
    extra_text = calls_to_python_call_list([extra])[1:-1]
    steps = [
        "[closeloop_undefined_function(a=1)]",
        f"[{m}(value=1e999)]",
        f"[{m}(values=[1, -1e999])]",
        "[kill(pid=1), os.remove(path='x'), math.sqrt(x=4.0)]",
        f"[{m}(**{{'a': 1}})]",
        f"[{extra_text}, {m}(options={{}})]",
        f"[{m}(arg={m2}(closeloop=1))]",
        f"[{m}('positional only')]",
        "[a.__class__(x=1), cd.__globals__(y=2)]",
        f"[{m}(z=(1+2j), w=b'raw', s={{True: 'a', 2: [1, 2], 'k': {{'n': None}}}})]",
    ]
    if "GorillaFileSystem" in classes:
        steps += [
            "[echo(content={True: 'a', 2: [1, 2.5], 'k': {'n': None}})]",
            "[echo(content={'ls': {'a': True}})]",
            "[echo(content=ls(a=True))]",
            "[pwd(), ls(a=True), cat(file_name='notes.txt')]",
        ]
    if "MathAPI" in classes:
        steps += ["[absolute_value(number=(1+2j)), add(a=add(a=1, b=2), b=3)]", "[mean(numbers=[1, 2.5, -3])]"]
    return rng.sample(steps, k=min(4, len(steps)))


def _docs_of(class_name: str) -> list[str]:
    from bfcl_adapter.multi_turn import class_function_docs

    return [doc["name"] for doc in class_function_docs(class_name)]


def render_with_quirks(truth: list[list[Call]], rng: random.Random, entry: Entry) -> list[list[str]]:
    result = render(truth, rng, stepwise=rng.random() < 0.5)
    for step in quirk_steps(entry, rng):
        turn = result[rng.choice(_nonempty_turns(truth))]
        turn.insert(rng.randrange(len(turn)), step)  # before the closing step
    return result


MUTATIONS = {
    "drop_call": mutate_drop,
    "wrong_arg": mutate_wrong_arg,
    "extra_call": mutate_extra,
    "moved_call": mutate_move,
    "empty_turn": mutate_empty_turn,
}


def cases_for(entry: Entry, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed ^ zlib.crc32(entry.id.encode()))
    truth = [[parse_ground_truth_call(s, entry) for s in turn] for turn in entry.possible_answer]
    out: list[tuple[str, str, Any]] = [
        ("gt", "prompting", render(truth, rng)),
        ("gt_stepwise", "prompting", render(truth, rng, stepwise=True)),
    ]
    for name, mutate in MUTATIONS.items():
        turns = mutate(truth, rng, entry)
        if turns is not None:
            out.append((name, "prompting", render(turns, rng, stepwise=rng.random() < 0.3)))
    out.append(("quirks", "prompting", render_with_quirks(truth, rng, entry)))
    out.append(("fc_gt", "fc", render(truth, rng, fc=True)))
    turns = mutate_wrong_arg(truth, rng, entry)
    if turns is not None:
        out.append(("fc_wrong_arg", "fc", render(turns, rng, fc=True)))
    number = int(entry.id.rsplit("_", 1)[1])
    if number % 40 == 0:
        out.append(("force_terminated", "prompting", render(truth, rng)[:-1]))
    if number % 40 == 1:
        out.append(("inference_error", "prompting", "Error: the model server timed out."))
    return [
        {"case": f"{entry.id}:{mutation}", "category": entry.category.value, "id": entry.id,
         "mutation": mutation, "style": style, "result": result}
        for mutation, style, result in out
    ]  # fmt: skip


def write_jsonl_gz(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(
        filename=path.name.removesuffix(".gz"), mode="wb", fileobj=raw, mtime=0, compresslevel=9
    ) as gz:
        for row in rows:
            gz.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--per-category", type=int, default=None, help="first N entries of each category")
    args = ap.parse_args(argv)
    rows = []
    for category in MULTI_TURN_CATEGORIES:
        for entry in load_entries(category)[: args.per_category]:
            rows.extend(cases_for(entry, args.seed))
    write_jsonl_gz(args.out, rows)
    print(f"{len(rows)} cases -> {args.out} ({args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

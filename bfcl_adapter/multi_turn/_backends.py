"""The stateful back-ends of BFCL's multi-turn categories, loaded from the installed ``bfcl_eval``.

The classes themselves (``GorillaFileSystem``, ``TwitterAPI``, ...) are imported at run time from
``bfcl_eval/eval_checker/multi_turn_eval/func_source_code``: they *are* the environment the
leaderboard scores against, so we use them rather than a copy. What is ours: which module holds
which class, how an entry's instances are created and loaded, which function docs an entry shows
to the model (with miss_func's held-out docs taken out), and the state comparison.

Behaviour follows bfcl-eval 2026.3.23: ``constants/executable_backend_config.py`` (class ->
module, class -> doc file, stateless classes), ``utils.populate_test_cases_with_predefined_functions``
(the docs of an entry) and ``multi_turn_utils.execute_multi_turn_func_call`` (a class instance is
created, and unless it is stateless loaded with ``_load_scenario(deepcopy(config),
long_context=...)``).
"""

from __future__ import annotations

import copy
import importlib
import inspect
import json
from functools import lru_cache
from typing import Any

from ..categories import Category
from ..data import Entry, default_data_dir

_PREFIX = "bfcl_eval.eval_checker.multi_turn_eval.func_source_code"

# class name -> (module under func_source_code, function-doc file under data/multi_turn_func_doc)
BACKEND_CLASSES: dict[str, tuple[str, str]] = {
    "GorillaFileSystem": ("gorilla_file_system", "gorilla_file_system.json"),
    "MathAPI": ("math_api", "math_api.json"),
    "MessageAPI": ("message_api", "message_api.json"),
    "TwitterAPI": ("posting_api", "posting_api.json"),
    "TicketAPI": ("ticket_api", "ticket_api.json"),
    "TradingBot": ("trading_bot", "trading_bot.json"),
    "TravelAPI": ("travel_booking", "travel_booking.json"),
    "VehicleControlAPI": ("vehicle_control", "vehicle_control.json"),
}

# Classes without a scenario: BFCL never calls ``_load_scenario`` on them.
STATELESS_CLASSES: frozenset[str] = frozenset({"MathAPI"})


class BackendError(ValueError):
    """An entry names a back-end class that the multi-turn categories do not have."""


def module_name(class_name: str) -> str:
    try:
        return f"{_PREFIX}.{BACKEND_CLASSES[class_name][0]}"
    except KeyError:
        raise BackendError(
            f"unknown multi-turn back-end class {class_name!r}; known: {', '.join(BACKEND_CLASSES)}"
        ) from None


def backend_class(class_name: str) -> type:
    return getattr(importlib.import_module(module_name(class_name)), class_name)


@lru_cache(maxsize=None)
def _class_docs(class_name: str) -> tuple[str, ...]:
    """The class's function docs, one JSON text per doc (kept as text so callers get fresh copies)."""
    if class_name not in BACKEND_CLASSES:
        module_name(class_name)  # raises BackendError
    path = default_data_dir() / "multi_turn_func_doc" / BACKEND_CLASSES[class_name][1]
    with path.open(encoding="utf-8") as handle:
        return tuple(line for line in (raw.strip() for raw in handle) if line)


def class_function_docs(class_name: str) -> list[dict[str, Any]]:
    """All function docs of one back-end class, in file order (fresh objects on every call)."""
    return [json.loads(text) for text in _class_docs(class_name)]


def involved_classes(entry: Entry) -> list[str]:
    classes = entry.extra.get("involved_classes")
    if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
        raise BackendError(f"{entry.id}: 'involved_classes' must be a list of class names")
    for name in classes:
        module_name(name)
    return list(classes)


def entry_function_docs(entry: Entry) -> tuple[list[dict[str, Any]], dict[int, list[dict[str, Any]]]]:
    """(docs shown from the start, {turn index: docs held out until that turn}).

    As BFCL builds them: the docs of every involved class in ``involved_classes`` order; for
    miss_func, each name in ``missed_function[turn]`` has its first doc moved, in the order the
    names are listed, from the list into the held-out docs of that turn. Held-out docs are raw:
    BFCL adds the language hint only to the docs left in the list.
    """
    docs: list[dict[str, Any]] = []
    for class_name in involved_classes(entry):
        docs.extend(class_function_docs(class_name))
    held_out: dict[int, list[dict[str, Any]]] = {}
    for turn, names in (entry.extra.get("missed_function") or {}).items():
        moved = held_out.setdefault(int(turn), [])
        for name in names:
            for index, doc in enumerate(docs):
                if doc["name"] == name:
                    moved.append(docs.pop(index))
                    break
    return docs, held_out


def all_function_names(entry: Entry) -> frozenset[str]:
    """The names of every doc of the entry's classes, held-out ones included."""
    return frozenset(
        doc["name"] for class_name in involved_classes(entry) for doc in class_function_docs(class_name)
    )


def is_long_context(entry: Entry) -> bool:
    # BFCL: "long_context" in the category part of the id (or "composite", a retired category).
    category = entry.id.rsplit("_", 1)[0]
    return entry.category is Category.MULTI_TURN_LONG_CONTEXT or "long_context" in category or (
        "composite" in category
    )


def load_instances(entry: Entry, shared: dict[int, Any] | None = None) -> dict[str, Any]:
    """Fresh, loaded instances of the entry's classes, keyed by class name, in ``involved_classes`` order.

    Long-context loading merges records held by BFCL's ``long_context`` module into the instance
    *without copying them* (``TravelAPI`` credit cards and bookings): in BFCL every instance of the
    process shares, and mutates, those module-level records. Here each instance gets copies
    instead, so that no run leaks into the next; pass the same ``shared`` dict when loading the
    model's and the ground truth's instances of one check, and they share their copies exactly as
    BFCL's two instances share the originals in a fresh process.
    """
    config = entry.extra.get("initial_config") or {}
    long_context = is_long_context(entry)
    instances: dict[str, Any] = {}
    for class_name in involved_classes(entry):
        instance = backend_class(class_name)()
        if class_name not in STATELESS_CLASSES:
            instance._load_scenario(copy.deepcopy(config.get(class_name, {})), long_context=long_context)
            if long_context:
                _unshare_module_records(instance, {} if shared is None else shared)
        instances[class_name] = instance
    return instances


@lru_cache(maxsize=1)
def _module_records() -> dict[int, Any]:
    """id -> object, for the mutable records of BFCL's ``long_context`` module (and their containers)."""
    module = importlib.import_module(f"{_PREFIX}.long_context")
    records: dict[int, Any] = {}
    for value in vars(module).values():
        if isinstance(value, (dict, list)):
            records[id(value)] = value
            items = value.values() if isinstance(value, dict) else value
            for item in items:
                if isinstance(item, (dict, list)):
                    records[id(item)] = item
    return records


def _unshare_module_records(instance: Any, copies: dict[int, Any]) -> None:
    records = _module_records()

    def private(value: Any) -> Any:
        if records.get(id(value)) is value:
            if id(value) not in copies:
                copies[id(value)] = copy.deepcopy(value)
            return copies[id(value)]
        return value

    for name, value in public_state(instance).items():
        if isinstance(value, dict):
            for key, item in list(value.items()):
                value[key] = private(item)
        elif isinstance(value, list):
            value[:] = [private(item) for item in value]
        setattr(instance, name, private(value))


def public_methods(instance: Any) -> dict[str, Any]:
    """Bound public methods of an instance, as BFCL maps them (``inspect.ismethod``, no ``_`` prefix)."""
    return {
        name: method
        for name, method in inspect.getmembers(instance, predicate=inspect.ismethod)
        if not name.startswith("_")
    }


def public_state(instance: Any) -> dict[str, Any]:
    """The attributes BFCL compares: ``vars(instance)`` without the ``_``-prefixed ones."""
    return {key: value for key, value in vars(instance).items() if not key.startswith("_")}


def compare_instances(model: Any, ground_truth: Any) -> dict[str, dict[str, Any]]:
    """Differences between two instances of one class: {attribute: {"model", "ground_truth"}}.

    Every public attribute of the ground-truth instance is compared with ``!=``, as BFCL's
    ``_compare_instances`` does (private attributes, such as the current directory, are not).
    """
    if type(model) is not type(ground_truth):
        raise TypeError(f"cannot compare a {type(model).__name__} with a {type(ground_truth).__name__}")
    differences: dict[str, dict[str, Any]] = {}
    for name in vars(ground_truth):
        if name.startswith("_"):
            continue
        model_value, truth_value = getattr(model, name), getattr(ground_truth, name)
        if model_value != truth_value:
            differences[name] = {"model": model_value, "ground_truth": truth_value}
    return differences

"""BFCL's multi-turn verdict: ``eval_runner._evaluate_single_multi_turn_entry`` + ``multi_turn_checker``."""

from __future__ import annotations

import collections
import copy
from dataclasses import dataclass, field
from typing import Any

from ..data import Entry
from ..types import Verdict
from ._backends import all_function_names, compare_instances, load_instances, public_state
from ._execute import Executor
from ._steps import decode_turn

INFERENCE_ERROR = "multi_turn:inference_error"
FORCE_TERMINATED = "multi_turn:force_terminated"
EMPTY_TURN = "multi_turn:empty_turn_model_response"
STATE_MISMATCH = "multi_turn:instance_state_mismatch"
RESPONSE_MISMATCH = "multi_turn:execution_response_mismatch"
ERROR_TYPES = (INFERENCE_ERROR, FORCE_TERMINATED, EMPTY_TURN, STATE_MISMATCH, RESPONSE_MISMATCH)

_DETAIL_CHARS = 300


@dataclass(frozen=True)
class GroundTruthRun:
    """The ground truth executed turn by turn: the calls, their result strings, the final instances,
    and (if asked for) each instance's public state after every turn."""

    calls: list[list[str]]
    results: list[list[str]]
    instances: dict[str, Any] = field(repr=False)
    states: list[dict[str, dict[str, Any]]] | None = field(default=None, repr=False)


def ground_truth(entry: Entry) -> list[list[str]]:
    answer = entry.possible_answer
    if not isinstance(answer, list) or not all(isinstance(turn, list) for turn in answer):
        raise ValueError(f"{entry.id}: the multi-turn ground truth is a list of turns of call strings")
    return answer


def execute_ground_truth(entry: Entry, *, with_states: bool = False) -> GroundTruthRun:
    """Run the entry's ground truth on fresh instances, as BFCL's checker does.

    ``with_states``: also keep a deep copy of every instance's public attributes after each
    turn (``states[turn][class_name]``), the reference state the checker compares with.
    """
    executor = Executor(load_instances(entry), all_function_names(entry))
    calls = ground_truth(entry)
    results: list[list[str]] = []
    states: list[dict[str, dict[str, Any]]] | None = [] if with_states else None
    for turn in calls:
        results.append(executor.execute(turn))
        if states is not None:
            states.append(
                {name: copy.deepcopy(public_state(i)) for name, i in executor.instances.items()}
            )
    return GroundTruthRun([list(turn) for turn in calls], results, executor.instances, states)


def decode_result(model_result: list[Any], mode: str = "official") -> list[list[list[str]]]:
    """BFCL's per-turn decoding of a result: each turn's non-empty decoded steps (execution strings)."""
    return [decode_turn(turn, mode) for turn in model_result]


def check_multi_turn(entry: Entry, model_result: Any, *, mode: str = "official") -> Verdict:
    """The official verdict of one multi-turn result.

    ``model_result`` is the ``"result"`` field of a BFCL result line: one list per turn, each the
    step outputs of that turn (raw text; in ``mode="fc"`` also BFCL's ``[{name: arguments}]``
    lists). ``mode`` must be the one the steps were decoded with during inference.
    """
    truth = ground_truth(entry)
    if type(model_result) is not list:
        return Verdict.fail(
            INFERENCE_ERROR,
            "Error during inference phase. Model did not output a list of model responses.",
        )
    if len(model_result) != len(truth):
        return Verdict.fail(
            FORCE_TERMINATED,
            "Model was force-terminated during inference phase. The length of the model result "
            f"turns ({len(model_result)}) does not match the length of the ground truth turns "
            f"({len(truth)}).",
        )
    if not all(isinstance(turn, (list, tuple, str)) for turn in model_result):
        return Verdict.fail(INFERENCE_ERROR, "A turn of the model result is not a list of step outputs.")
    decoded = decode_result(model_result, mode)
    return check_decoded(entry, decoded)


def check_decoded(entry: Entry, decoded: list[list[list[str]]]) -> Verdict:
    """``multi_turn_checker`` on already decoded turns (lists of steps of execution strings)."""
    truth = ground_truth(entry)
    allowed = all_function_names(entry)
    shared: dict[int, Any] = {}
    model = Executor(load_instances(entry, shared), allowed)
    reference = Executor(load_instances(entry, shared), allowed)
    all_model_results: list[str] = []
    for turn_index, truth_calls in enumerate(truth):
        steps = decoded[turn_index]
        for step in steps:
            all_model_results.extend(model.execute(step))
        truth_results = reference.execute(truth_calls)

        if truth_calls and not steps:
            return Verdict.fail(EMPTY_TURN, f"Model response list is empty for turn {turn_index}")
        if not truth_calls:
            # miss_param / miss_func: the model should not manage this turn; BFCL only executes
            # whatever it called, so that the next turn's state check is accurate.
            continue

        for class_name, truth_instance in reference.instances.items():
            differences = compare_instances(model.instances[class_name], truth_instance)
            if differences:
                return Verdict.fail(
                    STATE_MISMATCH,
                    f"Model instance for {class_name} does not match the state with ground truth instance.",
                    f"turn {turn_index}; differing attributes: {', '.join(differences)}",
                )

        missing = _missing(truth_results, all_model_results)
        if missing:
            return Verdict.fail(
                RESPONSE_MISMATCH,
                "Model response execution results so far does not contain all the ground truth "
                f"response execution results for turn {turn_index}.",
                "missing: " + "; ".join(_short(item) for item in missing),
            )
    return Verdict.ok()


def _missing(required: list[str], available: list[str]) -> list[str]:
    """Items of ``required`` not matched one-for-one in ``available`` (BFCL's unordered subsequence)."""
    pool = collections.Counter(available)
    missing = []
    for item in required:
        if pool[item] > 0:
            pool[item] -= 1
        else:
            missing.append(item)
    return missing


def _short(text: str) -> str:
    return text if len(text) <= _DETAIL_CHARS else text[:_DETAIL_CHARS] + "..."

"""The model-free half of BFCL's multi-turn inference loop (``BaseHandler.inference_multi_turn_*``)."""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

from ..data import Entry
from ..types import DecodeError
from ._backends import all_function_names, entry_function_docs, load_instances
from ._execute import Executor
from ._steps import STEP_MODES, decode_step, is_empty_execute_response

# bfcl_eval/constants/default_prompts.py
MAXIMUM_STEP_LIMIT = 20
ADDITIONAL_FUNCTION_PROMPT = "I have updated some more functions you can choose from. What about now?"
ADDITIONAL_FUNCTION_PROMPT_PROMPTING = "{functions}\n" + ADDITIONAL_FUNCTION_PROMPT

STYLES = ("prompting", "fc")
TOOL_MESSAGE_FORMATS = ("tool", "user_repr")


class StepOutcome(NamedTuple):
    decoded_ok: bool  # False: the step did not decode (BFCL ends the turn)
    results: list[str]  # one result string per executed call; [] ends the turn


class MultiTurnSession:
    """One entry's back-end instances and the bookkeeping of BFCL's multi-turn loop.

    ``mode`` is how step outputs are decoded (``"official"``/``"lenient"`` for prompting models,
    ``"fc"`` for ``<tool_call>`` output); ``style`` is which of BFCL's flows the messages follow
    (``"prompting"``: the system prompt lists the functions and held-out docs arrive as text;
    ``"fc"``: tools go separately and held-out docs are added to them). The session records the
    result in BFCL's format (:attr:`result`) as the steps go.
    """

    def __init__(self, entry: Entry, *, mode: str = "official", style: str = "prompting") -> None:
        if mode not in STEP_MODES:
            raise ValueError(f"unknown step mode {mode!r}; use one of {STEP_MODES}")
        if style not in STYLES:
            raise ValueError(f"unknown style {style!r}; use one of {STYLES}")
        self.entry = entry
        self.mode = mode
        self.style = style
        initial, held_out = entry_function_docs(entry)
        self._initial_docs = initial
        self._held_out = held_out
        self._added: list[dict[str, Any]] = []
        self.executor = Executor(load_instances(entry), all_function_names(entry))
        self.result: list[list[Any]] = []  # BFCL's "result": the step outputs of each turn
        self.decoded: list[list[list[str] | None]] = []  # per step: execution strings, None if undecodable
        self.turn_index = -1
        self.steps_in_turn = 0  # steps that executed calls in the current turn
        self.turn_finished = True
        self.force_terminated = False
        self.last_calls: list[str] = []
        self.last_results: list[str] = []

    # --- the entry ---------------------------------------------------------------------------
    @property
    def num_turns(self) -> int:
        return len(self.entry.turns)

    @property
    def instances(self) -> dict[str, Any]:
        return self.executor.instances

    @property
    def finished(self) -> bool:
        """No more turns to run: all were started and the last ended, or the run was force-terminated."""
        return self.force_terminated or (self.turn_index == self.num_turns - 1 and self.turn_finished)

    def initial_functions(self) -> list[dict[str, Any]]:
        """Raw docs shown from the first turn (miss_func's held-out docs left out)."""
        return copy.deepcopy(self._initial_docs)

    def added_functions(self, turn: int) -> list[dict[str, Any]]:
        """Raw docs BFCL adds at the start of ``turn`` (miss_func only; else [])."""
        return copy.deepcopy(self._held_out.get(turn, []))

    def functions(self) -> list[dict[str, Any]]:
        """The docs visible now, as BFCL holds them: the initial ones with the language hint,
        then the held-out ones added so far, raw (BFCL never adds the hint to those)."""
        from ..prompts import preprocess_function_docs

        return preprocess_function_docs(self._initial_docs, self.entry.category) + copy.deepcopy(self._added)

    def tools(self) -> list[dict[str, Any]]:
        """OpenAI-style tools for :meth:`functions` (``"fc"`` style; recompute after a miss_func turn)."""
        from ..fc import functions_to_tools

        return functions_to_tools(self.functions(), self.entry.category, functions_preprocessed=True)

    # --- the loop ----------------------------------------------------------------------------
    def user_turn(self, turn: int) -> list[dict[str, Any]]:
        """Start ``turn``; return the messages to append to the conversation before querying the model.

        Turn 0 in the prompting style carries BFCL's system prompt (a new first message, or
        prepended to the entry's own system message). A miss_func turn whose question is empty
        becomes one user message: in the prompting style the held-out docs (Python ``str`` of the
        list) then a newline and :data:`ADDITIONAL_FUNCTION_PROMPT`; in the fc style the sentence
        alone, with the docs added to :meth:`tools`.
        """
        if self.force_terminated:
            raise RuntimeError("the session was force-terminated; no more turns run")
        if turn != self.turn_index + 1 or turn >= self.num_turns:
            raise ValueError(f"next turn is {self.turn_index + 1} of {self.num_turns}, not {turn}")
        if not self.turn_finished:
            raise RuntimeError(f"turn {self.turn_index} has not ended")
        messages = copy.deepcopy(self.entry.turns[turn])
        if turn in self._held_out:
            if messages:
                raise ValueError(f"{self.entry.id}: a held-out-function turn has a user message")
            held = self.added_functions(turn)
            if self.style == "prompting":
                content = ADDITIONAL_FUNCTION_PROMPT_PROMPTING.format(functions=held)
            else:
                content = ADDITIONAL_FUNCTION_PROMPT
            messages = [{"role": "user", "content": content}]
            self._added.extend(held)
        if turn == 0 and self.style == "prompting":
            from ..prompts import prompting_messages

            messages = prompting_messages(
                messages, self.functions(), self.entry.category, functions_preprocessed=True
            )
        self.turn_index = turn
        self.steps_in_turn = 0
        self.turn_finished = False
        self.result.append([])
        self.decoded.append([])
        self.last_calls, self.last_results = [], []
        return messages

    @staticmethod
    def assistant_message(step_output: str) -> dict[str, Any]:
        """The chat-history message for a step output (BFCL's prompting handlers: the text as is)."""
        return {"role": "assistant", "content": step_output}

    def execute(self, step_output: Any) -> StepOutcome:
        """Record one step output, decode it, and run its calls.

        The turn ends (``turn_finished``) when the output does not decode or decodes to no call;
        after the 21st step with calls in one turn (``count > MAXIMUM_STEP_LIMIT`` in BFCL) the
        whole entry ends, force-terminated.
        """
        if self.turn_finished:
            raise RuntimeError("no turn in progress: call user_turn() first")
        self.result[-1].append(step_output)
        self.last_calls, self.last_results = [], []
        try:
            calls = decode_step(step_output, self.mode)
        except DecodeError:
            self.decoded[-1].append(None)
            self.turn_finished = True
            return StepOutcome(False, [])
        self.decoded[-1].append(calls)
        if is_empty_execute_response(calls):
            self.turn_finished = True
            return StepOutcome(True, [])
        results = self.executor.execute(calls)
        self.last_calls, self.last_results = calls, results
        self.steps_in_turn += 1
        if self.steps_in_turn > MAXIMUM_STEP_LIMIT:
            self.force_terminated = True
            self.turn_finished = True
        return StepOutcome(True, results)

    def tool_messages(self, format: str = "tool") -> list[dict[str, Any]]:
        """The last step's results as chat messages, as BFCL's prompting handlers append them.

        ``"tool"`` (BFCL's local-model handlers, prompting and FC alike): one
        ``{"role": "tool", "name": <execution string>, "content": <result>}`` per call.
        ``"user_repr"`` (BFCL's API prompting handlers): one user message whose content is the
        Python ``repr`` of that list of tool dicts.
        """
        tools = [
            {"role": "tool", "name": call, "content": result}
            for call, result in zip(self.last_calls, self.last_results)
        ]
        if format == "tool":
            return tools
        if format == "user_repr":
            return [{"role": "user", "content": repr(tools)}] if tools else []
        raise ValueError(f"unknown tool message format {format!r}; use one of {TOOL_MESSAGE_FORMATS}")

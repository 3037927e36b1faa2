"""Running a plan as a real session between the three agents.

user simulator -> assistant (gold or checked model calls) -> server (executes) -> tool results
-> assistant text -> next user turn, for as many turns as the recipe asks. The outcome is a list
of events that :mod:`synth.sample` renders twice: as trl messages (function calling) and as
BFCL prompting-format messages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Callable

from bfcl_adapter.categories import Category, Checker, Language
from bfcl_adapter.checking import check_calls
from bfcl_adapter.fc import calls_to_python_call_list
from bfcl_adapter.types import Call

from .agents import Assistant, ServerAgent, Step, UserSimulator
from .recipes import Context, Intent, Plan, TurnPlan, checker_value, possible_answer
from .server.executors import State
from .server.values import stable_seed


@dataclass
class Event:
    kind: str  # user | calls | text
    text: str = ""  # user/assistant text; for calls: the prompting-format rendering
    calls: list[Call] = field(default_factory=list)
    results: list[Any] = field(default_factory=list)  # ToolResult per call
    trainable: bool = True  # False for user turns and scripted notices


@dataclass
class Transcript:
    plan: Plan
    events: list[Event]
    first_intents: list[Intent]  # the first user turn's intents (single-turn possible answers)
    tool_errors: int = 0
    invalid_calls: int = 0  # gold arguments the server rejected: a recipe bug, the sample is dropped
    problems: list[str] = field(default_factory=list)
    turns_run: int = 0
    offered_late: dict[int, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.invalid_calls and not self.problems and self.turns_run == len(self.plan.turns) and any(e.kind != "user" for e in self.events)


class RolePlay:
    """One configured trio; :meth:`run` plays one plan."""

    def __init__(self, user: UserSimulator, assistant: Assistant, server: ServerAgent) -> None:
        self.user, self.assistant, self.server = user, assistant, server

    def run(self, plan: Plan, seed: int) -> Transcript:
        rng = random.Random(seed)
        session = f"sample-{seed:x}"
        initial = plan.initial_state
        lazy = any(callable(turn.intents) for turn in plan.turns)
        known = _known(initial, seed) if lazy else {}
        transcript = Transcript(plan, [], [])
        history: list[tuple[str, dict[str, Any], Any]] = []
        sent_initial = [False]

        def execute(calls: list[Call], intents: list[Intent]) -> list[Any]:
            # The state snapshot travels with the first call only (it seeds the session).
            first = None if sent_initial[0] else initial
            sent_initial[0] = True
            runnable = [Call(*i.execute) if i.execute else c for c, i in zip(calls, intents)]
            results = self.server.execute(runnable, session, first)
            for call, result in zip(runnable, results):
                history.append((call.name, dict(call.arguments), None if result.is_error else result.content))
                if result.is_error:
                    transcript.tool_errors += 1
                    # The server refused the gold call, or an executor crashed: never training data.
                    if str(result.content).startswith(("invalid arguments", "unknown tool", "internal error")):
                        transcript.invalid_calls += 1
            return results

        try:
            for index, turn in enumerate(plan.turns):
                intents = turn.intents(Context(history, known, rng)) if callable(turn.intents) else turn.intents
                if turn.kind != "abstain" and not intents:
                    break  # a lazily bound turn found nothing it could do: the sample is incomplete
                self._turn(plan, index, turn, intents, rng, transcript, execute)
                transcript.turns_run += 1
        finally:
            self.server.close_session(session)
        return transcript

    # --- one user turn -----------------------------------------------------------------------
    def _turn(self, plan: Plan, index: int, turn: TurnPlan, intents: list[Intent], rng: random.Random,
              transcript: Transcript, execute: Callable[[list[Call], list[Intent]], list[Any]]) -> None:  # fmt: skip
        events = transcript.events
        if turn.off_topic:
            events.append(Event("user", self.user.off_topic(rng), trainable=False))
        else:
            utterance = self.user.request(intents, plan.style, rng)
            for position, alternatives in utterance.alternatives.items():
                _accept_more(intents[position], alternatives)
            events.append(Event("user", utterance.text, trainable=False))
        if index == 0:
            transcript.first_intents = intents
        if turn.kind == "abstain":
            events.append(Event("text", self.assistant.abstain(turn.reason, rng)))
            return
        if turn.kind == "clarify":
            withheld = next((i for i in intents if i.withheld), None)
            if withheld is None:
                transcript.problems.append("no_value_to_withhold")  # not a miss_param sample
            else:
                name = withheld.withheld[0]
                schema = withheld.tool.parameters.get("properties", {}).get(name, {})
                from .agents import param_label

                events.append(Event("text", self.assistant.ask(param_label(name, schema), rng)))
                answer = self.user.supply(withheld, name, rng, plan.style)
                for alternatives in answer.alternatives.values():
                    _accept_more(withheld, alternatives)
                events.append(Event("user", answer.text, trainable=False))
                withheld.withheld = ()
        if turn.kind == "holdout":
            events.append(Event("text", self.assistant.abstain(turn.reason, rng)))
            docs = [spec.to_bfcl_doc() for spec in plan.holdout.get(index, [])]
            transcript.offered_late[index] = [d["name"] for d in docs]
            events.append(Event("user", self.user.holdout_notice(docs), trainable=False))
        groups = [[i] for i in intents] if turn.sequential else [intents]
        all_results: list[tuple[Call, Any]] = []
        for group in groups:
            gold = [Call(i.tool.name, dict(i.arguments)) for i in group]
            step = self._step(plan, gold, group, transcript, rng)
            results = execute(step.calls, group)
            events.append(Event("calls", _render(plan, step, group), step.calls, results))
            all_results.extend(zip(step.calls, results))
        events.append(Event("text", self.assistant.summary(all_results, rng)))

    def _step(self, plan: Plan, gold: list[Call], group: list[Intent], transcript: Transcript,
              rng: random.Random) -> Step:  # fmt: skip
        """Gold, or the model's calls when the checker accepts them (Python categories only: the
        Java/JS answers are source text the assistant model would have to write in prompting form)."""
        if self.assistant.generator is None or plan.category.language is not Language.PYTHON:
            return Step(gold)
        offered = list(plan.tools) + [s for i, specs in plan.holdout.items() if i in transcript.offered_late for s in specs]
        docs = [s.to_bfcl_doc() for s in offered]
        answers = [possible_answer(next(d for d in docs if d["name"] == i.tool.name), i) for i in group]
        checker = plan.category if plan.category.is_ast else Category.PARALLEL

        def accept(calls: list[Call]) -> bool:
            try:
                return check_calls(checker, calls, docs, answers).valid
            except Exception:
                return False

        from .sample import prompting_history, trl_messages

        if self.assistant.mode == "prompting":  # BFCL's format: the docs live in the system prompt
            messages, tools = prompting_history(transcript.events, [s.to_bfcl_doc() for s in plan.tools], plan.category), None
        else:
            messages, tools = trl_messages(transcript.events), [s.to_openai_tool() for s in offered]
        return self.assistant.call_step(gold, messages, tools, accept, rng)


def _accept_more(intent: Intent, alternatives: dict[str, list[Any]]) -> None:
    for name, values in alternatives.items():
        if values and name in intent.arguments:
            base = intent.accept.get(name) or [checker_value(intent.arguments[name])]
            intent.accept[name] = base + [v for v in values if v not in base]


def _render(plan: Plan, step: Step, group: list[Intent]) -> str:
    """The prompting-format answer: a Python call list, or Java/JS source for those categories."""
    if plan.category.language is Language.PYTHON or step.source == "model":
        return calls_to_python_call_list(step.calls)
    parts = []
    for intent in group:
        args = ", ".join(f"{k}={intent.source[k]}" for k in intent.arguments)
        parts.append(f"{intent.tool.name}({args})")
    return "[" + ", ".join(parts) + "]"


def _known(initial: dict[str, Any] | None, seed: int) -> dict[str, list[Any]]:
    """Identifiers the session's starting state holds, for the domains it starts with."""
    if not initial:
        return {}
    state = State(seed=stable_seed(seed))
    state.load(initial)
    return state.known_values(tuple(d for d in initial if d in ("bank", "files", "calendar", "cart")))


def single_turn_check(plan: Plan, transcript: Transcript, functions: list[dict[str, Any]],
                      answers: list[Any]) -> str | None:  # fmt: skip
    """None when the checker scores the first assistant step as valid, else the reason."""
    first = next((e for e in transcript.events if e.kind in ("calls", "text")), None)
    if first is None:
        return "no assistant step"
    category = plan.category
    if category.checker in (Checker.IRRELEVANCE,):
        return None if first.kind == "text" else "abstention sample has calls"
    if first.kind != "calls":
        return "first assistant step has no calls"
    if category.checker is Checker.RELEVANCE:
        return None
    calls = first.calls
    if category.language is not Language.PYTHON:
        from bfcl_adapter.decoding import decode

        calls = decode(first.text, category.language)  # what BFCL would read from the completion
    verdict = check_calls(category, calls, functions, answers)
    return None if verdict.valid else f"{verdict.error_type}: {'; '.join(verdict.errors)}"

"""Driving a model through BFCL's multi-turn entries, many entries per batch.

Every active entry waits for exactly one model step at a time, so the step of all of them goes
to the backend as one batch (the backend sorts and batches further); a finished entry's result
line is appended at once, so a killed run resumes per entry with nothing lost or duplicated.
The session (bfcl_adapter.multi_turn) owns BFCL's flow: turns, held-out functions, execution
through allow-listed methods only, the 20-step limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from bfcl_adapter.data import Entry
from bfcl_adapter.multi_turn import MultiTurnSession
from bfcl_adapter.results import append_json_lines

from .backends.base import Backend, ChatRequest, Completion

FC = "fc"


@dataclass
class _Conversation:
    session: MultiTurnSession
    messages: list[dict[str, Any]] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    steps: int = 0
    started: float = field(default_factory=time.perf_counter)

    def begin_turn(self) -> None:
        self.messages += self.session.user_turn(self.session.turn_index + 1)


@dataclass
class MultiTurnStats:
    entries: int = 0
    steps: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0


def run_multi_turn(
    backend: Backend,
    entries: list[Entry],
    result_file: Any,
    *,
    mode: str,
    decode_mode: str,
    max_new_tokens: int,
    temperature: float,
    seed: int | None,
    step_batch: int = 64,
    on_entry_done: Callable[[int], None] | None = None,
    to_result_text: Callable[[Completion, str], str],
) -> MultiTurnStats:
    """Run every entry to its end, appending ``{"id", "result", ...}`` lines to ``result_file``."""
    stats = MultiTurnStats()
    style = FC if mode == FC else "prompting"
    pending = list(entries)
    active: list[_Conversation] = []
    began = time.perf_counter()
    while pending or active:
        while pending and len(active) < step_batch:
            conversation = _Conversation(MultiTurnSession(pending.pop(0), mode=decode_mode, style=style))
            conversation.begin_turn()
            active.append(conversation)
        requests = [
            ChatRequest(
                messages=[dict(m) for m in c.messages],
                tools=c.session.tools() if style == FC else None,
                max_new_tokens=max_new_tokens,
                temperature=temperature,
                seed=seed,
                id=f"{c.session.entry.id}#{c.steps}",
            )
            for c in active
        ]
        completions = backend.generate(requests)
        finished: list[_Conversation] = []
        for conversation, completion in zip(active, completions):
            text = to_result_text(completion, mode)
            session = conversation.session
            conversation.steps += 1
            conversation.prompt_tokens += completion.prompt_tokens
            conversation.completion_tokens += completion.completion_tokens
            conversation.messages.append(session.assistant_message(text))
            session.execute(text)
            conversation.messages += session.tool_messages()
            if session.finished:
                finished.append(conversation)
            elif session.turn_finished:
                conversation.begin_turn()
        if finished:
            append_json_lines(
                result_file,
                [
                    {
                        "id": c.session.entry.id,
                        "result": c.session.result,
                        "input_token_count": c.prompt_tokens,
                        "output_token_count": c.completion_tokens,
                        "latency": time.perf_counter() - c.started,
                        "steps": c.steps,
                    }
                    for c in finished
                ],
            )
            for c in finished:
                stats.entries += 1
                stats.steps += c.steps
                stats.prompt_tokens += c.prompt_tokens
                stats.completion_tokens += c.completion_tokens
            active = [c for c in active if c not in finished]
            if on_entry_done:
                on_entry_done(len(finished))
    stats.seconds = time.perf_counter() - began
    return stats

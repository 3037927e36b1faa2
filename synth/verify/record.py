"""One sample as the checks see it: the decoded record plus the views every check needs.

The checks never trust a field because another field implies it: the gold calls, the trl
messages and the prompting pair are read independently, and disagreements are findings.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from typing import Any, Iterator

from bfcl_adapter.categories import Category
from bfcl_adapter.fc import functions_to_tools

from ..sample import decode_row

# BFCL's wording when a held-out function is added (synth.agents.UserSimulator.holdout_notice).
HOLDOUT_NOTICE = "I have updated some more functions you can choose from. What about now?"


class MalformedSample(ValueError):
    """The line is not a sample record; the message says which field is wrong."""


@dataclass(frozen=True)
class GoldCall:
    name: str
    arguments: dict[str, Any]


@dataclass
class Step:
    """One assistant message: its position in ``messages``, its gold calls and the tool results
    that answered them (in call order)."""

    message_index: int
    calls: list[GoldCall]
    results: list[str] = field(default_factory=list)
    result_errors: list[bool] = field(default_factory=list)


@dataclass
class SampleView:
    line: int  # 1-based line number in samples.jsonl
    raw: str  # the line exactly as read (accepted.jsonl repeats it byte for byte)
    data: dict[str, Any]  # decoded (synth.sample.decode_row)
    id: str
    category: Category
    tools: list[dict[str, Any]]  # OpenAI-style tools offered from the start
    functions: list[dict[str, Any]]  # BFCL docs
    possible_answer: list[Any] | None
    gold: list[list[GoldCall]]  # one entry per assistant message
    messages: list[dict[str, Any]]
    prompting: dict[str, Any]
    _schemas: dict[str, dict[str, Any]] | None = None

    # --- conversation views ----------------------------------------------------------------
    def steps(self) -> list[Step]:
        """Assistant messages in order, paired with the gold entry of the same position."""
        out: list[Step] = []
        gold = iter(self.gold)
        for index, message in enumerate(self.messages):
            if message.get("role") == "assistant":
                calls = next(gold, [])
                out.append(Step(index, calls))
            elif message.get("role") == "tool" and out:
                content = message.get("content")
                out[-1].results.append(content if isinstance(content, str) else json.dumps(content))
        return out

    def user_turns(self) -> Iterator[tuple[int, str]]:
        """(message index, text) of real user turns; a held-out-function notice is not one (it
        lists function docs, whose words would ground anything)."""
        for index, message in enumerate(self.messages):
            if message.get("role") == "user" and not is_holdout_notice(message.get("content")):
                yield index, str(message.get("content") or "")

    def user_text(self) -> str:
        return "\n".join(text for _, text in self.user_turns())

    def all_calls(self) -> Iterator[tuple[int, int, GoldCall]]:
        for step_index, step in enumerate(self.gold):
            for call_index, call in enumerate(step):
                yield step_index, call_index, call

    # --- tools -------------------------------------------------------------------------------
    def schemas(self) -> dict[str, dict[str, Any]]:
        """Tool name -> OpenAI function object, for the tools offered and any announced later."""
        if self._schemas is None:
            table: dict[str, dict[str, Any]] = {}
            for tool in self.tools:
                function = tool.get("function", tool) if isinstance(tool, dict) else None
                if isinstance(function, dict) and isinstance(function.get("name"), str):
                    table.setdefault(function["name"], function)
            for docs in self.holdout_docs().values():
                try:
                    late = functions_to_tools(docs, self.category)
                except (KeyError, TypeError, AttributeError):
                    continue
                for tool in late:
                    table.setdefault(tool["function"]["name"], tool["function"])
            self._schemas = table
        return self._schemas

    def holdout_docs(self) -> dict[int, list[dict[str, Any]]]:
        """Message index -> BFCL docs announced there (multi_turn_miss_func)."""
        out: dict[int, list[dict[str, Any]]] = {}
        for index, message in enumerate(self.messages):
            content = message.get("content")
            if message.get("role") == "user" and is_holdout_notice(content):
                try:
                    docs = ast.literal_eval(str(content).rsplit("\n", 1)[0])
                except (ValueError, SyntaxError):
                    continue
                if isinstance(docs, list) and all(isinstance(d, dict) for d in docs):
                    out[index] = docs
        return out

    def available_at(self, message_index: int) -> set[str]:
        """Tool names the assistant may call at ``message_index``."""
        names = {t.get("function", t).get("name") for t in self.tools if isinstance(t, dict)}
        for index, docs in self.holdout_docs().items():
            if index < message_index:
                names.update(d.get("name") for d in docs)
        return {n for n in names if isinstance(n, str)}


def is_holdout_notice(content: Any) -> bool:
    return isinstance(content, str) and content.rstrip().endswith(HOLDOUT_NOTICE) and content.lstrip().startswith("[")


def parse_line(line: str, number: int) -> SampleView:
    """The view of one samples.jsonl line; :class:`MalformedSample` when it is not a sample."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise MalformedSample(f"not JSON: {exc.msg}") from None
    if not isinstance(row, dict):
        raise MalformedSample("not a JSON object")
    for key in ("id", "category", "messages", "tools", "functions", "gold_calls", "prompting"):
        if key not in row:
            raise MalformedSample(f"missing field {key!r}")
    try:
        data = decode_row(row)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise MalformedSample(f"a JSON-text field does not decode: {exc}") from None
    try:
        category = Category(str(data["category"]))
    except ValueError:
        raise MalformedSample(f"unknown category {data['category']!r}") from None
    gold = data["gold_calls"]
    if not isinstance(gold, list) or not all(isinstance(step, list) for step in gold):
        raise MalformedSample("gold_calls must be a list of lists of calls")
    steps: list[list[GoldCall]] = []
    for step in gold:
        calls = []
        for call in step:
            if not (isinstance(call, dict) and isinstance(call.get("name"), str) and isinstance(call.get("arguments"), dict)):
                raise MalformedSample(f"gold call {call!r:.80} is not {{name, arguments}}")
            calls.append(GoldCall(call["name"], call["arguments"]))
        steps.append(calls)
    prompting = data["prompting"]
    if not (isinstance(prompting, dict) and isinstance(prompting.get("messages"), list)
            and isinstance(prompting.get("completion"), str)):  # fmt: skip
        raise MalformedSample("prompting must be {messages: [...], completion: str}")
    tools, functions = data["tools"], data["functions"]
    if not isinstance(tools, list) or not isinstance(functions, list):
        raise MalformedSample("tools and functions must be lists")
    answer = data.get("possible_answer")
    if answer is not None and not isinstance(answer, list):
        raise MalformedSample("possible_answer must be a list or null")
    messages = data["messages"]
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        raise MalformedSample("messages must be a list of objects")
    return SampleView(number, line.rstrip("\n"), data, str(data["id"]), category, tools, functions, answer, steps,
                      messages, prompting)  # fmt: skip

"""The sample record: trl's conversational tool-calling format plus BFCL checking fields.

One JSON line per sample::

    {"id", "category",
     "messages": [{"role": "user", "content": ...},
                  {"role": "assistant", "content": "", "tool_calls": [{"id", "type": "function",
                       "function": {"name", "arguments": "<JSON text>"}}]},
                  {"role": "tool", "tool_call_id", "name", "content"}, {"role": "assistant", "content"}],
     "tools": "<JSON text: OpenAI-style function schemas>",
     "functions": "<JSON text: BFCL function docs>",
     "possible_answer": "<JSON text: [{name: {param: [acceptable values]}}] or null>",
     "gold_calls": "<JSON text: one list of {name, arguments} per assistant message>",
     "holdout_functions": "<JSON text: {user turn index: [names]} (multi_turn_miss_func)>",
     "prompting": {"messages": [BFCL prompting-format messages], "completion": "..."},
     "spec_sources": [...], "provenance": {..., "knobs": "<JSON text>",
                                          "variables": "<JSON text>" (Java/JS calls naming variables)}}

Why JSON text for ``arguments`` and the other heterogeneous fields: Arrow (``datasets``) infers
one struct type per column, so ``{"city": ...}`` in one row and ``{"a": ..., "b": ...}`` in
another become ``{"a", "b", "city"}`` with nulls in both - a corrupted tool call. A JSON string
round-trips exactly. It is also OpenAI's own wire format for ``function.arguments``. trl's docs
show ``arguments`` as a dict, and some chat templates (Llama 3.x, Qwen2.5) apply ``tojson`` to
it, so use :func:`load_samples` (plain Python) or ``dataset.with_transform(decode_batch)``
(decodes on access, never re-encoded by Arrow) to get dicts back before templating.

``prompting`` pairs BFCL's prompting-mode input with the gold output: for single-turn categories
the system prompt + question and the call list (or abstention text); for multi-turn ones the
whole conversation (assistant turns as call lists, tool results as ``tool`` messages, as BFCL's
prompting handlers build them) minus the last assistant message, which is the ``completion``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Sequence

from bfcl_adapter.categories import Category
from bfcl_adapter.fc import calls_to_python_call_list, functions_to_tools
from bfcl_adapter.prompts import prompting_messages

GENERATOR = "closeloop-synth"
GENERATOR_VERSION = "1"
JSON_FIELDS = ("tools", "functions", "possible_answer", "gold_calls", "holdout_functions")


# --- rendering ------------------------------------------------------------------------------------


def trl_messages(events: Sequence[Any]) -> list[dict[str, Any]]:
    """trl conversational messages (``arguments`` as dicts) from role-play events."""
    messages: list[dict[str, Any]] = []
    counter = 0
    for event in events:
        if event.kind == "user":
            messages.append({"role": "user", "content": event.text})
        elif event.kind == "text":
            messages.append({"role": "assistant", "content": event.text})
        else:
            ids = [f"call_{counter + i}" for i in range(len(event.calls))]
            counter += len(event.calls)
            messages.append({"role": "assistant", "content": "", "tool_calls": [
                {"id": ids[i], "type": "function", "function": {"name": c.name, "arguments": dict(c.arguments)}}
                for i, c in enumerate(event.calls)]})  # fmt: skip
            for call_id, call, result in zip(ids, event.calls, event.results):
                messages.append({"role": "tool", "tool_call_id": call_id, "name": call.name, "content": result.text()})
    return messages


def gold_steps(events: Sequence[Any]) -> list[list[dict[str, Any]]]:
    """One entry per assistant message: its calls (``[]`` for a text message)."""
    return [[{"name": c.name, "arguments": dict(c.arguments)} for c in e.calls] if e.kind == "calls" else []
            for e in events if e.kind != "user"]  # fmt: skip


def _call_label(call: Any) -> str:
    try:
        return calls_to_python_call_list([call])[1:-1]
    except ValueError:
        return call.name


def prompting_history(events: Sequence[Any], functions: list[dict[str, Any]], category: Category) -> list[dict[str, Any]]:
    """The conversation so far in BFCL's prompting format: the system prompt composed into the
    first turn, assistant turns as their call lists, tool results as ``tool`` messages."""
    first_user = next(e.text for e in events if e.kind == "user")
    conversation = prompting_messages([{"role": "user", "content": first_user}], functions, category)
    seen_first = False
    for event in events:
        if event.kind == "user":
            if seen_first:
                conversation.append({"role": "user", "content": event.text})
            seen_first = True
        elif event.kind == "text":
            conversation.append({"role": "assistant", "content": event.text})
        else:
            conversation.append({"role": "assistant", "content": event.text})
            for call, result in zip(event.calls, event.results):
                conversation.append({"role": "tool", "name": _call_label(call), "content": result.text()})
    return conversation


def prompting_pair(events: Sequence[Any], functions: list[dict[str, Any]], category: Category,
                   single_turn: bool) -> dict[str, Any]:  # fmt: skip
    if single_turn:
        first_user = next(e.text for e in events if e.kind == "user")
        first = next(e for e in events if e.kind != "user")
        head = prompting_messages([{"role": "user", "content": first_user}], functions, category)
        return {"messages": head, "completion": first.text}
    conversation = prompting_history(events, functions, category)
    last = conversation.pop()
    return {"messages": conversation, "completion": last["content"]}


def build_sample(*, sample_id: str, plan: Any, transcript: Any, functions: list[dict[str, Any]],
                 answers: list[Any] | None, provenance: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """The decoded sample (Python objects); :func:`encode_sample` gives the file form."""
    category: Category = plan.category
    if plan.functions is not None:  # Java/JS: tools as BFCL's FC handlers derive them from the docs
        tools = functions_to_tools(functions, category)
    else:
        tools = [spec.to_openai_tool() for spec in plan.tools]
    sources = sorted({spec.source for spec in plan.tools} | {s.source for specs in plan.holdout.values() for s in specs})
    return {
        "id": sample_id,
        "category": category.value,
        "messages": trl_messages(transcript.events),
        "tools": tools,
        "functions": functions,
        "possible_answer": answers,
        "gold_calls": gold_steps(transcript.events),
        "holdout_functions": {str(k): v for k, v in transcript.offered_late.items()},
        "prompting": prompting_pair(transcript.events, functions, category, category.is_single_turn),
        "spec_sources": sources,
        "provenance": provenance,
    }


# --- file form ------------------------------------------------------------------------------------


def encode_sample(sample: dict[str, Any]) -> dict[str, Any]:
    out = dict(sample)
    for key in JSON_FIELDS:
        out[key] = _dumps(sample[key])
    out["messages"] = [_encode_message(m) for m in sample["messages"]]
    provenance = dict(sample["provenance"])
    provenance["knobs"] = _dumps(provenance.get("knobs", {}))
    if "variables" in provenance:
        provenance["variables"] = _dumps(provenance["variables"])
    out["provenance"] = provenance
    return out


def _encode_message(message: dict[str, Any]) -> dict[str, Any]:
    if "tool_calls" not in message:
        return message
    calls = [{**c, "function": {**c["function"], "arguments": _dumps(c["function"]["arguments"])}} for c in message["tool_calls"]]
    return {**message, "tool_calls": calls}


def _dumps(value: Any) -> str:
    # sort_keys=False: argument order is the order the call was written in.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def dumps_line(sample: dict[str, Any]) -> str:
    return json.dumps(encode_sample(sample), ensure_ascii=False, separators=(",", ":"))


def decode_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row read back (from the file or from ``datasets``) in its decoded form.

    Keys whose value is ``None`` inside messages are dropped: Arrow adds them when it unifies the
    message structs (a user message gains ``tool_calls: None``).
    """
    out = dict(row)
    for key in JSON_FIELDS:
        if isinstance(out.get(key), str):
            out[key] = json.loads(out[key])
    out["messages"] = [_decode_message(m) for m in row["messages"]]
    if isinstance(out.get("prompting"), dict):
        prompting = dict(out["prompting"])
        prompting["messages"] = [{k: v for k, v in m.items() if v is not None} for m in prompting["messages"]]
        out["prompting"] = prompting
    if isinstance(out.get("provenance"), dict):
        provenance = dict(out["provenance"])
        for key in ("knobs", "variables"):
            if isinstance(provenance.get(key), str):
                provenance[key] = json.loads(provenance[key])
        out["provenance"] = provenance
    return out


def _decode_message(message: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in message.items() if v is not None}
    if out.get("tool_calls"):
        out["tool_calls"] = [{**c, "function": {**c["function"], "arguments": json.loads(c["function"]["arguments"])
                              if isinstance(c["function"]["arguments"], str) else c["function"]["arguments"]}}
                             for c in out["tool_calls"]]  # fmt: skip
    return out


def decode_batch(batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """For ``dataset.with_transform(decode_batch)``: decodes rows as they are read."""
    keys = list(batch)
    rows = [decode_row(dict(zip(keys, values))) for values in zip(*(batch[k] for k in keys))]
    return {k: [r[k] for r in rows] for k in keys}


def load_samples(path: Path | str) -> list[dict[str, Any]]:
    """Every sample of a samples.jsonl, decoded (arguments and tools as Python objects)."""
    with Path(path).open(encoding="utf-8") as handle:
        return [decode_row(json.loads(line)) for line in handle if line.strip()]


def to_trl(sample: dict[str, Any]) -> dict[str, Any]:
    """Just what trl's SFT trainer needs: ``messages`` and ``tools`` (decoded)."""
    return {"messages": sample["messages"], "tools": sample["tools"]}


def iter_calls(sample: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for step in sample["gold_calls"]:
        yield from step


__all__ = ["GENERATOR", "GENERATOR_VERSION", "JSON_FIELDS", "build_sample", "decode_batch", "decode_row",
           "dumps_line", "encode_sample", "gold_steps", "iter_calls", "load_samples", "prompting_history",
           "prompting_pair", "to_trl", "trl_messages"]  # fmt: skip

"""The tool server without a transport: validation, execution, simulation, per-session state.

The MCP app (``synth.server.mcp_app``) and the in-process path of the role play both call
:meth:`ToolServer.call`, so a sample synthesized at full speed in-process gets exactly the tool
responses a real MCP client would have received.

Order of answers for one call: unknown tool or invalid arguments -> tool error; an implemented
executor -> its real result (or its ToolError); an injected model -> an LLM-simulated response
that must validate against the tool's ``returns`` schema; otherwise a deterministic response
drawn from the ``returns`` schema, seeded by a hash of the call.
"""

from __future__ import annotations

import json
import random
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match

from ..spec import ToolSpec
from .executors import EXECUTORS, State, ToolError
from .values import draw_value, fits, stable_seed, tokens

if TYPE_CHECKING:
    from ..agents import TextGenerator

_FORMATS = FormatChecker()


@dataclass(frozen=True)
class ToolResult:
    """One tool response: a JSON value, whether it is an error, and who produced it."""

    content: Any
    is_error: bool = False
    source: str = "executor"  # executor | simulated | llm | error

    def text(self) -> str:
        """The tool message text: JSON for structured values, the message itself for errors."""
        if isinstance(self.content, str):
            return self.content
        return json.dumps(self.content, ensure_ascii=False)


class ToolServer:
    """Serves a fixed tool set; one :class:`State` per session key.

    ``simulator`` is any object with ``generate(list[ChatRequest]) -> list[Completion]``; when
    given, tools without an executor get model-written responses (validated, else the schema
    fallback is used). ``seed`` makes the initial state of every session reproducible.
    """

    def __init__(self, tools: Iterable[ToolSpec], *, simulator: "TextGenerator | None" = None, seed: int = 0) -> None:
        self._tools: dict[str, ToolSpec] = {}
        for spec in tools:
            self._tools.setdefault(spec.name, spec)
        self._validators: dict[str, Draft202012Validator] = {}
        self._sessions: dict[str, State] = {}
        self._lock = threading.Lock()  # the HTTP transport may serve sessions from several threads
        self.simulator = simulator
        self.seed = seed

    # --- tools -------------------------------------------------------------------------------
    @property
    def tools(self) -> list[ToolSpec]:
        return list(self._tools.values())

    def tool(self, name: str) -> ToolSpec | None:
        return self._tools.get(name)

    def validate(self, name: str, arguments: Any) -> str | None:
        """None when the arguments fit the tool's schema, else a one-line reason."""
        spec = self._tools.get(name)
        if spec is None:
            return f"unknown tool {name!r}"
        if not isinstance(arguments, dict):
            return f"arguments of {name} must be a JSON object"
        validator = self._validators.get(name)
        if validator is None:  # compiling is the expensive part: once per tool
            validator = Draft202012Validator(spec.parameters, format_checker=_FORMATS)
            self._validators[name] = validator
        error = best_match(validator.iter_errors(arguments))
        if error is None:
            return None
        where = "/".join(str(p) for p in error.absolute_path)
        return f"invalid arguments for {name}: {where + ': ' if where else ''}{error.message}"

    # --- sessions ----------------------------------------------------------------------------
    def session(self, key: str = "default", *, initial: dict[str, Any] | None = None) -> State:
        """The state of one session, created (optionally from a snapshot) on first use."""
        with self._lock:
            state = self._sessions.get(key)
            if state is None:
                state = State(seed=stable_seed(self.seed, key))
                if initial:
                    state.load(initial)
                self._sessions[key] = state
            return state

    def reset(self, key: str = "default") -> None:
        with self._lock:
            self._sessions.pop(key, None)

    # --- calls -------------------------------------------------------------------------------
    def call(self, name: str, arguments: Any, session: str = "default", *,
             initial: dict[str, Any] | None = None) -> ToolResult:  # fmt: skip
        """Answer one call; never raises for anything the caller sent."""
        problem = self.validate(name, arguments)
        if problem is not None:
            return ToolResult(problem, is_error=True, source="error")
        spec = self._tools[name]
        executor = EXECUTORS.get(spec.executor or "")
        if executor is not None:
            state = self.session(session, initial=initial)
            try:
                with self._lock:  # a state is not thread-safe; calls are short
                    return ToolResult(executor(state, dict(arguments)))
            except ToolError as exc:
                return ToolResult(f"error: {exc}", is_error=True, source="error")
            except Exception as exc:  # an executor bug must not take the server down
                return ToolResult(f"internal error: {name} failed ({type(exc).__name__}: {exc})", is_error=True,
                                  source="error")  # fmt: skip
        if self.simulator is not None:
            simulated = self._llm_response(spec, arguments)
            if simulated is not None:
                return ToolResult(simulated, source="llm")
        return ToolResult(simulate_response(spec, arguments), source="simulated")

    def call_many(self, calls: Sequence[tuple[str, Any]], session: str = "default") -> list[ToolResult]:
        return [self.call(name, arguments, session) for name, arguments in calls]

    def _llm_response(self, spec: ToolSpec, arguments: dict[str, Any]) -> Any:
        from ..agents import ChatRequest

        prompt = (
            f"You simulate the tool `{spec.name}`: {spec.description}\n"
            f"Reply with one JSON value that matches this schema, and nothing else:\n"
            f"{json.dumps(spec.returns)}"
        )
        request = ChatRequest(
            messages=[{"role": "system", "content": prompt},
                      {"role": "user", "content": json.dumps(arguments, ensure_ascii=False)}],  # fmt: skip
            max_new_tokens=400, temperature=0.0, seed=stable_seed(spec.name, arguments) % 2**31,
            id=f"server:{spec.name}",
        )  # fmt: skip
        try:
            text = self.simulator.generate([request])[0].text  # type: ignore[union-attr]
            value = json.loads(_strip_fence(text))
        except Exception:
            return None
        errors = Draft202012Validator(spec.returns).iter_errors(value)
        return value if best_match(errors) is None else None


def _strip_fence(text: str) -> str:
    body = text.strip()
    if body.startswith("```"):
        body = body.split("\n", 1)[-1].rsplit("```", 1)[0]
    return body


def simulate_response(spec: ToolSpec, arguments: dict[str, Any]) -> Any:
    """A deterministic response from the ``returns`` schema, seeded by the call itself.

    Properties that share a name (or a name token) with an argument echo the argument, so a
    weather report for "Porto" says Porto rather than a random city.
    """
    rng = random.Random(stable_seed(spec.name, arguments))
    value = draw_value(rng, "result", spec.returns)
    if isinstance(value, dict) and isinstance(spec.returns.get("properties"), dict):
        props = spec.returns["properties"]
        for key in list(value):
            echo = _echo(key, props.get(key, {}), arguments)
            if echo is not None:
                value[key] = echo
        for key in props:  # required-by-meaning echoes that the draw skipped as optional
            if key not in value and key in arguments and fits(props[key], arguments[key]):
                value[key] = arguments[key]
    return value


def _echo(key: str, schema: dict[str, Any], arguments: dict[str, Any]) -> Any:
    if key in arguments and fits(schema, arguments[key]):
        return arguments[key]
    key_tokens = set(tokens(key))
    for name, given in arguments.items():
        if key_tokens and key_tokens == set(tokens(name)) and fits(schema, given):
            return given
    return None



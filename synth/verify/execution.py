"""Execution: replay the gold calls against the tool server's in-process API
(:meth:`synth.server.ToolServer.call`, what the MCP server runs) from the sample's starting
state, in the same session the role play used. Every call must succeed, and every result must
be the one recorded in the sample - for multi-turn samples that is the proof that the
conversation's later turns saw the state the gold calls produced.

The starting state is the sample's ``initial_state`` field when it has one; otherwise it is
rebuilt from the provenance (seed, index, attempt) the way :mod:`synth.generate` drew it, and
the rebuilt plan must offer exactly the sample's tools, or the sample is rejected as
unreplayable rather than trusted.
"""

from __future__ import annotations

import json
import random
from dataclasses import fields
from typing import Any, Callable

from bfcl_adapter.categories import Language

from ..server import ToolServer
from ..server.values import stable_seed
from ..spec import ToolSpec
from .base import CheckResult, Failure, fail
from .record import SampleView
from .tools import ToolIndex, name_key

PoolProvider = Callable[[], Any]  # () -> synth.recipes.ToolPool of the run, or None


class Replayer:
    """One server for a whole verification run (validators compile once per tool)."""

    def __init__(self, index: ToolIndex, pool: PoolProvider) -> None:
        self.index = index
        self._pool = pool
        self._servers: dict[int, ToolServer] = {}

    def server(self, seed: int) -> ToolServer:
        if seed not in self._servers:
            self._servers[seed] = ToolServer(self.index.tools, seed=seed)
        return self._servers[seed]

    def check(self, view: SampleView) -> CheckResult:
        if not any(step for step in view.gold):
            return None
        provenance = view.data.get("provenance") if isinstance(view.data.get("provenance"), dict) else {}
        initial, problem = initial_state(view, provenance, self._pool)
        if problem is not None:
            return [fail("execution", "state_unknown", detail=problem)]
        run_seed = provenance.get("seed") if isinstance(provenance.get("seed"), int) else 0
        sample_seed = _sample_seed(provenance)
        session = f"sample-{sample_seed:x}" if sample_seed is not None else f"verify-{view.id}"
        server = self.server(run_seed)
        try:
            return self._replay(view, server, session, initial)
        finally:
            server.reset(session)

    def _replay(self, view: SampleView, server: ToolServer, session: str, initial: Any) -> list[Failure]:
        failures: list[Failure] = []
        schemas = view.schemas()
        first_step = True
        for step_index, step in enumerate(view.steps()):
            if len(step.results) != len(step.calls):
                failures.append(fail("execution", "result_missing", step=step_index,
                                     detail=f"{len(step.calls)} calls, {len(step.results)} tool messages"))  # fmt: skip
            if not step.calls:
                continue
            for call_index, call in enumerate(step.calls):
                where = {"step": step_index, "call": call_index, "name": call.name}
                target = self._target(view, call_index, step_index, call.name, call.arguments, schemas)
                if target is None:
                    failures.append(fail("execution", "unresolvable", **where,
                                         detail="no executable form of this call (Java/JS rename without a source tool)"))  # fmt: skip
                    continue
                spec, arguments, fallback = target
                # As in the role play: the starting state travels with every call of the first
                # step that makes calls (the server loads it when a stateful tool opens the session).
                result = _call(server, spec, arguments, session, initial if first_step else None, fallback)
                if result.is_error:
                    recorded = step.results[call_index][:300] if call_index < len(step.results) else None
                    failures.append(fail("execution", "tool_error", **where, error=str(result.content)[:300],
                                         recorded=recorded))  # fmt: skip
                    continue
                if call_index >= len(step.results):
                    continue
                recorded = step.results[call_index]
                if not _same_result(result.text(), recorded, spec, fallback, result.source):
                    failures.append(fail("execution", "result_mismatch", **where, recorded=recorded[:300],
                                         replayed=result.text()[:300]))  # fmt: skip
            first_step = False
        return failures

    def _target(self, view: SampleView, call_index: int, step_index: int, name: str, arguments: dict[str, Any],
                schemas: dict[str, Any]) -> tuple[ToolSpec, dict[str, Any], bool] | None:  # fmt: skip
        """(spec, arguments, is_fallback) to execute for one gold call."""
        function = schemas.get(name) or {}
        parameters = function.get("parameters") if isinstance(function.get("parameters"), dict) else {}
        if view.category.language is Language.PYTHON:
            spec = self.index.resolve(name, parameters)
            if spec is not None:
                return spec, dict(arguments), False
            fallback = ToolSpec(name=name, description=str(function.get("description", "")), parameters=parameters or
                                {"type": "object", "properties": {}})  # fmt: skip
            return fallback, dict(arguments), True
        # Java/JS: the role play ran the source tool (snake_case names, JSON values), and the
        # possible answer keeps those values per renamed parameter.
        spec = self.index.by_key.get(name_key(name))
        if spec is None or step_index != 0 or not view.possible_answer or call_index >= len(view.possible_answer):
            return None
        answer = next(iter(view.possible_answer[call_index].values()), {})
        variables = _variables(view)  # a variable the call names runs with the value it holds
        by_key = {name_key(p): p for p in (spec.parameters.get("properties") or {})}
        executed: dict[str, Any] = {}
        for param in arguments:
            original = by_key.get(name_key(param))
            values = [v for v in answer.get(param, []) if v != ""]
            if original is None or not values:
                return None
            value = values[0]
            executed[original] = variables[value] if isinstance(value, str) and value in variables else value
        return spec, executed, False


def _variables(view: SampleView) -> dict[str, Any]:
    provenance = view.data.get("provenance") if isinstance(view.data.get("provenance"), dict) else {}
    raw = provenance.get("variables") or {}
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _call(server: ToolServer, spec: ToolSpec, arguments: dict[str, Any], session: str, initial: Any,
          fallback: bool) -> Any:  # fmt: skip
    if fallback:  # a tool the run's sources do not define: its own one-tool server
        return ToolServer([spec], seed=server.seed).call(spec.name, arguments, session, initial=initial)
    return server.call(spec.name, arguments, session, initial=initial)


def _same_result(replayed: str, recorded: str, spec: ToolSpec, fallback: bool, source: str) -> bool:
    if replayed == recorded:
        return True
    try:
        if json.loads(replayed) == json.loads(recorded):
            return True
    except ValueError:
        pass
    if source == "executor":
        return False  # a real implementation is deterministic: any difference is a different state
    # Simulated tools: a model-written response (``--backend`` server role) cannot be replayed;
    # it must at least fit the response schema. Without the spec's schema nothing can be said.
    if fallback:
        return True
    try:
        value = json.loads(recorded)
    except ValueError:
        return False
    from jsonschema import Draft202012Validator

    return not any(True for _ in Draft202012Validator(spec.returns).iter_errors(value))


# --- the starting state ---------------------------------------------------------------------------


def _sample_seed(provenance: dict[str, Any]) -> int | None:
    parts = [provenance.get(k) for k in ("seed", "index", "attempt")]
    if not all(isinstance(p, int) and not isinstance(p, bool) for p in parts):
        return None
    return stable_seed(*parts)


def _world(sample_seed: int) -> tuple[Any, Any]:
    from ..generate import WORLDS, _world  # the generator's own (cached) draw: one source of truth

    return _world(sample_seed % WORLDS)


def initial_state(view: SampleView, provenance: dict[str, Any], pool: PoolProvider) -> tuple[Any, str | None]:
    """(starting state or None, problem): recorded, else rebuilt as synth.generate drew it."""
    for holder in (view.data, provenance):
        recorded = holder.get("initial_state")
        if recorded is not None:
            try:
                return (json.loads(recorded) if isinstance(recorded, str) else recorded), None
            except ValueError:
                return None, "initial_state is not JSON"
    sample_seed = _sample_seed(provenance)
    if sample_seed is None:
        return None, "no initial_state and no provenance seed/index/attempt to rebuild it from"
    snapshot, known = _world(sample_seed)
    if view.category.is_single_turn:
        return snapshot, None
    tool_pool = pool()
    if tool_pool is None:
        return None, "the run's tool pool cannot be rebuilt (spec sources not reloadable)"
    from ..recipes import make_plan

    try:
        plan = make_plan(view.category, tool_pool, random.Random(sample_seed), _knobs(provenance), known=known)
    except (LookupError, ValueError, KeyError) as exc:
        return None, f"the sample's plan cannot be rebuilt: {exc}"
    offered = [t.name for t in plan.tools]
    names = [t.get("function", t).get("name") for t in view.tools]
    if offered != names:
        return None, "the rebuilt plan offers other tools than the sample (generator or tool sources changed)"
    return plan.initial_state, None


def _knobs(provenance: dict[str, Any]) -> Any:
    from ..recipes import Knobs

    raw = provenance.get("knobs")
    data = json.loads(raw) if isinstance(raw, str) else (raw or {})
    names = {f.name for f in fields(Knobs)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in names:
            continue
        if key == "prefer_types":
            value = frozenset(value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[key] = value
    return Knobs(**kwargs)

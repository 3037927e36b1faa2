"""Synthesis runs: plan the category mix, role-play every sample, gate it, write the run folder.

Each sample ``i`` gets its own seed (``stable_seed(run seed, i, attempt)``), so the output
depends only on the seed, the inputs and ``n`` - not on timing, threads or the transport: the
in-process server and ``--via-mcp`` give byte-identical samples. A sample is written only if

* every gold call was accepted by the server's schema validation,
* for single-turn categories, ``bfcl_adapter.checking.check_calls`` scores the gold answer as
  valid against the sample's own possible answer (abstention samples: no call),
* ``ContaminationGuard.check_sample`` reports no problem;

otherwise the index is retried with the next attempt seed (counted in the manifest).
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from bfcl_adapter.categories import Category, Checker

from .agents import Assistant, ServerAgent, TextGenerator, UserSimulator
from .diversity import DiversityStats
from .recipes import Knobs, Target, ToolPool, allocate, make_plan, possible_answer
from .roleplay import RolePlay, single_turn_check
from .sample import GENERATOR, GENERATOR_VERSION, build_sample, dumps_line
from .server import ToolServer, dump_tools
from .server.executors import State
from .server.values import stable_seed
from .spec import ToolSpec

MAX_ATTEMPTS = 8


@dataclass
class SynthConfig:
    targets: list[Target]
    n: int
    seed: int = 0
    via_mcp: bool = False
    user_model: TextGenerator | None = None
    assistant_model: TextGenerator | None = None
    server_model: TextGenerator | None = None
    contamination: bool = True  # the CLI never turns it off; tests of other parts may


@dataclass
class RunResult:
    written: int
    counts: dict[str, int]
    rejected: dict[str, int]
    stats: dict[str, Any]
    seconds: float
    tool_errors: int
    notes: list[str] = field(default_factory=list)
    assistant: dict[str, int] = field(default_factory=dict)

    @property
    def samples_per_second(self) -> float:
        return self.written / self.seconds if self.seconds > 0 else 0.0


def category_sequence(targets: Sequence[Target], n: int, seed: int) -> list[Category]:
    """The run's categories in sample order: allocated by weight, then shuffled with the seed."""
    counts = allocate(targets, n)
    sequence = [c for c in Category for _ in range(counts.get(c, 0))]
    random.Random(stable_seed(seed, "order")).shuffle(sequence)
    return sequence


def _guard(enabled: bool, notes: list[str]) -> Any:
    if not enabled:
        notes.append("contamination check disabled")
        return None
    from .contamination import ContaminationGuard

    return ContaminationGuard.from_bfcl()


def clean_tools(tools: Sequence[ToolSpec], guard: Any, notes: list[str]) -> list[ToolSpec]:
    """Tools the guard accepts (a flagged tool would fail every sample that offers it)."""
    if guard is None:
        return list(tools)
    kept = []
    for spec in tools:
        problems = guard.check_tool(spec)
        if problems:
            notes.append(f"tool dropped: {problems[0]}")
        else:
            kept.append(spec)
    return kept


WORLDS = 512  # distinct seeded starting worlds (accounts, files, events, products) samples draw from


@lru_cache(maxsize=WORLDS)
def _world(world: int) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """A starting state and the identifiers it holds; cached, since building one costs ~1 ms.
    Callers must not mutate the snapshot (the server deep-copies it into each session)."""
    state = State(seed=stable_seed("world", world))
    domains = ("bank", "files", "calendar", "cart")
    return {d: state.domain(d) for d in domains}, state.known_values(domains)


def synthesize_one(index: int, category: Category, knobs: Knobs, pool: ToolPool, roleplay: RolePlay,
                   seed: int, guard: Any, rejected: dict[str, int]) -> tuple[dict[str, Any] | None, int]:  # fmt: skip
    """(decoded sample or None, tool errors seen) for one index, retrying with new seeds."""
    errors = 0
    for attempt in range(MAX_ATTEMPTS):
        sample_seed = stable_seed(seed, index, attempt)
        rng = random.Random(sample_seed)
        snapshot, known = _world(sample_seed % WORLDS)
        try:
            plan = make_plan(category, pool, rng, knobs, known=known)
        except LookupError as exc:
            rejected[f"no_plan: {exc}"] = rejected.get(f"no_plan: {exc}", 0) + 1
            return None, errors
        if plan.initial_state is None and plan.category.is_single_turn:
            plan.initial_state = snapshot
        transcript = roleplay.run(plan, sample_seed)
        errors += transcript.tool_errors
        if not transcript.ok:
            reason = ("invalid_gold_call" if transcript.invalid_calls else
                      transcript.problems[0] if transcript.problems else "incomplete_role_play")  # fmt: skip
            rejected[reason] = rejected.get(reason, 0) + 1
            continue
        functions = plan.functions or [spec.to_bfcl_doc() for spec in plan.tools]
        answers = _answers(plan, transcript, functions)
        if category.is_single_turn:
            problem = single_turn_check(plan, transcript, functions, answers or [])
            if problem is not None:
                key = f"checker_rejected_gold: {problem.split(':')[0]}"
                rejected[key] = rejected.get(key, 0) + 1
                continue
        sample = build_sample(
            sample_id=f"synth-{seed}-{index:06d}", plan=plan, transcript=transcript, functions=functions,
            answers=answers, provenance=_provenance(plan, roleplay, seed, index, attempt),
        )  # fmt: skip
        if guard is not None:
            problems = guard.check_sample(sample)
            if problems:
                rejected["contamination"] = rejected.get("contamination", 0) + 1
                continue
        return sample, errors
    rejected["attempts_exhausted"] = rejected.get("attempts_exhausted", 0) + 1
    return None, errors


def _answers(plan: Any, transcript: Any, functions: list[dict[str, Any]]) -> list[Any] | None:
    category: Category = plan.category
    if not category.is_single_turn or category.checker is Checker.IRRELEVANCE:
        return None
    docs = {d["name"]: d for d in functions}
    return [possible_answer(docs[i.tool.name], i) for i in transcript.first_intents]


def _provenance(plan: Any, roleplay: RolePlay, seed: int, index: int, attempt: int) -> dict[str, Any]:
    style = plan.style
    return {
        "generator": GENERATOR, "version": GENERATOR_VERSION, "seed": seed, "index": index, "attempt": attempt,
        "recipe": plan.recipe,
        "agents": {"user": roleplay.user.name, "assistant": roleplay.assistant.name, "server": roleplay.server.name},
        "style": {k: getattr(style, k) for k in ("messy", "verbose", "indirect", "number_words", "units")},
        "knobs": plan.knobs,
        # The values behind Java/JS variables the gold call names: what replaying it executes.
        **({"variables": plan.variables} if plan.variables else {}),
    }  # fmt: skip


@contextmanager
def _server_agent(server: ToolServer, via_mcp: bool, seed: int, workdir: Path) -> Iterator[ServerAgent]:
    if not via_mcp:
        yield ServerAgent(server)
        return
    from .server.client import MCPToolClient

    path = dump_tools(server.tools, workdir / "tools.json")
    command = [sys.executable, "-m", "synth.server", "--tools", f"json:{path}", "--seed", str(seed)]
    with MCPToolClient(command=command, cwd=str(Path(__file__).resolve().parents[1])) as client:
        yield ServerAgent(server, client)


def run(config: SynthConfig, tools: Sequence[ToolSpec], out: Path,
        progress: Callable[[int], None] | None = None) -> RunResult:  # fmt: skip
    """Synthesize ``config.n`` samples into ``out/samples.jsonl`` and ``out/stats.json``."""
    out.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    started = time.perf_counter()
    guard = _guard(config.contamination, notes)
    pool = ToolPool(clean_tools(tools, guard, notes))
    knobs = {t.category: t.knobs for t in config.targets}
    sequence = category_sequence(config.targets, config.n, config.seed)
    if config.via_mcp and config.server_model is not None:
        notes.append("--via-mcp: the subprocess server answers programmatically; the server model is not used")
    server = ToolServer(pool.tools, simulator=config.server_model, seed=config.seed)
    stats = DiversityStats()
    domains = {t.name: t.domain for t in pool.tools}
    rejected: dict[str, int] = {}
    counts: dict[str, int] = {}
    tool_errors = 0
    user = UserSimulator(config.user_model)
    assistant = Assistant(config.assistant_model)
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="synth-")))
        agent = stack.enter_context(_server_agent(server, config.via_mcp, config.seed, workdir))
        roleplay = RolePlay(user, assistant, agent)
        handle = stack.enter_context((out / "samples.jsonl").open("w", encoding="utf-8", newline="\n"))
        for index, category in enumerate(sequence):
            sample, errors = synthesize_one(index, category, knobs[category], pool, roleplay, config.seed, guard, rejected)
            tool_errors += errors
            if sample is not None:
                handle.write(dumps_line(sample) + "\n")
                stats.add(sample, domains)
                counts[category.value] = counts.get(category.value, 0) + 1
            if progress is not None:
                progress(1)
    summary = stats.to_json()
    summary["rejected"] = dict(sorted(rejected.items()))
    summary["tool_errors"] = tool_errors
    (out / "stats.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return RunResult(sum(counts.values()), dict(sorted(counts.items())), dict(sorted(rejected.items())), summary,
                     time.perf_counter() - started, tool_errors, notes,
                     {"accepted_model_steps": assistant.accepted, "rejected_model_steps": assistant.rejected})  # fmt: skip


__all__ = ["MAX_ATTEMPTS", "RunResult", "SynthConfig", "category_sequence", "clean_tools", "run", "synthesize_one"]

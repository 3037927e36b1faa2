"""The evaluation pipeline behind `harness eval`: select entries, generate, write, score."""

from __future__ import annotations

import json
import platform
import random
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Sequence

from bfcl_adapter.categories import Category, Checker, Language
from bfcl_adapter.data import Entry, load_entries
from bfcl_adapter.fc import calls_to_python_call_list, decode_fc, functions_to_tools
from bfcl_adapter.prompts import prompting_messages
from bfcl_adapter.results import append_json_lines, atomic_write_text, read_result_file, write_score_file
from bfcl_adapter.scorer import CaseVerdict, score_records
from bfcl_adapter.scoring import CategoryScore, scores_from_verdicts, scores_to_json
from bfcl_adapter.types import DecodeError

from .backends.base import Backend, ChatRequest, Completion
from .rundir import SCHEMA_VERSION, RunDir

PROMPTING, FC = "prompting", "fc"


@dataclass
class EvalConfig:
    categories: list[Category]
    limit: int | None = None  # first N entries per category
    sample: int | None = None  # N entries per category, drawn with `seed`
    seed: int = 0
    mode: str = "auto"  # "auto" | "prompting" | "fc"
    decode_mode: str = "official"
    max_new_tokens: int = 160
    temperature: float = 0.0
    chunk_size: int = 32  # cases generated, then appended to disk, at a time
    data_dir: str | None = None
    ids: dict[str, list[str]] | None = None  # only these entries, by category (the loop's splits)
    # End a prompting-mode reply once it can no longer decode to a call list (official decoding of
    # Python categories only): same verdicts, prose costs a few tokens. Off: full texts (--full-text).
    stop_when_not_call_list: bool = True


@dataclass
class CategoryTiming:
    cases: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    steps: int = 0  # model queries (multi-turn: several per entry)


@dataclass
class EvalOutcome:
    scores: dict[Category, CategoryScore]
    verdicts: list[CaseVerdict]
    timings: dict[str, CategoryTiming] = field(default_factory=dict)
    mode: str = PROMPTING
    skipped: list[Category] = field(default_factory=list)


def select_entries(category: Category, config: EvalConfig) -> list[Entry]:
    entries = load_entries(category, config.data_dir)
    if config.ids is not None:
        wanted = set(config.ids.get(category.value, ()))
        entries = [e for e in entries if e.id in wanted]
    if config.sample is not None and config.sample < len(entries):
        rng = random.Random(f"{config.seed}:{category.value}")
        chosen = set(rng.sample(range(len(entries)), config.sample))
        return [e for i, e in enumerate(entries) if i in chosen]
    if config.limit is not None:
        return entries[: config.limit]
    return entries


def build_request(entry: Entry, mode: str, config: EvalConfig) -> ChatRequest:
    first_turn = entry.turns[0]
    if mode == FC:
        messages = [dict(m) for m in first_turn]
        tools = functions_to_tools(entry.functions, entry.category)
    else:
        messages = prompting_messages(first_turn, entry.functions, entry.category)
        tools = None
    return ChatRequest(
        messages=messages,
        tools=tools,
        max_new_tokens=config.max_new_tokens,
        temperature=config.temperature,
        seed=config.seed,
        id=entry.id,
        stop_when_not_call_list=(
            config.stop_when_not_call_list and mode == PROMPTING and config.decode_mode == "official"
            and entry.category.language is Language.PYTHON
        ),
    )


def result_text(completion: Completion, mode: str) -> str:
    """What goes in the BFCL result file: raw text, or in FC mode the calls as a call list."""
    if mode != FC:
        return completion.text
    try:
        return calls_to_python_call_list(decode_fc(completion.text))
    except (DecodeError, ValueError):
        return completion.text  # not a tool call: scored as the text it is


def resolve_mode(requested: str, backend: Backend) -> str:
    if requested in (PROMPTING, FC):
        return requested
    return FC if backend.supports_tools_in_template() else PROMPTING


ProgressFactory = Callable[[str, int, int], Callable[[int], None]]


def generate_into(
    backend: Backend,
    run: RunDir,
    config: EvalConfig,
    mode: str,
    progress: ProgressFactory | None = None,
) -> dict[str, CategoryTiming]:
    """Generate every selected case that has no result yet, appending per chunk."""
    timings: dict[str, CategoryTiming] = {}
    for category in config.categories:
        entries = select_entries(category, config)
        done = run.completed(category)
        todo = [e for e in entries if e.id not in done]
        timing = timings.setdefault(category.value, CategoryTiming())
        advance = progress(category.value, len(entries), len(entries) - len(todo)) if progress else None
        if category.checker is Checker.MULTI_TURN:
            from .multi_turn_eval import run_multi_turn

            stats = run_multi_turn(
                backend, todo, run.result_file(category), mode=mode, decode_mode=config.decode_mode,
                max_new_tokens=config.max_new_tokens, temperature=config.temperature,
                seed=config.seed, on_entry_done=advance, to_result_text=result_text,
            )  # fmt: skip
            timing.cases += stats.entries
            timing.steps += stats.steps
            timing.prompt_tokens += stats.prompt_tokens
            timing.completion_tokens += stats.completion_tokens
            timing.seconds += stats.seconds
            continue
        for start in range(0, len(todo), config.chunk_size):
            chunk = todo[start : start + config.chunk_size]
            began = time.perf_counter()
            completions = backend.generate([build_request(e, mode, config) for e in chunk])
            elapsed = time.perf_counter() - began
            rows = [
                {
                    "id": e.id,
                    "result": result_text(c, mode),
                    "input_token_count": c.prompt_tokens,
                    "output_token_count": c.completion_tokens,
                    "latency": c.latency_s,
                }
                for e, c in zip(chunk, completions)
            ]
            append_json_lines(run.result_file(category), rows)
            timing.cases += len(chunk)
            timing.steps += len(chunk)
            timing.prompt_tokens += sum(c.prompt_tokens for c in completions)
            timing.completion_tokens += sum(c.completion_tokens for c in completions)
            timing.seconds += elapsed
            if advance:
                advance(len(chunk))
    return timings


def score_run(run: RunDir, config: EvalConfig) -> tuple[dict[Category, CategoryScore], list[CaseVerdict]]:
    """Score the selected categories' result files and write verdicts, scores and score files."""
    records = []
    for category in config.categories:
        path = run.result_file(category)
        if path.exists():
            records.extend(read_result_file(path, category))
    verdicts = score_records(records, config.data_dir, config.decode_mode)
    scores = scores_from_verdicts((v.category, v.verdict.valid) for v in verdicts)
    atomic_write_text(run.verdicts, "".join(json.dumps(v.to_json()) + "\n" for v in verdicts))
    document = scores_to_json(scores, config.decode_mode)
    atomic_write_text(run.scores, json.dumps(document, indent=2) + "\n")
    for category, score in scores.items():
        failures = [
            {"id": v.id, "valid": False, "error_type": v.verdict.error_type, "error": list(v.verdict.errors)}
            for v in verdicts
            if v.category is category and not v.verdict.valid
        ]
        write_score_file(run.score_file(category), score.correct, score.total, failures)
    return scores, verdicts


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in ("closeloop", "bfcl-eval", "torch", "transformers", "vllm", "trl"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found


def run_eval(
    backend: Backend,
    run: RunDir,
    config: EvalConfig,
    progress: ProgressFactory | None = None,
    command: Sequence[str] = (),
) -> EvalOutcome:
    mode = resolve_mode(config.mode, backend)
    previous = run.read_meta() or {}
    if previous.get("mode") and previous["mode"] != mode:
        from .errors import UsageError

        raise UsageError(f"{run.root} was generated in {previous['mode']} mode, not {mode}")
    runnable = [c for c in config.categories if c.runnable_offline]
    skipped = [c for c in config.categories if c not in runnable]
    config = EvalConfig(**{**asdict(config), "categories": runnable})
    meta: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "model": backend.identity.to_json(),
        "mode": mode,
        "decode_mode": config.decode_mode,
        "config": {**asdict(config), "categories": [c.value for c in runnable]},
        "not_run": {c.value: _not_run_reason(c) for c in skipped},
        "versions": versions(),
        "command": list(command),
        "created": previous.get("created") or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "status": "generating",
    }
    run.write_meta(meta)
    began = time.perf_counter()
    timings = generate_into(backend, run, config, mode, progress)
    scores, verdicts = score_run(run, config)
    old_timings = previous.get("timings", {})
    meta["timings"] = {
        name: _merge_timing(old_timings.get(name), t) for name, t in timings.items()
    }
    meta["wall_seconds"] = previous.get("wall_seconds", 0.0) + (time.perf_counter() - began)
    meta["status"] = "complete"
    run.write_meta(meta)
    return EvalOutcome(scores, verdicts, {k: CategoryTiming(**v) for k, v in meta["timings"].items()}, mode, skipped)


def _merge_timing(old: dict[str, Any] | None, new: CategoryTiming) -> dict[str, Any]:
    merged = CategoryTiming(**old) if old else CategoryTiming()
    merged.cases += new.cases
    merged.prompt_tokens += new.prompt_tokens
    merged.completion_tokens += new.completion_tokens
    merged.seconds += new.seconds
    merged.steps += new.steps
    return asdict(merged)


def _not_run_reason(category: Category) -> str:
    return "agentic categories need the live web (web_search) or an embedding-model download (memory)"

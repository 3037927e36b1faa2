"""One training run: SFT, GRPO, SFT then GRPO, or ``auto`` (probe first, warm up with SFT on a cold start).

``train(model_dir, data_dir, out, settings)`` writes ``out`` as described in :mod:`rl.checkpoint` and
returns the final ``closeloop.json``. Killed at any point and run again with the same arguments, it
skips the finished stages and resumes the current one from its newest checkpoint.

``train.toml`` (every key optional; ``configs/train.toml`` is a commented example)::

    method = "auto"          # sft | grpo | sft+grpo | auto
    seed = 0
    max_steps = 200          # cap per stage (also --max-steps)
    max_seconds = 1800       # wall-clock cap for the whole run (also --max-time); SFT gets 3/4 of it before GRPO
    grpo_min_steps = 0       # auto: SFT alone when GRPO could not run this many steps in its quarter
    [lora]                   # peft LoraConfig options for both stages (absent: full fine-tuning)
    [sft]                    # closeloop SFT knobs (rl.sft.SFTSettings)
    [sft.trl]                # any trl SFTConfig field
    [grpo]                   # closeloop GRPO knobs (rl.grpo.GRPOSettings)
    [grpo.trl]               # any trl GRPOConfig field
    [grpo.reward]            # rl.rewards.RewardConfig
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .checkpoint import CLOSELOOP_JSON, SCHEMA_VERSION, export_final, now_iso, read_closeloop_json, versions
from .checkpoint import write_json_atomic
from .common import ConfigError, TrainError, is_main_process, wait_for_file
from .data import load_train_data
from .grpo import GRPOSettings, ProbeResult
from .sft import SFTSettings

METHODS = ("sft", "grpo", "sft+grpo", "auto")
REQUEST_FILE = "train-request.json"
BASE_PROBE_FILE = "probe-base.json"
SFT_SHARE = 0.75  # of max_seconds, when SFT runs before GRPO


@dataclass
class TrainSettings:
    method: str = "auto"
    seed: int = 0
    max_steps: int | None = None  # per stage
    max_seconds: float | None = None  # the whole run, probe included (a resumed run starts a new clock)
    # auto: SFT first also when the probed pass rate is below this (GRPO alone learns slowly from rare passes)
    sft_below_pass_rate: float = 0.75
    # auto: SFT first also when fewer than this share of the probed prompts have 0 < pass rate < 1.
    # GRPO trains on those alone: a CPU loop's round 2 found 2 of 16 at a pass rate of 0.84, chose
    # GRPO alone, ran its 3 steps in 8 minutes and left 32 of the round's 40 unused (headline14).
    sft_below_informative_share: float = 0.25
    # auto: GRPO after SFT only if its quarter of max_seconds affords at least this many steps (estimated
    # from the probe, `affordable_grpo_steps`); else SFT takes the whole time (0, the default: GRPO after
    # SFT whatever its steps). A CPU round 2 spent 525 of its 2707 s on a GRPO probe and 3 steps at lr
    # 5e-6 (headline17), the time of ~37 SFT steps; 8 here gave that time to SFT in a whole CPU run,
    # which ended at report Non-Live 11.2, inside the spread of runs without it (bench/results/close_loop.md).
    grpo_min_steps: int = 0
    sft: SFTSettings = field(default_factory=SFTSettings)
    grpo: GRPOSettings = field(default_factory=GRPOSettings)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ConfigError(f"method must be one of {', '.join(METHODS)}, not {self.method!r}")
        if self.max_steps is not None and (isinstance(self.max_steps, bool) or not isinstance(self.max_steps, int)
                                           or self.max_steps <= 0):  # fmt: skip
            raise ConfigError(f"max_steps must be a positive integer, not {self.max_steps!r}")
        if self.max_seconds is not None and (isinstance(self.max_seconds, bool)
                                             or not isinstance(self.max_seconds, (int, float))
                                             or self.max_seconds <= 0):  # fmt: skip
            raise ConfigError(f"max_seconds must be a positive number, not {self.max_seconds!r}")
        steps = self.grpo_min_steps
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
            raise ConfigError(f"grpo_min_steps must be a whole number >= 0, not {self.grpo_min_steps!r}")
        for name in ("sft_below_pass_rate", "sft_below_informative_share"):
            share = getattr(self, name)
            if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
                raise ConfigError(f"{name} must be in [0, 1], not {share!r}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TrainSettings":
        data = dict(data)
        known = {"method", "seed", "max_steps", "max_seconds", "sft_below_pass_rate", "sft_below_informative_share",
                 "grpo_min_steps", "lora", "sft", "grpo"}  # fmt: skip
        for key in data:
            if key not in known:
                raise ConfigError(f"{key} is not a setting (known: {', '.join(sorted(known))})")
        lora = data.pop("lora", None)
        if lora is not None and not isinstance(lora, dict):
            raise ConfigError("lora must be a table")
        sections = {}
        for name in ("sft", "grpo"):
            section = data.pop(name, {})
            if not isinstance(section, dict):
                raise ConfigError(f"{name} must be a table")
            if lora is not None and "lora" not in section:
                section = {**section, "lora": lora}
            sections[name] = section
        seed = data.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ConfigError(f"seed must be an integer, not {seed!r}")
        if "method" in data and not isinstance(data["method"], str):
            raise ConfigError("method must be a string")
        return cls(sft=SFTSettings.from_dict(sections["sft"]), grpo=GRPOSettings.from_dict(sections["grpo"]),
                   **data)  # fmt: skip


def load_train_toml(path: str | Path) -> TrainSettings:
    """Parse a train.toml; every error is a ConfigError that names the file and the key."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        return TrainSettings.from_dict(data)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def validate_trl_settings(settings: TrainSettings) -> None:
    """Check the trl tables against trl's own config classes before any model is loaded."""
    import tempfile

    from .grpo import grpo_config
    from .sft import sft_config

    with tempfile.TemporaryDirectory() as tmp:
        if settings.method != "grpo":
            sft_config(settings.sft, Path(tmp), seed=settings.seed, max_steps=settings.max_steps)
        if settings.method != "sft":
            grpo_config(settings.grpo, Path(tmp), seed=settings.seed, max_steps=settings.max_steps,
                        max_completion_length=64)  # fmt: skip


def _request(model_dir: Path, data: Any, settings: TrainSettings, base_model: dict[str, Any]) -> dict[str, Any]:
    return {"base_model": base_model, "model_dir": str(model_dir), "data_sha256": data.sha256,
            "method": settings.method, "seed": settings.seed}  # fmt: skip


def train(model_dir: str | Path, data_dir: str | Path, out: str | Path, settings: TrainSettings | None = None, *,
          base_model: dict[str, Any] | None = None, console: Any = None, log: Any = print) -> dict[str, Any]:  # fmt: skip
    """Run (or resume) the training and return the final closeloop.json."""
    import time

    from .callbacks import Deadline
    from .grpo import run_grpo
    from .sft import run_sft

    settings = settings or TrainSettings()
    model_dir, out = Path(model_dir), Path(out)
    if out.resolve() == model_dir.resolve():
        raise ConfigError("--out must not be the model directory")
    data = load_train_data(data_dir)
    base_model = {"path": str(model_dir), **(base_model or {})}
    out.mkdir(parents=True, exist_ok=True)

    request = _request(model_dir, data, settings, base_model)
    request_path = out / REQUEST_FILE
    metrics_path = out / "metrics.jsonl"
    stages_dir = out / "stages"
    method = settings.method
    started = time.time()
    if not is_main_process():  # rank 0 checks, decides and writes; the others follow its request file
        decision = _wait_for_decision(request_path, method)
    else:
        previous = json.loads(request_path.read_text()) if request_path.is_file() else None
        if previous is None and any(out.iterdir()):
            raise ConfigError(f"{out} is not empty and holds no earlier training run; give a new or empty --out")
        if previous is not None:
            for key in ("model_dir", "data_sha256", "method", "seed"):
                if previous.get(key) != request[key]:
                    raise ConfigError(f"{out} holds a run with another {key.replace('_', ' ')} "
                                      f"({previous.get(key)!r}); use a new --out to start afresh")  # fmt: skip
            request = previous
        finished = read_closeloop_json(out)
        if finished is not None and previous is not None:
            log(f"{out} is already trained ({finished.get('method')}); nothing to do")
            return finished
        write_json_atomic(request_path, request)  # first: a killed probe leaves a resumable directory
        decision = request.get("decision") or {}
        if method == "auto" and not decision:
            decision = _cold_start_decision(model_dir, data, settings, out)
            request["decision"] = decision
            write_json_atomic(request_path, request)
            log(f"auto: {decision['method']} ({decision['reason']})")
    plan = decision.get("method", method)

    stages: list[Any] = []
    current = model_dir
    notes: list[str] = []
    end = started + settings.max_seconds if settings.max_seconds else None
    # SFT first: it is what a cold start needs; GRPO refines in the quarter left.
    sft_end = started + SFT_SHARE * settings.max_seconds if settings.max_seconds and plan == "sft+grpo" else end
    if plan in ("sft", "sft+grpo"):
        hooks = [Deadline(sft_end)] if sft_end else []
        result = run_sft(current, data, stages_dir / "sft", settings.sft, seed=settings.seed,
                         max_steps=settings.max_steps, metrics_path=metrics_path, console=console,
                         callbacks=hooks)  # fmt: skip
        if hooks and hooks[0].stopped:
            notes.append(f"sft stopped by the time limit after {result.steps} steps")
        stages.append(result)
        current = result.model_dir
    if plan == "sft+grpo" and end is not None and time.time() >= end - 60:
        notes.append("grpo skipped: the time limit was spent")
        log("grpo skipped after sft: the time limit was spent")
    elif plan in ("grpo", "sft+grpo"):
        hooks = [Deadline(end)] if end else []
        try:
            result = run_grpo(current, data, stages_dir / "grpo", settings.grpo, seed=settings.seed,
                              max_steps=settings.max_steps, metrics_path=metrics_path, console=console,
                              log=log, callbacks=hooks)  # fmt: skip
            if hooks and hooks[0].stopped:
                notes.append(f"grpo stopped by the time limit after {result.steps} steps")
        except TrainError as exc:
            if plan == "grpo":
                raise
            notes.append(f"grpo skipped: {exc}")
            log(f"grpo skipped after sft: {exc}")
        else:
            stages.append(result)
            current = result.model_dir

    info = {
        "schema_version": SCHEMA_VERSION,
        "created": now_iso(),
        "base_model": base_model,
        "data": data.provenance(),
        "method": method,
        "method_run": plan,
        "decision": decision or None,
        "seed": settings.seed,
        "max_steps": settings.max_steps,
        "max_seconds": settings.max_seconds,
        "reward": asdict(settings.grpo.reward) if any(s.stage == "grpo" for s in stages) else None,
        "stages": [{"name": s.stage, "steps": s.steps, "seconds": round(s.seconds, 1),
                    **{k: v for k, v in s.info.get("stage", {}).items() if k not in ("name", "steps", "seconds")}}
                   for s in stages],  # fmt: skip
        "metrics": {s.stage: _summary(s.metrics) for s in stages},
        "notes": notes,
        "versions": versions(),
    }
    if is_main_process():
        export_final(current, out, info)
    return info


def _cold_start_decision(model_dir: Path, data: Any, settings: TrainSettings, out: Path) -> dict[str, Any]:
    """Probe the base model and choose the stages by :func:`auto_method`."""
    from .common import load_model, load_tokenizer, set_threads
    from .grpo import auto_max_completion_length, grpo_config, probe_reward_variance, prompts_per_step

    set_threads()
    tokenizer = load_tokenizer(model_dir)
    model = load_model(model_dir, frozen=True)
    rows = data.scorable()
    probe = probe_reward_variance(model, rows, settings.grpo.probe_prompts, tokenizer=tokenizer,
                                  k=settings.grpo.probe_generations, reward=settings.grpo.reward,
                                  max_new_tokens=auto_max_completion_length(tokenizer, rows),
                                  seed=settings.seed)  # fmt: skip
    del model
    write_json_atomic(out / BASE_PROBE_FILE, probe.to_json())
    if settings.grpo_min_steps and settings.max_seconds:  # the GRPO-fit rule needs a step's prompts
        config = grpo_config(settings.grpo, out / "stages" / "grpo")
        method, reason = auto_method(probe, settings, prompts_per_step(config))
    else:
        method, reason = auto_method(probe, settings)
    return {"method": method, "reason": reason, "probe": probe.summary()}


def auto_method(probe: ProbeResult, settings: TrainSettings, prompts_per_step: int = 8) -> tuple[str, str]:
    """``auto``'s choice from a probe of the base model: SFT first on a cold start (no prompt's reward
    varies), while the model passes fewer than ``sft_below_pass_rate`` of the probed prompts, or while
    fewer than ``sft_below_informative_share`` of them are informative (GRPO learns from those alone);
    GRPO alone otherwise. SFT alone where GRPO after it could not run ``grpo_min_steps`` steps of
    ``prompts_per_step`` prompts in its share of ``max_seconds`` (judged by the probe's time).

    >>> def probe(pass_rates, seconds=0.0):
    ...     return ProbeResult([{}] * len(pass_rates), pass_rates, [], generations=4, seconds=seconds)
    >>> auto_method(probe([0.0, 0.0]), TrainSettings())[0]
    'sft+grpo'
    >>> auto_method(probe([1.0] * 14 + [0.5, 0.25]), TrainSettings())
    ('sft+grpo', 'pass rate 0.92 but 2 of 16 probed prompts have 0 < pass rate < 1 (< 0.25): SFT first')
    >>> auto_method(probe([0.0] * 16, seconds=117.0), TrainSettings(max_seconds=2707, grpo_min_steps=8))[0]
    'sft'
    >>> auto_method(probe([0.0] * 16, seconds=3.0), TrainSettings(max_seconds=600, grpo_min_steps=8))[0]
    'sft+grpo'
    >>> auto_method(probe([0.0] * 16, seconds=117.0), TrainSettings(max_seconds=2707))[0]  # the default, 0
    'sft+grpo'
    >>> auto_method(probe([1.0] * 12 + [0.5] * 4), TrainSettings())
    ('grpo', '4 of 16 probed prompts have 0 < pass rate < 1')
    """
    informative, mean = len(probe.informative), probe.mean_pass_rate
    counted = f"{informative} of {len(probe.rows)} probed prompts have 0 < pass rate < 1"
    if not informative:
        # No group's reward varies: a cold start when nothing passes; otherwise each prompt is passed
        # always or never (the model knows the training data's easy prompts and misses the rest).
        kind = "cold start" if mean == 0 else "all-or-nothing groups"
        reason = f"{kind}: no probed prompt has reward variance (mean pass rate {mean:.2f})"
    elif mean < settings.sft_below_pass_rate:
        reason = f"mean pass rate {mean:.2f} < {settings.sft_below_pass_rate:g}: SFT first ({counted})"
    elif informative < settings.sft_below_informative_share * len(probe.rows):
        reason = f"pass rate {mean:.2f} but {counted} (< {settings.sft_below_informative_share:g}): SFT first"
    else:
        return "grpo", counted
    if settings.max_seconds and settings.grpo_min_steps:
        quarter = (1 - SFT_SHARE) * settings.max_seconds
        steps = affordable_grpo_steps(probe.seconds, len(probe.rows), quarter, prompts_per_step)
        if steps < settings.grpo_min_steps:
            return "sft", (f"{reason}; GRPO after it would afford about {steps} steps in {quarter:.0f} s "
                           f"(< grpo_min_steps {settings.grpo_min_steps}): SFT takes the whole time")  # fmt: skip
    return "sft+grpo", reason


def affordable_grpo_steps(probe_seconds: float, probe_prompts: int, seconds: float, prompts_per_step: int) -> int:
    """GRPO steps that fit in ``seconds``, estimated from auto's probe (``probe_prompts`` prompts rolled out
    in ``probe_seconds``). The GRPO stage probes again first, after SFT, when completions run longer:
    twice the probe's time is set aside for it; then a step rolls out ``prompts_per_step`` prompts and
    trains on them in about 1.6 times that rollout's time (a CPU round 2 of headline17: a 117 s probe of
    16 prompts, then a 250 s probe and 3 steps of 8 prompts in 275 s).

    >>> affordable_grpo_steps(117.0, 16, 677.0, 8)  # that CPU round's quarter
    4
    >>> affordable_grpo_steps(3.0, 16, 120.0, 8)  # a GPU's
    47
    """
    per_step = 1.6 * probe_seconds / max(probe_prompts, 1) * prompts_per_step
    left = seconds - 2 * probe_seconds
    if left <= 0:
        return 0
    return int(left // per_step) if per_step > 0 else 1_000_000


def _wait_for_decision(request_path: Path, method: str) -> dict[str, Any]:
    import time

    wait_for_file(request_path, "rank 0's training request")
    while True:
        request = json.loads(request_path.read_text())
        if method != "auto" or request.get("decision"):
            return request.get("decision") or {}
        time.sleep(2.0)


_SUMMARY_KEYS = (
    "train_loss", "loss", "mean_token_accuracy", "tokens_per_second", "train_runtime", "num_tokens", "reward",
    "reward_std", "rewards/correctness/mean", "rewards/gate/mean", "rewards/abstention/mean", "frac_reward_zero_std",
    "mean_frac_reward_zero_std", "completions/mean_length", "step_time",
)  # fmt: skip


def _summary(metrics: dict[str, float]) -> dict[str, float]:
    return {k: metrics[k] for k in _SUMMARY_KEYS if k in metrics}


def is_complete(out: str | Path) -> bool:
    return (Path(out) / CLOSELOOP_JSON).is_file()

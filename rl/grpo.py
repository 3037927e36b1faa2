"""GRPO with trl's ``GRPOTrainer``, the gated reward of :mod:`rl.rewards`, and prompt selection by probe.

**Prompt selection (dynamic sampling, done up front).** A group whose G completions all score the
same has zero advantage and teaches nothing. Before training, a *probe rollout* samples k
completions for a pool of prompts and scores them with the same reward; only prompts whose pass
rate p is strictly between 0 and 1 are kept, drawn (with replacement) with weight
``gap_weight(category) * (1 - p)``: the category's weight in ``gaps.json`` when one is given (else 1)
times the prompt's own remaining gap. trl logs the share of zero-variance groups seen during
training as ``frac_reward_zero_std`` (kept in metrics.jsonl and closeloop.json).

**Cold start.** :func:`probe_reward_variance` answers "does the gated reward vary at all on this
model?"; with ``method = "auto"`` (``harness train --method auto``) no variance means an SFT warm
start is run first (see :mod:`rl.train`).

**CPU efficiency** (all on by default on the transformers generation path):

* generation stops each row at the end of its call list (as ``harness eval`` does), so
  ``max_completion_length`` is only a cap (by default derived from the gold completions' lengths);
* the prompt is prefilled once per distinct prompt and its KV cache shared by the G rows;
* in the loss, each micro-batch keeps the G completions of a prompt together and runs the prompt
  once, its KV cache shared (with gradients) by the G completions: exact same loss and gradient,
  about G times less prompt compute; and the LM head scores only completion positions;
* a micro-batch whose advantages are all exactly 0 (every group in it scored alike) skips its forward
  and backward: with beta = 0 and no entropy bonus its loss and gradient are exactly 0, and the
  optimizer still steps on zero gradients, as it would have (logged as
  ``closeloop/skipped_microbatches``);
* fp32, no gradient checkpointing, no reference model (beta = 0, trl's default).

GPU: set ``use_vllm = true`` (``vllm_mode = "colocate"`` is trl's default) in ``[grpo.trl]``; bf16 is
on when the GPU has it; ``[lora]`` enables LoRA through peft.
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .checkpoint import CLOSELOOP_JSON, FINAL, last_checkpoint, now_iso, read_closeloop_json, save_model_dir, stage_final, versions
from .common import (
    ConfigError, TrainError, bf16_ok, build_trl_config, check_trl_args, compact_lm_head, device_kind, load_model,
    is_main_process, load_tokenizer, lora_config, probe_device, set_threads, wait_for_file,
)  # fmt: skip
from .data import TrainData, grpo_records
from .rewards import RewardConfig, build_reward_funcs, completion_text, is_scorable, total_rewards

PROBE_FILE = "probe.json"
PROMPTS_FILE = "prompts.jsonl"


@dataclass
class GRPOSettings:
    """closeloop's GRPO knobs; everything trl knows goes into ``trl_args`` (merged into ``GRPOConfig``)."""

    trl_args: dict[str, Any] = field(default_factory=dict)
    reward: RewardConfig = field(default_factory=RewardConfig)
    lora: dict[str, Any] | None = None  # peft LoraConfig options; None = full fine-tuning
    select_prompts: bool = True  # probe first, keep prompts with 0 < pass rate < 1
    probe_prompts: int = 16  # pool size of the probe rollout (each costs k sampled completions)
    probe_generations: int = 4  # completions per probed prompt
    gaps: str | None = None  # gaps.json of the last eval: per-category weights for the selection
    stop_at_call_list: bool = True  # end each completion when its call list closes
    shared_prefix: bool = True  # one prompt forward per group (generation and loss)
    resume: bool = True
    progress: bool = True

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "grpo") -> "GRPOSettings":
        data = dict(data)
        trl_args = data.pop("trl", {})
        if not isinstance(trl_args, dict):
            raise ConfigError(f"{where}.trl must be a table")
        reward = data.pop("reward", {})
        if not isinstance(reward, dict):
            raise ConfigError(f"{where}.reward must be a table")
        try:
            reward_config = RewardConfig.from_dict(reward)
        except KeyError as exc:
            raise ConfigError(f"{where}.reward.{exc.args[0]} is not a reward setting") from None
        except ValueError as exc:
            raise ConfigError(f"{where}.reward: {exc}") from None
        types = {"select_prompts": bool, "stop_at_call_list": bool, "shared_prefix": bool, "resume": bool,
                 "progress": bool, "probe_prompts": int, "probe_generations": int, "gaps": str}  # fmt: skip
        for key, value in data.items():
            if key == "lora":
                if value is not None and not isinstance(value, dict):
                    raise ConfigError(f"{where}.lora must be a table")
                continue
            if key not in types:
                raise ConfigError(f"{where}.{key} is not a setting (known: trl, reward, lora, {', '.join(types)})")
            wanted = types[key]
            if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):
                raise ConfigError(f"{where}.{key} must be {'true or false' if wanted is bool else wanted.__name__}")
        if data.get("probe_prompts", 1) < 1 or data.get("probe_generations", 2) < 2:
            raise ConfigError(f"{where}.probe_prompts must be >= 1 and {where}.probe_generations >= 2")
        return cls(trl_args=dict(trl_args), reward=reward_config, **data)


# --- configuration ------------------------------------------------------------------------------


def auto_max_completion_length(tokenizer: Any, rows: Sequence[dict[str, Any]]) -> int:
    """A cap that fits the gold completions: 1.25 x their 95th-percentile token length, 32..256."""
    lengths = sorted(len(tokenizer(r["completion"][-1]["content"], add_special_tokens=False)["input_ids"])
                     for r in rows[:2000])  # fmt: skip
    if not lengths:
        return 64
    p95 = lengths[min(len(lengths) - 1, int(0.95 * len(lengths)))]
    return int(min(256, max(32, math.ceil(1.25 * (p95 + 2)))))


def default_grpo_args(device: str) -> dict[str, Any]:
    """Our starting point for ``GRPOConfig`` (before ``trl_args``): 8 prompts x 4 completions a step."""
    cpu = device == "cpu"
    return {
        "num_generations": 4,
        "per_device_train_batch_size": 8,
        "gradient_accumulation_steps": 4,
        "learning_rate": 5e-6,
        # No warm-up: a loop round's GRPO stage is a handful of steps, and 5% of them rounded up made
        # the first step one at learning rate 0 (a third of the CPU round's GRPO: headline12's round 2
        # logged 0.0, 5e-6, 5e-6 for its 3 steps).
        "lr_scheduler_type": "constant",
        "warmup_steps": 0,
        "temperature": 1.0,
        "beta": 0.0,
        "bf16": bf16_ok(),
        "fp16": False,
        "gradient_checkpointing": False,
        "logging_steps": 1,
        "save_strategy": "steps",
        "save_steps": 10 if cpu else 50,
        "save_total_limit": 2,
        "report_to": "none",
        "disable_tqdm": True,
        "dataloader_num_workers": 0,
        "dataloader_pin_memory": not cpu,
        "use_cpu": cpu,
        "seed": 0,
    }


def grpo_config(settings: GRPOSettings, output_dir: Path, *, max_completion_length: int | None = None,
                seed: int | None = None, max_steps: int | None = None, eos_token_id: int | None = None,
                pad_token_id: int | None = None) -> Any:  # fmt: skip
    from trl import GRPOConfig

    check_trl_args(GRPOConfig, settings.trl_args, "grpo.trl")
    args = default_grpo_args(device_kind())
    if seed is not None:
        args["seed"] = seed
    if max_completion_length is not None:
        args["max_completion_length"] = max_completion_length
    args.update(settings.trl_args)
    if max_steps is not None:
        args["max_steps"] = max_steps
    if settings.stop_at_call_list and args.get("use_vllm") and "generation_kwargs" not in settings.trl_args:
        # vLLM cannot match brackets: stop at "]" + newline, the end of a call list on its own line.
        args["generation_kwargs"] = {"stop": ["]\n"], "include_stop_str_in_output": True}
    elif (not args.get("use_vllm") and eos_token_id is not None and pad_token_id is not None
          and pad_token_id != eos_token_id and "generation_kwargs" not in settings.trl_args):  # fmt: skip
        # A row we end early is padded; pad with EOS so that trl's "mask after the first EOS" drops the rest.
        args["generation_kwargs"] = {"pad_token_id": eos_token_id}
    args["output_dir"] = str(output_dir)
    config = build_trl_config(GRPOConfig, args, "grpo.trl")
    if config.reward_weights is None:
        config.reward_weights = build_reward_funcs(settings.reward)[1]
    return config


def prompts_per_step(config: Any) -> int:
    return max(1, config.generation_batch_size // config.num_generations)


# --- the probe ----------------------------------------------------------------------------------


@dataclass
class ProbeResult:
    """Pass rates of the probed prompts and the spread of the gated reward."""

    rows: list[dict[str, Any]] = field(repr=False)
    pass_rates: list[float]
    rewards: list[list[float]] = field(repr=False)
    generations: int
    seconds: float

    @property
    def variance(self) -> float:
        """Population variance of the gated reward over every probed completion."""
        flat = [r for group in self.rewards for r in group]
        return statistics.pvariance(flat) if len(flat) > 1 else 0.0

    @property
    def zero_variance_share(self) -> float:
        """Share of prompts whose k rewards are all equal (GRPO would learn nothing from them)."""
        if not self.rewards:
            return 1.0
        return sum(1 for g in self.rewards if max(g) == min(g)) / len(self.rewards)

    @property
    def mean_pass_rate(self) -> float:
        return statistics.fmean(self.pass_rates) if self.pass_rates else 0.0

    @property
    def informative(self) -> list[int]:
        return [i for i, p in enumerate(self.pass_rates) if 0.0 < p < 1.0]

    def summary(self) -> dict[str, Any]:
        return {"prompts": len(self.rows), "generations": self.generations, "mean_pass_rate": self.mean_pass_rate,
                "reward_variance": self.variance, "zero_variance_share": self.zero_variance_share,
                "informative_prompts": len(self.informative), "seconds": round(self.seconds, 1)}  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {**self.summary(), "ids": [r.get("id", "") for r in self.rows], "pass_rates": self.pass_rates,
                "rewards": self.rewards}  # fmt: skip


def probe_reward_variance(model: Any, dataset: Sequence[dict[str, Any]] | Any, n: int = 32, *,
                          tokenizer: Any = None, k: int = 4, reward: RewardConfig | None = None,
                          max_new_tokens: int = 64, temperature: float = 1.0, seed: int = 0,
                          batch_prompts: int = 8) -> ProbeResult:  # fmt: skip
    """Sample ``k`` completions for ``n`` random scorable prompts and score them with the gated reward.

    ``model`` is an HF directory (str/Path) or a loaded model (then pass ``tokenizer``); ``dataset``
    is a list of train.jsonl rows or a ``datasets.Dataset`` with the same columns. ``variance`` of
    the result is 0 when the reward cannot tell any two completions apart: a cold start.
    """
    from .generation import sample_completions

    reward = reward or RewardConfig()
    if isinstance(model, (str, Path)):
        tokenizer = tokenizer or load_tokenizer(Path(model))
        model = load_model(Path(model), frozen=True)
    if tokenizer is None:
        raise ValueError("pass the tokenizer with a loaded model")
    device = probe_device()
    if str(next(model.parameters()).device) != device:
        model.to(device)
    rows = [dict(r) for r in dataset if is_scorable(r["category"])]
    rng = random.Random(seed)
    rows = rng.sample(rows, min(n, len(rows)))
    if not rows:
        raise TrainError("no row of the data can be scored by the single-turn verdict (AST or irrelevance)")
    started = time.time()
    import torch

    torch.manual_seed(seed)
    texts = sample_completions(model, tokenizer, [r["prompt"] for r in rows], k=k, max_new_tokens=max_new_tokens,
                               temperature=temperature, batch_prompts=batch_prompts)  # fmt: skip
    rewards, pass_rates = [], []
    for row, group in zip(rows, texts):
        columns = {key: [row[key]] * len(group) for key in ("category", "functions", "possible_answer")}
        values = total_rewards(group, reward, **columns)
        valid = total_rewards(group, RewardConfig(decode_mode=reward.decode_mode), **columns)
        rewards.append(values)
        pass_rates.append(sum(valid) / len(valid))
    return ProbeResult(rows, pass_rates, rewards, k, time.time() - started)


def gap_weights(gaps_path: str | None) -> dict[str, float]:
    """Category -> weight from a gaps.json (empty when none is given)."""
    if not gaps_path:
        return {}
    from bfcl_adapter.diagnosis.gaps import read_gaps

    document = read_gaps(Path(gaps_path))
    return {name: float(entry["weight"]) for name, entry in document["categories"].items()}


def select_prompts(probe: ProbeResult, count: int, *, gaps: dict[str, float] | None = None,
                   seed: int = 0) -> list[dict[str, Any]]:  # fmt: skip
    """``count`` prompts drawn with replacement from the informative ones (0 < p < 1), with weight
    ``gap_weight(category) * (1 - p)``. A category missing from ``gaps`` gets the mean weight, and
    every weight is at least a tenth of the mean, so no informative prompt is starved entirely."""
    chosen = probe.informative
    if not chosen:
        return []
    gaps = gaps or {}
    mean_gap = statistics.fmean(gaps.values()) if gaps else 1.0
    weights = []
    for i in chosen:
        gap = gaps.get(probe.rows[i]["category"], mean_gap)
        weights.append(max(gap, 0.1 * mean_gap) * (1.0 - probe.pass_rates[i]))
    rng = random.Random(seed)
    picks = rng.choices(chosen, weights=weights, k=count)
    return [probe.rows[i] for i in picks]


# --- the trainer --------------------------------------------------------------------------------


def make_trainer_class() -> type:
    """``GRPOTrainer`` with call-list stops and prompt sharing (built lazily: trl is imported here)."""
    import torch
    from trl import GRPOTrainer

    from .generation import patched_generate

    class CloseloopGRPOTrainer(GRPOTrainer):
        def __init__(self, *args: Any, stop_at_call_list: bool = True, shared_prefix: bool = True, **kwargs: Any):
            super().__init__(*args, **kwargs)
            transformers_path = not self.use_vllm and not getattr(self, "use_transformers_continuous_batching", False)
            self.cl_stop = stop_at_call_list and transformers_path
            self.cl_shared_generate = shared_prefix and transformers_path
            self.cl_shared_loss = (
                shared_prefix and self.accelerator.num_processes == 1 and not self.args.gradient_checkpointing
                and not getattr(self, "_is_vlm", False) and self.accelerator.state.deepspeed_plugin is None
            )  # fmt: skip
            # A micro-batch whose advantages are all exactly 0 has a policy loss and gradient of exactly 0
            # when nothing else enters the loss (no KL, no entropy bonus): skip its forward and backward.
            self.cl_skip_zero_advantage = (
                self.beta == 0.0 and getattr(self.args, "entropy_coef", 0.0) == 0.0
                and not getattr(self.args, "use_adaptive_entropy", False)
                and self.loss_type in ("grpo", "bnpo", "dr_grpo", "dapo", "cispo")
                and self.accelerator.num_processes == 1
            )  # fmt: skip
            # Group-preserving micro-batches are only equivalent when one generation feeds one optimizer step.
            self.cl_keep_groups = (
                self.cl_shared_loss and self.num_iterations == 1
                and self.args.steps_per_generation == self.args.gradient_accumulation_steps
            )  # fmt: skip

        def _generate_single_turn(self, prompt_ids: Any, *args: Any, **kwargs: Any) -> Any:
            if not (self.cl_stop or self.cl_shared_generate):
                return super()._generate_single_turn(prompt_ids, *args, **kwargs)
            target = self.accelerator.unwrap_model(self.model_wrapped)
            # Autocast: sampling computes in bf16 where training does (fp32 master weights stay as they are).
            with self.accelerator.autocast(), patched_generate(target, self._tokenizer, stop_at_call_list=self.cl_stop,
                                                               shared_prefix=self.cl_shared_generate):  # fmt: skip
                return super()._generate_single_turn(prompt_ids, *args, **kwargs)

        def _prepare_inputs(self, generation_batch: Any) -> Any:
            if not (self.cl_keep_groups and self.model.training):
                return super()._prepare_inputs(generation_batch)
            from trl.trainer import grpo_trainer as g

            generate_every = self.args.steps_per_generation * self.num_iterations
            if self._step % generate_every == 0 or self._buffered_inputs is None:
                batch = self._generate_and_score_completions(generation_batch)
                batch = g.split_pixel_values_by_grid(batch)
                # No shuffle: rows stay grouped by prompt, so each micro-batch runs its prompts once.
                # All micro-batches of this generation add up to one optimizer step: same gradient.
                batches = g.split_tensor_dict(batch, self.args.steps_per_generation)
                self._buffered_inputs = [g.unsplit_pixel_values_by_grid(b) for b in batches]
            return self._buffered_inputs[self._step % self.args.steps_per_generation]

        def _compute_loss(self, model: Any, inputs: Any) -> Any:
            if self.cl_skip_zero_advantage and self.model.training:
                skip = not bool(torch.any(inputs["advantages"] != 0))
                self._metrics["train"]["closeloop/skipped_microbatches"].append(float(skip))
                if skip:
                    # Zero gradients (not None) for every trainable parameter, as the full loss would give,
                    # so that the optimizer step (Adam moments, schedule) is the same.
                    params = [p for p in model.parameters() if p.requires_grad]
                    return torch.stack([p.reshape(-1)[:1].sum() for p in params]).sum() * 0.0
            return super()._compute_loss(model, inputs)

        def _get_per_token_logps_and_entropies(self, model: Any, input_ids: Any, attention_mask: Any,
                                               logits_to_keep: int, batch_size: int | None = None,
                                               compute_entropy: bool = False, compute_aux_loss: bool = False,
                                               **extra: Any) -> Any:  # fmt: skip
            if not self.cl_shared_loss or compute_aux_loss or any(v is not None for v in extra.values()):
                return super()._get_per_token_logps_and_entropies(
                    model, input_ids, attention_mask, logits_to_keep, batch_size, compute_entropy,
                    compute_aux_loss, **extra)  # fmt: skip
            batch_size = batch_size or input_ids.size(0)
            logps, entropies = [], []
            for start in range(0, input_ids.size(0), batch_size):
                end = min(start + batch_size, input_ids.size(0))
                lp, ent = self._shared_prompt_logps(model, input_ids[start:end], attention_mask[start:end],
                                                    logits_to_keep, compute_entropy)  # fmt: skip
                logps.append(lp)
                entropies.append(ent)
            entropy = torch.cat(entropies, 0) if compute_entropy else None
            return torch.cat(logps, 0), entropy, None

        def _shared_prompt_logps(self, model: Any, ids: Any, mask: Any, keep: int, compute_entropy: bool) -> Any:
            from transformers import DynamicCache

            width = ids.size(1) - keep  # prompt width (left-padded)
            prompt = torch.cat([ids[:, :width], mask[:, :width]], dim=1)
            unique, inverse = torch.unique(prompt, dim=0, return_inverse=True)
            if unique.size(0) == ids.size(0) or width < 2:
                lp, ent, _ = super()._get_per_token_logps_and_entropies(
                    model, ids, mask, keep, None, compute_entropy, False)  # fmt: skip
                return lp, ent
            config = self.accelerator.unwrap_model(model).config
            cache = DynamicCache(config=config)
            with self.accelerator.autocast():
                # The prompt minus its last token, once per distinct prompt; positions as trl's own forward
                # gives them (no position_ids: 0..width-1 over the padded row), so the result is identical.
                model(input_ids=unique[:, : width - 1], attention_mask=unique[:, width : 2 * width - 1],
                      past_key_values=cache, use_cache=True, logits_to_keep=1)  # fmt: skip
                cache.batch_select_indices(inverse)
                segment = ids[:, width - 1 :]
                labels = segment.masked_fill(mask[:, width - 1 :] == 0, -100)
                labels[:, 0] = -100
                out = model(input_ids=segment, attention_mask=mask, past_key_values=cache, labels=labels,
                            fused_lm_head=True)  # fmt: skip
            return out.log_probs[:, -keep:], (out.entropy[:, -keep:] if compute_entropy else None)

    return CloseloopGRPOTrainer


# --- running a stage ----------------------------------------------------------------------------


def _write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("w") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
    tmp.replace(path)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run_grpo(model_dir: Path, data: TrainData, stage_dir: Path, settings: GRPOSettings | None = None, *,
             seed: int = 0, max_steps: int | None = None, metrics_path: Path | None = None,
             extra_reward_funcs: Sequence[Any] = (), extra_reward_weights: Sequence[float] = (),
             console: Any = None, log: Any = print, callbacks: Sequence[Any] = ()) -> Any:  # fmt: skip
    """GRPO on ``model_dir``; the result is ``stage_dir/final``. Resumes like :func:`rl.sft.run_sft`.

    With ``settings.select_prompts`` the probe picks the prompts (saved to ``prompts.jsonl`` so a
    resumed run trains on the same ones); when no prompt is informative, :class:`TrainError`.
    ``extra_reward_funcs`` are appended to the gated reward (tests use them on random models).
    """
    from .sft import StageResult, _config_summary

    settings = settings or GRPOSettings()
    done = stage_final(stage_dir)
    if done is not None:
        info = read_closeloop_json(done) or {}
        stage = info.get("stage", {})
        return StageResult("grpo", done, stage.get("steps", 0), stage.get("seconds", 0.0), info.get("metrics", {}),
                           info)  # fmt: skip

    import datasets

    from .callbacks import MetricsJsonl, RichProgress, quiet_default_callbacks

    set_threads()
    stage_dir.mkdir(parents=True, exist_ok=True)
    tokenizer = load_tokenizer(model_dir)
    rows = data.scorable()
    if not rows:
        raise TrainError("no row of the data can be scored by the single-turn verdict: nothing for GRPO")
    config = grpo_config(settings, stage_dir, seed=seed, max_steps=max_steps,
                         max_completion_length=auto_max_completion_length(tokenizer, rows),
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)  # fmt: skip
    model = load_model(model_dir, bf16=config.bf16, frozen=bool(settings.lora))
    per_step = prompts_per_step(config)
    probe_info: dict[str, Any] | None = None
    prompts_path = stage_dir / PROMPTS_FILE
    if not is_main_process():  # rank 0 probes and selects; the others train on its choice
        wait_for_file(prompts_path, "the selected prompts")
    if prompts_path.is_file():  # a resumed run (or rank > 0): the same prompts as rank 0 chose
        chosen = _read_jsonl(prompts_path)
        probe_info = json.loads((stage_dir / PROBE_FILE).read_text()) if (stage_dir / PROBE_FILE).is_file() else None
    elif settings.select_prompts:
        probe = probe_reward_variance(model, rows, settings.probe_prompts, tokenizer=tokenizer,
                                      k=settings.probe_generations, reward=settings.reward,
                                      max_new_tokens=config.max_completion_length,
                                      temperature=config.temperature, seed=seed)  # fmt: skip
        probe_info = probe.summary()
        (stage_dir / PROBE_FILE).write_text(json.dumps(probe.to_json(), indent=1) + "\n")
        log(f"probe: {len(probe.rows)} prompts x {probe.generations}: mean pass rate {probe.mean_pass_rate:.2f}, "
            f"{len(probe.informative)} informative (0 < p < 1), zero-variance share {probe.zero_variance_share:.2f}")
        steps = config.max_steps if config.max_steps and config.max_steps > 0 else None
        count = steps * per_step if steps else max(per_step, len(probe.informative))
        chosen = select_prompts(probe, count, gaps=gap_weights(settings.gaps), seed=seed)
        if not chosen:
            raise TrainError(
                f"the gated reward has no variance on this model: each of the {len(probe.rows)} probed prompts "
                f"passed 0 or {probe.generations} of {probe.generations} times (mean pass rate "
                f"{probe.mean_pass_rate:.2f}); GRPO would learn nothing - warm up with SFT (--method sft+grpo or auto)"
            )
        _write_jsonl(prompts_path, chosen)
    else:
        rng = random.Random(seed)
        chosen = list(rows)
        rng.shuffle(chosen)
        if len(chosen) < per_step:
            chosen = (chosen * math.ceil(per_step / len(chosen)))[:per_step]
        _write_jsonl(prompts_path, chosen)

    funcs, weights = build_reward_funcs(settings.reward)
    if len(config.reward_weights) != len(weights):
        raise ConfigError(f"grpo.trl.reward_weights needs {len(weights)} values ({', '.join(f.__name__ for f in funcs)});"
                          " better set the weights in [grpo.reward]")  # fmt: skip
    extra_weights = list(extra_reward_weights) or [1.0] * len(extra_reward_funcs)
    funcs = funcs + list(extra_reward_funcs)
    config.reward_weights = [float(w) for w in config.reward_weights] + [float(w) for w in extra_weights]
    dataset = datasets.Dataset.from_list(grpo_records(chosen))
    metrics = MetricsJsonl(metrics_path or stage_dir / "metrics.jsonl", "grpo")
    hooks: list[Any] = [metrics, *callbacks]
    if settings.progress:
        hooks.append(RichProgress("grpo", metrics, console))
    trainer_class = make_trainer_class()
    trainer = trainer_class(model=model, reward_funcs=funcs, args=config, train_dataset=dataset,
                            processing_class=tokenizer, peft_config=lora_config(settings.lora), callbacks=hooks,
                            stop_at_call_list=settings.stop_at_call_list,
                            shared_prefix=settings.shared_prefix)  # fmt: skip
    if settings.progress:
        quiet_default_callbacks(trainer)
    resume = last_checkpoint(stage_dir) if settings.resume else None
    started = time.time()
    head = compact_lm_head() if device_kind() == "cpu" else contextlib.nullcontext()
    try:
        with head:
            output = trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    finally:
        for hook in hooks:
            if isinstance(hook, RichProgress):
                hook.close()
    seconds = time.time() - started
    summary = dict(metrics.summary)
    summary.update({k: float(v) for k, v in output.metrics.items() if isinstance(v, (int, float))})
    zero = metrics.history.get("frac_reward_zero_std", [])
    if zero:
        summary["mean_frac_reward_zero_std"] = statistics.fmean(zero)
    info = {
        "schema_version": 1,
        "created": now_iso(),
        "base_model": str(model_dir),
        "stage": {"name": "grpo", "steps": trainer.state.global_step, "seconds": round(seconds, 1),
                  "resumed_from": str(resume) if resume else None, "prompts": len(chosen),
                  "prompts_per_step": per_step, "probe": probe_info, "lora": settings.lora,
                  "select_prompts": settings.select_prompts, "stop_at_call_list": settings.stop_at_call_list,
                  "shared_prefix": settings.shared_prefix, "gaps": settings.gaps,
                  "trl_config": _config_summary(config)},  # fmt: skip
        "reward": asdict(settings.reward),
        "data": data.provenance(),
        "metrics": summary,
        "versions": versions(),
    }
    if is_main_process():
        final = save_model_dir(trainer.model, tokenizer, stage_dir / FINAL, info)
    else:
        final = stage_dir / FINAL
        wait_for_file(final / CLOSELOOP_JSON, "the GRPO model")
    return StageResult("grpo", final, trainer.state.global_step, seconds, summary, info)


def completion_texts(completions: Sequence[Any]) -> list[str]:
    """Plain texts of trl completions (strings or conversational)."""
    return [completion_text(c) for c in completions]

"""SFT warm start: trl's ``SFTTrainer`` on the verified prompt-completion rows.

Loss on the completion only, through the model's own chat template (trl's default for
prompt-completion data). Our defaults are tuned for a 2-core CPU and are plain ``SFTConfig``
values; ``SFTSettings.trl_args`` overrides any of them (every ``SFTConfig`` field is accepted):

* fp32 on CPU (bf16 on a GPU that has it); gradient checkpointing off (the models we train on CPU
  are small: recomputing activations would cost ~30% for memory we do not need);
* batches grouped by length (``train_sampling_strategy="group_by_length"``) instead of packing:
  with SDPA on CPU, padding-free packing turns into one long sequence with a block mask, whose
  attention costs more than the little padding that length grouping leaves; on a GPU with
  FlashAttention set ``packing = true`` (it implies padding-free) in ``[sft.trl]``;
* small per-device batches with gradient accumulation, ``max_length`` 2048; rows longer than that
  are dropped, not truncated (a truncated completion teaches a call list that never closes);
* a checkpoint every ``save_steps`` steps, the two newest kept; a killed run resumes from the
  newest one;
* the prompt head that every row of a micro-batch shares (BFCL's system prompt up to its list of
  functions, ~250 tokens of the ~600-1,300 of a row) runs through the model once per micro-batch, not
  once per row; its keys and values are shared by the rows' own forwards and the gradient flows back
  through them, so the loss and the gradients are those of the full forward
  (``tests/test_rl_train.py``); ``shared_prefix = false`` turns it off.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .checkpoint import CLOSELOOP_JSON, FINAL, last_checkpoint, now_iso, save_model_dir, stage_final, versions
from .common import (
    ConfigError, bf16_ok, build_trl_config, check_trl_args, compact_lm_head, device_kind, load_model, load_tokenizer,
    is_main_process, lora_config, set_threads, wait_for_file,
)  # fmt: skip
from .data import TrainData, sft_records


@dataclass
class SFTSettings:
    """closeloop's SFT knobs; everything trl knows goes into ``trl_args`` (merged into ``SFTConfig``)."""

    trl_args: dict[str, Any] = field(default_factory=dict)
    lora: dict[str, Any] | None = None  # peft LoraConfig options; None = full fine-tuning
    resume: bool = True  # continue from the newest checkpoint in the stage directory
    progress: bool = True  # Rich progress bar
    drop_overlong: bool = True  # drop rows longer than max_length instead of truncating them
    shared_prefix: bool = True  # one forward of the prompt head the micro-batch's rows share

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "sft") -> "SFTSettings":
        data = dict(data)
        trl_args = data.pop("trl", {})
        if not isinstance(trl_args, dict):
            raise ConfigError(f"{where}.trl must be a table")
        known = {"lora", "resume", "progress", "drop_overlong", "shared_prefix"}
        for key, value in data.items():
            if key not in known:
                raise ConfigError(f"{where}.{key} is not a setting (known: trl, {', '.join(sorted(known))})")
            if key != "lora" and not isinstance(value, bool):
                raise ConfigError(f"{where}.{key} must be true or false")
        if data.get("lora") is not None and not isinstance(data["lora"], dict):
            raise ConfigError(f"{where}.lora must be a table")
        return cls(trl_args=dict(trl_args), **data)


def default_sft_args(device: str) -> dict[str, Any]:
    """Our starting point for ``SFTConfig`` (before ``trl_args``)."""
    cpu = device == "cpu"
    return {
        # CPU: 4 rows a step at a constant rate: on the ~320 rows a CPU round then trained before its
        # deadline (~800 now), 4 a step kept irrelevance where 16 lost it, and a constant rate did as well
        # as a cosine run to its end, which a deadline would cut short half-decayed
        # (bench/results/sft_recipe.md). One micro-batch of 4 rather than 2 x 2: the same gradient, and
        # the shared prompt head runs once for 4 rows (18.7 against 20.6 s a step, sft_step.md).
        "per_device_train_batch_size": 4 if cpu else 16,
        "gradient_accumulation_steps": 1,
        "learning_rate": 1e-4 if cpu else 5e-5,
        "lr_scheduler_type": "constant_with_warmup" if cpu else "cosine",
        "warmup_steps": 0.05,
        "num_train_epochs": 1.0,
        # BFCL "multiple" prompts run to ~800 tokens and synthesized ones with their tools to ~2,300:
        # at 1024, 87% of a round's multiple and 80% of its parallel_multiple rows were dropped.
        "max_length": 2048,
        "completion_only_loss": True,
        "bf16": bf16_ok(),
        "fp16": False,
        "gradient_checkpointing": False,
        "train_sampling_strategy": "group_by_length",
        "logging_steps": 1,
        "save_strategy": "steps",
        "save_steps": 25 if cpu else 200,
        "save_total_limit": 2,
        "report_to": "none",
        "disable_tqdm": True,
        "dataloader_num_workers": 0,
        "dataloader_pin_memory": not cpu,
        "use_cpu": cpu,
        "seed": 0,
    }


def sft_config(settings: SFTSettings, output_dir: Path, *, seed: int | None = None,
               max_steps: int | None = None) -> Any:  # fmt: skip
    from trl import SFTConfig

    check_trl_args(SFTConfig, settings.trl_args, "sft.trl")
    args = default_sft_args(device_kind())
    if seed is not None:
        args["seed"] = seed
    args.update(settings.trl_args)
    if max_steps is not None:
        args["max_steps"] = max_steps
    if args.get("packing") and args.get("train_sampling_strategy") == "group_by_length":
        args["train_sampling_strategy"] = "random"  # packed blocks have one length
    args["output_dir"] = str(output_dir)
    return build_trl_config(SFTConfig, args, "sft.trl")


def _token_lengths(tokenizer: Any, records: list[dict[str, Any]]) -> list[int]:
    lengths = []
    for r in records:
        text = tokenizer.apply_chat_template(r["prompt"] + r["completion"], tokenize=False)
        lengths.append(len(tokenizer(text, add_special_tokens=False)["input_ids"]))
    return lengths


MIN_SHARED_PREFIX = 16  # tokens: below this the second forward costs more than it saves


def shared_prefix_width(input_ids: Any, attention_mask: Any, labels: Any) -> int:
    """Leading positions where every row has the same real token and no label (the prompt head that a
    micro-batch's rows share); 0 when fewer than two rows or fewer than MIN_SHARED_PREFIX positions."""
    import torch

    if input_ids.size(0) < 2:
        return 0
    same = (input_ids == input_ids[:1]).all(0) & attention_mask.bool().all(0) & (labels == -100).all(0)
    width = int(torch.cumprod(same.int(), 0).sum())
    return width if width >= MIN_SHARED_PREFIX else 0


def make_sft_trainer_class() -> type:
    """``SFTTrainer`` whose forward runs the rows' shared prompt head once (built lazily: trl is imported here)."""
    from trl import SFTTrainer

    class CloseloopSFTTrainer(SFTTrainer):
        def __init__(self, *args: Any, shared_prefix: bool = True, **kwargs: Any):
            super().__init__(*args, **kwargs)
            # Only the plain loss path (trl's fused head over one forward) is rewritten; anything that
            # needs the full logits or splits sequences across processes keeps trl's own forward.
            self.cl_shared_prefix = (
                shared_prefix and self.accelerator.num_processes == 1 and not self.args.gradient_checkpointing
                and self.compute_loss_func is None and self.label_smoother is None
                and not self.aux_loss_enabled and not self.args.padding_free and not self.args.packing
            )  # fmt: skip

        def compute_loss(self, model: Any, inputs: Any, return_outputs: bool = False,
                         num_items_in_batch: Any = None) -> Any:  # fmt: skip
            width = 0
            if self.cl_shared_prefix and self.model.training and not return_outputs \
                    and set(inputs) <= {"input_ids", "attention_mask", "labels", "use_cache"}:  # fmt: skip
                width = shared_prefix_width(inputs["input_ids"], inputs["attention_mask"], inputs["labels"])
            if not width:
                return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
            # trl's loss and metrics are sums over labelled positions: hand it a forward that scores the
            # same positions with the shared head run once.
            return super().compute_loss(_SharedHeadForward(model, width), inputs, return_outputs, num_items_in_batch)

    return CloseloopSFTTrainer


class _SharedHeadForward:
    """Calls like the model: the first ``width - 1`` tokens (the same in every row) go through it once,
    the rest of every row attends to their keys and values, repeated per row; the gradient flows
    through the repeat. Only positions after the head carry labels, so the fused head's outputs (sums
    over labelled positions) are the full forward's."""

    def __init__(self, model: Any, width: int) -> None:
        self.model, self.width = model, width

    def __call__(self, *, input_ids: Any, attention_mask: Any, labels: Any, **kwargs: Any) -> Any:
        from transformers import DynamicCache

        head, rows = self.width - 1, input_ids.size(0)
        cache = DynamicCache(config=getattr(self.model, "config", None))
        self.model(input_ids=input_ids[:1, :head], attention_mask=attention_mask[:1, :head],
                   past_key_values=cache, use_cache=True, logits_to_keep=1)  # fmt: skip
        cache.batch_repeat_interleave(rows)
        kwargs.pop("use_cache", None)
        return self.model(input_ids=input_ids[:, head:], attention_mask=attention_mask,
                          past_key_values=cache, labels=labels[:, head:], **kwargs)  # fmt: skip


@dataclass
class StageResult:
    stage: str
    model_dir: Path  # the stage's final HF directory
    steps: int
    seconds: float
    metrics: dict[str, float]
    info: dict[str, Any]


def run_sft(model_dir: Path, data: TrainData, stage_dir: Path, settings: SFTSettings | None = None, *,
            seed: int = 0, max_steps: int | None = None, metrics_path: Path | None = None,
            provenance: dict[str, Any] | None = None, console: Any = None,
            callbacks: Sequence[Any] = ()) -> StageResult:  # fmt: skip
    """Fine-tune ``model_dir`` on ``data``; the result is ``stage_dir/final`` (an HF dir with closeloop.json).

    A finished stage (``final/closeloop.json`` present) is returned as is; otherwise training starts,
    or resumes from the newest ``checkpoint-N`` when ``settings.resume``.
    """
    settings = settings or SFTSettings()
    done = stage_final(stage_dir)
    if done is not None:
        from .checkpoint import read_closeloop_json

        info = read_closeloop_json(done) or {}
        stage = info.get("stage", {})
        return StageResult("sft", done, stage.get("steps", 0), stage.get("seconds", 0.0), info.get("metrics", {}), info)

    import datasets

    from .callbacks import MetricsJsonl, RichProgress, quiet_default_callbacks

    set_threads()
    config = sft_config(settings, stage_dir, seed=seed, max_steps=max_steps)
    tokenizer = load_tokenizer(model_dir)
    records = sft_records(data.rows)
    dropped = 0
    if settings.drop_overlong and config.max_length:
        lengths = _token_lengths(tokenizer, records)
        kept = [r for r, n in zip(records, lengths) if n <= config.max_length]
        dropped = len(records) - len(kept)
        records = kept
    if not records:
        raise ConfigError(f"every row is longer than sft max_length={config.max_length} tokens")
    dataset = datasets.Dataset.from_list(records)
    model = load_model(model_dir, bf16=config.bf16, frozen=bool(settings.lora))
    metrics = MetricsJsonl(metrics_path or stage_dir / "metrics.jsonl", "sft")
    hooks: list[Any] = [metrics, *callbacks]
    if settings.progress:
        hooks.append(RichProgress("sft", metrics, console))
    trainer = make_sft_trainer_class()(model=model, args=config, train_dataset=dataset, processing_class=tokenizer,
                                       peft_config=lora_config(settings.lora), callbacks=hooks,
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
    info = {
        "schema_version": 1,
        "created": now_iso(),
        "base_model": str(model_dir),
        "stage": {"name": "sft", "steps": trainer.state.global_step, "seconds": round(seconds, 1),
                  "resumed_from": str(resume) if resume else None, "rows": len(records),
                  "dropped_overlong": dropped, "lora": settings.lora, "shared_prefix": trainer.cl_shared_prefix,
                  "trl_config": _config_summary(config)},  # fmt: skip
        "data": (provenance or {}).get("data", data.provenance()),
        "metrics": summary,
        "versions": versions(),
    }
    if is_main_process():
        final = save_model_dir(trainer.model, tokenizer, stage_dir / FINAL, info)
    else:
        final = stage_dir / FINAL
        wait_for_file(final / CLOSELOOP_JSON, "the SFT model")
    return StageResult("sft", final, trainer.state.global_step, seconds, summary, info)


# Fields of a trl config worth recording (the full config lives in checkpoint-N/training_args.bin).
_RECORDED = (
    "learning_rate", "per_device_train_batch_size", "gradient_accumulation_steps", "num_train_epochs", "max_steps",
    "max_length", "packing", "padding_free", "train_sampling_strategy", "bf16", "gradient_checkpointing", "seed",
    "num_generations", "max_completion_length", "temperature", "beta", "loss_type", "use_vllm", "vllm_mode",
    "generation_kwargs", "scale_rewards", "reward_weights",
)  # fmt: skip


def _config_summary(config: Any) -> dict[str, Any]:
    return {k: getattr(config, k) for k in _RECORDED if hasattr(config, k)}

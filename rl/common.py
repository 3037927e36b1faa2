"""What SFT and GRPO share: the device, loading the model, checking trl arguments, LoRA."""

from __future__ import annotations

import contextlib
import dataclasses
import os
from pathlib import Path
from typing import Any, Iterator


class ConfigError(ValueError):
    """A training setting is wrong; the message names the key."""


class TrainError(RuntimeError):
    """Training cannot go on (for instance: the reward has no variance to learn from)."""


def device_kind() -> str:
    """``cuda`` when a GPU is visible (and not hidden by ``CLOSELOOP_FORCE_CPU``), else ``cpu``."""
    import torch

    if os.environ.get("CLOSELOOP_FORCE_CPU"):
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "cpu"


def bf16_ok() -> bool:
    """Whether training computes in bf16 (autocast over fp32 master weights) on this device."""
    import torch

    if device_kind() == "cuda":
        return bool(torch.cuda.is_bf16_supported())
    return cpu_bf16_ok()


def cpu_bf16_ok() -> bool:
    """A CPU with native bf16 dot products (AVX512-BF16 or AMX), unless ``CLOSELOOP_CPU_FP32`` is set.

    There oneDNN runs bf16 matrix products 2-2.5x faster than fp32 (measured on this project's 2-core
    EPYC VMs); elsewhere bf16 is emulated and slower, so fp32 stays.
    """
    import torch

    if os.environ.get("CLOSELOOP_CPU_FP32"):
        return False
    try:
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def check_trl_args(config_class: type, trl_args: dict[str, Any], where: str) -> None:
    """Every key must be a field of the trl config class; simple types must match the field's default."""
    fields = {f.name: f for f in dataclasses.fields(config_class)}
    for key, value in trl_args.items():
        if key not in fields:
            raise ConfigError(f"{where}.{key} is not a {config_class.__name__} field")
        default = fields[key].default
        if isinstance(default, bool) and not isinstance(value, bool):
            raise ConfigError(f"{where}.{key} must be true or false, not {value!r}")
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{where}.{key} must be a number, not {value!r}")
        if isinstance(default, str) and fields[key].type in (str, "str") and not isinstance(value, str):
            raise ConfigError(f"{where}.{key} must be a string, not {value!r}")


def build_trl_config(config_class: type, args: dict[str, Any], where: str) -> Any:
    """Instantiate a trl config; its own validation errors come back as ConfigError naming ``where``."""
    try:
        return config_class(**args)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {exc}") from None


def load_tokenizer(model_dir: Path) -> Any:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if not getattr(tokenizer, "chat_template", None):
        raise ConfigError(f"{model_dir}: the tokenizer has no chat template (an instruct model is needed)")
    return tokenizer


def load_model(model_dir: Path, *, bf16: bool | None = None, frozen: bool = False) -> Any:
    """The model to train (trainers move it to the device).

    Full fine-tuning keeps fp32 master weights even when the trainer computes in bf16 (autocast):
    an update of lr 5e-6 on a weight stored in bf16 (8 bits of mantissa) rounds away to nothing.
    Frozen weights (a LoRA base, a probe rollout) load in bf16 where the device computes in it.
    """
    import torch
    from transformers import AutoModelForCausalLM

    use_bf16 = (bf16_ok() if bf16 is None else bf16) and frozen
    dtype = torch.bfloat16 if use_bf16 else torch.float32
    return AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=dtype)


def lora_config(lora: dict[str, Any] | None) -> Any:
    """A peft ``LoraConfig`` from a TOML table, or None; a clear error when peft is missing."""
    if not lora:
        return None
    try:
        from peft import LoraConfig
    except ImportError:
        raise ConfigError("lora needs the peft package (pip install peft), which is not installed") from None
    options = {"task_type": "CAUSAL_LM", "r": 16, "lora_alpha": 32, "target_modules": "all-linear"}
    options.update(lora)
    try:
        return LoraConfig(**options)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"lora: {exc}") from None


def set_threads() -> None:
    """CPU only: use every core for intra-op work, and keep freed memory in glibc's heap."""
    import torch

    if device_kind() == "cpu":
        count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        torch.set_num_threads(max(1, count))
        tune_cpu_allocator()
        from .cpu_attention import enable_cpu_gqa

        enable_cpu_gqa()


_ALLOCATOR_TUNED = False


def tune_cpu_allocator() -> bool:
    """Stop glibc from handing large freed blocks back to the kernel (Linux/glibc only; once per process).

    Training and generation allocate and free tens-of-megabyte tensors at every layer (the KV cache
    alone is re-concatenated at each decoded token). By default glibc serves such blocks with fresh
    ``mmap``s or trims the heap after a free, so every allocation page-faults its memory in again;
    measured here, that was 84% of a decode step (1.5 s -> 0.3 s per token for 32 rows x 700 tokens
    of SmolLM2-135M). With a fixed 32 MiB mmap threshold and no trimming, blocks are reused.
    The price: the process keeps its peak heap until it exits. ``CLOSELOOP_NO_MALLOPT=1`` skips it.
    """
    global _ALLOCATOR_TUNED
    if _ALLOCATOR_TUNED or os.environ.get("CLOSELOOP_NO_MALLOPT") or not os.uname().sysname == "Linux":
        return _ALLOCATOR_TUNED
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    ok = mallopt(m_mmap_threshold, 32 * 1024 * 1024) == 1  # glibc's maximum on 64-bit
    ok &= mallopt(m_trim_threshold, 2**31 - 1) == 1
    ok &= mallopt(m_top_pad, 64 * 1024 * 1024) == 1
    _ALLOCATOR_TUNED = bool(ok)
    return _ALLOCATOR_TUNED


@contextlib.contextmanager
def compact_lm_head() -> Iterator[None]:
    """On CPU, let trl's fused LM head score only the positions that have a label (the completion).

    trl scores every position off Triton devices to keep tile shapes fixed for compilers (Neuron);
    eager CPU has no such concern, and the prompt positions are ~90% of a GRPO/SFT row.
    """
    try:
        import trl.trainer.utils as trl_utils

        original = trl_utils._use_triton
    except (ImportError, AttributeError):
        yield
        return
    trl_utils._use_triton = lambda device: device.type == "cpu" or original(device)
    try:
        yield
    finally:
        trl_utils._use_triton = original


# --- several processes (accelerate launch): rank 0 writes, the others wait for its files ----------


def rank() -> int:
    return int(os.environ.get("RANK", "0") or 0)


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1") or 1)


def is_main_process() -> bool:
    return rank() == 0


def wait_for_file(path: Path, what: str, timeout_s: float = 24 * 3600) -> None:
    """Block a non-main process until rank 0 has written ``path`` (written atomically)."""
    import time

    deadline = time.time() + timeout_s
    while not Path(path).exists():
        if time.time() > deadline:
            raise TrainError(f"rank {rank()}: gave up waiting for {what} ({path})")
        time.sleep(2.0)


def probe_device() -> str:
    """Where the probe rollout runs: this process's GPU, else the CPU."""
    if device_kind() == "cuda":
        return f"cuda:{int(os.environ.get('LOCAL_RANK', '0') or 0)}"
    return "cpu"

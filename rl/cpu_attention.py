"""Grouped-query attention on CPU without copying the KV cache (a patch of transformers' SDPA path).

transformers' ``sdpa`` attention repeats the key/value heads of a GQA model (``repeat_kv``) whenever an
attention mask is present, i.e. for every left-padded batch: each decode step then copies the whole
KV cache num_key_value_groups times. On CPU that copy dominated generation (SmolLM2-135M, 9 query and
3 KV heads: 44% of a batched-sampling profile). torch's own SDPA takes ``enable_gqa=True`` with a mask
and gives the same numbers (exactly, measured by ``tests/test_cpu_attention.py``), so on CPU tensors we
let transformers pass that flag instead. transformers keeps the copy for CUDA because its fused kernels
fall back to the math kernel with a mask; we leave every non-CPU device as transformers decides.

Second, decoding in bf16 on CPU: torch's SDPA is several times slower in bf16 than in fp32 for a
one-token query over a long cache (torch 2.13, this machine: 9.9 vs 1.3 ms for 16 rows x 512 keys),
while bf16 halves the cost of the linear layers. So for inference steps with a short query on CPU
(decoding; never training, never prefill) the attention itself runs in fp32 on upcast q/k/v and its
output is cast back: bf16 weights, fp32 attention (more precise, not bit-equal to the bf16 kernel).
"""

from __future__ import annotations

from typing import Any

_PATCHED = False


def enable_cpu_gqa() -> bool:
    """Install the patch (idempotent). Returns False when this transformers has no such hook."""
    global _PATCHED
    if _PATCHED:
        return True
    try:
        from transformers.integrations import sdpa_attention
    except ImportError:  # pragma: no cover - transformers without the sdpa integration module
        return False
    original = getattr(sdpa_attention, "use_gqa_in_sdpa", None)
    if original is None:  # pragma: no cover - another transformers layout: leave it alone
        return False

    def use_gqa_in_sdpa(attention_mask: Any, key: Any, value: Any) -> bool:
        if key.device.type == "cpu" and key.shape[-1] == value.shape[-1]:
            return True
        return original(attention_mask, key, value)

    use_gqa_in_sdpa.__wrapped__ = original  # type: ignore[attr-defined]
    sdpa_attention.use_gqa_in_sdpa = use_gqa_in_sdpa
    _install_fp32_decode_attention()
    _PATCHED = True
    return True


DECODE_QUERY_MAX = 4  # query lengths up to this are decoding steps (1, or a few speculative tokens)


def _install_fp32_decode_attention() -> None:
    try:
        from transformers.modeling_utils import AttentionInterface
    except ImportError:  # pragma: no cover - transformers without the attention registry
        return
    mapping = getattr(AttentionInterface, "_global_mapping", None)
    original = mapping.get("sdpa") if isinstance(mapping, dict) else None
    if original is None or getattr(original, "__wrapped__", None) is not None:
        return
    import torch

    def sdpa_fp32_cpu_decode(module: Any, query: Any, key: Any, value: Any, attention_mask: Any, **kwargs: Any) -> Any:
        if (query.device.type == "cpu" and query.dtype == torch.bfloat16 and query.shape[2] <= DECODE_QUERY_MAX
                and not torch.is_grad_enabled()):  # fmt: skip
            with torch.autocast("cpu", enabled=False):  # autocast would cast the fp32 inputs back down
                output, weights = original(module, query.float(), key.float(), value.float(), attention_mask, **kwargs)
            return output.to(query.dtype), weights
        return original(module, query, key, value, attention_mask, **kwargs)

    sdpa_fp32_cpu_decode.__wrapped__ = original  # type: ignore[attr-defined]
    mapping["sdpa"] = sdpa_fp32_cpu_decode


def _remove_fp32_decode_attention() -> None:
    try:
        from transformers.modeling_utils import AttentionInterface
    except ImportError:  # pragma: no cover
        return
    mapping = getattr(AttentionInterface, "_global_mapping", None)
    wrapped = getattr(mapping.get("sdpa"), "__wrapped__", None) if isinstance(mapping, dict) else None
    if wrapped is not None:
        mapping["sdpa"] = wrapped


def disable_cpu_gqa() -> None:
    """Undo :func:`enable_cpu_gqa` (tests compare both paths)."""
    global _PATCHED
    from transformers.integrations import sdpa_attention

    wrapped = getattr(sdpa_attention.use_gqa_in_sdpa, "__wrapped__", None)
    if wrapped is not None:
        sdpa_attention.use_gqa_in_sdpa = wrapped
    _remove_fp32_decode_attention()
    _PATCHED = False

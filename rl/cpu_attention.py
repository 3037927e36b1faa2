"""Grouped-query attention on CPU without copying the KV cache (a patch of transformers' SDPA path).

transformers' ``sdpa`` attention repeats the key/value heads of a GQA model (``repeat_kv``) whenever an
attention mask is present, i.e. for every left-padded batch: each decode step then copies the whole
KV cache num_key_value_groups times. On CPU that copy dominated generation (SmolLM2-135M, 9 query and
3 KV heads: 44% of a batched-sampling profile). torch's own SDPA takes ``enable_gqa=True`` with a mask
and gives the same numbers (exactly, measured by ``tests/test_cpu_attention.py``), so on CPU tensors we
let transformers pass that flag instead. transformers keeps the copy for CUDA because its fused kernels
fall back to the math kernel with a mask; we leave every non-CPU device as transformers decides.
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
    _PATCHED = True
    return True


def disable_cpu_gqa() -> None:
    """Undo :func:`enable_cpu_gqa` (tests compare both paths)."""
    global _PATCHED
    from transformers.integrations import sdpa_attention

    wrapped = getattr(sdpa_attention.use_gqa_in_sdpa, "__wrapped__", None)
    if wrapped is not None:
        sdpa_attention.use_gqa_in_sdpa = wrapped
    _PATCHED = False

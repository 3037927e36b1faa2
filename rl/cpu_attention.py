"""Grouped-query attention on CPU without copying the KV cache (a patch of transformers' SDPA path).

transformers' ``sdpa`` attention repeats the key/value heads of a GQA model (``repeat_kv``) whenever an
attention mask is present, i.e. for every left-padded batch: each decode step then copies the whole
KV cache num_key_value_groups times. On CPU that copy dominated generation (SmolLM2-135M, 9 query and
3 KV heads: 44% of a batched-sampling profile). torch's own SDPA takes ``enable_gqa=True`` with a mask
and gives the same numbers (exactly, measured by ``tests/test_cpu_attention.py``), so on CPU tensors we
let transformers pass that flag instead. transformers keeps the copy for CUDA because its fused kernels
fall back to the math kernel with a mask; we leave every non-CPU device as transformers decides.

Second, decoding in bf16 on CPU: torch's SDPA kernel is slow for a one-token query in bf16 (torch
2.13, this machine: 9.6 ms for 16 rows x 512 keys, 34 ms for 5 rows x 6,000 keys), while two batched
matmuls over the grouped heads take 1.3 and 3.9 ms. So for inference steps with a short query on CPU
in bf16 (decoding; never training, never prefill) attention is computed that way: scores in bf16
matmul, mask and softmax in fp32, probabilities back to bf16 for the value matmul (as GPU flash
kernels do). Not bit-equal to the SDPA kernel; ``tests/test_cpu_attention.py`` bounds the difference.
Under bf16 autocast with fp32 weights (training's sampling) the decode query arrives in fp32 and
autocast would send it to that same bf16 kernel: there SDPA runs in fp32 with autocast off (5.4 vs
30 ms for 32 rows x 500 keys), its output cast to bf16 as autocast would have.
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
    _install_grouped_decode_attention()
    _PATCHED = True
    return True


DECODE_QUERY_MAX = 4  # query lengths up to this are decoding steps (1, or a few speculative tokens)


def _install_grouped_decode_attention() -> None:
    try:
        from transformers.modeling_utils import AttentionInterface
    except ImportError:  # pragma: no cover - transformers without the attention registry
        return
    mapping = getattr(AttentionInterface, "_global_mapping", None)
    original = mapping.get("sdpa") if isinstance(mapping, dict) else None
    if original is None or getattr(original, "__wrapped__", None) is not None:
        return
    import torch

    def sdpa_with_cpu_decode(module: Any, query: Any, key: Any, value: Any, attention_mask: Any,
                             dropout: float = 0.0, scaling: float | None = None, **kwargs: Any) -> Any:  # fmt: skip
        decoding = (query.device.type == "cpu" and query.shape[2] <= DECODE_QUERY_MAX and not torch.is_grad_enabled()
                    and not dropout and kwargs.get("cache") is None and kwargs.get("position_bias") is None)  # fmt: skip
        if decoding and query.dtype == torch.bfloat16 and query.shape[1] % key.shape[1] == 0:
            return grouped_decode_attention(query, key, value, attention_mask, scaling), None
        if (decoding and query.dtype == torch.float32 and torch.is_autocast_enabled("cpu")
                and torch.get_autocast_dtype("cpu") == torch.bfloat16):  # fmt: skip
            # fp32 master weights under bf16 autocast (GRPO sampling): rotary embeddings hand SDPA fp32
            # tensors, which autocast would send to the slow bf16 kernel; fp32 SDPA is faster here.
            with torch.autocast("cpu", enabled=False):
                output, weights = original(module, query, key, value, attention_mask, dropout=dropout,
                                           scaling=scaling, **kwargs)  # fmt: skip
            return output.to(torch.bfloat16), weights
        return original(module, query, key, value, attention_mask, dropout=dropout, scaling=scaling, **kwargs)

    sdpa_with_cpu_decode.__wrapped__ = original  # type: ignore[attr-defined]
    mapping["sdpa"] = sdpa_with_cpu_decode


def grouped_decode_attention(query: Any, key: Any, value: Any, attention_mask: Any, scaling: float | None) -> Any:
    """Attention of a few query positions over the cache, heads grouped by KV head; ``(b, q, h, d)`` out.

    ``query`` is ``(b, h, q, d)``, ``key``/``value`` ``(b, kv, L, d)`` with ``h`` a multiple of ``kv``
    (query head ``i`` reads KV head ``i // (h // kv)``, as transformers' ``repeat_kv`` lays them out);
    ``attention_mask`` is None, a bool mask (True attends) or an additive float mask, broadcastable to
    ``(b, h, q, L)``.
    """
    import math

    import torch

    b, h, q, d = query.shape
    kv, length = key.shape[1], key.shape[2]
    groups = h // kv
    scale = scaling if scaling is not None else 1.0 / math.sqrt(d)
    grouped = query.reshape(b, kv, groups * q, d)
    scores = torch.matmul(grouped, key.transpose(-1, -2)).float().mul_(scale).view(b, kv, groups, q, length)
    if attention_mask is not None:
        mask = attention_mask[..., -length:]
        mask = mask.reshape(mask.shape[0], kv, groups, q, length) if mask.shape[1] == h else mask.unsqueeze(2)
        if mask.dtype == torch.bool:
            scores = scores.masked_fill(~mask, float("-inf"))
        else:
            scores = scores + mask.float()
    probs = torch.softmax(scores, dim=-1).to(value.dtype).view(b, kv, groups * q, length)
    out = torch.matmul(probs, value).view(b, h, q, d)
    return out.transpose(1, 2).contiguous()


def _remove_grouped_decode_attention() -> None:
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
    _remove_grouped_decode_attention()
    _PATCHED = False

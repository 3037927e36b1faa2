"""The CPU GQA patch (rl.cpu_attention) changes speed only: same logits, same greedy tokens, same gradients."""

import pytest

torch = pytest.importorskip("torch")


def _model():
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=300, hidden_size=96, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=6, num_key_value_heads=2, max_position_embeddings=256,
                         pad_token_id=0, eos_token_id=1, bos_token_id=2)  # fmt: skip
    return LlamaForCausalLM(config).eval()


def _batch():
    ids = torch.randint(3, 300, (3, 12))
    mask = torch.ones_like(ids)
    mask[0, :5] = 0  # left padding: the case where transformers copies the KV heads
    mask[1, :2] = 0
    ids[mask == 0] = 0
    return ids, mask


def _run(model, ids, mask):
    logits = model(input_ids=ids, attention_mask=mask).logits
    loss = logits[mask.bool()].logsumexp(-1).mean()
    loss.backward()
    grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    with torch.no_grad():
        out = model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=6, do_sample=False,
                             pad_token_id=0, eos_token_id=1)  # fmt: skip
    return logits.detach(), grads, out


def test_patch_is_exact_on_a_padded_gqa_batch():
    from rl.cpu_attention import disable_cpu_gqa, enable_cpu_gqa

    model = _model()
    ids, mask = _batch()
    disable_cpu_gqa()
    plain = _run(model, ids, mask)
    try:
        assert enable_cpu_gqa()
        patched = _run(model, ids, mask)
    finally:
        disable_cpu_gqa()
    valid = mask.bool()
    assert torch.allclose(plain[0][valid], patched[0][valid], atol=1e-5)
    for a, b in zip(plain[1], patched[1]):
        assert torch.allclose(a, b, atol=1e-5)
    assert torch.equal(plain[2], patched[2])


def test_patch_is_idempotent_and_reversible():
    from transformers.integrations import sdpa_attention

    from rl.cpu_attention import disable_cpu_gqa, enable_cpu_gqa

    original = sdpa_attention.use_gqa_in_sdpa
    enable_cpu_gqa()
    enable_cpu_gqa()
    assert sdpa_attention.use_gqa_in_sdpa.__wrapped__ is original
    disable_cpu_gqa()
    assert sdpa_attention.use_gqa_in_sdpa is original


def test_bf16_decoding_attends_in_fp32():
    """bf16 decode steps on CPU take the fp32 attention path; prefill and training stay in bf16."""
    from transformers.modeling_utils import AttentionInterface

    from rl.cpu_attention import disable_cpu_gqa, enable_cpu_gqa

    mapping = AttentionInterface._global_mapping
    real = mapping["sdpa"]
    seen: list[tuple[int, torch.dtype]] = []

    def recording(module, query, key, value, attention_mask, **kwargs):
        seen.append((query.shape[2], query.dtype))
        return real(module, query, key, value, attention_mask, **kwargs)

    model = _model().to(torch.bfloat16)
    ids, mask = _batch()
    disable_cpu_gqa()
    mapping["sdpa"] = recording
    try:
        assert enable_cpu_gqa()
        with torch.no_grad():
            out = model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=3, do_sample=False,
                                 pad_token_id=0, eos_token_id=1, min_new_tokens=3)  # fmt: skip
        assert out.shape == (3, 15) and out.dtype == torch.long
        assert {d for q, d in seen if q == 1} == {torch.float32}  # decoding: fp32 attention
        assert {d for q, d in seen if q > 1} == {torch.bfloat16}  # prefill: as it was
        seen.clear()
        logits = model(input_ids=ids[:, :1], attention_mask=mask[:, :1] * 0 + 1).logits
        assert logits.requires_grad and {d for _, d in seen} == {torch.bfloat16}  # training: untouched
    finally:
        disable_cpu_gqa()
        mapping["sdpa"] = real
    assert mapping["sdpa"] is real

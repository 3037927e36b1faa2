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


@pytest.mark.parametrize("mask_kind", ["none", "bool", "float", "per_head"])
def test_grouped_decode_attention_is_sdpa(mask_kind):
    import torch.nn.functional as F

    from rl.cpu_attention import grouped_decode_attention

    torch.manual_seed(0)
    b, h, kv, q, length, d = 3, 6, 2, 2, 17, 8
    query, key, value = torch.randn(b, h, q, d), torch.randn(b, kv, length, d), torch.randn(b, kv, length, d)
    keep = torch.rand(b, 1 if mask_kind != "per_head" else h, q, length) > 0.3
    keep[..., -1] = True  # every query attends to something
    mask = {"none": None, "bool": keep, "per_head": keep,
            "float": torch.zeros(keep.shape).masked_fill(~keep, float("-inf"))}[mask_kind]  # fmt: skip
    expected = F.scaled_dot_product_attention(query, key.repeat_interleave(h // kv, 1),
                                              value.repeat_interleave(h // kv, 1), attn_mask=mask, scale=0.3)  # fmt: skip
    got = grouped_decode_attention(query, key, value, mask, 0.3)
    assert got.shape == (b, q, h, d)
    assert torch.allclose(got, expected.transpose(1, 2), atol=1e-5)


def test_bf16_decoding_takes_the_grouped_path():
    """bf16 decode steps on CPU skip the SDPA kernel; prefill and training still use it; logits agree."""
    from transformers.modeling_utils import AttentionInterface

    from rl.cpu_attention import disable_cpu_gqa, enable_cpu_gqa

    mapping = AttentionInterface._global_mapping
    real = mapping["sdpa"]
    seen: list[int] = []

    def recording(module, query, *args, **kwargs):
        seen.append(query.shape[2])
        return real(module, query, *args, **kwargs)

    model = _model().to(torch.bfloat16)
    ids, mask = _batch()
    kwargs = dict(input_ids=ids, attention_mask=mask, max_new_tokens=4, min_new_tokens=4, do_sample=False,
                  pad_token_id=0, eos_token_id=1, return_dict_in_generate=True, output_logits=True)  # fmt: skip
    disable_cpu_gqa()
    with torch.no_grad():
        plain = model.generate(**kwargs)
    mapping["sdpa"] = recording
    try:
        assert enable_cpu_gqa()
        with torch.no_grad():
            patched = model.generate(**kwargs)
        assert seen == [12, 12]  # the prefill of both layers only: the 3 decode steps took the grouped path
        seen.clear()
        logits = model(input_ids=ids, attention_mask=mask).logits
        assert logits.requires_grad and seen == [12, 12]  # training: the SDPA kernel, untouched
    finally:
        disable_cpu_gqa()
        mapping["sdpa"] = real
    assert mapping["sdpa"] is real
    width, compared = ids.shape[1], 0
    for step, (a, b) in enumerate(zip(plain.logits, patched.logits)):
        same_input = torch.equal(plain.sequences[:, : width + step], patched.sequences[:, : width + step])
        if step and not same_input:
            break  # a near-tie went the other way in bf16: later steps see other tokens
        assert torch.allclose(a.float(), b.float(), atol=0.02, rtol=0.02), step
        compared += 1
    assert compared >= 2  # the prefill and at least one decode step


def test_decoding_under_bf16_autocast_runs_sdpa_in_fp32():
    """fp32 weights under bf16 autocast (GRPO sampling): decode steps call SDPA with autocast off."""
    from transformers.modeling_utils import AttentionInterface

    from rl.cpu_attention import disable_cpu_gqa, enable_cpu_gqa

    mapping = AttentionInterface._global_mapping
    real = mapping["sdpa"]
    seen: list[tuple[int, bool]] = []

    def recording(module, query, *args, **kwargs):
        seen.append((query.shape[2], torch.is_autocast_enabled("cpu")))
        return real(module, query, *args, **kwargs)

    model = _model()
    ids, mask = _batch()
    disable_cpu_gqa()
    mapping["sdpa"] = recording
    try:
        assert enable_cpu_gqa()
        with torch.autocast("cpu", dtype=torch.bfloat16), torch.no_grad():
            out = model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=3, min_new_tokens=3,
                                 do_sample=False, pad_token_id=0, eos_token_id=1)  # fmt: skip
    finally:
        disable_cpu_gqa()
        mapping["sdpa"] = real
    assert out.shape == (3, 15)
    assert {enabled for q, enabled in seen if q == 1} == {False}  # decode: fp32 SDPA
    assert {enabled for q, enabled in seen if q > 1} == {True}  # prefill: as autocast decides

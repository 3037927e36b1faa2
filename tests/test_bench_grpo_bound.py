"""bench/grpo_bound's arithmetic: the parameter count it multiplies by is the model's own."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def grpo_bound():
    sys.path.insert(0, str(BENCH))  # grpo_bound imports bench/_common as a script would
    try:
        spec = importlib.util.spec_from_file_location("grpo_bound", BENCH / "grpo_bound.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["grpo_bound"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("grpo_bound", None)
        sys.path.remove(str(BENCH))


def test_linear_params_are_the_models_weights_less_embeddings_and_norms(grpo_bound) -> None:
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(vocab_size=500, hidden_size=64, intermediate_size=96, num_hidden_layers=3,
                         num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True)  # fmt: skip
    model = LlamaForCausalLM(config)
    linear = sum(p.numel() for n, p in model.named_parameters() if p.dim() == 2 and "embed" not in n)
    assert grpo_bound.Dims.of(config).linear_params == linear


def test_step_flops_backward_is_twice_the_loss_forward(grpo_bound) -> None:
    dims = grpo_bound.Dims(hidden=8, intermediate=16, layers=2, heads=2, kv_heads=1, head_dim=4, vocab=50)
    shape = grpo_bound.Shape(prompts=2, group=4, prompt_tokens=10, completion_tokens=3)
    flops = grpo_bound.step_flops(dims, shape)
    assert flops["backward"] == 2 * flops["loss_forward"] and flops["generation"] == flops["loss_forward"]
    # More completions of the same prompts add decode work only.
    wider = grpo_bound.step_flops(dims, grpo_bound.Shape(2, 8, 10, 3))
    assert wider["generation"] > flops["generation"]

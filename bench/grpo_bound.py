"""bench/grpo_bound: the least time a GRPO step of bench/grpo_step's shape can take on this machine.

A step's arithmetic is fixed by its shape: the model's linear layers, attention and LM head over the
tokens of the step (8 distinct prompts, 4 completions each, of the lengths bench/grpo_step sees). This
script counts those floating-point operations the way `rl.grpo` spends them (prompt prefill once per
distinct prompt, decode of every completion token, loss forward with the prompt shared by its group and
the LM head on completion positions only, backward twice the forward) and divides them by the best
matrix-multiply rate measured here, in float32 and in bfloat16 (the model's MLP product and a wider one).

The quotient is a lower bound: a step also moves memory, runs Python and small kernels, and no real
layer reaches a large GEMM's rate. If it is above a target, no implementation of that step reaches the
target on this machine.

Run: ``.venv/bin/python bench/grpo_bound.py [--completion-tokens 45] [--seconds 3]``. Appends a row to
bench/results/grpo_bound.md (raw record: grpo_bound.jsonl).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from _common import append_result, hf_model_dir, machine  # noqa: E402  (bench/ is on sys.path when run as a script)


@dataclass(frozen=True)
class Shape:
    """What one GRPO step computes over."""

    prompts: int  # distinct prompts a step
    group: int  # completions per prompt
    prompt_tokens: float  # mean prompt length
    completion_tokens: float  # mean completion length


@dataclass(frozen=True)
class Dims:
    hidden: int
    intermediate: int
    layers: int
    heads: int
    kv_heads: int
    head_dim: int
    vocab: int

    @classmethod
    def of(cls, config) -> "Dims":
        heads = config.num_attention_heads
        head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
        return cls(config.hidden_size, config.intermediate_size, config.num_hidden_layers, heads,
                   getattr(config, "num_key_value_heads", heads), head_dim, config.vocab_size)  # fmt: skip

    @property
    def linear_params(self) -> int:
        """Weights every token multiplies through (attention projections and MLP, all layers)."""
        h, q, kv = self.hidden, self.heads * self.head_dim, self.kv_heads * self.head_dim
        return self.layers * (2 * h * q + 2 * h * kv + 3 * h * self.intermediate)

    def token_flops(self, context: float, head: bool) -> float:
        """Forward FLOPs of one token attending to ``context`` tokens (LM head included if ``head``)."""
        attention = self.layers * 4 * context * self.heads * self.head_dim  # scores and weighted sum
        return 2 * self.linear_params + attention + (2 * self.hidden * self.vocab if head else 0)


def step_flops(dims: Dims, shape: Shape) -> dict[str, float]:
    """Forward and backward FLOPs of one step, by phase (generation is forward only)."""
    p, c = shape.prompt_tokens, shape.completion_tokens
    rows = shape.prompts * shape.group
    prefill = shape.prompts * p * dims.token_flops(p / 2, head=False)  # causal: half the prompt on average
    decode = rows * c * dims.token_flops(p + c / 2, head=True)
    loss_forward = prefill + decode  # the same tokens again, now with the graph kept
    return {"generation": prefill + decode, "loss_forward": loss_forward, "backward": 2 * loss_forward}


def gemm_rate(dtype, m: int, k: int, n: int, seconds: float) -> float:
    """Best FLOP/s of ``[m x k] @ [k x n]`` over repeated runs for about ``seconds``."""
    import torch

    a, b = torch.randn(m, k, dtype=dtype), torch.randn(k, n, dtype=dtype)
    torch.matmul(a, b)  # warm-up (kernel choice, page faults)
    best, deadline = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        began = time.perf_counter()
        for _ in range(5):
            torch.matmul(a, b)
        best = max(best, 5 * 2 * m * k * n / (time.perf_counter() - began))
    return best


def prompt_lengths(model_dir: Path, n: int) -> list[int]:
    from transformers import AutoTokenizer

    from rl.generation import chat_prompt_ids
    from tests.rl_fixtures import make_rows

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    return [len(ids) for ids in chat_prompt_ids(tokenizer, [r["prompt"] for r in make_rows(n)])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="default", help="HF model dir, or 'default' (the embedded SmolLM2)")
    parser.add_argument("--completion-tokens", type=float, default=45.0,
                        help="mean completion length (bench/grpo_step's last run: 45)")  # fmt: skip
    parser.add_argument("--seconds", type=float, default=3.0, help="timing per GEMM shape and dtype")
    parser.add_argument("--target", type=float, default=20.0, help="seconds a step (issue 8)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    import torch
    from transformers import AutoConfig

    model_dir = hf_model_dir(args.model)
    dims = Dims.of(AutoConfig.from_pretrained(model_dir))
    lengths = prompt_lengths(model_dir, 8)
    shape = Shape(prompts=8, group=4, prompt_tokens=sum(lengths) / len(lengths), completion_tokens=args.completion_tokens)
    flops = step_flops(dims, shape)
    total = sum(flops.values())

    # The model's MLP up-projection at the loss forward's token count, and a wider product (N = 8192) in
    # case the CPU reaches a higher rate there: the bound takes the best of both.
    tokens = int(shape.prompts * shape.prompt_tokens + shape.prompts * shape.group * shape.completion_tokens)
    rates = {}
    for name, dtype in (("float32", torch.float32), ("bfloat16", torch.bfloat16)):
        rates[name] = max(gemm_rate(dtype, tokens, dims.hidden, dims.intermediate, args.seconds),
                          gemm_rate(dtype, 2048, dims.hidden, 8192, args.seconds))  # fmt: skip
        print(f"{name}: {rates[name] / 1e9:.0f} GFLOP/s best GEMM", flush=True)
    best = max(rates.values())
    bound = total / best
    print(f"step: {total / 1e12:.2f} TFLOP ({', '.join(f'{k} {v / 1e12:.2f}' for k, v in flops.items())}); "
          f"prompt {shape.prompt_tokens:.0f} tokens; lower bound {bound:.1f} s at {best / 1e9:.0f} GFLOP/s "
          f"(target {args.target:g} s)")  # fmt: skip
    if args.no_write:
        return
    record = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "command": "python bench/grpo_bound.py " + shlex.join(sys.argv[1:]),
        "torch_threads": torch.get_num_threads(),
        "shape": asdict(shape),
        "dims": asdict(dims),
        "tflop": {k: round(v / 1e12, 3) for k, v in flops.items()},
        "gflops": {k: round(v / 1e9, 1) for k, v in rates.items()},
        "lower_bound_s": round(bound, 1),
    }
    tf = record["tflop"]
    append_result(
        "grpo_bound",
        f"| {record['date']} | {record['machine']} | {shape.prompt_tokens:.0f} / {shape.completion_tokens:g} | "
        f"{sum(tf.values()):.2f} ({tf['generation']} / {tf['loss_forward']} / {tf['backward']}) | "
        f"{rates['float32'] / 1e9:.0f} / {rates['bfloat16'] / 1e9:.0f} | {bound:.1f} | {args.target:g} |\n",
        "# bench/grpo_bound\n\n"
        "The least time a GRPO step of `bench/grpo_step`'s shape (8 prompts x 4 completions) can take here:\n"
        "its floating-point operations (generation, loss forward, backward; counted as `rl.grpo` spends\n"
        "them) over the best GEMM rate measured on this machine (the model's MLP product at the step's\n"
        "token count, and a wider one). Real steps are slower (memory traffic, small kernels, Python).\n"
        "Command: `.venv/bin/python bench/grpo_bound.py`.\n\n"
        "| date (UTC) | machine | prompt / completion tokens | TFLOP (gen / loss fwd / bwd) | best GEMM GFLOP/s (fp32 / bf16) | lower bound s | target s |\n"
        "|---|---|---|---|---|---:|---:|\n",
        record,
    )  # fmt: skip

if __name__ == "__main__":
    main()

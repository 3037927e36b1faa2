"""GPU smoke test of the rl plugin: a few SFT steps, then a few GRPO steps, then reload the checkpoint.

Usage: python bench/gpu/train_smoke.py MODEL_DIR VERIFIED_DIR OUT_DIR
"""

import json
import sys
import time
from pathlib import Path

import torch

from rl.data import load_train_data
from rl.grpo import GRPOSettings, run_grpo
from rl.sft import run_sft

model_dir, data_dir, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
data = load_train_data(data_dir)
began = time.perf_counter()
sft = run_sft(model_dir, data, out / "sft", max_steps=6)
print(json.dumps({"stage": "sft", "dir": str(sft.model_dir if hasattr(sft, "model_dir") else sft), "seconds": round(time.perf_counter() - began, 1),
                  "metrics": getattr(sft, "metrics", {})}, default=str))
began = time.perf_counter()
sft_dir = next((out / "sft").rglob("closeloop.json")).parent
# A random model passes nothing, so every prompt is kept (no probe selection) to exercise the step.
grpo = run_grpo(sft_dir, data, out / "grpo", GRPOSettings(select_prompts=False), max_steps=3)
print(json.dumps({"stage": "grpo", "seconds": round(time.perf_counter() - began, 1),
                  "metrics": getattr(grpo, "metrics", {})}, default=str))
final = next((out / "grpo").rglob("closeloop.json")).parent
from transformers import AutoModelForCausalLM

model = AutoModelForCausalLM.from_pretrained(final).to("cuda")
print("reloaded", final, "on", next(model.parameters()).device, torch.cuda.get_device_name())

"""Build a small randomly initialised Llama-style model with SmolLM2's tokenizer and chat template.

The GPU check cannot carry the real weights (the transfer limit is 64 MiB), so it exercises the
GPU code paths (batched generation, SFT, GRPO, checkpoint reload) on this stand-in.
Usage: python bench/gpu/make_tiny_model.py TOKENIZER_DIR OUT_DIR
"""

import json
import shutil
import sys
from pathlib import Path

import torch
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

source, out = Path(sys.argv[1]), Path(sys.argv[2])
base = json.loads((source / "config.json").read_text())
config = LlamaConfig(
    vocab_size=base["vocab_size"], hidden_size=256, intermediate_size=768, num_hidden_layers=4,
    num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=4096,
    bos_token_id=base.get("bos_token_id"), eos_token_id=base.get("eos_token_id"),
    pad_token_id=base.get("pad_token_id"), tie_word_embeddings=True,
)
torch.manual_seed(0)
model = LlamaForCausalLM(config)
tokenizer = AutoTokenizer.from_pretrained(source)
model.save_pretrained(out, safe_serialization=True)
tokenizer.save_pretrained(out)
for name in ("chat_template.jinja", "generation_config.json"):
    if (source / name).exists() and not (out / name).exists():
        shutil.copy(source / name, out / name)
print(f"tiny model: {sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters -> {out}")

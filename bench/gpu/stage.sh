#!/usr/bin/env bash
# First of the two calls of bench/gpu/close_loop.sh: install the carried wheels and keep the first
# part of the GGUF in /tmp for the next call on the same warm machine; check the imports.
set -uo pipefail
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
cp .gpu/gguf.part_a /tmp/gguf.part_a || exit 1
PYTHONPATH=/tmp/site:$PWD python3 -c "import torch, transformers, trl, datasets, jsonschema, bfcl_eval, harness.cli, synth.generate, rl.sft, rl.grpo; print(torch.__version__, transformers.__version__, trl.__version__, torch.cuda.get_device_name())"

#!/usr/bin/env bash
# First of the two calls of bench/gpu/close_loop.sh (and the other bench/gpu scripts; the folders they
# carry come from bench/gpu/carry.sh): install the carried wheels and keep the first part of the GGUF
# in /tmp for the next call on the same warm machine; check the imports, the checker's grammars too.
set -uo pipefail
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
cp .gpu/gguf.part_a /tmp/gguf.part_a || exit 1
PYTHONPATH=/tmp/site:$PWD python3 -c "import torch, transformers, trl, datasets, jsonschema, bfcl_eval, tree_sitter_java, tree_sitter_javascript, harness.cli, synth.generate, rl.sft, rl.grpo; print(torch.__version__, transformers.__version__, trl.__version__, torch.cuda.get_device_name())"

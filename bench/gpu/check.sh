#!/usr/bin/env bash
# The GPU check (run through the device tool on a lent H100/H200): carried wheels, a tiny stand-in
# model with SmolLM2's tokenizer, then harness eval on CUDA (single- and multi-turn) and the rl
# plugin's SFT + GRPO steps on CUDA. Logs land in $OUT.
set -uo pipefail
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD HF_HUB_OFFLINE=1 CLOSELOOP_CACHE=/tmp/clcache PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$OUT/gpu.txt"
python3 -c "import torch, transformers, trl; print('torch', torch.__version__, 'transformers', transformers.__version__, 'trl', trl.__version__)" | tee -a "$OUT/gpu.txt"
python3 bench/gpu/make_tiny_model.py .whl/tok /tmp/tiny 2>&1 | tail -2 | tee -a "$OUT/gpu.txt"
( time python3 -m harness eval /tmp/tiny --categories simple_python,irrelevance,multi_turn_base --limit 8 \
    --max-new-tokens 48 --out /tmp/eval1 ) > "$OUT/eval.log" 2>&1
tail -30 "$OUT/eval.log"
python3 -c "import json; m=json.load(open('/tmp/eval1/run.json')); print(m['model'], m['timings'])" | tee -a "$OUT/eval.log"
( time python3 bench/gpu/train_smoke.py /tmp/tiny .whl/data /tmp/ckpt ) > "$OUT/train.log" 2>&1
tail -40 "$OUT/train.log"

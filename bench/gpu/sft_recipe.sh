#!/usr/bin/env bash
# bench/gpu/sft_recipe.py on a lent GPU, after bench/gpu/stage.sh on the same warm machine (the GGUF's
# second part travels in .gpu2/, as for bench/gpu/close_loop.sh). Results land in $OUT/sft_recipe.jsonl.
set -uo pipefail
source bench/gpu/assemble.sh
timeout "${RECIPE_TIMEOUT:-500}" python3 bench/gpu/sft_recipe.py --out "$OUT" ${EXTRA:-} > "$OUT/recipe.log" 2>&1
echo "sft_recipe rc=$?" | tee -a "$OUT/machine.txt"
grep '^{' "$OUT/recipe.log"; tail -c 3000 "$OUT/recipe.log"

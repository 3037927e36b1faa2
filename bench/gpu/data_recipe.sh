#!/usr/bin/env bash
# bench/gpu/data_recipe.py's GPU half, after bench/gpu/stage.sh on the same warm machine. The data is
# prepared on the CPU machine (`data_recipe.py prepare --work .gpu3`, then
# `tar -czf .gpu2/recipes.tar.gz -C .gpu3 .`) and travels in .gpu2/ beside the GGUF's second part.
# Results land in $OUT/data_recipe.jsonl.
set -uo pipefail
source bench/gpu/assemble.sh
mkdir -p /tmp/recipes && tar -xzf .gpu2/recipes.tar.gz -C /tmp/recipes || exit 1
timeout "${RECIPE_TIMEOUT:-480}" python3 bench/gpu/data_recipe.py train --work /tmp/recipes --out "$OUT" ${EXTRA:-} \
    > "$OUT/recipe.log" 2>&1
echo "data_recipe rc=$? after ${SECONDS} s" | tee -a "$OUT/machine.txt"
grep '^{' "$OUT/recipe.log"; tail -c 2500 "$OUT/recipe.log"

#!/usr/bin/env bash
# Steps or data? The loop's round-1 data (default recipe) trained on a lent GPU for the CPU round's
# steps, for 3 times those steps on the same rows, and for 3 times those steps on 4 times the rows,
# each scored on the loop's probe split (bench/gpu/data_recipe.py train). After bench/gpu/stage.sh on
# the same warm machine; the data is prepared here (CPU) with
#   data_recipe.py prepare --work .gpu5/w800 --recipes default
#   data_recipe.py prepare --work .gpu5/w3200 --recipes default --samples 3200
# (each with the base model's round-0 evaluation copied to base/), then
#   tar -czf .gpu2/recipes.tar.gz --exclude='*/synth' -C .gpu5 .
# Results land in $OUT/data_recipe.jsonl. STEPS (CPU round 1's steps) and MORE (the longer runs) set;
# RUNS picks the arms (work:steps, in order), e.g. RUNS="w3200:564" for one call of the 10-minute limit.
set -uo pipefail
source bench/gpu/assemble.sh
mkdir -p /tmp/recipes && tar -xzf .gpu2/recipes.tar.gz -C /tmp/recipes || exit 1
[ -d /tmp/recipes/w800long ] || cp -r /tmp/recipes/w800 /tmp/recipes/w800long
STEPS=${STEPS:-188}
MORE=${MORE:-564}
for run in ${RUNS:-w800:$STEPS w800long:$MORE w3200:$MORE}; do
    set -- ${run/:/ }
    timeout "${RECIPE_TIMEOUT:-300}" python3 bench/gpu/data_recipe.py train --work "/tmp/recipes/$1" --out "$OUT" \
        --recipes default --steps "$2" >> "$OUT/recipe.log" 2>&1
    echo "$1 $2 steps rc=$? after ${SECONDS} s" | tee -a "$OUT/machine.txt"
done
grep '^{' "$OUT/recipe.log"; tail -c 2000 "$OUT/recipe.log"

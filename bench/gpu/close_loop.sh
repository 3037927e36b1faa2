#!/usr/bin/env bash
# The close-loop on a lent GPU (device tool), on the embedded SmolLM2-135M: the GGUF (98 MB) is over
# the 64 MiB a call may carry, so an earlier call on the same warm machine left its first part in
# /tmp/gguf.part_a (bench/gpu/stage.sh) and this call carries the second in .gpu2/. Transformers
# backend (vLLM's wheel cannot be carried). Logs and the loop report land in $OUT.
set -uo pipefail
source bench/gpu/assemble.sh
began=$SECONDS
budget=${BUDGET:-6m}
timeout "${LOOP_TIMEOUT:-430}" python3 -m harness close-loop default --budget "$budget" --rounds "${ROUNDS:-2}" ${EXTRA:-} \
    --samples-per-round "${SAMPLES:-3000}" --train-config bench/gpu/train_gpu.toml --out /tmp/loop \
    > "$OUT/loop.log" 2>&1
echo "close-loop rc=$? after $((SECONDS - began)) s" | tee -a "$OUT/machine.txt"
[ -f /tmp/loop/report.md ] || timeout 60 python3 -m harness report /tmp/loop >> "$OUT/loop.log" 2>&1
for f in report.md state.json; do [ -f /tmp/loop/$f ] && cp /tmp/loop/$f "$OUT/"; done
find /tmp/loop -name metrics.jsonl | head -4 | while read -r m; do
    cp "$m" "$OUT/$(echo "${m#/tmp/loop/}" | tr / _)"; done
tail -c 6000 "$OUT/loop.log"

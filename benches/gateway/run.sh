#!/usr/bin/env bash
# The gateway benchmark: direct to the emulator vs provcat serve vs LiteLLM's proxy, in
# one run, on loopback. Installs LiteLLM (PyPI `litellm[proxy]`) into a venv beside this
# script the first time; `--no-litellm` skips it, `--quick` runs a shorter pass.
#
#   benches/gateway/run.sh            # full run (about a minute, plus LiteLLM's install)
#   benches/gateway/run.sh --quick
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
quick=()
litellm=1
for arg in "$@"; do
  case "$arg" in
    --quick) quick=(--quick) ;;
    --no-litellm) litellm=0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
# 1,000 open streams need about 2 descriptors each in this process and in the gateway.
ulimit -n 8192 2>/dev/null || true
args=("${quick[@]}")
if [ "$litellm" = 1 ]; then
  if [ ! -x "$here/.venv/bin/litellm" ]; then
    python3 -m venv "$here/.venv"
    "$here/.venv/bin/pip" install --quiet 'litellm[proxy]'
  fi
  args+=(--litellm "$here/.venv/bin/litellm")
  echo "LiteLLM $("$here/.venv/bin/pip" show litellm | sed -n 's/^Version: //p')"
fi
cargo bench --bench gateway -- "${args[@]}"

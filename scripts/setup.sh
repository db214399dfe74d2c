#!/usr/bin/env bash
# Installs what callwatch needs on a fresh Debian machine (apt packages, Maven artifacts for the
# stack, npm dependencies) and starts the local stack. Idempotent and quick when all is there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash stack/stack.sh install

# node-rdkafka compiles against Node's headers; Debian's nodejs ships them under /usr/include/node,
# and node-gyp must not try to download them (no network beyond the registries).
if [ -d /usr/include/node ]; then export npm_config_nodedir=/usr; fi
stamp=node_modules/.callwatch-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "[setup] npm ci (the first time compiles librdkafka: a few minutes)" >&2
  npm ci --no-audit --no-fund
  touch "$stamp"
fi

bash stack/stack.sh up

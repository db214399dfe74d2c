#!/usr/bin/env bash
# The cluster tests (test/cluster/): failures under load on the cluster stack. Starts the cluster if
# it is not up (stack.sh up --cluster is idempotent); leaves it running (stack.sh down --cluster).
#   bash scripts/test-cluster.sh [vitest args]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash stack/stack.sh up --cluster >/dev/null
TEST_CLUSTER=1 CALLWATCH_STACK_PORTS_FILE="$PWD/stack/cluster-ports.env" npx vitest run --project cluster "$@"

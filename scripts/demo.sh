#!/usr/bin/env bash
# The main job: installs what is missing, starts the local stack, starts the pipeline's services
# (collectors, processors, spike detection, investigator API), replays twelve weeks of synthetic
# traffic through the HTTP collectors and prints what the pipeline made of it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
echo
node --import tsx scripts/demo/main.ts

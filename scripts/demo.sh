#!/usr/bin/env bash
# The main job: installs what is missing, starts the local stack, and prints what runs where.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
echo
echo "The local stack is up (stop it with: npm run stack -- down)."

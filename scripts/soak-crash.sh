#!/usr/bin/env bash
# A long crash soak: `tower serve` killed with SIGKILL CRASH_KILLS times (default 200) under
# load, with every check of test/reliability/crash.int.test.ts after each restart.
#   CRASH_KILLS=500 CRASH_SEED=42 scripts/soak-crash.sh
# The seed is printed in the test name and in the figures line; set CRASH_SEED to repeat a run.
set -euo pipefail
cd "$(dirname "$0")/.."

export CRASH_KILLS="${CRASH_KILLS:-200}"
# The test sets its own timeout from CRASH_KILLS.
exec npx vitest run test/reliability/crash.int.test.ts --reporter=verbose "$@"

#!/bin/sh
# npm test: install what is missing, then run every unit and integration test with Node's test runner.
set -eu
cd "$(dirname "$0")/.."
. scripts/setup.sh
tsc --noEmit
exec node --import tsx --test --test-concurrency=1 "$@" tests/unit/*.test.ts tests/integration/*.test.ts

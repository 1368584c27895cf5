#!/bin/sh
# npm run repro: install what is missing, run the pipeline, say where the results are.
set -eu
cd "$(dirname "$0")/.."
. scripts/setup.sh
dvc repro "$@"
echo
node --import tsx scripts/show-results.ts

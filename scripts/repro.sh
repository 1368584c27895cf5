#!/bin/sh
# npm run repro: install what is missing, run the pipeline, say where the results are.
set -eu
cd "$(dirname "$0")/.."
. scripts/setup.sh
dvc repro "$@"
echo
dvc metrics show
echo
echo "Results: metrics/evaluate.json (metrics), metrics/confusion.json (plot data), models/model.json (model),"
echo "data/poisoned/manifest.json (what was poisoned). Compare runs with: dvc metrics diff"

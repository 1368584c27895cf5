#!/bin/sh
# npm run plots: DVC's plots as a page that opens offline (see scripts/plots.ts). Arguments go to dvc plots,
# e.g. `npm run plots -- diff HEAD~1` or `npm run plots -- show metrics/confusion.json`.
set -eu
cd "$(dirname "$0")/.."
. scripts/setup.sh
exec node --import tsx scripts/plots.ts "$@"

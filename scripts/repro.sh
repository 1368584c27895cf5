#!/bin/sh
# npm run repro: install what is missing, run the pipeline, say where the results are.
set -eu
cd "$(dirname "$0")/.."
# The closing hint checks whether the user's own shell finds dvc, so it needs PATH as it was before setup.sh.
POISONLAB_USER_PATH="$PATH"
export POISONLAB_USER_PATH
. scripts/setup.sh
dvc repro "$@"
echo
node --import tsx scripts/show-results.ts

#!/bin/sh
# npm run bench:predict: poisonlab-forest's predict against scikit-learn's, interleaved; writes
# docs/measured-predict.md. Installs what is missing first (npm packages, DVC's virtualenv, scikit-learn from
# requirements-bench.txt into the same .venv). See the comment atop scripts/bench-predict.ts.
set -eu
cd "$(dirname "$0")/.."
. scripts/setup.sh
poisonlab_venv_install requirements-bench.txt
exec node --import tsx scripts/bench-predict.ts "$@"

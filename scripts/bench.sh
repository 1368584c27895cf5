#!/bin/sh
# npm run bench:engines: install what is missing (npm packages, DVC's virtualenv, scikit-learn from
# requirements-bench.txt into the same .venv), then run the engine benchmark. Arguments go to
# scripts/bench-engines.ts (see the comment at its top). The full run takes tens of minutes.
set -eu
cd "$(dirname "$0")/.."
. scripts/setup.sh
poisonlab_venv_install requirements-bench.txt
exec node --import tsx scripts/bench-engines.ts "$@"

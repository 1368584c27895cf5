#!/bin/sh
# npm run bench:sweep: the README's four-level sweep against the original project's job (seed_job.py),
# interleaved; writes docs/measured-sweep.md. The job is not part of this repository: BENCH_BASELINE names it
# (relative to the repository's root, or absolute; default ../shared/bench/seed_job.py). Installs what is
# missing first: DVC, MLflow (requirements-mlflow.txt) and scikit-learn, pandas and joblib
# (requirements-bench.txt) into .venv, whose Python runs the job. See the comment atop scripts/bench-sweep.ts.
set -eu
cd "$(dirname "$0")/.."
baseline="${BENCH_BASELINE:-../shared/bench/seed_job.py}"
if [ ! -f "$baseline" ]; then
  echo "bench:sweep: no baseline job at $baseline (BENCH_BASELINE, relative to the repository's root): set BENCH_BASELINE to the original project's seed_job.py" >&2
  exit 1
fi
BENCH_BASELINE="$(cd "$(dirname "$baseline")" && pwd)/$(basename "$baseline")"
export BENCH_BASELINE
. scripts/setup.sh
poisonlab_venv_install requirements-mlflow.txt
poisonlab_venv_install requirements-bench.txt
exec node --import tsx scripts/bench-sweep.ts "$@"

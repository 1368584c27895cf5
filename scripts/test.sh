#!/bin/sh
# npm test: install what is missing, then run every unit and integration test with Node's test runner.
set -eu
cd "$(dirname "$0")/.."
. scripts/setup.sh
# The MLflow push tests run a real `mlflow server`, pinned in requirements-mlflow.txt, from .venv/bin
# (on PATH since setup.sh); without it they fail, never skip.
poisonlab_venv_install requirements-mlflow.txt
# The remote tests: DVC's S3 and GCS plugins with their servers on 127.0.0.1, and the workflow schema check.
poisonlab_venv_install requirements-remotes.txt
# The offline plots test drives Debian's Chromium (never a browser that playwright downloads).
if [ ! -x /usr/bin/chromium ]; then
  [ "$(id -u)" = 0 ] || poisonlab_fail "the offline plots test needs Debian's chromium: run 'sudo apt-get install chromium'"
  echo "poisonlab setup: installing Debian's chromium for the offline plots test" >&2
  log="${TMPDIR:-/tmp}/poisonlab-apt-chromium.log"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    poisonlab_fail "apt-get could not install chromium (full log: $log)"
  fi
  rm -f "$log" # kept only when the install failed, for the message above
fi
tsc --noEmit
biome check .
# A private TMPDIR, checked empty afterwards: a test that leaves anything in the temp folder fails the run.
# npm run test:integration sets POISONLAB_TESTS to the integration tests alone.
exec sh scripts/with-private-tmp.sh node --import tsx --test --test-concurrency=1 "$@" ${POISONLAB_TESTS:-tests/unit/*.test.ts tests/integration/*.test.ts}

#!/bin/sh
# npm run measure:scale: the scale target of "Your own data". A temporary clone of this repository's HEAD gets
# the million-row table of scripts/generate-wide-csv.ts as data/raw/wide.csv, params for it (label column
# `label`, label_flip 10 %, sanitize none, poisonlab-forest with max_bins 255), and runs `dvc repro train`
# (prepare, poison, sanitize, train) under GNU time, then `dvc repro export` (the model as ONNX) apart.
# Writes docs/measured-scale.md; the clone is removed.
#   MEASURE_ROWS (default 1000000): rows of the generated table.
#   MEASURE_KEEP_MODEL (default unset): an absolute path to copy models/model.json to before the clone goes, e.g. for
#   npm run bench:model-format.
set -eu
cd "$(dirname "$0")/.."
. scripts/setup.sh
root="$PWD"
rows="${MEASURE_ROWS:-1000000}"
work="$(mktemp -d "${TMPDIR:-/tmp}/poisonlab-scale.XXXXXX")"
trap 'rm -rf "$work"' EXIT INT TERM
git clone -q "$root" "$work/repo"
cd "$work/repo"
ln -s "$root/.venv" .venv
ln -s "$root/node_modules" node_modules
node --import tsx scripts/generate-wide-csv.ts data/raw/wide.csv "$rows" >/dev/null
# The params the run needs, each one line of params.yaml, set as `dvc exp run -S` would.
sed -i -e 's/^  source: iris /  source: wide /' -e 's/^  label:   /  label: label/' \
  -e 's/^  engine: ml-random-forest/  engine: poisonlab-forest/' -e 's/^  max_bins:    /  max_bins: 255/' params.yaml
# A line that no longer reads as expected would silently measure another run: stop instead.
node --input-type=module -e '
  import { readFileSync } from "node:fs";
  import { parse } from "yaml";
  const { prepare, train } = parse(readFileSync("params.yaml", "utf8"));
  const set = [prepare.source === "wide", prepare.label === "label", train.engine === "poisonlab-forest", train.max_bins === 255];
  if (set.includes(false)) throw new Error("measure:scale could not set its params in params.yaml");
'
before="$(uptime | sed 's/.*load average: //')"
/usr/bin/time -v -o "$work/time.txt" dvc repro train >"$work/repro.txt" 2>&1 || {
  tail -n 20 "$work/repro.txt" >&2
  exit 1
}
after="$(uptime | sed 's/.*load average: //')"
/usr/bin/time -v -o "$work/time-export.txt" dvc repro export >"$work/export.txt" 2>&1 || {
  tail -n 20 "$work/export.txt" >&2
  exit 1
}
field() { grep "$2" "$work/$1" | sed 's/.*: //'; }
cpu() { awk "BEGIN { print $(field "$1" 'User time') + $(field "$1" 'System time') }"; }
model_bytes="$(wc -c <models/model.json | tr -d ' ')"
if [ -n "${MEASURE_KEEP_MODEL:-}" ]; then
  cp models/model.json "$MEASURE_KEEP_MODEL"
fi
onnx_bytes="$(wc -c <models/model.onnx | tr -d ' ')"
cd "$root"
{
  echo "# The scale target: a million-row CSV through prepare, poison, sanitize and train"
  echo
  echo "Written by \`npm run measure:scale\` (scripts/measure-scale.sh) at commit $(git rev-parse --short HEAD)."
  echo "$rows rows x 21 columns (15 numeric and 5 categorical features, a string label), label_flip 10 %,"
  echo "sanitize none, poisonlab-forest with 100 trees and \`train.max_bins: 255\`, threads: one per core ($(nproc))."
  echo "One \`dvc repro train\` under GNU time; CPU time and peak RSS include every stage process."
  echo
  echo "| wall | CPU (user + sys) | peak RSS | model.json | load average before / after |"
  echo "|---|---|---|---|---|"
  echo "| $(field time.txt 'Elapsed (wall clock)') | $(cpu time.txt) s | $(field time.txt 'Maximum resident set size') kB | $model_bytes bytes | $before / $after |"
  echo
  echo "Then \`dvc repro export\` (the same forest as models/model.onnx):"
  echo
  echo "| wall | CPU (user + sys) | peak RSS | model.onnx |"
  echo "|---|---|---|---|"
  echo "| $(field time-export.txt 'Elapsed (wall clock)') | $(cpu time-export.txt) s | $(field time-export.txt 'Maximum resident set size') kB | $onnx_bytes bytes |"
} >docs/measured-scale.md.tmp
mv docs/measured-scale.md.tmp docs/measured-scale.md
cat docs/measured-scale.md

#!/bin/sh
# Runs a command with TMPDIR pointing at a fresh private folder under the system temp folder, then fails,
# listing what is left in it, unless everything the command put there was removed. The folder is removed
# either way. tsx's compile cache (tsx-<uid>) belongs to the test runner, not to a test: it is not counted.
# Usage: sh scripts/with-private-tmp.sh node --import tsx --test tests/integration/*.test.ts
set -u
private=$(mktemp -d "${TMPDIR:-/tmp}/poisonlab-tests-XXXXXX") || exit 1
trap 'rm -rf "$private"; exit 130' INT TERM
status=0
TMPDIR=$private "$@" || status=$?
left=$(find "$private" -mindepth 1 ! -path "$private/tsx-*" | sort)
rm -rf "$private"
if [ -n "$left" ]; then
  echo "poisonlab tests: the tests left $(printf '%s\n' "$left" | wc -l) paths in their temp folder $private (now removed):" >&2
  printf '%s\n' "$left" | head -n 40 >&2
  exit 1
fi
exit "$status"

#!/usr/bin/env bash
# Runs every fuzz target for the given time each (default 10s): the short
# run CI does. `make fuzz` runs them longer. New crashers land in the
# package's testdata/fuzz/<Target>/ and become regression tests.
set -euo pipefail
cd "$(dirname "$0")/.."
time=${1:-10s}
for pkg in $(go list ./pkg/...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "fuzz $pkg $target ($time)"
    go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$time" >/dev/null
  done
done

#!/usr/bin/env bash
# Runs every fuzz target for the given time each (default 10s): the short
# run CI does. `make fuzz` runs them longer. A crasher lands in the
# package's testdata/fuzz/<Target>/ and becomes a regression test that
# `go test ./...` runs from then on; commit it with the fix.
#
# A run that fails without leaving a crasher (the fuzzing engine itself
# stalling or losing a worker on a loaded machine) is retried once.
set -euo pipefail
cd "$(dirname "$0")/.."
time=${1:-10s}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=0
# crashers DIR: how many saved inputs DIR holds (0 when it does not exist).
crashers() { if [ -d "$1" ]; then find "$1" -type f | wc -l; else echo 0; fi; }
for pkg in $(go list ./pkg/...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    for attempt in 1 2; do
      before=$(crashers "$dir/testdata/fuzz/$target")
      echo "fuzz $pkg $target ($time)"
      if go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$time" -fuzzminimizetime 5s > "$log" 2>&1; then
        break
      fi
      after=$(crashers "$dir/testdata/fuzz/$target")
      if [ "$after" -gt "$before" ] || [ "$attempt" = 2 ]; then
        echo "FAIL: $pkg $target"; tail -n 40 "$log"
        failed=1
        break
      fi
      echo "  the fuzzing engine failed without a crasher; retrying once:"; tail -n 5 "$log" | sed 's/^/  /'
    done
  done
done
exit "$failed"

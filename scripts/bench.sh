#!/usr/bin/env bash
# Reproducible throughput and memory benchmark (`make bench`).
#
# Builds a mixed mbox (bounces from testdata and, when present, the shared
# corpus, plus generated ordinary mail with attachments; see cmd/benchmbox),
# then times on the same file in the same run:
#   grep -c '^From '                      (the floor: reading the bytes)
#   bounce inspect --format ndjson        (> /dev/null), with --jobs 1 and
#                                         with one worker per CPU
#   bounce report --format json           (> /dev/null)
# and prints MB/s, messages/s, peak RSS and the time ratio to grep. A second
# table does the same on an mbox of bounces only (no ordinary mail), where
# the cost of analysing bounces shows.
#
#   scripts/bench.sh [SIZE_MB]            default 200 (the mixed mbox)
#   BOUNCES_MB=50                         size of the bounce-only mbox; 0 skips it
#   JOBS=4                                the parallel runs' --jobs (default: one per CPU)
#   RUNS=3                                runs per command; the best time counts
#   CORPUS=dir                            the corpus (default ../shared/corpus/sisimai)
#   BENCH_DIR=dir                         keep the mbox files there between runs
#   BOUNCE_BIN=path                       time this bounce binary instead of building one
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-200}
bounces_mb=${BOUNCES_MB:-50}
work=${BENCH_DIR:-$(mktemp -d)}
bin=${BOUNCE_BIN:-$work/bounce}
corpus=${CORPUS:-}
[ -z "$corpus" ] && [ -d ../shared/corpus/sisimai ] && corpus=../shared/corpus/sisimai
runs=${RUNS:-3}
jobs=${JOBS:-$(nproc)}

[ -n "${BOUNCE_BIN:-}" ] || go build -o "$bin" ./cmd/bounce

# measure NAME CMD...: the best wall time (seconds, from a nanosecond clock)
# of $runs runs and the largest peak RSS (KB) of CMD, output to /dev/null.
measure() {
  local name=$1; shift
  local best="" rss=0 i t0 t1 secs r
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N)
    /usr/bin/time -o "$work/time.txt" -f '%M' "$@" > /dev/null 2> "$work/stderr.txt" || true
    t1=$(date +%s%N)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
    r=$(tail -n 1 "$work/time.txt")
    if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$secs; fi
    if [ "$r" -gt "$rss" ]; then rss=$r; fi
  done
  echo "$name $best $rss"
}

# table MBOX: times every command on MBOX and prints the table.
table() {
  local mbox=$1 bytes msgs grep_line grep_s
  bytes=$(stat -L -c %s "$mbox")
  msgs=$(grep -c '^From ' "$mbox" | cat)
  echo "input: $mbox  $((bytes / 1000000)) MB  $msgs messages  $(nproc) CPUs"
  cat "$mbox" > /dev/null # warm the page cache alike for every command
  # grep's output goes to a pipe: GNU grep stops at the first match when
  # its output is /dev/null.
  grep_line=$(measure grep sh -c "grep -c '^From ' '$mbox' | cat")
  grep_s=$(echo "$grep_line" | awk '{print $2}')
  local results=("$grep_line")
  results+=("$(measure "inspect-j1" "$bin" inspect --format ndjson --jobs 1 "$mbox")")
  results+=("$(measure "inspect-j$jobs" "$bin" inspect --format ndjson --jobs "$jobs" "$mbox")")
  results+=("$(measure "report-j$jobs" "$bin" report --format json --jobs "$jobs" "$mbox")")
  printf '%-11s %8s %9s %11s %9s %8s\n' command seconds MB/s messages/s "RSS MB" "x grep"
  local r name secs rss
  for r in "${results[@]}"; do
    read -r name secs rss <<< "$r"
    awk -v n="$name" -v s="$secs" -v r="$rss" -v b="$bytes" -v m="$msgs" -v g="$grep_s" 'BEGIN {
      printf "%-11s %8.3f %9.1f %11.0f %9.1f %8.2f\n", n, s, b / s / 1e6, m / s, r / 1024, s / g }'
  done
}

mixed="$work/bench-$size.mbox"
if [ ! -s "$mixed" ]; then
  go run ./cmd/benchmbox -size "$size" ${corpus:+-corpus "$corpus"} > "$mixed"
fi
table "$mixed"

if [ "$bounces_mb" -gt 0 ]; then
  only="$work/bench-bounces-$bounces_mb.mbox"
  if [ ! -s "$only" ]; then
    go run ./cmd/benchmbox -size "$bounces_mb" -ordinary 0 ${corpus:+-corpus "$corpus"} > "$only"
  fi
  echo
  table "$only"
fi

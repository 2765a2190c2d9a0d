#!/usr/bin/env bash
# Reproducible throughput and memory benchmark (`make bench`).
#
# Builds a mixed mbox (bounces from testdata and, when present, the shared
# corpus, plus generated ordinary mail with attachments), then times on the
# same file in the same run:
#   grep -c '^From '                      (the floor: reading the bytes)
#   bounce inspect --format ndjson        (> /dev/null)
#   bounce report --format json           (> /dev/null, when the command exists)
# and prints MB/s, messages/s, peak RSS and the time ratio to grep.
#
#   scripts/bench.sh [SIZE_MB]            default 200
#   JOBS=1 scripts/bench.sh               limit bounce to one worker
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-200}
work=${BENCH_DIR:-$(mktemp -d)}
mbox="$work/bench-$size.mbox"
bin="$work/bounce"
corpus=""
[ -d ../shared/corpus/sisimai ] && corpus=../shared/corpus/sisimai

go build -o "$bin" ./cmd/bounce
if [ ! -s "$mbox" ]; then
  go run ./cmd/benchmbox -size "$size" ${corpus:+-corpus "$corpus"} > "$mbox"
fi
bytes=$(stat -c %s "$mbox")
msgs=$(grep -c '^From ' "$mbox" | cat)
jobs_flag=()
[ -n "${JOBS:-}" ] && jobs_flag=(--jobs "$JOBS")
echo "input: $mbox  $((bytes / 1000000)) MB  $msgs messages  $(nproc) CPUs"

runs=${RUNS:-3}

# measure NAME CMD...: the best wall time (seconds, from a nanosecond clock)
# of $runs runs and the largest peak RSS (KB) of CMD, output to /dev/null.
measure() {
  local name=$1; shift
  cat "$mbox" > /dev/null # warm the page cache alike for every command
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

# grep's output goes to a pipe: GNU grep stops at the first match when its
# output is /dev/null.
grep_line=$(measure grep sh -c "grep -c '^From ' '$mbox' | cat")
grep_s=$(echo "$grep_line" | awk '{print $2}')
results=("$grep_line")
results+=("$(measure inspect "$bin" inspect --format ndjson "${jobs_flag[@]}" "$mbox")")
if "$bin" report --help > /dev/null 2>&1; then
  results+=("$(measure report "$bin" report --format json "${jobs_flag[@]}" "$mbox")")
fi

printf '%-8s %8s %9s %11s %9s %8s\n' command seconds MB/s messages/s "RSS MB" "x grep"
for r in "${results[@]}"; do
  read -r name secs rss <<< "$r"
  awk -v n="$name" -v s="$secs" -v r="$rss" -v b="$bytes" -v m="$msgs" -v g="$grep_s" 'BEGIN {
    printf "%-8s %8.3f %9.1f %11.0f %9.1f %8.2f\n", n, s, b / s / 1e6, m / s, r / 1024, s / g }'
done

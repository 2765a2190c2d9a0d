#!/usr/bin/env bash
# Reproducible throughput and memory benchmark (`make bench`).
#
# Builds two mbox files under bench-out/ (never committed):
#   - a mixed mbox: bounces from testdata and, when present, the shared
#     corpus, plus generated ordinary mail with attachments (cmd/benchmbox);
#     it measures how fast ordinary mail is passed over;
#   - a bounce-dense mbox: the shared corpus's messages (else testdata's)
#     repeated, nothing else; it measures the cost of analysing bounces.
# Then times on each, in the same run:
#   grep -c '^From '                      (the floor: reading the bytes)
#   bounce inspect --format ndjson        (> /dev/null), with --jobs 1 and
#                                         with one worker per CPU
#   bounce report --format json           (> /dev/null)
# and prints per command: wall and CPU seconds (user+system), MB/s and
# messages/s (of wall time), µs of CPU per message, bytes and objects
# allocated per message and the share of CPU the garbage collector took
# (from the hidden --memstats flag: runtime/metrics totals at exit), peak
# RSS, and the wall-time ratio to grep.
#
# Wall time is noisy on a shared machine; CPU time less so, and the
# allocation figures are deterministic: compare those between builds.
#
#   scripts/bench.sh [SIZE_MB]            default 200 (the mixed mbox)
#   BOUNCES_MB=200                        size of the bounce-dense mbox; 0 skips it
#   MIXED=0                               skip the mixed mbox
#   JOBS=4                                the parallel runs' --jobs (default: one per CPU)
#   RUNS=3                                runs per command; the best wall and CPU time count
#   CORPUS=dir                            the corpus (default ../shared/corpus/sisimai)
#   BENCH_DIR=dir                         where the mbox files are kept (default bench-out)
#   BOUNCE_BIN=path                       time this bounce binary instead of building one
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-200}
bounces_mb=${BOUNCES_MB:-200}
work=${BENCH_DIR:-bench-out}
mkdir -p "$work"
bin=${BOUNCE_BIN:-$work/bounce}
corpus=${CORPUS:-}
[ -z "$corpus" ] && [ -d ../shared/corpus/sisimai ] && corpus=../shared/corpus/sisimai
runs=${RUNS:-3}
jobs=${JOBS:-$(nproc)}

[ -n "${BOUNCE_BIN:-}" ] || go build -o "$bin" ./cmd/bounce

# measure NAME CMD...: runs CMD $runs times, output to /dev/null, and prints
# NAME, the best wall and CPU seconds, the largest peak RSS (KB), and (for
# bounce, which writes them with --memstats) bytes and objects allocated and
# the GC's share of CPU, or "-".
measure() {
  local name=$1; shift
  local best="" cpu="" rss=0 i t0 t1 secs c r u s
  rm -f "$work/memstats.txt"
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N)
    /usr/bin/time -o "$work/time.txt" -f '%U %S %M' "$@" > /dev/null 2> "$work/stderr.txt" || true
    t1=$(date +%s%N)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
    read -r u s r < <(tail -n 1 "$work/time.txt")
    c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
    if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$secs; fi
    if [ -z "$cpu" ] || awk -v a="$c" -v b="$cpu" 'BEGIN { exit !(a < b) }'; then cpu=$c; fi
    if [ "$r" -gt "$rss" ]; then rss=$r; fi
  done
  local stats="- - -"
  if [ -s "$work/memstats.txt" ]; then
    stats=$(awk '{ v[$1] = $2 } END {
      gc = v["/cpu/classes/gc/total:cpu-seconds"]; user = v["/cpu/classes/user:cpu-seconds"]
      sc = v["/cpu/classes/scavenge/total:cpu-seconds"]
      printf "%s %s %.3f", v["/gc/heap/allocs:bytes"], v["/gc/heap/allocs:objects"], (gc + user + sc > 0 ? gc / (gc + user + sc) : 0) }' "$work/memstats.txt")
  fi
  echo "$name $best $cpu $rss $stats"
}

# table MBOX: times every command on MBOX and prints the table.
table() {
  local mbox=$1 bytes msgs grep_line grep_s
  bytes=$(stat -L -c %s "$mbox")
  msgs=$(grep -c '^From ' "$mbox" | cat)
  echo "input: $mbox  $((bytes / 1000000)) MB  $msgs messages  $(nproc) CPUs  best of $runs runs"
  cat "$mbox" > /dev/null # warm the page cache alike for every command
  # grep's output goes to a pipe: GNU grep stops at the first match when
  # its output is /dev/null.
  grep_line=$(measure grep sh -c "grep -c '^From ' '$mbox' | cat")
  grep_s=$(echo "$grep_line" | awk '{print $2}')
  local results=("$grep_line") ms=(--memstats "$work/memstats.txt")
  results+=("$(measure "inspect-j1" "$bin" inspect --format ndjson --jobs 1 "${ms[@]}" "$mbox")")
  results+=("$(measure "inspect-j$jobs" "$bin" inspect --format ndjson --jobs "$jobs" "${ms[@]}" "$mbox")")
  results+=("$(measure "report-j$jobs" "$bin" report --format json --jobs "$jobs" "${ms[@]}" "$mbox")")
  printf '%-11s %7s %7s %7s %8s %7s %8s %8s %6s %7s %7s\n' \
    command wall-s cpu-s MB/s msgs/s "µs/msg" "B/msg" "objs/msg" "GC%" "RSS-MB" "x-grep"
  local r name secs cpu rss ab ao gc
  for r in "${results[@]}"; do
    read -r name secs cpu rss ab ao gc <<< "$r"
    awk -v n="$name" -v s="$secs" -v c="$cpu" -v r="$rss" -v b="$bytes" -v m="$msgs" -v g="$grep_s" \
      -v ab="$ab" -v ao="$ao" -v gc="$gc" 'BEGIN {
      if (ab == "-") { abm = "-"; aom = "-"; gcp = "-" } else {
        abm = sprintf("%.0f", ab / m); aom = sprintf("%.0f", ao / m); gcp = sprintf("%.1f", gc * 100) }
      printf "%-11s %7.3f %7.2f %7.1f %8.0f %7.1f %8s %8s %6s %7.1f %7.2f\n",
        n, s, c, b / s / 1e6, m / s, c / m * 1e6, abm, aom, gcp, r / 1024, s / g }'
  done
}

if [ "${MIXED:-1}" != 0 ]; then
  mixed="$work/bench-$size.mbox"
  if [ ! -s "$mixed" ]; then
    go run ./cmd/benchmbox -size "$size" ${corpus:+-corpus "$corpus"} > "$mixed"
  fi
  table "$mixed"
  echo
fi

if [ "$bounces_mb" -gt 0 ]; then
  only="$work/bench-bounces-$bounces_mb.mbox"
  if [ ! -s "$only" ]; then
    # The corpus alone when there is one (testdata's bounces are written
    # for tests, not a sample of real traffic).
    go run ./cmd/benchmbox -size "$bounces_mb" -ordinary 0 ${corpus:+-testdata "" -corpus "$corpus"} > "$only"
  fi
  table "$only"
fi

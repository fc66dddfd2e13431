#!/usr/bin/env bash
# The whole-process scanning benchmark (../shared/spec/quality.md "Speed and memory").
#
# Builds nothing: it uses build/faultline (override with FAULTLINE=path) and, if it exists,
# build-bench/bench/faultline_bench (override with BENCH_BIN=path) for the micro-benchmarks.
# Generates a realistic log with bench/gen_log.py into $BENCH_TMP (default /tmp/faultline-bench),
# cached by seed, size, hit rate and the generator's own hash, then for three rule-set shapes
#   bundled     the embedded knowledge base (literal-led patterns)      on the log
#   hard        --kb bench/hard_rules (+300 '.*'-joined word pairs)    on the log
#   hard+hits   --kb bench/hard_rules                                  on a log where ~5% of lines match
# prints: faultline's scanning MB/s (from `diagnose --stats`, the scan phase alone), its
# whole-process MB/s, `rg -c` over the same patterns, their ratio, and faultline's peak RSS
# (/usr/bin/time -v). Each figure is the median of $RUNS runs (default 3); PIN_CORE=N pins both
# programs to one core with taskset.
#
#   bench/scan_bench.sh                       # 256 MB, seed 1
#   SIZE_MB=1024 RUNS=1 bench/scan_bench.sh   # the 1 GB memory check of quality.md
#
# rg gets the patterns of `faultline kb patterns`, each wrapped in (?:...) (rg joins -f
# patterns with '|', so an inline (?i) would otherwise leak into the patterns after it) and
# with named groups made non-capturing (rg rejects the same group name twice). Its line count
# is printed next to faultline's matched lines: they should be equal.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FAULTLINE="${FAULTLINE:-$REPO/build/faultline}"
BENCH_BIN="${BENCH_BIN:-$REPO/build-bench/bench/faultline_bench}"
SEED="${SEED:-1}"
SIZE_MB="${SIZE_MB:-256}"
HIT_RATE="${HIT_RATE:-0.05}"
RUNS="${RUNS:-3}"
LOGHUB="${LOGHUB:-$REPO/../shared/data/loghub}"
BENCH_TMP="${BENCH_TMP:-/tmp/faultline-bench}"
HARD="$REPO/bench/hard_rules"

die() { echo "scan_bench.sh: $*" >&2; exit 2; }
[[ -x "$FAULTLINE" ]] || die "no $FAULTLINE: build it first (cmake --build build --target faultline), or set FAULTLINE="

need() {  # need COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "installing $2 (for $1)..." >&2
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y -qq "$2" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }
  else sudo apt-get install -y -qq "$2" >/dev/null; fi
}
need rg ripgrep
[[ -x /usr/bin/time ]] || need /usr/bin/time time
need python3 python3
PIN=()  # PIN_CORE=N: run faultline and rg on core N only (both are single-threaded anyway)
[[ -n "${PIN_CORE:-}" ]] && PIN=(taskset -c "$PIN_CORE")

mkdir -p "$BENCH_TMP"
# A private catalogue cache, so the benchmark leaves the user's history alone.
FL=("$FAULTLINE" --db "$BENCH_TMP/db/history.db" --no-color)

# --- the logs (cached) ---
GEN_HASH="$(sha256sum "$REPO/bench/gen_log.py" | cut -c1-8)"
RULES_HASH="$(cat "$HARD"/signals/*.yaml | sha256sum | cut -c1-8)"
LOG="$BENCH_TMP/log-s${SEED}-${SIZE_MB}mb-${GEN_HASH}.log"
HITLOG="$BENCH_TMP/log-s${SEED}-${SIZE_MB}mb-hit${HIT_RATE}-${GEN_HASH}-${RULES_HASH}.log"
gen() {  # gen OUT [extra args]
  local out="$1"; shift
  if [[ ! -s "$out" ]]; then
    echo "generating $out ..." >&2
    python3 "$REPO/bench/gen_log.py" --seed "$SEED" --size-mb "$SIZE_MB" --loghub "$LOGHUB" \
      --out "$out.tmp" "$@"
    mv "$out.tmp" "$out"
  fi
}
gen "$LOG"
gen "$HITLOG" --hit-rate "$HIT_RATE" --rules "$HARD/signals/hard.yaml"

mbs() { awk -v b="$1" -v s="$2" 'BEGIN {if (s > 0) printf "%.0f", b / 1e6 / s; else print "inf"}'; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

declare -a ROWS
run_shape() {  # run_shape NAME LOGFILE [--kb DIR]
  local name="$1" log="$2"; shift 2
  local kb=("$@") tmp="$BENCH_TMP/run"
  "${FL[@]}" "${kb[@]}" kb patterns > "$tmp.patterns"  # also builds the catalogue cache
  sed -e 's/(?P<[A-Za-z_][A-Za-z0-9_]*>/(?:/g' -e 's/.*/(?:&)/' "$tmp.patterns" > "$tmp.rg"
  cat "$log" > /dev/null  # warm the page cache
  local bytes; bytes=$(stat -c %s "$log")
  local scan_mbs=() wall_mbs=() cpu_mbs=() rss=() rg_mbs=() rg_cpu_mbs=()
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -v -o "$tmp.time" "${PIN[@]}" "${FL[@]}" "${kb[@]}" diagnose --log "$log" --stats \
      > /dev/null 2> "$tmp.stats" || true  # exit 1 when nothing is reported is fine
    grep -q '^scan:' "$tmp.stats" || { cat "$tmp.stats" >&2; die "no --stats output from faultline"; }
    scan_mbs+=("$(sed -n 's/^scan: .* = \([0-9.]*\) MB\/s.*/\1/p' "$tmp.stats")")
    local wall user sys
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp.time" |
      awk -F: '{s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s}')
    user=$(sed -n 's/.*User time (seconds): //p' "$tmp.time")
    sys=$(sed -n 's/.*System time (seconds): //p' "$tmp.time")
    wall_mbs+=("$(mbs "$bytes" "$wall")")
    cpu_mbs+=("$(mbs "$bytes" "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')")")
    rss+=("$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp.time")")
    /usr/bin/time -f '%e %U %S' -o "$tmp.rgtime" "${PIN[@]}" rg -c -f "$tmp.rg" "$log" > "$tmp.rgcount" || true
    read -r wall user sys < "$tmp.rgtime"
    rg_mbs+=("$(mbs "$bytes" "$wall")")
    rg_cpu_mbs+=("$(mbs "$bytes" "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')")")
  done
  cp "$tmp.stats" "$BENCH_TMP/stats-$name.txt"
  local scan wall_m cpu_m rg_m rg_cpu rss_max cand matched pats atoms
  scan=$(printf '%s\n' "${scan_mbs[@]}" | median)
  wall_m=$(printf '%s\n' "${wall_mbs[@]}" | median)
  cpu_m=$(printf '%s\n' "${cpu_mbs[@]}" | median)
  rg_m=$(printf '%s\n' "${rg_mbs[@]}" | median)
  rg_cpu=$(printf '%s\n' "${rg_cpu_mbs[@]}" | median)
  rss_max=$(printf '%s\n' "${rss[@]}" | sort -g | tail -1)
  cand=$(sed -n 's/.*candidate lines [0-9,]* (\([0-9.]*%\)).*/\1/p' "$tmp.stats")
  matched=$(sed -n 's/.*matched \([0-9,]*\),.*/\1/p' "$tmp.stats" | tr -d ,)
  pats=$(sed -n 's/^ *\([0-9]*\) patterns, \([0-9]*\) atoms.*/\1/p' "$tmp.stats")
  atoms=$(sed -n 's/^ *\([0-9]*\) patterns, \([0-9]*\) atoms.*/\2/p' "$tmp.stats")
  ROWS+=("$name|$pats|$atoms|$cand|$matched|$(cat "$tmp.rgcount")|$scan|$wall_m|$cpu_m|$rg_m|$rg_cpu|$(
    awk -v a="$scan" -v b="$rg_m" 'BEGIN {printf "%.2f", a / b}')|$(
    awk -v a="$cpu_m" -v b="$rg_cpu" 'BEGIN {printf "%.2f", a / b}')|$(
    awk -v k="$rss_max" 'BEGIN {printf "%.1f", k / 1024}')")
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "faultline: $FAULTLINE ($("$FAULTLINE" --version), built $(date -r "$FAULTLINE" '+%F %T')); $(rg --version | sed -n 1p)"
echo "log: $LOG ($(( $(stat -c %s "$LOG") / 1000000 )) MB); hit log: $(basename "$HITLOG")"
echo "runs: $RUNS (medians; RSS: the largest)${PIN_CORE:+; pinned to core $PIN_CORE with taskset}"

run_shape bundled "$LOG"
run_shape hard "$LOG" --kb "$HARD"
run_shape hard+hits "$HITLOG" --kb "$HARD"

echo
FMT='%-10s %5s %5s %8s %7s %7s | %5s %5s %5s | %5s %5s | %6s %6s | %6s\n'
printf '%-10s %5s %5s %8s %7s %7s | %-17s | %-11s | %-13s |\n' "" "" "" "" "" "" "faultline MB/s" "rg MB/s" "ratio"
printf "$FMT" "rule set" pats atoms "cand." matched "rg -c" scan wall cpu wall cpu scan/rg cpu/cpu "RSS MB"
for r in "${ROWS[@]}"; do
  IFS='|' read -r n p a c m rc s w cp g gc q qc k <<< "$r"
  printf "$FMT" "$n" "$p" "$a" "$c" "$m" "$rc" "$s" "$w" "$cp" "$g" "$gc" "$q" "$qc" "$k"
done
echo
echo "scan: MB/s of the scan phase (diagnose --stats); wall, cpu: the whole process, by wall clock"
echo "and by user+sys CPU time (cpu is the figure to trust on a busy machine); rg: rg -c, same patterns."
echo "targets (quality.md): scan >= 300 MB/s on one core; faultline >= rg; every shape >= 50 MB/s;"
echo "peak RSS < 64 MB. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo "--stats of the last run of each shape: $BENCH_TMP/stats-*.txt"

if [[ -x "$BENCH_BIN" ]]; then
  echo
  echo "micro-benchmarks ($BENCH_BIN):"
  "${PIN[@]}" "$BENCH_BIN" --benchmark_min_time=0.5
fi

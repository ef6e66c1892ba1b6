#!/bin/sh
# history.sh: jmx-report history of 1,000 runs and compare of two runs of
# 1 M samples each.
#
# Builds bench/jtl-gen, imports $RUNS runs of one test case (a JTL of
# $SMALL records each: jtl-gen -t 50, 10 labels, a few minutes of
# samples) and two runs of $N records (jtl-gen -t $THREADS), then:
#   - instructions (valgrind --tool=callgrind, whole process) and the
#     median wall time of $REPS runs of `jmx-report --json history` and
#     of `jmx-report --json compare A B`; history twice under callgrind:
#     cold (no run's figures kept yet: each run's histograms merged, and
#     its figures kept) and warm (one row per run);
#   - as a ratio, the same for `jmx-report --json show RUN --no-charts`
#     of one 1 M run (a report of one run: what a compare of two should
#     cost about twice of, the histograms being read the same way).
# The imports are not timed.
#
# The tree must be built (./configure && make): it runs ./jmx-report.
# This is a benchmark, not a test: make check does not run it.
#
# usage: bench/history.sh [workdir]   (default: a fresh mktemp -d,
#                                      removed at the end)
# env: CC, CFLAGS, RUNS (1000), SMALL (2000), N (1000000), THREADS (400),
#      REPS (5), JMX_REPORT (./jmx-report of the tree)
set -eu

. "$(dirname "$0")/lib.sh"
CC=${CC:-cc}
CFLAGS=${CFLAGS:--g -O2}
RUNS=${RUNS:-1000}
SMALL=${SMALL:-2000}
N=${N:-1000000}
THREADS=${THREADS:-400}
REPS=${REPS:-5}
JMX_REPORT=${JMX_REPORT:-$top/jmx-report}
export JMX_HOME=$work/home
unset JMX_CONFIG

fail() {
	echo "history.sh: $*" >&2
	exit 1
}
[ -x "$JMX_REPORT" ] || fail "no $JMX_REPORT: build the tree first"
$CC $CFLAGS -o "$work/jtl-gen" "$top/bench/jtl-gen.c" -lm ||
    fail "cannot build jtl-gen"

if [ ! -f "$JMX_HOME/jmx.db" ]; then
	"$work/jtl-gen" -t 50 "$SMALL" 1 >"$work/small.jtl"
	i=1
	while [ "$i" -le "$RUNS" ]; do
		"$JMX_REPORT" import --name nightly "$work/small.jtl" \
		    >/dev/null || fail "import $i failed"
		i=$((i + 1))
	done
	"$work/jtl-gen" -t "$THREADS" "$N" 2 >"$work/a.jtl"
	"$work/jtl-gen" -t "$THREADS" "$N" 3 >"$work/b.jtl"
	A=$("$JMX_REPORT" import --name big "$work/a.jtl")
	B=$("$JMX_REPORT" import --name big "$work/b.jtl")
	echo "$A $B" >"$work/big-ids"
fi
read -r A B <"$work/big-ids"

# ir NAME CMD...: total instructions of CMD under callgrind.
ir() {
	_name=$1
	shift
	valgrind --tool=callgrind --callgrind-out-file="$work/$_name.cg" \
	    "$@" >/dev/null 2>"$work/$_name.vg" || fail "$_name failed"
	sed -n 's/^summary: //p' "$work/$_name.cg"
}

# wall NAME CMD...: median wall time of REPS runs, in ms.
wall() {
	_name=$1
	shift
	_i=0
	: >"$work/$_name.ms"
	while [ "$_i" -lt "$REPS" ]; do
		_t0=$(date +%s%N)
		"$@" >/dev/null || fail "$_name failed"
		_t1=$(date +%s%N)
		echo $(((_t1 - _t0) / 1000000)) >>"$work/$_name.ms"
		_i=$((_i + 1))
	done
	sort -n "$work/$_name.ms" | sed -n "$(((REPS + 1) / 2))p"
}

command -v sqlite3 >/dev/null || fail "no sqlite3 command"
sqlite3 "$JMX_HOME/jmx.db" "DELETE FROM run_figures" || fail "sqlite3 failed"
cold_ir=$(ir cold "$JMX_REPORT" --json history)
hist_ir=$(ir history "$JMX_REPORT" --json history)
cmp_ir=$(ir compare "$JMX_REPORT" --json compare "$A" "$B")
show_ir=$(ir show "$JMX_REPORT" --json show --no-charts -o "$work/show" "$A")
hist_ms=$(wall history "$JMX_REPORT" --json history)
cmp_ms=$(wall compare "$JMX_REPORT" --json compare "$A" "$B")
show_ms=$(wall show "$JMX_REPORT" --json show --no-charts -o "$work/show" "$A")
nruns=$("$JMX_REPORT" --json history | python3 -c \
    'import json,sys; print(len(json.load(sys.stdin)["runs"]))')

echo "history of $nruns runs ($SMALL samples each), cold: $cold_ir instructions"
echo "history of $nruns runs, warm: $hist_ir instructions, median $hist_ms ms"
echo "compare of runs $A and $B ($N samples each): $cmp_ir instructions, median $cmp_ms ms"
echo "show --no-charts of run $A: $show_ir instructions, median $show_ms ms"
awk -v c="$cmp_ir" -v s="$show_ir" -v h="$hist_ir" -v n="$nruns" 'BEGIN {
	printf "compare / show of one run: %.2f (instructions)\n", c / s
	printf "history, warm: %.0f instructions per run\n", h / n
}'

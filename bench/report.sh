#!/bin/sh
# report.sh: jmx-report against JMeter's own dashboard, and the memory of
# jmx-report stats as the input grows.
#
# Builds bench/jtl-gen (as run-jtl.sh does), writes a realistic JTL of
# $N records (jtl-gen -t $THREADS: ~530 samples/s, a typical load test),
# and in one run, $REPS times each, alternating:
#   - jmx-report show FILE.jtl -o DIR (every output: HTML, Markdown, JSON,
#     JUnit, 9 gnuplot charts as PNG and SVG)
#   - jmeter -g FILE.jtl -o DIR2 (JMeter's HTML dashboard), with the
#     launcher's default JVM flags: the environment's HEAP, GC_ALGO,
#     JVM_ARGS and JMETER_OPTS are cleared, so the heap is bin/jmeter's
#     default (printed);
# wall time, CPU time (user + sys) and peak RSS of each under GNU time
# (the largest process of the tree: jmx-report or its gnuplot, the JVM),
# and the ratios of the medians.  The file is read once before, so both
# read it from the page cache.  Then the peak RSS of jmx-report stats on
# $SMALL and $LARGE records of the same generator, and their ratio.
#
# The tree must be built (./configure && make): it runs ./jmx-report.
# This is a benchmark, not a test: make check does not run it.
#
# usage: bench/report.sh [workdir]   (default: a fresh mktemp -d, removed
#                                     at the end; a given one is kept)
# env: CC, CFLAGS, N (2000000), THREADS (400), REPS (3), SMALL (1000000),
#      LARGE (10000000), JMETER_HOME (/opt/jmx/jmeter-5.6.3),
#      JMX_REPORT (./jmx-report of the tree)
set -eu

. "$(dirname "$0")/lib.sh"
CC=${CC:-cc}
CFLAGS=${CFLAGS:--g -O2}
N=${N:-2000000}
THREADS=${THREADS:-400}
REPS=${REPS:-3}
SMALL=${SMALL:-1000000}
LARGE=${LARGE:-10000000}
JMETER_HOME=${JMETER_HOME:-/opt/jmx/jmeter-5.6.3}
JMX_REPORT=${JMX_REPORT:-$top/jmx-report}
TIME=/usr/bin/time

fail() {
	echo "report.sh: $*" >&2
	exit 1
}
[ -x "$JMX_REPORT" ] || fail "no $JMX_REPORT: build the tree first"
[ -x "$JMETER_HOME/bin/jmeter" ] || fail "no JMeter in $JMETER_HOME"
"$TIME" -f %M true > /dev/null 2>&1 || fail "GNU time is not $TIME"
command -v gnuplot > /dev/null 2>&1 || fail "gnuplot not found"

# measure NAME [DIR...] -- CMD...: remove the DIRs (CMD's output), run
# CMD, its output in $work/NAME.out and .err, "wall user sys maxrss_kb"
# in $work/NAME.time.  A run killed by a signal is said and made again,
# twice at most: on a machine shared with a test bed, its clean-up may
# kill every JVM, this one too.
measure() {
	name=$1
	shift
	dirs=
	while [ "$1" != -- ]; do
		dirs="$dirs$1
"
		shift
	done
	shift
	try=1
	while :; do
		printf %s "$dirs" | while IFS= read -r d; do
			rm -rf "$d"
		done
		rc=0
		"$TIME" -f '%e %U %S %M' -o "$work/$name.time" "$@" \
		    > "$work/$name.out" 2> "$work/$name.err" || rc=$?
		[ "$rc" -gt 128 ] && [ "$try" -lt 3 ] || break
		echo "# $name: killed by signal $((rc - 128)), once more"
		try=$((try + 1))
	done
	if [ "$rc" -ne 0 ]; then
		tail -n 5 "$work/$name.out" "$work/$name.err" >&2
		log=$work/jmeter.${name#jm.}.log
		[ ! -f "$log" ] || grep -E 'ERROR|Exception' "$log" | tail -n 5 >&2
		fail "$name failed: $*"
	fi
}
# col NAME K: field K of NAME's time line.
col() {
	awk -v k="$2" '{ print $k }' "$work/$1.time"
}
# median: of the numbers on stdin.
median() {
	sort -n | awk '{ v[NR] = $1 } END {
		print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "# workdir $work"
$CC $CFLAGS -o "$work/jtl-gen" "$top/bench/jtl-gen.c" -lm
heap=$(sed -n 's/.*HEAP:=\(.*\)}.*/\1/p' "$JMETER_HOME/bin/jmeter" |
    tr -d '"' | head -n 1)
echo "# $("$JMX_REPORT" --version), $(gnuplot --version);" \
    "JMeter in $JMETER_HOME, JVM heap: bin/jmeter's default" \
    "(${heap:-unknown}), $(java -version 2>&1 | head -n 1)"
echo "# $(nproc) CPUs, $(uname -m); $REPS runs each, alternating"

jtl=$work/big.jtl
"$work/jtl-gen" -t "$THREADS" "$N" > "$jtl"
echo "# $N records (jtl-gen -t $THREADS): $(wc -c < "$jtl") bytes"
cat "$jtl" > /dev/null

i=1
while [ "$i" -le "$REPS" ]; do
	measure "jmx.$i" "$work/jmx-out" -- \
	    "$JMX_REPORT" show "$jtl" -o "$work/jmx-out"
	# Its temporary files go in the work directory, not in ./temp.
	measure "jm.$i" "$work/jm-out" "$work/jm-temp" -- \
	    env -u HEAP -u GC_ALGO -u JVM_ARGS -u JMETER_OPTS \
	    "$JMETER_HOME/bin/jmeter" -g "$jtl" -o "$work/jm-out" \
	    -j "$work/jmeter.$i.log" \
	    -Jjmeter.reportgenerator.temp_dir="$work/jm-temp"
	echo "run $i: jmx-report show $(col "jmx.$i" 1) s," \
	    "$(col "jmx.$i" 4) KB; jmeter -g $(col "jm.$i" 1) s," \
	    "$(col "jm.$i" 4) KB"
	i=$((i + 1))
done

# Both must have read every sample.
count() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["statistics"]["total"]["count"] if "statistics" in d else
    d["Total"]["sampleCount"])' "$1"
}
cj=$(count "$work/jmx-out/report.json")
cm=$(count "$work/jm-out/statistics.json")
echo "samples counted: jmx-report $cj, JMeter $cm"
[ "$cj" = "$N" ] && [ "$cm" = "$N" ] || fail "a report missed samples"
ls "$work"/jmx-out/*.png "$work"/jmx-out/*.svg > /dev/null ||
    fail "jmx-report drew no chart"

stat() {	# stat PREFIX FIELD: the median over the runs
	for f in "$work/$1".*.time; do
		awk -v k="$2" '{ print $k }' "$f"
	done | median
}
cpu() {		# cpu PREFIX: median of user + sys
	for f in "$work/$1".*.time; do
		awk '{ print $2 + $3 }' "$f"
	done | median
}
wj=$(stat jmx 1)
wm=$(stat jm 1)
awk -v j="$wj" -v m="$wm" -v n="$REPS" 'BEGIN {
	r = m / j
	printf "wall time (median of %d): jmx-report %.2f s, JMeter %.2f s:" \
	    " JMeter / jmx-report = %.1fx (target >= 20x: %s)\n",
	    n, j, m, r, (r >= 20 ? "met" : "NOT met") }'
awk -v j="$(cpu jmx)" -v m="$(cpu jm)" 'BEGIN {
	printf "CPU time (user + sys): jmx-report %.2f s, JMeter %.2f s:" \
	    " %.1fx\n", j, m, m / j }'
awk -v j="$(stat jmx 4)" -v m="$(stat jm 4)" 'BEGIN {
	printf "peak RSS: jmx-report %.1f MB, JMeter %.1f MB:" \
	    " JMeter / jmx-report = %.1fx\n", j / 1024, m / 1024, m / j }'
rm -rf "$jtl" "$work/jmx-out" "$work/jm-out"

# jmx-report stats: memory must not grow with the records.
for n in "$SMALL" "$LARGE"; do
	"$work/jtl-gen" -t "$THREADS" "$n" > "$work/s.jtl"
	i=1
	while [ "$i" -le "$REPS" ]; do
		measure "stats$n.$i" -- "$JMX_REPORT" stats "$work/s.jtl"
		i=$((i + 1))
	done
	grep -q '^TOTAL ' "$work/stats$n.1.out" ||
	    fail "stats printed no total"
	rm -f "$work/s.jtl"
done
awk -v s="$(stat "stats$SMALL" 4)" -v l="$(stat "stats$LARGE" 4)" \
    -v ns="$SMALL" -v nl="$LARGE" 'BEGIN {
	r = l / s
	printf "jmx-report stats peak RSS: %d records %.1f MB, %d records" \
	    " %.1f MB: ratio %.3f (target within 10%%: %s)\n", ns, s / 1024,
	    nl, l / 1024, r, (r <= 1.10 && r >= 0.90 ? "flat" : "NOT flat") }'

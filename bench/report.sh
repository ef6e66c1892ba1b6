#!/bin/sh
# report.sh: jmx-report show against JMeter's own dashboard at several
# sizes, whether their percentiles agree, and the memory of jmx-report
# stats as the input grows.
#
# Builds bench/jtl-gen (as run-jtl.sh does) and, for each size in
# $SIZES, writes a realistic JTL of that many records (jtl-gen -t
# $THREADS: ~530 samples/s, a typical load test), then $REPS times
# each, alternating:
#   - jmx-report show FILE.jtl -o DIR (every output: HTML, Markdown, JSON,
#     JUnit, 9 gnuplot charts as PNG and SVG)
#   - jmeter -g FILE.jtl -o DIR2 (JMeter's HTML dashboard, default
#     properties: jmeter.reportgenerator.statistic_window=20000, a
#     sliding window of the last 20000 samples per label)
#   - the same with statistic_window=-1 (every sample: JMeter's exact
#     mode)
# JMeter runs with the launcher's default JVM flags: the environment's
# HEAP, GC_ALGO, JVM_ARGS and JMETER_OPTS are cleared, so the heap is
# bin/jmeter's default (printed).  Wall time, CPU time (user + sys) and
# peak RSS of each under GNU time (the largest process of the tree:
# jmx-report or its gnuplot, the JVM), and the ratios of the medians.
# The file is read once before, so all read it from the page cache.
# Once per size, the peak RSS of jmx-report alone (--no-charts) and of
# its gnuplot alone (the same charts.gp run again).
#
# Percentiles: each JMeter run's statistics.json (per label and Total:
# sampleCount, errorPct, meanResTime, minResTime, maxResTime and
# pct1/2/3ResTime = p90/95/99) against jmx-report --json stats of the
# same file, with --percentiles jmeter (the dashboard's interpolation)
# and with its default nearest rank: the largest difference of each.
#
# Then the peak RSS of jmx-report stats on $SMALL and $LARGE records of
# the same generator, and their ratio (not with QUICK=1).
#
# The tree must be built (./configure && make): it runs ./jmx-report.
# This is a benchmark, not a test: make check does not run it.
#
# usage: bench/report.sh [--10m] [workdir]
#   --10m: 10,000,000 records too (JMeter takes minutes a run there)
#   workdir: default a fresh mktemp -d, removed at the end; a given one
#            is kept
# env: SIZES ("200000 2000000"), QUICK (1: 200000 records only, no
#      stats memory: under 2 minutes), CC, CFLAGS, THREADS (400), REPS
#      (3), SMALL (1000000), LARGE (10000000), JMETER_HOME
#      (/opt/jmx/jmeter-5.6.3), JMX_REPORT (./jmx-report of the tree)
set -eu

big=
if [ "${1:-}" = --10m ]; then
	big=10000000
	shift
fi
. "$(dirname "$0")/lib.sh"
CC=${CC:-cc}
CFLAGS=${CFLAGS:--g -O2}
QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
	SIZES=${SIZES:-200000}
else
	SIZES=${SIZES:-200000 2000000}
fi
SIZES="$SIZES $big"
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
	rm -f "$work/$name.oom"
	if [ "$rc" -ne 0 ] && grep -q OutOfMemoryError "$work/$name.out" \
	    "$work/$name.err"; then
		# JMeter's heap was too small: a result, not a failure.
		touch "$work/$name.oom"
		rm -f "$work"/*.hprof
	elif [ "$rc" -ne 0 ]; then
		tail -n 5 "$work/$name.out" "$work/$name.err" >&2
		log=$work/jmeter.$name.log
		[ ! -f "$log" ] || grep -E 'ERROR|Exception' "$log" | tail -n 5 >&2
		fail "$name failed: $*"
	fi
}
# col NAME K: field K of NAME's time line (the last: GNU time puts
# "Command exited with non-zero status N" before it).
col() {
	tail -n 1 "$work/$1.time" | awk -v k="$2" '{ print $k }'
}
# median: of the numbers on stdin.
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR > 0)
		print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "# workdir $work"
$CC $CFLAGS -o "$work/jtl-gen" "$top/bench/jtl-gen.c" -lm
heap=$(sed -n 's/.*HEAP:=\(.*\)}.*/\1/p' "$JMETER_HOME/bin/jmeter" |
    tr -d '"' | head -n 1)
echo "# $("$JMX_REPORT" --version), $(gnuplot --version);" \
    "JMeter in $JMETER_HOME, JVM heap: bin/jmeter's default" \
    "(${heap:-unknown}), $(java -version 2>&1 | head -n 1)"
echo "# $(nproc) CPUs, $(uname -m), load average" \
    "$(cut -d ' ' -f 1-3 /proc/loadavg); $REPS runs each, alternating"

# The time files of the runs of PREFIX that did not run out of memory.
finished() {
	for f in "$work/$1".*.time; do
		[ -e "${f%.time}.oom" ] || echo "$f"
	done
}
stat() {	# stat PREFIX FIELD: the median over those runs
	for f in $(finished "$1"); do
		tail -n 1 "$f" | awk -v k="$2" '{ print $k }'
	done | median
}
cpu() {		# cpu PREFIX: median of user + sys
	for f in $(finished "$1"); do
		tail -n 1 "$f" | awk '{ print $2 + $3 }'
	done | median
}
# jmeter NAME JTL [PROP=VALUE...]: its dashboard of JTL in $work/NAME-out,
# timed as NAME.  Its temporary files go in the work directory, not in
# ./temp.
jmeter() {
	jname=$1
	jjtl=$2
	shift 2
	measure "$jname" "$work/$jname-out" "$work/jm-temp" -- \
	    env -C "$work" -u HEAP -u GC_ALGO -u JVM_ARGS -u JMETER_OPTS \
	    "$JMETER_HOME/bin/jmeter" -g "$jjtl" -o "$work/$jname-out" \
	    -j "$work/jmeter.$jname.log" \
	    -Jjmeter.reportgenerator.temp_dir="$work/jm-temp" "$@"
}
# agree JMETER_STATS JMX_JSON WHAT: the largest differences between
# JMeter's statistics.json and jmx-report --json stats, over the labels
# and Total.
agree() {
	python3 - "$@" <<'PY'
import json, sys
jm = json.load(open(sys.argv[1]))
jx = json.load(open(sys.argv[2]))
rows = {r["label"]: r for r in jx["labels"]}
rows["Total"] = jx["total"]
worst = {}
missing = [k for k in jm if k not in rows]
pairs = [("count", "count", "sampleCount"),
         ("error %", "error_pct", "errorPct"),
         ("mean", "avg", "meanResTime"), ("min", "min", "minResTime"),
         ("max", "max", "maxResTime"), ("p90", "p90", "pct1ResTime"),
         ("p95", "p95", "pct2ResTime"), ("p99", "p99", "pct3ResTime")]
for name, m in jm.items():
    x = rows.get(name)
    if x is None:
        continue
    for ours, key, theirs in pairs:
        # jmx-report's JSON has 3 decimals: a smaller difference is none
        a, b = float(x[key]), float(m[theirs])
        d = abs(a - b)
        if d < 0.0015:
            d = 0
        rel = d / b * 100 if b else 0
        w = worst.get(ours)
        if w is None or d > w[0]:
            worst[ours] = (d, rel, name, a, b)
out = []
for ours, _, _ in pairs:
    d, rel, name, a, b = worst[ours]
    out.append("%s %s" % (ours, "=" if d == 0 else
        "max |diff| %g (%.2f %%, %s: %g vs %g)" % (d, rel, name, a, b)))
exact = all(worst[o][0] == 0 for o, _, _ in pairs)
print("  %s, %d rows: %s" % (sys.argv[3], len(jm) - len(missing),
    "AGREE EXACTLY" if exact and not missing else "differ"))
print("    " + "; ".join(out) + ("; rows missing: %s" % missing
    if missing else ""))
PY
}

for n in $SIZES; do
	jtl=$work/big.jtl
	"$work/jtl-gen" -t "$THREADS" "$n" > "$jtl"
	echo
	echo "## $n records (jtl-gen -t $THREADS): $(wc -c < "$jtl") bytes"
	cat "$jtl" > /dev/null
	rm -f "$work"/jmx.*.time "$work"/jm.*.time "$work"/jx.*.time \
	    "$work"/*.oom
	i=1
	while [ "$i" -le "$REPS" ]; do
		measure "jmx.$i" "$work/jmx-out" -- \
		    "$JMX_REPORT" show "$jtl" -o "$work/jmx-out"
		jmeter "jm.$i" "$jtl"
		jmeter "jx.$i" "$jtl" \
		    -Jjmeter.reportgenerator.statistic_window=-1
		oom_jm=
		oom_jx=
		[ ! -e "$work/jm.$i.oom" ] || oom_jm=" (OutOfMemoryError)"
		[ ! -e "$work/jx.$i.oom" ] || oom_jx=" (OutOfMemoryError)"
		echo "run $i: jmx-report show $(col "jmx.$i" 1) s," \
		    "$(col "jmx.$i" 4) KB; jmeter -g $(col "jm.$i" 1) s," \
		    "$(col "jm.$i" 4) KB$oom_jm; exact $(col "jx.$i" 1) s," \
		    "$(col "jx.$i" 4) KB$oom_jx"
		i=$((i + 1))
	done

	# All must have read every sample.
	cj=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["statistics"]["total"]["count"])' \
	    "$work/jmx-out/report.json")
	# The last run of each mode that finished: its statistics.json.
	last_jm=$(finished jm | tail -n 1)
	last_jx=$(finished jx | tail -n 1)
	[ -n "$last_jm" ] ||
	    fail "JMeter's default dashboard ran out of memory every time"
	[ -n "$last_jx" ] || echo "JMeter exact (window -1): OutOfMemoryError" \
	    "every time, with bin/jmeter's default heap"
	for f in $last_jm $last_jx; do
		cm=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["Total"]["sampleCount"])' \
		    "${f%.time}-out/statistics.json")
		[ "$cm" = "$n" ] || fail "JMeter ($f) counted $cm of $n"
	done
	[ "$cj" = "$n" ] || fail "jmx-report counted $cj of $n"
	ls "$work"/jmx-out/*.png "$work"/jmx-out/*.svg > /dev/null ||
	    fail "jmx-report drew no chart"

	# The parts of jmx-report's peak: itself, and its gnuplot alone.
	measure "jmx-alone" "$work/jmx-alone" -- \
	    "$JMX_REPORT" show --no-charts "$jtl" -o "$work/jmx-alone"
	(cd "$work/jmx-out/gnuplot" &&
	    "$TIME" -f '%e %U %S %M' -o "$work/gnuplot.time" \
	    gnuplot charts.gp) || fail "gnuplot charts.gp failed"
	awk -v a="$(col jmx-alone 4)" -v g="$(col gnuplot 4)" 'BEGIN {
		printf "peak RSS parts: jmx-report --no-charts %.1f MB," \
		    " its gnuplot alone %.1f MB\n", a / 1024, g / 1024 }'

	wj=$(stat jmx 1)
	# exact X J UNIT SCALE: JMeter exact's figure and ratio, if it has one
	ex='function exact(x, j, unit, scale) {
		if (x == "")
			return "exact: out of memory"
		return sprintf("exact %.2f %s (%.1fx)", x / scale, unit, x / j)
	}'
	awk -v j="$wj" -v m="$(stat jm 1)" -v x="$(stat jx 1)" \
	    -v n="$REPS" "$ex"' BEGIN {
		printf "wall (median of %d): jmx-report %.2f s; JMeter %.2f s" \
		    " (%.1fx), %s\n", n, j, m, m / j, exact(x, j, "s", 1) }'
	awk -v j="$(cpu jmx)" -v m="$(cpu jm)" -v x="$(cpu jx)" "$ex"' BEGIN {
		printf "CPU (user + sys): jmx-report %.2f s; JMeter %.2f s" \
		    " (%.1fx), %s\n", j, m, m / j, exact(x, j, "s", 1) }'
	awk -v j="$(stat jmx 4)" -v m="$(stat jm 4)" -v x="$(stat jx 4)" \
	    "$ex"' BEGIN {
		printf "peak RSS: jmx-report %.1f MB; JMeter %.1f MB (%.1fx)," \
		    " %s\n", j / 1024, m / 1024, m / j,
		    exact(x, j, "MB", 1024) }'
	if [ "$n" = 2000000 ]; then
		awk -v j="$wj" -v m="$(stat jm 1)" -v rj="$(stat jmx 4)" \
		    -v rm="$(stat jm 4)" 'BEGIN {
			printf "goals at 2 M against JMeter'"'"'s default:" \
			    " >= 50x wall: %s; <= 1/30 of its memory: %s\n",
			    (m / j >= 50 ? "met" : "NOT met"),
			    (rm / rj >= 30 ? "met" : "NOT met") }'
	fi

	# Percentiles: JMeter's two modes against jmx-report's two.
	"$JMX_REPORT" --percentiles jmeter --json stats "$jtl" \
	    > "$work/pct-jmeter.json"
	"$JMX_REPORT" --json stats "$jtl" > "$work/pct-exact.json"
	echo "agreement with JMeter's statistics.json:"
	if [ -n "$last_jx" ]; then
		agree "${last_jx%.time}-out/statistics.json" \
		    "$work/pct-jmeter.json" \
		    "JMeter exact (window -1) vs jmx-report --percentiles jmeter"
	fi
	agree "${last_jm%.time}-out/statistics.json" "$work/pct-jmeter.json" \
	    "JMeter default (window 20000) vs jmx-report --percentiles jmeter"
	if [ -n "$last_jx" ]; then
		agree "${last_jx%.time}-out/statistics.json" \
		    "$work/pct-exact.json" \
		    "JMeter exact vs jmx-report's nearest rank (default)"
	fi
	rm -rf "$jtl" "$work/jmx-out" "$work/jmx-alone" "$work"/jm.*-out \
	    "$work"/jx.*-out
done
[ "$QUICK" != 1 ] || exit 0

# jmx-report stats: memory must not grow with the records.
for n in "$SMALL" "$LARGE"; do
	"$work/jtl-gen" -t "$THREADS" "$n" > "$work/s.jtl"
	i=1
	while [ "$i" -le "$REPS" ]; do
		measure "stats$n.$i" -- "$JMX_REPORT" stats "$work/s.jtl"
		i=$((i + 1))
	done
	grep -q '^Total ' "$work/stats$n.1.out" ||
	    fail "stats printed no total"
	rm -f "$work/s.jtl"
done
awk -v s="$(stat "stats$SMALL" 4)" -v l="$(stat "stats$LARGE" 4)" \
    -v ns="$SMALL" -v nl="$LARGE" 'BEGIN {
	r = l / s
	printf "jmx-report stats peak RSS: %d records %.1f MB, %d records" \
	    " %.1f MB: ratio %.3f (target within 10%%: %s)\n", ns, s / 1024,
	    nl, l / 1024, r, (r <= 1.10 && r >= 0.90 ? "flat" : "NOT flat") }'

#!/bin/sh
# Build the fuzzing harnesses (build.sh) and run each for a while at the
# lowest CPU priority, starting from the seed corpus in corpus/NAME.
#
#	tests/fuzz/run.sh [-t SECONDS] [-o OUTDIR] [--long] [NAME ...]
#
# NAME: jtl, config, plan, duration, cron (default: all).  -t: seconds per
# harness (default 20, for CI).  --long: the long run of
# doc/RELIABILITY.md, 720 s for each of jtl, config and plan and 180 s for
# duration and cron (42 minutes).  OUTDIR (default tests/fuzz/out) gets the
# binaries, the grown corpus (corpus-NAME, seeded again each run), the
# logs (NAME.log) and any crashing input (crash-NAME-*, leak-NAME-*,
# timeout-NAME-*): copy one into corpus/NAME once the bug is fixed.
# One line per harness (runs, coverage, corpus, time), then
# "fuzz: N harnesses passed, N failed"; exit 1 if a harness found a
# crash, leak, undefined behaviour or time-out, 3 if the harnesses
# cannot be built.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
secs=20
long=0
while [ $# -gt 0 ]; do
	case $1 in
	-t)	secs=$2; shift 2 ;;
	-o)	out=$2; shift 2 ;;
	--long)	long=1; shift ;;
	-h|--help)
		sed -n '2,17s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*)	echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
	*)	break ;;
	esac
done
[ $# -gt 0 ] || set -- jtl config plan duration cron
for name; do
	if [ ! -f "$here/fuzz-$name.c" ]; then
		echo "run.sh: no harness '$name' (tests/fuzz/fuzz-$name.c)" >&2
		exit 2
	fi
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
nice -n 19 sh "$here/build.sh" "$out" >"$out/build.log" 2>&1 || {
	rc=$?
	cat "$out/build.log" >&2
	exit $rc
}

# The harnesses write their input to files there (fuzz-common.h).
TMPDIR=$out/tmp
export TMPDIR
mkdir -p "$TMPDIR"
# Sanitizers: stop at the first report; leaks are checked (ASan default).
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
passed=0
failed=0
for name; do
	t=$secs
	if [ $long = 1 ]; then
		case $name in duration|cron) t=180 ;; *) t=720 ;; esac
	fi
	corpus=$out/corpus-$name
	rm -rf "$corpus"
	mkdir -p "$corpus"
	rm -f "$out/crash-$name-"* "$out/leak-$name-"* "$out/timeout-$name-"*
	start=$(date +%s)
	rc=0
	nice -n 19 "$out/fuzz-$name" -max_total_time="$t" -timeout=10 \
	    -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
	    -artifact_prefix="$out/" "$corpus" "$here/corpus/$name" \
	    >"$out/$name.log" 2>&1 || rc=$?
	# libFuzzer names artifacts KIND-SHA1: give this run's its name.
	for f in "$out"/*-*; do
		b=$(basename "$f")
		case $b in
		crash-*|leak-*|timeout-*|oom-*) ;;
		*) continue ;;
		esac
		[ ${#b} -le 48 ] && [ -z "$(echo "${b#*-}" |
		    tr -d 0-9a-f)" ] || continue
		mv "$f" "$out/${b%%-*}-$name-${b#*-}"
	done
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$out/$name.log")
	last=$(grep -E '^#[0-9]+' "$out/$name.log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	units=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	echo "fuzz-$name: ${runs:-?} runs in $(($(date +%s) - start)) s," \
	    "coverage ${cov:-?} edges, ${ft:-?} features," \
	    "corpus ${units:-?} inputs"
	if [ $rc != 0 ] || grep -q -E '^==[0-9]+==ERROR|^SUMMARY' \
	    "$out/$name.log"; then
		failed=$((failed + 1))
		echo "fuzz-$name: FAILED (exit $rc); the report:" >&2
		grep -E -A25 '^==[0-9]+==ERROR|runtime error|^[a-z].*: ' \
		    "$out/$name.log" | head -60 >&2 || :
		ls "$out"/crash-"$name"-* "$out"/leak-"$name"-* \
		    "$out"/timeout-"$name"-* 2>/dev/null >&2 || :
	else
		passed=$((passed + 1))
	fi
	rm -f "$TMPDIR"/jmx-fuzz-*
done
echo "fuzz: $passed harnesses passed, $failed failed"
[ $failed = 0 ]

#!/bin/sh
# dbsize.sh: the SQLite database's size per million samples.
#
# Builds bench/jtl-gen (as run-jtl.sh does), writes a realistic JTL of $N
# records for each thread count in $THREADS (jtl-gen -t: 50 threads give
# ~67 samples/s, ~7 per (second, label) bucket, the worst case; 400 give
# ~530/s, a typical load test), imports each into a fresh database
# (jmx-report import), checkpoints the WAL, and prints the JTL's and the
# database file's sizes, the bytes per million samples, the buckets
# stored, and the share of the largest tables (SQLite's dbstat, when built in).  The size grows
# with the (second, label) buckets, not with the samples themselves:
# each bucket keeps its exact histogram.
#
# The tree must be built (./configure && make): it runs ./jmx-report.
# This is a benchmark, not a test: make check does not run it.
#
# usage: bench/dbsize.sh [workdir]   (default: a fresh mktemp -d, removed
#                                     at the end; a given one is kept)
# env: CC, CFLAGS, N (1000000), THREADS ("50 400"), JMX_REPORT
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -gt 0 ]; then
	work=$1
	mkdir -p "$work"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/jmx-bench.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	trap 'exit 130' INT TERM
fi
CC=${CC:-cc}
CFLAGS=${CFLAGS:--g -O2}
N=${N:-1000000}
THREADS=${THREADS:-50 400}
JMX_REPORT=${JMX_REPORT:-$top/jmx-report}

fail() {
	echo "dbsize.sh: $*" >&2
	exit 1
}
[ -x "$JMX_REPORT" ] || fail "no $JMX_REPORT: build the tree first"
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 not found"
$CC $CFLAGS -o "$work/jtl-gen" "$top/bench/jtl-gen.c" -lm

printf '%-8s %10s %12s %12s %14s %9s  %s\n' threads samples "jtl bytes" \
    "db bytes" "bytes/1M" buckets "largest tables (share of the file)"
for t in $THREADS; do
	home=$work/home-$t
	rm -rf "$home"
	mkdir -p "$home"
	"$work/jtl-gen" -t "$t" "$N" 1 >"$work/t$t.jtl"
	JMX_HOME=$home "$JMX_REPORT" import "$work/t$t.jtl" >/dev/null
	db=$home/jmx.db
	sqlite3 "$db" 'pragma wal_checkpoint(truncate);' >/dev/null
	bytes=$(($(stat -c %s "$db") + $(stat -c %s "$db-wal" 2>/dev/null ||
	    echo 0)))
	samples=$(sqlite3 "$db" 'select sum(count) from buckets')
	buckets=$(sqlite3 "$db" 'select count(*) from buckets')
	tables=$(sqlite3 -separator ' ' "$db" "select name,
	    printf('%.0f%%', 100.0 * sum(pgsize) / $bytes) from dbstat
	    group by name order by sum(pgsize) desc limit 3" 2>/dev/null |
	    tr '\n' ' ' || :)
	printf '%-8s %10s %12s %12s %14s %9s  %s\n' "$t" "$samples" \
	    "$(stat -c %s "$work/t$t.jtl")" "$bytes" \
	    $((bytes * 1000000 / samples)) "$buckets" "${tables:-(no dbstat)}"
	rm -f "$work/t$t.jtl"
done

#!/bin/sh
# run-jtl.sh: benchmark JTL ingestion (parse + jmx_agg_add).
#
# Builds bench/jtl-gen and bench/bench-jtl with the project's default
# flags (-g -O2) from the library sources they need (so a broken module
# elsewhere does not stop it), generates a 1M-record JTL, and reports:
#   - instructions per record: callgrind's total Ir on a 200k-record file
#     divided by its records, for parse + jmx_agg_add, parse only, and
#     parse only of every column (the parser's default; the others ask
#     only for JMX_AGG_FIELDS); then parse + jmx_agg_add and parse only
#     again on a file at a typical load-test rate (jtl-gen -t $THREADS:
#     ~53 samples per (second, label) bucket instead of ~7); and parse +
#     jmx_agg_add with each bucket's histograms encoded at every flush,
#     as the store does when it commits them (bench-jtl -e);
#   - records/s, and the time as a ratio to `wc -l` on the same
#     1M-record file (best of 3 each).
#
# usage: bench/run-jtl.sh [workdir]   (default: a fresh mktemp -d)
# env: CC, CFLAGS, N (1000000), NCG (200000), THREADS (400)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/jmx-bench.XXXXXX")}
mkdir -p "$work"
CC=${CC:-cc}
CFLAGS=${CFLAGS:--g -O2}
N=${N:-1000000}
NCG=${NCG:-200000}
THREADS=${THREADS:-400}

echo "# workdir $work"
for f in err log xmalloc util json hist jtl stats; do
	$CC $CFLAGS -D_GNU_SOURCE -I"$top/lib" -c "$top/lib/$f.c" \
	    -o "$work/$f.o"
done
$CC $CFLAGS -I"$top/lib" -o "$work/bench-jtl" "$top/bench/bench-jtl.c" \
    "$work"/err.o "$work"/log.o "$work"/xmalloc.o "$work"/util.o \
    "$work"/json.o "$work"/hist.o "$work"/jtl.o "$work"/stats.o -lm
$CC $CFLAGS -o "$work/jtl-gen" "$top/bench/jtl-gen.c" -lm

"$work/jtl-gen" "$N" > "$work/big.jtl"
"$work/jtl-gen" "$NCG" > "$work/small.jtl"
"$work/jtl-gen" -t "$THREADS" "$NCG" > "$work/rate.jtl"
echo "# $N records: $(wc -c < "$work/big.jtl") bytes," \
    "$(wc -l < "$work/big.jtl") lines"

# Instructions per record under callgrind: $1 names it, $2 is the file
# in $work, the rest are bench-jtl's options.
ipr() {
	what=$1
	file=$2
	shift 2
	valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
	    "$work/bench-jtl" "$@" "$work/$file" > "$work/cg.txt" \
	    2> /dev/null
	ir=$(sed -n 's/^summary: *//p; s/^totals: *//p' "$work/cg.out" |
	    head -n 1 | awk '{ print $1 }')
	recs=$(awk 'NR == 1 { print $2 }' "$work/cg.txt")
	echo "callgrind: $ir Ir / $recs records =" \
	    "$(awk -v i="$ir" -v r="$recs" 'BEGIN { printf "%.0f", i / r }')" \
	    "instructions per record ($what)"
}
if command -v valgrind > /dev/null 2>&1; then
	ipr "parse + jmx_agg_add" small.jtl
	ipr "parse only" small.jtl -p
	ipr "parse only, every column" small.jtl -p -a
	ipr "parse + jmx_agg_add, -t $THREADS" rate.jtl
	ipr "parse only, -t $THREADS" rate.jtl -p
	ipr "parse + jmx_agg_add + histogram blobs" small.jtl -e
else
	echo "callgrind: valgrind not found, skipped"
fi

# Wall clock, best of 3, against wc -l.
now() { date +%s.%N; }
best_b=999999; best_w=999999
for i in 1 2 3; do
	t0=$(now); "$work/bench-jtl" "$work/big.jtl" > "$work/b.txt"; t1=$(now)
	best_b=$(awk -v a="$best_b" -v b="$t0" -v c="$t1" \
	    'BEGIN { d = c - b; print (d < a ? d : a) }')
	t0=$(now); wc -l < "$work/big.jtl" > /dev/null; t1=$(now)
	best_w=$(awk -v a="$best_w" -v b="$t0" -v c="$t1" \
	    'BEGIN { d = c - b; print (d < a ? d : a) }')
done
cat "$work/b.txt"
awk -v b="$best_b" -v w="$best_w" -v n="$N" 'BEGIN {
	printf "bench-jtl %.3f s (%.0f records/s), wc -l %.3f s: %.2fx wc -l\n",
	    b, n / b, w, b / w }'

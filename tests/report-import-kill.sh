#!/bin/sh
# jmx-report import killed with SIGKILL mid-way: history never lists half
# a run (only whole imports), the database passes integrity_check, and the
# next import succeeds and removes what the killed one left.  The JTL
# (300,000 records of bench/jtl-gen: three batches of 100,000, each its
# own transaction) is fed through a FIFO cut at a random byte, so the
# importer is killed after a known part of it, whatever the machine's
# speed.  JMX_CRASH_SEED replays the cuts.
. "$(dirname "$0")/lib.sh"

KILLS=10
RECORDS=300000
seed=${JMX_CRASH_SEED:-$(( $(date +%s) % 32768 ))}
diag "seed $seed"
${CC:-cc} -O2 -o "$TEST_DIR/jtl-gen" "$JMX_SRCDIR/bench/jtl-gen.c" -lm ||
    skip_all "cannot build bench/jtl-gen.c"
jtl=$TEST_DIR/big.jtl
"$TEST_DIR/jtl-gen" -t 400 "$RECORDS" 1 >"$jtl"
size=$(wc -c <"$jtl")
mkfifo "$TEST_DIR/fifo"

# Runs in history, as "samples state" lines.
listed() {
	"$JMX_REPORT" history --json >"$TEST_DIR/history.json" &&
	    python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["runs"]:
	print(r["samples"], r["state"])' "$TEST_DIR/history.json"
}
whole() {	# whole COUNT: COUNT complete runs of the whole file
	yes "$RECORDS completed" | head -n "$1"
}

run "$JMX_REPORT" import --name big "$jtl"
is "$RC" 0 "a whole import"
is "$(listed)" "$(whole 1)" "history lists it"
full=1
# The random cuts, reproducible from the seed.
cuts=$(awk -v s="$seed" -v n=$KILLS -v size="$size" \
    'BEGIN { srand(s); for (i = 0; i < n; i++) printf "%d\n", rand() * size }')
k=0
for cut in $cuts; do
	k=$((k + 1))
	# The writer holds the FIFO open: the importer waits for more.
	{ head -c "$cut" "$jtl"; exec sleep 60; } >"$TEST_DIR/fifo" &
	writer=$!
	"$JMX_REPORT" import --name big "$TEST_DIR/fifo" >/dev/null 2>&1 &
	importer=$!
	# Until the importer has read all but the pipe's buffer, and a
	# moment to store what it read.
	i=0
	while [ "$(awk '/^rchar/ { print $2 }' /proc/$importer/io 2>/dev/null)" \
	    -lt $((cut - 65536)) ] 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.3
	kill -9 "$importer"
	wait "$importer" 2>/dev/null
	kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
	batches=$((($(head -c "$cut" "$jtl" | wc -l) - 1) / 100000))
	is "$(listed)" "$(whole $full)" \
	    "kill $k at byte $cut ($batches batches stored): history lists whole runs only"
	is "$(db 'PRAGMA integrity_check')" ok "kill $k: integrity_check ok"
	run "$JMX_REPORT" import --name big "$jtl"
	is "$RC" 0 "kill $k: the import after it succeeds"
	full=$((full + 1))
	is "$(listed)" "$(whole $full)" "kill $k: history lists it whole"
	is "$(db "select count(*) from runs")" "$full" \
	    "kill $k: what the killed import left is gone"
done
is "$(db "select count(distinct run_id), sum(count) from buckets")" \
    "$full|$((full * RECORDS))" "the stored samples are those of whole runs"

done_testing

#!/bin/bash
# bench/control.sh [TRIES]: how fast task control acts on a 3-agent run,
# TRIES times (5): pause (until every agent is quiescent: the command
# returns once all JMeters have ended and their results are in), resume
# (until load flows again: the command returns at the new T0), stop
# (until every agent process is gone).  Prints medians.
. "$(dirname "$0")/bed-run.sh"
tries=${1:-5}
now() { echo "${EPOCHREALTIME/./}"; }	# microseconds
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
for i in $(seq "$tries"); do
	id=$("$JMX_RUN" --config "$CONF" --detach --threads 6 --duration 60s \
	    --ramp 0 bench 2>/dev/null)
	until [ "$(sqlite3 "$JMX_HOME/jmx.db" "select state from runs where id = $id")" = running ]; do
		sleep 0.2
	done
	sleep 3
	t=$(now); "$JMX_RUN" pause "$id" >/dev/null; p=$(( ($(now) - t) / 1000 ))
	t=$(now); "$JMX_RUN" resume "$id" >/dev/null; r=$(( ($(now) - t) / 1000 ))
	sleep 3
	t=$(now); "$JMX_RUN" stop "$id" >/dev/null; s=$(( ($(now) - t) / 1000 ))
	echo "try $i: pause ${p} ms, resume ${r} ms, stop ${s} ms"
	echo "$p $r $s" >>"$BENCH_DIR/times"
	while pgrep -f "jmx-run --config $CONF" >/dev/null; do sleep 0.2; done
done
echo "median over $tries tries: pause $(cut -d' ' -f1 "$BENCH_DIR/times" | median) ms," \
    "resume $(cut -d' ' -f2 "$BENCH_DIR/times" | median) ms," \
    "stop $(cut -d' ' -f3 "$BENCH_DIR/times" | median) ms"

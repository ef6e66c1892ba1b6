#!/bin/bash
# bench/failover.sh [TRIES]: how long a 3-agent run (6 threads, think
# time $THINK ms, 50 by default: 0 saturates this 2-core box) goes
# without a lost agent's load, with default settings (failure_timeout
# 10s), TRIES times (3) for each of:
#   kill:      kill -9 of the JMeter on a2;
#   partition: a2's link down (TCP hangs silently), healed once its
#              load has moved.
# For each: detection (failure injected -> agent_lost event) and
# replacement (failure injected -> the takers' T0, when load is back:
# the handover shortfall's end).  Prints medians and maxima.  HOW="kill"
# or "partition" runs one of them.  Two more, with a4 as a spare:
#   spare:     kill -9 on a2, its load to a cold spare (a new JMeter);
#   warm:      the same with a4 a warm spare (spare: warm), whose JMeter
#              waits at the sync point from the start of the run.
# HOW="spare warm" compares them in one session.
BED_AGENTS=4
BED_SPARE=warm
. "$(dirname "$0")/bed-run.sh"
# The same inventory with a4 a cold spare (HOW=spare), and without a4
# (kill, partition: the survivors take the load, as before).
sed 's/spare: warm}/spare: true}/' "$CONF" >"$BENCH_DIR/cold.yaml"
sed '/name: a4/d' "$CONF" >"$BENCH_DIR/nospare.yaml"
tries=${1:-3}
THINK=${THINK:-50}
db() { sqlite3 "$JMX_HOME/jmx.db" "$@"; }
now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "median %.1f s, max %.1f s", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) / 1000, v[NR] / 1000 }'; }
java_of() {	# java_of RUN AGENT
	java_in_dir "$(db "select work_dir from segments where run_id = $1
	    and agent = '$2' order by id limit 1")"
}
for how in ${HOW:-kill partition}; do
	: >"$BENCH_DIR/$how"
	for i in $(seq "$tries"); do
		case $how in
		warm) conf=$CONF ;;
		spare) conf=$BENCH_DIR/cold.yaml ;;
		*) conf=$BENCH_DIR/nospare.yaml ;;
		esac
		id=$("$JMX_RUN" --config "$conf" --detach --threads 6 \
		    -Jthink="$THINK" --duration 60s --ramp 0 bench 2>/dev/null)
		until [ "$(db "select state from runs where id = $id")" = running ]; do
			sleep 0.2
		done
		sleep 5
		# A warm spare is held at the sync point before the kill.
		[ "$how" = warm ] && until [ "$(db "select count(*) from events
		    where run_id = $id and kind = 'warm_spare'")" != 0 ]; do
			sleep 0.2
		done
		t=$(now_ms)
		case $how in
		kill|spare|warm) kill -9 $(java_of "$id" a2) ;;
		partition) "$top/tests/bed/testbed.sh" partition a2 >/dev/null ;;
		esac
		until [ "$(db "select count(*) from events where run_id = $id
		    and kind in ('share_moved', 'move_failed')")" != 0 ]; do
			sleep 0.2
		done
		[ "$how" = partition ] && "$top/tests/bed/testbed.sh" heal a2 >/dev/null
		lost=$(db "select time_ms from events where run_id = $id and
		    kind = 'agent_lost'")
		back=$(db "select max(to_ms) from shortfalls where run_id = $id
		    and kind = 'handover'")
		echo "$how $i: detected in $((lost - t)) ms, load back in" \
		    "$((back - t)) ms ($(db "select detail from events where
		    run_id = $id and kind = 'share_moved'"))"
		echo "$((lost - t)) $((back - t))" >>"$BENCH_DIR/$how"
		"$JMX_RUN" stop "$id" >/dev/null 2>&1
		while pgrep -f "jmx-run --config $conf" >/dev/null; do sleep 0.2; done
	done
	echo "$how over $tries tries: detection $(cut -d' ' -f1 "$BENCH_DIR/$how" | stats);" \
	    "failure to replacement $(cut -d' ' -f2 "$BENCH_DIR/$how" | stats)"
done

#!/bin/sh
# A run that did not run its plan to the end says so: Ctrl-C (SIGINT)
# exits 130, SIGTERM 143, a stop command from another process makes the
# run's own controller exit 4; the share delivered is what ran of the
# planned thread-time, and the controller says at once that it stops.
. "$(dirname "$0")/../lib.sh"

steady_bed

# The id of the first run after PREV, once it has samples.
running() {	# running PREV
	_id=$(new_run "$1")
	wait_db "select coalesce(sum(count), 0) from buckets where run_id = $_id" 0
	echo "$_id"
}

# delivered_pct against active_ms of the planned 20 s: within a point.
check_delivered() {	# check_delivered ID WHAT
	_d=$(db "select delivered_pct from runs where id = $1")
	_a=$(db "select active_ms from runs where id = $1")
	ok "$(python3 -c 'import sys; d, a = float(sys.argv[1]), int(sys.argv[2])
sys.exit(0 if 0 < d < 100 and a < 20000 and abs(d - a / 200) < 1 else 1)' \
	    "$_d" "$_a"; echo $?)" "$2: delivered $_d % of the plan, as ran (active $_a of 20000 ms)"
}

# Ctrl-C mid-run: said at once, stopped gracefully, exit 130.
"$JMX_RUN" --config "$conf" steady >"$TEST_DIR/int.out" 2>"$TEST_DIR/int.err" &
pid=$!
id=$(running 0)
sleep 3
kill -INT $pid
sleep 1.5
like "$(cat "$TEST_DIR/int.err")" "stopping run $id \(Ctrl-C again to stop at once\)" \
    "Ctrl-C: says at once that the run stops"
wait $pid
is "$?" 130 "Ctrl-C mid-run: exit 130"
is "$(db "select state from runs where id = $id")" stopped "... the run is stopped"
check_delivered "$id" "Ctrl-C"
like "$(cat "$TEST_DIR/int.out")" "delivered" "... the result is printed"
grep -q '100\.0 % of the planned load' "$TEST_DIR/int.out"
is "$?" 1 "... the result does not claim 100 %"

# SIGTERM to a --detach'ed controller: exit 143, said in its log.
id=$("$JMX_RUN" --config "$conf" --detach steady)
wait_db "select coalesce(sum(count), 0) from buckets where run_id = $id" 0
pid=$(db "select controller_pid from runs where id = $id")
sleep 3
kill -TERM "$pid"
wait_gone "$pid"
log=$JMX_HOME/runs/$id/controller.log
like "$(cat "$log")" "stopping run $id \(the same signal again to stop at once\)" \
    "SIGTERM: the detached controller logs that it stops"
like "$(cat "$log")" "jmx-run: run $id: exit status 143" \
    "SIGTERM: the detached controller logs exit status 143"
is "$(db "select state from runs where id = $id")" stopped "... the run is stopped"
check_delivered "$id" "SIGTERM"

# SIGTERM to a controller in the foreground: exit 143.
"$JMX_RUN" --config "$conf" --json steady >"$TEST_DIR/term.json" 2>/dev/null &
pid=$!
id=$(running "$id")
sleep 2
kill -TERM $pid
wait $pid
is "$?" 143 "SIGTERM mid-run: exit 143"
is "$(json_get "$TEST_DIR/term.json" 'd["state"]' 2>/dev/null)" stopped \
    "... --json says the run stopped"
check_delivered "$id" "SIGTERM, foreground"

# jmx-run stop from another process: the run's own controller exits 4.
"$JMX_RUN" --config "$conf" steady >/dev/null 2>"$TEST_DIR/stop.err" &
pid=$!
id=$(running "$id")
sleep 3
run "$JMX_RUN" stop "$id"
is "$RC" 0 "jmx-run stop: exit 0 (the stop was done)"
wait $pid
is "$?" 4 "stop command: the run's controller exits 4"
check_delivered "$id" "stop command"
is "$(leftovers)" "" "agents' work directories removed"

done_testing

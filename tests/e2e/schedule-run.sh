#!/bin/sh
# A scheduled run on the bed, on the test clock: a task added for T gets
# its notice at T-15m once, eight ticks at T start it once (a real
# detached jmx-run on real agents, at real time: JMX_NOW is not passed
# on), the run completes and names its task, and the next tick sends the
# finish notice naming the run, its state and its numbers.
. "$(dirname "$0")/../lib.sh"

steady_bed
S=$JMX_SCHEDULE
NOTES=$TEST_DIR/notes
export JMX_CONFIG=$conf TZ=UTC
cat >>"$conf" <<EOF
    notify:
      - 'exec:printf "%s|%s|%s|%s|%s|%s\n" "\$JMX_EVENT" "\$JMX_TASK" "\${JMX_RUN:--}" "\${JMX_STATE:--}" "\${JMX_SAMPLES:--}" "\${JMX_REPORT:--}" >>$NOTES'
EOF
T=2026-12-24T02:00:00Z

JMX_NOW=2026-12-24T00:00:00Z run "$S" add steady --at "2026-12-24 02:00" \
    --notify-before 15m --duration 8s
is "$RC:$OUT" "0:task 1: steady at 2026-12-24 02:00 UTC" "add the task"

JMX_NOW=2026-12-24T01:44:00Z run "$S" tick
is "$RC:$(cat "$NOTES" 2>/dev/null)" "0:" "T-16m: no notice"
JMX_NOW=2026-12-24T01:45:00Z run "$S" tick
is "$(cat "$NOTES")" "before|1|-|-|-|-" "T-15m: the starting-soon notice"
JMX_NOW=2026-12-24T01:50:00Z run "$S" tick
is "$(grep -c '^before' "$NOTES")" 1 "T-10m: not again"

# Eight ticks at the same instant.
# (Waited for by pid: the bed lock's holder is a background job too.)
i=0
pids=
while [ $i -lt 8 ]; do
	JMX_NOW=$T "$S" tick >"$TEST_DIR/tick$i.out" 2>"$TEST_DIR/tick$i.err" &
	pids="$pids $!"
	i=$((i + 1))
done
start=$(date +%s)
for p in $pids; do
	wait "$p"
done
ok "$([ $(($(date +%s) - start)) -lt 8 ]; echo $?)" \
    "the ticks did not wait for the run (8 s) to end"
is "$(grep -c '^finish' "$NOTES")" 0 "... and sent no finish notice yet"
is "$(db 'select count(*) from runs')" 1 "eight ticks at T: one run"
is "$(db 'select count(*) from task_runs')" 1 "... one claim"
run_id=$(db 'select run_id from task_runs')
is "$(db 'select id from runs')" "$run_id" "... recorded against the task"
is "$(grep -c '^start' "$NOTES")" 1 "... one start notice"
like "$(grep '^start' "$NOTES")" "^start\|1\|$run_id\|" \
    "... naming the run"

# The run names its task.
run "$JMX_RUN" status "$run_id"
like "$OUT" "task: 1" "jmx-run status names the task"
run "$JMX_RUN" status --json "$run_id"
is "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["task_id"])')" \
    1 "... and so does its JSON"
is "$(db "select detail from events where run_id = $run_id and kind = 'task'")" \
    "started by jmx-schedule task 1" "the run's timeline says who started it"

# The run is real: at real time, so it ends after its 8 s.
wait_db "select state from runs where id = $run_id" running
wait_db "select state from runs where id = $run_id" stopping
wait_db "select state from runs where id = $run_id" starting
i=0
until [ "$(db "select state from runs where id = $run_id")" = completed ] ||
    [ $i -ge 120 ]; do
	sleep 0.5
	i=$((i + 1))
done
is "$(db "select state from runs where id = $run_id")" completed \
    "the run completed"
ok "$([ "$(db "select samples from runs where id = $run_id")" -gt 0 ]; echo $?)" \
    "... with samples"

JMX_NOW=2026-12-24T02:01:00Z run "$S" tick
is "$RC" 0 "the next tick"
samples=$(db "select samples from runs where id = $run_id")
like "$(grep '^finish' "$NOTES")" \
    "^finish\|1\|$run_id\|completed\|$samples\|$JMX_HOME/runs/$run_id$" \
    "the finish notice names the run, its state, samples and directory"
JMX_NOW=2026-12-24T02:02:00Z run "$S" tick
is "$(grep -c '^finish' "$NOTES")" 1 "... once"
JMX_NOW=2026-12-24T02:02:00Z run "$S" show 1
like "$OUT" "due 2026-12-24 02:00 UTC: finished, run $run_id" \
    "show: the task's past run"
is "$(leftovers)" "" "nothing left on the agents"

done_testing

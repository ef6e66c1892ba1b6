#!/bin/sh
# A controller killed with SIGKILL mid-run: the JMeters go on by
# themselves, and `jmx-run attach` takes the run over from the committed
# offsets, exactly once.  Also across a pause: one continuous run.
. "$(dirname "$0")/../lib.sh"

steady_bed

id=$("$JMX_RUN" --config "$conf" --detach steady 2>/dev/null)
wait_db "select coalesce(sum(count), 0) from buckets where run_id = $id" 0
sleep 2
pid=$(db "select controller_pid from runs where id = $id")
kill -9 "$pid"
sleep 2
ok "$([ "$(jmeters "$id" | wc -l)" -gt 0 ]; echo $?)" \
    "the JMeters go on without their controller"
run "$JMX_RUN" attach "$id"
is "$RC" 0 "attach takes the run over to its end: exit 0"
[ "$RC" -eq 0 ] || diag "$ERR"
like "$OUT" "run $id completed" "the run completed"
is "$(db "select count(*) from events where run_id = $id and kind = 'attached'")" 1 \
    "the takeover is on the timeline"
check_exact "$id" "killed and attached"

run "$JMX_RUN" attach "$id"
is "$RC" 2 "attach to a finished run: exit 2"

# Pause, lose the controller, attach, resume: still one run.
id=$("$JMX_RUN" --config "$conf" --detach steady 2>/dev/null)
wait_db "select coalesce(sum(count), 0) from buckets where run_id = $id" 0
sleep 2
run "$JMX_RUN" pause "$id"
is "$RC" 0 "paused"
pid=$(db "select controller_pid from runs where id = $id")
kill -9 "$pid"
run "$JMX_RUN" resume "$id"
is "$RC" 3 "resume without a live controller: exit 3"
like "$ERR" "no live controller" "resume says the controller is gone"
"$JMX_RUN" attach "$id" >"$TEST_DIR/attach.out" 2>"$TEST_DIR/attach.err" &
attach=$!
wait_db "select controller_pid from runs where id = $id" "$pid"
sleep 1
is "$(db "select state from runs where id = $id")" paused "still paused after attach"
run "$JMX_RUN" resume "$id"
is "$RC" 0 "the new controller resumes the run"
wait "$attach"
is "$?" 0 "the attached controller ends the run: exit 0"
like "$(cat "$TEST_DIR/attach.out")" "run $id completed" "completed"
is "$(db "select count(*) from segments where run_id = $id")" 6 \
    "one run: the segments before and after the pause"
check_exact "$id" "paused, killed, attached, resumed"
active=$(db "select active_ms from runs where id = $id")
ok "$([ "$active" -ge 18000 ] && [ "$active" -le 22500 ]; echo $?)" \
    "active time is the planned 20 s ($active ms)"

done_testing

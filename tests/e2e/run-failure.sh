#!/bin/sh
# Agents lost mid-run, on real hosts: a JMeter killed (its load moves to
# a spare), a host gone (to the survivors), a partition that heals (the
# old JMeter is fenced, load never doubled), and no room left (partial,
# exit 4).  Totals stay exact in every case.
. "$(dirname "$0")/../lib.sh"

steady_bed
cat >>"$conf" <<YAML
settings:
  failure_timeout: 6s
YAML
# a3 as a spare: only used to replace a lost agent.
spare=$TEST_DIR/spare.yaml
sed '/^  - name: a3$/a\    spare: true' "$conf" >"$spare"

# Start a run in the background; $id, $pid.
start() {	# start CONFIG ARGS...
	_c=$1
	shift
	before=$(db "select coalesce(max(id), 0) from runs" 2>/dev/null)
	"$JMX_RUN" --config "$_c" --json "$@" steady >"$TEST_DIR/run.json" \
	    2>"$TEST_DIR/run.err" &
	pid=$!
	_i=0
	while id=$(db "select max(id) from runs" 2>/dev/null);
	    [ "${id:-0}" = "${before:-0}" ] && [ $_i -lt 120 ]; do
		sleep 0.5
		_i=$((_i + 1))
	done
	wait_db "select coalesce(sum(count), 0) from buckets where run_id = $id" 0
	sleep 3
}

finish() {
	wait "$pid"
	RC=$?
	[ "$RC" -le 1 ] || diag "$(tail -5 "$TEST_DIR/run.err")"
}

event_detail() {	# event_detail KIND AGENT
	db "select detail from events where run_id = $id and kind = '$1'
	    and agent = '$2'"
}

# 1. kill -9 a JMeter: a spare takes its load.
start "$spare" --agents a1,a2 --duration 25s
kill -9 $(java_of "$id" a2)
finish
is "$RC" 0 "JMeter killed, its load moved to the spare: exit 0"
is "$(json_get "$TEST_DIR/run.json" 'd["state"]')" completed "completed"
like "$(event_detail agent_lost a2)" "killed \(SIGKILL\)" \
    "the loss is an event with its cause"
like "$(event_detail share_moved a2)" \
    "^3 of 3 threads moved to a3 \(3\); load back [0-9.]+ s after it stopped" \
    "all 3 threads moved to the spare, and when load came back"
is "$(db "select state from run_agents where run_id = $id and agent = 'a3'")" \
    ok "the spare joined the run"
is "$(db "select count(*) from segments where run_id = $id and agent = 'a3'
    and replaces = (select id from segments where run_id = $id and
    agent = 'a2')")" 1 "its segment replaces a2's"
is "$(db "select kind || ' ' || threads from shortfalls where run_id = $id")" \
    "handover 3" "the handover gap is recorded, nothing left unplaced"
last=$(db "select max(sec) from buckets where run_id = $id")
is "$(db "select sum(m) from (select segment_id, max(all_threads) m from
    buckets where run_id = $id and sec between $last - 6 and $last - 3
    group by segment_id)")" 6 "load back to the planned 6 threads"
check_exact "$id" "killed JMeter"
run "$JMX_REPORT" show "$id" -o "$TEST_DIR/r1"
like "$(cat "$TEST_DIR/r1/report.md")" \
    "^> - share\\\\_moved \(agent a2\): 3 of 3 threads moved to a3" \
    "the report says where the lost load went"
pct=$(db "select cast(delivered_pct as int) from runs where id = $id")
ok "$([ "$pct" -ge 50 ] && [ "$pct" -lt 100 ]; echo $?)" \
    "delivered $pct % of the planned load: the gap is counted"

# 2. A host gone (sshd and all): the survivors take its share.
start "$conf" --duration 25s
"$BED" kill-host a3 >/dev/null
finish
is "$RC" 0 "host gone, its load moved: exit 0"
like "$(event_detail agent_lost a3)" "no answer for [0-9]+ s" \
    "lost after the failure timeout without an answer"
like "$(event_detail share_moved a3)" \
    "^2 of 2 threads moved to a1 \(1\), a2 \(1\)" "split between a1 and a2"
is "$(db "select state from segments where run_id = $id and agent = 'a3'
    order by id limit 1")" lost "a3's segment stays lost (never came back)"
check_exact "$id" "host gone"
"$BED" restart-sshd a3 >/dev/null
leftovers "/tmp/jmx-run-$id.*" | sort -u | xargs -r rm -rf	# only this test's

# 3. A partition past the timeout, then healed: fenced, never doubled.
start "$conf" --duration 35s
"$BED" partition a2 >/dev/null
wait_db "select count(*) from events where run_id = $id and kind = 'share_moved'" 0
sleep 2
"$BED" heal a2 >/dev/null
finish
is "$RC" 0 "partitioned, moved, healed: exit 0"
like "$(event_detail agent_lost a2)" "no answer" "the partition was detected"
like "$(event_detail fenced a2)" "stopped" "the returning agent was fenced"
is "$(db "select state from segments where run_id = $id and agent = 'a2'
    order by id limit 1")" fenced "its segment is fenced"
is "$(jmeters "$id" | wc -l)" 0 "no JMeter left running"
peak=$(peak_threads "$id")
ok "$([ "$peak" -le 8 ]; echo $?)" \
    "at most plan + one agent's share at once ($peak threads <= 8)"
check_exact "$id" "partition healed"

# 4. No room left: the run goes on, ends partial, exit 4.
full=$TEST_DIR/full.yaml
sed '/^    host: /a\    max_threads: 2' "$conf" >"$full"
start "$full" --duration 20s
kill -9 $(java_of "$id" a1)
finish
is "$RC" 4 "no capacity for the lost share: exit 4"
is "$(json_get "$TEST_DIR/run.json" 'd["state"]')" partial "state partial"
is "$(json_get "$TEST_DIR/run.json" \
    '[(f["agent"], f["kind"], f["thread_group"], f["threads"], round(f["share_pct"], 1)) for f in d["shortfalls"]]')" \
    "[('a1', 'unplaced', 'Users', 2, 33.3)]" \
    "JSON: which agent, group, threads and share did not run"
is "$(json_get "$TEST_DIR/run.json" \
    'int(d["shortfalls"][0]["to_ms"] > d["shortfalls"][0]["from_ms"] > 0)')" 1 \
    "... and over which window"
pct=$(json_get "$TEST_DIR/run.json" 'int(d["delivered_pct"])')
ok "$([ "$pct" -ge 60 ] && [ "$pct" -le 95 ]; echo $?)" \
    "delivered $pct % of the planned load"
like "$(json_get "$TEST_DIR/run.json" \
    '[f["detail"] for f in d["failures"] if f["kind"] == "move_failed"]')" \
    "no agent has room" "the reason is given"
like "$(json_get "$TEST_DIR/run.json" 'd["failures"][0]["time"]')" \
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\$" \
    "failures are timed in RFC 3339, as report.json's events"
check_exact "$id" "partial"
run "$JMX_REPORT" show "$id" -o "$TEST_DIR/r4"
like "$(cat "$TEST_DIR/r4/report.md")" \
    "^> - Did not run: 2 threads of 'Users' from agent a1 \(33.3% of the load\), from \+[0-9.]+ s to \+[0-9.]+ s: no agent has room" \
    "the report's banner says what did not run"
is "$(json_get "$TEST_DIR/r4/report.json" \
    '[(f["agent"], f["kind"], f["threads"]) for f in d["shortfalls"]]')" \
    "[('a1', 'unplaced', 2)]" "report.json has the shortfall"

# 5. A stalled JMeter (alive, writing nothing): lost, fenced, moved.
stall=$TEST_DIR/stall.yaml
sed '/^settings:/a\  stall_timeout: 4s' "$conf" >"$stall"
start "$stall" --duration 25s
kill -STOP $(java_of "$id" a1)
finish
is "$RC" 0 "stalled JMeter: its load moved, exit 0"
like "$(event_detail agent_lost a1)" "stalled: its JTL has not grown for [0-9]+ s" \
    "the stall is detected"
like "$(event_detail share_moved a1)" "^2 of 2 threads moved to" "moved"
is "$(db "select state from segments where run_id = $id and agent = 'a1'
    order by id limit 1")" fenced "the stalled JMeter was killed (fenced)"
is "$(jmeters "$id" | wc -l)" 0 "no JMeter left running"
check_exact "$id" "stalled"

# 6. The other policies: go on without the lost share, or stop.
for policy in continue-partial abort; do
	pc=$TEST_DIR/$policy.yaml
	sed "/^settings:/a\\  on_agent_failure: $policy" "$conf" >"$pc"
	start "$pc" --duration 15s
	kill -9 $(java_of "$id" a3)
	finish
	case $policy in
	continue-partial)
		is "$RC" 4 "$policy: exit 4"
		is "$(db "select state from runs where id = $id")" partial \
		    "$policy: partial"
		is "$(db "select reason from shortfalls where run_id = $id")" \
		    "on_agent_failure is continue-partial" \
		    "$policy: the share was left, as the policy says"
		is "$(db "select count(*) from segments where run_id = $id")" 3 \
		    "$policy: nothing started elsewhere" ;;
	abort)
		is "$RC" 3 "$policy: exit 3"
		is "$(db "select state from runs where id = $id")" failed \
		    "$policy: the run failed"
		is "$(db "select count(*) from events where run_id = $id and
		    kind = 'stopping'")" 1 "$policy: the run was stopped" ;;
	esac
	is "$(jmeters "$id" | wc -l)" 0 "$policy: no JMeter left running"
	check_exact "$id" "$policy"
done

done_testing

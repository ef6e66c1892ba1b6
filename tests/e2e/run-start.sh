#!/bin/sh
# The start phase, on real hosts: a JMeter killed before it is ready (its
# share goes to a spare before T0, or the run fails at once naming the
# agent), stop and Ctrl-C while JMeters start, a controller killed during
# start-up then attach, and the start skew of a plan with a setUp group
# (started early: its threads made before T0; not while a slow setUp
# group still runs).
# Whatever happens, no JMeter and no work dir is left on any agent.
. "$(dirname "$0")/../lib.sh"

steady_bed
# a3 as a spare: only used to replace a lost agent.
spare=$TEST_DIR/spare.yaml
sed '/^  - name: a3$/a\    spare: true' "$conf" >"$spare"
# Every agent full with its share: a lost one's share finds no room.
full=$TEST_DIR/full.yaml
sed '/^    host: /a\    max_threads: 2' "$conf" >"$full"

# Start a run in the background; $id, $pid.
start() {	# start CONFIG ARGS...
	_c=$1
	shift
	before=$(db "select coalesce(max(id), 0) from runs" 2>/dev/null)
	"$JMX_RUN" --config "$_c" --json "$@" >"$TEST_DIR/run.json" \
	    2>"$TEST_DIR/run.err" &
	pid=$!
	_i=0
	while id=$(db "select max(id) from runs" 2>/dev/null);
	    [ "${id:-0}" = "${before:-0}" ] && [ $_i -lt 600 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

# The JVMs of run $id on an agent (the bed's hosts share /proc).
java_on() {	# java_on AGENT
	for _p in $(jmeters "$id"); do
		[ "$(cat "/proc/$_p/comm" 2>/dev/null)" = java ] &&
		    [ "$(ip netns identify "$_p" 2>/dev/null)" = "jmx-$1" ] &&
		    echo "$_p"
	done
}

# Wait (up to a minute) until every named agent runs a JVM of run $id
# that has begun its jmeter.log.
wait_java() {	# wait_java AGENT...
	_i=0
	while [ $_i -lt 600 ]; do
		_all=1
		for _a in "$@"; do
			_j=$(java_on "$_a")
			[ -n "$_j" ] && [ -s "$(readlink "/proc/$_j/cwd")/jmeter.log" ] ||
			    _all=0
		done
		[ $_all = 1 ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# Was any JMeter of run $id ready (at the sync point) yet?
any_ready() {
	for _r in /tmp/jmx-run-"$id".*/jmx.ready; do
		[ -e "$_r" ] && ! grep -qxF "${_r%/jmx.ready}" \
		    "$TEST_DIR/bed-before" && return 0
	done
	return 1
}

finish() {
	wait "$pid"
	RC=$?
	ERR=$(cat "$TEST_DIR/run.err")
}

# Nothing of run $id left on the agents, within 20 s.
nothing_left() {	# nothing_left WHAT
	_i=0
	while { [ -n "$(jmeters "$id")" ] || [ -n "$(leftovers)" ]; } &&
	    [ $_i -lt 40 ]; do
		sleep 0.5
		_i=$((_i + 1))
	done
	is "$(jmeters "$id" | wc -l)" 0 "$1: no JMeter left"
	is "$(leftovers | wc -l)" 0 "$1: no work dir left"
}

# 1. A JMeter killed before it is ready, with a spare: the spare takes
# its share before T0 and the run starts with everything.
start "$spare" --agents a1,a2 --duration 10s steady
ok "$(wait_java a2; echo $?)" "killed before ready: a JVM on a2 to kill"
any_ready && diag "a JMeter was ready before the kill"
kill -9 $(java_on a2)
finish
is "$RC" 0 "killed before ready, a spare took its share: exit 0"
is "$(json_get "$TEST_DIR/run.json" 'd["state"]')" completed "completed"
is "$(db "select count(*) from segments where run_id = $id and agent = 'a3'
    and replaces = (select id from segments where run_id = $id and
    agent = 'a2')")" 1 "the spare's segment replaces a2's"
is "$(db "select count(*) from shortfalls where run_id = $id")" 0 \
    "no shortfall: the share moved before T0"
is "$(db "select count(distinct start_ms) from segments where run_id = $id
    and state = 'ended'")" 1 "a1 and the spare started at one T0"
check_exact "$id" "killed before ready"
nothing_left "killed before ready"

# 2. The same without room: the run fails at once, naming the agent and
# quoting its jmeter.log.
start "$full" --duration 10s steady
ok "$(wait_java a2; echo $?)" "killed before ready, no room: a JVM on a2 to kill"
any_ready && diag "a JMeter was ready before the kill"
kill -9 $(java_on a2)
killed=$(date +%s)
finish
took=$(($(date +%s) - killed))
is "$RC" 3 "killed before ready, no room: exit 3"
ok "$([ "$took" -le 10 ]; echo $?)" "failed $took s after the kill"
like "$ERR" "agent 'a2'" "the agent is named"
like "$ERR" "jmeter\.log" "its jmeter.log is quoted"
like "$ERR" "INFO" "with its last lines"
is "$(db "select state from runs where id = $id")" failed "the run failed"
nothing_left "killed before ready, no room"

# 3. A stop command while the JMeters start.
start "$conf" --duration 10s steady
ok "$(wait_java a1 a2 a3; echo $?)" "stop during the start: JVMs on every agent"
is "$(db "select state from runs where id = $id")" starting \
    "stop during the start: sent while the run starts"
run "$JMX_RUN" stop "$id"
is "$RC" 0 "stop during the start is answered"
finish
is "$(db "select state from runs where id = $id")" stopped \
    "stop during the start: stopped"
nothing_left "stop during the start"

# 4. Ctrl-C while the JMeters start.
start "$conf" --duration 10s steady
ok "$(wait_java a1 a2 a3; echo $?)" "Ctrl-C during the start: JVMs on every agent"
is "$(db "select state from runs where id = $id")" starting \
    "Ctrl-C during the start: sent while the run starts"
kill -INT "$pid"
sleep 1
like "$(cat "$TEST_DIR/run.err")" "stopping run $id \(Ctrl-C again" \
    "Ctrl-C during the start is answered at once"
finish
is "$RC" 130 "Ctrl-C during the start: exit 130"
is "$(db "select state from runs where id = $id")" stopped \
    "Ctrl-C during the start: stopped"
nothing_left "Ctrl-C during the start"

# 5. The controller killed during start-up, then attach: every JMeter it
# launched is ended and its work dir removed.
start "$conf" --duration 10s steady
ok "$(wait_java a1 a2 a3; echo $?)" "controller killed during start-up: JVMs on every agent"
is "$(db "select state from runs where id = $id")" starting \
    "controller killed during start-up: while the run starts"
kill -9 "$pid"
wait "$pid" 2>/dev/null
run "$JMX_RUN" attach "$id"
is "$(db "select count(*) from segments where run_id = $id and
    work_dir is not null")" 3 "every launched segment was stored"
like "$(db "select state from runs where id = $id")" "stopped|failed" \
    "attach ends the run"
nothing_left "controller killed during start-up"

# 6. A plan with a setUp group: the skew counts only the main groups.
cat >>"$conf" <<YAML
  withsetup:
    plan: $JMX_SRCDIR/tests/data/plans/setup-http.jmx
    threads: 6
    duration: 6s
    ramp: 0
    properties: {host: $JMX_BED_TARGET, think: 50}
YAML
start "$conf" withsetup
finish
is "$RC" 0 "a plan with a setUp group runs"
skew=$(db "select skew_ms from runs where id = $id")
ok "$([ "$skew" -ge 0 ] && [ "$skew" -lt 1000 ]; echo $?)" \
    "run skew $skew ms, under 1 s"
is "$(db "select count(*) from run_agents where run_id = $id and
    skew_ms < -50")" 0 "no agent starts before T0 (setUp samples ignored)"
# Early start: each JMeter made its threads a second ahead; the main
# group still ran from T0 for its 6 s, not a second early or late.
run_archive "$id" "$TEST_DIR/arch-$id"
is "$(find "$TEST_DIR/arch-$id" -name jmeter.log -exec cat {} + |
    grep -c "jmx-sync: threads made 1000 ms early")" 3 \
    "every agent's threads made a second before T0"
last=$(db "select max(last_end) - (select start_ms from runs where id = $id)
    from buckets where run_id = $id")
ok "$([ "$last" -gt 5000 ] && [ "$last" -lt 7000 ]; echo $?)" \
    "the last sample ends $last ms after T0: the 6 s from T0"
nothing_left "setUp plan"

# 7. A setUp group still running a second before T0: no early start on
# the agent running it (its main group, which waits for it, would start
# a second after its end); the others, whose share has no setUp thread,
# start early.
start "$conf" withsetup -J prepare_ms=8000
finish
is "$RC" 0 "a plan with a slow setUp group runs"
run_archive "$id" "$TEST_DIR/arch-$id"
with=0 without=0
for log in $(find "$TEST_DIR/arch-$id" -name jmeter.log); do
	if grep -q "Thread started: Prepare" "$log"; then
		grep -q "setUp threads running: no early start" "$log" &&
		    ! grep -q "threads made" "$log" && with=$((with + 1))
	else
		grep -q "threads made 1000 ms early" "$log" &&
		    without=$((without + 1))
	fi
done
is "$with $without" "1 2" "slow setUp: its agent waits for T0 without the lead, the two others start early"
is "$(db "select count(*) from run_agents where run_id = $id and
    skew_ms < -50")" 0 "slow setUp: no agent starts before T0"
nothing_left "slow setUp plan"

done_testing

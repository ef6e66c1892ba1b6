#!/bin/sh
# jmx-schedule without the test bed, on the test clock (JMX_NOW): what add
# checks, notices in their window once, eight ticks at once claiming a
# due time once, catch-up after a gap, retries, pause/resume/cancel, and
# an exec notice with a hostile test-case name that runs nothing.  The
# runs it starts are real jmx-run processes whose one agent has no key:
# they fail at once with exit status 3 (agent unusable).
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || skip_all "sqlite3 not found"
cd "$TEST_DIR" || bail "cd"
S=$JMX_SCHEDULE
NOTES=$TEST_DIR/notes
# A plan name a shell would run something from (jmx-run takes a .jmx
# file for a test case; test-case names in the configuration are plain).
EVIL="x'\"; touch pwned; \$(touch pwned2) \`touch pwned3\`;.jmx"
cp "$JMX_SRCDIR/share/plans/http-get.jmx" "$TEST_DIR/$EVIL"
cat >jmx.yaml <<EOF
agents:
  - name: a1
    host: 127.0.0.1
    port: 1
    tags: [t]
tests:
  smoke:
    plan: $JMX_SRCDIR/share/plans/http-get.jmx
    notify:
      - 'exec:printf "%s %s %s %s\n" "\$JMX_EVENT" "\$JMX_TASK" "\$JMX_DUE" "\${JMX_RUN:--}" >>$NOTES'
EOF
export JMX_CONFIG=$TEST_DIR/jmx.yaml
export TZ=UTC
at() {	# at TIME COMMAND...: the command with the test clock at TIME
	_t=$1
	shift
	JMX_NOW=$_t run "$@"
}
notes() {	# notes TASK: the notices of a task, one a line
	grep " $1 " "$NOTES" 2>/dev/null | cut -d' ' -f1 | tr '\n' ' '
}
db() {
	sqlite3 "$JMX_HOME/jmx.db" "$@"
}

# What add checks.
at 2026-12-24T00:00:00Z "$S" add smoke --at "2026-12-23 23:00"
is "$RC" 2 "a time in the past: exit 2"
like "$ERR" "^jmx-schedule: --at '2026-12-23 23:00' is not in the future" \
    "... saying so"
at 2026-12-24T00:00:00Z "$S" add smoke --at "24/12/2026 2am"
like "$RC:$ERR" "^2:jmx-schedule: --at takes a time such as" "a bad --at"
at 2026-12-24T00:00:00Z "$S" add nosuch --in 1h
like "$RC:$ERR" "^2:jmx-schedule: 'nosuch' is neither a test case in .* nor a \.jmx file" \
    "an unknown test case"
at 2026-12-24T00:00:00Z "$S" add smoke --in 1h --agents zz
like "$RC:$ERR" "^2:jmx-schedule: agent 'zz' is not in the configuration" \
    "an unknown agent"
at 2026-12-24T00:00:00Z "$S" add smoke --in 1h --tag nope
like "$RC:$ERR" "^2:jmx-schedule: no agent has the tag 'nope'" \
    "a tag no agent has"
at 2026-12-24T00:00:00Z "$S" add smoke --cron "0 2 * *"
like "$RC:$ERR" "^2:jmx-schedule: cron expression '0 2 \* \*' has 4 fields" \
    "a cron expression with four fields"
at 2026-12-24T00:00:00Z "$S" add smoke --in 1h --notify fax:123
like "$RC:$ERR" "^2:jmx-schedule: notice target 'fax:123': not mail:ADDR" \
    "an unknown notice target"
at 2026-12-24T00:00:00Z "$S" add smoke
like "$RC:$ERR" "^2:jmx-schedule: add needs one of --at, --in or --cron" \
    "no time"
at 2026-12-24T00:00:00Z "$S" list --at "2026-12-24 02:00"
is "$RC" 2 "--at with list: exit 2"
is "$(db 'select count(*) from tasks' 2>/dev/null || echo 0)" 0 \
    "nothing stored by a refused add"

# A recurring weekday task in New York: the next three times printed, in
# the task's zone, wall clock across the spring change.
TZ=America/New_York at 2026-03-05T08:00:00Z "$S" add smoke \
    --cron "0 2 * * 1-5"
is "$RC" 0 "add --cron: exit 0"
is "$OUT" "task 1: smoke at 2026-03-06 02:00 EST
  then 2026-03-09 02:00 EDT
  then 2026-03-10 02:00 EDT" "add --cron prints the next three times"

# A one-off task at 02:00 with a notice 15 minutes before.
at 2026-12-24T00:00:00Z "$S" add smoke --at "2026-12-24 02:00" \
    --notify-before 15m
is "$OUT" "task 2: smoke at 2026-12-24 02:00 UTC" "add --at"
at 2026-12-24T00:00:00Z "$S" add smoke --at "2026-12-24T03:00:00+01:00" \
    --json
is "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["next"])')" \
    2026-12-24T02:00:00Z "add --at with an offset, --json"
at 2026-12-24T00:00:00Z "$S" cancel 3
is "$RC:$OUT" "0:task 3: cancelled" "cancel"
at 2026-12-24T00:00:00Z "$S" cancel 3
like "$RC:$ERR" "^2:jmx-schedule: task 3 is cancelled" "cancel twice: exit 2"
# The recurring task is paused out of the way.
at 2026-12-24T00:00:00Z "$S" pause 1
is "$RC:$OUT" "0:task 1: paused" "pause a recurring task"
at 2026-12-24T00:00:00Z "$S" pause 2
like "$RC:$ERR" "^2:jmx-schedule: task 2 runs once" "pause a one-off: exit 2"

at 2026-12-24T01:40:00Z "$S" tick
is "$RC:$(notes 2)" "0:" "T-20m: no notice yet"
at 2026-12-24T01:45:00Z "$S" tick
is "$(notes 2)" "before " "T-15m: the starting-soon notice"
at 2026-12-24T01:50:00Z "$S" tick
is "$(notes 2)" "before " "T-10m: not sent again"
is "$(db 'select count(*) from task_runs')" 0 "nothing started before T"

# Eight ticks at the same instant: one claim, one start, one notice.
i=0
while [ $i -lt 8 ]; do
	JMX_NOW=2026-12-24T02:00:00Z "$S" tick >"$TEST_DIR/tick$i.out" \
	    2>"$TEST_DIR/tick$i.err" &
	i=$((i + 1))
done
wait
is "$(db 'select count(*) from task_runs where task_id = 2')" 1 \
    "eight ticks at once: one claim"
is "$(cat "$TEST_DIR"/tick*.err | grep -c 'failed to start')" 1 \
    "... one start (jmx-run ran once)"
is "$(notes 2)" "before failure " "... one failure notice"
like "$(grep '^failure 2 ' "$NOTES")" "^failure 2 2026-12-24T02:00:00Z -$" \
    "... with the task, its due time and no run in the environment"
is "$(db "select state || ':' || detail from task_runs where task_id = 2")" \
    "failed:the agent is unusable; nothing started" \
    "the task's run failed, saying why"
at 2026-12-24T02:01:00Z "$S" list
like "$OUT" "^2 +done +- +once +smoke" "list: the one-off task is done"
at 2026-12-24T02:01:00Z "$S" show 2
like "$OUT" "due 2026-12-24 02:00 UTC: failed: the agent is unusable" \
    "show: the past run"

# Catch-up: 11 minutes late is skipped (--late 10m by default), with a
# notice; 20 minutes late within --late 30m runs.
at 2026-12-24T03:00:00Z "$S" add smoke --at "2026-12-24 04:00"
at 2026-12-24T04:11:00Z "$S" tick
is "$(db 'select state from task_runs where task_id = 4')" skipped \
    "11 min late: skipped"
is "$(notes 4)" "skipped " "... with a notice"
like "$(db 'select detail from task_runs where task_id = 4')" \
    "^11m00s late, more than --late allows" "... saying why"
at 2026-12-24T03:00:00Z "$S" add smoke --at "2026-12-24 04:00" --late 30m
at 2026-12-24T04:20:00Z "$S" tick
is "$(db 'select state from task_runs where task_id = 5')" failed \
    "20 min late within --late 30m: started (and failed: no agent)"

# Agents unusable at start: retried by each tick for --retry, then failed.
at 2026-12-24T03:00:00Z "$S" add smoke --at "2026-12-24 05:00" --retry 5m
at 2026-12-24T05:00:00Z "$S" tick
is "$RC:$(db 'select state from task_runs where task_id = 6')" "0:retrying" \
    "agent unusable at T: retrying, tick exits 0"
at 2026-12-24T05:03:00Z "$S" tick
is "$(db 'select state from task_runs where task_id = 6'):$(notes 6)" \
    "retrying:" "T+3m: still retrying, no notice"
at 2026-12-24T05:06:00Z "$S" tick
is "$RC:$(db 'select state from task_runs where task_id = 6'):$(notes 6)" \
    "3:failed:failure " "T+6m: failed, with a notice, tick exits 3"

# Resume: the recurring task goes on from now, missed times not made up.
at 2026-12-24T06:00:00Z "$S" resume 1
is "$RC:$OUT" "0:task 1: resumed" "resume"
TZ=America/New_York at 2026-12-24T06:00:00Z "$S" list --json
is "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["next"])')" \
    2026-12-24T07:00:00Z "... next: the next weekday 02:00 in New York"

# A hostile test-case name reaches an exec notice as data only.
at 2026-12-24T06:00:00Z "$S" add "$EVIL" --in 1m \
    --notify 'exec:printf "%s\n" "$JMX_TEST_CASE" >evil.out'
is "$RC" 0 "add a task whose plan name holds quotes, \$() and ;"
at 2026-12-24T06:01:00Z "$S" tick
is "$(cat evil.out)" "$TEST_DIR/$EVIL" "the exec notice got the name intact"
ok "$([ ! -e pwned ] && [ ! -e pwned2 ] && [ ! -e pwned3 ]; echo $?)" \
    "... and nothing in it ran"

# A failing notifier is logged, recorded and stops nothing.
at 2026-12-24T06:00:00Z "$S" add smoke --in 1m --notify 'exec:exit 7' \
    --notify "exec:echo ok >$TEST_DIR/second"
at 2026-12-24T06:01:00Z "$S" tick
like "$ERR" "failure notice to 'exec:exit 7' failed: command 'exit 7' exited with 7" \
    "a failing notifier is logged"
ok "$([ -f second ]; echo $?)" "... and the next target still gets it"
is "$(db "select ok from notices where target = 'exec:exit 7'")" 0 \
    "... and it is recorded as failed"

# The crontab line: absolute, quoted, % escaped.
mkdir "$TEST_DIR/odd % dir"
JMX_HOME="$TEST_DIR/odd % dir" run "$S" cron-line
is "$OUT" "* * * * * '$JMX_BUILDDIR/jmx-schedule' --home '$TEST_DIR/odd \\% dir' --config '$TEST_DIR/jmx.yaml' tick >>'$TEST_DIR/odd \\% dir/schedule.log' 2>&1" \
    "cron-line"

done_testing

#!/bin/sh
# Two controllers with two databases (two JMX_HOMEs) on the same agents:
# the lock on the agent keeps them apart.  A run of one refuses an agent
# the other's run holds, naming it; a dead controller's lock blocks only
# until its lease runs out; attach takes its own run's locks back.
. "$(dirname "$0")/../lib.sh"

steady_bed
export JMX_AGENT_LEASE=5
home1=$TEST_DIR/home1
home2=$TEST_DIR/home2
db1() { sqlite3 "$home1/jmx.db" "$@"; }
# A short run from the second home: run2 AGENTS
run2() {
	run "$JMX_RUN" -H "$home2" --config "$conf" --agents "$1" \
	    --threads 2 --duration 3s steady
}
# The lock files on the bed (its hosts share /tmp) naming a run of home1.
locks_of() {	# locks_of RUN
	grep -l "^run=$1\$" /tmp/jmx-agent-*.lock 2>/dev/null |
	    xargs -r grep -l "^database=$home1/jmx.db\$" | wc -l
}
# Wait (up to a minute) until run RUN has samples; fail if it has none.
wait_running() {	# wait_running RUN
	_i=0
	while [ "$(db1 "select coalesce(sum(count), 0) from buckets
	    where run_id = $1")" = 0 ] && [ $_i -lt 120 ]; do
		sleep 0.5
		_i=$((_i + 1))
	done
	ok "$([ "$(db1 "select coalesce(sum(count), 0) from buckets
	    where run_id = $1")" != 0 ]; echo $?)" "run $1 is running (has samples)"
}
mkdir -p "$home1" "$home2"
home1=$(cd "$home1" && pwd -P)

# Run A from home 1 on a1 and a2.
a=$("$JMX_RUN" -H "$home1" --config "$conf" --agents a1,a2 --detach steady \
    2>"$TEST_DIR/a.err")
[ -n "$a" ] || bail "run A did not start: $(cat "$TEST_DIR/a.err")"
wait_running "$a"
is "$(locks_of "$a")" 2 "run A holds a lock on each of its two agents"
# Kept to play an agent that was out of reach when run A ended.
lock_kept=$(grep -l "^run=$a\$" /tmp/jmx-agent-*.lock |
    xargs -r grep -l "^database=$home1/jmx.db\$" | head -1)
cp -p "$lock_kept" "$TEST_DIR/lock_kept"

run2 a2,a3
is "$RC" 3 "run B on an agent of run A is refused: exit 3"
like "$ERR" "a2.*busy: in use by run $a of controller $(hostname) \(database $home1/jmx.db\)" \
    "the refusal names the holder: run, controller, database"
is "$(sqlite3 "$home2/jmx.db" "select count(*) from runs")" 0 \
    "nothing was started from home 2"
run "$JMX_RUN" -H "$home2" --config "$conf" --agents a2 --dry-run steady
is "$RC" 3 "--dry-run reports the busy agent: exit 3"
like "$OUT$ERR" "busy: in use by run $a" "--dry-run names the holder"
before=$(ls /tmp/jmx-agent-*.lock* 2>/dev/null | wc -l)
run "$JMX_RUN" -H "$home2" --config "$conf" --agents a3 --dry-run steady
is "$RC" 0 "--dry-run on a free agent: exit 0"
is "$(ls /tmp/jmx-agent-*.lock* 2>/dev/null | wc -l)" "$before" \
    "--dry-run takes no lock"

wait_gone "$(db1 "select controller_pid from runs where id = $a")"
is "$(db1 "select state from runs where id = $a")" completed "run A completed"
is "$(locks_of "$a")" 0 "run A's locks are gone with it"

# A lock that outlived run A (its agent unreachable at the end), fresh
# and with a long lease: it binds other databases, not home 1, whose
# store knows run A has ended.
sed 's/^lease=.*/lease=600/' "$TEST_DIR/lock_kept" >"$TEST_DIR/lock_kept.new"
cp -p "$TEST_DIR/lock_kept" "$lock_kept"
cat "$TEST_DIR/lock_kept.new" >"$lock_kept"
run "$JMX_RUN" -H "$home2" --config "$conf" --agents a1,a2 --dry-run steady
is "$RC" 3 "a lock left by an ended run binds another database: exit 3"
run "$JMX_RUN" -H "$home1" --config "$conf" --agents a1,a2 --dry-run steady
is "$RC" 0 "... but not the database whose run it was: exit 0"
rm -f "$lock_kept"
run2 a2,a3
is "$RC" 0 "after run A, run B runs on its agent: exit 0"
[ "$RC" -eq 0 ] || diag "$ERR"

# Two controllers at the same moment on one free agent: one runs, the
# other is refused (at validation, or when it takes the lock).
for h in "$home1" "$home2"; do
	"$JMX_RUN" -H "$h" --config "$conf" --agents a3 --threads 2 \
	    --duration 3s steady >/dev/null 2>"$TEST_DIR/race.err" &
	eval "p_$(basename "$h")=\$!"
done
wait "$p_home1"
rc1=$?
wait "$p_home2"
rc2=$?
is "$rc1 $rc2" "$([ "$rc1" = 0 ] && echo "0 3" || echo "3 0")" \
    "two controllers at once: exactly one runs ($rc1 $rc2)"

# A controller killed: attach takes the run's locks back as its own.
a=$("$JMX_RUN" -H "$home1" --config "$conf" --agents a1 --detach steady \
    2>/dev/null)
wait_running "$a"
kill -9 "$(db1 "select controller_pid from runs where id = $a")"
"$JMX_RUN" -H "$home1" attach "$a" >"$TEST_DIR/attach.out" \
    2>"$TEST_DIR/attach.err" &
attach=$!
sleep $((JMX_AGENT_LEASE + 3))
run2 a1
is "$RC" 3 "past the lease, the attached run still holds its agent: exit 3"
like "$ERR" "busy: in use by run $a of" "named as the same run"
wait "$attach"
is "$?" 0 "the attached controller ends the run: exit 0"
ok "$(! grep -q 'lock' "$TEST_DIR/attach.err"; echo $?)" \
    "attach found its own lock, no warning"
is "$(locks_of "$a")" 0 "and releases the lock at the end"

# A controller killed and not attached: its lock blocks until its lease
# runs out, then B takes it over.
a=$("$JMX_RUN" -H "$home1" --config "$conf" --agents a1 --detach steady \
    2>/dev/null)
wait_running "$a"
kill -9 "$(db1 "select controller_pid from runs where id = $a")"
run2 a1
is "$RC" 3 "a dead controller's lock within its lease: busy, exit 3"
like "$ERR" "busy: in use by run $a" "named"
sleep $((JMX_AGENT_LEASE + 3))
"$JMX_RUN" -H "$home2" -v --config "$conf" --agents a1 --threads 2 \
    --duration 3s steady >"$TEST_DIR/b.out" 2>"$TEST_DIR/b.err"
is "$?" 0 "past the lease, B takes the stale lock over and runs: exit 0"
like "$(cat "$TEST_DIR/b.err")" "took over the stale lock of run $a" \
    "the takeover is logged"
is "$(ls /tmp/jmx-agent-*.lock.*.new 2>/dev/null | wc -l)" 0 \
    "no half-taken lock files are left"
# The killed run: its JMeter ends at its deadline; attach collects it.
run "$JMX_RUN" -H "$home1" attach "$a"
is "$RC" 0 "the dead run is attached and ends: exit 0"
is "$(locks_of "$a")" 0 "no lock of home 1 is left"

done_testing

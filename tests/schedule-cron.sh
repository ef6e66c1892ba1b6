#!/bin/sh
# Debian's cron daemon drives the queue: install-cron puts the tick in the
# user's crontab (once), cron runs it at the next minute, and the tick
# starts the task due then (a real jmx-run; its one agent has no key, so
# the run fails at once and says why: the start is what is tested here,
# a run on real agents is tests/e2e/schedule-run.sh).  The test starts
# cron itself when none runs, stops it after, and puts the crontab back
# as it was.  Waits at most about two minutes.  No test bed.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (cron's spool)"
command -v cron >/dev/null || skip_all "cron not installed"
command -v crontab >/dev/null || skip_all "crontab not installed"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not found"
cd "$TEST_DIR" || bail "cd"
# One user of the crontab at a time.
exec 9>/tmp/jmx-cron.test.lock
flock 9 || bail "cannot take /tmp/jmx-cron.test.lock"

crontab -l >crontab.saved 2>/dev/null || : >crontab.saved
started=
cleanup() {
	if [ -s crontab.saved ]; then
		crontab crontab.saved
	else
		crontab -r 2>/dev/null
	fi
	[ -n "$started" ] && kill "$started" 2>/dev/null
}
trap cleanup EXIT

cat >jmx.yaml <<EOF
agents:
  - name: a1
    host: 127.0.0.1
    port: 1
tests:
  smoke:
    plan: $JMX_SRCDIR/share/plans/http-get.jmx
    notify: ['exec:echo "\$JMX_EVENT \$JMX_TASK" >>$TEST_DIR/notes']
EOF
export JMX_CONFIG=$TEST_DIR/jmx.yaml

run "$JMX_SCHEDULE" install-cron
is "$RC" 0 "install-cron"
line=$("$JMX_SCHEDULE" cron-line)
is "$(crontab -l | grep -cF -- "$line")" 1 "the tick is in the crontab"
run "$JMX_SCHEDULE" install-cron
like "$RC:$OUT" "^0:already in the crontab" "install-cron again: once"
is "$(crontab -l | grep -cF -- "$line")" 1 "... still one line"
if [ -s crontab.saved ]; then
	is "$(crontab -l | grep -vF -- "$line")" "$(cat crontab.saved)" \
	    "... the lines that were there are kept"
fi

if ! pgrep -x cron >/dev/null; then
	# Without the lock's descriptor: the daemon outlives this test.
	cron 9>&- || bail "cron did not start"
	# Its pid once the daemon (forked from the one started) wrote it.
	i=0
	while [ $i -lt 50 ]; do
		p=$(cat /run/crond.pid 2>/dev/null)
		[ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = cron ] &&
		    [ "$(ps -o ppid= -p "$p" | tr -d ' ')" = 1 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	started=$(cat /run/crond.pid 2>/dev/null)
	ok "$([ -n "$started" ]; echo $?)" "started cron (pid $started)"
fi

# Due at the next whole minute, when cron runs the tick.
next=$(date -d "@$(( ($(date +%s) / 60 + 1) * 60 ))" '+%Y-%m-%d %H:%M')
run "$JMX_SCHEDULE" add smoke --at "$next"
is "$RC" 0 "a task due at $next"
i=0
until [ "$(db 'select count(*) from task_runs' 2>/dev/null)" = 1 ] ||
    [ $i -ge 130 ]; do
	sleep 1
	i=$((i + 1))
done
is "$(db 'select count(*) from task_runs')" 1 "cron's tick claimed the task"
i=0
until [ "$(db 'select state from task_runs')" = failed ] || [ $i -ge 30 ]; do
	sleep 1
	i=$((i + 1))
done
is "$(db 'select state || ":" || detail from task_runs')" \
    "failed:the agent is unusable; nothing started" \
    "... and started jmx-run, which said why it could not run"
is "$(cat notes 2>/dev/null)" "failure 1" "... and the notice went out"
like "$(cat "$JMX_HOME/schedule.log")" "task 1: the run failed to start" \
    "the tick's log is in the data directory"

cleanup
trap - EXIT
is "$(crontab -l 2>/dev/null | grep -cF -- "$line")" 0 "the crontab is clean"
if [ -n "$started" ]; then
	i=0
	while kill -0 "$started" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	ok "$(kill -0 "$started" 2>/dev/null; [ $? -ne 0 ]; echo $?)" \
	    "cron stopped"
fi
done_testing

#!/bin/sh
# jmx-watch on a real run, driven through tmux as an operator would: the
# screen shows the agents, the labels and a chart; its keys p, r and s
# really pause, resume and stop the run (in the database and on the
# agents); it stays readable at 80x24 and without colour under NO_COLOR;
# a killed agent shows as lost within 15 s.  Beside it, --json and
# --plain follow the same run to its end and agree with the database.
# The lost agent's share is not moved (continue-partial): with
# redistribute, the controller stages takers before it records the loss,
# which on a loaded 2-core box takes longer than the 15 s alone.
. "$(dirname "$0")/../lib.sh"

command -v tmux >/dev/null || skip_all "no tmux"
steady_bed
cat >>"$conf" <<YAML
settings:
  failure_timeout: 4s
  on_agent_failure: continue-partial
YAML

SOCK=jmx-watch-$$
tm() {
	tmux -L "$SOCK" -f /dev/null "$@"
}
screen() {
	tm capture-pane -p -t w
}
# Wait up to SECONDS for the screen to match an extended regex.
screen_wait() {	# screen_wait REGEX SECONDS
	_i=0
	while ! screen | grep -Eq -- "$1" && [ $_i -lt $(($2 * 4)) ]; do
		sleep 0.25
		_i=$((_i + 1))
	done
	screen | grep -Eq -- "$1"
}
state() {
	db "select state from runs where id = $id"
}
# Wait up to a minute for the run's state to be STATE.
wait_state() {	# wait_state STATE
	_i=0
	while [ "$(state)" != "$1" ] && [ $_i -lt 240 ]; do
		sleep 0.25
		_i=$((_i + 1))
	done
}
cleanup() {
	tm kill-server 2>/dev/null
}
trap cleanup EXIT

id=$("$JMX_RUN" --config "$conf" --detach steady --duration 60s)
pid=$(db "select controller_pid from runs where id = $id")
"$JMX_WATCH" --config "$conf" --json --interval 500ms "$id" \
    >"$TEST_DIR/watch.json" 2>"$TEST_DIR/watch-json.err" &
jpid=$!
"$JMX_WATCH" --config "$conf" --plain "$id" \
    >"$TEST_DIR/watch.txt" 2>"$TEST_DIR/watch-plain.err" &
ppid=$!
tm new-session -d -s w -x 120 -y 40 "env JMX_HOME='$JMX_HOME' \
    LANG=C.UTF-8 NO_COLOR=1 '$JMX_WATCH' --config '$conf'; sleep 600"
wait_db "select coalesce(sum(count), 0) from buckets where run_id = $id" 0
sleep 3

# What the screen shows of the running run (it picked the active run).
screen_wait "run $id .* running " 10
ok $? "the screen shows the run and its state"
s=$(screen)
like "$s" "AGENTS" "the agents pane"
is "$(printf '%s\n' "$s" | grep -Ec '^ a[123] +running +2 ')" 3 \
    "each agent running with its 2 threads"
like "$s" "LABELS" "the labels pane"
like "$s" "^ GET / +[0-9]+ +[0-9.]+ +[0-9]+ " "the label with its samples"
like "$s" "CHART +throughput" "a chart"
like "$s" "[▁▂▃▄▅▆▇█]{5}" "the chart has bars"
like "$s" "EVENTS" "the events pane"
like "$s" "started" "the run's start is an event"
tm capture-pane -e -p -t w >"$TEST_DIR/escapes"
is "$(grep -c "$(printf '\033')\[[0-9;]*3[0-7][;m]" "$TEST_DIR/escapes")" 0 \
    "NO_COLOR: no colour on the screen"

# 1-9 sort the labels; ? shows the keys.
tm send-keys -t w 2
screen_wait "samples[v^]" 5
ok $? "2 sorts the labels by samples"
tm send-keys -t w '?'
screen_wait "jmx-watch keys" 5
ok $? "? shows the keys"
tm send-keys -t w x

# p pauses: in the database and on the agents.
tm send-keys -t w p
wait_state paused
is "$(state)" paused "p paused the run"
is "$(jmeters "$id" | wc -l)" 0 "no JMeter runs on the agents while paused"
screen_wait " paused " 10
ok $? "the screen shows the run paused"
like "$(db "select actor from events where run_id = $id and
    kind = 'pausing'")" "@.*pid" "the pause names who asked"

# r resumes.
tm send-keys -t w r
wait_state running
is "$(state)" running "r resumed the run"
ok "$([ "$(jmeters "$id" | wc -l)" -gt 0 ]; echo $?)" "JMeters run again"
screen_wait "resumed" 10
ok $? "the resume is on the screen"
# The chart marks the pause (P under it), over the whole run.
tm send-keys -t w w
screen_wait "^ +[0-9]+s? [-PX]*P" 5
ok $? "the chart marks the pause"

# 80x24, as over SSH: every pane still there.
tm resize-window -t w -x 80 -y 24
sleep 2
s=$(screen)
is "$(printf '%s\n' "$s" | wc -l)" 24 "24 lines"
is "$(printf '%s\n' "$s" | python3 -c 'import sys
print(sum(len(l.rstrip("\n")) > 80 for l in sys.stdin))')" 0 \
    "none past 80 columns"
like "$s" "^run $id " "80x24: the header"
for p in AGENTS LABELS CHART EVENTS; do
	like "$s" "^$p" "80x24: $p"
done
is "$(printf '%s\n' "$s" | grep -Ec '^ a[123] ')" 3 "80x24: the three agents"
like "$s" "^ GET / +[0-9]+" "80x24: the label"

# A killed agent shows as lost within 15 s.
wait_db "select count(*) from segments where run_id = $id and gen = 1 and
    state = 'running'" 0
t0=$(date +%s%3N)
"$BED" kill-host a3 >/dev/null
screen_wait "^ a3 +lost " 15
ok $? "the killed agent shows as lost within 15 s"
t1=$(date +%s%3N)
lost=$(db "select time_ms from events where run_id = $id and
    kind = 'agent_lost'")
diag "kill to lost on the screen: $((t1 - t0)) ms; the controller declared" \
    "it lost after $((lost - t0)) ms"
ok "$([ $((t1 - lost)) -le 2500 ]; echo $?)" \
    "on the screen within 2.5 s of the controller's verdict"
screen_wait "agent_lost \(agent a3\)" 5
ok $? "the loss is an event on the screen"
like "$(screen)" "delivered short 2 thr" \
    "the header says 2 threads have nowhere to run"

# s asks, y stops: the run stops, the screen keeps its final summary.
tm send-keys -t w s
screen_wait "stop run $id\?" 5
ok $? "s asks to confirm"
tm send-keys -t w n
screen_wait "not stopped" 5
ok $? "any other key does not stop"
is "$(state)" running "still running"
tm send-keys -t w s
screen_wait "stop run $id\?" 5
tm send-keys -t w y
wait_state partial
is "$(state)" partial "s, y stopped the run (partial: a share did not run)"
is "$(jmeters "$id" | wc -l)" 0 "every JMeter of the run is gone"
screen_wait "run $id ended partial" 20
ok $? "the screen shows the final summary"
like "$(screen)" "^ GET / +[0-9]+" "the labels stay"
tm send-keys -t w q
sleep 1
is "$(tm list-panes -t w -F '#{pane_current_command}')" sleep "q quits"
wait_gone "$pid"
"$BED" restart-sshd a3 >/dev/null
# a3's lock outlived its host; others' runs must not wait out its lease.
grep -l "^database=$(realpath "$JMX_HOME/jmx.db")\$" /tmp/jmx-agent-*.lock \
    2>/dev/null | xargs -r rm -f

# --json and --plain ended with the run, exit 4 (stopped), and agree
# with the database.
wait "$jpid"
is "$?" 4 "--json: exit 4 when the run ends partial"
wait "$ppid"
is "$?" 4 "--plain: exit 4 when the run ends partial"
python3 - "$TEST_DIR/watch.json" >"$TEST_DIR/json.check" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in lines]
last = objs[-1]
print(len(objs))
print(last["state"], last["samples"], last["total"]["count"])
print(" ".join("%s=%d" % (l["label"], l["count"]) for l in last["labels"]))
kinds = [e["kind"] for o in objs for e in o["events"]]
print(len(kinds) == len(set(e["id"] for o in objs for e in o["events"])))
print(" ".join(k for k in kinds if k in ("pausing", "paused", "resumed",
    "agent_lost", "stopping")))
print(max(o["samples"] for o in objs[:-1]) <= last["samples"])
print(all(not o["ended"] for o in objs[:-1]))
PY
ok $? "every --json line parses"
n=$(sed -n 1p "$TEST_DIR/json.check")
ok "$([ "$n" -ge 20 ]; echo $?)" "--json: one object per interval ($n)"
samples=$(db "select samples from runs where id = $id")
is "$(sed -n 2p "$TEST_DIR/json.check")" "partial $samples $samples" \
    "--json: the last object is the final state, samples as stored"
is "$(sed -n 3p "$TEST_DIR/json.check")" \
    "$(db "select l.name || '=' || sum(b.count) from buckets b join labels l
    on l.id = b.label_id where b.run_id = $id group by l.name")" \
    "--json: label counts as stored"
is "$(sed -n 4p "$TEST_DIR/json.check")" True "--json: each event once"
is "$(sed -n 5p "$TEST_DIR/json.check")" \
    "$(db "select group_concat(kind, ' ') from (select kind from events where
    run_id = $id and kind in ('pausing', 'paused', 'resumed', 'agent_lost',
    'stopping') order by id)")" "--json: the events, in order"
is "$(sed -n 6,7p "$TEST_DIR/json.check" | tr '\n' ' ')" "True True " \
    "--json: samples only grow; the end comes once, last"
last=$(tail -1 "$TEST_DIR/watch.txt")
like "$last" "^[0-9T:-]+Z run $id partial .* samples $samples errors .* \
delivered [0-9.]+%$" \
    "--plain: the last line is the final state, samples as stored"
ok "$([ "$(grep -c " run $id " "$TEST_DIR/watch.txt")" -ge 20 ]; echo $?)" \
    "--plain: one line per interval"
like "$(grep '^event ' "$TEST_DIR/watch.txt")" "agent_lost \(agent a3\)" \
    "--plain: events on their own lines"
leftovers "/tmp/jmx-run-$id.*" | sort -u | xargs -r rm -rf	# only this test's

done_testing

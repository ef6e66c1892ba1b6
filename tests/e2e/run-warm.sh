#!/bin/sh
# A warm spare (spare: warm): its JMeter starts with the run and is held
# at the sync point; when a2's JMeter is killed, a release file carrying
# T0 and a2's threads and time left puts that load on it within 3 s, no
# new JVM started.  Totals exact; a warm spare never used is stopped at
# the end with nothing collected; nothing is left on the agents.
. "$(dirname "$0")/../lib.sh"

[ -x "$JMETER_HOME/bin/jmeter" ] || skip_all "no JMeter in $JMETER_HOME"
bed_up 4
conf=$TEST_DIR/jmx.yaml
bed_config "$conf"
sed -i '/^  - name: a4$/a\    spare: warm' "$conf"
steady_test "$conf"
cat >>"$conf" <<YAML
settings:
  failure_timeout: 6s
YAML
export JMX_AGENT_HEAP="-Xms128m -Xmx256m"
now_ms() { python3 -c 'import time; print(int(time.time() * 1000))'; }

# 1. a2's JMeter killed once the spare is held: the spare takes over.
"$JMX_RUN" --config "$conf" --json --agents a1,a2,a3 --duration 25s steady \
    >"$TEST_DIR/run.json" 2>"$TEST_DIR/run.err" &
pid=$!
id=$(new_run)
wait_db "select count(*) from events where run_id = $id and kind = 'warm_spare'" 0
is "$(db "select state from segments where run_id = $id and agent = 'a4'")" \
    starting "the warm spare's JMeter is held at the sync point"
sleep 1
killed=$(now_ms)
kill -9 $(java_of "$id" a2)
wait "$pid"
RC=$?
[ "$RC" -eq 0 ] || diag "$(tail -5 "$TEST_DIR/run.err")"
is "$RC" 0 "a2 killed, its load on the warm spare: exit 0"
like "$(db "select detail from events where run_id = $id and
    kind = 'share_moved'")" \
    "^2 of 2 threads moved to a4 \(2\); load back .*warm spare" \
    "the warm spare took all of a2's load"
is "$(db "select count(*) from segments where run_id = $id and agent = 'a4'")" \
    1 "no second JMeter on the spare: the held one took over"
seg=$(db "select id from segments where run_id = $id and agent = 'a4'")
is "$(db "select state || ' ' || replaces from segments where id = $seg")" \
    "ended $(db "select id from segments where run_id = $id and agent = 'a2'")" \
    "its segment ran and replaces a2's"
back=$(db "select max(to_ms) from shortfalls where run_id = $id and
    kind = 'handover'")
rm -rf "$TEST_DIR/agents"
run_archive "$id" "$TEST_DIR/agents"
first=$(grep -hv '^timeStamp' "$TEST_DIR"/agents/a4/*/results.jtl |
    cut -d, -f1 | sort -n | head -1)
first=${first:-999999999999999} back=${back:-999999999999999}
diag "kill -> T0 $((back - killed)) ms, -> first sample $((first - killed)) ms"
ok "$([ "$((first - killed))" -le 3000 ]; echo $?)" \
    "the spare's first sample within 3 s of the kill ($((first - killed)) ms)"
ok "$([ "$((back - killed))" -le 3000 ]; echo $?)" \
    "the handover gap ends within 3 s of the kill ($((back - killed)) ms)"
last=$(db "select max(sec) from buckets where run_id = $id")
is "$(db "select sum(m) from (select segment_id, max(all_threads) m from
    buckets where run_id = $id and sec between $last - 6 and $last - 3
    group by segment_id)")" 6 "load back to the planned 6 threads"
check_exact "$id" "warm takeover"
is "$(jmeters "$id" | wc -l)" 0 "no JMeter left running"
is "$(leftovers "/tmp/jmx-run-$id.*" | wc -l)" 0 "no work dir left"

# 2. No loss: the warm spare is stopped at the end, nothing from it.
"$JMX_RUN" --config "$conf" --json --agents a1,a2,a3 --duration 12s steady \
    >"$TEST_DIR/run2.json" 2>"$TEST_DIR/run2.err"
is "$?" 0 "a run with an unused warm spare: exit 0"
id=$(db "select max(id) from runs")
is "$(db "select state from segments where run_id = $id and agent = 'a4'")" \
    cancelled "the unused warm spare's segment is cancelled"
is "$(db "select coalesce(sum(count), 0) from buckets b join segments s on
    s.id = b.segment_id where b.run_id = $id and s.agent = 'a4'")" 0 \
    "it made no samples"
is "$(db "select count(*) from events where run_id = $id and
    kind = 'warm_spare_stopped'")" 1 "its stop is an event"
check_exact "$id" "unused warm spare"
is "$(jmeters "$id" | wc -l)" 0 "no JMeter left running"
is "$(leftovers "/tmp/jmx-run-$id.*" | wc -l)" 0 "no work dir left"
"$JMX_RUN" --config "$conf" --json --agents a4 --duration 3s steady \
    >/dev/null 2>"$TEST_DIR/run3.err"
is "$?" 0 "the spare's lock was released: a run on it starts"

done_testing

#!/bin/sh
# Validation refuses unusable agents before anything starts, naming the
# reason: no JMeter, an unknown host key, an unreachable host, an agent
# reserved by a running test, too many threads for the capacity.  Also:
# --detach, status, and a graceful stop (SIGINT) of a detached run.
. "$(dirname "$0")/../lib.sh"

[ -x "$JMETER_HOME/bin/jmeter" ] || skip_all "no JMeter in $JMETER_HOME"
bed_up 3
: >"$TEST_DIR/empty_known_hosts"
conf=$TEST_DIR/jmx.yaml
cat >"$conf" <<YAML
defaults:
  user: $JMX_BED_USER
  key: $JMX_BED_KEY
  known_hosts: $JMX_BED_KNOWN_HOSTS
  jmeter_home: $JMETER_HOME
agents:
  - {name: nojmeter, host: $JMX_BED_ADDR_a1, jmeter_home: /opt/no/jmeter}
  - {name: stranger, host: $JMX_BED_ADDR_a2, known_hosts: $TEST_DIR/empty_known_hosts}
  - {name: ghost, host: 198.18.0.99}
  - {name: small, host: $JMX_BED_ADDR_a1, max_threads: 2}
  - {name: a3, host: $JMX_BED_ADDR_a3}
tests:
  smoke:
    plan: $JMX_SRCDIR/share/plans/http-get.jmx
    threads: 2
    duration: 60s
    ramp: 0
    properties: {host: $JMX_BED_TARGET, think: 50}
YAML
export JMX_AGENT_HEAP="-Xms128m -Xmx256m"

problem() {	# problem AGENT: its problem in the last --json output
	json_get "$TEST_DIR/out.json" "[a['problem'] for a in d['agents'] if a['name'] == '$1'][0]"
}

run "$JMX_RUN" --config "$conf" --json --agents nojmeter,stranger,ghost smoke
is "$RC" 3 "unusable agents: exit 3"
echo "$OUT" >"$TEST_DIR/out.json"
like "$(problem nojmeter)" "no JMeter in '/opt/no/jmeter'" "missing JMeter is named"
like "$(problem stranger)" "not in known_hosts" "unknown host key is refused"
like "$(problem ghost)" "198\.18\.0\.99.*(unreachable|timed out|refused|[Nn]o route)" \
    "unreachable agent is named"
like "$(json_get "$TEST_DIR/out.json" 'd["error"]')" "3 of 3 agents unusable" \
    "the error counts the unusable agents"

run "$JMX_RUN" --config "$conf" --agents nojmeter,a3 smoke
is "$RC" 3 "the plain table: exit 3"
like "$ERR" "nojmeter .*no JMeter in" "the table shows the agent's reason"
like "$ERR" "a3 .* ok" "the table shows the usable agent as ok"

run "$JMX_RUN" --config "$conf" --json --agents small --threads 10 smoke
is "$RC" 3 "too many threads for the capacity: exit 3"
echo "$OUT" >"$TEST_DIR/out.json"
like "$(problem small)" "over capacity: its share is 10 threads, it carries 2" \
    "over-capacity agent is named with the numbers"
like "$(json_get "$TEST_DIR/out.json" 'd["error"]')" "needs 10 threads, the agents carry 2" \
    "the total need and capacity are given"
is "$(db 'select count(*) from runs')" 0 "nothing was started (no run recorded)"
is "$(leftovers)" "" "nothing was shipped to any agent"

# A detached run holds a3; a second run on a3 is refused.
run "$JMX_RUN" --config "$conf" --detach --agents a3 smoke
is "$RC" 0 "--detach exits 0 at once"
id=$OUT
like "$id" "^[0-9]+$" "--detach prints the run id alone"
i=0
while [ "$(db "select state from runs where id = $id")" != running ] && [ $i -lt 60 ]; do
	sleep 1
	i=$((i + 1))
done
is "$(db "select state from runs where id = $id")" running "the detached run is running"
run "$JMX_RUN" --config "$conf" --json --agents a3 smoke
is "$RC" 3 "an agent reserved by a running test: exit 3"
echo "$OUT" >"$TEST_DIR/out.json"
is "$(problem a3)" "busy: reserved by run $id" "the reservation and its run are named"
run "$JMX_RUN" status --json "$id"
echo "$OUT" >"$TEST_DIR/status.json"
is "$(json_get "$TEST_DIR/status.json" 'd["state"]')" running "status --json: running"

# Ctrl-C (SIGINT) to the controller: a graceful stop that keeps results.
while [ "$(db "select samples from runs where id = $id")" -eq 0 ] &&
    [ "$(db "select count(*) from buckets where run_id = $id")" -eq 0 ] && [ $i -lt 90 ]; do
	sleep 1
	i=$((i + 1))
done
pid=$(db "select controller_pid from runs where id = $id")
kill -INT "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 60 ]; do
	sleep 1
	i=$((i + 1))
done
ok "$(kill -0 "$pid" 2>/dev/null; [ $? -ne 0 ]; echo $?)" "the controller ended after SIGINT"
is "$(db "select state from runs where id = $id")" stopped "the run ended as stopped"
samples=$(db "select samples from runs where id = $id")
ok "$([ "$samples" -gt 0 ]; echo $?)" "results up to the stop were kept ($samples)"
is "$(db "select jtl_records from runs where id = $id")" "$samples" \
    "every record in the JTL was ingested"
is "$(jmeters "$id" | wc -l)" 0 "no JMeter of the run is left"
is "$(db "select count(*) from reservations")" 0 "the agent was released"
like "$(cat "$JMX_HOME/runs/$id/controller.log")" "run $id stopped" \
    "the detached controller logged its summary"

# An sshd without the SFTP subsystem (a second one on a3, port 2222): the
# agent is refused at validation, before anything is shipped or started.
sed -e '/^Subsystem/d' -e 's/^ListenAddress .*/ListenAddress '"$JMX_BED_ADDR_a3"':2222/' \
    -e "s#^PidFile .*#PidFile $TEST_DIR/nosftp.pid#" \
    "$JMX_BED_DIR/a3/sshd_config" >"$TEST_DIR/nosftp_sshd_config"
ip netns exec jmx-a3 /usr/sbin/sshd -f "$TEST_DIR/nosftp_sshd_config" -E \
    "$TEST_DIR/nosftp_sshd.log"
i=0
while [ ! -s "$TEST_DIR/nosftp.pid" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
cat >"$TEST_DIR/nosftp.yaml" <<YAML
defaults:
  user: $JMX_BED_USER
  key: $JMX_BED_KEY
  known_hosts: $JMX_BED_KNOWN_HOSTS
  jmeter_home: $JMETER_HOME
agents:
  - {name: nosftp, host: $JMX_BED_ADDR_a3, port: 2222}
tests:
  smoke:
    plan: $JMX_SRCDIR/share/plans/http-get.jmx
    threads: 2
    duration: 5s
    properties: {host: $JMX_BED_TARGET, think: 50}
YAML
runs_before=$(db "select count(*) from runs")
run "$JMX_RUN" --config "$TEST_DIR/nosftp.yaml" --agents nosftp smoke
is "$RC" 3 "an agent without SFTP: exit 3"
like "$ERR$OUT" "nosftp.*(SFTP|sftp)" "the agent and SFTP are named"
is "$(db "select count(*) from runs")" "$runs_before" "no run was started"
is "$(leftovers)" "" "nothing was shipped to it"
kill "$(cat "$TEST_DIR/nosftp.pid")" 2>/dev/null

done_testing

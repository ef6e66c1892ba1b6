#!/bin/sh
# The JMeter stand-in of the fleet benchmarks (bench/standin) speaks
# jmx-run's protocol: a 2-agent fleet (tests/bed/fleet.sh; both agents in
# one namespace, on ports 22 and 2201, so two stand-ins share its UDP
# control ports) runs 5 s at 500 records/s each.  Probe, sync start and
# ingestion go through SSH and SFTP as with JMeter; the totals are exact
# and match the JTLs, whose header is JMeter's default.  A run stopped
# with jmx-run stop ends early through the stand-in's control port.
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "the fleet needs root"
# One fleet at a time (bench/fleet.sh and bench/soak.sh take it too).
JMX_BED_LOCK=/tmp/jmx-fleet.lock bed_lock
FLEET=$JMX_SRCDIR/tests/bed/fleet.sh
JMX_FLEET_NS_MAX=1 "$FLEET" up 2 >"$TEST_DIR/fleet.log" 2>&1 ||
    bail "fleet did not come up: $(tail -3 "$TEST_DIR/fleet.log")"
trap '"$FLEET" down >/dev/null 2>&1' EXIT
eval "$("$FLEET" env)"

# The home must be readable by the agents' user.
chmod 755 "$TEST_DIR"
standin=$TEST_DIR/standin
sh "$JMX_SRCDIR/bench/standin/make-home.sh" "$standin" >"$TEST_DIR/cc.log" 2>&1
ok $? "the stand-in home builds"

conf=$TEST_DIR/jmx.yaml
{
	"$FLEET" config "$standin"
	echo "tests:"
	echo "  fleet:"
	echo "    plan: $JMX_SHARE/plans/http-get.jmx"
	echo "    properties: {standin.rate: 500}"
} >"$conf"

run "$JMX_RUN" --config "$conf" --json --threads 2 --duration 5s --ramp 0 fleet
is "$RC" 0 "a 2-agent stand-in run exits 0"
echo "$OUT" >"$TEST_DIR/run.json"
is "$(json_get "$TEST_DIR/run.json" 'd["state"]')" completed "it completes"
is "$(json_get "$TEST_DIR/run.json" 'd["samples"]')" 5000 \
    "2 agents x 500/s x 5 s: 5000 samples stored"
is "$(json_get "$TEST_DIR/run.json" 'd["jtl_records"]')" 5000 \
    "and 5000 records in the JTLs"
is "$(json_get "$TEST_DIR/run.json" '[a["samples"] for a in d["agents"]]')" \
    "[2500, 2500]" "each agent wrote its share"
is "$(json_get "$TEST_DIR/run.json" 'd["skew_ms"] < 1000')" True \
    "the agents started together (sync start)"

id=$(json_get "$TEST_DIR/run.json" 'd["run_id"]')
run_archive "$id" "$TEST_DIR/arch"
is "$(cat "$TEST_DIR"/arch/f*/*/results.jtl | grep -vc '^timeStamp')" 5000 \
    "the archived JTLs hold 5000 records"
is "$(head -1 "$TEST_DIR"/arch/f1/*/results.jtl)" \
    "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect" \
    "with JMeter's default header"
like "$(cat "$TEST_DIR"/arch/f*/*/jmeter.log)" "jmx-sync: ready" \
    "the stand-ins waited at the sync point"

# Stop: jmx-run sends Shutdown to the control port; the stand-in ends.
"$JMX_RUN" --config "$conf" --json --threads 2 --duration 60s --ramp 0 \
    fleet >"$TEST_DIR/stop.json" 2>"$TEST_DIR/stop.err" &
pid=$!
i=0
while [ "$(sqlite3 "$JMX_HOME/jmx.db" \
    "select state from runs where id = $((id + 1))" 2>/dev/null)" != running ] &&
    [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 2
"$JMX_RUN" --config "$conf" stop $((id + 1)) >/dev/null 2>&1
t=0
while kill -0 "$pid" 2>/dev/null && [ $t -lt 300 ]; do
	sleep 0.1
	t=$((t + 1))
done
ok $((t >= 300)) "a stopped stand-in run ends within 30 s, not 60"
wait "$pid"
is "$(json_get "$TEST_DIR/stop.json" 'd["samples"] == d["jtl_records"] > 0')" \
    True "the stopped run's samples match its JTLs"
run_archive $((id + 1)) "$TEST_DIR/arch2"
like "$(cat "$TEST_DIR"/arch2/f*/*/jmeter.log)" \
    "Command: (Shutdown|StopTestNow) received" "told over its UDP control port"
like "$(cat "$TEST_DIR"/arch2/f*/*/jmeter.out)" "port 4446" \
    "the second stand-in in the namespace took the next port, as JMeter does"
done_testing

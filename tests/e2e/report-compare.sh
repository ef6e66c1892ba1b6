#!/bin/sh
# Real runs on the bed, compared: a 2-agent run against itself is no
# regression (exit 0); a run against the same target made slower (20 ms
# more network delay at the target, tc netem) is one (exit 1), named by
# label and metric in JUnit XML; history lists both, trend sees them.
. "$(dirname "$0")/../lib.sh"

[ -x "$JMETER_HOME/bin/jmeter" ] || skip_all "no JMeter in $JMETER_HOME"
bed_up 2
conf=$TEST_DIR/jmx.yaml
bed_config "$conf" 1 1
cat >>"$conf" <<YAML
tests:
  cmp:
    plan: $JMX_SRCDIR/share/plans/http-get.jmx
    threads: 4
    duration: 8s
    ramp: 1s
    properties: {host: $JMX_BED_TARGET, think: 20}
YAML
export JMX_AGENT_HEAP="-Xms128m -Xmx256m"

# The target's delay, only while this test holds the bed; always undone.
slow_off() {
	ip netns exec jmx-target tc qdisc del dev eth0 root 2>/dev/null
	return 0
}
trap 'slow_off' EXIT
slow_off

run "$JMX_RUN" --config "$conf" --json cmp
is "$RC" 0 "the first run exits 0"
[ "$RC" -eq 0 ] || diag "$ERR"
echo "$OUT" >"$TEST_DIR/a.json"
a=$(json_get "$TEST_DIR/a.json" 'd["run_id"]')
is "$(json_get "$TEST_DIR/a.json" 'len(d["agents"]) if "agents" in d else 2')" \
    2 "two agents"

run "$JMX_REPORT" --config "$conf" compare "$a" "$a"
is "$RC" 0 "a run against itself: exit 0"
like "$OUT" 'No regression beyond tolerance' "... no regression"

ip netns exec jmx-target tc qdisc add dev eth0 root netem delay 20ms ||
    bail "cannot add a delay at the target (tc netem)"
run "$JMX_RUN" --config "$conf" --json cmp
slow_off
is "$RC" 0 "the run against the slower target exits 0"
echo "$OUT" >"$TEST_DIR/b.json"
b=$(json_get "$TEST_DIR/b.json" 'd["run_id"]')
ok "$([ "$(json_get "$TEST_DIR/b.json" 'd["total"]["p95"]')" -ge 20 ];
    echo $?)" "its p95 is 20 ms or more"

out=$TEST_DIR/cmp
run "$JMX_REPORT" --config "$conf" compare -o "$out" "$a" "$b"
is "$RC" 1 "slower target: exit 1"
like "$OUT" 'TOTAL +p95 .* REGRESSION' "... p95 of the total regressed"
like "$OUT" 'GET / +p95 .* REGRESSION' "... p95 of the label regressed"
like "$(cat "$out/junit.xml")" \
    "classname=\"compare.run$b\" name=\"GET / p95\"><failure" \
    "junit.xml names the label and the metric"
is "$(json_get "$out/compare.json" 'd["comparisons"][0]["regressions"] > 0')" \
    True "compare.json counts the regressions"

"$JMX_REPORT" --config "$conf" baseline set "$a" >/dev/null
run "$JMX_REPORT" --config "$conf" compare --baseline "$b"
is "$RC" 1 "--baseline: the slow run against the first, exit 1"

run "$JMX_REPORT" --config "$conf" --json history --case cmp
is "$(printf '%s' "$OUT" | python3 -c '
import json, sys
print([(r["run_id"], r["state"], r["agents"], r["baseline"])
       for r in json.load(sys.stdin)["runs"]])')" \
    "[($a, 'completed', 2, True), ($b, 'completed', 2, False)]" \
    "history: both runs, completed, two agents, the baseline marked"

done_testing

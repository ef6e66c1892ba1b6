#!/bin/sh
# jmeter-plugins on three real agents weighted 3:2:1: a Concurrency Thread
# Group (9 threads in 3 steps over 6 s) paced by a plan-level Throughput
# Shaping Timer (20/s for 12 s, then 40/s for 12 s, then the test stops).
# The agents use a JMeter home with the plugins (tools/install-jmeter.sh
# --plugins, kept apart from the JMeter other tests use).  The split gives
# 5/3/1 threads and scales the shaper by 3/6, 2/6, 1/6; the aggregate
# concurrency (the agents' allThreads) and throughput follow the plan:
# 9 threads every second of the hold, and each row's rate within 15%.
# An agent whose JMeter lacks the plugins is refused at validation.
. "$(dirname "$0")/../lib.sh"

[ -x "$JMETER_HOME/bin/jmeter" ] || skip_all "no JMeter in $JMETER_HOME"
plugins_home=${JMX_PLUGINS_HOME:-$JMETER_HOME-plugins}
# Before the bed lock: a first install takes about a minute.
"$JMX_SRCDIR/tools/install-jmeter.sh" --plugins casutg,tst \
    "$plugins_home" >"$TEST_DIR/install.log" 2>&1 ||
    skip_all "no jmeter-plugins in $plugins_home: $(tail -1 "$TEST_DIR/install.log")"
bed_up 3
conf=$TEST_DIR/jmx.yaml
bed_config "$TEST_DIR/base.yaml" 3 2 1
sed "s|jmeter_home: .*|jmeter_home: $plugins_home|" "$TEST_DIR/base.yaml" >"$conf"
tests="tests:
  shaped:
    plan: $JMX_SRCDIR/tests/data/plans/plugins-e2e.jmx
    properties: {host: $JMX_BED_TARGET}"
echo "$tests" >>"$conf"
export JMX_AGENT_HEAP="-Xms128m -Xmx256m"

# An agent without the plugins: refused before anything starts.
awk -v home="$JMETER_HOME" '/- name: a3/ { print; print "    jmeter_home: " home; next } { print }' \
    "$conf" >"$TEST_DIR/missing.yaml"
run "$JMX_RUN" --config "$TEST_DIR/missing.yaml" shaped
is "$RC" 3 "an agent without the plugins: exit 3"
like "$ERR" "a3.*lacks plugin casutg \\(lib/ext/jmeter-plugins-casutg-\\*\\.jar\\) for ConcurrencyThreadGroup 'Users'" \
    "the refusal names the agent, the plugin and the element"
like "$ERR" "install-jmeter.sh --plugins casutg" "and how to add it"
is "$(db 'select count(*) from runs where state = '"'"'running'"'"'' 2>/dev/null || echo 0)" 0 \
    "nothing runs"
is "$(leftovers)" "" "nothing left on the agents"

run "$JMX_RUN" --config "$conf" --dry-run --json shaped
is "$RC" 0 "dry run exits 0"
echo "$OUT" >"$TEST_DIR/dry.json"
is "$(json_get "$TEST_DIR/dry.json" '[[g["threads"] for g in a["thread_groups"]] for a in d["agents"]]')" \
    "[[5], [3], [1]]" "TargetLevel 9 over 3:2:1 is 5/3/1"

run "$JMX_RUN" --config "$conf" --json shaped
is "$RC" 0 "the run exits 0"
[ "$RC" -eq 0 ] || diag "$ERR"
echo "$OUT" >"$TEST_DIR/run.json"
id=$(json_get "$TEST_DIR/run.json" 'd["run_id"]')
is "$(json_get "$TEST_DIR/run.json" 'd["state"]')" completed "state completed"
run_archive "$id" "$TEST_DIR/agents"

# Per agent and second from the first sample of the run: samples and the
# largest allThreads (columns found by name).
t0=$(cat "$TEST_DIR"/agents/a*/*/results.jtl | awk -F, '$1 ~ /^[0-9]+$/ &&
    (m == "" || $1 < m) { m = $1 } END { print m }')
for a in a1 a2 a3; do
	awk -F, -v t0="$t0" -v a=$a 'NR == 1 { for (i = 1; i <= NF; i++)
	    if ($i == "allThreads") c = i; next }
	    { s = int(($1 - t0) / 1000); n[s]++; if ($c > m[s]) m[s] = $c }
	    END { for (s in n) print a, s, n[s], m[s] }' \
	    "$TEST_DIR"/agents/$a/*/results.jtl
done >"$TEST_DIR/seconds"
for a in a1 a2 a3; do
	case $a in a1) want=5 ;; a2) want=3 ;; a3) want=1 ;; esac
	is "$(awk -v a=$a '$1 == a && $4 > m { m = $4 } END { print m + 0 }' \
	    "$TEST_DIR/seconds")" "$want" "$a: at most $want threads (allThreads)"
done
# Aggregate concurrency: the agents' allThreads summed, each second of
# the hold (from 8 s, the ramp done, to 22 s).
bad=$(awk '$2 >= 8 && $2 <= 22 { c[$2] += $4 } END { for (s in c)
    if (c[s] != 9) printf "%s:%d ", s, c[s] }' "$TEST_DIR/seconds")
is "$bad" "" "aggregate concurrency 9 every second of the hold"
# Throughput, past the first second of each row (the timer's start).
rate() {	# rate FROM TO: samples a second over seconds [FROM, TO)
	awk -v f="$1" -v t="$2" '$2 >= f && $2 < t { n += $3 }
	    END { printf "%.1f\n", n / (t - f) }' "$TEST_DIR/seconds"
}
r1=$(rate 2 11)
r2=$(rate 14 23)
diag "aggregate rate: $r1/s (plan 20), then $r2/s (plan 40)"
ok "$(awk -v r="$r1" 'BEGIN { exit !(r >= 17 && r <= 23) }'; echo $?)" \
    "first row: 20/s within 15% ($r1)"
ok "$(awk -v r="$r2" 'BEGIN { exit !(r >= 34 && r <= 46) }'; echo $?)" \
    "second row: 40/s within 15% ($r2)"
is "$(leftovers)" "" "nothing left on the agents"

done_testing

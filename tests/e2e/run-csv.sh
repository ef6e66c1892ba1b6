#!/bin/sh
# --data users.csv:split: each agent gets its own slice of the rows, so
# across the fleet every row is used once and no row by two agents.
. "$(dirname "$0")/../lib.sh"

[ -x "$JMETER_HOME/bin/jmeter" ] || skip_all "no JMeter in $JMETER_HOME"
bed_up 3
conf=$TEST_DIR/jmx.yaml
bed_config "$conf" 2 1 1
cp "$JMX_SRCDIR/tests/data/plans/csv-echo.jmx" "$TEST_DIR/plan.jmx"
{
	echo user
	i=1
	while [ $i -le 40 ]; do
		echo "u$i"
		i=$((i + 1))
	done
} >"$TEST_DIR/users.csv"
cat >>"$conf" <<YAML
tests:
  rows:
    plan: $TEST_DIR/plan.jmx
    thresholds:
      - {metric: error_pct, op: "<=", value: 0}
      - {metric: samples, op: ">=", value: 1000}
YAML
export JMX_AGENT_HEAP="-Xms128m -Xmx256m"

"$BED" clear-log >/dev/null
# 4 threads split 2/1/1; loops without end: threads stop at end of file.
run "$JMX_RUN" --config "$conf" --json --threads 4 --data "$TEST_DIR/users.csv:split" \
    -J host="$JMX_BED_TARGET" -J loops=-1 -J think=0 -J ramp=0 rows
is "$RC" 1 "the run completed but a threshold failed: exit 1"
[ "$RC" -eq 1 ] || diag "$ERR"
echo "$OUT" >"$TEST_DIR/run.json"
is "$(json_get "$TEST_DIR/run.json" 'd["state"]')" completed "state completed"
is "$(json_get "$TEST_DIR/run.json" 'd["verdict"]')" failed "verdict failed"
is "$(json_get "$TEST_DIR/run.json" '[(t["metric"], t["actual"], t["pass"]) for t in d["thresholds"]]')" \
    "[('error_pct', 0, True), ('samples', 40, False)]" "each threshold with what was measured"
id=$(json_get "$TEST_DIR/run.json" 'd["run_id"]')

# Which rows each agent used, from the echo URLs in its own JTL.
run_archive "$id" "$TEST_DIR/agents"
for a in a1 a2 a3; do
	cat "$TEST_DIR"/agents/$a/*/results.jtl | grep -o 'user=u[0-9]*' | sort >"$TEST_DIR/$a.rows"
done
is "$(wc -l <"$TEST_DIR/a1.rows")" 20 "a1 (weight 2) used 20 rows"
is "$(wc -l <"$TEST_DIR/a2.rows")" 10 "a2 (weight 1) used 10 rows"
is "$(wc -l <"$TEST_DIR/a3.rows")" 10 "a3 (weight 1) used 10 rows"
is "$(cat "$TEST_DIR"/a?.rows | sort | uniq -d | wc -l)" 0 "no row used twice"
is "$(cat "$TEST_DIR"/a?.rows | sort -u | wc -l)" 40 "every row used"
is "$(grep -c 'user=user' "$TEST_DIR"/agents/*/*/results.jtl | awk -F: '{ s += $2 } END { print s }')" 0 \
    "the header row was never sent as data"
# The target saw the same: 40 distinct rows, each once.
grep -o 'args="user=u[0-9]*"' "$JMX_BED_ACCESS_LOG" | sort >"$TEST_DIR/nginx.rows"
is "$(wc -l <"$TEST_DIR/nginx.rows")" 40 "nginx got 40 requests"
is "$(sort -u "$TEST_DIR/nginx.rows" | wc -l)" 40 "nginx saw each row once"
is "$(json_get "$TEST_DIR/run.json" 'd["total"]["count"]')" 40 "40 samples stored"

done_testing

#!/bin/sh
# --data users.csv:split: each agent gets its own slice of the rows, so
# across the fleet every row is used once and no row by two agents; and
# across a pause each agent's resumed JMeter goes on after the rows its
# first one used, so no row is used twice in the run.
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
  many:
    plan: $TEST_DIR/plan.jmx
    threads: 4
    duration: 16s
    ramp: 0
    properties: {host: $JMX_BED_TARGET, loops: -1, think: 40}
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

# Across a pause: 5,000 unique rows (u1 .. u5000), far more than the run
# uses, the first JMeters paused mid-way and new ones started.
mkdir "$TEST_DIR/big"
awk 'BEGIN { print "user"; for (i = 1; i <= 5000; i++) print "u" i }' \
    >"$TEST_DIR/big/users.csv"
"$BED" clear-log >/dev/null
id=$("$JMX_RUN" --config "$conf" --detach --data "$TEST_DIR/big/users.csv:split" many)
wait_db "select coalesce(sum(count), 0) from buckets where run_id = $id" 0
pid=$(db "select controller_pid from runs where id = $id")
sleep 4
run "$JMX_RUN" pause "$id"
is "$RC" 0 "pause: exit 0"
[ "$RC" -eq 0 ] || diag "$ERR"
is "$(db "select count(*) from segments where run_id = $id and gen = 0
    and data_pos like '1:%'")" 3 "each paused segment's rows are stored"
sleep 2
run "$JMX_RUN" resume "$id"
is "$RC" 0 "resume: exit 0"
[ "$RC" -eq 0 ] || diag "$ERR"
wait_gone "$pid"
is "$(db "select state from runs where id = $id")" completed "the run completed"
is "$(db "select count(*) from segments where run_id = $id")" 6 \
    "3 agents x 2 segments"

# The row each record used: the user in its URL, and the row number
# JMeter wrote beside it (sample variable jmx_row_1).
rm -rf "$TEST_DIR/agents"
run_archive "$id" "$TEST_DIR/agents"
rows() {	# rows SEGMENT: "N jmx_row_1" per record, from its JTL
	python3 - "$(echo "$TEST_DIR"/agents/*/"$1"/results.jtl)" <<'PY'
import csv, re, sys
r = csv.DictReader(open(sys.argv[1], newline=''))
for rec in r:
    m = re.search(r'user=u([0-9]+)', rec.get('URL') or '')
    print(m.group(1) if m else '-', rec.get('jmx_row_1', '-'))
PY
}
bad=0
for a in a1 a2 a3; do
	s0=$(db "select id from segments where run_id = $id and agent = '$a' and gen = 0")
	s1=$(db "select id from segments where run_id = $id and agent = '$a' and gen = 1")
	rows "$s0" >"$TEST_DIR/$a.0"
	rows "$s1" >"$TEST_DIR/$a.1"
	bad=$((bad + $(cat "$TEST_DIR/$a.0" "$TEST_DIR/$a.1" | awk '$1 != $2' | wc -l)))
	max0=$(awk '$1 > m { m = $1 } END { print m + 0 }' "$TEST_DIR/$a.0")
	min1=$(awk 'NR == 1 || $1 < m { m = $1 } END { print m + 0 }' "$TEST_DIR/$a.1")
	n1=$(wc -l <"$TEST_DIR/$a.1")
	ok "$([ "$max0" -gt 0 ] && [ "$n1" -gt 0 ]; echo $?)" \
	    "$a: rows used before ($max0 the highest) and after the pause ($n1)"
	is "$(db "select data_pos from segments where id = $s0")" \
	    "1:$max0:$(tail -1 "$TEST_DIR/$a.0" | cut -d' ' -f1)" \
	    "$a: stored position: the highest and the latest row"
	# Rows read by threads that stopped unsampled are given again; a
	# row sampled is never: the first after the pause is the next.
	ok "$([ "$min1" -gt "$max0" ] && [ "$min1" -le $((max0 + 4)) ]; echo $?)" \
	    "$a: after the pause rows go on from $((max0 + 1)) (first $min1)"
done
is "$bad" 0 "each record's row number is its row of the file"
cat "$TEST_DIR"/a?.[01] | cut -d' ' -f1 | sort -n >"$TEST_DIR/all.rows"
is "$(uniq -d "$TEST_DIR/all.rows" | wc -l)" 0 "no row used twice in the run"
# Each agent keeps to its slice: weights 2:1:1 of 5,000 rows.
is "$(awk '$1 < 1 || $1 > 2500' "$TEST_DIR/a1.0" "$TEST_DIR/a1.1" | wc -l)" 0 \
    "a1 used rows 1..2500 only"
is "$(awk '$1 <= 2500 || $1 > 3750' "$TEST_DIR/a2.0" "$TEST_DIR/a2.1" | wc -l)" 0 \
    "a2 used rows 2501..3750 only"
is "$(awk '$1 <= 3750 || $1 > 5000' "$TEST_DIR/a3.0" "$TEST_DIR/a3.1" | wc -l)" 0 \
    "a3 used rows 3751..5000 only"
# The target saw the same: every request a row of its own.
grep -o 'args="user=u[0-9]*"' "$JMX_BED_ACCESS_LOG" | sort >"$TEST_DIR/nginx.rows"
is "$(wc -l <"$TEST_DIR/nginx.rows")" "$(wc -l <"$TEST_DIR/all.rows")" \
    "nginx got one request per record"
is "$(uniq -d "$TEST_DIR/nginx.rows" | wc -l)" 0 "nginx saw no row twice"
is "$(grep -c 'user=user' "$JMX_BED_ACCESS_LOG")" 0 \
    "the header row was never sent as data, before or after the pause"

# A JMeter killed mid-run: its part's takers go on after the rows it
# used (and one per thread it may have had in use unseen), in its slice.
"$BED" clear-log >/dev/null
"$JMX_RUN" --config "$conf" --json --data "$TEST_DIR/big/users.csv:split" \
    many >"$TEST_DIR/kill.json" 2>"$TEST_DIR/kill.err" &
pid=$!
wait_db "select count(*) from segments where run_id > $id and agent = 'a2'
    and state = 'running'" 0
id=$(db "select max(run_id) from segments")
wait_db "select coalesce(sum(count), 0) from buckets where run_id = $id" 0
sleep 3
kill -9 $(java_of "$id" a2)
wait "$pid"
is "$?" 0 "a JMeter killed, its load moved: exit 0"
[ -s "$TEST_DIR/kill.err" ] && diag "$(tail -3 "$TEST_DIR/kill.err")"
lost=$(db "select id from segments where run_id = $id and agent = 'a2'")
moved=$(db "select detail from events where run_id = $id and
    kind = 'share_moved'")
like "$moved" "^1 of 1 threads moved to a[13] \(1\); load back" \
    "a2's thread moved"
is "$(echo "$moved" | grep -c reused)" 0 "no data rows reused: $moved"
rm -rf "$TEST_DIR/agents"
run_archive "$id" "$TEST_DIR/agents"
rows "$lost" >"$TEST_DIR/lost.rows"
: >"$TEST_DIR/takers.rows"
for seg in $(db "select id from segments where run_id = $id and replaces = $lost"); do
	rows "$seg" >>"$TEST_DIR/takers.rows"
done
maxl=$(awk '$1 > m { m = $1 } END { print m + 0 }' "$TEST_DIR/lost.rows")
minm=$(awk 'NR == 1 || $1 < m { m = $1 } END { print m + 0 }' "$TEST_DIR/takers.rows")
ok "$([ "$maxl" -gt 2500 ] && [ -s "$TEST_DIR/takers.rows" ]; echo $?)" \
    "a2 used rows (to $maxl), then its takers"
ok "$([ "$minm" -gt "$maxl" ] && [ "$minm" -le $((maxl + 3)) ]; echo $?)" \
    "the takers go on after row $maxl, one skipped (first $minm)"
is "$(awk '$1 <= 2500 || $1 > 3750' "$TEST_DIR/takers.rows" | wc -l)" 0 \
    "the takers keep to a2's slice"
for seg in $(db "select id from segments where run_id = $id"); do
	rows "$seg"
done | cut -d' ' -f1 | sort -n | uniq -d >"$TEST_DIR/dup.rows"
is "$(wc -l <"$TEST_DIR/dup.rows")" 0 "no row used twice across the takeover"
grep -o 'args="user=u[0-9]*"' "$JMX_BED_ACCESS_LOG" | sort | uniq -d \
    >"$TEST_DIR/nginx.dup"
is "$(wc -l <"$TEST_DIR/nginx.dup")" 0 "nginx saw no row twice"

done_testing

#!/bin/sh
# jmx-run on three real agents weighted 3:2:1: the split adds up, each
# agent's JMeter ran exactly its share (grpThreads in its own JTL), and
# the database holds exactly the records of the agents' JTLs.
. "$(dirname "$0")/../lib.sh"

[ -x "$JMETER_HOME/bin/jmeter" ] || skip_all "no JMeter in $JMETER_HOME"
bed_up 3
conf=$TEST_DIR/jmx.yaml
bed_config "$conf" 3 2 1
cat >>"$conf" <<YAML
tests:
  weighted:
    plan: $JMX_SRCDIR/share/plans/http-get.jmx
    threads: 12
    duration: 8s
    ramp: 0
    properties: {host: $JMX_BED_TARGET, think: 20}
YAML
export JMX_AGENT_HEAP="-Xms128m -Xmx256m"

# The split, shown and not started.
run "$JMX_RUN" --config "$conf" --dry-run --json weighted
is "$RC" 0 "dry run exits 0"
echo "$OUT" >"$TEST_DIR/dry.json"
is "$(json_get "$TEST_DIR/dry.json" '[(a["name"], a["weight"], [(g["name"], g["threads"]) for g in a["thread_groups"]]) for a in d["agents"]]')" \
    "[('a1', 3, [('Users', 6)]), ('a2', 2, [('Users', 4)]), ('a3', 1, [('Users', 2)])]" \
    "dry run: 12 threads split 6/4/2 by weight 3:2:1"
is "$(db 'select count(*) from runs' 2>/dev/null || echo 0)" 0 "dry run records no run"
is "$(leftovers)" "" "dry run leaves nothing on the agents"

# --threads x2 scales the test case's 12 (not the plan's 2); a dry run
# with a work_dir that does not exist yet only looks, makes nothing.
wd=/tmp/jmx-dry-$$
sed "s|^defaults:|defaults:\\n  work_dir: $wd/work|" "$conf" >"$TEST_DIR/wd.yaml"
run "$JMX_RUN" --config "$TEST_DIR/wd.yaml" --dry-run --json --threads x2 weighted
is "$RC" 0 "dry run --threads x2 exits 0"
echo "$OUT" >"$TEST_DIR/dry2.json"
is "$(json_get "$TEST_DIR/dry2.json" '[[g["threads"] for g in a["thread_groups"]] for a in d["agents"]]')" \
    "[[12], [8], [4]]" "--threads x2 on threads: 12 gives 24, split 12/8/4"
is "$(leftovers "$wd")" "" "dry run makes no work directory on the agents"
rm -rf "$wd"

"$BED" clear-log >/dev/null
run "$JMX_RUN" --config "$conf" --json --label split-test weighted
is "$RC" 0 "the run exits 0"
echo "$OUT" >"$TEST_DIR/run.json"
[ "$RC" -eq 0 ] || diag "$ERR"
id=$(json_get "$TEST_DIR/run.json" 'd["run_id"]')
is "$(json_get "$TEST_DIR/run.json" 'd["state"]')" completed "state completed"
is "$(db "select state from runs where id = $id")" completed "database says completed"

run_archive "$id" "$TEST_DIR/agents"
for a in a1 a2 a3; do
	jtl=$(echo "$TEST_DIR"/agents/$a/*/results.jtl)
	ok "$([ -s "$jtl" ]; echo $?)" "$a: its JTL is archived"
	# grpThreads is column 12; the largest value is the group's size.
	max=$(awk -F, 'NR > 1 && $12 > m { m = $12 } END { print m + 0 }' "$jtl")
	case $a in a1) want=6 ;; a2) want=4 ;; a3) want=2 ;; esac
	is "$max" "$want" "$a ran $want threads (grpThreads in its JTL)"
	threads=$(awk -F, 'NR > 1 { print $6 }' "$jtl" | sort -u | wc -l)
	is "$threads" "$want" "$a: $want distinct JMeter threads sampled"
	grep -q jmx-sync "$jtl" && found=0 || found=1
	is "$found" 1 "$a: the sync-start group left no sample"
done

jtl_total=0
for a in a1 a2 a3; do
	n=$(($(cat "$TEST_DIR"/agents/$a/*/results.jtl | wc -l) - 1))
	jtl_total=$((jtl_total + n))
	is "$(db "select records from segments where run_id = $id and agent = '$a'")" \
	    "$n" "$a: records ingested = its JTL's records ($n)"
done
ok "$([ "$jtl_total" -gt 100 ]; echo $?)" "the agents made real load ($jtl_total samples)"
is "$(db "select sum(count) from buckets where run_id = $id")" "$jtl_total" \
    "SQLite bucket totals = sum of the JTLs' records"
is "$(json_get "$TEST_DIR/run.json" 'd["total"]["count"]')" "$jtl_total" \
    "--json total count = sum of the JTLs' records"
is "$(json_get "$TEST_DIR/run.json" 'd["jtl_records"]')" "$jtl_total" \
    "reconciled JTL record count reported"
is "$(grep -c 'uri="/"' "$JMX_BED_ACCESS_LOG")" "$jtl_total" \
    "nginx served exactly the samples recorded"
is "$(json_get "$TEST_DIR/run.json" 'sorted(d["total"].keys())')" \
    "['apdex', 'avg', 'count', 'error_pct', 'errors', 'max', 'min', 'p50', 'p90', 'p95', 'p99', 'received_kbps', 'sent_kbps', 'throughput']" \
    "--json total has the summary keys"
skew=$(db "select skew_ms from runs where id = $id")
ok "$([ "$skew" -ge 0 ]; echo $?)" "start skew measured and stored ($skew ms)"
is "$(db "select count(*) from run_agents where run_id = $id and skew_ms >= 0")" 3 \
    "each agent's start offset stored"
is "$(db "select count(*) from reservations")" 0 "agents released"
is "$(leftovers)" "" "agents' work directories removed"

# The archived JTLs are the agents' own, byte for byte: the controller
# keeps what it tails and does not download them again at the end.
run "$JMX_RUN" --config "$conf" --json --keep --duration 3s weighted
is "$RC" 0 "a run with --keep exits 0"
echo "$OUT" >"$TEST_DIR/keep.json"
kid=$(json_get "$TEST_DIR/keep.json" 'd["run_id"]')
run_archive "$kid" "$TEST_DIR/kept"
for a in a1 a2 a3; do
	seg=$(db "select id from segments where run_id = $kid and agent = '$a'")
	wd=$(db "select work_dir from segments where id = $seg")
	cmp -s "$TEST_DIR/kept/$a/$seg/results.jtl" "$wd/results.jtl"
	ok $? "$a: the archived JTL is the agent's, byte for byte"
	rm -rf "$wd"
done

# The plain summary and status.
run "$JMX_RUN" status "$id"
is "$RC" 0 "status exits 0"
like "$OUT" "run $id: completed" "status names the run and its state"

done_testing

#!/bin/sh
# jmx-report stats and import on JTL fixtures: hand-computed figures
# (labels with commas, quotes and line breaks), several files merged,
# only failures, one sample, zero samples, a truncated last record.
. "$(dirname "$0")/lib.sh"

D=$JMX_SRCDIR/tests/data/report
j() { json_get "$TEST_DIR/out" "$1"; }

run "$JMX_REPORT" stats --json "$D/hand.jtl"
is "$RC" 0 "stats --json exits 0"
is "$(j 'sorted(d["total"].keys())')" \
    "['apdex', 'avg', 'count', 'error_pct', 'errors', 'max', 'min', 'p50', 'p90', 'p95', 'p99', 'received_kbps', 'sent_kbps', 'throughput']" \
    "total has exactly the documented keys"
is "$(j '[r["label"] for r in d["labels"]]')" "['a,b', 'q \"x\"\\ny']" \
    "labels with a comma, quotes and a line break read whole"
is "$(j '[d["total"][k] for k in ("count","errors","error_pct","avg","min","max","p50","p90","p95","p99","throughput","received_kbps","sent_kbps")]')" \
    "[6, 2, 33.333, 335, 10, 1000, 200, 1000, 1000, 1000, 4.286, 4.286, 0.279]" \
    "total: hand-computed figures"
is "$(j '[d["labels"][0][k] for k in ("count","errors","avg","min","max","p50","p90","p99","throughput","received_kbps","sent_kbps")]')" \
    "[4, 1, 250, 100, 400, 200, 400, 400, 5.714, 5.714, 0.558]" \
    "label 'a,b': hand-computed figures (nearest-rank p50 = 2nd of 4)"
is "$(j '[d["labels"][1][k] for k in ("count","errors","avg","p50","p90","throughput")]')" \
    "[2, 1, 505, 10, 1000, 2]" "label with a line break: hand-computed figures"

run "$JMX_REPORT" stats --json "$D/hand-1.jtl" "$D/hand-2.jtl"
is "$(j 'd["total"]')" "$("$JMX_REPORT" stats --json "$D/hand.jtl" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" \
    "two files merged give the figures of the one file"

run "$JMX_REPORT" stats "$D/hand.jtl"
is "$RC" 0 "stats (table) exits 0"
like "$OUT" '^Total +6 +2 +33\.33% +335\.0 +10 +1000 +200 +1000' "table total line"
like "$OUT" '^Label .* APDEX$' "the table has an APDEX column"
like "$OUT" '^Total .* 0\.583$' "table total APDEX: (3 + 1/2) / 6"
like "$OUT" 'q "x"\\ny' "a line break in a label is shown as \\n"
run "$JMX_REPORT" stats --json "$D/hand.jtl"
is "$(j '[d["labels"][0]["apdex"], d["labels"][1]["apdex"], d["total"]["apdex"]]')" \
    "[0.75, 0.25, 0.583]" \
    "APDEX: 3 of 4 satisfied; 1 tolerating of 2; (3 + 1/2) / 6"

run "$JMX_REPORT" stats --json "$D/failures.jtl"
is "$RC" 0 "only failures: exits 0"
is "$(j '[d["total"][k] for k in ("count","errors","error_pct","min","max")]')" \
    "[2, 2, 100, 20, 30000]" "only failures: 100 % errors"

run "$JMX_REPORT" stats --json "$D/one.jtl"
is "$(j '[d["total"][k] for k in ("count","p50","p99","min","max","avg")]')" \
    "[1, 42, 42, 42, 42, 42]" "one sample: every percentile is it"

run "$JMX_REPORT" stats --json "$D/zero.jtl"
is "$RC" 0 "zero samples: exits 0"
is "$(j '[d["total"][k] for k in ("count","avg","p50","throughput")]')" \
    "[0, None, None, 0]" "zero samples: count 0, undefined figures null"

run "$JMX_REPORT" stats --json "$D/truncated.jtl"
is "$RC" 0 "truncated last record: exits 0"
is "$(j 'd["total"]["count"]')" 1 "truncated last record dropped"
like "$ERR" "1 truncated last record" "the dropped record is reported"

: >"$TEST_DIR/empty.jtl"
run "$JMX_REPORT" stats "$TEST_DIR/empty.jtl"
is "$RC" 2 "empty file: exit 2"
like "$ERR" "empty.jtl': empty, not a JTL file" "empty file: clear error"
run "$JMX_REPORT" stats "$TEST_DIR/nosuch.jtl"
is "$RC" 3 "missing file: exit 3"
like "$ERR" "nosuch.jtl" "missing file is named"
run "$JMX_REPORT" stats
is "$RC" 2 "stats without files: usage error"

# import: the run id alone on stdout; every other command then works.
run "$JMX_REPORT" import --name hand "$D/hand-1.jtl" "$D/hand-2.jtl"
is "$RC" 0 "import exits 0"
like "$OUT" '^[0-9]+$' "import prints the run id alone"
id=$OUT
is "$(db "select test_case, state, samples from runs where id = $id")" \
    "hand|completed|6" "the run is stored, completed, 6 samples"
is "$(db "select count(*) from segments where run_id = $id")" 2 \
    "one segment per file"
is "$(db "select sum(count) from errors where run_id = $id")" 2 \
    "failed samples stored in the errors table"
run "$JMX_REPORT" import --json "$D/one.jtl"
is "$(j 'sorted(d.keys())')" "['run_id']" "import --json: {\"run_id\": N}"

run "$JMX_REPORT" --no-charts --json show "$id"
is "$RC" 0 "show of the imported run exits 0"
dir=$(j 'd["dir"]')
is "$dir" "$JMX_HOME/runs/$id/report" "default report dir under runs/ID"
is "$(json_get "$dir/report.json" 'd["statistics"]["total"]')" \
    "$("$JMX_REPORT" stats --json "$D/hand.jtl" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" \
    "the stored run's report has the exact figures of the JTL"
is "$(json_get "$dir/report.json" 'sorted((e["label"], e["code"], e["message"], e["count"]) for e in d["errors"])')" \
    "[('a,b', '500', 'boom', 1), ('q \"x\"\\ny', '404', 'not, found', 1)]" \
    "errors by label, code and message"

run "$JMX_REPORT" show 999
is "$RC" 2 "show of an unknown run: exit 2"
like "$ERR" "no run 999" "unknown run named"
for c in compare trend; do
	run "$JMX_REPORT" $c
	is "$RC" 2 "$c without its arguments: exit 2"
	like "$ERR" "Try 'jmx-report --help'" "$c: the usage hint"
done

done_testing

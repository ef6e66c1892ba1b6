#!/bin/sh
# A real, short 3-agent run, then jmx-report show: the report directory,
# valid PNG and SVG charts, figures equal to the agents' JTLs, and
# headless Chromium loading index.html from disk for a screenshot.
. "$(dirname "$0")/../lib.sh"

[ -x "$JMETER_HOME/bin/jmeter" ] || skip_all "no JMeter in $JMETER_HOME"
command -v gnuplot >/dev/null || skip_all "no gnuplot"
bed_up 3
conf=$TEST_DIR/jmx.yaml
bed_config "$conf" 1 1 1
cat >>"$conf" <<YAML
tests:
  reported:
    plan: $JMX_SRCDIR/share/plans/http-get.jmx
    threads: 9
    duration: 10s
    ramp: 3s
    properties: {host: $JMX_BED_TARGET, think: 20}
    thresholds:
      - {metric: error_pct, op: "<", value: 1}
      - {metric: p99, op: "<", value: 60000}
YAML
export JMX_AGENT_HEAP="-Xms128m -Xmx256m"

run "$JMX_RUN" --config "$conf" --json reported
is "$RC" 0 "the run exits 0"
[ "$RC" -eq 0 ] || diag "$ERR"
echo "$OUT" >"$TEST_DIR/run.json"
id=$(json_get "$TEST_DIR/run.json" 'd["run_id"]')

run "$JMX_REPORT" --config "$conf" show "$id"
is "$RC" 0 "jmx-report show RUN exits 0"
[ "$RC" -eq 0 ] || diag "$ERR"
dir=$OUT
is "$dir" "$JMX_HOME/runs/$id/report" "prints the report directory"
report_files_ok "$dir"

# The report's figures are the run's.
is "$(json_get "$dir/report.json" 'd["statistics"]["total"]')" \
    "$(json_get "$TEST_DIR/run.json" 'd["total"]')" \
    "report.json total = jmx-run's summary"
is "$(json_get "$dir/report.json" 'sorted(a["name"] for a in d["agents"])')" \
    "['a1', 'a2', 'a3']" "three agents in the report"
is "$(json_get "$dir/report.json" 'sum(a["stats"]["count"] for a in d["agents"])')" \
    "$(json_get "$TEST_DIR/run.json" 'd["total"]["count"]')" \
    "per-agent counts add up to the total"
is "$(json_get "$dir/report.json" '[a["log_errors"] is not None for a in d["agents"]]')" \
    "[True, True, True]" "each agent's archived jmeter.log was read"
is "$(json_get "$dir/report.json" '[(t["metric"], t["pass"]) for t in d["thresholds"]]')" \
    "[('error_pct', True), ('p99', True)]" "thresholds checked"
is "$(grep -c '<testcase' "$dir/junit.xml")" 3 \
    "junit.xml: a case per threshold and per label"
like "$(json_get "$dir/report.json" '[r["rule"] for r in d["recommendations"]]')" \
    "short_steady_state" "a 10 s run is told its steady state is too short"

# --json times are RFC 3339 UTC.
like "$(json_get "$TEST_DIR/run.json" '[d["start"], d["end"]]')" \
    "^\['[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z', '[0-9-]{10}T" \
    "--json start and end are RFC 3339 UTC"

# Without --json: jmx-run's table has the columns of jmx-report's text and
# Markdown, from the same renderer, and the same total as jmx-report
# stats on the run's archived JTLs.
run "$JMX_RUN" --config "$conf" --duration 5s reported
is "$RC" 0 "a run printing its table exits 0"
printf '%s\n' "$OUT" >"$TEST_DIR/run.txt"
tid=$(sed -n 's/^run \([0-9][0-9]*\) completed: reported$/\1/p' "$TEST_DIR/run.txt")
ok "$([ -n "$tid" ]; echo $?)" "the table is headed 'run $tid completed: reported'"
text_cols() { grep -m1 '^Label ' "$1" | sed -E 's/ {2,}/|/g'; }
run_cols=$(text_cols "$TEST_DIR/run.txt")
like "$run_cols" '^Label\|Samples\|Errors\|Error %\|Avg ms\|Min\|Max\|p50\|p90\|p95\|p99\|Samples/s' \
    "jmx-run's table: label, samples, errors, avg, min, max, percentiles, throughput"
"$JMX_REPORT" --config "$conf" --no-charts show "$tid" >/dev/null 2>&1
is "$(sed -n '/^## Statistics/,$p' "$JMX_HOME/runs/$tid/report/report.md" |
    grep -m1 '^| Label |' | sed -E 's/^\| //; s/ \|$//; s/ \| /|/g')" \
    "$run_cols" \
    "report.md's statistics have jmx-run's columns"
run_archive "$tid" "$TEST_DIR/tagents"
run "$JMX_REPORT" stats $(find "$TEST_DIR/tagents" -name results.jtl)
printf '%s\n' "$OUT" >"$TEST_DIR/stats.txt"
is "$(text_cols "$TEST_DIR/stats.txt")" "$run_cols" \
    "jmx-report stats has jmx-run's columns"
# Counts and times; the rates' span is the stored buckets' against the
# JTL records', which may differ by a millisecond.
is "$(grep '^Total ' "$TEST_DIR/stats.txt" | tr -s ' ' | cut -d' ' -f1-11)" \
    "$(grep '^Total ' "$TEST_DIR/run.txt" | tr -s ' ' | cut -d' ' -f1-11)" \
    "jmx-report stats' total row = jmx-run's: counts, errors, times"
like "$(cat "$TEST_DIR/run.txt")" 'threshold p99 < 60000: ok \(measured [0-9]+\)' \
    "thresholds under the table"
like "$(cat "$TEST_DIR/run.txt")" 'verdict: passed \(0 of 2 thresholds failed\)' \
    "the verdict under the table"

if command -v chromium >/dev/null; then
	shot=$TEST_DIR/index.png
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$(mktemp -d "$TEST_DIR/chrome.XXXXXX")" \
	    --screenshot="$shot" --window-size=1280,2000 \
	    "file://$dir/index.html" >"$TEST_DIR/chromium.log" 2>&1
	ok "$([ -s "$shot" ] &&
	    [ "$(od -An -tx1 -N8 "$shot" | tr -d ' \n')" = 89504e470d0a1a0a ] &&
	    [ "$(wc -c <"$shot")" -gt 50000 ]; echo $?)" \
	    "headless Chromium renders index.html ($(wc -c <"$shot" 2>/dev/null) bytes)"
	[ -n "$JMX_KEEP_SHOT" ] && cp "$shot" "$JMX_KEEP_SHOT"
else
	echo "ok $((_tap_n + 1)) # SKIP chromium not installed"
	_tap_n=$((_tap_n + 1))
fi

done_testing

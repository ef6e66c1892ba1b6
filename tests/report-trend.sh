#!/bin/sh
# jmx-report trend on synthetic histories (generated JTLs imported as
# runs in order): a step regression at run k is found at k; one slow run
# is an anomaly and no change point; noise over several seeds raises
# nothing; partial and stopped runs are left out unless asked.
. "$(dirname "$0")/lib.sh"

GEN=$JMX_SRCDIR/tests/data/history/jtl-gen.py
D=$TEST_DIR

# import CASE SPEC...: generate the JTLs in one process, import in order.
import() {
	_case=$1
	shift
	python3 "$GEN" "$@" || bail "cannot generate JTLs"
	for _s in "$@"; do
		"$JMX_REPORT" import --name "$_case" "${_s%%:*}" >/dev/null ||
		    bail "import ${_s%%:*} failed"
	done
}

# step: runs 1-12 at one level, 13-24 25 % slower.
specs=
i=1
while [ $i -le 24 ]; do
	scale=1
	[ $i -ge 13 ] && scale=1.25
	specs="$specs $D/step$i.jtl:$((100 + i)):2000:$scale"
	i=$((i + 1))
done
import step $specs

run "$JMX_REPORT" --json trend step
is "$RC" 0 "trend exits 0"
printf '%s' "$OUT" >"$D/step.json"
python3 - "$D/step.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cp = d["change_points"]
assert len(cp) == 1, cp
c = cp[0]
assert c["run_id"] == 13 and c["previous_run_id"] == 12, c
assert c["regression"] and 15 < c["rel_pct"] < 35, c
assert c["confidence"] >= 0.95, c
assert d["anomalies"] == [], d["anomalies"]
assert len(d["runs"]) == 24 and d["metric"] == "p95"
assert any("run 13" in f for f in d["findings"]), d["findings"]
p = d["params"]
assert p["window"] == 10 and p["permutations"] == 199, p
PY
ok $? "step at run 13: one change point there, regression, no anomaly"

run "$JMX_REPORT" trend step
like "$OUT" '^ +13 .*<- change point \(\+[0-9.]+ %\)' \
    "text marks run 13 as the change point"
like "$OUT" 'Regression at run 13: p95 \+[0-9.]+ % .* runs 1-12 before, runs 13-24 after' \
    "the finding names the runs that support it"

# The other metrics: the same step in avg and p99; a label.
run "$JMX_REPORT" --json trend step --metric avg --label search
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["label"] == "search" and d["metric"] == "avg"
assert [c["run_id"] for c in d["change_points"]] == [13], d
'
ok $? "--metric avg --label search: the change at run 13"
run "$JMX_REPORT" --json trend step --metric throughput
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["change_points"] == [] and d["anomalies"] == [], d
'
ok $? "throughput did not change: nothing raised"

# One slow run (run 10 of 20, 60 % slower): an anomaly, no change point.
specs=
i=1
while [ $i -le 20 ]; do
	scale=1
	[ $i -eq 10 ] && scale=1.6
	specs="$specs $D/spike$i.jtl:$((300 + i)):2000:$scale"
	i=$((i + 1))
done
import spike $specs
run "$JMX_REPORT" --json trend spike
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["change_points"] == [], d["change_points"]
assert [a["run_id"] for a in d["anomalies"]] == [34], d["anomalies"]
a = d["anomalies"][0]
assert a["value"] > 1.4 * a["median"] and a["z"] > 3.5, a
'
ok $? "one slow run: anomaly at that run (id 34), no change point"
run "$JMX_REPORT" trend spike
like "$OUT" 'Anomaly: run 34 has p95 .* off the median .* of runs 25-33' \
    "the anomaly's finding names the runs of its window"

# Pure noise, three histories of 20 runs: nothing raised.
for seed in 1 2 3; do
	specs=
	i=1
	while [ $i -le 20 ]; do
		specs="$specs $D/noise$seed-$i.jtl:$((seed * 1000 + i)):2000"
		i=$((i + 1))
	done
	import "noise$seed" $specs
	run "$JMX_REPORT" --json trend "noise$seed"
	printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["change_points"] == [] and d["anomalies"] == [], d
'
	ok $? "noise, seed $seed: no change point, no anomaly"
	run "$JMX_REPORT" --json trend "noise$seed" --metric p99
	printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["change_points"] == [] and d["anomalies"] == [], d
'
	ok $? "noise, seed $seed, p99: nothing either"
done

# A stopped run is left out of the trend unless asked for.
db "UPDATE runs SET state = 'stopped' WHERE id = 34" ||
    bail "sqlite3 failed"
run "$JMX_REPORT" --json trend spike
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert 34 not in [r["run_id"] for r in d["runs"]], d["runs"]
assert d["anomalies"] == [], d["anomalies"]
'
ok $? "the stopped run is left out"
run "$JMX_REPORT" --json trend spike --include-partial
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = [r for r in d["runs"] if r["run_id"] == 34]
assert r and r[0]["state"] == "stopped", d["runs"]
assert [a["run_id"] for a in d["anomalies"]] == [34]
'
ok $? "--include-partial takes it, marked stopped"

# Baseline: the latest run against it.
"$JMX_REPORT" baseline set 1 >/dev/null
run "$JMX_REPORT" trend step
like "$OUT" 'Latest run 24: p95 .* \+[0-9.]+ % against the baseline run 1' \
    "a finding compares the latest run with the baseline"
like "$OUT" '^ +1 .*\(baseline\)' "the baseline run is marked"

# A chart with the marks.
if command -v gnuplot >/dev/null; then
	run "$JMX_REPORT" trend step -o "$D/trend"
	ok "$(test -s "$D/trend/trend.png" && test -s "$D/trend/trend.svg" &&
	    test -s "$D/trend/trend.json"; echo $?)" \
	    "-o: trend.png, trend.svg, trend.json"
fi

run "$JMX_REPORT" trend nosuch
is "$RC" 2 "a test case without runs: exit 2"
run "$JMX_REPORT" trend step --metric p42
is "$RC" 2 "an unknown metric: exit 2"
run "$JMX_REPORT" trend
is "$RC" 2 "no test case: exit 2"

done_testing

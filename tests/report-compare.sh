#!/bin/sh
# jmx-report compare on imported synthetic runs: one distribution twice
# is no regression (exit 0), a 15 % slower p95 is one (exit 1) named by
# label and metric in every format; tolerances from the configuration.
. "$(dirname "$0")/lib.sh"

GEN=$JMX_SRCDIR/tests/data/history/jtl-gen.py
D=$TEST_DIR
python3 "$GEN" "$D/a.jtl:1:20000" "$D/b.jtl:2:20000" \
    "$D/slow.jtl:3:20000:1.15" "$D/err.jtl:4:20000:1:0.03" ||
    bail "cannot generate JTLs"
for f in a b slow err; do
	"$JMX_REPORT" import --name shop "$D/$f.jtl" >/dev/null ||
	    bail "import $f failed"
done

run "$JMX_REPORT" compare 1 2
is "$RC" 0 "same distribution: exit 0"
like "$OUT" 'No regression beyond tolerance' "... says no regression"
is "$(printf '%s\n' "$OUT" | grep -c REGRESSION)" 0 "... no row REGRESSION"

run "$JMX_REPORT" compare 1 3
is "$RC" 1 "15 % slower: exit 1"
like "$OUT" "search +p95 .* REGRESSION" "... p95 of 'search' marked"
like "$OUT" 'TOTAL +p95 .* REGRESSION' "... p95 of the total marked"
like "$OUT" "regressions?: .*p95 of 'search' \+1[0-9]\.[0-9] %" \
    "... summary names label, metric and size"
is "$(printf '%s\n' "$OUT" | grep 'throughput' | grep -c REGRESSION)" 0 \
    "... throughput is not a regression"

run "$JMX_REPORT" compare 1 4
is "$RC" 1 "error % 0.5 -> 3: exit 1"
like "$OUT" 'TOTAL +error_pct .* REGRESSION' "... error_pct marked"

# Every format into a directory.
out=$D/cmp
run "$JMX_REPORT" compare -o "$out" 1 2 3
is "$RC" 1 "three runs, one slower: exit 1"
for f in compare.html compare.md compare.json junit.xml; do
	ok "$(test -s "$out/$f"; echo $?)" "-o writes $f"
done
python3 - "$out/compare.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = d["comparisons"]
assert d["regressions"] == c[1]["regressions"] > 0, d["regressions"]
assert c[0]["a"] == 1 and c[0]["b"] == 2 and c[0]["regressions"] == 0
row = [r for r in c[1]["rows"] if r["label"] == "search"][0]
m = row["metrics"]["p95"]
assert m["regression"] and m["tolerance"] == "+10%" and m["p"] < 0.01
assert row["cliffs_delta"] > 0
PY
ok $? "compare.json: the regression with its tolerance and p-value"
if command -v xmllint >/dev/null; then
	xmllint --noout "$out/junit.xml"
	ok $? "junit.xml is well-formed"
fi
like "$(cat "$out/junit.xml")" \
    'classname="compare.run3" name="search p95"><failure type="regression"' \
    "junit.xml: a failed test case names the label and the metric"
like "$(grep -c '<failure' "$out/junit.xml")" '^3$' \
    "junit.xml: three failures (home, search, total p95)"
like "$(cat "$out/compare.md")" '\*\*REGRESSION\*\*' \
    "compare.md marks the regression"
if command -v gnuplot >/dev/null; then
	ok "$(test -s "$out/compare-percentiles.png" &&
	    test -s "$out/compare-throughput.svg"; echo $?)" \
	    "overlay charts drawn"
	ok "$(grep -q 'src="data:image/png;base64,' "$out/compare.html";
	    echo $?)" "charts embedded in compare.html"
fi

# JSON on stdout, the same document.
run "$JMX_REPORT" --json compare 1 3
is "$RC" 1 "--json: exit 1"
printf '%s' "$OUT" | python3 -c 'import json,sys; json.load(sys.stdin)'
ok $? "--json parses"

# Tolerances of the test case: p95 +20 % lets 15 % through.
cat >"$D/jmx.yaml" <<YAML
agents:
  - name: a1
    host: 127.0.0.1
tests:
  shop:
    plan: shop.jmx
    regression:
      p95: +20%
      error_pct: +5
YAML
run "$JMX_REPORT" -c "$D/jmx.yaml" compare 1 3
is "$RC" 0 "regression: p95 +20%: 15 % slower passes"
like "$OUT" 'p95 .* \+20%' "... the tolerance shown is the test case's"
run "$JMX_REPORT" -c "$D/jmx.yaml" compare 1 4
is "$RC" 0 "error_pct +5: 2.5 points more passes"

cat >"$D/bad.yaml" <<YAML
agents:
  - name: a1
    host: 127.0.0.1
tests:
  shop:
    plan: shop.jmx
    regression:
      p95: 10%
YAML
run "$JMX_REPORT" -c "$D/bad.yaml" compare 1 3
is "$RC" 2 "a tolerance without a sign: exit 2"
like "$ERR" "bad.yaml:8:.*p95.*signed" "... names file, line and the rule"

# Baseline.
run "$JMX_REPORT" compare --baseline 3
is "$RC" 2 "--baseline without one: exit 2"
like "$ERR" "no baseline" "... says so"
"$JMX_REPORT" baseline set 1 >/dev/null
run "$JMX_REPORT" compare --baseline 3
is "$RC" 1 "--baseline 3: against run 1, exit 1"
like "$OUT" 'B: run 3 .* against A: run 1' "... run 1 is A"
run "$JMX_REPORT" compare --baseline --case shop
is "$RC" 1 "--baseline --case: the newest run (4) against it"
like "$OUT" 'B: run 4 ' "... B is run 4"

# Usage.
run "$JMX_REPORT" compare 1
is "$RC" 2 "one run: exit 2"
run "$JMX_REPORT" compare 1 x
is "$RC" 2 "not a run id: exit 2"
run "$JMX_REPORT" compare 1 99
is "$RC" 2 "no such run: exit 2"
like "$ERR" 'no run 99' "... names it"

done_testing

#!/bin/sh
# jmx-report history and baseline on imported runs: order, filters,
# imported and stopped runs marked, verdicts from the test case's
# thresholds, JSON; baselines set, shown, cleared, never a stopped run
# unless asked.
. "$(dirname "$0")/lib.sh"

GEN=$JMX_SRCDIR/tests/data/history/jtl-gen.py
D=$TEST_DIR
python3 "$GEN" "$D/a.jtl:1:2000" "$D/b.jtl:2:2000:1.2" "$D/c.jtl:3:2000" \
    "$D/d.jtl:4:2000:1:0.05" || bail "cannot generate JTLs"
"$JMX_REPORT" import --name shop "$D/a.jtl" >/dev/null &&
"$JMX_REPORT" import --name shop "$D/b.jtl" >/dev/null &&
"$JMX_REPORT" import --name login "$D/c.jtl" >/dev/null &&
"$JMX_REPORT" import --name shop "$D/d.jtl" >/dev/null ||
    bail "import failed"
# An import keeps its run's figures at once, from the summary it built.
is "$(db "SELECT group_concat(run_id || ':' || samples, ' ') FROM
    (SELECT * FROM run_figures ORDER BY run_id)")" \
    "$(db "SELECT group_concat(id || ':' || samples, ' ') FROM
    (SELECT * FROM runs ORDER BY id)")" \
    "each import's figures kept as it is stored"
# Run 2 as a run stopped half-way would be.
db "UPDATE runs SET state = 'stopped' WHERE id = 2" ||
    bail "sqlite3 failed"

cat >"$D/jmx.yaml" <<YAML
agents:
  - name: a1
    host: 127.0.0.1
tests:
  shop:
    plan: shop.jmx
    thresholds:
      - {metric: error_pct, op: "<=", value: 1}
YAML

run "$JMX_REPORT" -c "$D/jmx.yaml" history
is "$RC" 0 "history exits 0"
is "$(printf '%s\n' "$OUT" | sed -n 1p | tr -s ' ')" \
    "Run Test case Start Duration State Agents Samples Throughput p95 Error % Verdict" \
    "heading row"
is "$(printf '%s\n' "$OUT" | sed 1d | awk '{print $1}' | tr '\n' ' ')" \
    "1 2 3 4 " "runs oldest first"
like "$(printf '%s\n' "$OUT" | sed -n 2p)" \
    '^1 +shop +2023-11-14T22:13:20Z +1m00s +completed \(imported\) +1 +2000 ' \
    "run 1: case, start, duration, state, agents, samples"
like "$(printf '%s\n' "$OUT" | sed -n 3p)" 'stopped \(imported\)' \
    "run 2 is marked stopped"
like "$(printf '%s\n' "$OUT" | sed -n 2p)" ' pass$' "run 1: verdict pass"
like "$(printf '%s\n' "$OUT" | sed -n 5p)" ' fail$' "run 4 (5 % errors): fail"
like "$(printf '%s\n' "$OUT" | sed -n 4p)" ' -$' \
    "run 3 (login, no thresholds): no verdict"

run "$JMX_REPORT" history --case shop
is "$(printf '%s\n' "$OUT" | sed 1d | awk '{print $1}' | tr '\n' ' ')" \
    "1 2 4 " "--case shop"
run "$JMX_REPORT" history --state stopped
is "$(printf '%s\n' "$OUT" | sed 1d | awk '{print $1}' | tr '\n' ' ')" \
    "2 " "--state stopped"
run "$JMX_REPORT" history --limit 2
is "$(printf '%s\n' "$OUT" | sed 1d | awk '{print $1}' | tr '\n' ' ')" \
    "3 4 " "--limit 2: the newest two"
run "$JMX_REPORT" history --since 2099-01-01
is "$OUT" "no runs" "--since a future date: none"
run "$JMX_REPORT" history --since 1d
is "$(printf '%s\n' "$OUT" | sed 1d | wc -l | tr -d ' ')" 4 \
    "--since 1d: all four (imported now)"
run "$JMX_REPORT" history --since yesterday
is "$RC" 2 "--since garbage: exit 2"
run "$JMX_REPORT" history --state running-ish
is "$RC" 2 "--state unknown: exit 2"

run "$JMX_REPORT" -c "$D/jmx.yaml" --json history --case shop
is "$RC" 0 "--json exits 0"
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)["runs"]
assert [r["run_id"] for r in d] == [1, 2, 4], d
r = d[0]
for k in ("test_case", "start", "duration_ms", "state", "imported",
          "agents", "samples", "throughput", "p95", "error_pct", "verdict"):
    assert k in r, k
assert r["imported"] is True and r["samples"] == 2000
assert r["verdict"] == "pass" and d[2]["verdict"] == "fail"
assert d[1]["state"] == "stopped"
assert d[1]["p95"] > r["p95"]
'
ok $? "--json: the runs with every key"

# Baselines.
run "$JMX_REPORT" baseline show
is "$OUT" "no baselines" "no baselines at first"
run "$JMX_REPORT" baseline set 2
is "$RC" 2 "a stopped run is no baseline"
like "$ERR" 'run 2 is stopped.*--include-partial' "... says why and how"
run "$JMX_REPORT" baseline set --include-partial 2
is "$RC" 0 "--include-partial takes it"
run "$JMX_REPORT" baseline set 1
is "$OUT" "baseline of 'shop': run 1" "baseline set 1"
run "$JMX_REPORT" baseline set 3
run "$JMX_REPORT" baseline show
is "$OUT" "login: run 3
shop: run 1" "one baseline per test case"
run "$JMX_REPORT" --json baseline show shop
is "$OUT" '{"baselines":[{"test_case":"shop","run_id":1}]}' "show CASE --json"
run "$JMX_REPORT" history --case shop
like "$(printf '%s\n' "$OUT" | sed -n 2p)" '^1\* ' "history marks the baseline"
run "$JMX_REPORT" baseline clear shop
is "$OUT" "baseline of 'shop' cleared (was run 1)" "clear"
run "$JMX_REPORT" baseline show shop
is "$RC" 2 "show a cleared one: exit 2"
run "$JMX_REPORT" baseline clear shop
is "$RC" 2 "clear twice: exit 2"
run "$JMX_REPORT" baseline set 99
is "$RC" 2 "set an unknown run: exit 2"
run "$JMX_REPORT" baseline frob
is "$RC" 2 "unknown verb: exit 2"

done_testing

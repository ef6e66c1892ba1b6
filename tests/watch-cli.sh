#!/bin/sh
# jmx-watch without a test bed: which run it picks, --plain and --json
# against the database (a run stored from a JTL with hand-computed
# numbers), the exit status of each end state, usage errors, and the
# screen's fall-back to lines when it cannot draw.
. "$(dirname "$0")/lib.sh"

run "$JMX_WATCH" --plain
is "$RC" 2 "no runs: exit 2"
like "$ERR" "^jmx-watch: no runs to watch$" "no runs: said so"

run "$JMX_REPORT" import "$JMX_SRCDIR/tests/data/jtl/stats.jtl"
id=$OUT
run "$JMX_WATCH" --plain
is "$RC" 0 "an ended, completed run: one line, exit 0"
like "$ERR" "no active run; run $id has ended \(completed\)" \
    "no active run: says which run it shows instead"
like "$OUT" "^event [0-9T:-]+Z imported: .*stats.jtl \[jmx-report\]$" \
    "--plain: the events, with who did it"
like "$OUT" "Z run $id completed elapsed .* samples 14 errors 2 .* p95 2000ms" \
    "--plain: the final state and the stored numbers"
is "$(printf '%s\n' "$OUT" | grep -vc '^event ')" 1 \
    "--plain: an ended run is one line"

run "$JMX_WATCH" --json "$id"
is "$RC" 0 "--json: exit 0"
printf '%s\n' "$OUT" >"$TEST_DIR/w.json"
is "$(wc -l <"$TEST_DIR/w.json")" 1 "--json: one line"
is "$(json_get "$TEST_DIR/w.json" \
    '[d["state"], d["ended"], d["samples"], d["errors"],
    d["total"]["count"]]')" \
    "['completed', True, 14, 2, 14]" "--json: header and total"
# Hand-computed in tests/data/jtl/stats.jtl: Home's 10 samples.
is "$(json_get "$TEST_DIR/w.json" \
    '[(l["label"], l["count"], l["errors"], l["p50"], l["p90"], l["p95"])
    for l in d["labels"] if l["label"] == "Home"]')" \
    "[('Home', 10, 1, 300, 600, 2000)]" "--json: a label's percentiles"
is "$(json_get "$TEST_DIR/w.json" '" ".join("%s=%d" % (l["label"],
    l["count"]) for l in d["labels"])')" \
    "$(db "select group_concat(n, ' ') from (select l.name || '=' ||
    sum(b.count) n from buckets b join labels l on l.id = b.label_id
    where b.run_id = $id group by l.name order by l.name)" | tr '\n' '\n')" \
    "--json: every label's count as stored"
is "$(json_get "$TEST_DIR/w.json" \
    '[(a["name"], a["state"], a["samples"]) for a in d["agents"]]')" \
    "[('stats.jtl', 'done', 14)]" "--json: the agent"
is "$(json_get "$TEST_DIR/w.json" '[e["kind"] for e in d["events"]]')" \
    "['imported']" "--json: the events"

# The exit status is the end state's, as jmx-run's.
for st in completed:0 partial:4 stopped:4 failed:3; do
	db "update runs set state = '${st%:*}' where id = $id"
	run "$JMX_WATCH" --plain "$id"
	is "$RC" "${st#*:}" "a run that ended ${st%:*}: exit ${st#*:}"
done

# A run without a live controller that has not ended: exit 3, said.
db "update runs set state = 'running', heartbeat_ms = 1 where id = $id"
run "$JMX_WATCH" --plain --interval 100ms
is "$RC" 3 "no live controller: exit 3"
like "$ERR" \
    "run $id has no live controller; take it over with 'jmx-run attach $id'" \
    "no live controller: said, with what to do"
is "$(printf '%s\n' "$OUT" | grep -c " run $id running ")" 3 \
    "no live controller: three looks before giving up"

# Usage errors.
run "$JMX_WATCH" --interval 0
is "$RC" 2 "--interval 0: exit 2"
like "$ERR" "--interval: '0' is not a duration" "--interval 0: said"
run "$JMX_WATCH" --window x
is "$RC" 2 "--window x: exit 2"
run "$JMX_WATCH" 1 2
is "$RC" 2 "two runs: exit 2"
run "$JMX_WATCH" --plain abc
is "$RC" 2 "a run id that is not a number: exit 2"
run "$JMX_WATCH" --plain 99
is "$RC" 2 "an unknown run: exit 2"
like "$ERR" "no run 99" "an unknown run is named"

# On a terminal that cannot draw (TERM=dumb) it prints lines.
db "update runs set state = 'completed' where id = $id"
if command -v script >/dev/null; then
	TERM=dumb script -qec "$JMX_WATCH $id" /dev/null >"$TEST_DIR/tty" 2>&1
	is "$?" 0 "TERM=dumb: exit 0"
	like "$(cat "$TEST_DIR/tty")" "run $id completed" \
	    "TERM=dumb: plain lines"
	is "$(grep -c "$(printf '\033')" "$TEST_DIR/tty")" 0 \
	    "TERM=dumb: no escapes"
fi

done_testing

#!/bin/sh
# Task control from another process: pause, resume and stop a running
# distributed test through the database, as an operator or script would.
. "$(dirname "$0")/../lib.sh"

steady_bed


id=$("$JMX_RUN" --config "$conf" --detach steady)
wait_db "select coalesce(sum(count), 0) from buckets where run_id = $id" 0
pid=$(db "select controller_pid from runs where id = $id")
sleep 3

# status while it runs: samples so far, active time gone and left.
run "$JMX_RUN" status "$id"
is "$RC" 0 "status of a running run: exit 0"
like "$OUT" "^run $id: running" "status: running"
n=$(printf '%s\n' "$OUT" | sed -n 's/^samples: \([0-9]*\) .*/\1/p')
ok "$([ "${n:-0}" -gt 0 ]; echo $?)" "status: samples so far ($n)"
like "$OUT" "elapsed: [1-9][0-9]?s of 20s" "status: elapsed active time"
like "$OUT" "remaining: [1-9][0-9]?s" "status: remaining time"
is "$(printf '%s\n' "$OUT" | grep -c '^agent ')" 3 "status: the three agents"
run "$JMX_RUN" --json status "$id"
printf '%s\n' "$OUT" >"$TEST_DIR/status.json"
is "$(json_get "$TEST_DIR/status.json" 'd["state"]')" running "--json status: running"
ok "$([ "$(json_get "$TEST_DIR/status.json" 'd["samples"]')" -gt 0 ]; echo $?)" \
    "--json status: samples so far"
el=$(json_get "$TEST_DIR/status.json" 'd["elapsed_ms"]')
ok "$([ "$el" -ge 2000 ] && [ "$el" -lt 20000 ]; echo $?)" \
    "--json status: elapsed_ms within the run ($el)"
is "$(json_get "$TEST_DIR/status.json" 'd["elapsed_ms"] + d["remaining_ms"]')" \
    20000 "--json status: elapsed + remaining = the planned 20 s"
is "$(json_get "$TEST_DIR/status.json" 'd["controller_alive"]')" True \
    "--json status: the controller is alive"

run "$JMX_RUN" pause "$id"
is "$RC" 0 "pause: exit 0 when the run is paused"
like "$OUT" "run $id: [0-9]+ s of 20 s run" "pause says how much has run"
is "$(db "select state from runs where id = $id")" paused "the run is paused"
is "$(jmeters "$id" | wc -l)" 0 "no JMeter runs while paused"
is "$(leftovers)" "" "paused: the agents' work is collected"

run "$JMX_RUN" pause "$id"
is "$RC" 2 "pausing a paused run: exit 2"
like "$ERR" "already paused" "pausing a paused run is explained"
run "$JMX_RUN" --json status "$id"
printf '%s\n' "$OUT" >"$TEST_DIR/status.json"
is "$(json_get "$TEST_DIR/status.json" 'd["state"]')" paused "status: paused"
el=$(json_get "$TEST_DIR/status.json" 'd["elapsed_ms"]')
sleep 4
run "$JMX_RUN" --json status "$id"
printf '%s\n' "$OUT" >"$TEST_DIR/status.json"
is "$(json_get "$TEST_DIR/status.json" 'd["elapsed_ms"]')" "$el" \
    "status: the active time stands still while paused"

run "$JMX_RUN" resume "$id"
is "$RC" 0 "resume: exit 0 when load flows again"
like "$OUT" "resumed: [0-9]+ s left" "resume says what is left"
run "$JMX_RUN" resume "$id"
is "$RC" 2 "resuming a running run: exit 2"
like "$ERR" "not paused" "resuming a running run is explained"
wait_gone "$pid"
is "$(db "select state from runs where id = $id")" completed "the run completed"

run "$JMX_RUN" stop "$id"
is "$RC" 2 "stopping a finished run: exit 2"
like "$ERR" "has ended \(completed\)" "stopping a finished run is explained"
run "$JMX_RUN" pause 9999
is "$RC" 2 "an unknown run: exit 2"
like "$ERR" "no run 9999" "the unknown run is named"

# One run, two generations of segments, with the pause in between.
is "$(db "select count(*) from segments where run_id = $id")" 6 "3 agents x 2 segments"
events=$(db "select kind || ' ' || coalesce(actor, '') from events where run_id = $id order by id")
like "$events" "pausing root@" "the pause is an event naming who asked"
like "$events" "paused" "paused event"
like "$events" "resumed root@" "the resume is an event naming who asked"

run_archive "$id" "$TEST_DIR/agents"
cat "$TEST_DIR"/agents/*/*/results.jtl | grep -v '^timeStamp' >"$TEST_DIR/all.csv"
pausing=$(db "select time_ms from events where run_id = $id and kind = 'pausing'")
resumed=$(db "select max(start_ms) from segments where run_id = $id")
# Each agent's JMeter logs when it got Shutdown; from then until the
# resume's T0 no sample may start (samples already running finish).  The
# log line comes just before the threads hear of it: 100 ms of slack.
late=0
for seg in $(db "select id from segments where run_id = $id order by id limit 3"); do
	dir=$(echo "$TEST_DIR"/agents/*/"$seg")
	got=$(python3 -c 'import sys, datetime as d
for l in open(sys.argv[1]):
    if "Shutdown received" in l:
        t = d.datetime.strptime(l[:23], "%Y-%m-%d %H:%M:%S,%f")
        print(int(t.replace(tzinfo=d.timezone.utc).timestamp() * 1000)); break' "$dir/jmeter.log")
	[ -n "$got" ] || { late=$((late + 1000)); continue; }
	n=$(grep -v '^timeStamp' "$dir/results.jtl" |
	    awk -F, -v a="$((got + 100))" -v b="$resumed" '$1 > a && $1 < b' | wc -l)
	late=$((late + n))
done
is "$late" 0 "no sample started after each agent's Shutdown, until the resume"
is "$(awk -F, '$8 != "true"' "$TEST_DIR/all.csv" | wc -l)" 0 \
    "every sample succeeded: in-flight ones finished"
total=$(wc -l <"$TEST_DIR/all.csv")
is "$(db "select sum(count) from buckets where run_id = $id")" "$total" \
    "stored samples = the JTLs' records, across the pause"
is "$(db "select samples from runs where id = $id")" "$total" "run total exact"
# Active time: each generation (3 segments) from first start to last end.
gen_span() {	# gen_span OFFSET: milliseconds of generation at OFFSET
	for seg in $(db "select id from segments where run_id = $id order by id limit 3 offset $1"); do
		cat "$TEST_DIR"/agents/*/"$seg"/results.jtl | grep -v '^timeStamp'
	done | awk -F, 'NR == 1 || $1 < lo { lo = $1 } $1 + $2 > hi { hi = $1 + $2 }
	    END { printf "%d\n", hi - lo }'
}
active=$((($(gen_span 0) + $(gen_span 3) + 500) / 1000))
ok "$([ "$active" -ge 18 ] && [ "$active" -le 22 ]; echo $?)" \
    "active time adds up to the planned 20 s ($active s)"
# Throughput is over the active time: the pause is left out, and said so.
run "$JMX_REPORT" --config "$conf" --no-charts -o "$TEST_DIR/rep" show "$id"
is "$RC" 0 "the paused run's report"
rj=$TEST_DIR/rep/report.json
span=$(json_get "$rj" 'd["run"]["active_ms"] + d["run"]["paused_ms"]')
ok "$([ "$(json_get "$rj" 'd["run"]["paused_ms"]')" -ge 4000 ]; echo $?)" \
    "report: the pause measured ($(json_get "$rj" 'd["run"]["paused_ms"]') ms)"
want=$(($(gen_span 0) + $(gen_span 3)))
is "$(json_get "$rj" "abs(d['run']['active_ms'] - $want) <= 1000")" True \
    "report: active time = the generations' spans ($want ms)"
is "$(json_get "$rj" "abs(d['statistics']['total']['throughput'] * $want / 1000 / $total - 1) < 0.05")" \
    True "report: throughput = samples / active time, not / $span ms"
like "$(cat "$TEST_DIR/rep/report.md")" "paused [0-9]+s \\(left out of throughput\\)" \
    "report.md says the pause is left out of throughput"
run "$JMX_REPORT" --config "$conf" --json history
printf '%s\n' "$OUT" >"$TEST_DIR/history.json"
hist_tp=$(json_get "$TEST_DIR/history.json" "[r['throughput'] for r in d['runs'] if r['run_id'] == $id][0]")
rep_tp=$(json_get "$rj" 'd["statistics"]["total"]["throughput"]')
is "$(python3 -c "print(abs($hist_tp - $rep_tp) < 0.01)")" True \
    "history's throughput is the report's, over the active time ($hist_tp, $rep_tp)"

# Stop: every JMeter gone within the grace, results up to the stop kept.
id=$("$JMX_RUN" --config "$conf" --detach steady)
wait_db "select coalesce(sum(count), 0) from buckets where run_id = $id" 0
pid=$(db "select controller_pid from runs where id = $id")
sleep 2
run "$JMX_RUN" stop "$id"
is "$RC" 0 "stop: exit 0"
[ "$RC" -eq 0 ] || diag "$ERR"
like "$OUT" "run $id: stopped" "stop reports the run stopped"
is "$(jmeters "$id" | wc -l)" 0 "every JMeter of the run is gone"
wait_gone "$pid"
is "$(db "select state from runs where id = $id")" stopped "the run ended as stopped"
samples=$(db "select samples from runs where id = $id")
ok "$([ "$samples" -gt 0 ]; echo $?)" "results up to the stop were kept ($samples)"
is "$(db "select jtl_records from runs where id = $id")" "$samples" \
    "every record written before the stop was ingested"
like "$(db "select actor from events where run_id = $id and kind = 'stopping'")" \
    "root@" "the stop names who asked"

done_testing

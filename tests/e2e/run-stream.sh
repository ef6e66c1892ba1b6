#!/bin/sh
# Live metrics to InfluxDB from real runs on the bed:
# 1. a real InfluxDB 1.x (influxd started here on 127.0.0.1, its own
#    config, dirs and free ports) gets the stream; per-label counts over
#    the run in InfluxDB = the run's stored counts, exactly;
# 2. InfluxDB frozen mid-run (SIGSTOP: a dashboard that hangs), then
#    killed: the run still ends on time and the points it missed are
#    reported (event and jmx-run's output);
# 3. InfluxDB 2.x's write API, seen by a small capture server: path,
#    org and bucket, "Authorization: Token", and the token nowhere in the
#    database, run_options, logs or output.
. "$(dirname "$0")/../lib.sh"

[ -x "$JMETER_HOME/bin/jmeter" ] || skip_all "no JMeter in $JMETER_HOME"
command -v influxd >/dev/null || skip_all "no influxd (Debian: influxdb)"
bed_up 2

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

IFX=$TEST_DIR/influx
mkdir -p "$IFX"
http_port=$(free_port)
rpc_port=$(free_port)
cat >"$IFX/influxdb.conf" <<EOF
reporting-disabled = true
bind-address = "127.0.0.1:$rpc_port"
[meta]
  dir = "$IFX/meta"
[data]
  dir = "$IFX/data"
  wal-dir = "$IFX/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$http_port"
  log-enabled = false
[logging]
  level = "warn"
EOF
influxd -config "$IFX/influxdb.conf" >"$IFX/log" 2>&1 &
ifx_pid=$!
capture_pid=
cleanup() {
	kill -CONT "$ifx_pid" 2>/dev/null
	kill "$ifx_pid" $capture_pid 2>/dev/null
	wait "$ifx_pid" $capture_pid 2>/dev/null
}
trap cleanup EXIT
IFX_URL=http://127.0.0.1:$http_port
i=0
until curl -fs "$IFX_URL/ping" >/dev/null || [ $i -ge 60 ]; do
	sleep 0.5
	i=$((i + 1))
done
curl -fs "$IFX_URL/ping" >/dev/null || bail "influxd did not start: $(tail -3 "$IFX/log")"
curl -fs -XPOST "$IFX_URL/query" --data-urlencode "q=CREATE DATABASE jmeter" >/dev/null

# influxq QUERY: one JSON document on stdout.
influxq() {
	curl -fs "$IFX_URL/query?db=jmeter" --data-urlencode "q=$1"
}

# The plan with a label a tag must escape (space, comma, '=').
sed 's|testname="GET /"|testname="GET /, page=1"|' \
    "$JMX_SRCDIR/share/plans/http-get.jmx" >"$TEST_DIR/plan.jmx"
# A test case on that plan: test_case NAME THREADS DURATION
test_case() {
	cat <<YAML
  $1:
    plan: $TEST_DIR/plan.jmx
    threads: $2
    duration: $3
    ramp: 0
    properties: {host: $JMX_BED_TARGET, think: 20}
YAML
}
conf=$TEST_DIR/jmx.yaml
bed_config "$conf"
{ echo "tests:"; test_case streamed 4 6s; } >>"$conf"
cat >>"$conf" <<YAML
    stream:
      url: $IFX_URL/write?db=jmeter
      application: shop front
      interval: 1s
YAML
export JMX_AGENT_HEAP="-Xms128m -Xmx256m"

# 1. The stream of a real run, exact.
run "$JMX_RUN" --config "$conf" --json streamed
is "$RC" 0 "the streamed run exits 0"
[ "$RC" -eq 0 ] || diag "$ERR"
echo "$OUT" >"$TEST_DIR/run1.json"
id=$(json_get "$TEST_DIR/run1.json" 'd["run_id"]')
is "$(json_get "$TEST_DIR/run1.json" 'd["stream"]["dropped"]')" 0 \
    "--json: no point dropped"
ok "$([ "$(json_get "$TEST_DIR/run1.json" 'd["stream"]["sent"]')" -gt 5 ]; echo $?)" \
    "--json: points sent"
stored=$(db "select l.name, sum(b.count) from buckets b join labels l
    on l.id = b.label_id where b.run_id = $id group by l.name order by 1")
ok "$([ -n "$stored" ]; echo $?)" "the run stored samples ($stored)"
influxq "SELECT sum(\"count\") FROM \"jmeter\" WHERE \"statut\" = 'all'
    AND \"application\" = 'shop front' AND \"transaction\" != 'all'
    GROUP BY \"transaction\"" >"$TEST_DIR/q1.json"
streamed=$(json_get "$TEST_DIR/q1.json" '"\n".join("%s|%d" % (s["tags"]["transaction"], s["values"][0][1]) for s in sorted(d["results"][0]["series"], key=lambda s: s["tags"]["transaction"]))')
is "$streamed" "$stored" "InfluxDB per-label counts = stored counts, exactly"
influxq "SELECT sum(\"count\") FROM \"jmeter\" WHERE \"transaction\" = 'all'
    AND \"application\" = 'shop front'" >"$TEST_DIR/q2.json"
is "$(json_get "$TEST_DIR/q2.json" 'd["results"][0]["series"][0]["values"][0][1]')" \
    "$(db "select samples from runs where id = $id")" \
    "transaction=all: the run's total"
influxq "SELECT count(\"count\") FROM \"jmeter\" WHERE \"transaction\" = 'all'" \
    >"$TEST_DIR/q3.json"
ok "$([ "$(json_get "$TEST_DIR/q3.json" 'd["results"][0]["series"][0]["values"][0][1]')" -gt 3 ]; echo $?)" \
    "per interval: several points over the run"
influxq "SELECT \"text\" FROM \"events\" WHERE \"title\" = 'ApacheJMeter'
    AND \"application\" = 'shop front'" >"$TEST_DIR/q4.json"
is "$(json_get "$TEST_DIR/q4.json" '[v[1] for v in d["results"][0]["series"][0]["values"]]')" \
    "['streamed run $id started', 'streamed run $id ended']" \
    "events: start and end annotations"
influxq "SHOW FIELD KEYS FROM \"jmeter\"" >"$TEST_DIR/q5.json"
like "$(json_get "$TEST_DIR/q5.json" 'sorted(v[0] for v in d["results"][0]["series"][0]["values"])')" \
    "'avg', 'count', 'countError', 'hit', 'max', 'maxAT', 'meanAT', 'min', 'minAT', 'pct90.0', 'pct95.0', 'pct99.0', 'rb', 'sb'" \
    "JMeter's field names"
influxq "SELECT max(\"maxAT\") FROM \"jmeter\" WHERE \"transaction\" = 'internal'" \
    >"$TEST_DIR/q6.json"
is "$(json_get "$TEST_DIR/q6.json" 'd["results"][0]["series"][0]["values"][0][1]')" 4 \
    "transaction=internal: the run's 4 threads"
is "$(db "select count(*) from events where run_id = $id and kind like 'stream%'")" 0 \
    "no stream event when all was sent"

# 2. InfluxDB frozen mid-run (posts hang), then killed (refused): the run
# ends on time, the loss reported.
sed -i 's/duration: 6s/duration: 8s/' "$conf"
"$JMX_RUN" --config "$conf" --json streamed >"$TEST_DIR/run2.json" \
    2>"$TEST_DIR/run2.err" &
run_pid=$!
wait_db "select count(*) from runs where state = 'running' and id > $id" 0
sleep 2
kill -STOP "$ifx_pid"
sleep 3
kill -KILL "$ifx_pid"
wait "$run_pid"
is "$?" 0 "the run with InfluxDB frozen, then killed, exits 0"
id2=$(json_get "$TEST_DIR/run2.json" 'd["run_id"]')
is "$(db "select state from runs where id = $id2")" completed "and completed"
# On time: the controller ends within seconds of its JMeters (the stream
# waits at most 3 s for a frozen server).
late=$(db "select (r.end_ms - max(s.end_ms)) / 1000 from runs r join
    segments s on s.run_id = r.id where r.id = $id2")
ok "$([ "$late" -le 8 ]; echo $?)" "the run ended ${late}s after its JMeters"
dropped=$(json_get "$TEST_DIR/run2.json" 'd["stream"]["dropped"]')
ok "$([ "$dropped" -gt 0 ]; echo $?)" "--json: $dropped points dropped"
like "$(cat "$TEST_DIR/run2.err")" \
    "jmx-run: stream: $dropped points not sent to $IFX_URL/write\\?db=jmeter" \
    "jmx-run says how many points were not sent"
is "$(db "select count(*) from events where run_id = $id2 and kind = 'stream_dropped'")" 1 \
    "one stream_dropped event"
like "$(db "select detail from events where run_id = $id2 and kind = 'stream_dropped'")" \
    "^$dropped of [0-9]+ points not sent" "the event says how many"

# 3. InfluxDB 2.x: the write API and the token, seen by a capture server.
cap=$TEST_DIR/capture
mkdir -p "$cap"
cap_port=$(free_port)
python3 - "$cap_port" "$cap" <<'PY' >"$cap.log" 2>&1 &
import http.server, sys
port, out = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    n = 0
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        H.n += 1
        with open("%s/req.%d" % (out, H.n), "w") as f:
            f.write(self.path + "\n")
            f.write(self.headers.get("Authorization", "") + "\n")
            f.write(body.decode())
        self.send_response(204)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
capture_pid=$!
i=0
until python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])))' \
    "$cap_port" 2>/dev/null || [ $i -ge 40 ]; do
	sleep 0.25
	i=$((i + 1))
done
token=tok-$$-SeCrEt
v2=http://127.0.0.1:$cap_port/api/v2/write?org=my-org\&bucket=jm
echo "$token-file" >"$TEST_DIR/token"
{ test_case bare 2 2s; test_case v2file 2 2s; } >>"$conf"
cat >>"$conf" <<YAML
    stream:
      url: $v2
      token_file: $TEST_DIR/token
YAML

# --stream and JMX_INFLUX_TOKEN.
JMX_INFLUX_TOKEN=$token run "$JMX_RUN" --config "$conf" --stream "$v2" -v bare
is "$RC" 0 "the run streaming to 2.x exits 0"
[ "$RC" -eq 0 ] || diag "$ERR"
cp "$TEST_DIR/out" "$TEST_DIR/out3"
cp "$TEST_DIR/err" "$TEST_DIR/err3"
id3=$(db "select max(id) from runs")
first=$(ls "$cap"/req.* 2>/dev/null | head -1)
ok "$([ -n "$first" ]; echo $?)" "the capture server got posts"
is "$(sed -n 1p "$first")" "/api/v2/write?org=my-org&bucket=jm" \
    "--stream's URL: /api/v2/write with org and bucket"
is "$(sed -n 2p "$first")" "Token $token" "Authorization: Token from JMX_INFLUX_TOKEN"
like "$(cat "$cap"/req.*)" "^jmeter,application=bare,transaction=GET\\\\ /\\\\,\\\\ page\\\\=1,statut=all count=" \
    "the label escaped in the transaction tag"
is "$(db "select value from run_options where run_id = $id3 and name = 'stream'")" \
    "$v2" "run_options keep the URL"

# The test case's token_file, which comes before the environment.
rm -f "$cap"/req.*
JMX_INFLUX_TOKEN=$token run "$JMX_RUN" --config "$conf" -v v2file
is "$RC" 0 "the run streaming with a token file exits 0"
first=$(ls "$cap"/req.* 2>/dev/null | head -1)
is "$(sed -n 2p "$first")" "Token $token-file" "Authorization: Token from token_file"
leak=$( { sqlite3 "$JMX_HOME/jmx.db" .dump; cat "$TEST_DIR"/out* "$TEST_DIR"/err*;
    find "$JMX_HOME" -type f ! -name '*.xz' ! -name '*.zst' ! -name 'jmx.db*' -exec cat {} +; } |
    grep -c "$token")
is "$leak" 0 "the tokens are nowhere in the database, output or run files"

# Bad URLs are refused before anything starts.
run "$JMX_RUN" --config "$conf" --stream "http://127.0.0.1:1/write" streamed
is "$RC" 2 "--stream without db= is a usage error"
like "$ERR" "InfluxDB 1.x needs db=" "and says what is missing"
run "$JMX_RUN" --config "$conf" --stream "http://u:pw@127.0.0.1:1/write?db=x" streamed
is "$RC" 2 "credentials in the URL are refused"

done_testing

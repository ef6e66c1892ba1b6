#!/bin/sh
# Real runs on the bed, compared: a 2-agent run against itself is no
# regression (exit 0); a run against the same target made slower (its
# page sent at 16 KB/s) is one (exit 1), named by label and metric in
# JUnit XML; --baseline and history see both.
. "$(dirname "$0")/../lib.sh"

[ -x "$JMETER_HOME/bin/jmeter" ] || skip_all "no JMeter in $JMETER_HOME"
bed_up 2
conf=$TEST_DIR/jmx.yaml
bed_config "$conf" 1 1
cat >>"$conf" <<YAML
tests:
  cmp:
    plan: $JMX_SRCDIR/share/plans/http-get.jmx
    threads: 4
    duration: 8s
    ramp: 1s
    properties: {host: $JMX_BED_TARGET, think: 20}
YAML
export JMX_AGENT_HEAP="-Xms128m -Xmx256m"

# The target: an nginx of this test's own in the bed's target namespace,
# on its own port, serving a 20 KB page; "slower" is the same page sent
# at 16 KB/s (limit_rate: nginx sends a second's worth at once and the
# last 4 KB a second later), a real difference in the target.
# Stopped when the test ends, whatever happens.
web=$TEST_DIR/web
mkdir -p "$web/www" "$web/tmp"
awk 'BEGIN { for (i = 0; i < 320; i++) printf "%063d\n", i }' \
    >"$web/www/page.txt"
web_start() {	# web_start [RATE]
	cat >"$web/nginx.conf" <<NGINX
worker_processes 1;
daemon on;
user root;
pid $web/nginx.pid;
error_log $web/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $web/tmp/body;
    proxy_temp_path $web/tmp/proxy;
    fastcgi_temp_path $web/tmp/fastcgi;
    uwsgi_temp_path $web/tmp/uwsgi;
    scgi_temp_path $web/tmp/scgi;
    server {
        listen $JMX_BED_TARGET:$PORT;
        location / { root $web/www; index page.txt; ${1:+limit_rate $1;} }
    }
}
NGINX
	ip netns exec jmx-target nginx -p "$web/" -c "$web/nginx.conf" \
	    -e "$web/error.log" || bail "cannot start nginx on port $PORT"
}
web_stop() {
	[ -f "$web/nginx.pid" ] || return 0
	_pid=$(cat "$web/nginx.pid")
	kill "$_pid" 2>/dev/null
	_i=0
	while kill -0 "$_pid" 2>/dev/null && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	rm -f "$web/nginx.pid"
}
trap 'web_stop' EXIT
PORT=18081
sed -i "s/think: 20}/think: 20, port: $PORT}/" "$conf"
web_start

run "$JMX_RUN" --config "$conf" --json cmp
is "$RC" 0 "the first run exits 0"
[ "$RC" -eq 0 ] || diag "$ERR"
echo "$OUT" >"$TEST_DIR/a.json"
a=$(json_get "$TEST_DIR/a.json" 'd["run_id"]')

run "$JMX_REPORT" --config "$conf" compare "$a" "$a"
is "$RC" 0 "a run against itself: exit 0"
like "$OUT" 'No regression beyond tolerance' "... no regression"

web_stop
web_start 16k
run "$JMX_RUN" --config "$conf" --json cmp
web_stop
is "$RC" 0 "the run against the slower target exits 0"
echo "$OUT" >"$TEST_DIR/b.json"
b=$(json_get "$TEST_DIR/b.json" 'd["run_id"]')
ok "$([ "$(json_get "$TEST_DIR/b.json" 'd["total"]["p95"]')" -ge 100 ];
    echo $?)" "its p95 is 100 ms or more (20 KB at 16 KB/s)"

out=$TEST_DIR/cmp
run "$JMX_REPORT" --config "$conf" compare -o "$out" "$a" "$b"
is "$RC" 1 "slower target: exit 1"
like "$OUT" 'TOTAL +p95 .* REGRESSION' "... p95 of the total regressed"
like "$OUT" 'GET / +p95 .* REGRESSION' "... p95 of the label regressed"
like "$(cat "$out/junit.xml")" \
    "classname=\"compare.run$b\" name=\"GET / p95\"><failure" \
    "junit.xml names the label and the metric"
is "$(json_get "$out/compare.json" 'd["comparisons"][0]["regressions"] > 0')" \
    True "compare.json counts the regressions"

"$JMX_REPORT" --config "$conf" baseline set "$a" >/dev/null
run "$JMX_REPORT" --config "$conf" compare --baseline "$b"
is "$RC" 1 "--baseline: the slow run against the first, exit 1"

run "$JMX_REPORT" --config "$conf" --json history --case cmp
is "$(printf '%s' "$OUT" | python3 -c '
import json, sys
print([(r["run_id"], r["state"], r["agents"], r["baseline"])
       for r in json.load(sys.stdin)["runs"]])')" \
    "[($a, 'completed', 2, True), ($b, 'completed', 2, False)]" \
    "history: both runs, completed, two agents, the baseline marked"

done_testing

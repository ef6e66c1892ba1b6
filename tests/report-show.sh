#!/bin/sh
# jmx-report show on JTL files, without agents: the report directory,
# charts as valid PNG and SVG, hostile labels rendered as text, edge
# cases (only failures, one sample, zero samples), gnuplot missing.
. "$(dirname "$0")/lib.sh"

D=$JMX_SRCDIR/tests/data/report
command -v gnuplot >/dev/null || skip_all "no gnuplot"

out=$TEST_DIR/hand
run "$JMX_REPORT" show -o "$out" "$D/hand.jtl"
is "$RC" 0 "show FILE exits 0"
is "$OUT" "$out" "prints the report directory"
report_files_ok "$out"
ok "$(grep -q 'src="data:image/png;base64,' "$out/index.html"; echo $?)" \
    "charts embedded in index.html"
ok "$(grep -Eiq '<script|<link|@import|https?://' "$out/index.html" && echo 1 || echo 0)" \
    "index.html loads nothing from outside and runs no script"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out/report.json"
ok $? "report.json parses"
if command -v xmllint >/dev/null; then
	xmllint --noout "$out/junit.xml"
	ok $? "junit.xml is well-formed XML"
fi
is "$(grep -c '<testcase classname="labels"' "$out/junit.xml")" 2 \
    "junit.xml: one test case per label"
like "$(cat "$out/report.md")" '\| a,b \| 4 \| 1 \| \*\*25\.00%\*\* \| 250\.0' \
    "report.md has the statistics table"

# A hostile label and message are text, not markup.
out=$TEST_DIR/hostile
run "$JMX_REPORT" show -o "$out" "$D/hostile.jtl"
is "$RC" 0 "hostile labels: show exits 0"
html=$(cat "$out/index.html")
ok "$(printf '%s' "$html" | grep -q '<script>' && echo 1 || echo 0)" \
    "no <script> element in index.html"
ok "$(printf '%s' "$html" | grep -Eq '<img src=x|<b>bad' && echo 1 || echo 0)" \
    "no injected <img> or <b> in index.html"
like "$html" '&lt;script&gt;alert\(1\)&lt;/script&gt;' "the label is shown escaped"
like "$html" 'a &quot;quoted&quot; &amp; &lt;tag&gt;' "quotes and ampersands escaped"
if command -v xmllint >/dev/null; then
	xmllint --noout "$out/junit.xml"
	ok $? "junit.xml with hostile labels is well-formed"
fi
ok "$(grep -q '<script>' "$out/report.md" && echo 1 || echo 0)" \
    "no raw <script> in report.md"

# A label with ESC (a colour sequence), a C1 CSI and DEL: escaped alike
# as \xNN in text, HTML, Markdown and JUnit, as \u escapes in JSON; no
# format has one of those bytes raw.
printf '%s\n%s\n' 'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect' \
    "$(printf '1700000000000,100,red\033[31mX\302\2332J\177,200,OK,T 1-1,text,true,,10,10,1,1,null,5,0,1')" \
    >"$TEST_DIR/esc.jtl"
raw_free() {	# raw_free FILE: no ESC, DEL or C1 byte in it
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(any(c in d for c in (b"\x1b", b"\x7f", b"\xc2\x9b")))' "$1"
}
out=$TEST_DIR/esc
run "$JMX_REPORT" --no-charts show -o "$out" "$TEST_DIR/esc.jtl"
is "$RC" 0 "a label with control bytes: show exits 0"
for f in index.html report.md report.json junit.xml; do
	raw_free "$out/$f"
	ok $? "$f: no raw ESC, C1 or DEL"
done
like "$(cat "$out/index.html")" 'red\\x1b\[31mX\\x9b2J\\x7f' \
    "index.html shows the label's control bytes as \\xNN"
like "$(cat "$out/junit.xml")" 'red\\x1b\[31mX\\x9b2J\\x7f' \
    "junit.xml shows them as \\xNN"
like "$(cat "$out/report.md")" 'red\\x1b\\\[31mX\\x9b2J\\x7f' \
    "report.md shows them as \\xNN"
is "$(json_get "$out/report.json" 'repr(d["statistics"]["labels"][0]["label"])')" \
    "'red\\x1b[31mX\\x9b2J\\x7f'" "report.json keeps the label, escaped"
run "$JMX_REPORT" stats "$TEST_DIR/esc.jtl"
raw_free "$TEST_DIR/out"
ok $? "stats table: no raw ESC, C1 or DEL"
like "$OUT" '^red\\x1b\[31mX\\x9b2J\\x7f +1 ' "stats table shows them as \\xNN"
run "$JMX_REPORT" stats --json "$TEST_DIR/esc.jtl"
raw_free "$TEST_DIR/out"
ok $? "stats --json: no raw ESC, C1 or DEL"
is "$(json_get "$TEST_DIR/out" 'repr(d["labels"][0]["label"])')" \
    "'red\\x1b[31mX\\x9b2J\\x7f'" "stats --json keeps the label, escaped"

# Edge cases give a report, or a clear error.
run "$JMX_REPORT" show -o "$TEST_DIR/fail" "$D/failures.jtl"
is "$RC" 0 "only failures: report written"
like "$(cat "$TEST_DIR/fail/index.html")" 'Many samples failed' \
    "only failures: the errors recommendation fires"
like "$(cat "$TEST_DIR/fail/index.html")" 'java.net.SocketTimeoutException' \
    "only failures: errors listed by code"
# A slow test: 100000 records, one every 3 s over 3.5 days, so the
# buckets are handed over by number, not every 100000 records; every
# 7th fails, and so does the 100000th, the one a flush by records
# comes with.
awk 'BEGIN {
	print "timeStamp,elapsed,label,responseCode,responseMessage," \
	    "threadName,dataType,success,failureMessage,bytes,sentBytes," \
	    "grpThreads,allThreads,URL,Latency,IdleTime,Connect"
	for (i = 1; i <= 100000; i++) {
		bad = i % 7 == 0 || i == 100000
		printf "%d,%d,l%d,%s,%s,T 1-1,text,%s,,10,10,1,1,null,5,0,1\n",
		    1700000000000 + i * 3000, i % 997, i % 5,
		    bad ? 500 : 200, bad ? "boom" : "OK", bad ? "false" : "true"
	}
}' > "$TEST_DIR/slow.jtl"
run "$JMX_REPORT" show --no-charts -o "$TEST_DIR/slow" "$TEST_DIR/slow.jtl"
is "$RC" 0 "100000 records over 3.5 days: report written"
is "$(json_get "$TEST_DIR/slow/report.json" '(d["statistics"]["total"]["count"],
    d["statistics"]["total"]["errors"], sum(e["count"] for e in d["errors"]),
    sum(p[1] for p in d["series"]["points"]))')" "(100000, 14286, 14286, 100000)" \
    "... every sample in the statistics and the series, every failure in the errors"
run "$JMX_REPORT" show -o "$TEST_DIR/one" "$D/one.jtl"
is "$RC" 0 "one sample: report written"
png_ok "$TEST_DIR/one/percentiles.png"
ok $? "one sample: charts drawn"
run "$JMX_REPORT" show -o "$TEST_DIR/zero" "$D/zero.jtl"
is "$RC" 0 "zero samples: report written"
like "$(cat "$TEST_DIR/zero/index.html")" 'No samples' "zero samples: said plainly"
ok "$([ ! -e "$TEST_DIR/zero/response-times.png" ]; echo $?)" \
    "zero samples: no empty charts"
run "$JMX_REPORT" show -o "$TEST_DIR/trunc" "$D/truncated.jtl"
is "$RC" 0 "truncated last record: report written"
like "$ERR" "truncated" "truncated last record: warned"

# APDEX thresholds, overall and per label.
run "$JMX_REPORT" --no-charts --apdex 150 --apdex-label 'a,b=300:350' \
    show -o "$TEST_DIR/apdex" "$D/hand.jtl"
is "$RC" 0 "--apdex and --apdex-label accepted"
# a,b: successes 100,200,400 -> T=300: 2 satisfied, F=350: none
# tolerating, one failure: (2 + 0) / 4.
is "$(json_get "$TEST_DIR/apdex/report.json" '[d["apdex"]["labels"]["a,b"], d["apdex"]["t_ms"]]')" \
    "[0.5, 150]" "per-label APDEX uses its own thresholds"
run "$JMX_REPORT" --apdex soon show "$D/hand.jtl"
is "$RC" 2 "bad --apdex: exit 2"

# No gnuplot: exit 3 with a clear message, unless --no-charts.
JMX_GNUPLOT=/nonexistent/gnuplot run "$JMX_REPORT" show -o "$TEST_DIR/ng" "$D/hand.jtl"
is "$RC" 3 "gnuplot missing: exit 3"
like "$ERR" "gnuplot not found" "gnuplot missing: said so"
JMX_GNUPLOT=/nonexistent/gnuplot run "$JMX_REPORT" --no-charts show -o "$TEST_DIR/ng" "$D/hand.jtl"
is "$RC" 0 "--no-charts needs no gnuplot"

done_testing

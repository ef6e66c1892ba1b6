#!/bin/sh
# Hostile names end to end, on two real agents: a work dir, a CSV data
# file name, a sampler label and a -J property value holding spaces,
# quotes, $(...), backticks, ';' and a newline.  Nothing they hold runs
# (no /tmp/jmx-pwned-* anywhere), the labels are stored exactly and the
# HTML report escapes them, the totals are right, the work dirs are left
# empty; no property value shows in the agent's processes, in the logs or
# the run dir; the database and run dirs are private under umask 000.
# A test case name is refused with one clear line.
. "$(dirname "$0")/../lib.sh"

[ -x "$JMETER_HOME/bin/jmeter" ] || skip_all "no JMeter in $JMETER_HOME"
command -v python3 >/dev/null || skip_all "no python3"
bed_up 3
JMX_BED_AGENTS="a1 a2"
export JMX_AGENT_HEAP="-Xms128m -Xmx256m"
conf=$TEST_DIR/jmx.yaml
bed_config "$conf"

# The hostile strings, each once in YAML (double-quoted) and in the plan
# (XML), with the values they stand for written by python3.
rm -f /tmp/jmx-pwned-*
evil() {	# evil N: quotes, $(touch), backticks, ';' (pwned files N, N+1, N+2)
	printf "'sq' \"dq\" \$(touch /tmp/jmx-pwned-%d) \`touch /tmp/jmx-pwned-%d\`; touch /tmp/jmx-pwned-%d ;" \
	    "$1" $(($1 + 1)) $(($1 + 2))
}
# A file name holds no '/': its commands would touch in $HOME.
evilname() {
	evil "$1" | sed 's|touch /tmp/|cd; touch |g'
}
wd="/tmp/jmx-hostile wd $(evil 1)
x"
csv="data $(evilname 4)
rows.csv"
label1="L $(evil 7) <b>x</b> & a,b
L2 "
jval="J $(evil 10) c,d
end"
secret="jmx-secret-$$-$(date +%s)"
export wd csv label1 jval secret
python3 - "$conf" "$TEST_DIR" "$JMX_SRCDIR/tests/data/plans/csv-echo.jmx" <<'PY'
import json, os, sys
from xml.sax.saxutils import escape
conf, tdir, plan = sys.argv[1:]
def xml(s):
    return escape(s, {'"': "&quot;", "'": "&apos;", "\n": "&#10;"})
text = open(plan).read()
text = text.replace('<stringProp name="filename">users.csv<',
                    '<stringProp name="filename">' + xml(os.environ["csv"]) + '<')
text = text.replace('testname="GET /echo"',
                    'testname="' + xml(os.environ["label1"]) + '${__P(lbl)}"')
open(os.path.join(tdir, "plan.jmx"), "w").write(text)
with open(os.path.join(tdir, os.environ["csv"]), "w") as f:
    f.write("user\n" + "".join("u%d\n" % i for i in range(1, 21)))
# JSON strings are YAML double-quoted scalars.
lines = open(conf).read().replace("defaults:\n", "defaults:\n  work_dir: %s\n"
                                  % json.dumps(os.environ["wd"]), 1)
lines += """tests:
  hostile:
    plan: %s
    threads: 2
    ramp: 0
    data: [{file: %s}]
    properties: {host: %s, loops: -1, think: 100, secret: %s}
""" % (json.dumps(os.path.join(tdir, "plan.jmx")),
       json.dumps(os.path.join(tdir, os.environ["csv"])),
       os.environ["JMX_BED_TARGET"], json.dumps(os.environ["secret"]))
open(conf, "w").write(lines)
PY

# A test case name may hold only letters, digits, '.', '_' and '-': a
# hostile one is refused in one line, its control bytes not printed.
printf 'tests:\n  "case %s\\nx":\n    plan: %s\n' "$(evil 20 | sed 's/["\\]/\\&/g')" \
    "$TEST_DIR/plan.jmx" >"$TEST_DIR/badname.yaml"
run "$JMX_RUN" --config "$TEST_DIR/badname.yaml" --check
is "$RC" 2 "a hostile test case name: exit 2"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "... one line"
like "$ERR" "badname.yaml:2:3: test name 'case 'sq' \"dq\" .*' may only hold letters, digits" \
    "... naming the file, line and rule"

# The run, under umask 000, with the agents' processes watched.
"$BED" clear-log >/dev/null
rm -rf "$wd"
(umask 000; exec "$JMX_RUN" --config "$conf" --json -J "lbl=$jval" hostile \
    >"$TEST_DIR/run.json" 2>"$TEST_DIR/run.err") &
pid=$!
: >"$TEST_DIR/ps.agent"
: >"$TEST_DIR/ps.all"
# Its -J value is in its argv from exec until its options are parsed.
sleep 0.5
while kill -0 $pid 2>/dev/null; do
	ps -u "$JMX_BED_USER" -o args= >>"$TEST_DIR/ps.agent"
	ps -eo args= >>"$TEST_DIR/ps.all"
	sleep 0.3
done
wait $pid
is "$?" 0 "the run exits 0"
diag "$(cat "$TEST_DIR/run.err")"
id=$(json_get "$TEST_DIR/run.json" 'd["run_id"]')
is "$(db "select state from runs where id = $id")" completed "the run completed"
ok "$(grep -q 'ApacheJMeter.jar' "$TEST_DIR/ps.agent"; echo $?)" \
    "the agents' JMeter processes were seen"
ok "$(grep -q -- '-q jmx.properties' "$TEST_DIR/ps.agent"; echo $?)" \
    "JMeter was given the properties file"
ok "$(grep -Fq -e "$secret" -e 'jmx-pwned-10' -e "think" -e "$JMX_BED_TARGET" \
    "$TEST_DIR/ps.agent" && echo 1 || echo 0)" \
    "no property name or value in the agents' process lists"
ok "$(grep -Fq "$secret" "$TEST_DIR/ps.all" && echo 1 || echo 0)" \
    "the secret in the configuration is in no process list"
ok "$(grep -Fq 'jmx-pwned-10' "$TEST_DIR/ps.all" && echo 1 || echo 0)" \
    "the -J value is blanked in the controller's own argv"
ok "$(grep -Fq 'lbl=xxxx' "$TEST_DIR/ps.all"; echo $?)" \
    "... which still shows the -J name (the controller was seen)"

# Nothing the names hold ran: not in /tmp, the agent's home or work dir.
is "$(ls /tmp/jmx-pwned-* 2>/dev/null)" "" "no /tmp/jmx-pwned-* file"
is "$(find "$JMX_BED_DIR/home" "$HOME" "$wd" "$TEST_DIR" -type f -name 'jmx-pwned*' 2>/dev/null)" "" \
    "none in the agent's or our home, the work dir or the test dir"
is "$(ls -A "$wd" 2>&1)" "" "the agents' work dir is left empty"

# Labels stored exactly; totals right (20 rows on each of 2 agents).
is "$(python3 - "$JMX_HOME/jmx.db" "$id" <<'PY'
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
got = [r[0] for r in db.execute("select name from labels where run_id = ?", (int(sys.argv[2]),))]
want = os.environ["label1"] + os.environ["jval"]
print("exact" if got == [want] else "got %r, want %r" % (got, want))
PY
)" exact "the label (plan text and -J value) is stored byte for byte"
is "$(db "select sum(count) from buckets where run_id = $id")" 40 "40 samples stored"
is "$(db "select sum(errors) from buckets where run_id = $id")" 0 "no errors"
is "$(grep -c 'args="user=u[0-9]*"' "$JMX_BED_ACCESS_LOG")" 40 "nginx served 40"

# The HTML report shows the label as text.
out=$TEST_DIR/report
run "$JMX_REPORT" --config "$conf" show -o "$out" "$id"
is "$RC" 0 "report: exit 0"
ok "$(grep -Fq '<b>x</b>' "$out/index.html" && echo 1 || echo 0)" \
    "no raw <b> from the label in index.html"
ok "$(grep -Fq '&lt;b&gt;x&lt;/b&gt; &amp; a,b' "$out/index.html"; echo $?)" \
    "the label is escaped in index.html"

# The secret property is in no log and no file of the run dir (the
# agents' archive unpacked): only the database keeps the request.
run_archive "$id" "$TEST_DIR/agents"
ok "$(grep -rFqa "$secret" "$JMX_HOME/runs/$id" "$TEST_DIR/agents" && echo 1 || echo 0)" \
    "the secret is in no log or file of the run"
ok "$(grep -rFqa 'Setting JMeter property' "$TEST_DIR/agents"; [ $? -ne 0 ]; echo $?)" \
    "jmeter.log echoes no property"

# Private files whatever the umask.
mode() { stat -c %a "$1"; }
is "$(mode "$JMX_HOME")" 700 "settings.home is 0700 under umask 000"
is "$(mode "$JMX_HOME/runs/$id")" 700 "the run dir is 0700 under umask 000"
is "$(mode "$JMX_HOME/jmx.db")" 600 "jmx.db is 0600 under umask 000"

rm -rf "$wd"
done_testing

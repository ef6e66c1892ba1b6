#!/bin/sh
# The bad-input catalogue (doc/RELIABILITY.md): each kind of broken
# configuration, plan and JTL file gives the exact message, naming the
# file and the line, and the documented exit code; a JTL's bad records
# are skipped, counted and located (the first three), and its good ones
# are all kept.  No agent is needed: plans are checked by --dry-run
# before any agent is probed.  Cases are table rows: see check().
. "$(dirname "$0")/lib.sh"

T=$TEST_DIR
P=$JMX_SRCDIR/tests/data/plans
G=$JMX_SRCDIR/share/plans/http-get.jmx
H='timeStamp,elapsed,label,responseCode,success'
R1='1700000000000,10,a,200,true'
R2='1700000000500,30,a,200,true'

# check KIND NAME EXIT LINE: run the program on $T/NAME (KIND config:
# jmx-run --check; plan: jmx-run --dry-run of a test case with that plan;
# jtl: jmx-report stats) and want exit EXIT and LINE, with @ standing for
# the file's path, as one whole line of its standard error.
check() {
	f=$T/$2
	case $1 in
	config)	run "$JMX_RUN" --config "$f" --check ;;
	plan)	printf 'tests:\n  t:\n    plan: %s\n' "$f" >"$T/plan.yaml"
		run "$JMX_RUN" --config "$T/plan.yaml" --dry-run t ;;
	jtl)	run "$JMX_REPORT" stats "$f" ;;
	esac
	want=$(printf '%s' "$4" | sed "s|@|$f|g")
	is "$RC" "$3" "$1 $2: exit $3"
	has_line "$ERR" "$want" "$1 $2: says where and what"
}

# --- configuration (tests/config-errors.sh has one fixture per check) ---
# duptags and dupprops once leaked and overflowed (found by fuzzing):
# the sanitizer pass of CI runs this test too.
printf 'agents:\n\t- name: a\n' >"$T/tab.yaml"
printf -- '- a\n- b\n' >"$T/list.yaml"
printf 'agnets: []\n' >"$T/unknown.yaml"
printf 'agents:\n  - name: a\n    host: h\n    port: abc\n' >"$T/type.yaml"
printf 'tests:\n  t:\n    plan: p.jmx\n    duration: 5x\n' >"$T/dur.yaml"
printf 'agents:\n  - name: a\0\n' >"$T/nul.yaml"
printf '\001\002\377\376garbage' >"$T/binary.yaml"
printf 'agents: []\nagents: []\n' >"$T/dup.yaml"
printf 'agents:\n  - name: a\n    host: h\n    tags: [x]\n    tags: y\n' \
    >"$T/duptags.yaml"
printf 'tests:\n  t:\n    plan: p.jmx\n    properties: {a: 1}\n    properties: {a: 1, b: 2, c: 3}\n' \
    >"$T/dupprops.yaml"
printf 'agents: [\n' >"$T/cut.yaml"
while IFS='|' read -r name rc line; do
	check config "$name" "$rc" "$line"
done <<'EOF2'
tab.yaml|2|jmx-run: @:2:1: found character that cannot start any token (while scanning for the next token at line 2)
list.yaml|2|jmx-run: @:1:1: the configuration must be a mapping, got a list
unknown.yaml|2|jmx-run: @:1:1: unknown key 'agnets' at top level; expected one of: defaults, agents, tests, settings
type.yaml|2|jmx-run: @:4:11: 'port' must be an integer from 1 to 65535, got 'abc'
dur.yaml|2|jmx-run: @:4:15: 'duration' must be a duration such as 90s, 10m or 1h30m, got '5x'
nul.yaml|2|jmx-run: @:2:12: control characters are not allowed
binary.yaml|2|jmx-run: @:1:1: control characters are not allowed
dup.yaml|2|jmx-run: @:2:1: duplicate key 'agents' at top level (first at line 1)
duptags.yaml|2|jmx-run: @:5:5: duplicate key 'tags' in agent 'a' (first at line 4)
dupprops.yaml|2|jmx-run: @:5:5: duplicate key 'properties' in test 't' (first at line 4)
cut.yaml|2|jmx-run: @:2:1: did not find expected node content (while parsing a flow node at line 2)
EOF2
printf '\357\273\277agents:\n  - name: a\n    host: h\n' >"$T/bom.yaml"
run "$JMX_RUN" --config "$T/bom.yaml" --check
is "$RC" 0 "config with a UTF-8 BOM: accepted"
run "$JMX_RUN" --config "$T/nosuch.yaml" --check
is "$RC" 2 "a missing config file: exit 2"
like "$ERR" "nosuch.yaml.*No such file" "... naming it"

# --- plans ---
: >"$T/empty.jmx"
printf '<html><body/></html>\n' >"$T/html.jmx"
printf '<?xml version="1.0"?>\n<jmeterTestPlan>\0</jmeterTestPlan>\n' \
    >"$T/nul.jmx"
head -c 1000 "$G" >"$T/cut.jmx"
sed 's|ThreadGroup guiclass="ThreadGroupGui" testclass="ThreadGroup"|com.example.load.WaveThreadGroup guiclass="x" testclass="com.example.load.WaveThreadGroup"|; s|</ThreadGroup>|</com.example.load.WaveThreadGroup>|' \
    "$G" >"$T/kind.jmx"
sed 's|\(ThreadGroup.num_threads">\)[^<]*|\1${users}|' "$G" >"$T/var.jmx"
sed 's|\(ThreadGroup.num_threads">\)[^<]*|\1abc|' "$G" >"$T/nan.jmx"
sed 's|\(ThreadGroup.ramp_time">\)[^<]*|\1-1|' "$G" >"$T/neg.jmx"
cp "$P/notxml.jmx" "$P/unresolved.jmx" "$P/no-load.jmx" "$T/"
while IFS='|' read -r name rc line; do
	check plan "$name" "$rc" "$line"
done <<'EOF2'
empty.jmx|2|jmx-run: plan '@': line 1: Document is empty
html.jmx|2|jmx-run: plan '@': not a JMeter test plan (no jmeterTestPlan with a TestPlan)
notxml.jmx|2|jmx-run: plan '@': line 5: Opening and ending tag mismatch: TestPlan line 4 and hashTree
nul.jmx|2|jmx-run: plan '@': line 2: Premature end of data in tag jmeterTestPlan line 2
cut.jmx|2|jmx-run: plan '@': line 15: AttValue: ' expected
kind.jmx|2|jmx-run: plan '@': line 15: com.example.load.WaveThreadGroup 'Users': this thread group cannot be divided between agents (jmx divides JMeter's thread groups and jmeter-plugins' Concurrency, Ultimate, Stepping, Arrivals and Free-Form Arrivals); disable it or replace it
var.jmx|2|jmx-run: plan '@': line 21: ThreadGroup 'Users': num_threads '${users}' cannot be resolved (variable 'users' is not defined)
nan.jmx|2|jmx-run: plan '@': line 21: ThreadGroup 'Users': num_threads 'abc' is not a whole number
neg.jmx|2|jmx-run: plan '@': line 22: ThreadGroup 'Users': ramp_time '-1' is out of range (-1, not in 0..2147483647)
unresolved.jmx|2|jmx-run: plan '@': line 14: ThreadGroup 'Users': num_threads '${__P(x)}' cannot be resolved (no property 'x' and no default)
no-load.jmx|2|jmx-run: plan '@': the plan has no enabled thread group
EOF2

# --- refused before any agent is probed ---
# The agent has no known_hosts file: probing it would stop on that, so a
# message about the plan or a data file shows nothing was probed.
printf 'agents:\n  - {name: x, host: 198.18.0.254, known_hosts: %s}\n' \
    "$T/no_known_hosts" >"$T/agent.yaml"
probed="jmx-run: the agent is unusable; nothing started"
# early CONFIG-TAIL EXIT LINE [ARGS...]: jmx-run ARGS on the agent above
# and test case t (plan, data ... given by CONFIG-TAIL), want EXIT and
# LINE as one whole line of standard error, @ standing for $T.
early() {
	{ cat "$T/agent.yaml"; printf 'tests:\n  t:\n%s\n' "$1"; } \
	    >"$T/early.yaml"
	_rc=$2 _want=$(printf '%s' "$3" | sed "s|@|$T|g")
	shift 3
	run "$JMX_RUN" --config "$T/early.yaml" "$@"
	is "$RC" "$_rc" "early $*: exit $_rc"
	has_line "$ERR" "$_want" "early $*: says where and what"
}
sed 's|\(ThreadGroup.num_threads">\)[^<]*|\10|' "$G" >"$T/zero.jmx"
: >"$T/empty.csv"
printf 'id\n1\n' >"$T/rows.csv"
zero="plan '@/zero.jmx': line 15: ThreadGroup 'Users' has 0 threads, and so has every thread group: the run would send nothing (give the test case threads: N, or --threads N)"
early "    plan: $T/zero.jmx" 2 "jmx-run: $zero" --dry-run t
early "    plan: $T/zero.jmx" 2 "jmx-run: $zero" t
early "    plan: $T/zero.jmx" 2 "jmx-run: test case 't': $zero" --check
# A count from --threads or the test case is load: it goes on to probe.
early "    plan: $T/zero.jmx" 3 "$probed" --dry-run --threads 3 t
early "    plan: $T/zero.jmx
    threads: 4" 3 "$probed" --dry-run t
empty="data file '@/empty.csv': line 1: the file is empty, there is no row to read"
early "    plan: $G
    data: [{file: $T/empty.csv}]" 2 "jmx-run: $empty" --dry-run t
early "    plan: $G
    data: [{file: $T/empty.csv}]" 2 "jmx-run: test case 't': $empty" --check
early "    plan: $G" 2 "jmx-run: $empty" --dry-run --data "$T/empty.csv" t
early "    plan: $G
    data: [{file: $T/rows.csv}]" 3 "$probed" --dry-run t
# --check reads each plan, as a run without -J would.
early "    plan: $T/notxml.jmx" 2 \
    "jmx-run: test case 't': plan '@/notxml.jmx': line 5: Opening and ending tag mismatch: TestPlan line 4 and hashTree" --check
early "    plan: $T/unresolved.jmx" 2 \
    "jmx-run: test case 't': plan '@/unresolved.jmx': line 14: ThreadGroup 'Users': num_threads '\${__P(x)}' cannot be resolved (no property 'x' and no default)" --check
early "    plan: $G" 0 "" --check

# --- JTL files: fatal ---
: >"$T/empty.jtl"
printf 'timeStamp,label\n1,a\n' >"$T/nocol.jtl"
printf '%s\n%s\n' "$H" "$(echo "$R1" | sed 's/,10,/,1x,/')" >"$T/onebad.jtl"
printf '\0\0\0\n' >"$T/nul.jtl"
while IFS='|' read -r name rc line; do
	check jtl "$name" "$rc" "$line"
done <<'EOF2'
empty.jtl|2|jmx-report: '@': empty, not a JTL file (no header)
nocol.jtl|2|jmx-report: '@': line 1 (byte 0): header has no 'elapsed' column: 'timeStamp,label'
onebad.jtl|2|jmx-report: '@': no valid record: line 2 (byte 45): elapsed '1x' is not a number
nul.jtl|2|jmx-report: '@': line 1 (byte 0): header has no 'elapsed' column: '\x00\x00\x00'
EOF2

# A header and no record: an empty result, not an error.
printf '%s\n' "$H" >"$T/header.jtl"
run "$JMX_REPORT" stats --json "$T/header.jtl"
is "$RC:$(json_get "$T/out" 'd["total"]["count"]')" 0:0 \
    "header.jtl: exit 0, no sample"

# --- JTL files: bad records skipped, located, the good ones all kept ---
{
	printf '%s\n%s\n' "$H" "$R1"
	printf 'garbage line\n'
	printf '1700000000100,1\0002,a,200,true\n'
	printf '1700000000200,20,a\n'
	printf '%s\n' "$R2"
	printf '1700000000300,5,'; head -c 2000000 /dev/zero | tr '\0' x
	printf ',200,true\n'
	printf '1700000000400,-1,a,200,true\n'
	printf '1700000000900,"50,a,200,true\n'
} >"$T/mixed.jtl"
check jtl mixed.jtl 0 "jmx-report: 5 malformed records skipped"
for want in "1 truncated last record dropped" \
    "'@': line 3 (byte 73): 1 fields, the header has 5" \
    "'@': line 4 (byte 86): elapsed '1\\x002' is not a number" \
    "'@': line 5 (byte 115): 3 fields, the header has 5" \
    "and 3 more"; do
	want=$(printf 'jmx-report: %s' "$want" | sed "s|@|$T/mixed.jtl|g")
	has_line "$ERR" "$want" "mixed.jtl: says '$want'"
done
run "$JMX_REPORT" stats --json "$T/mixed.jtl"
is "$(json_get "$T/out" '[d["total"][k] for k in ("count","min","max")]')" \
    "[2, 10, 30]" "mixed.jtl: both good records kept, nothing else"
run "$JMX_REPORT" import "$T/mixed.jtl"
is "$RC" 0 "mixed.jtl: import exits 0"
is "$(db 'select sum(count) from buckets')" 2 \
    "mixed.jtl: the two good records are in the database"

# The same records, written otherwise, give the same figures.
printf '%s\n%s\n%s\n' "$H" "$R1" "$R2" >"$T/lf.jtl"
printf '%s\r\n%s\r\n%s\r\n' "$H" "$R1" "$R2" >"$T/crlf.jtl"
printf '\357\273\277%s\n%s\n%s\n' "$H" "$R1" "$R2" >"$T/bom.jtl"
printf '%s\n%s\n%s' "$H" "$R1" "$R2" >"$T/nolf.jtl"
printf '%s\n\n%s\n\n\n%s\n' "$H" "$R1" "$R2" >"$T/blank.jtl"
for f in lf crlf bom nolf blank; do
	run "$JMX_REPORT" stats --json "$T/$f.jtl"
	is "$RC:$ERR" "0:" "$f.jtl: exit 0, no warning"
	is "$(json_get "$T/out" \
	    '[d["total"][k] for k in ("count","min","max")]')" \
	    "[2, 10, 30]" "$f.jtl: the same two records"
done

done_testing

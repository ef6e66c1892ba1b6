# tests/lib.sh: shared helpers for the shell tests, which speak TAP.
# Sourced by each test; make check passes JMX_SRCDIR and JMX_BUILDDIR.

: "${JMX_SRCDIR:=$(cd "$(dirname "$0")/.." 2>/dev/null && pwd)}"
while [ ! -f "$JMX_SRCDIR/configure.ac" ] && [ "$JMX_SRCDIR" != / ]; do
	JMX_SRCDIR=$(dirname "$JMX_SRCDIR")
done
: "${JMX_BUILDDIR:=$JMX_SRCDIR}"
: "${JMX_SHARE:=$JMX_SRCDIR/share}"
: "${JMETER_HOME:=/opt/jmx/jmeter-5.6.3}"
export JMX_SRCDIR JMX_BUILDDIR JMX_SHARE JMETER_HOME

JMX_RUN=$JMX_BUILDDIR/jmx-run
JMX_SCHEDULE=$JMX_BUILDDIR/jmx-schedule
JMX_WATCH=$JMX_BUILDDIR/jmx-watch
JMX_REPORT=$JMX_BUILDDIR/jmx-report
BED=$JMX_SRCDIR/tests/bed/testbed.sh

_tap_n=0
_tap_failed=0

# A private directory per test, removed on success, kept on failure.
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/jmx-test.XXXXXX")
export JMX_HOME=$TEST_DIR/home
unset JMX_CONFIG

ok() {	# ok CONDITION-STATUS DESCRIPTION
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

is() {	# is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "got:  '$1'"
		diag "want: '$2'"
	fi
}

like() {	# like TEXT PATTERN DESCRIPTION (grep -E)
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "text: $(printf '%s' "$1" | head -c 600)"
		diag "does not match: $2"
	fi
}

has_line() {	# has_line TEXT LINE DESCRIPTION: LINE is one of TEXT's, exactly
	if printf '%s\n' "$1" | grep -Fqx -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "want: $2"
		diag "got:  $1"
	fi
}

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

skip_all() {
	echo "1..0 # SKIP $*"
	rm -rf "$TEST_DIR"
	exit 0
}

bail() {
	echo "Bail out! $*"
	exit 1
}

done_testing() {
	echo "1..$_tap_n"
	if [ "$_tap_failed" -eq 0 ]; then
		rm -rf "$TEST_DIR"
		exit 0
	fi
	diag "kept $TEST_DIR"
	exit 1
}

# Run a command, keeping its stdout, stderr and status in OUT, ERR, RC.
run() {
	"$@" >"$TEST_DIR/out" 2>"$TEST_DIR/err"
	RC=$?
	OUT=$(cat "$TEST_DIR/out")
	ERR=$(cat "$TEST_DIR/err")
}

# Bring the namespace test bed up with N agents and load its variables.
# One test at a time owns the bed (some kill or cut its hosts), so
# `make -j2 check` may run other tests beside it.  The lock is held by a
# process of its own that ends with the test: a descriptor of the test's
# would be inherited by the controllers it detaches.
bed_lock() {
	[ -z "${_bed_locked:-}" ] || return 0
	mkfifo "$TEST_DIR/bed.lock"
	# flock failing must say so: else nothing opens the FIFO, and the
	# read below waits for ever.
	{ flock "${JMX_BED_LOCK:-/tmp/jmx-bed.test.lock}" sh -c \
	    'echo locked >"$1"; while kill -0 "$2" 2>/dev/null; do sleep 0.5; done' \
	    sh "$TEST_DIR/bed.lock" $$ || echo failed >"$TEST_DIR/bed.lock"; } \
	    </dev/null >/dev/null 2>&1 &
	read -r _got <"$TEST_DIR/bed.lock"
	[ "$_got" = locked ] || bail "cannot take the bed lock" \
	    "${JMX_BED_LOCK:-/tmp/jmx-bed.test.lock}"
	_bed_locked=1
}

bed_up() {
	[ "$(id -u)" -eq 0 ] || skip_all "the test bed needs root"
	bed_lock
	"$BED" up "$1" >"$TEST_DIR/bed.log" 2>&1 ||
	    bail "test bed did not come up: $(tail -5 "$TEST_DIR/bed.log")"
	eval "$("$BED" env)"
	# What an earlier test left is its failure, not this one's.
	_agent_dirs >"$TEST_DIR/bed-before"
	[ ! -s "$TEST_DIR/bed-before" ] ||
	    diag "on the agents before this test: $(sort -u "$TEST_DIR/bed-before" | tr '\n' ' ')"
}

# Write a jmx.yaml for the bed's agents: bed_config FILE [WEIGHTS...]
bed_config() {
	_f=$1
	shift
	{
		echo "defaults:"
		echo "  user: $JMX_BED_USER"
		echo "  key: $JMX_BED_KEY"
		echo "  known_hosts: $JMX_BED_KNOWN_HOSTS"
		echo "  jmeter_home: $JMETER_HOME"
		echo "agents:"
		for _a in $JMX_BED_AGENTS; do
			eval "_addr=\$JMX_BED_ADDR_$_a"
			echo "  - name: $_a"
			echo "    host: $_addr"
			if [ $# -gt 0 ]; then
				echo "    weight: $1"
				shift
			fi
		done
	} >"$_f"
}

# A JSON field of a document: json_get FILE PYTHON-EXPRESSION (on d).
json_get() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# Unpack a run's archive of agent results into DIR: run_archive RUN DIR
run_archive() {
	mkdir -p "$2"
	tar -xf "$JMX_HOME/runs/$1"/agents.tar.* -C "$2"
}

# SQL against the test's database.
db() {
	sqlite3 "$JMX_HOME/jmx.db" "$@"
}

# Work directories jmx left on the agents (should be none after a run),
# listed as root, who sees what any user left; or what matches GLOB.
# Only those made since this test took the bed (bed_up).
leftovers() {	# leftovers [GLOB]
	[ -f "$TEST_DIR/bed-before" ] || : >"$TEST_DIR/bed-before"
	_agent_dirs "$@" | grep -vxF -f "$TEST_DIR/bed-before"
}

_agent_dirs() {	# _agent_dirs [GLOB]
	for _a in $JMX_BED_AGENTS; do
		eval "_addr=\$JMX_BED_ADDR_$_a"
		ssh $JMX_BED_SSH_OPTS "root@$_addr" \
		    "ls -d ${1:-/tmp/jmx-run-*} 2>/dev/null"
	done
}

# Processes (JMeter and its launcher) working in a run's agent work dirs,
# found by their working directory, as every namespace host shares /proc.
# Only in work dirs made since this test took the bed (bed_up): another
# database's run of the same number (a soak, a benchmark) is not this one.
jmeters() {	# jmeters RUN
	for _p in /proc/[0-9]*; do
		_d=$(readlink "$_p/cwd" 2>/dev/null)
		case $_d in
		*/jmx-run-"$1".*) ;;
		*) continue ;;
		esac
		# The work dir: the path up to the component after the run's.
		_w=${_d#*/jmx-run-"$1".}
		_w=${_d%"$_w"}${_w%%/*}
		grep -qxF "$_w" "$TEST_DIR/bed-before" 2>/dev/null ||
		    echo "${_p#/proc/}"
	done
}

# Three agents with a config holding test case "steady", in $conf.
steady_bed() {
	[ -x "$JMETER_HOME/bin/jmeter" ] || skip_all "no JMeter in $JMETER_HOME"
	bed_up 3
	conf=$TEST_DIR/jmx.yaml
	bed_config "$conf"
	steady_test "$conf"
	export JMX_AGENT_HEAP="-Xms128m -Xmx256m"
}

# Append test case "steady" (6 threads, 20 s, think 50 ms) to a config.
steady_test() {	# steady_test FILE
	cat >>"$1" <<YAML
tests:
  steady:
    plan: $JMX_SRCDIR/share/plans/http-get.jmx
    threads: 6
    duration: 20s
    ramp: 0
    properties: {host: $JMX_BED_TARGET, think: 50}
YAML
}

# The id of the first run after PREV (0), once it is recorded (up to a
# minute: until then the database may not even exist).
new_run() {	# new_run [PREV]
	_i=0
	until [ "$(db "select count(*) from runs where id > ${1:-0}" \
	    2>/dev/null)" = 1 ] || [ $_i -ge 120 ]; do
		sleep 0.5
		_i=$((_i + 1))
	done
	db "select min(id) from runs where id > ${1:-0}"
}

# Wait (up to a minute) until an SQL value is no longer NOT-VALUE.
wait_db() {	# wait_db SQL NOT-VALUE
	_i=0
	while [ "$(db "$1")" = "$2" ] && [ $_i -lt 120 ]; do
		sleep 0.5
		_i=$((_i + 1))
	done
	# Said on stderr: a caller may run it inside $(...).
	[ "$(db "$1")" != "$2" ] || { diag "wait_db: still '$2' after 60 s: $1" >&2
	    return 1; }
}

# Wait (up to a minute) until a process is gone.
wait_gone() {	# wait_gone PID
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt 120 ]; do
		sleep 0.5
		_i=$((_i + 1))
	done
	! kill -0 "$1" 2>/dev/null || {
		diag "wait_gone: process $1 still there after 60 s" >&2
		return 1
	}
}

# Totals of a finished run against its agents' JTLs: those archived, and
# those of lost segments never collected, up to where they were read
# (found where the agent left them: the bed's hosts share /tmp; what an
# agent wrote after it became unreachable is out of reach).  Nothing
# counted twice, nothing lost.
check_exact() {	# check_exact RUN WHAT
	rm -rf "$TEST_DIR/agents"
	run_archive "$1" "$TEST_DIR/agents"
	_n=$(cat "$TEST_DIR"/agents/*/*/results.jtl | grep -vc '^timeStamp')
	db "select work_dir, jtl_offset from segments where run_id = $1 and
	    state = 'lost' and work_dir is not null" | tr '|' ' ' >"$TEST_DIR/lost"
	while read -r _wd _off; do
		[ -f "$_wd/results.jtl" ] || continue
		_read=$(head -c "$_off" "$_wd/results.jtl" |
		    grep -vc '^timeStamp')
		_n=$((_n + _read))
		diag "$2: $(($(grep -vc '^timeStamp' "$_wd/results.jtl") - \
		    _read)) records written while unreachable"
	done <"$TEST_DIR/lost"
	ok "$([ "$_n" -gt 0 ]; echo $?)" "$2: the agents' JTLs hold $_n records"
	is "$(db "select sum(count) from buckets where run_id = $1")" "$_n" \
	    "$2: stored samples = JTL records, none twice, none lost"
	is "$(db "select samples from runs where id = $1")" "$_n" "$2: run total"
	[ "$(db "select count(*) from segments where run_id = $1
	    and state = 'lost'")" = 0 ] &&
	    is "$(db "select jtl_records from runs where id = $1")" "$_n" \
	    "$2: reconciled"
}

# The pid of the JVM of a run's first segment on an agent.
java_of() {	# java_of RUN AGENT
	_wd=$(db "select work_dir from segments where run_id = $1 and
	    agent = '$2' order by id limit 1")
	for _p in /proc/[0-9]*; do
		[ "$(readlink "$_p/cwd" 2>/dev/null)" = "$_wd" ] &&
		    [ "$(cat "$_p/comm" 2>/dev/null)" = java ] &&
		    echo "${_p#/proc/}"
	done
}

# The most threads active at once in any second of a run, all agents.
peak_threads() {	# peak_threads RUN
	db "select max(t) from (select sum(m) t from (select sec,
	    max(all_threads) m from buckets where run_id = $1
	    group by sec, segment_id) group by sec)"
}

png_ok() {	# png_ok FILE: the 8-byte PNG signature
	[ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ]
}

svg_ok() {	# svg_ok FILE: well-formed (if xmllint is here) and an <svg>
	if command -v xmllint >/dev/null; then
		xmllint --noout "$1" 2>/dev/null || return 1
	fi
	grep -q '<svg' "$1"
}

# A report directory holds its four documents and every chart, valid.
report_files_ok() {	# report_files_ok DIR
	for _f in index.html report.md report.json junit.xml; do
		ok "$([ -s "$1/$_f" ]; echo $?)" "$_f written"
	done
	_bad=
	for _c in response-times throughput threads errors rt-vs-threads \
	    distribution percentiles latency-connect agents; do
		png_ok "$1/$_c.png" || _bad="$_bad $_c.png"
		svg_ok "$1/$_c.svg" || _bad="$_bad $_c.svg"
	done
	is "$_bad" "" "every chart is a valid PNG and SVG"
}

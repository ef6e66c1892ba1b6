#!/bin/sh
# Command-line contracts every program keeps: --help, --version, usage
# errors, exit codes, man pages that document every option.
. "$(dirname "$0")/lib.sh"

for p in jmx-run jmx-schedule jmx-watch jmx-report; do
	bin=$JMX_BUILDDIR/$p
	run "$bin" --help
	is "$RC" 0 "$p --help exits 0"
	like "$OUT" "^usage: $p" "$p --help prints usage on stdout"
	like "$OUT" "Exit status" "$p --help documents exit codes"

	run "$bin" --version
	is "$RC" 0 "$p --version exits 0"
	like "$OUT" "^$p [0-9]+\.[0-9]+\.[0-9]+$" "$p --version prints name and version"

	run "$bin" -v --version
	like "$OUT" "libssh2 .*SQLite .*libyaml" "$p -v --version names the libraries"

	run "$bin" --no-such-flag
	is "$RC" 2 "$p: unknown option exits 2"
	like "$ERR" "Try '$p --help'" "$p: unknown option points to --help"
	is "$OUT" "" "$p: usage error prints nothing on stdout"

	run "$bin" --color=sometimes --help
	is "$RC" 2 "$p: bad --color value exits 2"

	man=$JMX_SRCDIR/man/$p.1
	ok "$([ -f "$man" ]; echo $?)" "$p has a man page"
	if command -v mandoc >/dev/null; then
		run mandoc -Tlint -W warning "$man"
		is "$OUT$ERR" "" "$p.1 is mandoc -Tlint clean"
	fi
	# Every long option in --help appears in the man page.
	missing=
	for opt in $("$bin" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
		grep -q -- "Fl ${opt#--}" "$man" || missing="$missing $opt"
	done
	is "$missing" "" "$p.1 documents every option of --help"
	for code in 0 1 2 3 4; do
		grep -q "^\.It $code\$" "$man" || missing="$missing exit-$code"
	done
	is "$missing" "" "$p.1 lists exit statuses 0-4"
done

for page in jmx.7 jmx.conf.5; do
	run mandoc -Tlint -W warning "$JMX_SRCDIR/man/$page"
	is "$OUT$ERR" "" "$page is mandoc -Tlint clean"
done

run "$JMX_SCHEDULE" frobnicate
is "$RC" 2 "jmx-schedule: an unknown command exits 2"

run "$JMX_RUN"
is "$RC" 2 "jmx-run without a test exits 2"

run "$JMX_RUN" --duration soon x
is "$RC" 2 "jmx-run: bad --duration exits 2"
like "$ERR" "--duration takes a duration" "jmx-run: bad --duration is explained"

run "$JMX_RUN" --threads x0 x
is "$RC" 2 "jmx-run: bad --threads exits 2"

run "$JMX_RUN" -J novalue x
is "$RC" 2 "jmx-run: -J without = exits 2"

# Colour: --color=always, never, and auto (a terminal whose TERM is not
# dumb, NO_COLOR unset); the error line's "jmx-run:" is red.
esc=$(printf '\033')
has_esc() {	# has_esc TEXT: status 0 if TEXT holds an ESC byte
	case $1 in *"$esc"*) return 0 ;; esac
	return 1
}
run env NO_COLOR=1 "$JMX_RUN" --threads x0 x
ok "$(has_esc "$ERR$OUT"; [ $? -ne 0 ]; echo $?)" "NO_COLOR: no ESC byte"
run env -u NO_COLOR TERM=xterm "$JMX_RUN" --threads x0 x
ok "$(has_esc "$ERR$OUT"; [ $? -ne 0 ]; echo $?)" "not a terminal: no ESC byte"
run env NO_COLOR=1 TERM=dumb "$JMX_RUN" --color=always --threads x0 x
is "$ERR" "${esc}[31mjmx-run:${esc}[0m --threads takes a count or a scale factor such as x2, not 'x0'
Try 'jmx-run --help' for more information." "--color=always: the error prefix is red"
if command -v script >/dev/null; then
	tty_err() {	# tty_err ENV...: jmx-run's usage error on a terminal
		env -u NO_COLOR "$@" script -qec \
		    "'$JMX_RUN' --threads x0 x" /dev/null </dev/null
	}
	ok "$(has_esc "$(tty_err TERM=xterm)"; echo $?)" \
	    "a terminal: colour (auto)"
	ok "$(has_esc "$(tty_err TERM=xterm NO_COLOR=1)"; [ $? -ne 0 ]; echo $?)" \
	    "a terminal with NO_COLOR: no ESC byte"
	ok "$(has_esc "$(tty_err TERM=dumb)"; [ $? -ne 0 ]; echo $?)" \
	    "a dumb terminal: no ESC byte"
	ok "$(has_esc "$(env TERM=xterm script -qec \
	    "'$JMX_RUN' --color=never --threads x0 x" /dev/null </dev/null)"
	    [ $? -ne 0 ]; echo $?)" "a terminal with --color=never: no ESC byte"
else
	for i in 1 2 3 4; do ok 0 "# SKIP no script(1)"; done
fi

# A plan whose thread count cannot be resolved: exit 2 naming the element,
# before any agent is contacted.
printf 'agents:\n  - {name: far, host: 198.18.0.250}\n' >"$TEST_DIR/jmx.yaml"
run "$JMX_RUN" --config "$TEST_DIR/jmx.yaml" --dry-run \
    "$JMX_SRCDIR/tests/data/plans/unresolved.jmx"
is "$RC" 2 "unresolvable plan: exit 2"
like "$ERR" "line 14: ThreadGroup 'Users': num_threads '\\$\\{__P\\(x\\)\\}' cannot be resolved" \
    "the unresolvable element is named with its line"
# A plan with no enabled thread group (setUp/tearDown only) makes no load.
run "$JMX_RUN" --config "$TEST_DIR/jmx.yaml" --dry-run \
    "$JMX_SRCDIR/tests/data/plans/no-load.jmx"
is "$RC" 2 "plan with no enabled thread group: exit 2"
like "$ERR" "^jmx-run: plan '[^']*no-load\.jmx': the plan has no enabled thread group$" \
    "the plan without load is named"
is "$OUT" "" "nothing on stdout for a plan without load"
run "$JMX_RUN" --config "$TEST_DIR/jmx.yaml" --dry-run --agents nosuch \
    "$JMX_SRCDIR/share/plans/http-get.jmx"
is "$RC" 2 "unknown agent: exit 2"
like "$ERR" "no agent 'nosuch'" "the unknown agent is named"
run "$JMX_RUN" --config "$TEST_DIR/jmx.yaml" nosuchtest
is "$RC" 2 "unknown test case: exit 2"
like "$ERR" "'nosuchtest' is neither a test case" "the unknown test case is named"

# --agents naming one twice: refused before anything starts.
run "$JMX_RUN" --config "$TEST_DIR/jmx.yaml" --dry-run --agents far,far \
    "$JMX_SRCDIR/share/plans/http-get.jmx"
is "$RC" 2 "--agents far,far: exit 2"
like "$ERR" "^jmx-run: agent 'far' named twice" "the doubled agent is named"

# Ctrl-C while agents are validated (one that takes a TCP connection and
# never speaks SSH): exit 130 at once, nothing recorded.
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1]); sys.stdout.flush(); time.sleep(60)' \
    >"$TEST_DIR/port" &
silent=$!
i=0
while [ ! -s "$TEST_DIR/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
: >"$TEST_DIR/key"
: >"$TEST_DIR/known_hosts"
printf 'agents:\n  - {name: mute, host: 127.0.0.1, port: %s, key: %s, known_hosts: %s}\n' \
    "$(cat "$TEST_DIR/port")" "$TEST_DIR/key" "$TEST_DIR/known_hosts" \
    >"$TEST_DIR/mute.yaml"
"$JMX_RUN" --config "$TEST_DIR/mute.yaml" \
    "$JMX_SRCDIR/share/plans/http-get.jmx" 2>"$TEST_DIR/mute.err" &
pid=$!
i=0
while ! grep -q validating "$TEST_DIR/mute.err" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
like "$(cat "$TEST_DIR/mute.err")" validating \
    "Ctrl-C during validation: sent while validating"
sleep 0.5
start=$(date +%s)
kill -INT $pid
wait $pid
is "$?" 130 "Ctrl-C during validation: exit 130"
ok "$([ $(($(date +%s) - start)) -le 2 ]; echo $?)" "... at once"
is "$(sqlite3 "$JMX_HOME/jmx.db" 'select count(*) from runs' 2>/dev/null ||
    echo 0)" 0 "... no run recorded"
kill $silent 2>/dev/null
wait $silent 2>/dev/null

# jmx-run status without the bed: an empty database, a missing run, a
# completed run whose names hold control bytes (rows written as the
# runner would).
run "$JMX_RUN" status
is "$RC" 0 "status with no runs: exit 0"
is "$OUT" "no runs" "status with no runs says so"
run "$JMX_RUN" --json status
is "$RC" 0 "status --json with no runs: exit 0"
is "$OUT" '{"run_id":null}' "status --json with no runs: run_id null"
for id in 99999 2; do
	[ "$id" = 2 ] && db "insert into runs (test_case, plan, label, state,
	    created_ms, duration_ms, threads, samples, active_ms)
	    values ('steady' || char(10) || 'fake', 'p.jmx',
	    'lab' || char(27) || '[31mel', 'completed', 1, 20000, 3, 42, 20000)"
	run "$JMX_RUN" status "$id"
	is "$RC" 2 "status $id (no such run): exit 2, no crash"
	is "$ERR" "jmx-run: no run $id" "status $id names the missing run"
	is "$OUT" "" "status $id prints nothing on stdout"
	run "$JMX_RUN" --json status "$id"
	is "$RC" 2 "status --json $id (no such run): exit 2, no crash"
	is "$ERR" "jmx-run: no run $id" "status --json $id names the missing run"
done
run "$JMX_RUN" status 1
is "$RC" 0 "status of a completed run: exit 0"
like "$OUT" '^test case: steady\\nfake  label: lab\\x1b\[31mel$' \
    "a newline and an escape in names are printed escaped"
is "$(printf '%s' "$OUT" | tr -d '\n' | tr -d '[:print:]' | wc -c)" 0 \
    "status prints no control byte"
like "$OUT" "samples: 42 " "status of a completed run: its samples"
like "$OUT" "elapsed: 20s of 20s" "status of a completed run: active time"
run "$JMX_RUN" --json status
like "$OUT" '"test_case":"steady\\nfake"' "--json status escapes for JSON"
like "$OUT" '"samples":42,' "--json status: samples"
like "$OUT" '"elapsed_ms":20000,"remaining_ms":0,' "--json status: times"

# attach, like stop, finds the database where the default configuration's
# settings.home puts it (it used to skip that configuration).
cfg_home=$TEST_DIR/cfg-home
mkdir -p "$cfg_home/.config/jmx" "$cfg_home/data"
printf 'settings:\n  home: %s/data\n' "$cfg_home" \
    >"$cfg_home/.config/jmx/config.yaml"
for cmd in stop attach; do
	run env -u JMX_HOME -u JMX_CONFIG -u XDG_CONFIG_HOME -u XDG_DATA_HOME \
	    HOME="$cfg_home" sh -c "cd '$cfg_home' && '$JMX_RUN' $cmd 3"
	is "$ERR" "jmx-run: no run 3" \
	    "$cmd: no run 3 in settings.home's database"
done
ok "$([ ! -e "$cfg_home/.local/share/jmx/jmx.db" ]; echo $?)" \
    "attach makes no database outside settings.home"

done_testing

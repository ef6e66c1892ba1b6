#!/bin/sh
# Each class of configuration error gives one line naming file:line:col
# and exits 2.  Fixtures carry their expectation in their first line:
#   # expect: LINE:COL: substring      or      # expect: ok
. "$(dirname "$0")/lib.sh"

for f in "$JMX_SRCDIR"/tests/data/config/*.yaml; do
	name=$(basename "$f")
	expect=$(sed -n '1s/^# expect: //p' "$f")
	run "$JMX_RUN" --config "$f" --check
	if [ "$expect" = ok ]; then
		is "$RC" 0 "$name: accepted"
		continue
	fi
	is "$RC" 2 "$name: exit status 2"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "$name: one line of error"
	case $ERR in
	*"$f:$expect"*) ok 0 "$name: says $expect" ;;
	*) ok 1 "$name: says $expect"; diag "got: $ERR" ;;
	esac
	is "$OUT" "" "$name: nothing on stdout"
done

# --check reports every error, in file order (settings come first in the
# file but are read last), each with file:line:col, not only the first.
cat >"$TEST_DIR/many.yaml" <<'EOF2'
settings:
  stop_grace: soon
agents:
  - name: a1
    host: h1
    port: 99999
    bogus: 1
  - name: a2
    host: h2
    weight: -1
tests:
  t1:
    plan: p.jmx
    threads: zero
    agents: [a1, nosuch]
    thresholds:
      - metric: p95
        op: "=="
        value: 10
EOF2
run "$JMX_RUN" --config "$TEST_DIR/many.yaml" --check
is "$RC" 2 "many errors: exit 2"
is "$(printf '%s\n' "$ERR" | sed 's/^jmx-run: [^:]*:\([0-9]*:[0-9]*\): .*/\1/' |
    tr '\n' ' ')" "2:15 6:11 7:5 10:13 14:14 15:18 18:13 " \
    "many errors: all seven, in file order, each with line:col"
like "$ERR" "^jmx-run: $TEST_DIR/many.yaml:2:15: 'stop_grace' must be" \
    "many errors: each line names the file"
is "$OUT" "" "many errors: nothing on stdout"

run "$JMX_RUN" --config "$TEST_DIR/missing.yaml" --check
is "$RC" 2 "missing config file: exit 2"
like "$ERR" "missing.yaml" "missing config file is named"

# Local inputs are checked before anything starts: no agent is probed
# (this one would not answer), no run recorded, exit 2 naming the file.
plan=$JMX_SRCDIR/share/plans/http-get.jmx
cat >"$TEST_DIR/inputs.yaml" <<EOF2
agents:
  - name: a1
    host: 192.0.2.1
tests:
  noplan:
    plan: $TEST_DIR/nosuch.jmx
  nodata:
    plan: $plan
    data:
      - file: $TEST_DIR/nosuch.csv
  notoken:
    plan: $plan
    stream:
      url: http://127.0.0.1:1/write?db=x
      token_file: $TEST_DIR/nosuch.token
  fine:
    plan: $plan
EOF2
run "$JMX_RUN" --config "$TEST_DIR/inputs.yaml" --check
is "$RC" 2 "--check: a test case's missing plan or data file: exit 2"
like "$ERR" "test case 'noplan': plan '$TEST_DIR/nosuch.jmx': No such file" \
    "--check names the missing plan"
like "$ERR" "test case 'nodata': data file '$TEST_DIR/nosuch.csv': No such" \
    "--check names the missing data file"
like "$ERR" "test case 'notoken': stream token file '$TEST_DIR/nosuch.token': No such" \
    "--check names the missing stream token file"
run "$JMX_RUN" --config "$TEST_DIR/inputs.yaml" noplan
is "$RC" 2 "a missing plan: exit 2"
like "$ERR" "^jmx-run: plan '$TEST_DIR/nosuch.jmx': No such file" \
    "... naming it"
for t in "--dry-run fine" "fine" "--detach fine" "nodata"; do
	start=$(date +%s)
	# shellcheck disable=SC2086
	run "$JMX_RUN" --config "$TEST_DIR/inputs.yaml" --data /nonexist.csv $t
	[ "$t" = nodata ] && want="$TEST_DIR/nosuch.csv" || want=/nonexist.csv
	is "$RC" 2 "$t, a missing data file: exit 2"
	like "$ERR" "^jmx-run: data file '$want': No such file" "... naming it"
	ok "$(case $ERR in *validating*) echo 1 ;; *) echo 0 ;; esac)" \
	    "... before any agent is probed"
	ok "$([ $(($(date +%s) - start)) -lt 5 ]; echo $?)" "... at once"
done
is "$(sqlite3 "$JMX_HOME/jmx.db" 'select count(*) from runs' 2>/dev/null ||
    echo 0)" 0 "no run recorded for missing inputs"

done_testing

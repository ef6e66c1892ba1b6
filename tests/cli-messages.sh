#!/bin/sh
# Messages every program gets right: option errors name the program, not
# its path; -V -v and -v -V both show the library versions; counts of
# one are singular.
. "$(dirname "$0")/lib.sh"

for p in jmx-run jmx-report jmx-schedule jmx-watch; do
	# a path with a directory, as a user running ./jmx-run would give
	run "$JMX_BUILDDIR/./$p" --no-such-option
	is "$RC" 2 "$p: unknown option: exit 2"
	like "$ERR" "^$p: unrecognized option '--no-such-option'" \
	    "$p: getopt's message names the program, not its path"
	run "$JMX_BUILDDIR/./$p" -c
	like "$ERR" "^$p: option requires an argument" \
	    "$p: a missing argument names the program"
	for args in "-V -v" "-v -V" "--version --verbose"; do
		run "$JMX_BUILDDIR/$p" $args
		is "$RC" 0 "$p $args: exit 0"
		like "$OUT" "SQLite [0-9.]+" "$p $args: library versions shown"
	done
	run "$JMX_BUILDDIR/$p" -V
	is "$(printf '%s\n' "$OUT" | wc -l)" 1 "$p -V: one line, no libraries"
done

# jmx-schedule add wants one time: --at, --in or --cron.
run "$JMX_SCHEDULE" add nightly --at 02:00 --in 1h
is "$RC" 2 "jmx-schedule add --at --in: exit 2"
like "$ERR" "^jmx-schedule: add needs one of --at, --in or --cron$" \
    "jmx-schedule add with two times says so"

cd "$TEST_DIR" || bail "cd"
plan=$(ls "$JMX_SRCDIR"/share/plans/*.jmx | head -n 1)
cat >one.yaml <<EOF2
agents:
  - name: a1
    host: 127.0.0.1
    port: 1
tests:
  t1:
    plan: $plan
    duration: 5s
EOF2
run "$JMX_RUN" -c one.yaml --check
is "$OUT" "one.yaml: 1 agent, 1 test case" "--check: one agent, one test case"
run "$JMX_RUN" -c one.yaml t1
like "$ERR" "^validating 1 agent\.\.\.$" "validating 1 agent (singular)"

printf 'timeStamp,elapsed,label\n1700000000000,-1,a\n1700000000000,1,a\n' \
    >one.jtl
run "$JMX_REPORT" stats one.jtl
like "$ERR" "^jmx-report: 1 malformed record skipped$" \
    "1 malformed record (singular)"

done_testing

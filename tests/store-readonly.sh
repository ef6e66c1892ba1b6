#!/bin/sh
# A read-only database: readers (jmx-run status, jmx-report show) work on
# a read-only file and in a read-only directory (WAL mode); a writer is
# told the file is read-only; an old schema is not migrated behind a
# reader's back when it cannot be, and the error says why.
. "$(dirname "$0")/lib.sh"

D=$JMX_SRCDIR/tests/data/report
DB=$JMX_HOME/jmx.db

# Root writes anything: run the programs as nobody then.
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null || skip_all "root without setpriv"
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 755 "$TEST_DIR"
else
	AS=
fi
cd "$TEST_DIR" || bail "cd $TEST_DIR"
mkdir -p rep && chmod 777 rep

run "$JMX_REPORT" import "$D/one.jtl"
is "$RC" 0 "import into a new database"
id=$OUT

chmod 444 "$DB"
chmod 555 "$JMX_HOME"
run $AS "$JMX_RUN" status "$id"
is "$RC" 0 "read-only file and directory: jmx-run status exits 0"
like "$OUT" "^run $id: completed" "status shows the run"
is "$ERR" "" "and says nothing on stderr"
run $AS "$JMX_REPORT" --no-charts --json -o "$TEST_DIR/rep/r" show "$id"
is "$RC" 0 "read-only file and directory: jmx-report show exits 0"
ok "$([ -s "$TEST_DIR/rep/r/report.json" ]; echo $?)" "the report is written"
run $AS "$JMX_REPORT" import "$D/one.jtl"
is "$RC" 3 "a writer on a read-only database: exit 3"
like "$ERR" "^jmx-report: database '$DB' is read-only" \
    "the writer is told the database is read-only, named"
ok "$([ ! -e "$DB-wal" ] && [ ! -e "$DB-shm" ]; echo $?)" \
    "no -wal or -shm file left"

# The file may be written, its directory may not (WAL needs -wal, -shm).
chmod 644 "$DB"
[ -n "$AS" ] && chown 65534 "$DB"
run $AS "$JMX_RUN" status "$id"
is "$RC" 0 "read-only directory: jmx-run status exits 0"
run $AS "$JMX_REPORT" import "$D/one.jtl"
is "$RC" 3 "read-only directory: import exits 3"
like "$ERR" "database '$DB' is read-only: its directory cannot be written" \
    "the writer is told the directory is read-only"
[ -n "$AS" ] && chown 0 "$DB"
chmod 755 "$JMX_HOME"

# A schema older than the program's, read-only: no migration, a clear error.
rm -f "$DB"*
sqlite3 "$DB" 'CREATE TABLE old (a); PRAGMA user_version = 0;'
chmod 444 "$DB"
chmod 555 "$JMX_HOME"
run $AS "$JMX_RUN" status
is "$RC" 3 "an old read-only database: exit 3"
like "$ERR" "database '$DB' needs its schema upgraded from version 0 to [0-9]+ and is read-only" \
    "the error says it needs upgrading and is read-only"
is "$(sqlite3 "$DB" 'PRAGMA user_version')" 0 "the file is untouched"
chmod 755 "$JMX_HOME"
chmod 644 "$DB"
[ -n "$AS" ] && chown -R 65534 "$JMX_HOME"
run $AS "$JMX_RUN" status
is "$RC" 0 "an old writable database: upgraded, then no runs (exit 0)"
ok "$([ "$(sqlite3 "$DB" 'PRAGMA user_version')" -gt 0 ]; echo $?)" \
    "a reader upgrades a schema it may write"

done_testing

#!/bin/sh
# The controller's disk fills while a run starts (its run directory on a
# small tmpfs, the data slices too big for it): the start fails with the
# system's words, and the run does not stay "starting" with its agents
# held: it ends failed, its reservations and agent locks are released,
# and nothing is left on the agents.
. "$(dirname "$0")/../lib.sh"

[ -x "$JMETER_HOME/bin/jmeter" ] || skip_all "no JMeter in $JMETER_HOME"
command -v mount >/dev/null || skip_all "no mount(8)"
bed_up 3
conf=$TEST_DIR/jmx.yaml
bed_config "$conf"
cp "$JMX_SRCDIR/tests/data/plans/csv-echo.jmx" "$TEST_DIR/plan.jmx"
awk 'BEGIN { print "user"; for (i = 1; i <= 300000; i++) print "u" i }' \
    >"$TEST_DIR/users.csv"
cat >>"$conf" <<YAML
tests:
  rows:
    plan: $TEST_DIR/plan.jmx
    threads: 3
    duration: 10s
    properties: {host: $JMX_BED_TARGET, loops: -1, think: 50}
YAML
export JMX_AGENT_HEAP="-Xms128m -Xmx256m"

mkdir -p "$JMX_HOME/runs"
mount -t tmpfs -o size=256k jmx-test-full "$JMX_HOME/runs" ||
    skip_all "cannot mount a tmpfs"
run "$JMX_RUN" --config "$conf" --data "$TEST_DIR/users.csv:split" rows
umount "$JMX_HOME/runs"
is "$RC" 3 "a full disk at the start: exit 3"
like "$ERR" "No space left on device" "the system's words are passed on"
id=$(db "select max(id) from runs")
is "$(db "select state from runs where id = $id")" failed \
    "the run ended failed, not left starting"
is "$(db "select count(*) from reservations")" 0 "its agents are released"
is "$(grep -l "^run=$id\$" /tmp/jmx-agent-*.lock 2>/dev/null |
    xargs -r grep -l "^database=$(cd "$JMX_HOME" && pwd -P)/jmx.db\$" |
    wc -l)" 0 "... and their locks on the agents"
is "$(leftovers)" "" "nothing is left on the agents"
is "$(jmeters "$id")" "" "no JMeter runs for it"

done_testing

#!/bin/sh
# The test bed itself: over SSH (strict host keys) to a namespace agent,
# run the real JMeter against nginx on the target host and get a JTL back
# with exactly the samples the plan makes.
. "$(dirname "$0")/../lib.sh"

[ -x "$JMETER_HOME/bin/jmeter" ] || skip_all "no JMeter in $JMETER_HOME"
bed_up 3

SSH="ssh $JMX_BED_SSH_OPTS"
addr=$JMX_BED_ADDR_a1

run $SSH "$JMX_BED_USER@$addr" 'ip -4 -o addr show dev eth0'
is "$RC" 0 "ssh to agent a1 with a known host key"
like "$OUT" "198\.18\.0\.11/" "the session runs inside a1's namespace"
# No shell start-up files: JMeter itself may leave ~/.java there.
run $SSH "$JMX_BED_USER@$addr" 'id -un; echo "$HOME"
    ls -A | grep -E "^\.(bash|profile|zsh|pyenv)" || :'
is "$OUT" "jmxagent
$JMX_BED_DIR/home" "agents log in as jmxagent, a home in the bed dir with no shell start-up files"

run ssh -F /dev/null -i "$JMX_BED_KEY" -o BatchMode=yes \
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/dev/null \
    -o GlobalKnownHostsFile=/dev/null "$JMX_BED_USER@$addr" true
ok "$([ "$RC" -ne 0 ]; echo $?)" "an unknown host key is refused"

"$BED" clear-log >/dev/null 2>&1
work=$($SSH "$JMX_BED_USER@$addr" 'mktemp -d /tmp/jmx-bedtest.XXXXXX')
$SSH "$JMX_BED_USER@$addr" "cat > $work/plan.jmx" <"$JMX_SRCDIR/tests/data/plans/http-fixed.jmx"
run $SSH "$JMX_BED_USER@$addr" "cd $work && HEAP='-Xms128m -Xmx256m' $JMETER_HOME/bin/jmeter -n -t plan.jmx -l results.jtl -j jmeter.log -Jthreads=3 -Jloops=7 -Jthink=0 -Jhost=$JMX_BED_TARGET"
is "$RC" 0 "JMeter ran on the agent"
like "$OUT" "end of run" "JMeter reached the end of its run"

$SSH "$JMX_BED_USER@$addr" "cat $work/results.jtl" >"$TEST_DIR/results.jtl"
$SSH "$JMX_BED_USER@$addr" "rm -rf $work"
like "$(head -1 "$TEST_DIR/results.jtl")" "^timeStamp,elapsed,label,responseCode" "the JTL has JMeter's header"
total=$(($(wc -l <"$TEST_DIR/results.jtl") - 1))
is "$total" 21 "3 threads x 7 loops = 21 samples"
good=$(awk -F, 'NR > 1 && $4 == 200 && $8 == "true"' "$TEST_DIR/results.jtl" | wc -l)
is "$good" 21 "all 21 samples succeeded with HTTP 200"
hits=$(grep -c 'uri="/"' "$JMX_BED_ACCESS_LOG")
is "$hits" 21 "nginx on the target saw 21 requests"

done_testing

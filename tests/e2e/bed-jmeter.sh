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

# jmx on a host key not yet known, on a port other than 22 (a second
# sshd of a1's, started here): refused, with the fingerprint and the
# command that trusts it; that command, run as printed, makes the host
# known.  A changed key is refused, with no command to trust it.
port=2222
sed -e "s|^ListenAddress .*|ListenAddress $addr:$port|" \
    -e "s|^PidFile .*|PidFile $TEST_DIR/sshd.pid|" \
    "$JMX_BED_DIR/a1/sshd_config" >"$TEST_DIR/sshd_config"
ip netns exec jmx-a1 /usr/sbin/sshd -f "$TEST_DIR/sshd_config" \
    -E "$TEST_DIR/sshd.log" </dev/null
i=0
until ssh-keyscan -p $port "$addr" >/dev/null 2>&1 || [ $i -ge 40 ]; do
	sleep 0.25
	i=$((i + 1))
done
kh="$TEST_DIR/known hosts 'port'"
: >"$kh"
cat >"$TEST_DIR/port.yaml" <<YAML
agents:
  - name: p$port
    host: $addr
    port: $port
    user: $JMX_BED_USER
    key: $JMX_BED_KEY
    known_hosts: "$kh"
    jmeter_home: $JMETER_HOME
YAML
printf 'tests:\n  t:\n    plan: %s\n    properties: {host: %s}\n' \
    "$JMX_SRCDIR/share/plans/http-get.jmx" "$JMX_BED_TARGET" >>"$TEST_DIR/port.yaml"
problem() {	# the agent's problem in jmx-run --dry-run --json: $msg
	run "$JMX_RUN" --config "$TEST_DIR/port.yaml" --dry-run --json t
	echo "$OUT" >"$TEST_DIR/port.json"
	msg=$(json_get "$TEST_DIR/port.json" \
	    "d['agents'][0].get('problem')" 2>/dev/null)
}
problem
is "$RC" 3 "port $port, unknown host key: refused, exit 3"
fp=$(ssh-keyscan -p $port -t ed25519 "$addr" 2>/dev/null | ssh-keygen -lf - | awk '{ print $2 }')
fp_re=$(printf '%s' "$fp" | sed 's/[][\\.*^$+?(){}|]/\\&/g')	# base64 has + and /
like "$msg" "not in known_hosts '$TEST_DIR/known hosts 'port''.*offered ssh-ed25519 $fp_re" \
    "... naming the file and the key's fingerprint"
like "$msg" "out of band" "... asking to compare it out of band"
cmd=${msg##*trust it with: }
q="'\\''"
is "$cmd" "ssh-keyscan -p $port -t ssh-ed25519 '$addr' >> '$TEST_DIR/known hosts ${q}port${q}'" \
    "... and printing the command that trusts it"
sh -c "$cmd" 2>/dev/null
problem
is "$RC:$msg" "0:None" "that command run as printed: the host is known, the dry run passes"
[ "$RC:$msg" = "0:None" ] || diag "$(cat "$TEST_DIR/known hosts 'port'" "$TEST_DIR/port.json")"
like "$(cat "$kh")" "^\[$addr\]:$port ssh-ed25519 " "  as [host]:port in known_hosts"
sed -i "s|ssh-ed25519 .*|ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMA/yF7M2UEpQBaJkYsWwP/WIBs/5CPrvkwPSkrur+tc|" "$kh"
problem
is "$RC" 3 "a changed host key: refused, exit 3"
like "$msg" "does not match known_hosts.*man-in-the-middle" "... saying why"
ok "$(echo "$msg" | grep -q ssh-keyscan && echo 1 || echo 0)" \
    "... with no command to trust it"
kill "$(cat "$TEST_DIR/sshd.pid")"

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

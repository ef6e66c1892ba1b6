#!/bin/sh
# Agents reachable only through a jump host (tests/bed/bastion.sh): the
# inventory names Hosts of an ssh_config file whose HostName, User,
# IdentityFile and ProxyJump take jmx there.  A real 2-agent run through
# the bastion with exact totals; both hops' host keys checked strictly;
# ssh-agent logs in when no key file is given.
. "$(dirname "$0")/../lib.sh"

[ -x "$JMETER_HOME/bin/jmeter" ] || skip_all "no JMeter in $JMETER_HOME"
bed_up 1
BASTION=$JMX_SRCDIR/tests/bed/bastion.sh
agent_pid=
cleanup() {
	[ -z "$agent_pid" ] || kill "$agent_pid" 2>/dev/null
	"$BASTION" down >/dev/null 2>&1
}
trap cleanup EXIT
"$BASTION" up >"$TEST_DIR/bastion.log" 2>&1 ||
    bail "bastion bed did not come up: $(tail -3 "$TEST_DIR/bastion.log")"
eval "$("$BASTION" env)"

# The agents are out of the controller's reach: only the jump host is.
run timeout 10 ssh $JMX_BED_SSH_OPTS -o ConnectTimeout=2 \
    -o UserKnownHostsFile="$JMX_BASTION_KNOWN_HOSTS" \
    "$JMX_BED_USER@$JMX_BASTION_ADDR_b1" true
ok "$([ "$RC" -ne 0 ]; echo $?)" "agent b1 is unreachable directly"

sshconf=$TEST_DIR/ssh_config
cat >"$sshconf" <<CONF
Host bastion
    HostName $JMX_BASTION_JUMP
    User $JMX_BED_USER
    IdentityFile $JMX_BED_KEY

Host lab-b1
    HostName $JMX_BASTION_ADDR_b1
Host lab-b2
    HostName $JMX_BASTION_ADDR_b2
Host lab-*
    User $JMX_BED_USER
    IdentityFile $JMX_BED_KEY
    ProxyJump bastion
CONF
export JMX_SSH_CONFIG="$sshconf"
export JMX_AGENT_HEAP="-Xms128m -Xmx256m"
conf=$TEST_DIR/jmx.yaml
cat >"$conf" <<YAML
defaults:
  known_hosts: $JMX_BASTION_KNOWN_HOSTS
  jmeter_home: $JMETER_HOME
agents:
  - {name: b1, host: lab-b1}
  - {name: b2, host: lab-b2}
tests:
  behind:
    plan: $JMX_SRCDIR/share/plans/http-get.jmx
    threads: 4
    duration: 6s
    ramp: 0
    properties: {host: $JMX_BED_TARGET, think: 20}
YAML

run "$JMX_RUN" --config "$conf" --json --label bastion behind
is "$RC" 0 "a run through the jump host exits 0"
[ "$RC" -eq 0 ] || diag "$ERR"
echo "$OUT" >"$TEST_DIR/run.json"
id=$(json_get "$TEST_DIR/run.json" 'd["run_id"]' 2>/dev/null)
is "$(db "select state from runs where id = $id")" completed "run completed"
check_exact "$id" "through the bastion"
is "$(db "select count(distinct agent) from segments where run_id = $id")" \
    2 "both agents ran their share"

# A user given in the inventory wins over the ssh_config's User.
sed 's|  - {name: b2, host: lab-b2}|  - {name: b2, host: lab-b2}\
  - {name: bx, host: lab-b1, user: nosuchuser}|' "$conf" >"$TEST_DIR/bx.yaml"
run "$JMX_RUN" --config "$TEST_DIR/bx.yaml" --dry-run --agents bx behind
is "$RC" 3 "an inventory user that cannot log in: exit 3"
like "$ERR" "nosuchuser@$JMX_BASTION_ADDR_b1:22 \\(via $JMX_BED_USER@$JMX_BASTION_JUMP:22\\)" \
    "the inventory's user wins over User; the jump host keeps its own"

# Strict host keys on both hops: the jump host's key unknown.
grep -v "^$JMX_BASTION_JUMP " "$JMX_BASTION_KNOWN_HOSTS" >"$TEST_DIR/kh1"
sed "s|$JMX_BASTION_KNOWN_HOSTS|$TEST_DIR/kh1|" "$conf" >"$TEST_DIR/kh1.yaml"
run "$JMX_RUN" --config "$TEST_DIR/kh1.yaml" --dry-run --agents b1 behind
is "$RC" 3 "jump host's key unknown: exit 3"
like "$ERR" "jump host.*host key for '$JMX_BASTION_JUMP' is not in known_hosts" \
    "names the jump host's unknown key"
# ... and the agent's key unknown, the jump host's known.
grep -v "^$JMX_BASTION_ADDR_b1 " "$JMX_BASTION_KNOWN_HOSTS" >"$TEST_DIR/kh2"
sed "s|$JMX_BASTION_KNOWN_HOSTS|$TEST_DIR/kh2|" "$conf" >"$TEST_DIR/kh2.yaml"
run "$JMX_RUN" --config "$TEST_DIR/kh2.yaml" --dry-run --agents b1 behind
is "$RC" 3 "agent's key unknown behind the jump host: exit 3"
like "$ERR" "host key for '$JMX_BASTION_ADDR_b1' is not in known_hosts" \
    "names the agent's unknown key"

# No key anywhere: refused without ssh-agent, accepted with it.
sed '/IdentityFile/d' "$sshconf" >"$TEST_DIR/nokey_config"
export JMX_SSH_CONFIG="$TEST_DIR/nokey_config"
unset SSH_AUTH_SOCK
export HOME="$TEST_DIR"	# no ~/.ssh/id_* of the machine's user
run "$JMX_RUN" --config "$conf" --dry-run --agents b1 behind
is "$RC" 3 "no key and no ssh-agent: exit 3"
like "$ERR" "authentication failed.*SSH_AUTH_SOCK is not set" \
    "says no key and no ssh-agent"
eval "$(ssh-agent -s -a "$TEST_DIR/agent.sock")" >/dev/null
agent_pid=$SSH_AGENT_PID
ssh-add -q "$JMX_BED_KEY" 2>/dev/null
run "$JMX_RUN" --config "$conf" --dry-run --json --agents b1,b2 behind
is "$RC" 0 "ssh-agent's key logs in on both hops"
[ "$RC" -eq 0 ] || diag "$ERR"
ssh-add -q -D 2>/dev/null
run "$JMX_RUN" --config "$conf" --dry-run --agents b1 behind
is "$RC" 3 "an empty ssh-agent: exit 3"
like "$ERR" "ssh-agent holds no keys" "says the agent holds no keys"

done_testing

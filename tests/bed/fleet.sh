#!/usr/bin/env bash
# fleet.sh - a fleet of up to 200 agents on the test bed's bridge, for
# scale runs with the JMeter stand-in (bench/standin, bench/fleet.sh).
#
#   fleet.sh up N       N agents f1..fN (1 <= N <= 200); replaces any fleet
#   fleet.sh down       remove the fleet's namespaces and sshds
#   fleet.sh env        JMX_FLEET_AGENTS, _KEY, _USER, _KNOWN_HOSTS, _STATE (eval it)
#   fleet.sh inventory  one line per agent: NAME ADDRESS PORT
#   fleet.sh config HOME  jmx.yaml defaults and agents for a stand-in HOME
#   fleet.sh sshd-pids  the fleet's sshd pids (to measure them)
#
# 200 agents do not fit in the free addresses (198.18.0.101..150 are
# the fleet's: .11-.99 are testbed.sh agents, .100 the target, .200+ the
# bastion), so K = min(N, 50) namespaces jmx-f1..jmx-fK hold up to four
# agents each: agent j lives in namespace f((j-1) % K + 1), on port 22,
# 2201, 2202 or 2203 by (j-1) / K.  Every agent has an sshd of its own
# with its own host key, so jmx-run's agent locks (named by host key)
# and work directories stay apart.  Logins are as the bed's jmxagent
# with the bed's key; host keys are checked strictly against
# $JMX_BED_DIR/fleet/known_hosts ("[addr]:port key" off port 22).
# The fleet needs no target: the stand-in sends no traffic.
# JMX_FLEET_FIRST=i (default 1) makes a second fleet beside the first,
# from namespace f<i> (198.18.0.(100+i)), with its files in fleet<i>/:
# bench/soak.sh uses f81.. so that it can run beside bench/fleet.sh.
set -euo pipefail
# shellcheck source=testbed.sh
. "$(dirname "$0")/testbed.sh"

FLEET_FIRST=${JMX_FLEET_FIRST:-1}
[[ $FLEET_FIRST =~ ^[0-9]+$ ]] && ((FLEET_FIRST >= 1 && FLEET_FIRST <= 99)) || die "JMX_FLEET_FIRST must be 1..99"
FLEET_DIR=$BED_DIR/fleet
((FLEET_FIRST == 1)) || FLEET_DIR=$BED_DIR/fleet$FLEET_FIRST
FLEET_KNOWN_HOSTS=$FLEET_DIR/known_hosts
FLEET_STATE=$FLEET_DIR/agents          # "NAME ADDR PORT" lines of the last `up`
FLEET_MAX=200
FLEET_NS_MAX=${JMX_FLEET_NS_MAX:-50}    # fewer: more agents per namespace
# the namespaces this fleet may own (and `down` removes): 50, up to .199
FLEET_SPAN=$((100 - FLEET_FIRST < 50 ? 100 - FLEET_FIRST : 50))
((FLEET_NS_MAX <= FLEET_SPAN)) || FLEET_NS_MAX=$FLEET_SPAN

fleet_port() {  # slot 0..3 -> sshd port
    if (($1 == 0)); then echo 22; else echo $((2200 + $1)); fi
}

fleet_namespaces() {  # this fleet's namespaces that exist now (f1 f2 ...)
    ls /run/netns 2>/dev/null | sed -n 's/^jmx-f\([0-9]\+\)$/\1/p' | sort -n |
        awk -v a="$FLEET_FIRST" -v n="$FLEET_SPAN" '$1 >= a && $1 < a + n {print "f" $1}'
}

fleet_down() {
    local h
    rm -f "$FLEET_STATE"
    for h in $(fleet_namespaces); do remove_host "$h"; done
    # veths left by a namespace deleted behind our back
    for h in $(ip -o link show 2>/dev/null | sed -n 's/^[0-9]*: jmxv-f\([0-9]*\)[@:].*/\1/p'); do
        ((h >= FLEET_FIRST && h < FLEET_FIRST + FLEET_SPAN)) || continue
        ip link del "jmxv-f$h" 2>/dev/null || true
    done
    # sshds started from the fleet dir whose namespace is gone
    local p cmd
    for p in /proc/[0-9]*; do
        cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
        case $cmd in *sshd\ -f\ "$FLEET_DIR"/*) kill -9 "${p#/proc/}" 2>/dev/null || true ;; esac
    done
}

fleet_sshd() {  # NAME NS ADDR PORT: a fresh sshd for one agent
    local name=$1 ns=$2 addr=$3 port=$4 d=$FLEET_DIR/$1
    mkdir -p "$d"
    if [[ ! -s $d/ssh_host_ed25519_key ]]; then
        ssh-keygen -q -t ed25519 -N '' -C "jmx-fleet-$name" -f "$d/ssh_host_ed25519_key" >/dev/null
    fi
    chmod 600 "$d/ssh_host_ed25519_key"
    sshd_config_text "$addr" "$d" "fleet-$name" "$port" >"$d/sshd_config"
    rm -f "$d/sshd.pid"
    ip netns exec "jmx-$ns" /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log" 9>&- \
        || die "starting sshd for $name in jmx-$ns failed, see $d/sshd.log"
}

fleet_ssh_ok() {  # ADDR PORT (ssh takes an option's first value: replace it)
    timeout 5 ssh "${SSH_OPTS[@]/#UserKnownHostsFile=*/UserKnownHostsFile=$FLEET_KNOWN_HOSTS}" \
        -p "$2" "$AGENT_USER@$1" true </dev/null >/dev/null 2>&1
}

cmd_fleet_up() {
    local n=${1:-} k i j ns addr port name deadline pending t0
    [[ $n =~ ^[0-9]+$ ]] && ((n >= 1 && n <= FLEET_MAX)) || die "usage: $PROG up N   (1 <= N <= $FLEET_MAX)"
    check_deps
    take_lock
    t0=$(date +%s.%N)
    ensure_keys
    ensure_user
    ensure_bridge
    fleet_down
    mkdir -p "$FLEET_DIR"
    k=$((n < FLEET_NS_MAX ? n : FLEET_NS_MAX))
    for ((i = 0; i < k; i++)); do create_netns_host "f$((FLEET_FIRST + i))"; done
    : >"$FLEET_STATE.tmp"
    : >"$FLEET_KNOWN_HOSTS.tmp"
    for ((j = 1; j <= n; j++)); do
        ns=f$(( FLEET_FIRST + (j - 1) % k )); addr=$(fleet_addr "$ns")
        port=$(fleet_port $(( (j - 1) / k ))); name=f$j
        fleet_sshd "$name" "$ns" "$addr" "$port"
        echo "$name $addr $port" >>"$FLEET_STATE.tmp"
        if ((port == 22)); then i=$addr; else i="[$addr]:$port"; fi
        echo "$i $(cut -d' ' -f1,2 "$FLEET_DIR/$name/ssh_host_ed25519_key.pub")" >>"$FLEET_KNOWN_HOSTS.tmp"
    done
    mv "$FLEET_KNOWN_HOSTS.tmp" "$FLEET_KNOWN_HOSTS"
    chmod 644 "$FLEET_KNOWN_HOSTS"
    deadline=$(( $(date +%s) + TIMEOUT ))
    pending=$(<"$FLEET_STATE.tmp")
    while [[ -n $pending ]]; do
        local still=""
        while read -r name addr port; do
            fleet_ssh_ok "$addr" "$port" || still+="$name $addr $port"$'\n'
        done <<<"$pending"
        pending=${still%$'\n'}
        [[ -n $pending ]] || break
        (( $(date +%s) < deadline )) || die "timeout: sshd not answering for: $(cut -d' ' -f1 <<<"$pending" | tr '\n' ' ')"
        sleep 0.2
    done
    mv "$FLEET_STATE.tmp" "$FLEET_STATE"
    log "up took $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2fs", b-a}')"
    echo "fleet up: $n agents in $k namespaces from jmx-f$FLEET_FIRST"
}

cmd_fleet_env() {
    [[ -s $FLEET_STATE ]] || die "fleet is not up (no $FLEET_STATE); run: $PROG up N"
    emit JMX_FLEET_AGENTS "$(cut -d' ' -f1 "$FLEET_STATE" | tr '\n' ' ' | sed 's/ $//')"
    emit JMX_FLEET_KEY "$KEY"
    emit JMX_FLEET_USER "$AGENT_USER"
    emit JMX_FLEET_KNOWN_HOSTS "$FLEET_KNOWN_HOSTS"
    emit JMX_FLEET_STATE "$FLEET_STATE"
    echo "export JMX_FLEET_AGENTS JMX_FLEET_KEY JMX_FLEET_USER JMX_FLEET_KNOWN_HOSTS JMX_FLEET_STATE"
}

# The inventory's defaults and agents, for a stand-in home (YAML).
cmd_fleet_config() {
    [[ -s $FLEET_STATE ]] || die "fleet is not up"
    [[ -n ${1:-} ]] || die "usage: $PROG config STANDIN_HOME"
    printf 'defaults:\n  user: %s\n  key: %s\n  known_hosts: %s\n' \
        "$AGENT_USER" "$KEY" "$FLEET_KNOWN_HOSTS"
    printf '  jmeter_home: %s\n  java: %s/bin/java\nagents:\n' "$1" "$1"
    while read -r name addr port; do
        echo "  - {name: $name, host: $addr, port: $port}"
    done <"$FLEET_STATE"
}

case ${1:-} in
    up)        shift; cmd_fleet_up "$@" ;;
    config)    shift; cmd_fleet_config "$@" ;;
    down)      [[ $(id -u) == 0 ]] || die "must run as root"; take_lock; fleet_down; echo "fleet down" ;;
    env)       cmd_fleet_env ;;
    inventory) [[ -s $FLEET_STATE ]] || die "fleet is not up"; cat "$FLEET_STATE" ;;
    sshd-pids) cat "$FLEET_DIR"/f*/sshd.pid 2>/dev/null | tr -dc '0-9\n' ;;
    *)         sed -n '4,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

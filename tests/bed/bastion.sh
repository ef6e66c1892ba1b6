#!/usr/bin/env bash
# bastion.sh - a small second bed on top of testbed.sh's: agents that are
# reachable only through a jump host, for ProxyJump tests.
#
#   bastion.sh up      create the jump host jmx-bj and agents jmx-b1, jmx-b2
#   bastion.sh down    remove them (never touches the main bed's hosts)
#   bastion.sh env     print shell assignments for tests
#
# Needs the main bed up (its bridge, key, agent user and target): run
# `testbed.sh up N` first, and hold the bed lock around both.
#
# Addresses (198.18.0.200-.220, unused by the main bed):
#   jmx-bj  198.18.0.200 on the bridge: the jump host's sshd
#   jmx-b1  198.18.0.201 on the bridge (load to the target only) and
#           198.18.0.211 on a private link to jmx-bj (.210): its sshd
#   jmx-b2  198.18.0.202 and 198.18.0.213 (jmx-bj side .212)
# An agent's sshd listens on its private address only, and with
# arp_ignore set nobody on the bridge answers for it: from the
# controller it is unreachable; from the jump host it is one hop.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

BED_DIR=${JMX_BED_DIR:-/tmp/jmx-bed}
DIR=$BED_DIR/bastion
BR=jmxbr0
KEY=$BED_DIR/id_ed25519
AUTH_KEYS=$BED_DIR/authorized_keys
KNOWN_HOSTS=$DIR/known_hosts
JUMP_ADDR=198.18.0.200
AGENTS="b1 b2"
PROG=${0##*/}

die() { echo "$PROG: $*" >&2; exit 1; }

bridge_addr() { case $1 in bj) echo 198.18.0.200 ;; b1) echo 198.18.0.201 ;; b2) echo 198.18.0.202 ;; esac; }
ssh_addr()    { case $1 in bj) echo 198.18.0.200 ;; b1) echo 198.18.0.211 ;; b2) echo 198.18.0.213 ;; esac; }
jump_side()   { case $1 in b1) echo 198.18.0.210 ;; b2) echo 198.18.0.212 ;; esac; }

ns_exists() { [[ -e /run/netns/$1 ]]; }

remove_host() {  # bj | b1 | b2
    local ns=jmx-$1 pids
    if ns_exists "$ns"; then
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        [[ -z $pids ]] || kill -9 $pids 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    fi
    ip link del "jmxv-$1" 2>/dev/null || true
}

start_sshd() {  # host
    local h=$1 d=$DIR/$1
    mkdir -p "$d"
    [[ -s $d/ssh_host_ed25519_key ]] ||
        ssh-keygen -q -t ed25519 -N '' -C "jmx-$h" -f "$d/ssh_host_ed25519_key" >/dev/null
    chmod 600 "$d/ssh_host_ed25519_key"
    "$(dirname "$0")/testbed.sh" sshd-config "$(ssh_addr "$h")" "$d" "$h" \
        >"$d/sshd_config"
    /usr/sbin/sshd -t -f "$d/sshd_config" || die "sshd config test failed for $h"
    ip netns exec "jmx-$h" /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log" 9>&- \
        || die "starting sshd in jmx-$h failed, see $d/sshd.log"
}

add_host() {  # host: namespace on the bridge
    local h=$1 ns=jmx-$1 addr
    addr=$(bridge_addr "$h")
    ip netns add "$ns"
    ip link add "jmxv-$h" type veth peer name eth0 netns "$ns"
    ip link set "jmxv-$h" master $BR
    ip link set "jmxv-$h" up
    ip -n "$ns" link set lo up
    # A fixed MAC: a host made again is not hidden by a stale ARP entry.
    ip -n "$ns" link set eth0 address \
        "$(printf '02:6a:6d:78:02:%02x' "${addr##*.}")"
    ip neigh flush to "$addr" 2>/dev/null || true
    ip -n "$ns" addr add "$addr/24" dev eth0
    ip -n "$ns" link set eth0 up
}

link_agent() {  # agent: its private link to the jump host
    local h=$1 a j
    a=$(ssh_addr "$h"); j=$(jump_side "$h")
    ip -n jmx-bj link add "jmxq-$h" type veth peer name jmxp0 netns "jmx-$h"
    ip -n jmx-bj addr add "$j/32" dev "jmxq-$h"
    ip -n jmx-bj link set "jmxq-$h" up
    ip -n jmx-bj route add "$a/32" dev "jmxq-$h" src "$j"
    ip -n "jmx-$h" addr add "$a/32" dev jmxp0
    ip -n "jmx-$h" link set jmxp0 up
    ip -n "jmx-$h" route add "$j/32" dev jmxp0 src "$a"
    # Answer ARP on the bridge only for the bridge address.
    ip netns exec "jmx-$h" sysctl -qw net.ipv4.conf.all.arp_ignore=1
    ip netns exec "jmx-$h" sysctl -qw net.ipv4.conf.eth0.arp_ignore=1
}

wait_sshd() {  # host
    local i pf=$DIR/$1/sshd.pid
    for i in $(seq 1 50); do
        [[ -s $pf ]] && return 0
        sleep 0.1
    done
    die "sshd of jmx-$1 did not start"
}

cmd_up() {
    [[ $(id -u) == 0 ]] || die "must run as root"
    ip link show dev $BR >/dev/null 2>&1 || die "the main bed is not up (no $BR)"
    [[ -s $KEY && -s $AUTH_KEYS ]] || die "the main bed is not up (no key)"
    cmd_down
    mkdir -p "$DIR"
    local h
    for h in bj $AGENTS; do add_host "$h"; done
    for h in $AGENTS; do link_agent "$h"; done
    : >"$KNOWN_HOSTS.tmp"
    for h in bj $AGENTS; do
        rm -f "$DIR/$h/sshd.pid"
        start_sshd "$h"
        echo "$(ssh_addr "$h") $(cut -d' ' -f1,2 "$DIR/$h/ssh_host_ed25519_key.pub")" >>"$KNOWN_HOSTS.tmp"
    done
    mv "$KNOWN_HOSTS.tmp" "$KNOWN_HOSTS"
    chmod 644 "$KNOWN_HOSTS"
    for h in bj $AGENTS; do wait_sshd "$h"; done
}

cmd_down() {
    local h
    for h in $AGENTS bj; do remove_host "$h"; done
}

cmd_env() {
    echo "JMX_BASTION_JUMP=$JUMP_ADDR"
    echo "JMX_BASTION_KNOWN_HOSTS=$KNOWN_HOSTS"
    echo "JMX_BASTION_ADDR_b1=$(ssh_addr b1)"
    echo "JMX_BASTION_ADDR_b2=$(ssh_addr b2)"
    echo "export JMX_BASTION_JUMP JMX_BASTION_KNOWN_HOSTS JMX_BASTION_ADDR_b1 JMX_BASTION_ADDR_b2"
}

case ${1:-} in
up) cmd_up ;;
down) cmd_down ;;
env) cmd_env ;;
*) echo "usage: $PROG up|down|env" >&2; exit 2 ;;
esac

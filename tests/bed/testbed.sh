#!/usr/bin/env bash
# testbed.sh - real test hosts for jmx as Linux network namespaces.
#
#   testbed.sh up N            create N agents (jmx-a1..aN) + target (jmx-target); idempotent
#   testbed.sh down [--purge]  remove namespaces, veths, bridge, processes (keeps keys and
#                              user unless --purge)
#   testbed.sh status          list hosts and whether sshd / nginx answer
#   testbed.sh env             print shell assignments for tests (eval "$(testbed.sh env)")
#                              agents log in as user jmxagent with the bed key (root too)
#   testbed.sh kill-host H     kill -9 every process in host H's namespace (H = a2, target, ...)
#   testbed.sh partition H     host-side veth down: TCP to/from H hangs silently (no RST)
#   testbed.sh heal H          host-side veth up again
#   testbed.sh restart-sshd H  (re)start H's sshd (also after kill-host)
#   testbed.sh clear-log       truncate the target's nginx access log
#
# Needs root and: iproute2, openssh-server, openssh-client, nginx, curl, passwd.
# See tests/bed/README.md.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

BED_DIR=${JMX_BED_DIR:-/tmp/jmx-bed}
TIMEOUT=${JMX_BED_TIMEOUT:-30}          # seconds to wait for sshd/nginx in `up`
BR=jmxbr0
BR_ADDR=198.18.0.1
BR_MAC=02:6a:6d:78:00:01
NET_PREFIX=198.18.0
TARGET_NS=jmx-target
TARGET_VETH=jmxv-target
TARGET_ADDR=198.18.0.100
MAX_AGENTS=89                            # 198.18.0.11 .. 198.18.0.99

KEY=$BED_DIR/id_ed25519
KNOWN_HOSTS=$BED_DIR/known_hosts
AUTH_KEYS=$BED_DIR/authorized_keys
STATE=$BED_DIR/agents                    # "a1 a2 a3" of the last successful `up`
ACCESS_LOG=$BED_DIR/target/access.log
# Agents log in as this system user, not root: root's shell start-up files
# on a host (pyenv init, say) must not slow or hang every SSH command.
AGENT_USER=jmxagent
AGENT_HOME=$BED_DIR/home

PROG=${0##*/}

die()  { echo "$PROG: $*" >&2; exit 1; }
log()  { echo "$PROG: $*" >&2; }

# ---------------------------------------------------------------- helpers ---

agent_addr() { echo "$NET_PREFIX.$((10 + ${1#a}))"; }   # a3 -> 198.18.0.13
# fleet namespaces (tests/bed/fleet.sh): f<i> -> 198.18.0.(100+i), i <= 50
fleet_addr() { echo "$NET_PREFIX.$((100 + ${1#f}))"; }

# host name (a3 | target) -> namespace / veth / address
host_ns()   { if [[ $1 == target ]]; then echo $TARGET_NS;   else echo "jmx-$1"; fi; }
host_veth() { if [[ $1 == target ]]; then echo $TARGET_VETH; else echo "jmxv-$1"; fi; }
host_addr() {
    if [[ $1 == target ]]; then echo $TARGET_ADDR
    elif [[ $1 == f* ]]; then fleet_addr "$1"
    else agent_addr "$1"; fi
}

valid_host() {
    [[ $1 == target ]] && return 0
    [[ $1 =~ ^a([1-9][0-9]?)$ ]] && (( ${BASH_REMATCH[1]} <= MAX_AGENTS ))
}

ns_exists() { [[ -e /run/netns/$1 ]]; }
link_exists() { ip link show dev "$1" >/dev/null 2>&1; }

SSH_OPTS=(-F /dev/null -i "$KEY" -o IdentitiesOnly=yes -o IdentityAgent=none
          -o UserKnownHostsFile="$KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null
          -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=2
          -o LogLevel=ERROR)

ssh_ok() {  # addr -> 0 if `ssh jmxagent@addr true` works
    timeout 5 ssh "${SSH_OPTS[@]}" "$AGENT_USER@$1" true </dev/null >/dev/null 2>&1
}

curl_ok() {  # ns url -> 0 if the url answers 2xx from inside ns ("" = root ns)
    if [[ -n $1 ]]; then
        ip netns exec "$1" curl --noproxy '*' -sf -m 2 -o /dev/null "$2" 2>/dev/null
    else
        curl --noproxy '*' -sf -m 2 -o /dev/null "$2" 2>/dev/null
    fi
}

# alive and not a zombie (pid 1 here may reap daemons' orphans late)
pid_alive() {
    local st
    [[ -n ${1:-} ]] && st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) && [[ -n $st && $st != Z && $st != X ]]
}
pidfile_pid() { [[ -s $1 ]] && tr -dc 0-9 <"$1" || true; }

check_deps() {
    [[ $(id -u) == 0 ]] || die "must run as root"
    local c pkg missing=()
    for c in ip:iproute2 sshd:openssh-server ssh:openssh-client ssh-keygen:openssh-client \
             nginx:nginx curl:curl flock:util-linux timeout:coreutils \
             useradd:passwd usermod:passwd; do
        pkg=${c#*:}; c=${c%%:*}
        if [[ $c == sshd ]]; then [[ -x /usr/sbin/sshd ]] || missing+=("$pkg (/usr/sbin/sshd)")
        else command -v "$c" >/dev/null 2>&1 || missing+=("$pkg ($c)"); fi
    done
    ((${#missing[@]} == 0)) || die "missing packages: ${missing[*]} - install with: apt-get install -y ${missing[*]%% *}"
}

# Serialise all mutating subcommands on one lock.
take_lock() {
    mkdir -p "$BED_DIR"
    exec 9>"$BED_DIR/.lock"
    flock -w 120 9 || die "could not lock $BED_DIR/.lock"
}

# --------------------------------------------------- process / ns cleanup ---

# kill -9 every process in host $1's namespace, then wait until they are gone.
# Besides `ip netns pids`, this also finds processes by the netns inode we
# recorded at creation, which catches processes whose named ns was deleted
# behind our back (they keep the ns alive).  Since nsfs inode numbers get
# reused, an orphan inode only counts if that ns still holds our address.
kill_ns_procs() {
    local h=$1 ns addr inode="" pids p i
    ns=$(host_ns "$h"); addr=$(host_addr "$h")
    if ns_exists "$ns"; then
        inode=$(stat -L -c %i "/run/netns/$ns" 2>/dev/null || true)
    elif [[ -s $BED_DIR/ns/$ns.inode ]]; then
        inode=$(<"$BED_DIR/ns/$ns.inode")
        inode_holds_addr "$inode" "$addr" || inode=""
    fi
    for i in $(seq 1 30); do
        pids=""
        if ns_exists "$ns"; then pids=$(ip netns pids "$ns" 2>/dev/null || true); fi
        if [[ -n $inode ]]; then pids+=" $(pids_in_net "$inode")"; fi
        pids=$(echo $pids)
        if [[ -z $pids ]]; then return 0; fi
        kill -9 $pids 2>/dev/null || true
        sleep 0.1
    done
    log "warning: processes still alive in $ns: $pids"
}

pids_in_net() {  # inode -> pids whose net ns is net:[inode]
    local p
    for p in /proc/[0-9]*; do
        if [[ $(readlink "$p/ns/net" 2>/dev/null) == "net:[$1]" ]]; then echo "${p#/proc/}"; fi
    done
}

inode_holds_addr() {  # inode addr
    local p
    p=$(pids_in_net "$1" | head -1)
    [[ -n $p ]] && grep -q -- "-- $2\$" "/proc/$p/net/fib_trie" 2>/dev/null
}

# stray sshd/nginx started from this bed dir (e.g. ns deleted behind our back)
kill_strays() {
    local p cmd
    for p in /proc/[0-9]*; do
        cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
        case $cmd in
            *sshd\ -f\ "$BED_DIR"/*|*nginx*-p\ "$BED_DIR"/target*|*nginx*-c\ "$BED_DIR"/target/*)
                kill -9 "${p#/proc/}" 2>/dev/null || true ;;
        esac
    done
}

remove_host() {  # a3 | target
    local h=$1 ns veth
    ns=$(host_ns "$h"); veth=$(host_veth "$h")
    kill_ns_procs "$h"
    if ns_exists "$ns"; then ip netns del "$ns" 2>/dev/null || log "warning: ip netns del $ns failed"; fi
    if link_exists "$veth"; then ip link del "$veth" 2>/dev/null || true; fi
    rm -f "$BED_DIR/ns/$ns.inode" "$BED_DIR/$h/sshd.pid" "$BED_DIR/$h/nginx.pid"
}

# all agent names that currently exist in any form (ns, veth, recorded inode)
existing_agents() {
    {
        ls /run/netns 2>/dev/null | sed -n 's/^jmx-\(a[0-9]\+\)$/\1/p'
        ip -o link show 2>/dev/null | sed -n 's/^[0-9]*: jmxv-\(a[0-9]\+\)[@:].*/\1/p'
        ls "$BED_DIR/ns" 2>/dev/null | sed -n 's/^jmx-\(a[0-9]\+\)\.inode$/\1/p'
    } | sort -u
}

# ------------------------------------------------------------ bridge / nf ---

# With br_netfilter loaded, bridged frames traverse iptables FORWARD (a DROP
# policy, e.g. from docker, would silently cut agents off the target).  Turn
# the bridge-nf hooks off while the bed is up and restore them on `down`.
bridge_nf_off() {
    local f saved=$BED_DIR/sysctl.saved
    [[ -d /proc/sys/net/bridge ]] || return 0
    for f in bridge-nf-call-iptables bridge-nf-call-ip6tables bridge-nf-call-arptables; do
        [[ -w /proc/sys/net/bridge/$f ]] || continue
        if [[ $(</proc/sys/net/bridge/$f) != 0 ]]; then
            grep -q "^$f " "$saved" 2>/dev/null || echo "$f $(</proc/sys/net/bridge/$f)" >>"$saved"
            echo 0 >"/proc/sys/net/bridge/$f" || log "warning: cannot set $f=0"
        fi
    done
}

bridge_nf_restore() {
    local saved=$BED_DIR/sysctl.saved f v
    [[ -s $saved ]] || return 0
    while read -r f v; do
        [[ -w /proc/sys/net/bridge/$f ]] && echo "$v" >"/proc/sys/net/bridge/$f" || true
    done <"$saved"
    rm -f "$saved"
}

ensure_bridge() {
    # refuse to shadow a 198.18.0.0/24 that belongs to someone else
    local other
    other=$(ip -o -4 addr show 2>/dev/null | awk -v br=$BR '$4 ~ /^198\.18\.0\./ && $2 != br {print $2}' | head -1)
    [[ -z $other ]] || die "198.18.0.0/24 already used on interface $other"
    if ! link_exists $BR; then
        ip link add $BR address $BR_MAC type bridge forward_delay 0 stp_state 0
    fi
    ip addr replace $BR_ADDR/24 dev $BR
    ip link set $BR up
    bridge_nf_off
}

remove_bridge() {
    if link_exists $BR; then ip link del $BR 2>/dev/null || true; fi
    bridge_nf_restore
}

# ------------------------------------------------------------------- keys ---

ensure_keys() {
    mkdir -p "$BED_DIR/ns"
    chmod 755 "$BED_DIR"
    if [[ ! -s $KEY || ! -s $KEY.pub ]]; then
        rm -f "$KEY" "$KEY.pub"
        ssh-keygen -q -t ed25519 -N '' -C "jmx-bed-client" -f "$KEY" >/dev/null
    fi
    chmod 600 "$KEY"
    cp "$KEY.pub" "$AUTH_KEYS.tmp" && mv "$AUTH_KEYS.tmp" "$AUTH_KEYS"
    chmod 644 "$AUTH_KEYS"
    mkdir -p /run/sshd && chmod 755 /run/sshd
}

# ------------------------------------------------------------- agent user ---

# The system user agents log in as: shell bash, home an empty directory in the
# bed dir, no password ('*': key-only, yet not '!'-locked, which sshd refuses
# without PAM).  An existing user is brought in line, so `up` upgrades a bed.
ensure_user() {
    local u=$AGENT_USER ent
    if ! ent=$(getent passwd "$u"); then
        useradd --system --user-group --no-create-home --home-dir "$AGENT_HOME" \
            --shell /bin/bash --comment "jmx test bed agent" "$u" \
            || die "cannot create user $u"
        ent=$(getent passwd "$u")
    fi
    if [[ $(cut -d: -f6 <<<"$ent") != "$AGENT_HOME" || $(cut -d: -f7 <<<"$ent") != /bin/bash ]]; then
        usermod --home "$AGENT_HOME" --shell /bin/bash "$u" || die "cannot update user $u"
    fi
    [[ $(getent shadow "$u" | cut -d: -f2) == '*' ]] || usermod -p '*' "$u" \
        || die "cannot set no password for $u"
    mkdir -p "$AGENT_HOME"
    chown "$u:" "$AGENT_HOME"
    chmod 755 "$AGENT_HOME"
}

# ----------------------------------------------------------------- agents ---

# The sshd config of host NAME listening on ADDR, its files in DIR (also
# used by bastion.sh for its hosts).
sshd_config_text() {  # ADDR DIR NAME [PORT]
    local addr=$1 d=$2 h=$3 port=${4:-22}
    # root:* is fine with UsePAM no; a '!'-locked root needs PAM to log in by key
    local usepam=no
    [[ $(getent shadow root 2>/dev/null | cut -d: -f2) == '!'* ]] && usepam=yes
    cat <<EOF
# generated by testbed.sh for jmx-$h
ListenAddress $addr:$port
HostKey $d/ssh_host_ed25519_key
PidFile $d/sshd.pid
AuthorizedKeysFile $AUTH_KEYS
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM $usepam
UseDNS no
PrintMotd no
PrintLastLog no
MaxStartups 200:30:400
MaxSessions 200
LogLevel VERBOSE
AcceptEnv LANG LC_* JMX_*
Subsystem sftp internal-sftp
EOF
}

write_sshd_config() {  # a3 -> prints config path (written only if changed)
    local h=$1 d=$BED_DIR/$1 addr cfg new
    addr=$(agent_addr "$h")
    mkdir -p "$d"
    if [[ ! -s $d/ssh_host_ed25519_key ]]; then
        rm -f "$d/ssh_host_ed25519_key" "$d/ssh_host_ed25519_key.pub"
        ssh-keygen -q -t ed25519 -N '' -C "jmx-$h" -f "$d/ssh_host_ed25519_key" >/dev/null
    fi
    chmod 600 "$d/ssh_host_ed25519_key"
    cfg=$d/sshd_config
    new=$(sshd_config_text "$addr" "$d" "$h")
    if [[ ! -f $cfg || $(<"$cfg") != "$new" ]]; then
        printf '%s\n' "$new" >"$cfg"
    fi
    echo "$cfg"
}

start_sshd() {  # a3
    local h=$1 ns cfg pid
    ns=$(host_ns "$h")
    cfg=$(write_sshd_config "$h")
    pid=$(pidfile_pid "$BED_DIR/$h/sshd.pid")
    if pid_alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; sleep 0.1; fi
    rm -f "$BED_DIR/$h/sshd.pid"
    /usr/sbin/sshd -t -f "$cfg" || die "sshd config test failed for $h ($cfg)"
    ip netns exec "$ns" /usr/sbin/sshd -f "$cfg" -E "$BED_DIR/$h/sshd.log" 9>&- \
        || die "starting sshd in $ns failed, see $BED_DIR/$h/sshd.log"
}

create_netns_host() {  # a3|target : ns + veth + address
    local h=$1 ns veth addr last
    ns=$(host_ns "$h"); veth=$(host_veth "$h"); addr=$(host_addr "$h")
    last=${addr##*.}
    ip netns add "$ns"
    stat -L -c %i "/run/netns/$ns" >"$BED_DIR/ns/$ns.inode"
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master $BR
    ip link set "$veth" up
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 address "$(printf '02:6a:6d:78:01:%02x' "$last")"
    ip -n "$ns" addr add "$addr/24" dev eth0
    ip -n "$ns" link set eth0 up
}

create_agent() {  # a3
    local h=$1
    create_netns_host "$h"
    start_sshd "$h"
}

# healthy = ns + veth on bridge + sshd alive with current config + ssh works
agent_healthy() {
    local h=$1 ns veth d=$BED_DIR/$1 oldcfg="" pid
    ns=$(host_ns "$h"); veth=$(host_veth "$h")
    ns_exists "$ns" || return 1
    [[ -s $BED_DIR/ns/$ns.inode && $(stat -L -c %i "/run/netns/$ns") == $(<"$BED_DIR/ns/$ns.inode") ]] || return 1
    ip -o link show dev "$veth" 2>/dev/null | grep -q "master $BR" || return 1
    ip link set "$veth" up 2>/dev/null || return 1     # heal a leftover partition
    ip -n "$ns" -4 -o addr show dev eth0 2>/dev/null | grep -q " $(agent_addr "$h")/24 " || return 1
    [[ -f $d/sshd_config ]] && oldcfg=$(<"$d/sshd_config")
    write_sshd_config "$h" >/dev/null
    [[ $oldcfg == "$(<"$d/sshd_config")" ]] || return 1
    pid=$(pidfile_pid "$d/sshd.pid")
    pid_alive "$pid" || return 1
    [[ $(readlink "/proc/$pid/ns/net") == "net:[$(<"$BED_DIR/ns/$ns.inode")]" ]] || return 1
    ssh_ok "$(agent_addr "$h")"
}

write_known_hosts() {  # a1 a2 ...
    local h tmp=$KNOWN_HOSTS.tmp
    : >"$tmp"
    for h in "$@"; do
        echo "$(agent_addr "$h") $(cut -d' ' -f1,2 "$BED_DIR/$h/ssh_host_ed25519_key.pub")" >>"$tmp"
    done
    mv "$tmp" "$KNOWN_HOSTS"
    chmod 644 "$KNOWN_HOSTS"
}

# ----------------------------------------------------------------- target ---

write_nginx_config() {
    local t=$BED_DIR/target cfg new
    mkdir -p "$t/tmp" "$t/www/static"
    if [[ ! -f $t/www/static/10k.txt || $(stat -c %s "$t/www/static/10k.txt") != 10240 ]]; then
        # 160 lines x 64 bytes = 10240 bytes, deterministic
        for ((i = 0; i < 160; i++)); do printf 'jmx-bed static line %04d %038d\n' "$i" 0; done >"$t/www/static/10k.txt"
    fi
    cfg=$t/nginx.conf
    new=$(cat <<EOF
# generated by testbed.sh for jmx-target
worker_processes 1;
daemon on;
user root;
pid $t/nginx.pid;
error_log $t/error.log notice;
events { worker_connections 4096; }
http {
    default_type text/plain;
    types { text/plain txt; text/html html; application/json json; }
    log_format jmx '\$remote_addr [\$time_iso8601] "\$request" \$status \$body_bytes_sent '
                   'uri="\$request_uri" args="\$args" conn=\$connection/\$connection_requests '
                   'rt=\$request_time ua="\$http_user_agent"';
    access_log $t/access.log jmx;
    client_body_temp_path $t/tmp/client_body;
    proxy_temp_path $t/tmp/proxy;
    fastcgi_temp_path $t/tmp/fastcgi;
    uwsgi_temp_path $t/tmp/uwsgi;
    scgi_temp_path $t/tmp/scgi;
    sendfile on;
    tcp_nodelay on;
    keepalive_timeout 65s;
    keepalive_requests 100000;
    server {
        listen $TARGET_ADDR:80 backlog=4096;
        server_name _;
        location / { return 200 "ok\\n"; }
        location /echo { return 200 "\$args\\n"; }
        location /static/ { root $t/www; }
    }
}
EOF
)
    if [[ ! -f $cfg || $(<"$cfg") != "$new" ]]; then printf '%s\n' "$new" >"$cfg"; fi
    echo "$cfg"
}

start_nginx() {
    local t=$BED_DIR/target cfg pid
    cfg=$(write_nginx_config)
    pid=$(pidfile_pid "$t/nginx.pid")
    if pid_alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
    kill_ns_procs target
    rm -f "$t/nginx.pid"
    ip netns exec $TARGET_NS nginx -t -q -p "$t/" -c "$cfg" -e "$t/error.log" || die "nginx config test failed ($cfg)"
    # nginx keeps every descriptor it inherits for its life: a lock of
    # whoever brought the bed up (`flock LOCK bench/x.sh` opens LOCK on
    # fd 3) would be held until the bed goes down.
    ip netns exec $TARGET_NS nginx -p "$t/" -c "$cfg" -e "$t/error.log" \
        3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- || die "starting nginx in $TARGET_NS failed, see $t/error.log"
}

target_healthy() {
    local t=$BED_DIR/target oldcfg="" pid
    ns_exists $TARGET_NS || return 1
    [[ -s $BED_DIR/ns/$TARGET_NS.inode && $(stat -L -c %i /run/netns/$TARGET_NS) == $(<"$BED_DIR/ns/$TARGET_NS.inode") ]] || return 1
    ip -o link show dev $TARGET_VETH 2>/dev/null | grep -q "master $BR" || return 1
    ip link set $TARGET_VETH up 2>/dev/null || return 1
    [[ -f $t/nginx.conf ]] && oldcfg=$(<"$t/nginx.conf")
    write_nginx_config >/dev/null
    [[ $oldcfg == "$(<"$t/nginx.conf")" ]] || return 1
    pid=$(pidfile_pid "$t/nginx.pid")
    pid_alive "$pid" || return 1
    curl_ok "" "http://$TARGET_ADDR/"
}

# ------------------------------------------------------------- subcommands ---

cmd_up() {
    local n=${1:-} h i agents=() deadline pending t0
    [[ $n =~ ^[0-9]+$ ]] && ((n >= 1 && n <= MAX_AGENTS)) || die "usage: $PROG up N   (1 <= N <= $MAX_AGENTS)"
    check_deps
    take_lock
    t0=$(date +%s.%N)
    for ((i = 1; i <= n; i++)); do agents+=("a$i"); done
    ensure_keys
    ensure_user
    rm -f "$STATE"

    # stale state: agents beyond N, and stray daemons from this bed dir whose ns is gone
    for h in $(existing_agents); do
        if (( ${h#a} > n )); then log "removing stale $h"; remove_host "$h"; fi
    done
    for h in "${agents[@]}" target; do
        local ns; ns=$(host_ns "$h")
        if ! ns_exists "$ns" && [[ -s $BED_DIR/ns/$ns.inode ]]; then remove_host "$h"; fi
    done
    kill_strays_not_in_ns

    ensure_bridge

    if target_healthy; then
        log "reusing healthy target"
    else
        if ns_exists $TARGET_NS || link_exists $TARGET_VETH; then log "recreating target"; fi
        remove_host target
        create_netns_host target
        start_nginx
    fi

    for h in "${agents[@]}"; do
        if agent_healthy "$h"; then
            log "reusing healthy $h"
        else
            if ns_exists "$(host_ns "$h")" || link_exists "$(host_veth "$h")"; then log "recreating $h"; fi
            remove_host "$h"
            create_agent "$h"
        fi
    done
    write_known_hosts "${agents[@]}"

    # wait for every sshd and for nginx (seen from an agent)
    deadline=$(( $(date +%s) + TIMEOUT ))
    pending=("${agents[@]}")
    while ((${#pending[@]})); do
        local still=()
        for h in "${pending[@]}"; do ssh_ok "$(agent_addr "$h")" || still+=("$h"); done
        pending=("${still[@]+"${still[@]}"}")
        ((${#pending[@]})) || break
        (( $(date +%s) < deadline )) || die "timeout: sshd not answering on: ${pending[*]} (logs: $BED_DIR/<host>/sshd.log)"
        sleep 0.2
    done
    until curl_ok jmx-a1 "http://$TARGET_ADDR/"; do
        (( $(date +%s) < deadline )) || die "timeout: nginx on $TARGET_ADDR not answering from jmx-a1 (log: $BED_DIR/target/error.log)"
        sleep 0.2
    done

    echo "${agents[*]}" >"$STATE"
    log "up took $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2fs", b-a}')"
    echo "bed up: $n agents, target $TARGET_ADDR"
}

# stray sshd/nginx from this bed dir that live in no named jmx namespace
kill_strays_not_in_ns() {
    local p cmd net known=" "
    for f in /run/netns/jmx-*; do [[ -e $f ]] && known+="net:[$(stat -L -c %i "$f")] "; done
    for p in /proc/[0-9]*; do
        cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
        case $cmd in
            *sshd\ -f\ "$BED_DIR"/*|*nginx*-p\ "$BED_DIR"/target*)
                net=$(readlink "$p/ns/net" 2>/dev/null) || continue
                [[ $known == *" $net "* ]] || { log "killing stray ${p#/proc/}: $cmd"; kill -9 "${p#/proc/}" 2>/dev/null || true; } ;;
        esac
    done
}

cmd_down() {
    local purge=0 h
    [[ ${1:-} == --purge ]] && purge=1
    [[ $(id -u) == 0 ]] || die "must run as root"
    take_lock
    rm -f "$STATE"
    for h in $(existing_agents) target; do remove_host "$h"; done
    kill_strays
    # any leftover jmxv-* link (e.g. renamed/odd ones)
    for h in $(ip -o link show 2>/dev/null | sed -n 's/^[0-9]*: \(jmxv-[^@:]*\)[@:].*/\1/p'); do
        ip link del "$h" 2>/dev/null || true
    done
    remove_bridge
    if ((purge)); then
        if getent passwd "$AGENT_USER" >/dev/null; then userdel "$AGENT_USER" || true; fi
        exec 9>&-
        rm -rf "$BED_DIR"
    fi
    echo "bed down"
}

cmd_status() {  # exit 1 unless bridge + all hosts are up and answering
    local h ns veth addr st link any=0 bad=0
    printf '%-8s %-11s %-15s %-6s %s\n' HOST NAMESPACE ADDRESS LINK SERVICE
    for h in $(existing_agents | sort -t a -k2 -n) target; do
        ns=$(host_ns "$h"); veth=$(host_veth "$h"); addr=$(host_addr "$h")
        ns_exists "$ns" || link_exists "$veth" || continue
        any=1
        link=missing
        if link_exists "$veth"; then
            ip -o link show dev "$veth" | grep -q '[<,]UP[,>]' && link=up || link=DOWN
        fi
        ns_exists "$ns" || link="$link(no-ns)"
        if [[ $h == target ]]; then
            if curl_ok "" "http://$addr/"; then st="nginx ok"; else st="nginx FAIL"; bad=1; fi
        else
            if [[ -s $KEY ]] && ssh_ok "$addr"; then st="sshd ok"; else st="sshd FAIL"; bad=1; fi
        fi
        [[ $link == up ]] || bad=1
        printf '%-8s %-11s %-15s %-6s %s\n' "$h" "$ns" "$addr" "$link" "$st"
    done
    if link_exists $BR; then echo "bridge $BR $BR_ADDR/24 up"; else echo "bridge $BR absent"; bad=1; fi
    if ((!any)); then echo "(no hosts)"; bad=1; fi
    return $bad
}

# NAME=value, double-quoted when that is safe (readable), else %q
emit() {
    if [[ $2 =~ ^[A-Za-z0-9_./:=@,+-]*$ ]]; then printf '%s=%s\n' "$1" "$2"
    elif [[ $2 != *[\"\$\`\\]* ]]; then printf '%s="%s"\n' "$1" "$2"
    else printf '%s=%q\n' "$1" "$2"; fi
}

cmd_env() {
    [[ -s $STATE ]] || die "bed is not up (no $STATE); run: $PROG up N"
    local agents h names="JMX_BED_DIR JMX_BED_KEY JMX_BED_KNOWN_HOSTS JMX_BED_USER JMX_BED_AGENTS JMX_BED_TARGET JMX_BED_CONTROLLER_ADDR JMX_BED_ACCESS_LOG JMX_BED_SSH_OPTS"
    agents=$(<"$STATE")
    emit JMX_BED_DIR "$BED_DIR"
    emit JMX_BED_KEY "$KEY"
    emit JMX_BED_KNOWN_HOSTS "$KNOWN_HOSTS"
    emit JMX_BED_USER "$AGENT_USER"
    emit JMX_BED_AGENTS "$agents"
    for h in $agents; do
        emit "JMX_BED_ADDR_$h" "$(agent_addr "$h")"
        names+=" JMX_BED_ADDR_$h"
    done
    emit JMX_BED_TARGET "$TARGET_ADDR"
    emit JMX_BED_CONTROLLER_ADDR "$BR_ADDR"
    emit JMX_BED_ACCESS_LOG "$ACCESS_LOG"
    emit JMX_BED_SSH_OPTS "-F /dev/null -i $KEY -o IdentitiesOnly=yes -o UserKnownHostsFile=$KNOWN_HOSTS -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes"
    echo "export $names"
}

need_host() {
    [[ -n ${1:-} ]] || die "usage: $PROG $2 HOST   (a1..a$MAX_AGENTS or target)"
    valid_host "$1" || die "bad host '$1' (expected a<N> or target)"
    ns_exists "$(host_ns "$1")" || die "host $1 does not exist (namespace $(host_ns "$1") missing)"
}

cmd_kill_host() {
    need_host "${1:-}" kill-host
    local ns pids; ns=$(host_ns "$1")
    pids=$(echo $(ip netns pids "$ns"))
    kill_ns_procs "$1"
    echo "killed in $ns: ${pids:-(nothing)}"
}

cmd_partition() {
    need_host "${1:-}" partition
    ip link set "$(host_veth "$1")" down
    echo "partitioned $1 ($(host_veth "$1") down)"
}

cmd_heal() {
    need_host "${1:-}" heal
    ip link set "$(host_veth "$1")" up
    echo "healed $1 ($(host_veth "$1") up)"
}

cmd_restart_sshd() {
    need_host "${1:-}" restart-sshd
    [[ $1 != target ]] || die "target has no sshd"
    take_lock
    start_sshd "$1"
    local deadline=$(( $(date +%s) + TIMEOUT ))
    until ssh_ok "$(agent_addr "$1")"; do
        (( $(date +%s) < deadline )) || die "sshd on $1 not answering (is the host partitioned?)"
        sleep 0.2
    done
    echo "sshd restarted on $1"
}

cmd_clear_log() {
    [[ -f $ACCESS_LOG ]] || die "no access log at $ACCESS_LOG"
    : >"$ACCESS_LOG"
    echo "cleared $ACCESS_LOG"
}

usage() {
    sed -n '4,14p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-2}"
}

# Sourced (tests/bed/fleet.sh): the functions only.
[[ ${BASH_SOURCE[0]} == "$0" ]] || return 0

case ${1:-} in
    up)           shift; cmd_up "$@" ;;
    down)         shift; cmd_down "$@" ;;
    status)       shift; cmd_status ;;
    env)          shift; cmd_env ;;
    kill-host)    shift; cmd_kill_host "$@" ;;
    partition)    shift; cmd_partition "$@" ;;
    heal)         shift; cmd_heal "$@" ;;
    restart-sshd) shift; cmd_restart_sshd "$@" ;;
    clear-log)    shift; cmd_clear_log ;;
    sshd-config)  shift; sshd_config_text "$@" ;;   # for bastion.sh
    -h|--help|help) usage 0 ;;
    *)            usage ;;
esac

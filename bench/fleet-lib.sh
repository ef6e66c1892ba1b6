# bench/fleet-lib.sh: what bench/fleet.sh and bench/soak.sh share.
# Source it after bench/lib.sh (top, work).  Needs root.
#
# fleet_setup N: a fleet of N agents (tests/bed/fleet.sh; JMX_FLEET_FIRST
# picks which), the stand-in JMeter home in $work/standin and an
# inventory $work/jmx.yaml with test case "fleet" (http-get.jmx, whose
# share of threads and duration the stand-in reads).
# proc_sample PID: one line "RSS_KB FDS THREADS TCP CPU_TICKS" of the
# process (TCP: its established TCP connections).
FLEET=$top/tests/bed/fleet.sh
export JMX_HOME=$work/home

fleet_setup() {
	[ "$(id -u)" -eq 0 ] || { echo "${0##*/}: needs root (the fleet's namespaces)" >&2; exit 1; }
	[ -x "$top/jmx-run" ] || { echo "${0##*/}: build first (no $top/jmx-run)" >&2; exit 1; }
	"$FLEET" up "$1" >"$work/fleet.log" 2>&1 ||
	    { tail -3 "$work/fleet.log" >&2; exit 1; }
	eval "$("$FLEET" env)"
	chmod 755 "$work"	# the stand-in home, for the agents' user
	sh "$top/bench/standin/make-home.sh" "$work/standin"
	{
		"$FLEET" config "$work/standin"
		echo "tests:"
		echo "  fleet:"
		echo "    plan: $top/share/plans/http-get.jmx"
	} >"$work/jmx.yaml"
}

proc_sample() {
	local p=$1 rss thr fds tcp cpu
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null) || return 1
	thr=$(awk '/^Threads:/ {print $2}' "/proc/$p/status" 2>/dev/null) || return 1
	fds=$(ls "/proc/$p/fd" 2>/dev/null | wc -l)
	tcp=$(ss -Htnp state established 2>/dev/null | grep -c "pid=$p,") || true
	cpu=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) || return 1
	[ -n "$rss" ] && echo "$rss $fds $thr $tcp $cpu"
}

#!/bin/bash
# bench/fleet.sh [--200] [--limit] [N...]: jmx-run on a fleet of N agents
# (50; --200 adds a 200-agent run), each running the JMeter stand-in
# (bench/standin: the same SSH, SFTP, ingestion and database path as
# JMeter) at RATE records/s (2000) for DURATION seconds (30).  For each N:
#   - time to validate (run created -> validated) and to start (-> started),
#     start skew as jmx-run stores it;
#   - ingestion lag, sample end -> stored in the database: a poller reads
#     each agent's stored count every 100 ms; the stand-in writes in
#     order, so record i of an agent is stored when the count first
#     exceeds i (as bench/freshness.sh); p50, p95, max;
#   - the controller: cores used in the steady state (CPU s / wall s from
#     T0 + 3 s to the planned end) and its busiest thread's, whole-run
#     CPU, peak RSS, most threads, fds and TCP connections; the fleet's
#     sshds (SFTP reads) and stand-ins' cores beside it;
#   - database size per million samples; totals: stored = JMeter's count
#     in the JTLs (jmx-run's reconciliation) = lines of the archived JTLs.
# --limit: then at 50 agents, raise the per-agent rate (x2 each step)
# until the lag grows without bound (the last 5 s p95 over 5 s or 3 s
# over the first 5 s, or samples never stored), and
# the controller's cores and its busiest thread's at each step.
# QUICK=1: 10 agents, 10 s, the limit search from 4,000/s for two steps.
# KEEP=DIR keeps the runs' files there (databases, JTLs, samples).
# Needs root.  Uses the fleet from jmx-f1 (tests/bed/fleet.sh); holds
# /tmp/jmx-fleet.lock.
set -eu
big=0 limit=0 ns=()
while [ $# -gt 0 ]; do
	case $1 in
	--200) big=1 ;;
	--limit) limit=1 ;;
	[0-9]*) ns+=("$1") ;;
	*) echo "usage: fleet.sh [--200] [--limit] [N...]" >&2; exit 2 ;;
	esac
	shift
done
RATE=${RATE:-2000} DURATION=${DURATION:-30}
if [ "${QUICK:-0}" = 1 ]; then
	DURATION=10
	[ ${#ns[@]} -gt 0 ] || ns=(10)
fi
[ ${#ns[@]} -gt 0 ] || ns=(50)
[ $big = 0 ] || ns+=(200)
set -- ${KEEP:+"$KEEP"}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fleet-lib.sh"
exec 8>/tmp/jmx-fleet.lock
flock 8
trap '"$FLEET" down >/dev/null 2>&1; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

# One run: fleet_run N RATE DURATION NAME; prints its figures.
fleet_run() {
	local n=$1 rate=$2 dur=$3 d=$work/$4 pid tpid
	mkdir -p "$d"
	export JMX_HOME=$d/home
	/usr/bin/time -o "$d/time" -f "%U %S %e %M" "$top/jmx-run" \
	    --config "$work/jmx.yaml" --json --threads "$n" \
	    --duration "${dur}s" --ramp 0 -J "standin.rate=$rate" fleet \
	    >"$d/run.json" 2>"$d/run.err" </dev/null &
	tpid=$!
	while ! pid=$(pgrep -P "$tpid" -x jmx-run); do sleep 0.05; done
	# Stored counts per agent, every 100 ms, until the run ends.
	python3 - "$JMX_HOME/jmx.db" >"$d/stored" <<'PY' &
import os, sqlite3, sys, time
while not os.path.exists(sys.argv[1]):
    time.sleep(0.05)
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=10)
while True:
    t = time.time()
    try:
        rows = db.execute("select s.agent, coalesce(sum(b.count), 0) from "
            "segments s left join buckets b on b.segment_id = s.id "
            "group by s.agent").fetchall()
        st = db.execute("select state from runs order by id desc "
            "limit 1").fetchone()
    except sqlite3.OperationalError:
        time.sleep(0.1)
        continue
    for a, c in rows:
        print("%.3f %s %d" % (t, a, c), flush=True)
    if st and st[0] in ("completed", "partial", "stopped", "failed"):
        break
    time.sleep(max(0, 0.1 - (time.time() - t)))
PY
	local poller=$!
	fleet_cpu "$pid" >"$d/fleetcpu" &
	# The controller every second; the fleet's processes at the steady
	# state's edges.
	: >"$d/proc"
	while kill -0 "$pid" 2>/dev/null; do
		s=$(proc_sample "$pid") && echo "$(date +%s.%N) $s $(busiest "$pid")" >>"$d/proc"
		sleep 1
	done
	wait "$poller"
	if ! wait "$tpid"; then
		echo "   jmx-run failed: $(grep -c warning "$d/run.err") warnings, the last: $(tail -1 "$d/run.err")"
		if [ ! -s "$d/run.json" ]; then
			echo "   keeping up: no (jmx-run failed)"
			return 0
		fi
	fi
	mkdir -p "$d/agents"
	tar -xf "$JMX_HOME/runs/$(json_of "$d/run.json" run_id)"/agents.tar.* -C "$d/agents"
	sqlite3 "$JMX_HOME/jmx.db" "pragma wal_checkpoint(truncate)" >/dev/null
	sqlite3 "$JMX_HOME/jmx.db" "select r.created_ms, r.start_ms, r.end_ms,
	    (select time_ms from events where run_id = r.id and kind = 'validated'),
	    (select time_ms from events where run_id = r.id and kind = 'started')
	    from runs r" >"$d/times"
	sqlite3 "$JMX_HOME/jmx.db" "select id, agent, clock_offset_ms from segments" >"$d/segments"
	python3 "$top/bench/fleet-lag.py" "$d" "$n" "$rate" "$dur" \
	    "$(stat -c %s "$JMX_HOME/jmx.db")"
}

# Every second while PID lives: "t sshd-ticks standin-ticks" summed over
# the processes in the fleet's namespaces.
fleet_cpu() {
	python3 - "$1" <<'PY'
import os, sys, time
pid = sys.argv[1]
nets = set()
for f in os.listdir("/run/netns"):
    if f.startswith("jmx-f") and f[5:].isdigit() and int(f[5:]) <= 50:
        nets.add("net:[%d]" % os.stat("/run/netns/" + f).st_ino)
while os.path.exists("/proc/" + pid):
    t, tick = time.time(), {"sshd": 0, "standin": 0}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            if os.readlink("/proc/%s/ns/net" % p) not in nets:
                continue
            st = open("/proc/%s/stat" % p).read()
        except OSError:
            continue
        comm = st[st.index("(") + 1:st.rindex(")")]
        f = st[st.rindex(")") + 2:].split()
        comm = "sshd" if comm.startswith("sshd") else comm
        if comm in tick:
            tick[comm] += int(f[11]) + int(f[12])
    print("%.3f %d %d" % (t, tick["sshd"], tick["standin"]), flush=True)
    time.sleep(max(0, 1 - (time.time() - t)))
PY
}

# Each thread's CPU ticks so far: TID:TICKS,...
busiest() {
	cat /proc/"$1"/task/*/stat 2>/dev/null |
	    awk '{ printf "%s%s:%d", (NR > 1 ? "," : ""), $1, $14 + $15 } END { print "" }'
}

json_of() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

echo "fleet: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
for n in "${ns[@]}"; do
	fleet_setup "$n"
	echo "== $n agents x $RATE records/s, ${DURATION} s (fleet up: $(sed -n 's/.*up took //p' "$work/fleet.log"))"
	fleet_run "$n" "$RATE" "$DURATION" "n$n"
	echo "   load after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
if [ $limit = 1 ]; then
	n=50
	[ "${QUICK:-0}" = 1 ] && n=10
	fleet_setup $n
	rate=$((RATE * 2)) steps=0
	while :; do
		echo "== limit: $n agents x $rate records/s ($((n * rate)) in all), ${DURATION} s"
		fleet_run $n $rate "$DURATION" "limit$rate" | tee "$work/limit.out"
		steps=$((steps + 1))
		grep -q "keeping up: no" "$work/limit.out" && break
		[ "${QUICK:-0}" = 1 ] && [ $steps -ge 2 ] && break
		[ $rate -ge 64000 ] && break
		rate=$((rate * 2))
	done
fi

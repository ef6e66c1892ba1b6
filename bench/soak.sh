#!/bin/bash
# bench/soak.sh [MINUTES] [WORKDIR]: the controller's memory, file
# descriptors and threads over a long stand-in run at 20,000 records/s
# (10 fleet agents x 2,000/s, bench/standin), MINUTES long (30; QUICK=1:
# 2).  Samples jmx-run's RSS, fd count, thread count and TCP connections
# every 10 s while the run is running, then says whether each stayed
# within 10 % of its value at the end of the warm-up to the end of the
# run.  The warm-up (WARM, seconds) is 6 minutes, 1 with QUICK=1: at this
# rate SQLite's page cache takes that long to fill to its 2 MB cap.  The
# end (collect, archive) is reported apart: it is not the steady state.
# Needs root; runs its own fleet from jmx-f81 (JMX_FLEET_FIRST=81), so it
# may run beside bench/fleet.sh.
set -eu
minutes=${1:-30}
[ "${QUICK:-0}" = 1 ] && minutes=2
[ $# -gt 0 ] && shift
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fleet-lib.sh"
export JMX_FLEET_FIRST=81
exec 8>/tmp/jmx-fleet81.lock
flock 8
trap '"$FLEET" down >/dev/null 2>&1; [ $# -gt 0 ] || rm -rf "$work"' EXIT
warm=360
[ "${QUICK:-0}" = 1 ] && warm=60
AGENTS=10 RATE=2000 EVERY=10 WARM=${WARM:-$warm}
# The private part of the RSS: what the process allocated, without the
# pages of its shared libraries, which count as they are first touched.
anon() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
fleet_setup $AGENTS
"$top/jmx-run" --config "$work/jmx.yaml" --json --threads $AGENTS \
    --duration "${minutes}m" --ramp 0 -J standin.rate=$RATE fleet \
    >"$work/run.json" 2>"$work/run.err" </dev/null &
pid=$!
db=$JMX_HOME/jmx.db
t0=""
: >"$work/samples"
while kill -0 "$pid" 2>/dev/null; do
	now=$(date +%s)
	st=$(sqlite3 "$db" "select state || ' ' || start_ms from runs order by id desc limit 1" 2>/dev/null || true)
	if [ "${st%% *}" = running ]; then
		[ -n "$t0" ] || t0=$(( ${st#* } / 1000 ))
		s=$(proc_sample "$pid") && echo "$((now - t0)) running $s $(anon "$pid")" >>"$work/samples"
	elif [ -n "$t0" ]; then
		s=$(proc_sample "$pid") && echo "$((now - t0)) ending $s $(anon "$pid")" >>"$work/samples"
	fi
	sleep $EVERY
done
wait "$pid" || { echo "soak: jmx-run failed:" >&2; tail -5 "$work/run.err" >&2; exit 1; }
python3 - "$work/samples" "$work/run.json" "$WARM" "$minutes" <<'PY'
import json, sys
rows = [l.split() for l in open(sys.argv[1])]
run = json.load(open(sys.argv[2]))
warm = int(sys.argv[3])
print("soak: %s min, %d agents, %d samples stored (JTLs %d), state %s" % (
    sys.argv[4], len(run["agents"]), run["samples"], run["jtl_records"],
    run["state"]))
# The run's state says "running" through the collect too: the steady
# state ends at the planned end.
planned = int(sys.argv[4]) * 60
steady = [r for r in rows if r[1] == "running" and warm <= int(r[0]) < planned]
end = [r for r in rows if int(r[0]) >= planned]
if len(steady) < 2:
    sys.exit("soak: too few samples after the warm-up")
ok = True
print("  %-10s %10s %10s %10s %10s  %s" % ("", "after warm", "min", "max",
    "last", "within 10 %"))
for i, name in ((2, "RSS kB"), (7, "anon kB"), (3, "fds"), (4, "threads"),
        (5, "TCP conns")):
    if any(len(r) <= i for r in steady):
        continue
    v = [int(r[i]) for r in steady]
    ref = v[0]
    within = all(abs(x - ref) <= 0.10 * ref for x in v)
    ok = ok and within
    print("  %-10s %10d %10d %10d %10d  %s" % (name, ref, min(v), max(v),
        v[-1], "yes" if within else "NO"))
cpu = (int(steady[-1][6]) - int(steady[0][6])) / 100.0
wall = int(steady[-1][0]) - int(steady[0][0])
print("  controller CPU in the steady state: %.2f cores (%.1f s over %d s)" %
    (cpu / wall if wall else 0, cpu, wall))
if end:
    print("  at the end (collect, archive): RSS up to %d kB, fds up to %d, "
        "threads up to %d" % (max(int(r[2]) for r in end),
        max(int(r[3]) for r in end), max(int(r[4]) for r in end)))
print("soak: %s" % ("flat (all within 10 % after the warm-up)" if ok else
    "NOT flat"))
sys.exit(0 if ok and run["samples"] == run["jtl_records"] else 1)
PY

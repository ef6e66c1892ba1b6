#!/bin/bash
# bench/skew.sh [RUNS]: start skew of a 3-agent run, RUNS times (10).
# The skew is the spread of the agents' first samples, as jmx-run
# measures and stores it; the lag is how long after T0 the last agent's
# first sample started (T0 is the instant jmx-run chose for all).
# Prints every run, then median, p95 and max of each (p95 between the
# closest ranks, interpolated).  PHASES=1: each agent's lag taken apart
# from its jmeter.log (bench/skew-phases.py).  THINK (ms, 0): the plan's
# think time; at 0 the first agent's threads take both of this box's
# cores the moment they start (agents on machines of their own do not
# share a CPU), which delayed the others' thread creation until the
# early start made their threads before T0.
. "$(dirname "$0")/bed-run.sh"
runs=${1:-10}
THINK=${THINK:-0}
skews=() lags=()
for i in $(seq "$runs"); do
	read -r id s l per < <("$JMX_RUN" --config "$CONF" --json --threads 6 \
	    --duration 3s --ramp 0 -J think="$THINK" bench 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["run_id"], d["skew_ms"], max(a["skew_ms"] for a in d["agents"]),
    " ".join("%s:%s" % (a["name"], a["skew_ms"]) for a in d["agents"]))')
	echo "run $i: skew $s ms, lag after T0 $l ms (per agent: $per)"
	if [ -n "${PHASES:-}" ]; then
		rm -rf "$BENCH_DIR/arch" && mkdir "$BENCH_DIR/arch" &&
		    tar -xf "$JMX_HOME/runs/$id"/agents.tar.* -C "$BENCH_DIR/arch" &&
		    python3 "$top/bench/skew-phases.py" "$BENCH_DIR/arch"
	fi
	skews+=("$s") lags+=("$l")
done
summary() {
	sort -n | awk -v what="$1" '
	{ v[NR] = $1 }
	END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		# p95 by linear interpolation between the closest ranks.
		r = 1 + 0.95 * (NR - 1); k = int(r)
		p = k < NR ? v[k] + (r - k) * (v[k + 1] - v[k]) : v[NR]
		printf "%s over %d runs: median %s ms, p95 %.1f ms, max %s ms\n",
		    what, NR, m, p, v[NR]
	}'
}
printf '%s\n' "${skews[@]}" | summary "start skew"
printf '%s\n' "${lags[@]}" | summary "lag after T0"

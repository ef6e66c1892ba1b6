#!/bin/bash
# bench/skew.sh [RUNS]: start skew of a 3-agent run, RUNS times (10).
# The skew is the spread of the agents' first samples around T0, as
# jmx-run measures and stores it.  Prints every run, then median and max.
. "$(dirname "$0")/bed-run.sh"
runs=${1:-10}
skews=()
for i in $(seq "$runs"); do
	s=$("$JMX_RUN" --config "$CONF" --json --threads 6 --duration 3s \
	    --ramp 0 bench 2>/dev/null | json_key skew_ms)
	echo "run $i: skew $s ms"
	skews+=("$s")
done
printf '%s\n' "${skews[@]}" | sort -n | awk '
	{ v[NR] = $1 }
	END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "start skew over %d runs: median %s ms, max %s ms\n", NR, m, v[NR]
	}'

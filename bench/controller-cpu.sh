#!/bin/bash
# bench/controller-cpu.sh [DURATION]: the controller's CPU time (user +
# system) per ingested sample during a real 3-agent run at full speed
# (think time 0), DURATION long (30s).  The JVMs and nginx share the same
# two cores, so the figure is an upper bound for a real fleet.
. "$(dirname "$0")/bed-run.sh"
duration=${1:-30s}
TIMEFORMAT='%U %S'
{ time "$JMX_RUN" --config "$CONF" --json --threads 12 \
    --duration "$duration" --ramp 0 bench >"$BENCH_DIR/run.json" \
    2>/dev/null; } 2>"$BENCH_DIR/time"
read -r user sys <"$BENCH_DIR/time"
samples=$(json_key samples <"$BENCH_DIR/run.json")
awk -v u="$user" -v s="$sys" -v n="$samples" 'BEGIN {
	cpu = (u + s) * 1e6
	printf "controller CPU: %.2f s user + %.2f s sys for %d samples = %.2f us per sample\n", u, s, n, cpu / n
}'

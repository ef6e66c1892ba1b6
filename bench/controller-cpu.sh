#!/bin/bash
# bench/controller-cpu.sh [DURATION]: the controller's CPU time (user +
# system) per ingested sample during real 3-agent runs at full speed
# (think time 0), DURATION long (30s), split into a fixed part and a
# per-sample part by subtracting a SHORT run (6s) from each long one:
#
#   per sample = (cpu_long - cpu_short) / (samples_long - samples_short)
#   fixed      = cpu_long - per sample * samples_long
#
# The fixed part is what a run costs whatever its length (validation,
# SSH handshakes, bundle upload, start, collection, the final report);
# the per-sample part everything that grows with the results (SSH and
# SFTP reads, parsing, aggregation, SQLite commits, the archive).  REPS
# pairs (3) alternate long and short runs; medians are printed.  QUICK=1:
# one pair of 15 s and 5 s (under two minutes).  The JVMs and nginx share
# the same two cores, so the figures are an upper bound for a real fleet.
# PIN=1: the agents' side (the bed's sshds, so their JMeters, and nginx)
# on the last CPU and jmx-run on the first, as on a fleet where the
# controller has a machine of its own; without it the figure counts the
# scheduler's cost of sharing two cores with three JVMs.
# Hold the bed lock: flock /tmp/jmx-bed.test.lock bash bench/controller-cpu.sh
. "$(dirname "$0")/bed-run.sh"
pin=
if [ "${PIN:-0}" = 1 ]; then
	last=$(($(nproc) - 1))
	pin="taskset -c 0"
	bedpids=$(pgrep -f "sshd -f /tmp/jmx-bed/|nginx -p /tmp/jmx-bed/")
	for p in $bedpids; do taskset -a -p -c "$last" "$p" >/dev/null; done
	trap 'for p in $bedpids; do taskset -a -p -c 0-$last "$p" >/dev/null 2>&1; done; rm -rf "$BENCH_DIR"' EXIT
fi
if [ "${QUICK:-0}" = 1 ]; then
	long=${1:-15s} short=${SHORT:-5s} reps=1
else
	long=${1:-30s} short=${SHORT:-6s} reps=${REPS:-3}
fi
TIMEFORMAT='%U %S'

# One run: prints "cpu_seconds samples".
one() {	# one DURATION
	{ time $pin "$JMX_RUN" --config "$CONF" --json --threads 12 \
	    --duration "$1" --ramp 0 bench >"$BENCH_DIR/run.json" \
	    2>/dev/null; } 2>"$BENCH_DIR/time"
	read -r user sys <"$BENCH_DIR/time"
	echo "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" \
	    "$(json_key samples <"$BENCH_DIR/run.json")"
}

for i in $(seq "$reps"); do
	read -r cl nl <<<"$(one "$long")"
	read -r cs ns <<<"$(one "$short")"
	echo "pair $i: $long: $cl s CPU, $nl samples; $short: $cs s CPU, $ns samples"
	echo "$cl $nl $cs $ns" >>"$BENCH_DIR/pairs"
done
awk '
function median(v, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
{
	n++
	all[n] = $1 * 1e6 / $2
	per[n] = ($1 - $3) * 1e6 / ($2 - $4)
	fixed[n] = $1 - per[n] * $2 / 1e6
	samples[n] = $2
}
END {
	a = median(all, n); p = median(per, n); f = median(fixed, n)
	s = median(samples, n)
	printf "controller CPU, median of %d: %.2f us per sample all in " \
	    "(%d samples)\n", n, a, s
	printf "  per sample: %.2f us; fixed: %.2f s a run " \
	    "(%.2f us per sample at %d samples)\n", p, f, f * 1e6 / s, s
}' "$BENCH_DIR/pairs"

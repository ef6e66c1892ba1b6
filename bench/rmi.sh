#!/bin/bash
# bench/rmi.sh [RUNS]: jmx-run side by side with JMeter's own distributed
# (RMI) mode on the same 3 bed agents: the same plan (http-get.jmx), total
# threads (THREADS, 12), duration (DURATION s, 30), no ramp, think time
# (THINK ms, 0).  RUNS times (3) each tool runs once undisturbed and once
# with a2's JVM killed (kill -9) half way:
#   rmi: a jmeter-server started over SSH as the bed's agent user on each
#        agent, SSL off, fixed ports; a JMeter client in the root namespace
#        with -R, THREADS/3 threads per server, -l client.jtl -e -o DIR;
#   jmx: jmx-run, then jmx-report show RUN -o DIR.
# Truth is the target's nginx access log (one line per request, by the
# agent's address).  Prints every run, then medians side by side.
# QUICK=1: one run each of 15 s (about 3 minutes).  GRACE (s, 30; QUICK
# 15): how long past the planned end a controller may take to exit
# before it counts as hung (then SIGINT, then SIGKILL 10 s later).
# KEEP=1 keeps the working directory (printed at the end).
# Holds the bed lock (/tmp/jmx-bed.test.lock) for its whole duration.
if [ -z "${RMI_BED_LOCKED:-}" ]; then
	export RMI_BED_LOCKED=1
	exec flock /tmp/jmx-bed.test.lock bash "$0" "$@"
fi
# In braces: bash reads all of it before it starts, so an edit to this
# file during a run (its long wait for the lock, say) cannot derail it.
{
. "$(dirname "$0")/bed-run.sh"
runs=${1:-3} GRACE=${GRACE:-30}
THREADS=${THREADS:-12} DURATION=${DURATION:-30} THINK=${THINK:-0}
if [ -n "${QUICK:-}" ]; then runs=1 DURATION=15 GRACE=15; fi
PLAN=$top/share/plans/http-get.jmx
RESULTS=$BENCH_DIR/results.jsonl
ADDRS="a1=$JMX_BED_ADDR_a1,a2=$JMX_BED_ADDR_a2,a3=$JMX_BED_ADDR_a3"
servers=()	# agent work dirs of the running jmeter-servers
trap 'exit 130' INT TERM
trap 'stop_servers; [ -n "${KEEP:-}" ] && echo "kept $BENCH_DIR" || rm -rf "$BENCH_DIR"' EXIT

now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
cpu_of() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat" 2>/dev/null; }
agent_ssh() { ssh $JMX_BED_SSH_OPTS "$JMX_BED_USER@$1" "$2" </dev/null; }

# JMeter's bin/jmeter-server is "jmeter -Dserver_port=1099 -s -j
# jmeter-server.log" (this install has only bin/jmeter): that, with the
# RMI settings a fixed-port, SSL-less set-up needs, and the agents' heap.
start_servers() {
	local h addr wd
	servers=()
	for h in a1 a2 a3; do
		eval "addr=\$JMX_BED_ADDR_$h"
		wd=$(agent_ssh "$addr" 'mktemp -d /tmp/jmx-rmi.XXXXXX') || return 1
		# "cd || exit;": a backgrounded "cd && ..." list would hold the
		# SSH channel open.
		agent_ssh "$addr" "cd $wd || exit; HEAP=$(printf %q "$JMX_AGENT_HEAP") \
		    nohup $JMETER_HOME/bin/jmeter -Djava.rmi.server.hostname=$addr \
		    -Dserver_port=1099 -s -j jmeter-server.log \
		    -Jserver.rmi.ssl.disable=true -Jserver.rmi.localport=4000 \
		    >server.out 2>&1 &" || return 1
		servers+=("$wd")
	done
	for wd in "${servers[@]}"; do
		for _ in $(seq 600); do
			grep -q 'Created remote object' "$wd/server.out" 2>/dev/null && break
			sleep 0.1
		done
		grep -q 'Created remote object' "$wd/server.out" ||
		    { echo "jmeter-server in $wd did not start" >&2; return 1; }
	done
}
stop_servers() {
	local wd p
	for wd in "${servers[@]}"; do
		p=$(java_in_dir "$wd")
		[ -n "$p" ] && kill "$p" && while [ -d "/proc/$p" ]; do sleep 0.1; done
		rm -rf "$wd"
	done
	servers=()
}

# wait_exit PID DEADLINE_MS COMM: wait for the controller under
# /usr/bin/time PID (its child, named COMM); past the deadline it is
# hung: SIGINT (a user's ^C), 10 s later SIGKILL.  Sets hung and exit_ms.
wait_exit() {
	local c
	hung=0
	while [ -d "/proc/$1" ]; do
		if [ "$hung" = 0 ] && [ "$(now_ms)" -gt "$2" ]; then
			hung=1 c=$(pgrep -P "$1")
			kill -INT "$c" 2>/dev/null
			( sleep 10; [ "$(cat "/proc/$c/comm" 2>/dev/null)" = \
			    "$3" ] && kill -9 "$c" ) &
		fi
		sleep 0.1
	done
	exit_ms=$(now_ms)
	wait "$1"
}
cpu_s() { tail -1 "$1" | awk '{ print $1 + $2 }'; }	# of /usr/bin/time -o

facts() {	# facts TOOL KIND RUN JTL... -- KEY=VALUE...
	local tool=$1 kind=$2 run=$3
	shift 3
	python3 "$top/bench/rmi.py" facts "$JMX_BED_ACCESS_LOG" "$ADDRS" "$@" \
	    tool="$tool" kind="$kind" run="$run" | tee -a "$RESULTS"
}

run_rmi() {	# run_rmi KIND RUN
	local d=$BENCH_DIR/rmi-$1-$2 t0 start=0 cpu_test= jpid tpid rc
	local killed=0 deadline cpu
	mkdir -p "$d"
	start_servers || return 1
	"$top/tests/bed/testbed.sh" clear-log >/dev/null
	t0=$(now_ms)
	( cd "$d" && exec /usr/bin/time -f '%U %S' -o cpu \
	    "$JMETER_HOME/bin/jmeter" -n -t "$PLAN" \
	    -R "$JMX_BED_ADDR_a1,$JMX_BED_ADDR_a2,$JMX_BED_ADDR_a3" \
	    -Gthreads=$((THREADS / 3)) -Gramp=0 -Gduration="$DURATION" \
	    -Gthink="$THINK" -Ghost="$JMX_BED_TARGET" \
	    -Jserver.rmi.ssl.disable=true -Jclient.rmi.localport=4100 \
	    -Djava.rmi.server.hostname="$JMX_BED_CONTROLLER_ADDR" \
	    -l client.jtl -j client.log -e -o report >out 2>&1 ) &
	tpid=$!
	until jpid=$(pgrep -P "$tpid") || [ ! -d "/proc/$tpid" ]; do sleep 0.05; done
	deadline=$((t0 + 120000 + DURATION * 1000 + GRACE * 1000))
	# Follow the client's output: the start, the kill, the end of the
	# test (its CPU then, before the dashboard), or a hang.
	while [ -d "/proc/$tpid" ] && [ -z "$cpu_test" ]; do
		if [ "$start" = 0 ] && grep -qs 'Remote engines have been started' \
		    "$d/out" "$d/client.log"; then
			start=$(now_ms)
			deadline=$((start + DURATION * 1000 + GRACE * 1000))
		fi
		if [ "$1" = kill ] && [ "$killed" = 0 ] && [ "$start" != 0 ] &&
		    [ $(( $(now_ms) - start )) -ge $((DURATION * 500)) ]; then
			kill -9 "$(java_in_dir "${servers[1]}")" && killed=1
		fi
		if grep -q 'Tidying up remote' "$d/out"; then
			cpu_test=$(cpu_of "$jpid")
			deadline=$(( $(now_ms) + 120000 ))	# for the dashboard
		fi
		[ "$(now_ms)" -gt "$deadline" ] && break
		sleep 0.05
	done
	wait_exit "$tpid" "$deadline" java
	rc=$?
	cpu=$(cpu_s "$d/cpu")
	# The dashboard is written before the client exits.
	facts rmi "$1" "$2" "$d/client.jtl" -- exit=$rc hung=$hung \
	    cpu_test="${cpu_test:-$cpu}" \
	    cpu_report="$(echo "$cpu - ${cpu_test:-$cpu}" | bc)" \
	    exit_ms="$exit_ms" report_ms="$exit_ms" \
	    report_ok=$([ -s "$d/report/index.html" ] && echo 1 || echo 0)
	[ "$hung" = 1 ] && tail -3 "$d/out" | sed 's/^/    rmi client: /'
	stop_servers
}

run_jmx() {	# run_jmx KIND RUN
	local d=$BENCH_DIR/jmx-$1-$2 t0 id tpid rc report_ms
	mkdir -p "$d"
	"$top/tests/bed/testbed.sh" clear-log >/dev/null
	t0=$(now_ms)
	( exec /usr/bin/time -f '%U %S' -o "$d/cpu" "$JMX_RUN" --config "$CONF" \
	    --json --threads "$THREADS" --duration "${DURATION}s" --ramp 0 \
	    -Jthink="$THINK" bench >"$d/run.json" 2>"$d/err" ) &
	tpid=$!
	if [ "$1" = kill ]; then
		until [ "$(sqlite3 "$JMX_HOME/jmx.db" "select state from runs
		    order by id desc limit 1" 2>/dev/null)" = running ] ||
		    [ ! -d "/proc/$tpid" ]; do
			sleep 0.1
		done
		id=$(sqlite3 "$JMX_HOME/jmx.db" "select max(id) from runs")
		# running: T0 is written; its first samples are due now.
		sleep $((DURATION / 2))
		kill -9 "$(java_in_dir "$(sqlite3 "$JMX_HOME/jmx.db" "select
		    work_dir from segments where run_id = $id and agent = 'a2'
		    order by id limit 1")")"
	fi
	wait_exit "$tpid" $((t0 + 120000 + DURATION * 1000 + GRACE * 1000)) \
	    jmx-run
	rc=$?
	id=$(json_key run_id <"$d/run.json" 2>/dev/null ||
	    sqlite3 "$JMX_HOME/jmx.db" "select max(id) from runs")
	/usr/bin/time -f '%U %S' -o "$d/rcpu" "$top/jmx-report" \
	    show "$id" -o "$d/report" >/dev/null 2>&1
	report_ms=$(now_ms)
	mkdir -p "$d/agents"
	tar -xf "$(json_key archive <"$d/run.json")" -C "$d/agents"
	facts jmx "$1" "$2" $(cd "$d/agents" && for f in */*/results.jtl; do
	    [ -e "$f" ] && echo "${f%%/*}=$d/agents/$f"; done) -- \
	    collected="$(json_key samples <"$d/run.json")" exit=$rc hung=$hung \
	    cpu_test="$(cpu_s "$d/cpu")" cpu_report="$(cpu_s "$d/rcpu")" \
	    exit_ms="$exit_ms" report_ms="$report_ms" \
	    stored_skew_ms="$(json_key skew_ms <"$d/run.json")" \
	    report_ok=$([ -s "$d/report/index.html" ] && echo 1 || echo 0)
}

for i in $(seq "$runs"); do
	for kind in plain kill; do
		run_rmi "$kind" "$i"
		run_jmx "$kind" "$i"
	done
done
echo
uptime
python3 "$top/bench/rmi.py" summary "$RESULTS"
exit
}

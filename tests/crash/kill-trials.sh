#!/bin/bash
# tests/crash/kill-trials.sh [N]: crash consistency of the controller.
# N trials (20 by default) of a real 3-agent run on the test bed, each
# killing the controller (jmx-run) with SIGKILL at a random point of one
# phase, then `jmx-run attach RUN`.  Each trial passes when the run ends
# in a final state, the stored totals equal the records of the agents'
# JTLs (per segment and in all), `PRAGMA integrity_check` says ok, and no
# JMeter, work dir, agent lock or reservation of the run is left.
#
# Phases, taken in turn: validation (agents probed, run recorded, agent
# locks taken), start (JMeters launching or held at the sync point),
# running, pausing (`jmx-run pause` sent, killed while pausing or paused;
# resumed after the attach), failover (a2's JMeter killed, then the
# controller while its share moves), collection (around the planned end,
# while the final drains happen).
#
# Before each attach the trial leaves what a kill while bundles unpack
# leaves, a work dir of the run that no segment names, to be removed.
#
# JMX_CRASH_SEED replays a run of trials (the seed is printed first);
# JMX_CRASH_PHASES="start running" runs only those phases, in turn.
# The agents' JTLs are counted from hard links made while they are
# written (the bed's hosts share /tmp): the controller removes the work
# dirs when it collects them, and the links keep every byte written.
# Speaks TAP, one line per trial.  Takes the bed lock itself (bed_up):
# do not run it under flock(1) on the same lock file.
. "$(dirname "$0")/../lib.sh"

trials=${1:-20}
phases=(${JMX_CRASH_PHASES:-validation start running pausing failover collection})
seed=${JMX_CRASH_SEED:-$(( $(date +%s) % 32768 ))}
RANDOM=$seed
echo "# seed $seed (replay: JMX_CRASH_SEED=$seed $0 $trials)"

steady_bed
DURATION_MS=15000
begin=$(date +%s)

now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
rand_ms() { echo $(( RANDOM % ($1 + 1) )); }	# rand_ms MAX: 0..MAX
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }
state() { db "select state from runs where id = ${id:-0}" 2>/dev/null; }

# Wait (up to 60 s, while the controller lives) until the run's state
# is one of STATES; false if it never was.
wait_state() {	# wait_state STATE...
	local i=0 s
	wait_id
	while [ $i -lt 600 ] && kill -0 "$pid" 2>/dev/null; do
		s=$(state)
		for w in "$@"; do
			[ "$s" = "$w" ] && return 0
		done
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# The run's id, once the controller has recorded it (while it lives).
wait_id() {
	while [ -z "$id" ] && kill -0 "$pid" 2>/dev/null; do
		id=$(db "select id from runs where id > $before" 2>/dev/null)
		[ -n "$id" ] || sleep 0.05
	done
}

# Processes working in the trial's work dirs ($TEST_DIR/dirs), found by
# their working directory (the bed's hosts share /proc).
trial_jmeters() {
	local p c
	for p in /proc/[0-9]*; do
		c=$(readlink "$p/cwd" 2>/dev/null) || continue
		c=${c% (deleted)}
		case $c in
		/tmp/jmx-run-"$id".*)
			grep -qxF "${c#/tmp/}" "$TEST_DIR/dirs" && echo "${p#/proc/}" ;;
		esac
	done
}

# Until the agents are free (a lock of another test's run binds them for
# its lease): a dry run validates them as a run would.
agents_free() {
	local i=0
	until "$JMX_RUN" --config "$conf" --dry-run steady >/dev/null 2>&1; do
		[ $i -lt 24 ] || { diag "agents still busy after 120 s"; return 1; }
		sleep 5
		i=$((i + 1))
	done
}

# Hard-link every results.jtl of run $id into $TEST_DIR/jtl as soon as it
# appears (skipping work dirs older than the trial), until $TEST_DIR/jtl.stop.
watch_jtls() {
	local f d
	while [ ! -e "$TEST_DIR/jtl.stop" ]; do
		[ -n "$id" ] || id=$(db "select id from runs where id > $before" 2>/dev/null)
		for f in /tmp/jmx-run-"${id:-x}".*/results.jtl; do
			[ -f "$f" ] || continue
			d=$(basename "$(dirname "$f")")
			grep -qx "$d" "$TEST_DIR/old-dirs" && continue
			[ -e "$TEST_DIR/jtl/$d" ] ||
			    ln "$f" "$TEST_DIR/jtl/$d" 2>>"$TEST_DIR/jtl.err"
		done
		sleep 0.1
	done
}

# Records in a JTL: complete lines but the header (a JMeter killed mid
# write leaves a partial last line, which nobody counts).
records() {	# records FILE
	local n
	n=$(wc -l <"$1")
	head -c 9 "$1" | grep -q '^timeStamp' && n=$((n - 1))
	echo "$n"
}

fails=
check() {	# check STATUS WHAT
	[ "$1" -eq 0 ] || fails="$fails; $2"
}

# Kill the controller at a random point of PHASE; sets killed_in.
kill_in() {	# kill_in PHASE
	local t
	case $1 in
	validation)
		# From the launch: the probes, then the run recorded and the
		# agent locks taken; never later than the start.
		t=$(( $(now_ms) + 200 + $(rand_ms 2000) ))
		while [ "$(now_ms)" -lt "$t" ] && kill -0 "$pid" 2>/dev/null; do
			id=$(db "select id from runs where id > $before" 2>/dev/null)
			[ -n "$id" ] && [ "$(state)" != validating ] && break
			sleep 0.05
		done ;;
	start)
		wait_state starting
		sleep_ms "$(rand_ms 4000)" ;;
	running)
		wait_state running
		sleep_ms $((1000 + $(rand_ms 7000))) ;;
	pausing)
		wait_state running
		sleep_ms $((1000 + $(rand_ms 2000)))
		"$JMX_RUN" pause "$id" >/dev/null 2>&1 &
		sleep_ms "$(rand_ms 3000)" ;;
	failover)
		wait_state running
		sleep 2
		kill -9 $(java_of "$id" a2) 2>/dev/null
		wait_db "select count(*) from events where run_id = $id and
		    kind = 'agent_lost'" 0 2>/dev/null
		sleep_ms "$(rand_ms 3000)" ;;
	collection)
		wait_state running
		t=$(db "select start_ms + duration_ms from runs where id = $id")
		t=$((t - 300 + $(rand_ms 1500) - $(now_ms)))
		[ "$t" -le 0 ] || sleep_ms "$t" ;;
	esac
	[ -n "$id" ] || id=$(db "select id from runs where id > $before" 2>/dev/null)
	killed_in=$(state)
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid"
		check 1 "the controller ended by itself (exit $?) before the kill: $(tail -2 "$TEST_DIR/run.err" | tr '\n' ' ')"
		return
	fi
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# Take the run over and see it to its end; a paused run is resumed.
attach() {
	local i=0 att
	"$JMX_RUN" attach "$id" >"$TEST_DIR/attach.out" 2>"$TEST_DIR/attach.err" &
	att=$!
	while kill -0 "$att" 2>/dev/null && [ $i -lt 1200 ]; do
		[ "$(state)" = paused ] &&
		    "$JMX_RUN" resume "$id" >/dev/null 2>&1
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$att" 2>/dev/null; then
		check 1 "attach still running after 120 s"
		kill -9 "$att"
	fi
	wait "$att"
	attach_rc=$?
}

trial() {	# trial NUMBER PHASE
	local phase=$2 n=0 t0 wd d got want st segs i=0
	fails=
	id=
	t0=$(date +%s)
	rm -rf "$TEST_DIR/jtl" "$TEST_DIR/jtl.stop"
	mkdir "$TEST_DIR/jtl"
	ls -d /tmp/jmx-run-* 2>/dev/null | xargs -rn1 basename >"$TEST_DIR/old-dirs"
	agents_free
	before=$(db "select coalesce(max(id), 0) from runs" 2>/dev/null)
	"$JMX_RUN" --config "$conf" --duration "$((DURATION_MS / 1000))s" \
	    steady >"$TEST_DIR/run.out" 2>"$TEST_DIR/run.err" &
	pid=$!
	watch_jtls &
	watcher=$!
	kill_in "$phase"
	killed_at=$(( $(date +%s) - t0 ))
	if [ -z "$id" ]; then
		# Killed before the run was recorded: nothing to take over.
		touch "$TEST_DIR/jtl.stop"
		wait "$watcher"
		check "$([ -z "$(ls "$TEST_DIR/jtl")" ]; echo $?)" \
		    "no run recorded, yet JTLs written"
		ok "$([ -z "$fails" ]; echo $?)" "trial $1 $phase: killed after ${killed_at} s, before the run was recorded$fails"
		[ -n "$fails" ] || passed=$((passed + 1))
		covered="$covered $phase:unrecorded"
		return
	fi
	# What a controller killed while it unpacks leaves on an agent: a
	# work dir no segment names (attach must remove it).
	install -d -o "$JMX_BED_USER" -m 700 "/tmp/jmx-run-$id.unnamed$1"
	attach
	st=$(state)
	check "$(case $st in completed|partial|stopped|failed) echo 0 ;;
	    *) echo 1 ;; esac)" "run $id ends in '$st', not a final state"
	# Nothing left: no JMeter, no work dir (within 20 s of the end).
	db "select work_dir from segments where run_id = $id and
	    work_dir is not null" | xargs -rn1 basename >"$TEST_DIR/dirs"
	ls "$TEST_DIR/jtl" >>"$TEST_DIR/dirs"
	# And any dir of the run the store does not name (the bed's hosts
	# share /tmp), but those of an earlier test.
	ls -d /tmp/jmx-run-"$id".* 2>/dev/null | xargs -rn1 basename |
	    grep -vxF -f "$TEST_DIR/old-dirs" >>"$TEST_DIR/dirs"
	sort -u -o "$TEST_DIR/dirs" "$TEST_DIR/dirs"
	while [ $i -lt 40 ] && { [ -n "$(trial_jmeters)" ] ||
	    ls -d $(sed 's|^|/tmp/|' "$TEST_DIR/dirs") >/dev/null 2>&1; }; do
		sleep 0.5
		i=$((i + 1))
	done
	touch "$TEST_DIR/jtl.stop"
	wait "$watcher"
	check "$([ -z "$(trial_jmeters)" ]; echo $?)" "JMeters left: $(trial_jmeters | tr '\n' ' ')"
	while read -r d; do
		check "$([ ! -e "/tmp/$d" ]; echo $?)" "work dir /tmp/$d left"
	done <"$TEST_DIR/dirs"
	# The locks: on the agents (this database's, this run) and local.
	check "$(! grep -lx "run=$id" /tmp/jmx-agent-*.lock 2>/dev/null |
	    xargs -r grep -lx "database=$(realpath "$JMX_HOME/jmx.db")" |
	    grep -q .; echo $?)" "an agent lock of run $id left"
	check "$([ "$(db "select count(*) from reservations where
	    run_id = $id")" = 0 ]; echo $?)" "reservations of run $id left"
	check "$([ "$(db 'PRAGMA integrity_check')" = ok ]; echo $?)" \
	    "integrity_check: $(db 'PRAGMA integrity_check' | head -3)"
	# Exactly once: each segment's stored samples = its JTL's records.
	[ -s "$TEST_DIR/jtl.err" ] && check 1 "$(cat "$TEST_DIR/jtl.err")"
	for f in "$TEST_DIR"/jtl/*; do
		[ -f "$f" ] || continue
		want=$(records "$f")
		n=$((n + want))
		got=$(db "select coalesce(sum(b.count), 0) from buckets b join
		    segments s on s.id = b.segment_id where s.run_id = $id and
		    s.work_dir like '%/$(basename "$f")'")
		check "$([ "$got" = "$want" ]; echo $?)" \
		    "segment in $(basename "$f"): $got stored, $want in its JTL"
	done
	got=$(db "select coalesce(sum(count), 0) from buckets where run_id = $id")
	check "$([ "$got" = "$n" ]; echo $?)" "run $id: $got stored, $n in the JTLs"
	got=$(db "select samples from runs where id = $id")
	check "$([ "$got" = "$n" ]; echo $?)" "run $id: total $got, $n in the JTLs"
	# Where nothing was lost, nothing is said to be: the run completes.
	case $phase in
	running|pausing|collection)
		check "$([ "$st" = completed ]; echo $?)" "run $id: $st, though no agent was lost" ;;
	esac
	# Load lost and never moved (its takers never started) is not
	# claimed as delivered.
	if [ "$(db "select count(*) from segments l where l.run_id = $id and
	    l.cause is not null and l.state in ('lost', 'fenced') and
	    not exists (select 1 from segments t where t.replaces = l.id and
	    t.state in ('running', 'ended', 'lost', 'fenced'))")" != 0 ]; then
		got=$(db "select delivered_pct from runs where id = $id")
		check "$(awk -v p="$got" 'BEGIN { exit !(p < 100) }'; echo $?)" \
		    "run $id: a lost share never moved, yet $got % delivered"
	fi
	# Nothing collected is lost: the run's archive holds them all.
	rm -rf "$TEST_DIR/arch"
	mkdir "$TEST_DIR/arch"
	! ls "$JMX_HOME/runs/$id"/agents.tar.* >/dev/null 2>&1 ||
	    run_archive "$id" "$TEST_DIR/arch"
	got=0
	for f in "$TEST_DIR"/arch/*/*/results.jtl; do
		[ ! -f "$f" ] || got=$((got + $(records "$f")))
	done
	check "$([ "$got" = "$n" ]; echo $?)" "run $id: $got records archived, $n in the JTLs"
	segs=$(ls "$TEST_DIR/jtl" | wc -l)
	ok "$([ -z "$fails" ]; echo $?)" "trial $1 $phase: killed in '$killed_in' after ${killed_at} s, attach exit $attach_rc, run $id $st, $n records in $segs JTLs$fails"
	[ -z "$fails" ] && passed=$((passed + 1)) ||
	    diag "$(tail -3 "$TEST_DIR/attach.err")"
	covered="$covered $phase:$killed_in"
}

passed=0
covered=
# Run ids of their own: the bed's hosts share /tmp, where work dirs are
# named by run id, and other tests' run 1 may be there.
agents_free || bail "the bed's agents stay busy"
db "insert into runs (id, test_case, plan, state, created_ms) values
    ($((10000 + $$ % 80000)), 'ids-from-here', '-', 'completed', 0)"
for t in $(seq "$trials"); do
	trial "$t" "${phases[$(( (t - 1) % ${#phases[@]} ))]}"
done
diag "summary: $passed of $trials trials passed in $(( $(date +%s) - begin )) s," \
    "seed $seed; phase:state at the kill:$covered"
done_testing

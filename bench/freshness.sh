#!/bin/bash
# bench/freshness.sh [DURATION] [INTERVAL]: how long a sample takes from
# its end on an agent to jmx-watch's output, on a real 3-agent run of
# http-get.jmx (6 threads, think time 50 ms, DURATION 30s), jmx-watch
# --json --interval INTERVAL (1s, the screen's default) following it.
#
# Each JSON line is stamped when it arrives; it says how many samples of
# each agent are stored.  Ingestion keeps each agent's JTL order, so the
# agent's first N records are what a line with N shows: record i is
# shown by the first line with N > i.  Its end is timeStamp + elapsed,
# corrected by the agent's clock offset.  A second reader polls the
# database every 100 ms, to split the delay into the controller's part
# (end to stored) and the watcher's (stored to shown).  Prints p50, p95
# and max of each.  Needs root and the test bed.
. "$(dirname "$0")/bed-run.sh"
dur=${1:-30s}
iv=${2:-1s}
cat >>"$CONF" <<YAML
  fresh:
    plan: $top/share/plans/http-get.jmx
    threads: 6
    ramp: 0
    properties: {host: $JMX_BED_TARGET, think: 50}
YAML
id=$("$top/jmx-run" --config "$CONF" --detach --duration "$dur" fresh \
    2>"$BENCH_DIR/run.err") || { cat "$BENCH_DIR/run.err"; exit 1; }
# The database, as stored: per agent, samples, every 100 ms.
python3 - "$JMX_HOME/jmx.db" "$id" >"$BENCH_DIR/stored" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=10)
run = int(sys.argv[2])
while True:
    t = time.time()
    try:
        rows = db.execute("select s.agent, coalesce(sum(b.count), 0) from "
            "segments s left join buckets b on b.segment_id = s.id where "
            "s.run_id = ? group by s.agent", (run,)).fetchall()
        st = db.execute("select state from runs where id = ?",
            (run,)).fetchone()[0]
    except sqlite3.OperationalError:
        time.sleep(0.1)
        continue
    for a, n in rows:
        print("%.3f %s %d" % (t, a, n), flush=True)
    if st in ("completed", "partial", "stopped", "failed"):
        break
    time.sleep(max(0, 0.1 - (time.time() - t)))
PY
poller=$!
"$top/jmx-watch" --config "$CONF" --json --interval "$iv" "$id" |
    while IFS= read -r line; do
	printf '%s %s\n' "$EPOCHREALTIME" "$line"
    done >"$BENCH_DIR/shown"
wait "$poller"
mkdir -p "$BENCH_DIR/agents"
tar -xf "$JMX_HOME/runs/$id"/agents.tar.* -C "$BENCH_DIR/agents"
sqlite3 "$JMX_HOME/jmx.db" "select id, agent, clock_offset_ms from segments
    where run_id = $id order by id" >"$BENCH_DIR/segments"
python3 - "$BENCH_DIR" "$iv" <<'PY'
import bisect, csv, json, os, sys
d, iv = sys.argv[1], sys.argv[2]
ends = {}                       # agent -> record ends, in ingestion order
for line in open(os.path.join(d, "segments")):
    seg, agent, off = line.strip().split("|")
    path = os.path.join(d, "agents", agent, seg, "results.jtl")
    if not os.path.exists(path):
        continue
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            ends.setdefault(agent, []).append(
                (int(r["timeStamp"]) + int(r["elapsed"]) - int(off or 0))
                / 1000.0)
def first_times(points):
    """points: agent -> [(t, n)]; returns agent -> list of (n, t) steps."""
    return {a: sorted(v) for a, v in points.items()}
shown, stored = {}, {}
for line in open(os.path.join(d, "shown")):
    t, doc = line.split(" ", 1)
    for a in json.loads(doc)["agents"]:
        shown.setdefault(a["name"], []).append((float(t), a["samples"]))
for line in open(os.path.join(d, "stored")):
    t, a, n = line.split()
    stored.setdefault(a, []).append((float(t), int(n)))
def when(steps, i):
    """The first time the count exceeds i (steps in time order)."""
    best = None
    for t, n in steps:
        if n > i:
            return t
    return best
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, max(0, -(-len(v) * p // 100) - 1))]
to_store, to_screen, total, missing = [], [], [], 0
for a, e in ends.items():
    sh, so = shown.get(a, []), stored.get(a, [])
    # Walk each series once: counts only grow.
    js = jo = 0
    for i, end in enumerate(e):
        while js < len(sh) and sh[js][1] <= i:
            js += 1
        while jo < len(so) and so[jo][1] <= i:
            jo += 1
        if js == len(sh):
            missing += 1
            continue
        total.append(sh[js][0] - end)
        if jo < len(so):
            to_store.append(so[jo][0] - end)
            to_screen.append(sh[js][0] - so[jo][0])
print("interval %s, %d samples (%d never shown)" % (iv, len(total), missing))
for name, v in (("end -> shown", total), ("end -> stored", to_store),
        ("stored -> shown", to_screen)):
    if v:
        print("  %-16s p50 %5.2f s  p95 %5.2f s  max %5.2f s" %
              (name, pct(v, 50), pct(v, 95), max(v)))
PY

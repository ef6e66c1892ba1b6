#!/usr/bin/env python3
"""bench/fleet-lag.py DIR N RATE DURATION DB_BYTES: the figures of one
bench/fleet.sh run from what it left in DIR (see fleet.sh)."""
import glob, json, os, sys

d, n, rate, dur, dbsize = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    int(sys.argv[4]), int(sys.argv[5])
run = json.load(open(os.path.join(d, "run.json")))
created, start, end, validated, started = \
    [int(x or 0) for x in open(os.path.join(d, "times")).read().split("|")]


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, max(0, -(-len(v) * p // 100) - 1))] if v else 0


# Stored counts: agent -> [(t, count)] in time order.
stored = {}
for line in open(os.path.join(d, "stored")):
    t, a, c = line.split()
    stored.setdefault(a, []).append((float(t), int(c)))

lags, early, late, lines, missing = [], [], [], 0, 0
t0 = start / 1000.0
for line in open(os.path.join(d, "segments")):
    seg, agent, off = line.strip().split("|")
    off = int(off or 0)
    steps = stored.get(agent, [])
    j = 0
    for path in glob.glob(os.path.join(d, "agents", agent, seg, "results.jtl")):
        with open(path) as f:
            f.readline()
            for i, rec in enumerate(f):
                lines += 1
                ts, el, _ = rec.split(",", 2)
                e = (int(ts) + int(el) - off) / 1000.0
                while j < len(steps) and steps[j][1] <= i:
                    j += 1
                if j == len(steps):
                    missing += 1
                    continue
                lag = steps[j][0] - e
                lags.append(lag)
                if e - t0 < 5:
                    early.append(lag)
                elif e - t0 > dur - 5:
                    late.append(lag)

# The controller, sampled every second: t rss fds threads tcp cpu busiest
proc = []
for l in open(os.path.join(d, "proc")):
    f = l.split()
    threads = dict(map(int, x.split(":")) for x in f[6].split(",") if x)
    proc.append([float(x) for x in f[:6]] + [threads])
w0, w1 = t0 + 3, t0 + dur - 1   # before the stand-ins end
win = [p for p in proc if w0 <= p[0] <= w1]
if len(win) >= 2:
    span = win[-1][0] - win[0][0]
    cores = (win[-1][5] - win[0][5]) / 100.0 / span
    busy = max(v - win[0][6].get(k, 0) for k, v in win[-1][6].items()) \
        / 100.0 / span
else:
    cores = busy = float("nan")
# the last line: /usr/bin/time says "Command exited with ..." first
u, s, e, maxrss = open(os.path.join(d, "time")).read().split("\n")[-2].split()
u, s, e = float(u), float(s), float(e)
fl = [[float(x) for x in l.split()] for l in open(os.path.join(d, "fleetcpu"))] \
    if os.path.exists(os.path.join(d, "fleetcpu")) else []
fw = [p for p in fl if w0 <= p[0] <= w1]

samples, jtl = run["samples"], run["jtl_records"]
print("   validate %.2f s, start %.2f s (validated -> started), start skew %s ms"
      % ((validated - created) / 1000.0, (started - validated) / 1000.0,
         run["skew_ms"]))
print("   ingestion lag (end -> stored): p50 %.2f s  p95 %.2f s  max %.2f s"
      "  (first 5 s p95 %.2f, last 5 s p95 %.2f; %d never seen stored)"
      % (pct(lags, 50), pct(lags, 95), max(lags or [0]), pct(early, 95),
         pct(late, 95), missing))
print("   controller: %.2f cores steady (busiest thread %.2f), %.1f s CPU "
      "over %.1f s wall in all (%.2f cores)" % (cores, busy, u + s, e,
                                                 (u + s) / e))
print("   controller: peak RSS %d MB, threads %d, fds %d, TCP connections %d"
      % (int(maxrss) / 1024, max(p[3] for p in proc), max(p[2] for p in proc),
         max(p[4] for p in proc)))
if len(fw) >= 2:
    span = fw[-1][0] - fw[0][0]
    print("   fleet side: sshd/SFTP %.2f cores, stand-ins %.2f cores"
          % ((fw[-1][1] - fw[0][1]) / 100.0 / span,
             (fw[-1][2] - fw[0][2]) / 100.0 / span))
print("   database %.1f MB = %.1f MB per million samples" %
      (dbsize / 1e6, dbsize / 1e6 / (samples / 1e6) if samples else 0))
print("   totals: %d stored, %d in the JTLs (jmx-run), %d archived lines, "
      "%d planned (%s)" % (samples, jtl, lines, n * rate * dur,
                           "equal" if samples == jtl == lines else "DIFFER"))
# Bounded: the last records stored within 5 s, no later than the first
# ones by more than 3 s, none left out.
keeping = pct(late, 95) <= 5 and pct(late, 95) - pct(early, 95) <= 3 \
    and missing == 0
print("   keeping up: %s" % ("yes" if keeping else "no"))

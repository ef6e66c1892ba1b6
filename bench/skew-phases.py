#!/usr/bin/env python3
# bench/skew-phases.py DIR: where an agent's start lag comes from, from
# a run's unpacked archive (DIR/AGENT/[SEGMENT/]jmeter.log, results.jtl).
# Per agent, in ms after its T0 (T0 from the sync group's "T0 in X ms"
# line): when the sync group read T0 (negative: ahead of it), when its
# pause ended (the setUp thread done), when the main group and its first
# thread started, and the first main-group sample.  With an early start
# the group starts about 1000 ms before T0 and "thread" is when its first
# thread woke at its start time.  The bed's agents
# share the controller's clock; on real hosts the offsets differ.
import datetime, glob, os, re, sys

def ms(line):
    t = datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
    return int(t.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)

for log in sorted(glob.glob(os.path.join(sys.argv[1], "*", "**", "jmeter.log"),
                            recursive=True)):
    agent = os.path.relpath(log, sys.argv[1]).split(os.sep)[0]
    t0 = read = wake = group = thread = None
    for line in open(log, errors="replace"):
        m = re.search(r"jmx-sync: T0 in (-?\d+) ms", line)
        if m:
            read = ms(line)
            t0 = read + int(m.group(1))
        elif t0 and wake is None and "Thread is done: jmx-sync-start" in line:
            wake = ms(line)
        elif t0 and group is None and "Starting ThreadGroup:" in line:
            group = ms(line)
        elif group and thread is None and "Thread started:" in line:
            thread = ms(line)
    if t0 is None:
        continue
    first = None
    jtl = os.path.join(os.path.dirname(log), "results.jtl")
    if os.path.exists(jtl):
        for line in open(jtl, errors="replace"):
            f = line.split(",")
            if f[0].isdigit() and "jmx-sync" not in line:
                first = int(f[0]) if first is None else min(first, int(f[0]))
    rel = lambda t: "-" if t is None else "%d" % (t - t0)
    print("  %s: T0 read %s, pause end %s, group %s, thread %s, sample %s"
          % (agent, rel(read), rel(wake), rel(group), rel(thread), rel(first)))

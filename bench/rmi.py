#!/usr/bin/env python3
"""bench/rmi.py: the figures of bench/rmi.sh.

  rmi.py facts LOG ADDRS [AGENT=]JTL... -- KEY=VALUE...
      one run's facts as one JSON line: what the target's access log LOG
      holds per agent (ADDRS: a1=198.18.0.11,...), the JTLs' samples, the
      first sample of each agent's main group (an RMI client's JTL names
      the server in the thread name, "198.18.0.11-Users 1-1"; jmx-run's
      JTLs are one per agent), the last sample's end, and KEY=VALUE pairs
      the script measured.
  rmi.py summary FILE
      medians per tool of the lines facts wrote, side by side.
"""
import csv
import json
import statistics
import sys


def facts(argv):
    sep = argv.index('--')
    log, addrs, jtls, extra = argv[0], argv[1], argv[2:sep], argv[sep + 1:]
    agent_of = dict(reversed(a.split('=', 1)) for a in addrs.split(','))
    truth = dict.fromkeys(agent_of.values(), 0)
    with open(log, errors='replace') as f:
        for line in f:
            a = agent_of.get(line.split(' ', 1)[0])
            if a is not None:
                truth[a] += 1
    rows, first, last_end = 0, {}, 0
    for spec in jtls:
        agent, _, path = spec.rpartition('=')
        try:
            f = open(path, newline='', errors='replace')
        except FileNotFoundError:     # a client killed before it wrote
            continue
        with f:
            for r in csv.DictReader(f):
                try:
                    ts, el = int(r['timeStamp']), int(r['elapsed'])
                except (KeyError, TypeError, ValueError):
                    continue
                rows += 1
                last_end = max(last_end, ts + el)
                name = r.get('threadName') or ''
                if 'Users ' not in name:    # the plan's group only
                    continue
                a = agent or agent_of.get(name.split('-', 1)[0], '?')
                if a not in first or ts < first[a]:
                    first[a] = ts
    d = {k: num(v) for k, v in (e.split('=', 1) for e in extra)}
    d.update(truth=sum(truth.values()), truth_by_agent=truth,
             jtl_rows=rows, last_end_ms=last_end,
             first_ms=first, agents_seen=len(first),
             skew_ms=max(first.values()) - min(first.values())
             if len(first) == len(truth) and '?' not in first else None)
    d.setdefault('collected', rows)
    d['missing'] = d['truth'] - d['collected']
    n = d['collected']
    if n > 0 and 'cpu_test' in d:
        d['cpu_ms_per_1k'] = round(d['cpu_test'] * 1e6 / n, 2)
    if last_end and 'report_ms' in d:
        d['end_to_report_s'] = round((d['report_ms'] - last_end) / 1000, 2)
    if last_end and 'exit_ms' in d:
        d['end_to_exit_s'] = round((d['exit_ms'] - last_end) / 1000, 2)
    print(json.dumps(d))


def num(v):
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


ROWS = [    # (kind, key, what)
    ('plain', 'skew_ms', 'start skew, first samples (ms)'),
    ('plain', 'cpu_test', 'controller CPU to the end of the test (s)'),
    ('plain', 'collected', 'samples collected'),
    ('plain', 'cpu_ms_per_1k', 'controller CPU per 1,000 samples (ms)'),
    ('plain', 'truth', 'requests the target logged'),
    ('plain', 'missing', 'missing: logged - collected'),
    ('plain', 'end_to_exit_s', 'end of test to controller exit (s)'),
    ('plain', 'end_to_report_s', 'end of test to finished report (s)'),
    ('plain', 'cpu_report', 'CPU of the report (s)'),
    ('kill', 'truth', 'kill -9 of a2: requests logged'),
    ('kill', 'collected', 'kill -9 of a2: samples collected'),
    ('kill', 'missing', 'kill -9 of a2: missing'),
    ('kill', 'exit', 'kill -9 of a2: exit status'),
    ('kill', 'hung', 'kill -9 of a2: no exit in time (runs)'),
]


def summary(path):
    runs = [json.loads(l) for l in open(path) if l.strip()]
    tools = ('rmi', 'jmx')
    n = {t: sum(1 for r in runs if r['tool'] == t and r['kind'] == 'plain')
         for t in tools}
    print('%-45s %16s %16s' % ('median over %d runs' % max(n.values()),
                               'JMeter RMI', 'jmx-run'))
    for kind, key, what in ROWS:
        cells = []
        for t in tools:
            v = [r[key] for r in runs if r['tool'] == t and
                 r['kind'] == kind and isinstance(r.get(key), (int, float))]
            if not v:
                cells.append('-')
            elif key in ('hung',):
                cells.append('%d of %d' % (sum(v), len(v)))
            elif key == 'exit':
                cells.append(' '.join(str(x) for x in v))
            else:
                m = statistics.median(v)
                cells.append('%g' % round(m, 2))
        print('%-45s %16s %16s' % (what, cells[0], cells[1]))


if __name__ == '__main__':
    if sys.argv[1:2] == ['facts']:
        facts(sys.argv[2:])
    elif sys.argv[1:2] == ['summary']:
        summary(sys.argv[2])
    else:
        sys.exit(__doc__)

#!/usr/bin/env python3
"""Write synthetic JMeter CSV JTLs, deterministic per seed.

usage: jtl-gen.py FILE:SEED:N[:SCALE[:ERROR_RATE]]...

Each FILE gets N samples over 60 s from 10 threads, labels "home"
(median 50 ms) and "search" (median 200 ms), log-normal times; SCALE
multiplies every time (1.15: 15 % slower); ERROR_RATE is the share of
failed samples (default 0.005).  One process writes them all.
"""
import math
import random
import sys

HEAD = ("timeStamp,elapsed,label,responseCode,responseMessage,threadName,"
        "dataType,success,failureMessage,bytes,sentBytes,grpThreads,"
        "allThreads,URL,Latency,IdleTime,Connect\n")


def write(path, seed, n, scale, err):
    rnd = random.Random(seed)
    start = 1700000000000
    out = [HEAD]
    for i in range(n):
        label = "search" if i % 2 else "home"
        med = 200 if i % 2 else 50
        el = int(round(med * scale * math.exp(0.4 * rnd.gauss(0, 1))))
        ok = rnd.random() >= err
        out.append("%d,%d,%s,%s,%s,T 1-%d,text,%s,%s,1024,100,10,10,null,"
                   "%d,0,1\n" % (start + i * 60000 // n, el, label,
                                 "200" if ok else "500",
                                 "OK" if ok else "Err", i % 10 + 1,
                                 "true" if ok else "false",
                                 "" if ok else "boom", el // 2))
    with open(path, "w") as f:
        f.write("".join(out))


for spec in sys.argv[1:]:
    p = spec.split(":")
    write(p[0], int(p[1]), int(p[2]), float(p[3]) if len(p) > 3 else 1.0,
          float(p[4]) if len(p) > 4 else 0.005)

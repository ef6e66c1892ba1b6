#!/usr/bin/env python3
"""Write a synthetic JMeter CSV JTL to stdout, deterministic per seed.

usage: jtl-gen.py SEED N [SCALE] [ERROR_RATE] [START_S]

N samples over 60 s from 10 threads, labels "home" (median 50 ms) and
"search" (median 200 ms), log-normal times; SCALE multiplies every time
(1.15: 15 % slower); ERROR_RATE is the share of failed samples.
"""
import math
import random
import sys

seed = int(sys.argv[1])
n = int(sys.argv[2])
scale = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
err = float(sys.argv[4]) if len(sys.argv) > 4 else 0.005
start = int(sys.argv[5]) if len(sys.argv) > 5 else 1700000000
rnd = random.Random(seed)
print("timeStamp,elapsed,label,responseCode,responseMessage,threadName,"
      "dataType,success,failureMessage,bytes,sentBytes,grpThreads,"
      "allThreads,URL,Latency,IdleTime,Connect")
for i in range(n):
    label = "search" if i % 2 else "home"
    med = 200 if i % 2 else 50
    el = int(round(med * scale * math.exp(0.4 * rnd.gauss(0, 1))))
    ts = start * 1000 + i * 60000 // n
    ok = rnd.random() >= err
    print("%d,%d,%s,%s,%s,T 1-%d,text,%s,%s,1024,100,10,10,null,%d,0,1" % (
        ts, el, label, "200" if ok else "500", "OK" if ok else "Err",
        i % 10 + 1, "true" if ok else "false", "" if ok else "boom",
        el // 2))

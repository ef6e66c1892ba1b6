#!/bin/sh
# Crash consistency, the CI share: three trials of tests/crash/kill-trials.sh
# (the controller SIGKILLed while JMeters start, while running and while the
# final drains happen, then `jmx-run attach`): the run ends, stored totals
# equal the agents' JTL records per segment, integrity_check ok, nothing
# left on the agents.  The 20-trial run is that script by hand
# (doc/RELIABILITY.md).
exec env JMX_CRASH_PHASES="${JMX_CRASH_PHASES:-start running collection}" \
    bash "$(dirname "$0")/../crash/kill-trials.sh" 3

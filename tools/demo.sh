#!/bin/sh
# demo.sh: the main job on this machine: three agent hosts (network
# namespaces with their own sshd) and an nginx target, then a distributed
# jmx-run across the agents, weighted 2:1:1, ending with its summary.
# Run through tools/bootstrap.sh demo, which installs and builds first.
set -eu

cd "$(dirname "$0")/.."
top=$(pwd)
JMETER_HOME=${JMETER_HOME:-/opt/jmx/jmeter-5.6.3}
export JMX_HOME=${JMX_HOME:-/var/lib/jmx-demo}
mkdir -p "$JMX_HOME"

tests/bed/testbed.sh up 3 >&2
eval "$(tests/bed/testbed.sh env)"

conf=$JMX_HOME/jmx.yaml
cat >"$conf" <<YAML
# Written by tools/demo.sh for the local test bed.
defaults:
  user: $JMX_BED_USER
  key: $JMX_BED_KEY
  known_hosts: $JMX_BED_KNOWN_HOSTS
  jmeter_home: $JMETER_HOME
agents:
  - {name: a1, host: $JMX_BED_ADDR_a1, weight: 2}
  - {name: a2, host: $JMX_BED_ADDR_a2, weight: 1}
  - {name: a3, host: $JMX_BED_ADDR_a3, weight: 1}
tests:
  demo:
    plan: $top/share/plans/http-get.jmx
    threads: 12
    duration: 30s
    ramp: 5s
    properties: {host: $JMX_BED_TARGET, port: 80, think: 50}
YAML

rc=0
./jmx-run --config "$conf" --label "bootstrap demo" demo || rc=$?
# The report of that run (the newest): HTML, Markdown, JSON, JUnit, charts.
./jmx-report --config "$conf" show || rc=$?
exit "$rc"

# bench/bed-run.sh: shared set-up for the benchmarks that run real
# JMeters on the namespace test bed.  Sourced; needs root, a build in
# the tree and JMeter (tools/bootstrap.sh check gives all three).
top=$(cd "$(dirname "$0")/.." && pwd)
JMETER_HOME=${JMETER_HOME:-/opt/jmx/jmeter-5.6.3}
JMX_RUN=${JMX_RUN:-$top/jmx-run}	# another build to compare
BENCH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/jmx-bench.XXXXXX")
export JMX_HOME=$BENCH_DIR/home
export JMX_AGENT_HEAP="-Xms128m -Xmx256m"
trap 'rm -rf "$BENCH_DIR"' EXIT

# BED_AGENTS=4: a4 too, in the inventory as a spare (BED_SPARE: true or
# warm), for the failover benchmarks.
"$top/tests/bed/testbed.sh" up "${BED_AGENTS:-3}" >/dev/null || exit 1
eval "$("$top/tests/bed/testbed.sh" env)"
CONF=$BENCH_DIR/jmx.yaml
cat >"$CONF" <<YAML
defaults:
  user: $JMX_BED_USER
  key: $JMX_BED_KEY
  known_hosts: $JMX_BED_KNOWN_HOSTS
  jmeter_home: $JMETER_HOME
agents:
  - {name: a1, host: $JMX_BED_ADDR_a1}
  - {name: a2, host: $JMX_BED_ADDR_a2}
  - {name: a3, host: $JMX_BED_ADDR_a3}
$([ "${BED_AGENTS:-3}" -ge 4 ] &&
    echo "  - {name: a4, host: $JMX_BED_ADDR_a4, spare: ${BED_SPARE:-true}}")
tests:
  bench:
    plan: $top/share/plans/http-get.jmx
    properties: {host: $JMX_BED_TARGET, think: 0}
YAML

# The value of a key in a jmx-run --json document on stdin.
json_key() {
	python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# The pid of the JVM running in directory DIR (an agent's work directory:
# all namespaces share /proc), if any.
java_in_dir() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/cwd" 2>/dev/null)" = "$1" ] &&
		    [ "$(cat "$p/comm" 2>/dev/null)" = java ] && echo "${p#/proc/}"
	done
}

#!/bin/sh
# bench/standin/make-home.sh DIR: build a stand-in "JMeter home" in DIR
# that jmx-run uses unchanged as an agent's jmeter_home (with java:
# DIR/bin/java).  It holds what the agent probe looks for (lib/agent.c:
# bin/ApacheJMeter.jar, bin/jmeter.properties, .jmx-installed, lib/ext)
# and bin/jmeter, which runs standin.c.  DIR must be readable by the
# agents' user (the bed's jmxagent): it is made 0755.
set -eu
[ $# -eq 1 ] || { echo "usage: make-home.sh DIR" >&2; exit 2; }
src=$(cd "$(dirname "$0")" && pwd)
dir=$1
mkdir -p "$dir/bin" "$dir/lib/ext"
${CC:-cc} ${CFLAGS:--O2 -Wall} -o "$dir/bin/standin.tmp" "$src/standin.c"
mv "$dir/bin/standin.tmp" "$dir/bin/standin"
cp "$src/jmeter" "$src/java" "$dir/bin/"
: >"$dir/bin/ApacheJMeter.jar"
echo "# jmx stand-in: no properties are read" >"$dir/bin/jmeter.properties"
echo 5.6.3 >"$dir/.jmx-installed"
chmod -R a+rX "$dir"
chmod 755 "$dir/bin/jmeter" "$dir/bin/java" "$dir/bin/standin"

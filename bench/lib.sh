# bench/lib.sh: what the benchmark scripts share; source it after set -eu.
#
# top: the source tree.  work: the working directory, $1 if given (kept),
# else a fresh one removed at the end.
top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -gt 0 ]; then
	work=$1
	mkdir -p "$work"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/jmx-bench.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	trap 'exit 130' INT TERM
fi

#!/bin/sh
# Bash completion (share/bash-completion/jmx), driven as bash drives it:
# COMP_WORDS/COMP_CWORD set, the function run, COMPREPLY read.  Options
# and commands from each program's --help, test cases from the config,
# run ids from the data directory.
. "$(dirname "$0")/lib.sh"

command -v bash >/dev/null 2>&1 || skip_all "no bash"
COMPLETION=$JMX_SRCDIR/share/bash-completion/jmx
PATH=$JMX_BUILDDIR:$PATH
export PATH COMPLETION

# comp WORD...: the completions of the last word, sorted, one line.
comp() {
	bash -c '. "$COMPLETION"
	COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
	_jmx 2>/dev/null
	printf "%s\n" "${COMPREPLY[@]}"' bash "$@" | sort -u | grep -v '^$' |
	    tr '\n' ' ' | sed 's/ $//'
}

is "$(bash -c '. "$COMPLETION"; complete -p jmx-run jmx-report jmx-schedule jmx-watch' | awk '{ print $2, $3, $4 }' | sort -u)" \
    "-F _jmx jmx-report
-F _jmx jmx-run
-F _jmx jmx-schedule
-F _jmx jmx-watch" "complete -p: all four programs use _jmx"

is "$(comp jmx-run --js)" "--json" "jmx-run --js: --json"
is "$(comp jmx-run --co)" "--color --config --count" \
    "jmx-run --co: from --help"
is "$(comp jmx-report --no)" "--no-charts" "jmx-report --no: its own option"
is "$(comp jmx-run --color a)" "always auto" "--color values"
is "$(comp jmx-run --threads '')" "" "an option's value is not completed"

cat >"$TEST_DIR/jmx.yaml" <<'YAML'
defaults:
  user: u
agents:
  - {name: a1, host: h1}
tests:
  steady:
    plan: p.jmx
    threads: 2
  "smoke-2":
    plan: p.jmx
    thresholds:
      - {metric: p95, op: "<", value: 500}
settings:
  home: /tmp
YAML
is "$(comp jmx-run --config "$TEST_DIR/jmx.yaml" '')" \
    "attach pause resume smoke-2 status steady stop" \
    "jmx-run: commands and test cases of --config"
is "$(comp jmx-run -c "$TEST_DIR/jmx.yaml" st)" "status steady stop" \
    "jmx-run -c FILE st: prefix"
is "$(JMX_CONFIG=$TEST_DIR/jmx.yaml comp jmx-schedule add '')" \
    "smoke-2 steady" "jmx-schedule add: test cases of \$JMX_CONFIG"
is "$(cd "$TEST_DIR" && JMX_CONFIG= comp jmx-run sm)" "smoke-2" \
    "./jmx.yaml read when nothing names a config"

mkdir -p "$TEST_DIR/home/runs/3" "$TEST_DIR/home/runs/12" \
    "$TEST_DIR/other/runs/7"
is "$(JMX_HOME=$TEST_DIR/home comp jmx-run status '')" "12 3" \
    "jmx-run status: run ids of \$JMX_HOME"
is "$(comp jmx-run --home "$TEST_DIR/other" stop '')" "7" \
    "jmx-run --home DIR stop: that directory's runs"
is "$(JMX_HOME=$TEST_DIR/home comp jmx-watch 1)" "12" "jmx-watch: run ids"
is "$(comp jmx-report s)" "show stats" "jmx-report: commands from --help"
is "$(JMX_HOME=$TEST_DIR/home comp jmx-report show '')" "12 3" \
    "jmx-report show: run ids"

done_testing

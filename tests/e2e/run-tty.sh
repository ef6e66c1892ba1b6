#!/bin/sh
# jmx-run's progress line on a terminal (script(1) gives it one): redrawn
# in place and cut to the terminal's width; on a dumb terminal plain
# lines with no escapes at all.
. "$(dirname "$0")/../lib.sh"

command -v script >/dev/null || skip_all "no script(1)"
steady_bed
esc=$(printf '\033')
cr=$(printf '\r')

# on_tty TERM OUT: run "steady" for 6 s with standard error on a terminal
# 60 columns wide; what the terminal showed goes to OUT.
on_tty() {
	env -u NO_COLOR TERM="$1" script -qec "stty cols 60; '$JMX_RUN' \
	    --config '$conf' --duration 6s steady 2>&1 >'$TEST_DIR/stdout'" \
	    /dev/null </dev/null >"$2"
}

on_tty xterm "$TEST_DIR/live"
RC=$?
is "$RC" 0 "a run on a terminal: exit 0"
ok "$(grep -q "${cr}${esc}\\[K" "$TEST_DIR/live"; echo $?)" \
    "the progress line is redrawn in place"
# Each drawing of the line, without escapes and the terminal's newline.
tr '\r' '\n' <"$TEST_DIR/live" | sed "s/${esc}\\[[0-9;]*[A-Za-z]//g" |
    grep -E 'elapsed|samples|errors' >"$TEST_DIR/lines"
n=$(wc -l <"$TEST_DIR/lines")
ok "$([ "$n" -ge 3 ]; echo $?)" "the line was drawn $n times"
long=$(awk 'length($0) > 59' "$TEST_DIR/lines" | head -3)
is "$long" "" "every drawing fits 60 columns (59 characters)"
like "$(cat "$TEST_DIR/lines")" "^running, [0-9]+s elapsed" \
    "state and time elapsed are kept"
like "$(cat "$TEST_DIR/stdout")" "^Label +Samples" "the summary goes to standard output"

on_tty dumb "$TEST_DIR/dumb"
is "$?" 0 "a run on a dumb terminal: exit 0"
ok "$(grep -q "$esc" "$TEST_DIR/dumb"; [ $? -ne 0 ]; echo $?)" \
    "a dumb terminal: no escape sequence"
ok "$(tr -d '\r' <"$TEST_DIR/dumb" | grep -Eq ', agents [0-9]+/3, .* errors$';
    echo $?)" "a dumb terminal: whole plain lines"
n=$(grep -o 'elapsed' "$TEST_DIR/dumb" | wc -l)
ok "$([ "$n" -ge 1 ] && [ "$n" -le 2 ]; echo $?)" \
    "a dumb terminal: a line per 10 s, not per half second ($n)"

done_testing

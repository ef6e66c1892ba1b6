#!/bin/sh
# make install into a staging directory (DESTDIR, prefix /usr): the
# programs, man pages, examples and bash completion land where they
# belong, the installed programs run, and make uninstall takes it all
# back.
. "$(dirname "$0")/lib.sh"

dest=$TEST_DIR/root
run make -C "$JMX_BUILDDIR" -s install DESTDIR="$dest"
is "$RC" 0 "make install DESTDIR=... exits 0"
[ "$RC" -eq 0 ] || diag "$ERR"
prefix=$(sed -n 's/^prefix = //p' "$JMX_BUILDDIR/Makefile")
datadir=$(sed -n 's/^datadir = //p' "$JMX_BUILDDIR/Makefile" |
    sed "s|\${datarootdir}|$prefix/share|; s|\$(datarootdir)|$prefix/share|")
root=$dest$prefix
for p in jmx-run jmx-report jmx-schedule jmx-watch; do
	ok "$([ -x "$root/bin/$p" ]; echo $?)" "bin/$p installed"
	ok "$([ -f "$root/share/man/man1/$p.1" ]; echo $?)" "man1/$p.1 installed"
	ok "$([ -f "$root/share/bash-completion/completions/$p" ] ||
	    [ -f "$dest$datadir/bash-completion/completions/$p" ]; echo $?)" \
	    "completion for $p installed"
done
ok "$([ -f "$root/share/man/man5/jmx.conf.5" ] &&
    [ -f "$root/share/man/man7/jmx.7" ]; echo $?)" "jmx.conf.5 and jmx.7"
ok "$([ -f "$root/share/jmx/examples/jmx.yaml" ] &&
    [ -f "$root/share/jmx/plans/http-get.jmx" ]; echo $?)" \
    "example config and plan in share/jmx"

# The installed programs work from the staging directory.
run "$root/bin/jmx-run" --version
is "$RC" 0 "installed jmx-run --version"
like "$OUT" "^jmx-run [0-9]" "it names itself"
run "$root/bin/jmx-report" stats --json "$JMX_SRCDIR/tests/data/report/hand.jtl"
is "$RC" 0 "installed jmx-report stats on a fixture"
is "$(json_get "$TEST_DIR/out" 'd["total"]["count"]')" 6 "six samples"

run make -C "$JMX_BUILDDIR" -s uninstall DESTDIR="$dest"
is "$RC" 0 "make uninstall exits 0"
is "$(find "$dest" -type f -o -type l | sed "s|^$dest||")" "" \
    "make uninstall leaves no file"

done_testing

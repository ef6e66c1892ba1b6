#!/bin/sh
# The Debian package: dpkg-buildpackage -us -uc builds it from the
# distributed tree, dpkg -i installs it, the programs in /usr/bin run
# (jmx-run --help, jmx-report stats on a fixture), man pages and bash
# completion are where man and bash look, and dpkg -r removes it all,
# leaving the machine as found.
. "$(dirname "$0")/lib.sh"

[ -z "${JMX_PKG_DEB_INNER:-}" ] || skip_all "inside a package build"
[ "$(id -u)" -eq 0 ] || skip_all "installing a package needs root"
command -v dpkg-buildpackage >/dev/null 2>&1 || skip_all "no dpkg-buildpackage"
dpkg -s jmx >/dev/null 2>&1 && skip_all "a jmx package is installed already"
[ -e /usr/bin/jmx-run ] && skip_all "/usr/bin/jmx-run exists already"

src=$TEST_DIR/jmx-src
run make -C "$JMX_BUILDDIR" -s distdir distdir="$src"
is "$RC" 0 "make distdir: the distributed tree"
[ "$RC" -eq 0 ] || bail "make distdir failed: $ERR"
# A clean make environment: `make check TESTS=tests/pkg-deb.sh` passes
# TESTS down through MAKEFLAGS, and the package's own make check would run
# this test again, and so on.  nocheck: make check ran the tests already.
( cd "$src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u TESTS \
    JMX_PKG_DEB_INNER=1 DEB_BUILD_OPTIONS="nocheck parallel=2" \
    dpkg-buildpackage -us -uc ) >"$TEST_DIR/build.log" 2>&1
RC=$?
is "$RC" 0 "dpkg-buildpackage -us -uc exits 0"
[ "$RC" -eq 0 ] && rm -f "$TEST_DIR/build.log" || diag "$(tail -20 "$TEST_DIR/build.log")"
deb=$(ls "$TEST_DIR"/jmx_*.deb 2>/dev/null | head -1)
ok "$([ -f "$deb" ]; echo $?)" "a .deb was built"
[ -f "$deb" ] || { done_testing; }

removed=0
cleanup() { [ "$removed" -eq 1 ] || dpkg -r jmx >/dev/null 2>&1; }
trap cleanup EXIT
run dpkg -i "$deb"
is "$RC" 0 "dpkg -i installs it"
[ "$RC" -eq 0 ] || diag "$ERR"

run /usr/bin/jmx-run --help
is "$RC" 0 "/usr/bin/jmx-run --help exits 0"
like "$OUT" "^usage: jmx-run" "and shows the usage"
run /usr/bin/jmx-report stats --json "$JMX_SRCDIR/tests/data/report/hand.jtl"
is "$RC" 0 "/usr/bin/jmx-report stats on a fixture"
is "$(json_get "$TEST_DIR/out" 'd["total"]["count"]')" 6 "six samples"
for p in jmx-run jmx-report jmx-schedule jmx-watch; do
	ok "$([ -f /usr/share/man/man1/$p.1.gz ]; echo $?)" "man page $p.1"
	ok "$([ -e /usr/share/bash-completion/completions/$p ]; echo $?)" \
	    "bash completion for $p"
done
ok "$([ -f /usr/share/jmx/examples/jmx.yaml ]; echo $?)" "example config"
is "$(bash -c '. /usr/share/bash-completion/completions/jmx-run
    COMP_WORDS=(jmx-run --js); COMP_CWORD=1; _jmx; echo "${COMPREPLY[*]}"' \
    2>/dev/null)" "--json" "installed completion drives /usr/bin/jmx-run"

run dpkg -r jmx
is "$RC" 0 "dpkg -r removes it"
removed=1
ok "$([ ! -e /usr/bin/jmx-run ] && [ ! -e /usr/share/jmx ] &&
    [ ! -e /usr/share/bash-completion/completions/jmx-run ]; echo $?)" \
    "nothing of it is left"
dpkg -s jmx 2>/dev/null | grep -q '^Status: install' && st=1 || st=0
is "$st" 0 "dpkg no longer lists it installed"

done_testing

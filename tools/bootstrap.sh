#!/bin/sh
# bootstrap.sh: everything a fresh Debian 12 machine (as root) needs, then
# the main job or the test suite.
#
#   tools/bootstrap.sh demo    set up, then a distributed run on local
#                              test agents ending in a summary
#   tools/bootstrap.sh check   set up, then the whole test suite
#
# Each step is idempotent and cheap when already done: packages present
# are not reinstalled, JMeter is cached in /opt/jmx, the build is
# incremental.  JMX_JMETER_HOME overrides where JMeter goes.
set -eu

cd "$(dirname "$0")/.."
what=${1:-}
case $what in
demo|check) ;;
*) echo "usage: tools/bootstrap.sh demo|check" >&2; exit 2 ;;
esac

# Build tools and libraries, the test bed's servers, JMeter's runtime.
PACKAGES="build-essential autoconf automake pkg-config
libssh2-1-dev libsqlite3-dev libyaml-dev libncurses-dev libarchive-dev
libxml2-dev sqlite3 gnuplot-nox mandoc openssh-server openssh-client nginx
iproute2 curl tmux xz-utils procps psmisc default-jre-headless maven
python3 chromium libxml2-utils zstd time libcurl4-openssl-dev influxdb
cron exim4-daemon-light bsd-mailx tzdata
debhelper dpkg-dev fakeroot bash-completion clang libclang-rt-14-dev"

say() { printf 'bootstrap: %s\n' "$*" >&2; }

missing=
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	say "installing packages:$missing"
	apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $missing >/dev/null
fi

JMETER_HOME=${JMX_JMETER_HOME:-/opt/jmx/jmeter-5.6.3}
export JMETER_HOME
say "JMeter in $JMETER_HOME"
tools/install-jmeter.sh "$JMETER_HOME"

if [ ! -x configure ] || [ configure.ac -nt configure ] ||
    [ Makefile.am -nt configure ]; then
	say "autoreconf"
	autoreconf -fi >/dev/null 2>&1
fi
if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
	say "configure"
	./configure -q
fi
say "make"
make -s -j2 >/dev/null

case $what in
demo)
	exec tools/demo.sh
	;;
check)
	say "make check"
	if ! make -s -j2 check; then
		cat test-suite.log
		exit 1
	fi
	;;
esac

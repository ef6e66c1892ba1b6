#!/bin/sh
# Build the libFuzzer harnesses with clang: the library's sources and each
# tests/fuzz/fuzz-*.c, under libFuzzer, AddressSanitizer (leaks included)
# and UndefinedBehaviorSanitizer.  Not part of the gcc build: run it by
# hand or through tests/fuzz/run.sh.
#
#	tests/fuzz/build.sh [OUTDIR]	(default tests/fuzz/out)
#
# CC (default clang) must support -fsanitize=fuzzer (Debian: clang and
# libclang-rt-dev).  Objects are rebuilt only when a source is newer.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$here/out}
CC=${CC:-clang}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CFLAGS="-g -O1 -fno-omit-frame-pointer $SAN"
PKGS="libssh2 sqlite3 yaml-0.1 libarchive libxml-2.0"
# What configure would define (no config.h: -D flags, as in the gcc build).
cppflags="-D_GNU_SOURCE -I$top/lib -DJMX_PKGDATADIR=\"$top/share\"
    -DJMX_GNUPLOT=\"gnuplot\" -DPACKAGE_VERSION=\"fuzz\"
    $(pkg-config --cflags $PKGS)"
libs=$(pkg-config --libs $PKGS)

if ! echo 'int LLVMFuzzerTestOneInput(const char *p, long n)
{ return 0; }' | $CC -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
	echo "build.sh: $CC cannot build with -fsanitize=fuzzer" \
	    "(Debian: apt-get install clang libclang-rt-dev)" >&2
	exit 3
fi
mkdir -p "$out/obj"
objs=
for src in "$top"/lib/*.c; do
	obj=$out/obj/$(basename "$src" .c).o
	if [ ! -f "$obj" ] || [ -n "$(find "$top/lib" -newer "$obj" \
	    -name '*.[ch]' | head -1)" ]; then
		# shellcheck disable=SC2086
		$CC $CFLAGS -fsanitize=fuzzer-no-link $cppflags -c "$src" \
		    -o "$obj"
	fi
	objs="$objs $obj"
done
rm -f "$out/libjmx-fuzz.a"
# shellcheck disable=SC2086
ar cr "$out/libjmx-fuzz.a" $objs
for src in "$here"/fuzz-*.c; do
	name=$(basename "$src" .c)
	# shellcheck disable=SC2086
	$CC $CFLAGS -fsanitize=fuzzer $cppflags -I"$here" "$src" \
	    "$out/libjmx-fuzz.a" $libs -lpthread -lm -o "$out/$name"
	echo "$out/$name"
done

#!/usr/bin/env bash
# install-jmeter.sh - install Apache JMeter 5.6.3 from Maven Central artifacts.
#
# Usage: tools/install-jmeter.sh [--verify] [--plugins LIST] PREFIX
#        (e.g. /opt/jmx/jmeter-5.6.3, or --plugins casutg,tst /opt/jmx/jmeter-5.6.3-plugins)
#
# Why this way: Maven Central is the only package source the jmx machines reach, so the
# binary zip from the Apache mirrors cannot be fetched, and Debian's `jmeter` package is
# 2.13, which cannot load any plan with Debian 12's XStream. JMeter publishes every piece
# of its distribution to Central (group org.apache.jmeter), so we do what
# jmeter-maven-plugin does: resolve the modules with `mvn` (runtime scope, so that
# Groovy & co come along; versions pinned by ApacheJMeter_bom-thirdparty) and lay them
# out as the zip does:
#   bin/ApacheJMeter.jar      launcher (a real copy: JMeter derives its home from it)
#   bin/*.properties, ...     unpacked from the ApacheJMeter_config jar
#   bin/jmeter                our shell launcher (the JVM flags of JMeter's bin/jmeter)
#   lib/                      jorphan.jar + third-party jars (one version per artifact)
#   lib/ext/                  ApacheJMeter_<module>.jar (only there, not also in lib/)
#   lib/junit/                empty
#
# Cached and idempotent: PREFIX/.jmx-installed holds the version once an install is
# complete; a later run sees it and returns at once without calling mvn. The install is
# built in PREFIX.tmp.<pid> and renamed into place, so an interrupted run never leaves a
# half install that looks complete. ~/.m2 keeps the jars, so a re-install is cheap.
#
# --verify  run a tiny non-GUI plan (1 thread x 3 loops of a Groovy JSR223 sampler, no
#           network) and check the JTL has 3 successful samples.
# --plugins LIST  add jmeter-plugins (comma-separated names) from Maven Central, each
#           kg.apc:jmeter-plugins-NAME into lib/ext and their common library
#           (jmeter-plugins-cmn-jmeter) into lib/; already present ones are kept:
#             casutg  Custom Thread Groups: Concurrency, Ultimate, Stepping, Arrivals,
#                     Free-Form Arrivals (what jmx-run divides between agents)
#             tst     Throughput Shaping Timer (kg.apc.jmeter.timers.VariableThroughputTimer)
#           Versions: the newest on Central built for JMeter 5.x with a cmn-jmeter that
#           runs on 5.6 (casutg 3.x is not on Central; tst 2.6 neither).
#           Put plugins in their own PREFIX: a JMeter home shared with plans that do not
#           use them should not change.
#
# Environment: JMETER_VERSION (versions to try, newest first; default "5.6.3 5.6.2
# 5.6.1 5.6"), MVN (default mvn), JMX_MVN_ARGS (extra mvn args, e.g.
# -Dmaven.repo.local=DIR or -o).
set -eu

DEFAULT_VERSIONS="5.6.3 5.6.2 5.6.1 5.6"
# JMeter jars of the 5.6.3 binary zip (src/dist/build.gradle.kts). bshclient is not
# published to Central. ApacheJMeter = launcher, _config = bin/ files, jorphan -> lib/.
MODULES="ApacheJMeter ApacheJMeter_config jorphan ApacheJMeter_core ApacheJMeter_components
ApacheJMeter_functions ApacheJMeter_http ApacheJMeter_java ApacheJMeter_ftp ApacheJMeter_jdbc
ApacheJMeter_jms ApacheJMeter_junit ApacheJMeter_ldap ApacheJMeter_mail ApacheJMeter_mongodb
ApacheJMeter_native ApacheJMeter_tcp ApacheJMeter_bolt"
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.6.1
# Kotlin multiplatform "common" artifacts: metadata only, no classes (Gradle picks the
# -jvm variant, Maven drags both in). auto-service-annotations: compile-time only.
EXCLUDE_IDS=kotlin-stdlib-common,kotlin-logging,kotlinx-coroutines-core,auto-service-annotations

say() { printf 'install-jmeter: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
usage() { echo "usage: $0 [--verify] [--plugins casutg,tst] PREFIX" >&2; exit 2; }

# name -> groupId:artifactId:version
plugin_artifact() {
  case $1 in
    casutg) echo kg.apc:jmeter-plugins-casutg:2.10 ;;
    tst) echo kg.apc:jmeter-plugins-tst:2.5 ;;
    *) return 1 ;;
  esac
}
PLUGINS_COMMON=kg.apc:jmeter-plugins-cmn-jmeter:0.7

verify=0
prefix=
plugins=
while [ $# -gt 0 ]; do
  case $1 in
    --verify) verify=1 ;;
    --plugins) [ $# -ge 2 ] || usage; plugins=$(echo "$2" | tr ',' ' '); shift ;;
    --plugins=*) plugins=$(echo "${1#--plugins=}" | tr ',' ' ') ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$prefix" ] || usage; prefix=$1 ;;
  esac
  shift
done
[ -n "$prefix" ] || usage
case $prefix in /*) ;; *) prefix=$(pwd)/$prefix ;; esac
prefix=${prefix%/}
versions=${JMETER_VERSION:-$DEFAULT_VERSIONS}

work=
stage=
cleanup() {
  [ -z "$work" ] || rm -rf "$work"
  [ -z "$stage" ] || rm -rf "$stage"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

installed_version() {   # prints the stamped version if PREFIX holds a complete install
  local v
  [ -f "$prefix/.jmx-installed" ] || return 1
  v=$(head -n 1 "$prefix/.jmx-installed")
  [ -n "$v" ] && [ -f "$prefix/bin/ApacheJMeter.jar" ] && [ -f "$prefix/bin/jmeter.properties" ] \
    && [ -x "$prefix/bin/jmeter" ] || return 1
  case " $(echo $versions) " in *" $v "*) echo "$v" ;; *) return 1 ;; esac
}

unpack_bin() {   # unpack_bin JAR DESTDIR: extract the jar's bin/ tree into DESTDIR
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$1" 'bin/*' -d "$2"
  elif command -v jar >/dev/null 2>&1; then
    (cd "$2" && jar xf "$1" bin)
  else
    python3 - "$1" "$2" <<'EOF'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
z.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith("bin/")])
EOF
  fi
}

write_pom() {    # write_pom VERSION FILE
  local v=$1 m
  {
    cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.jmx</groupId>
  <artifactId>jmeter-dist</artifactId>
  <version>$v</version>
  <packaging>pom</packaging>
  <dependencyManagement>
    <dependencies>
EOF
    if [ "$v" = 5.6.3 ]; then
      # Maven's nearest-wins picks httpcore5 5.1.3 (httpclient5 5.3 needs 5.2.x) and
      # kotlin-stdlib-jdk7/8 1.8.20; the zip (Gradle, highest-wins) ships these versions.
      cat <<'EOF'
      <dependency><groupId>org.apache.httpcomponents.core5</groupId><artifactId>httpcore5</artifactId><version>5.2.4</version></dependency>
      <dependency><groupId>org.apache.httpcomponents.core5</groupId><artifactId>httpcore5-h2</artifactId><version>5.2.4</version></dependency>
      <dependency><groupId>org.jetbrains.kotlin</groupId><artifactId>kotlin-stdlib-jdk7</artifactId><version>1.9.10</version></dependency>
      <dependency><groupId>org.jetbrains.kotlin</groupId><artifactId>kotlin-stdlib-jdk8</artifactId><version>1.9.10</version></dependency>
EOF
    fi
    cat <<EOF
      <dependency>
        <groupId>org.apache.jmeter</groupId>
        <artifactId>ApacheJMeter_bom-thirdparty</artifactId>
        <version>$v</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
EOF
    for m in $MODULES; do
      echo "    <dependency><groupId>org.apache.jmeter</groupId><artifactId>$m</artifactId><version>$v</version></dependency>"
    done
    echo '  </dependencies>'
    echo '</project>'
  } > "$2"
}

write_launcher() {   # write_launcher FILE VERSION
  cat > "$1" <<'EOF'
#!/bin/sh
# Apache JMeter @VERSION@ launcher, written by jmx tools/install-jmeter.sh.
# Same JVM flags as JMeter's own bin/jmeter. Environment: HEAP (default
# "-Xms1g -Xmx1g -XX:MaxMetaspaceSize=256m"), GC_ALGO, JVM_ARGS, JMETER_OPTS, JAVA_HOME.
# The locale is forced to English: the summariser prints numbers in the default locale.
prg=$0
while [ -h "$prg" ]; do
  link=$(readlink "$prg")
  case $link in /*) prg=$link ;; *) prg=$(dirname "$prg")/$link ;; esac
done
home=$(cd "$(dirname "$prg")/.." && pwd -P) || exit 1
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java=$JAVA_HOME/bin/java; else java=java; fi

: "${HEAP:=-Xms1g -Xmx1g -XX:MaxMetaspaceSize=256m}"
: "${GC_ALGO:=-XX:+UseG1GC -XX:MaxGCPauseMillis=100 -XX:G1ReservePercent=20}"

jv=$("$java" -version 2>&1 | awk -F'"' '/version/ {sub("^1[.]", "", $2); sub("[^0-9].*$", "", $2); print $2; exit}')
opens=
if [ "${jv:-0}" -gt 8 ] 2>/dev/null; then
  opens="--add-opens java.desktop/sun.awt=ALL-UNNAMED --add-opens java.desktop/sun.swing=ALL-UNNAMED
 --add-opens java.desktop/javax.swing.text.html=ALL-UNNAMED --add-opens java.desktop/java.awt=ALL-UNNAMED
 --add-opens java.desktop/java.awt.font=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
 --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
 --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED
 --add-opens=java.desktop/sun.awt.X11=ALL-UNNAMED --add-opens=java.desktop/sun.awt.shell=ALL-UNNAMED"
fi

# exec: signals (SIGTERM flushes the JTL) go straight to the JVM, whose pid this is.
# shellcheck disable=SC2086
exec "$java" $opens -server -XX:+HeapDumpOnOutOfMemoryError $HEAP $GC_ALGO \
  -Djava.security.egd=file:/dev/urandom ${JVM_ARGS:-} ${JMETER_OPTS:-} \
  -Duser.language=en -Duser.region=EN -jar "$home/bin/ApacheJMeter.jar" "$@"
EOF
  sed -i "s/@VERSION@/$2/" "$1"
  chmod 755 "$1"
}

install() {
  local mvn=${MVN:-mvn} v= cand f rel dir aid base dest n
  command -v java >/dev/null 2>&1 || die "java not found"
  command -v "$mvn" >/dev/null 2>&1 || die "mvn not found"
  mkdir -p "$(dirname "$prefix")"
  work=$(mktemp -d "${TMPDIR:-/tmp}/install-jmeter.XXXXXX")
  stage=$prefix.tmp.$$
  rm -rf "$stage"
  mkdir -p "$stage"

  for cand in $versions; do
    say "resolving org.apache.jmeter $cand (modules + ApacheJMeter_bom-thirdparty) from Maven Central"
    write_pom "$cand" "$work/pom.xml"
    rm -rf "$stage/.deps"
    # shellcheck disable=SC2086
    if "$mvn" -B -q -Dstyle.color=never -f "$work/pom.xml" ${JMX_MVN_ARGS:-} \
        "$DEP_PLUGIN:copy-dependencies" -DincludeScope=runtime \
        -DoutputDirectory="$stage/.deps" -Dmdep.useRepositoryLayout=true \
        -DexcludeArtifactIds="$EXCLUDE_IDS" >"$work/mvn.log" 2>&1; then
      v=$cand
      break
    fi
    say "version $cand did not resolve:"
    sed 's/\x1b\[[0-9;]*m//g' "$work/mvn.log" | grep -E 'ERROR' | head -n 5 >&2 || tail -n 5 "$work/mvn.log" >&2
  done
  [ -n "$v" ] || die "no JMeter version of [$versions] resolved"

  say "laying out $stage (bin/, lib/, lib/ext/, lib/junit/)"
  mkdir -p "$stage/bin" "$stage/lib/ext" "$stage/lib/junit"
  : > "$work/artifacts"
  while IFS= read -r f; do
    rel=${f#"$stage/.deps/"}
    dir=$(dirname "$rel")            # group/path/artifactId/version
    aid=$(basename "$(dirname "$dir")")
    base=$(basename "$f")
    case $dir in
      org/apache/jmeter/*)
        case $aid in
          ApacheJMeter) dest=bin/ApacheJMeter.jar ;;
          ApacheJMeter_config) unpack_bin "$f" "$stage"; dest= ;;
          jorphan) dest=lib/jorphan.jar ;;
          ApacheJMeter_*) dest=lib/ext/$aid.jar ;;
          *) dest=lib/$base ;;
        esac ;;
      *) dest=lib/$base ;;
    esac
    echo "$(dirname "$(dirname "$dir")" | tr / .):$aid:$(basename "$dir") ${base}${dest:+ -> $dest}" >> "$work/artifacts"
    [ -n "$dest" ] || continue
    [ ! -e "$stage/$dest" ] || die "two artifacts map to $dest"
    mv "$f" "$stage/$dest"
  done < <(find "$stage/.deps" -type f -name '*.jar' | LC_ALL=C sort)
  rm -rf "$stage/.deps"

  # one version per artifact in lib/ (Maven guarantees it per groupId:artifactId; this
  # also catches a relocated artifact arriving under two coordinates)
  n=$(cd "$stage/lib" && ls -- *.jar | sed -E 's/-[0-9][^-]*\.jar$//' | sort | uniq -d)
  [ -z "$n" ] || die "several versions of: $n"
  [ -f "$stage/bin/jmeter.properties" ] || die "ApacheJMeter_config did not provide bin/jmeter.properties"
  [ -f "$stage/bin/ApacheJMeter.jar" ] || die "launcher jar ApacheJMeter missing"
  [ -f "$stage/lib/ext/ApacheJMeter_core.jar" ] || die "ApacheJMeter_core missing"

  write_launcher "$stage/bin/jmeter" "$v"
  chmod -R u+rwX,go+rX,go-w "$stage"
  cp "$work/artifacts" "$stage/.jmx-artifacts"

  say "checking the launcher ($stage/bin/jmeter --version)"
  if ! (cd "$work" && HEAP="-Xms64m -Xmx256m" "$stage/bin/jmeter" --version) > "$work/version.out" 2>&1 \
      || ! grep -q "$v" "$work/version.out"; then
    tail -n 20 "$work/version.out" >&2
    die "the assembled JMeter does not start"
  fi

  echo "$v" > "$stage/.jmx-installed"
  say "installing into $prefix"
  if [ -e "$prefix" ]; then
    mv "$prefix" "$prefix.old.$$"
    mv "$stage" "$prefix"
    rm -rf "$prefix.old.$$"
  else
    mv "$stage" "$prefix"
  fi
  stage=
  say "installed JMeter $v in $prefix ($(du -sh "$prefix" | cut -f1))"
}

verify_install() {   # verify_install VERSION
  local v=$1 dir rc=0 n ok
  dir=$(mktemp -d "${TMPDIR:-/tmp}/jmeter-verify.XXXXXX")
  [ -z "$work" ] || rm -rf "$work"
  work=$dir
  say "verifying: 1 thread x 3 loops of a Groovy JSR223 sampler (no network)"
  cat > "$dir/plan.jmx" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.6.3">
  <hashTree>
    <TestPlan guiclass="TestPlanGui" testclass="TestPlan" testname="jmx verify" enabled="true">
      <boolProp name="TestPlan.functional_mode">false</boolProp>
      <boolProp name="TestPlan.serialize_threadgroups">false</boolProp>
      <elementProp name="TestPlan.user_defined_variables" elementType="Arguments" guiclass="ArgumentsPanel" testclass="Arguments" testname="User Defined Variables" enabled="true">
        <collectionProp name="Arguments.arguments"/>
      </elementProp>
    </TestPlan>
    <hashTree>
      <ThreadGroup guiclass="ThreadGroupGui" testclass="ThreadGroup" testname="verify" enabled="true">
        <intProp name="ThreadGroup.num_threads">1</intProp>
        <intProp name="ThreadGroup.ramp_time">0</intProp>
        <boolProp name="ThreadGroup.same_user_on_next_iteration">true</boolProp>
        <stringProp name="ThreadGroup.on_sample_error">continue</stringProp>
        <boolProp name="ThreadGroup.scheduler">false</boolProp>
        <elementProp name="ThreadGroup.main_controller" elementType="LoopController" guiclass="LoopControlPanel" testclass="LoopController" testname="Loop Controller" enabled="true">
          <stringProp name="LoopController.loops">3</stringProp>
          <boolProp name="LoopController.continue_forever">false</boolProp>
        </elementProp>
      </ThreadGroup>
      <hashTree>
        <JSR223Sampler guiclass="TestBeanGUI" testclass="JSR223Sampler" testname="groovy" enabled="true">
          <stringProp name="scriptLanguage">groovy</stringProp>
          <stringProp name="parameters"></stringProp>
          <stringProp name="filename"></stringProp>
          <stringProp name="cacheKey">true</stringProp>
          <stringProp name="script">SampleResult.setResponseCode(&quot;200&quot;)
return &quot;iteration &quot; + vars.getIteration()</stringProp>
        </JSR223Sampler>
        <hashTree/>
      </hashTree>
    </hashTree>
  </hashTree>
</jmeterTestPlan>
EOF
  local to=
  command -v timeout >/dev/null 2>&1 && to="timeout 300"
  # shellcheck disable=SC2086
  (cd "$dir" && HEAP="-Xms128m -Xmx256m -XX:MaxMetaspaceSize=256m" \
    $to "$prefix/bin/jmeter" -n -t plan.jmx -l out.jtl -j jmeter.log -f) > "$dir/stdout" 2>&1 || rc=$?
  # header + records; count the records and those with success=true (column found by name)
  n=0; ok=0
  if [ -s "$dir/out.jtl" ]; then
    read -r n ok < <(awk -F, 'NR==1 { for (i = 1; i <= NF; i++) if ($i == "success") c = i; next }
      { n++; if (c && $c == "true") ok++ } END { print n + 0, ok + 0 }' "$dir/out.jtl")
  fi
  if [ "$rc" -eq 0 ] && [ "$n" -eq 3 ] && [ "$ok" -eq 3 ] && head -n 1 "$dir/out.jtl" | grep -q '^timeStamp,'; then
    echo "jmeter $v ok: $n samples"
    return 0
  fi
  say "verify FAILED (exit $rc, $n records, $ok successful); jmeter output and tail of jmeter.log:"
  tail -n 10 "$dir/stdout" >&2 || true
  tail -n 40 "$dir/jmeter.log" >&2 || true
  return 1
}

# copy_artifact G:A:V DIR: one jar from Maven Central (not its dependencies: a plugin's
# pom pulls an old ApacheJMeter_core) into DIR, unless a jar of that artifact is there.
copy_artifact() {
  local coord=$1 dir=$2 aid mvn=${MVN:-mvn} log
  aid=$(echo "$coord" | cut -d: -f2)
  if ls "$dir/$aid"-[0-9]*.jar >/dev/null 2>&1; then
    say "$aid already in $dir"
    return 0
  fi
  log=$(mktemp "${TMPDIR:-/tmp}/install-jmeter-mvn.XXXXXX")
  say "fetching $coord from Maven Central into $dir"
  # shellcheck disable=SC2086
  if ! "$mvn" -B -q -Dstyle.color=never ${JMX_MVN_ARGS:-} "$DEP_PLUGIN:copy" \
      -Dartifact="$coord" -DoutputDirectory="$dir" >"$log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E 'ERROR' | head -n 5 >&2 || true
    rm -f "$log"
    die "could not fetch $coord"
  fi
  rm -f "$log"
}

install_plugins() {
  local name coord
  command -v "${MVN:-mvn}" >/dev/null 2>&1 || die "mvn not found"
  for name in $plugins; do
    plugin_artifact "$name" >/dev/null || die "unknown plugin '$name' (known: casutg, tst)"
  done
  copy_artifact "$PLUGINS_COMMON" "$prefix/lib"
  for name in $plugins; do
    coord=$(plugin_artifact "$name")
    copy_artifact "$coord" "$prefix/lib/ext"
    grep -qx "$name $coord" "$prefix/.jmx-plugins" 2>/dev/null ||
      echo "$name $coord" >> "$prefix/.jmx-plugins"
  done
  chmod -R u+rwX,go+rX,go-w "$prefix/lib"
  say "plugins in $prefix: $(cut -d' ' -f1 "$prefix/.jmx-plugins" | tr '\n' ' ')"
}

if v=$(installed_version); then
  say "JMeter $v already installed in $prefix"
else
  install
  v=$(installed_version) || die "install did not complete"
fi
[ -z "$plugins" ] || install_plugins
if [ "$verify" -eq 1 ]; then
  verify_install "$v" || exit 1
fi
exit 0

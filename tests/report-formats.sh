#!/bin/sh
# jmx-report on the result files JMeter users have: XML, CSV without a
# header (JMeter 2's defaults, or columns from --properties), compressed
# files, any mix of them; JMeter's dashboard percentiles on request; the
# messages for what cannot be read, word for word; flat memory on XML.
. "$(dirname "$0")/lib.sh"

F=$JMX_SRCDIR/tests/data/formats
T=$TEST_DIR

# The statistics of files as JSON, for comparing shapes of the same samples.
stats() {
	"$JMX_REPORT" --json "$@" >"$T/stats.json" 2>"$T/stats.err" &&
	    cat "$T/stats.json"
}
want=$(stats stats "$F/full.jtl")
like "$want" '"total":\{"count":120,"errors":5,' \
    "the CSV file: 120 samples, 5 errors"

# 1. XML: the same samples give the same statistics.
is "$(stats stats "$F/res.xml")" "$want" \
    "XML file: the same statistics as the CSV file of the same samples"
is "$(stats stats "$F/custom.xml")" "$(stats --properties \
    "$F/custom.properties" stats "$F/custom.jtl")" \
    "XML and custom CSV of another run: the same statistics"
run "$JMX_REPORT" show --no-charts -o "$T/xml-report" "$F/res.xml"
is "$RC" 0 "show reads an XML file"
like "$(cat "$T/xml-report/report.md")" 'Checkout' "... its labels shown"

# 2. Headerless CSV: JMeter 2's 10 columns recognised; others by
# --properties; a file fitting neither refused, saying so.
is "$(stats stats "$F/old10.jtl")" "$want" \
    "JMeter 2's 10 default columns, no header: the same statistics"
run "$JMX_REPORT" stats "$F/custom.jtl"
is "$RC" 2 "a headerless file of other columns: exit 2"
is "$ERR" "jmx-report: '$F/custom.jtl': line 1 (byte 0): no header, and \
the first record (16 fields) fits neither JMeter 5's default columns (17) \
nor JMeter 2's (10): give the columns with --properties FILE (the \
jmeter.save.saveservice settings that wrote it)" "... and the message says why"
run "$JMX_REPORT" --properties "$F/custom.properties" stats "$F/custom.jtl"
is "$RC" 0 "with the properties that wrote it: read"
like "$OUT" '^Total +120 +4 ' "... all 120 samples"

# A record of another width in a file without a header.
{ head -n 2 "$F/old10.jtl"; echo '1796337233900,5,Home,200,OK,T 1-1,text,true'
    sed -n 3p "$F/old10.jtl"; } >"$T/short.jtl"
run "$JMX_REPORT" stats "$T/short.jtl"
is "$RC" 0 "a short record in a headerless file: skipped"
is "$ERR" "jmx-report: 1 malformed record skipped
jmx-report: '$T/short.jtl': line 3 (byte 114): 8 fields, not the 10 of JMeter 2's default columns (the file has no header)" \
    "... counted and located"
printf '1796337233900,-5,Home,200,OK,T 1-1,text,true,1,2\n' \
    >"$T/only-short.jtl"
printf '1796337233900,5,Home,200,OK,T 1-1,text,true,1,2,3\n' \
    >>"$T/only-short.jtl"
run "$JMX_REPORT" stats "$T/only-short.jtl"
is "$ERR" "jmx-report: '$T/only-short.jtl': no valid record: line 2 \
(byte 49): 11 fields, not the 10 of JMeter 2's default columns (the file \
has no header)" "a record of the wrong width: the columns it was read with"

# Properties: a bad value is located; a missing file named.
printf '# x\njmeter.save.saveservice.url=yes\n' >"$T/bad.properties"
run "$JMX_REPORT" --properties "$T/bad.properties" stats "$F/full.jtl"
is "$RC" 2 "a bad properties value: exit 2"
is "$ERR" "jmx-report: properties '$T/bad.properties': line 2: \
jmeter.save.saveservice.url is 'yes', not true or false" "... located"
run "$JMX_REPORT" --properties "$T/nosuch.properties" stats "$F/full.jtl"
is "$RC" 3 "a missing properties file: exit 3"
like "$ERR" "properties '$T/nosuch.properties'.*No such file" "... named"
# With a header, the file's own header wins over the properties.
is "$(stats --properties "$F/custom.properties" stats "$F/full.jtl")" \
    "$want" "a file with a header: its header, whatever the properties"

# An impossible date is an invalid date.
printf 'timeStamp,elapsed,label\n2026/20/03 10:00:00.000,1,a\n' >"$T/d1.jtl"
run "$JMX_REPORT" stats "$T/d1.jtl"
is "$ERR" "jmx-report: '$T/d1.jtl': no valid record: line 2 (byte 24): \
timeStamp '2026/20/03 10:00:00.000' is not a valid date (month 20)" \
    "month 20: not a valid date"
printf 'timeStamp,elapsed,label\n2026/02/29 10:00:00.000,1,a\n' >"$T/d2.jtl"
run "$JMX_REPORT" stats "$T/d2.jtl"
like "$ERR" "timeStamp '2026/02/29 10:00:00.000' is not a valid date \(day \
29 of month 2\)$" "29 February of a common year: not a valid date"
printf 'timeStamp,elapsed,label\n2024/02/29 10:00:00.000,1,a\n' >"$T/d3.jtl"
run "$JMX_REPORT" stats "$T/d3.jtl"
is "$RC" 0 "29 February of a leap year is a date"
printf 'timeStamp,elapsed,label\n2026/02/03 10:00,1,a\n' >"$T/d4.jtl"
run "$JMX_REPORT" stats "$T/d4.jtl"
like "$ERR" "timeStamp '2026/02/03 10:00' is neither epoch milliseconds nor \
yyyy/MM/dd HH:mm:ss.SSS$" "no date at all: the formats it may have"

# 3. Compressed files, read as they stream; any mix of shapes.
for c in gzip:gz xz:xz zstd:zst; do
	prog=${c%:*} ext=${c#*:}
	$prog -c "$F/full.jtl" >"$T/full.jtl.$ext"
	is "$(stats stats "$T/full.jtl.$ext")" "$want" \
	    "a .jtl.$ext file: the same statistics"
	$prog -c "$F/res.xml" >"$T/res.xml.$ext"
	is "$(stats stats "$T/res.xml.$ext")" "$want" \
	    "a compressed XML file ($ext): the same statistics"
done
gzip -c "$F/full.jtl" >"$T/named-plainly.jtl"
is "$(stats stats "$T/named-plainly.jtl")" "$want" \
    "compression known by content, not by name"
run "$JMX_REPORT" --json stats "$F/full.jtl" "$T/res.xml.zst" \
    "$F/old10.jtl" "$T/full.jtl.xz"
like "$OUT" '"total":\{"count":480,"errors":20,' \
    "CSV, XML, headerless and compressed files together: all samples"
run "$JMX_REPORT" import --name mixed "$T/res.xml.gz" "$F/old10.jtl"
is "$RC" 0 "import of XML and headerless files"
is "$(db "select samples from runs where id = $OUT")" 240 \
    "... every sample stored"
head -c 600 "$T/full.jtl.gz" >"$T/cut.jtl.gz"
run "$JMX_REPORT" stats "$T/cut.jtl.gz"
is "$RC" 3 "a cut compressed file: exit 3"
like "$ERR" "^jmx-report: '$T/cut.jtl.gz': cannot decompress: " \
    "... says it cannot be decompressed"

# XML that cannot be read: where and why.
printf '<?xml version="1.0"?>\n<jmeterTestPlan>\n</jmeterTestPlan>\n' \
    >"$T/plan.xml"
run "$JMX_REPORT" stats "$T/plan.xml"
is "$ERR" "jmx-report: '$T/plan.xml': line 2: not a JMeter result file: \
the root element is 'jmeterTestPlan', not testResults" "not a result file"
printf '<testResults>\n<sample t="1" ts="1" lb="a">\n</testResults>\n' \
    >"$T/broken.xml"
run "$JMX_REPORT" stats "$T/broken.xml"
is "$RC" 2 "XML that is not well-formed: exit 2"
like "$ERR" "^jmx-report: '$T/broken.xml': line [23]: not well-formed XML: \
.*mismatch" "... located, libxml2's reason given"
{
	echo '<testResults>'
	echo '<sample t="1" ts="1" lb="a"/>'
	echo '<sample t="x1" ts="1" lb="a"/>'
	echo '<sample t="-3" ts="1" lb="a"/>'
	echo '</testResults>'
} >"$T/badval.xml"
run "$JMX_REPORT" stats "$T/badval.xml"
is "$ERR" "jmx-report: 2 malformed records skipped
jmx-report: '$T/badval.xml': line 3: t 'x1' is not a number
jmx-report: '$T/badval.xml': line 4: t '-3' is negative" \
    "bad values: skipped, counted and located"
like "$OUT" '^Total +1 ' "... the good sample counted"
sed -n '1p;3p;5p' "$T/badval.xml" >"$T/onebad.xml"
run "$JMX_REPORT" stats "$T/onebad.xml"
is "$ERR" "jmx-report: '$T/onebad.xml': no valid record: line 2: t 'x1' is \
not a number" "a bad value: which, where"

# Sub-samples: kept down to eleven levels below a top sample, as JMeter
# writes them to CSV; the deeper ones are not.
{
	echo '<testResults>'
	i=0
	while [ $i -lt 14 ]; do
		echo "<sample t=\"$i\" ts=\"1700000000000\" lb=\"d$i\">"
		i=$((i + 1))
	done
	while [ $i -gt 0 ]; do
		echo '</sample>'
		i=$((i - 1))
	done
	echo '</testResults>'
} >"$T/deep.xml"
run "$JMX_REPORT" stats "$T/deep.xml"
like "$OUT" '^Total +12 ' "nested sub-samples: a top sample and 11 levels"

# 4. Percentiles: JMeter's dashboard's on request, nearest rank otherwise.
run "$JMX_REPORT" --percentiles jmeter --json stats "$F/full.jtl"
python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for r in d["labels"]:
    print("%s|%g|%g|%g|%g" % (r["label"], r["p50"], r["p90"], r["p95"],
        r["p99"]))' "$T/out" >"$T/pct.txt"
is "$(cat "$T/pct.txt")" "$(cat "$F/dashboard.txt")" \
    "--percentiles jmeter: each label's p50 ... p99 as JMeter's dashboard"
like "$want" '"label":"Pay","count":24,[^}]*"p50":26,"p90":189,"p95":228,' \
    "the default: nearest rank, whole ms"
run "$JMX_REPORT" --percentiles jmeter stats "$F/full.jtl"
like "$OUT" '^Pay +24 +0 +0.00% +50.7 +5 +249 +27 +209 +244 +249 ' \
    "the table: JMeter's percentiles rounded to whole ms"
run "$JMX_REPORT" --percentiles median stats "$F/full.jtl"
is "$RC" 2 "--percentiles with another value: exit 2"
like "$ERR" "^jmx-report: --percentiles takes exact or jmeter, not 'median'$" \
    "... naming the values it takes"

# 5. Memory stays flat on a big XML file (about 40 MB, a second).
awk 'BEGIN { print "<testResults version=\"1.2\">"
	for (i = 0; i < 150000; i++)
		printf "<httpSample t=\"%d\" lt=\"1\" ts=\"%d\" s=\"true\" " \
		    "lb=\"L%d\" rc=\"200\" rm=\"OK\" tn=\"T 1-1\" " \
		    "by=\"99\">\n" \
		    "  <responseData class=\"java.lang.String\">body of the " \
		    "response, kept by JMeter</responseData>\n" \
		    "  <java.net.URL>http://localhost/x</java.net.URL>\n" \
		    "</httpSample>\n", i % 500, 1700000000000 + i, i % 7
	print "</testResults>" }' >"$T/big.xml"
rss() {
	/usr/bin/time -f %M "$JMX_REPORT" stats "$1" 2>&1 >/dev/null |
	    tail -n 1
}
small=$(rss "$F/res.xml")
big=$(rss "$T/big.xml")
diag "peak RSS: $small KiB on 20 KB of XML, $big KiB on $(($(wc -c \
    <"$T/big.xml") / 1024)) KiB"
# AddressSanitizer keeps freed memory in quarantine: a sanitizer build
# checks the reading, the plain one the memory.
if grep -qa __asan_init "$JMX_REPORT"; then
	is "$("$JMX_REPORT" --json stats "$T/big.xml" | python3 -c \
	    'import json, sys; print(json.load(sys.stdin)["total"]["count"])')" \
	    150000 "a 40 MB XML file read whole (memory: plain build only)"
else
	ok "$([ "$big" -lt $((small + 4096)) ]; echo $?)" \
	    "a 40 MB XML file read in flat memory (under 4 MiB more than 20 KB)"
fi
rm -f "$T/big.xml"

done_testing

/*
 * test-json.c: lib/json.h, the one JSON writer: string escaping (control
 * bytes, quotes, UTF-8 through, bad UTF-8 replaced), numbers (int64 and
 * uint64 extremes, doubles, NaN and infinities as null), RFC 3339 times,
 * commas by nesting, JSON Lines at the top level.  Every document is
 * also handed to python3's json module, which must accept it.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"
#include "tap.h"

/* Does python3's strict parser accept text as one JSON document? */
static int
parses(const char *text)
{
	char path[512], cmd[1024];
	FILE *fp;

	snprintf(path, sizeof path, "%s/doc.json", tap_dir);
	if ((fp = fopen(path, "w")) == NULL)
		return 0;
	fputs(text, fp);
	fclose(fp);
	snprintf(cmd, sizeof cmd, "python3 -c 'import json,sys; "
	    "json.load(open(sys.argv[1], encoding=\"utf-8\"))' '%s' "
	    "2>/dev/null", path);
	return system(cmd) == 0;
}

static void
is_json(const char *in, const char *want, const char *name)
{
	struct jmx_buf b = { 0 };
	struct jmx_json w;

	jmx_json_init(&w, &b);
	jmx_json_string(&w, in);
	is_str(b.data, want, name);
	jmx_buf_free(&b);
}

static void
is_jnum(double v, const char *want, const char *name)
{
	struct jmx_buf b = { 0 };
	struct jmx_json w;

	jmx_json_init(&w, &b);
	jmx_json_array_begin(&w);
	jmx_json_double(&w, v);
	jmx_json_array_end(&w);
	is_str(b.data, want, name);
	jmx_buf_free(&b);
}

static void
test_strings(void)
{
	struct jmx_buf b = { 0 };

	is_json("plain", "\"plain\"", "string: plain");
	is_json("", "\"\"", "string: empty");
	is_json("say \"hi\"", "\"say \\\"hi\\\"\"", "string: quotes");
	is_json("C:\\dir\\", "\"C:\\\\dir\\\\\"", "string: backslashes");
	is_json("a\x01z", "\"a\\u0001z\"", "string: \\u0001");
	is_json("\x1b[31mred", "\"\\u001b[31mred\"", "string: ESC escaped");
	is_json("\x1f\x7f", "\"\\u001f\\u007f\"", "string: 0x1f and DEL");
	is_json("a\xc2\x9b" "b\xc2\xa0", "\"a\\u009bb\xc2\xa0\"",
	    "string: C1 (U+009B CSI) escaped, U+00A0 through");
	is_json("l1\nl2", "\"l1\\nl2\"", "string: newline");
	is_json("a\tb", "\"a\\tb\"", "string: tab");
	is_json("a\r\n", "\"a\\r\\n\"", "string: CR LF");
	is_json("\b\f", "\"\\u0008\\u000c\"", "string: \\b \\f as \\u");
	is_json("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80",
	    "\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"",
	    "string: non-ASCII UTF-8 passes through");
	is_json("a\xe9z", "\"a\\ufffdz\"", "string: Latin-1 byte -> U+FFFD");
	is_json("\xc0\xaf", "\"\\ufffd\\ufffd\"", "string: overlong '/' "
	    "-> U+FFFD each");
	is_json("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"",
	    "string: surrogate -> U+FFFD");
	is_json("\xe2\x82", "\"\\ufffd\\ufffd\"", "string: cut sequence");
	is_json("</script>", "\"</script>\"", "string: slash untouched");
	is_json(NULL, "null", "string: NULL is null");

	/* The buffer form used for text built by hand. */
	jmx_json_str(&b, "q\"\x1b");
	is_str(b.data, "\"q\\\"\\u001b\"", "jmx_json_str: same escaping");
	jmx_buf_free(&b);
}

static void
test_numbers(void)
{
	struct jmx_buf b = { 0 };
	struct jmx_json w;

	is_jnum(42, "[42]", "double: integer");
	is_jnum(-7, "[-7]", "double: negative integer");
	is_jnum(0, "[0]", "double: zero");
	is_jnum(2.5, "[2.5]", "double: fraction");
	is_jnum(0.1, "[0.1]", "double: 0.1 stays short");
	is_jnum(-0.75, "[-0.75]", "double: negative fraction");
	is_jnum(1.0 / 3.0, "[0.333333333333333]", "double: 15 digits");
	is_jnum(1234567.5, "[1234567.5]", "double: large fraction");
	is_jnum(123456789, "[123456789]", "double: large integer exact");
	is_jnum(1e300, "[1e+300]", "double: exponent");
	is_jnum(NAN, "[null]", "double: NaN is null");
	is_jnum(INFINITY, "[null]", "double: inf is null");
	is_jnum(-INFINITY, "[null]", "double: -inf is null");

	jmx_json_init(&w, &b);
	jmx_json_array_begin(&w);
	jmx_json_int(&w, INT64_MAX);
	jmx_json_int(&w, INT64_MIN);
	jmx_json_int(&w, 0);
	jmx_json_uint(&w, UINT64_MAX);
	jmx_json_bool(&w, 1);
	jmx_json_bool(&w, 0);
	jmx_json_null(&w);
	jmx_json_array_end(&w);
	is_str(b.data, "[9223372036854775807,-9223372036854775808,0,"
	    "18446744073709551615,true,false,null]",
	    "int64 and uint64 extremes exact, booleans, null");
	ok(parses(b.data), "extremes: python parses it");
	jmx_buf_free(&b);
}

static void
test_nesting(void)
{
	struct jmx_buf b = { 0 };
	struct jmx_json w;

	jmx_json_init(&w, &b);
	jmx_json_object_begin(&w);
	jmx_json_object_end(&w);
	is_str(b.data, "{}", "empty object");
	jmx_buf_reset(&b);

	jmx_json_init(&w, &b);
	jmx_json_object_begin(&w);
	jmx_json_pair_str(&w, "a", "x");
	jmx_json_key(&w, "list");
	jmx_json_array_begin(&w);
	jmx_json_array_end(&w);
	jmx_json_key(&w, "rows");
	jmx_json_array_begin(&w);
	jmx_json_object_begin(&w);
	jmx_json_pair_int(&w, "n", 1);
	jmx_json_key(&w, "deep");
	jmx_json_array_begin(&w);
	jmx_json_array_begin(&w);
	jmx_json_int(&w, 1);
	jmx_json_int(&w, 2);
	jmx_json_array_end(&w);
	jmx_json_array_begin(&w);
	jmx_json_array_end(&w);
	jmx_json_array_end(&w);
	jmx_json_object_end(&w);
	jmx_json_object_begin(&w);
	jmx_json_object_end(&w);
	jmx_json_array_end(&w);
	jmx_json_pair_double(&w, "pct", 12.5);
	jmx_json_pair_uint(&w, "u", 3);
	jmx_json_pair_bool(&w, "ok", 1);
	jmx_json_pair_str(&w, "none", NULL);
	jmx_json_key(&w, "a\"b");
	jmx_json_null(&w);
	jmx_json_object_end(&w);
	is_str(b.data, "{\"a\":\"x\",\"list\":[],\"rows\":[{\"n\":1,"
	    "\"deep\":[[1,2],[]]},{}],\"pct\":12.5,\"u\":3,\"ok\":true,"
	    "\"none\":null,\"a\\\"b\":null}",
	    "nesting: commas only between siblings, keys escaped");
	ok(parses(b.data), "nesting: python parses it");
	jmx_buf_reset(&b);

	jmx_json_init(&w, &b);
	jmx_json_object_begin(&w);
	jmx_json_pair_int_or_null(&w, "known", -1, 1);
	jmx_json_pair_int_or_null(&w, "unknown", 7, 0);
	jmx_json_object_end(&w);
	is_str(b.data, "{\"known\":-1,\"unknown\":null}",
	    "int or null: the number when known");
	jmx_buf_reset(&b);

	/* JSON Lines: top-level values are not separated by commas. */
	jmx_json_init(&w, &b);
	jmx_json_object_begin(&w);
	jmx_json_pair_int(&w, "n", 1);
	jmx_json_object_end(&w);
	jmx_buf_addc(&b, '\n');
	jmx_json_object_begin(&w);
	jmx_json_pair_int(&w, "n", 2);
	jmx_json_object_end(&w);
	jmx_buf_addc(&b, '\n');
	is_str(b.data, "{\"n\":1}\n{\"n\":2}\n", "JSON Lines: one per line");
	jmx_buf_free(&b);
}

static void
test_time_and_all_bytes(void)
{
	struct jmx_buf b = { 0 };
	struct jmx_json w;
	char all[256];
	int i;

	jmx_json_init(&w, &b);
	jmx_json_array_begin(&w);
	jmx_json_time(&w, 1795668726000LL);
	jmx_json_time(&w, 0);
	jmx_json_time(&w, -5);
	jmx_json_array_end(&w);
	is_str(b.data, "[\"2026-11-26T04:52:06Z\",null,null]",
	    "time: RFC 3339 UTC; 0 and negative (unknown) null");
	jmx_buf_reset(&b);

	/* Every byte value 1..255 in one string: still valid JSON. */
	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	jmx_json_init(&w, &b);
	jmx_json_object_begin(&w);
	jmx_json_pair_str(&w, all, all);
	jmx_json_object_end(&w);
	ok(parses(b.data), "every byte 1..255, as key and value: valid JSON");
	for (i = 0; i < (int)b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 ||
		    (unsigned char)b.data[i] == 0x7f)
			break;
	ok(i == (int)b.len, "no raw control byte in the output");
	jmx_buf_free(&b);
}

int
main(void)
{
	tap_tmpdir();
	test_strings();
	test_numbers();
	test_nesting();
	test_time_and_all_bytes();
	return done_testing();
}

/*
 * test-util.c: lib/util.h and lib/err.h.
 *
 * Shell quoting is checked twice: against the exact text expected, and by
 * handing the quoted word to sh(1) and reading back what printf %s prints,
 * byte for byte (also nested one level, as a remote command is).  Times:
 * 1795668726 s is 2026-11-26T04:52:06Z (9826 days after 1970-01-01:
 * 9497 to 2026-01-01, 329 to Nov 26, then 4 h 52 min 6 s); 951782400 s is
 * 2000-02-29T00:00:00Z (946684800 + 59 days).
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "util.h"
#include "tap.h"

/* The quoted text of s, allocated. */
static char *
quoted(const char *s)
{
	struct jmx_buf b = { 0 };

	jmx_shquote(&b, s);
	return jmx_buf_steal(&b);
}

/* Run cmd with sh -c and return its stdout (allocated, *len bytes). */
static char *
sh_output(const char *cmd, size_t *len)
{
	struct jmx_buf b = { 0 };
	char chunk[4096];
	size_t n;
	FILE *f;

	fflush(stdout);
	if ((f = popen(cmd, "r")) == NULL) {
		*len = 0;
		return jmx_buf_steal(&b);
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		jmx_buf_add(&b, chunk, n);
	pclose(f);
	*len = b.len;
	return jmx_buf_steal(&b);
}

/* Does the shell read quoted(s) back as s, plain and nested once? */
static void
roundtrip(const char *name, const char *s)
{
	struct jmx_buf cmd = { 0 }, inner = { 0 };
	char *out;
	size_t len;

	jmx_buf_adds(&cmd, "printf %s ");
	jmx_shquote(&cmd, s);
	out = sh_output(cmd.data, &len);
	ok(len == strlen(s) && memcmp(out, s, len) == 0,
	    "shquote %s: sh prints it back byte-exact", name);
	free(out);

	/* sh -c 'printf %s '\''...'\''': quoting a quoted command */
	jmx_buf_adds(&inner, "printf %s ");
	jmx_shquote(&inner, s);
	jmx_buf_reset(&cmd);
	jmx_buf_adds(&cmd, "sh -c ");
	jmx_shquote(&cmd, inner.data);
	out = sh_output(cmd.data, &len);
	ok(len == strlen(s) && memcmp(out, s, len) == 0,
	    "shquote %s: survives a nested sh -c", name);
	free(out);
	jmx_buf_free(&inner);
	jmx_buf_free(&cmd);
}

static void
test_buf(void)
{
	struct jmx_buf b = { 0 };
	char *p, big[5001];
	size_t i, cap;
	int good;

	jmx_buf_adds(&b, "abc");
	is_int(b.len, 3, "buf: adds sets len");
	is_str(b.data, "abc", "buf: adds content");
	ok(b.cap >= 4, "buf: room for the NUL");
	jmx_buf_addc(&b, 'd');
	is_str(b.data, "abcd", "buf: addc appends");
	jmx_buf_add(&b, "x\0y", 3);
	is_int(b.len, 7, "buf: add counts an embedded NUL");
	ok(memcmp(b.data, "abcdx\0y", 8) == 0, "buf: add bytes + NUL after");
	jmx_buf_reset(&b);
	jmx_buf_addf(&b, "%d-%s-%05.1f", 42, "z", 2.5);
	is_str(b.data, "42-z-002.5", "buf: addf formats");
	is_int(b.len, 10, "buf: addf len");
	jmx_buf_addf(&b, "%s", "");
	is_int(b.len, 10, "buf: addf of nothing keeps len");
	ok(b.data[10] == '\0', "buf: still NUL-terminated");

	/* consume */
	jmx_buf_consume(&b, 3);
	is_str(b.data, "z-002.5", "buf: consume drops the first bytes");
	is_int(b.len, 7, "buf: consume len");
	jmx_buf_consume(&b, 0);
	is_str(b.data, "z-002.5", "buf: consume 0 keeps all");
	jmx_buf_consume(&b, 100);
	is_int(b.len, 0, "buf: consume past end empties");
	ok(b.data != NULL && b.data[0] == '\0', "buf: empty is \"\"");

	/* reset keeps the allocation */
	jmx_buf_adds(&b, "hello");
	cap = b.cap;
	jmx_buf_reset(&b);
	ok(b.len == 0 && b.data[0] == '\0' && b.cap == cap,
	    "buf: reset empties, keeps capacity");

	/* growth: 10000 single bytes, then a 5000-byte addf */
	for (i = 0; i < 10000; i++)
		jmx_buf_addc(&b, (char)('a' + i % 26));
	is_int(b.len, 10000, "buf: grows to 10000 bytes");
	ok(b.cap > 10000, "buf: cap past len");
	good = 1;
	for (i = 0; i < 10000; i++)
		if (b.data[i] != (char)('a' + i % 26))
			good = 0;
	ok(good && b.data[10000] == '\0', "buf: 10000 bytes intact, NUL");
	memset(big, 'Q', 5000);
	big[5000] = '\0';
	jmx_buf_addf(&b, "<%s>", big);
	is_int(b.len, 15002, "buf: addf past capacity");
	ok(b.data[10000] == '<' && b.data[10001] == 'Q' &&
	    b.data[15000] == 'Q' && b.data[15001] == '>' &&
	    b.data[15002] == '\0', "buf: addf content and NUL after growth");

	/* steal */
	p = jmx_buf_steal(&b);
	ok(p != NULL && strlen(p) == 15002, "buf: steal hands the content");
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "buf: steal empties");
	free(p);
	p = jmx_buf_steal(&b);
	ok(p != NULL && p[0] == '\0', "buf: steal of empty gives \"\"");
	free(p);
	jmx_buf_addf(&b, "%s", "");
	ok(b.data != NULL && b.data[0] == '\0' && b.len == 0,
	    "buf: addf of nothing on a new buffer makes \"\"");
	jmx_buf_free(&b);
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "buf: free zeroes");
	jmx_buf_free(&b);	/* twice is fine */
}

static void
test_shquote(void)
{
	static const struct {
		const char *name, *in, *want;
	} t[] = {
		{ "plain", "plain", "'plain'" },
		{ "empty", "", "''" },
		{ "it's", "it's", "'it'\\''s'" },
		{ "lone quote", "'", "''\\'''" },
		{ "spaces", "a  b\tc", "'a  b\tc'" },
		{ "$(x)", "$(x)", "'$(x)'" },
		{ "backticks", "`id`", "'`id`'" },
		{ "newline", "a\nb", "'a\nb'" },
		{ "backslash", "a\\b\\", "'a\\b\\'" },
		{ "globs", "*?[x] ~ $HOME", "'*?[x] ~ $HOME'" },
		{ "double quotes", "say \"hi\"", "'say \"hi\"'" },
	};
	char all[256], *q;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		q = quoted(t[i].in);
		is_str(q, t[i].want, t[i].name);
		free(q);
		roundtrip(t[i].name, t[i].in);
	}
	roundtrip("quotes galore", "'' '\\'' \"'\"");
	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	roundtrip("bytes 1-255", all);

	/* appends after what the buffer holds */
	{
		struct jmx_buf b = { 0 };

		jmx_buf_adds(&b, "cd ");
		jmx_shquote(&b, "/tmp/a b");
		jmx_buf_adds(&b, " && ls");
		is_str(b.data, "cd '/tmp/a b' && ls", "shquote appends");
		jmx_buf_free(&b);
	}
}

/* Lines of a Java .properties file (read by java.util.Properties). */
static void
test_java_property(void)
{
	static const struct { const char *key, *val, *want; } t[] = {
		{ "host", "198.18.0.100", "host=198.18.0.100\n" },
		{ "a b=c:d", "x", "a\\ b\\=c\\:d=x\n" },
		{ "k", " lead and inner ", "k=\\ lead and inner \n" },
		{ "#k", "!v#", "\\#k=\\!v\\#\n" },
		{ "k", "a\\b\nc\rd\te\ff", "k=a\\\\b\\nc\\rd\\te\\ff\n" },
		{ "k", "$(touch x); `id` 'q' \"d\"",
		    "k=$(touch x); `id` 'q' \"d\"\n" },
		{ "k", "caf\xc3\xa9 \xe2\x82\xac", "k=caf\\u00e9 \\u20ac\n" },
		{ "k", "\xf0\x9f\x98\x80", "k=\\ud83d\\ude00\n" },
		{ "k", "\x01\x7f\xc2\x85", "k=\\u0001\\u007f\\u0085\n" },
		{ "k", "bad\xff", "k=bad\\ufffd\n" },
		{ "k", "", "k=\n" },
	};
	struct jmx_buf b = { 0 };
	char name[40];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		jmx_java_property(&b, t[i].key, t[i].val);
		snprintf(name, sizeof name, "java property line %zu", i);
		is_str(b.data, t[i].want, name);
		jmx_buf_reset(&b);
	}
	jmx_buf_free(&b);
}

static void
test_text_escape(void)
{
	static const struct { const char *in, *want; size_t cols; } t[] = {
		{ "plain label", "plain label", 11 },
		{ "two\nlines\r\tx", "two\\nlines\\r\\tx", 15 },
		{ "\033[31mred", "\\x1b[31mred", 11 },
		{ "del\177", "del\\x7f", 7 },
		{ "csi\302\233x", "csi\\x9bx", 8 },
		{ "caf\303\251 \\ ok", "caf\303\251 \\ ok", 9 },
		{ "bad\377", "bad\\xff", 7 }
	};
	struct jmx_buf b = { 0 };
	char small[12];
	size_t i, cols;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		jmx_buf_reset(&b);
		jmx_buf_adds(&b, "");
		cols = jmx_text_escape(&b, t[i].in);
		is_str(b.data, t[i].want, "text escape");
		ok(cols == t[i].cols, "text escape: %zu columns for '%s'",
		    t[i].cols, t[i].want);
		/* the bounded form agrees where it has room */
		if (strlen(t[i].want) < sizeof small)
			is_str(jmx_text_esc(small, sizeof small, t[i].in,
			    strlen(t[i].in)), t[i].want, "text esc");
	}
	jmx_buf_free(&b);
	/* one character at a time: its length, as jmx_text_escape() */
	jmx_buf_reset(&b);
	jmx_buf_adds(&b, "");
	ok(jmx_text_escape_char(&b, (const unsigned char *)"\303\251x") == 2 &&
	    jmx_text_escape_char(&b, (const unsigned char *)"\302\233x") == 2 &&
	    jmx_text_escape_char(&b, (const unsigned char *)"\377x") == 1 &&
	    jmx_text_escape_char(&b, (const unsigned char *)"\tx") == 1,
	    "text escape char: lengths");
	is_str(b.data, "\303\251\\x9b\\xff\\t", "text escape char");
	jmx_buf_free(&b);
	/* cut short with "...", never inside an escape */
	is_str(jmx_text_esc(small, sizeof small, "abcdefgh\033xyz", 12),
	    "abcdefgh...", "text esc cut short");
	is_str(jmx_text_esc(small, sizeof small, "ab\nc\0d", 6),
	    "ab\\nc\\x00d", "text esc: n bytes, NUL escaped");
}

static void
test_duration(void)
{
	static const struct {
		const char *in;
		int64_t want;
	} t[] = {
		{ "90", 90000 },
		{ "90s", 90000 },
		{ "10m", 600000 },
		{ "1h30m", 5400000 },
		{ "250ms", 250 },
		{ "1d", 86400000 },
		{ "0", 0 },
		{ "0s", 0 },
		{ "1h1m1s1ms", 3661001 },
		{ "2d3h", 183600000 },
		{ "1m30", 90000 },	/* a bare number is seconds */
		{ "007s", 7000 },
		{ "", -1 },
		{ "x", -1 },
		{ "10q", -1 },
		{ "-5", -1 },
		{ "+5", -1 },
		{ "1.5s", -1 },		/* no decimals */
		{ "ms", -1 },
		{ "s", -1 },
		{ "5 s", -1 },
		{ " 5s", -1 },
		{ "5s ", -1 },
		{ "1h30mx", -1 },
		{ "5S", -1 },
		{ "99999999999999999999", -1 },	/* overflows int64 digits */
		/* fits the digit guard but not once scaled to ms */
		{ "9999999999999d", -1 },
		{ "9300000000000000s", -1 },
	};
	size_t i;
	char name[80];

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(name, sizeof name, "duration '%s'", t[i].in);
		is_int(jmx_parse_duration_ms(t[i].in), t[i].want, name);
	}
	is_int(jmx_parse_duration_ms(NULL), -1, "duration NULL");
}

static void
test_format_duration(void)
{
	static const struct {
		int64_t ms;
		const char *want;
	} t[] = {
		{ 0, "0s" },
		{ 999, "0s" },
		{ 12000, "12s" },
		{ 59999, "59s" },
		{ 60000, "1m00s" },
		{ 245000, "4m05s" },
		{ 3599999, "59m59s" },
		{ 3600000, "1h00m00s" },
		{ 3723000, "1h02m03s" },
		{ 90061000, "25h01m01s" },
	};
	char out[32], name[64];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(name, sizeof name, "format_duration %lld",
		    (long long)t[i].ms);
		jmx_format_duration(out, sizeof out, t[i].ms);
		is_str(out, t[i].want, name);
	}
	jmx_format_duration(out, 4, 3723000);
	is_str(out, "1h0", "format_duration truncates to the buffer");
}

static void
test_count(void)
{
	is_int(jmx_parse_count("0"), 0, "count '0'");
	is_int(jmx_parse_count("42"), 42, "count '42'");
	is_int(jmx_parse_count("007"), 7, "count '007'");
	is_int(jmx_parse_count("9223372036854775807"), INT64_MAX,
	    "count INT64_MAX");
	is_int(jmx_parse_count("9223372036854775808"), -1,
	    "count INT64_MAX + 1 out of range");
	is_int(jmx_parse_count(""), -1, "count ''");
	is_int(jmx_parse_count("-1"), -1, "count '-1'");
	is_int(jmx_parse_count("+1"), -1, "count '+1'");
	is_int(jmx_parse_count(" 1"), -1, "count ' 1'");
	is_int(jmx_parse_count("1 "), -1, "count '1 '");
	is_int(jmx_parse_count("1x"), -1, "count '1x'");
	is_int(jmx_parse_count("0x10"), -1, "count '0x10'");
	is_int(jmx_parse_count("1e3"), -1, "count '1e3'");
	is_int(jmx_parse_count(NULL), -1, "count NULL");
}

static void
test_time(void)
{
	char out[64];
	int64_t a, b;

	jmx_format_time(out, sizeof out, 0);
	is_str(out, "1970-01-01T00:00:00Z", "format_time epoch 0");
	jmx_format_time(out, sizeof out, 999);
	is_str(out, "1970-01-01T00:00:00Z", "format_time drops ms");
	jmx_format_time(out, sizeof out, 86399999);
	is_str(out, "1970-01-01T23:59:59Z", "format_time end of day 1");
	jmx_format_time(out, sizeof out, 1795668726123LL);
	is_str(out, "2026-11-26T04:52:06Z", "format_time 1795668726123");
	jmx_format_time(out, sizeof out, 951782400000LL);
	is_str(out, "2000-02-29T00:00:00Z", "format_time leap day");

	a = jmx_now_ms();
	ok(a > 1577836800000LL, "now_ms is after 2020");
	a = jmx_mono_ms();
	usleep(20000);
	b = jmx_mono_ms();
	ok(b - a >= 15 && b - a < 5000, "mono_ms advances by the sleep");
}

/* Number of entries in dir, . and .. aside. */
static int
dir_entries(const char *dir)
{
	struct dirent *d;
	DIR *dp;
	int n = 0;

	if ((dp = opendir(dir)) == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

static int
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

static void
test_files(const char *tmp)
{
	struct jmx_err err;
	char path[512], dir[512], want[600], *data, *big;
	size_t len, i;
	int good;

	snprintf(dir, sizeof dir, "%s/files", tmp);
	mkdir(dir, 0755);
	snprintf(path, sizeof path, "%s/data.bin", dir);

	is_int(jmx_write_file(path, "hello\0world\n", 12, &err), JMX_OK,
	    "write_file");
	is_int(jmx_read_file(path, &data, &len, &err), JMX_OK, "read_file");
	is_int(len, 12, "read_file length");
	ok(memcmp(data, "hello\0world\n", 12) == 0 && data[12] == '\0',
	    "read_file bytes, NUL after");
	free(data);
	is_int(dir_entries(dir), 1, "write_file leaves no temp file");

	is_int(jmx_write_file(path, "short", 5, &err), JMX_OK,
	    "write_file replaces");
	jmx_read_file(path, &data, &len, &err);
	ok(len == 5 && strcmp(data, "short") == 0, "replaced, not appended");
	free(data);

	is_int(jmx_write_file(path, "", 0, &err), JMX_OK, "write_file empty");
	is_int(jmx_read_file(path, &data, NULL, &err), JMX_OK,
	    "read_file empty, NULL len");
	ok(data != NULL && data[0] == '\0', "empty file reads as \"\"");
	free(data);

	/* larger than read_file's 64 KiB chunk */
	big = malloc(200003);
	for (i = 0; i < 200003; i++)
		big[i] = (char)(i * 7 % 256);
	is_int(jmx_write_file(path, big, 200003, &err), JMX_OK,
	    "write_file 200003 bytes");
	jmx_read_file(path, &data, &len, &err);
	good = len == 200003 && memcmp(data, big, len) == 0;
	ok(good, "read_file 200003 bytes back");
	free(data);
	free(big);

	snprintf(path, sizeof path, "%s/missing.txt", dir);
	memset(&err, 0, sizeof err);
	data = (char *)"untouched";
	is_int(jmx_read_file(path, &data, &len, &err), JMX_ERR_IO,
	    "read_file missing: JMX_ERR_IO");
	snprintf(want, sizeof want, "'%s': %s", path, strerror(ENOENT));
	is_str(err.msg, want, "read_file missing: message names the path");
	is_int(err.sys_errno, ENOENT, "read_file missing: errno saved");
	is_int(err.code, JMX_ERR_IO, "read_file missing: err.code");

	snprintf(path, sizeof path, "%s/no/such/dir/f", dir);
	is_int(jmx_write_file(path, "x", 1, &err), JMX_ERR_IO,
	    "write_file into a missing dir fails");
	ok(strstr(err.msg, path) != NULL, "... naming the path (%s)", err.msg);
}

static void
test_dirs(const char *tmp)
{
	struct jmx_err err;
	struct stat st;
	char p[512], q[512];
	FILE *f;

	snprintf(p, sizeof p, "%s/mk/a/b/c", tmp);
	is_int(jmx_mkdirs(p, 0700, &err), JMX_OK, "mkdirs nested");
	ok(is_dir(p), "mkdirs: leaf is a directory");
	ok(stat(p, &st) == 0 && (st.st_mode & 0777) == 0700,
	    "mkdirs: mode 0700");
	is_int(jmx_mkdirs(p, 0700, &err), JMX_OK, "mkdirs existing is fine");
	snprintf(p, sizeof p, "%s/mk/a/x/", tmp);
	is_int(jmx_mkdirs(p, 0755, &err), JMX_OK, "mkdirs trailing slash");
	snprintf(p, sizeof p, "%s/mk/a/x", tmp);
	ok(is_dir(p), "mkdirs: trailing slash made the dir");

	snprintf(p, sizeof p, "%s/mk/file", tmp);
	f = fopen(p, "w");
	fclose(f);
	snprintf(q, sizeof q, "%s/mk/file/sub", tmp);
	is_int(jmx_mkdirs(q, 0755, &err), JMX_ERR_IO,
	    "mkdirs under a regular file fails");
	/* either the path asked for or its component that is a file */
	ok(strncmp(err.msg, "mkdir '", 7) == 0 && strstr(err.msg, p) != NULL,
	    "... naming the directory (%s)", err.msg);
	/* like mkdir -p: an existing non-directory is an error */
	is_int(jmx_mkdirs(p, 0755, &err), JMX_ERR_IO,
	    "mkdirs of an existing regular file fails");

	/* remove_tree: files, nested dirs, a symlink it must not follow */
	snprintf(p, sizeof p, "%s/keep", tmp);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/keep/precious", tmp);
	f = fopen(p, "w");
	fputs("x", f);
	fclose(f);
	snprintf(p, sizeof p, "%s/rm/a/b", tmp);
	jmx_mkdirs(p, 0755, &err);
	snprintf(p, sizeof p, "%s/rm/a/b/file", tmp);
	f = fopen(p, "w");
	fclose(f);
	snprintf(p, sizeof p, "%s/rm/top", tmp);
	f = fopen(p, "w");
	fclose(f);
	snprintf(p, sizeof p, "%s/keep", tmp);
	snprintf(q, sizeof q, "%s/rm/link", tmp);
	ok(symlink(p, q) == 0, "symlink made");
	snprintf(p, sizeof p, "%s/rm", tmp);
	is_int(jmx_remove_tree(p, &err), JMX_OK, "remove_tree");
	ok(!exists(p), "remove_tree: tree gone");
	snprintf(p, sizeof p, "%s/keep/precious", tmp);
	ok(exists(p), "remove_tree: symlink target kept");
	snprintf(p, sizeof p, "%s/rm", tmp);
	is_int(jmx_remove_tree(p, &err), JMX_OK, "remove_tree missing is ok");
	snprintf(p, sizeof p, "%s/mk/file", tmp);
	is_int(jmx_remove_tree(p, &err), JMX_OK, "remove_tree of a file");
	ok(!exists(p), "remove_tree: file gone");
}

static void
test_color(const char *tmp)
{
	char path[512], *slave;
	int fd, pfd[2], m, s = -1;

	snprintf(path, sizeof path, "%s/color.out", tmp);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (pipe(pfd) != 0)
		pfd[0] = pfd[1] = -1;
	setenv("TERM", "xterm", 1);
	unsetenv("NO_COLOR");

	is_int(jmx_want_color(fd, "always"), 1, "color always, file");
	is_int(jmx_want_color(fd, "never"), 0, "color never, file");
	is_int(jmx_want_color(fd, "auto"), 0, "color auto, file: not a tty");
	is_int(jmx_want_color(pfd[1], NULL), 0, "color NULL=auto, pipe");

	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m != -1 && grantpt(m) == 0 && unlockpt(m) == 0 &&
	    (slave = ptsname(m)) != NULL)
		s = open(slave, O_RDWR | O_NOCTTY);
	if (s == -1) {
		ok(1, "# SKIP no pty");
	} else {
		is_int(jmx_want_color(s, "auto"), 1, "color auto, tty");
		is_int(jmx_want_color(s, NULL), 1, "color NULL, tty");
		is_int(jmx_want_color(s, "never"), 0, "color never, tty");
		setenv("NO_COLOR", "1", 1);
		is_int(jmx_want_color(s, "auto"), 0, "color auto, NO_COLOR=1");
		is_int(jmx_want_color(s, "always"), 1,
		    "color always beats NO_COLOR");
		setenv("NO_COLOR", "", 1);
		is_int(jmx_want_color(s, "auto"), 1,
		    "color auto, NO_COLOR empty counts as unset");
		unsetenv("NO_COLOR");
		setenv("TERM", "dumb", 1);
		is_int(jmx_want_color(s, "auto"), 0, "color auto, TERM=dumb");
		is_int(jmx_want_color(s, "always"), 1,
		    "color always, TERM=dumb");
		unsetenv("TERM");
		is_int(jmx_want_color(s, "auto"), 0, "color auto, no TERM");
		close(s);
	}
	if (m != -1)
		close(m);
	setenv("NO_COLOR", "1", 1);
	setenv("TERM", "xterm", 1);
	is_int(jmx_want_color(fd, "auto"), 0, "color auto, NO_COLOR, file");
	unsetenv("NO_COLOR");
	close(fd);
	close(pfd[0]);
	close(pfd[1]);
}

static void
test_err(void)
{
	struct jmx_err e;
	char want[600], longs[700];
	const char *names[JMX_ERR_PARTIAL + 1];
	int i, j, distinct, nonempty;

	memset(&e, 0, sizeof e);
	is_int(jmx_err_set(&e, JMX_ERR_CONFIG, "file '%s': line %d", "a.yml",
	    3), JMX_ERR_CONFIG, "err_set returns the code");
	is_int(e.code, JMX_ERR_CONFIG, "err_set code");
	is_str(e.msg, "file 'a.yml': line 3", "err_set message");
	is_int(e.sys_errno, 0, "err_set sys_errno 0");
	is_int(jmx_err_set(NULL, JMX_ERR_PLAN, "x"), JMX_ERR_PLAN,
	    "err_set NULL err returns the code");

	errno = EACCES;
	is_int(jmx_err_sys(&e, JMX_ERR_IO, "open '%s'", "f.txt"), JMX_ERR_IO,
	    "err_sys returns the code");
	snprintf(want, sizeof want, "open 'f.txt': %s", strerror(EACCES));
	is_str(e.msg, want, "err_sys appends strerror");
	is_int(e.sys_errno, EACCES, "err_sys saves errno");
	errno = ENOENT;
	is_int(jmx_err_sys(NULL, JMX_ERR_SSH, "x"), JMX_ERR_SSH,
	    "err_sys NULL err");
	jmx_err_set(&e, JMX_ERR_STATE, "plain");
	is_int(e.sys_errno, 0, "err_set clears an old errno");

	jmx_err_set(&e, JMX_ERR_PLAN, "num_threads '%s' cannot be resolved",
	    "${x}");
	jmx_err_prefix(&e, "plan '%s': line %d", "checkout.jmx", 12);
	is_str(e.msg, "plan 'checkout.jmx': line 12: num_threads '${x}' "
	    "cannot be resolved", "err_prefix");
	is_int(e.code, JMX_ERR_PLAN, "err_prefix keeps the code");
	jmx_err_prefix(NULL, "x");	/* no crash */

	memset(longs, 'L', 600);
	longs[600] = '\0';
	jmx_err_set(&e, JMX_ERR_DATA, "%s", longs);
	is_int(strlen(e.msg), sizeof e.msg - 1, "err_set truncates");
	jmx_err_prefix(&e, "pre");
	ok(strlen(e.msg) == sizeof e.msg - 1 &&
	    strncmp(e.msg, "pre: LLL", 8) == 0, "err_prefix truncates the tail");
	errno = EPERM;
	jmx_err_sys(&e, JMX_ERR_IO, "%s", longs);
	ok(strlen(e.msg) == sizeof e.msg - 1 && e.sys_errno == EPERM,
	    "err_sys with a full message stays terminated");
	longs[505] = '\0';
	errno = EPERM;
	jmx_err_sys(&e, JMX_ERR_IO, "%s", longs);
	ok(strlen(e.msg) == sizeof e.msg - 1 &&
	    strncmp(e.msg + 505, ": ", 2) == 0,
	    "err_sys cuts strerror to fit");

	jmx_err_clear(&e);
	ok(e.code == JMX_OK && e.sys_errno == 0 && e.msg[0] == '\0',
	    "err_clear");
	jmx_err_clear(NULL);

	nonempty = distinct = 1;
	for (i = JMX_OK; i <= JMX_ERR_PARTIAL; i++) {
		names[i] = jmx_strerror((enum jmx_code)i);
		if (names[i] == NULL || names[i][0] == '\0' ||
		    strcmp(names[i], "unknown error") == 0)
			nonempty = 0;
		for (j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				distinct = 0;
	}
	ok(nonempty, "strerror: every code has its own text");
	ok(distinct, "strerror: texts are distinct");
	is_str(jmx_strerror(JMX_OK), "no error", "strerror OK");
	is_str(jmx_strerror(JMX_ERR_STORE), "database error", "strerror STORE");
	is_str(jmx_strerror((enum jmx_code)99), "unknown error",
	    "strerror out of range");

	is_int(jmx_code_exit(JMX_OK), 0, "exit OK 0");
	is_int(jmx_code_exit(JMX_ERR_USAGE), 2, "exit USAGE 2");
	is_int(jmx_code_exit(JMX_ERR_CONFIG), 2, "exit CONFIG 2");
	is_int(jmx_code_exit(JMX_ERR_PLAN), 2, "exit PLAN 2");
	is_int(jmx_code_exit(JMX_ERR_DATA), 2, "exit DATA 2");
	is_int(jmx_code_exit(JMX_ERR_NOTFOUND), 2, "exit NOTFOUND 2");
	is_int(jmx_code_exit(JMX_ERR_STATE), 2, "exit STATE 2");
	is_int(jmx_code_exit(JMX_ERR_UNSUPPORTED), 2, "exit UNSUPPORTED 2");
	is_int(jmx_code_exit(JMX_ERR_IO), 3, "exit IO 3");
	is_int(jmx_code_exit(JMX_ERR_STORE), 3, "exit STORE 3");
	is_int(jmx_code_exit(JMX_ERR_SSH), 3, "exit SSH 3");
	is_int(jmx_code_exit(JMX_ERR_REMOTE), 3, "exit REMOTE 3");
	is_int(jmx_code_exit(JMX_ERR_AGENT), 3, "exit AGENT 3");
	is_int(jmx_code_exit(JMX_ERR_TIMEOUT), 3, "exit TIMEOUT 3");
	is_int(jmx_code_exit(JMX_ERR_PARTIAL), 4, "exit PARTIAL 4");
	is_int(JMX_EXIT_VERDICT, 1, "verdict exit status is 1");
}

int
main(void)
{
	const char *tmp = tap_tmpdir();

	test_buf();
	test_shquote();
	test_java_property();
	test_text_escape();
	test_duration();
	test_format_duration();
	test_count();
	test_time();
	test_files(tmp);
	test_dirs(tmp);
	test_color(tmp);
	test_err();
	return done_testing();
}

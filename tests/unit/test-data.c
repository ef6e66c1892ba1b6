/*
 * test-data.c: CSV data files cut into slices as JMeter's CSV Data Set
 * reads them: headers, quoting, line ends, too few rows, and every row
 * exactly once.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "data.h"
#include "util.h"

static char *
path_in(const char *name)
{
	char *p = malloc(1024);

	snprintf(p, 1024, "%s/%s", tap_tmpdir(), name);
	return p;
}

static void
put(const char *path, const char *text)
{
	struct jmx_err err;

	if (jmx_write_file(path, text, strlen(text), &err) != JMX_OK) {
		printf("Bail out! %s\n", err.msg);
		exit(1);
	}
}

static char *
get(const char *path)
{
	struct jmx_err err;
	char *data;

	if (jmx_read_file(path, &data, NULL, &err) != JMX_OK)
		return strdup("(unreadable)");
	return data;
}

/* Split text into n parts; outs[] named name.1 .. name.n. */
static enum jmx_code
split_text(const char *name, const char *text, int header, int quoted,
    int n, const double *w, char **outs, int64_t *rows, struct jmx_err *err)
{
	struct jmx_data_csvfmt fmt = { header, quoted, ',' };
	char *in = path_in(name), buf[64];
	enum jmx_code rc;
	int i;

	put(in, text);
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof buf, "%s.%d", name, i + 1);
		outs[i] = path_in(buf);
	}
	rc = jmx_data_csv(in, &fmt, n, w, (const char *const *)outs, rows,
	    err);
	free(in);
	return rc;
}

static void
free_outs(char **outs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(outs[i]);
}

static void
expect_file(const char *path, const char *want, const char *name)
{
	char *got = get(path);

	is_str(got, want, name);
	free(got);
}

static void
test_csv_basic(void)
{
	char *outs[3];
	int64_t rows[3];
	struct jmx_err err;

	ok(split_text("basic.csv", "user,pw\nu1,a\nu2,b\nu3,c\nu4,d\nu5,e\n"
	    "u6,f\nu7,g\n", 1, 0, 3, NULL, outs, rows, &err) == JMX_OK,
	    "7 rows + header over 3");
	ok(rows[0] == 3 && rows[1] == 2 && rows[2] == 2, "rows 3,2,2");
	expect_file(outs[0], "user,pw\nu1,a\nu2,b\nu3,c\n", "slice 1");
	expect_file(outs[1], "user,pw\nu4,d\nu5,e\n", "slice 2");
	expect_file(outs[2], "user,pw\nu6,f\nu7,g\n", "slice 3");
	free_outs(outs, 3);

	ok(split_text("nohdr.csv", "u1\nu2\nu3\nu4\nu5\nu6\nu7", 0, 0, 2,
	    (double[]){ 2, 1 }, outs, rows, &err) == JMX_OK,
	    "no header, weights 2:1, no final newline");
	expect_file(outs[0], "u1\nu2\nu3\nu4\nu5\n", "7 by 2:1: first 5 rows");
	expect_file(outs[1], "u6\nu7", "last 2 rows, still no newline");
	free_outs(outs, 2);

	/* readLine rules: CR alone ends a line, an empty line is a row. */
	ok(split_text("cr.csv", "a\rb\r\rc\r", 0, 0, 2, NULL, outs, rows,
	    &err) == JMX_OK && rows[0] == 2 && rows[1] == 2,
	    "CR line ends; empty line counts as a row (2,2)");
	expect_file(outs[1], "\rc\r", "CR slice kept as bytes");
	free_outs(outs, 2);
}

static void
test_csv_quoted(void)
{
	char *outs[3];
	int64_t rows[3];
	struct jmx_err err;
	/* Header, 5 rows over CRLF; row 2 has a CRLF and a "" inside quotes,
	 * row 4 a comma inside quotes; no newline at the end. */
	const char *text =
	    "id,note\r\n"
	    "1,plain\r\n"
	    "2,\"two\r\nlines \"\"quoted\"\"\"\r\n"
	    "3,\"\"\r\n"
	    "4,\"a,b\"\r\n"
	    "5,last";

	ok(split_text("q.csv", text, 1, 1, 2, NULL, outs, rows, &err) ==
	    JMX_OK, "quoted CRLF file over 2");
	ok(rows[0] == 3 && rows[1] == 2, "5 rows: 3,2 (a field spans lines)");
	expect_file(outs[0], "id,note\r\n1,plain\r\n"
	    "2,\"two\r\nlines \"\"quoted\"\"\"\r\n3,\"\"\r\n",
	    "quoted slice 1 keeps the embedded line end");
	expect_file(outs[1], "id,note\r\n4,\"a,b\"\r\n5,last",
	    "quoted slice 2 ends without newline");
	free_outs(outs, 2);

	/* Without quotedData JMeter reads lines: the same text is 6 rows. */
	ok(split_text("q2.csv", text, 1, 0, 3, NULL, outs, rows, &err) ==
	    JMX_OK && rows[0] == 2 && rows[1] == 2 && rows[2] == 2,
	    "quotedData off: 6 lines, 2,2,2");
	expect_file(outs[1], "id,note\r\nlines \"\"quoted\"\"\"\r\n3,\"\"\r\n",
	    "quotedData off splits inside the quotes, as JMeter would read it");
	free_outs(outs, 3);

	is_int(split_text("open.csv", "a\n\"b\nc\n", 0, 1, 1, NULL, outs,
	    rows, &err), JMX_ERR_DATA, "unterminated quote");
	ok(strstr(err.msg, "open.csv': line 2: quoted field has no closing "
	    "quote") != NULL, "names the line it opened on: %s", err.msg);
	free_outs(outs, 1);
	is_int(split_text("mid.csv", "a\nb\"c\n", 0, 1, 1, NULL, outs, rows,
	    &err), JMX_ERR_DATA, "quote inside an unquoted field");
	ok(strstr(err.msg, "mid.csv': line 2: quote inside an unquoted field")
	    != NULL, "stray quote message: %s", err.msg);
	free_outs(outs, 1);
}

static void
test_csv_too_few(void)
{
	char *outs[3], want[1200];
	int64_t rows[3];
	struct jmx_err err;
	int i;

	is_int(split_text("few.csv", "h\nr1\nr2\n", 1, 0, 3, NULL, outs, rows,
	    &err), JMX_ERR_DATA, "2 rows over 3 agents refused");
	snprintf(want, sizeof want, "data file '%s/few.csv': 2 data rows "
	    "cannot be split 3 ways: part 3 would get none and hit end of "
	    "file at once (copy the file instead of splitting it, or add "
	    "rows)", tap_tmpdir());
	is_str(err.msg, want, "message names the file and the part");
	for (i = 0; i < 3; i++)
		ok(access(outs[i], F_OK) == -1, "slice %d not written", i + 1);
	free_outs(outs, 3);

	/* Weights can starve a part even with enough rows: 3 over 10:1:1. */
	is_int(split_text("few2.csv", "a\nb\nc\n", 0, 0, 3,
	    (double[]){ 10, 1, 1 }, outs, rows, &err), JMX_ERR_DATA,
	    "3 rows by 10:1:1 leaves part 2 empty");
	ok(strstr(err.msg, "part 2 would get none") != NULL, "part 2 named");
	free_outs(outs, 3);

	is_int(split_text("hdr.csv", "just,a,header\n", 1, 0, 1, NULL, outs,
	    rows, &err), JMX_ERR_DATA, "header only: no rows");
	ok(strstr(err.msg, "0 data rows") != NULL, "0 rows said");
	free_outs(outs, 1);

	is_int(jmx_data_csv("/nonexistent/x.csv", NULL, 1, NULL,
	    (const char *const[]){ "/tmp/never" }, NULL, &err), JMX_ERR_IO,
	    "missing input is an I/O error");
}

/* Many rows, odd weights: slices are disjoint and complete, in order. */
static void
test_csv_complete(void)
{
	double w[7] = { 1, 2, 3, 0.5, 1, 1, 4 };
	struct jmx_buf in = { 0 }, cat = { 0 };
	/* 100 x w / 12.5: exact, no remainder to place. */
	const int64_t want[7] = { 8, 16, 24, 4, 8, 8, 32 };
	int64_t rows[7], sum = 0;
	char *outs[7], *data;
	struct jmx_err err;
	int i, same = 1;

	jmx_buf_adds(&in, "id;text\n");
	for (i = 1; i <= 100; i++) {
		if (i % 7 == 0)
			jmx_buf_addf(&in, "%d;\"multi\nline %d\"\r\n", i, i);
		else
			jmx_buf_addf(&in, "%d;row %d\n", i, i);
	}
	{
		struct jmx_data_csvfmt fmt = { 1, 1, ';' };
		char *inp = path_in("big.csv"), buf[32];

		put(inp, in.data);
		for (i = 0; i < 7; i++) {
			snprintf(buf, sizeof buf, "big.%d", i);
			outs[i] = path_in(buf);
		}
		ok(jmx_data_csv(inp, &fmt, 7, w, (const char *const *)outs,
		    rows, &err) == JMX_OK, "100 rows over 7 weighted parts");
		free(inp);
	}
	for (i = 0; i < 7; i++) {
		sum += rows[i];
		if (rows[i] != want[i])
			same = 0;
		data = get(outs[i]);
		if (strncmp(data, "id;text\n", 8) != 0)
			same = 0;
		jmx_buf_adds(&cat, data + 8);
		free(data);
	}
	is_int(sum, 100, "every row counted once");
	ok(same, "row counts are the largest-remainder split, header on each");
	is_str(cat.data, in.data + 8,
	    "slices concatenated give the data rows, each once, in order");
	free_outs(outs, 7);
	jmx_buf_free(&in);
	jmx_buf_free(&cat);
}

static void
test_csvfmt(void)
{
	struct jmx_plan_csv c;
	struct jmx_data_csvfmt f;

	memset(&c, 0, sizeof c);
	c.delimiter = (char *)"\\t";
	c.has_header = 1;
	c.quoted = 1;
	jmx_data_csvfmt(&f, &c);
	ok(f.delim == '\t' && f.header == 1 && f.quoted == 1,
	    "csvfmt: \\t is a tab, header and quoting carried");
	c.delimiter = (char *)";";
	c.has_header = 0;
	jmx_data_csvfmt(&f, &c);
	ok(f.delim == ';' && f.header == 0, "csvfmt: ';'");
}

/* A split file read by a CSV Data Set (header "user"), 6 rows. */
static void
tracked_file(struct jmx_data_file *d, struct jmx_plan_csv *c, int recycle)
{
	memset(c, 0, sizeof *c);
	c->delimiter = (char *)",";
	c->has_header = 1;
	c->recycle = recycle;
	memset(d, 0, sizeof *d);
	d->local = path_in("users.csv");
	d->name = (char *)"data/users.csv";
	d->split = 1;
	d->csv = c;
	d->row_var = (char *)"jmx_row_1";
	put(d->local, "user\nu1\nu2\nu3\nu4\nu5\nu6\n");
}

static void
expect_slice(const struct jmx_data_file *d, const char *tag,
    const char *want, const char *name)
{
	char *p = jmx_data_slice_path(tap_tmpdir(), d, tag);

	expect_file(p, want, name);
	free(p);
}

static void
pos_at(struct jmx_data_pos *pos, int64_t max, int64_t last)
{
	jmx_data_pos_free(pos);		/* the one before; a zeroed one too */
	jmx_data_pos_parse("1:1:1", pos, NULL);
	pos->max[0] = max;
	pos->last[0] = last;
}

static void
test_continue(void)
{
	const char *dir = tap_tmpdir();
	struct jmx_data_file d;
	struct jmx_plan_csv c;
	struct jmx_data_pos pos = { 0 };
	struct jmx_err err;
	const char *tags[] = { "a1", "a2" };
	const char *one[] = { "r1" }, *two[] = { "t1", "t2" };

	tracked_file(&d, &c, 0);
	ok(jmx_data_split(&d, 1, dir, NULL, 2, NULL, tags, &err) == JMX_OK,
	    "tracked file split in two");
	expect_slice(&d, "a1", "jmx_row_1,user\n1,u1\n2,u2\n3,u3\n",
	    "first cut numbers the rows, header names the variable");
	expect_slice(&d, "a2", "jmx_row_1,user\n4,u4\n5,u5\n6,u6\n",
	    "numbers are the rows of the whole file");

	pos_at(&pos, 2, 1);
	is_int(jmx_data_continue(&d, 1, dir, "a1", &pos, 0, 1, NULL, one), 0,
	    "resume: nothing used twice");
	expect_slice(&d, "r1", "jmx_row_1,user\n3,u3\n",
	    "goes on after the highest row seen, not the latest");
	jmx_data_continue(&d, 1, dir, "a1", &pos, 1, 1, NULL, one);
	expect_slice(&d, "r1", "jmx_row_1,user\n", "skip 1: none left");
	jmx_data_continue(&d, 1, dir, "a1", NULL, 0, 1, NULL, one);
	expect_slice(&d, "r1", "jmx_row_1,user\n1,u1\n2,u2\n3,u3\n",
	    "no position: the whole slice");
	pos_at(&pos, 3, 3);
	is_int(jmx_data_continue(&d, 1, dir, "a1", &pos, 0, 1, NULL, one), 0,
	    "used up: nothing reused");
	expect_slice(&d, "r1", "jmx_row_1,user\n", "used up: header only");

	/* Takers: the rest cut between them, numbers kept. */
	pos_at(&pos, 4, 4);
	is_int(jmx_data_continue(&d, 1, dir, "a2", &pos, 0, 2, NULL, two), 0,
	    "takers: 2 rows for 2");
	expect_slice(&d, "t1", "jmx_row_1,user\n5,u5\n", "taker 1: row 5");
	expect_slice(&d, "t2", "jmx_row_1,user\n6,u6\n", "taker 2: row 6");
	pos_at(&pos, 5, 5);
	is_int(jmx_data_continue(&d, 1, dir, "a2", &pos, 0, 2, NULL, two), 1,
	    "takers: 1 row for 2 is copied to both (reused)");
	expect_slice(&d, "t2", "jmx_row_1,user\n6,u6\n", "taker 2: row 6");
	is_int(jmx_data_continue(&d, 1, dir, "a2", &pos, 1, 2, NULL, two), 0,
	    "takers: none left is no reuse");
	expect_slice(&d, "t1", "jmx_row_1,user\n", "taker 1: header only");
	/* A slice of a slice: "t1" was cut from "a2". */
	jmx_data_continue(&d, 1, dir, "a2", NULL, 0, 2, NULL, two);
	pos_at(&pos, 4, 4);
	jmx_data_continue(&d, 1, dir, "t1", &pos, 0, 1, NULL, one);
	expect_slice(&d, "r1", "jmx_row_1,user\n5,u5\n",
	    "a taker's slice goes on by the file's numbers");

	/* Recycle: every row, from after the latest seen, round. */
	c.recycle = 1;
	pos_at(&pos, 3, 1);
	jmx_data_continue(&d, 1, dir, "a1", &pos, 0, 1, NULL, one);
	expect_slice(&d, "r1", "jmx_row_1,user\n2,u2\n3,u3\n1,u1\n",
	    "recycle: from after the latest row, round to it");
	jmx_data_continue(&d, 1, dir, "a1", &pos, 1, 1, NULL, one);
	expect_slice(&d, "r1", "jmx_row_1,user\n3,u3\n1,u1\n2,u2\n",
	    "recycle: skip moves the start on");
	pos_at(&pos, 3, 3);
	jmx_data_continue(&d, 1, dir, "a1", &pos, 0, 1, NULL, one);
	expect_slice(&d, "r1", "jmx_row_1,user\n1,u1\n2,u2\n3,u3\n",
	    "recycle: after the last row, the first");

	/* Untracked split file: the whole slice, as before. */
	d.row_var = NULL;
	c.recycle = 0;
	put(d.local, "user\nu1\nu2\nu3\nu4\n");
	jmx_data_split(&d, 1, dir, NULL, 2, NULL, tags, &err);
	expect_slice(&d, "a1", "user\nu1\nu2\n", "untracked: not numbered");
	pos_at(&pos, 1, 1);
	jmx_data_continue(&d, 1, dir, "a1", &pos, 0, 2, NULL, two);
	expect_slice(&d, "t2", "user\nu2\n", "untracked: the slice cut");
	jmx_data_pos_free(&pos);
	free(d.local);
}

static void
test_numbered_quoted(void)
{
	struct jmx_data_csvfmt fmt = { 0, 1, ';', "jmx_row_2" };
	char *in = path_in("q.csv"), *out = path_in("q.csv.1");
	struct jmx_err err;

	put(in, "\"a;\nb\";x\r\nc;y");
	ok(jmx_data_csv(in, &fmt, 1, NULL, (const char *const *)&out, NULL,
	    &err) == JMX_OK, "quoted, no header, numbered");
	expect_file(out, "1;\"a;\nb\";x\r\n2;c;y",
	    "numbers before quoted fields, line ends kept");
	free(in);
	free(out);
}

/* One JTL record's sample variables. */
static void
seen(struct jmx_data_pos *pos, const char *const *names,
    const char *const *values, int n)
{
	struct jmx_span nm[4], va[4];
	struct jmx_sample sm;
	int i;

	memset(&sm, 0, sizeof sm);
	for (i = 0; i < n; i++) {
		nm[i].p = names[i];
		nm[i].len = strlen(names[i]);
		va[i].p = values[i];
		va[i].len = strlen(values[i]);
	}
	sm.nvars = n;
	sm.var_names = nm;
	sm.var_values = va;
	jmx_data_pos_seen(pos, &sm);
}

static void
test_pos(void)
{
	const char *names[] = { "user", "jmx_row_2", "jmx_row_1" };
	struct jmx_data_pos pos, back;
	struct jmx_err err;
	char *text;

	memset(&pos, 0, sizeof pos);
	seen(&pos, names, (const char *[]){ "u7", "7", "null" }, 3);
	ok(pos.n == 2 && pos.max[1] == 7 && pos.max[0] == 0 && pos.changed,
	    "a row variable seen; null and others ignored");
	seen(&pos, names, (const char *[]){ "u9", "9", "3" }, 3);
	seen(&pos, names, (const char *[]){ "u8", "8", "<EOF>" }, 3);
	ok(pos.max[1] == 9 && pos.last[1] == 8 && pos.max[0] == 3,
	    "highest and latest kept apart; <EOF> ignored");
	pos.changed = 0;
	seen(&pos, names, (const char *[]){ "u8", "8", "3" }, 3);
	ok(!pos.changed, "same rows: no change");
	seen(&pos, (const char *[]){ "jmx_row_x", "jmx_row_0",
	    "jmx_row_1001" }, (const char *[]){ "4", "4", "4" }, 3);
	ok(pos.n == 2 && !pos.changed, "not our variables: ignored");
	text = jmx_data_pos_format(&pos);
	is_str(text, "1:3:3 2:9:8", "text form");
	ok(jmx_data_pos_parse(text, &back, &err) == JMX_OK &&
	    back.n == 2 && back.max[1] == 9 && back.last[1] == 8 &&
	    back.max[0] == 3, "parsed back");
	free(text);
	jmx_data_pos_free(&back);
	jmx_data_pos_copy(&back, &pos);
	text = jmx_data_pos_format(&back);
	is_str(text, "1:3:3 2:9:8", "a copy holds the same rows");
	free(text);
	pos.max[1] = 10;
	ok(back.max[1] == 9, "... in storage of its own");
	pos.max[1] = 9;
	jmx_data_pos_free(&back);
	ok(jmx_data_pos_parse(NULL, &back, &err) == JMX_OK && back.n == 0 &&
	    jmx_data_pos_parse("", &back, &err) == JMX_OK && back.n == 0,
	    "NULL and \"\": none");
	ok(jmx_data_pos_parse("1:3", &back, &err) == JMX_ERR_STATE &&
	    jmx_data_pos_parse("1:3:3x", &back, &err) == JMX_ERR_STATE &&
	    jmx_data_pos_parse("0:3:3", &back, &err) == JMX_ERR_STATE,
	    "bad text refused");
	jmx_data_pos_free(&pos);
	text = jmx_data_pos_format(&pos);
	is_str(text, "", "none: \"\"");
	free(text);
}

static void
test_sample_vars(void)
{
	struct jmx_data_file v[3];
	char *s;

	memset(v, 0, sizeof v);
	ok(jmx_data_sample_vars(v, 3, "a") == NULL, "nothing tracked: NULL");
	v[0].row_var = (char *)"jmx_row_1";
	v[2].row_var = (char *)"jmx_row_3";
	s = jmx_data_sample_vars(v, 3, NULL);
	is_str(s, "jmx_row_1,jmx_row_3", "ours");
	free(s);
	s = jmx_data_sample_vars(v, 3, "user,order");
	is_str(s, "user,order,jmx_row_1,jmx_row_3", "theirs first");
	free(s);
}

int
main(void)
{
	test_csv_basic();
	test_csv_quoted();
	test_csv_too_few();
	test_csv_complete();
	test_csvfmt();
	test_continue();
	test_numbered_quoted();
	test_pos();
	test_sample_vars();
	return done_testing();
}

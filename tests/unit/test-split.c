/*
 * test-split.c: largest-remainder counts, per-agent shares of a plan,
 * the dry-run JSON and CSV data slices, all against hand-computed values.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "split.h"
#include "util.h"

static void
check_lr(const double *w, int n, int64_t total, const int64_t *want,
    const char *name)
{
	int64_t out[16];
	struct jmx_err err;
	char got[200] = "", exp[200] = "";
	size_t gl = 0, el = 0;
	int i;

	if (jmx_split_weights(w, n, total, out, &err) != JMX_OK) {
		ok(0, "%s: %s", name, err.msg);
		return;
	}
	for (i = 0; i < n; i++) {
		gl += (size_t)snprintf(got + gl, sizeof got - gl, "%s%lld",
		    i ? "," : "", (long long)out[i]);
		el += (size_t)snprintf(exp + el, sizeof exp - el, "%s%lld",
		    i ? "," : "", (long long)want[i]);
	}
	is_str(got, exp, name);
}

static void
test_weights(void)
{
	double w111[] = { 1, 1, 1 }, w21[] = { 2, 1 }, w11[] = { 1, 1 };
	double wdec[] = { 0.1, 0.2, 0.7 }, w3331[] = { 3, 3, 3, 1 };
	double w1234[] = { 1, 2, 3, 4 }, w1[] = { 5 };
	double bad0[] = { 1, 0 }, badneg[] = { 1, -2 }, badnan[] = { NAN };
	int64_t out[4];
	struct jmx_err err;

	check_lr(w111, 3, 10, (int64_t[]){ 4, 3, 3 }, "10 over 1,1,1");
	check_lr(w21, 2, 7, (int64_t[]){ 5, 2 }, "7 over 2,1");
	check_lr(w11, 2, 0, (int64_t[]){ 0, 0 }, "0 over 1,1");
	check_lr(w111, 3, 1, (int64_t[]){ 1, 0, 0 }, "1 over 1,1,1: first");
	check_lr(w111, 3, 2, (int64_t[]){ 1, 1, 0 }, "2 over 1,1,1");
	/* 0.5, 1.0, 3.5: floors 0,1,3; the tie of .5s goes to agent 1. */
	check_lr(wdec, 3, 5, (int64_t[]){ 1, 1, 3 },
	    "5 over .1,.2,.7: float noise does not break the tie");
	check_lr(wdec, 3, 10, (int64_t[]){ 1, 2, 7 }, "10 over .1,.2,.7");
	check_lr(w3331, 4, 100, (int64_t[]){ 30, 30, 30, 10 },
	    "100 over 3,3,3,1 exact");
	/* 1.1, 2.2, 3.3, 4.4: the one left goes to the .4. */
	check_lr(w1234, 4, 11, (int64_t[]){ 1, 2, 3, 5 }, "11 over 1,2,3,4");
	check_lr(w1, 1, 9, (int64_t[]){ 9 }, "one agent takes all");

	is_int(jmx_split_weights(bad0, 2, 5, out, &err), JMX_ERR_USAGE,
	    "weight 0 refused");
	is_str(err.msg, "weight 0 of agent 2 is not a number > 0",
	    "weight error names the agent");
	is_int(jmx_split_weights(badneg, 2, 5, out, &err), JMX_ERR_USAGE,
	    "negative weight refused");
	is_int(jmx_split_weights(badnan, 1, 5, out, &err), JMX_ERR_USAGE,
	    "NaN weight refused");
	is_int(jmx_split_weights(w11, 0, 5, out, &err), JMX_ERR_USAGE,
	    "no agents refused");
	is_int(jmx_split_weights(w11, 2, -1, out, &err), JMX_ERR_USAGE,
	    "negative total refused");
}

/* Every n, total and weight mix: exact sums, each within one of its quota. */
static void
test_weights_grid(void)
{
	static const double pool[] = { 1, 0.5, 2, 3, 0.1, 7, 1.5, 0.3, 1 };
	double w[8], sum;
	int64_t out[8], s, total;
	int n, k, i, cases = 0, bad_sum = 0, bad_quota = 0, bad_mono = 0;

	for (n = 1; n <= 8; n++)
		for (k = 0; k < 9; k++)
			for (total = 0; total <= 200; total += 1) {
				sum = 0;
				for (i = 0; i < n; i++) {
					w[i] = pool[(i + k) % 9];
					sum += w[i];
				}
				jmx_split_weights(w, n, total, out, NULL);
				s = 0;
				for (i = 0; i < n; i++) {
					double q = (double)total * w[i] / sum;

					s += out[i];
					if (fabs((double)out[i] - q) >= 1)
						bad_quota++;
					/* equal weights: 1 apart at most */
					if (i > 0 && w[i] == w[i - 1] &&
					    llabs(out[i] - out[i - 1]) > 1)
						bad_mono++;
				}
				if (s != total)
					bad_sum++;
				cases++;
			}
	is_int(bad_sum, 0, "grid: every split adds up exactly");
	is_int(bad_quota, 0, "grid: every count within 1 of its quota");
	is_int(bad_mono, 0, "grid: equal weights differ by at most 1");
	is_int(cases, 8 * 9 * 201, "grid: 14472 cases");
}

static void
test_parse_threads(void)
{
	struct jmx_split_opts o;
	struct jmx_err err;
	static const char *bad[] = { "0", "x0", "abc", "x", "10x", "-5", "",
	    "x-1", "1.5", NULL };
	int i;

	memset(&o, 0, sizeof o);
	ok(jmx_split_parse_threads("100", &o, &err) == JMX_OK &&
	    o.mode == JMX_SPLIT_EACH && o.threads == 100, "'100': each 100");
	ok(jmx_split_parse_threads("x1.5", &o, &err) == JMX_OK &&
	    o.mode == JMX_SPLIT_FACTOR && o.factor == 1.5, "'x1.5': factor");
	ok(jmx_split_parse_threads("X2", &o, &err) == JMX_OK &&
	    o.mode == JMX_SPLIT_FACTOR && o.factor == 2, "'X2': factor 2");
	for (i = 0; bad[i] != NULL; i++)
		ok(jmx_split_parse_threads(bad[i], &o, &err) == JMX_ERR_USAGE,
		    "'%s' refused", bad[i]);
	jmx_split_parse_threads("abc", &o, &err);
	is_str(err.msg, "threads 'abc': expected a count such as 100 or a "
	    "factor such as x1.5", "threads error message");
}

/* A plan as jmx_plan_load would give it, without XML. */
static struct jmx_plan_group groups[] = {
	{ JMX_PLAN_SETUP, "Prepare", 1, 3, 1, 0, 0, 0, 0, 1, NULL },
	{ JMX_PLAN_THREADS, "Browse", 1, 10, 10, 20, 1, 300, 0, -1, NULL },
	{ JMX_PLAN_THREADS, "Checkout", 1, 20, 7, 14, 0, 0, 0, 5, NULL },
	{ JMX_PLAN_TEARDOWN, "Cleanup", 1, 30, 2, 0, 0, 0, 0, 1, NULL },
	{ JMX_PLAN_THREADS, "Old", 0, 40, 0, 0, 0, 0, 0, 1, NULL },
	{ JMX_PLAN_OPEN_MODEL, "Arrivals", 1, 50, 0, 0, 0, 0, 0, 1,
	    (char *)"rate(1/s)" }
};

static void
fake_plan(struct jmx_plan *p)
{
	memset(p, 0, sizeof *p);
	p->path = (char *)"fake.jmx";
	p->groups = groups;
	p->ngroups = 6;
}

static void
test_plan_split(void)
{
	struct jmx_split_agent ag[3] = {
		{ "eu1", 1, 0 }, { "eu2", 1, 0 }, { "eu3", 1, 0 }
	};
	struct jmx_split_opts o;
	struct jmx_split *s = NULL;
	struct jmx_plan p;
	struct jmx_err err;
	const struct jmx_split_share *a;
	int i;

	fake_plan(&p);
	memset(&o, 0, sizeof o);
	o.duration_s = 600;
	o.ramp_set = 1;
	o.ramp_s = 30;
	if (!ok(jmx_split_plan(&p, ag, 3, &o, &s, &err) == JMX_OK,
	    "3 equal agents")) {
		printf("# %s\n", err.msg);
		return;
	}
	a = s->agents;
	/* Browse 10: 4,3,3.  Checkout 7: 2,2,2 + 1 to the agent least served
	 * so far (eu2 and eu3 got 3 of 3.33; eu2 comes first). */
	ok(a[0].groups[1].threads == 4 && a[1].groups[1].threads == 3 &&
	    a[2].groups[1].threads == 3, "Browse 4,3,3");
	ok(a[0].groups[2].threads == 2 && a[1].groups[2].threads == 3 &&
	    a[2].groups[2].threads == 2, "Checkout 2,3,2 (tie to eu2)");
	ok(a[0].groups[0].threads == 1 && a[1].groups[0].threads == 0 &&
	    a[2].groups[0].threads == 0, "setUp whole on the first agent");
	ok(a[0].groups[3].threads == 2 && a[1].groups[3].threads == 0 &&
	    a[2].groups[3].threads == 0, "tearDown whole on the first agent");
	is_num(a[0].groups[0].scale, 1, 0, "setUp scale 1 where it runs");
	is_num(a[1].groups[0].scale, 0, 0, "setUp scale 0 elsewhere");
	for (i = 0; i < 3; i++) {
		is_num(a[i].groups[1].scale, 1.0 / 3, 1e-12,
		    "Browse scale 1/3");
		is_num(a[i].groups[5].scale, 1.0 / 3, 1e-12,
		    "open model rate scale 1/3");
		ok(a[i].groups[4].threads == 0 && a[i].groups[4].scale == 0,
		    "disabled group: nothing");
		is_num(a[i].share.scale, 1.0 / 3, 1e-12, "plan-level scale");
		ok(a[i].share.groups == a[i].groups && a[i].share.ngroups == 6,
		    "share points at the groups");
		ok(a[i].share.duration_s == 600 && a[i].share.ramp_set &&
		    a[i].share.ramp_s == 30, "overrides copied to the share");
		is_int(a[i].idle, 0, "nobody idle");
	}
	is_int(a[0].peak_threads, 6,
	    "eu1 peak: main 4+2 (setUp 1, tearDown 2)");
	is_int(a[1].peak_threads, 6, "eu2 peak 3+3");
	is_int(a[2].peak_threads, 5, "eu3 peak 3+2");
	is_int(s->totals[1], 10, "Browse total 10");
	is_int(s->totals[2], 7, "Checkout total 7");
	is_str(a[2].name, "eu3", "names copied");
	jmx_split_free(s);

	/* setUp everywhere, serialized groups, capacity. */
	o.setup_on_all = 1;
	p.serialize = 1;
	ok(jmx_split_plan(&p, ag, 3, &o, &s, &err) == JMX_OK, "setup_on_all");
	for (i = 0; i < 3; i++)
		ok(s->agents[i].groups[0].threads == 1 &&
		    s->agents[i].groups[0].scale == 1 &&
		    s->agents[i].groups[3].threads == 2,
		    "agent %d runs setUp and tearDown whole", i + 1);
	is_int(s->agents[0].peak_threads, 4,
	    "serialized: peak is the largest group (4), not the sum");
	jmx_split_free(s);
	p.serialize = 0;
	o.setup_on_all = 0;

	ag[0].max_threads = 5;
	s = (struct jmx_split *)&err;	/* must be reset to NULL */
	is_int(jmx_split_plan(&p, ag, 3, &o, &s, &err), JMX_ERR_PLAN,
	    "over max_threads");
	ok(s == NULL, "no split on failure");
	is_str(err.msg, "agent 'eu1' would run 6 threads, more than its "
	    "max_threads 5 (17 threads over 3 agents)", "capacity message");
	ag[0].max_threads = 6;
	ok(jmx_split_plan(&p, ag, 3, &o, &s, &err) == JMX_OK,
	    "exactly at max_threads is fine");
	jmx_split_free(s);
	ag[0].max_threads = 0;

	ag[1].weight = 0;
	is_int(jmx_split_plan(&p, ag, 3, &o, &s, &err), JMX_ERR_USAGE,
	    "zero weight refused");
	is_str(err.msg, "agent 'eu2': weight 0 is not a number > 0",
	    "weight message names the agent");
	ag[1].weight = 1;
}

static void
test_overrides(void)
{
	struct jmx_split_agent ag[2] = { { "big", 2, 0 }, { "small", 1, 0 } };
	struct jmx_split_opts o;
	struct jmx_split *s;
	struct jmx_plan p;
	struct jmx_err err;

	fake_plan(&p);
	memset(&o, 0, sizeof o);
	ok(jmx_split_parse_threads("x1.5", &o, &err) == JMX_OK, "x1.5");
	ok(jmx_split_plan(&p, ag, 2, &o, &s, &err) == JMX_OK, "split x1.5");
	/* Browse 10 x 1.5 = 15 -> 10,5.  Checkout 7 x 1.5 = 10.5 -> 11:
	 * 7.33, 3.67 -> 7,3 and the one left to the .67: 7,4. */
	is_int(s->totals[1], 15, "x1.5: Browse 15");
	is_int(s->totals[2], 11, "x1.5: Checkout 10.5 rounds up to 11");
	ok(s->agents[0].groups[1].threads == 10 &&
	    s->agents[1].groups[1].threads == 5, "Browse 10,5");
	ok(s->agents[0].groups[2].threads == 7 &&
	    s->agents[1].groups[2].threads == 4, "Checkout 7,4");
	is_int(s->totals[0], 1, "setUp not multiplied");
	is_num(s->agents[0].groups[1].scale, 2.0 / 3, 1e-12, "scale 2/3");
	is_num(s->agents[1].groups[1].scale, 1.0 / 3, 1e-12, "scale 1/3");
	ok(s->agents[0].share.duration_s == 0 && !s->agents[0].share.ramp_set,
	    "no overrides: plan's timing");
	jmx_split_free(s);

	ok(jmx_split_parse_threads("5", &o, &err) == JMX_OK, "'5'");
	ok(jmx_split_plan(&p, ag, 2, &o, &s, &err) == JMX_OK, "split 5 each");
	/* 5 over 2:1 = 3.33, 1.67 -> 3,2 for both groups. */
	ok(s->totals[1] == 5 && s->totals[2] == 5, "every main group 5");
	ok(s->agents[0].groups[1].threads == 3 &&
	    s->agents[1].groups[1].threads == 2 &&
	    s->agents[0].groups[2].threads == 3 &&
	    s->agents[1].groups[2].threads == 2, "5 each: 3,2 and 3,2");
	jmx_split_free(s);
}

static void
test_small_groups(void)
{
	struct jmx_plan_group g[3] = {
		{ JMX_PLAN_THREADS, "A", 1, 1, 1, 0, 0, 0, 0, 1, NULL },
		{ JMX_PLAN_THREADS, "B", 1, 2, 1, 0, 0, 0, 0, 1, NULL },
		{ JMX_PLAN_THREADS, "C", 1, 3, 1, 0, 0, 0, 0, 1, NULL }
	};
	struct jmx_split_agent ag[3] = {
		{ "a1", 1, 0 }, { "a2", 1, 0 }, { "a3", 1, 0 }
	};
	struct jmx_split *s;
	struct jmx_plan p;
	struct jmx_err err;

	memset(&p, 0, sizeof p);
	p.groups = g;
	p.ngroups = 3;
	ok(jmx_split_plan(&p, ag, 3, NULL, &s, &err) == JMX_OK,
	    "three one-thread groups");
	ok(s->agents[0].groups[0].threads == 1 &&
	    s->agents[1].groups[1].threads == 1 &&
	    s->agents[2].groups[2].threads == 1 &&
	    s->agents[0].peak_threads == 1 && s->agents[1].peak_threads == 1 &&
	    s->agents[2].peak_threads == 1,
	    "one-thread groups spread over the agents, not all on the first");
	is_num(s->agents[0].groups[0].scale, 1, 0,
	    "the only agent running A takes all of A's throughput");
	is_num(s->agents[1].groups[0].scale, 0, 0,
	    "no threads of A on a2: A's scale 0 there");
	jmx_split_free(s);

	p.ngroups = 1;
	ok(jmx_split_plan(&p, ag, 3, NULL, &s, &err) == JMX_OK,
	    "one thread, three agents");
	ok(!s->agents[0].idle && s->agents[1].idle && s->agents[2].idle,
	    "agents without a main group are idle");
	jmx_split_free(s);
}

static void
test_json(void)
{
	struct jmx_split_agent ag[2] = { { "eu\"1", 2, 0 }, { "eu2", 0.5, 0 } };
	struct jmx_split *s;
	struct jmx_plan p;
	struct jmx_err err;
	struct jmx_buf b = { 0 };

	fake_plan(&p);
	ok(jmx_split_plan(&p, ag, 2, NULL, &s, &err) == JMX_OK, "json split");
	jmx_split_json(&b, s, &p);
	/* Browse 10 over 2:.5 = 8,2.  Checkout 7 = 5.6,1.4 -> 6,1. */
	is_str(b.data, "{\"agents\":["
	    "{\"name\":\"eu\\\"1\",\"weight\":2,\"thread_groups\":["
	    "{\"name\":\"Prepare\",\"threads\":1},"
	    "{\"name\":\"Browse\",\"threads\":8},"
	    "{\"name\":\"Checkout\",\"threads\":6},"
	    "{\"name\":\"Cleanup\",\"threads\":2},"
	    "{\"name\":\"Arrivals\",\"threads\":null}]},"
	    "{\"name\":\"eu2\",\"weight\":0.5,\"thread_groups\":["
	    "{\"name\":\"Prepare\",\"threads\":0},"
	    "{\"name\":\"Browse\",\"threads\":2},"
	    "{\"name\":\"Checkout\",\"threads\":1},"
	    "{\"name\":\"Cleanup\",\"threads\":0},"
	    "{\"name\":\"Arrivals\",\"threads\":null}]}]}",
	    "dry-run JSON (disabled group left out)");
	jmx_buf_free(&b);
	jmx_split_free(s);
}

/* ---- CSV ---- */

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
	struct jmx_split_csvfmt fmt = { header, quoted, ',' };
	char *in = path_in(name), buf[64];
	enum jmx_code rc;
	int i;

	put(in, text);
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof buf, "%s.%d", name, i + 1);
		outs[i] = path_in(buf);
	}
	rc = jmx_split_csv(in, &fmt, n, w, (const char *const *)outs, rows,
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

	is_int(jmx_split_csv("/nonexistent/x.csv", NULL, 1, NULL,
	    (const char *const[]){ "/tmp/never" }, NULL, &err), JMX_ERR_IO,
	    "missing input is an I/O error");
}

/* Many rows, odd weights: slices are disjoint and complete, in order. */
static void
test_csv_complete(void)
{
	double w[7] = { 1, 2, 3, 0.5, 1, 1, 4 };
	struct jmx_buf in = { 0 }, cat = { 0 };
	int64_t rows[7], want[7], sum = 0;
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
		struct jmx_split_csvfmt fmt = { 1, 1, ';' };
		char *inp = path_in("big.csv"), buf[32];

		put(inp, in.data);
		for (i = 0; i < 7; i++) {
			snprintf(buf, sizeof buf, "big.%d", i);
			outs[i] = path_in(buf);
		}
		ok(jmx_split_csv(inp, &fmt, 7, w, (const char *const *)outs,
		    rows, &err) == JMX_OK, "100 rows over 7 weighted parts");
		free(inp);
	}
	jmx_split_weights(w, 7, 100, want, NULL);
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
	struct jmx_split_csvfmt f;

	memset(&c, 0, sizeof c);
	c.delimiter = (char *)"\\t";
	c.has_header = 1;
	c.quoted = 1;
	jmx_split_csvfmt(&f, &c);
	ok(f.delim == '\t' && f.header == 1 && f.quoted == 1,
	    "csvfmt: \\t is a tab, header and quoting carried");
	c.delimiter = (char *)";";
	c.has_header = 0;
	jmx_split_csvfmt(&f, &c);
	ok(f.delim == ';' && f.header == 0, "csvfmt: ';'");
}

int
main(void)
{
	test_weights();
	test_weights_grid();
	test_parse_threads();
	test_plan_split();
	test_overrides();
	test_small_groups();
	test_json();
	test_csv_basic();
	test_csv_quoted();
	test_csv_too_few();
	test_csv_complete();
	test_csvfmt();
	return done_testing();
}

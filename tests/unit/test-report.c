/*
 * test-report.c: the report model from a hand-computed JTL fixture
 * (labels with commas, quotes and line breaks), its series and errors,
 * and the renderers' escaping; a long series stays exact through its
 * seconds' encoded buckets.
 */
#include <stdint.h>
#include <string.h>

#include "hist.h"
#include "recommend.h"
#include "render.h"
#include "report.h"
#include "store.h"
#include "stats.h"
#include "tap.h"
#include "util.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif

/* One sample of 5 ms of label from agent. */
static void
one_sample(struct jmx_report *r, const char *label, const char *agent)
{
	struct jmx_bucket bk;

	memset(&bk, 0, sizeof bk);
	bk.second = 1700000000;
	bk.count = 1;
	bk.elapsed_sum = bk.elapsed_min = bk.elapsed_max = 5;
	bk.first_start = 1700000000000LL;
	bk.last_end = 1700000000005LL;
	bk.hist = jmx_hist_new();
	jmx_hist_add(bk.hist, 5, 1);
	jmx_report_add_bucket(r, label, jmx_report_agent(r, agent), &bk);
	jmx_hist_free(bk.hist);
}

/* The value of sample j of second s in series_from_encoded_buckets(). */
static int64_t
series_value(int64_t s, int j)
{
	return (s * 37 + j * 211) % 1500 + (s % 50 == 0 ? 9000 : 0);
}

/*
 * A 3001-second series, each second's buckets kept encoded, second 0
 * with a second bucket (a tail sample) long after its first.  Every
 * 10-second point must be what the plain samples give.
 */
static void
series_from_encoded_buckets(void)
{
	static const double ps[4] = { 50, 90, 95, 99 };
	const int64_t t0 = 1700000000;
	struct jmx_report *r = jmx_report_new(1);
	struct jmx_bucket bk;
	struct jmx_hist *ref = jmx_hist_new();
	int64_t s, out[4];
	int agent = jmx_report_agent(r, "a"), j, k, bad = 0;

	memset(&bk, 0, sizeof bk);
	bk.hist = jmx_hist_new();
	for (s = 0; s <= 3000; s++) {
		jmx_hist_reset(bk.hist);
		for (j = 0; j < 5; j++)
			jmx_hist_add(bk.hist, series_value(s, j), 1);
		bk.second = t0 + s;
		bk.count = 5;
		jmx_report_add_bucket(r, "l", agent, &bk);
	}
	jmx_hist_reset(bk.hist);
	jmx_hist_add(bk.hist, 20000, 1);
	bk.second = t0;
	bk.count = 1;
	jmx_report_add_bucket(r, "l", agent, &bk);
	jmx_report_finish(r);
	is_int(r->interval_s, 10, "3001 s: 10 s points");
	is_int(r->npoints, 301, "3001 s: 301 points");
	for (k = 0; k < r->npoints && k < 301; k++) {
		jmx_hist_reset(ref);
		for (s = k * 10; s < k * 10 + 10 && s <= 3000; s++)
			for (j = 0; j < 5; j++)
				jmx_hist_add(ref, series_value(s, j), 1);
		if (k == 0)
			jmx_hist_add(ref, 20000, 1);
		jmx_hist_percentiles(ref, ps, 4, out);
		if (r->points[k].count != jmx_hist_count(ref) ||
		    r->points[k].p50 != out[0] || r->points[k].p90 != out[1] ||
		    r->points[k].p95 != out[2] || r->points[k].p99 != out[3] ||
		    r->points[k].max != jmx_hist_max(ref))
			bad++;
	}
	is_int(bad, 0, "every point's count, percentiles and max exact");
	is_int(r->points[0].max, 20000,
	    "a bucket for a second already encoded is counted");
	jmx_hist_free(bk.hist);
	jmx_hist_free(ref);
	jmx_report_free(r);
}

int
main(void)
{
	const char *src = getenv("JMX_SRCDIR");
	char path[1024], path2[1024];
	const char *files[2];
	struct jmx_report *r;
	const struct jmx_summary_row *row;
	struct jmx_err err;
	struct jmx_buf b = { 0 };
	int64_t t, f;
	char md_head[512];

	snprintf(path, sizeof path, "%s/tests/data/report/hand.jtl",
	    src != NULL ? src : ".");
	files[0] = path;
	r = jmx_report_new(1);
	ok(jmx_report_load_jtl(r, files, 1, &err) == JMX_OK, "load hand.jtl");
	jmx_report_finish(r);
	row = jmx_summary_total(r->sum);
	is_int(row->count, 6, "total count");
	is_int(row->errors, 2, "total errors");
	is_num(row->avg, 335.0, 1e-9, "total avg (2010 / 6)");
	is_int(row->p50, 200, "total p50: 3rd of 6");
	is_int(row->p90, 1000, "total p90: 6th of 6");
	is_num(row->throughput, 6 / 1.4, 1e-9, "throughput: 6 in 1.4 s");
	row = jmx_summary_find(r->sum, "q \"x\"\ny");
	ok(row != NULL, "label with quotes and a line break found whole");
	if (row != NULL) {
		is_int(row->p50, 10, "its p50: 1st of 2");
		is_num(row->avg, 505.0, 1e-9, "its avg");
	}
	is_int(r->nerrors, 2, "two distinct errors");
	is_str(r->errors[0].label, "a,b", "errors sorted, label first");
	is_str(r->errors[1].message, "not, found",
	    "failureMessage used when set");
	is_str(r->errors[0].message, "boom", "message of the 500");
	is_int(r->nagents, 1, "one file, one agent");
	is_str(r->agents[0].name, "hand.jtl", "named after the file");
	is_int(r->interval_s, 1, "1 s points for a short run");
	is_int(r->npoints, 1, "all samples start in one second");
	is_int(r->points[0].count, 6, "the point holds the 6 samples");
	is_int(r->points[0].threads, 2, "allThreads gives active threads");
	is_int(r->points[0].p50, 200, "the point's exact p50");
	is_int(jmx_report_sec(r, r->t0_ms + 1500), 1, "series time");
	jmx_report_free(r);

	/* Merging two files equals the one file. */
	snprintf(path, sizeof path, "%s/tests/data/report/hand-1.jtl",
	    src != NULL ? src : ".");
	snprintf(path2, sizeof path2, "%s/tests/data/report/hand-2.jtl",
	    src != NULL ? src : ".");
	files[0] = path;
	files[1] = path2;
	r = jmx_report_new(0);
	ok(jmx_report_load_jtl(r, files, 2, &err) == JMX_OK, "load 2 files");
	jmx_report_finish(r);
	row = jmx_summary_total(r->sum);
	is_int(row->count, 6, "merged count");
	is_int(row->p50, 200, "merged p50");
	is_int(r->nagents, 2, "one agent per file");
	is_int(r->npoints, 0, "no series when not asked");
	jmx_report_free(r);

	/* APDEX option parsing. */
	ok(jmx_report_parse_apdex("500", &t, &f) == 0 && t == 500 && f == 0,
	    "apdex '500'");
	ok(jmx_report_parse_apdex("500:1500", &t, &f) == 0 && f == 1500,
	    "apdex '500:1500'");
	ok(jmx_report_parse_apdex("250ms:2s", &t, &f) == 0 && t == 250 &&
	    f == 2000, "apdex with units");
	ok(jmx_report_parse_apdex("500:100", &t, &f) != 0, "F < T refused");
	ok(jmx_report_parse_apdex("x", &t, &f) != 0, "garbage refused");

	/* Escaping. */
	jmx_html_escape(&b, "<script>alert('x')</script> & \"q\"");
	is_str(b.data, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; "
	    "&amp; &quot;q&quot;", "HTML escaping");
	jmx_buf_free(&b);

	/* A hostile label never reaches any output raw. */
	r = jmx_report_new(1);
	one_sample(r, "<script>x</script>|`*", "<b>a</b>");
	jmx_report_add_error(r, "<script>x</script>|`*", "<i>", "a\x01<b>", 1);
	jmx_report_add_error(r, "<script>x</script>|`*", "500", "p95 < 5 | x",
	    2);
	jmx_report_add_event(r, 1700000999000LL, "imported", NULL, "x.jtl");
	/* A partial run: a lost agent and load that did not run. */
	r->run_id = 7;
	r->state = strdup("partial");
	r->threads = 6;
	r->delivered_pct = 80;
	jmx_report_add_event(r, 1700000001000LL, "agent_lost", "<b>a</b>",
	    "JMeter was killed (SIGKILL)");
	r->shortfalls = calloc(1, sizeof *r->shortfalls);
	r->shortfalls[0].agent = strdup("<b>a</b>");
	r->shortfalls[0].kind = strdup("unplaced");
	r->shortfalls[0].grp_name = strdup("<script>G</script>");
	r->shortfalls[0].threads = 2;
	r->shortfalls[0].from_ms = 1700000001000LL;
	r->shortfalls[0].to_ms = 1700000011000LL;
	r->shortfalls[0].reason = strdup("no agent has room for it");
	r->nshortfalls = 1;
	jmx_report_finish(r);
	r->t0_ms = 1700000000000LL;
	jmx_render_html(r, NULL, 0, NULL, &b);
	ok(strstr(b.data, "<script") == NULL && strstr(b.data, "<b>") ==
	    NULL && strstr(b.data, "<i>") == NULL, "HTML: no raw markup");
	ok(strstr(b.data, "This run is partial: 80.0% of the planned load "
	    "was delivered.<br>agent_lost (agent &lt;b&gt;a&lt;/b&gt;): JMeter "
	    "was killed (SIGKILL)<br>Did not run: 2 threads of "
	    "&#39;&lt;script&gt;G&lt;/script&gt;&#39; from agent "
	    "&lt;b&gt;a&lt;/b&gt; (33.3% of the load), from +1.0 s to "
	    "+11.0 s: no agent has room for it</div>") != NULL,
	    "HTML: the partial banner names the loss and what did not run");
	jmx_buf_reset(&b);
	jmx_render_markdown(r, NULL, 0, NULL, &b);
	ok(strstr(b.data, "<script") == NULL &&
	    strstr(b.data, "\\|\\`\\*") != NULL, "Markdown: escaped cell");
	ok(strstr(b.data, "| 500 | p95 < 5 \\| x | 2 |") !=
	    NULL, "Markdown: errors by code as in the HTML, '<' kept as text");
	ok(strstr(b.data, "| **Total** | 1 |") != NULL,
	    "Markdown: the total row");
	ok(strstr(b.data, "| - | imported |  | x.jtl |") != NULL,
	    "Markdown: an import event has no run time");
	ok(strstr(b.data, "> - Did not run: 2 threads of '&lt;script>G&lt;/script>' "
	    "from agent &lt;b>a&lt;/b> (33.3% of the load), from +1.0 s to "
	    "+11.0 s: no agent has room for it") != NULL,
	    "Markdown: the banner too");
	/* The Markdown statistics' heading, as the text table has it. */
	{
		char *h = strstr(b.data, "| Label |"), *e, *q;

		md_head[0] = '\0';
		if (h != NULL && (e = strchr(h, '\n')) != NULL &&
		    (size_t)(e - h) < sizeof md_head) {
			memcpy(md_head, h + 2, (size_t)(e - h) - 4);
			md_head[e - h - 4] = '\0';
			/* "a | b" -> "a  b", the text table's separator */
			while ((q = strstr(md_head, " | ")) != NULL)
				memmove(q + 1, q + 2, strlen(q + 2) + 1);
		}
	}
	jmx_buf_reset(&b);
	jmx_render_junit(r, &b);
	ok(strstr(b.data, "<script") == NULL && strchr(b.data, '\x01') ==
	    NULL, "JUnit: escaped, no control characters");
	jmx_buf_reset(&b);
	jmx_render_text(r, &b);
	ok(strncmp(b.data, "run 7 partial: ", 15) == 0, "text: the run line");
	{
		char *h = strstr(b.data, "\nLabel "), *e;
		struct jmx_buf cols = { 0 };

		/* The heading with its padding squeezed to two spaces. */
		for (e = h != NULL ? h + 1 : NULL; e != NULL && *e != '\n';
		    e++)
			if (*e != ' ' || e[1] != ' ' || e[2] != ' ')
				jmx_buf_addc(&cols, *e);
		is_str(cols.data, md_head, "text: the Markdown's columns");
		jmx_buf_free(&cols);
	}
	ok(strstr(b.data, "\nTotal ") != NULL, "text: the total row");
	ok(strstr(b.data, "\n<script>x</script>|`*  ") != NULL,
	    "text: a label as it is, padded");
	ok(strstr(b.data, "agent_lost (agent <b>a</b>): JMeter was killed "
	    "(SIGKILL)\nDid not run: 2 threads of '<script>G</script>' from "
	    "agent <b>a</b> (33.3% of the load), from +1.0 s to +11.0 s: no "
	    "agent has room for it\n80.0 % of the planned load delivered\n")
	    != NULL, "text: failures, shortfalls, load delivered");
	jmx_buf_free(&b);
	jmx_report_free(r);

	/* Control bytes in a label: \xNN in every format but JSON. */
	r = jmx_report_new(1);
	one_sample(r, "r\x1b[2J\xc2\x9b\x7f\xff\tz", "a");
	jmx_report_finish(r);
	jmx_render_text(r, &b);
	ok(strstr(b.data, "\nr\\x1b[2J\\x9b\\x7f\\xff\\tz  ") != NULL,
	    "text: ESC, C1, DEL, a bad byte and a tab escaped");
	jmx_buf_reset(&b);
	jmx_render_html(r, NULL, 0, NULL, &b);
	ok(strstr(b.data, "r\\x1b[2J\\x9b\\x7f\\xff\tz") != NULL &&
	    strchr(b.data, '\x1b') == NULL, "HTML: the same escapes");
	jmx_buf_reset(&b);
	jmx_render_markdown(r, NULL, 0, NULL, &b);
	ok(strstr(b.data, "r\\x1b\\[2J\\x9b\\x7f\\xff\tz") != NULL &&
	    strchr(b.data, '\x1b') == NULL, "Markdown: the same escapes");
	jmx_buf_reset(&b);
	jmx_render_json(r, NULL, 0, NULL, &b);
	ok(strstr(b.data, "\"r\\u001b[2J\\u009b\\u007f\\ufffd\\tz\"") !=
	    NULL && strchr(b.data, '\x1b') == NULL, "JSON: \\u escapes");
	jmx_buf_free(&b);
	jmx_report_free(r);

	series_from_encoded_buckets();
	return done_testing();
}

/*
 * render.c: HTML, Markdown, JSON and JUnit XML from a report's model.
 *
 * The four share the same order of sections: header, verdict,
 * recommendations, statistics, errors, agents, charts, events.  Data
 * strings pass through the escaper of their format and nowhere else.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart.h"
#include "config.h"
#include "hist.h"
#include "recommend.h"
#include "render.h"
#include "report.h"
#include "stats.h"
#include "util.h"
#include "verdict.h"
#include "version.h"
#include "xmalloc.h"

#define TOP_ERRORS	5	/* per label, as JMeter's dashboard */

void
jmx_html_escape(struct jmx_buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&':
			jmx_buf_adds(b, "&amp;");
			break;
		case '<':
			jmx_buf_adds(b, "&lt;");
			break;
		case '>':
			jmx_buf_adds(b, "&gt;");
			break;
		case '"':
			jmx_buf_adds(b, "&quot;");
			break;
		case '\'':
			jmx_buf_adds(b, "&#39;");
			break;
		default:
			jmx_buf_addc(b, *s);
		}
	}
}

/* XML 1.0 text: escaped, and control characters it cannot hold as '?'. */
static void
xml_escape(struct jmx_buf *b, const char *s)
{
	char one[2] = { 0, 0 };

	for (; s != NULL && *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t' &&
		    *s != '\r')
			jmx_buf_addc(b, '?');
		else {
			one[0] = *s;
			jmx_html_escape(b, one);
		}
	}
}

/* Markdown table cell: no pipes, no line breaks, no raw HTML. */
static void
md_cell(struct jmx_buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '|':
			jmx_buf_adds(b, "\\|");
			break;
		case '\n':
		case '\r':
			jmx_buf_addc(b, ' ');
			break;
		case '<':
			jmx_buf_adds(b, "&lt;");
			break;
		case '>':
			jmx_buf_adds(b, "&gt;");
			break;
		case '&':
			jmx_buf_adds(b, "&amp;");
			break;
		case '`':
		case '*':
		case '_':
		case '[':
		case ']':
			jmx_buf_addc(b, '\\');
			jmx_buf_addc(b, *s);
			break;
		default:
			jmx_buf_addc(b, *s);
		}
	}
}

static void
num(struct jmx_buf *b, double v, int prec)
{
	if (isnan(v) || isinf(v))
		jmx_buf_adds(b, "-");
	else
		jmx_buf_addf(b, "%.*f", prec, v);
}

static void
ms(struct jmx_buf *b, int64_t v)
{
	if (v < 0)
		jmx_buf_adds(b, "-");
	else
		jmx_buf_addf(b, "%lld", (long long)v);
}

static void
when(struct jmx_buf *b, int64_t epoch_ms)
{
	char t[64];

	if (epoch_ms <= 0) {
		jmx_buf_adds(b, "-");
		return;
	}
	jmx_format_time(t, sizeof t, epoch_ms);
	jmx_buf_adds(b, t);
}

static void
dur(struct jmx_buf *b, int64_t v)
{
	char t[64];

	if (v <= 0) {
		jmx_buf_adds(b, "-");
		return;
	}
	jmx_format_duration(t, sizeof t, v);
	jmx_buf_adds(b, t);
}

static int
count_events(const struct jmx_report *r, const char *prefix)
{
	int i, n = 0;

	for (i = 0; i < r->nevents; i++)
		if (strncmp(r->events[i].kind, prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

static int64_t
peak_threads(const struct jmx_report *r)
{
	int64_t p = 0;
	int i;

	for (i = 0; i < r->npoints; i++)
		if (r->points[i].threads > p)
			p = r->points[i].threads;
	return p;
}

static int
failed_verdicts(const struct jmx_report *r)
{
	int i, n = 0;

	for (i = 0; i < r->nverdicts; i++)
		n += !r->verdicts[i].pass;
	return n;
}

static void
threshold_name(struct jmx_buf *b, const struct jmx_verdict *v)
{
	const struct jmx_threshold *t = v->threshold;

	jmx_buf_addf(b, "%s %s %g", t->metric, t->op, t->value);
}

/* The facts of the header as (name, value) pairs, text already formatted. */
struct fact {
	const char	*name;
	char		*value;
};

static int
facts(struct jmx_report *r, struct fact *f)
{
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum);
	struct jmx_buf b;
	int n = 0, i;

#define FACT(nm) do {							\
	f[n].name = (nm);						\
	f[n++].value = jmx_buf_steal(&b);				\
} while (0)
	memset(&b, 0, sizeof b);
	if (r->run_id > 0) {
		jmx_buf_addf(&b, "%lld", (long long)r->run_id);
		FACT("Run");
	}
	jmx_buf_adds(&b, r->name != NULL ? r->name : "-");
	FACT("Test case");
	if (r->plan != NULL) {
		jmx_buf_adds(&b, r->plan);
		FACT("Plan");
	}
	if (r->label != NULL) {
		jmx_buf_adds(&b, r->label);
		FACT("Label");
	}
	jmx_buf_adds(&b, r->state != NULL ? r->state : "results file");
	FACT("Status");
	when(&b, tot->count ? tot->first_start : r->start_ms);
	jmx_buf_adds(&b, " .. ");
	when(&b, tot->count ? tot->last_end : r->end_ms);
	FACT("Samples from .. to");
	dur(&b, tot->count ? tot->last_end - tot->first_start : 0);
	if (r->duration_ms > 0) {
		jmx_buf_adds(&b, " (planned ");
		dur(&b, r->duration_ms);
		if (r->ramp_ms > 0) {
			jmx_buf_adds(&b, ", ramp-up ");
			dur(&b, r->ramp_ms);
		}
		jmx_buf_adds(&b, ")");
	}
	FACT("Duration");
	if (r->threads > 0)
		jmx_buf_addf(&b, "%lld planned, ", (long long)r->threads);
	jmx_buf_addf(&b, "%lld peak active", (long long)peak_threads(r));
	FACT("Threads");
	if (r->delivered_pct >= 0) {
		jmx_buf_addf(&b, "%.1f%% of the planned load", r->delivered_pct);
		FACT("Delivered");
	}
	jmx_buf_addf(&b, "%llu", (unsigned long long)tot->count);
	if (r->jtl_records >= 0)
		jmx_buf_addf(&b, " (agents' JTLs: %lld records)",
		    (long long)r->jtl_records);
	if (r->bad_records > 0 || r->truncated > 0)
		jmx_buf_addf(&b, "; %llu malformed and %llu truncated records"
		    " skipped", (unsigned long long)r->bad_records,
		    (unsigned long long)r->truncated);
	FACT("Samples");
	if (r->skew_ms >= 0) {
		jmx_buf_addf(&b, "%lld ms", (long long)r->skew_ms);
		FACT("Start skew");
	}
	if (r->run_id > 0) {
		jmx_buf_addf(&b, "%d pause(s), %d agent failure(s), %d "
		    "redistribution(s)", count_events(r, "paused"),
		    count_events(r, "agent_lost") +
		    count_events(r, "start_failed"),
		    count_events(r, "share_moved") +
		    count_events(r, "redistribut"));
		FACT("Interruptions");
	}
	for (i = 0; i < r->nsources; i++) {
		if (i > 0)
			jmx_buf_adds(&b, ", ");
		jmx_buf_adds(&b, r->sources[i]);
	}
	if (r->nsources > 0)
		FACT("Files");
	jmx_buf_addf(&b, "%lld ms satisfied, %lld ms tolerated",
	    (long long)r->apdex_t_ms, (long long)(r->apdex_f_ms > 0 ?
	    r->apdex_f_ms : 4 * r->apdex_t_ms));
	FACT("APDEX thresholds");
#undef FACT
	return n;
}

static void
free_facts(struct fact *f, int n)
{
	while (n-- > 0)
		free(f[n].value);
}

/* Charts' PNG as a data: URI, read from dir. */
static void
png_uri(struct jmx_buf *b, const char *dir, const char *name)
{
	static const char tbl[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *path, *data = NULL;
	const unsigned char *p;
	size_t len = 0, i;
	uint32_t v;

	xasprintf(&path, "%s/%s.png", dir, name);
	if (jmx_read_file(path, &data, &len, NULL) != JMX_OK) {
		free(path);
		xasprintf(&path, "%s.png", name);
		jmx_buf_adds(b, path);
		free(path);
		return;
	}
	free(path);
	jmx_buf_adds(b, "data:image/png;base64,");
	p = (const unsigned char *)data;
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		jmx_buf_addc(b, tbl[v >> 18]);
		jmx_buf_addc(b, tbl[(v >> 12) & 63]);
		jmx_buf_addc(b, tbl[(v >> 6) & 63]);
		jmx_buf_addc(b, tbl[v & 63]);
	}
	if (len - i == 1) {
		v = (uint32_t)p[i] << 16;
		jmx_buf_addc(b, tbl[v >> 18]);
		jmx_buf_addc(b, tbl[(v >> 12) & 63]);
		jmx_buf_adds(b, "==");
	} else if (len - i == 2) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		jmx_buf_addc(b, tbl[v >> 18]);
		jmx_buf_addc(b, tbl[(v >> 12) & 63]);
		jmx_buf_addc(b, tbl[(v >> 6) & 63]);
		jmx_buf_addc(b, '=');
	}
	free(data);
}

static int
have_charts(const char *dir, const char *name)
{
	char *path;
	int ok;

	if (dir == NULL)
		return 0;
	xasprintf(&path, "%s/%s.png", dir, name);
	ok = access(path, R_OK) == 0;
	free(path);
	return ok;
}

static const char css[] =
"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,"
"Arial,sans-serif;color:#1d2430;background:#f4f6f9;margin:0}"
"main{max-width:1180px;margin:0 auto;padding:24px}"
"h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;"
"border-bottom:2px solid #d8dee8;padding-bottom:4px}"
"h3{font-size:15px;margin:16px 0 6px}"
".sub{color:#5b6678;margin-bottom:16px}"
".card{background:#fff;border:1px solid #dde3ec;border-radius:8px;"
"padding:14px 16px;margin:10px 0;box-shadow:0 1px 2px rgba(0,0,0,.04)}"
"table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}"
"th,td{padding:5px 8px;border-bottom:1px solid #e6eaf0;text-align:left;"
"vertical-align:top}"
"th{background:#eef2f7;font-weight:600;position:sticky;top:0}"
"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;"
"white-space:nowrap}"
"tr.total td{font-weight:600;border-top:2px solid #c7d0dc}"
"tbody tr:nth-child(even){background:#fafbfd}"
".facts td:first-child{width:200px;color:#5b6678}"
".banner{padding:10px 14px;border-radius:6px;margin:10px 0;"
"font-weight:600}"
".partial{background:#fff4e0;border:1px solid #f0b050;color:#7a4b00}"
".fail{background:#fde8e8;border:1px solid #e59a9a;color:#8a1c1c}"
".pass{background:#e7f6ec;border:1px solid #8fd0a5;color:#1d6b35}"
".sev{display:inline-block;font-size:11px;font-weight:700;"
"text-transform:uppercase;padding:1px 7px;border-radius:10px;"
"margin-right:6px;vertical-align:1px}"
".sev-info{background:#e3ecfb;color:#1f4e9c}"
".sev-warning{background:#fff0d6;color:#8a5a00}"
".sev-critical{background:#fde0e0;color:#9c1f1f}"
".rec p{margin:4px 0}.rec .ev{color:#3b4555}"
".rec .sg{color:#1d2430}"
".bad{color:#b42318;font-weight:600}.good{color:#1d6b35}"
".chart img{width:100%;height:auto;border:1px solid #e6eaf0;"
"border-radius:4px;background:#fff}"
".chart .cap{color:#5b6678;font-size:12px}"
"pre{white-space:pre-wrap;margin:0;font:inherit}"
"footer{color:#7a8494;font-size:12px;margin:30px 0 10px}"
"a{color:#1f5fbf}";

static void
html_row_cells(struct jmx_buf *b, struct jmx_report *r,
    const struct jmx_summary_row *row)
{
	jmx_buf_addf(b, "<td class=n>%llu</td><td class=n>%llu</td>",
	    (unsigned long long)row->count, (unsigned long long)row->errors);
	jmx_buf_addf(b, "<td class=\"n%s\">", row->errors ? " bad" : "");
	num(b, row->count ? row->error_pct : NAN, 2);
	jmx_buf_adds(b, "%</td><td class=n>");
	num(b, row->avg, 1);
	jmx_buf_adds(b, "</td><td class=n>");
	ms(b, row->min);
	jmx_buf_adds(b, "</td><td class=n>");
	ms(b, row->max);
	jmx_buf_adds(b, "</td><td class=n>");
	ms(b, row->p50);
	jmx_buf_adds(b, "</td><td class=n>");
	ms(b, row->p90);
	jmx_buf_adds(b, "</td><td class=n>");
	ms(b, row->p95);
	jmx_buf_adds(b, "</td><td class=n>");
	ms(b, row->p99);
	jmx_buf_adds(b, "</td><td class=n>");
	num(b, row->throughput, 2);
	jmx_buf_adds(b, "</td><td class=n>");
	num(b, row->received_kbps, 2);
	jmx_buf_adds(b, "</td><td class=n>");
	num(b, row->sent_kbps, 2);
	jmx_buf_adds(b, "</td><td class=n>");
	num(b, jmx_report_apdex(r, row->label), 3);
	jmx_buf_adds(b, "</td>");
}

void
jmx_render_html(struct jmx_report *r, const struct jmx_rec *recs, int nrec,
    const char *dir, struct jmx_buf *b)
{
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum), *row;
	const struct jmx_chart *ch[JMX_CHART_MAX];
	struct fact f[32];
	size_t i, nl = jmx_summary_nlabels(r->sum);
	int k, n, nf, shown;

	jmx_buf_adds(b, "<!DOCTYPE html>\n<html lang=en><head><meta "
	    "charset=utf-8><meta name=viewport content=\"width=device-width,"
	    "initial-scale=1\"><title>jmx report: ");
	jmx_html_escape(b, r->name);
	jmx_buf_addf(b, "</title><style>%s</style></head><body><main>\n", css);
	jmx_buf_adds(b, "<h1>");
	jmx_html_escape(b, r->name);
	jmx_buf_adds(b, "</h1><div class=sub>");
	if (r->run_id > 0)
		jmx_buf_addf(b, "run %lld &middot; ", (long long)r->run_id);
	jmx_html_escape(b, r->state != NULL ? r->state : "results file");
	jmx_buf_adds(b, " &middot; report generated ");
	when(b, r->generated_ms);
	jmx_buf_adds(b, "</div>\n");

	if (r->state != NULL && strcmp(r->state, "completed") != 0 &&
	    r->run_id > 0) {
		jmx_buf_adds(b, "<div class=\"banner partial\">This run is ");
		jmx_html_escape(b, r->state);
		if (r->delivered_pct >= 0)
			jmx_buf_addf(b, ": %.1f%% of the planned load was "
			    "delivered", r->delivered_pct);
		jmx_buf_adds(b, ".");
		for (k = 0; k < r->nevents; k++) {
			const struct jmx_report_event *e = &r->events[k];

			if (strstr(e->kind, "lost") == NULL &&
			    strstr(e->kind, "fail") == NULL &&
			    strstr(e->kind, "partial") == NULL)
				continue;
			jmx_buf_adds(b, "<br>");
			jmx_html_escape(b, e->kind);
			if (e->agent != NULL) {
				jmx_buf_adds(b, " (agent ");
				jmx_html_escape(b, e->agent);
				jmx_buf_adds(b, ")");
			}
			if (e->detail != NULL) {
				jmx_buf_adds(b, ": ");
				jmx_html_escape(b, e->detail);
			}
		}
		jmx_buf_adds(b, "</div>\n");
	}
	if (r->nverdicts > 0) {
		n = failed_verdicts(r);
		jmx_buf_addf(b, "<div class=\"banner %s\">Verdict: %s (%d of %d "
		    "thresholds failed)</div>\n", n ? "fail" : "pass",
		    n ? "FAILED" : "passed", n, r->nverdicts);
	}
	if (tot->count == 0)
		jmx_buf_adds(b, "<div class=\"banner partial\">No samples: "
		    "there is nothing to measure.</div>\n");

	jmx_buf_adds(b, "<h2>Run</h2><table class=facts>");
	nf = facts(r, f);
	for (k = 0; k < nf; k++) {
		jmx_buf_addf(b, "<tr><td>%s</td><td>", f[k].name);
		jmx_html_escape(b, f[k].value);
		jmx_buf_adds(b, "</td></tr>");
	}
	free_facts(f, nf);
	jmx_buf_adds(b, "</table>\n");

	if (r->nverdicts > 0) {
		jmx_buf_adds(b, "<h2>Thresholds</h2><table><tr><th>Label</th>"
		    "<th>Threshold</th><th class=n>Measured</th><th>Result"
		    "</th></tr>");
		for (k = 0; k < r->nverdicts; k++) {
			const struct jmx_verdict *v = &r->verdicts[k];
			struct jmx_buf t;

			memset(&t, 0, sizeof t);
			threshold_name(&t, v);
			jmx_buf_adds(b, "<tr><td>");
			jmx_html_escape(b, v->threshold->label != NULL ?
			    v->threshold->label : "(total)");
			jmx_buf_adds(b, "</td><td>");
			jmx_html_escape(b, t.data);
			jmx_buf_adds(b, "</td><td class=n>");
			num(b, v->measured ? v->actual : NAN, 2);
			jmx_buf_addf(b, "</td><td class=%s>%s</td></tr>",
			    v->pass ? "good" : "bad", v->pass ? "pass" :
			    "FAIL");
			jmx_buf_free(&t);
		}
		jmx_buf_adds(b, "</table>\n");
	}

	jmx_buf_adds(b, "<h2>Recommendations</h2>\n");
	if (nrec == 0)
		jmx_buf_adds(b, "<div class=card>No rule fired: nothing in "
		    "these results calls for attention.</div>\n");
	for (k = 0; k < nrec; k++) {
		const char *sev = jmx_rec_severity_name(recs[k].severity);

		jmx_buf_addf(b, "<div class=\"card rec\"><span class=\"sev "
		    "sev-%s\">%s</span><b>", sev, sev);
		jmx_html_escape(b, recs[k].title);
		jmx_buf_adds(b, "</b><p class=ev><b>Evidence:</b> ");
		jmx_html_escape(b, recs[k].evidence);
		jmx_buf_adds(b, "</p><p class=sg><b>Suggestion:</b> ");
		jmx_html_escape(b, recs[k].suggestion);
		jmx_buf_adds(b, "</p></div>\n");
	}

	jmx_buf_adds(b, "<h2>Statistics</h2><div class=card style=\"padding:0;"
	    "overflow-x:auto\"><table><thead><tr><th>Label</th>"
	    "<th class=n>Samples</th><th class=n>Errors</th>"
	    "<th class=n>Error %</th><th class=n>Avg ms</th>"
	    "<th class=n>Min</th><th class=n>Max</th><th class=n>p50</th>"
	    "<th class=n>p90</th><th class=n>p95</th><th class=n>p99</th>"
	    "<th class=n>Samples/s</th><th class=n>Recv KB/s</th>"
	    "<th class=n>Sent KB/s</th><th class=n>APDEX</th></tr></thead>"
	    "<tbody>\n");
	for (i = 0; i < nl; i++) {
		row = jmx_summary_label(r->sum, i);
		jmx_buf_adds(b, "<tr><td><pre>");
		jmx_html_escape(b, row->label);
		jmx_buf_adds(b, "</pre></td>");
		html_row_cells(b, r, row);
		jmx_buf_adds(b, "</tr>\n");
	}
	jmx_buf_adds(b, "<tr class=total><td>Total</td>");
	html_row_cells(b, r, tot);
	jmx_buf_adds(b, "</tr></tbody></table></div>\n");

	jmx_buf_adds(b, "<h2>Errors</h2>\n");
	if (r->nerrors == 0)
		jmx_buf_adds(b, "<div class=card>No failed samples.</div>\n");
	else {
		jmx_buf_adds(b, "<h3>By response code and message</h3>"
		    "<table><tr><th>Response code</th><th>Message</th>"
		    "<th class=n>Count</th><th class=n>% of errors</th>"
		    "<th class=n>% of samples</th></tr>\n");
		for (k = 0; k < r->nerrors; k++) {
			const struct jmx_report_error *e = &r->errors[k];
			uint64_t c = e->count;
			int j;

			/* Sum the same code and message over labels. */
			for (j = 0; j < k; j++)
				if (strcmp(r->errors[j].code, e->code) == 0 &&
				    strcmp(r->errors[j].message, e->message) ==
				    0)
					break;
			if (j < k)
				continue;
			for (j = k + 1; j < r->nerrors; j++)
				if (strcmp(r->errors[j].code, e->code) == 0 &&
				    strcmp(r->errors[j].message, e->message) ==
				    0)
					c += r->errors[j].count;
			jmx_buf_adds(b, "<tr><td><pre>");
			jmx_html_escape(b, e->code);
			jmx_buf_adds(b, "</pre></td><td><pre>");
			jmx_html_escape(b, e->message);
			jmx_buf_addf(b, "</pre></td><td class=n>%llu</td>"
			    "<td class=n>", (unsigned long long)c);
			num(b, tot->errors ? 100.0 * (double)c /
			    (double)tot->errors : NAN, 2);
			jmx_buf_adds(b, "%</td><td class=n>");
			num(b, tot->count ? 100.0 * (double)c /
			    (double)tot->count : NAN, 2);
			jmx_buf_adds(b, "%</td></tr>\n");
		}
		jmx_buf_addf(b, "</table><h3>Top %d errors per label</h3>"
		    "<table><tr><th>Label</th><th>Response code</th>"
		    "<th>Message</th><th class=n>Count</th></tr>\n",
		    TOP_ERRORS);
		for (i = 0; i < nl; i++) {
			row = jmx_summary_label(r->sum, i);
			if (row->errors == 0)
				continue;
			for (k = 0, shown = 0; k < r->nerrors &&
			    shown < TOP_ERRORS; k++) {
				if (strcmp(r->errors[k].label, row->label))
					continue;
				jmx_buf_adds(b, "<tr><td><pre>");
				if (shown++ == 0)
					jmx_html_escape(b, row->label);
				jmx_buf_adds(b, "</pre></td><td><pre>");
				jmx_html_escape(b, r->errors[k].code);
				jmx_buf_adds(b, "</pre></td><td><pre>");
				jmx_html_escape(b, r->errors[k].message);
				jmx_buf_addf(b, "</pre></td><td class=n>%llu"
				    "</td></tr>\n", (unsigned long long)
				    r->errors[k].count);
			}
		}
		jmx_buf_adds(b, "</table>\n");
	}

	jmx_buf_addf(b, "<h2>%s</h2><table><tr><th>%s</th><th>Host</th>"
	    "<th class=n>Weight</th><th class=n>Threads</th>"
	    "<th class=n>Segments</th><th class=n>Samples</th>"
	    "<th class=n>Share</th><th class=n>Samples/s</th>"
	    "<th class=n>Error %%</th><th class=n>p95 ms</th>"
	    "<th class=n>Start skew</th><th>State</th>"
	    "<th class=n>Log errors</th></tr>\n",
	    r->run_id > 0 ? "Agents" : "Files", r->run_id > 0 ? "Agent" :
	    "File");
	for (k = 0; k < r->nagents; k++) {
		const struct jmx_report_agent *a = &r->agents[k];

		row = jmx_summary_total(a->sum);
		jmx_buf_adds(b, "<tr><td>");
		jmx_html_escape(b, a->name);
		jmx_buf_adds(b, "</td><td>");
		jmx_html_escape(b, a->host != NULL ? a->host : "-");
		jmx_buf_adds(b, "</td><td class=n>");
		num(b, a->weight > 0 ? a->weight : NAN, 2);
		jmx_buf_adds(b, "</td><td class=n>");
		ms(b, a->threads > 0 ? a->threads : -1);
		jmx_buf_addf(b, "</td><td class=n>%d</td><td class=n>%llu"
		    "</td><td class=n>", a->segments,
		    (unsigned long long)row->count);
		num(b, tot->count ? 100.0 * (double)row->count /
		    (double)tot->count : NAN, 1);
		jmx_buf_adds(b, "%</td><td class=n>");
		num(b, row->throughput, 2);
		jmx_buf_addf(b, "</td><td class=\"n%s\">", row->errors ?
		    " bad" : "");
		num(b, row->count ? row->error_pct : NAN, 2);
		jmx_buf_adds(b, "%</td><td class=n>");
		ms(b, row->p95);
		jmx_buf_adds(b, "</td><td class=n>");
		if (a->skew_ms >= 0)
			jmx_buf_addf(b, "%lld ms", (long long)a->skew_ms);
		else
			jmx_buf_adds(b, "-");
		jmx_buf_adds(b, "</td><td>");
		jmx_html_escape(b, a->state != NULL ? a->state : "-");
		jmx_buf_adds(b, "</td><td class=n>");
		if (a->have_log)
			jmx_buf_addf(b, "%llu", (unsigned long long)
			    a->log_errors);
		else
			jmx_buf_adds(b, "-");
		jmx_buf_adds(b, "</td></tr>\n");
	}
	jmx_buf_adds(b, "</table>\n");

	n = jmx_chart_list(r, ch);
	if (n > 0 && have_charts(dir, ch[0]->name)) {
		jmx_buf_addf(b, "<h2>Charts</h2><div class=sub>One point per "
		    "%lld s; dashed orange lines mark the run's events."
		    "</div>\n", (long long)r->interval_s);
		for (k = 0; k < n; k++) {
			jmx_buf_addf(b, "<div class=\"card chart\"><h3>%s</h3>"
			    "<img alt=\"%s\" src=\"", ch[k]->title,
			    ch[k]->title);
			png_uri(b, dir, ch[k]->name);
			jmx_buf_addf(b, "\"><div class=cap>%s &middot; "
			    "<a href=\"%s.svg\">SVG</a> &middot; "
			    "<a href=\"%s.png\">PNG</a></div></div>\n",
			    ch[k]->caption, ch[k]->name, ch[k]->name);
		}
	}

	if (r->nevents > 0) {
		jmx_buf_adds(b, "<h2>Events</h2><table><tr><th>Time</th>"
		    "<th class=n>t</th><th>Event</th><th>Agent</th>"
		    "<th>Detail</th></tr>\n");
		for (k = 0; k < r->nevents; k++) {
			const struct jmx_report_event *e = &r->events[k];

			jmx_buf_adds(b, "<tr><td>");
			when(b, e->time_ms);
			jmx_buf_addf(b, "</td><td class=n>%+.1f s</td><td>",
			    (double)(e->time_ms - r->t0_ms) / 1000.0);
			jmx_html_escape(b, e->kind);
			jmx_buf_adds(b, "</td><td>");
			jmx_html_escape(b, e->agent != NULL ? e->agent : "");
			jmx_buf_adds(b, "</td><td>");
			jmx_html_escape(b, e->detail != NULL ? e->detail : "");
			jmx_buf_adds(b, "</td></tr>\n");
		}
		jmx_buf_adds(b, "</table>\n");
	}
	jmx_buf_addf(b, "<footer>Generated by jmx-report %s. Statistics "
	    "cover every sample of the run (no sliding window). Percentiles "
	    "are nearest-rank over exact millisecond histograms: the p-th "
	    "percentile is the smallest recorded value with at least p%% of "
	    "the samples at or below it. Throughput is samples over the time "
	    "from the first sample's start to the last sample's end."
	    "</footer>\n</main></body></html>\n", jmx_version());
}

static void
md_row(struct jmx_buf *b, struct jmx_report *r,
    const struct jmx_summary_row *row)
{
	jmx_buf_adds(b, "| ");
	if (row->label != NULL)
		md_cell(b, row->label);
	else
		jmx_buf_adds(b, "**Total**");
	jmx_buf_addf(b, " | %llu | %llu | ", (unsigned long long)row->count,
	    (unsigned long long)row->errors);
	num(b, row->count ? row->error_pct : NAN, 2);
	jmx_buf_adds(b, " | ");
	num(b, row->avg, 1);
	jmx_buf_adds(b, " | ");
	ms(b, row->min);
	jmx_buf_adds(b, " | ");
	ms(b, row->max);
	jmx_buf_adds(b, " | ");
	ms(b, row->p50);
	jmx_buf_adds(b, " | ");
	ms(b, row->p90);
	jmx_buf_adds(b, " | ");
	ms(b, row->p95);
	jmx_buf_adds(b, " | ");
	ms(b, row->p99);
	jmx_buf_adds(b, " | ");
	num(b, row->throughput, 2);
	jmx_buf_adds(b, " | ");
	num(b, row->received_kbps, 2);
	jmx_buf_adds(b, " | ");
	num(b, row->sent_kbps, 2);
	jmx_buf_adds(b, " | ");
	num(b, jmx_report_apdex(r, row->label), 3);
	jmx_buf_adds(b, " |\n");
}

void
jmx_render_markdown(struct jmx_report *r, const struct jmx_rec *recs,
    int nrec, const char *dir, struct jmx_buf *b)
{
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum), *row;
	const struct jmx_chart *ch[JMX_CHART_MAX];
	struct fact f[32];
	size_t i, nl = jmx_summary_nlabels(r->sum);
	int k, n, nf;

	jmx_buf_adds(b, "# ");
	md_cell(b, r->name);
	jmx_buf_adds(b, "\n\n");
	if (r->state != NULL && strcmp(r->state, "completed") != 0 &&
	    r->run_id > 0) {
		jmx_buf_adds(b, "> **This run is ");
		md_cell(b, r->state);
		jmx_buf_adds(b, "**");
		if (r->delivered_pct >= 0)
			jmx_buf_addf(b, ": %.1f%% of the planned load was "
			    "delivered", r->delivered_pct);
		jmx_buf_adds(b, ".\n\n");
	}
	if (r->nverdicts > 0) {
		n = failed_verdicts(r);
		jmx_buf_addf(b, "**Verdict: %s** (%d of %d thresholds "
		    "failed)\n\n", n ? "FAILED" : "passed", n, r->nverdicts);
	}
	jmx_buf_adds(b, "| | |\n|---|---|\n");
	nf = facts(r, f);
	for (k = 0; k < nf; k++) {
		jmx_buf_addf(b, "| %s | ", f[k].name);
		md_cell(b, f[k].value);
		jmx_buf_adds(b, " |\n");
	}
	free_facts(f, nf);
	if (r->nverdicts > 0) {
		jmx_buf_adds(b, "\n## Thresholds\n\n| Label | Threshold | "
		    "Measured | Result |\n|---|---|---:|---|\n");
		for (k = 0; k < r->nverdicts; k++) {
			const struct jmx_verdict *v = &r->verdicts[k];

			jmx_buf_adds(b, "| ");
			md_cell(b, v->threshold->label != NULL ?
			    v->threshold->label : "(total)");
			jmx_buf_adds(b, " | ");
			threshold_name(b, v);
			jmx_buf_adds(b, " | ");
			num(b, v->measured ? v->actual : NAN, 2);
			jmx_buf_addf(b, " | %s |\n", v->pass ? "pass" :
			    "**FAIL**");
		}
	}
	jmx_buf_adds(b, "\n## Recommendations\n\n");
	if (nrec == 0)
		jmx_buf_adds(b, "No rule fired.\n");
	for (k = 0; k < nrec; k++) {
		jmx_buf_addf(b, "- **%s: ", jmx_rec_severity_name(
		    recs[k].severity));
		md_cell(b, recs[k].title);
		jmx_buf_adds(b, "**  \n  Evidence: ");
		md_cell(b, recs[k].evidence);
		jmx_buf_adds(b, "  \n  Suggestion: ");
		md_cell(b, recs[k].suggestion);
		jmx_buf_adds(b, "\n");
	}
	jmx_buf_adds(b, "\n## Statistics\n\n| Label | Samples | Errors | "
	    "Error % | Avg | Min | Max | p50 | p90 | p95 | p99 | Samples/s | "
	    "Recv KB/s | Sent KB/s | APDEX |\n|---|---:|---:|---:|---:|---:|"
	    "---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < nl; i++)
		md_row(b, r, jmx_summary_label(r->sum, i));
	md_row(b, r, tot);
	jmx_buf_adds(b, "\n## Errors\n\n");
	if (r->nerrors == 0)
		jmx_buf_adds(b, "No failed samples.\n");
	else {
		jmx_buf_adds(b, "| Label | Response code | Message | Count |\n"
		    "|---|---|---|---:|\n");
		for (i = 0; i < nl; i++) {
			int shown = 0;

			row = jmx_summary_label(r->sum, i);
			for (k = 0; k < r->nerrors && shown < TOP_ERRORS;
			    k++) {
				if (strcmp(r->errors[k].label, row->label))
					continue;
				shown++;
				jmx_buf_adds(b, "| ");
				md_cell(b, row->label);
				jmx_buf_adds(b, " | ");
				md_cell(b, r->errors[k].code);
				jmx_buf_adds(b, " | ");
				md_cell(b, r->errors[k].message);
				jmx_buf_addf(b, " | %llu |\n",
				    (unsigned long long)r->errors[k].count);
			}
		}
	}
	jmx_buf_addf(b, "\n## %s\n\n| Name | Samples | Share | Samples/s | "
	    "Error %% | p95 |\n|---|---:|---:|---:|---:|---:|\n",
	    r->run_id > 0 ? "Agents" : "Files");
	for (k = 0; k < r->nagents; k++) {
		row = jmx_summary_total(r->agents[k].sum);
		jmx_buf_adds(b, "| ");
		md_cell(b, r->agents[k].name);
		jmx_buf_addf(b, " | %llu | ", (unsigned long long)row->count);
		num(b, tot->count ? 100.0 * (double)row->count /
		    (double)tot->count : NAN, 1);
		jmx_buf_adds(b, "% | ");
		num(b, row->throughput, 2);
		jmx_buf_adds(b, " | ");
		num(b, row->count ? row->error_pct : NAN, 2);
		jmx_buf_adds(b, " | ");
		ms(b, row->p95);
		jmx_buf_adds(b, " |\n");
	}
	n = jmx_chart_list(r, ch);
	if (n > 0 && have_charts(dir, ch[0]->name)) {
		jmx_buf_adds(b, "\n## Charts\n\n");
		for (k = 0; k < n; k++)
			jmx_buf_addf(b, "- [%s](%s.svg) ([PNG](%s.png))\n",
			    ch[k]->title, ch[k]->name, ch[k]->name);
	}
	if (r->nevents > 0) {
		jmx_buf_adds(b, "\n## Events\n\n| t | Event | Agent | Detail |"
		    "\n|---:|---|---|---|\n");
		for (k = 0; k < r->nevents; k++) {
			jmx_buf_addf(b, "| %+.1f s | ", (double)
			    (r->events[k].time_ms - r->t0_ms) / 1000.0);
			md_cell(b, r->events[k].kind);
			jmx_buf_adds(b, " | ");
			md_cell(b, r->events[k].agent);
			jmx_buf_adds(b, " | ");
			md_cell(b, r->events[k].detail);
			jmx_buf_adds(b, " |\n");
		}
	}
	jmx_buf_addf(b, "\nPercentiles: nearest rank over every sample. "
	    "Generated by jmx-report %s.\n", jmx_version());
}

static void
json_key(struct jmx_buf *b, const char *k)
{
	jmx_json_str(b, k);
	jmx_buf_addc(b, ':');
}

static void
json_strn(struct jmx_buf *b, const char *s)
{
	if (s == NULL)
		jmx_buf_adds(b, "null");
	else
		jmx_json_str(b, s);
}

static void
json_time(struct jmx_buf *b, int64_t ms_)
{
	char t[64];

	if (ms_ <= 0) {
		jmx_buf_adds(b, "null");
		return;
	}
	jmx_format_time(t, sizeof t, ms_);
	jmx_json_str(b, t);
}

void
jmx_render_json(struct jmx_report *r, const struct jmx_rec *recs, int nrec,
    const char *dir, struct jmx_buf *b)
{
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum), *row;
	const struct jmx_chart *ch[JMX_CHART_MAX];
	size_t i, nl = jmx_summary_nlabels(r->sum);
	int k, n;

	jmx_buf_adds(b, "{\"run\":{");
	json_key(b, "id");
	if (r->run_id > 0)
		jmx_buf_addf(b, "%lld", (long long)r->run_id);
	else
		jmx_buf_adds(b, "null");
	jmx_buf_adds(b, ",\"name\":");
	json_strn(b, r->name);
	jmx_buf_adds(b, ",\"plan\":");
	json_strn(b, r->plan);
	jmx_buf_adds(b, ",\"label\":");
	json_strn(b, r->label);
	jmx_buf_adds(b, ",\"state\":");
	json_strn(b, r->state);
	jmx_buf_adds(b, ",\"first_start\":");
	json_time(b, tot->count ? tot->first_start : 0);
	jmx_buf_adds(b, ",\"last_end\":");
	json_time(b, tot->count ? tot->last_end : 0);
	jmx_buf_addf(b, ",\"planned_duration_ms\":%lld,\"planned_threads\":"
	    "%lld,\"peak_threads\":%lld,\"delivered_pct\":",
	    (long long)r->duration_ms, (long long)r->threads,
	    (long long)peak_threads(r));
	jmx_json_num(b, r->delivered_pct >= 0 ? r->delivered_pct : NAN);
	jmx_buf_adds(b, ",\"skew_ms\":");
	if (r->skew_ms >= 0)
		jmx_buf_addf(b, "%lld", (long long)r->skew_ms);
	else
		jmx_buf_adds(b, "null");
	jmx_buf_addf(b, ",\"bad_records\":%llu,\"truncated_records\":%llu,"
	    "\"sources\":[", (unsigned long long)r->bad_records,
	    (unsigned long long)r->truncated);
	for (k = 0; k < r->nsources; k++) {
		if (k)
			jmx_buf_addc(b, ',');
		jmx_json_str(b, r->sources[k]);
	}
	jmx_buf_addf(b, "]},\"apdex\":{\"t_ms\":%lld,\"f_ms\":%lld,"
	    "\"total\":", (long long)r->apdex_t_ms, (long long)(r->apdex_f_ms >
	    0 ? r->apdex_f_ms : 4 * r->apdex_t_ms));
	jmx_json_num(b, jmx_report_apdex(r, NULL));
	jmx_buf_adds(b, ",\"labels\":{");
	for (i = 0; i < nl; i++) {
		row = jmx_summary_label(r->sum, i);
		if (i)
			jmx_buf_addc(b, ',');
		json_key(b, row->label);
		jmx_json_num(b, jmx_report_apdex(r, row->label));
	}
	jmx_buf_adds(b, "}},\"statistics\":");
	jmx_summary_json(r->sum, b);
	jmx_buf_adds(b, ",\"errors\":[");
	for (k = 0; k < r->nerrors; k++) {
		if (k)
			jmx_buf_addc(b, ',');
		jmx_buf_adds(b, "{\"label\":");
		jmx_json_str(b, r->errors[k].label);
		jmx_buf_adds(b, ",\"code\":");
		jmx_json_str(b, r->errors[k].code);
		jmx_buf_adds(b, ",\"message\":");
		jmx_json_str(b, r->errors[k].message);
		jmx_buf_addf(b, ",\"count\":%llu}",
		    (unsigned long long)r->errors[k].count);
	}
	jmx_buf_adds(b, "],\"agents\":[");
	for (k = 0; k < r->nagents; k++) {
		const struct jmx_report_agent *a = &r->agents[k];

		row = jmx_summary_total(a->sum);
		if (k)
			jmx_buf_addc(b, ',');
		jmx_buf_adds(b, "{\"name\":");
		jmx_json_str(b, a->name);
		jmx_buf_adds(b, ",\"host\":");
		json_strn(b, a->host);
		jmx_buf_addf(b, ",\"threads\":%lld,\"segments\":%d,"
		    "\"share_pct\":", (long long)a->threads, a->segments);
		jmx_json_num(b, tot->count ? 100.0 * (double)row->count /
		    (double)tot->count : NAN);
		jmx_buf_adds(b, ",\"log_errors\":");
		if (a->have_log)
			jmx_buf_addf(b, "%llu", (unsigned long long)
			    a->log_errors);
		else
			jmx_buf_adds(b, "null");
		jmx_buf_adds(b, ",\"stats\":");
		jmx_summary_row_json(row, b);
		jmx_buf_addc(b, '}');
	}
	jmx_buf_adds(b, "],\"events\":[");
	for (k = 0; k < r->nevents; k++) {
		if (k)
			jmx_buf_addc(b, ',');
		jmx_buf_adds(b, "{\"time\":");
		json_time(b, r->events[k].time_ms);
		jmx_buf_adds(b, ",\"kind\":");
		jmx_json_str(b, r->events[k].kind);
		jmx_buf_adds(b, ",\"agent\":");
		json_strn(b, r->events[k].agent);
		jmx_buf_adds(b, ",\"detail\":");
		json_strn(b, r->events[k].detail);
		jmx_buf_addc(b, '}');
	}
	jmx_buf_adds(b, "],\"recommendations\":[");
	for (k = 0; k < nrec; k++) {
		if (k)
			jmx_buf_addc(b, ',');
		jmx_buf_adds(b, "{\"rule\":");
		jmx_json_str(b, recs[k].rule);
		jmx_buf_adds(b, ",\"severity\":");
		jmx_json_str(b, jmx_rec_severity_name(recs[k].severity));
		jmx_buf_adds(b, ",\"title\":");
		jmx_json_str(b, recs[k].title);
		jmx_buf_adds(b, ",\"evidence\":");
		jmx_json_str(b, recs[k].evidence);
		jmx_buf_adds(b, ",\"suggestion\":");
		jmx_json_str(b, recs[k].suggestion);
		if (recs[k].from_s >= 0 || recs[k].to_s >= 0)
			jmx_buf_addf(b, ",\"window_s\":[%lld,%lld]",
			    (long long)recs[k].from_s,
			    (long long)recs[k].to_s);
		jmx_buf_addc(b, '}');
	}
	jmx_buf_adds(b, "],\"thresholds\":[");
	for (k = 0; k < r->nverdicts; k++) {
		const struct jmx_verdict *v = &r->verdicts[k];

		if (k)
			jmx_buf_addc(b, ',');
		jmx_buf_adds(b, "{\"label\":");
		json_strn(b, v->threshold->label);
		jmx_buf_adds(b, ",\"metric\":");
		jmx_json_str(b, v->threshold->metric);
		jmx_buf_adds(b, ",\"op\":");
		jmx_json_str(b, v->threshold->op);
		jmx_buf_adds(b, ",\"value\":");
		jmx_json_num(b, v->threshold->value);
		jmx_buf_adds(b, ",\"actual\":");
		jmx_json_num(b, v->measured ? v->actual : NAN);
		jmx_buf_addf(b, ",\"pass\":%s}", v->pass ? "true" : "false");
	}
	jmx_buf_adds(b, "],\"charts\":[");
	n = jmx_chart_list(r, ch);
	if (n > 0 && !have_charts(dir, ch[0]->name))
		n = 0;
	for (k = 0; k < n; k++)
		jmx_buf_addf(b, "%s{\"name\":\"%s\",\"png\":\"%s.png\","
		    "\"svg\":\"%s.svg\"}", k ? "," : "", ch[k]->name,
		    ch[k]->name, ch[k]->name);
	jmx_buf_addf(b, "],\"series\":{\"interval_s\":%lld,\"t0\":",
	    (long long)r->interval_s);
	json_time(b, r->t0_ms);
	jmx_buf_adds(b, ",\"points\":[");
	for (k = 0; k < r->npoints; k++) {
		const struct jmx_report_point *p = &r->points[k];

		jmx_buf_addf(b, "%s[%lld,%llu,%llu,%lld,%lld,%lld,%lld,%lld]",
		    k ? "," : "", (long long)p->t,
		    (unsigned long long)p->count,
		    (unsigned long long)p->errors, (long long)p->threads,
		    (long long)p->p50, (long long)p->p90, (long long)p->p95,
		    (long long)p->p99);
	}
	jmx_buf_adds(b, "],\"columns\":[\"t\",\"count\",\"errors\","
	    "\"threads\",\"p50\",\"p90\",\"p95\",\"p99\"]}}\n");
}

void
jmx_render_junit(struct jmx_report *r, struct jmx_buf *b)
{
	const struct jmx_summary_row *row;
	size_t i, nl = jmx_summary_nlabels(r->sum);
	int k, fails = 0, lfails, tests;
	struct jmx_buf t;

	memset(&t, 0, sizeof t);
	tests = r->nverdicts + (int)nl;
	for (k = 0; k < r->nverdicts; k++)
		fails += !r->verdicts[k].pass;
	for (i = 0; i < nl; i++) {
		row = jmx_summary_label(r->sum, i);
		for (k = 0; k < r->nverdicts; k++)
			if (r->verdicts[k].threshold->label != NULL &&
			    strcmp(r->verdicts[k].threshold->label,
			    row->label) == 0 && !r->verdicts[k].pass) {
				fails++;
				break;
			}
	}
	jmx_buf_addf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites tests=\"%d\" failures=\"%d\">\n<testsuite name=\"",
	    tests, fails);
	xml_escape(b, r->name);
	jmx_buf_addf(b, "\" tests=\"%d\" failures=\"%d\" errors=\"0\">\n",
	    tests, fails);
	for (k = 0; k < r->nverdicts; k++) {
		const struct jmx_verdict *v = &r->verdicts[k];

		jmx_buf_reset(&t);
		jmx_buf_adds(&t, v->threshold->label != NULL ?
		    v->threshold->label : "total");
		jmx_buf_adds(&t, ": ");
		threshold_name(&t, v);
		jmx_buf_adds(b, "<testcase classname=\"thresholds\" name=\"");
		xml_escape(b, t.data);
		jmx_buf_adds(b, "\">");
		if (!v->pass) {
			jmx_buf_adds(b, "<failure message=\"");
			if (v->measured)
				jmx_buf_addf(b, "measured %g", v->actual);
			else
				jmx_buf_adds(b, "no samples");
			jmx_buf_adds(b, "\"/>");
		}
		jmx_buf_adds(b, "</testcase>\n");
	}
	for (i = 0; i < nl; i++) {
		row = jmx_summary_label(r->sum, i);
		jmx_buf_adds(b, "<testcase classname=\"labels\" name=\"");
		xml_escape(b, row->label);
		jmx_buf_adds(b, "\">");
		lfails = 0;
		for (k = 0; k < r->nverdicts; k++) {
			const struct jmx_verdict *v = &r->verdicts[k];

			if (v->threshold->label == NULL || v->pass ||
			    strcmp(v->threshold->label, row->label) != 0)
				continue;
			if (lfails++ == 0)
				jmx_buf_adds(b, "<failure message=\"");
			else
				jmx_buf_adds(b, "; ");
			jmx_buf_reset(&t);
			threshold_name(&t, v);
			xml_escape(b, t.data);
		}
		if (lfails)
			jmx_buf_adds(b, "\"/>");
		jmx_buf_addf(b, "<system-out>samples %llu, errors %llu, "
		    "avg %.1f ms, p95 %lld ms, p99 %lld ms</system-out>"
		    "</testcase>\n", (unsigned long long)row->count,
		    (unsigned long long)row->errors,
		    isnan(row->avg) ? 0.0 : row->avg, (long long)row->p95,
		    (long long)row->p99);
	}
	jmx_buf_adds(b, "</testsuite>\n</testsuites>\n");
	jmx_buf_free(&t);
}

enum jmx_code
jmx_render_dir(struct jmx_report *r, const struct jmx_rec *recs, int nrec,
    const char *dir, struct jmx_err *err)
{
	static const char *const names[] = { "index.html", "report.md",
	    "report.json", "junit.xml" };
	struct jmx_buf b;
	enum jmx_code code = JMX_OK;
	char *path;
	int k;

	memset(&b, 0, sizeof b);
	for (k = 0; k < 4 && code == JMX_OK; k++) {
		jmx_buf_reset(&b);
		switch (k) {
		case 0:
			jmx_render_html(r, recs, nrec, dir, &b);
			break;
		case 1:
			jmx_render_markdown(r, recs, nrec, dir, &b);
			break;
		case 2:
			jmx_render_json(r, recs, nrec, dir, &b);
			break;
		default:
			jmx_render_junit(r, &b);
		}
		xasprintf(&path, "%s/%s", dir, names[k]);
		code = jmx_write_file(path, b.data, b.len, err);
		free(path);
	}
	jmx_buf_free(&b);
	return code;
}

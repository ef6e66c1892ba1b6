/*
 * render.c: HTML, Markdown, plain text, JSON and JUnit XML from a
 * report's model.
 *
 * The four share the same order of sections: header, verdict,
 * recommendations, statistics, errors, agents, charts, events; the text
 * (a terminal's) has the run's line, the statistics table and the
 * sentences under it.  Data strings pass through the escaper of their
 * format and nowhere else.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart.h"
#include "config.h"
#include "hist.h"
#include "json.h"
#include "recommend.h"
#include "render.h"
#include "store.h"
#include "report.h"
#include "stats.h"
#include "util.h"
#include "verdict.h"
#include "version.h"
#include "xmalloc.h"

#define TOP_ERRORS	5	/* per label, as JMeter's dashboard */

/*
 * What every format shows alike, at p: a control byte (C0 but tab, line
 * feed and carriage return, which each format places its own way; DEL;
 * C1) or a byte that is not UTF-8 as the text \xNN, never raw, so no
 * label can drive a terminal; a whole UTF-8 character as it is (both as
 * jmx_text_escape_char() has them).  Returns
 * the bytes taken, 0 for other ASCII, left to the format.
 */
static int
shown_alike(struct jmx_buf *b, const unsigned char *p)
{
	if (*p == '\t' || *p == '\n' || *p == '\r' ||
	    (*p >= 0x20 && *p < 0x7f))
		return 0;
	return jmx_text_escape_char(b, p);
}

void
jmx_html_escape(struct jmx_buf *b, const char *s)
{
	int n;

	for (; s != NULL && *s != '\0'; s++) {
		if ((n = shown_alike(b, (const unsigned char *)s)) > 0) {
			s += n - 1;
			continue;
		}
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

/*
 * Markdown table cell: no pipes, no line breaks, no raw HTML.  A '<' is
 * escaped where it could open a tag, a comment or an autolink, a '&'
 * where it could start a character reference, and only there, so that
 * "p95 < 500" still reads well in a terminal.
 */
static void
md_cell(struct jmx_buf *b, const char *s)
{
	int n;

	for (; s != NULL && *s != '\0'; s++) {
		if ((n = shown_alike(b, (const unsigned char *)s)) > 0) {
			s += n - 1;
			continue;
		}
		switch (*s) {
		case '|':
			jmx_buf_adds(b, "\\|");
			break;
		case '\n':
		case '\r':
			jmx_buf_addc(b, ' ');
			break;
		case '<':
			if (isalpha((unsigned char)s[1]) ||
			    strchr("/!?", s[1]) != NULL)
				jmx_buf_adds(b, "&lt;");
			else
				jmx_buf_addc(b, '<');
			break;
		case '&':
			if (isalnum((unsigned char)s[1]) || s[1] == '#')
				jmx_buf_adds(b, "&amp;");
			else
				jmx_buf_addc(b, '&');
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

/* v as fmt writes it, "-" when not positive (unknown). */
static void
formatted(struct jmx_buf *b, int64_t v, void (*fmt)(char *, size_t, int64_t))
{
	char t[64];

	if (v <= 0) {
		jmx_buf_adds(b, "-");
		return;
	}
	fmt(t, sizeof t, v);
	jmx_buf_adds(b, t);
}

static void
when(struct jmx_buf *b, int64_t epoch_ms)
{
	formatted(b, epoch_ms, jmx_format_time);
}

static void
dur(struct jmx_buf *b, int64_t v)
{
	formatted(b, v, jmx_format_duration);
}

/*
 * The banner's lines, as plain text for either format: agent failures
 * and what was done about them, then the load that did not run (which
 * agent, thread group, threads, share and window).  Returns how many;
 * free each and the vector.
 */
static int
failure_lines(const struct jmx_report *r, char ***out)
{
	struct jmx_buf b = { 0 };
	char **v = NULL;
	int k, n = 0;

	for (k = 0; k < r->nevents + r->nshortfalls; k++) {
		jmx_buf_reset(&b);
		if (k < r->nevents) {
			const struct jmx_report_event *e = &r->events[k];

			if (!jmx_report_failure_event(e->kind))
				continue;
			jmx_report_event_text(&b, e->kind, e->agent,
			    e->detail);
		} else
			jmx_shortfall_text(&b, &r->shortfalls[k - r->nevents],
			    r->threads, r->t0_ms);
		v = xreallocarray(v, (size_t)n + 1, sizeof *v);
		v[n++] = xstrdup(b.data);
	}
	jmx_buf_free(&b);
	*out = v;
	return n;
}

static void
free_lines(char **v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
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
	if (r->paused_ms > 0) {
		jmx_buf_adds(&b, "; active ");
		dur(&b, tot->active_ms);
		jmx_buf_adds(&b, ", paused ");
		dur(&b, r->paused_ms);
		jmx_buf_adds(&b, " (left out of throughput)");
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

/*
 * Tables.  A table is built once, as rows of plain-text cells, and
 * written by html_table() or md_table(): the emitters escape every cell
 * and heading for their format, so no builder has to.
 */
#define T_NUM		0x01	/* column: numbers, right-aligned */
#define T_PRE		0x02	/* column: text that may span lines */
#define T_RUN		0x04	/* column: only in the report of a stored run */
#define T_BAD		0x08	/* cell: a problem (errors, failed threshold) */
#define T_GOOD		0x10	/* cell: a passed threshold */
#define T_TOTAL		0x20	/* cell: the first of the total row */
#define MAXCOLS		16

struct col {
	const char	*head;
	int		 flags;		/* T_NUM, T_PRE, T_RUN */
};

struct cell {
	size_t		 off;		/* its text in the table's b */
	int		 flags;		/* T_BAD, T_GOOD, T_TOTAL */
};

struct table {
	struct col	 cols[MAXCOLS];	/* those kept */
	int		 ncols;
	uint32_t	 kept;		/* bit i: the i-th given column */
	int		 ngiven, in;	/* given columns, the next one */
	int		 nohead;	/* name, value pairs: no heading row */
	int		 wide;		/* HTML: in a scrolling card */
	struct cell	*cells;		/* row after row */
	size_t		 ncells, cap;
	struct jmx_buf	 b;		/* cells' text: unescaped, NUL-ended */
	size_t		 start;		/* of the cell being written */
};

/* cols: the columns, those flagged omit left out (their cells too). */
static void
table_init(struct table *t, const struct col *cols, int ncols, int omit)
{
	int i;

	memset(t, 0, sizeof *t);
	t->ngiven = ncols;
	for (i = 0; i < ncols && t->ncols < MAXCOLS; i++) {
		if (cols[i].flags & omit)
			continue;
		t->kept |= 1U << i;
		t->cols[t->ncols++] = cols[i];
	}
}

static void
table_free(struct table *t)
{
	free(t->cells);
	jmx_buf_free(&t->b);
}

static const char *
cell_text(const struct table *t, const struct cell *x)
{
	return t->b.data + x->off;
}

/* End the cell written in t->b since the last: the row's next column. */
static void
cell_end(struct table *t, int flags)
{
	int keep = (t->kept >> t->in) & 1;

	t->in = (t->in + 1) % t->ngiven;
	if (!keep) {
		t->b.len = t->start;
		return;
	}
	jmx_buf_addc(&t->b, '\0');
	if (t->ncells == t->cap) {
		t->cap = t->cap == 0 ? 64 : t->cap * 2;
		t->cells = xreallocarray(t->cells, t->cap, sizeof *t->cells);
	}
	t->cells[t->ncells].off = t->start;
	t->cells[t->ncells++].flags = flags;
	t->start = t->b.len;
}

static void
cell_str(struct table *t, const char *s, int flags)
{
	jmx_buf_adds(&t->b, s != NULL ? s : "");
	cell_end(t, flags);
}

/* v with prec decimals and unit; "-" when it is not a number. */
static void
cell_num(struct table *t, double v, int prec, const char *unit, int flags)
{
	num(&t->b, v, prec);
	if (!isnan(v) && !isinf(v))
		jmx_buf_adds(&t->b, unit);
	cell_end(t, flags);
}

static void
cell_ms(struct table *t, int64_t v)
{
	ms(&t->b, v);
	cell_end(t, 0);
}

static void
cell_count(struct table *t, uint64_t v)
{
	jmx_buf_addf(&t->b, "%llu", (unsigned long long)v);
	cell_end(t, 0);
}

/* An opening tag with the classes of flags. */
static void
html_open(struct jmx_buf *b, const char *tag, int flags)
{
	char cls[32];
	int n;

	n = snprintf(cls, sizeof cls, "%s%s%s", flags & T_NUM ? " n" : "",
	    flags & T_BAD ? " bad" : "", flags & T_GOOD ? " good" : "");
	if (n == 0)
		jmx_buf_addf(b, "<%s>", tag);
	else if (strchr(cls + 1, ' ') == NULL)
		jmx_buf_addf(b, "<%s class=%s>", tag, cls + 1);
	else
		jmx_buf_addf(b, "<%s class=\"%s\">", tag, cls + 1);
}

static void
html_table(struct jmx_buf *b, const struct table *t)
{
	const struct cell *x;
	size_t i;
	int c, pre;

	if (t->wide)
		jmx_buf_adds(b, "<div class=card style=\"padding:0;"
		    "overflow-x:auto\"><table><thead>");
	else
		jmx_buf_adds(b, t->nohead ? "<table class=facts>" : "<table>");
	if (!t->nohead) {
		jmx_buf_adds(b, "<tr>");
		for (c = 0; c < t->ncols; c++) {
			html_open(b, "th", t->cols[c].flags & T_NUM);
			jmx_html_escape(b, t->cols[c].head);
			jmx_buf_adds(b, "</th>");
		}
		jmx_buf_adds(b, t->wide ? "</tr></thead><tbody>\n" : "</tr>\n");
	}
	for (i = 0; i < t->ncells; i++) {
		x = &t->cells[i];
		c = (int)(i % (size_t)t->ncols);
		pre = t->cols[c].flags & T_PRE;
		if (c == 0)
			jmx_buf_adds(b, x->flags & T_TOTAL ?
			    "<tr class=total>" : "<tr>");
		html_open(b, "td", (t->cols[c].flags & T_NUM) | x->flags);
		jmx_buf_adds(b, pre ? "<pre>" : "");
		jmx_html_escape(b, cell_text(t, x));
		jmx_buf_adds(b, pre ? "</pre></td>" : "</td>");
		if (c == t->ncols - 1)
			jmx_buf_adds(b, "</tr>\n");
	}
	jmx_buf_adds(b, t->wide ? "</tbody></table></div>\n" : "</table>\n");
}

/* Problems and the total row in bold, as the HTML has them. */
static void
md_table(struct jmx_buf *b, const struct table *t)
{
	const struct cell *x;
	size_t i;
	int c, strong;

	jmx_buf_addc(b, '|');
	for (c = 0; c < t->ncols; c++) {
		jmx_buf_addc(b, ' ');
		if (!t->nohead) {
			md_cell(b, t->cols[c].head);
			jmx_buf_addc(b, ' ');
		}
		jmx_buf_addc(b, '|');
	}
	jmx_buf_adds(b, "\n|");
	for (c = 0; c < t->ncols; c++)
		jmx_buf_adds(b, t->cols[c].flags & T_NUM ? "---:|" : "---|");
	jmx_buf_addc(b, '\n');
	for (i = 0; i < t->ncells; i++) {
		x = &t->cells[i];
		c = (int)(i % (size_t)t->ncols);
		strong = (x->flags & (T_BAD | T_TOTAL)) &&
		    *cell_text(t, x) != '\0';
		jmx_buf_adds(b, c == 0 ? "| " : " | ");
		jmx_buf_adds(b, strong ? "**" : "");
		md_cell(b, cell_text(t, x));
		jmx_buf_adds(b, strong ? "**" : "");
		if (c == t->ncols - 1)
			jmx_buf_adds(b, " |\n");
	}
}

/* The sections' tables, the same for every format. */

static void
facts_table(struct jmx_report *r, struct table *t)
{
	static const struct col cols[] = { { "", 0 }, { "", 0 } };
	struct fact f[32];
	int k, nf;

	table_init(t, cols, 2, 0);
	t->nohead = 1;
	nf = facts(r, f);
	for (k = 0; k < nf; k++) {
		cell_str(t, f[k].name, 0);
		cell_str(t, f[k].value, 0);
	}
	free_facts(f, nf);
}

static void
thresholds_table(struct jmx_report *r, struct table *t)
{
	static const struct col cols[] = { { "Label", 0 },
	    { "Threshold", 0 }, { "Measured", T_NUM }, { "Result", 0 } };
	const struct jmx_verdict *v;
	int k;

	table_init(t, cols, 4, 0);
	for (k = 0; k < r->nverdicts; k++) {
		v = &r->verdicts[k];
		cell_str(t, v->threshold->label != NULL ?
		    v->threshold->label : "(total)", 0);
		threshold_name(&t->b, v);
		cell_end(t, 0);
		cell_num(t, v->measured ? v->actual : NAN, 2, "", 0);
		cell_str(t, v->pass ? "pass" : "FAIL", v->pass ? T_GOOD :
		    T_BAD);
	}
}

static void
stats_row(struct table *t, struct jmx_report *r,
    const struct jmx_summary_row *row)
{
	const int64_t ms_[] = { row->min, row->max, row->p50, row->p90,
	    row->p95, row->p99 };
	const double rate[] = { row->throughput, row->received_kbps,
	    row->sent_kbps };
	size_t i;

	cell_str(t, row->label != NULL ? row->label : "Total",
	    row->label != NULL ? 0 : T_TOTAL);
	cell_count(t, row->count);
	cell_count(t, row->errors);
	cell_num(t, row->count ? row->error_pct : NAN, 2, "%",
	    row->errors ? T_BAD : 0);
	cell_num(t, row->avg, 1, "", 0);
	for (i = 0; i < sizeof ms_ / sizeof ms_[0]; i++)
		cell_ms(t, ms_[i]);
	for (i = 0; i < sizeof rate / sizeof rate[0]; i++)
		cell_num(t, rate[i], 2, "", 0);
	cell_num(t, jmx_report_apdex(r, row->label), 3, "", 0);
}

static void
stats_table(struct jmx_report *r, struct table *t)
{
	static const struct col cols[] = { { "Label", T_PRE },
	    { "Samples", T_NUM }, { "Errors", T_NUM }, { "Error %", T_NUM },
	    { "Avg ms", T_NUM }, { "Min", T_NUM }, { "Max", T_NUM },
	    { "p50", T_NUM }, { "p90", T_NUM }, { "p95", T_NUM },
	    { "p99", T_NUM }, { "Samples/s", T_NUM }, { "Recv KB/s", T_NUM },
	    { "Sent KB/s", T_NUM }, { "APDEX", T_NUM } };
	size_t i, nl = jmx_summary_nlabels(r->sum);

	table_init(t, cols, 15, 0);
	t->wide = 1;
	for (i = 0; i < nl; i++)
		stats_row(t, r, jmx_summary_label(r->sum, i));
	stats_row(t, r, jmx_summary_total(r->sum));
}

/* Failed samples by code and message, summed over labels. */
static void
error_codes_table(struct jmx_report *r, struct table *t)
{
	static const struct col cols[] = { { "Response code", T_PRE },
	    { "Message", T_PRE }, { "Count", T_NUM },
	    { "% of errors", T_NUM }, { "% of samples", T_NUM } };
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum);
	const struct jmx_report_error *e;
	uint64_t c;
	int j, k;

	table_init(t, cols, 5, 0);
	for (k = 0; k < r->nerrors; k++) {
		e = &r->errors[k];
		for (j = 0; j < k; j++)
			if (strcmp(r->errors[j].code, e->code) == 0 &&
			    strcmp(r->errors[j].message, e->message) == 0)
				break;
		if (j < k)
			continue;
		for (c = e->count, j = k + 1; j < r->nerrors; j++)
			if (strcmp(r->errors[j].code, e->code) == 0 &&
			    strcmp(r->errors[j].message, e->message) == 0)
				c += r->errors[j].count;
		cell_str(t, e->code, 0);
		cell_str(t, e->message, 0);
		cell_count(t, c);
		cell_num(t, tot->errors ? 100.0 * (double)c /
		    (double)tot->errors : NAN, 2, "%", 0);
		cell_num(t, tot->count ? 100.0 * (double)c /
		    (double)tot->count : NAN, 2, "%", 0);
	}
}

/* The TOP_ERRORS most frequent of each label, the label named once. */
static void
top_errors_table(struct jmx_report *r, struct table *t)
{
	static const struct col cols[] = { { "Label", T_PRE },
	    { "Response code", T_PRE }, { "Message", T_PRE },
	    { "Count", T_NUM } };
	const struct jmx_summary_row *row;
	size_t i, nl = jmx_summary_nlabels(r->sum);
	int k, shown;

	table_init(t, cols, 4, 0);
	for (i = 0; i < nl; i++) {
		row = jmx_summary_label(r->sum, i);
		if (row->errors == 0)
			continue;
		for (k = 0, shown = 0; k < r->nerrors && shown < TOP_ERRORS;
		    k++) {
			if (strcmp(r->errors[k].label, row->label) != 0)
				continue;
			cell_str(t, shown++ == 0 ? row->label : "", 0);
			cell_str(t, r->errors[k].code, 0);
			cell_str(t, r->errors[k].message, 0);
			cell_count(t, r->errors[k].count);
		}
	}
}

/* Agents, or for JTL files the files: what a run knows of them. */
static void
agents_table(struct jmx_report *r, struct table *t)
{
	static const struct col cols[] = { { "Agent", 0 },
	    { "Host", T_RUN }, { "Weight", T_NUM | T_RUN },
	    { "Threads", T_NUM | T_RUN }, { "Segments", T_NUM | T_RUN },
	    { "Samples", T_NUM }, { "Share", T_NUM },
	    { "Samples/s", T_NUM }, { "Error %", T_NUM },
	    { "p95 ms", T_NUM }, { "Start skew", T_NUM | T_RUN },
	    { "State", T_RUN }, { "Log errors", T_NUM | T_RUN } };
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum), *row;
	const struct jmx_report_agent *a;
	int k;

	table_init(t, cols, 13, r->run_id > 0 ? 0 : T_RUN);
	if (r->run_id <= 0)
		t->cols[0].head = "File";
	for (k = 0; k < r->nagents; k++) {
		a = &r->agents[k];
		row = jmx_summary_total(a->sum);
		cell_str(t, a->name, 0);
		cell_str(t, a->host != NULL ? a->host : "-", 0);
		cell_num(t, a->weight > 0 ? a->weight : NAN, 2, "", 0);
		cell_ms(t, a->threads > 0 ? a->threads : -1);
		jmx_buf_addf(&t->b, "%d", a->segments);
		cell_end(t, 0);
		cell_count(t, row->count);
		cell_num(t, tot->count ? 100.0 * (double)row->count /
		    (double)tot->count : NAN, 1, "%", 0);
		cell_num(t, row->throughput, 2, "", 0);
		cell_num(t, row->count ? row->error_pct : NAN, 2, "%",
		    row->errors ? T_BAD : 0);
		cell_ms(t, row->p95);
		if (a->skew_ms >= 0)
			jmx_buf_addf(&t->b, "%lld ms", (long long)a->skew_ms);
		else
			jmx_buf_adds(&t->b, "-");
		cell_end(t, 0);
		cell_str(t, a->state != NULL ? a->state : "-", 0);
		if (a->have_log)
			jmx_buf_addf(&t->b, "%llu",
			    (unsigned long long)a->log_errors);
		else
			jmx_buf_adds(&t->b, "-");
		cell_end(t, 0);
	}
}

static void
events_table(struct jmx_report *r, struct table *t)
{
	static const struct col cols[] = { { "Time", 0 }, { "t", T_NUM },
	    { "Event", 0 }, { "Agent", 0 }, { "Detail", 0 } };
	const struct jmx_report_event *e;
	int k;

	table_init(t, cols, 5, 0);
	for (k = 0; k < r->nevents; k++) {
		e = &r->events[k];
		when(&t->b, e->time_ms);
		cell_end(t, 0);
		if (jmx_report_event_timed(e))
			jmx_buf_addf(&t->b, "%+.1f s",
			    (double)(e->time_ms - r->t0_ms) / 1000.0);
		else
			jmx_buf_adds(&t->b, "-");
		cell_end(t, 0);
		cell_str(t, e->kind, 0);
		cell_str(t, e->agent, 0);
		cell_str(t, e->detail, 0);
	}
}

/*
 * The body of the HTML and of the Markdown: the same sections, tables
 * and sentences, written by a format's callbacks.
 */
struct fmt {
	void	(*heading)(struct jmx_buf *, int level, const char *);
	void	(*table)(struct jmx_buf *, const struct table *);
	void	(*escape)(struct jmx_buf *, const char *);
	const char *note[2];		/* around a sentence alone */
	const char *dot;		/* between the parts of a line */
	/* A recommendation: badge, then title, evidence, suggestion each
	   followed by its rec_after. */
	void	(*badge)(struct jmx_buf *, const char *severity);
	const char *rec_after[3];
	void	(*charts)(struct jmx_buf *, const struct jmx_report *,
		    const char *dir, const struct jmx_chart **, int);
	const char *footer[2];		/* around the closing sentences */
};

static const char definitions[] = "Statistics cover every sample of the "
    "run (no sliding window). Percentiles are nearest-rank over exact "
    "millisecond histograms: the p-th percentile is the smallest recorded "
    "value with at least p% of the samples at or below it. Throughput is "
    "samples over the time from the first sample's start to the last "
    "sample's end.";

#define CHARTS_NOTE	"One point per %lld s; dashed orange lines mark the " \
	"run's events."

static void
section(const struct fmt *f, struct jmx_buf *b, struct jmx_report *r,
    void (*build)(struct jmx_report *, struct table *))
{
	struct table t;

	build(r, &t);
	f->table(b, &t);
	table_free(&t);
}

static void
note(const struct fmt *f, struct jmx_buf *b, const char *s)
{
	jmx_buf_adds(b, f->note[0]);
	f->escape(b, s);
	jmx_buf_adds(b, f->note[1]);
}

/* Under the title: run N, its state, when the report was made. */
static void
subtitle(const struct fmt *f, struct jmx_buf *b, const struct jmx_report *r)
{
	if (r->run_id > 0)
		jmx_buf_addf(b, "run %lld%s", (long long)r->run_id, f->dot);
	f->escape(b, r->state != NULL ? r->state : "results file");
	jmx_buf_addf(b, "%sreport generated ", f->dot);
	when(b, r->generated_ms);
}

static void
rec_item(const struct fmt *f, struct jmx_buf *b, const struct jmx_rec *rec)
{
	const char *text[3] = { rec->title, rec->evidence, rec->suggestion };
	int i;

	f->badge(b, jmx_rec_severity_name(rec->severity));
	for (i = 0; i < 3; i++) {
		f->escape(b, text[i]);
		jmx_buf_adds(b, f->rec_after[i]);
	}
}

static void
body(struct jmx_report *r, const struct jmx_rec *recs, int nrec,
    const char *dir, const struct fmt *f, struct jmx_buf *b)
{
	const struct jmx_chart *ch[JMX_CHART_MAX];
	char top[64];
	int k, n;

	f->heading(b, 2, "Run");
	section(f, b, r, facts_table);
	if (r->nverdicts > 0) {
		f->heading(b, 2, "Thresholds");
		section(f, b, r, thresholds_table);
	}
	f->heading(b, 2, "Recommendations");
	if (nrec == 0)
		note(f, b, "No rule fired: nothing in these results calls "
		    "for attention.");
	for (k = 0; k < nrec; k++)
		rec_item(f, b, &recs[k]);
	f->heading(b, 2, "Statistics");
	section(f, b, r, stats_table);
	f->heading(b, 2, "Errors");
	if (r->nerrors == 0)
		note(f, b, "No failed samples.");
	else {
		f->heading(b, 3, "By response code and message");
		section(f, b, r, error_codes_table);
		snprintf(top, sizeof top, "Top %d errors per label",
		    TOP_ERRORS);
		f->heading(b, 3, top);
		section(f, b, r, top_errors_table);
	}
	f->heading(b, 2, r->run_id > 0 ? "Agents" : "Files");
	section(f, b, r, agents_table);
	n = jmx_chart_list(r, ch);
	if (n > 0 && have_charts(dir, ch[0]->name)) {
		f->heading(b, 2, "Charts");
		f->charts(b, r, dir, ch, n);
	}
	if (r->nevents > 0) {
		f->heading(b, 2, "Events");
		section(f, b, r, events_table);
	}
	jmx_buf_addf(b, "%sGenerated by jmx-report %s. ", f->footer[0],
	    jmx_version());
	f->escape(b, definitions);
	jmx_buf_adds(b, f->footer[1]);
}

static void
html_heading(struct jmx_buf *b, int level, const char *s)
{
	jmx_buf_addf(b, "<h%d>", level);
	jmx_html_escape(b, s);
	jmx_buf_addf(b, "</h%d>\n", level);
}

static void
html_badge(struct jmx_buf *b, const char *sev)
{
	jmx_buf_addf(b, "<div class=\"card rec\"><span class=\"sev "
	    "sev-%s\">%s</span><b>", sev, sev);
}

static void
html_charts(struct jmx_buf *b, const struct jmx_report *r, const char *dir,
    const struct jmx_chart **ch, int n)
{
	int k;

	jmx_buf_addf(b, "<div class=sub>" CHARTS_NOTE "</div>\n",
	    (long long)r->interval_s);
	for (k = 0; k < n; k++) {
		jmx_buf_addf(b, "<div class=\"card chart\"><h3>%s</h3>"
		    "<img alt=\"%s\" src=\"", ch[k]->title, ch[k]->title);
		png_uri(b, dir, ch[k]->name);
		jmx_buf_addf(b, "\"><div class=cap>%s &middot; "
		    "<a href=\"%s.svg\">SVG</a> &middot; "
		    "<a href=\"%s.png\">PNG</a></div></div>\n",
		    ch[k]->caption, ch[k]->name, ch[k]->name);
	}
}

static const struct fmt html_fmt = { html_heading, html_table,
    jmx_html_escape, { "<div class=card>", "</div>\n" }, " &middot; ",
    html_badge, { "</b><p class=ev><b>Evidence:</b> ",
    "</p><p class=sg><b>Suggestion:</b> ", "</p></div>\n" }, html_charts,
    { "<footer>", "</footer>\n</main></body></html>\n" } };

void
jmx_render_html(struct jmx_report *r, const struct jmx_rec *recs, int nrec,
    const char *dir, struct jmx_buf *b)
{
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum);
	char **lines;
	int k, n, nl;

	jmx_buf_adds(b, "<!DOCTYPE html>\n<html lang=en><head><meta "
	    "charset=utf-8><meta name=viewport content=\"width=device-width,"
	    "initial-scale=1\"><title>jmx report: ");
	jmx_html_escape(b, r->name);
	jmx_buf_addf(b, "</title><style>%s</style></head><body><main>\n", css);
	jmx_buf_adds(b, "<h1>");
	jmx_html_escape(b, r->name);
	jmx_buf_adds(b, "</h1><div class=sub>");
	subtitle(&html_fmt, b, r);
	jmx_buf_adds(b, "</div>\n");

	nl = failure_lines(r, &lines);
	if (r->run_id > 0 && r->state != NULL &&
	    (strcmp(r->state, "completed") != 0 || nl > 0)) {
		jmx_buf_adds(b, "<div class=\"banner partial\">This run is ");
		jmx_html_escape(b, r->state);
		if (r->delivered_pct >= 0)
			jmx_buf_addf(b, ": %.1f%% of the planned load was "
			    "delivered", r->delivered_pct);
		jmx_buf_adds(b, ".");
		for (k = 0; k < nl; k++) {
			jmx_buf_adds(b, "<br>");
			jmx_html_escape(b, lines[k]);
		}
		jmx_buf_adds(b, "</div>\n");
	}
	free_lines(lines, nl);
	if (r->nverdicts > 0) {
		n = failed_verdicts(r);
		jmx_buf_addf(b, "<div class=\"banner %s\">Verdict: %s (%d of %d "
		    "thresholds failed)</div>\n", n ? "fail" : "pass",
		    n ? "FAILED" : "passed", n, r->nverdicts);
	}
	if (tot->count == 0)
		jmx_buf_adds(b, "<div class=\"banner partial\">No samples: "
		    "there is nothing to measure.</div>\n");
	body(r, recs, nrec, dir, &html_fmt, b);
}

/* Plain text for a terminal: jmx_text_escape(), a row stays one line. */
static void
text_escape(struct jmx_buf *b, const char *s)
{
	jmx_text_escape(b, s);
}

/* One cell padded to width: numbers to the right, text to the left. */
static void
text_cell(struct jmx_buf *b, struct jmx_buf *tmp, const char *s,
    size_t width, int flags, int last)
{
	size_t w;

	jmx_buf_reset(tmp);
	w = jmx_text_escape(tmp, s);
	for (; (flags & T_NUM) && w < width; w++)
		jmx_buf_addc(b, ' ');
	jmx_buf_add(b, tmp->data, tmp->len);
	for (; !last && w < width; w++)
		jmx_buf_addc(b, ' ');
	jmx_buf_adds(b, last ? "\n" : "  ");
}

/* Columns as wide as their widest cell, two spaces apart. */
static void
text_table(struct jmx_buf *b, const struct table *t)
{
	struct jmx_buf tmp = { 0 };
	size_t width[MAXCOLS], i, w;
	int c;

	for (c = 0; c < t->ncols; c++)
		width[c] = t->nohead ? 0 : jmx_text_escape(&tmp,
		    t->cols[c].head);
	for (i = 0; i < t->ncells; i++) {
		c = (int)(i % (size_t)t->ncols);
		jmx_buf_reset(&tmp);
		if ((w = jmx_text_escape(&tmp, cell_text(t, &t->cells[i]))) >
		    width[c])
			width[c] = w;
	}
	for (c = 0; !t->nohead && c < t->ncols; c++)
		text_cell(b, &tmp, t->cols[c].head, width[c],
		    t->cols[c].flags, c == t->ncols - 1);
	for (i = 0; i < t->ncells; i++) {
		c = (int)(i % (size_t)t->ncols);
		text_cell(b, &tmp, cell_text(t, &t->cells[i]), width[c],
		    t->cols[c].flags, c == t->ncols - 1);
	}
	jmx_buf_free(&tmp);
}

/* Only its table is used: the text's sentences are its own. */
static const struct fmt text_fmt = { NULL, text_table, text_escape,
    { "", "\n" }, ", ", NULL, { "", "", "" }, NULL, { "", "" } };

void
jmx_render_text(struct jmx_report *r, struct jmx_buf *b)
{
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum);
	const struct jmx_verdict *v;
	char **lines;
	int k, n, nl;

	if (r->run_id > 0) {
		jmx_buf_addf(b, "run %lld ", (long long)r->run_id);
		text_escape(b, r->state);
		jmx_buf_adds(b, ": ");
		text_escape(b, r->name);
		jmx_buf_adds(b, "\n\n");
	}
	section(&text_fmt, b, r, stats_table);
	if (r->run_id > 0) {
		jmx_buf_addc(b, '\n');
		if (r->skew_ms >= 0)
			jmx_buf_addf(b, "start skew %lld ms across agents; ",
			    (long long)r->skew_ms);
		jmx_buf_addf(b, "%llu samples", (unsigned long long)tot->count);
		if (r->jtl_records >= 0)
			jmx_buf_addf(b, ", %lld records in the agents' JTLs",
			    (long long)r->jtl_records);
		jmx_buf_addc(b, '\n');
		if (r->paused_ms > 0) {
			jmx_buf_adds(b, "throughput over the active time, ");
			dur(b, tot->active_ms);
			jmx_buf_adds(b, ": pauses of ");
			dur(b, r->paused_ms);
			jmx_buf_adds(b, " left out\n");
		}
	}
	nl = failure_lines(r, &lines);
	for (k = 0; k < nl; k++) {
		text_escape(b, lines[k]);
		jmx_buf_addc(b, '\n');
	}
	free_lines(lines, nl);
	if (r->run_id > 0 && r->delivered_pct >= 0)
		jmx_buf_addf(b, "%.1f %% of the planned load delivered\n",
		    r->delivered_pct);
	for (k = 0; k < r->nverdicts; k++) {
		v = &r->verdicts[k];
		jmx_buf_adds(b, "threshold ");
		threshold_name(b, v);
		if (v->threshold->label != NULL) {
			jmx_buf_adds(b, " on '");
			text_escape(b, v->threshold->label);
			jmx_buf_adds(b, "'");
		}
		if (v->measured)
			jmx_buf_addf(b, ": %s (measured %g)\n", v->pass ? "ok" :
			    "FAILED", v->actual);
		else
			jmx_buf_adds(b, ": FAILED (no samples)\n");
	}
	if (r->nverdicts > 0) {
		n = failed_verdicts(r);
		jmx_buf_addf(b, "verdict: %s (%d of %d thresholds failed)\n",
		    n ? "FAILED" : "passed", n, r->nverdicts);
	}
}

/* A heading after one blank line. */
static void
md_heading(struct jmx_buf *b, int level, const char *s)
{
	if (b->len < 2 || b->data[b->len - 2] != '\n')
		jmx_buf_addc(b, '\n');
	jmx_buf_addf(b, "%.*s ", level, "######");
	md_cell(b, s);
	jmx_buf_adds(b, "\n\n");
}

static void
md_badge(struct jmx_buf *b, const char *sev)
{
	jmx_buf_addf(b, "- **%s: ", sev);
}

static void
md_charts(struct jmx_buf *b, const struct jmx_report *r, const char *dir,
    const struct jmx_chart **ch, int n)
{
	int k;

	(void)dir;
	jmx_buf_addf(b, CHARTS_NOTE "\n\n", (long long)r->interval_s);
	for (k = 0; k < n; k++) {
		jmx_buf_addf(b, "- [%s](%s.svg) ([PNG](%s.png)): ",
		    ch[k]->title, ch[k]->name, ch[k]->name);
		md_cell(b, ch[k]->caption);
		jmx_buf_addc(b, '\n');
	}
}

/* The dot is U+00B7, a middle dot. */
static const struct fmt md_fmt = { md_heading, md_table, md_cell,
    { "", "\n" }, " \xc2\xb7 ", md_badge, { "**  \n  Evidence: ",
    "  \n  Suggestion: ", "\n" }, md_charts, { "\n", "\n" } };

void
jmx_render_markdown(struct jmx_report *r, const struct jmx_rec *recs,
    int nrec, const char *dir, struct jmx_buf *b)
{
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum);
	char **lines;
	int k, n, nl;

	jmx_buf_adds(b, "# ");
	md_cell(b, r->name);
	jmx_buf_adds(b, "\n\n");
	subtitle(&md_fmt, b, r);
	jmx_buf_adds(b, "\n\n");
	nl = failure_lines(r, &lines);
	if (r->run_id > 0 && r->state != NULL &&
	    (strcmp(r->state, "completed") != 0 || nl > 0)) {
		jmx_buf_adds(b, "> **This run is ");
		md_cell(b, r->state);
		jmx_buf_adds(b, "**");
		if (r->delivered_pct >= 0)
			jmx_buf_addf(b, ": %.1f%% of the planned load was "
			    "delivered", r->delivered_pct);
		jmx_buf_adds(b, ".\n");
		for (k = 0; k < nl; k++) {
			jmx_buf_adds(b, "> - ");
			md_cell(b, lines[k]);
			jmx_buf_addc(b, '\n');
		}
		jmx_buf_addc(b, '\n');
	}
	free_lines(lines, nl);
	if (r->nverdicts > 0) {
		n = failed_verdicts(r);
		jmx_buf_addf(b, "**Verdict: %s** (%d of %d thresholds "
		    "failed)\n\n", n ? "FAILED" : "passed", n, r->nverdicts);
	}
	if (tot->count == 0)
		jmx_buf_adds(b, "> **No samples: there is nothing to "
		    "measure.**\n\n");
	body(r, recs, nrec, dir, &md_fmt, b);
}

static void
thresholds_json(struct jmx_json *w, const struct jmx_report *r)
{
	const struct jmx_verdict *v;
	int k;

	jmx_json_array_begin(w);
	for (k = 0; k < r->nverdicts; k++) {
		v = &r->verdicts[k];
		jmx_json_object_begin(w);
		jmx_json_pair_str(w, "label", v->threshold->label);
		jmx_json_pair_str(w, "metric", v->threshold->metric);
		jmx_json_pair_str(w, "op", v->threshold->op);
		jmx_json_pair_double(w, "value", v->threshold->value);
		jmx_json_pair_double(w, "actual", v->measured ? v->actual :
		    NAN);
		jmx_json_pair_bool(w, "pass", v->pass);
		jmx_json_object_end(w);
	}
	jmx_json_array_end(w);
}

/* The shortfalls; the events, or only those about agent failures. */
static void
events_json(struct jmx_json *w, const struct jmx_report *r,
    const char *events_key, int failures_only)
{
	const struct jmx_report_event *e;
	int k;

	jmx_json_key(w, events_key);
	jmx_json_array_begin(w);
	for (k = 0; k < r->nevents; k++) {
		e = &r->events[k];
		if (!failures_only || jmx_report_failure_event(e->kind))
			jmx_report_event_json(w, e->time_ms, e->kind,
			    e->agent, e->detail);
	}
	jmx_json_array_end(w);
	jmx_json_key(w, "shortfalls");
	jmx_json_array_begin(w);
	for (k = 0; k < r->nshortfalls; k++)
		jmx_shortfall_json(w, &r->shortfalls[k], r->threads);
	jmx_json_array_end(w);
}

void
jmx_render_json(struct jmx_report *r, const struct jmx_rec *recs, int nrec,
    const char *dir, struct jmx_buf *b)
{
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum), *row;
	const struct jmx_chart *ch[JMX_CHART_MAX];
	const struct jmx_report_point *p;
	size_t i, nl = jmx_summary_nlabels(r->sum);
	struct jmx_json w;
	char name[64];
	int k, n;

	jmx_json_init(&w, b);
	jmx_json_object_begin(&w);
	jmx_json_key(&w, "run");
	jmx_json_object_begin(&w);
	jmx_json_pair_int_or_null(&w, "id", r->run_id, r->run_id > 0);
	jmx_json_pair_str(&w, "name", r->name);
	jmx_json_pair_str(&w, "plan", r->plan);
	jmx_json_pair_str(&w, "label", r->label);
	jmx_json_pair_str(&w, "state", r->state);
	jmx_json_pair_time(&w, "first_start", tot->count ? tot->first_start :
	    0);
	jmx_json_pair_time(&w, "last_end", tot->count ? tot->last_end : 0);
	jmx_json_pair_int(&w, "planned_duration_ms", r->duration_ms);
	jmx_json_pair_int(&w, "active_ms", tot->active_ms);
	jmx_json_pair_int(&w, "paused_ms", r->paused_ms);
	jmx_json_pair_int(&w, "planned_threads", r->threads);
	jmx_json_pair_int(&w, "peak_threads", peak_threads(r));
	jmx_json_pair_double(&w, "delivered_pct", r->delivered_pct >= 0 ?
	    r->delivered_pct : NAN);
	jmx_json_pair_int_or_null(&w, "skew_ms", r->skew_ms, r->skew_ms >= 0);
	jmx_json_pair_uint(&w, "bad_records", r->bad_records);
	jmx_json_pair_uint(&w, "truncated_records", r->truncated);
	jmx_json_key(&w, "sources");
	jmx_json_array_begin(&w);
	for (k = 0; k < r->nsources; k++)
		jmx_json_string(&w, r->sources[k]);
	jmx_json_array_end(&w);
	jmx_json_object_end(&w);

	jmx_json_key(&w, "apdex");
	jmx_json_object_begin(&w);
	jmx_json_pair_int(&w, "t_ms", r->apdex_t_ms);
	jmx_json_pair_int(&w, "f_ms", r->apdex_f_ms > 0 ? r->apdex_f_ms :
	    4 * r->apdex_t_ms);
	jmx_json_pair_double(&w, "total", jmx_report_apdex(r, NULL));
	jmx_json_key(&w, "labels");
	jmx_json_object_begin(&w);
	for (i = 0; i < nl; i++) {
		row = jmx_summary_label(r->sum, i);
		jmx_json_pair_double(&w, row->label,
		    jmx_report_apdex(r, row->label));
	}
	jmx_json_object_end(&w);
	jmx_json_object_end(&w);

	jmx_json_key(&w, "statistics");
	jmx_summary_json(r->sum, &w);
	jmx_json_key(&w, "errors");
	jmx_json_array_begin(&w);
	for (k = 0; k < r->nerrors; k++) {
		jmx_json_object_begin(&w);
		jmx_json_pair_str(&w, "label", r->errors[k].label);
		jmx_json_pair_str(&w, "code", r->errors[k].code);
		jmx_json_pair_str(&w, "message", r->errors[k].message);
		jmx_json_pair_uint(&w, "count", r->errors[k].count);
		jmx_json_object_end(&w);
	}
	jmx_json_array_end(&w);

	jmx_json_key(&w, "agents");
	jmx_json_array_begin(&w);
	for (k = 0; k < r->nagents; k++) {
		const struct jmx_report_agent *a = &r->agents[k];

		row = jmx_summary_total(a->sum);
		jmx_json_object_begin(&w);
		jmx_json_pair_str(&w, "name", a->name);
		jmx_json_pair_str(&w, "host", a->host);
		jmx_json_pair_int(&w, "threads", a->threads);
		jmx_json_pair_int(&w, "segments", a->segments);
		jmx_json_pair_double(&w, "share_pct", tot->count ? 100.0 *
		    (double)row->count / (double)tot->count : NAN);
		jmx_json_pair_int_or_null(&w, "log_errors",
		    (int64_t)a->log_errors, a->have_log);
		jmx_json_key(&w, "stats");
		jmx_summary_row_json(row, &w);
		jmx_json_object_end(&w);
	}
	jmx_json_array_end(&w);
	events_json(&w, r, "events", 0);

	jmx_json_key(&w, "recommendations");
	jmx_json_array_begin(&w);
	for (k = 0; k < nrec; k++) {
		jmx_json_object_begin(&w);
		jmx_json_pair_str(&w, "rule", recs[k].rule);
		jmx_json_pair_str(&w, "severity",
		    jmx_rec_severity_name(recs[k].severity));
		jmx_json_pair_str(&w, "title", recs[k].title);
		jmx_json_pair_str(&w, "evidence", recs[k].evidence);
		jmx_json_pair_str(&w, "suggestion", recs[k].suggestion);
		if (recs[k].from_s >= 0 || recs[k].to_s >= 0) {
			jmx_json_key(&w, "window_s");
			jmx_json_array_begin(&w);
			jmx_json_int(&w, recs[k].from_s);
			jmx_json_int(&w, recs[k].to_s);
			jmx_json_array_end(&w);
		}
		jmx_json_object_end(&w);
	}
	jmx_json_array_end(&w);
	jmx_json_key(&w, "thresholds");
	thresholds_json(&w, r);

	jmx_json_key(&w, "charts");
	jmx_json_array_begin(&w);
	n = jmx_chart_list(r, ch);
	if (n > 0 && !have_charts(dir, ch[0]->name))
		n = 0;
	for (k = 0; k < n; k++) {
		jmx_json_object_begin(&w);
		jmx_json_pair_str(&w, "name", ch[k]->name);
		snprintf(name, sizeof name, "%s.png", ch[k]->name);
		jmx_json_pair_str(&w, "png", name);
		snprintf(name, sizeof name, "%s.svg", ch[k]->name);
		jmx_json_pair_str(&w, "svg", name);
		jmx_json_object_end(&w);
	}
	jmx_json_array_end(&w);

	jmx_json_key(&w, "series");
	jmx_json_object_begin(&w);
	jmx_json_pair_int(&w, "interval_s", r->interval_s);
	jmx_json_pair_time(&w, "t0", r->t0_ms);
	jmx_json_key(&w, "points");
	jmx_json_array_begin(&w);
	for (k = 0; k < r->npoints; k++) {
		p = &r->points[k];
		jmx_json_array_begin(&w);
		jmx_json_int(&w, p->t);
		jmx_json_uint(&w, p->count);
		jmx_json_uint(&w, p->errors);
		jmx_json_int(&w, p->threads);
		jmx_json_int(&w, p->p50);
		jmx_json_int(&w, p->p90);
		jmx_json_int(&w, p->p95);
		jmx_json_int(&w, p->p99);
		jmx_json_array_end(&w);
	}
	jmx_json_array_end(&w);
	jmx_json_key(&w, "columns");
	jmx_json_array_begin(&w);
	for (k = 0; k < 8; k++)
		jmx_json_string(&w, (const char *[]){ "t", "count", "errors",
		    "threads", "p50", "p90", "p95", "p99" }[k]);
	jmx_json_array_end(&w);
	jmx_json_object_end(&w);
	jmx_json_object_end(&w);
	jmx_buf_addc(b, '\n');
}

/*
 * jmx-run's result keys, into an object the caller opened: the run, its
 * verdict and thresholds, the load delivered, the agent failures and
 * shortfalls, and the statistics' labels and total.
 */
void
jmx_render_result_json(struct jmx_report *r, struct jmx_json *w)
{
	jmx_json_pair_int(w, "run_id", r->run_id);
	jmx_json_pair_str(w, "state", r->state);
	jmx_json_pair_str(w, "test_case", r->name);
	jmx_json_pair_time(w, "start", r->start_ms);
	jmx_json_pair_time(w, "end", r->end_ms);
	jmx_json_pair_str(w, "verdict", failed_verdicts(r) > 0 ? "failed" :
	    "passed");
	jmx_json_key(w, "thresholds");
	thresholds_json(w, r);
	jmx_json_pair_int_or_null(w, "jtl_records", r->jtl_records,
	    r->jtl_records >= 0);
	jmx_json_pair_int_or_null(w, "skew_ms", r->skew_ms, r->skew_ms >= 0);
	jmx_json_pair_double(w, "delivered_pct", r->delivered_pct >= 0 ?
	    r->delivered_pct : NAN);
	jmx_json_pair_int(w, "active_ms",
	    jmx_summary_total(r->sum)->active_ms);
	jmx_json_pair_int(w, "paused_ms", r->paused_ms);
	events_json(w, r, "failures", 1);
	jmx_summary_json_keys(r->sum, w);
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
	jmx_html_escape(b, r->name);
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
		jmx_html_escape(b, t.data);
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
		jmx_html_escape(b, row->label);
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
			jmx_html_escape(b, t.data);
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

/*
 * A table of plain-text cells for the other renderers (compare, trend,
 * history), written by the same emitters as a report's tables.
 */
void
jmx_render_cells(struct jmx_buf *b, enum jmx_render_fmt fmt,
    const char *const *heads, int ncols, uint32_t num_cols,
    const char *const *cells, const int *bad, size_t ncells)
{
	struct col cols[MAXCOLS];
	struct table t;
	size_t i;
	int c;

	for (c = 0; c < ncols && c < MAXCOLS; c++) {
		cols[c].head = heads[c];
		cols[c].flags = (num_cols >> c) & 1 ? T_NUM : 0;
	}
	table_init(&t, cols, c, 0);
	for (i = 0; i < ncells; i++)
		cell_str(&t, cells[i], bad != NULL && bad[i] ? T_BAD : 0);
	if (fmt == JMX_RENDER_HTML)
		html_table(b, &t);
	else if (fmt == JMX_RENDER_MARKDOWN)
		md_table(b, &t);
	else
		text_table(b, &t);
	table_free(&t);
}

const char *
jmx_render_css(void)
{
	return css;
}

void
jmx_render_png_uri(struct jmx_buf *b, const char *dir, const char *name)
{
	png_uri(b, dir, name);
}

void
jmx_md_escape(struct jmx_buf *b, const char *s)
{
	md_cell(b, s);
}

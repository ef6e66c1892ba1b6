/*
 * report.c: gathering a report's model from a stored run or JTL files.
 *
 * Per-second data lives in a hash by second until jmx_report_finish()
 * folds it into intervals; failed samples are counted in a hash keyed by
 * (label, code, message).  Neither grows with the number of samples, only
 * with the run's length and the variety of its errors.
 *
 * A second does not keep a histogram table (~10 KB each, most of the
 * memory of a long report): it keeps its buckets' histograms encoded
 * (hist.h's blob, varint deltas and counts: ~2.5 bytes a distinct value
 * of a label), one after the other, and build_series() merges them into
 * the intervals' histograms.  Encoding is exact, so the series is what
 * the tables gave, in a tenth of the memory and about the same time: a
 * bucket's histogram is small and encodes cheaply, as cheaply as merging
 * it into a table was.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "hist.h"
#include "json.h"
#include "input.h"
#include "jtl.h"
#include "report.h"
#include "stats.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

/* One second of the series, all labels. */
struct sec_data {
	int64_t		 sec;
	uint64_t	 count, errors;
	int64_t		 elapsed_sum, latency_sum, connect_sum;
	int64_t		 bytes, sent_bytes;
	int64_t		*athreads;	/* per agent: max allThreads */
	uint64_t	*acount;	/* per agent: samples */
	int		 na;
	struct jmx_buf	 hists;		/* per bucket: uint32 length, blob */
};

struct report_priv {
	struct sec_data	*secs;
	size_t		 nsecs, capsecs;
	size_t		*sidx;		/* hash: index + 1, 0 empty */
	size_t		 sidx_cap;
	size_t		*eidx;		/* errors hash: index + 1 */
	size_t		 eidx_cap;
	int		 caperrors;
	/* A stored run's generations after the first: their T0 and the
	 * last sample end before it (see set_pauses()). */
	int64_t		*gen_t0, *gen_before;
	int		 ngen;
};

static uint64_t
hash_bytes(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

struct jmx_report *
jmx_report_new(int series)
{
	struct jmx_report *r = xcalloc(1, sizeof *r);

	r->priv = xcalloc(1, sizeof *r->priv);
	r->series = series;
	r->sum = jmx_summary_new();
	r->apdex_t_ms = 500;
	r->skew_ms = -1;
	r->delivered_pct = -1;
	r->jtl_records = -1;
	r->interval_s = 1;
	r->generated_ms = jmx_now_ms();
	return r;
}

static void
free_secs(struct report_priv *p)
{
	size_t i;

	for (i = 0; i < p->nsecs; i++) {
		free(p->secs[i].athreads);
		free(p->secs[i].acount);
		jmx_buf_free(&p->secs[i].hists);
	}
	free(p->secs);
	free(p->sidx);
	p->secs = NULL;
	p->sidx = NULL;
	p->nsecs = p->capsecs = p->sidx_cap = 0;
}

void
jmx_report_free(struct jmx_report *r)
{
	int i;

	if (r == NULL)
		return;
	free(r->name);
	free(r->plan);
	free(r->label);
	free(r->state);
	for (i = 0; i < r->nsources; i++)
		free(r->sources[i]);
	free(r->sources);
	jmx_summary_free(r->sum);
	for (i = 0; i < r->napdex; i++) {
		free(r->apdex[i].label);
		jmx_summary_free(r->apdex[i].sum);
	}
	free(r->apdex);
	for (i = 0; i < r->nagents; i++) {
		free(r->agents[i].name);
		free(r->agents[i].host);
		free(r->agents[i].state);
		free(r->agents[i].log_first_error);
		jmx_summary_free(r->agents[i].sum);
	}
	free(r->agents);
	for (i = 0; i < r->nerrors; i++) {
		free(r->errors[i].label);
		free(r->errors[i].code);
		free(r->errors[i].message);
	}
	free(r->errors);
	for (i = 0; i < r->nevents; i++) {
		free(r->events[i].kind);
		free(r->events[i].agent);
		free(r->events[i].detail);
	}
	free(r->events);
	jmx_shortfall_recs_free(r->shortfalls, r->nshortfalls);
	for (i = 0; i < r->npoints; i++)
		free(r->points[i].agent_count);
	free(r->points);
	if (r->priv != NULL) {
		free_secs(r->priv);
		free(r->priv->eidx);
		free(r->priv->gen_t0);
		free(r->priv->gen_before);
		free(r->priv);
	}
	free(r);
}

void
jmx_report_set_apdex(struct jmx_report *r, int64_t t_ms, int64_t f_ms)
{
	int i;

	r->apdex_t_ms = t_ms;
	r->apdex_f_ms = f_ms;
	jmx_summary_set_apdex(r->sum, t_ms, f_ms);
	for (i = 0; i < r->nagents; i++)
		jmx_summary_set_apdex(r->agents[i].sum, t_ms, f_ms);
}

static int64_t
parse_ms(const char *s, size_t len)
{
	char buf[64];
	size_t i;
	int unit = 0;

	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (i = 0; i < len; i++)
		if (isalpha((unsigned char)buf[i]) || buf[i] == '.')
			unit = 1;
	/* A bare number is milliseconds here, unlike durations. */
	return unit ? jmx_parse_duration_ms(buf) : jmx_parse_count(buf);
}

int
jmx_report_parse_apdex(const char *s, int64_t *t_ms, int64_t *f_ms)
{
	const char *colon = strchr(s, ':');

	*f_ms = 0;
	if (colon == NULL)
		*t_ms = parse_ms(s, strlen(s));
	else {
		*t_ms = parse_ms(s, (size_t)(colon - s));
		*f_ms = parse_ms(colon + 1, strlen(colon + 1));
		if (*f_ms < 0 || (*t_ms >= 0 && *f_ms < *t_ms))
			return -1;
	}
	return *t_ms > 0 ? 0 : -1;
}

void
jmx_report_add_apdex(struct jmx_report *r, const char *label, int64_t t_ms,
    int64_t f_ms)
{
	struct jmx_report_apdex *a;

	r->apdex = xreallocarray(r->apdex, (size_t)r->napdex + 1,
	    sizeof *r->apdex);
	a = &r->apdex[r->napdex++];
	a->label = xstrdup(label);
	a->t_ms = t_ms;
	a->f_ms = f_ms;
	a->sum = jmx_summary_new();
	jmx_summary_set_apdex(a->sum, t_ms, f_ms);
}

double
jmx_report_apdex(struct jmx_report *r, const char *label)
{
	const struct jmx_summary_row *row;
	int i;

	for (i = 0; label != NULL && i < r->napdex; i++)
		if (strcmp(r->apdex[i].label, label) == 0) {
			row = jmx_summary_find(r->apdex[i].sum, label);
			return row != NULL ? row->apdex : NAN;
		}
	row = label != NULL ? jmx_summary_find(r->sum, label) :
	    jmx_summary_total(r->sum);
	return row != NULL && row->count > 0 ? row->apdex : NAN;
}

int
jmx_report_agent(struct jmx_report *r, const char *name)
{
	struct jmx_report_agent *a;
	int i;

	for (i = 0; i < r->nagents; i++)
		if (strcmp(r->agents[i].name, name) == 0)
			return i;
	r->agents = xreallocarray(r->agents, (size_t)r->nagents + 1,
	    sizeof *r->agents);
	a = &r->agents[r->nagents];
	memset(a, 0, sizeof *a);
	a->name = xstrdup(name);
	a->skew_ms = -1;
	a->sum = jmx_summary_new();
	jmx_summary_set_apdex(a->sum, r->apdex_t_ms, r->apdex_f_ms);
	return r->nagents++;
}

static struct sec_data *
sec_get(struct report_priv *p, int64_t sec)
{
	size_t i, mask, k;
	struct sec_data *d;

	if (p->nsecs * 2 >= p->sidx_cap) {
		size_t ncap = p->sidx_cap == 0 ? 1024 : p->sidx_cap * 2;

		free(p->sidx);
		p->sidx = xcalloc(ncap, sizeof *p->sidx);
		p->sidx_cap = ncap;
		for (k = 0; k < p->nsecs; k++) {
			i = (size_t)((uint64_t)p->secs[k].sec *
			    0x9E3779B97F4A7C15ULL) & (ncap - 1);
			while (p->sidx[i] != 0)
				i = (i + 1) & (ncap - 1);
			p->sidx[i] = k + 1;
		}
	}
	mask = p->sidx_cap - 1;
	i = (size_t)((uint64_t)sec * 0x9E3779B97F4A7C15ULL) & mask;
	while (p->sidx[i] != 0) {
		if (p->secs[p->sidx[i] - 1].sec == sec)
			return &p->secs[p->sidx[i] - 1];
		i = (i + 1) & mask;
	}
	if (p->nsecs == p->capsecs) {
		p->capsecs = p->capsecs == 0 ? 256 : p->capsecs * 2;
		p->secs = xreallocarray(p->secs, p->capsecs, sizeof *p->secs);
	}
	d = &p->secs[p->nsecs];
	memset(d, 0, sizeof *d);
	d->sec = sec;
	p->sidx[i] = ++p->nsecs;
	return d;
}

/* Append h, encoded, to the second's histograms. */
static void
sec_add_hist(struct sec_data *d, struct jmx_hist *h)
{
	size_t at = d->hists.len;
	uint32_t len = 0;

	jmx_buf_add(&d->hists, &len, sizeof len);
	jmx_hist_encode(h, &d->hists);
	len = (uint32_t)(d->hists.len - at - sizeof len);
	memcpy(d->hists.data + at, &len, sizeof len);
	/* No doubling slack: these are most of a long report's memory. */
	d->hists.cap = d->hists.len + 1;
	d->hists.data = xrealloc(d->hists.data, d->hists.cap);
}

/* Merge the second's histograms into h. */
static void
sec_merge_hists(const struct sec_data *d, struct jmx_hist *h)
{
	struct jmx_err err;
	size_t at;
	uint32_t len;

	for (at = 0; at < d->hists.len; at += sizeof len + len) {
		memcpy(&len, d->hists.data + at, sizeof len);
		/* Blobs this file encoded: they cannot be corrupt. */
		if (jmx_hist_merge_blob(h, d->hists.data + at + sizeof len,
		    len, &err) != JMX_OK) {
			fprintf(stderr, "jmx: a second's histogram: %s\n",
			    err.msg);
			abort();
		}
	}
}

void
jmx_report_add_bucket(struct jmx_report *r, const char *label, int agent,
    const struct jmx_bucket *b)
{
	struct sec_data *d;
	int i;

	jmx_summary_add_bucket(r->sum, label, b);
	for (i = 0; i < r->napdex; i++)
		if (strcmp(r->apdex[i].label, label) == 0)
			jmx_summary_add_bucket(r->apdex[i].sum, label, b);
	/*
	 * Plain statistics show no agents: their summaries would only hold
	 * a second copy of every histogram.
	 */
	if (!r->series)
		return;
	if (agent >= 0 && agent < r->nagents)
		jmx_summary_add_bucket(r->agents[agent].sum, label, b);
	d = sec_get(r->priv, b->second);
	d->count += b->count;
	d->errors += b->errors;
	d->elapsed_sum += b->elapsed_sum;
	d->latency_sum += b->latency_sum;
	d->connect_sum += b->connect_sum;
	d->bytes += b->bytes;
	d->sent_bytes += b->sent_bytes;
	sec_add_hist(d, b->hist);
	if (agent >= 0) {
		if (agent >= d->na) {
			d->athreads = xreallocarray(d->athreads,
			    (size_t)agent + 1, sizeof *d->athreads);
			d->acount = xreallocarray(d->acount, (size_t)agent + 1,
			    sizeof *d->acount);
			for (i = d->na; i <= agent; i++) {
				d->athreads[i] = 0;
				d->acount[i] = 0;
			}
			d->na = agent + 1;
		}
		if (b->max_all_threads > d->athreads[agent])
			d->athreads[agent] = b->max_all_threads;
		d->acount[agent] += b->count;
	}
}

static int
str_eq(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

void
jmx_report_add_error(struct jmx_report *r, const char *label,
    const char *code, const char *message, uint64_t n)
{
	struct report_priv *p = r->priv;
	struct jmx_report_error *e;
	uint64_t h;
	size_t i, k, mask;

	label = label != NULL ? label : "";
	code = code != NULL ? code : "";
	message = message != NULL ? message : "";
	if ((size_t)r->nerrors * 2 >= p->eidx_cap) {
		size_t ncap = p->eidx_cap == 0 ? 64 : p->eidx_cap * 2;

		free(p->eidx);
		p->eidx = xcalloc(ncap, sizeof *p->eidx);
		p->eidx_cap = ncap;
		for (k = 0; k < (size_t)r->nerrors; k++) {
			e = &r->errors[k];
			h = hash_bytes(hash_bytes(hash_bytes(
			    0xcbf29ce484222325ULL, e->label), e->code),
			    e->message);
			i = (size_t)h & (ncap - 1);
			while (p->eidx[i] != 0)
				i = (i + 1) & (ncap - 1);
			p->eidx[i] = k + 1;
		}
	}
	mask = p->eidx_cap - 1;
	h = hash_bytes(hash_bytes(hash_bytes(0xcbf29ce484222325ULL, label),
	    code), message);
	i = (size_t)h & mask;
	while (p->eidx[i] != 0) {
		e = &r->errors[p->eidx[i] - 1];
		if (str_eq(e->label, label) && str_eq(e->code, code) &&
		    str_eq(e->message, message)) {
			e->count += n;
			return;
		}
		i = (i + 1) & mask;
	}
	if (r->nerrors == p->caperrors) {
		p->caperrors = p->caperrors == 0 ? 16 : p->caperrors * 2;
		r->errors = xreallocarray(r->errors, (size_t)p->caperrors,
		    sizeof *r->errors);
	}
	e = &r->errors[r->nerrors];
	e->label = xstrdup(label);
	e->code = xstrdup(code);
	e->message = xstrdup(message);
	e->count = n;
	p->eidx[i] = (size_t)++r->nerrors;
}

void
jmx_report_add_event(struct jmx_report *r, int64_t time_ms, const char *kind,
    const char *agent, const char *detail)
{
	struct jmx_report_event *e;

	r->events = xreallocarray(r->events, (size_t)r->nevents + 1,
	    sizeof *r->events);
	e = &r->events[r->nevents++];
	e->time_ms = time_ms;
	e->kind = xstrdup(kind != NULL ? kind : "event");
	e->agent = agent != NULL ? xstrdup(agent) : NULL;
	e->detail = detail != NULL ? xstrdup(detail) : NULL;
}

void
jmx_report_scan_log(struct jmx_report *r, int agent, const char *text,
    size_t len)
{
	struct jmx_report_agent *a = &r->agents[agent];
	const char *p = text, *end = text + len, *nl;
	size_t n;

	a->have_log = 1;
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		/* log4j2 layout: "date time LEVEL logger: message". */
		if (memmem(p, n, " ERROR ", 7) != NULL) {
			a->log_errors++;
			if (a->log_first_error == NULL)
				a->log_first_error = xstrndup(p,
				    n > 300 ? 300 : n);
		} else if (memmem(p, n, " WARN ", 6) != NULL)
			a->log_warnings++;
		if (memmem(p, n, "OutOfMemoryError", 16) != NULL)
			a->log_oom++;
	}
}

static int
cmp_errors(const void *a, const void *b)
{
	const struct jmx_report_error *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	if (strcmp(x->label, y->label) != 0)
		return strcmp(x->label, y->label);
	if (strcmp(x->code, y->code) != 0)
		return strcmp(x->code, y->code);
	return strcmp(x->message, y->message);
}

static int
cmp_events(const void *a, const void *b)
{
	const struct jmx_report_event *x = a, *y = b;

	return x->time_ms < y->time_ms ? -1 : x->time_ms > y->time_ms;
}

static int
cmp_secs(const void *a, const void *b)
{
	const struct sec_data *x = a, *y = b;

	return x->sec < y->sec ? -1 : x->sec > y->sec;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t
jmx_report_sec(const struct jmx_report *r, int64_t epoch_ms)
{
	return floor_div(epoch_ms - r->t0_ms, 1000);
}

int
jmx_report_event_timed(const struct jmx_report_event *e)
{
	return strcmp(e->kind, "validated") != 0 &&
	    strcmp(e->kind, "imported") != 0;
}

/* Fold the seconds into intervals of a round width. */
static void
build_series(struct jmx_report *r)
{
	static const int64_t widths[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300,
	    600, 900, 1800, 3600, 7200, 21600, 43200, 86400 };
	struct report_priv *p = r->priv;
	struct jmx_report_point *pt;
	struct jmx_hist *h;
	struct sec_data *d;
	double ps[4] = { 50, 90, 95, 99 };
	int64_t out[4], span, first, k, threads;
	size_t i, j, w;
	int a;

	if (p->nsecs == 0)
		return;
	qsort(p->secs, p->nsecs, sizeof *p->secs, cmp_secs);
	if (r->t0_ms == 0)
		r->t0_ms = p->secs[0].sec * 1000;
	first = floor_div(p->secs[0].sec * 1000 - r->t0_ms, 1000);
	span = floor_div(p->secs[p->nsecs - 1].sec * 1000 - r->t0_ms, 1000) -
	    first + 1;
	for (w = 0; w < sizeof widths / sizeof widths[0] - 1; w++)
		if (span / widths[w] < JMX_REPORT_POINTS)
			break;
	r->interval_s = widths[w];
	h = jmx_hist_new();
	for (i = 0; i < p->nsecs; i = j) {
		d = &p->secs[i];
		k = floor_div(floor_div(d->sec * 1000 - r->t0_ms, 1000),
		    r->interval_s);
		r->points = xreallocarray(r->points, (size_t)r->npoints + 1,
		    sizeof *r->points);
		pt = &r->points[r->npoints++];
		memset(pt, 0, sizeof *pt);
		pt->t = k * r->interval_s;
		pt->agent_count = xcalloc((size_t)r->nagents + 1,
		    sizeof *pt->agent_count);
		jmx_hist_reset(h);
		for (j = i; j < p->nsecs; j++) {
			d = &p->secs[j];
			if (floor_div(floor_div(d->sec * 1000 - r->t0_ms, 1000),
			    r->interval_s) != k)
				break;
			pt->count += d->count;
			pt->errors += d->errors;
			pt->elapsed_sum += d->elapsed_sum;
			pt->latency_sum += d->latency_sum;
			pt->connect_sum += d->connect_sum;
			pt->bytes += d->bytes;
			pt->sent_bytes += d->sent_bytes;
			sec_merge_hists(d, h);
			threads = 0;
			for (a = 0; a < d->na; a++) {
				threads += d->athreads[a];
				if (a < r->nagents)
					pt->agent_count[a] += d->acount[a];
			}
			if (threads > pt->threads)
				pt->threads = threads;
		}
		jmx_hist_percentiles(h, ps, 4, out);
		pt->p50 = out[0];
		pt->p90 = out[1];
		pt->p95 = out[2];
		pt->p99 = out[3];
		pt->max = jmx_hist_max(h);
	}
	jmx_hist_free(h);
}

void
jmx_report_finish(struct jmx_report *r)
{
	if (r->nerrors > 0)
		qsort(r->errors, (size_t)r->nerrors, sizeof *r->errors,
		    cmp_errors);
	free(r->priv->eidx);
	r->priv->eidx = NULL;
	r->priv->eidx_cap = 0;
	if (r->nevents > 0)
		qsort(r->events, (size_t)r->nevents, sizeof *r->events,
		    cmp_events);
	if (r->t0_ms == 0 && r->start_ms > 0)
		r->t0_ms = r->start_ms;
	if (r->series)
		build_series(r);
	free_secs(r->priv);
}

/* Reading JTL files. */

/*
 * Buckets are handed over every this many records, or sooner once there
 * are this many (a slow test's 100000 records span hours: ~1 KB each),
 * to bound memory.
 */
#define FLUSH_RECORDS	100000
#define FLUSH_BUCKETS	4096

struct jtl_ctx {
	struct jmx_report	*rep;
	struct jmx_agg		*agg;
	struct jmx_store	*st;		/* import: store buckets */
	int64_t			 run, segment;
	int			 agent;
	uint64_t		 pending;
	int			 errors_only;	/* archived JTLs of a run */
	const char		*path;		/* the file being read */
	char			*lbuf, *cbuf, *mbuf;
	size_t			 lcap, ccap, mcap;
};

static const char *
span_str(char **buf, size_t *cap, struct jmx_span s)
{
	if (s.len + 1 > *cap) {
		*cap = s.len + 64;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf, s.p, s.len);
	(*buf)[s.len] = '\0';
	return *buf;
}

static enum jmx_code
flush_report(const struct jmx_bucket *b, void *arg)
{
	struct jtl_ctx *c = arg;

	jmx_report_add_bucket(c->rep, jmx_agg_label(c->agg, b->label),
	    c->agent, b);
	return JMX_OK;
}

static enum jmx_code
flush(struct jtl_ctx *c, struct jmx_err *err)
{
	enum jmx_code code = JMX_OK;

	if (c->agg == NULL)
		return JMX_OK;
	jmx_agg_foreach(c->agg, flush_report, c);
	if (c->st != NULL) {
		if ((code = jmx_store_begin(c->st, err)) != JMX_OK)
			return code;
		/* The import is alive: its run is not half a run to drop. */
		if ((code = jmx_store_put_agg(c->st, c->run, c->segment,
		    c->agg, err)) != JMX_OK ||
		    (code = jmx_store_run_heartbeat(c->st, c->run,
		    jmx_now_ms(), err)) != JMX_OK) {
			jmx_store_rollback(c->st);
			return code;
		}
		if ((code = jmx_store_commit(c->st, err)) != JMX_OK)
			return code;
	}
	jmx_agg_clear(c->agg);
	c->pending = 0;
	return code;
}

static enum jmx_code
on_sample(const struct jmx_sample *s, void *arg, struct jmx_err *err)
{
	struct jtl_ctx *c = arg;
	const char *label, *code, *msg;
	struct jmx_span m;
	enum jmx_code rc;
	uint64_t n;

	if (!c->errors_only) {
		jmx_agg_add(c->agg, s, 0);
		if ((++c->pending >= FLUSH_RECORDS || ((c->pending & 1023) ==
		    0 && jmx_agg_nbuckets(c->agg) >= FLUSH_BUCKETS)) &&
		    (rc = flush(c, err)) != JMX_OK)
			return rc;
	}
	if (s->success && s->error_count <= 0)
		return JMX_OK;
	n = s->error_count > 0 ? (uint64_t)s->error_count : 1;
	m = s->failure_message.len > 0 ? s->failure_message :
	    s->response_message;
	label = span_str(&c->lbuf, &c->lcap, s->label);
	code = span_str(&c->cbuf, &c->ccap, s->response_code);
	msg = span_str(&c->mbuf, &c->mcap, m);
	jmx_report_add_error(c->rep, label, code, msg, n);
	return JMX_OK;
}

/* A skipped record: the first few are noted with where they are. */
static void
note_bad(const struct jmx_err *e, void *arg)
{
	struct jtl_ctx *c = arg;
	struct jmx_report *r = c->rep;

	if (r->nbad_shown < JMX_REPORT_BAD_SHOWN)
		snprintf(r->bad_shown[r->nbad_shown++],
		    sizeof r->bad_shown[0], "'%s': %s", c->path, e->msg);
}

/* Parse len bytes of a JTL, or the file at path when data is NULL. */
static enum jmx_code
parse_jtl(struct jtl_ctx *c, const char *path, const char *data, size_t len,
    struct jmx_err *err)
{
	struct jmx_input_opts o;
	struct jmx_input_result res;
	enum jmx_code code;
	int shown = c->rep->nbad_shown;

	if (c->rep->input != NULL)
		o = *c->rep->input;
	else
		memset(&o, 0, sizeof o);
	o.fields = c->errors_only ? (JMX_JTL_LABEL | JMX_JTL_SUCCESS |
	    JMX_JTL_RESPONSECODE | JMX_JTL_RESPONSEMESSAGE |
	    JMX_JTL_FAILUREMESSAGE | JMX_JTL_ERRORCOUNT) : (JMX_AGG_FIELDS |
	    JMX_JTL_RESPONSECODE | JMX_JTL_RESPONSEMESSAGE |
	    JMX_JTL_FAILUREMESSAGE);
	o.on_bad = note_bad;
	o.bad_arg = c;
	c->path = path;
	code = jmx_input_load(path, data, data != NULL ? len : 0, &o,
	    on_sample, c, &res, err);
	if (code == JMX_OK && res.records == 0 && res.bad > 0) {
		code = jmx_err_set(err, JMX_ERR_DATA, "no valid record: %s",
		    res.last.msg);
		c->rep->nbad_shown = shown;	/* the error says it */
	}
	if (code == JMX_OK)
		code = flush(c, err);
	else if (code != JMX_ERR_STORE)
		jmx_err_prefix(err, "'%s'", path);
	c->rep->bad_records += res.bad;
	c->rep->truncated += res.truncated;
	if (c->st != NULL && code == JMX_OK)
		code = jmx_store_segment_advance(c->st, c->segment,
		    (int64_t)res.offset, (int64_t)res.records, err);
	return code;
}

static void
ctx_free(struct jtl_ctx *c)
{
	jmx_agg_free(c->agg);
	free(c->lbuf);
	free(c->cbuf);
	free(c->mbuf);
}

/* An agent name for a file: its name, or its directory's for results.jtl. */
static char *
file_agent(const char *path)
{
	const char *base = strrchr(path, '/'), *dir;
	char *s;

	base = base != NULL ? base + 1 : path;
	if (strcmp(base, "results.jtl") == 0 && base > path + 1) {
		for (dir = base - 2; dir > path && dir[-1] != '/'; dir--)
			;
		return xstrndup(dir, (size_t)(base - 1 - dir));
	}
	s = xstrdup(base);
	return s;
}

static int
unique_agent(struct jmx_report *r, const char *path)
{
	char *name = file_agent(path), *alt;
	int i, n = r->nagents, k;

	for (k = 2; ; k++) {
		for (i = 0; i < r->nagents; i++)
			if (strcmp(r->agents[i].name, name) == 0)
				break;
		if (i == r->nagents)
			break;
		xasprintf(&alt, "%s#%d", name, k);
		free(name);
		name = alt;
	}
	i = jmx_report_agent(r, name);
	free(name);
	(void)n;
	return i;
}

enum jmx_code
jmx_report_load_jtl(struct jmx_report *r, const char *const *files, int n,
    struct jmx_err *err)
{
	struct jtl_ctx c;
	enum jmx_code code = JMX_OK;
	int i;

	memset(&c, 0, sizeof c);
	c.rep = r;
	c.agg = jmx_agg_new();
	for (i = 0; i < n && code == JMX_OK; i++) {
		r->sources = xreallocarray(r->sources, (size_t)r->nsources + 1,
		    sizeof *r->sources);
		r->sources[r->nsources++] = xstrdup(files[i]);
		c.agent = unique_agent(r, files[i]);
		code = parse_jtl(&c, files[i], NULL, 0, err);
	}
	ctx_free(&c);
	if (code == JMX_OK && r->name == NULL) {
		const char *b = strrchr(files[0], '/');

		r->name = xstrdup(b != NULL ? b + 1 : files[0]);
	}
	return code;
}

/* Stored runs. */

static enum jmx_code
load_bucket(const char *label, const char *agent, const struct jmx_bucket *b,
    void *arg)
{
	struct jmx_report *r = arg;
	struct report_priv *p = r->priv;
	int i;

	for (i = 0; i < p->ngen; i++)
		if (b->second < p->gen_t0[i] / 1000 &&
		    b->last_end > p->gen_before[i])
			p->gen_before[i] = b->last_end;

	jmx_report_add_bucket(r, label, jmx_report_agent(r, agent), b);
	return JMX_OK;
}

static enum jmx_code
load_error(const char *label, const char *code, const char *message,
    int64_t count, void *arg)
{
	jmx_report_add_error(arg, label, code, message, (uint64_t)count);
	return JMX_OK;
}

/*
 * Each resumed generation's T0 (the earliest start of its released
 * segments), for load_bucket() to find the last sample end before it.
 */
static void
find_generations(struct jmx_report *r, const struct jmx_segment_rec *seg,
    int nseg)
{
	struct report_priv *p = r->priv;
	int i, k;

	for (i = 0; i < nseg; i++) {
		if (seg[i].gen <= 0 || seg[i].start_ms <= 0 ||
		    seg[i].state == JMX_SEGMENT_CANCELLED ||
		    seg[i].state == JMX_SEGMENT_FAILED)
			continue;
		if (p->ngen < seg[i].gen) {
			p->gen_t0 = xreallocarray(p->gen_t0,
			    (size_t)seg[i].gen, sizeof *p->gen_t0);
			p->gen_before = xreallocarray(p->gen_before,
			    (size_t)seg[i].gen, sizeof *p->gen_before);
			for (k = p->ngen; k < seg[i].gen; k++)
				p->gen_t0[k] = p->gen_before[k] = 0;
			p->ngen = seg[i].gen;
		}
		k = seg[i].gen - 1;
		if (p->gen_t0[k] == 0 || seg[i].start_ms < p->gen_t0[k])
			p->gen_t0[k] = seg[i].start_ms;
	}
}

/*
 * The run's pauses: from the last sample end before a resumed
 * generation's T0 to that T0 (a generation's samples all end before the
 * next one starts).  Throughput leaves them out, in every summary.
 */
static void
set_pauses(struct jmx_report *r)
{
	struct report_priv *p = r->priv;
	int64_t *from, *to;
	size_t n = 0;
	int i;

	from = xreallocarray(NULL, (size_t)p->ngen + 1, sizeof *from);
	to = xreallocarray(NULL, (size_t)p->ngen + 1, sizeof *to);
	for (i = 0; i < p->ngen; i++)
		if (p->gen_t0[i] > 0 && p->gen_before[i] > 0 &&
		    p->gen_before[i] < p->gen_t0[i]) {
			from[n] = p->gen_before[i];
			to[n++] = p->gen_t0[i];
			r->paused_ms += p->gen_t0[i] - p->gen_before[i];
		}
	jmx_summary_set_idle(r->sum, from, to, n);
	for (i = 0; i < r->nagents; i++)
		if (r->agents[i].sum != NULL)
			jmx_summary_set_idle(r->agents[i].sum, from, to, n);
	for (i = 0; i < r->napdex; i++)
		jmx_summary_set_idle(r->apdex[i].sum, from, to, n);
	free(from);
	free(to);
}

/* Members of the archive: AGENT/[SEGMENT/]results.jtl or jmeter.log. */
struct members {
	char	**v;
	int	  n;
};

static int
collect_member(const struct jmx_archive_member *m, void *arg)
{
	struct members *ms = arg;
	const char *base = strrchr(m->name, '/');

	if (m->is_dir || base == NULL || (strcmp(base, "/results.jtl") != 0 &&
	    strcmp(base, "/jmeter.log") != 0))
		return 0;
	ms->v = xreallocarray(ms->v, (size_t)ms->n + 1, sizeof *ms->v);
	ms->v[ms->n++] = xstrdup(m->name);
	return 0;
}

/*
 * Errors and logs from the run's archive, when it kept one: each
 * member's first path component is its agent.
 */
static void
load_archive(struct jmx_report *r, const char *archive, int want_errors)
{
	struct members ms = { NULL, 0 };
	struct jmx_buf b;
	struct jmx_err e;
	struct jtl_ctx c;
	const char *slash;
	char *agent;
	int i, k;

	if (access(archive, R_OK) != 0 ||
	    jmx_archive_list(archive, collect_member, &ms, &e) != JMX_OK)
		return;
	memset(&b, 0, sizeof b);
	memset(&c, 0, sizeof c);
	c.rep = r;
	c.errors_only = 1;
	for (i = 0; i < ms.n; i++) {
		slash = strchr(ms.v[i], '/');
		agent = xstrndup(ms.v[i], (size_t)(slash - ms.v[i]));
		k = jmx_report_agent(r, agent);
		free(agent);
		if (strcmp(strrchr(ms.v[i], '/'), "/jmeter.log") == 0) {
			if (jmx_archive_extract_entry(archive, ms.v[i], &b,
			    &e) == JMX_OK)
				jmx_report_scan_log(r, k, b.data, b.len);
		} else if (want_errors && jmx_archive_extract_entry(archive,
		    ms.v[i], &b, &e) == JMX_OK)
			parse_jtl(&c, ms.v[i], b.data, b.len, &e);
		free(ms.v[i]);
	}
	free(ms.v);
	ctx_free(&c);
	jmx_buf_free(&b);
}

enum jmx_code
jmx_report_load_run(struct jmx_report *r, struct jmx_store *st, int64_t run,
    const char *home, struct jmx_err *err)
{
	struct jmx_run_rec rec;
	struct jmx_run_agent_rec *ag = NULL;
	struct jmx_segment_rec *seg = NULL;
	struct jmx_event_rec *ev = NULL;
	const struct jmx_summary_row *tot;
	enum jmx_code code;
	char *archive, *stem;
	int i, k, nag = 0, nseg = 0, nev = 0;

	if ((code = jmx_store_run_get(st, run, &rec, err)) != JMX_OK)
		return code;
	r->run_id = rec.id;
	r->name = xstrdup(rec.test_case);
	r->plan = xstrdup(rec.plan);
	r->label = rec.label != NULL ? xstrdup(rec.label) : NULL;
	r->state = xstrdup(jmx_run_state_name(rec.state));
	r->start_ms = rec.start_ms;
	r->end_ms = rec.end_ms;
	r->duration_ms = rec.duration_ms;
	r->ramp_ms = rec.ramp_ms;
	r->threads = rec.threads;
	r->skew_ms = rec.skew_ms;
	r->delivered_pct = rec.delivered_pct;
	r->jtl_records = rec.jtl_records;
	if (rec.start_ms > 0)
		r->t0_ms = rec.start_ms;
	if ((code = jmx_store_run_agents(st, run, &ag, &nag, err)) != JMX_OK)
		goto out;
	for (i = 0; i < nag; i++) {
		k = jmx_report_agent(r, ag[i].agent);
		r->agents[k].host = ag[i].host != NULL ?
		    xstrdup(ag[i].host) : NULL;
		r->agents[k].weight = ag[i].weight;
		r->agents[k].threads = ag[i].threads;
		r->agents[k].skew_ms = ag[i].skew_ms;
		r->agents[k].state = ag[i].state != NULL ?
		    xstrdup(ag[i].state) : NULL;
	}
	if ((code = jmx_store_segments(st, run, &seg, &nseg, err)) != JMX_OK)
		goto out;
	for (i = 0; i < nseg; i++)
		r->agents[jmx_report_agent(r, seg[i].agent)].segments++;
	find_generations(r, seg, nseg);
	if ((code = jmx_store_events(st, run, &ev, &nev, err)) != JMX_OK)
		goto out;
	for (i = 0; i < nev; i++)
		jmx_report_add_event(r, ev[i].time_ms, ev[i].kind, ev[i].agent,
		    ev[i].detail);
	if ((code = jmx_store_shortfalls(st, run, &r->shortfalls,
	    &r->nshortfalls, err)) != JMX_OK)
		goto out;
	if ((code = jmx_store_buckets(st, run, load_bucket, r, err)) != JMX_OK)
		goto out;
	set_pauses(r);
	if ((code = jmx_store_errors(st, run, load_error, r, err)) != JMX_OK)
		goto out;
	/*
	 * The runner does not fill the errors table: read the JTLs; not
	 * for plain statistics (jmx-run's own summary at the end of a
	 * long run should not wait on its archive).
	 */
	if (!r->series)
		goto out;
	tot = jmx_summary_total(r->sum);
	if (rec.run_dir != NULL && *rec.run_dir != '\0')
		xasprintf(&stem, "%s/agents", rec.run_dir);
	else
		xasprintf(&stem, "%s/runs/%lld/agents", home, (long long)run);
	archive = jmx_archive_find(stem);
	free(stem);
	load_archive(r, archive, r->nerrors == 0 && tot->errors > 0);
	free(archive);
out:
	jmx_run_rec_free(&rec);
	jmx_run_agent_recs_free(ag, nag);
	jmx_segment_recs_free(seg, nseg);
	jmx_event_recs_free(ev, nev);
	return code;
}

struct jmx_summary *
jmx_report_run_summary(struct jmx_store *st, int64_t run,
    struct jmx_err *err)
{
	struct jmx_report *r = jmx_report_new(0);
	struct jmx_summary *sum = NULL;

	if (jmx_report_load_run(r, st, run, NULL, err) == JMX_OK) {
		sum = r->sum;
		r->sum = jmx_summary_new();
	}
	jmx_report_free(r);
	return sum;
}

enum jmx_code
jmx_report_import(struct jmx_store *st, const char *const *files, int n,
    const char *name, const struct jmx_input_opts *in, int64_t *run,
    struct jmx_summary **sum, struct jmx_err *err)
{
	struct jmx_report *r = jmx_report_new(0);
	struct jmx_run_rec rec;
	struct jmx_run_agent_rec ag;
	struct jmx_segment_rec seg;
	const struct jmx_summary_row *tot;
	struct jtl_ctx c;
	enum jmx_code code;
	char *base = NULL, *abs_path, host[256] = "";
	int i;

	memset(&rec, 0, sizeof rec);
	r->input = in;
	if (name == NULL) {
		base = file_agent(files[0]);
		name = base;
	}
	abs_path = realpath(files[0], NULL);
	rec.test_case = (char *)name;
	rec.plan = abs_path != NULL ? abs_path : (char *)files[0];
	rec.label = "imported";
	rec.state = JMX_RUN_RUNNING;
	rec.created_ms = jmx_now_ms();
	rec.skew_ms = -1;
	rec.jtl_records = -1;
	/* Its importer is its controller (store.h: unfinished imports). */
	rec.controller_pid = getpid();
	gethostname(host, sizeof host - 1);
	rec.controller_host = host;
	rec.heartbeat_ms = rec.created_ms;
	if ((code = jmx_store_drop_dead_imports(st, rec.created_ms, err)) ==
	    JMX_OK)
		code = jmx_store_run_create(st, &rec, err);
	memset(&c, 0, sizeof c);
	c.rep = r;
	c.st = st;
	c.run = rec.id;
	c.agg = jmx_agg_new();
	for (i = 0; i < n && code == JMX_OK; i++) {
		c.agent = unique_agent(r, files[i]);
		memset(&ag, 0, sizeof ag);
		ag.agent = r->agents[c.agent].name;
		ag.skew_ms = -1;
		ag.state = "imported";
		code = jmx_store_run_agent_put(st, rec.id, &ag, err);
		memset(&seg, 0, sizeof seg);
		seg.run_id = rec.id;
		seg.agent = r->agents[c.agent].name;
		seg.work_dir = (char *)files[i];
		seg.state = JMX_SEGMENT_ENDED;
		seg.jtl_records = -1;
		if (code == JMX_OK)
			code = jmx_store_segment_create(st, &seg, err);
		c.segment = seg.id;
		if (code == JMX_OK)
			code = parse_jtl(&c, files[i], NULL, 0, err);
	}
	if (code == JMX_OK && (code = jmx_store_begin(st, err)) == JMX_OK) {
		for (i = 0; code == JMX_OK && i < r->nerrors; i++)
			code = jmx_store_error_add(st, rec.id,
			    r->errors[i].label, r->errors[i].code,
			    r->errors[i].message, (int64_t)r->errors[i].count,
			    err);
		tot = jmx_summary_total(r->sum);
		rec.state = JMX_RUN_COMPLETED;
		rec.start_ms = tot->count > 0 ? tot->first_start : 0;
		rec.end_ms = tot->count > 0 ? tot->last_end : 0;
		rec.samples = (int64_t)tot->count;
		/* Nothing says what was planned: unknown, not 100 %. */
		rec.delivered_pct = -1;
		if (code == JMX_OK)
			code = jmx_store_run_update(st, &rec, err);
		if (code == JMX_OK)
			code = jmx_store_event(st, rec.id, rec.created_ms,
			    "imported", NULL, rec.plan, "jmx-report", err);
		if (code == JMX_OK)
			code = jmx_store_commit(st, err);
		else
			jmx_store_rollback(st);
	}
	if (code != JMX_OK && rec.id > 0) {
		/* A failed import leaves nothing, or at worst a failed run. */
		if (jmx_store_run_delete(st, rec.id, NULL) == JMX_OK)
			rec.id = 0;
		else
			jmx_store_run_set_state(st, rec.id, JMX_RUN_FAILED,
			    NULL);
	}
	*run = rec.id;
	if (sum != NULL && code == JMX_OK) {
		*sum = r->sum;
		r->sum = jmx_summary_new();
	}
	ctx_free(&c);
	jmx_report_free(r);
	free(base);
	free(abs_path);
	return code;
}

int
jmx_report_failure_event(const char *kind)
{
	return strstr(kind, "lost") != NULL || strstr(kind, "fail") != NULL ||
	    strstr(kind, "partial") != NULL || strstr(kind, "moved") != NULL ||
	    strcmp(kind, "fenced") == 0;
}

void
jmx_report_event_text(struct jmx_buf *b, const char *kind,
    const char *agent, const char *detail)
{
	jmx_buf_adds(b, kind);
	if (agent != NULL)
		jmx_buf_addf(b, " (agent %s)", agent);
	if (detail != NULL)
		jmx_buf_addf(b, ": %s", detail);
}

void
jmx_report_event_json(struct jmx_json *w, int64_t time_ms, const char *kind,
    const char *agent, const char *detail)
{
	jmx_json_object_begin(w);
	jmx_json_pair_time(w, "time", time_ms);
	jmx_json_pair_str(w, "kind", kind);
	jmx_json_pair_str(w, "agent", agent);
	jmx_json_pair_str(w, "detail", detail);
	jmx_json_object_end(w);
}

void
jmx_shortfall_text(struct jmx_buf *b, const struct jmx_shortfall_rec *f,
    int64_t threads, int64_t t0_ms)
{
	jmx_buf_addf(b, "%s: %lld threads of '%s' from agent %s",
	    strcmp(f->kind, "unplaced") == 0 ? "Did not run" : "Handover gap",
	    (long long)f->threads, f->grp_name, f->agent);
	if (threads > 0)
		jmx_buf_addf(b, " (%.1f%% of the load)", 100.0 *
		    (double)f->threads / (double)threads);
	jmx_buf_addf(b, ", from +%.1f s to +%.1f s",
	    (double)(f->from_ms - t0_ms) / 1000,
	    (double)(f->to_ms - t0_ms) / 1000);
	if (f->reason != NULL)
		jmx_buf_addf(b, ": %s", f->reason);
}

void
jmx_shortfall_json(struct jmx_json *w, const struct jmx_shortfall_rec *f,
    int64_t threads)
{
	jmx_json_object_begin(w);
	jmx_json_pair_str(w, "agent", f->agent);
	jmx_json_pair_str(w, "kind", f->kind);
	jmx_json_pair_str(w, "thread_group", f->grp_name);
	jmx_json_pair_int(w, "threads", f->threads);
	jmx_json_pair_double(w, "share_pct", threads > 0 ? 100.0 *
	    (double)f->threads / (double)threads : NAN);
	jmx_json_pair_int(w, "from_ms", f->from_ms);
	jmx_json_pair_int(w, "to_ms", f->to_ms);
	jmx_json_pair_str(w, "reason", f->reason);
	jmx_json_object_end(w);
}

/*
 * influx.c: a run's numbers as InfluxDB line protocol (see influx.h).
 *
 * The numbers of an interval come from the buckets committed in it, all
 * agents merged, and from their exact histograms: count, errors, sums
 * add up, and avg, min, max and the percentiles are those of exactly the
 * interval's samples (nearest rank, as everywhere in jmx).  A failed
 * sample's time is in both of a bucket's histograms; the successful
 * ones are the difference.
 *
 * What follows JMeter's listener and why: the transaction=all point's
 * avg, min and max are of successful samples only and its percentiles
 * of all, as JMeter writes them (dashboards show them so); numbers are
 * written without an 'i' suffix, so they are floats, as JMeter's are
 * (a field's type must not change within a measurement).  Threads: the
 * JTL gives each JMeter's active threads per sample, not thread starts
 * and ends, so the internal point has minAT, meanAT and maxAT (all the
 * sum over JMeters of each one's highest count in the interval) and no
 * startedT or endedT.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "influx.h"
#include "stats.h"
#include "util.h"
#include "xmalloc.h"

static const double default_pcts[] = { 99, 95, 90 };

/* A source of buckets (a segment: one JMeter) and its most threads. */
struct source {
	int64_t		 id;
	int64_t		 threads;
};

/* One label's part of the interval. */
struct label {
	char		*name;
	struct jmx_hist	*ok;		/* successful samples' times */
	struct jmx_hist	*ko;		/* failed ones */
	uint64_t	 count;
	uint64_t	 errors;
	int64_t		 elapsed_sum;
	int64_t		 bytes;		/* received */
	int64_t		 sent_bytes;
};

struct jmx_influx {
	char		*app;		/* escaped tag value */
	double		*pcts;
	int		 npcts;
	struct label	*labels;	/* in the order first seen */
	size_t		 nlabels;
	size_t		 cap;
	struct source	*src;		/* threads per source: highest */
	int		 nsrc;
	struct jmx_hist	*tmp;		/* scratch for flush */
};

struct jmx_influx *
jmx_influx_new(const char *application, const double *pcts, int npcts)
{
	struct jmx_influx *f = xcalloc(1, sizeof *f);
	struct jmx_buf b = { 0 };

	if (pcts == NULL) {
		pcts = default_pcts;
		npcts = (int)(sizeof default_pcts / sizeof default_pcts[0]);
	}
	f->pcts = xcalloc((size_t)npcts + 1, sizeof *f->pcts);
	memcpy(f->pcts, pcts, (size_t)npcts * sizeof *pcts);
	f->npcts = npcts;
	jmx_influx_tag(&b, application != NULL ? application : "");
	f->app = jmx_buf_steal(&b);
	f->tmp = jmx_hist_new();
	return f;
}

void
jmx_influx_free(struct jmx_influx *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nlabels; i++) {
		free(f->labels[i].name);
		jmx_hist_free(f->labels[i].ok);
		jmx_hist_free(f->labels[i].ko);
	}
	free(f->labels);
	free(f->src);
	free(f->pcts);
	free(f->app);
	jmx_hist_free(f->tmp);
	free(f);
}

static struct label *
find_label(struct jmx_influx *f, const char *name)
{
	struct label *l;
	size_t i;

	/* Labels are few, and a flush's buckets come grouped by label. */
	for (i = f->nlabels; i > 0; i--)
		if (strcmp(f->labels[i - 1].name, name) == 0)
			return &f->labels[i - 1];
	if (f->nlabels == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->labels = xreallocarray(f->labels, f->cap, sizeof *f->labels);
	}
	l = &f->labels[f->nlabels++];
	memset(l, 0, sizeof *l);
	l->name = xstrdup(name);
	l->ok = jmx_hist_new();
	l->ko = jmx_hist_new();
	return l;
}

/* Add all minus ko (ko's values are all in all) to ok. */
static void
add_difference(struct jmx_hist *ok, struct jmx_hist *all,
    struct jmx_hist *ko)
{
	struct jmx_hist_iter ia, ik;
	int64_t va, vk = -1;
	uint64_t ca, ck = 0;
	int more;

	if (ko == NULL || jmx_hist_count(ko) == 0) {
		jmx_hist_merge(ok, all);
		return;
	}
	jmx_hist_iter_init(&ia, all);
	jmx_hist_iter_init(&ik, ko);
	more = jmx_hist_iter_next(&ik, &vk, &ck);
	while (jmx_hist_iter_next(&ia, &va, &ca)) {
		while (more && vk < va)
			more = jmx_hist_iter_next(&ik, &vk, &ck);
		if (more && vk == va)
			ca = ca > ck ? ca - ck : 0;
		if (ca > 0)
			jmx_hist_add(ok, va, ca);
	}
}

void
jmx_influx_add(struct jmx_influx *f, const char *label,
    const struct jmx_bucket *b, int64_t source)
{
	struct label *l = find_label(f, label);
	int i;

	l->count += b->count;
	l->errors += b->errors;
	l->elapsed_sum += b->elapsed_sum;
	l->bytes += b->bytes;
	l->sent_bytes += b->sent_bytes;
	if (b->err_hist != NULL)
		jmx_hist_merge(l->ko, b->err_hist);
	add_difference(l->ok, b->hist, b->err_hist);
	for (i = 0; i < f->nsrc && f->src[i].id != source; i++)
		;
	if (i == f->nsrc) {
		f->src = xreallocarray(f->src, (size_t)++f->nsrc,
		    sizeof *f->src);
		f->src[i].id = source;
		f->src[i].threads = 0;
	}
	if (b->max_all_threads > f->src[i].threads)
		f->src[i].threads = b->max_all_threads;
}

void
jmx_influx_tag(struct jmx_buf *b, const char *s)
{
	size_t n = strlen(s);

	/* Trimmed, as JMeter's String.trim(): bytes up to ' '. */
	while (n > 0 && (unsigned char)*s <= ' ')
		s++, n--;
	while (n > 0 && (unsigned char)s[n - 1] <= ' ')
		n--;
	for (; n > 0; s++, n--) {
		if (*s == ' ' || *s == ',' || *s == '=')
			jmx_buf_addc(b, '\\');
		if (*s == '\n')
			jmx_buf_adds(b, "\\n");
		else
			jmx_buf_addc(b, *s);
	}
}

/* A string field's value, quoted: '"' and '\' escaped. */
static void
field_str(struct jmx_buf *b, const char *s)
{
	jmx_buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			jmx_buf_addc(b, '\\');
		jmx_buf_addc(b, *s);
	}
	jmx_buf_addc(b, '"');
}

void
jmx_influx_num(struct jmx_buf *b, double v)
{
	char s[64];
	int p;

	if (!isfinite(v)) {
		jmx_buf_addc(b, '0');
		return;
	}
	/* Plain decimals (no exponent), as few as read back the same. */
	if (fabs(v) >= 1e15 || (v != 0 && fabs(v) < 1e-4)) {
		snprintf(s, sizeof s, "%.17g", v);
		jmx_buf_adds(b, s);
		return;
	}
	for (p = 0; p < 17; p++) {
		snprintf(s, sizeof s, "%.*f", p, v);
		if (strtod(s, NULL) == v)
			break;
	}
	jmx_buf_adds(b, s);
}

void
jmx_influx_pct_name(struct jmx_buf *b, double pct)
{
	char s[64];
	float f = (float)pct;
	int p;

	/* Java's Float.toString: the fewest decimals, at least one. */
	for (p = 1; p < 10; p++) {
		snprintf(s, sizeof s, "%.*f", p, (double)f);
		if (strtof(s, NULL) == f)
			break;
	}
	jmx_buf_adds(b, "pct");
	jmx_buf_adds(b, s);
}

/* ",name=value" */
static void
field(struct jmx_buf *b, const char *name, double v)
{
	jmx_buf_addf(b, ",%s=", name);
	jmx_influx_num(b, v);
}

/* Sum of a histogram's values, for a mean. */
static double
hist_sum(struct jmx_hist *h)
{
	struct jmx_hist_iter it;
	int64_t v;
	uint64_t c;
	double s = 0;

	jmx_hist_iter_init(&it, h);
	while (jmx_hist_iter_next(&it, &v, &c))
		s += (double)v * (double)c;
	return s;
}

/* avg, min, max of h, or nothing when it is empty. */
static void
times(struct jmx_buf *b, struct jmx_hist *h, double avg)
{
	if (jmx_hist_count(h) == 0)
		return;
	field(b, "avg", avg);
	field(b, "min", (double)jmx_hist_min(h));
	field(b, "max", (double)jmx_hist_max(h));
}

/* ",pctNN.N=v" for each percentile of h. */
static void
pcts(struct jmx_influx *f, struct jmx_buf *b, struct jmx_hist *h)
{
	int i;

	if (jmx_hist_count(h) == 0)
		return;
	for (i = 0; i < f->npcts; i++) {
		jmx_buf_addc(b, ',');
		jmx_influx_pct_name(b, f->pcts[i]);
		jmx_buf_addc(b, '=');
		jmx_influx_num(b, (double)jmx_hist_percentile(h,
		    f->pcts[i]));
	}
}

/* "jmeter,application=A,transaction=T" */
static void
head(struct jmx_influx *f, struct jmx_buf *b, const char *transaction)
{
	jmx_buf_adds(b, "jmeter,application=");
	jmx_buf_adds(b, f->app);
	jmx_buf_adds(b, ",transaction=");
	jmx_influx_tag(b, transaction);
}

/* One status point of a label: count, times, hit, sb, rb, percentiles. */
static int
status_point(struct jmx_influx *f, struct jmx_buf *b, const char *tx,
    const char *statut, const struct label *l, uint64_t n,
    struct jmx_hist *h, double avg, int64_t ts_ms)
{
	if (n == 0)
		return 0;
	head(f, b, tx);
	jmx_buf_addf(b, ",statut=%s count=%llu", statut,
	    (unsigned long long)n);
	times(b, h, avg);
	field(b, "hit", (double)l->count);
	field(b, "sb", (double)l->sent_bytes);
	field(b, "rb", (double)l->bytes);
	pcts(f, b, h);
	jmx_buf_addf(b, " %lld000000\n", (long long)ts_ms);
	return 1;
}

int
jmx_influx_flush(struct jmx_influx *f, int64_t ts_ms, struct jmx_buf *b)
{
	struct label tot = { 0 };
	const char *tx;
	size_t i;
	int64_t threads = 0;
	int k, np = 0;

	if (f->nlabels == 0)
		return 0;
	tot.ok = jmx_hist_new();
	tot.ko = jmx_hist_new();
	for (i = 0; i < f->nlabels; i++) {
		struct label *l = &f->labels[i];

		/* An empty label would leave the tag without a value. */
		tx = strspn(l->name, " \t\r\n") == strlen(l->name) ?
		    "(empty)" : l->name;
		jmx_hist_reset(f->tmp);
		jmx_hist_merge(f->tmp, l->ok);
		jmx_hist_merge(f->tmp, l->ko);
		np += status_point(f, b, tx, "all", l, l->count, f->tmp,
		    (double)l->elapsed_sum / (double)l->count, ts_ms);
		np += status_point(f, b, tx, "ok", l, jmx_hist_count(l->ok),
		    l->ok, hist_sum(l->ok) / (double)jmx_hist_count(l->ok),
		    ts_ms);
		np += status_point(f, b, tx, "ko", l, jmx_hist_count(l->ko),
		    l->ko, hist_sum(l->ko) / (double)jmx_hist_count(l->ko),
		    ts_ms);
		tot.count += l->count;
		tot.errors += l->errors;
		tot.bytes += l->bytes;
		tot.sent_bytes += l->sent_bytes;
		jmx_hist_merge(tot.ok, l->ok);
		jmx_hist_merge(tot.ko, l->ko);
		free(l->name);
		jmx_hist_free(l->ok);
		jmx_hist_free(l->ko);
	}
	f->nlabels = 0;

	head(f, b, "all");
	jmx_buf_addf(b, ",statut=all count=%llu",
	    (unsigned long long)tot.count);
	field(b, "countError", (double)tot.errors);
	times(b, tot.ok, hist_sum(tot.ok) / (double)jmx_hist_count(tot.ok));
	field(b, "hit", (double)tot.count);
	field(b, "sb", (double)tot.sent_bytes);
	field(b, "rb", (double)tot.bytes);
	jmx_hist_merge(tot.ok, tot.ko);
	pcts(f, b, tot.ok);
	jmx_buf_addf(b, " %lld000000\n", (long long)ts_ms);
	np++;
	jmx_hist_free(tot.ok);
	jmx_hist_free(tot.ko);

	for (k = 0; k < f->nsrc; k++)
		threads += f->src[k].threads;
	f->nsrc = 0;
	head(f, b, "internal");
	jmx_buf_addf(b, " minAT=%lld,maxAT=%lld,meanAT=%lld %lld000000\n",
	    (long long)threads, (long long)threads, (long long)threads,
	    (long long)ts_ms);
	return np + 1;
}

void
jmx_influx_event(struct jmx_influx *f, const char *text, int64_t ts_ms,
    struct jmx_buf *b)
{
	jmx_buf_adds(b, "events,application=");
	jmx_buf_adds(b, f->app);
	jmx_buf_adds(b, ",title=ApacheJMeter text=");
	field_str(b, text);
	jmx_buf_addf(b, " %lld000000\n", (long long)ts_ms);
}

/* The value of query parameter name in q (up to '#'), or NULL. */
static char *
query_param(const char *q, const char *name)
{
	size_t n = strlen(name), m;
	const char *p = q;

	while (p != NULL && *p != '\0' && *p != '#') {
		m = strcspn(p, "&#");
		if (m > n && strncmp(p, name, n) == 0 && p[n] == '=')
			return xstrndup(p + n + 1, m - n - 1);
		if (m == n && strncmp(p, name, n) == 0)
			return xstrdup("");
		p += m;
		if (*p == '&')
			p++;
	}
	return NULL;
}

enum jmx_code
jmx_influx_url_parse(const char *url, struct jmx_influx_url *u,
    struct jmx_err *err)
{
	static const char *const secrets[] = { "u", "p", "token", NULL };
	const char *host, *path, *q, *at;
	char *v;
	size_t plen;
	int i;

	memset(u, 0, sizeof *u);
	if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else
		return jmx_err_set(err, JMX_ERR_USAGE, "stream URL '%s': "
		    "not http:// or https://", url);
	path = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(path - host));
	if (at != NULL)
		return jmx_err_set(err, JMX_ERR_USAGE, "stream URL: no "
		    "credentials in the URL (a token is read from "
		    "JMX_INFLUX_TOKEN or stream.token_file)");
	if (path == host)
		return jmx_err_set(err, JMX_ERR_USAGE, "stream URL '%s': "
		    "no host", url);
	plen = strcspn(path, "?#");
	q = path[plen] == '?' ? path + plen + 1 : NULL;
	for (i = 0; secrets[i] != NULL; i++)
		if ((v = query_param(q, secrets[i])) != NULL) {
			free(v);
			return jmx_err_set(err, JMX_ERR_USAGE, "stream URL: "
			    "no credentials in the URL ('%s='; a token is "
			    "read from JMX_INFLUX_TOKEN or "
			    "stream.token_file)", secrets[i]);
		}
	if (plen >= 13 && strncmp(path + plen - 13, "/api/v2/write", 13) ==
	    0) {
		u->version = 2;
		u->db = query_param(q, "bucket");
		if ((u->org = query_param(q, "org")) == NULL)
			u->org = query_param(q, "orgID");
		if (u->db == NULL || *u->db == '\0' || u->org == NULL ||
		    *u->org == '\0') {
			jmx_influx_url_free(u);
			return jmx_err_set(err, JMX_ERR_USAGE, "stream URL "
			    "'%s': InfluxDB 2.x needs org= and bucket=", url);
		}
	} else if (plen >= 6 && strncmp(path + plen - 6, "/write", 6) == 0) {
		u->version = 1;
		u->db = query_param(q, "db");
		if (u->db == NULL || *u->db == '\0') {
			jmx_influx_url_free(u);
			return jmx_err_set(err, JMX_ERR_USAGE, "stream URL "
			    "'%s': InfluxDB 1.x needs db=", url);
		}
	} else
		return jmx_err_set(err, JMX_ERR_USAGE, "stream URL '%s': "
		    "the path must end in /write (InfluxDB 1.x) or "
		    "/api/v2/write (2.x)", url);
	u->url = xstrdup(url);
	return JMX_OK;
}

void
jmx_influx_url_free(struct jmx_influx_url *u)
{
	free(u->url);
	free(u->db);
	free(u->org);
	memset(u, 0, sizeof *u);
}

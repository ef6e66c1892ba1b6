/*
 * stats.c: per-second buckets and summaries.
 *
 * jmx_agg_add() is on the ingestion hot path, so: labels are interned by
 * a 64-bit hash read a word at a time, behind a small direct-mapped memo
 * that recognises a label by its length and three words (all of it up to
 * 24 bytes) without hashing it; each label remembers the bucket it last
 * went to and the milliseconds of its second, which are the right ones
 * for most samples (samples of a label arrive roughly in time order), so
 * a sample is placed without a division; only on a miss is the (second,
 * label, slot) hash consulted.  That bucket is kept in the label's memo
 * entry, one cache line with what recognises the label.  The slow ways
 * are kept out of line so that the common one needs few registers.
 * Buckets live in one array, the hash holds indices into it, and
 * histograms of cleared buckets are kept for reuse.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "jtl.h"
#include "json.h"
#include "stats.h"
#include "util.h"
#include "xmalloc.h"

#define MIX		0xff51afd7ed558ccdULL

/* Label interning shared by aggs and summaries. */
struct label {
	char		*name;
	size_t		 len;
	uint64_t	 hash;
};

struct ltab {
	struct label	*v;
	uint32_t	 n;
	uint32_t	 cap;
	uint32_t	*slot;		/* id + 1, 0 empty */
	size_t		 scap;		/* power of two */
};

#define NOSLOT		INT64_MIN	/* no int slot is this */

/*
 * A memo entry: a label's length + 1 (0: empty), label_words() and id;
 * and the bucket the label last used, with its second as the ms it
 * starts at, so that a sample's start is checked against it without a
 * division.  64 bytes on LP64: one cache line.
 */
struct lmemo {
	uint64_t	 w[3];
	size_t		 len1;
	int64_t		 from;		/* second * 1000 */
	int64_t		 slot;		/* NOSLOT: no bucket */
	struct jmx_bucket *b;		/* &a->b[idx] */
	uint32_t	 idx;
	uint32_t	 id;
};

#define MEMO_BITS	8

struct jmx_agg {
	struct ltab	  labels;
	struct lmemo	  memo[1 << MEMO_BITS];
	struct jmx_bucket *b;		/* buckets in creation order */
	uint32_t	  nb;
	uint32_t	  bcap;
	uint32_t	 *bslot;	/* bucket index + 1, 0 empty */
	size_t		  bscap;	/* power of two */
	struct jmx_hist	**pool;		/* spare histograms */
	uint32_t	  npool;
};

static inline uint64_t
hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ n, w;
	size_t i;

	if (n >= 8) {
		for (i = 0; i + 8 <= n; i += 8) {
			memcpy(&w, p + i, 8);
			h = (h ^ w) * MIX;
			h ^= h >> 32;
		}
		if (i < n) {
			/* the last 8 bytes, overlapping the word before */
			memcpy(&w, p + n - 8, 8);
			h = (h ^ w) * MIX;
			h ^= h >> 32;
		}
	} else if (n > 0) {
		const unsigned char *u = (const unsigned char *)p;

		w = 0;
		if (n & 4) {
			uint32_t x;

			memcpy(&x, u, 4);
			w = x;
			u += 4;
		}
		if (n & 2) {
			w = (w << 16) | ((uint64_t)u[0] << 8) | u[1];
			u += 2;
		}
		if (n & 1)
			w = (w << 8) | u[0];
		h = (h ^ w) * MIX;
		h ^= h >> 32;
	}
	return h * MIX;
}

static void
ltab_rehash(struct ltab *t)
{
	size_t i, j, mask;

	free(t->slot);
	t->scap = t->scap == 0 ? 64 : t->scap * 2;
	t->slot = xcalloc(t->scap, sizeof *t->slot);
	mask = t->scap - 1;
	for (i = 0; i < t->n; i++) {
		j = t->v[i].hash & mask;
		while (t->slot[j] != 0)
			j = (j + 1) & mask;
		t->slot[j] = (uint32_t)i + 1;
	}
}

/* Are the n bytes at a and b equal?  Labels are short: a word at a time. */
static inline int
same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	size_t i;

	if (n >= 8) {
		for (i = 0; i + 8 <= n; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y)
				return 0;
		}
		if (i < n) {
			memcpy(&x, a + n - 8, 8);
			memcpy(&y, b + n - 8, 8);
			return x == y;
		}
		return 1;
	}
	return memcmp(a, b, n) == 0;
}

static uint32_t
ltab_add(struct ltab *t, const char *p, size_t n, uint64_t h)
{
	struct label *l;
	size_t j, mask;

	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 16 : t->cap * 2;
		t->v = xreallocarray(t->v, t->cap, sizeof *t->v);
	}
	l = &t->v[t->n];
	l->name = xstrndup(p, n);
	l->len = n;
	l->hash = h;
	t->n++;
	if ((size_t)t->n * 2 > t->scap)
		ltab_rehash(t);
	else {
		mask = t->scap - 1;
		for (j = h & mask; t->slot[j] != 0; j = (j + 1) & mask)
			;
		t->slot[j] = t->n;
	}
	return t->n - 1;
}

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline uint32_t
ltab_intern(struct ltab *t, const char *p, size_t n)
{
	uint64_t h = hash_bytes(p, n);
	size_t j, mask = t->scap - 1;
	const struct label *l;
	uint32_t id;

	if (t->scap != 0) {
		for (j = h & mask; (id = t->slot[j]) != 0; j = (j + 1) & mask) {
			l = &t->v[id - 1];
			if (l->hash == h && l->len == n &&
			    same_bytes(l->name, p, n))
				return id - 1;
		}
	}
	return ltab_add(t, p, n, h);
}

static void
ltab_free(struct ltab *t)
{
	uint32_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	free(t->slot);
}

struct jmx_agg *
jmx_agg_new(void)
{
	return xcalloc(1, sizeof (struct jmx_agg));
}

void
jmx_agg_free(struct jmx_agg *a)
{
	uint32_t i;

	if (a == NULL)
		return;
	jmx_agg_clear(a);
	for (i = 0; i < a->npool; i++)
		jmx_hist_free(a->pool[i]);
	free(a->pool);
	free(a->b);
	free(a->bslot);
	ltab_free(&a->labels);
	free(a);
}

/*
 * Words that, with n, determine the n bytes at p when n <= 24: the first,
 * the middle and the last 8 (overlapping), or below 8 two overlapping
 * 4-byte halves.  Longer labels also need a compare of the whole.
 */
static inline void
label_words(const char *p, size_t n, uint64_t w[3])
{
	const unsigned char *u = (const unsigned char *)p;
	uint32_t x, y;
	size_t i;

	if (n >= 8) {
		memcpy(&w[0], p, 8);
		memcpy(&w[1], p + (n - 8) / 2, 8);
		memcpy(&w[2], p + n - 8, 8);
		return;
	}
	w[1] = w[2] = 0;
	if (n >= 4) {
		memcpy(&x, p, 4);
		memcpy(&y, p + n - 4, 4);
		w[0] = x | (uint64_t)y << 32;
		return;
	}
	for (w[0] = 0, i = 0; i < n; i++)
		w[0] |= (uint64_t)u[i] << (8 * i);
}

/*
 * memo_of() when the memo does not know the label: by hash.  The words
 * are made again, so that the common way keeps them in registers, and m
 * returned, so that it keeps no register for m across the call.
 */
static __attribute__((noinline)) struct lmemo *
intern_miss(struct jmx_agg *a, const char *p, size_t n, struct lmemo *m)
{
	uint32_t id;

	id = ltab_intern(&a->labels, p, n);
	label_words(p, n, m->w);
	m->len1 = n + 1;
	m->id = id;
	m->slot = NOSLOT;		/* the bucket was another label's */
	return m;
}

/*
 * The memo entry of label p (n bytes): equal length and words prove
 * equality up to 24 bytes, longer labels are compared to the interned
 * name.  On a miss, intern by hash and remember it there.
 */
static inline __attribute__((always_inline)) struct lmemo *
memo_of(struct jmx_agg *a, const char *p, size_t n)
{
	struct lmemo *m;
	uint64_t w[3];

	label_words(p, n, w);
	m = &a->memo[((w[0] ^ (w[2] << 7) ^ n) * MIX) >> (64 - MEMO_BITS)];
	if (!(m->len1 == n + 1 && m->w[0] == w[0] && m->w[1] == w[1] &&
	    m->w[2] == w[2] &&
	    (n <= 24 || same_bytes(a->labels.v[m->id].name, p, n))))
		return intern_miss(a, p, n, m);
	return m;
}

uint32_t
jmx_agg_intern(struct jmx_agg *a, const char *p, size_t n)
{
	return memo_of(a, p, n)->id;
}

const char *
jmx_agg_label(const struct jmx_agg *a, uint32_t id)
{
	return id < a->labels.n ? a->labels.v[id].name : NULL;
}

size_t
jmx_agg_nlabels(const struct jmx_agg *a)
{
	return a->labels.n;
}

size_t
jmx_agg_nbuckets(const struct jmx_agg *a)
{
	return a->nb;
}

static inline size_t
bkey(int64_t sec, uint32_t label, int slot)
{
	uint64_t h = (uint64_t)sec * MIX ^ ((uint64_t)label << 20) ^
	    (uint64_t)(unsigned)slot;

	h *= 0x9E3779B97F4A7C15ULL;
	return (size_t)(h ^ (h >> 29));
}

static void
bslot_rehash(struct jmx_agg *a)
{
	const struct jmx_bucket *b;
	size_t j, mask;
	uint32_t i;

	free(a->bslot);
	a->bscap = a->bscap == 0 ? 256 : a->bscap * 2;
	a->bslot = xcalloc(a->bscap, sizeof *a->bslot);
	mask = a->bscap - 1;
	for (i = 0; i < a->nb; i++) {
		b = &a->b[i];
		j = bkey(b->second, b->label, b->slot) & mask;
		while (a->bslot[j] != 0)
			j = (j + 1) & mask;
		a->bslot[j] = i + 1;
	}
}

_Static_assert(sizeof(struct jmx_bucket) == 2 * 8 + 13 * 8 + 2 * sizeof(void *),
    "a new field of struct jmx_bucket: set it in bucket_get()");

/* Find or make the bucket (sec, label, slot); returns its index. */
static uint32_t
bucket_get(struct jmx_agg *a, int64_t sec, uint32_t label, int slot)
{
	struct jmx_bucket *b;
	size_t j = 0, mask;
	uint32_t i;

	if (a->bscap != 0) {
		mask = a->bscap - 1;
		for (j = bkey(sec, label, slot) & mask; (i = a->bslot[j]) != 0;
		    j = (j + 1) & mask) {
			b = &a->b[i - 1];
			if (b->second == sec && b->label == label &&
			    b->slot == slot)
				return i - 1;
		}
	}
	if (a->nb == a->bcap) {
		a->bcap = a->bcap == 0 ? 64 : a->bcap * 2;
		a->b = xreallocarray(a->b, a->bcap, sizeof *a->b);
		for (i = 0; i < 1 << MEMO_BITS; i++)	/* they moved */
			a->memo[i].b = &a->b[a->memo[i].idx];
	}
	/* field by field: gcc clears a literal with rep stos */
	b = &a->b[a->nb];
	b->second = sec;
	b->label = label;
	b->slot = slot;
	b->count = b->errors = 0;
	b->elapsed_sum = 0;
	b->elapsed_min = INT64_MAX;
	b->elapsed_max = INT64_MIN;
	b->latency_sum = b->connect_sum = 0;
	b->bytes = b->sent_bytes = 0;
	b->max_grp_threads = b->max_all_threads = 0;
	b->first_start = INT64_MAX;
	b->last_end = INT64_MIN;
	b->hist = a->npool > 0 ? a->pool[--a->npool] : jmx_hist_new();
	b->err_hist = NULL;
	a->nb++;
	/* the probe above ended at the free slot it goes to */
	if ((size_t)a->nb * 2 > a->bscap)
		bslot_rehash(a);
	else
		a->bslot[j] = a->nb;
	return a->nb - 1;
}

/* bucket_of() when the label's last bucket is not the sample's. */
static __attribute__((noinline)) void
bucket_miss(struct jmx_agg *a, struct lmemo *m, int slot, int64_t start)
{
	int64_t sec = start >= 0 ? start / 1000 : -((999 - start) / 1000);

	m->idx = bucket_get(a, sec, m->id, slot);
	m->b = &a->b[m->idx];
	m->from = sec * 1000;
	m->slot = slot;
}

/* The sample's bucket, cached per label; start is its corrected start. */
static inline __attribute__((always_inline)) struct jmx_bucket *
bucket_of(struct jmx_agg *a, const struct jmx_sample *s, int slot,
    int64_t start)
{
	struct lmemo *m;

	m = memo_of(a, s->label.p, s->label.len);
	/* in the same second as the label's last sample: no division */
	if ((uint64_t)start - (uint64_t)m->from >= 1000 || m->slot != slot)
		bucket_miss(a, m, slot, start);
	return m->b;
}

/*
 * The counts of a sample that is not one success: SampleCount n (less
 * than 1 counts as 1), its elapsed / n into the histogram n times, and
 * the failed part, el ms each, also into the bucket's err_hist.
 */
static __attribute__((noinline)) void
add_counts(struct jmx_agg *a, struct jmx_bucket *b, int64_t el,
    int64_t sample_count, int64_t error_count)
{
	uint64_t n = sample_count > 1 ? (uint64_t)sample_count : 1;
	uint64_t errors;

	b->count += n;
	if (n > 1)
		el /= (int64_t)n;
	jmx_hist_add(b->hist, el, n);
	if (error_count <= 0)
		return;
	errors = (uint64_t)error_count;
	b->errors += errors;
	if (b->err_hist == NULL)
		b->err_hist = a->npool > 0 ? a->pool[--a->npool] :
		    jmx_hist_new();
	jmx_hist_add(b->err_hist, el, errors < n ? errors : n);
}

static inline __attribute__((always_inline)) void
add(struct jmx_agg *a, const struct jmx_sample *s, int slot, int64_t off)
{
	struct jmx_bucket *b;
	int64_t start = s->ts - off, end, el = s->elapsed;

	b = bucket_of(a, s, slot, start);
	b->elapsed_sum += el;
	if (el < b->elapsed_min)
		b->elapsed_min = el;
	if (el > b->elapsed_max)
		b->elapsed_max = el;
	b->latency_sum += s->latency;
	b->connect_sum += s->connect;
	b->bytes += s->bytes;
	b->sent_bytes += s->sent_bytes;
	if (s->grp_threads > b->max_grp_threads)
		b->max_grp_threads = s->grp_threads;
	if (s->all_threads > b->max_all_threads)
		b->max_all_threads = s->all_threads;
	if (start < b->first_start)
		b->first_start = start;
	end = start + el;
	if (end > b->last_end)
		b->last_end = end;
	/* most samples: one, a success */
	if (s->sample_count == 1 && s->error_count == 0) {
		b->count++;
		jmx_hist_add1(b->hist, el);
	} else
		add_counts(a, b, el, s->sample_count, s->error_count);
}

void
jmx_agg_add_slot(struct jmx_agg *a, const struct jmx_sample *s, int slot,
    int64_t off)
{
	add(a, s, slot, off);
}

void
jmx_agg_add(struct jmx_agg *a, const struct jmx_sample *s, int64_t off)
{
	add(a, s, 0, off);
}

enum jmx_code
jmx_agg_foreach(const struct jmx_agg *a,
    enum jmx_code (*cb)(const struct jmx_bucket *, void *), void *arg)
{
	enum jmx_code rc;
	uint32_t i;

	for (i = 0; i < a->nb; i++) {
		if ((rc = cb(&a->b[i], arg)) != JMX_OK)
			return rc;
	}
	return JMX_OK;
}

void
jmx_agg_clear(struct jmx_agg *a)
{
	uint32_t i;

	if (a->nb > 0) {
		a->pool = xreallocarray(a->pool, (size_t)a->npool + 2 * a->nb,
		    sizeof *a->pool);
		for (i = 0; i < a->nb; i++) {
			jmx_hist_reset(a->b[i].hist);
			a->pool[a->npool++] = a->b[i].hist;
			if (a->b[i].err_hist != NULL) {
				jmx_hist_reset(a->b[i].err_hist);
				a->pool[a->npool++] = a->b[i].err_hist;
			}
		}
		memset(a->bslot, 0, a->bscap * sizeof *a->bslot);
	}
	a->nb = 0;
	for (i = 0; i < 1 << MEMO_BITS; i++)
		a->memo[i].slot = NOSLOT;
}

/* Summaries. */

struct acc {
	uint64_t	 count, errors;
	int64_t		 esum, emin, emax, lsum, csum, bytes, sent;
	int64_t		 grp, all, first, last;
	struct jmx_hist	*h;
	struct jmx_hist	*eh;		/* failed samples, or NULL */
};

struct jmx_summary {
	int64_t			 apdex_t;
	int64_t			 apdex_f;
	enum jmx_pct_mode	 pct;		/* --percentiles */
	struct ltab		 labels;
	struct acc		*acc;		/* per label id */
	uint32_t		 acap;
	struct acc		 tacc;		/* the total */
	int64_t			*idle;		/* from, to pairs */
	size_t			 nidle;
	int			 dirty;
	struct jmx_summary_row	*rows;		/* sorted labels */
	struct jmx_summary_row	 total;
};

struct jmx_summary *
jmx_summary_new(void)
{
	struct jmx_summary *s;

	s = xcalloc(1, sizeof *s);
	s->apdex_t = 500;
	s->tacc.h = jmx_hist_new();
	s->tacc.eh = jmx_hist_new();
	s->dirty = 1;
	return s;
}

void
jmx_summary_free(struct jmx_summary *s)
{
	uint32_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->labels.n; i++) {
		jmx_hist_free(s->acc[i].h);
		jmx_hist_free(s->acc[i].eh);
	}
	free(s->acc);
	jmx_hist_free(s->tacc.h);
	jmx_hist_free(s->tacc.eh);
	free(s->rows);
	free(s->idle);
	ltab_free(&s->labels);
	free(s);
}

void
jmx_summary_set_apdex(struct jmx_summary *s, int64_t t, int64_t f)
{
	s->apdex_t = t;
	s->apdex_f = f;
	s->dirty = 1;
}

void
jmx_summary_set_idle(struct jmx_summary *s, const int64_t *from,
    const int64_t *to, size_t n)
{
	size_t i;

	free(s->idle);
	s->idle = n > 0 ? xreallocarray(NULL, n, 2 * sizeof *s->idle) : NULL;
	for (i = 0; i < n; i++) {
		s->idle[2 * i] = from[i];
		s->idle[2 * i + 1] = to[i];
	}
	s->nidle = n;
	s->dirty = 1;
}

/* Milliseconds of [first, last] outside the summary's idle windows. */
static int64_t
active_window(const struct jmx_summary *s, int64_t first, int64_t last)
{
	int64_t from, to, w = last - first;
	size_t i;

	for (i = 0; i < s->nidle; i++) {
		from = s->idle[2 * i] > first ? s->idle[2 * i] : first;
		to = s->idle[2 * i + 1] < last ? s->idle[2 * i + 1] : last;
		if (to > from)
			w -= to - from;
	}
	return w;
}

void
jmx_summary_set_percentiles(struct jmx_summary *s, enum jmx_pct_mode m)
{
	s->pct = m;
	s->dirty = 1;
}

/* The row's percentiles again, the way JMeter's dashboard has them. */
static void
jmeter_pct(struct jmx_summary_row *r, struct jmx_hist *h)
{
	static const double ps[] = { 50, 90, 95, 99 };

	r->pct_jmeter = 1;
	if (r->count == 0 || h == NULL || jmx_hist_count(h) == 0)
		return;
	jmx_hist_percentiles_jmeter(h, ps, 4, r->pct);
	r->p50 = llround(r->pct[0]);
	r->p90 = llround(r->pct[1]);
	r->p95 = llround(r->pct[2]);
	r->p99 = llround(r->pct[3]);
}

static void
acc_init(struct acc *x)
{
	struct jmx_hist *h = x->h, *eh = x->eh;

	memset(x, 0, sizeof *x);
	x->h = h;
	x->eh = eh;
	x->emin = INT64_MAX;
	x->emax = INT64_MIN;
	x->first = INT64_MAX;
	x->last = INT64_MIN;
}

/* Add the sums of a bucket-like record (no histogram) to x. */
static void
acc_add(struct acc *x, uint64_t count, uint64_t errors, int64_t esum,
    int64_t emin, int64_t emax, int64_t lsum, int64_t csum, int64_t bytes,
    int64_t sent, int64_t grp, int64_t all, int64_t first, int64_t last)
{
	if (count == 0)
		return;
	x->count += count;
	x->errors += errors;
	x->esum += esum;
	x->lsum += lsum;
	x->csum += csum;
	x->bytes += bytes;
	x->sent += sent;
	if (emin < x->emin)
		x->emin = emin;
	if (emax > x->emax)
		x->emax = emax;
	if (grp > x->grp)
		x->grp = grp;
	if (all > x->all)
		x->all = all;
	if (first < x->first)
		x->first = first;
	if (last > x->last)
		x->last = last;
}

void
jmx_summary_add_bucket(struct jmx_summary *s, const char *label,
    const struct jmx_bucket *b)
{
	struct acc *x;
	uint32_t id, i;

	id = ltab_intern(&s->labels, label, strlen(label));
	if (id >= s->acap) {
		i = s->acap;
		s->acap = s->acap == 0 ? 16 : s->acap * 2;
		s->acc = xreallocarray(s->acc, s->acap, sizeof *s->acc);
		for (; i < s->acap; i++) {
			s->acc[i].h = s->acc[i].eh = NULL;
			acc_init(&s->acc[i]);
		}
	}
	x = &s->acc[id];
	if (x->h == NULL)
		x->h = jmx_hist_new();
	acc_add(x, b->count, b->errors, b->elapsed_sum, b->elapsed_min,
	    b->elapsed_max, b->latency_sum, b->connect_sum, b->bytes,
	    b->sent_bytes, b->max_grp_threads, b->max_all_threads,
	    b->first_start, b->last_end);
	if (b->hist != NULL)
		jmx_hist_merge(x->h, b->hist);
	if (b->err_hist != NULL && jmx_hist_count(b->err_hist) > 0) {
		if (x->eh == NULL)
			x->eh = jmx_hist_new();
		jmx_hist_merge(x->eh, b->err_hist);
	}
	s->dirty = 1;
}

void
jmx_summary_add_agg(struct jmx_summary *s, const struct jmx_agg *a)
{
	uint32_t i;

	for (i = 0; i < a->nb; i++)
		jmx_summary_add_bucket(s, a->labels.v[a->b[i].label].name,
		    &a->b[i]);
}

/* Successful samples of x at most v ms. */
static uint64_t
ok_le(const struct acc *x, int64_t v)
{
	uint64_t n = jmx_hist_count_le(x->h, v);

	if (x->eh != NULL)
		n -= jmx_hist_count_le(x->eh, v);
	return n;
}

static void
fill_row(struct jmx_summary_row *r, const char *label, const struct acc *x,
    const struct jmx_summary *s)
{
	int64_t apdex_t = s->apdex_t, apdex_f = s->apdex_f;
	static const double ps[] = { 50, 90, 95, 99 };
	int64_t pv[4];
	double win, n = (double)x->count;
	uint64_t hn;

	memset(r, 0, sizeof *r);
	r->label = label;
	r->hist = x->h;
	r->count = x->count;
	r->errors = x->errors;
	r->elapsed_sum = x->esum;
	r->latency_sum = x->lsum;
	r->connect_sum = x->csum;
	r->bytes = x->bytes;
	r->sent_bytes = x->sent;
	r->max_grp_threads = x->grp;
	r->max_all_threads = x->all;
	if (x->count == 0) {
		r->avg = r->error_pct = r->latency_avg = r->connect_avg = NAN;
		r->apdex = NAN;
		r->min = r->max = r->p50 = r->p90 = r->p95 = r->p99 = -1;
		r->first_start = r->last_end = -1;
		return;
	}
	r->first_start = x->first;
	r->last_end = x->last;
	r->error_pct = 100.0 * (double)x->errors / n;
	r->avg = (double)x->esum / n;
	r->latency_avg = (double)x->lsum / n;
	r->connect_avg = (double)x->csum / n;
	r->min = x->emin;
	r->max = x->emax;
	jmx_hist_percentiles(x->h, ps, 4, pv);
	r->p50 = pv[0];
	r->p90 = pv[1];
	r->p95 = pv[2];
	r->p99 = pv[3];
	r->active_ms = active_window(s, x->first, x->last);
	win = (double)r->active_ms / 1000.0;
	if (win > 0) {
		r->throughput = n / win;
		r->received_kbps = (double)x->bytes / 1024.0 / win;
		r->sent_kbps = (double)x->sent / 1024.0 / win;
	}
	hn = jmx_hist_count(x->h);
	if (hn > 0) {
		if (apdex_f <= 0)
			apdex_f = 4 * apdex_t;
		r->apdex_satisfied = ok_le(x, apdex_t);
		r->apdex_tolerating = ok_le(x, apdex_f) - r->apdex_satisfied;
		r->apdex = ((double)r->apdex_satisfied +
		    (double)r->apdex_tolerating / 2.0) / (double)hn;
	} else
		r->apdex = NAN;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct jmx_summary_row *x = a, *y = b;

	return strcmp(x->label, y->label);
}

static void
compute(struct jmx_summary *s)
{
	struct acc *x;
	uint32_t i;

	if (!s->dirty)
		return;
	acc_init(&s->tacc);
	jmx_hist_reset(s->tacc.h);
	jmx_hist_reset(s->tacc.eh);
	free(s->rows);
	s->rows = xreallocarray(NULL, s->labels.n + 1, sizeof *s->rows);
	for (i = 0; i < s->labels.n; i++) {
		x = &s->acc[i];
		fill_row(&s->rows[i], s->labels.v[i].name, x, s);
		if (s->pct == JMX_PCT_JMETER)
			jmeter_pct(&s->rows[i], x->h);
		acc_add(&s->tacc, x->count, x->errors, x->esum, x->emin,
		    x->emax, x->lsum, x->csum, x->bytes, x->sent, x->grp,
		    x->all, x->first, x->last);
		jmx_hist_merge(s->tacc.h, x->h);
		if (x->eh != NULL)
			jmx_hist_merge(s->tacc.eh, x->eh);
	}
	if (s->labels.n > 1)
		qsort(s->rows, s->labels.n, sizeof *s->rows, row_cmp);
	fill_row(&s->total, NULL, &s->tacc, s);
	if (s->pct == JMX_PCT_JMETER)
		jmeter_pct(&s->total, s->tacc.h);
	s->dirty = 0;
}

size_t
jmx_summary_nlabels(struct jmx_summary *s)
{
	return s->labels.n;
}

const struct jmx_summary_row *
jmx_summary_label(struct jmx_summary *s, size_t i)
{
	compute(s);
	return i < s->labels.n ? &s->rows[i] : NULL;
}

const struct jmx_summary_row *
jmx_summary_find(struct jmx_summary *s, const char *label)
{
	size_t lo = 0, hi, mid;
	int c;

	compute(s);
	hi = s->labels.n;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(label, s->rows[mid].label)) == 0)
			return &s->rows[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct jmx_summary_row *
jmx_summary_total(struct jmx_summary *s)
{
	compute(s);
	return &s->total;
}

/* At most 3 decimals in JSON: the value rounded (NaN stays NaN). */
static double
dec3(double v)
{
	/* + 0.0: no "-0" for a tiny negative. */
	return round(v * 1000.0) / 1000.0 + 0.0;
}

void
jmx_summary_row_json(const struct jmx_summary_row *r, struct jmx_json *w)
{
	int def = r->count > 0;

	jmx_json_object_begin(w);
	if (r->label != NULL)
		jmx_json_pair_str(w, "label", r->label);
	jmx_json_pair_uint(w, "count", r->count);
	jmx_json_pair_uint(w, "errors", r->errors);
	jmx_json_pair_double(w, "error_pct", def ? dec3(r->error_pct) : 0);
	jmx_json_pair_double(w, "avg", dec3(r->avg));
	jmx_json_pair_int_or_null(w, "min", r->min, def);
	jmx_json_pair_int_or_null(w, "max", r->max, def);
	if (r->pct_jmeter && def) {
		jmx_json_pair_double(w, "p50", dec3(r->pct[0]));
		jmx_json_pair_double(w, "p90", dec3(r->pct[1]));
		jmx_json_pair_double(w, "p95", dec3(r->pct[2]));
		jmx_json_pair_double(w, "p99", dec3(r->pct[3]));
	} else {
		jmx_json_pair_int_or_null(w, "p50", r->p50, def);
		jmx_json_pair_int_or_null(w, "p90", r->p90, def);
		jmx_json_pair_int_or_null(w, "p95", r->p95, def);
		jmx_json_pair_int_or_null(w, "p99", r->p99, def);
	}
	jmx_json_pair_double(w, "throughput", dec3(r->throughput));
	jmx_json_pair_double(w, "received_kbps", dec3(r->received_kbps));
	jmx_json_pair_double(w, "sent_kbps", dec3(r->sent_kbps));
	jmx_json_pair_double(w, "apdex", dec3(r->apdex));
	jmx_json_object_end(w);
}

void
jmx_summary_json_keys(struct jmx_summary *s, struct jmx_json *w)
{
	size_t i;

	compute(s);
	jmx_json_key(w, "labels");
	jmx_json_array_begin(w);
	for (i = 0; i < s->labels.n; i++)
		jmx_summary_row_json(&s->rows[i], w);
	jmx_json_array_end(w);
	jmx_json_key(w, "total");
	jmx_summary_row_json(&s->total, w);
}

void
jmx_summary_json(struct jmx_summary *s, struct jmx_json *w)
{
	jmx_json_object_begin(w);
	jmx_summary_json_keys(s, w);
	jmx_json_object_end(w);
}

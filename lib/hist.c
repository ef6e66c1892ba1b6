/*
 * hist.c: exact millisecond histograms.
 *
 * Two parts.  The sparse part is an open-addressing hash (linear probing,
 * load <= 1/2) of value -> count; it is all a histogram has while it is
 * small, which keeps a per-second bucket with a few hundred samples at a
 * few kilobytes.  When the hash passes PROMOTE distinct values, a flat
 * array for 0..JMX_HIST_DENSE-1 is allocated and the small values move
 * there; from then on the sparse part holds only values >= JMX_HIST_DENSE
 * (the long tail).  Queries that need order sort the sparse part once and
 * keep the sorted copy until the next change.
 *
 * Values added one at a time (live ingestion: a per-second bucket gets a
 * few to a few hundred) are first only noted, PEND at most, unsorted:
 * that is all an add costs (inline: jmx_hist_add1() in hist.h, which
 * shows the note for that).  They go to the parts above when the note is
 * full or something needs order ("settling"); readers that take a const
 * histogram count them where they are, so that reading never writes.  A
 * histogram holding only noted values is encoded by sorting them in place,
 * without the hash.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "util.h"
#include "xmalloc.h"

#define PROMOTE		1024	/* distinct values before dense */
#define PEND		64	/* values noted before settling */
#define EMPTY_KEY	0	/* keys are value + 1 */

struct slot {
	uint64_t	key;	/* value + 1, or EMPTY_KEY */
	uint64_t	cnt;
};

struct pair {
	int64_t		v;
	uint64_t	c;
};

struct jmx_hist {
	struct jmx_hist_note note;	/* n, pend, npend, pcap: hist.h */
	int64_t		 min, max;	/* of the rest: if n > npend */
	uint64_t	*dense;		/* JMX_HIST_DENSE counts */
	uint64_t	 dlim;		/* JMX_HIST_DENSE with dense */
	size_t		 ndense;	/* distinct values in dense */
	struct slot	*tab;		/* sparse part */
	size_t		 cap;		/* 0 or a power of 2 */
	size_t		 used;
	int		 shift;		/* 64 - log2(cap) */
	struct pair	*sorted;	/* sparse part sorted by value */
	size_t		 nsorted;
	size_t		 sorted_cap;
	int		 sorted_ok;
};

static inline size_t
slot_of(const struct jmx_hist *h, uint64_t key)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ULL) >> h->shift);
}

static void sparse_add(struct jmx_hist *, uint64_t, uint64_t);

static void
grow(struct jmx_hist *h)
{
	struct slot *old = h->tab;
	size_t i, oldcap = h->cap;

	h->cap = oldcap == 0 ? 16 : oldcap * 2;
	h->shift = 64;
	for (i = h->cap; i > 1; i >>= 1)
		h->shift--;
	h->tab = xcalloc(h->cap, sizeof *h->tab);
	h->used = 0;
	for (i = 0; i < oldcap; i++) {
		if (old[i].key != EMPTY_KEY)
			sparse_add(h, old[i].key, old[i].cnt);
	}
	free(old);
}

/* Move the small values of the sparse part into a new dense array. */
static void
promote(struct jmx_hist *h)
{
	struct slot *old = h->tab;
	size_t i, oldcap = h->cap, tail = 0;

	/* The table keeps only the tail: size it for that, not for all. */
	for (i = 0; i < oldcap; i++)
		if (old[i].key != EMPTY_KEY && old[i].key - 1 >= JMX_HIST_DENSE)
			tail++;
	for (h->cap = 16; h->cap < 2 * (tail + 1); h->cap *= 2)
		;
	h->shift = 64;
	for (i = h->cap; i > 1; i >>= 1)
		h->shift--;
	h->dense = xcalloc(JMX_HIST_DENSE, sizeof *h->dense);
	h->dlim = JMX_HIST_DENSE;
	h->tab = xcalloc(h->cap, sizeof *h->tab);
	h->used = 0;
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == EMPTY_KEY)
			continue;
		if (old[i].key - 1 < JMX_HIST_DENSE) {
			h->dense[old[i].key - 1] = old[i].cnt;
			h->ndense++;
		} else
			sparse_add(h, old[i].key, old[i].cnt);
	}
	free(old);
}

static void
sparse_add(struct jmx_hist *h, uint64_t key, uint64_t n)
{
	size_t i, mask;

	h->sorted_ok = 0;
	if ((h->used + 1) * 2 > h->cap)
		grow(h);
	mask = h->cap - 1;
	for (i = slot_of(h, key);; i = (i + 1) & mask) {
		if (h->tab[i].key == key) {
			h->tab[i].cnt += n;
			return;
		}
		if (h->tab[i].key == EMPTY_KEY)
			break;
	}
	h->tab[i].key = key;
	h->tab[i].cnt = n;
	h->used++;
	if (h->used > PROMOTE && h->dense == NULL)
		promote(h);
}

struct jmx_hist *
jmx_hist_new(void)
{
	struct jmx_hist *h;

	h = xcalloc(1, sizeof *h);
	return h;
}

void
jmx_hist_free(struct jmx_hist *h)
{
	if (h == NULL)
		return;
	free(h->note.pend);
	free(h->dense);
	free(h->tab);
	free(h->sorted);
	free(h);
}

void
jmx_hist_reset(struct jmx_hist *h)
{
	/* Beyond the note only if values were placed (not a bucket's). */
	if (h->tab != NULL || h->dense != NULL) {
		/*
		 * Memory much larger than what the histogram held goes, so
		 * that one reused over and over (jmx_agg's pool) does not
		 * keep the largest size it ever had: with the table at most
		 * half full, a table eight times the values is oversized.
		 */
		if (h->dense != NULL && h->ndense * 8 < PROMOTE) {
			free(h->dense);
			h->dense = NULL;
			h->dlim = 0;
			h->ndense = 0;
		}
		if (h->cap > 16 && h->used * 8 < h->cap) {
			free(h->tab);
			h->tab = NULL;
			h->cap = 0;
			h->used = 0;
		}
		if (h->dense != NULL && h->ndense > 0)
			memset(h->dense, 0, JMX_HIST_DENSE * sizeof *h->dense);
		if (h->used > 0)
			memset(h->tab, 0, h->cap * sizeof *h->tab);
		h->ndense = 0;
		h->used = 0;
	}
	h->note.n = 0;
	h->note.npend = 0;
	h->nsorted = 0;
	h->sorted_ok = 0;
}

/*
 * Count v (>= 0) n more times in the dense or sparse part; h->note.n
 * counts them already, h->note.npend does not.
 */
static void
place(struct jmx_hist *h, int64_t v, uint64_t n)
{
	uint64_t key;
	size_t i, mask;

	/* the first placed: n counted */
	if (h->note.n - h->note.npend == n)
		h->min = h->max = v;
	else if (v < h->min)
		h->min = v;
	else if (v > h->max)
		h->max = v;
	if ((uint64_t)v < h->dlim) {
		if (h->dense[v] == 0)
			h->ndense++;
		h->dense[v] += n;
		return;
	}
	/* the common cases inline: the value is there, or there is room */
	key = (uint64_t)v + 1;
	h->sorted_ok = 0;
	if (h->cap != 0) {
		mask = h->cap - 1;
		for (i = slot_of(h, key); h->tab[i].key != EMPTY_KEY;
		    i = (i + 1) & mask) {
			if (h->tab[i].key == key) {
				h->tab[i].cnt += n;
				return;
			}
		}
		if ((h->used + 1) * 2 <= h->cap && h->used < PROMOTE) {
			h->tab[i].key = key;
			h->tab[i].cnt = n;
			h->used++;
			return;
		}
	}
	sparse_add(h, key, n);
}

/* Move the noted values to the dense and sparse parts. */
static void
settle(struct jmx_hist *h)
{
	uint32_t i, k = h->note.npend;

	for (i = 0; i < k; i++) {
		h->note.npend--;	/* place() counts it as not noted */
		place(h, h->note.pend[i], 1);
	}
}

/*
 * jmx_hist_add1() with the note full or absent; out of line, so that
 * the common add saves no registers.
 */
void
jmx_hist_add1_slow(struct jmx_hist *h, int64_t v)
{
	if (h->note.pcap == 0) {
		h->note.pend = xreallocarray(NULL, PEND, sizeof *h->note.pend);
		h->note.pcap = PEND;
	} else
		settle(h);
	h->note.pend[h->note.npend++] = v;
	h->note.n++;
}

void
jmx_hist_add(struct jmx_hist *h, int64_t v, uint64_t n)
{
	if (n == 1)
		jmx_hist_add1(h, v);
	else if (n > 0) {
		h->note.n += n;
		place(h, v < 0 ? 0 : v, n);
	}
}

void
jmx_hist_merge(struct jmx_hist *dst, const struct jmx_hist *src)
{
	size_t i;

	if (src->note.n == 0)
		return;
	for (i = 0; i < src->note.npend; i++)
		jmx_hist_add(dst, src->note.pend[i], 1);
	if (src->dense != NULL && src->ndense > 0) {
		for (i = 0; i < JMX_HIST_DENSE; i++) {
			if (src->dense[i] != 0)
				jmx_hist_add(dst, (int64_t)i, src->dense[i]);
		}
	}
	for (i = 0; i < src->cap; i++) {
		if (src->tab[i].key != EMPTY_KEY)
			jmx_hist_add(dst, (int64_t)(src->tab[i].key - 1),
			    src->tab[i].cnt);
	}
}

uint64_t
jmx_hist_count(const struct jmx_hist *h)
{
	return h->note.n;
}

/* Is v in the dense or sparse part? */
static int
placed(const struct jmx_hist *h, int64_t v)
{
	uint64_t key = (uint64_t)v + 1;
	size_t i, mask;

	if ((uint64_t)v < h->dlim)
		return h->dense[v] != 0;
	if (h->cap == 0)
		return 0;
	mask = h->cap - 1;
	for (i = slot_of(h, key); h->tab[i].key != EMPTY_KEY;
	    i = (i + 1) & mask) {
		if (h->tab[i].key == key)
			return 1;
	}
	return 0;
}

size_t
jmx_hist_distinct(const struct jmx_hist *h)
{
	size_t n = h->ndense + h->used;
	uint32_t i, j;

	/* noted values neither placed nor noted before */
	for (i = 0; i < h->note.npend; i++) {
		for (j = 0; j < i && h->note.pend[j] != h->note.pend[i]; j++)
			;
		if (j == i && !placed(h, h->note.pend[i]))
			n++;
	}
	return n;
}

int64_t
jmx_hist_min(const struct jmx_hist *h)
{
	int64_t v = h->note.n > h->note.npend ? h->min : INT64_MAX;
	uint32_t i;

	for (i = 0; i < h->note.npend; i++)
		if (h->note.pend[i] < v)
			v = h->note.pend[i];
	return h->note.n == 0 ? -1 : v;
}

int64_t
jmx_hist_max(const struct jmx_hist *h)
{
	int64_t v = h->note.n > h->note.npend ? h->max : -1;
	uint32_t i;

	for (i = 0; i < h->note.npend; i++)
		if (h->note.pend[i] > v)
			v = h->note.pend[i];
	return v;
}

uint64_t
jmx_hist_count_le(const struct jmx_hist *h, int64_t v)
{
	uint64_t total = 0;
	size_t i, lim;

	if (v < 0 || h->note.n == 0)
		return 0;
	if (v >= jmx_hist_max(h))
		return h->note.n;
	for (i = 0; i < h->note.npend; i++)
		total += h->note.pend[i] <= v;
	if (h->dense != NULL && h->ndense > 0) {
		lim = (uint64_t)v < JMX_HIST_DENSE ? (size_t)v + 1 :
		    JMX_HIST_DENSE;
		for (i = 0; i < lim; i++)
			total += h->dense[i];
	}
	for (i = 0; i < h->cap; i++) {
		if (h->tab[i].key != EMPTY_KEY && h->tab[i].key - 1 <=
		    (uint64_t)v)
			total += h->tab[i].cnt;
	}
	return total;
}

/*
 * Sort n pairs by value: an LSD radix sort, a byte a pass and only as
 * many passes as the largest value needs (two for values below 65536
 * ms).  qsort() was most of the cost of encoding and of percentiles.
 */
static void
sort_pairs(struct pair *a, size_t n)
{
	struct pair *tmp, *src = a, *dst, *t;
	size_t cnt[256], i, sum, c;
	uint64_t top = 0;
	int shift;

	if (n <= 32) {		/* a bucket's: insertion is cheaper */
		struct pair x;
		size_t j;

		for (i = 1; i < n; i++) {
			x = a[i];
			for (j = i; j > 0 && a[j - 1].v > x.v; j--)
				a[j] = a[j - 1];
			a[j] = x;
		}
		return;
	}
	for (i = 0; i < n; i++)
		top |= (uint64_t)a[i].v;
	tmp = xreallocarray(NULL, n, sizeof *tmp);
	dst = tmp;
	for (shift = 0; shift < 64 && (top >> shift) != 0; shift += 8) {
		memset(cnt, 0, sizeof cnt);
		for (i = 0; i < n; i++)
			cnt[((uint64_t)src[i].v >> shift) & 0xff]++;
		for (i = 0, sum = 0; i < 256; i++) {
			c = cnt[i];
			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[cnt[((uint64_t)src[i].v >> shift) & 0xff]++] =
			    src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
	free(tmp);
}

/* Build the sorted copy of the sparse part if a change made it stale. */
static void
sort_sparse(struct jmx_hist *h)
{
	size_t i, k = 0;

	if (h->sorted_ok)
		return;
	if (h->used > h->sorted_cap) {
		h->sorted_cap = h->used;
		h->sorted = xreallocarray(h->sorted, h->sorted_cap,
		    sizeof *h->sorted);
	}
	for (i = 0; i < h->cap; i++) {
		if (h->tab[i].key != EMPTY_KEY) {
			h->sorted[k].v = (int64_t)(h->tab[i].key - 1);
			h->sorted[k].c = h->tab[i].cnt;
			k++;
		}
	}
	if (k > 1)
		sort_pairs(h->sorted, k);
	h->nsorted = k;
	h->sorted_ok = 1;
}

void
jmx_hist_iter_init(struct jmx_hist_iter *it, struct jmx_hist *h)
{
	settle(h);
	sort_sparse(h);
	it->h = h;
	it->i = 0;
	it->part = (h->dense != NULL && h->ndense > 0) ? 0 : 1;
}

int
jmx_hist_iter_next(struct jmx_hist_iter *it, int64_t *v, uint64_t *c)
{
	const struct jmx_hist *h = it->h;

	if (it->part == 0) {
		while (it->i < JMX_HIST_DENSE && h->dense[it->i] == 0)
			it->i++;
		if (it->i < JMX_HIST_DENSE) {
			*v = (int64_t)it->i;
			*c = h->dense[it->i];
			it->i++;
			return 1;
		}
		it->part = 1;
		it->i = 0;
	}
	if (it->i < h->nsorted) {
		*v = h->sorted[it->i].v;
		*c = h->sorted[it->i].c;
		it->i++;
		return 1;
	}
	return 0;
}

/*
 * The nearest rank of percentile p among n samples: ceil(p / 100 * n),
 * clamped to 1..n.  p * n is computed before dividing and a relative
 * epsilon absorbs rounding, so that p = 90, n = 10 gives 9, not 10.
 */
static uint64_t
rank_of(double p, uint64_t n)
{
	double x, r;

	if (!(p > 0))
		return 1;
	if (p >= 100)
		return n;
	x = p * (double)n / 100.0;
	x -= x * 1e-13;
	r = (double)(uint64_t)x;
	if (r < x)
		r += 1;
	if (r < 1)
		return 1;
	if (r >= (double)n)
		return n;
	return (uint64_t)r;
}

void
jmx_hist_percentiles(struct jmx_hist *h, const double *ps, int n,
    int64_t *out)
{
	struct jmx_hist_iter it;
	uint64_t ranks[32], *rk, c, cum = 0;
	int64_t v;
	int i, done = 0;

	if (n <= 0)
		return;
	if (h->note.n == 0) {
		for (i = 0; i < n; i++)
			out[i] = -1;
		return;
	}
	rk = n <= 32 ? ranks : xreallocarray(NULL, (size_t)n, sizeof *rk);
	for (i = 0; i < n; i++) {
		rk[i] = rank_of(ps[i], h->note.n);
		out[i] = -1;
	}
	/* n is small: check every pending rank at each value. */
	jmx_hist_iter_init(&it, h);
	while (done < n && jmx_hist_iter_next(&it, &v, &c)) {
		cum += c;
		for (i = 0; i < n; i++) {
			if (out[i] == -1 && rk[i] <= cum) {
				out[i] = v;
				done++;
			}
		}
	}
	if (rk != ranks)
		free(rk);
}

/* The k-th smallest value (1-based, 1 <= k <= n) into *out, in order. */
static void
kth(struct jmx_hist *h, const uint64_t *k, int n, int64_t *out)
{
	struct jmx_hist_iter it;
	uint64_t c, cum = 0;
	int64_t v;
	int i = 0;

	jmx_hist_iter_init(&it, h);
	while (i < n && jmx_hist_iter_next(&it, &v, &c)) {
		cum += c;
		while (i < n && k[i] <= cum)
			out[i++] = v;
	}
}

void
jmx_hist_percentiles_jmeter(struct jmx_hist *h, const double *ps, int n,
    double *out)
{
	uint64_t cnt = h->note.n, k[2];
	int64_t v[2];
	double pos, fpos;
	int i;

	for (i = 0; i < n; i++) {
		if (cnt == 0) {
			out[i] = -1;
			continue;
		}
		/* commons-math3: p as a fraction, then p * (n + 1) */
		pos = ps[i] / 100.0;
		pos = pos == 0 ? 0 : pos == 1 ? (double)cnt :
		    pos * (double)(cnt + 1);
		if (pos < 1) {
			out[i] = (double)jmx_hist_min(h);
			continue;
		}
		if (pos >= (double)cnt) {
			out[i] = (double)jmx_hist_max(h);
			continue;
		}
		fpos = floor(pos);
		k[0] = (uint64_t)fpos;
		k[1] = k[0] + 1;
		kth(h, k, 2, v);
		out[i] = (double)v[0] + (pos - fpos) *
		    (double)(v[1] - v[0]);
	}
}

int64_t
jmx_hist_percentile(struct jmx_hist *h, double p)
{
	int64_t v;

	if (h->note.n == 0)
		return -1;
	if (!(p > 0))
		return jmx_hist_min(h);
	if (p >= 100)
		return jmx_hist_max(h);
	jmx_hist_percentiles(h, &p, 1, &v);
	return v;
}

/*
 * Varints are written through a small array flushed into the buffer,
 * not a jmx_buf_add() each: encoding a second's buckets for the report
 * series is on the path of every record.
 */
struct varint_out {
	struct jmx_buf	*b;
	unsigned char	 tmp[240];
	size_t		 n;
};

static void
put_varint(struct varint_out *o, uint64_t x)
{
	if (o->n > sizeof o->tmp - 10) {
		jmx_buf_add(o->b, o->tmp, o->n);
		o->n = 0;
	}
	while (x >= 0x80) {
		o->tmp[o->n++] = (unsigned char)(x | 0x80);
		x >>= 7;
	}
	o->tmp[o->n++] = (unsigned char)x;
}

static void
flush_varints(struct varint_out *o)
{
	jmx_buf_add(o->b, o->tmp, o->n);
	o->n = 0;
}

/* Read one LEB128 varint; 0 on truncation or overflow. */
static int
get_varint(const unsigned char **pp, const unsigned char *end, uint64_t *out)
{
	const unsigned char *p = *pp;
	uint64_t x = 0;
	int shift = 0;

	for (;;) {
		if (p == end || shift > 63)
			return 0;
		if (shift == 63 && (*p & 0x7e) != 0)
			return 0;
		x |= (uint64_t)(*p & 0x7f) << shift;
		if ((*p++ & 0x80) == 0)
			break;
		shift += 7;
	}
	*pp = p;
	*out = x;
	return 1;
}

/*
 * jmx_hist_encode() of a histogram of noted values only (a bucket's):
 * they are few, so sorted in place by insertion, then counted in runs.
 */
static void
encode_noted(struct jmx_hist *h, struct varint_out *b)
{
	int64_t *v = h->note.pend, x, prev = 0;
	uint32_t i, j, n = h->note.npend, runs = 0;

	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	for (i = 0; i < n; i++)
		runs += i == 0 || v[i] != v[i - 1];
	put_varint(b, runs);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j] == v[i]; j++)
			;
		put_varint(b, (uint64_t)(v[i] - prev));
		put_varint(b, j - i);
		prev = v[i];
	}
}

void
jmx_hist_encode(struct jmx_hist *h, struct jmx_buf *b)
{
	struct jmx_hist_iter it;
	struct varint_out o;
	int64_t v, prev = 0;
	uint64_t c;

	o.b = b;
	o.n = 0;
	o.tmp[o.n++] = 1;
	if (h->note.n == h->note.npend)
		encode_noted(h, &o);
	else {
		/* settles the note: distinct is cheap */
		jmx_hist_iter_init(&it, h);
		put_varint(&o, jmx_hist_distinct(h));
		while (jmx_hist_iter_next(&it, &v, &c)) {
			put_varint(&o, (uint64_t)(v - prev));
			put_varint(&o, c);
			prev = v;
		}
	}
	flush_varints(&o);
}

/* Add the blob's counts to h; on corrupt input h holds part of them. */
static enum jmx_code
add_blob(const void *blob, size_t len, struct jmx_hist *h,
    struct jmx_err *err)
{
	const unsigned char *p = blob, *end = p + len;
	uint64_t npairs, i, delta, c, v = 0, total = 0;

	if (len < 2 || p[0] != 1)
		return jmx_err_set(err, JMX_ERR_DATA,
		    "histogram blob: bad version or length %zu", len);
	p++;
	if (!get_varint(&p, end, &npairs) ||
	    npairs > (uint64_t)(end - p) / 2)
		goto bad;
	for (i = 0; i < npairs; i++) {
		if (!get_varint(&p, end, &delta) || !get_varint(&p, end, &c))
			goto bad;
		if ((i > 0 && delta == 0) || c == 0 ||
		    delta > (uint64_t)INT64_MAX - v || total + c < total)
			goto bad;
		v += delta;
		total += c;
		jmx_hist_add(h, (int64_t)v, c);
	}
	if (p != end)
		goto bad;
	return JMX_OK;
bad:
	return jmx_err_set(err, JMX_ERR_DATA,
	    "histogram blob: corrupt at byte %zu of %zu",
	    (size_t)(p - (const unsigned char *)blob), len);
}

enum jmx_code
jmx_hist_decode(const void *blob, size_t len, struct jmx_hist *h,
    struct jmx_err *err)
{
	enum jmx_code code;

	jmx_hist_reset(h);
	if ((code = add_blob(blob, len, h, err)) != JMX_OK)
		jmx_hist_reset(h);
	return code;
}

enum jmx_code
jmx_hist_merge_blob(struct jmx_hist *h, const void *blob, size_t len,
    struct jmx_err *err)
{
	return add_blob(blob, len, h, err);
}

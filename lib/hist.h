/*
 * hist.h: exact histograms of non-negative integer milliseconds.
 *
 * A histogram counts how many times each value occurred, with no
 * bucketing: percentiles computed from it are the same as from the raw
 * samples.  Histograms merge (a run's summary is the sum of its per-second
 * buckets) and serialise to a compact, portable blob for the store.
 *
 * Small histograms are an open-addressing hash of value -> count; once a
 * histogram holds many distinct values, values below JMX_HIST_DENSE move
 * to a directly indexed array.  Values added one at a time are first
 * only noted, a few dozen at most.  None of this changes any result.
 *
 * Percentiles use the nearest-rank definition: for N samples, the p-th
 * percentile (0 < p <= 100) is the smallest value v such that at least
 * ceil(p / 100 * N) samples are <= v.  p <= 0 gives the minimum, p > 100
 * the maximum.  It is always one of the recorded values, never an
 * interpolation.  An empty histogram has no percentiles: -1.
 */
#ifndef JMX_HIST_H
#define JMX_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct jmx_buf;
struct jmx_hist;

/* Values below this are counted in a flat array once a histogram is big. */
#define JMX_HIST_DENSE	8192

/* A cursor over (value, count) pairs in ascending value order. */
struct jmx_hist_iter {
	struct jmx_hist	*h;
	size_t		 i;	/* dense part, then sorted */
	int		 part;
};

/* A new, empty histogram; free it with jmx_hist_free(). */
struct jmx_hist	*jmx_hist_new(void);
void		 jmx_hist_free(struct jmx_hist *);
/* Empty the histogram, keeping its memory for reuse. */
void		 jmx_hist_reset(struct jmx_hist *);

/* Count value (negative values count as 0) n more times. */
void		 jmx_hist_add(struct jmx_hist *, int64_t value, uint64_t n);

/*
 * What every histogram starts with: the count and the note of values
 * added one at a time.  Shown here, unlike the rest, only so that
 * jmx_hist_add1() can note a value inline: it is on the ingestion hot
 * path, once per sample, where a call costs as much as the note.
 */
struct jmx_hist_note {
	uint64_t	 n;		/* samples, noted ones too */
	int64_t		*pend;		/* noted values */
	uint32_t	 npend;
	uint32_t	 pcap;		/* 0 until pend is allocated */
};

void		 jmx_hist_add1_slow(struct jmx_hist *, int64_t value);

/* jmx_hist_add(h, value, 1), the common case inline. */
static inline void
jmx_hist_add1(struct jmx_hist *h, int64_t value)
{
	struct jmx_hist_note *t = (struct jmx_hist_note *)(void *)h;

	if (value < 0)
		value = 0;
	if (t->npend < t->pcap) {
		t->pend[t->npend++] = value;
		t->n++;
	} else
		jmx_hist_add1_slow(h, value);
}
/* Add every count of src to dst. */
void		 jmx_hist_merge(struct jmx_hist *dst,
		    const struct jmx_hist *src);

/* Total number of samples counted. */
uint64_t	 jmx_hist_count(const struct jmx_hist *);
/* Number of distinct values. */
size_t		 jmx_hist_distinct(const struct jmx_hist *);
/* Smallest and largest value, -1 when empty. */
int64_t		 jmx_hist_min(const struct jmx_hist *);
int64_t		 jmx_hist_max(const struct jmx_hist *);
/* Number of samples whose value is <= v (APDEX counts). */
uint64_t	 jmx_hist_count_le(const struct jmx_hist *, int64_t v);

/*
 * The nearest-rank p-th percentile (see above), -1 when empty.  Not const:
 * the first query after a change sorts the sparse part once.
 */
int64_t		 jmx_hist_percentile(struct jmx_hist *, double p);
/* n percentiles ps[0..n-1] (any order) into out[0..n-1], in one pass. */
void		 jmx_hist_percentiles(struct jmx_hist *, const double *ps,
		    int n, int64_t *out);
/*
 * The same the way JMeter's dashboard computes them (commons-math3's
 * Percentile, its default LEGACY estimation): position pos = p / 100 *
 * (N + 1); below 1 the minimum, from N on the maximum, else the value of
 * rank floor(pos) plus the fraction of pos times the step to the next
 * rank.  -1 when empty.  (The dashboard keeps only the last 20000
 * samples of a label, jmeter.reportgenerator.statistic_window; this
 * counts them all.)
 */
void		 jmx_hist_percentiles_jmeter(struct jmx_hist *,
		    const double *ps, int n, double *out);

/*
 * Iterate (value, count) ascending:
 *	jmx_hist_iter_init(&it, h);
 *	while (jmx_hist_iter_next(&it, &v, &c)) ...
 * The histogram must not change while iterating.
 */
void		 jmx_hist_iter_init(struct jmx_hist_iter *,
		    struct jmx_hist *);
int		 jmx_hist_iter_next(struct jmx_hist_iter *, int64_t *value,
		    uint64_t *count);

/*
 * Append the histogram to buf as a portable blob: a version byte (1), a
 * varint number of pairs, then per pair a varint value delta (from the
 * previous value, the first from 0) and a varint count.  Varints are
 * unsigned LEB128.  An empty histogram is two bytes.
 */
void		 jmx_hist_encode(struct jmx_hist *, struct jmx_buf *);
/*
 * Replace h's contents with the blob's.  Corrupt or truncated input
 * (bad version, overlong varint, values out of order or overflowing,
 * zero counts, trailing bytes) fails with JMX_ERR_DATA and leaves h empty.
 */
enum jmx_code	 jmx_hist_decode(const void *blob, size_t len,
		    struct jmx_hist *h, struct jmx_err *);
/*
 * Add the blob's counts to h: jmx_hist_merge() of the decoded histogram,
 * without decoding it first.  Corrupt input fails as above, h then
 * holding part of the blob's counts.
 */
enum jmx_code	 jmx_hist_merge_blob(struct jmx_hist *h, const void *blob,
		    size_t len, struct jmx_err *);

#endif

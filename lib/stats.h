/*
 * stats.h: aggregation of samples and summaries built from it.
 *
 * Live ingestion adds each sample to a struct jmx_agg, which keeps one
 * bucket per (second, label, agent slot).  The second is that of the
 * sample's start corrected by its agent's clock offset:
 * floor((timeStamp - offset) / 1000).  The runner hands the buckets to
 * the store (jmx_agg_foreach) and empties them (jmx_agg_clear) in the
 * transaction that commits the JTL offset; label ids survive a clear.
 *
 * A summary (per label and total: count, errors, avg, percentiles,
 * throughput, KB/s, APDEX) is built by merging buckets, so the store can
 * rebuild exactly the same summary from stored buckets at any time.
 */
#ifndef JMX_STATS_H
#define JMX_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct jmx_agg;
struct jmx_json;
struct jmx_hist;
struct jmx_sample;
struct jmx_summary;

/*
 * One bucket.  A sample with SampleCount n counts n times, its ErrorCount
 * errors, and its elapsed / n into the histogram n times (elapsed_sum
 * takes the whole elapsed, as JMeter's Calculator does).  Failed samples
 * also go to err_hist, so that APDEX can count them as frustrated, as
 * JMeter does.  Times are epoch ms corrected by the agent's clock offset.
 */
struct jmx_bucket {
	int64_t		 second;	/* floor(start / 1000) */
	uint32_t	 label;		/* id: jmx_agg_label() */
	int		 slot;		/* agent slot */
	uint64_t	 count;		/* samples */
	uint64_t	 errors;
	int64_t		 elapsed_sum;	/* ms */
	int64_t		 elapsed_min;
	int64_t		 elapsed_max;
	int64_t		 latency_sum;
	int64_t		 connect_sum;
	int64_t		 bytes;		/* received */
	int64_t		 sent_bytes;
	int64_t		 max_grp_threads;
	int64_t		 max_all_threads;
	int64_t		 first_start;	/* earliest start */
	int64_t		 last_end;	/* latest start + elapsed */
	struct jmx_hist	*hist;		/* of elapsed (agg's) */
	struct jmx_hist	*err_hist;	/* failed ones only, or NULL */
};

/*
 * The columns jmx_agg_add() reads (JMX_JTL_* bits: include jtl.h), for
 * jmx_jtl_set_fields(): a parser feeding only an agg can skip the rest.
 */
#define JMX_AGG_FIELDS	(JMX_JTL_TIMESTAMP | JMX_JTL_ELAPSED |		\
	JMX_JTL_LABEL | JMX_JTL_SUCCESS | JMX_JTL_BYTES |		\
	JMX_JTL_SENTBYTES | JMX_JTL_GRPTHREADS | JMX_JTL_ALLTHREADS |	\
	JMX_JTL_LATENCY | JMX_JTL_CONNECT | JMX_JTL_SAMPLECOUNT |	\
	JMX_JTL_ERRORCOUNT)

/* An empty aggregate; jmx_agg_free() it. */
struct jmx_agg	*jmx_agg_new(void);
void		 jmx_agg_free(struct jmx_agg *);
/* Add a sample of agent slot 0 / of the given slot. */
void		 jmx_agg_add(struct jmx_agg *, const struct jmx_sample *,
		    int64_t clock_offset_ms);
void		 jmx_agg_add_slot(struct jmx_agg *,
		    const struct jmx_sample *, int slot,
		    int64_t clock_offset_ms);
/* The id of a label (len bytes), adding it if new.  Ids are 0, 1, ... */
uint32_t	 jmx_agg_intern(struct jmx_agg *, const char *, size_t);
/* A label's name, NUL-terminated, owned by the agg; NULL if no such id. */
const char	*jmx_agg_label(const struct jmx_agg *, uint32_t id);
size_t		 jmx_agg_nlabels(const struct jmx_agg *);
size_t		 jmx_agg_nbuckets(const struct jmx_agg *);
/*
 * Call cb for each bucket, in the order they were created, stopping at
 * (and returning) the first code that is not JMX_OK.  Buckets and their
 * histograms are valid until the next add or clear.
 */
enum jmx_code	 jmx_agg_foreach(const struct jmx_agg *,
		    enum jmx_code (*cb)(const struct jmx_bucket *, void *),
		    void *arg);
/* Drop every bucket, keeping labels and memory for reuse. */
void		 jmx_agg_clear(struct jmx_agg *);

/*
 * One row of a summary.  Undefined values (avg, min, ... of no samples)
 * are NAN or -1 and print as null.  throughput and the KB/s are over the
 * row's active time (active_ms): the window from its first start to its
 * last end, less the summary's idle windows (a run's pauses,
 * jmx_summary_set_idle()); 0 when that is empty.  APDEX: of successful samples, satisfied <= T and
 * tolerating <= F (4T unless set); failed ones are frustrated, as in
 * JMeter's dashboard; score (satisfied + tolerating / 2) / count.
 */
struct jmx_summary_row {
	const char	*label;		/* NULL for the total */
	uint64_t	 count;
	uint64_t	 errors;
	double		 error_pct;	/* 100 * errors / count */
	double		 avg;		/* elapsed_sum / count, ms */
	int64_t		 min, max;
	int64_t		 p50, p90, p95, p99;	/* nearest rank */
	/*
	 * With JMX_PCT_JMETER (pct_jmeter set): p50 ... p99 interpolated
	 * as JMeter's dashboard does, in pct[], and the fields above hold
	 * them rounded to whole ms.
	 */
	int		 pct_jmeter;
	double		 pct[4];
	double		 throughput;	/* samples per second of active_ms */
	int64_t		 active_ms;	/* its window less idle time */
	double		 received_kbps;	/* KiB per second */
	double		 sent_kbps;
	double		 latency_avg;
	double		 connect_avg;
	double		 apdex;
	uint64_t	 apdex_satisfied;
	uint64_t	 apdex_tolerating;
	int64_t		 elapsed_sum;
	int64_t		 latency_sum;
	int64_t		 connect_sum;
	int64_t		 bytes;
	int64_t		 sent_bytes;
	int64_t		 max_grp_threads;
	int64_t		 max_all_threads;
	int64_t		 first_start;
	int64_t		 last_end;
	struct jmx_hist	*hist;		/* owned by the summary */
};

/* An empty summary; jmx_summary_free() it. */
struct jmx_summary *jmx_summary_new(void);
void		 jmx_summary_free(struct jmx_summary *);
/*
 * APDEX thresholds in ms: satisfied T (500 by default) and tolerated F
 * (<= 0: 4T, the APDEX standard; JMeter's dashboard uses 1500).
 */
void		 jmx_summary_set_apdex(struct jmx_summary *, int64_t t_ms,
		    int64_t f_ms);
/*
 * The windows [from[i], to[i]] in ms when nothing ran (a run's pauses):
 * rows' throughput leaves them out.  Copied; replaces earlier ones.
 */
void		 jmx_summary_set_idle(struct jmx_summary *, const int64_t *from,
		    const int64_t *to, size_t n);
/*
 * How percentiles are computed: exact nearest rank (the default), or as
 * JMeter's dashboard does (interpolated; jmx_hist_percentiles_jmeter()).
 */
enum jmx_pct_mode {
	JMX_PCT_EXACT,
	JMX_PCT_JMETER
};
void		 jmx_summary_set_percentiles(struct jmx_summary *,
		    enum jmx_pct_mode);
/* Merge a bucket (its label and slot fields are ignored) into label's. */
void		 jmx_summary_add_bucket(struct jmx_summary *,
		    const char *label, const struct jmx_bucket *);
/* Merge every bucket of an agg. */
void		 jmx_summary_add_agg(struct jmx_summary *,
		    const struct jmx_agg *);
/*
 * Rows: labels sorted bytewise by name (the same however the buckets
 * came), then the total.  Not const: rows are computed on first use after
 * a change.  Pointers are valid until the summary changes.
 */
size_t		 jmx_summary_nlabels(struct jmx_summary *);
const struct jmx_summary_row *jmx_summary_label(struct jmx_summary *,
		    size_t i);
const struct jmx_summary_row *jmx_summary_find(struct jmx_summary *,
		    const char *label);
const struct jmx_summary_row *jmx_summary_total(struct jmx_summary *);
/*
 * Write {"labels":[{"label":...,"count":...},...],"total":{"count":...}}
 * with, per row, exactly the keys label (not in the total), count,
 * errors, error_pct, avg, min, max, p50, p90, p95, p99, throughput,
 * received_kbps, sent_kbps, apdex (undefined values null; decimals to 3
 * places; the percentiles are decimals too with JMX_PCT_JMETER).
 */
void		 jmx_summary_json(struct jmx_summary *, struct jmx_json *);
/* Only the keys "labels" and "total", into an object the caller opened. */
void		 jmx_summary_json_keys(struct jmx_summary *,
		    struct jmx_json *);
/* Write one row as such an object. */
void		 jmx_summary_row_json(const struct jmx_summary_row *,
		    struct jmx_json *);

#endif

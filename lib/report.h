/*
 * report.h: the model of a report, gathered once and then drawn by the
 * charts (chart.h), judged by the recommendations (recommend.h) and
 * written by the renderers (render.h).
 *
 * A model is fed buckets (stats.h), from a run's stored buckets or from
 * JTL files parsed on the spot, plus failed samples' codes and messages,
 * agents and events.  jmx_report_finish() then sorts everything and
 * folds the per-second series into at most JMX_REPORT_POINTS intervals.
 * All statistics stay exact: summaries merge the buckets' histograms.
 */
#ifndef JMX_REPORT_H
#define JMX_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct jmx_buf;
struct jmx_json;
struct jmx_shortfall_rec;

struct jmx_bucket;
struct jmx_hist;
struct jmx_input_opts;
struct jmx_store;
struct jmx_summary;
struct jmx_verdict;

/* Time-series charts never have more points than this. */
#define JMX_REPORT_POINTS	600

/* One interval of the time series. */
struct jmx_report_point {
	int64_t		 t;		/* interval start, s since t0_ms */
	uint64_t	 count;
	uint64_t	 errors;
	int64_t		 elapsed_sum;
	int64_t		 latency_sum;
	int64_t		 connect_sum;
	int64_t		 bytes;
	int64_t		 sent_bytes;
	int64_t		 threads;	/* active: sum over agents of max */
	int64_t		 p50, p90, p95, p99, max;	/* -1: no samples */
	uint64_t	*agent_count;	/* [nagents] */
};

/* An agent (or, for JTL files, a file) and what it contributed. */
struct jmx_report_agent {
	char			*name;
	char			*host;		/* NULL for files */
	double			 weight;
	int64_t			 threads;	/* planned share; 0 unknown */
	int64_t			 skew_ms;	/* -1 unknown */
	char			*state;
	int			 segments;	/* JMeter processes */
	struct jmx_summary	*sum;		/* its samples only */
	/* From its jmeter.log, when archived. */
	int			 have_log;
	uint64_t		 log_errors;	/* ERROR lines */
	uint64_t		 log_warnings;	/* WARN lines */
	uint64_t		 log_oom;	/* OutOfMemoryError */
	char			*log_first_error;
};

/* Failed samples of one (label, response code, message). */
struct jmx_report_error {
	char		*label;
	char		*code;
	char		*message;
	uint64_t	 count;
};

struct jmx_report_event {
	int64_t		 time_ms;
	char		*kind;
	char		*agent;
	char		*detail;
};

/* A per-label APDEX threshold (--apdex-label). */
struct jmx_report_apdex {
	char			*label;
	int64_t			 t_ms, f_ms;
	struct jmx_summary	*sum;
};

/* How many skipped or dropped records a report locates. */
#define JMX_REPORT_BAD_SHOWN	3

struct jmx_report {
	/* Header: a stored run, or the JTL files of stats/show FILE. */
	int64_t			 run_id;	/* 0: not stored */
	char			*name;		/* test case or --name */
	char			*plan;
	char			*label;		/* run label */
	char			*state;		/* completed, partial, ... */
	int64_t			 start_ms, end_ms;	/* 0: unknown */
	int64_t			 duration_ms;	/* planned, 0: unknown */
	int64_t			 ramp_ms;
	int64_t			 threads;	/* planned, 0: unknown */
	int64_t			 skew_ms;	/* -1 unknown */
	double			 delivered_pct;	/* -1 unknown */
	int64_t			 paused_ms;	/* left out of throughput */
	int64_t			 jtl_records;	/* -1 unknown */
	char			**sources;	/* JTL files read */
	int			 nsources;
	/* How to read result files (--properties); borrowed, NULL. */
	const struct jmx_input_opts *input;
	uint64_t		 bad_records;	/* skipped as malformed */
	uint64_t		 truncated;	/* cut last records dropped */
	/*
	 * Where the first of those are: "'FILE': line N (byte B): why",
	 * in the order met, nbad_shown of them.
	 */
	char			 bad_shown[JMX_REPORT_BAD_SHOWN][320];
	int			 nbad_shown;
	int64_t			 generated_ms;

	struct jmx_summary	*sum;		/* per label and total */
	int64_t			 apdex_t_ms, apdex_f_ms;
	struct jmx_report_apdex	*apdex;		/* per-label overrides */
	int			 napdex;

	struct jmx_report_agent	*agents;
	int			 nagents;
	struct jmx_report_error	*errors;	/* most frequent first */
	int			 nerrors;
	struct jmx_report_event	*events;	/* in time order */
	int			 nevents;
	struct jmx_shortfall_rec *shortfalls;	/* load that did not run */
	int			 nshortfalls;

	/* The series, after jmx_report_finish(). */
	int			 series;	/* keep one (0 for stats) */
	struct jmx_report_point	*points;
	int			 npoints;
	int64_t			 interval_s;	/* width of a point */
	int64_t			 t0_ms;		/* time axis zero */

	/* Threshold verdicts (set by the program; borrowed). */
	struct jmx_verdict	*verdicts;
	int			 nverdicts;

	struct report_priv	*priv;
};

/*
 * An empty model; series: keep the time series and the per-agent
 * summaries (0 keeps memory flat for plain statistics: only the labels'
 * and the total's; a stored run's archive, its errors' messages and
 * agents' logs, is then not read).  jmx_report_free() it.
 */
struct jmx_report *jmx_report_new(int series);
void		 jmx_report_free(struct jmx_report *);
/*
 * A stored run's summary as its report has it (a paused run's pauses
 * left out of throughput), without series or archive: for history,
 * notices and other one-line views.  The caller frees it; NULL on error.
 */
struct jmx_summary *jmx_report_run_summary(struct jmx_store *, int64_t run,
		    struct jmx_err *);
/* APDEX T and F in ms for all labels (F <= 0: 4T); before any data. */
void		 jmx_report_set_apdex(struct jmx_report *, int64_t t_ms,
		    int64_t f_ms);
/* Parse "T" or "T:F" (ms, or durations such as 0.5s); -1 if bad. */
int		 jmx_report_parse_apdex(const char *, int64_t *t_ms,
		    int64_t *f_ms);
/* A label's own APDEX thresholds; before any data. */
void		 jmx_report_add_apdex(struct jmx_report *, const char *label,
		    int64_t t_ms, int64_t f_ms);
/* The APDEX score of a row's label (its override, if any). */
double		 jmx_report_apdex(struct jmx_report *, const char *label);

/* The index of the agent of that name, added if new. */
int		 jmx_report_agent(struct jmx_report *, const char *name);
/* Merge a bucket of label (its label and slot fields are ignored). */
void		 jmx_report_add_bucket(struct jmx_report *, const char *label,
		    int agent, const struct jmx_bucket *);
void		 jmx_report_add_error(struct jmx_report *, const char *label,
		    const char *code, const char *message, uint64_t n);
void		 jmx_report_add_event(struct jmx_report *, int64_t time_ms,
		    const char *kind, const char *agent, const char *detail);
/* Count ERROR/WARN/OutOfMemoryError lines of an agent's jmeter.log. */
void		 jmx_report_scan_log(struct jmx_report *, int agent,
		    const char *text, size_t len);
/* Sort errors and events, build the time series. */
void		 jmx_report_finish(struct jmx_report *);

/*
 * Read JTL files into the model (each file one agent, named after it),
 * with their failed samples.  A malformed record is skipped and counted;
 * a file that cannot be read or has no valid header fails.
 */
enum jmx_code	 jmx_report_load_jtl(struct jmx_report *,
		    const char *const *files, int n, struct jmx_err *);
/*
 * Read a stored run: header, agents, buckets, events, errors (from the
 * errors table, else from the archived JTLs in runs/<id>/), agents' logs.
 */
enum jmx_code	 jmx_report_load_run(struct jmx_report *, struct jmx_store *,
		    int64_t run, const char *home, struct jmx_err *);
/*
 * Store JTL files as a new run named name (NULL: the first file's name):
 * one segment per file.  *run gets its id.  A failed import deletes
 * the run again (*run 0); should that fail too, the run is left marked
 * failed and *run is its id.  in says how to read them (NULL: as
 * JMeter's defaults).  sum, if not NULL, receives the run's summary
 * after a successful import (the caller frees it), so that nothing reads
 * the buckets again for it.
 */
enum jmx_code	 jmx_report_import(struct jmx_store *, const char *const *files,
		    int n, const char *name, const struct jmx_input_opts *in,
		    int64_t *run, struct jmx_summary **sum, struct jmx_err *);

/* The run's time of a series time (s since t0_ms) and back. */
int64_t		 jmx_report_sec(const struct jmx_report *, int64_t epoch_ms);
/*
 * Whether an event belongs on the run's time axis: not one that only
 * notes how the run was made ("validated" before it, "imported" when
 * result files were stored, maybe long after).
 */
int		 jmx_report_event_timed(const struct jmx_report_event *);

/* Is an event of this kind about agent failures or a short run? */
int		jmx_report_failure_event(const char *kind);
/* An event as one line: "agent_lost (agent a2): why". */
void		jmx_report_event_text(struct jmx_buf *, const char *kind,
		    const char *agent, const char *detail);
/* As a JSON object: time (RFC 3339), kind, agent, detail. */
void		jmx_report_event_json(struct jmx_json *, int64_t time_ms,
		    const char *kind, const char *agent, const char *detail);
/*
 * A shortfall as one line: "Did not run: 2 threads of 'Users' from agent
 * a1 (33.3% of the load), from +12.0 s to +20.0 s: why" (threads: the
 * run's planned total, 0 unknown; t0_ms: the run's start).
 */
void		jmx_shortfall_text(struct jmx_buf *,
		    const struct jmx_shortfall_rec *, int64_t threads,
		    int64_t t0_ms);
/*
 * As a JSON object: agent, kind, thread_group, threads, share_pct (of
 * threads), from_ms, to_ms, reason.
 */
void		jmx_shortfall_json(struct jmx_json *,
		    const struct jmx_shortfall_rec *, int64_t threads);

#endif

/*
 * live.h: the live model of a run, for jmx-watch: one snapshot of a run
 * as of an instant, read from the store (header, agents, labels, series,
 * events), and what its screen, plain lines and JSON Lines draw from it.
 *
 * A snapshot is built from the same parts as a report and jmx-run
 * status: the run's status (control.h: state, active time, controller),
 * the report model (report.h: labels' summaries, per-agent summaries,
 * the per-interval series) and the stored events, which keep who asked.
 * Nothing is computed here that those compute; this file only adds what
 * a live view needs on top: the current rate over the last seconds, the
 * agents' states from their segments, the age of each agent's newest
 * data, and charts resampled to a number of columns.
 */
#ifndef JMX_LIVE_H
#define JMX_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "control.h"
#include "err.h"

struct jmx_buf;
struct jmx_json;
struct jmx_report;
struct jmx_store;
struct jmx_summary_row;

/* The current rate is over this many seconds, ending a second ago. */
#define JMX_LIVE_WINDOW_S	5

/* One agent of the run as it is now. */
struct jmx_live_agent {
	const char	*name;		/* borrowed from the report */
	const char	*state;		/* starting, running, silent, lost,
					   fenced, pausing, paused, done,
					   spare, failed, idle */
	int64_t		 threads;	/* planned share */
	uint64_t	 samples;
	double		 rate;		/* samples/s, last window */
	double		 error_pct;	/* NAN: no samples */
	int64_t		 p95;		/* -1: no samples */
	int64_t		 age_ms;	/* since its newest sample; -1 */
};

/* An event of the run's timeline, with who asked (actor). */
struct jmx_live_event {
	int64_t		 id;
	int64_t		 time_ms;
	char		*kind;
	char		*agent;		/* NULL: the run */
	char		*detail;
	char		*actor;
};

struct jmx_live {
	int64_t			 now_ms;	/* the instant it shows */
	struct jmx_control_status st;		/* header: run, times */
	struct jmx_report	*rep;		/* labels, series */
	int64_t			 threads_active;	/* newest second */
	double			 rate;		/* samples/s, last window */
	double			 error_rate;	/* errors/s, last window */
	int64_t			 newest_ms;	/* newest sample's end; 0 */
	int64_t			 short_threads;	/* with nowhere to run */
	struct jmx_live_agent	*agents;
	int			 nagents;
	struct jmx_live_event	*events;	/* in time order */
	int			 nevents;
};

/*
 * The run to watch when none is named: the newest that has not ended
 * (*active 1), else the newest run (*active 0).  JMX_ERR_NOTFOUND when
 * there are no runs.
 */
enum jmx_code	 jmx_live_pick(struct jmx_store *, int64_t *run, int *active,
		    struct jmx_err *);

/* Read run as of now_ms.  Owned by the caller: jmx_live_free(). */
enum jmx_code	 jmx_live_load(struct jmx_store *, int64_t run,
		    int64_t now_ms, struct jmx_live **, struct jmx_err *);
void		 jmx_live_free(struct jmx_live *);

/* Has the run ended (a final state)? */
int		 jmx_live_ended(const struct jmx_live *);

/* Label rows (not the total), for sorting and drawing. */
size_t		 jmx_live_nlabels(const struct jmx_live *);
const struct jmx_summary_row *jmx_live_label(const struct jmx_live *,
		    size_t);
const struct jmx_summary_row *jmx_live_total(const struct jmx_live *);

/* The labels table's columns, the keys it sorts by. */
enum jmx_live_col {
	JMX_LIVE_COL_LABEL = 0,
	JMX_LIVE_COL_SAMPLES,
	JMX_LIVE_COL_RATE,
	JMX_LIVE_COL_AVG,
	JMX_LIVE_COL_P50,
	JMX_LIVE_COL_P90,
	JMX_LIVE_COL_P95,
	JMX_LIVE_COL_P99,
	JMX_LIVE_COL_ERRORS
};
#define JMX_LIVE_NCOLS	9
/* A column's heading: "label", "samples", "/s", "avg", "p50", ... */
const char	*jmx_live_col_name(enum jmx_live_col);
/*
 * The label rows' order by col into idx (room for jmx_live_nlabels()):
 * numbers largest first unless ascending, labels A-Z unless not
 * ascending; ties by label.
 */
void		 jmx_live_sort(const struct jmx_live *, enum jmx_live_col,
		    int ascending, size_t *idx);

/* What a chart shows. */
enum jmx_live_metric {
	JMX_LIVE_THROUGHPUT = 0,	/* samples/s */
	JMX_LIVE_P50,			/* ms */
	JMX_LIVE_P95,			/* ms */
	JMX_LIVE_ERRORS,		/* failed samples/s */
	JMX_LIVE_THREADS		/* active threads */
};
/* Marks under a chart's column. */
#define JMX_LIVE_MARK_PAUSED	0x1	/* the load was paused */
#define JMX_LIVE_MARK_FAILURE	0x2	/* an agent failure event */

/*
 * The metric over [from_ms, to_ms) in ncols equal columns into out[]
 * (NAN: no data there, such as the future), and each column's marks
 * into marks[] (may be NULL).  A column spanning several intervals of
 * the series takes their rate (throughput, errors) or their largest
 * value (percentiles, threads: the worst of them).
 */
void		 jmx_live_series(const struct jmx_live *,
		    enum jmx_live_metric, int64_t from_ms, int64_t to_ms,
		    int ncols, double *out, unsigned *marks);
/* The span a chart of the whole run covers: its T0 to now or its end. */
void		 jmx_live_span(const struct jmx_live *, int64_t *from_ms,
		    int64_t *to_ms);

/*
 * The snapshot as one JSON object (jmx-watch --json, one line each):
 * the header, agents, labels and total (jmx_summary_row_json), and the
 * events with an id above events_after.
 */
void		 jmx_live_json(const struct jmx_live *, struct jmx_json *,
		    int64_t events_after);
/* The same numbers as one line of text, no newline (jmx-watch --plain). */
void		 jmx_live_line(const struct jmx_live *, struct jmx_buf *);
/* An event as one line: time, kind, agent, detail, who asked. */
void		 jmx_live_event_line(const struct jmx_live_event *,
		    struct jmx_buf *);

#endif

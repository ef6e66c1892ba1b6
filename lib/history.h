/*
 * history.h: the runs of the store in order, each with its key figures
 * and verdict, for jmx-report history and trend; baselines.
 */
#ifndef JMX_HISTORY_H
#define JMX_HISTORY_H

#include <stdint.h>

#include "err.h"

struct jmx_config;
struct jmx_store;
struct jmx_summary;

/* What to list (jmx-report history options). */
struct jmx_history_query {
	const char	*test_case;	/* --case; NULL all */
	int64_t		 since_ms;	/* --since; 0 all */
	const char	*state;		/* --state; NULL all */
	int		 limit;		/* --limit: the newest N; 0 all */
	const char	*label;		/* trend --label: value's row */
	int		 metric;	/* enum jmx_compare_metric of value */
	int		 usable_only;	/* 1 completed, 2 + partial */
};

/* A run and its figures (the total's, except value). */
struct jmx_history_run {
	int64_t		 id;
	char		*test_case;
	char		*state;		/* completed, partial, ... */
	int		 imported;	/* stored by jmx-report import */
	int		 usable;	/* completed: fit for trends */
	int64_t		 start_ms;
	int64_t		 duration_ms;	/* under load; 0 unknown */
	int		 agents;
	uint64_t	 samples;
	double		 throughput, p95, error_pct;
	int		 verdict;	/* 1 pass, 0 fail, -1 no thresholds */
	double		 value;		/* query's metric of its label */
};

/*
 * The runs matching q, oldest first, into *out (jmx_history_free()).
 * cfg (may be NULL) gives the thresholds of the verdicts.
 */
enum jmx_code	jmx_history_list(struct jmx_store *,
		    const struct jmx_config *cfg,
		    const struct jmx_history_query *q,
		    struct jmx_history_run **out, int *n, struct jmx_err *);
void		jmx_history_free(struct jmx_history_run *, int n);
/*
 * Keep a final run's figures from its summary (its report's), so that
 * history need not merge its histograms again; a failure is no matter.
 */
void		jmx_history_keep(struct jmx_store *, int64_t run,
		    struct jmx_summary *);

/*
 * Is a run fit to be a baseline or a trend point: completed (partial,
 * stopped and failed runs only with include_partial; never one still
 * running)?
 */
int		jmx_history_usable(const char *state, int include_partial);

#endif

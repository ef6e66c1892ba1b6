/*
 * report-history.h: jmx-report's history, compare, baseline and trend
 * commands (the rest of jmx-report is in jmx-report.c).
 */
#ifndef JMX_REPORT_HISTORY_H
#define JMX_REPORT_HISTORY_H

#include <stdint.h>

struct cli;

/* Their options, set by jmx-report.c's getopt loop. */
struct hist_opts {
	const char	*test_case;	/* --case */
	const char	*since;		/* --since */
	const char	*state;		/* --state */
	int		 limit;		/* --limit */
	int		 baseline;	/* --baseline */
	const char	*metric;	/* --metric */
	const char	*label;		/* --label */
	int		 include_partial; /* --include-partial */
	const char	*output;	/* --output */
	int		 no_charts;	/* --no-charts */
};

/* Each returns the exit status. */
int	cmd_history(struct cli *, const struct hist_opts *, char **, int);
int	cmd_compare(struct cli *, const struct hist_opts *, char **, int);
int	cmd_baseline(struct cli *, const struct hist_opts *, char **, int);
int	cmd_trend(struct cli *, const struct hist_opts *, char **, int);

#endif

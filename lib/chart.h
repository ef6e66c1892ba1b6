/*
 * chart.h: a report's charts, drawn by gnuplot as PNG (pngcairo) and SVG.
 *
 * gnuplot is found at run time, never at build time: $JMX_GNUPLOT, else
 * "gnuplot" on PATH.  The data files and the one script that draws every
 * chart in both formats are kept in DIR/gnuplot/, so a chart can be
 * redrawn or restyled by hand.
 */
#ifndef JMX_CHART_H
#define JMX_CHART_H

#include <stdint.h>

#include "err.h"

struct jmx_report;

/* One chart: DIR/<name>.png and DIR/<name>.svg. */
struct jmx_chart {
	const char	*name;
	const char	*title;
	const char	*caption;
	int		 timeaxis;	/* x is time: events are marked */
};

/*
 * The charts a report gets (those it has data for), in display order,
 * into out[] (room for JMX_CHART_MAX); returns how many.
 */
#define JMX_CHART_MAX	12
int		 jmx_chart_list(const struct jmx_report *,
		    const struct jmx_chart **out);
/* The gnuplot to run (allocated), or NULL when there is none. */
char		*jmx_chart_gnuplot(void);
/*
 * Write the data and script under dir/gnuplot/ and run gnuplot on it.
 * No gnuplot is JMX_ERR_IO ("gnuplot not found ...").
 */
enum jmx_code	 jmx_chart_render(struct jmx_report *, const char *dir,
		    struct jmx_err *);

/*
 * Overlay charts of runs (finished models with series) into dir:
 * compare-percentiles (the total's percentile curves) and
 * compare-throughput (samples per second over time).
 */
enum jmx_code	 jmx_chart_compare(struct jmx_report **, int n,
		    const char *dir, struct jmx_err *);
/*
 * dir/trend.png and .svg: values by run, flags[i] bit 0 an anomaly,
 * bit 1 a change point (its first run).
 */
enum jmx_code	 jmx_chart_trend(const int64_t *runs, const double *values,
		    const int *flags, int n, const char *ylabel,
		    const char *dir, struct jmx_err *);

#endif

/*
 * influx.h: a run's live numbers as InfluxDB line protocol, with the
 * measurement, tags and fields of JMeter's InfluxDB Backend Listener, so
 * that Grafana dashboards made for it work unchanged.  Pure: no I/O, no
 * threads; stream.c sends what this writes.
 *
 * Per interval (a flush) and per label, three points of measurement
 * "jmeter" tagged application, transaction=<label> and statut=ok, ko and
 * all (a status with no sample is left out), with fields count, avg,
 * min, max, hit, sb, rb and pctNN.N; one point transaction=all,
 * statut=all with countError too; one point transaction=internal with
 * the threads.  Annotations are points of measurement "events".  A
 * timestamp is epoch milliseconds written as nanoseconds, as JMeter does.
 */
#ifndef JMX_INFLUX_H
#define JMX_INFLUX_H

#include <stdint.h>

#include "err.h"

struct jmx_buf;
struct jmx_bucket;
struct jmx_influx;

/* A write URL as JMeter's listener takes it, checked and split up. */
struct jmx_influx_url {
	int	 version;	/* 1: /write?db=, 2: /api/v2/write?org=&bucket= */
	char	*url;		/* the whole URL, as given */
	char	*db;		/* 1.x db, or 2.x bucket */
	char	*org;		/* 2.x org (or orgID); NULL for 1.x */
};

/*
 * Check an InfluxDB write URL: http or https, path ending in /write with
 * a db parameter (1.x) or /api/v2/write with org (or orgID) and bucket
 * (2.x).  Credentials in the URL (user:password@, u=, p=, token=) are
 * refused: they would be kept with the run.  JMX_ERR_USAGE naming what
 * is wrong; on success u is filled (jmx_influx_url_free it).
 */
enum jmx_code	jmx_influx_url_parse(const char *, struct jmx_influx_url *u,
		    struct jmx_err *);
void		jmx_influx_url_free(struct jmx_influx_url *);

/*
 * An interval's points being gathered.  application is the tag's value;
 * pcts[npcts] the percentiles written (NULL: 99, 95, 90 as JMeter's
 * default).  Free with jmx_influx_free().
 */
struct jmx_influx *jmx_influx_new(const char *application,
		    const double *pcts, int npcts);
void		jmx_influx_free(struct jmx_influx *);
/*
 * Add a bucket (committed to the store) of label to the interval; source
 * names the JMeter it came from (a segment), for the threads.
 */
void		jmx_influx_add(struct jmx_influx *, const char *label,
		    const struct jmx_bucket *, int64_t source);
/*
 * Append the interval's points, timestamped ts_ms, to buf and start a
 * new interval; how many points were written (0 for an empty interval).
 */
int		jmx_influx_flush(struct jmx_influx *, int64_t ts_ms,
		    struct jmx_buf *);
/*
 * Append an annotation: measurement events, tags application and
 * title=ApacheJMeter, field text (escaped here).
 */
void		jmx_influx_event(struct jmx_influx *, const char *text,
		    int64_t ts_ms, struct jmx_buf *);

/* A tag key or value escaped as JMeter does (trimmed; ' ' ',' '=' '\n'). */
void		jmx_influx_tag(struct jmx_buf *, const char *);
/* pct's field name as JMeter writes it: "pct" then Java's Float text. */
void		jmx_influx_pct_name(struct jmx_buf *, double pct);
/* A number: shortest text that reads back as the same double. */
void		jmx_influx_num(struct jmx_buf *, double);

#endif

/*
 * stream.h: a run's numbers sent live to InfluxDB (1.x or 2.x) while the
 * controller ingests them, for Grafana.  The only module that includes
 * <curl/curl.h>.
 *
 * The caller (the runner's main thread) hands over each batch of buckets
 * it committed (jmx_stream_add_agg) and ticks; every interval the delta
 * ingested since the last flush becomes a batch of points (influx.c) on
 * a bounded queue.  A worker thread posts the queue.  Nothing here ever
 * blocks the caller: a full queue drops the new batch, a failed post
 * drops its batch, and the points dropped are counted.  Since each flush
 * carries exactly what was committed since the last, with its own
 * timestamp, the sum over the run of every point's count is the run's
 * stored count, however late an agent's data arrive.
 */
#ifndef JMX_STREAM_H
#define JMX_STREAM_H

#include <stdint.h>

#include "err.h"

struct jmx_agg;
struct jmx_test_conf;
struct jmx_stream;

/* What to stream where; strings are copied. */
struct jmx_stream_conf {
	const char	*url;		/* stream.url, --stream */
	const char	*token;		/* 2.x (or 1.x auth); NULL: none */
	const char	*application;	/* the application tag */
	int64_t		 interval_ms;	/* between flushes; <= 0: 5000 */
	int		 queue;		/* batches held; <= 0: 64 */
};

/* How it went, for the run's event and jmx-run's output. */
struct jmx_stream_stats {
	int64_t		 points;	/* made */
	int64_t		 sent;		/* accepted by the server */
	int64_t		 dropped;	/* queue full, post failed, left */
	char		 last_error[200];	/* of the last failed post */
};

/*
 * Check the URL (jmx_influx_url_parse) and start the worker.  On success
 * *out is owned by the caller: jmx_stream_close() then jmx_stream_free().
 */
enum jmx_code	jmx_stream_open(const struct jmx_stream_conf *,
		    struct jmx_stream **out, struct jmx_err *);
/*
 * The stream of run run_id of test case t, to url (--stream; NULL: t's
 * stream URL), the token read from t's stream.token_file, else from
 * JMX_INFLUX_TOKEN; the start annotation queued.  *out stays NULL
 * (JMX_OK) when the run is not streamed.
 */
enum jmx_code	jmx_stream_start(const struct jmx_test_conf *t,
		    const char *url, int64_t run_id, struct jmx_stream **out,
		    struct jmx_err *);
/*
 * The end annotation, then jmx_stream_close() with a 3 s wait; the
 * final counts in *st.  Returns the points dropped, and when there are
 * any, the event's text ("N of M points not sent to URL: why") in detail.
 */
int64_t		jmx_stream_end(struct jmx_stream *, struct jmx_stream_stats *st,
		    char *detail, size_t size);
/* The write URL (borrowed). */
const char	*jmx_stream_url(struct jmx_stream *);
/* Add a committed batch of buckets of one JMeter (source) to the interval. */
void		jmx_stream_add_agg(struct jmx_stream *,
		    const struct jmx_agg *, int64_t source);
/* Queue the interval's points once interval_ms has passed since the last. */
void		jmx_stream_tick(struct jmx_stream *, int64_t now_ms);
/* Queue an annotation (measurement events) now. */
void		jmx_stream_event(struct jmx_stream *, const char *text,
		    int64_t now_ms);
/*
 * Queue the last interval, give the worker until wait_ms (a duration)
 * to send what is queued, stop it; what is left counts as dropped.
 */
void		jmx_stream_close(struct jmx_stream *, int64_t wait_ms);
/* The counts so far (after close: final). */
void		jmx_stream_stats(struct jmx_stream *,
		    struct jmx_stream_stats *);
/* Stop the worker (if not closed) and free. */
void		jmx_stream_free(struct jmx_stream *);
/* "libcurl 7.88.1": the HTTP library in use (static text). */
const char	*jmx_stream_libversion(void);

#endif

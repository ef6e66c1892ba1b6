/*
 * stream.c: points to InfluxDB over HTTP with libcurl (see stream.h).
 *
 * Threads: the caller's thread (the runner's main thread) gathers the
 * interval and formats its points (influx.c), then pushes the text onto
 * a ring of at most conf.queue batches under the mutex; the worker pops
 * and posts them one at a time with its own curl handle.  The caller
 * never waits for the network: a push onto a full ring drops that batch.
 * A post has a connect timeout of 2 s and a total of 5 s, so a server
 * that hangs holds up only the worker; close aborts a post in flight
 * through curl's progress callback.  A failed post is not retried: the
 * next batches are already coming, and a server that is down would only
 * fill the ring with retries.
 */
#include <curl/curl.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "influx.h"
#include "stats.h"
#include "stream.h"
#include "util.h"
#include "xmalloc.h"

#define CONNECT_TIMEOUT_MS	2000
#define POST_TIMEOUT_MS		5000

struct batch {
	char		*text;
	size_t		 len;
	int		 points;
};

struct jmx_stream {
	struct jmx_influx_url	 url;
	char			*auth;		/* "Authorization: Token ..." */
	int64_t			 interval_ms;
	int64_t			 last_flush;	/* 0: none yet */
	struct jmx_influx	*influx;	/* the caller's thread only */
	char			*test;		/* test case, for annotations */
	int64_t			 run_id;

	pthread_mutex_t		 lock;		/* guards what follows */
	pthread_cond_t		 cond;
	struct batch		*ring;
	int			 cap, head, n;
	int			 busy;		/* the worker posts */
	int			 stop;		/* the worker must end */
	struct jmx_stream_stats	 st;

	pthread_t		 tid;
	int			 started;
	int			 closed;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The response body: its start, for an error message. */
static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct jmx_buf *b = arg;

	if (b->len < 160)
		jmx_buf_add(b, p, size * n < 160 ? size * n : 160);
	return size * n;
}

/* Abort a post in flight when close gives up waiting. */
static int
on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	struct jmx_stream *s = arg;
	int stop;

	(void)dt, (void)dn, (void)ut, (void)un;
	pthread_mutex_lock(&s->lock);
	stop = s->stop;
	pthread_mutex_unlock(&s->lock);
	return stop;
}

/* Post one batch; 0 if the server took it, else the reason in why. */
static int
post(struct jmx_stream *s, CURL *c, const struct batch *b, char *why,
    size_t size)
{
	struct curl_slist *h = NULL;
	struct jmx_buf body = { 0 };
	CURLcode cc;
	long status = 0;
	int rc = 0;

	h = curl_slist_append(h, "Content-Type: text/plain; charset=utf-8");
	if (s->auth != NULL)
		h = curl_slist_append(h, s->auth);
	/* No Expect: 100-continue round trip for a large batch. */
	h = curl_slist_append(h, "Expect:");
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, s->url.url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, b->text);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)b->len);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)CONNECT_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)POST_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, s);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "jmx");
	cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		snprintf(why, size, "%s", curl_easy_strerror(cc));
		rc = -1;
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (status < 200 || status > 299) {
			jmx_buf_addc(&body, '\0');
			snprintf(why, size, "HTTP %ld: %.*s", status,
			    (int)strcspn(body.data, "\r\n"), body.data);
			rc = -1;
		}
	}
	curl_slist_free_all(h);
	jmx_buf_free(&body);
	return rc;
}

static void *
worker(void *arg)
{
	struct jmx_stream *s = arg;
	struct batch b;
	char why[sizeof s->st.last_error];
	sigset_t all;
	CURL *c;

	/*
	 * Signals are for the other threads: the runner's handlers, and a
	 * SIGPIPE from a TLS write to a server gone (curl leaves SIGPIPE to
	 * the program with CURLOPT_NOSIGNAL) stays blocked here: the write
	 * fails with EPIPE instead of ending the controller.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	c = curl_easy_init();
	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (s->n == 0 && !s->stop)
			pthread_cond_wait(&s->cond, &s->lock);
		if (s->stop)
			break;
		b = s->ring[s->head];
		s->head = (s->head + 1) % s->cap;
		s->n--;
		s->busy = 1;
		pthread_mutex_unlock(&s->lock);
		if (c == NULL) {
			snprintf(why, sizeof why, "curl_easy_init failed");
			b.points = -b.points;
		} else if (post(s, c, &b, why, sizeof why) != 0)
			b.points = -b.points;
		free(b.text);
		pthread_mutex_lock(&s->lock);
		if (b.points >= 0)
			s->st.sent += b.points;
		else {
			s->st.dropped += -b.points;
			memcpy(s->st.last_error, why, sizeof why);
		}
		s->busy = 0;
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
	if (c != NULL)
		curl_easy_cleanup(c);
	return NULL;
}

/* Hand a batch to the worker, or drop it if the ring is full. */
static void
push(struct jmx_stream *s, struct jmx_buf *text, int points)
{
	struct batch *b;

	if (points == 0)
		return;
	pthread_mutex_lock(&s->lock);
	s->st.points += points;
	if (s->n == s->cap || !s->started || s->stop) {
		s->st.dropped += points;
		snprintf(s->st.last_error, sizeof s->st.last_error,
		    "queue full (%d batches)", s->cap);
		jmx_buf_free(text);
	} else {
		b = &s->ring[(s->head + s->n) % s->cap];
		b->len = text->len;
		b->text = jmx_buf_steal(text);
		b->points = points;
		s->n++;
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
}

enum jmx_code
jmx_stream_open(const struct jmx_stream_conf *conf, struct jmx_stream **out,
    struct jmx_err *err)
{
	struct jmx_stream *s;
	enum jmx_code code;

	*out = NULL;
	s = xcalloc(1, sizeof *s);
	if ((code = jmx_influx_url_parse(conf->url, &s->url, err)) != JMX_OK) {
		free(s);
		return code;
	}
	pthread_once(&curl_once, curl_init);
	if (conf->token != NULL && *conf->token != '\0')
		xasprintf(&s->auth, "Authorization: Token %s", conf->token);
	s->interval_ms = conf->interval_ms > 0 ? conf->interval_ms : 5000;
	s->cap = conf->queue > 0 ? conf->queue : 64;
	s->ring = xcalloc((size_t)s->cap, sizeof *s->ring);
	s->influx = jmx_influx_new(conf->application, NULL, 0);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	if ((errno = pthread_create(&s->tid, NULL, worker, s)) != 0) {
		jmx_err_set(err, JMX_ERR_IO, "stream: cannot start its "
		    "thread: %s", strerror(errno));
		jmx_stream_free(s);
		return JMX_ERR_IO;
	}
	s->started = 1;
	*out = s;
	return JMX_OK;
}

struct adding {
	struct jmx_stream	*s;
	const struct jmx_agg	*agg;
	int64_t			 source;
};

static enum jmx_code
add_bucket(const struct jmx_bucket *b, void *arg)
{
	struct adding *a = arg;
	const char *label = jmx_agg_label(a->agg, b->label);

	jmx_influx_add(a->s->influx, label != NULL ? label : "", b,
	    a->source);
	return JMX_OK;
}

void
jmx_stream_add_agg(struct jmx_stream *s, const struct jmx_agg *agg,
    int64_t source)
{
	struct adding a = { s, agg, source };

	if (s != NULL && !s->closed)
		jmx_agg_foreach(agg, add_bucket, &a);
}

/* Queue the interval's points now. */
static void
flush(struct jmx_stream *s, int64_t now_ms)
{
	struct jmx_buf b = { 0 };

	s->last_flush = now_ms;
	push(s, &b, jmx_influx_flush(s->influx, now_ms, &b));
	jmx_buf_free(&b);
}

void
jmx_stream_tick(struct jmx_stream *s, int64_t now_ms)
{
	if (s == NULL || s->closed)
		return;
	if (s->last_flush == 0)
		s->last_flush = now_ms;
	else if (now_ms - s->last_flush >= s->interval_ms)
		flush(s, now_ms);
}

void
jmx_stream_event(struct jmx_stream *s, const char *text, int64_t now_ms)
{
	struct jmx_buf b = { 0 };

	if (s == NULL || s->closed)
		return;
	jmx_influx_event(s->influx, text, now_ms, &b);
	push(s, &b, 1);
	jmx_buf_free(&b);
}

/* Stop and join the worker; what is still queued is dropped. */
static void
stop_worker(struct jmx_stream *s)
{
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	if (s->started)
		pthread_join(s->tid, NULL);
	s->started = 0;
	while (s->n > 0) {
		s->st.dropped += s->ring[s->head].points;
		free(s->ring[s->head].text);
		s->head = (s->head + 1) % s->cap;
		s->n--;
	}
}

void
jmx_stream_close(struct jmx_stream *s, int64_t wait_ms)
{
	struct timespec ts;
	int64_t until;

	if (s == NULL || s->closed)
		return;
	flush(s, jmx_now_ms());
	s->closed = 1;
	until = jmx_now_ms() + (wait_ms > 0 ? wait_ms : 0);
	ts.tv_sec = (time_t)(until / 1000);
	ts.tv_nsec = (long)(until % 1000) * 1000000L;
	pthread_mutex_lock(&s->lock);
	while ((s->n > 0 || s->busy) && s->started &&
	    pthread_cond_timedwait(&s->cond, &s->lock, &ts) != ETIMEDOUT)
		;
	if (s->n > 0 || s->busy)
		snprintf(s->st.last_error, sizeof s->st.last_error,
		    "not sent within %lld ms of the end", (long long)wait_ms);
	pthread_mutex_unlock(&s->lock);
	stop_worker(s);
}

void
jmx_stream_stats(struct jmx_stream *s, struct jmx_stream_stats *st)
{
	pthread_mutex_lock(&s->lock);
	*st = s->st;
	pthread_mutex_unlock(&s->lock);
}

void
jmx_stream_free(struct jmx_stream *s)
{
	if (s == NULL)
		return;
	stop_worker(s);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	jmx_influx_free(s->influx);
	jmx_influx_url_free(&s->url);
	if (s->auth != NULL) {
		/* A secret: not left in freed memory. */
		memset(s->auth, 0, strlen(s->auth));
		free(s->auth);
	}
	free(s->ring);
	free(s->test);
	free(s);
}

/* Annotation text: "checkout run 12 started". */
static void
annotate(struct jmx_stream *s, const char *what)
{
	char text[256];

	snprintf(text, sizeof text, "%s run %lld %s", s->test,
	    (long long)s->run_id, what);
	jmx_stream_event(s, text, jmx_now_ms());
}

enum jmx_code
jmx_stream_start(const struct jmx_test_conf *t, const char *url,
    int64_t run_id, struct jmx_stream **out, struct jmx_err *err)
{
	struct jmx_stream_conf sc = { 0 };
	enum jmx_code code;
	char *token = NULL;
	size_t n;

	*out = NULL;
	if ((sc.url = url != NULL ? url : t->stream) == NULL)
		return JMX_OK;
	sc.application = t->stream_app != NULL ? t->stream_app : t->name;
	sc.interval_ms = t->stream_interval_ms;
	if (t->stream_token_file != NULL) {
		code = jmx_read_file(t->stream_token_file, &token, &n, err);
		if (code != JMX_OK)
			return code;
		token[strcspn(token, "\r\n")] = '\0';
		sc.token = token;
	} else
		sc.token = getenv("JMX_INFLUX_TOKEN");
	code = jmx_stream_open(&sc, out, err);
	if (token != NULL) {
		memset(token, 0, n);
		free(token);
	}
	if (code != JMX_OK)
		return code;
	(*out)->test = xstrdup(t->name);
	(*out)->run_id = run_id;
	annotate(*out, "started");
	return JMX_OK;
}

int64_t
jmx_stream_end(struct jmx_stream *s, struct jmx_stream_stats *st,
    char *detail, size_t size)
{
	annotate(s, "ended");
	jmx_stream_close(s, 3000);
	jmx_stream_stats(s, st);
	if (st->dropped > 0)
		snprintf(detail, size, "%lld of %lld points not sent to %s: "
		    "%s", (long long)st->dropped, (long long)st->points,
		    s->url.url, st->last_error);
	return st->dropped;
}

const char *
jmx_stream_url(struct jmx_stream *s)
{
	return s->url.url;
}

const char *
jmx_stream_libversion(void)
{
	static char v[64];

	snprintf(v, sizeof v, "libcurl %s", curl_version_info(
	    CURLVERSION_NOW)->version);
	return v;
}

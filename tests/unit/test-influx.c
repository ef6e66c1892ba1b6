/*
 * test-influx.c: line protocol as JMeter's InfluxDB listener writes it,
 * every value computed by hand.
 *
 * Interval 1, application "my app", percentiles 50 and 99.9:
 * "Home page", segment 10: 100 200 300(failed) 400, elapsed sum 1000,
 *   4000 B received, 400 sent, 5 threads; segment 11: 600, 100 B, 10 sent,
 *   3 threads.  all: 5 samples 100 200 300 400 600, avg 1600 / 5 = 320,
 *   p50 = ceil(2.5) = 3rd = 300, p99.9 = 5th = 600; ok: 100 200 400 600,
 *   avg 325, p50 = 2nd = 200; ko: 300.  hit 5, sb 410, rb 4100.
 * "a,b=c", segment 11: 50, 10 B, 1 sent, 3 threads.
 * Total: 6 samples, 1 error; ok 50 100 200 400 600: avg 1350 / 5 = 270,
 *   min 50, max 600; all sorted 50 100 200 300 400 600: p50 = 3rd = 200,
 *   p99.9 = 600; sb 411, rb 4110.  Threads 5 (segment 10) + 3 (11) = 8.
 * Timestamp 1700000000123 ms = 1700000000123000000 ns.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hist.h"
#include "influx.h"
#include "stats.h"
#include "stream.h"
#include "util.h"
#include "tap.h"

static const char want[] =
    "jmeter,application=my\\ app,transaction=Home\\ page,statut=all "
    "count=5,avg=320,min=100,max=600,hit=5,sb=410,rb=4100,pct50.0=300,"
    "pct99.9=600 1700000000123000000\n"
    "jmeter,application=my\\ app,transaction=Home\\ page,statut=ok "
    "count=4,avg=325,min=100,max=600,hit=5,sb=410,rb=4100,pct50.0=200,"
    "pct99.9=600 1700000000123000000\n"
    "jmeter,application=my\\ app,transaction=Home\\ page,statut=ko "
    "count=1,avg=300,min=300,max=300,hit=5,sb=410,rb=4100,pct50.0=300,"
    "pct99.9=300 1700000000123000000\n"
    "jmeter,application=my\\ app,transaction=a\\,b\\=c,statut=all "
    "count=1,avg=50,min=50,max=50,hit=1,sb=1,rb=10,pct50.0=50,"
    "pct99.9=50 1700000000123000000\n"
    "jmeter,application=my\\ app,transaction=a\\,b\\=c,statut=ok "
    "count=1,avg=50,min=50,max=50,hit=1,sb=1,rb=10,pct50.0=50,"
    "pct99.9=50 1700000000123000000\n"
    "jmeter,application=my\\ app,transaction=all,statut=all "
    "count=6,countError=1,avg=270,min=50,max=600,hit=6,sb=411,rb=4110,"
    "pct50.0=200,pct99.9=600 1700000000123000000\n"
    "jmeter,application=my\\ app,transaction=internal "
    "minAT=8,maxAT=8,meanAT=8 1700000000123000000\n";

/* A bucket of the given times; those at failed[i] != 0 failed. */
static void
bucket(struct jmx_bucket *b, const int64_t *v, const int *failed, int n,
    int64_t bytes, int64_t sent, int64_t threads)
{
	int i;

	memset(b, 0, sizeof *b);
	b->hist = jmx_hist_new();
	b->err_hist = jmx_hist_new();
	for (i = 0; i < n; i++) {
		jmx_hist_add(b->hist, v[i], 1);
		if (failed[i]) {
			jmx_hist_add(b->err_hist, v[i], 1);
			b->errors++;
		}
		b->count++;
		b->elapsed_sum += v[i];
	}
	b->bytes = bytes;
	b->sent_bytes = sent;
	b->max_all_threads = threads;
}

static void
unbucket(struct jmx_bucket *b)
{
	jmx_hist_free(b->hist);
	jmx_hist_free(b->err_hist);
}

static void
test_points(void)
{
	static const double pcts[] = { 50, 99.9 };
	static const int64_t home0[] = { 100, 200, 300, 400 }, home1[] =
	    { 600 }, abc[] = { 50 };
	static const int f0[] = { 0, 0, 1, 0 }, f1[] = { 0 };
	struct jmx_influx *f = jmx_influx_new(" my app ", pcts, 2);
	struct jmx_bucket b;
	struct jmx_buf out = { 0 };
	size_t i;

	bucket(&b, home0, f0, 4, 4000, 400, 5);
	jmx_influx_add(f, "Home page", &b, 10);
	unbucket(&b);
	bucket(&b, abc, f1, 1, 10, 1, 3);
	jmx_influx_add(f, "a,b=c", &b, 11);
	unbucket(&b);
	bucket(&b, home1, f1, 1, 100, 10, 3);
	jmx_influx_add(f, "Home page", &b, 11);
	unbucket(&b);
	is_int(jmx_influx_flush(f, 1700000000123LL, &out), 7,
	    "7 points: 3 + 2 statuses, the total, internal");
	is_str(out.data, want, "line protocol as computed by hand");
	if (strcmp(out.data, want) != 0)
		for (i = 0; out.data[i] != '\0'; i++)
			if (out.data[i] != want[i]) {
				printf("# first difference at %zu: %s\n", i,
				    out.data + i);
				break;
			}

	jmx_buf_reset(&out);
	is_int(jmx_influx_flush(f, 1700000005123LL, &out), 0,
	    "an empty interval has no points");
	is_int((long long)out.len, 0, "and writes nothing");

	/* The next interval holds only what came since. */
	bucket(&b, home1, f1, 1, 0, 0, 2);
	jmx_influx_add(f, "Home page", &b, 10);
	unbucket(&b);
	is_int(jmx_influx_flush(f, 1700000010000LL, &out), 4,
	    "a later interval: only its own label");
	ok(strstr(out.data, "statut=all count=1,avg=600,") != NULL,
	    "the delta, not the running total");
	ok(strstr(out.data, "maxAT=2,") != NULL,
	    "threads of this interval only");

	jmx_buf_reset(&out);
	jmx_influx_event(f, "checkout \"x\" \\ started", 1700000000000LL,
	    &out);
	is_str(out.data, "events,application=my\\ app,title=ApacheJMeter "
	    "text=\"checkout \\\"x\\\" \\\\ started\" "
	    "1700000000000000000\n", "an annotation, quotes escaped");
	jmx_buf_free(&out);
	jmx_influx_free(f);
}

static void
test_names(void)
{
	static const struct {
		double	 pct;
		const char *want;
	} p[] = {
		{ 95, "pct95.0" }, { 99, "pct99.0" }, { 99.9, "pct99.9" },
		{ 99.99, "pct99.99" }, { 0.5, "pct0.5" }, { 100, "pct100.0" },
	};
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "Home page", "Home\\ page" }, { "a,b", "a\\,b" },
		{ "k=v", "k\\=v" }, { "  trimmed\t", "trimmed" },
		{ "two\nlines", "two\\nlines" }, { "plain", "plain" },
	};
	struct jmx_buf b = { 0 };
	size_t i;

	for (i = 0; i < sizeof p / sizeof p[0]; i++) {
		jmx_buf_reset(&b);
		jmx_influx_pct_name(&b, p[i].pct);
		is_str(b.data, p[i].want, p[i].want);
	}
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		jmx_buf_reset(&b);
		jmx_influx_tag(&b, t[i].in);
		is_str(b.data, t[i].want, t[i].want);
	}
	jmx_buf_reset(&b);
	jmx_influx_num(&b, 320);
	jmx_buf_addc(&b, ' ');
	jmx_influx_num(&b, 0.1);
	jmx_buf_addc(&b, ' ');
	jmx_influx_num(&b, 1.0 / 3);
	jmx_buf_addc(&b, ' ');
	jmx_influx_num(&b, 1234567.5);
	is_str(b.data, "320 0.1 0.3333333333333333 1234567.5",
	    "numbers: shortest text that reads back the same");
	jmx_buf_free(&b);
}

static void
test_urls(void)
{
	static const char *const bad[] = {
		"ftp://h:8086/write?db=x",
		"http://h:8086/query?db=x",
		"http://h:8086/write",
		"http://h:8086/write?db=",
		"http://u:secret@h:8086/write?db=x",
		"http://h:8086/write?db=x&p=secret",
		"http://h:8086/write?u=me&db=x",
		"http://h:8086/api/v2/write?bucket=b",
		"http://h:8086/api/v2/write?org=o",
		"http://h:8086/api/v2/write?org=o&bucket=b&token=t",
		"http:///write?db=x",
	};
	struct jmx_influx_url u;
	struct jmx_err err;
	size_t i;

	is_int(jmx_influx_url_parse("http://127.0.0.1:8086/write?db=jmeter",
	    &u, &err), JMX_OK, "1.x URL");
	is_int(u.version, 1, "1.x: version");
	is_str(u.db, "jmeter", "1.x: db");
	ok(u.org == NULL, "1.x: no org");
	jmx_influx_url_free(&u);
	is_int(jmx_influx_url_parse("https://h/api/v2/write?org=my%20org&"
	    "bucket=jm&precision=ns", &u, &err), JMX_OK, "2.x URL");
	is_int(u.version, 2, "2.x: version");
	is_str(u.db, "jm", "2.x: bucket");
	is_str(u.org, "my%20org", "2.x: org");
	is_str(u.url, "https://h/api/v2/write?org=my%20org&bucket=jm&"
	    "precision=ns", "2.x: the URL as given");
	jmx_influx_url_free(&u);
	is_int(jmx_influx_url_parse("http://h/api/v2/write?orgID=0a1b&"
	    "bucket=jm", &u, &err), JMX_OK, "2.x URL with orgID");
	jmx_influx_url_free(&u);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err.msg[0] = '\0';
		is_int(jmx_influx_url_parse(bad[i], &u, &err), JMX_ERR_USAGE,
		    bad[i]);
		ok(strstr(err.msg, "secret") == NULL,
		    "the message does not repeat a password");
	}
}

/* A port on 127.0.0.1 that listens and never answers; its socket. */
static int
silent_server(int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd == -1 || bind(fd, (struct sockaddr *)&a, sizeof a) == -1 ||
	    listen(fd, 16) == -1 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) == -1)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

/*
 * The worker never holds up the caller: a server that hangs fills the
 * queue, what does not fit is dropped at once, and close gives up after
 * its wait; a server that refuses drops each batch.  Every point made is
 * sent or counted as dropped.
 */
static void
test_stream(void)
{
	struct jmx_stream_conf sc = { 0 };
	struct jmx_stream_stats st;
	struct jmx_stream *s;
	struct jmx_err err;
	char url[128];
	int64_t t;
	int fd, port, i;

	fd = silent_server(&port);
	ok(fd != -1, "a silent server listens");
	snprintf(url, sizeof url, "http://127.0.0.1:%d/write?db=x", port);
	sc.url = url;
	sc.application = "app";
	sc.queue = 2;
	is_int(jmx_stream_open(&sc, &s, &err), JMX_OK, "stream opened");
	t = jmx_mono_ms();
	for (i = 0; i < 5; i++) {
		jmx_stream_event(s, "e", 1700000000000LL);
		if (i == 0)
			usleep(200000);	/* the worker takes the first */
	}
	ok(jmx_mono_ms() - t < 1000, "pushing never waits for the server");
	jmx_stream_stats(s, &st);
	is_int(st.dropped, 2, "a full queue drops at once");
	t = jmx_mono_ms();
	jmx_stream_close(s, 300);
	t = jmx_mono_ms() - t;
	ok(t < 2000, "close gives up on a hung server (%lld ms)",
	    (long long)t);
	jmx_stream_stats(s, &st);
	is_int(st.points, 5, "5 points made");
	is_int(st.sent, 0, "none sent");
	is_int(st.dropped, 5, "all 5 counted as dropped");
	jmx_stream_free(s);
	close(fd);

	/* Refused: port of a closed socket. */
	fd = silent_server(&port);
	close(fd);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/write?db=x", port);
	sc.queue = 0;
	is_int(jmx_stream_open(&sc, &s, &err), JMX_OK, "stream opened");
	jmx_stream_event(s, "e", 1700000000000LL);
	jmx_stream_close(s, 3000);
	jmx_stream_stats(s, &st);
	is_int(st.dropped, 1, "a refused post drops its points");
	ok(strstr(st.last_error, "onnect") != NULL, "and says why: %s",
	    st.last_error);
	jmx_stream_free(s);

	sc.url = "http://h/query";
	is_int(jmx_stream_open(&sc, &s, &err), JMX_ERR_USAGE,
	    "a bad URL is refused");
	ok(s == NULL, "and nothing is started");
}

int
main(void)
{
	test_points();
	test_names();
	test_urls();
	test_stream();
	return done_testing();
}

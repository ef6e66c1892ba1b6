/*
 * test-stats.c: buckets and summaries of tests/data/jtl/stats.jtl, every
 * number computed by hand:
 *
 * Home (10): elapsed 100 200 300 400(failed) 2000 150 250 350 450 600,
 *   sorted 100 150 200 250 300 350 400 450 600 2000, sum 4800, avg 480,
 *   p50 = 5th = 300, p90 = 9th = 600, p95 = p99 = 10th = 2000; starts
 *   ...0000 to ...2500, last end ...2000 + 2000 = ...4000: window 4 s,
 *   2.5/s; bytes 13312 = 13 KiB -> 3.25 KiB/s; sent 5120 -> 1.25 KiB/s;
 *   latency sum 2980 (avg 298), connect sum 150 (avg 15).  APDEX 500/2000:
 *   satisfied 7 of the successful, tolerating 600 and 2000, the failed 400
 *   frustrated: (7 + 1) / 10 = 0.8; with F = 1500: (7 + 0.5) / 10 = 0.75.
 * Pay, "now"\nconfirm (3): 50 70 1000(failed): avg 373.333, p50 70,
 *   p90 1000, window ...0200 to ...4000 = 3.8 s: 0.789/s, 500 B ->
 *   0.128 KiB/s, 200 B -> 0.051 KiB/s, 33.333 % errors, APDEX 2/3.
 * Alpha (1): 10 ms at ...0100: window 0.01 s, 100/s.
 * Total (14): sum 5930, avg 423.571, sorted 10 50 70 100 150 200 250 300
 *   350 400 450 600 1000 2000: p50 = 7th = 250, p90 = 13th = 1000,
 *   p95 = 14th = 2000; window 4 s: 3.5/s; 13812 B -> 3.372 KiB/s, 5320 B
 *   -> 1.299 KiB/s; 2 errors = 14.286 %; APDEX (10 + 1) / 14.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hist.h"
#include "json.h"
#include "jtl.h"
#include "stats.h"
#include "util.h"
#include "tap.h"

static const char want_json[] =
    "{\"labels\":["
    "{\"label\":\"Alpha\",\"count\":1,\"errors\":0,\"error_pct\":0,"
    "\"avg\":10,\"min\":10,\"max\":10,\"p50\":10,\"p90\":10,\"p95\":10,"
    "\"p99\":10,\"throughput\":100,\"received_kbps\":0,\"sent_kbps\":0,"
    "\"apdex\":1},"
    "{\"label\":\"Home\",\"count\":10,\"errors\":1,\"error_pct\":10,"
    "\"avg\":480,\"min\":100,\"max\":2000,\"p50\":300,\"p90\":600,"
    "\"p95\":2000,\"p99\":2000,\"throughput\":2.5,\"received_kbps\":3.25,"
    "\"sent_kbps\":1.25,\"apdex\":0.8},"
    "{\"label\":\"Pay, \\\"now\\\"\\nconfirm\",\"count\":3,\"errors\":1,"
    "\"error_pct\":33.333,\"avg\":373.333,\"min\":50,\"max\":1000,"
    "\"p50\":70,\"p90\":1000,\"p95\":1000,\"p99\":1000,"
    "\"throughput\":0.789,\"received_kbps\":0.128,\"sent_kbps\":0.051,"
    "\"apdex\":0.667}],"
    "\"total\":{\"count\":14,\"errors\":2,\"error_pct\":14.286,"
    "\"avg\":423.571,\"min\":10,\"max\":2000,\"p50\":250,\"p90\":1000,"
    "\"p95\":2000,\"p99\":2000,\"throughput\":3.5,\"received_kbps\":3.372,"
    "\"sent_kbps\":1.299,\"apdex\":0.786}}";

#define PAY	"Pay, \"now\"\nconfirm"

struct ingest {
	struct jmx_agg	*agg;
	int64_t		 offset;
	int		 slot;
	int		 n;
};

static enum jmx_code
to_agg(const struct jmx_sample *s, void *arg, struct jmx_err *err)
{
	struct ingest *in = arg;

	jmx_agg_add_slot(in->agg, s, in->slot, in->offset);
	in->n++;
	return JMX_OK;
}

static char *
slurp(const char *name, size_t *len)
{
	char path[1024];
	const char *dir = getenv("JMX_SRCDIR");
	char *data;
	struct jmx_err err;

	snprintf(path, sizeof path, "%s/tests/data/jtl/%s",
	    dir != NULL ? dir : ".", name);
	if (jmx_read_file(path, &data, len, &err) != JMX_OK) {
		printf("Bail out! %s\n", err.msg);
		exit(1);
	}
	return data;
}

/* Parse data into agg with the given clock offset. */
static void
ingest(struct jmx_agg *agg, const char *data, size_t len, int64_t off)
{
	struct ingest in = { agg, off, 0, 0 };
	struct jmx_jtl *p = jmx_jtl_new(to_agg, &in);
	struct jmx_err err;

	if (jmx_jtl_feed(p, data, len, &err) != JMX_OK ||
	    jmx_jtl_finish(p, &err) != JMX_OK)
		printf("# parse: %s\n", err.msg);
	jmx_jtl_free(p);
}

struct want_b {
	int64_t		 sec;
	uint32_t	 label;
	const struct jmx_bucket *found;
	int		 visits;
};

static enum jmx_code
look(const struct jmx_bucket *b, void *arg)
{
	struct want_b *w = arg;

	w->visits++;
	if (b->second == w->sec && b->label == w->label)
		w->found = b;
	return JMX_OK;
}

static const struct jmx_bucket *
bucket(struct jmx_agg *agg, int64_t sec, const char *label)
{
	struct want_b w = { sec, UINT32_MAX, NULL, 0 };
	uint32_t i;

	for (i = 0; i < jmx_agg_nlabels(agg); i++)
		if (strcmp(jmx_agg_label(agg, i), label) == 0)
			w.label = i;
	jmx_agg_foreach(agg, look, &w);
	return w.found;
}

static void
test_buckets(void)
{
	struct jmx_agg *agg = jmx_agg_new();
	const struct jmx_bucket *b;
	char *data;
	size_t len;

	data = slurp("stats.jtl", &len);
	ingest(agg, data, len, 0);
	is_int(jmx_agg_nlabels(agg), 3, "agg: 3 labels");
	is_str(jmx_agg_label(agg, 0), "Home", "agg: ids in first-seen order");
	is_str(jmx_agg_label(agg, 1), "Alpha", "agg: id 1");
	is_str(jmx_agg_label(agg, 2), PAY, "agg: label with , \" and LF");
	ok(jmx_agg_label(agg, 3) == NULL, "agg: no id 3");
	is_int(jmx_agg_nbuckets(agg), 6, "agg: 6 buckets");

	/* Home in second 1000000000: elapsed 100 200 150 250 */
	b = bucket(agg, 1000000000, "Home");
	ok(b != NULL, "agg: Home @1000000000");
	if (b != NULL) {
		is_int(b->count, 4, "bucket: count");
		is_int(b->errors, 0, "bucket: errors");
		is_int(b->elapsed_sum, 700, "bucket: elapsed sum");
		is_int(b->elapsed_min, 100, "bucket: min");
		is_int(b->elapsed_max, 250, "bucket: max");
		is_int(b->latency_sum, 80 + 150 + 100 + 200, "bucket: latency");
		is_int(b->connect_sum, 50, "bucket: connect");
		is_int(b->bytes, 1024 + 2048 + 1024 + 1024, "bucket: bytes");
		is_int(b->sent_bytes, 2048, "bucket: sent");
		is_int(b->max_grp_threads, 2, "bucket: grp threads");
		is_int(b->max_all_threads, 3, "bucket: all threads");
		is_int(b->first_start, 1000000000000LL, "bucket: first start");
		is_int(b->last_end, 1000000000750LL + 250, "bucket: last end");
		is_int(jmx_hist_count(b->hist), 4, "bucket: hist count");
		is_int(jmx_hist_percentile(b->hist, 50), 150, "bucket: median");
		ok(b->err_hist == NULL, "bucket: no error histogram");
	}
	b = bucket(agg, 1000000001, "Home");
	ok(b != NULL && b->count == 4 && b->errors == 1 &&
	    b->err_hist != NULL && jmx_hist_count(b->err_hist) == 1 &&
	    jmx_hist_max(b->err_hist) == 400 && b->max_all_threads == 4,
	    "bucket: Home @1000000001 has the failed 400 ms");
	b = bucket(agg, 1000000003, PAY);
	ok(b != NULL && b->count == 1 && b->errors == 1 &&
	    b->last_end == 1000000004000LL, "bucket: Pay @1000000003");

	/* the agent's clock runs 1.5 s fast: starts move back */
	jmx_agg_clear(agg);
	is_int(jmx_agg_nbuckets(agg), 0, "clear: no buckets");
	is_int(jmx_agg_nlabels(agg), 3, "clear: labels kept");
	ingest(agg, data, len, 1500);
	b = bucket(agg, 999999998, "Home");
	ok(b != NULL && b->count == 2 && b->first_start == 999999998500LL,
	    "offset: Home 0 and 250 in second 999999998");
	b = bucket(agg, 999999998, "Alpha");
	ok(b != NULL && b->first_start == 999999998600LL,
	    "offset: Alpha at ...8600 in second 999999998");
	jmx_agg_free(agg);
	jmx_agg_free(NULL);
	free(data);
}

static void
check_summary(struct jmx_summary *s, const char *what)
{
	const struct jmx_summary_row *r, *t;
	struct jmx_buf b = { 0 };
	struct jmx_json w;

	is_int(jmx_summary_nlabels(s), 3, what);
	r = jmx_summary_label(s, 0);
	is_str(r->label, "Alpha", "rows sorted: Alpha first");
	is_str(jmx_summary_label(s, 2)->label, PAY, "rows sorted: Pay last");
	ok(jmx_summary_label(s, 3) == NULL, "no fourth row");
	r = jmx_summary_find(s, "Home");
	ok(r != NULL, "find Home");
	if (r == NULL)
		return;
	is_int(r->count, 10, "Home: count");
	is_int(r->errors, 1, "Home: errors");
	is_num(r->error_pct, 10, 1e-9, "Home: error %");
	is_num(r->avg, 480, 1e-9, "Home: avg");
	is_int(r->min, 100, "Home: min");
	is_int(r->max, 2000, "Home: max");
	is_int(r->p50, 300, "Home: p50");
	is_int(r->p90, 600, "Home: p90");
	is_int(r->p95, 2000, "Home: p95");
	is_int(r->p99, 2000, "Home: p99");
	is_num(r->throughput, 2.5, 1e-9, "Home: throughput");
	is_num(r->received_kbps, 3.25, 1e-9, "Home: received KiB/s");
	is_num(r->sent_kbps, 1.25, 1e-9, "Home: sent KiB/s");
	is_num(r->latency_avg, 298, 1e-9, "Home: latency avg");
	is_num(r->connect_avg, 15, 1e-9, "Home: connect avg");
	is_int(r->apdex_satisfied, 7, "Home: APDEX satisfied");
	is_int(r->apdex_tolerating, 2, "Home: APDEX tolerating");
	is_num(r->apdex, 0.8, 1e-9, "Home: APDEX, failure frustrated");
	is_int(r->max_all_threads, 4, "Home: max all threads");
	r = jmx_summary_find(s, PAY);
	ok(r != NULL && r->count == 3 && r->p50 == 70 && r->p90 == 1000,
	    "Pay: count, p50, p90");
	if (r != NULL) {
		is_num(r->avg, 1120.0 / 3, 1e-9, "Pay: avg");
		is_num(r->throughput, 3 / 3.8, 1e-9, "Pay: throughput");
		is_num(r->apdex, 2.0 / 3, 1e-9, "Pay: APDEX");
	}
	ok(jmx_summary_find(s, "Nope") == NULL, "find unknown: NULL");
	t = jmx_summary_total(s);
	ok(t->label == NULL, "total: no label");
	is_int(t->count, 14, "total: count");
	is_int(t->errors, 2, "total: errors");
	is_num(t->avg, 5930.0 / 14, 1e-9, "total: avg");
	is_int(t->p50, 250, "total: p50");
	is_int(t->p90, 1000, "total: p90");
	is_int(t->p95, 2000, "total: p95");
	is_num(t->throughput, 3.5, 1e-9, "total: throughput");
	is_num(t->received_kbps, 13812 / 1024.0 / 4, 1e-9, "total: KiB/s");
	is_num(t->apdex, 11.0 / 14, 1e-9, "total: APDEX");
	is_int(t->first_start, 1000000000000LL, "total: first start");
	is_int(t->last_end, 1000000004000LL, "total: last end");
	jmx_json_init(&w, &b);
	jmx_summary_json(s, &w);
	is_str(b.data, want_json, "summary JSON");
	jmx_buf_free(&b);
}

/*
 * A run's pauses leave throughput: 14 samples from +0 to +4 s with 1 s
 * paused inside and 0.5 s of a window that starts before them, 2.5 s
 * active; a window after the samples changes nothing.  Cleared: as
 * before.
 */
static void
test_idle(struct jmx_summary *s)
{
	const int64_t t0 = 1000000000000LL;
	const int64_t from[] = { t0 + 1000, t0 - 5000, t0 + 9000 };
	const int64_t to[] = { t0 + 2000, t0 + 500, t0 + 9500 };
	const struct jmx_summary_row *t;

	jmx_summary_set_idle(s, from, to, 3);
	t = jmx_summary_total(s);
	is_int(t->active_ms, 2500, "idle: total active 4 s less 1.5 s");
	is_num(t->throughput, 14 / 2.5, 1e-9, "idle: total throughput "
	    "over the active time");
	is_num(t->received_kbps, 13812 / 1024.0 / 2.5, 1e-9,
	    "idle: KiB/s over the active time");
	jmx_summary_set_idle(s, NULL, NULL, 0);
	t = jmx_summary_total(s);
	is_int(t->active_ms, 4000, "idle cleared: the whole window");
	is_num(t->throughput, 3.5, 1e-9, "idle cleared: throughput again");
}

/* The store's way: bucket rows with histogram blobs, read back. */
struct stored {
	struct jmx_bucket b[16];
	struct jmx_buf	 blob[16];
	struct jmx_buf	 eblob[16];
	char		 label[16][64];
	int		 n;
	const struct jmx_agg *agg;
};

static enum jmx_code
store_bucket(const struct jmx_bucket *b, void *arg)
{
	struct stored *st = arg;

	if (st->n == 16)
		return JMX_ERR_STORE;
	st->b[st->n] = *b;
	memset(&st->blob[st->n], 0, sizeof st->blob[0]);
	memset(&st->eblob[st->n], 0, sizeof st->eblob[0]);
	jmx_hist_encode(b->hist, &st->blob[st->n]);
	if (b->err_hist != NULL)
		jmx_hist_encode(b->err_hist, &st->eblob[st->n]);
	snprintf(st->label[st->n], sizeof st->label[0], "%s",
	    jmx_agg_label(st->agg, b->label));
	st->n++;
	return JMX_OK;
}

static enum jmx_code
refuse(const struct jmx_bucket *b, void *arg)
{
	(*(int *)arg)++;
	return JMX_ERR_STORE;
}

static void
test_summary(void)
{
	struct jmx_agg *agg = jmx_agg_new();
	struct jmx_summary *s, *s2, *s3;
	struct jmx_hist *h = jmx_hist_new(), *eh = jmx_hist_new();
	struct stored *st;
	struct jmx_bucket b;
	struct jmx_buf js = { 0 };
	struct jmx_json w;
	char *data;
	size_t len, cut;
	int i, calls = 0;

	data = slurp("stats.jtl", &len);

	/* straight from an agg */
	ingest(agg, data, len, 0);
	s = jmx_summary_new();
	jmx_summary_add_agg(s, agg);
	check_summary(s, "from agg: 3 labels");
	test_idle(s);

	/* rebuilt from stored buckets, in reverse order */
	st = calloc(1, sizeof *st);
	st->agg = agg;
	is_int(jmx_agg_foreach(agg, store_bucket, st), JMX_OK,
	    "foreach: all visited");
	is_int(st->n, 6, "foreach: 6 buckets");
	is_int(jmx_agg_foreach(agg, refuse, &calls), JMX_ERR_STORE,
	    "foreach: stops on error");
	is_int(calls, 1, "foreach: at the first");
	s2 = jmx_summary_new();
	for (i = st->n - 1; i >= 0; i--) {
		b = st->b[i];
		jmx_hist_decode(st->blob[i].data, st->blob[i].len, h, NULL);
		b.hist = h;
		b.err_hist = NULL;
		if (st->eblob[i].len > 0) {
			jmx_hist_decode(st->eblob[i].data, st->eblob[i].len,
			    eh, NULL);
			b.err_hist = eh;
		}
		jmx_summary_add_bucket(s2, st->label[i], &b);
		jmx_buf_free(&st->blob[i]);
		jmx_buf_free(&st->eblob[i]);
	}
	check_summary(s2, "from stored buckets: 3 labels");

	/* ingested in two halves with a flush between (split buckets) */
	jmx_agg_clear(agg);
	cut = (size_t)(strstr(data, "1000000001000,300") - data);
	s3 = jmx_summary_new();
	{
		struct jmx_jtl *p;
		struct ingest in = { agg, 0, 0, 0 };
		struct jmx_err err;

		p = jmx_jtl_new(to_agg, &in);
		jmx_jtl_feed(p, data, cut, &err);
		jmx_summary_add_agg(s3, agg);
		jmx_agg_clear(agg);
		jmx_jtl_feed(p, data + cut, len - cut, &err);
		jmx_jtl_finish(p, &err);
		jmx_summary_add_agg(s3, agg);
		jmx_jtl_free(p);
	}
	check_summary(s3, "flushed halfway: 3 labels");

	/* JMeter dashboard's tolerated threshold */
	jmx_summary_set_apdex(s, 500, 1500);
	is_num(jmx_summary_find(s, "Home")->apdex, 0.75, 1e-9,
	    "APDEX 500/1500: 0.75");
	jmx_summary_set_apdex(s, 100, 0);
	/* T 100, F 400: successes <= 100: 1; 150 200 250 300 350: 5 */
	is_num(jmx_summary_find(s, "Home")->apdex, (1 + 2.5) / 10, 1e-9,
	    "APDEX 100/4T");

	jmx_summary_free(s);
	jmx_summary_free(s2);
	jmx_summary_free(s3);

	/* empty summary: nulls, no crash */
	s = jmx_summary_new();
	jmx_json_init(&w, &js);
	jmx_summary_json(s, &w);
	is_str(js.data, "{\"labels\":[],\"total\":{\"count\":0,\"errors\":0,"
	    "\"error_pct\":0,\"avg\":null,\"min\":null,\"max\":null,"
	    "\"p50\":null,\"p90\":null,\"p95\":null,\"p99\":null,"
	    "\"throughput\":0,\"received_kbps\":0,\"sent_kbps\":0,"
	    "\"apdex\":null}}",
	    "empty summary JSON");
	jmx_summary_free(s);
	jmx_summary_free(NULL);
	jmx_buf_free(&js);
	jmx_hist_free(h);
	jmx_hist_free(eh);
	jmx_agg_free(agg);
	free(st);
	free(data);
}

/* Samples with SampleCount/ErrorCount and several agent slots. */
static void
test_counts_slots(void)
{
	static const char csv[] =
	    "timeStamp,elapsed,label,success,SampleCount,ErrorCount\n"
	    "5000,90,B,false,3,2\n"
	    "5100,10,B,true,1,0\n";
	struct jmx_agg *agg = jmx_agg_new();
	struct ingest in = { agg, 0, 0, 0 };
	struct jmx_jtl *p;
	struct jmx_summary *s;
	const struct jmx_summary_row *r;
	const struct jmx_bucket *b;
	struct jmx_err err;

	p = jmx_jtl_new(to_agg, &in);
	jmx_jtl_feed(p, csv, sizeof csv - 1, &err);
	in.slot = 1;
	jmx_jtl_free(p);
	p = jmx_jtl_new(to_agg, &in);
	jmx_jtl_feed(p, csv, sizeof csv - 1, &err);
	jmx_jtl_free(p);
	is_int(jmx_agg_nbuckets(agg), 2, "slots: one bucket per slot");
	b = bucket(agg, 5, "B");
	ok(b != NULL && b->count == 4 && b->errors == 2 &&
	    b->elapsed_sum == 100 && jmx_hist_count(b->hist) == 4 &&
	    jmx_hist_percentile(b->hist, 50) == 30,
	    "SampleCount 3: counted 3 times at 90/3 ms");
	s = jmx_summary_new();
	jmx_summary_add_agg(s, agg);
	r = jmx_summary_total(s);
	is_int(r->count, 8, "slots: total count");
	is_int(r->errors, 4, "slots: total errors");
	is_num(r->avg, 25, 1e-9, "slots: avg = elapsed sum / count");
	/* hist 30 x6 (4 of them failed), 10 x2: satisfied 2 + 2 */
	is_int(r->apdex_satisfied, 4, "slots: APDEX minus failed");
	jmx_summary_free(s);
	jmx_agg_free(agg);
}

/*
 * A label's samples go to the bucket of its last sample while they stay
 * in that second (checked without dividing): around second boundaries,
 * before 1970 (floor, not truncation), and across slots and clears.
 */
static void
test_second_edges(void)
{
	static const int64_t starts[] = {
		-1001, -1000, -999, -1, 0, 999, 1000, 999, -1, 5000, 5999
	};
	static const int64_t secs[] = {
		-2, -1, -1, -1, 0, 0, 1, 0, -1, 5, 5
	};
	struct jmx_agg *agg = jmx_agg_new();
	struct jmx_sample s;
	const struct jmx_bucket *b;
	size_t i;
	int bad = 0, slot;

	memset(&s, 0, sizeof s);
	s.label.p = "edge";
	s.label.len = 4;
	s.elapsed = 1;
	s.sample_count = 1;
	for (slot = 0; slot < 2; slot++) {
		for (i = 0; i < sizeof starts / sizeof starts[0]; i++) {
			/* the start is ts - clock offset */
			s.ts = starts[i] + 7;
			jmx_agg_add_slot(agg, &s, slot, 7);
		}
	}
	/* 5 seconds, 2 slots */
	is_int(jmx_agg_nbuckets(agg), 10, "edges: a bucket per second, slot");
	for (i = 0; i < sizeof secs / sizeof secs[0]; i++) {
		b = bucket(agg, secs[i], "edge");
		bad += b == NULL || b->first_start > starts[i];
	}
	b = bucket(agg, -1, "edge");
	bad += b == NULL || b->count != 4 || b->first_start != -1000 ||
	    b->last_end != 0;
	b = bucket(agg, 0, "edge");
	bad += b == NULL || b->count != 3;
	is_int(bad, 0, "edges: floor((ts - offset) / 1000)");
	jmx_agg_clear(agg);
	s.ts = 999;
	jmx_agg_add(agg, &s, 0);
	b = bucket(agg, 0, "edge");
	ok(jmx_agg_nbuckets(agg) == 1 && b != NULL && b->count == 1,
	    "edges: after a clear, a new bucket");
	jmx_agg_free(agg);
}

/*
 * Interning: labels of every length up to 40 that differ in one byte
 * only (first, middle or last) get distinct ids, and the same id again.
 */
static void
test_intern(void)
{
	struct jmx_agg *agg = jmx_agg_new();
	char name[41];
	uint32_t ids[41][3];
	size_t n, k, pos[3];
	int bad = 0;

	for (n = 1; n <= 40; n++) {
		pos[0] = 0;
		pos[1] = n / 2;
		pos[2] = n - 1;
		for (k = 0; k < 3; k++) {
			memset(name, 'x', n);
			name[pos[k]] = (char)('a' + k);
			ids[n][k] = jmx_agg_intern(agg, name, n);
		}
	}
	for (n = 1; n <= 40; n++) {
		for (k = 0; k < 3; k++) {
			memset(name, 'x', n);
			name[pos[k] = k == 0 ? 0 : k == 1 ? n / 2 : n - 1] =
			    (char)('a' + k);
			if (jmx_agg_intern(agg, name, n) != ids[n][k] ||
			    strlen(jmx_agg_label(agg, ids[n][k])) != n ||
			    memcmp(jmx_agg_label(agg, ids[n][k]), name, n) != 0)
				bad++;
		}
	}
	is_int(bad, 0, "intern: same label, same id");
	/* each variant has its own letter: all distinct, even for n = 1 */
	is_int(jmx_agg_nlabels(agg), 40 * 3, "intern: distinct ids");
	jmx_agg_free(agg);
}

int
main(void)
{
	(void)tap_tmpdir;	/* unused here */
	test_buckets();
	test_summary();
	test_counts_slots();
	test_second_edges();
	test_intern();
	return done_testing();
}

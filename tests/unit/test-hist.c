/* test-hist.c: exact histograms: percentiles, merge, blobs, iteration. */
#include <stdint.h>

#include "hist.h"
#include "util.h"
#include "tap.h"

static void
test_one_to_hundred(void)
{
	struct jmx_hist *h = jmx_hist_new();
	double ps[] = { 99, 50, 90, 95, 0, 100, 33.3, 0.5, 99.9 };
	int64_t out[9];
	int i;

	for (i = 100; i >= 1; i--)
		jmx_hist_add(h, i, 1);
	is_int(jmx_hist_count(h), 100, "1..100: count");
	is_int(jmx_hist_min(h), 1, "1..100: min");
	is_int(jmx_hist_max(h), 100, "1..100: max");
	is_int(jmx_hist_percentile(h, 50), 50, "1..100: p50 = 50th value");
	is_int(jmx_hist_percentile(h, 90), 90, "1..100: p90");
	is_int(jmx_hist_percentile(h, 95), 95, "1..100: p95");
	is_int(jmx_hist_percentile(h, 99), 99, "1..100: p99");
	is_int(jmx_hist_percentile(h, 100), 100, "1..100: p100 = max");
	is_int(jmx_hist_percentile(h, 0), 1, "1..100: p0 = min");
	is_int(jmx_hist_percentile(h, 33.3), 34, "1..100: p33.3 -> rank 34");
	jmx_hist_percentiles(h, ps, 9, out);
	is_int(out[0], 99, "percentiles(): p99");
	is_int(out[1], 50, "percentiles(): p50");
	is_int(out[2], 90, "percentiles(): p90");
	is_int(out[3], 95, "percentiles(): p95");
	is_int(out[4], 1, "percentiles(): p0");
	is_int(out[5], 100, "percentiles(): p100");
	is_int(out[6], 34, "percentiles(): p33.3");
	is_int(out[7], 1, "percentiles(): p0.5 -> rank 1");
	is_int(out[8], 100, "percentiles(): p99.9 -> rank 100");
	is_int(jmx_hist_count_le(h, 30), 30, "count_le(30)");
	is_int(jmx_hist_count_le(h, 0), 0, "count_le(0)");
	is_int(jmx_hist_count_le(h, 1000), 100, "count_le(1000)");
	jmx_hist_free(h);
}

/* p = 90 with 10 samples must be rank 9 exactly (0.9 * 10 > 9 in double) */
static void
test_rank_rounding(void)
{
	struct jmx_hist *h = jmx_hist_new();
	int i;

	for (i = 1; i <= 10; i++)
		jmx_hist_add(h, i * 10, 1);
	is_int(jmx_hist_percentile(h, 90), 90, "10 samples: p90 = 9th");
	is_int(jmx_hist_percentile(h, 70), 70, "10 samples: p70 = 7th");
	is_int(jmx_hist_percentile(h, 10), 10, "10 samples: p10 = 1st");
	is_int(jmx_hist_percentile(h, 10.01), 20, "10 samples: p10.01 = 2nd");
	jmx_hist_free(h);
}

static void
test_repeated(void)
{
	struct jmx_hist *h = jmx_hist_new();

	/* 5 x3, 10 x1, 20 x6: N = 10, cumulative 3, 4, 10 */
	jmx_hist_add(h, 20, 6);
	jmx_hist_add(h, 5, 2);
	jmx_hist_add(h, 10, 1);
	jmx_hist_add(h, 5, 1);
	is_int(jmx_hist_count(h), 10, "repeated: count");
	is_int(jmx_hist_distinct(h), 3, "repeated: distinct");
	is_int(jmx_hist_percentile(h, 30), 5, "repeated: p30 rank 3 = 5");
	is_int(jmx_hist_percentile(h, 31), 10, "repeated: p31 rank 4 = 10");
	is_int(jmx_hist_percentile(h, 40), 10, "repeated: p40 rank 4 = 10");
	is_int(jmx_hist_percentile(h, 41), 20, "repeated: p41 rank 5 = 20");
	is_int(jmx_hist_percentile(h, 50), 20, "repeated: p50 = 20");
	is_int(jmx_hist_count_le(h, 9), 3, "repeated: count_le(9)");
	is_int(jmx_hist_count_le(h, 10), 4, "repeated: count_le(10)");
	jmx_hist_free(h);
}

static void
test_single_empty(void)
{
	struct jmx_hist *h = jmx_hist_new();
	double ps[] = { 50, 99 };
	int64_t out[2];

	is_int(jmx_hist_count(h), 0, "empty: count");
	is_int(jmx_hist_min(h), -1, "empty: min");
	is_int(jmx_hist_max(h), -1, "empty: max");
	is_int(jmx_hist_percentile(h, 50), -1, "empty: p50");
	jmx_hist_percentiles(h, ps, 2, out);
	ok(out[0] == -1 && out[1] == -1, "empty: percentiles -1");
	jmx_hist_add(h, 42, 1);
	is_int(jmx_hist_percentile(h, 0), 42, "single: p0");
	is_int(jmx_hist_percentile(h, 50), 42, "single: p50");
	is_int(jmx_hist_percentile(h, 99), 42, "single: p99");
	is_int(jmx_hist_percentile(h, 100), 42, "single: p100");
	jmx_hist_add(h, -7, 1);
	is_int(jmx_hist_min(h), 0, "negative value counts as 0");
	jmx_hist_add(h, 5, 0);
	is_int(jmx_hist_count(h), 2, "adding 0 times changes nothing");
	jmx_hist_reset(h);
	is_int(jmx_hist_count(h), 0, "reset: empty");
	is_int(jmx_hist_percentile(h, 50), -1, "reset: p50 -1");
	jmx_hist_add(h, 7, 1);
	is_int(jmx_hist_percentile(h, 50), 7, "reset then reuse");
	jmx_hist_free(h);
	jmx_hist_free(NULL);
}

/* Enough distinct values to use the dense part, plus a sparse tail. */
static void
test_dense(void)
{
	struct jmx_hist *h = jmx_hist_new(), *h2 = jmx_hist_new();
	struct jmx_hist_iter it;
	struct jmx_buf b = { 0 };
	struct jmx_err err;
	int64_t v, prev = -1;
	uint64_t c, total = 0, n = 0;
	int i, sorted = 1, same = 1;

	for (i = 0; i < 2000; i++)
		jmx_hist_add(h, (i * 7919) % 2000, 2);	/* shuffled */
	jmx_hist_add(h, 50000, 1);
	is_int(jmx_hist_count(h), 4001, "dense: count");
	is_int(jmx_hist_distinct(h), 2001, "dense: distinct");
	/* rank ceil(0.5 * 4001) = 2001: 0..999 hold 2000, so 1000 */
	is_int(jmx_hist_percentile(h, 50), 1000, "dense: p50");
	/* rank ceil(3996.999) = 3997: cum(v) = 2(v+1) >= 3997 at 1998 */
	is_int(jmx_hist_percentile(h, 99.9), 1998, "dense: p99.9");
	is_int(jmx_hist_percentile(h, 99.99), 50000, "dense: p99.99 tail");
	is_int(jmx_hist_count_le(h, 9), 20, "dense: count_le(9)");
	is_int(jmx_hist_count_le(h, 49999), 4000, "dense: count_le(49999)");
	jmx_hist_iter_init(&it, h);
	while (jmx_hist_iter_next(&it, &v, &c)) {
		if (v <= prev)
			sorted = 0;
		prev = v;
		total += c;
		n++;
	}
	ok(sorted && total == 4001 && n == 2001, "dense: iteration sorted");

	jmx_hist_encode(h, &b);
	is_int(jmx_hist_decode(b.data, b.len, h2, &err), JMX_OK,
	    "dense: decode");
	is_int(jmx_hist_count(h2), 4001, "dense: round trip count");
	for (i = 0; i <= 2000; i++) {
		if (jmx_hist_count_le(h2, i) != jmx_hist_count_le(h, i))
			same = 0;
	}
	ok(same, "dense: round trip same distribution");
	is_int(jmx_hist_max(h2), 50000, "dense: round trip max");
	jmx_buf_free(&b);
	jmx_hist_free(h);
	jmx_hist_free(h2);
}

/* A big histogram reset and reused small (jmx_agg's pool) stays exact. */
static void
test_reuse(void)
{
	struct jmx_hist *h = jmx_hist_new();
	int64_t out[3];
	double ps[] = { 50, 100, 1 };
	int i, round;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < 3000; i++)
			jmx_hist_add(h, i, 1);
		for (i = 0; i < 500; i++)
			jmx_hist_add(h, 20000 + i, 1);
		is_int(jmx_hist_distinct(h), 3500, "reuse: big distinct");
		is_int(jmx_hist_percentile(h, 100), 20499, "reuse: big max");
		jmx_hist_reset(h);
		jmx_hist_add(h, 9000, 2);
		jmx_hist_add(h, 3, 1);
		jmx_hist_add(h, 12, 1);
		is_int(jmx_hist_distinct(h), 3, "reuse: small distinct");
		jmx_hist_percentiles(h, ps, 3, out);
		ok(out[0] == 12 && out[1] == 9000 && out[2] == 3,
		    "reuse: small percentiles");
		is_int(jmx_hist_count_le(h, 12), 2, "reuse: small count_le");
		jmx_hist_reset(h);
	}
	jmx_hist_free(h);
}

static void
test_merge(void)
{
	struct jmx_hist *a = jmx_hist_new(), *b = jmx_hist_new();
	struct jmx_hist *big = jmx_hist_new();
	int i;

	jmx_hist_add(a, 1, 1);
	jmx_hist_add(a, 2, 1);
	jmx_hist_add(a, 3, 1);
	jmx_hist_add(b, 3, 1);
	jmx_hist_add(b, 4, 1);
	jmx_hist_add(b, 100000, 1);
	jmx_hist_merge(a, b);
	/* 1 2 3 3 4 100000 */
	is_int(jmx_hist_count(a), 6, "merge: count");
	is_int(jmx_hist_distinct(a), 5, "merge: distinct");
	is_int(jmx_hist_min(a), 1, "merge: min");
	is_int(jmx_hist_max(a), 100000, "merge: max");
	is_int(jmx_hist_percentile(a, 50), 3, "merge: p50 rank 3");
	is_int(jmx_hist_percentile(a, 67), 4, "merge: p67 rank 5");
	is_int(jmx_hist_percentile(a, 84), 100000, "merge: p84 rank 6");
	is_int(jmx_hist_count(b), 3, "merge: src unchanged");

	/* a dense histogram into a sparse one and back */
	for (i = 0; i < 3000; i++)
		jmx_hist_add(big, i, 1);
	jmx_hist_merge(b, big);
	is_int(jmx_hist_count(b), 3003, "merge dense: count");
	/* 0..2999, 3 and 4 once more, 100000: N 3003, rank 1502, 1499 */
	is_int(jmx_hist_percentile(b, 50), 1499, "merge dense: p50");
	jmx_hist_merge(big, a);
	is_int(jmx_hist_count(big), 3006, "merge into dense: count");
	is_int(jmx_hist_max(big), 100000, "merge into dense: max");
	jmx_hist_free(a);
	jmx_hist_free(b);
	jmx_hist_free(big);
}

/*
 * Values added one at a time are first only noted, then settled into the
 * parts when there are many or order is needed: every reader must see
 * them the same either way.  Compared with the same values added as
 * (value, count) pairs, which go straight to the parts.
 */
static void
test_noted(void)
{
	struct jmx_hist *a = jmx_hist_new(), *b = jmx_hist_new();
	struct jmx_hist *c = jmx_hist_new();
	struct jmx_buf ba = { 0 }, bb = { 0 };
	double ps[] = { 0, 25, 50, 90, 100 };
	int64_t pa[5], pb[5];
	int n, i, round, bad = 0;

	for (round = 0; round < 3; round++) {
		/* 10, then 70, then 300 values: noted, settled, and more */
		n = round == 0 ? 10 : round == 1 ? 70 : 300;
		jmx_hist_reset(a);
		jmx_hist_reset(b);
		for (i = 0; i < n; i++)
			jmx_hist_add(a, (i * 37) % 23 - 2, 1);
		for (i = -2; i < 21; i++) {
			uint64_t k = 0;
			int j;

			for (j = 0; j < n; j++)
				k += (j * 37) % 23 - 2 == i;
			jmx_hist_add(b, i, k);
		}
		/* b settled (pairs), a still noted: encode compares both */
		(void)jmx_hist_percentile(b, 50);
		jmx_buf_reset(&ba);
		jmx_buf_reset(&bb);
		jmx_hist_encode(a, &ba);
		jmx_hist_encode(b, &bb);
		bad += ba.len != bb.len || memcmp(ba.data, bb.data,
		    ba.len) != 0;
		bad += jmx_hist_count(a) != jmx_hist_count(b);
		bad += jmx_hist_distinct(a) != jmx_hist_distinct(b);
		bad += jmx_hist_min(a) != jmx_hist_min(b);
		bad += jmx_hist_max(a) != jmx_hist_max(b);
		for (i = -1; i < 22; i++)
			bad += jmx_hist_count_le(a, i) !=
			    jmx_hist_count_le(b, i);
		jmx_hist_percentiles(a, ps, 5, pa);
		jmx_hist_percentiles(b, ps, 5, pb);
		bad += memcmp(pa, pb, sizeof pa) != 0;
		jmx_hist_merge(c, a);
	}
	is_int(bad, 0, "noted: as if added in pairs (10, 70, 300 values)");
	is_int(jmx_hist_count(c), 380, "noted: merged from");
	is_int(jmx_hist_min(c), 0, "noted: negative values count as 0");

	/* noted values already placed, noted twice, and a merge of noted */
	jmx_hist_reset(a);
	jmx_hist_add(a, 5, 2);
	jmx_hist_add(a, 5, 1);
	jmx_hist_add(a, 7, 1);
	jmx_hist_add(a, 7, 1);
	jmx_hist_add(a, 3, 1);
	is_int(jmx_hist_distinct(a), 3, "noted: distinct 3 5 7");
	is_int(jmx_hist_count_le(a, 5), 4, "noted: count_le(5)");
	is_int(jmx_hist_min(a), 3, "noted: min");
	is_int(jmx_hist_max(a), 7, "noted: max");
	jmx_hist_reset(b);
	jmx_hist_merge(b, a);
	jmx_hist_merge(b, a);
	is_int(jmx_hist_percentile(b, 50), 5, "noted: merged twice, p50");
	is_int(jmx_hist_distinct(b), 3, "noted: merged twice, distinct");
	jmx_buf_free(&ba);
	jmx_buf_free(&bb);
	jmx_hist_free(a);
	jmx_hist_free(b);
	jmx_hist_free(c);
}

static void
test_iter(void)
{
	struct jmx_hist *h = jmx_hist_new();
	struct jmx_hist_iter it;
	struct jmx_buf got = { 0 };
	int64_t v;
	uint64_t c;

	jmx_hist_add(h, 20, 6);
	jmx_hist_add(h, 100000, 2);
	jmx_hist_add(h, 5, 3);
	jmx_hist_add(h, 10, 1);
	jmx_hist_iter_init(&it, h);
	while (jmx_hist_iter_next(&it, &v, &c))
		jmx_buf_addf(&got, "%lld:%llu ", (long long)v,
		    (unsigned long long)c);
	is_str(got.data, "5:3 10:1 20:6 100000:2 ", "iterator ascending");
	jmx_buf_free(&got);
	jmx_hist_free(h);
}

static void
test_blob(void)
{
	static const unsigned char want1[] = { 1, 3, 5, 3, 5, 1, 10, 6 };
	static const unsigned char want2[] = { 1, 1, 0xac, 0x02, 1 };
	static const unsigned char empty[] = { 1, 0 };
	static const struct {
		const char	*name;
		unsigned char	 b[16];
		size_t		 len;
	} bad[] = {
		{ "empty input", { 0 }, 0 },
		{ "version 2", { 2, 0 }, 2 },
		{ "truncated pair", { 1, 2, 5, 1, 3 }, 5 },
		{ "zero delta", { 1, 2, 5, 1, 0, 1 }, 6 },
		{ "zero count", { 1, 1, 5, 0 }, 4 },
		{ "trailing byte", { 1, 1, 5, 1, 9 }, 5 },
		{ "npairs too big", { 1, 100, 5, 1 }, 4 },
		{ "overlong varint", { 1, 1, 0x80, 0x80, 0x80, 0x80, 0x80,
		    0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 1 }, 14 },
		{ "value overflow", { 1, 2, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff, 0xff, 0x7f, 1, 1, 1 }, 14 },
		{ "truncated varint", { 1, 1, 0x85 }, 3 },
	};
	struct jmx_hist *h = jmx_hist_new(), *d = jmx_hist_new();
	struct jmx_buf b = { 0 };
	struct jmx_err err;
	size_t i;

	jmx_hist_add(h, 20, 6);
	jmx_hist_add(h, 5, 3);
	jmx_hist_add(h, 10, 1);
	jmx_hist_encode(h, &b);
	ok(b.len == sizeof want1 && memcmp(b.data, want1, b.len) == 0,
	    "encode: 5x3 10x1 20x6 exact bytes");
	is_int(jmx_hist_decode(b.data, b.len, d, NULL), JMX_OK, "decode ok");
	is_int(jmx_hist_count(d), 10, "decode: count");
	is_int(jmx_hist_percentile(d, 35), 10, "decode: p35");
	is_int(jmx_hist_max(d), 20, "decode: max");
	/* merge_blob adds to what is there: 5x3 10x1 20x6 + 10x2 30x1 */
	jmx_hist_reset(d);
	jmx_hist_add(d, 10, 2);
	jmx_hist_add(d, 30, 1);
	is_int(jmx_hist_merge_blob(d, b.data, b.len, NULL), JMX_OK,
	    "merge_blob ok");
	is_int(jmx_hist_count(d), 13, "merge_blob: count 10 + 3");
	is_int(jmx_hist_percentile(d, 46), 10, "merge_blob: p46 rank 6 = 10");
	is_int(jmx_hist_percentile(d, 47), 20, "merge_blob: p47 rank 7 = 20");
	is_int(jmx_hist_max(d), 30, "merge_blob: max kept");
	ok(jmx_hist_merge_blob(d, bad[6].b, bad[6].len, &err) == JMX_ERR_DATA,
	    "merge_blob rejects a corrupt blob");

	jmx_hist_reset(h);
	jmx_buf_reset(&b);
	jmx_hist_add(h, 300, 1);
	jmx_hist_encode(h, &b);
	ok(b.len == sizeof want2 && memcmp(b.data, want2, b.len) == 0,
	    "encode: 300 as LEB128 ac 02");

	jmx_hist_reset(h);
	jmx_buf_reset(&b);
	jmx_hist_encode(h, &b);
	ok(b.len == 2 && memcmp(b.data, empty, 2) == 0, "encode: empty");
	is_int(jmx_hist_decode(b.data, b.len, d, NULL), JMX_OK,
	    "decode: empty");
	is_int(jmx_hist_count(d), 0, "decode: empty replaces contents");

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		jmx_hist_add(d, 1, 1);
		memset(&err, 0, sizeof err);
		ok(jmx_hist_decode(bad[i].b, bad[i].len, d, &err) ==
		    JMX_ERR_DATA && err.code == JMX_ERR_DATA &&
		    jmx_hist_count(d) == 0, "decode rejects %s", bad[i].name);
	}
	ok(strstr(err.msg, "histogram") != NULL, "error message: %s",
	    err.msg);
	jmx_buf_free(&b);
	jmx_hist_free(h);
	jmx_hist_free(d);
}

/* JMeter's dashboard percentiles (interpolated), computed by hand. */
static void
test_jmeter(void)
{
	static const double ps[] = { 5, 50, 90, 95, 99 };
	static const double qs[] = { 25, 50, 60, 70, 90 };
	struct jmx_hist *h = jmx_hist_new();
	double out[5];
	int64_t v;

	jmx_hist_percentiles_jmeter(h, ps, 1, out);
	is_num(out[0], -1, 0, "jmeter: empty: -1");
	for (v = 1; v <= 10; v++)
		jmx_hist_add1(h, v);
	jmx_hist_percentiles_jmeter(h, ps, 5, out);
	is_num(out[0], 1, 1e-9, "jmeter 1..10: p5, pos 0.55 < 1: the minimum");
	is_num(out[1], 5.5, 1e-9, "jmeter 1..10: p50, pos 5.5: 5 + 0.5 x 1");
	is_num(out[2], 9.9, 1e-9, "jmeter 1..10: p90, pos 9.9: 9 + 0.9 x 1");
	is_num(out[3], 10, 1e-9, "jmeter 1..10: p95, pos 10.45 >= 10: max");
	is_num(out[4], 10, 1e-9, "jmeter 1..10: p99: max");
	jmx_hist_reset(h);
	jmx_hist_add(h, 10, 2);
	jmx_hist_add1(h, 20);
	jmx_hist_add1(h, 40);
	jmx_hist_percentiles_jmeter(h, qs, 5, out);
	is_num(out[0], 10, 1e-9, "jmeter 10,10,20,40: p25, pos 1.25: 10");
	is_num(out[1], 15, 1e-9, "jmeter 10,10,20,40: p50, pos 2.5: 15");
	is_num(out[2], 20, 1e-9, "jmeter 10,10,20,40: p60, pos 3: 20");
	is_num(out[3], 30, 1e-9, "jmeter 10,10,20,40: p70, pos 3.5: 30");
	is_num(out[4], 40, 1e-9, "jmeter 10,10,20,40: p90, pos 4.5: max");
	jmx_hist_free(h);
}

int
main(void)
{
	(void)tap_tmpdir;	/* unused here */
	test_one_to_hundred();
	test_rank_rounding();
	test_repeated();
	test_single_empty();
	test_dense();
	test_reuse();
	test_merge();
	test_noted();
	test_iter();
	test_blob();
	test_jmeter();
	return done_testing();
}

/*
 * test-jtl.c: the streaming JTL parser: quoting, column sets, delimiters,
 * pieces of any size, offsets, resuming, bad and truncated records.
 * Fixtures are in tests/data/jtl/; their byte offsets were counted by hand
 * (and checked with a few lines of Python).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jtl.h"
#include "util.h"
#include "xmalloc.h"
#include "tap.h"

/* What the callback saw, one line per sample. */
struct seen {
	struct jmx_buf	 out;
	int		 n;
	int		 stop_at;	/* refuse record n (1-) */
	int		 refused;
	int64_t		 ts[16];
	struct jmx_buf	 last_fmsg;
	size_t		 fmsg_len[16];
	struct jmx_jtl	*p;
};

static void
span(struct jmx_buf *b, const struct jmx_span *s)
{
	jmx_buf_add(b, s->p, s->len);
	jmx_buf_addc(b, '|');
}

static enum jmx_code
collect(const struct jmx_sample *s, void *arg, struct jmx_err *err)
{
	struct seen *g = arg;
	struct jmx_buf *b = &g->out;
	int i;

	if (g->stop_at > 0 && g->n + 1 == g->stop_at && !g->refused) {
		g->refused = 1;
		return jmx_err_set(err, JMX_ERR_STORE, "refused");
	}
	if (g->n < 16) {
		g->ts[g->n] = s->ts;
		g->fmsg_len[g->n] = s->failure_message.len;
	}
	g->n++;
	jmx_buf_addf(b, "%lld|%lld|", (long long)s->ts, (long long)s->elapsed);
	span(b, &s->label);
	span(b, &s->response_code);
	span(b, &s->response_message);
	span(b, &s->thread_name);
	span(b, &s->data_type);
	jmx_buf_addf(b, "%d|", s->success);
	span(b, &s->failure_message);
	jmx_buf_addf(b, "%lld|%lld|%lld|%lld|", (long long)s->bytes,
	    (long long)s->sent_bytes, (long long)s->grp_threads,
	    (long long)s->all_threads);
	span(b, &s->url);
	jmx_buf_addf(b, "%lld|%lld|%lld|", (long long)s->latency,
	    (long long)s->idle, (long long)s->connect);
	span(b, &s->hostname);
	jmx_buf_addf(b, "%lld|%lld|", (long long)s->sample_count,
	    (long long)s->error_count);
	for (i = 0; i < s->nvars; i++) {
		span(b, &s->var_names[i]);
		span(b, &s->var_values[i]);
	}
	jmx_buf_addf(b, "@%llu:%llu\n", (unsigned long long)s->line,
	    (unsigned long long)s->offset);
	jmx_buf_reset(&g->last_fmsg);
	jmx_buf_add(&g->last_fmsg, s->failure_message.p,
	    s->failure_message.len);
	return JMX_OK;
}

/* Only the label, one per line. */
static enum jmx_code
collect_label(const struct jmx_sample *s, void *arg, struct jmx_err *err)
{
	struct seen *g = arg;

	(void)err;
	jmx_buf_add(&g->out, s->label.p, s->label.len);
	jmx_buf_addc(&g->out, '\n');
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

static void
seen_free(struct seen *g)
{
	jmx_buf_free(&g->out);
	jmx_buf_free(&g->last_fmsg);
}

/* Parse data in pieces of step bytes (0: whole); returns feed's result. */
static enum jmx_code
parse(const char *data, size_t len, size_t step, struct seen *g,
    struct jmx_jtl **pp)
{
	struct jmx_jtl *p = jmx_jtl_new(collect, g);
	struct jmx_err err;
	enum jmx_code rc = JMX_OK;
	size_t i, n;

	if (step == 0)
		step = len;
	for (i = 0; i < len && rc == JMX_OK; i += n) {
		n = len - i < step ? len - i : step;
		rc = jmx_jtl_feed(p, data + i, n, &err);
	}
	if (rc == JMX_OK)
		rc = jmx_jtl_finish(p, &err);
	if (pp != NULL)
		*pp = p;
	else
		jmx_jtl_free(p);
	return rc;
}

static const char basic_want[] =
    "1700000000000|120|Home|200|OK|Users 1-1|text|1||1500|200|2|2|"
    "http://sut/|100|0|20||1|0|@2:163\n"
    "1700000000050|250|Search, results|200|OK|Users 1-2|text|1||3000|250|"
    "2|2|http://sut/search?q=a|200|0|30||1|0|@3:248\n"
    "1700000000100|1000|Login|500|Internal Server Error|Users 1-1|text|0|"
    "Response code was 500, expected \"200\"\nsecond line of the message|"
    "512|180|2|2|http://sut/login|900|0|25||1|1|@4:356\n"
    "1700000000200|15|Txn|200|Number of samples in transaction : 2, "
    "number of failing samples : 0|Users 1-2||1||4500|450|2|2||0|0|0||1|0|"
    "@6:535\n"
    "1700000000300|30|Home|Non HTTP response code: "
    "java.net.ConnectException|Non HTTP response message: Connection "
    "refused|Users 1-1|text|0|Connection refused|0|0|2|2|http://sut/|0|0|"
    "30||1|1|@7:671\n";

static void
test_basic(void)
{
	static const size_t steps[] = { 0, 1, 2, 3, 7, 16, 17, 64, 100 };
	static const uint64_t ends[] = { 163, 248, 356, 535, 671, 858 };
	struct seen g = { 0 };
	struct jmx_jtl *p;
	struct jmx_err err;
	char *data;
	size_t len, i, k, fed;
	int same = 1, offs = 1;
	uint64_t want;

	data = slurp("basic.jtl", &len);
	is_int(len, 858, "basic.jtl: 858 bytes");
	is_int(parse(data, len, 0, &g, &p), JMX_OK, "basic: parses");
	is_int(g.n, 5, "basic: 5 records");
	is_str(g.out.data, basic_want, "basic: every field as expected");
	is_int(jmx_jtl_records(p), 5, "basic: records()");
	is_int(jmx_jtl_offset(p), 858, "basic: offset at end");
	is_int(jmx_jtl_lines(p), 7, "basic: 7 physical lines");
	is_int(jmx_jtl_columns(p), 17, "basic: 17 columns");
	ok(jmx_jtl_delimiter(p) == ',', "basic: comma detected");
	is_str(jmx_jtl_header(p), "timeStamp,elapsed,label,responseCode,"
	    "responseMessage,threadName,dataType,success,failureMessage,bytes,"
	    "sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect",
	    "basic: header kept");
	jmx_jtl_free(p);

	/* the same in pieces of every size, byte by byte included */
	for (i = 1; i < sizeof steps / sizeof steps[0]; i++) {
		seen_free(&g);
		memset(&g, 0, sizeof g);
		parse(data, len, steps[i], &g, NULL);
		if (g.out.data == NULL || strcmp(g.out.data, basic_want) != 0) {
			same = 0;
			printf("# step %zu differs\n", steps[i]);
		}
	}
	ok(same, "basic: pieces of 1, 2, 3, 7, 16, 17, 64, 100 bytes agree");

	/* after each piece the offset is the end of the last full record */
	for (k = 1; k <= 13; k += 4) {
		p = jmx_jtl_new(NULL, NULL);
		for (fed = 0; fed < len; ) {
			size_t n = len - fed < k ? len - fed : k;

			jmx_jtl_feed(p, data + fed, n, &err);
			fed += n;
			want = 0;
			for (i = 0; i < 6; i++)
				if (ends[i] <= fed)
					want = ends[i];
			if (jmx_jtl_offset(p) != want ||
			    jmx_jtl_pending(p) != fed - want) {
				offs = 0;
				printf("# step %zu fed %zu: offset %llu want "
				    "%llu\n", k, fed, (unsigned long long)
				    jmx_jtl_offset(p),
				    (unsigned long long)want);
				break;
			}
		}
		jmx_jtl_free(p);
	}
	ok(offs, "basic: offset and pending right after every piece");
	seen_free(&g);
	free(data);
}

/* CRLF line ends: CR dropped at record ends, kept inside quoted fields. */
static void
test_crlf(void)
{
	struct seen g = { 0 }, h = { 0 };
	struct jmx_jtl *p;
	struct jmx_buf crlf = { 0 };
	char *data;
	size_t len, i;

	data = slurp("basic.jtl", &len);
	for (i = 0; i < len; i++) {
		if (data[i] == '\n')
			jmx_buf_addc(&crlf, '\r');
		jmx_buf_addc(&crlf, data[i]);
	}
	is_int(parse(crlf.data, crlf.len, 0, &g, &p), JMX_OK, "crlf: parses");
	is_int(g.n, 5, "crlf: 5 records");
	is_int(jmx_jtl_offset(p), 858 + 7, "crlf: offset counts the CRs");
	ok(strstr(g.out.data, "|Home|200|OK|Users 1-1|text|1||1500|") != NULL,
	    "crlf: fields clean");
	ok(strstr(g.out.data, "|30||1|1|@7:677\n") != NULL,
	    "crlf: last field has no CR");
	ok(strstr(g.out.data, "expected \"200\"\r\nsecond line") != NULL,
	    "crlf: CRLF inside a quoted field kept");
	jmx_jtl_free(p);
	/* split between CR and LF, and everywhere else */
	parse(crlf.data, crlf.len, 1, &h, NULL);
	is_str(h.out.data, g.out.data, "crlf: byte by byte agrees");
	seen_free(&g);
	seen_free(&h);
	jmx_buf_free(&crlf);
	free(data);
}

static void
test_custom(void)
{
	struct seen g = { 0 }, h = { 0 };
	struct jmx_jtl *p;
	char *data;
	size_t len;

	data = slurp("custom.jtl", &len);
	is_int(parse(data, len, 0, &g, &p), JMX_OK, "custom: parses");
	is_int(g.n, 2, "custom: 2 records");
	is_str(g.out.data,
	    "1700000001000|42|Buy|||||1||0|0|0|0||0|0|0|agent-1|3|1|"
	    "user|alice|item id|7|@2:81\n"
	    "1700000001500|17|Sell \"fast\"|||||0||0|0|0|0||0|0|0|agent-2|1|1|"
	    "user|bob, jr|item id||@3:127\n",
	    "custom: reordered subset, Hostname, counts, variables");
	is_int(jmx_jtl_columns(p), 9, "custom: 9 columns");
	jmx_jtl_free(p);
	parse(data, len, 1, &h, NULL);
	is_str(h.out.data, g.out.data, "custom: byte by byte agrees");
	seen_free(&g);
	seen_free(&h);
	free(data);
}

static enum jmx_code
check_have(const struct jmx_sample *s, void *arg, struct jmx_err *err)
{
	*(uint32_t *)arg = s->have;
	return JMX_OK;
}

static void
test_have(void)
{
	static const char csv[] = "label,elapsed,Hostname\nA,1,h\n";
	struct jmx_jtl *p;
	uint32_t have = 0;

	p = jmx_jtl_new(check_have, &have);
	jmx_jtl_feed(p, csv, sizeof csv - 1, NULL);
	is_int(have, JMX_JTL_LABEL | JMX_JTL_ELAPSED | JMX_JTL_HOSTNAME,
	    "have: bits of the columns present");
	jmx_jtl_free(p);
}

static void
test_delimiters(void)
{
	static const char semi[] = "timeStamp;elapsed;label\n1;2;a,b\n";
	static const char pipe[] = "timeStamp|elapsed|label\n1|2|\"a|b\"\n";
	static const char forced[] = "timeStamp,elapsed,label\n1,2,a;b\n";
	struct seen g = { 0 };
	struct jmx_jtl *p;
	struct jmx_err err;
	char *data;
	size_t len;

	data = slurp("tab.jtl", &len);
	is_int(parse(data, len, 0, &g, &p), JMX_OK, "tab: parses");
	ok(jmx_jtl_delimiter(p) == '\t', "tab: detected");
	is_str(g.out.data,
	    "1700000002000|5|A, B|200||||1||10|0|0|0||0|0|0||1|0|@2:51\n"
	    "1700000002010|6|tab\there|200||||1||20|0|0|0||0|0|0||1|0|@3:84\n",
	    "tab: commas plain, a quoted tab");
	jmx_jtl_free(p);
	seen_free(&g);
	free(data);

	memset(&g, 0, sizeof g);
	parse(semi, sizeof semi - 1, 0, &g, NULL);
	ok(g.n == 1 && strncmp(g.out.data, "1|2|a,b|", 8) == 0,
	    "semicolon detected");
	seen_free(&g);
	memset(&g, 0, sizeof g);
	parse(pipe, sizeof pipe - 1, 0, &g, NULL);
	ok(g.n == 1 && strncmp(g.out.data, "1|2|a|b|", 8) == 0,
	    "pipe detected, quoted pipe kept");
	seen_free(&g);

	/* a set delimiter wins over detection */
	memset(&g, 0, sizeof g);
	p = jmx_jtl_new(collect, &g);
	jmx_jtl_set_delimiter(p, ',');
	is_int(jmx_jtl_feed(p, forced, sizeof forced - 1, &err), JMX_OK,
	    "set delimiter: parses");
	ok(g.n == 1 && strncmp(g.out.data, "1|2|a;b|", 8) == 0,
	    "set delimiter: semicolon is data");
	jmx_jtl_free(p);
	seen_free(&g);
}

static void
test_dates(void)
{
	struct seen g = { 0 };
	struct jmx_jtl *p;
	struct jmx_err err;
	char *data;
	size_t len;

	data = slurp("dates.jtl", &len);
	p = jmx_jtl_new(collect, &g);
	is_int(jmx_jtl_feed(p, data, len, &err), JMX_ERR_DATA,
	    "dates: unknown pattern is an error");
	is_int(g.n, 2, "dates: two parsed first");
	is_int(g.ts[0], 1795668726123LL, "dates: 2026/11/26 04:52:06.123 UTC");
	is_int(g.ts[1], 1795668727000LL, "dates: 2026/11/26 04:52:07.000 UTC");
	is_str(err.msg, "line 4 (byte 102): timeStamp '26/11/2026 04:52:08' "
	    "is neither epoch milliseconds nor yyyy/MM/dd HH:mm:ss.SSS",
	    "dates: error names line and value");
	is_int(jmx_jtl_bad(p), 1, "dates: counted bad");
	jmx_jtl_free(p);
	seen_free(&g);

	/* a JVM at UTC+02:00 wrote local time */
	memset(&g, 0, sizeof g);
	p = jmx_jtl_new(collect, &g);
	jmx_jtl_set_utc_offset(p, 120);
	jmx_jtl_feed(p, data, len, &err);
	is_int(g.ts[0], 1795668726123LL - 7200000, "dates: utc offset");
	jmx_jtl_free(p);
	seen_free(&g);
	free(data);

	/* the shape of a date, but no date: which part is out of range */
	{
		static const struct {
			const char *ts, *why;
		} nd[] = {
			{ "2026/20/03 10:00:00.000", "month 20" },
			{ "2026/00/03 10:00:00.000", "month 0" },
			{ "2026/04/31 10:00:00", "day 31 of month 4" },
			{ "2100/02/29 10:00:00.000", "day 29 of month 2" },
			{ "2026/02/03 24:00:00.000", "hour 24" },
			{ "2026/02/03 10:60:00.000", "minute 60" },
			{ "2026/02/03 10:00:61.000", "second 61" }
		};
		char rec[128], want[160];
		size_t i;

		for (i = 0; i < sizeof nd / sizeof nd[0]; i++) {
			memset(&g, 0, sizeof g);
			p = jmx_jtl_new(collect, &g);
			snprintf(rec, sizeof rec, "timeStamp,elapsed\n%s,1\n",
			    nd[i].ts);
			is_int(jmx_jtl_feed(p, rec, strlen(rec), &err),
			    JMX_ERR_DATA, "no date: an error");
			snprintf(want, sizeof want, "line 2 (byte 18): "
			    "timeStamp '%s' is not a valid date (%s)",
			    nd[i].ts, nd[i].why);
			is_str(err.msg, want, "no date: says which part");
			jmx_jtl_free(p);
			seen_free(&g);
		}
		memset(&g, 0, sizeof g);
		p = jmx_jtl_new(collect, &g);
		snprintf(rec, sizeof rec, "timeStamp,elapsed\n"
		    "2000/02/29 23:59:60.999,1\n");
		is_int(jmx_jtl_feed(p, rec, strlen(rec), &err), JMX_OK,
		    "29 February 2000 and a leap second are times");
		is_int(g.ts[0], 951868800999LL, "... that time");
		jmx_jtl_free(p);
		seen_free(&g);
	}
}

static void
test_bad(void)
{
	static const char *const want[] = {
		"line 3 (byte 56): 3 fields, the header has 4",
		"line 4 (byte 75): elapsed 'abc' is not a number",
		"line 5 (byte 100): 5 fields, the header has 4",
		"line 8 (byte 162): success 'maybe' is not true or false",
	};
	static const uint64_t offs[] = { 75, 100, 130, 187 };
	struct seen g = { 0 };
	struct jmx_jtl *p;
	struct jmx_err err;
	char *data;
	size_t len;
	int i;

	data = slurp("bad.jtl", &len);
	/* stop at each, then go on */
	p = jmx_jtl_new(collect, &g);
	is_int(jmx_jtl_feed(p, data, len, &err), JMX_ERR_DATA,
	    "bad: first bad record stops");
	for (i = 0; i < 4; i++) {
		if (i > 0)
			is_int(jmx_jtl_feed(p, NULL, 0, &err), JMX_ERR_DATA,
			    "bad: continuing stops at the next");
		is_str(err.msg, want[i], "bad: message");
		is_int(jmx_jtl_offset(p), offs[i], "bad: consumed up to it");
	}
	is_int(jmx_jtl_feed(p, NULL, 0, &err), JMX_OK, "bad: rest is good");
	is_int(jmx_jtl_finish(p, &err), JMX_OK, "bad: finish");
	is_int(g.n, 3, "bad: 3 good records");
	is_int(jmx_jtl_bad(p), 4, "bad: 4 bad counted");
	is_int(jmx_jtl_offset(p), 211, "bad: offset at end");
	ok(strstr(g.out.data, "|14|E\nmulti|") != NULL &&
	    strstr(g.out.data, "@6:130\n") != NULL,
	    "bad: multi-line record after them on line 6");
	ok(strstr(g.out.data, "|16|G|") != NULL &&
	    strstr(g.out.data, "@9:187\n") != NULL,
	    "bad: last record on line 9");
	jmx_jtl_free(p);
	seen_free(&g);

	/* skipping, fed byte by byte */
	memset(&g, 0, sizeof g);
	p = jmx_jtl_new(collect, &g);
	jmx_jtl_set_skip_bad(p, 1);
	for (i = 0; i < (int)len; i++)
		if (jmx_jtl_feed(p, data + i, 1, &err) != JMX_OK)
			break;
	is_int(i, len, "skip: never stops");
	is_int(g.n, 3, "skip: 3 good records");
	is_int(jmx_jtl_bad(p), 4, "skip: 4 skipped");
	is_str(jmx_jtl_last_error(p)->msg, want[3], "skip: last error kept");
	jmx_jtl_free(p);
	seen_free(&g);
	free(data);
}

static void
test_resume(void)
{
	struct seen g = { 0 }, h = { 0 }, r = { 0 };
	struct jmx_jtl *p, *q;
	struct jmx_err err;
	char *data, *hdr;
	size_t len, i;

	data = slurp("basic.jtl", &len);
	p = jmx_jtl_new(collect, &g);
	/* the first record and a half of the second */
	jmx_jtl_feed(p, data, 300, &err);
	is_int(g.n, 1, "resume: 1 record before");
	is_int(jmx_jtl_offset(p), 248, "resume: committed offset 248");
	hdr = xstrdup(jmx_jtl_header(p));
	jmx_jtl_free(p);

	/* a new parser from the committed offset, header given */
	q = jmx_jtl_new(collect, &h);
	is_int(jmx_jtl_set_header(q, hdr, strlen(hdr), &err), JMX_OK,
	    "resume: set_header");
	jmx_jtl_set_offset(q, 248);
	jmx_jtl_set_line(q, 2);
	for (i = 248; i < len; i += 50)
		jmx_jtl_feed(q, data + i, len - i < 50 ? len - i : 50, &err);
	is_int(jmx_jtl_finish(q, &err), JMX_OK, "resume: finish");
	is_int(h.n, 4, "resume: the other 4 records");
	is_int(jmx_jtl_offset(q), 858, "resume: offset absolute");
	parse(data, len, 0, &r, NULL);
	is_str(h.out.data, strstr(r.out.data, "1700000000050|"),
	    "resume: same records, lines and offsets as one pass");
	jmx_jtl_free(q);

	/* header with its LF also accepted; no header: error later */
	q = jmx_jtl_new(NULL, NULL);
	is_int(jmx_jtl_set_header(q, "label,foo\n", 10, &err), JMX_ERR_DATA,
	    "set_header: needs elapsed");
	ok(strstr(err.msg, "no 'elapsed' column") != NULL, "set_header: %s",
	    err.msg);
	is_int(jmx_jtl_set_header(q, "elapsed,label\r\n", 15, &err), JMX_OK,
	    "set_header: CRLF trimmed");
	is_str(jmx_jtl_header(q), "elapsed,label", "set_header: kept");
	jmx_jtl_free(q);
	seen_free(&g);
	seen_free(&h);
	seen_free(&r);
	free(hdr);
	free(data);
}

static void
test_finish(void)
{
	static const char full[] = "elapsed,label\n5,A\n6,B";
	static const char cut[] = "elapsed,label\n5,A\n6,\"B\nstill";
	static const char crlf[] = "elapsed,label\r\n5,A\r\n\r\n";
	struct seen g = { 0 };
	struct jmx_jtl *p;
	struct jmx_err err;

	p = jmx_jtl_new(collect, &g);
	jmx_jtl_feed(p, full, sizeof full - 1, &err);
	is_int(g.n, 1, "finish: unterminated line waits");
	is_int(jmx_jtl_pending(p), 3, "finish: 3 bytes pending");
	is_int(jmx_jtl_offset(p), 18, "finish: offset before it");
	is_int(jmx_jtl_finish(p, &err), JMX_OK, "finish: accepted");
	is_int(g.n, 2, "finish: last line delivered");
	is_int(jmx_jtl_offset(p), sizeof full - 1, "finish: offset at end");
	is_int(jmx_jtl_truncated(p), 0, "finish: nothing truncated");
	jmx_jtl_free(p);
	seen_free(&g);

	memset(&g, 0, sizeof g);
	p = jmx_jtl_new(collect, &g);
	jmx_jtl_feed(p, cut, sizeof cut - 1, &err);
	is_int(jmx_jtl_finish(p, &err), JMX_ERR_DATA, "cut: reported");
	is_str(err.msg, "line 3 (byte 18): last record cut short in a quoted "
	    "field (10 bytes dropped)", "cut: message");
	is_int(g.n, 1, "cut: dropped");
	is_int(jmx_jtl_truncated(p), 1, "cut: counted");
	is_int(jmx_jtl_offset(p), sizeof cut - 1, "cut: offset at end");
	is_int(jmx_jtl_lines(p), 3, "cut: lines");
	jmx_jtl_free(p);
	seen_free(&g);

	memset(&g, 0, sizeof g);
	p = jmx_jtl_new(collect, &g);
	jmx_jtl_feed(p, crlf, sizeof crlf - 1, &err);
	is_int(jmx_jtl_finish(p, &err), JMX_OK, "blank CRLF line: skipped");
	ok(g.n == 1 && strncmp(g.out.data, "0|5|A|", 6) == 0,
	    "blank CRLF line: one record");
	is_int(jmx_jtl_offset(p), sizeof crlf - 1, "blank CRLF: offset");
	jmx_jtl_free(p);
	seen_free(&g);
}

static void
test_stop(void)
{
	struct seen g = { 0 };
	struct jmx_jtl *p;
	struct jmx_err err;
	char *data;
	size_t len;

	data = slurp("basic.jtl", &len);
	g.stop_at = 2;
	p = jmx_jtl_new(collect, &g);
	is_int(jmx_jtl_feed(p, data, len, &err), JMX_ERR_STORE,
	    "stop: callback's code returned");
	is_str(err.msg, "refused", "stop: callback's message");
	is_int(g.n, 1, "stop: one delivered");
	is_int(jmx_jtl_offset(p), 248, "stop: refused record not consumed");
	is_int(jmx_jtl_feed(p, NULL, 0, &err), JMX_OK, "stop: go on");
	is_int(jmx_jtl_finish(p, &err), JMX_OK, "stop: finish");
	is_str(g.out.data, basic_want, "stop: all records, each once");
	jmx_jtl_free(p);
	seen_free(&g);
	free(data);
}

static void
test_headerless(void)
{
	static const char csv[] = "1700000000000,7,A,200,OK,T 1-1,text,true,,"
	    "1,2,3,4,null,5,6,8\n";
	static const char old10[] = "1700000000000,7,A,200,OK,T 1-1,text,true,"
	    "9,4\n1700000000001,8,B,500,x,T 1-1,text,false,9,5\n";
	static const char not10[] = "1700000000000,7,A,200,OK,T 1-1,9,true,"
	    "false,4\n";
	static const char given[] = "1;A,a;x\n2;B\n3;C;y\n";
	struct seen g = { 0 };
	struct jmx_jtl *p;
	struct jmx_err err;

	is_int(parse(csv, sizeof csv - 1, 0, &g, NULL), JMX_OK,
	    "headerless: parses");
	is_str(g.out.data, "1700000000000|7|A|200|OK|T 1-1|text|1||1|2|3|4||"
	    "5|6|8||1|0|@1:0\n", "headerless: default columns");
	seen_free(&g);

	/* JMeter 2's ten columns, by the fields of the first record */
	memset(&g, 0, sizeof g);
	is_int(parse(old10, sizeof old10 - 1, 7, &g, &p), JMX_OK,
	    "headerless, 10 fields: parses in pieces");
	is_str(g.out.data, "1700000000000|7|A|200|OK|T 1-1|text|1||9|0|0|0||"
	    "4|0|0||1|0|@1:0\n1700000000001|8|B|500|x|T 1-1|text|0||9|0|0|0||"
	    "5|0|0||1|1|@2:45\n", "headerless, 10 fields: JMeter 2's columns");
	is_int(jmx_jtl_columns(p), 10, "... 10 columns");
	jmx_jtl_free(p);
	seen_free(&g);

	/* ten fields that are not those: refused, saying why */
	memset(&g, 0, sizeof g);
	p = jmx_jtl_new(collect, &g);
	is_int(jmx_jtl_feed(p, not10, sizeof not10 - 1, &err), JMX_ERR_DATA,
	    "headerless, 10 fields of other columns: an error");
	is_str(err.msg, "line 1 (byte 0): no header, and the first record "
	    "(10 fields) fits neither JMeter 5's default columns (17) nor "
	    "JMeter 2's (10): give the columns with --properties FILE (the "
	    "jmeter.save.saveservice settings that wrote it)",
	    "... which says why");
	is_int(g.n, 0, "... nothing delivered");
	jmx_jtl_free(p);
	seen_free(&g);

	/* columns given, with their delimiter; a record of another width */
	memset(&g, 0, sizeof g);
	p = jmx_jtl_new(collect_label, &g);
	jmx_jtl_set_skip_bad(p, 1);
	jmx_jtl_set_headerless(p, "elapsed,label,\"v\"", "the test's columns",
	    ';', 0);
	is_int(jmx_jtl_feed(p, given, sizeof given - 1, &err), JMX_OK,
	    "columns given: parses");
	is_int(jmx_jtl_finish(p, &err), JMX_OK, "... to the end");
	is_str(g.out.data, "A,a\nC\n", "... with ';', commas in labels");
	is_int(jmx_jtl_bad(p), 1, "... one bad record");
	is_str(jmx_jtl_last_error(p)->msg, "line 2 (byte 8): 2 fields, not "
	    "the 3 of the test's columns (the file has no header)",
	    "... named by the columns it was read with");
	jmx_jtl_free(p);
	seen_free(&g);

	/* forced: a first field that is no number is data, a header not */
	memset(&g, 0, sizeof g);
	p = jmx_jtl_new(collect_label, &g);
	jmx_jtl_set_headerless(p, "label,elapsed", NULL, 0, 1);
	is_int(jmx_jtl_feed(p, "Home,5\nCart,6\n", 14, &err), JMX_OK,
	    "forced headerless: label first");
	is_str(g.out.data, "Home\nCart\n", "... both records data");
	jmx_jtl_free(p);
	seen_free(&g);
	memset(&g, 0, sizeof g);
	p = jmx_jtl_new(collect_label, &g);
	jmx_jtl_set_headerless(p, "label,elapsed", NULL, 0, 1);
	is_int(jmx_jtl_feed(p, "elapsed,label\n5,Home\n", 21, &err), JMX_OK,
	    "forced headerless, but a header: read as one");
	is_str(g.out.data, "Home\n", "... by its own columns");
	jmx_jtl_free(p);
	seen_free(&g);
}

/* One record with a 200 KB quoted message, fed in 8 KB pieces. */
static void
test_big_field(void)
{
	struct seen g = { 0 };
	struct jmx_buf b = { 0 };
	size_t i;

	/* the '"' in the body must be doubled to be valid CSV */
	jmx_buf_reset(&b);
	jmx_buf_adds(&b, "elapsed,label,failureMessage\n1,A,\"");
	for (i = 0; i < 200000; i++) {
		if (i % 500 == 0)
			jmx_buf_adds(&b, "\"\"");
		else
			jmx_buf_addc(&b, i % 1000 == 999 ? '\n' : 'x');
	}
	jmx_buf_adds(&b, "\"\n2,B,\n");
	is_int(parse(b.data, b.len, 8192, &g, NULL), JMX_OK,
	    "big field: parses in 8 KB pieces");
	is_int(g.n, 2, "big field: 2 records");
	is_int(g.fmsg_len[0], 200000, "big field: message undoubled");
	is_int(g.last_fmsg.len, 0, "big field: last message empty");
	ok(strstr(g.out.data, "@203:") != NULL, "big field: B on line 203");
	seen_free(&g);
	jmx_buf_free(&b);
}


/*
 * Feed b in pieces of n bytes until an error; the most the parser held
 * between pieces goes to *most.
 */
static enum jmx_code
feed_pieces(struct jmx_jtl *p, const struct jmx_buf *b, size_t n,
    size_t *most, struct jmx_err *err)
{
	enum jmx_code rc = JMX_OK;
	size_t i;

	*most = 0;
	for (i = 0; i < b->len && rc == JMX_OK; i += n) {
		rc = jmx_jtl_feed(p, b->data + i,
		    b->len - i < n ? b->len - i : n, err);
		if (jmx_jtl_pending(p) > *most)
			*most = jmx_jtl_pending(p);
	}
	return rc;
}

/*
 * Records longer than JMX_JTL_RECORD_MAX, plain and with quoted LFs, in
 * pieces of every size: skipped, counted, located at their first line,
 * the parser never holding more than the limit; the records around them
 * and the offsets as if they were short bad records.
 */
static void
test_long_record(void)
{
	static const size_t steps[] = { 1000, 65536, 262144,
	    JMX_JTL_RECORD_MAX };
	struct jmx_buf b = { 0 };
	struct jmx_err err;
	struct jmx_jtl *p;
	struct seen g;
	size_t i, k, n, most;
	enum jmx_code rc;

	jmx_buf_adds(&b, "elapsed,label\n1,a\n2,");
	for (i = 0; i < JMX_JTL_RECORD_MAX + 10; i++)
		jmx_buf_addc(&b, 'x');
	jmx_buf_adds(&b, "\n3,b\n4,\"");
	for (i = 0; i < JMX_JTL_RECORD_MAX; i++)
		jmx_buf_addc(&b, i % 3 ? 'y' : '\n');
	jmx_buf_adds(&b, "\"\n5,c\n6,");
	for (i = 0; i < JMX_JTL_RECORD_MAX; i++)
		jmx_buf_addc(&b, 'z');
	for (k = 0; k < sizeof steps / sizeof steps[0]; k++) {
		memset(&g, 0, sizeof g);
		p = jmx_jtl_new(collect_label, &g);
		jmx_jtl_set_skip_bad(p, 1);
		n = steps[k];
		rc = feed_pieces(p, &b, n, &most, &err);
		if (rc == JMX_OK)
			rc = jmx_jtl_finish(p, &err);
		is_int(rc, JMX_OK, "long record: parses");
		is_str(g.out.data, "a\nb\nc\n", "long record: others read");
		is_int(jmx_jtl_bad(p), 3, "long record: 3 skipped");
		ok(most <= JMX_JTL_RECORD_MAX, "long record: at most the limit "
		    "held (%zu, pieces of %zu)", most, n);
		is_str(jmx_jtl_last_error(p)->msg, "line 349533 (byte 2097196):"
		    " record longer than the limit of 1048576 bytes",
		    "long record: the last located at its start");
		is_int(jmx_jtl_offset(p), b.len, "long record: offset at end");
		is_int(jmx_jtl_lines(p), 349532, "long record: lines counted");
		jmx_jtl_free(p);
		seen_free(&g);
	}

	/* without skipping: reported, and feeding again goes on after it */
	memset(&g, 0, sizeof g);
	p = jmx_jtl_new(collect_label, &g);
	rc = feed_pieces(p, &b, 65536, &most, &err);
	is_int(rc, JMX_ERR_DATA, "long record: an error without skipping");
	is_str(err.msg, "line 3 (byte 18): record longer than the limit of "
	    "1048576 bytes", "long record: located at its first line");
	jmx_jtl_free(p);
	seen_free(&g);

	/* a header that long is fatal */
	jmx_buf_reset(&b);
	for (i = 0; i < JMX_JTL_RECORD_MAX + 1; i++)
		jmx_buf_addc(&b, 'h');
	p = jmx_jtl_new(NULL, NULL);
	rc = feed_pieces(p, &b, 4096, &most, &err);
	is_int(rc, JMX_ERR_DATA, "long header: an error");
	ok(most <= JMX_JTL_RECORD_MAX, "long header: at most the limit held");
	is_str(err.msg, "line 1 (byte 0): header longer than the limit of "
	    "1048576 bytes", "long header: said so");
	jmx_jtl_free(p);
	jmx_buf_free(&b);
}

/*
 * A negative elapsed is a bad record, however it is read; control bytes
 * from the input are escaped in messages.
 */
static void
test_hostile(void)
{
	static const char neg[] = "timeStamp,elapsed,label\n"
	    "1700000000000,-5,a\n1700000000000,7,b\n";
	static const char esc[] = "timeStamp,elapsed,label\n"
	    "1700000000000,1\033[31m,a\n";
	static const char hdr[] = "timeStamp,\033[31mRED\xff\n1,2\n";
	struct seen g = { 0 };
	struct jmx_jtl *p;
	struct jmx_err err;

	is_int(parse(neg, sizeof neg - 1, 0, &g, &p), JMX_ERR_DATA,
	    "negative elapsed: bad");
	is_str(jmx_jtl_last_error(p)->msg, "line 2 (byte 24): elapsed -5 is "
	    "negative", "negative elapsed: located");
	is_int(jmx_jtl_feed(p, NULL, 0, &err), JMX_OK, "negative: rest good");
	is_int(g.n, 1, "negative elapsed: the other record read");
	jmx_jtl_free(p);
	seen_free(&g);
	memset(&g, 0, sizeof g);
	jmx_jtl_set_fields(p = jmx_jtl_new(collect, &g), JMX_JTL_ELAPSED);
	is_int(jmx_jtl_feed(p, neg, sizeof neg - 1, &err), JMX_ERR_DATA,
	    "negative elapsed: bad when only elapsed is asked for");
	jmx_jtl_free(p);
	seen_free(&g);

	memset(&g, 0, sizeof g);
	parse(esc, sizeof esc - 1, 0, &g, &p);
	is_str(jmx_jtl_last_error(p)->msg, "line 2 (byte 24): elapsed "
	    "'1\\x1b[31m' is not a number", "an ESC in a field is escaped");
	jmx_jtl_free(p);
	seen_free(&g);
	memset(&g, 0, sizeof g);
	parse(hdr, sizeof hdr - 1, 0, &g, &p);
	jmx_jtl_free(p);
	p = jmx_jtl_new(NULL, NULL);
	is_int(jmx_jtl_feed(p, hdr, sizeof hdr - 1, &err), JMX_ERR_DATA,
	    "header with an ESC: bad");
	is_str(err.msg, "line 1 (byte 0): header has no 'elapsed' column: "
	    "'timeStamp,\\x1b[31mRED\\xff'", "header: control bytes escaped");
	jmx_jtl_free(p);
	seen_free(&g);
}

/* Random fields with every awkward byte, any piece sizes, any position. */
static uint64_t rnd = 88172645463325252ULL;

static unsigned
next_rnd(unsigned n)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 7;
	rnd ^= rnd << 17;
	return (unsigned)(rnd % n);
}

#define NREC	300
#define NFLD	4

struct fuzz {
	struct jmx_buf	 want[NREC][NFLD];
	int		 n;
	int		 bad;
	int64_t		 elapsed[NREC];
};

static enum jmx_code
fuzz_cb(const struct jmx_sample *s, void *arg, struct jmx_err *err)
{
	struct fuzz *z = arg;
	const struct jmx_span *got[NFLD];
	int i;

	got[0] = &s->label;
	got[1] = &s->failure_message;
	got[2] = &s->var_values[0];
	got[3] = &s->var_values[1];
	if (z->n >= NREC || s->elapsed != z->elapsed[z->n] || s->nvars != 2) {
		z->bad++;
		return JMX_OK;
	}
	for (i = 0; i < NFLD; i++) {
		if (got[i]->len != z->want[z->n][i].len || (got[i]->len > 0 &&
		    memcmp(got[i]->p, z->want[z->n][i].data, got[i]->len) != 0))
			z->bad++;
	}
	z->n++;
	return JMX_OK;
}

static void
test_fuzz(void)
{
	static const char alphabet[] = "ab,,\"\"\n\r ;\t|x";
	struct fuzz *z = calloc(1, sizeof *z);
	struct jmx_buf csv = { 0 };
	struct jmx_jtl *p;
	struct jmx_err err;
	size_t i, k, len, step;
	int r, f, round, failed = 0, quote;
	char c;

	jmx_buf_adds(&csv, "elapsed,label,failureMessage,\"v1\",\"v2\"\n");
	for (r = 0; r < NREC; r++) {
		z->elapsed[r] = next_rnd(100000);
		jmx_buf_addf(&csv, "%lld", (long long)z->elapsed[r]);
		for (f = 0; f < NFLD; f++) {
			struct jmx_buf *w = &z->want[r][f];

			jmx_buf_reset(w);
			len = next_rnd(4) == 0 ? next_rnd(200) : next_rnd(12);
			for (k = 0; k < len; k++) {
				c = next_rnd(3) == 0 ?
				    alphabet[next_rnd(sizeof alphabet - 1)] :
				    (char)('a' + next_rnd(26));
				jmx_buf_addc(w, c);
			}
			/* a last field ending in CR would lose it: JMeter
			 * quotes it, so do we */
			quote = w->len > 0 && (strpbrk(w->data, ",\"\n\r") !=
			    NULL || next_rnd(10) == 0);
			jmx_buf_addc(&csv, ',');
			if (!quote) {
				jmx_buf_add(&csv, w->data, w->len);
				continue;
			}
			jmx_buf_addc(&csv, '"');
			for (k = 0; k < w->len; k++) {
				if (w->data[k] == '"')
					jmx_buf_addc(&csv, '"');
				jmx_buf_addc(&csv, w->data[k]);
			}
			jmx_buf_addc(&csv, '"');
		}
		jmx_buf_adds(&csv, next_rnd(2) ? "\r\n" : "\n");
	}
	for (round = 0; round < 40; round++) {
		z->n = z->bad = 0;
		p = jmx_jtl_new(fuzz_cb, z);
		for (i = 0; i < csv.len; i += step) {
			step = round == 0 ? csv.len : round == 1 ? 1 :
			    1 + next_rnd(round < 20 ? 80 : 5000);
			if (step > csv.len - i)
				step = csv.len - i;
			if (jmx_jtl_feed(p, csv.data + i, step, &err) != JMX_OK)
				z->bad++;
		}
		if (jmx_jtl_finish(p, &err) != JMX_OK)
			z->bad++;
		if (z->n != NREC || z->bad != 0 ||
		    jmx_jtl_offset(p) != csv.len) {
			printf("# round %d: %d records, %d wrong\n", round,
			    z->n, z->bad);
			failed++;
		}
		jmx_jtl_free(p);
	}
	ok(failed == 0, "fuzz: %d records of random quoted fields, "
	    "40 ways of cutting them", NREC);
	for (r = 0; r < NREC; r++)
		for (f = 0; f < NFLD; f++)
			jmx_buf_free(&z->want[r][f]);
	free(z);
	jmx_buf_free(&csv);
}

/*
 * Parse data cut at the given offsets (ascending), with the given
 * columns, into out: every sample as collect() prints it and every bad
 * record's message, in order.
 */
static void
parse_cut(const char *data, size_t len, const size_t *cut, int ncut,
    uint32_t mask, struct jmx_buf *out)
{
	struct seen g;
	struct jmx_jtl *p;
	struct jmx_err err;
	enum jmx_code rc;
	size_t at = 0, to;
	int k;

	memset(&g, 0, sizeof g);
	p = jmx_jtl_new(collect, &g);
	jmx_jtl_set_fields(p, mask);
	for (k = 0; k <= ncut; k++) {
		to = k < ncut ? cut[k] : len;
		rc = jmx_jtl_feed(p, data + at, to - at, &err);
		for (; rc == JMX_ERR_DATA; rc = jmx_jtl_feed(p, NULL, 0, &err))
			jmx_buf_addf(&g.out, "bad: %s\n", err.msg);
		at = to;
	}
	for (rc = jmx_jtl_finish(p, &err); rc == JMX_ERR_DATA;
	    rc = jmx_jtl_feed(p, NULL, 0, &err))
		jmx_buf_addf(&g.out, "bad: %s\n", err.msg);
	jmx_buf_addf(&g.out, "%llu records, %llu bad, offset %llu\n",
	    (unsigned long long)jmx_jtl_records(p),
	    (unsigned long long)jmx_jtl_bad(p),
	    (unsigned long long)jmx_jtl_offset(p));
	jmx_buf_addc(&g.out, 0);
	*out = g.out;
	jmx_buf_free(&g.last_fmsg);
	jmx_jtl_free(p);
}

/* A number field for test_fast_slow(): mostly digits, else anything. */
static void
rnd_number(struct jmx_buf *b)
{
	static const char *const odd[] = {
		"", "-7", "12a", " 3", "\"42\"", "\"4\"\"2\"", "\"\"",
		"123456789", "12345678901234", "0", "00000007", "1e3"
	};
	unsigned k = next_rnd(40);

	if (k < 12)
		jmx_buf_adds(b, odd[k]);
	else
		jmx_buf_addf(b, "%u", next_rnd(k < 30 ? 1000 : 100000000));
}

/*
 * The number columns are read four at a time with SIMD where the CPU
 * allows and a record has 8 bytes before it in the piece, else one by
 * one: a record at the start of a piece goes the slow way, the others
 * the fast way, so the same data cut differently must give the same
 * samples and the same errors (also the first of several in a record,
 * and a quoting error before a number error).  Cut at every byte, in
 * 1-byte pieces and whole, with every column and with a few.
 */
static void
test_fast_slow(void)
{
	struct jmx_buf csv = { 0 }, whole, cut;
	size_t i, len, *pos;
	int r, f, bad = 0, k;
	uint32_t masks[] = { JMX_JTL_ALL, JMX_JTL_TIMESTAMP |
	    JMX_JTL_ELAPSED | JMX_JTL_LABEL | JMX_JTL_SUCCESS |
	    JMX_JTL_BYTES | JMX_JTL_LATENCY | JMX_JTL_CONNECT };

	jmx_buf_adds(&csv, "timeStamp,elapsed,label,success,bytes,"
	    "sentBytes,grpThreads,allThreads,Latency,IdleTime,Connect,"
	    "SampleCount,ErrorCount\n");
	for (r = 0; r < 700; r++) {
		/* epoch ms whose first 5 digits change now and then */
		k = (int)next_rnd(30);
		jmx_buf_addf(&csv, k == 0 ? "2024/01/02 03:04:05.%03u" :
		    k == 1 ? "x%u" : k < 5 ? "1699999%06u" : "1700000%06u",
		    next_rnd(1000000));
		for (f = 1; f < 13; f++) {
			jmx_buf_addc(&csv, ',');
			if (f == 2)
				jmx_buf_adds(&csv, next_rnd(4) == 0 ?
				    "\"a, \"\"b\"\"\"" : next_rnd(40) == 0 ?
				    "\"a\"b" : "Home page");
			else if (f == 3)
				jmx_buf_adds(&csv, next_rnd(20) == 0 ?
				    "maybe" : next_rnd(5) == 0 ? "false" :
				    "true");
			else
				rnd_number(&csv);
		}
		jmx_buf_adds(&csv, next_rnd(3) == 0 ? "\r\n" : "\n");
	}
	/* whole, against 1-byte pieces and random pieces */
	len = csv.len;
	pos = calloc(len, sizeof *pos);
	for (k = 0; k < 2; k++) {
		parse_cut(csv.data, len, NULL, 0, masks[k], &whole);
		for (i = 0; i + 1 < len; i++)
			pos[i] = i + 1;
		parse_cut(csv.data, len, pos, (int)len - 1, masks[k], &cut);
		bad += strcmp(whole.data, cut.data) != 0;
		jmx_buf_free(&cut);
		for (i = 0, f = 0; i < len; i += 1 + next_rnd(300))
			pos[f++] = i;
		parse_cut(csv.data, len, pos, f, masks[k], &cut);
		bad += strcmp(whole.data, cut.data) != 0;
		jmx_buf_free(&cut);
		if (k == 0)
			ok(strstr(whole.data, "records, 0 bad") == NULL &&
			    strstr(whole.data, "700 records") == NULL,
			    "fast/slow: the data has bad records");
		jmx_buf_free(&whole);
	}
	is_int(bad, 0, "fast/slow: 700 records, whole = 1-byte pieces = "
	    "random pieces");

	/* the first 40 records cut at every byte, in two pieces */
	for (i = 0, r = 0; r < 41; i++)
		r += csv.data[i] == '\n';
	len = i;
	bad = 0;
	parse_cut(csv.data, len, NULL, 0, JMX_JTL_ALL, &whole);
	for (i = 1; i < len; i++) {
		parse_cut(csv.data, len, &i, 1, JMX_JTL_ALL, &cut);
		bad += strcmp(whole.data, cut.data) != 0;
		jmx_buf_free(&cut);
	}
	is_int(bad, 0, "fast/slow: 40 records cut in two at every byte");
	jmx_buf_free(&whole);
	free(pos);
	jmx_buf_free(&csv);
}

/*
 * Many records in one piece: more field ends than the parser keeps
 * before moving the unread ones to the front, with long records among
 * them.
 */
static void
test_many(void)
{
	struct jmx_buf csv = { 0 }, whole, cut;
	size_t cuts[3];
	int r, k;

	jmx_buf_adds(&csv, "elapsed,label,responseMessage\n");
	for (r = 0; r < 5000; r++) {
		jmx_buf_addf(&csv, "%d,L%d,", r, r % 7);
		for (k = (int)next_rnd(r % 50 == 0 ? 3000 : 20); k > 0; k--)
			jmx_buf_addc(&csv, (char)('a' + k % 26));
		jmx_buf_addc(&csv, '\n');
	}
	cuts[0] = 1;
	cuts[1] = csv.len / 3;
	cuts[2] = csv.len / 3 + 70;
	parse_cut(csv.data, csv.len, NULL, 0, JMX_JTL_ALL, &whole);
	parse_cut(csv.data, csv.len, cuts, 3, JMX_JTL_ALL, &cut);
	ok(strstr(whole.data, "5000 records, 0 bad") != NULL,
	    "many: 5000 records in one piece");
	is_int(strcmp(whole.data, cut.data), 0, "many: same in 4 pieces");
	jmx_buf_free(&whole);
	jmx_buf_free(&cut);
	jmx_buf_free(&csv);
}

/*
 * A record of 20001 fields, far more than p->pos has room for: counted
 * right whole and in pieces, with the records around it parsed, and also
 * as the last record without its LF.
 */
static void
test_huge_record(void)
{
	static const size_t steps[] = { 0, 1, 7, 4099 };
	struct jmx_buf csv = { 0 };
	struct jmx_jtl *p;
	struct jmx_err err;
	size_t k, i, n;
	int last, refused;

	for (last = 0; last < 2; last++) {
		jmx_buf_reset(&csv);
		jmx_buf_adds(&csv, "elapsed,label,success\n1,a,true\n2,b");
		for (i = 0; i < 19999; i++)
			jmx_buf_addc(&csv, ',');
		jmx_buf_adds(&csv, last ? "" : "\n3,c,true\n");
		for (k = 0; k < sizeof steps / sizeof steps[0]; k++) {
			struct seen g = { 0 };

			p = jmx_jtl_new(collect_label, &g);
			jmx_jtl_set_skip_bad(p, 1);
			n = steps[k] == 0 ? csv.len : steps[k];
			for (i = 0; i < csv.len; i += n)
				jmx_jtl_feed(p, csv.data + i,
				    csv.len - i < n ? csv.len - i : n, &err);
			jmx_jtl_finish(p, &err);
			refused = jmx_jtl_bad(p) == 1 && strcmp(
			    jmx_jtl_last_error(p)->msg, "line 3 (byte 31): "
			    "20001 fields, the header has 3") == 0;
			ok(refused && strcmp(g.out.data,
			    last ? "a\n" : "a\nc\n")
			    == 0 && jmx_jtl_offset(p) == csv.len,
			    "20001 fields%s, pieces of %zu: counted, the others "
			    "parsed", last ? " at the end" : "", steps[k]);
			jmx_jtl_free(p);
			seen_free(&g);
		}
	}
	jmx_buf_free(&csv);
}

static void
test_odd_records(void)
{
	struct seen g = { 0 };
	struct jmx_buf many = { 0 };
	struct jmx_jtl *p;
	struct jmx_err err;
	int i;

	/* 3 fields, then 196 (3 blocks of 64 bytes), then bad quoting */
	jmx_buf_adds(&many, "elapsed,label,success\n1,a,true\n2,b,true");
	for (i = 0; i < 193; i++)
		jmx_buf_addc(&many, ',');
	jmx_buf_adds(&many, "\n3,\"c\"x,true\n4,d\"e\"f,true\n");
	p = jmx_jtl_new(collect, &g);
	is_int(jmx_jtl_feed(p, many.data, many.len, &err), JMX_ERR_DATA,
	    "196 fields: bad");
	is_str(err.msg, "line 3 (byte 31): 196 fields, the header has 3",
	    "196 fields: counted right past 64 per block");
	is_int(jmx_jtl_feed(p, NULL, 0, &err), JMX_ERR_DATA,
	    "text after closing quote: bad");
	is_str(err.msg, "line 4 (byte 233): field 2: text after a closing "
	    "quote", "text after closing quote: message");
	is_int(jmx_jtl_feed(p, NULL, 0, &err), JMX_OK, "rest parses");
	ok(g.n == 2 && strstr(g.out.data, "0|4|d\"e\"f|") != NULL,
	    "a balanced quote inside an unquoted field is kept");
	jmx_jtl_free(p);
	seen_free(&g);
	jmx_buf_free(&many);
	test_huge_record();
}

/*
 * jmx_jtl_set_fields(): the columns asked for come out as with every
 * column, the others as absent and unchecked; asked before or after the
 * header.
 */
static void
test_fields(void)
{
	static const char csv[] = "timeStamp,elapsed,label,responseCode,"
	    "threadName,success,failureMessage,bytes,Latency,IdleTime,"
	    "\"v\"\n"
	    "1700000000123,15,\"a, \"\"b\"\"\",200,T 1-1,true,,1234,9,x,vv\n"
	    "1700000000200,7,plain,500,\"T,1\",false,\"bad \"\"x\"\"\",12,"
	    "3,0,\"w\"\n";
	static const char want[] =
	    "1700000000123|15|a, \"b\"|||||1||0|0|0|0||9|0|0||1|0|@2:98\n"
	    "1700000000200|7|plain|||||0||0|0|0|0||3|0|0||1|1|@3:154\n";
	struct seen g;
	struct jmx_jtl *p;
	size_t i;

	memset(&g, 0, sizeof g);
	p = jmx_jtl_new(collect, &g);
	jmx_jtl_set_fields(p, JMX_JTL_TIMESTAMP | JMX_JTL_ELAPSED |
	    JMX_JTL_LABEL | JMX_JTL_SUCCESS | JMX_JTL_LATENCY);
	is_int(jmx_jtl_feed(p, csv, sizeof csv - 1, NULL), JMX_OK,
	    "fields: IdleTime 'x' not asked for, not checked");
	jmx_buf_addc(&g.out, 0);
	is_str(g.out.data, want, "fields: only those asked for");
	jmx_jtl_free(p);
	jmx_buf_free(&g.out);
	jmx_buf_free(&g.last_fmsg);

	/* Every mask, in pieces, against the full parse of the same data. */
	for (i = 0; i < 2; i++) {
		struct seen a, b;
		struct jmx_jtl *pa, *pb;
		size_t k;

		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		pa = jmx_jtl_new(collect, &a);
		pb = jmx_jtl_new(collect, &b);
		jmx_jtl_set_skip_bad(pa, 1);
		jmx_jtl_set_skip_bad(pb, 1);
		if (i == 0)
			jmx_jtl_set_fields(pb, JMX_JTL_ALL &
			    ~JMX_JTL_IDLETIME);
		jmx_jtl_feed(pa, csv, sizeof csv - 1, NULL);
		for (k = 0; k < sizeof csv - 1; k++) {
			jmx_jtl_feed(pb, csv + k, 1, NULL);
			if (i == 1 && k == 120)	/* after the header */
				jmx_jtl_set_fields(pb, JMX_JTL_ALL &
				    ~JMX_JTL_IDLETIME);
		}
		jmx_buf_addc(&a.out, 0);
		jmx_buf_addc(&b.out, 0);
		is_int(jmx_jtl_bad(pa), 1, "fields: full parse: 'x' bad");
		ok(jmx_jtl_records(pb) == 2, "fields %zu: both records", i);
		ok(b.out.len > a.out.len && strstr(b.out.data,
		    a.out.data) != NULL, "fields %zu: common record same", i);
		jmx_jtl_free(pa);
		jmx_jtl_free(pb);
		jmx_buf_free(&a.out);
		jmx_buf_free(&a.last_fmsg);
		jmx_buf_free(&b.out);
		jmx_buf_free(&b.last_fmsg);
	}
}

/*
 * Quoted fields are undone in place when the record has no other quote,
 * else copied eight bytes at a time up to each quote, byte by byte near
 * the end of the input.  Labels of 0 to 40 bytes with a doubled quote at
 * every place (or none), alone or with another quoted field, last in the
 * record or not: whole, in 1-byte pieces and in 7-byte pieces, each must
 * read as it was written.
 */
static void
test_unquote(void)
{
	struct jmx_buf csv = { 0 }, want = { 0 };
	struct seen g;
	struct jmx_jtl *p;
	size_t len, q, i, k, step;
	int other, last, bad = 0, n = 0;

	for (last = 0; last < 2; last++) {
		jmx_buf_reset(&csv);
		jmx_buf_reset(&want);
		jmx_buf_adds(&csv, last ? "elapsed,responseCode,label\n" :
		    "elapsed,label,responseCode\n");
		for (len = 0; len <= 40; len++) {
			for (q = 0; q <= len; q++) {
				other = (int)((len + q) % 3 == 0);
				jmx_buf_addf(&csv, "%zu,", len);
				if (last)
					jmx_buf_adds(&csv, other ? "\"2,0\"," :
					    "200,");
				jmx_buf_addc(&csv, '"');
				for (i = 0; i < len; i++) {
					/* a doubled quote at q, none at len */
					if (i == q) {
						jmx_buf_adds(&csv, "\"\"");
						jmx_buf_addc(&want, '"');
					} else {
						jmx_buf_addc(&csv,
						    (char)('a' + i % 26));
						jmx_buf_addc(&want,
						    (char)('a' + i % 26));
					}
				}
				jmx_buf_addc(&csv, '"');
				if (!last)
					jmx_buf_adds(&csv, other ? ",\"2,0\"" :
					    ",200");
				jmx_buf_addc(&csv, '\n');
				jmx_buf_addc(&want, '\n');
			}
		}
		jmx_buf_addc(&want, 0);
		for (step = 0; step < 3; step++) {
			memset(&g, 0, sizeof g);
			p = jmx_jtl_new(collect_label, &g);
			k = step == 0 ? csv.len : step == 1 ? 1 : 7;
			for (i = 0; i < csv.len; i += k)
				jmx_jtl_feed(p, csv.data + i, csv.len - i < k ?
				    csv.len - i : k, NULL);
			jmx_jtl_finish(p, NULL);
			jmx_buf_addc(&g.out, 0);
			bad += strcmp(g.out.data, want.data) != 0 ||
			    jmx_jtl_bad(p) != 0;
			n += (int)jmx_jtl_records(p);
			jmx_jtl_free(p);
			jmx_buf_free(&g.out);
			jmx_buf_free(&g.last_fmsg);
		}
	}
	ok(bad == 0 && n == 3 * 2 * 41 * 42 / 2, "unquote: %d quoted labels "
	    "whole, in 1 and 7-byte pieces, read as written", n);
	jmx_buf_free(&csv);
	jmx_buf_free(&want);
}

int
main(void)
{
	(void)tap_tmpdir;	/* unused here */
	test_basic();
	test_crlf();
	test_custom();
	test_have();
	test_delimiters();
	test_dates();
	test_bad();
	test_resume();
	test_finish();
	test_stop();
	test_headerless();
	test_big_field();
	test_long_record();
	test_hostile();
	test_fuzz();
	test_fast_slow();
	test_many();
	test_odd_records();
	test_fields();
	test_unquote();
	return done_testing();
}

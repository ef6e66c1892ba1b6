/*
 * fuzz-jtl.c: libFuzzer harness for the streaming JTL parser (lib/jtl.c).
 *
 * The first bytes of the input choose the options (skip or stop at bad
 * records, the columns asked for, a forced delimiter) and a seed for the
 * sizes of the pieces the rest is fed in.  The same input is parsed twice,
 * whole and in pieces, and both must agree on every record (a digest of
 * the fields), on the bad and truncated counts and on the final offset:
 * a piece boundary must never change what is read.  Bad records must be
 * reported as "line N (byte B): ..." at a line the parser has reached.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jtl.h"

struct digest {
	uint64_t	 h;
	uint64_t	 n;
};

static void
mix(struct digest *d, const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < len; i++)
		d->h = (d->h ^ s[i]) * 0x100000001b3ULL;
	d->h = (d->h ^ len) * 0x100000001b3ULL;
}

static void
mix_span(struct digest *d, struct jmx_span s)
{
	mix(d, s.len ? s.p : "", s.len);
}

static enum jmx_code
cb(const struct jmx_sample *s, void *arg, struct jmx_err *err)
{
	struct digest *d = arg;
	int i;

	mix(d, &s->ts, sizeof s->ts);
	mix(d, &s->elapsed, 11 * sizeof s->elapsed);
	mix(d, &s->success, sizeof s->success);
	mix_span(d, s->label);
	mix_span(d, s->response_code);
	mix_span(d, s->response_message);
	mix_span(d, s->thread_name);
	mix_span(d, s->data_type);
	mix_span(d, s->failure_message);
	mix_span(d, s->url);
	mix_span(d, s->filename);
	mix_span(d, s->encoding);
	mix_span(d, s->hostname);
	for (i = 0; i < s->nvars; i++) {
		mix_span(d, s->var_names[i]);
		mix_span(d, s->var_values[i]);
	}
	mix(d, &s->have, sizeof s->have);
	mix(d, &s->line, sizeof s->line);
	mix(d, &s->offset, sizeof s->offset);
	d->n++;
	return JMX_OK;
}

struct result {
	struct digest	 d;
	uint64_t	 bad, truncated, offset, records;
	int		 broken;	/* a fatal (header) error */
};

static void
check_err(const struct jmx_err *err)
{
	/* Every bad record names where it is. */
	if (strncmp(err->msg, "line ", 5) != 0 && strstr(err->msg, "line ")
	    == NULL) {
		fprintf(stderr, "unlocated error: %s\n", err->msg);
		abort();
	}
}

static void
parse(const uint8_t *data, size_t size, int whole, uint32_t seed,
    uint8_t opts, struct result *r)
{
	static const char delims[] = { 0, ',', '\t', ';' };
	static const uint32_t masks[] = { JMX_JTL_ALL,
	    JMX_JTL_TIMESTAMP | JMX_JTL_ELAPSED | JMX_JTL_LABEL |
	    JMX_JTL_SUCCESS, JMX_JTL_VARS | JMX_JTL_URL, 0 };
	struct jmx_jtl *p;
	struct jmx_err err;
	size_t off = 0, n;
	enum jmx_code rc;
	uint64_t bad, at;

	memset(r, 0, sizeof *r);
	r->d.h = 0xcbf29ce484222325ULL;
	p = jmx_jtl_new(cb, &r->d);
	jmx_jtl_set_skip_bad(p, opts & 1);
	jmx_jtl_set_delimiter(p, delims[(opts >> 1) & 3]);
	jmx_jtl_set_fields(p, masks[(opts >> 3) & 3]);
	if (opts & 0x20)
		jmx_jtl_set_utc_offset(p, 330);
	while (off < size && !r->broken) {
		n = size - off;
		if (!whole) {
			seed = seed * 1103515245 + 12345;
			n = 1 + (seed >> 16) % 17;
			if (n > size - off)
				n = size - off;
		}
		rc = jmx_jtl_feed(p, data + off, n, &err);
		off += n;
		/*
		 * Stopped at a bad record: go on after it, as documented.  A
		 * fatal error (a bad header) stays: nothing moves any more.
		 */
		while (rc == JMX_ERR_DATA) {
			check_err(&err);
			bad = jmx_jtl_bad(p);
			at = jmx_jtl_offset(p);
			rc = jmx_jtl_feed(p, NULL, 0, &err);
			if (rc == JMX_ERR_DATA && bad == jmx_jtl_bad(p) &&
			    at == jmx_jtl_offset(p)) {
				r->broken = 1;
				break;
			}
		}
		if (rc != JMX_OK && !r->broken)
			abort();
	}
	rc = jmx_jtl_finish(p, &err);
	if (rc == JMX_ERR_DATA) {
		check_err(&err);
		/* Only a fatal error is there again at a second finish. */
		if (jmx_jtl_finish(p, &err) == JMX_ERR_DATA)
			r->broken = 1;
	} else if (rc != JMX_OK)
		abort();
	if (!r->broken &&
	    (jmx_jtl_offset(p) != size || jmx_jtl_pending(p) != 0)) {
		fprintf(stderr, "finish left offset %llu of %zu, %zu pending\n",
		    (unsigned long long)jmx_jtl_offset(p), size,
		    jmx_jtl_pending(p));
		abort();
	}
	r->bad = jmx_jtl_bad(p);
	r->truncated = jmx_jtl_truncated(p);
	r->offset = jmx_jtl_offset(p);
	r->records = jmx_jtl_records(p);
	if (r->records != r->d.n)
		abort();
	(void)jmx_jtl_header(p);
	(void)jmx_jtl_columns(p);
	jmx_jtl_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result a, b;
	uint32_t seed;
	uint8_t opts;

	if (size < 3)
		return 0;
	opts = data[0];
	seed = data[1] | (uint32_t)data[2] << 8;
	data += 3;
	size -= 3;
	parse(data, size, 1, seed, opts, &a);
	parse(data, size, 0, seed, opts, &b);
	if (a.d.h != b.d.h || a.d.n != b.d.n || a.bad != b.bad ||
	    a.truncated != b.truncated || a.broken != b.broken ||
	    (!a.broken && a.offset != b.offset)) {
		fprintf(stderr, "whole and pieces differ: records %llu/%llu "
		    "bad %llu/%llu truncated %llu/%llu\n",
		    (unsigned long long)a.d.n, (unsigned long long)b.d.n,
		    (unsigned long long)a.bad, (unsigned long long)b.bad,
		    (unsigned long long)a.truncated,
		    (unsigned long long)b.truncated);
		abort();
	}
	return 0;
}

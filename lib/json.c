/*
 * json.c: the streaming JSON writer (see json.h and, for why it is ours
 * and not a library's, doc/ARCHITECTURE.md).
 */
#include <math.h>
#include <stdio.h>

#include "json.h"
#include "util.h"

void
jmx_json_str(struct jmx_buf *b, const char *s)
{
	const unsigned char *p;
	int n, code;

	if (s == NULL) {
		jmx_buf_adds(b, "null");
		return;
	}
	jmx_buf_addc(b, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p += n) {
		n = 1;
		switch (*p) {
		case '"':
			jmx_buf_adds(b, "\\\"");
			continue;
		case '\\':
			jmx_buf_adds(b, "\\\\");
			continue;
		case '\n':
			jmx_buf_adds(b, "\\n");
			continue;
		case '\r':
			jmx_buf_adds(b, "\\r");
			continue;
		case '\t':
			jmx_buf_adds(b, "\\t");
			continue;
		}
		n = jmx_utf8_char(p, &code);
		if (code >= 0)
			jmx_buf_addf(b, "\\u%04x", code);
		else if (code == JMX_UTF8_BAD)
			jmx_buf_adds(b, "\\ufffd");
		else
			jmx_buf_add(b, p, (size_t)n);
	}
	jmx_buf_addc(b, '"');
}

void
jmx_json_init(struct jmx_json *w, struct jmx_buf *out)
{
	w->out = out;
	w->depth = 0;
	w->after_key = 0;
	w->any[0] = 0;
}

/* Before any value or key: the comma, when one is due. */
static void
sep(struct jmx_json *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0 && w->any[w->depth])
		jmx_buf_addc(w->out, ',');
	w->any[w->depth] = 1;
}

static void
open_(struct jmx_json *w, char c)
{
	sep(w);
	jmx_buf_addc(w->out, c);
	if (w->depth < JMX_JSON_DEPTH - 1)
		w->depth++;
	w->any[w->depth] = 0;
}

static void
close_(struct jmx_json *w, char c)
{
	jmx_buf_addc(w->out, c);
	if (w->depth > 0)
		w->depth--;
	w->after_key = 0;
}

void
jmx_json_object_begin(struct jmx_json *w)
{
	open_(w, '{');
}

void
jmx_json_object_end(struct jmx_json *w)
{
	close_(w, '}');
}

void
jmx_json_array_begin(struct jmx_json *w)
{
	open_(w, '[');
}

void
jmx_json_array_end(struct jmx_json *w)
{
	close_(w, ']');
}

void
jmx_json_key(struct jmx_json *w, const char *k)
{
	sep(w);
	jmx_json_str(w->out, k);
	jmx_buf_addc(w->out, ':');
	w->after_key = 1;
}

void
jmx_json_string(struct jmx_json *w, const char *s)
{
	sep(w);
	jmx_json_str(w->out, s);
}

void
jmx_json_int(struct jmx_json *w, int64_t v)
{
	sep(w);
	jmx_buf_addf(w->out, "%lld", (long long)v);
}

void
jmx_json_uint(struct jmx_json *w, uint64_t v)
{
	sep(w);
	jmx_buf_addf(w->out, "%llu", (unsigned long long)v);
}

/*
 * Whole numbers without a fraction ("2", not "2.0"); others with 15
 * significant digits, which a double holds exactly, so 0.1 stays "0.1".
 * Programs keep LC_NUMERIC at "C", so the decimal point is a point.
 */
void
jmx_json_double(struct jmx_json *w, double v)
{
	sep(w);
	if (!isfinite(v))
		jmx_buf_adds(w->out, "null");
	else if (v == floor(v) && fabs(v) < 1e15)
		jmx_buf_addf(w->out, "%.0f", v);
	else
		jmx_buf_addf(w->out, "%.15g", v);
}

void
jmx_json_bool(struct jmx_json *w, int v)
{
	sep(w);
	jmx_buf_adds(w->out, v ? "true" : "false");
}

void
jmx_json_null(struct jmx_json *w)
{
	sep(w);
	jmx_buf_adds(w->out, "null");
}

void
jmx_json_time(struct jmx_json *w, int64_t ms)
{
	char t[64];

	if (ms <= 0) {
		jmx_json_null(w);
		return;
	}
	jmx_format_time(t, sizeof t, ms);
	jmx_json_string(w, t);
}

void
jmx_json_pair_str(struct jmx_json *w, const char *k, const char *v)
{
	jmx_json_key(w, k);
	jmx_json_string(w, v);
}

void
jmx_json_pair_int(struct jmx_json *w, const char *k, int64_t v)
{
	jmx_json_key(w, k);
	jmx_json_int(w, v);
}

void
jmx_json_pair_int_or_null(struct jmx_json *w, const char *k, int64_t v,
    int known)
{
	jmx_json_key(w, k);
	if (known)
		jmx_json_int(w, v);
	else
		jmx_json_null(w);
}

void
jmx_json_pair_uint(struct jmx_json *w, const char *k, uint64_t v)
{
	jmx_json_key(w, k);
	jmx_json_uint(w, v);
}

void
jmx_json_pair_double(struct jmx_json *w, const char *k, double v)
{
	jmx_json_key(w, k);
	jmx_json_double(w, v);
}

void
jmx_json_pair_bool(struct jmx_json *w, const char *k, int v)
{
	jmx_json_key(w, k);
	jmx_json_bool(w, v);
}

void
jmx_json_pair_time(struct jmx_json *w, const char *k, int64_t ms)
{
	jmx_json_key(w, k);
	jmx_json_time(w, ms);
}

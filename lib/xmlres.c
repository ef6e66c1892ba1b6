/*
 * xmlres.c: JMeter's XML result files through libxml2's xmlReader, one
 * element at a time.  The only libxml2 user besides plan.c.
 *
 * A sample is handed over at its start tag, with its attributes: so a
 * parent comes before its sub-samples, as in a CSV file.  Strings are
 * copied out of the reader (its values may move from one attribute to
 * the next) into one buffer per sample.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xmlreader.h>

#include "util.h"
#include "xmlres.h"

/* Sub-samples are kept this many levels below a top sample, as in CSV. */
#define MAX_LEVEL	11
/* Elements deeper than this are not looked at. */
#define MAX_DEPTH	(MAX_LEVEL + 2)

enum kind { K_NUM, K_TS, K_OK, K_STR };

/* The attributes read: name, column, how, where in struct jmx_sample. */
static const struct attr {
	const char	*name;
	uint32_t	 col;
	enum kind	 kind;
	size_t		 off;
} attrs[] = {
	{ "t", JMX_JTL_ELAPSED, K_NUM, offsetof(struct jmx_sample, elapsed) },
	{ "lt", JMX_JTL_LATENCY, K_NUM, offsetof(struct jmx_sample, latency) },
	{ "ct", JMX_JTL_CONNECT, K_NUM, offsetof(struct jmx_sample, connect) },
	{ "it", JMX_JTL_IDLETIME, K_NUM, offsetof(struct jmx_sample, idle) },
	{ "ts", JMX_JTL_TIMESTAMP, K_TS, offsetof(struct jmx_sample, ts) },
	{ "s", JMX_JTL_SUCCESS, K_OK, 0 },
	{ "lb", JMX_JTL_LABEL, K_STR, offsetof(struct jmx_sample, label) },
	{ "rc", JMX_JTL_RESPONSECODE, K_STR,
	    offsetof(struct jmx_sample, response_code) },
	{ "rm", JMX_JTL_RESPONSEMESSAGE, K_STR,
	    offsetof(struct jmx_sample, response_message) },
	{ "tn", JMX_JTL_THREADNAME, K_STR,
	    offsetof(struct jmx_sample, thread_name) },
	{ "dt", JMX_JTL_DATATYPE, K_STR,
	    offsetof(struct jmx_sample, data_type) },
	{ "de", JMX_JTL_ENCODING, K_STR,
	    offsetof(struct jmx_sample, encoding) },
	{ "hn", JMX_JTL_HOSTNAME, K_STR,
	    offsetof(struct jmx_sample, hostname) },
	{ "by", JMX_JTL_BYTES, K_NUM, offsetof(struct jmx_sample, bytes) },
	{ "sby", JMX_JTL_SENTBYTES, K_NUM,
	    offsetof(struct jmx_sample, sent_bytes) },
	{ "ng", JMX_JTL_GRPTHREADS, K_NUM,
	    offsetof(struct jmx_sample, grp_threads) },
	{ "na", JMX_JTL_ALLTHREADS, K_NUM,
	    offsetof(struct jmx_sample, all_threads) },
	{ "sc", JMX_JTL_SAMPLECOUNT, K_NUM,
	    offsetof(struct jmx_sample, sample_count) },
	{ "ec", JMX_JTL_ERRORCOUNT, K_NUM,
	    offsetof(struct jmx_sample, error_count) }
};
#define NATTR	(sizeof attrs / sizeof attrs[0])

struct ctx {
	jmx_xmlres_read_fn	 rd;
	void			*rd_ctx;
	int			 io_failed;
	char			 msg[200];	/* libxml2's first error */
	int			 msg_line;
	struct jmx_buf		 str;		/* the sample's strings */
};

static int
read_cb(void *arg, char *buf, int len)
{
	struct ctx *c = arg;
	int n;

	if ((n = c->rd(c->rd_ctx, buf, len)) < 0)
		c->io_failed = 1;
	return n;
}

static void
error_cb(void *arg, const char *msg, xmlParserSeverities sev,
    xmlTextReaderLocatorPtr loc)
{
	struct ctx *c = arg;
	size_t n;

	if (c->msg[0] != '\0' || (sev != XML_PARSER_SEVERITY_ERROR &&
	    sev != XML_PARSER_SEVERITY_VALIDITY_ERROR))
		return;
	snprintf(c->msg, sizeof c->msg, "%s", msg);
	n = strlen(c->msg);
	while (n > 0 && (c->msg[n - 1] == '\n' || c->msg[n - 1] == ' '))
		c->msg[--n] = '\0';
	c->msg_line = xmlTextReaderLocatorLineNumber(loc);
}

/* A decimal integer, optionally negative, of up to 18 digits. */
static int
number(const char *s, int64_t *out)
{
	int64_t v = 0;
	int neg = 0, n = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; *s >= '0' && *s <= '9' && n <= 18; s++, n++)
		v = v * 10 + (*s - '0');
	if (n == 0 || n > 18 || *s != '\0')
		return -1;
	*out = neg ? -v : v;
	return 0;
}

/*
 * The sample at the reader's element into *sm (reset by the caller);
 * fills why (of size 160) for a bad value.  Returns 0 or -1.
 */
static int
read_sample(xmlTextReaderPtr r, struct ctx *c, uint32_t fields,
    struct jmx_sample *sm, char *why)
{
	size_t soff[NATTR], slen[NATTR], k;
	const char *name, *val;
	char shown[80];
	uint32_t seen = 0;
	int64_t v = 0;
	int rc;

	jmx_buf_reset(&c->str);
	for (rc = xmlTextReaderMoveToFirstAttribute(r); rc == 1;
	    rc = xmlTextReaderMoveToNextAttribute(r)) {
		name = (const char *)xmlTextReaderConstName(r);
		val = (const char *)xmlTextReaderConstValue(r);
		if (name == NULL || val == NULL)
			continue;
		for (k = 0; k < NATTR; k++)
			if (strcmp(attrs[k].name, name) == 0)
				break;
		if (k == NATTR || !(fields & attrs[k].col))
			continue;
		seen |= attrs[k].col;
		switch (attrs[k].kind) {
		case K_NUM:
		case K_TS:
			if (number(val, &v) != 0 || (v < 0 &&
			    attrs[k].col == JMX_JTL_ELAPSED)) {
				snprintf(why, 160, "%s '%s' is %s", name,
				    jmx_text_esc(shown, sizeof shown, val,
				    strlen(val)), number(val, &v) != 0 ?
				    "not a number" : "negative");
				xmlTextReaderMoveToElement(r);
				return -1;
			}
			*(int64_t *)(void *)((char *)sm + attrs[k].off) = v;
			break;
		case K_OK:
			if (strcasecmp(val, "true") == 0)
				sm->success = 1;
			else if (strcasecmp(val, "false") == 0)
				sm->success = 0;
			else {
				snprintf(why, 160, "s '%s' is not true or "
				    "false", jmx_text_esc(shown, sizeof shown,
				    val, strlen(val)));
				xmlTextReaderMoveToElement(r);
				return -1;
			}
			break;
		case K_STR:
			soff[k] = c->str.len;
			slen[k] = strlen(val);
			jmx_buf_add(&c->str, val, slen[k]);
			break;
		}
	}
	xmlTextReaderMoveToElement(r);
	/* the strings, now that the buffer no longer moves */
	for (k = 0; k < NATTR; k++) {
		struct jmx_span *sp;

		if (attrs[k].kind != K_STR || !(seen & attrs[k].col))
			continue;
		sp = (struct jmx_span *)(void *)((char *)sm + attrs[k].off);
		sp->p = c->str.data + soff[k];
		sp->len = slen[k];
	}
	if (!(seen & JMX_JTL_ERRORCOUNT))
		sm->error_count = !sm->success;
	sm->have = seen;
	return 0;
}

/* The line of the element at the reader (the parser may be further). */
static int
line_of(xmlTextReaderPtr r)
{
	xmlNodePtr n = xmlTextReaderCurrentNode(r);

	return n != NULL ? (int)xmlGetLineNo(n) : 0;
}

/* A sample as a CSV file without a column reads it. */
static void
sample_reset(struct jmx_sample *sm)
{
	memset(sm, 0, sizeof *sm);
	sm->label.p = sm->response_code.p = sm->response_message.p = "";
	sm->thread_name.p = sm->data_type.p = sm->failure_message.p = "";
	sm->url.p = sm->filename.p = sm->encoding.p = sm->hostname.p = "";
	sm->success = 1;
	sm->sample_count = 1;
}

enum jmx_code
jmx_xmlres_parse(jmx_xmlres_read_fn rd, void *ctx, uint32_t fields,
    jmx_jtl_cb cb, void *arg, jmx_xmlres_bad_fn on_bad, void *bad_arg,
    struct jmx_xmlres_counts *cnt, struct jmx_err *err)
{
	xmlTextReaderPtr r;
	struct jmx_sample sm;
	struct ctx c;
	enum jmx_code code = JMX_OK;
	const char *name;
	char why[160];
	unsigned char is[MAX_DEPTH];	/* the element at depth d a sample? */
	int rc = 0, depth, root = 0;

	memset(cnt, 0, sizeof *cnt);
	memset(&c, 0, sizeof c);
	c.rd = rd;
	c.rd_ctx = ctx;
	xmlInitParser();
	r = xmlReaderForIO(read_cb, NULL, &c, NULL, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
	if (r == NULL)
		return jmx_err_set(err, JMX_ERR_DATA, "not an XML file");
	xmlTextReaderSetErrorHandler(r, error_cb, &c);
	while (code == JMX_OK && (rc = xmlTextReaderRead(r)) == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
			continue;
		name = (const char *)xmlTextReaderConstName(r);
		depth = xmlTextReaderDepth(r);
		if (!root) {
			root = 1;
			if (strcmp(name, "testResults") != 0)
				code = jmx_err_set(err, JMX_ERR_DATA, "line %d:"
				    " not a JMeter result file: the root "
				    "element is '%s', not testResults",
				    line_of(r), name);
			continue;
		}
		if (depth <= 0 || depth >= MAX_DEPTH)
			continue;
		/* a sample: in testResults, or in a sample (a sub-sample) */
		is[depth] = (strcmp(name, "httpSample") == 0 ||
		    strcmp(name, "sample") == 0) && (depth == 1 ||
		    is[depth - 1]);
		if (!is[depth] || depth - 1 > MAX_LEVEL)
			continue;
		sample_reset(&sm);
		if (read_sample(r, &c, fields, &sm, why) != 0) {
			cnt->bad++;
			jmx_err_set(&cnt->last, JMX_ERR_DATA, "line %d: %s",
			    line_of(r), why);
			if (on_bad != NULL)
				on_bad(&cnt->last, bad_arg);
			continue;
		}
		sm.line = (uint64_t)line_of(r);
		if ((code = cb(&sm, arg, err)) == JMX_OK)
			cnt->records++;
	}
	if (code == JMX_OK && rc != 0) {
		if (c.io_failed)
			code = err->code != JMX_OK ? err->code :
			    jmx_err_set(err, JMX_ERR_IO, "read failed");
		else
			code = jmx_err_set(err, JMX_ERR_DATA, "line %d: not "
			    "well-formed XML: %s", c.msg_line, c.msg[0] !=
			    '\0' ? c.msg : "parse error");
	}
	if (code == JMX_OK && !root)
		code = jmx_err_set(err, JMX_ERR_DATA, "empty, not a JMeter "
		    "result file");
	xmlFreeTextReader(r);
	jmx_buf_free(&c.str);
	return code;
}

/*
 * input.c: result files in: decompressed as they stream, CSV or XML.
 *
 * A plain file is read with read(2) in big pieces straight into the CSV
 * parser, as fast as before this module existed; only a compressed one
 * goes through libarchive (its raw format: one "entry", the whole
 * decompressed stream).  bundle.c and this file are the only ones that
 * include archive.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "input.h"
#include "util.h"
#include "xmalloc.h"
#include "xmlres.h"

#define PIECE	(1 << 18)

/* One open result file: plain, compressed, or bytes in memory. */
struct src {
	int		 fd;
	struct archive	*a;
	const char	*mem;
	size_t		 mem_len, mem_off;
	/* bytes read ahead to sniff the format, handed out first */
	char		 head[64];
	size_t		 head_len, head_off;
	struct jmx_err	*err;
};

/* gzip, xz, zstd: the magic numbers libarchive's raw reader needs. */
static int
compressed(const unsigned char *m, size_t n)
{
	return (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) ||
	    (n >= 6 && memcmp(m, "\xfd" "7zXZ\0", 6) == 0) ||
	    (n >= 4 && memcmp(m, "\x28\xb5\x2f\xfd", 4) == 0);
}

/* Up to len bytes of the n at from, from *off on, into buf. */
static ssize_t
take(const char *from, size_t n, size_t *off, void *buf, size_t len)
{
	size_t k = n - *off;

	if (k > len)
		k = len;
	memcpy(buf, from + *off, k);
	*off += k;
	return (ssize_t)k;
}

/* Up to len bytes of the file, past the read-ahead.  -1: err set. */
static ssize_t
raw_read(struct src *s, void *buf, size_t len)
{
	ssize_t n;

	if (s->mem != NULL)
		return take(s->mem, s->mem_len, &s->mem_off, buf, len);
	if (s->a != NULL) {
		if ((n = archive_read_data(s->a, buf, len)) < 0) {
			jmx_err_set(s->err, JMX_ERR_IO, "cannot decompress: "
			    "%s", archive_error_string(s->a));
			return -1;
		}
		return n;
	}
	while ((n = read(s->fd, buf, len)) < 0 && errno == EINTR)
		;
	if (n < 0)
		jmx_err_sys(s->err, JMX_ERR_IO, "read");
	return n;
}

/* Up to len bytes: the read-ahead first, then the file.  -1: err set. */
static ssize_t
src_read(struct src *s, void *buf, size_t len)
{
	if (s->head_off < s->head_len)
		return take(s->head, s->head_len, &s->head_off, buf, len);
	return raw_read(s, buf, len);
}

/* Fill the read-ahead with the first bytes (all, if the file is short). */
static enum jmx_code
src_sniff(struct src *s)
{
	ssize_t n;

	s->head_len = s->head_off = 0;
	while (s->head_len < sizeof s->head) {
		if ((n = raw_read(s, s->head + s->head_len,
		    sizeof s->head - s->head_len)) < 0)
			return s->err->code;
		if (n == 0)
			break;
		s->head_len += (size_t)n;
	}
	return JMX_OK;
}

/* Open the file at path, through libarchive if compressed. */
static enum jmx_code
src_open(struct src *s, const char *path, const void *data, size_t len,
    struct jmx_err *err)
{
	struct archive_entry *ae;

	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->err = err;
	if (data != NULL) {
		s->mem = data;
		s->mem_len = len;
		return src_sniff(s);
	}
	if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return jmx_err_sys(err, JMX_ERR_IO, "cannot open");
	if (src_sniff(s) != JMX_OK)
		return err->code;
	if (!compressed((unsigned char *)s->head, s->head_len))
		return JMX_OK;
	if (lseek(s->fd, 0, SEEK_SET) == -1)
		return jmx_err_sys(err, JMX_ERR_IO, "cannot seek");
	s->head_len = s->head_off = 0;
	s->a = archive_read_new();
	archive_read_support_filter_gzip(s->a);
	archive_read_support_filter_xz(s->a);
	archive_read_support_filter_zstd(s->a);
	archive_read_support_format_raw(s->a);
	if (archive_read_open_fd(s->a, s->fd, PIECE) != ARCHIVE_OK ||
	    archive_read_next_header(s->a, &ae) != ARCHIVE_OK)
		return jmx_err_set(err, JMX_ERR_IO, "cannot decompress: %s",
		    archive_error_string(s->a));
	return src_sniff(s);
}

static void
src_close(struct src *s)
{
	if (s->a != NULL)
		archive_read_free(s->a);
	if (s->fd != -1)
		close(s->fd);
}

/* The read-ahead starts with '<' after white space and a BOM: XML. */
static int
is_xml(const struct src *s)
{
	const char *p = s->head, *e = s->head + s->head_len;

	if (e - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p < e && *p == '<';
}

/* xmlres's reader: bytes from the source. */
static int
xml_read(void *arg, char *buf, int len)
{
	return (int)src_read(arg, buf, (size_t)len);
}

static enum jmx_code
load_xml(struct src *s, const struct jmx_input_opts *o, jmx_jtl_cb cb,
    void *arg, struct jmx_input_result *res, struct jmx_err *err)
{
	struct jmx_xmlres_counts cnt;
	enum jmx_code code;

	res->xml = 1;
	code = jmx_xmlres_parse(xml_read, s, o->fields != 0 ? o->fields :
	    JMX_JTL_ALL, cb, arg, o->on_bad, o->bad_arg, &cnt, err);
	res->records = cnt.records;
	res->bad = cnt.bad;
	res->last = cnt.last;
	return code;
}

/*
 * After jmx_jtl_feed() or jmx_jtl_finish() returned code: with on_bad,
 * the parser stops at each bad or cut record; tell it and go on past it.
 * Any other code is returned.
 */
static enum jmx_code
past_bad(struct jmx_jtl *p, const struct jmx_input_opts *o,
    enum jmx_code code, uint64_t *seen, struct jmx_err *err)
{
	while (code == JMX_ERR_DATA && o->on_bad != NULL &&
	    jmx_jtl_bad(p) + jmx_jtl_truncated(p) != *seen) {
		*seen = jmx_jtl_bad(p) + jmx_jtl_truncated(p);
		o->on_bad(err, o->bad_arg);
		code = jmx_jtl_feed(p, NULL, 0, err);
	}
	return code;
}

static enum jmx_code
load_csv(struct src *s, const struct jmx_input_opts *o, jmx_jtl_cb cb,
    void *arg, struct jmx_input_result *res, struct jmx_err *err)
{
	struct jmx_jtl *p;
	enum jmx_code code = JMX_OK;
	char *buf;
	ssize_t got;
	uint64_t seen = 0;

	p = jmx_jtl_new(cb, arg);
	/* Told one by one, bad records stop the parser (past_bad()). */
	jmx_jtl_set_skip_bad(p, o->on_bad == NULL);
	jmx_jtl_set_fields(p, o->fields != 0 ? o->fields : JMX_JTL_ALL);
	if (o->columns != NULL)
		jmx_jtl_set_headerless(p, o->columns, "the columns of the "
		    "properties", o->delim, o->no_header);
	if (s->mem != NULL && s->head_len == s->mem_off) {
		/* in memory: in one piece, as it is */
		code = past_bad(p, o, jmx_jtl_feed(p, s->mem, s->mem_len,
		    err), &seen, err);
	} else {
		buf = xmalloc(PIECE);
		while (code == JMX_OK && (got = src_read(s, buf, PIECE)) != 0) {
			if (got < 0) {
				code = err->code;
				break;
			}
			code = past_bad(p, o, jmx_jtl_feed(p, buf,
			    (size_t)got, err), &seen, err);
		}
		free(buf);
	}
	if (code == JMX_OK)
		code = past_bad(p, o, jmx_jtl_finish(p, err), &seen, err);
	if (code == JMX_OK && !jmx_jtl_has_header(p))
		code = jmx_err_set(err, JMX_ERR_DATA, "empty, not a JTL "
		    "file (no header)");
	res->records = jmx_jtl_records(p);
	res->bad = jmx_jtl_bad(p);
	res->truncated = jmx_jtl_truncated(p);
	res->offset = jmx_jtl_offset(p);
	res->last = *jmx_jtl_last_error(p);
	jmx_jtl_free(p);
	return code;
}

enum jmx_code
jmx_input_load(const char *path, const void *data, size_t len,
    const struct jmx_input_opts *o, jmx_jtl_cb cb, void *arg,
    struct jmx_input_result *res, struct jmx_err *err)
{
	static const struct jmx_input_opts none;
	struct src s;
	enum jmx_code code;

	memset(res, 0, sizeof *res);
	if (o == NULL)
		o = &none;
	if ((code = src_open(&s, path, data, len, err)) == JMX_OK) {
		if (is_xml(&s))
			code = load_xml(&s, o, cb, arg, res, err);
		else
			code = load_csv(&s, o, cb, arg, res, err);
	}
	src_close(&s);
	return code;
}

/* JMeter's properties. */

/*
 * The CSV columns in the order JMeter writes them, each with the setting
 * that adds it and that setting's default.
 */
static const struct col {
	const char	*key;		/* after jmeter.save.saveservice. */
	int		 def;
	const char	*names;
} cols[] = {
	{ "timestamp_format", 1, "timeStamp" },	/* none: no column */
	{ "time", 1, "elapsed" },
	{ "label", 1, "label" },
	{ "response_code", 1, "responseCode" },
	{ "response_message", 1, "responseMessage" },
	{ "thread_name", 1, "threadName" },
	{ "data_type", 1, "dataType" },
	{ "successful", 1, "success" },
	{ "assertion_results_failure_message", 1, "failureMessage" },
	{ "bytes", 1, "bytes" },
	{ "sent_bytes", 1, "sentBytes" },
	{ "thread_counts", 1, "grpThreads,allThreads" },
	{ "url", 1, "URL" },
	{ "filename", 0, "Filename" },
	{ "latency", 1, "Latency" },
	{ "encoding", 0, "Encoding" },
	{ "sample_count", 0, "SampleCount,ErrorCount" },
	{ "hostname", 0, "Hostname" },
	{ "idle_time", 1, "IdleTime" },
	{ "connect_time", 1, "Connect" }
};
#define NCOLS	(sizeof cols / sizeof cols[0])
#define PREFIX	"jmeter.save.saveservice."

/*
 * The logical lines of a properties file, in place: continuation lines
 * joined, the escapes \t \n \r \f \\ and others undone.  *key and *val
 * point into text; returns the position after the line, NULL at the end.
 * *line counts lines; *at gets the one the logical line starts on.
 */
static char *
prop_next(char *s, char **key, char **val, int *line, int *at)
{
	char *w, *k, *v = NULL;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\f')
			s++;
		if (*s == '\0')
			return NULL;
		if (*s == '\n' || *s == '\r' || *s == '#' || *s == '!') {
			while (*s != '\0' && *s != '\n')
				s++;
			if (*s == '\n') {
				s++;
				(*line)++;
			}
			continue;
		}
		break;
	}
	*at = *line;
	k = w = s;
	for (; *s != '\0' && *s != '\n'; s++) {
		if (*s == '\\' && (s[1] == '\n' || (s[1] == '\r' &&
		    s[2] == '\n'))) {
			s += s[1] == '\r' ? 2 : 1;
			(*line)++;
			while (s[1] == ' ' || s[1] == '\t')
				s++;
			continue;
		}
		if (*s == '\r' && s[1] == '\n')
			continue;
		if (v == NULL && (*s == '=' || *s == ':' || *s == ' ' ||
		    *s == '\t')) {
			*w++ = '\0';
			while (s[1] == ' ' || s[1] == '\t')
				s++;
			if (*s != '=' && *s != ':' && (s[1] == '=' ||
			    s[1] == ':'))
				s++;
			while (s[1] == ' ' || s[1] == '\t')
				s++;
			v = w;
			continue;
		}
		if (*s == '\\' && s[1] != '\0' && s[1] != '\n') {
			s++;
			*w++ = *s == 't' ? '\t' : *s == 'n' ? '\n' :
			    *s == 'r' ? '\r' : *s == 'f' ? '\f' : *s;
			continue;
		}
		*w++ = *s;
	}
	if (*s == '\n') {
		s++;
		(*line)++;
	}
	*w = '\0';
	*key = k;
	*val = v != NULL ? v : w;
	return s;
}

/* "true" or "false" (any case, as Java's equalsIgnoreCase); -1 else. */
static int
prop_bool(const char *v)
{
	if (strcasecmp(v, "true") == 0)
		return 1;
	if (strcasecmp(v, "false") == 0)
		return 0;
	return -1;
}

enum jmx_code
jmx_input_properties(const char *path, struct jmx_input_opts *o,
    struct jmx_err *err)
{
	struct jmx_buf b = { 0 };
	char *text, *s, *key, *val, *vars = NULL;
	int on[NCOLS], line = 1, at, v, header = 1;
	enum jmx_code code = JMX_OK;
	size_t len, i;

	if ((code = jmx_read_file(path, &text, &len, err)) != JMX_OK)
		return code;
	for (i = 0; i < NCOLS; i++)
		on[i] = cols[i].def;
	o->delim = 0;
	for (s = text; (s = prop_next(s, &key, &val, &line, &at)) != NULL;) {
		if (strcmp(key, "sample_variables") == 0) {
			free(vars);
			vars = xstrdup(val);
			continue;
		}
		if (strncmp(key, PREFIX, strlen(PREFIX)) != 0)
			continue;
		key += strlen(PREFIX);
		if (strcmp(key, "default_delimiter") == 0) {
			o->delim = strcmp(val, "\\t") == 0 ? '\t' : val[0];
			continue;
		}
		if (strcmp(key, "timestamp_format") == 0) {
			on[0] = strcasecmp(val, "none") != 0;
			continue;
		}
		for (i = 1; i < NCOLS; i++)
			if (strcmp(key, cols[i].key) == 0)
				break;
		if (i == NCOLS && strcmp(key, "print_field_names") != 0)
			continue;
		if ((v = prop_bool(val)) < 0) {
			code = jmx_err_set(err, JMX_ERR_CONFIG, "line %d: "
			    PREFIX "%s is '%s', not true or false", at, key,
			    val);
			break;
		}
		if (i == NCOLS)
			header = v;
		else
			on[i] = v;
	}
	if (code == JMX_OK) {
		for (i = 0; i < NCOLS; i++) {
			if (!on[i])
				continue;
			if (b.len > 0)
				jmx_buf_addc(&b, ',');
			jmx_buf_adds(&b, cols[i].names);
		}
		/* sample variables: quoted names, so never a column */
		for (s = vars; s != NULL && *s != '\0';) {
			len = strcspn(s, ",");
			if (len > 0)
				jmx_buf_addf(&b, "%s\"%.*s\"", b.len > 0 ?
				    "," : "", (int)len, s);
			s += len + (s[len] == ',');
		}
		free(o->columns);
		o->columns = jmx_buf_steal(&b);
		o->no_header = !header;
		free(o->source);
		o->source = xstrdup(path);
	}
	jmx_buf_free(&b);
	free(vars);
	free(text);
	return code;
}

void
jmx_input_opts_free(struct jmx_input_opts *o)
{
	free(o->columns);
	free(o->source);
	o->columns = o->source = NULL;
}

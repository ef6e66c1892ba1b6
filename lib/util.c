/* util.c: buffers, quoting, durations, clocks and file helpers. */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "xmalloc.h"

static void
buf_grow(struct jmx_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->data = xrealloc(b->data, b->cap);
}

void
jmx_buf_add(struct jmx_buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
jmx_buf_adds(struct jmx_buf *b, const char *s)
{
	jmx_buf_add(b, s, strlen(s));
}

void
jmx_buf_addc(struct jmx_buf *b, char c)
{
	jmx_buf_add(b, &c, 1);
}

void
jmx_buf_addf(struct jmx_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
jmx_buf_consume(struct jmx_buf *b, size_t n)
{
	if (n >= b->len) {
		jmx_buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

void
jmx_buf_reset(struct jmx_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
jmx_buf_free(struct jmx_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *
jmx_buf_steal(struct jmx_buf *b)
{
	char *p;

	if (b->data == NULL)
		return xstrdup("");
	p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void
jmx_shquote(struct jmx_buf *b, const char *s)
{
	jmx_buf_addc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			jmx_buf_adds(b, "'\\''");
		else
			jmx_buf_addc(b, *s);
	}
	jmx_buf_addc(b, '\'');
}

void
jmx_json_str(struct jmx_buf *b, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		jmx_buf_adds(b, "null");
		return;
	}
	jmx_buf_addc(b, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			jmx_buf_adds(b, "\\\"");
			break;
		case '\\':
			jmx_buf_adds(b, "\\\\");
			break;
		case '\n':
			jmx_buf_adds(b, "\\n");
			break;
		case '\r':
			jmx_buf_adds(b, "\\r");
			break;
		case '\t':
			jmx_buf_adds(b, "\\t");
			break;
		default:
			if (*p < 0x20)
				jmx_buf_addf(b, "\\u%04x", *p);
			else
				jmx_buf_addc(b, (char)*p);
		}
	}
	jmx_buf_addc(b, '"');
}

void
jmx_json_num(struct jmx_buf *b, double v)
{
	if (!isfinite(v))
		jmx_buf_adds(b, "null");
	else if (v == floor(v) && fabs(v) < 1e15)
		jmx_buf_addf(b, "%.0f", v);
	else
		jmx_buf_addf(b, "%.15g", v);
}

void
jmx_json_time(struct jmx_buf *b, int64_t ms)
{
	char t[64];

	if (ms <= 0) {
		jmx_buf_adds(b, "null");
		return;
	}
	jmx_format_time(t, sizeof t, ms);
	jmx_json_str(b, t);
}

int64_t
jmx_parse_duration_ms(const char *s)
{
	int64_t total = 0, n, unit;
	int any = 0;

	if (s == NULL || *s == '\0')
		return -1;
	while (*s != '\0') {
		if (!isdigit((unsigned char)*s))
			return -1;
		n = 0;
		while (isdigit((unsigned char)*s)) {
			if (n > INT64_MAX / 10 - 10)
				return -1;
			n = n * 10 + (*s++ - '0');
		}
		if (strncmp(s, "ms", 2) == 0) {
			unit = 1;
			s += 2;
		} else if (*s == 's' || *s == '\0') {
			unit = 1000;
			if (*s == 's')
				s++;
		} else if (*s == 'm') {
			unit = 60 * 1000;
			s++;
		} else if (*s == 'h') {
			unit = 3600 * 1000;
			s++;
		} else if (*s == 'd') {
			unit = 86400 * 1000;
			s++;
		} else
			return -1;
		/* Too large to count in milliseconds is malformed too. */
		if (n > (INT64_MAX - total) / unit)
			return -1;
		total += n * unit;
		any = 1;
	}
	return any ? total : -1;
}

void
jmx_format_duration(char *out, size_t len, int64_t ms)
{
	int64_t s = ms / 1000;

	if (s >= 3600)
		snprintf(out, len, "%lldh%02lldm%02llds", (long long)(s / 3600),
		    (long long)(s % 3600 / 60), (long long)(s % 60));
	else if (s >= 60)
		snprintf(out, len, "%lldm%02llds", (long long)(s / 60),
		    (long long)(s % 60));
	else
		snprintf(out, len, "%llds", (long long)s);
}

int64_t
jmx_parse_count(const char *s)
{
	char *end;
	long long v;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0)
		return -1;
	return v;
}

int64_t
jmx_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
jmx_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
jmx_format_time(char *out, size_t len, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum jmx_code
jmx_read_file(const char *path, char **out, size_t *lenp, struct jmx_err *err)
{
	struct jmx_buf b = { 0 };
	char chunk[65536];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return jmx_err_sys(err, JMX_ERR_IO, "'%s'", path);
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			jmx_err_sys(err, JMX_ERR_IO, "'%s'", path);
			close(fd);
			jmx_buf_free(&b);
			return JMX_ERR_IO;
		}
		jmx_buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	if (lenp != NULL)
		*lenp = b.len;
	*out = jmx_buf_steal(&b);
	return JMX_OK;
}

enum jmx_code
jmx_write_file(const char *path, const void *data, size_t len,
    struct jmx_err *err)
{
	char *tmp;
	const char *p = data;
	ssize_t n;
	int fd;

	xasprintf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		jmx_err_sys(err, JMX_ERR_IO, "'%s'", tmp);
		free(tmp);
		return JMX_ERR_IO;
	}
	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			jmx_err_sys(err, JMX_ERR_IO, "'%s'", tmp);
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) == -1) {
		fd = -1;
		jmx_err_sys(err, JMX_ERR_IO, "'%s'", tmp);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		jmx_err_sys(err, JMX_ERR_IO, "'%s'", path);
		goto fail;
	}
	free(tmp);
	return JMX_OK;
fail:
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	return JMX_ERR_IO;
}

enum jmx_code
jmx_mkdirs(const char *path, int mode, struct jmx_err *err)
{
	char *copy, *p;
	struct stat st;

	if (*path == '\0')
		return jmx_err_set(err, JMX_ERR_IO, "mkdir: empty path");
	copy = xstrdup(path);
	for (p = copy + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;

			*p = '\0';
			if (mkdir(copy, (mode_t)mode) == -1 &&
			    (errno != EEXIST || stat(copy, &st) == -1 ||
			    !S_ISDIR(st.st_mode))) {
				if (errno == EEXIST)
					errno = ENOTDIR;
				jmx_err_sys(err, JMX_ERR_IO, "mkdir '%s'", copy);
				free(copy);
				return JMX_ERR_IO;
			}
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	free(copy);
	return JMX_OK;
}

static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

enum jmx_code
jmx_remove_tree(const char *path, struct jmx_err *err)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? JMX_OK :
		    jmx_err_sys(err, JMX_ERR_IO, "'%s'", path);
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == -1)
		return jmx_err_sys(err, JMX_ERR_IO, "remove '%s'", path);
	return JMX_OK;
}

int
jmx_want_color(int fd, const char *mode)
{
	const char *term = getenv("TERM");

	if (mode != NULL && strcmp(mode, "always") == 0)
		return 1;
	if (mode != NULL && strcmp(mode, "never") == 0)
		return 0;
	if (getenv("NO_COLOR") != NULL && *getenv("NO_COLOR") != '\0')
		return 0;
	if (term == NULL || strcmp(term, "dumb") == 0)
		return 0;
	return isatty(fd);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if none. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0xC2 || s[0] > 0xF4)
		return 0;
	len = s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
	if (n < len)
		return 0;
	cp = s[0] & (0x7F >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	/* overlong, surrogates, past U+10FFFF, C1 controls */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF || cp < 0xA0)
		return 0;
	return len;
}

char *
jmx_text_esc(char *dst, size_t size, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	char one[8];
	size_t i = 0, w = 0, k, len;

	if (size == 0)
		return dst;
	while (i < n) {
		len = 1;
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
			snprintf(one, sizeof one, "\\%c", s[i] == '\n' ? 'n' :
			    s[i] == '\r' ? 'r' : 't');
		else if (s[i] < 0x20 || s[i] == 0x7F ||
		    (s[i] >= 0x80 && (len = utf8_len(s + i, n - i)) == 0)) {
			snprintf(one, sizeof one, "\\x%02X", s[i]);
			len = 1;
		} else {
			memcpy(one, s + i, len);
			one[len] = '\0';
		}
		k = strlen(one);
		/* room for it, and for "..." if more follows */
		if (w + k + (i + len < n ? 3 : 0) >= size) {
			if (w + 3 < size)
				memcpy(dst + w, "...", 3), w += 3;
			break;
		}
		memcpy(dst + w, one, k);
		w += k;
		i += len;
	}
	dst[w] = '\0';
	return dst;
}

/* util.c: buffers, quoting, durations, clocks and file helpers. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "xmalloc.h"

extern char **environ;

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

/* The code point of the well-formed UTF-8 sequence of n bytes at p. */
static long
utf8_code(const unsigned char *p, int n)
{
	static const unsigned char lead[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	long c = p[0] & lead[n];
	int i;

	for (i = 1; i < n; i++)
		c = c << 6 | (p[i] & 0x3f);
	return c;
}

static void
java_escape(struct jmx_buf *b, const char *s, int is_key)
{
	const unsigned char *p;
	int n, code;
	long c;

	for (p = (const unsigned char *)s; *p != '\0'; p += n) {
		n = 1;
		switch (*p) {
		case '\\':
		case '=':
		case ':':
		case '#':
		case '!':
			jmx_buf_addc(b, '\\');
			jmx_buf_addc(b, (char)*p);
			continue;
		case ' ':
			/* Only a value's leading space would be lost. */
			if (is_key || p == (const unsigned char *)s)
				jmx_buf_addc(b, '\\');
			jmx_buf_addc(b, ' ');
			continue;
		case '\t':
			jmx_buf_adds(b, "\\t");
			continue;
		case '\n':
			jmx_buf_adds(b, "\\n");
			continue;
		case '\r':
			jmx_buf_adds(b, "\\r");
			continue;
		case '\f':
			jmx_buf_adds(b, "\\f");
			continue;
		}
		if (*p > 0x20 && *p < 0x7f) {
			jmx_buf_addc(b, (char)*p);
			continue;
		}
		n = jmx_utf8_char(p, &code);
		c = code >= 0 ? code : code == JMX_UTF8_BAD ? 0xfffd :
		    utf8_code(p, n);
		if (c > 0xffff) {
			c -= 0x10000;
			jmx_buf_addf(b, "\\u%04lx", 0xd800 + (c >> 10));
			c = 0xdc00 + (c & 0x3ff);
		}
		jmx_buf_addf(b, "\\u%04lx", c);
	}
}

void
jmx_java_property(struct jmx_buf *b, const char *key, const char *value)
{
	java_escape(b, key, 1);
	jmx_buf_addc(b, '=');
	java_escape(b, value, 0);
	jmx_buf_addc(b, '\n');
}

/*
 * The length of the UTF-8 sequence at p (1 to 4), or 0 when it is not
 * well formed: overlong forms, surrogates and code points past U+10FFFF
 * are not.
 */
static int
utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int n, i;

	if (*p < 0x80)
		return 1;
	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2;
	else if (*p >= 0xe0 && *p <= 0xef) {
		n = 3;
		if (*p == 0xe0)
			lo = 0xa0;
		else if (*p == 0xed)
			hi = 0x9f;
	} else if (*p >= 0xf0 && *p <= 0xf4) {
		n = 4;
		if (*p == 0xf0)
			lo = 0x90;
		else if (*p == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

int
jmx_utf8_char(const unsigned char *p, int *code)
{
	int n;

	if (*p < 0x20 || *p == 0x7f) {
		*code = *p;
		return 1;
	}
	/* C1 controls are U+0080..U+009F: "\xc2\x80".."\xc2\x9f". */
	if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
		*code = p[1];
		return 2;
	}
	if ((n = utf8_len(p)) == 0) {
		*code = JMX_UTF8_BAD;
		return 1;
	}
	*code = JMX_UTF8_TEXT;
	return n;
}

/*
 * The character at p (n bytes, code as jmx_utf8_char() has it) as a
 * terminal shows it, into one: itself, or \n, \r, \t or \xHH.  Returns
 * the bytes written, not counting the NUL.
 */
static size_t
text_char(char one[8], const unsigned char *p, int n, int code)
{
	if (code == JMX_UTF8_TEXT) {
		memcpy(one, p, (size_t)n);
		one[n] = '\0';
		return (size_t)n;
	}
	if (code == '\n' || code == '\r' || code == '\t')
		return (size_t)snprintf(one, 8, "\\%c", code == '\n' ? 'n' :
		    code == '\r' ? 'r' : 't');
	return (size_t)snprintf(one, 8, "\\x%02x", code >= 0 ? code : *p);
}

int
jmx_text_escape_char(struct jmx_buf *b, const unsigned char *p)
{
	char one[8];
	int n, code;

	n = jmx_utf8_char(p, &code);
	jmx_buf_add(b, one, text_char(one, p, n, code));
	return n;
}

size_t
jmx_text_escape(struct jmx_buf *b, const char *s)
{
	const unsigned char *p;
	char one[8];
	size_t cols = 0, k;
	int n, code;

	for (p = (const unsigned char *)s; p != NULL && *p != '\0'; p += n) {
		n = jmx_utf8_char(p, &code);
		k = text_char(one, p, n, code);
		jmx_buf_add(b, one, k);
		/* a character is one column, an escape its length */
		cols += code == JMX_UTF8_TEXT ? 1 : k;
	}
	return cols;
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
	const char *fake = getenv("JMX_NOW");
	int64_t ms;

	/* For tests only: JMX_NOW=epoch seconds or RFC 3339 UTC. */
	if (fake != NULL && *fake != '\0' &&
	    (ms = jmx_parse_time_utc(fake)) >= 0)
		return ms;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
jmx_parse_time_utc(const char *s)
{
	struct tm tm;
	char *end;
	long long v;

	if (*s >= '0' && *s <= '9' && strchr(s, '-') == NULL) {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno != 0 || *end != '\0' || v < 0)
			return -1;
		return (int64_t)v * 1000;
	}
	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL || (*end != 'Z' && *end != '\0') ||
	    (*end == 'Z' && end[1] != '\0'))
		return -1;
	return (int64_t)timegm(&tm) * 1000;
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
jmx_write_buf(const char *dir, const char *name, struct jmx_buf *b,
    struct jmx_err *err)
{
	char *path;
	enum jmx_code code;

	xasprintf(&path, "%s/%s", dir, name);
	code = jmx_write_file(path, b->data != NULL ? b->data : "", b->len,
	    err);
	free(path);
	jmx_buf_reset(b);
	return code;
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
jmx_term_live(int fd)
{
	const char *term = getenv("TERM");

	return isatty(fd) && term != NULL && *term != '\0' &&
	    strcmp(term, "dumb") != 0;
}

int
jmx_want_color(int fd, const char *mode)
{
	const char *no = getenv("NO_COLOR");

	if (mode != NULL && strcmp(mode, "always") == 0)
		return 1;
	if (mode != NULL && strcmp(mode, "never") == 0)
		return 0;
	/* https://no-color.org: set and not empty means no colour. */
	if (no != NULL && *no != '\0')
		return 0;
	return jmx_term_live(fd);
}

char *
jmx_text_esc(char *dst, size_t size, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	const unsigned char *at;
	unsigned char tail[5];
	char one[8];
	size_t i = 0, w = 0, cut = 0, k, len;
	int code;

	if (size == 0)
		return dst;
	while (i < n) {
		/* Near the end, classify a NUL-padded copy: never read past. */
		at = s + i;
		if (n - i < 4) {
			memset(tail, 0, sizeof tail);
			memcpy(tail, s + i, n - i);
			at = tail;
		}
		len = (size_t)jmx_utf8_char(at, &code);
		k = text_char(one, at, (int)len, code);
		/* No room: back to the last place "..." fits after. */
		if (w + k >= size) {
			w = cut;
			if (w + 3 < size)
				memcpy(dst + w, "...", 3), w += 3;
			break;
		}
		memcpy(dst + w, one, k);
		w += k;
		i += len;
		if (w + 3 < size)
			cut = w;
	}
	dst[w] = '\0';
	return dst;
}

/* The child's side of jmx_spawn(): never returns. */
static void
spawn_child(const char *const *argv, const char *const *env_set,
    const char *const *env_unset, int in, int out)
{
	int i, null;

	setpgid(0, 0);
	if (in == -1 && (null = open("/dev/null", O_RDONLY)) != -1)
		in = null;
	if (in != -1 && in != STDIN_FILENO) {
		dup2(in, STDIN_FILENO);
		close(in);
	}
	/* Only 1 and 2 hold the pipe: a child that detaches closes them. */
	if (out != -1) {
		dup2(out, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
		if (out > STDERR_FILENO)
			close(out);
	}
	for (i = 0; env_unset != NULL && env_unset[i] != NULL; i++)
		unsetenv(env_unset[i]);
	for (i = 0; env_set != NULL && env_set[i] != NULL; i++)
		putenv((char *)env_set[i]);
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], (char *const *)argv);
	_exit(127);
}

enum jmx_code
jmx_spawn(const char *const *argv, const char *const *env_set,
    const char *const *env_unset, const char *in, struct jmx_buf *out,
    int timeout_s, int *status, struct jmx_err *err)
{
	struct sigaction ign, old;
	struct pollfd pfd;
	char buf[4096];
	int64_t deadline = jmx_mono_ms() + (int64_t)timeout_s * 1000;
	int ip[2] = { -1, -1 }, op[2] = { -1, -1 }, st = 0, done = 0;
	size_t off = 0, inlen = in != NULL ? strlen(in) : 0;
	ssize_t r;
	pid_t pid;

	if (in != NULL && pipe(ip) == -1)
		return jmx_err_sys(err, JMX_ERR_IO, "pipe");
	if (pipe(op) == -1) {
		jmx_err_sys(err, JMX_ERR_IO, "pipe");
		if (ip[0] != -1) {
			close(ip[0]);
			close(ip[1]);
		}
		return JMX_ERR_IO;
	}
	if ((pid = fork()) == -1) {
		jmx_err_sys(err, JMX_ERR_IO, "fork");
		goto fail;
	}
	if (pid == 0) {
		close(op[0]);
		if (ip[1] != -1)
			close(ip[1]);
		spawn_child(argv, env_set, env_unset, ip[0], op[1]);
	}
	close(op[1]);
	op[1] = -1;
	/* A reader gone early must not end us with SIGPIPE. */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	if (ip[0] != -1) {
		close(ip[0]);
		ip[0] = -1;
		while (off < inlen &&
		    ((r = write(ip[1], in + off, inlen - off)) > 0 ||
		    (r == -1 && errno == EINTR)))
			off += r > 0 ? (size_t)r : 0;
		close(ip[1]);
		ip[1] = -1;
	}
	sigaction(SIGPIPE, &old, NULL);
	pfd.fd = op[0];
	pfd.events = POLLIN;
	while (!done && jmx_mono_ms() < deadline) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((r = read(op[0], buf, sizeof buf)) > 0) {
			if (out != NULL)
				jmx_buf_add(out, buf, (size_t)r);
		} else if (r == 0 || errno != EINTR)
			done = 1;
	}
	close(op[0]);
	op[0] = -1;
	while ((r = waitpid(pid, &st, WNOHANG)) == 0 &&
	    jmx_mono_ms() < deadline)
		usleep(20000);
	if (r == 0) {
		kill(-pid, SIGKILL);
		waitpid(pid, &st, 0);
		return jmx_err_set(err, JMX_ERR_TIMEOUT, "'%s' did not end "
		    "within %d s and was killed", argv[0], timeout_s);
	}
	*status = WIFEXITED(st) ? WEXITSTATUS(st) :
	    WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 255;
	if (*status == 127)
		return jmx_err_set(err, JMX_ERR_IO, "'%s' could not be run",
		    argv[0]);
	return JMX_OK;
fail:
	if (ip[0] != -1) {
		close(ip[0]);
		close(ip[1]);
	}
	close(op[0]);
	close(op[1]);
	return JMX_ERR_IO;
}

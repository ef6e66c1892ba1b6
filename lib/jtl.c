/*
 * jtl.c: the streaming JTL parser.
 *
 * Records are split in place, in the caller's buffer when a record lies
 * wholly inside one piece of input, else in the parser's tail buffer
 * holding the unfinished record carried over from the previous piece.
 * Nothing is allocated per record.
 *
 * Two ways to split a record.  The fast one handles the common record: no
 * '"' anywhere before its LF.  It looks at 16 bytes at a time (SSE2 where
 * available) for the delimiter, LF and '"', and takes field boundaries
 * from the bit masks.  Anything else - a quote, a wrong field count, a
 * record running past the end of the buffer - goes to the slow path, which
 * first finds the record's end by quote parity and then splits it field by
 * field, undoing doubled quotes into a scratch buffer.  Both agree on where
 * a record ends: at the first LF after an even number of quotes.
 *
 * Numbers are read eight digits at a time (SWAR) on little-endian hosts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "jtl.h"
#include "util.h"
#include "xmalloc.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR_DIGITS 1
#endif

/* Columns, in the order of the JMX_JTL_* bits. */
enum col {
	C_TS, C_ELAPSED, C_LABEL, C_RCODE, C_RMSG, C_THREAD, C_DTYPE,
	C_SUCCESS, C_FMSG, C_BYTES, C_SENT, C_GRP, C_ALL, C_URL, C_FILENAME,
	C_LATENCY, C_ENCODING, C_SCOUNT, C_ECOUNT, C_HOST, C_IDLE, C_CONNECT,
	NCOL
};

/* Header names, as JMeter's CSVSaveService writes them. */
static const char *const colnames[NCOL] = {
	"timeStamp", "elapsed", "label", "responseCode", "responseMessage",
	"threadName", "dataType", "success", "failureMessage", "bytes",
	"sentBytes", "grpThreads", "allThreads", "URL", "Filename", "Latency",
	"Encoding", "SampleCount", "ErrorCount", "Hostname", "IdleTime",
	"Connect"
};

/* JMeter's default columns, assumed for a file without a header. */
static const char default_header[] = "timeStamp,elapsed,label,responseCode,"
    "responseMessage,threadName,dataType,success,failureMessage,bytes,"
    "sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect";

/* What deliver() found. */
enum {
	REC_OK,
	REC_BAD,		/* malformed: message in p->last */
	REC_STOP		/* the callback refused it: code in p->cbrc */
};

struct jmx_jtl {
	jmx_jtl_cb	 cb;
	void		*arg;
	char		 delim;
	int		 delim_fixed;	/* jmx_jtl_set_delimiter() */
	int		 skip_bad;	/* jmx_jtl_set_skip_bad() */
	int64_t		 utc_off_ms;	/* jmx_jtl_set_utc_offset() */

	int		 have_header;
	char		*header;	/* header line, NUL-terminated */
	int		 ncols;
	int		 idx[NCOL];	/* field of each column, or ncols */
	uint32_t	 have;		/* JMX_JTL_* bits */
	int		 nvars;
	int		*var_idx;
	struct jmx_span	*var_names;
	struct jmx_span	*var_values;
	char		*var_store;

	struct jmx_span	*f;		/* fields of the record; f[ncols] "" */
	unsigned char	*fq;		/* was field i quoted (header) */
	int		 fcap;
	char		*esc;		/* fields with doubled quotes undone */
	size_t		 esc_cap;
	const char	*lim;		/* end of the buffer being split */

	struct jmx_buf	 tail;		/* input not yet consumed */
	int		 tail_open;	/* tail is one unfinished record */
	int		 tail_q;	/* its quote parity so far */
	int		 run_q;		/* parity where run() stopped */

	uint64_t	 offset;	/* absolute, end of last consumed */
	uint64_t	 line;		/* LFs consumed */
	uint64_t	 records;
	uint64_t	 bad;
	uint64_t	 truncated;
	enum jmx_code	 cbrc;
	int		 broken;	/* a bad header: fatal */
	struct jmx_err	 fatal;
	struct jmx_err	 last;
	struct jmx_sample s;
};

struct jmx_jtl *
jmx_jtl_new(jmx_jtl_cb cb, void *arg)
{
	struct jmx_jtl *p;

	p = xcalloc(1, sizeof *p);
	p->cb = cb;
	p->arg = arg;
	p->delim = ',';
	return p;
}

void
jmx_jtl_free(struct jmx_jtl *p)
{
	if (p == NULL)
		return;
	free(p->header);
	free(p->var_idx);
	free(p->var_names);
	free(p->var_values);
	free(p->var_store);
	free(p->f);
	free(p->fq);
	free(p->esc);
	jmx_buf_free(&p->tail);
	free(p);
}

void
jmx_jtl_set_delimiter(struct jmx_jtl *p, char c)
{
	if (c == 0 || c == '"' || c == '\n' || c == '\r') {
		p->delim_fixed = 0;
		return;
	}
	p->delim = c;
	p->delim_fixed = 1;
}

void
jmx_jtl_set_skip_bad(struct jmx_jtl *p, int skip)
{
	p->skip_bad = skip;
}

void
jmx_jtl_set_utc_offset(struct jmx_jtl *p, int minutes)
{
	p->utc_off_ms = (int64_t)minutes * 60000;
}

void
jmx_jtl_set_offset(struct jmx_jtl *p, uint64_t off)
{
	p->offset = off;
}

void
jmx_jtl_set_line(struct jmx_jtl *p, uint64_t line)
{
	p->line = line;
}

uint64_t
jmx_jtl_offset(const struct jmx_jtl *p)
{
	return p->offset;
}

uint64_t
jmx_jtl_records(const struct jmx_jtl *p)
{
	return p->records;
}

uint64_t
jmx_jtl_bad(const struct jmx_jtl *p)
{
	return p->bad;
}

uint64_t
jmx_jtl_truncated(const struct jmx_jtl *p)
{
	return p->truncated;
}

uint64_t
jmx_jtl_lines(const struct jmx_jtl *p)
{
	return p->line;
}

size_t
jmx_jtl_pending(const struct jmx_jtl *p)
{
	return p->tail.len;
}

const struct jmx_err *
jmx_jtl_last_error(const struct jmx_jtl *p)
{
	return &p->last;
}

int
jmx_jtl_has_header(const struct jmx_jtl *p)
{
	return p->have_header;
}

const char *
jmx_jtl_header(const struct jmx_jtl *p)
{
	return p->header;
}

char
jmx_jtl_delimiter(const struct jmx_jtl *p)
{
	return p->have_header ? p->delim : 0;
}

int
jmx_jtl_columns(const struct jmx_jtl *p)
{
	return p->ncols;
}

/*
 * Find the LF ending the record that starts at s, given *q, the parity of
 * quotes seen so far in it.  NULL if none before end; *q is then the parity
 * over all of [s, end).
 */
static const char *
find_end(const char *s, const char *end, int *q)
{
	int in = *q;

#if defined(__SSE2__)
	const __m128i vn = _mm_set1_epi8('\n'), vq = _mm_set1_epi8('"');

	while (end - s >= 16) {
		__m128i x = _mm_loadu_si128((const void *)s);
		unsigned mn, mq, m;

		mn = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vn));
		mq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vq));
		for (m = mn | mq; m != 0; m &= m - 1) {
			unsigned bit = m & -m;

			if (bit & mq)
				in ^= 1;
			else if (!in) {
				*q = 0;
				return s + __builtin_ctz(bit);
			}
		}
		s += 16;
	}
#endif
	for (; s < end; s++) {
		if (*s == '"')
			in ^= 1;
		else if (*s == '\n' && !in) {
			*q = 0;
			return s;
		}
	}
	*q = in;
	return NULL;
}

static uint64_t
count_lf(const char *s, const char *end)
{
	uint64_t n = 0;

	while ((s = memchr(s, '\n', (size_t)(end - s))) != NULL) {
		n++;
		s++;
	}
	return n;
}

static void
fields_reserve(struct jmx_jtl *p, int n)
{
	if (n < p->fcap)
		return;
	p->fcap = n + 16;
	p->f = xreallocarray(p->f, (size_t)p->fcap, sizeof *p->f);
	p->fq = xrealloc(p->fq, (size_t)p->fcap);
}

/*
 * Split the complete record [s, e) (e at its LF, or the end of input;
 * the CR of a CRLF already off) into p->f, storing at most max fields
 * (max < 0: grow as needed).  Returns the number of fields, or -1 for bad
 * quoting with *why saying what.
 */
static int
split_slow(struct jmx_jtl *p, const char *s, const char *e, int max,
    const char **why)
{
	const char *fs = s, *c, *q;
	size_t need = (size_t)(e - s);
	char *w;
	int n = 0, quoted, doubled;
	struct jmx_span sp;

	if (need > p->esc_cap) {
		p->esc_cap = need + 256;
		free(p->esc);
		p->esc = xmalloc(p->esc_cap);
	}
	w = p->esc;
	for (;;) {
		quoted = doubled = 0;
		if (fs < e && *fs == '"') {
			quoted = 1;
			for (c = fs + 1;; c = q + 2) {
				q = memchr(c, '"', (size_t)(e - c));
				if (q == NULL) {
					*why = "unterminated quoted field";
					return -1;
				}
				if (q + 1 < e && q[1] == '"')
					doubled = 1;
				else
					break;
			}
			if (doubled) {
				sp.p = w;
				for (c = fs + 1; c < q; c++) {
					*w++ = *c;
					if (*c == '"')
						c++;
				}
				sp.len = (size_t)(w - sp.p);
			} else {
				sp.p = fs + 1;
				sp.len = (size_t)(q - fs - 1);
			}
			fs = q + 1;
			if (fs < e && *fs != p->delim) {
				*why = "text after a closing quote";
				return -1;
			}
		} else {
			q = memchr(fs, p->delim, (size_t)(e - fs));
			if (q == NULL)
				q = e;
			sp.p = fs;
			sp.len = (size_t)(q - fs);
			fs = q;
		}
		if (max < 0)
			fields_reserve(p, n + 1);
		if (max < 0 || n < max) {
			p->f[n] = sp;
			p->fq[n] = (unsigned char)quoted;
		}
		n++;
		if (fs >= e)
			break;
		fs++;			/* the delimiter */
	}
	return n;
}

/*
 * The fast path: split a record with no '"' before its LF and exactly
 * ncols fields.  Returns its LF, or NULL to take the slow path.
 */
static const char *
split_fast(struct jmx_jtl *p, const char *s, const char *end)
{
	struct jmx_span *f = p->f;
	const char *fs = s, *b;
	const int max = p->ncols;
	int n = 0;

#if defined(__SSE2__)
	const __m128i vd = _mm_set1_epi8(p->delim);
	const __m128i vn = _mm_set1_epi8('\n'), vq = _mm_set1_epi8('"');
	char tmp[16];

	for (b = s;; b += 16) {
		__m128i x;
		unsigned md, mn, mq, lim;

		if (end - b >= 16)
			x = _mm_loadu_si128((const void *)b);
		else {
			if (b >= end)
				return NULL;
			memset(tmp, 0, sizeof tmp);
			memcpy(tmp, b, (size_t)(end - b));
			x = _mm_loadu_si128((const void *)tmp);
		}
		md = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vd));
		mn = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vn));
		mq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vq));
		mn &= -mn;		/* the first LF only */
		lim = mn != 0 ? (mn << 1) - 1 : 0xffff;
		if (mq & lim)
			return NULL;
		for (md = (md & lim) | mn; md != 0; md &= md - 1) {
			const char *fe = b + __builtin_ctz(md);

			if (n == max)
				return NULL;
			f[n].p = fs;
			f[n].len = (size_t)(fe - fs);
			n++;
			fs = fe + 1;
		}
		if (mn != 0)
			break;
	}
#else
	const char delim = p->delim;

	for (b = s;; b++) {
		if (b >= end || *b == '"')
			return NULL;
		if (*b == delim || *b == '\n') {
			if (n == max)
				return NULL;
			f[n].p = fs;
			f[n].len = (size_t)(b - fs);
			n++;
			fs = b + 1;
			if (*b == '\n')
				break;
		}
	}
#endif
	if (n != max)
		return NULL;
	if (f[n - 1].len > 0 && fs[-2] == '\r')
		f[n - 1].len--;
	return fs - 1;
}

#ifdef SWAR_DIGITS
/*
 * n (1..8) ASCII digits at s, with 8 bytes readable there, as a number;
 * -1 if one is not a digit.  Lemire's eight-digit parse: left-align the
 * digits in a word, pad the front with '0', check and combine pairwise.
 */
static inline int64_t
swar8(const char *s, size_t n)
{
	static const uint64_t pad[9] = {
		0, 0x30303030303030ULL, 0x303030303030ULL, 0x3030303030ULL,
		0x30303030ULL, 0x303030ULL, 0x3030ULL, 0x30ULL, 0
	};
	uint64_t x;

	memcpy(&x, s, 8);
	x = (x << (8 * (8 - n))) | pad[n];
	if (((x & 0xF0F0F0F0F0F0F0F0ULL) |
	    (((x + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) !=
	    0x3333333333333333ULL)
		return -1;
	x = ((x & 0x0F0F0F0F0F0F0F0FULL) * 2561) >> 8;
	x = ((x & 0x00FF00FF00FF00FFULL) * 6553601) >> 16;
	x = ((x & 0x0000FFFF0000FFFFULL) * 42949672960001ULL) >> 32;
	return (int64_t)x;
}
#endif

/* A decimal integer, optionally negative, at most 18 digits. */
static int
parse_int_slow(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;
	int neg = 0;
	size_t i = 0;

	if (n > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == n || n - i > 18)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = neg ? -v : v;
	return 0;
}

/* The integer in [s, s + n); -1 if empty or not a number. */
static inline int
parse_int(const struct jmx_jtl *p, const char *s, size_t n, int64_t *out)
{
#ifdef SWAR_DIGITS
	int64_t hi, lo;

	if (n - 1 < 2) {
		/* one or two digits: plain is cheaper */
		unsigned d0 = (unsigned char)s[0] - '0', d1;

		if (d0 > 9)
			return parse_int_slow(s, n, out);
		if (n == 1) {
			*out = d0;
			return 0;
		}
		d1 = (unsigned char)s[1] - '0';
		if (d1 > 9)
			return parse_int_slow(s, n, out);
		*out = d0 * 10 + d1;
		return 0;
	}
	if (n - 1 < 8 && p->lim - s >= 8) {
		if ((lo = swar8(s, n)) < 0)
			return parse_int_slow(s, n, out);
		*out = lo;
		return 0;
	}
	if (n > 8 && n <= 16) {
		if ((hi = swar8(s, n - 8)) < 0 ||
		    (lo = swar8(s + n - 8, 8)) < 0)
			return parse_int_slow(s, n, out);
		*out = hi * 100000000 + lo;
		return 0;
	}
#else
	(void)p;
#endif
	return parse_int_slow(s, n, out);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

/*
 * "yyyy/MM/dd HH:mm:ss.SSS" (also with '-', 'T', ',' or no millis) in
 * the zone utc_off_ms east of UTC, as epoch ms.
 */
static int
parse_date(const char *s, size_t n, int64_t utc_off_ms, int64_t *out)
{
	int y, mo, d, h, mi, sec, ms = 0;

	if (n != 19 && n != 23)
		return -1;
	if ((s[4] != '/' && s[4] != '-') || s[7] != s[4] ||
	    (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':')
		return -1;
	if ((y = digits(s, 4)) < 0 || (mo = digits(s + 5, 2)) < 1 ||
	    mo > 12 || (d = digits(s + 8, 2)) < 1 || d > 31 ||
	    (h = digits(s + 11, 2)) < 0 || h > 23 ||
	    (mi = digits(s + 14, 2)) < 0 || mi > 59 ||
	    (sec = digits(s + 17, 2)) < 0 || sec > 60)
		return -1;
	if (n == 23 && ((s[19] != '.' && s[19] != ',') ||
	    (ms = digits(s + 20, 3)) < 0))
		return -1;
	*out = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 +
	    (int64_t)sec * 1000 + ms - utc_off_ms;
	return 0;
}

/* Pick the delimiter: the most frequent of , \t ; | outside quotes. */
static char
detect_delim(const char *s, const char *e)
{
	static const char cand[] = { ',', '\t', ';', '|' };
	size_t cnt[4] = { 0, 0, 0, 0 };
	int in = 0, i, best = 0;

	for (; s < e; s++) {
		if (*s == '"')
			in ^= 1;
		else if (!in) {
			for (i = 0; i < 4; i++)
				if (*s == cand[i])
					cnt[i]++;
		}
	}
	for (i = 1; i < 4; i++)
		if (cnt[i] > cnt[best])
			best = i;
	return cand[best];
}

/*
 * Learn the columns from the header record [s, e), e at its LF or end.
 * No errors are recoverable here: the caller marks the parser broken.
 */
static enum jmx_code
set_columns(struct jmx_jtl *p, const char *s, const char *e,
    struct jmx_err *err)
{
	const char *why = NULL;
	size_t namelen = 0, len;
	char *w;
	int n, i, c;

	if (e > s && e[-1] == '\r')
		e--;
	if (!p->delim_fixed)
		p->delim = detect_delim(s, e);
	if ((n = split_slow(p, s, e, -1, &why)) < 0)
		return jmx_err_set(err, JMX_ERR_DATA, "header: %s", why);
	fields_reserve(p, n + 1);
	p->ncols = n;
	p->have = 0;
	p->nvars = 0;
	for (c = 0; c < NCOL; c++)
		p->idx[c] = n;
	free(p->var_idx);
	free(p->var_names);
	free(p->var_values);
	free(p->var_store);
	p->var_idx = xreallocarray(NULL, (size_t)n, sizeof *p->var_idx);
	p->var_names = xreallocarray(NULL, (size_t)n, sizeof *p->var_names);
	p->var_values = xreallocarray(NULL, (size_t)n,
	    sizeof *p->var_values);
	for (i = 0; i < n; i++)
		namelen += p->f[i].len;
	p->var_store = w = xmalloc(namelen + 1);
	for (i = 0; i < n; i++) {
		len = p->f[i].len;
		for (c = 0; !p->fq[i] && c < NCOL; c++) {
			if (strlen(colnames[c]) == len &&
			    memcmp(colnames[c], p->f[i].p, len) == 0)
				break;
		}
		if (!p->fq[i] && c < NCOL) {
			if (p->idx[c] == n)
				p->idx[c] = i;
			p->have |= 1U << c;
			continue;
		}
		/* a sample variable: quoted, or a name we do not know */
		memcpy(w, p->f[i].p, len);
		p->var_idx[p->nvars] = i;
		p->var_names[p->nvars].p = w;
		p->var_names[p->nvars].len = len;
		p->nvars++;
		w += len;
	}
	if (!(p->have & JMX_JTL_ELAPSED))
		return jmx_err_set(err, JMX_ERR_DATA,
		    "header has no 'elapsed' column: '%.*s'",
		    (int)(e - s > 200 ? 200 : e - s), s);
	free(p->header);
	p->header = xstrndup(s, (size_t)(e - s));
	p->have_header = 1;

	/* constant parts of every sample */
	memset(&p->s, 0, sizeof p->s);
	p->s.have = p->have;
	p->s.nvars = p->nvars;
	p->s.var_names = p->var_names;
	p->s.var_values = p->var_values;
	p->s.sample_count = 1;
	p->f[n].p = "";
	p->f[n].len = 0;
	return JMX_OK;
}

enum jmx_code
jmx_jtl_set_header(struct jmx_jtl *p, const char *line, size_t len,
    struct jmx_err *err)
{
	const char *e = line + len;
	enum jmx_code rc;

	if (e > line && e[-1] == '\n')
		e--;
	if ((rc = set_columns(p, line, e, err)) != JMX_OK) {
		p->have_header = 0;
		return rc;
	}
	return JMX_OK;
}

/* Record a bad record's error in p->last; returns REC_BAD. */
static int
bad(struct jmx_jtl *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
bad(struct jmx_jtl *p, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	jmx_err_set(&p->last, JMX_ERR_DATA, "line %llu (byte %llu): %s",
	    (unsigned long long)p->line + 1, (unsigned long long)p->offset,
	    what);
	return REC_BAD;
}

/* Shorten a field for a message. */
#define SHOW(sp)	(int)((sp)->len > 64 ? 64 : (sp)->len), (sp)->p

/* An optional numeric column: empty or missing is 0. */
static inline int
num(struct jmx_jtl *p, int c, int64_t *out)
{
	const struct jmx_span *sp = &p->f[p->idx[c]];

	if (sp->len == 0) {
		*out = 0;
		return 0;
	}
	if (parse_int(p, sp->p, sp->len, out) == 0)
		return 0;
	return bad(p, "%s '%.*s' is not a number", colnames[c], SHOW(sp));
}

/* Build the sample from the fields of a record and hand it over. */
static int
deliver(struct jmx_jtl *p, struct jmx_err *err)
{
	const struct jmx_span *f = p->f, *sp;
	const int *ix = p->idx;
	struct jmx_sample *sm = &p->s;
	int i;

	sp = &f[ix[C_TS]];
	if (parse_int(p, sp->p, sp->len, &sm->ts) != 0) {
		if (!(p->have & JMX_JTL_TIMESTAMP))
			sm->ts = 0;
		else if (parse_date(sp->p, sp->len, p->utc_off_ms,
		    &sm->ts) != 0)
			return bad(p, "timeStamp '%.*s' is neither epoch "
			    "milliseconds nor yyyy/MM/dd HH:mm:ss.SSS",
			    SHOW(sp));
	}
	sp = &f[ix[C_ELAPSED]];
	if (parse_int(p, sp->p, sp->len, &sm->elapsed) != 0)
		return bad(p, "elapsed '%.*s' is not a number", SHOW(sp));
	sm->label = f[ix[C_LABEL]];
	sm->response_code = f[ix[C_RCODE]];
	sm->response_message = f[ix[C_RMSG]];
	sm->thread_name = f[ix[C_THREAD]];
	sm->data_type = f[ix[C_DTYPE]];
	sp = &f[ix[C_SUCCESS]];
	if (sp->len == 4 && memcmp(sp->p, "true", 4) == 0)
		sm->success = 1;
	else if (sp->len == 5 && memcmp(sp->p, "false", 5) == 0)
		sm->success = 0;
	else if (!(p->have & JMX_JTL_SUCCESS))
		sm->success = 1;
	else if (sp->len == 4 && strncasecmp(sp->p, "true", 4) == 0)
		sm->success = 1;
	else if (sp->len == 5 && strncasecmp(sp->p, "false", 5) == 0)
		sm->success = 0;
	else
		return bad(p, "success '%.*s' is not true or false",
		    SHOW(sp));
	sm->failure_message = f[ix[C_FMSG]];
	if (num(p, C_BYTES, &sm->bytes) || num(p, C_SENT, &sm->sent_bytes) ||
	    num(p, C_GRP, &sm->grp_threads) ||
	    num(p, C_ALL, &sm->all_threads) ||
	    num(p, C_LATENCY, &sm->latency) || num(p, C_IDLE, &sm->idle) ||
	    num(p, C_CONNECT, &sm->connect))
		return REC_BAD;
	sm->url = f[ix[C_URL]];
	if (sm->url.len == 4 && memcmp(sm->url.p, "null", 4) == 0)
		sm->url.len = 0;
	if (p->have & (JMX_JTL_FILENAME | JMX_JTL_ENCODING | JMX_JTL_HOSTNAME |
	    JMX_JTL_SAMPLECOUNT)) {
		sm->filename = f[ix[C_FILENAME]];
		sm->encoding = f[ix[C_ENCODING]];
		sm->hostname = f[ix[C_HOST]];
		if (p->have & JMX_JTL_SAMPLECOUNT) {
			if (num(p, C_SCOUNT, &sm->sample_count))
				return REC_BAD;
		}
	}
	if (p->have & JMX_JTL_ERRORCOUNT) {
		if (num(p, C_ECOUNT, &sm->error_count))
			return REC_BAD;
	} else
		sm->error_count = !sm->success;
	for (i = 0; i < p->nvars; i++)
		p->var_values[i] = f[p->var_idx[i]];
	sm->line = p->line + 1;
	sm->offset = p->offset;
	if (p->cb != NULL &&
	    (p->cbrc = p->cb(sm, p->arg, err)) != JMX_OK)
		return REC_STOP;
	return REC_OK;
}

/*
 * Consume complete records from buf[0..len).  With eof, the end of buf
 * ends the last record too.  *used gets the bytes consumed; on JMX_OK the
 * rest is one unfinished record whose quote parity is in p->run_q.
 */
static enum jmx_code
run(struct jmx_jtl *p, const char *buf, size_t len, int eof, size_t *used,
    struct jmx_err *err)
{
	const char *s = buf, *end = buf + len, *nl, *next, *e;
	const char *why;
	uint64_t nlines;
	int q, n, r;

	p->lim = end;
	p->run_q = 0;
	while (s < end) {
		if (!p->have_header) {
			if (p->offset == 0 && s == buf && len >= 3 &&
			    memcmp(s, "\xef\xbb\xbf", 3) == 0) {
				s += 3;		/* a UTF-8 BOM */
				p->offset = 3;
				continue;
			}
			q = 0;
			if ((nl = find_end(s, end, &q)) == NULL) {
				if (!eof) {
					p->run_q = q;
					break;
				}
				nl = end;
			}
			next = nl < end ? nl + 1 : end;
			if (*s >= '0' && *s <= '9') {
				/*
				 * Data first (no header name starts with a
				 * digit): no header, JMeter's default columns.
				 */
				char hdr[sizeof default_header];
				size_t i;

				if (!p->delim_fixed)
					p->delim = detect_delim(s, nl);
				for (i = 0; i < sizeof hdr; i++)
					hdr[i] = default_header[i] == ',' ?
					    p->delim : default_header[i];
				if (set_columns(p, hdr, hdr + sizeof hdr - 1,
				    &p->fatal) != JMX_OK)
					goto fatal;
				continue;
			}
			if (set_columns(p, s, nl, &p->fatal) != JMX_OK)
				goto fatal;
			p->offset += (uint64_t)(next - s);
			p->line += count_lf(s, next);
			s = next;
			continue;
		}
		if (*s == '\n' || (*s == '\r' && end - s >= 2 && s[1] == '\n') ||
		    (*s == '\r' && eof && end - s == 1)) {
			/* a blank line */
			next = s + (*s == '\r' ? 2 : 1);
			if (next > end)
				next = end;
			p->offset += (uint64_t)(next - s);
			p->line++;
			s = next;
			continue;
		}
		if ((nl = split_fast(p, s, end)) != NULL) {
			next = nl + 1;
			nlines = 1;
			r = deliver(p, err);
		} else {
			q = 0;
			if ((nl = find_end(s, end, &q)) == NULL) {
				if (!eof) {
					p->run_q = q;
					break;
				}
				if (q) {
					p->truncated++;
					bad(p, "last record cut short in a "
					    "quoted field (%zu bytes dropped)",
					    (size_t)(end - s));
					p->offset += (uint64_t)(end - s);
					p->line += count_lf(s, end);
					s = end;
					if (p->skip_bad)
						continue;
					if (err != NULL)
						*err = p->last;
					*used = len;
					return JMX_ERR_DATA;
				}
				nl = end;
			}
			next = nl < end ? nl + 1 : end;
			nlines = count_lf(s, next);
			e = nl > s && nl[-1] == '\r' ? nl - 1 : nl;
			why = NULL;
			n = split_slow(p, s, e, p->ncols, &why);
			if (n < 0)
				r = bad(p, "%s", why);
			else if (n != p->ncols)
				r = bad(p, "%d fields, the header has %d", n,
				    p->ncols);
			else
				r = deliver(p, err);
		}
		if (r == REC_STOP) {
			*used = (size_t)(s - buf);
			return p->cbrc;
		}
		p->offset += (uint64_t)(next - s);
		p->line += nlines;
		s = next;
		if (r == REC_OK)
			p->records++;
		else {
			p->bad++;
			if (!p->skip_bad) {
				if (err != NULL)
					*err = p->last;
				*used = (size_t)(s - buf);
				return JMX_ERR_DATA;
			}
		}
	}
	*used = (size_t)(s - buf);
	return JMX_OK;

fatal:
	p->broken = 1;
	jmx_err_prefix(&p->fatal, "line %llu (byte %llu)",
	    (unsigned long long)p->line + 1, (unsigned long long)p->offset);
	if (err != NULL)
		*err = p->fatal;
	*used = (size_t)(s - buf);
	return JMX_ERR_DATA;
}

/* Keep data as the (not yet parsed) end of the tail. */
static void
keep(struct jmx_jtl *p, const char *data, size_t len)
{
	jmx_buf_add(&p->tail, data, len);
	p->tail_open = 0;
}

enum jmx_code
jmx_jtl_feed(struct jmx_jtl *p, const void *data, size_t len,
    struct jmx_err *err)
{
	const char *d = data, *nl;
	enum jmx_code rc;
	size_t used, k;
	int q;

	if (p->broken) {
		if (err != NULL)
			*err = p->fatal;
		return JMX_ERR_DATA;
	}
	/* After a stop, the tail may hold complete records: those first. */
	if (p->tail.len > 0 && !p->tail_open) {
		rc = run(p, p->tail.data, p->tail.len, 0, &used, err);
		jmx_buf_consume(&p->tail, used);
		if (rc != JMX_OK) {
			keep(p, d, len);
			return rc;
		}
		p->tail_open = 1;
		p->tail_q = p->run_q;
	}
	if (len == 0)
		return JMX_OK;
	if (p->tail.len > 0) {
		/* Where in the new data does the open record end? */
		q = p->tail_q;
		if ((nl = find_end(d, d + len, &q)) == NULL) {
			jmx_buf_add(&p->tail, d, len);
			p->tail_q = q;
			return JMX_OK;
		}
		k = (size_t)(nl + 1 - d);
		jmx_buf_add(&p->tail, d, k);
		d += k;
		len -= k;
		rc = run(p, p->tail.data, p->tail.len, 0, &used, err);
		jmx_buf_consume(&p->tail, used);
		if (rc != JMX_OK || p->tail.len > 0) {
			/* stopped, or (stray quotes) not at a record end */
			keep(p, d, len);
			if (rc != JMX_OK)
				return rc;
			return jmx_jtl_feed(p, NULL, 0, err);
		}
	}
	rc = run(p, d, len, 0, &used, err);
	if (rc != JMX_OK) {
		keep(p, d + used, len - used);
		return rc;
	}
	if (used < len) {
		jmx_buf_add(&p->tail, d + used, len - used);
		p->tail_open = 1;
		p->tail_q = p->run_q;
	}
	return JMX_OK;
}

enum jmx_code
jmx_jtl_finish(struct jmx_jtl *p, struct jmx_err *err)
{
	enum jmx_code rc;
	size_t used;

	if (p->broken) {
		if (err != NULL)
			*err = p->fatal;
		return JMX_ERR_DATA;
	}
	if (p->tail.len == 0)
		return JMX_OK;
	rc = run(p, p->tail.data, p->tail.len, 1, &used, err);
	jmx_buf_consume(&p->tail, used);
	p->tail_open = 0;
	return rc;
}

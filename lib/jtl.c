/*
 * jtl.c: the streaming JTL parser.
 *
 * Records are split in place: in the caller's buffer when a record lies
 * wholly inside one piece of input, else in the parser's tail buffer,
 * which holds the unfinished record carried over from the previous piece.
 * Nothing is allocated per record.
 *
 * The tokenizer looks at 64 bytes at a time (SSE2 or AVX2 where
 * available, plain C otherwise) and builds three bit masks: delimiters,
 * LFs and quotes.  A prefix XOR of the quote mask gives the bytes inside
 * quotes; delimiters and LFs outside them end fields and records.  So a
 * record ends at the first LF after an even number of quotes - the same
 * rule find_end() uses to find the end of a record carried over between
 * pieces.  Field ends go to one array, as offsets in the buffer, across
 * records and blocks; the same masks count a record's quotes and its LFs
 * inside quotes.  A record is then read for the columns asked for only:
 * quoting undone only in a field that starts with a quote, in a record
 * that has one (in place when the record has no other quote, else into a
 * scratch buffer); the number columns four at a time with AVX2
 * (nums_avx2(), stored four at a time in the sample), else eight digits
 * at a time (SWAR) on little-endian hosts; what the fast ways refuse is
 * read one field at a time, which also makes the errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(JMX_NO_AVX2)
#include <immintrin.h>
#define HAVE_AVX2 1		/* chosen at run time, see run() */
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

/*
 * The column sets a file without a header is recognised by, when the
 * caller gave none (jmx_jtl_set_headerless()): JMeter 5's default
 * columns, and JMeter 2's, told apart by their number of fields.
 */
static const struct implicit {
	const char	*names;
	const char	*what;
} implicit_sets[] = {
	{ "timeStamp,elapsed,label,responseCode,responseMessage,threadName,"
	    "dataType,success,failureMessage,bytes,sentBytes,grpThreads,"
	    "allThreads,URL,Latency,IdleTime,Connect",
	    "JMeter 5's default columns" },
	{ "timeStamp,elapsed,label,responseCode,responseMessage,threadName,"
	    "dataType,success,bytes,Latency",
	    "JMeter 2's default columns" }
};

/* What record() found. */
enum {
	REC_OK,
	REC_BAD,		/* malformed: message in p->last */
	REC_STOP,		/* the callback refused it: code in p->cbrc */
	REC_BLANK		/* an empty line */
};

/* The field index of a column the file does not have. */
#define MISSING		(-2)

/* Lanes of nums_avx2(): 10 number columns, 3 groups of 4. */
#define NLANE		12

struct jmx_jtl {
	jmx_jtl_cb	 cb;
	void		*arg;
	char		 delim;
	int		 delim_fixed;	/* jmx_jtl_set_delimiter() */
	int		 skip_bad;	/* jmx_jtl_set_skip_bad() */
	int64_t		 utc_off_ms;	/* set_utc_offset() */

	int		 have_header;
	char		*header;	/* header line, NUL-terminated */
	int		 ncols;
	int		 idx[NCOL];	/* field per column or MISSING */
	uint32_t	 have;		/* JMX_JTL_* bits */
	uint32_t	 want;		/* jmx_jtl_set_fields() */
	uint32_t	 use;		/* have & want: columns delivered */
	int		 uidx[NCOL];	/* idx, or MISSING when not used */
	int		*wf;		/* used fields, ascending */
	int		 nwf;
	/*
	 * For nums_avx2(), per lane (numcols[], 4 to a group): the field,
	 * -1 if the column is delivered, and the value when it is not.
	 */
	int64_t		 nfield[NLANE];
	int64_t		 nlive[NLANE];
	int64_t		 ndef[NLANE];
	unsigned	 ngrp;		/* bit g: group g is read */
	/*
	 * Its constants, as memory operands: gcc would build each again,
	 * in several instructions, in each group.
	 */
	struct numk {
		int8_t	 c0[32], c9[32];
		int8_t	 c10[32];	/* 10, 1, ... */
		int16_t	 c100[16];	/* 100, 1, ... */
		int16_t	 c10000[16];	/* 10000, 1, ... */
		int64_t	 c10000q[4], c64[4], cm8[4], cbig[4], ones[4];
	}		 numk;
	int		 nvars;
	int		*var_idx;
	struct jmx_span	*var_names;
	struct jmx_span	*var_values;
	char		*var_store;

	int64_t		*pos;		/* field ends (in buf) */
	int64_t		*pos_end;
	struct jmx_span	*hf;		/* fields of the header */
	unsigned char	*hfq;		/* header field i quoted? */
	int		 hfcap;
	char		*esc;		/* fields with "" undone */
	size_t		 esc_cap;
	char		*escw;		/* where the next one goes */
	const char	*lim;		/* end of the buffer split */

	struct jmx_buf	 tail;		/* input not yet consumed */
	int		 tail_open;	/* tail: 1 unfinished record */
	int		 tail_q;	/* its quote parity so far */
	int		 run_q;		/* parity where run() ended */
	/*
	 * A record longer than JMX_JTL_RECORD_MAX: counted as bad when
	 * found, then its bytes are dropped as they come until its end.
	 */
	int		 skipping;
	int		 skip_q;	/* its quote parity so far */
	uint64_t	 skip_bytes;	/* its bytes dropped so far */
	uint64_t	 skip_lines;	/* and their LFs */

	int		 avx2;		/* the CPU has AVX2 */
	uint64_t	 ts_key;	/* 5 first bytes, timeStamp */
	int64_t		 ts_hi;		/* their value * 1e8 */

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
	/*
	 * No header line: the columns assumed (jmx_jtl_set_headerless(), or
	 * recognised), what they are, for messages; NULL with a header.
	 */
	char		*hl_names;
	char		*hl_what;
	int		 hl_force;	/* the file never has a header */
	char		 hl_delim;	/* its delimiter, 0: detect */
	const char	*implicit;
	/*
	 * The message of a record with too many or too few fields, "N
	 * fields, <wpre> <ncols><wpost>": what the columns are.
	 */
	const char	*wpre;
	char		*wpost;
};

static void	plan(struct jmx_jtl *);

/*
 * The number columns read at once (nums_avx2()), handed down to deliver()
 * as a constant so that the AVX2 copy of the parser inlines it and the
 * plain one, which may not, never names it.
 */
typedef int (*nums_fn)(struct jmx_jtl *, const char *, const int64_t *);

/* What nums_fn did not read: the number columns, the timeStamp. */
#define NUMS_BAD	1
#define NUMS_TS		2

/*
 * The number columns but timeStamp in the order of struct jmx_sample,
 * from elapsed: lane k of nums_avx2() is stored at lane(s, k).
 */
static const int numcols[] = {
	C_ELAPSED, C_LATENCY, C_CONNECT, C_BYTES, C_SENT, C_GRP, C_ALL,
	C_IDLE, C_SCOUNT, C_ECOUNT
};
/* Lane k of numcols[] is that many int64_t after elapsed. */
#define LANE_AT(field, k)						\
	_Static_assert(offsetof(struct jmx_sample, field) -		\
	    offsetof(struct jmx_sample, elapsed) == (k) * sizeof(int64_t), \
	    #field " is not lane " #k " of struct jmx_sample")
LANE_AT(latency, 1);
LANE_AT(connect, 2);
LANE_AT(bytes, 3);
LANE_AT(sent_bytes, 4);
LANE_AT(grp_threads, 5);
LANE_AT(all_threads, 6);
LANE_AT(idle, 7);
LANE_AT(sample_count, 8);
LANE_AT(error_count, 9);
#undef LANE_AT

static inline int64_t *
lane(struct jmx_sample *s, int k)
{
	return (int64_t *)(void *)((char *)s +
	    offsetof(struct jmx_sample, elapsed) + 8 * (size_t)k);
}

/* The constants of nums_avx2(). */
static void
numk_init(struct numk *c)
{
	int i;

	for (i = 0; i < 32; i++) {
		c->c0[i] = '0';
		c->c9[i] = 9;
		c->c10[i] = i % 2 == 0 ? 10 : 1;
	}
	for (i = 0; i < 16; i++) {
		c->c100[i] = i % 2 == 0 ? 100 : 1;
		c->c10000[i] = i % 2 == 0 ? 10000 : 1;
	}
	for (i = 0; i < 4; i++) {
		c->c10000q[i] = 10000;
		c->c64[i] = 64;
		c->cm8[i] = -8;
		c->cbig[i] = ~7LL;
		c->ones[i] = -1;
	}
}

/* The callback of a parser given none (counting records): no test each. */
static enum jmx_code
no_cb(const struct jmx_sample *s, void *arg, struct jmx_err *err)
{
	(void)s;
	(void)arg;
	(void)err;
	return JMX_OK;
}

struct jmx_jtl *
jmx_jtl_new(jmx_jtl_cb cb, void *arg)
{
	struct jmx_jtl *p;

	p = xcalloc(1, sizeof *p);
	p->cb = cb != NULL ? cb : no_cb;
	p->arg = arg;
	p->delim = ',';
	p->want = JMX_JTL_ALL;
	numk_init(&p->numk);
#ifdef HAVE_AVX2
	p->avx2 = __builtin_cpu_supports("avx2") &&
	    __builtin_cpu_supports("bmi") &&
	    __builtin_cpu_supports("popcnt");
#endif
	return p;
}

void
jmx_jtl_free(struct jmx_jtl *p)
{
	if (p == NULL)
		return;
	free(p->header);
	free(p->hl_names);
	free(p->hl_what);
	free(p->wpost);
	free(p->var_idx);
	free(p->var_names);
	free(p->var_values);
	free(p->var_store);
	free(p->wf);
	free(p->pos);
	free(p->hf);
	free(p->hfq);
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
jmx_jtl_set_fields(struct jmx_jtl *p, uint32_t mask)
{
	p->want = mask;
	if (p->have_header)
		plan(p);
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
jmx_jtl_set_headerless(struct jmx_jtl *p, const char *names,
    const char *what, char delim, int force)
{
	free(p->hl_names);
	free(p->hl_what);
	p->hl_names = names != NULL ? xstrdup(names) : NULL;
	p->hl_what = names != NULL ? xstrdup(what != NULL ? what :
	    "the columns given") : NULL;
	p->hl_force = names != NULL && force;
	p->hl_delim = names != NULL && delim != '"' && delim != '\n' &&
	    delim != '\r' ? delim : 0;
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
jmx_jtl_count(const char *data, size_t len)
{
	struct jmx_jtl *p = jmx_jtl_new(NULL, NULL);
	uint64_t n;

	jmx_jtl_set_skip_bad(p, 1);
	jmx_jtl_feed(p, data, len, NULL);
	jmx_jtl_finish(p, NULL);
	n = p->records;
	jmx_jtl_free(p);
	return n;
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

/* Room for n bytes (and 8 more, for reading words) in the scratch. */
static void
esc_reserve(struct jmx_jtl *p, size_t n)
{
	if (n + 8 <= p->esc_cap)
		return;
	p->esc_cap = n + 8 + 256;
	free(p->esc);
	p->esc = xmalloc(p->esc_cap);
}

/*
 * Split the header record [s, e) (e at its LF, or the end of input; the
 * CR of a CRLF already off) into p->hf and p->hfq.  Returns the number of
 * fields, or -1 for bad quoting with *why saying what.
 */
static int
split_header(struct jmx_jtl *p, const char *s, const char *e,
    const char **why)
{
	const char *fs = s, *c, *q;
	size_t need = (size_t)(e - s);
	char *w;
	int n = 0, quoted, doubled;
	struct jmx_span sp;

	esc_reserve(p, need);
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
		if (n == p->hfcap) {
			p->hfcap = p->hfcap == 0 ? 32 : p->hfcap * 2;
			p->hf = xreallocarray(p->hf, (size_t)p->hfcap,
			    sizeof *p->hf);
			p->hfq = xrealloc(p->hfq, (size_t)p->hfcap);
		}
		p->hf[n] = sp;
		p->hfq[n] = (unsigned char)quoted;
		n++;
		if (fs >= e)
			break;
		fs++;			/* the delimiter */
	}
	return n;
}

/* Bit i set where byte i of a 64-byte block is the delimiter, LF, '"'. */
struct masks {
	uint64_t	d;
	uint64_t	n;
	uint64_t	q;
};

static inline void
block_masks(const char *b, char delim, struct masks *m)
{
#if defined(__SSE2__)
	const __m128i vd = _mm_set1_epi8(delim);
	const __m128i vn = _mm_set1_epi8('\n'), vq = _mm_set1_epi8('"');
	__m128i x0, x1, x2, x3;

	x0 = _mm_loadu_si128((const void *)b);
	x1 = _mm_loadu_si128((const void *)(b + 16));
	x2 = _mm_loadu_si128((const void *)(b + 32));
	x3 = _mm_loadu_si128((const void *)(b + 48));
#define MM(x, v)	\
	((uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, v)))
#define MASK(v)	\
	(MM(x0, v) | MM(x1, v) << 16 | MM(x2, v) << 32 | MM(x3, v) << 48)
	m->d = MASK(vd);
	m->n = MASK(vn);
	/* most blocks have no quote: one test instead of four masks */
	if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x0, vq),
	    _mm_cmpeq_epi8(x1, vq)), _mm_or_si128(_mm_cmpeq_epi8(x2, vq),
	    _mm_cmpeq_epi8(x3, vq)))) == 0)
		m->q = 0;
	else
		m->q = MASK(vq);
#undef MASK
#undef MM
#else
	int i;

	m->d = m->n = m->q = 0;
	for (i = 0; i < 64; i++) {
		if (b[i] == delim)
			m->d |= 1ULL << i;
		else if (b[i] == '\n')
			m->n |= 1ULL << i;
		else if (b[i] == '"')
			m->q |= 1ULL << i;
	}
#endif
}

#ifdef HAVE_AVX2
/* The same with two 32-byte compares per mask. */
__attribute__((target("avx2,bmi"))) static inline void
block_masks_avx2(const char *b, char delim, struct masks *m)
{
	const __m256i vd = _mm256_set1_epi8(delim);
	const __m256i vn = _mm256_set1_epi8('\n'), vq = _mm256_set1_epi8('"');
	__m256i lo, hi;

	lo = _mm256_loadu_si256((const void *)b);
	hi = _mm256_loadu_si256((const void *)(b + 32));
#define MASK(v) ((uint64_t)(uint32_t)_mm256_movemask_epi8(		\
	_mm256_cmpeq_epi8(lo, v)) | ((uint64_t)(uint32_t)		\
	_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, v)) << 32))
	m->d = MASK(vd);
	m->n = MASK(vn);
	m->q = MASK(vq);
#undef MASK
}
#endif

/* Number of set bits (POPCNT in run_avx2(), else libgcc's or a loop). */
static inline int
popcount64(uint64_t x)
{
#if defined(__GNUC__)
	return __builtin_popcountll(x);
#else
	int n = 0;

	for (; x != 0; x &= x - 1)
		n++;
	return n;
#endif
}

/* Bit i of the result is the XOR of bits 0..i of x: "inside quotes". */
static inline uint64_t
prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

static inline uint64_t
ctz64(uint64_t x)
{
#if defined(__GNUC__)
	return (unsigned)__builtin_ctzll(x);
#else
	uint64_t n = 0;

	while (!(x & 1)) {
		x >>= 1;
		n++;
	}
	return n;
#endif
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

#if defined(__GNUC__)
#define ALWAYS_INLINE	inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE	inline
#endif

/*
 * The integer in [s, s + n); -1 if empty or not a number.  lim is the end
 * of the buffer s is in (NULL: unknown), for reading 8 bytes at once.
 */
static ALWAYS_INLINE int
parse_int(const char *s, size_t n, const char *lim, int64_t *out)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned d0, d1, d2;

	/* Short numbers are the most common: unrolled. */
	switch (n) {
	case 0:
		return -1;
	case 1:
		if ((d0 = u[0] - '0') > 9)
			break;
		*out = d0;
		return 0;
	case 2:
		d0 = u[0] - '0';
		d1 = u[1] - '0';
		if (d0 > 9 || d1 > 9)
			break;
		*out = d0 * 10 + d1;
		return 0;
	case 3:
		d0 = u[0] - '0';
		d1 = u[1] - '0';
		d2 = u[2] - '0';
		if (d0 > 9 || d1 > 9 || d2 > 9)
			break;
		*out = d0 * 100 + d1 * 10 + d2;
		return 0;
	default:
#ifdef SWAR_DIGITS
		if (n <= 8 && lim != NULL && lim - s >= 8) {
			int64_t v;

			if ((v = swar8(s, n)) < 0)
				break;
			*out = v;
			return 0;
		}
		if (n > 8 && n <= 16) {
			int64_t hi, lo;

			if ((hi = swar8(s, n - 8)) < 0 ||
			    (lo = swar8(s + n - 8, 8)) < 0)
				break;
			*out = hi * 100000000 + lo;
			return 0;
		}
#else
		(void)lim;
#endif
		break;
	}
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
 * the zone utc_off_ms east of UTC, as epoch ms.  -1 if it does not have
 * that shape; -2 if it has, but is no date, with *why saying which part
 * is out of range (into why[], at least 32 bytes).
 */
static int
parse_date(const char *s, size_t n, int64_t utc_off_ms, int64_t *out,
    char *why)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, mo, d, h, mi, sec, ms = 0;

	if (n != 19 && n != 23)
		return -1;
	if ((s[4] != '/' && s[4] != '-') || s[7] != s[4] ||
	    (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':')
		return -1;
	if ((y = digits(s, 4)) < 0 || (mo = digits(s + 5, 2)) < 0 ||
	    (d = digits(s + 8, 2)) < 0 || (h = digits(s + 11, 2)) < 0 ||
	    (mi = digits(s + 14, 2)) < 0 || (sec = digits(s + 17, 2)) < 0)
		return -1;
	if (n == 23 && ((s[19] != '.' && s[19] != ',') ||
	    (ms = digits(s + 20, 3)) < 0))
		return -1;
	if (mo < 1 || mo > 12)
		snprintf(why, 32, "month %d", mo);
	else if (d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 &&
	    (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0))))
		snprintf(why, 32, "day %d of month %d", d, mo);
	else if (h > 23)
		snprintf(why, 32, "hour %d", h);
	else if (mi > 59)
		snprintf(why, 32, "minute %d", mi);
	else if (sec > 60)
		snprintf(why, 32, "second %d", sec);
	else {
		*out = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) *
		    60000 + (int64_t)sec * 1000 + ms - utc_off_ms;
		return 0;
	}
	return -2;
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
	char shown[160];
	size_t namelen = 0, len;
	char *w;
	int n, i, c;

	if (e > s && e[-1] == '\r')
		e--;
	if (!p->delim_fixed)
		p->delim = detect_delim(s, e);
	if ((n = split_header(p, s, e, &why)) < 0)
		return jmx_err_set(err, JMX_ERR_DATA, "header: %s", why);
	p->ncols = n;
	p->have = 0;
	p->nvars = 0;
	p->implicit = NULL;
	p->wpre = "the header has";
	free(p->wpost);
	p->wpost = xstrdup("");
	for (c = 0; c < NCOL; c++)
		p->idx[c] = MISSING;
	free(p->var_idx);
	free(p->var_names);
	free(p->var_values);
	free(p->var_store);
	p->var_idx = xreallocarray(NULL, (size_t)n, sizeof *p->var_idx);
	p->var_names = xreallocarray(NULL, (size_t)n, sizeof *p->var_names);
	p->var_values = xreallocarray(NULL, (size_t)n,
	    sizeof *p->var_values);
	for (i = 0; i < n; i++)
		namelen += p->hf[i].len;
	p->var_store = w = xmalloc(namelen + 1);
	for (i = 0; i < n; i++) {
		len = p->hf[i].len;
		for (c = 0; !p->hfq[i] && c < NCOL; c++) {
			if (strlen(colnames[c]) == len &&
			    memcmp(colnames[c], p->hf[i].p, len) == 0)
				break;
		}
		if (!p->hfq[i] && c < NCOL) {
			if (p->idx[c] == MISSING)
				p->idx[c] = i;
			p->have |= 1U << c;
			continue;
		}
		/* a sample variable: quoted, or a name we do not know */
		memcpy(w, p->hf[i].p, len);
		p->var_idx[p->nvars] = i;
		p->var_names[p->nvars].p = w;
		p->var_names[p->nvars].len = len;
		p->nvars++;
		w += len;
	}
	if (!(p->have & JMX_JTL_ELAPSED))
		return jmx_err_set(err, JMX_ERR_DATA,
		    "header has no 'elapsed' column: '%s'",
		    jmx_text_esc(shown, sizeof shown, s, (size_t)(e - s)));
	free(p->header);
	p->header = xstrndup(s, (size_t)(e - s));
	p->have_header = 1;

	/*
	 * Field ends: the record being read has at most n, with the end of
	 * the one before; a block adds up to 64, put_ends() stores up to 8
	 * past them, and the end of input 1.  Room for many records more
	 * makes moving them to the front (pos_compact()) rare.
	 */
	free(p->pos);
	p->pos = xreallocarray(NULL, (size_t)n + 1 + 72 + 4096,
	    sizeof *p->pos);
	p->pos_end = p->pos + n + 1 + 72 + 4096;
	free(p->wf);
	p->wf = xreallocarray(NULL, (size_t)n, sizeof *p->wf);
	plan(p);
	return JMX_OK;
}

/*
 * Decide, from the header and jmx_jtl_set_fields(), what deliver() fills
 * in and which fields unquote() looks at; reset the sample so that the
 * columns not delivered read as absent.
 */
static void
plan(struct jmx_jtl *p)
{
	struct jmx_span *sp[10];
	unsigned char *used;
	size_t k;
	int c, i;

	p->use = p->have & p->want;
	used = xcalloc((size_t)p->ncols, 1);
	for (c = 0; c < NCOL; c++) {
		p->uidx[c] = (p->use & (1U << c)) ? p->idx[c] : MISSING;
		if (p->uidx[c] >= 0)
			used[p->uidx[c]] = 1;
	}
	for (i = 0; (p->want & JMX_JTL_VARS) && i < p->nvars; i++)
		used[p->var_idx[i]] = 1;
	p->nwf = 0;
	for (i = 0; i < p->ncols; i++)
		if (used[i])
			p->wf[p->nwf++] = i;
	free(used);

	/* constant parts of every sample; absent columns as documented */
	memset(&p->s, 0, sizeof p->s);
	p->s.have = p->have;
	p->s.nvars = (p->want & JMX_JTL_VARS) ? p->nvars : 0;
	p->s.var_names = p->var_names;
	p->s.var_values = p->var_values;
	p->s.sample_count = 1;
	p->s.success = 1;
	sp[0] = &p->s.label;
	sp[1] = &p->s.response_code;
	sp[2] = &p->s.response_message;
	sp[3] = &p->s.thread_name;
	sp[4] = &p->s.data_type;
	sp[5] = &p->s.failure_message;
	sp[6] = &p->s.url;
	sp[7] = &p->s.filename;
	sp[8] = &p->s.encoding;
	sp[9] = &p->s.hostname;
	for (k = 0; k < sizeof sp / sizeof sp[0]; k++)
		sp[k]->p = "";

	/* a lane not delivered reads field 0, then its value as reset */
	p->ngrp = 0;
	for (k = 0; k < NLANE; k++) {
		c = k < sizeof numcols / sizeof numcols[0] ? numcols[k] : -1;
		if (c >= 0 && p->uidx[c] >= 0) {
			p->nfield[k] = p->uidx[c];
			p->nlive[k] = -1;
			p->ndef[k] = 0;
			p->ngrp |= 1U << (k / 4);
		} else {
			p->nfield[k] = 0;
			p->nlive[k] = 0;
			p->ndef[k] = c >= 0 ? *lane(&p->s, (int)k) : 0;
		}
	}
}

/* Does field text t (len n) fit column name c of a header? */
static int
fits(const char *name, const char *t, size_t n)
{
	static const char *const nums[] = { "elapsed", "bytes", "sentBytes",
	    "grpThreads", "allThreads", "Latency", "IdleTime", "Connect" };
	char why[32];
	int64_t v;
	size_t i;

	if (strcmp(name, "timeStamp") == 0)
		return parse_int(t, n, NULL, &v) == 0 ||
		    parse_date(t, n, 0, &v, why) != -1;
	if (strcmp(name, "success") == 0)
		return (n == 4 && strncasecmp(t, "true", 4) == 0) ||
		    (n == 5 && strncasecmp(t, "false", 5) == 0);
	for (i = 0; i < sizeof nums / sizeof nums[0]; i++)
		if (strcmp(name, nums[i]) == 0)
			return parse_int(t, n, NULL, &v) == 0 ||
			    (n == 0 && i > 0);
	return 1;
}

/*
 * A file without a header, its first record [s, e): take the columns
 * the caller gave, or the one of implicit_sets[] whose number of fields
 * and kinds of values (numbers, true/false, a time) the record fits.
 */
static enum jmx_code
implicit_columns(struct jmx_jtl *p, const char *s, const char *e)
{
	const struct implicit *im;
	const char *why = NULL, *c, *w;
	char *hdr;
	size_t k;
	int n = -1, i, ok;

	if (e > s && e[-1] == '\r')
		e--;
	if (!p->delim_fixed)
		p->delim = p->hl_names != NULL && p->hl_delim != 0 ?
		    p->hl_delim : detect_delim(s, e);
	if (p->hl_names != NULL) {
		hdr = xstrdup(p->hl_names);
		im = NULL;
	} else {
		n = split_header(p, s, e, &why);
		for (k = 0; k < sizeof implicit_sets / sizeof implicit_sets[0];
		    k++) {
			im = &implicit_sets[k];
			ok = n >= 0;
			for (i = 0, c = im->names; ok && i < n; i++) {
				char name[32];

				w = strchr(c, ',');
				if (w == NULL)
					w = c + strlen(c);
				snprintf(name, sizeof name, "%.*s",
				    (int)(w - c), c);
				ok = fits(name, p->hf[i].p, p->hf[i].len) &&
				    (*w != '\0' || i == n - 1);
				c = *w != '\0' ? w + 1 : w;
			}
			if (ok && *c == '\0')
				break;
		}
		if (k == sizeof implicit_sets / sizeof implicit_sets[0])
			return jmx_err_set(&p->fatal, JMX_ERR_DATA,
			    "no header, and the first record (%d fields) "
			    "fits neither "
			    "JMeter 5's default columns (17) nor JMeter 2's "
			    "(10): give the columns with --properties FILE "
			    "(the jmeter.save.saveservice settings that wrote "
			    "it)", n);
		hdr = xstrdup(im->names);
	}
	for (k = 0; hdr[k] != '\0'; k++)
		if (hdr[k] == ',')
			hdr[k] = p->delim;
	if (set_columns(p, hdr, hdr + k, &p->fatal) != JMX_OK) {
		free(hdr);
		return JMX_ERR_DATA;
	}
	free(hdr);
	p->implicit = im != NULL ? im->what : p->hl_what;
	p->wpre = "not the";
	free(p->wpost);
	xasprintf(&p->wpost, " of %s (the file has no header)", p->implicit);
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

/* A field for a message: control bytes escaped, shortened; uses shown[]. */
#define SHOW(l, s)	jmx_text_esc(shown, sizeof shown, (s), (l))

/*
 * The quoted field [a, z) (a at its opening '"') with the quoting undone,
 * into *sp: in place when the record has no other quote (nq, its number
 * of quotes, is 2), else copied to the scratch at p->escw, which record()
 * made as big as the record.  A quote inside a field that does not start
 * with one is not looked at: it is kept.
 * Returns 0, or -1 for text after the closing quote.
 */
static int
unquote_field(struct jmx_jtl *p, const char *a, const char *z,
    struct jmx_span *sp, int nq)
{
	const char *c;
	char *w;

	if (z - a < 2 || z[-1] != '"')
		return -1;
	a++;
	z--;
	if (nq == 2) {
		sp->p = a;
		sp->len = (size_t)(z - a);
		return 0;
	}
	w = p->escw;
	for (c = a; c < z; c++) {
#ifdef SWAR_DIGITS
		/*
		 * Eight bytes at a time while they can be read: copied
		 * whole, then kept up to the first quote (Mycroft's
		 * zero-byte test, exact for the first).
		 */
		while (p->lim - c >= 8) {
			uint64_t x, m;
			size_t k;

			memcpy(&x, c, 8);
			memcpy(w, &x, 8);
			x ^= 0x2222222222222222ULL;
			m = (x - 0x0101010101010101ULL) & ~x &
			    0x8080808080808080ULL;
			k = m != 0 ? (size_t)ctz64(m) / 8 : 8;
			if (k > (size_t)(z - c))
				k = (size_t)(z - c);
			w += k;
			c += k;
			if (k < 8)
				break;
		}
		if (c == z)
			break;
#endif
		if (*c == '"' && (++c == z || *c != '"'))
			return -1;
		*w++ = *c;
	}
	sp->p = p->escw;
	sp->len = (size_t)(w - p->escw);
	p->escw = w;
	return 0;
}

/*
 * Field i of the record at s, unquoted when the record has quotes and it
 * starts with one.  0, or bad()'s REC_BAD.
 */
static int
field_slow(struct jmx_jtl *p, const char *s, const int64_t *e, int i,
    int hasq, struct jmx_span *sp)
{
	sp->p = s + e[i - 1] + 1;
	sp->len = (size_t)(e[i] - e[i - 1] - 1);
	if (hasq && sp->len > 0 && sp->p[0] == '"' &&
	    unquote_field(p, sp->p, sp->p + sp->len, sp, hasq) != 0)
		return bad(p, "field %d: text after a closing quote", i + 1);
	return REC_OK;
}

/*
 * Column c (timeStamp, success or a number) the slow way, when the fast
 * reading did not take it: quoted, empty (0, but a bad elapsed), a date,
 * "TRUE", or bad.  Success is 1 or 0 in *out.
 */
static int
value_slow(struct jmx_jtl *p, const char *s, const int64_t *e, int hasq,
    int c, int64_t *out)
{
	struct jmx_span sp;
	char shown[80], why[32];
	int r;

	if (field_slow(p, s, e, p->uidx[c], hasq, &sp) != REC_OK)
		return REC_BAD;
	switch (c) {
	case C_TS:
		if (parse_int(sp.p, sp.len, NULL, out) == 0 ||
		    (r = parse_date(sp.p, sp.len, p->utc_off_ms, out,
		    why)) == 0)
			return REC_OK;
		if (r == -2)
			return bad(p, "timeStamp '%s' is not a valid date (%s)",
			    SHOW(sp.len, sp.p), why);
		return bad(p, "timeStamp '%s' is neither epoch milliseconds "
		    "nor yyyy/MM/dd HH:mm:ss.SSS", SHOW(sp.len, sp.p));
	case C_SUCCESS:
		*out = sp.len == 4 && strncasecmp(sp.p, "true", 4) == 0;
		if (*out || (sp.len == 5 && strncasecmp(sp.p, "false", 5) == 0))
			return REC_OK;
		return bad(p, "success '%s' is not true or false",
		    SHOW(sp.len, sp.p));
	default:
		if (sp.len == 0 && c != C_ELAPSED) {
			*out = 0;
			return REC_OK;
		}
		if (parse_int(sp.p, sp.len, NULL, out) == 0)
			return REC_OK;
		return bad(p, "%s '%s' is not a number", colnames[c],
		    SHOW(sp.len, sp.p));
	}
}

/* The success column in field i. */
static ALWAYS_INLINE int
get_success(struct jmx_jtl *p, const char *s, const int64_t *e, int i,
    int hasq)
{
	const char *fp = s + e[i - 1] + 1;
	int64_t fl = e[i] - e[i - 1] - 1;

	if (fl == 4 && memcmp(fp, "true", 4) == 0)
		p->s.success = 1;
	else if (fl == 5 && memcmp(fp, "false", 5) == 0)
		p->s.success = 0;
	else {
		int64_t v = 0;
		int r = value_slow(p, s, e, hasq, C_SUCCESS, &v);

		p->s.success = (int)v;
		return r;
	}
	return REC_OK;
}

#ifdef HAVE_AVX2
/*
 * The number columns of the record at s (p->nfield ...), four at a
 * time: per field the 8 bytes before its end, those before its start
 * made '0', checked to be digits and combined pairwise (Lemire's eight
 * digits, on four lanes), stored in one go in the sample, with the lanes
 * not delivered set to their constant.  Needs 8 bytes before each field
 * end: e[-1] >= 7.  Group k / 4; the result's bad lanes are not zero.
 */
__attribute__((target("avx2"))) static ALWAYS_INLINE __m256i
num_group(struct jmx_jtl *p, const char *s, const int64_t *e, const int k)
{
	const struct numk *c = &p->numk;
#define K(f)	_mm256_loadu_si256((const void *)c->f)
	__m256i ix, end, len, x, live, bad;

	ix = _mm256_loadu_si256((const void *)(p->nfield + k));
	end = _mm256_i64gather_epi64((const long long *)e, ix, 8);
	len = _mm256_sub_epi64(end, _mm256_i64gather_epi64(
	    (const long long *)(e - 1), ix, 8));
	len = _mm256_add_epi64(len, K(ones));
	/* 1 to 8 digits: len - 1 in 0..7 */
	bad = _mm256_and_si256(_mm256_add_epi64(len, K(ones)), K(cbig));
	x = _mm256_i64gather_epi64((const long long *)s,
	    _mm256_add_epi64(end, K(cm8)), 1);
	/* digits as 0..9, the bytes before the field 0 */
	x = _mm256_and_si256(_mm256_sub_epi8(x, K(c0)), _mm256_sllv_epi64(
	    K(ones), _mm256_sub_epi64(K(c64), _mm256_slli_epi64(len, 3))));
	bad = _mm256_or_si256(bad, _mm256_subs_epu8(x, K(c9)));
	x = _mm256_maddubs_epi16(x, K(c10));
	x = _mm256_madd_epi16(x, K(c100));
	x = _mm256_add_epi64(_mm256_mul_epu32(x, K(c10000q)),
	    _mm256_srli_epi64(x, 32));
	live = _mm256_loadu_si256((const void *)(p->nlive + k));
	x = _mm256_blendv_epi8(_mm256_loadu_si256((const void *)
	    (p->ndef + k)), x, live);
	/* stored before the check: if bad, all are read again */
	if (k < 8)
		_mm256_storeu_si256((void *)lane(&p->s, k), x);
	else
		_mm_storeu_si128((void *)lane(&p->s, k),
		    _mm256_castsi256_si128(x));
	return _mm256_and_si256(bad, live);
#undef K
}

/*
 * The groups of number columns with a lane delivered, and the timeStamp.
 * NUMS_BAD unless each number field had 1 to 8 digits, NUMS_TS unless
 * the timeStamp was read: deliver() then reads them one by one, for the
 * same results and the same first error.
 */
__attribute__((target("avx2"))) static ALWAYS_INLINE int
nums_avx2(struct jmx_jtl *p, const char *s, const int64_t *e)
{
	const struct numk *c = &p->numk;
	__m256i bad = _mm256_setzero_si256();
	__m128i x;
	const char *fp;
	uint64_t k;
	int i, r;

	if (p->ngrp & 1)
		bad = num_group(p, s, e, 0);
	if (p->ngrp & 2)
		bad = _mm256_or_si256(bad, num_group(p, s, e, 4));
	if (p->ngrp & 4)
		bad = _mm256_or_si256(bad, num_group(p, s, e, 8));
	r = _mm256_testz_si256(bad, bad) ? 0 : NUMS_BAD;
	if (!(p->use & JMX_JTL_TIMESTAMP))
		return r;
	/*
	 * The timeStamp as deliver() reads it, 13 digits whose first 5
	 * are p->ts_key, but the last 8 on one lane: as digits 0..9, then
	 * combined by pairs, quads, and the two halves.
	 */
	i = p->uidx[C_TS];
	fp = s + e[i - 1] + 1;
	if (e[i] - e[i - 1] != 14)
		return r | NUMS_TS;
	memcpy(&k, fp, 8);
	if ((k & 0xFFFFFFFFFFULL) != p->ts_key)
		return r | NUMS_TS;
	x = _mm_sub_epi8(_mm_loadl_epi64((const void *)(fp + 5)),
	    _mm_loadu_si128((const void *)c->c0));
	if (_mm_cvtsi128_si64(_mm_subs_epu8(x,
	    _mm_loadu_si128((const void *)c->c9))) != 0)
		return r | NUMS_TS;
	x = _mm_maddubs_epi16(x, _mm_loadu_si128((const void *)c->c10));
	x = _mm_madd_epi16(x, _mm_loadu_si128((const void *)c->c100));
	x = _mm_packus_epi32(x, x);
	x = _mm_madd_epi16(x, _mm_loadu_si128((const void *)c->c10000));
	p->s.ts = p->ts_hi + _mm_cvtsi128_si32(x);
	return r;
}
#endif

/*
 * After a bad record with quotes, report instead the first used field
 * with bad quoting, if any: what a reading field by field meets first.
 */
static void
check_quotes(struct jmx_jtl *p, const char *s, const int64_t *e)
{
	struct jmx_span sp;
	int k;

	p->escw = p->esc;
	for (k = 0; k < p->nwf; k++)
		if (field_slow(p, s, e, p->wf[k], 1, &sp) != REC_OK)
			return;
}

/*
 * Build the sample from the fields of the record at s, field i being
 * s + e[i - 1] + 1 .. s + e[i], and hand it over.  Only the columns in
 * p->use are touched; plan() left the others as absent.  Quoting is
 * undone only where a field starts with a quote in a record that has one
 * (hasq: its number of quotes); numbers take the fast way first, and only
 * what it refuses (quoted, empty, bad) goes the slow way.
 */
static ALWAYS_INLINE int
deliver(struct jmx_jtl *p, const char *s, const int64_t *restrict e,
    const int hasq, const nums_fn nums, struct jmx_err *err)
{
	/* restrict: stores to the sample do not change fields or columns */
	const int *restrict ix = p->uidx;
	const char *lim = p->lim, *fp;
	struct jmx_sample *sm = &p->s;
	const uint32_t use = p->use;
	size_t fl;
	int i, r, fast = NUMS_BAD | NUMS_TS;

#define AT(c) do {							\
	i = ix[c];							\
	fp = s + e[i - 1] + 1;						\
	fl = (size_t)(e[i] - e[i - 1] - 1);				\
} while (0)
#define SPAN(c, dst) do {						\
	if (use & (1U << (c))) {					\
		AT(c);							\
		(dst).p = fp;						\
		(dst).len = fl;						\
		if (hasq && fl > 0 && *fp == '"' &&			\
		    unquote_field(p, fp, fp + fl, &(dst), hasq) != 0)	\
			return bad(p, "field %d: text after a closing "	\
			    "quote", i + 1);				\
	}								\
} while (0)
#define NUM(c, dst) do {						\
	if (use & (1U << (c))) {					\
		AT(c);							\
		if (parse_int(fp, fl, lim, &(dst)) != 0 &&		\
		    (r = value_slow(p, s, e, hasq, c, &(dst))) != REC_OK) \
			return r;					\
	}								\
} while (0)

	/* the fast way first, then one field at a time what it did not read */
	if (nums != NULL && e[-1] >= 7)
		fast = nums(p, s, e);
	if ((use & JMX_JTL_TIMESTAMP) && (fast & NUMS_TS)) {
		AT(C_TS);
#ifdef SWAR_DIGITS
		/*
		 * Epoch ms have 13 digits, and the first 5 change once a
		 * day: keep their value and read only the last 8.
		 */
		if (fl == 13) {
			uint64_t k;
			int64_t lo;

			memcpy(&k, fp, 8);
			k &= 0xFFFFFFFFFFULL;
			if (k != p->ts_key && (lo = swar8(fp, 5)) >= 0) {
				p->ts_key = k;
				p->ts_hi = lo * 100000000;
			}
			if (k == p->ts_key && (lo = swar8(fp + 5, 8)) >= 0) {
				sm->ts = p->ts_hi + lo;
				goto ts_done;
			}
		}
#endif
		if (parse_int(fp, fl, lim, &sm->ts) != 0 &&
		    (r = value_slow(p, s, e, hasq, C_TS, &sm->ts)) != REC_OK)
			return r;
	}
#ifdef SWAR_DIGITS
ts_done:
#endif
	if (!(fast & NUMS_BAD)) {
		if ((use & JMX_JTL_SUCCESS) && (r = get_success(p, s, e,
		    ix[C_SUCCESS], hasq)) != REC_OK)
			return r;
	} else {
		/* one by one, in this order for the first error */
		NUM(C_ELAPSED, sm->elapsed);
		/* Only the slow way reads a '-': a negative time is bad. */
		if ((use & JMX_JTL_ELAPSED) && sm->elapsed < 0)
			return bad(p, "elapsed %lld is negative",
			    (long long)sm->elapsed);
		if ((use & JMX_JTL_SUCCESS) && (r = get_success(p, s, e,
		    ix[C_SUCCESS], hasq)) != REC_OK)
			return r;
		NUM(C_BYTES, sm->bytes);
		NUM(C_SENT, sm->sent_bytes);
		NUM(C_GRP, sm->grp_threads);
		NUM(C_ALL, sm->all_threads);
		NUM(C_LATENCY, sm->latency);
		NUM(C_IDLE, sm->idle);
		NUM(C_CONNECT, sm->connect);
		NUM(C_SCOUNT, sm->sample_count);
		NUM(C_ECOUNT, sm->error_count);
	}
	if (!(use & JMX_JTL_ERRORCOUNT))
		sm->error_count = !sm->success;
	SPAN(C_LABEL, sm->label);
	/* the other strings, mostly not asked for by an ingesting caller */
	if (use & (JMX_JTL_RESPONSECODE | JMX_JTL_RESPONSEMESSAGE |
	    JMX_JTL_THREADNAME | JMX_JTL_DATATYPE | JMX_JTL_FAILUREMESSAGE |
	    JMX_JTL_URL | JMX_JTL_FILENAME | JMX_JTL_ENCODING |
	    JMX_JTL_HOSTNAME)) {
		SPAN(C_RCODE, sm->response_code);
		SPAN(C_RMSG, sm->response_message);
		SPAN(C_THREAD, sm->thread_name);
		SPAN(C_DTYPE, sm->data_type);
		SPAN(C_FMSG, sm->failure_message);
		SPAN(C_URL, sm->url);
		if (sm->url.len == 4 && memcmp(sm->url.p, "null", 4) == 0)
			sm->url.len = 0;
		SPAN(C_FILENAME, sm->filename);
		SPAN(C_ENCODING, sm->encoding);
		SPAN(C_HOST, sm->hostname);
	}
	for (i = 0; i < sm->nvars; i++) {
		r = p->var_idx[i];
		p->var_values[i].p = s + e[r - 1] + 1;
		p->var_values[i].len = (size_t)(e[r] - e[r - 1] - 1);
		if (hasq && field_slow(p, s, e, r, hasq, &p->var_values[i]) !=
		    REC_OK)
			return REC_BAD;
	}
	sm->line = p->line + 1;
	sm->offset = p->offset;
	if ((r = p->cb(sm, p->arg, err)) != JMX_OK) {
		p->cbrc = r;
		return REC_STOP;
	}
	return REC_OK;
#undef AT
#undef SPAN
#undef NUM
}

/*
 * Trailing zeros of m, any value for 0 (a store past the last field).
 * With BMI (bmi set: only in run_avx2()) TZCNT alone, else a guard bit
 * keeps ctz defined.  Inline asm as the intrinsic may not be named in a
 * function not targeting BMI.
 */
static ALWAYS_INLINE uint64_t
tz64(uint64_t m, const int bmi)
{
#if defined(HAVE_AVX2)
	if (bmi) {
		uint64_t r;

		__asm__("tzcnt %1, %0" : "=r"(r) : "r"(m) : "cc");
		return r;
	}
#else
	(void)bmi;
#endif
	return ctz64(m | 1ULL << 63);
}

/*
 * Store base + the index of each set bit of m at ep, ascending; returns
 * the new end.  With no branch per field: the first 8 always (a block of
 * ~130-byte records has 8 or 9), then two per turn; the stores past the
 * last bit (at most 8: m may be 0) land in the slack of p->pos.
 */
#define PUT_END(k) do {							\
	ep[k] = base + (int64_t)tz64(m, bmi);				\
	m &= m - 1;							\
} while (0)

static ALWAYS_INLINE int64_t *
put_ends(int64_t *ep, int64_t base, uint64_t m, const int bmi)
{
	int64_t *end = ep + popcount64(m);

	PUT_END(0);
	PUT_END(1);
	PUT_END(2);
	PUT_END(3);
	PUT_END(4);
	PUT_END(5);
	PUT_END(6);
	PUT_END(7);
	for (ep += 8; ep < end; ep += 2) {
		PUT_END(0);
		PUT_END(1);
	}
	return end;
}
#undef PUT_END

/*
 * One record of buf: its n fields end at buf + e[i] (the last at its LF,
 * or at the end of input), e[-1] is the end of the one before; nx more
 * fields were not stored; it holds nq quotes and, inside quotes, nlf
 * LFs.  Delivers it and accounts for it.
 */
static ALWAYS_INLINE int
record(struct jmx_jtl *p, const char *buf, int64_t *e, int n, int nx,
    int nq, int nlf, struct jmx_err *err, const nums_fn nums)
{
	const char *s = buf + e[-1] + 1, *nl = buf + e[n - 1];
	int64_t last = e[n - 1];
	size_t len = (size_t)(last - e[-1]) - (nl == p->lim);
	uint64_t lines;
	int r;

	if (n == 1 && (nl == s || (nl == s + 1 && s[0] == '\r'))) {
		p->offset += len;
		p->line += nl < p->lim;
		return REC_BLANK;
	}
	/* a CR before the LF is no part of the last field */
	if (last - e[n - 2] > 1 && nl[-1] == '\r')
		e[n - 1]--;
	lines = (uint64_t)nlf + (nl < p->lim);
	if (n + nx != p->ncols)
		r = bad(p, "%d fields, %s %d%s", n + nx, p->wpre, p->ncols,
		    p->wpost);
	else if (nq != 0) {
		esc_reserve(p, len);
		p->escw = p->esc;
		if ((r = deliver(p, buf, e, nq, nums, err)) == REC_BAD)
			check_quotes(p, buf, e);
	} else
		r = deliver(p, buf, e, 0, nums, err);
	e[n - 1] = last;	/* the next record starts after it */
	if (r == REC_STOP)
		return r;
	p->offset += len;
	p->line += lines;
	if (r == REC_OK)
		p->records++;
	else
		p->bad++;
	return r;
}

/*
 * Room in p->pos for a block's field ends after those of the record
 * being read, [e, ep) (and e[-1]): move them to the front when the end is
 * near, as they are all that is still needed.
 */
static int64_t *
pos_compact(struct jmx_jtl *p, int64_t **ep, int64_t *e)
{
	size_t n = (size_t)(*ep - e) + 1;

	memmove(p->pos, e - 1, n * sizeof *e);
	*ep = p->pos + n;
	return p->pos + 1;
}

/*
 * Consume complete records from buf[0..len).  With eof, the end of buf
 * ends the last record too.  *used gets the bytes consumed; on JMX_OK the
 * rest is one unfinished record whose quote parity is in p->run_q.  One
 * copy per way of making the block masks (avx2).
 *
 * Each block's field ends (delimiters and LFs outside quotes) go to
 * p->pos as offsets in buf, one after another across records and blocks;
 * a record is then the run of them up to its LF, and the one before it
 * tells where it starts.
 */
static ALWAYS_INLINE enum jmx_code
run_body(struct jmx_jtl *p, const char *buf, size_t len, int eof,
    size_t *used, struct jmx_err *err, const int avx2, const nums_fn nums)
{
	const char *s = buf, *end = buf + len, *nl, *next, *b, *src, *fast;
	char tmp[64];
	struct masks m;
	uint64_t carry = 0, inq, st, lf, below, qr, ql, x;
	int64_t *e, *ep, *bs, k;
	int q, n, nx = 0, r, nq = 0, nlf = 0;

	p->lim = end;
	p->run_q = 0;
	while (!p->have_header && s < end) {
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
				goto out;
			}
			nl = end;
		}
		next = nl < end ? nl + 1 : end;
		if ((*s >= '0' && *s <= '9') || (p->hl_force &&
		    memmem(s, (size_t)(nl - s), "elapsed", 7) == NULL)) {
			/*
			 * Data first (no header name starts with a digit):
			 * no header; the columns given, or recognised.
			 */
			if (implicit_columns(p, s, nl) != JMX_OK)
				goto fatal;
			break;
		}
		if (set_columns(p, s, nl, &p->fatal) != JMX_OK)
			goto fatal;
		p->offset += (uint64_t)(next - s);
		p->line += count_lf(s, next);
		s = next;
	}
	if (!p->have_header)
		goto out;

	e = ep = p->pos + 1;
	e[-1] = s - buf - 1;
	for (b = s, fast = s;; b += 64) {
		src = b;
		if (b >= fast) {
			/*
			 * Blocks before fast are whole, their field ends fit
			 * in p->pos and fast <= end: one test per block for
			 * the three.  Too many fields (none of the record at
			 * e has ended before b): count them, keep no more.
			 */
			if (b >= end)
				break;
			if (ep - e > p->ncols) {
				nx += (int)(ep - e) - p->ncols;
				ep = e + p->ncols;
			}
			if (p->pos_end - ep < 64 + 8)
				e = pos_compact(p, &ep, e);
			k = (end - b) / 64;
			if (k > (p->pos_end - ep - 8) / 64)
				k = (p->pos_end - ep - 8) / 64;
			fast = b + 64 * k;
			if (k == 0) {
				memset(tmp, 0, sizeof tmp);
				memcpy(tmp, b, (size_t)(end - b));
				src = tmp;
			}
		}
#ifdef HAVE_AVX2
		if (avx2)
			block_masks_avx2(src, p->delim, &m);
		else
#endif
			block_masks(src, p->delim, &m);
		inq = m.q != 0 ? prefix_xor(m.q) ^ carry : carry;
		carry = 0 - (inq >> 63);
		st = (m.d | m.n) & ~inq;
		lf = m.n & ~inq;
		qr = m.q;
		ql = m.n & inq;		/* LFs inside quotes */
		bs = ep;
		ep = put_ends(ep, b - buf, st, avx2);
		for (; lf != 0; lf &= lf - 1) {
			/* a record ends at the LF of bit lf & -lf */
			below = lf ^ (lf - 1);
			n = (int)(bs + popcount64(st & below) - e);
			if ((qr | ql) != 0) {
				x = qr & below;
				nq += popcount64(x);
				qr ^= x;
				x = ql & below;
				nlf += popcount64(x);
				ql ^= x;
			}
			r = record(p, buf, e, n, nx, nq, nlf, err, nums);
			nq = nlf = 0;
			nx = 0;
			if (r == REC_STOP) {
				s = buf + e[-1] + 1;
				goto stop;
			}
			e += n;
			if (r == REC_BAD && !p->skip_bad) {
				s = buf + e[-1] + 1;
				goto bad;
			}
		}
		if ((qr | ql) != 0) {
			nq += popcount64(qr);
			nlf += popcount64(ql);
		}
	}
	s = buf + e[-1] + 1;
	if (s < end) {
		if (!eof) {
			p->run_q = (int)(carry & 1);
			goto out;
		}
		if (carry) {
			p->truncated++;
			bad(p, "last record cut short in a quoted field "
			    "(%zu bytes dropped)", (size_t)(end - s));
			p->offset += (uint64_t)(end - s);
			p->line += count_lf(s, end);
			s = end;
			if (p->skip_bad)
				goto out;
			goto bad;
		}
		*ep++ = end - buf;
		r = record(p, buf, e, (int)(ep - e), nx, nq, nlf, err, nums);
		if (r == REC_STOP)
			goto stop;
		s = end;
		if (r == REC_BAD && !p->skip_bad)
			goto bad;
	}
out:
	*used = (size_t)(s - buf);
	return JMX_OK;

stop:
	*used = (size_t)(s - buf);
	return p->cbrc;

bad:
	if (err != NULL)
		*err = p->last;
	*used = (size_t)(s - buf);
	return JMX_ERR_DATA;

fatal:
	p->broken = 1;
	jmx_err_prefix(&p->fatal, "line %llu (byte %llu)",
	    (unsigned long long)p->line + 1, (unsigned long long)p->offset);
	if (err != NULL)
		*err = p->fatal;
	*used = (size_t)(s - buf);
	return JMX_ERR_DATA;
}

static enum jmx_code
run_plain(struct jmx_jtl *p, const char *buf, size_t len, int eof,
    size_t *used, struct jmx_err *err)
{
	return run_body(p, buf, len, eof, used, err, 0, NULL);
}

#ifdef HAVE_AVX2
/*
 * Haswell and later: AVX2 for the masks, BMI1 and POPCNT for the bit
 * loops.
 */
__attribute__((target("avx2,bmi,popcnt"))) static enum jmx_code
run_avx2(struct jmx_jtl *p, const char *buf, size_t len, int eof,
    size_t *used, struct jmx_err *err)
{
	return run_body(p, buf, len, eof, used, err, 1, nums_avx2);
}
#endif

static enum jmx_code
run(struct jmx_jtl *p, const char *buf, size_t len, int eof, size_t *used,
    struct jmx_err *err)
{
#ifdef HAVE_AVX2
	if (p->avx2)
		return run_avx2(p, buf, len, eof, used, err);
#endif
	return run_plain(p, buf, len, eof, used, err);
}

/* Keep data as the (not yet parsed) end of the tail. */
static void
keep(struct jmx_jtl *p, const char *data, size_t len)
{
	jmx_buf_add(&p->tail, data, len);
	p->tail_open = 0;
}

/*
 * Drop the bytes of the record being skipped from data; returns how many
 * were its own (all of len unless its end is there).
 */
static size_t
skip(struct jmx_jtl *p, const char *data, size_t len)
{
	const char *nl;
	size_t k;
	int q = p->skip_q;

	nl = find_end(data, data + len, &q);
	k = nl != NULL ? (size_t)(nl + 1 - data) : len;
	p->skip_bytes += k;
	p->skip_lines += count_lf(data, data + k);
	p->skip_q = q;
	if (nl != NULL) {
		p->offset += p->skip_bytes;
		p->line += p->skip_lines;
		p->skipping = 0;
	}
	return k;
}

/*
 * The record in the tail, going on in data, is longer than the limit:
 * count it as bad and skip it, so memory stays flat however long it is.
 * A header that long is fatal.
 */
static enum jmx_code
too_long(struct jmx_jtl *p, const char *data, size_t len,
    struct jmx_err *err)
{
	size_t k;

	if (!p->have_header) {
		p->broken = 1;
		jmx_err_set(&p->fatal, JMX_ERR_DATA, "line %llu (byte %llu): "
		    "header longer than the limit of %d bytes",
		    (unsigned long long)p->line + 1,
		    (unsigned long long)p->offset, JMX_JTL_RECORD_MAX);
		jmx_buf_reset(&p->tail);
		if (err != NULL)
			*err = p->fatal;
		return JMX_ERR_DATA;
	}
	bad(p, "record longer than the limit of %d bytes",
	    JMX_JTL_RECORD_MAX);
	p->bad++;
	p->skipping = 1;
	p->skip_q = p->tail.len > 0 ? p->tail_q : 0;
	p->skip_bytes = p->tail.len;
	p->skip_lines = count_lf(p->tail.data, p->tail.data + p->tail.len);
	jmx_buf_reset(&p->tail);
	p->tail_open = 0;
	k = skip(p, data, len);
	if (!p->skip_bad) {
		keep(p, data + k, len - k);
		if (err != NULL)
			*err = p->last;
		return JMX_ERR_DATA;
	}
	return jmx_jtl_feed(p, data + k, len - k, err);
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
	/* The tail is empty while a record is skipped. */
	if (p->skipping && len > 0) {
		k = skip(p, d, len);
		d += k;
		len -= k;
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
		nl = find_end(d, d + len, &q);
		k = nl != NULL ? (size_t)(nl + 1 - d) : len;
		if (p->tail_open && p->tail.len + k > JMX_JTL_RECORD_MAX)
			return too_long(p, d, len, err);
		if (nl == NULL) {
			jmx_buf_add(&p->tail, d, len);
			p->tail_q = q;
			return JMX_OK;
		}
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
		if (len - used > JMX_JTL_RECORD_MAX)
			return too_long(p, d + used, len - used, err);
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
	if (p->skipping) {
		/* cut short at the end of input: counted when found */
		p->offset += p->skip_bytes;
		p->line += p->skip_lines;
		p->skipping = 0;
	}
	if (p->tail.len == 0)
		return JMX_OK;
	rc = run(p, p->tail.data, p->tail.len, 1, &used, err);
	jmx_buf_consume(&p->tail, used);
	p->tail_open = 0;
	return rc;
}

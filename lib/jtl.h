/*
 * jtl.h: a streaming parser for JMeter CSV result files (JTL).
 *
 * Feed it bytes as they arrive, in pieces of any size: a piece may end
 * mid-record, mid-quoted-field or between CR and LF.  The parser calls back
 * once per complete record and keeps the unfinished tail for the next
 * piece.  Records are defined as in JMeter's CSVSaveService: a field is
 * quoted only when it holds the delimiter, '"', CR or LF, quotes inside
 * are doubled, so one record may span several physical lines.  A record
 * ends at the first LF outside quotes (an LF after an even number of '"'
 * since the record began); a CR before it is dropped; empty lines are
 * skipped.  A field that starts with '"' must end with one ("text after a
 * closing quote" otherwise); a '"' inside a field that does not start with
 * one is kept as it is.
 *
 * The first record is the header and decides which column is which (any
 * subset, any order; see JMETER.md).  Quoted or unknown header names are
 * sample variables (sample_variables).  When the first record starts with
 * a digit the file has no header: its columns are those given with
 * jmx_jtl_set_headerless(), else JMeter 5's 17 default columns or JMeter
 * 2's 10, whichever the record's fields fit (their number, and numbers,
 * true/false and a time where those columns are); a record fitting
 * neither is a fatal error.  The delimiter is ',' unless set, or seen in
 * the header: the most frequent of ',' '\t' ';' '|' outside quotes.
 *
 * Exactly-once ingestion: jmx_jtl_offset() is the absolute byte offset
 * just past the last record consumed (delivered, skipped as bad, or the
 * header).  A caller commits it with the aggregates the records produced;
 * to resume, a new parser gets the stored header (jmx_jtl_header()) with
 * jmx_jtl_set_header(), the committed offset with jmx_jtl_set_offset(),
 * and is fed the file from that offset.
 */
#ifndef JMX_JTL_H
#define JMX_JTL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct jmx_jtl;

/*
 * The longest record the parser keeps between pieces of input, in bytes
 * with its line end: a longer one is a bad record ("record longer than
 * the limit"), located at its first line and skipped as it comes, so
 * memory stays flat however long it is; a longer header is fatal.  Fed
 * in pieces of at most this size, every longer record is refused; one
 * lying whole inside a bigger piece is read (the caller already holds
 * it, and checking each record would cost the hot path).
 */
#define JMX_JTL_RECORD_MAX	(1 << 20)

/* A byte string inside the parser: not NUL-terminated. */
struct jmx_span {
	const char	*p;
	size_t		 len;
};

/* Bits of jmx_sample.have: which columns the file has. */
#define JMX_JTL_TIMESTAMP	0x000001
#define JMX_JTL_ELAPSED		0x000002
#define JMX_JTL_LABEL		0x000004
#define JMX_JTL_RESPONSECODE	0x000008
#define JMX_JTL_RESPONSEMESSAGE	0x000010
#define JMX_JTL_THREADNAME	0x000020
#define JMX_JTL_DATATYPE	0x000040
#define JMX_JTL_SUCCESS		0x000080
#define JMX_JTL_FAILUREMESSAGE	0x000100
#define JMX_JTL_BYTES		0x000200
#define JMX_JTL_SENTBYTES	0x000400
#define JMX_JTL_GRPTHREADS	0x000800
#define JMX_JTL_ALLTHREADS	0x001000
#define JMX_JTL_URL		0x002000
#define JMX_JTL_FILENAME	0x004000
#define JMX_JTL_LATENCY		0x008000
#define JMX_JTL_ENCODING	0x010000
#define JMX_JTL_SAMPLECOUNT	0x020000
#define JMX_JTL_ERRORCOUNT	0x040000
#define JMX_JTL_HOSTNAME	0x080000
#define JMX_JTL_IDLETIME	0x100000
#define JMX_JTL_CONNECT		0x200000
/* For jmx_jtl_set_fields() only: the sample variables. */
#define JMX_JTL_VARS		0x80000000U
/* Every column and the sample variables (the default). */
#define JMX_JTL_ALL		(0x3FFFFFU | JMX_JTL_VARS)

/*
 * One parsed record, valid only during the callback: its strings point
 * into the parser's or the caller's buffer.  A column the file lacks reads
 * as 0 or an empty string, except success (1), sample_count (1) and
 * error_count (0 on success, else 1, unless the ErrorCount column is
 * there).  An URL written as "null" is empty.
 */
struct jmx_sample {
	int64_t		 ts;		/* timeStamp: start, ms */
	/*
	 * The number columns, contiguous and in this order: the parser
	 * stores them four at a time, jmx_agg_add() sums them so.
	 */
	int64_t		 elapsed;	/* elapsed, ms */
	int64_t		 latency;	/* Latency: to first byte, ms */
	int64_t		 connect;	/* Connect, ms */
	int64_t		 bytes;		/* received */
	int64_t		 sent_bytes;
	int64_t		 grp_threads;	/* active in this group */
	int64_t		 all_threads;	/* active in all groups */
	int64_t		 idle;		/* IdleTime, ms */
	int64_t		 sample_count;	/* SampleCount */
	int64_t		 error_count;	/* ErrorCount */
	int		 success;	/* success: 1 true, 0 false */
	struct jmx_span	 label;
	struct jmx_span	 response_code;
	struct jmx_span	 response_message;
	struct jmx_span	 thread_name;
	struct jmx_span	 data_type;
	struct jmx_span	 failure_message;
	struct jmx_span	 url;
	struct jmx_span	 filename;
	struct jmx_span	 encoding;
	struct jmx_span	 hostname;
	int		 nvars;		/* sample_variables */
	const struct jmx_span *var_names;	/* header names, unquoted */
	const struct jmx_span *var_values;
	uint32_t	 have;		/* JMX_JTL_* columns present */
	uint64_t	 line;		/* physical line it starts on */
	uint64_t	 offset;	/* byte offset of its first byte */
};

/*
 * Called once per record.  Return JMX_OK to go on; anything else stops
 * jmx_jtl_feed(), which returns that code with err as the callback left
 * it.  The record is then not consumed: it and the rest of the input stay
 * buffered, and jmx_jtl_feed(p, NULL, 0, err) delivers it again.
 */
typedef enum jmx_code (*jmx_jtl_cb)(const struct jmx_sample *, void *arg,
    struct jmx_err *);

/* A parser calling cb(sample, arg, err) per record; jmx_jtl_free() it. */
struct jmx_jtl	*jmx_jtl_new(jmx_jtl_cb cb, void *arg);
void		 jmx_jtl_free(struct jmx_jtl *);

/*
 * Deliver only the columns in mask (JMX_JTL_* bits; JMX_JTL_ALL by
 * default).  The others are located, to count fields, but neither parsed
 * nor checked: they read as if the file lacked them, and a bad value in
 * one does not make the record bad.  have still tells what the file has.
 * Asking for less is faster, mostly for quoted records.
 */
void		 jmx_jtl_set_fields(struct jmx_jtl *, uint32_t mask);
/* Use this delimiter instead of detecting it (0: detect, the default). */
void		 jmx_jtl_set_delimiter(struct jmx_jtl *, char);
/*
 * With skip set, a bad record is counted (jmx_jtl_bad()), its error kept
 * for jmx_jtl_last_error(), and parsing goes on.  Without (the default),
 * jmx_jtl_feed() returns JMX_ERR_DATA at the bad record, which is consumed
 * and counted; the rest of the input stays buffered, and feeding again
 * (jmx_jtl_feed(p, NULL, 0, err) or with more data) continues after it.
 */
void		 jmx_jtl_set_skip_bad(struct jmx_jtl *, int);
/*
 * Minutes east of UTC of the JVM that wrote date-pattern timestamps
 * ("yyyy/MM/dd HH:mm:ss.SSS"); 0 (UTC) by default.
 */
void		 jmx_jtl_set_utc_offset(struct jmx_jtl *, int minutes);

/*
 * The columns of a file without a header: names as in a header, joined
 * by ','; the delimiter of such a file (0: detected, or as set with
 * jmx_jtl_set_delimiter(); a file with a header has its own); what names
 * them in messages ("the columns of the properties").  With force,
 * the file has no header: its first record is data even when it does
 * not start with a digit (but not if it names the elapsed column).
 * NULL names: recognise JMeter's defaults.
 */
void		 jmx_jtl_set_headerless(struct jmx_jtl *, const char *names,
		    const char *what, char delim, int force);

/*
 * Give the header instead of reading it from the input (len bytes, a
 * trailing CR/LF is allowed), to parse a file resumed mid-way.
 */
enum jmx_code	 jmx_jtl_set_header(struct jmx_jtl *, const char *line,
		    size_t len, struct jmx_err *);
/* The next byte fed is at this absolute offset of the file. */
void		 jmx_jtl_set_offset(struct jmx_jtl *, uint64_t);
/*
 * Physical lines before that offset, for line numbers in messages; when
 * not set after a resume, lines count from 1 at the resume point.
 */
void		 jmx_jtl_set_line(struct jmx_jtl *, uint64_t);

/*
 * Parse len more bytes (data may be NULL when len is 0).  Returns JMX_OK,
 * JMX_ERR_DATA for a bad header or record (message: "line N (byte B):
 * ..."), or a callback's code.
 */
enum jmx_code	 jmx_jtl_feed(struct jmx_jtl *, const void *data,
		    size_t len, struct jmx_err *);
/*
 * The input is closed: a last record without its LF is accepted if it is
 * complete (quotes balanced) and then parsed like any other; one cut in a
 * quoted field is dropped, counted in jmx_jtl_truncated() and reported as
 * JMX_ERR_DATA (unless skipping bad records).  The offset then covers all
 * bytes fed.
 */
enum jmx_code	 jmx_jtl_finish(struct jmx_jtl *, struct jmx_err *);

/* Offset just past the last consumed record (see above). */
uint64_t	 jmx_jtl_offset(const struct jmx_jtl *);
/* Records delivered to the callback (the header is not one). */
uint64_t	 jmx_jtl_records(const struct jmx_jtl *);
/* Good records in a whole JTL (bad ones skipped): a reconciliation count. */
uint64_t	 jmx_jtl_count(const char *data, size_t len);
/* Bad records consumed (reported or skipped). */
uint64_t	 jmx_jtl_bad(const struct jmx_jtl *);
/* Truncated last records dropped by jmx_jtl_finish(). */
uint64_t	 jmx_jtl_truncated(const struct jmx_jtl *);
/* Physical lines consumed (LFs, the header's included). */
uint64_t	 jmx_jtl_lines(const struct jmx_jtl *);
/* Bytes fed but not yet consumed. */
size_t		 jmx_jtl_pending(const struct jmx_jtl *);
/* The most recent bad-record error (code JMX_OK if none). */
const struct jmx_err *jmx_jtl_last_error(const struct jmx_jtl *);
/* Has the header been read or set? */
int		 jmx_jtl_has_header(const struct jmx_jtl *);
/*
 * The header line as read or set, without CR/LF, NUL-terminated, owned by
 * the parser; NULL before the header.  Store it to resume later.
 */
const char	*jmx_jtl_header(const struct jmx_jtl *);
/* The delimiter in use (0 until the header decided it). */
char		 jmx_jtl_delimiter(const struct jmx_jtl *);
/* Number of columns of the header (0 before). */
int		 jmx_jtl_columns(const struct jmx_jtl *);

#endif

/*
 * util.h: small helpers shared by every module: a growable byte buffer,
 * quoting for the shell, durations, clocks and files.
 */
#ifndef JMX_UTIL_H
#define JMX_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* A growable, always NUL-terminated byte buffer.  Zero-initialise it. */
struct jmx_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	jmx_buf_add(struct jmx_buf *, const void *, size_t);
void	jmx_buf_adds(struct jmx_buf *, const char *);
void	jmx_buf_addc(struct jmx_buf *, char);
void	jmx_buf_addf(struct jmx_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Drop the first n bytes, keeping the rest. */
void	jmx_buf_consume(struct jmx_buf *, size_t);
void	jmx_buf_reset(struct jmx_buf *);
void	jmx_buf_free(struct jmx_buf *);
/* Hand the contents to the caller (never NULL) and empty the buffer. */
char	*jmx_buf_steal(struct jmx_buf *);

/* Append s quoted for a POSIX shell: 'it'\''s'. */
void	jmx_shquote(struct jmx_buf *, const char *);
/*
 * Append "key=value\n" as a line of a Java .properties file, which
 * java.util.Properties reads as ISO-8859-1: separators, comment marks,
 * spaces, backslashes and control characters escaped, every character
 * past U+007E as \uXXXX (two for one past U+FFFF), a byte that is not
 * UTF-8 as \ufffd.  Each side comes back byte for byte.
 */
void	jmx_java_property(struct jmx_buf *, const char *key,
	    const char *value);

/*
 * The character at p (not at its end): returns its length in bytes and
 * sets *code to a control character's code (C0, DEL, C1 U+0080..U+009F),
 * or JMX_UTF8_TEXT for any other character, or JMX_UTF8_BAD for a byte
 * that is not well-formed UTF-8 (overlong, a surrogate, past U+10FFFF,
 * cut short; length 1).
 */
#define JMX_UTF8_TEXT	(-1)
#define JMX_UTF8_BAD	(-2)
int	jmx_utf8_char(const unsigned char *, int *code);
/*
 * Append s for a terminal: control characters (C0, DEL, C1) escaped as
 * \n, \r, \t or \xHH, and bytes that are not UTF-8 as \xHH, so a label
 * cannot break a line or send an escape sequence.  NULL appends nothing.
 * Returns the columns it takes: one per character, an escape its length.
 */
size_t	jmx_text_escape(struct jmx_buf *, const char *);
/* The same for the one character at p; returns its length in bytes. */
int	jmx_text_escape_char(struct jmx_buf *, const unsigned char *p);
/*
 * The same for a message that quotes input: n bytes of src (need not
 * be NUL-terminated) into dst (size bytes, NUL-terminated, cut short
 * with "..." when it does not fit).  Allocates nothing, for error paths.
 * Returns dst.
 */
char	*jmx_text_esc(char *dst, size_t size, const char *src, size_t n);

/*
 * Parse a duration such as "90", "90s", "10m", "1h30m", "250ms" into
 * milliseconds.  A bare number means seconds.  Returns -1 if malformed.
 */
int64_t	jmx_parse_duration_ms(const char *);
/* Format milliseconds as "1h02m03s" / "4m05s" / "12s" into out. */
void	jmx_format_duration(char *, size_t, int64_t);
/* Parse a non-negative integer; -1 if malformed or out of range. */
int64_t	jmx_parse_count(const char *);

/*
 * Wall clock and monotonic clock in milliseconds.  Every wall-clock time
 * the library uses comes from jmx_now_ms(); for tests, JMX_NOW (epoch
 * seconds or RFC 3339 UTC, "2026-12-24T01:45:00Z") sets it.
 */
int64_t	jmx_now_ms(void);
/* Epoch ms of epoch seconds or "YYYY-MM-DDTHH:MM:SS[Z]" (UTC); -1 if bad. */
int64_t	jmx_parse_time_utc(const char *);
int64_t	jmx_mono_ms(void);
/* RFC 3339 UTC time ("2026-11-26T04:52:06Z") of epoch ms, into out. */
void	jmx_format_time(char *, size_t, int64_t);

/*
 * Run argv[0] (searched in PATH) with argv, no shell: env_set's
 * "NAME=VALUE" strings added to its environment and env_unset's names
 * removed (each NULL-terminated, or NULL), in on its stdin (NULL: none),
 * its stdout and stderr appended to out (may be NULL), in a process
 * group of its own that is killed after timeout_s.  *status is its exit
 * status, or 128 + the signal that ended it.  An error only when it
 * could not be run or timed out.
 */
enum jmx_code jmx_spawn(const char *const *argv, const char *const *env_set,
		    const char *const *env_unset, const char *in,
		    struct jmx_buf *out, int timeout_s, int *status,
		    struct jmx_err *);

/* Read a whole file into a NUL-terminated allocation. */
enum jmx_code jmx_read_file(const char *, char **, size_t *, struct jmx_err *);
/* Write a whole file atomically (temp file + rename). */
enum jmx_code jmx_write_file(const char *, const void *, size_t,
		    struct jmx_err *);
/* Write buffer b as file dir/name (as jmx_write_file()), then empty b. */
enum jmx_code jmx_write_buf(const char *dir, const char *name,
		    struct jmx_buf *b, struct jmx_err *);
/* mkdir -p with the given mode for created directories. */
enum jmx_code jmx_mkdirs(const char *, int, struct jmx_err *);
/* rm -rf; missing path is not an error. */
enum jmx_code jmx_remove_tree(const char *, struct jmx_err *);

/*
 * May output to fd be drawn on (colour, a line redrawn in place)?  A
 * terminal, with TERM set, not empty and not "dumb".
 */
int	jmx_term_live(int fd);
/*
 * Does output to fd want colour?  mode is --color: "always", "never" or
 * "auto" (NULL): jmx_term_live(fd), NO_COLOR unset or empty.
 */
int	jmx_want_color(int fd, const char *mode);

#endif

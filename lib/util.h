/*
 * util.h: small helpers shared by every module: a growable byte buffer,
 * quoting for the shell and JSON, durations, clocks and files.
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
/* Append s as a JSON string literal, quotes included. */
void	jmx_json_str(struct jmx_buf *, const char *);
/*
 * n bytes of src made safe to show on a terminal, into dst (size bytes,
 * NUL-terminated, cut short with "..." if it does not fit): CR, LF and
 * tab as \r \n \t, other control bytes and bytes that are not UTF-8 as
 * \xHH.  For messages that quote input.  Returns dst.
 */
char	*jmx_text_esc(char *dst, size_t size, const char *src, size_t n);
/* Append a JSON number; NaN and infinities become null. */
void	jmx_json_num(struct jmx_buf *, double);
/* Append epoch ms as an RFC 3339 UTC string; 0 or less becomes null. */
void	jmx_json_time(struct jmx_buf *, int64_t);

/*
 * Parse a duration such as "90", "90s", "10m", "1h30m", "250ms" into
 * milliseconds.  A bare number means seconds.  Returns -1 if malformed.
 */
int64_t	jmx_parse_duration_ms(const char *);
/* Format milliseconds as "1h02m03s" / "4m05s" / "12s" into out. */
void	jmx_format_duration(char *, size_t, int64_t);
/* Parse a non-negative integer; -1 if malformed or out of range. */
int64_t	jmx_parse_count(const char *);

/* Wall clock and monotonic clock in milliseconds. */
int64_t	jmx_now_ms(void);
int64_t	jmx_mono_ms(void);
/* RFC 3339 UTC time ("2026-11-26T04:52:06Z") of epoch ms, into out. */
void	jmx_format_time(char *, size_t, int64_t);

/* Read a whole file into a NUL-terminated allocation. */
enum jmx_code jmx_read_file(const char *, char **, size_t *, struct jmx_err *);
/* Write a whole file atomically (temp file + rename). */
enum jmx_code jmx_write_file(const char *, const void *, size_t,
		    struct jmx_err *);
/* mkdir -p with the given mode for created directories. */
enum jmx_code jmx_mkdirs(const char *, int, struct jmx_err *);
/* rm -rf; missing path is not an error. */
enum jmx_code jmx_remove_tree(const char *, struct jmx_err *);

/* Does stdout want colour?  --color=auto rules: a tty, TERM not dumb,
 * NO_COLOR unset. */
int	jmx_want_color(int fd, const char *mode);

#endif

/*
 * json.h: the one JSON writer of jmx.  A streaming writer: values go
 * straight into a caller's struct jmx_buf as they are given, with the
 * commas placed by the nesting state, so a document of any size needs
 * no tree in memory.  At the top level values are not separated: write
 * a '\n' after each for JSON Lines.
 *
 *	struct jmx_json w;
 *
 *	jmx_json_init(&w, &buf);
 *	jmx_json_object_begin(&w);
 *	jmx_json_pair_str(&w, "name", name);
 *	jmx_json_key(&w, "values");
 *	jmx_json_array_begin(&w);
 *	jmx_json_int(&w, 1);
 *	jmx_json_array_end(&w);
 *	jmx_json_object_end(&w);
 */
#ifndef JMX_JSON_H
#define JMX_JSON_H

#include <stdint.h>

struct jmx_buf;

/* Deeper nesting is a bug in the caller; it is not checked beyond. */
#define JMX_JSON_DEPTH	32

struct jmx_json {
	struct jmx_buf	*out;		/* borrowed */
	int		 depth;
	int		 after_key;	/* a key was written, not its value */
	unsigned char	 any[JMX_JSON_DEPTH];	/* a value at this level */
};

/* Write into out (borrowed until the last call). */
void	jmx_json_init(struct jmx_json *, struct jmx_buf *out);
void	jmx_json_object_begin(struct jmx_json *);
void	jmx_json_object_end(struct jmx_json *);
void	jmx_json_array_begin(struct jmx_json *);
void	jmx_json_array_end(struct jmx_json *);
/* An object's key; the next value written is its value. */
void	jmx_json_key(struct jmx_json *, const char *);
/* A string, escaped; NULL is null. */
void	jmx_json_string(struct jmx_json *, const char *);
void	jmx_json_int(struct jmx_json *, int64_t);
void	jmx_json_uint(struct jmx_json *, uint64_t);
/* A number; NaN and infinities, which JSON cannot hold, are null. */
void	jmx_json_double(struct jmx_json *, double);
void	jmx_json_bool(struct jmx_json *, int);
void	jmx_json_null(struct jmx_json *);
/* Epoch ms as an RFC 3339 UTC string; 0 or less (unknown) is null. */
void	jmx_json_time(struct jmx_json *, int64_t);

/* A key and its value in one call. */
void	jmx_json_pair_str(struct jmx_json *, const char *, const char *);
void	jmx_json_pair_int(struct jmx_json *, const char *, int64_t);
/* The number, or null when it is not known. */
void	jmx_json_pair_int_or_null(struct jmx_json *, const char *, int64_t,
	    int known);
void	jmx_json_pair_uint(struct jmx_json *, const char *, uint64_t);
void	jmx_json_pair_double(struct jmx_json *, const char *, double);
void	jmx_json_pair_bool(struct jmx_json *, const char *, int);
void	jmx_json_pair_time(struct jmx_json *, const char *, int64_t);

/*
 * Append s as a JSON string literal, quotes included (NULL: null):
 * the writer's escaping, for text that is not built by a writer.
 * Control bytes (C0, DEL, C1) are escaped, other UTF-8 passes through,
 * and a byte that is not UTF-8 becomes U+FFFD, so the result is always
 * valid JSON.
 */
void	jmx_json_str(struct jmx_buf *, const char *);

#endif

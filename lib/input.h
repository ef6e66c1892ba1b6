/*
 * input.h: result files in, whatever their shape.
 *
 * A file may be compressed (gzip, xz or zstd, known by its first bytes,
 * whatever its name: results.jtl.gz ...) and is then read through
 * libarchive's raw format and its filters, as it streams.  What it holds
 * is a CSV result file (jtl.h) or JMeter's XML result format (xmlres.h),
 * known by its first byte that is not white space or a byte order mark:
 * '<' is XML.  Either way, each sample reaches the same callback.
 *
 * How a file without a header was written can come from JMeter's
 * properties (user.properties, jmeter.properties): the
 * jmeter.save.saveservice.* settings give its columns and delimiter
 * (jmx_input_properties()).
 */
#ifndef JMX_INPUT_H
#define JMX_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "jtl.h"

/* Called for each skipped record with its error ("line N: ..."). */
typedef void	(*jmx_input_bad_cb)(const struct jmx_err *, void *arg);

/* How to read result files.  Zero: JMeter's defaults, all columns. */
struct jmx_input_opts {
	uint32_t	 fields;	/* JMX_JTL_* wanted; 0: all */
	char		*columns;	/* headerless CSV columns, ',' joined */
	int		 no_header;	/* print_field_names=false */
	char		 delim;		/* its default_delimiter; 0: detect */
	char		*source;	/* the properties file, for messages */
	jmx_input_bad_cb on_bad;	/* NULL: skipped ones only counted */
	void		*bad_arg;
};

/* What reading a file met. */
struct jmx_input_result {
	int		 xml;		/* the file was XML */
	uint64_t	 records;	/* samples handed over */
	uint64_t	 bad;		/* bad records or samples skipped */
	uint64_t	 truncated;	/* a CSV last record cut short */
	uint64_t	 offset;	/* bytes consumed (decompressed) */
	struct jmx_err	 last;		/* the last skipped one's error */
};

/*
 * Read the result file at path, or the len bytes at data when data is not
 * NULL (path then only names it), calling cb(sample, arg, err) for each
 * sample; bad records are skipped and counted.  Returns JMX_OK,
 * JMX_ERR_IO (cannot open or read, or a corrupt compressed stream),
 * JMX_ERR_DATA (not a result file: a bad header, bad XML; an empty
 * file: "empty, not a JTL file"), or the callback's code.  Messages do
 * not name the file: the caller prefixes it.
 */
enum jmx_code	 jmx_input_load(const char *path, const void *data,
		    size_t len, const struct jmx_input_opts *, jmx_jtl_cb cb,
		    void *arg, struct jmx_input_result *, struct jmx_err *);

/*
 * Read the jmeter.save.saveservice.* settings (and sample_variables) of a
 * Java properties file into opts: the columns, in the order JMeter
 * writes them, the delimiter, whether a header is written.  Settings not
 * in the file keep JMeter's defaults.  JMX_ERR_IO if it cannot be read,
 * JMX_ERR_CONFIG for a value that is not true or false ("line N: ...").
 * jmx_input_opts_free() frees what it set.
 */
enum jmx_code	 jmx_input_properties(const char *path,
		    struct jmx_input_opts *, struct jmx_err *);
void		 jmx_input_opts_free(struct jmx_input_opts *);

#endif

/*
 * xmlres.h: JMeter's XML result files, streamed.
 *
 * A file whose root element is testResults holds one httpSample or sample
 * element per sample, its values in attributes: t (elapsed), lt
 * (latency), ct (connect), it (idle time), ts (start, epoch ms), s
 * (success), lb (label), rc, rm (response code and message), tn (thread
 * name), dt (data type), de (encoding), by, sby (bytes received, sent),
 * ng, na (active threads in the group, in all groups), sc, ec (sample
 * and error count), hn (host name).  A sample may hold sub-samples
 * (embedded resources, a transaction's children): each is a sample of its
 * own, after its parent, as JMeter writes them to a CSV file (which its
 * dashboard reads), down to the same depth (ten levels below a top
 * sample).  The samples are handed over as struct jmx_sample, the same
 * callback as the CSV parser's (jtl.h); line is the element's line.
 *
 * The reader pulls the bytes through a callback and keeps one element at
 * a time (libxml2's xmlReader): memory stays flat however big the file.
 */
#ifndef JMX_XMLRES_H
#define JMX_XMLRES_H

#include <stdint.h>

#include "err.h"
#include "jtl.h"

/* Up to len bytes of the file into buf: how many, 0 at its end, -1. */
typedef int	(*jmx_xmlres_read_fn)(void *ctx, char *buf, int len);

/* What a parse met. */
struct jmx_xmlres_counts {
	uint64_t	 records;	/* samples handed over */
	uint64_t	 bad;		/* skipped: a value that is no number */
	struct jmx_err	 last;		/* the last skipped one's error */
};

/* Called for each skipped sample with its error ("line N: ..."). */
typedef void	(*jmx_xmlres_bad_fn)(const struct jmx_err *, void *arg);

/*
 * Parse a whole file read by rd(ctx, ...), calling cb(sample, arg, err)
 * per sample with the columns in fields (JMX_JTL_* bits) filled, the
 * others as a CSV file without them reads.  A sample with a bad value is
 * skipped and counted, and on_bad (if not NULL) told.  Returns JMX_OK; JMX_ERR_DATA for a file that is
 * not well-formed XML or not a JMeter result file (message "line N:
 * ..."); JMX_ERR_IO when rd failed (err as rd left it, if it set it);
 * or the callback's code, which stops the parse.
 */
enum jmx_code	 jmx_xmlres_parse(jmx_xmlres_read_fn rd, void *ctx,
		    uint32_t fields, jmx_jtl_cb cb, void *arg,
		    jmx_xmlres_bad_fn on_bad, void *bad_arg,
		    struct jmx_xmlres_counts *, struct jmx_err *);

#endif

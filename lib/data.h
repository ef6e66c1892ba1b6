/*
 * data.h: the data files a run ships with its plan, and their slices.
 * A file named by the test case or --data is copied to every agent or,
 * with split, cut into disjoint slices (one per agent of the split, cut
 * again between the takers of a lost one); every CSV Data Set file found
 * beside the plan is copied.  Slices are files in the run directory,
 * named after the file and a tag: run_dir/users.csv.TAG.
 */
#ifndef JMX_DATA_H
#define JMX_DATA_H

#include <stdint.h>

#include "config.h"
#include "err.h"
#include "plan.h"

/* A data file to ship. */
struct jmx_data_file {
	char		*local;		/* its path here, owned */
	char		*name;		/* in the bundle: "data/x.csv" */
	int		 split;		/* data[].split: sliced per agent */
	const struct jmx_plan_csv *csv;	/* the CSV Data Set reading it */
};

/*
 * The data files of a run: test[ntest] (the test case's) and
 * asked[nasked] (--data), then every CSV Data Set file of the plan that
 * exists beside it (resolved against the plan's directory) and is not
 * one of those.  *out is the caller's (jmx_data_files_free); returns
 * how many.
 */
int		jmx_data_collect(const struct jmx_plan *,
		    const struct jmx_data_conf *test, int ntest,
		    const struct jmx_data_conf *asked, int nasked,
		    struct jmx_data_file **out);
void		jmx_data_files_free(struct jmx_data_file *, int n);

/* The slice of d tagged tag in run_dir; caller frees. */
char		*jmx_data_slice_path(const char *run_dir,
		    const struct jmx_data_file *d, const char *tag);

/*
 * Cut every split file of v[n] (the whole file when from is NULL, else
 * its slice from) into nparts slices by weights w, tagged tags[]; stops
 * at the first failure (jmx_data_csv's errors).
 */
enum jmx_code	jmx_data_split(const struct jmx_data_file *v, int n,
		    const char *run_dir, const char *from, int nparts,
		    const double *w, const char *const *tags,
		    struct jmx_err *err);
/*
 * The same for a lost slice's takers, never failing: a file with too
 * few rows to cut gets its whole slice copied to every taker.  Returns 1
 * if that happened (rows are then used twice), else 0.
 */
int		jmx_data_resplit(const struct jmx_data_file *v, int n,
		    const char *run_dir, const char *from, int nparts,
		    const double *w, const char *const *tags);

/* How a CSV Data Set reads its file (see jmx_data_csvfmt). */
struct jmx_data_csvfmt {
	int		 header;	/* line 1 is no data: on every slice */
	int		 quoted;	/* quotedData: "..." may hold EOL */
	char		 delim;		/* field delimiter */
};

/* The format JMeter uses for a plan's CSV Data Set. */
void		jmx_data_csvfmt(struct jmx_data_csvfmt *,
		    const struct jmx_plan_csv *);

/*
 * Cut the data rows of in into nparts files outs[], contiguous and in
 * order, sized by weights (NULL = equal) with the largest-remainder
 * method; concatenated, the slices give every row once.  The header, if
 * any, starts every slice.  Records end at LF, CR or CRLF; with quoted, a
 * quoted field may span lines.  Bytes are copied as they are, so a slice
 * keeps the file's line ends and encoding.  rows[] (may be NULL) gets the
 * row count of each part.  Nothing is written, and JMX_ERR_DATA names the
 * file, when a part would get no row (JMeter would hit end of file at
 * once) or the quoting is broken.
 */
enum jmx_code	jmx_data_csv(const char *in, const struct jmx_data_csvfmt *,
		    int nparts, const double *weights, const char *const *outs,
		    int64_t *rows, struct jmx_err *err);

#endif

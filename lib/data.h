/*
 * data.h: the data files a run ships with its plan, and their slices.
 * A file named by the test case or --data is copied to every agent or,
 * with split, cut into disjoint slices (one per agent of the split, cut
 * again between the takers of a lost one); every CSV Data Set file found
 * beside the plan is copied.  Slices are files in the run directory,
 * named after the file and a tag: run_dir/users.csv.TAG.
 *
 * A split file read by a CSV Data Set is tracked: its slices start each
 * record with the row's number in the file (from 1, the header not
 * counted) in a variable of its own (JMX_DATA_ROW_VAR and the file's
 * index from 1), which JMeter writes into every JTL record
 * (sample_variables).  The rows seen in a segment's JTL are its position
 * (struct jmx_data_pos); the segments that carry its part on (a resume,
 * the takers of a lost one) get the rows after it (jmx_data_continue).
 */
#ifndef JMX_DATA_H
#define JMX_DATA_H

#include <stdint.h>

#include "config.h"
#include "err.h"
#include "jtl.h"
#include "plan.h"

/* The variable of a tracked file's row numbers: "jmx_row_" and k. */
#define JMX_DATA_ROW_VAR	"jmx_row_"

/* A data file to ship. */
struct jmx_data_file {
	char		*local;		/* its path here, owned */
	char		*name;		/* in the bundle: "data/x.csv" */
	int		 split;		/* data[].split: sliced per agent */
	const struct jmx_plan_csv *csv;	/* the CSV Data Set reading it */
	char		*row_var;	/* tracked: its row variable, owned */
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

/*
 * The value of JMeter's sample_variables for a run of v[n]: theirs (the
 * run's own -J sample_variables, may be NULL), then every tracked
 * file's row variable; NULL when nothing is tracked.  Caller frees.
 */
char		*jmx_data_sample_vars(const struct jmx_data_file *v, int n,
		    const char *theirs);

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
 * Where a segment got to in its tracked slices: for the file whose row
 * variable ends in k (1 <= k <= n), the highest row number seen and the
 * row of the latest record (what recycle needs: it goes round).
 */
struct jmx_data_pos {
	int		 n;
	int64_t		*max;		/* 0: none seen */
	int64_t		*last;
	int		 changed;	/* set by _seen when a row moved */
	/*
	 * _seen's cache: the file of each sample variable (0: none), for
	 * the names it was made from (a parser keeps them in place).
	 */
	const struct jmx_span *names;
	const char	*name0;
	int		 nnames;
	int		*file;
};

/* The rows of one JTL record's row variables (its sample variables). */
void		jmx_data_pos_seen(struct jmx_data_pos *,
		    const struct jmx_sample *);
/*
 * Text form, stored with the segment: "k:max:last" for every file seen,
 * space-separated ("1:4210:4207 2:80:80"); "" when none.  Caller frees.
 */
char		*jmx_data_pos_format(const struct jmx_data_pos *);
/* Parse the text form (NULL or "" is none) into an empty pos. */
enum jmx_code	jmx_data_pos_parse(const char *, struct jmx_data_pos *,
		    struct jmx_err *);
void		jmx_data_pos_free(struct jmx_data_pos *);
/* Copy src's rows (not its cache) into dst, which the caller frees. */
void		jmx_data_pos_copy(struct jmx_data_pos *dst,
		    const struct jmx_data_pos *src);

/*
 * Cut what is left of slice from for the segments that carry its part
 * on: a resume (nparts 1) or the takers of a lost one (by weights w),
 * tagged tags[].  A tracked file goes on after its position in pos
 * (NULL: none) and skip rows more (rows in use that no record shows
 * yet): the rows after the highest row seen; with recycle, every row,
 * from the one after the latest seen round to it.  Any other split file
 * is cut whole.  Never fails: a file with rows left, but fewer than
 * nparts, has them copied to every part; returns 1 if that happened
 * (rows are then used twice), else 0.
 */
int		jmx_data_continue(const struct jmx_data_file *v, int n,
		    const char *run_dir, const char *from,
		    const struct jmx_data_pos *pos, int64_t skip, int nparts,
		    const double *w, const char *const *tags);

/* How a CSV Data Set reads its file (see jmx_data_csvfmt). */
struct jmx_data_csvfmt {
	int		 header;	/* line 1 is no data: on every slice */
	int		 quoted;	/* quotedData: "..." may hold EOL */
	char		 delim;		/* field delimiter */
	/*
	 * jmx_data_csv: not NULL, number the data rows (from 1) in a first
	 * column, named so on the header line if there is one.
	 */
	const char	*row_var;
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

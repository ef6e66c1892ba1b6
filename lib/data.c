/*
 * data.c: a run's data files and their slices (see data.h).
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data.h"
#include "split.h"
#include "util.h"
#include "xmalloc.h"

/* The file name of a path. */
static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/* Resolve a CSV Data Set's file name against the plan's directory. */
static char *
csv_local_path(const struct jmx_plan *plan, const char *filename)
{
	char *dir, *p, *slash;

	if (filename[0] == '/')
		return xstrdup(filename);
	dir = xstrdup(plan->path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		p = xstrdup(filename);
	else {
		*slash = '\0';
		xasprintf(&p, "%s/%s", dir, filename);
	}
	free(dir);
	return p;
}

int
jmx_data_collect(const struct jmx_plan *plan,
    const struct jmx_data_conf *test, int ntest,
    const struct jmx_data_conf *asked, int nasked,
    struct jmx_data_file **out)
{
	struct jmx_data_file *v = NULL;
	const struct jmx_data_conf *d;
	struct stat st;
	int i, j, n = 0, found;
	char *local;

	for (i = 0; i < ntest + nasked; i++) {
		d = i < ntest ? &test[i] : &asked[i - ntest];
		v = xreallocarray(v, (size_t)n + 1, sizeof *v);
		memset(&v[n], 0, sizeof v[n]);
		v[n].local = xstrdup(d->file);
		xasprintf(&v[n].name, "data/%s", base_name(d->file));
		v[n].split = d->split;
		n++;
	}
	for (j = 0; j < plan->ncsvs; j++) {
		const struct jmx_plan_csv *c = &plan->csvs[j];

		found = 0;
		for (i = 0; i < n; i++) {
			if (strcmp(base_name(v[i].local),
			    base_name(c->filename)) == 0) {
				v[i].csv = c;
				found = 1;
			}
		}
		if (found)
			continue;
		local = csv_local_path(plan, c->filename);
		if (stat(local, &st) != 0) {
			free(local);
			continue;
		}
		v = xreallocarray(v, (size_t)n + 1, sizeof *v);
		memset(&v[n], 0, sizeof v[n]);
		v[n].local = local;
		xasprintf(&v[n].name, "data/%s", base_name(c->filename));
		v[n].csv = c;
		n++;
	}
	*out = v;
	return n;
}

void
jmx_data_files_free(struct jmx_data_file *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(v[i].local);
		free(v[i].name);
	}
	free(v);
}

char *
jmx_data_slice_path(const char *run_dir, const struct jmx_data_file *d,
    const char *tag)
{
	char *p;

	xasprintf(&p, "%s/%s.%s", run_dir, base_name(d->local), tag);
	return p;
}

/* How JMeter reads a data file. */
static void
data_format(const struct jmx_data_file *d, struct jmx_data_csvfmt *fmt)
{
	if (d->csv != NULL)
		jmx_data_csvfmt(fmt, d->csv);
	else {
		memset(fmt, 0, sizeof *fmt);
		fmt->delim = ',';
	}
}

/*
 * Cut a split data file (the whole file when from is NULL, else slice
 * from) into n slices by weight, named by tags.
 */
static enum jmx_code
cut_data(const char *run_dir, const struct jmx_data_file *d,
    const char *from, int n, const double *w, const char *const *tags,
    struct jmx_err *err)
{
	struct jmx_data_csvfmt fmt;
	char **outs = xcalloc((size_t)n, sizeof *outs), *in;
	enum jmx_code code;
	int i;

	data_format(d, &fmt);
	in = from != NULL ? jmx_data_slice_path(run_dir, d, from) :
	    xstrdup(d->local);
	for (i = 0; i < n; i++)
		outs[i] = jmx_data_slice_path(run_dir, d, tags[i]);
	code = jmx_data_csv(in, &fmt, n, w, (const char *const *)outs, NULL,
	    err);
	for (i = 0; i < n; i++)
		free(outs[i]);
	free(outs);
	free(in);
	return code;
}

enum jmx_code
jmx_data_split(const struct jmx_data_file *v, int n, const char *run_dir,
    const char *from, int nparts, const double *w, const char *const *tags,
    struct jmx_err *err)
{
	enum jmx_code code = JMX_OK;
	int i;

	for (i = 0; i < n && code == JMX_OK; i++)
		if (v[i].split)
			code = cut_data(run_dir, &v[i], from, nparts, w, tags,
			    err);
	return code;
}

int
jmx_data_resplit(const struct jmx_data_file *v, int n, const char *run_dir,
    const char *from, int nparts, const double *w, const char *const *tags)
{
	struct jmx_err err = { 0 };
	int i, j, whole = 0;

	for (j = 0; j < n; j++) {
		if (!v[j].split || cut_data(run_dir, &v[j], from, nparts, w,
		    tags, &err) == JMX_OK)
			continue;
		whole = 1;
		for (i = 0; i < nparts; i++)
			cut_data(run_dir, &v[j], from, 1, w, &tags[i], NULL);
	}
	return whole;
}

/*
 * Why contiguous slices and not round-robin: the per-agent row counts are
 * then exactly the largest-remainder split of the row count (the same
 * rule as threads), every slice keeps the file's order, and a slice is
 * described by two numbers (first row, count) should a failed agent's
 * data have to move.  A file sorted by something that matters (region,
 * account age) gives each agent a different mix; shuffle it first if that
 * is a problem.
 */

void
jmx_data_csvfmt(struct jmx_data_csvfmt *fmt, const struct jmx_plan_csv *c)
{
	fmt->header = c->has_header;
	fmt->quoted = c->quoted;
	if (c->delimiter == NULL || c->delimiter[0] == '\0')
		fmt->delim = ',';
	else if (strcmp(c->delimiter, "\\t") == 0)
		fmt->delim = '\t';
	else
		fmt->delim = c->delimiter[0];
}

enum csv_state { INITIAL, PLAIN, QUOTED, EMBEDDED };

struct csvr {
	FILE		*f;
	const char	*path;
	int		 quoted;
	int		 delim;
	int64_t		 line;		/* physical line being read, from 1 */
};

/*
 * Read one record, copying its bytes (line end included) to out if not
 * NULL.  Returns 1, 0 at end of file, -1 with err set.  The rules are
 * those of JMeter's CSV Data Set: without quotedData a record is a line
 * (BufferedReader.readLine); with it, a quote opens a field only at its
 * start, "" is a quote inside one, and a quote anywhere else is an error.
 */
static int
next_record(struct csvr *r, FILE *out, struct jmx_err *err)
{
	enum csv_state st = INITIAL;
	int64_t opened = 0;
	int c, any = 0, eol;

	for (;;) {
		if ((c = getc(r->f)) == EOF) {
			if (ferror(r->f)) {
				jmx_err_sys(err, JMX_ERR_IO, "data file '%s'",
				    r->path);
				return -1;
			}
			if (r->quoted && st == QUOTED) {
				jmx_err_set(err, JMX_ERR_DATA,
				    "data file '%s': line %lld: quoted field "
				    "has no closing quote", r->path,
				    (long long)opened);
				return -1;
			}
			return any;
		}
		any = 1;
		if (out != NULL)
			putc(c, out);
		eol = c == '\n' || c == '\r';
		if (r->quoted && !eol) {
			switch (st) {
			case INITIAL:
				if (c == '"') {
					st = QUOTED;
					opened = r->line;
				} else if (c != r->delim)
					st = PLAIN;
				break;
			case PLAIN:
				if (c == '"') {
					jmx_err_set(err, JMX_ERR_DATA,
					    "data file '%s': line %lld: quote "
					    "inside an unquoted field", r->path,
					    (long long)r->line);
					return -1;
				}
				if (c == r->delim)
					st = INITIAL;
				break;
			case QUOTED:
				if (c == '"')
					st = EMBEDDED;
				break;
			case EMBEDDED:
				if (c == '"')
					st = QUOTED;
				else if (c == r->delim)
					st = INITIAL;
				else {
					jmx_err_set(err, JMX_ERR_DATA,
					    "data file '%s': line %lld: "
					    "text after a closing quote",
					    r->path, (long long)r->line);
					return -1;
				}
				break;
			}
			continue;
		}
		if (!eol)
			continue;
		if (c == '\r') {
			if ((c = getc(r->f)) == '\n') {
				if (out != NULL)
					putc(c, out);
			} else if (c != EOF)
				ungetc(c, r->f);
		}
		r->line++;
		if (r->quoted && st == QUOTED)
			continue;	/* a line end inside quotes */
		return 1;
	}
}

static void
remove_outputs(const char *const *outs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		unlink(outs[i]);
}

enum jmx_code
jmx_data_csv(const char *in, const struct jmx_data_csvfmt *fmt, int nparts,
    const double *weights, const char *const *outs, int64_t *rows,
    struct jmx_err *err)
{
	struct csvr r;
	FILE *hf, *of;
	char *header = NULL;
	size_t hlen = 0;
	double *w;
	int64_t *count, nrows = 0, k;
	int i, got, nopen = 0;
	enum jmx_code rc = JMX_OK;

	if (nparts < 1)
		return jmx_err_set(err, JMX_ERR_USAGE,
		    "data file '%s': no agents to split for", in);
	w = xcalloc((size_t)nparts, sizeof *w);
	for (i = 0; i < nparts; i++)
		w[i] = weights != NULL ? weights[i] : 1;
	count = xcalloc((size_t)nparts, sizeof *count);
	/* The weights checked before the file is read (nothing to split). */
	if ((rc = jmx_split_weights(w, nparts, 0, count, err)) != JMX_OK) {
		free(count);
		free(w);
		return rc;
	}
	memset(&r, 0, sizeof r);
	r.path = in;
	r.quoted = fmt != NULL && fmt->quoted;
	r.delim = fmt != NULL && fmt->delim != '\0' ? fmt->delim : ',';
	r.line = 1;
	if ((r.f = fopen(in, "rb")) == NULL) {
		rc = jmx_err_sys(err, JMX_ERR_IO, "data file '%s'", in);
		free(w);
		free(count);
		return rc;
	}

	/* Pass 1: keep the header, count the rows. */
	if (fmt != NULL && fmt->header) {
		if ((hf = open_memstream(&header, &hlen)) == NULL) {
			rc = jmx_err_sys(err, JMX_ERR_IO, "memory stream");
			goto out;
		}
		got = next_record(&r, hf, err);
		fclose(hf);
		if (got == -1) {
			rc = err != NULL ? err->code : JMX_ERR_DATA;
			goto out;
		}
	}
	while ((got = next_record(&r, NULL, err)) == 1)
		nrows++;
	if (got == -1) {
		rc = err != NULL ? err->code : JMX_ERR_DATA;
		goto out;
	}
	jmx_split_weights(w, nparts, nrows, count, NULL);
	for (i = 0; i < nparts; i++)
		if (count[i] == 0) {
			rc = jmx_err_set(err, JMX_ERR_DATA,
			    "data file '%s': %lld data row%s cannot be split "
			    "%d ways: part %d would get none and hit end of "
			    "file at once (copy the file instead of splitting "
			    "it, or add rows)", in, (long long)nrows,
			    nrows == 1 ? "" : "s", nparts, i + 1);
			goto out;
		}

	/* Pass 2: copy. */
	rewind(r.f);
	r.line = 1;
	if (fmt != NULL && fmt->header && next_record(&r, NULL, err) == -1) {
		rc = err != NULL ? err->code : JMX_ERR_DATA;
		goto out;
	}
	for (i = 0; i < nparts; i++) {
		if ((of = fopen(outs[i], "wb")) == NULL) {
			rc = jmx_err_sys(err, JMX_ERR_IO, "data slice '%s'",
			    outs[i]);
			goto out;
		}
		nopen = i + 1;
		if (hlen > 0)
			fwrite(header, 1, hlen, of);
		for (k = 0; k < count[i]; k++)
			if (next_record(&r, of, err) != 1) {
				fclose(of);
				rc = jmx_err_set(err, JMX_ERR_DATA,
				    "data file '%s' changed while being split",
				    in);
				goto out;
			}
		got = ferror(of);
		if (fclose(of) != 0 || got) {
			rc = jmx_err_sys(err, JMX_ERR_IO, "data slice '%s'",
			    outs[i]);
			goto out;
		}
	}
	if (rows != NULL)
		memcpy(rows, count, (size_t)nparts * sizeof *rows);
out:
	if (rc != JMX_OK)
		remove_outputs(outs, nopen);
	fclose(r.f);
	free(header);
	free(count);
	free(w);
	return rc;
}

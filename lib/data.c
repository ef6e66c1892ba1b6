/*
 * data.c: a run's data files and their slices (see data.h).
 */
#include <sys/stat.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data.h"
#include "log.h"
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
	for (i = 0; i < n; i++)
		if (v[i].split && v[i].csv != NULL)
			xasprintf(&v[i].row_var, "%s%d", JMX_DATA_ROW_VAR,
			    i + 1);
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
		free(v[i].row_var);
	}
	free(v);
}

char *
jmx_data_sample_vars(const struct jmx_data_file *v, int n, const char *theirs)
{
	struct jmx_buf b = { 0 };
	int i;

	for (i = 0; i < n; i++)
		if (v[i].row_var != NULL)
			jmx_buf_addf(&b, "%s%s", b.len > 0 ? "," : "",
			    v[i].row_var);
	if (b.len == 0)
		return NULL;
	if (theirs != NULL && theirs[strspn(theirs, " \t")] != '\0') {
		char *ours = jmx_buf_steal(&b);

		jmx_buf_addf(&b, "%s,%s", theirs, ours);
		free(ours);
	}
	return jmx_buf_steal(&b);
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
 * Cut file in, a split data file (numbering its rows when number is
 * set) into n slices by weight, named by tags.
 */
static enum jmx_code
cut_file(const char *run_dir, const struct jmx_data_file *d, const char *in,
    int number, int n, const double *w, const char *const *tags,
    struct jmx_err *err)
{
	struct jmx_data_csvfmt fmt;
	char **outs = xcalloc((size_t)n, sizeof *outs);
	enum jmx_code code;
	int i;

	data_format(d, &fmt);
	if (number)
		fmt.row_var = d->row_var;
	for (i = 0; i < n; i++)
		outs[i] = jmx_data_slice_path(run_dir, d, tags[i]);
	code = jmx_data_csv(in, &fmt, n, w, (const char *const *)outs, NULL,
	    err);
	for (i = 0; i < n; i++)
		free(outs[i]);
	free(outs);
	return code;
}

/*
 * Cut a split data file (the whole file when from is NULL, else slice
 * from) into n slices by weight, named by tags.  The first cut numbers
 * a tracked file's rows; later ones keep the numbers.
 */
static enum jmx_code
cut_data(const char *run_dir, const struct jmx_data_file *d,
    const char *from, int n, const double *w, const char *const *tags,
    struct jmx_err *err)
{
	enum jmx_code code;
	char *in;

	in = from != NULL ? jmx_data_slice_path(run_dir, d, from) :
	    xstrdup(d->local);
	code = cut_file(run_dir, d, in, from == NULL, n, w, tags, err);
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
	memset(fmt, 0, sizeof *fmt);
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
	int64_t		 num;		/* the record's leading number; -1 */
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
	int64_t opened = 0, num = 0;
	int c, any = 0, eol, digits = 0, lead = 1;

	r->num = -1;
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
		/* A row number first (a tracked slice): up to a non-digit. */
		if (lead && c >= '0' && c <= '9' && digits < 18) {
			num = num * 10 + (c - '0');
			digits++;
		} else if (lead) {
			lead = 0;
			if (digits > 0 && c == r->delim)
				r->num = num;
		}
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
	int64_t *count, nrows = 0, k, num = 0;
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
		if (hlen > 0 && fmt != NULL && fmt->row_var != NULL)
			fprintf(of, "%s%c", fmt->row_var, r.delim);
		if (hlen > 0)
			fwrite(header, 1, hlen, of);
		for (k = 0; k < count[i]; k++) {
			if (fmt != NULL && fmt->row_var != NULL)
				fprintf(of, "%lld%c", (long long)++num,
				    r.delim);
			if (next_record(&r, of, err) == 1)
				continue;
			fclose(of);
			rc = jmx_err_set(err, JMX_ERR_DATA,
			    "data file '%s' changed while being split", in);
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

/*
 * Open in as a reader of fmt's records, its header (if any) read, and
 * copied to header if not NULL; 0, or -1 with err set.
 */
static int
open_rows(struct csvr *r, const char *in, const struct jmx_data_csvfmt *fmt,
    FILE *header, struct jmx_err *err)
{
	memset(r, 0, sizeof *r);
	r->path = in;
	r->quoted = fmt->quoted;
	r->delim = fmt->delim != '\0' ? fmt->delim : ',';
	r->line = 1;
	if ((r->f = fopen(in, "rb")) == NULL) {
		jmx_err_sys(err, JMX_ERR_IO, "data file '%s'", in);
		return -1;
	}
	if (fmt->header && next_record(r, header, err) == -1) {
		fclose(r->f);
		return -1;
	}
	return 0;
}

/* Copy records [from, to) of an open reader to of; -1 on error. */
static int
copy_rows(struct csvr *r, int64_t from, int64_t to, FILE *of,
    struct jmx_err *err)
{
	int64_t i;

	for (i = 0; i < to; i++)
		if (next_record(r, i >= from ? of : NULL, err) != 1)
			return -1;
	return 0;
}

/*
 * Write the rows of slice in left after row p and skip more to out (see
 * jmx_data_continue); their count in *rows.  Rows are numbered: without
 * rotate they ascend, so what is left starts at the first numbered above
 * p; with it, it is every row, from the one after p round to p.
 */
static enum jmx_code
write_rest(const char *in, const struct jmx_data_csvfmt *fmt, int64_t p,
    int64_t skip, int rotate, const char *out, int64_t *rows,
    struct jmx_err *err)
{
	struct csvr r;
	FILE *of;
	int64_t n = 0, at = -1, first = -1, start;
	int got, bad;

	*rows = 0;
	if (open_rows(&r, in, fmt, NULL, err) != 0)
		return err != NULL ? err->code : JMX_ERR_DATA;
	while ((got = next_record(&r, NULL, err)) == 1) {
		if (r.num == p && at < 0)
			at = n;
		if (r.num > p && first < 0)
			first = n;
		n++;
	}
	fclose(r.f);
	if (got == -1)
		return err != NULL ? err->code : JMX_ERR_DATA;
	if (rotate)
		start = n > 0 ? (at + 1 + skip) % n : 0;
	else
		start = first < 0 || first + skip > n ? n : first + skip;
	if ((of = fopen(out, "wb")) == NULL)
		return jmx_err_sys(err, JMX_ERR_IO, "data slice '%s'", out);
	bad = open_rows(&r, in, fmt, of, err) != 0;
	if (!bad) {
		bad = copy_rows(&r, start, n, of, err) != 0;
		fclose(r.f);
	}
	if (!bad && rotate && start > 0) {
		bad = open_rows(&r, in, fmt, NULL, err) != 0;
		if (!bad) {
			bad = copy_rows(&r, 0, start, of, err) != 0;
			fclose(r.f);
		}
	}
	bad |= ferror(of);
	if (fclose(of) != 0 || bad) {
		unlink(out);
		if (err != NULL && err->code != JMX_OK)
			return err->code;
		return jmx_err_set(err, JMX_ERR_DATA, "data slice '%s' "
		    "changed while being cut", in);
	}
	*rows = rotate ? n : n - start;
	return JMX_OK;
}

/* Copy file in to out as it is; 0 or -1. */
static int
copy_file(const char *in, const char *out)
{
	struct jmx_err err = { 0 };
	size_t len;
	char *data;
	int rc;

	if (jmx_read_file(in, &data, &len, &err) != JMX_OK)
		return -1;
	rc = jmx_write_file(out, data, len, &err) == JMX_OK ? 0 : -1;
	free(data);
	return rc;
}

int
jmx_data_continue(const struct jmx_data_file *v, int n, const char *run_dir,
    const char *from, const struct jmx_data_pos *pos, int64_t skip,
    int nparts, const double *w, const char *const *tags)
{
	struct jmx_data_csvfmt fmt;
	struct jmx_err err = { 0 };
	char *in, *rest, *out;
	int64_t rows, p;
	int i, j, k, whole = 0;

	for (j = 0; j < n; j++) {
		if (!v[j].split)
			continue;
		if (v[j].row_var == NULL) {
			/* Untracked: the whole slice, cut; too few, copied. */
			if (cut_data(run_dir, &v[j], from, nparts, w, tags,
			    &err) == JMX_OK)
				continue;
			whole = 1;
			for (i = 0; i < nparts; i++)
				cut_data(run_dir, &v[j], from, 1, w, &tags[i],
				    NULL);
			continue;
		}
		k = atoi(v[j].row_var + strlen(JMX_DATA_ROW_VAR));
		p = 0;
		if (pos != NULL && k >= 1 && k <= pos->n)
			p = v[j].csv->recycle ? pos->last[k - 1] :
			    pos->max[k - 1];
		data_format(&v[j], &fmt);
		in = jmx_data_slice_path(run_dir, &v[j], from);
		xasprintf(&rest, "%s.rest", in);
		if (write_rest(in, &fmt, p, skip, v[j].csv->recycle, rest,
		    &rows, &err) != JMX_OK) {
			/* Unreadable: every part gets the slice whole. */
			log_warn("%s", err.msg);
			jmx_err_clear(&err);
			whole = 1;
			for (i = 0; i < nparts; i++) {
				out = jmx_data_slice_path(run_dir, &v[j],
				    tags[i]);
				copy_file(in, out);
				free(out);
			}
			free(rest);
			free(in);
			continue;
		}
		log_info("data file '%s': slice %s goes on after row %lld "
		    "(%lld skipped): %lld row%s left", v[j].name, from,
		    (long long)p, (long long)skip, (long long)rows,
		    rows == 1 ? "" : "s");
		/* One part, or rows too few to cut: the rest to each. */
		if (nparts == 1 || rows < nparts) {
			whole |= nparts > 1 && rows > 0;
			for (i = 0; i < nparts; i++) {
				out = jmx_data_slice_path(run_dir, &v[j],
				    tags[i]);
				copy_file(rest, out);
				free(out);
			}
		} else if (cut_file(run_dir, &v[j], rest, 0, nparts, w, tags,
		    &err) != JMX_OK) {
			log_warn("%s", err.msg);
			jmx_err_clear(&err);
		}
		unlink(rest);
		free(rest);
		free(in);
	}
	return whole;
}

/* A file index beyond this is no row variable of ours. */
#define POS_MAX_FILES	1000

/* Make room for file k in pos. */
static void
pos_grow(struct jmx_data_pos *pos, int k)
{
	if (k <= pos->n)
		return;
	pos->max = xreallocarray(pos->max, (size_t)k, sizeof *pos->max);
	pos->last = xreallocarray(pos->last, (size_t)k, sizeof *pos->last);
	memset(&pos->max[pos->n], 0, (size_t)(k - pos->n) * sizeof *pos->max);
	memset(&pos->last[pos->n], 0,
	    (size_t)(k - pos->n) * sizeof *pos->last);
	pos->n = k;
}

/* A decimal number of at most 18 digits, whole span; -1 if not one. */
static int64_t
span_number(const struct jmx_span *sp)
{
	int64_t v = 0;
	size_t i;

	if (sp->len == 0 || sp->len > 18)
		return -1;
	for (i = 0; i < sp->len; i++) {
		if (sp->p[i] < '0' || sp->p[i] > '9')
			return -1;
		v = v * 10 + (sp->p[i] - '0');
	}
	return v;
}

/*
 * Which file each of a JTL's sample variables numbers (0: not a row
 * variable), worked out once per header: a parser keeps its names where
 * they are, so where they are tells when they change.
 */
static void
pos_map(struct jmx_data_pos *pos, const struct jmx_sample *sm)
{
	const size_t plen = sizeof JMX_DATA_ROW_VAR - 1;
	const struct jmx_span *name;
	int64_t k;
	int i;

	pos->names = sm->var_names;
	pos->name0 = sm->var_names[0].p;
	pos->nnames = sm->nvars;
	pos->file = xreallocarray(pos->file, (size_t)sm->nvars,
	    sizeof *pos->file);
	for (i = 0; i < sm->nvars; i++) {
		name = &sm->var_names[i];
		pos->file[i] = 0;
		if (name->len <= plen ||
		    memcmp(name->p, JMX_DATA_ROW_VAR, plen) != 0)
			continue;
		k = span_number(&(struct jmx_span){ name->p + plen,
		    name->len - plen });
		if (k < 1 || k > POS_MAX_FILES)
			continue;
		pos->file[i] = (int)k;
		pos_grow(pos, (int)k);
	}
}

void
jmx_data_pos_seen(struct jmx_data_pos *pos, const struct jmx_sample *sm)
{
	int64_t row;
	int i, k;

	if (sm->nvars == 0)
		return;
	if (sm->var_names != pos->names || sm->nvars != pos->nnames ||
	    sm->var_names[0].p != pos->name0)
		pos_map(pos, sm);
	for (i = 0; i < sm->nvars; i++) {
		if ((k = pos->file[i]) == 0)
			continue;
		/* "null" or "<EOF>" (no row read yet, or none left): skip. */
		if ((row = span_number(&sm->var_values[i])) <= 0)
			continue;
		if (row > pos->max[k - 1])
			pos->max[k - 1] = row;
		if (row != pos->last[k - 1])
			pos->changed = 1;
		pos->last[k - 1] = row;
	}
}

char *
jmx_data_pos_format(const struct jmx_data_pos *pos)
{
	struct jmx_buf b = { 0 };
	int k;

	for (k = 0; k < pos->n; k++)
		if (pos->max[k] > 0)
			jmx_buf_addf(&b, "%s%d:%lld:%lld", b.len > 0 ? " " :
			    "", k + 1, (long long)pos->max[k],
			    (long long)pos->last[k]);
	return jmx_buf_steal(&b);
}

enum jmx_code
jmx_data_pos_parse(const char *text, struct jmx_data_pos *pos,
    struct jmx_err *err)
{
	long long k, max, last;
	const char *p = text;
	int used;

	memset(pos, 0, sizeof *pos);
	while (p != NULL && *p != '\0') {
		if (sscanf(p, "%lld:%lld:%lld%n", &k, &max, &last, &used) !=
		    3 || k < 1 || k > POS_MAX_FILES || max < 1 || last < 1 ||
		    (p[used] != '\0' && p[used] != ' ') || !isdigit(
		    (unsigned char)*p)) {
			jmx_data_pos_free(pos);
			return jmx_err_set(err, JMX_ERR_STATE, "data position "
			    "'%s': not \"file:max:last\" numbers", text);
		}
		pos_grow(pos, (int)k);
		pos->max[k - 1] = max;
		pos->last[k - 1] = last;
		p += used;
		p += strspn(p, " ");
	}
	return JMX_OK;
}

void
jmx_data_pos_copy(struct jmx_data_pos *dst, const struct jmx_data_pos *src)
{
	memset(dst, 0, sizeof *dst);
	pos_grow(dst, src->n);
	if (src->n > 0) {
		memcpy(dst->max, src->max, (size_t)src->n * sizeof *dst->max);
		memcpy(dst->last, src->last, (size_t)src->n *
		    sizeof *dst->last);
	}
}

void
jmx_data_pos_free(struct jmx_data_pos *pos)
{
	if (pos == NULL)
		return;
	free(pos->max);
	free(pos->last);
	free(pos->file);
	memset(pos, 0, sizeof *pos);
}

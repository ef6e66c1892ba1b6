/*
 * render-compare.c: comparisons (compare.h) written as plain text,
 * Markdown, HTML with overlay charts, JSON and JUnit XML.  Tables go
 * through render.c's emitters, so every label is escaped as in reports.
 */
#include <math.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "json.h"
#include "render-compare.h"
#include "render.h"
#include "util.h"
#include "xmalloc.h"

#define NCOLS	9

/* Decimals of each metric's values. */
static const int prec[JMX_CMP_NMETRICS] = { 0, 1, 0, 0, 0, 0, 2, 2 };
static const char *const units[JMX_CMP_NMETRICS] = {
	"", " ms", " ms", " ms", " ms", " ms", "/s", " %"
};

static char *
fmt_num(double v, int decimals, const char *unit, int sign)
{
	char *s;

	if (isnan(v) || isinf(v))
		return xstrdup("-");
	xasprintf(&s, sign ? "%+.*f%s" : "%.*f%s", decimals, v, unit);
	return s;
}

static int
access_ok(const char *path)
{
	return access(path, R_OK) == 0;
}

static char *
fmt_p(double p)
{
	char *s;

	if (isnan(p))
		return xstrdup("-");
	if (p < 0.001)
		return xstrdup("<0.001");
	xasprintf(&s, "%.3f", p);
	return s;
}

static char *
fmt_rule(const struct jmx_compare *c, int k)
{
	const struct jmx_compare_rule *r;
	char *s;

	if (k < 0)
		return xstrdup("");
	r = &c->rules[k];
	xasprintf(&s, "%c%g%s", r->dir > 0 ? '+' : '-', r->limit,
	    r->relative ? "%" : "");
	return s;
}

/* regression, worse, better or same: what a reader looks for. */
static const char *
verdict(const struct jmx_compare *c, const struct jmx_compare_value *v,
    int metric)
{
	int higher_worse = metric != JMX_CMP_THROUGHPUT &&
	    metric != JMX_CMP_SAMPLES;

	if (v->regression)
		return "REGRESSION";
	if (isnan(v->p) || v->p >= c->alpha || v->delta == 0)
		return "same";
	if (metric == JMX_CMP_SAMPLES)
		return "changed";
	return (v->delta > 0) == higher_worse ? "worse" : "better";
}

static void
run_title(struct jmx_buf *b, int64_t run, const char *name,
    const char *state)
{
	if (run > 0)
		jmx_buf_addf(b, "run %lld", (long long)run);
	else
		jmx_buf_adds(b, "files");
	if (name != NULL)
		jmx_buf_addf(b, " (%s", name);
	if (state != NULL && strcmp(state, "completed") != 0)
		jmx_buf_addf(b, "%s%s", name != NULL ? ", " : " (", state);
	if (name != NULL || (state != NULL &&
	    strcmp(state, "completed") != 0))
		jmx_buf_addc(b, ')');
}

static void
table(struct jmx_buf *b, const struct jmx_compare *c,
    enum jmx_render_fmt fmt)
{
	static const char *const heads[NCOLS] = {
		"Label", "Metric", "A", "B", "Delta", "Delta %", "p",
		"Tolerance", "Verdict"
	};
	const struct jmx_compare_row *row;
	const struct jmx_compare_value *v;
	char **cells;
	int *bad, i, m, n = 0;

	cells = xcalloc((size_t)c->nrows * JMX_CMP_NMETRICS * NCOLS,
	    sizeof *cells);
	bad = xcalloc((size_t)c->nrows * JMX_CMP_NMETRICS * NCOLS,
	    sizeof *bad);
	for (i = 0; i < c->nrows; i++) {
		row = &c->rows[i];
		for (m = 0; m < JMX_CMP_NMETRICS; m++) {
			v = &row->m[m];
			cells[n++] = xstrdup(row->label != NULL ? row->label :
			    "TOTAL");
			cells[n++] = xstrdup(jmx_compare_metric_name(
			    (enum jmx_compare_metric)m));
			cells[n++] = fmt_num(v->a, prec[m], units[m], 0);
			cells[n++] = fmt_num(v->b, prec[m], units[m], 0);
			cells[n++] = fmt_num(v->delta, prec[m], units[m], 1);
			cells[n++] = fmt_num(v->rel_pct, 1, " %", 1);
			cells[n++] = fmt_p(v->p);
			cells[n++] = fmt_rule(c, v->rule);
			bad[n] = v->regression;
			cells[n++] = xstrdup(verdict(c, v, m));
		}
	}
	jmx_render_cells(b, fmt, heads, NCOLS, 0x7c,
	    (const char *const *)cells, bad, (size_t)n);
	for (i = 0; i < n; i++)
		free(cells[i]);
	free(cells);
	free(bad);
}

static void
summary_line(struct jmx_buf *b, const struct jmx_compare *c)
{
	const struct jmx_compare_row *row;
	int i, m, first = 1;

	if (c->regressions == 0) {
		jmx_buf_adds(b, "No regression beyond tolerance.");
		return;
	}
	jmx_buf_addf(b, "%d regression%s:", c->regressions,
	    c->regressions == 1 ? "" : "s");
	for (i = 0; i < c->nrows; i++) {
		row = &c->rows[i];
		for (m = 0; m < JMX_CMP_NMETRICS; m++) {
			if (!row->m[m].regression)
				continue;
			jmx_buf_addf(b, "%s %s of %s%s%s %+.1f %%", first ?
			    "" : ",", jmx_compare_metric_name(
			    (enum jmx_compare_metric)m),
			    row->label != NULL ? "'" : "",
			    row->label != NULL ? row->label : "the total",
			    row->label != NULL ? "'" : "", row->m[m].rel_pct);
			first = 0;
		}
	}
}

static void
heading(struct jmx_buf *b, const struct jmx_compare *c)
{
	jmx_buf_adds(b, "B: ");
	run_title(b, c->run_b, c->name_b, c->state_b);
	jmx_buf_adds(b, " against A: ");
	run_title(b, c->run_a, c->name_a, c->state_a);
}

void
jmx_render_compare_text(struct jmx_compare **cs, int n, struct jmx_buf *b)
{
	struct jmx_buf t = { 0 };
	int i;

	for (i = 0; i < n; i++) {
		jmx_buf_adds(b, i ? "\n" : "");
		jmx_buf_reset(&t);
		heading(&t, cs[i]);
		jmx_text_escape(b, t.data);
		jmx_buf_addc(b, '\n');
		table(b, cs[i], JMX_RENDER_TEXT);
		jmx_buf_reset(&t);
		summary_line(&t, cs[i]);
		jmx_text_escape(b, t.data);
		jmx_buf_addc(b, '\n');
	}
	jmx_buf_free(&t);
}

void
jmx_render_compare_markdown(struct jmx_compare **cs, int n,
    struct jmx_buf *b)
{
	struct jmx_buf t = { 0 };
	int i;

	jmx_buf_adds(b, "# Comparison\n\n");
	for (i = 0; i < n; i++) {
		jmx_buf_reset(&t);
		heading(&t, cs[i]);
		jmx_buf_adds(b, "## ");
		jmx_md_escape(b, t.data);
		jmx_buf_adds(b, "\n\n");
		table(b, cs[i], JMX_RENDER_MARKDOWN);
		jmx_buf_reset(&t);
		summary_line(&t, cs[i]);
		jmx_buf_adds(b, cs[i]->regressions ? "\n**" : "\n");
		jmx_md_escape(b, t.data);
		jmx_buf_adds(b, cs[i]->regressions ? "**\n\n" : "\n\n");
	}
	jmx_buf_free(&t);
}

void
jmx_render_compare_html(struct jmx_compare **cs, int n, const char *dir,
    struct jmx_buf *b)
{
	static const char *const charts[][2] = {
		{ "compare-percentiles", "Percentile curves of the total" },
		{ "compare-throughput", "Throughput over time" },
	};
	struct jmx_buf t = { 0 };
	size_t k;
	int i;

	jmx_buf_adds(b, "<!DOCTYPE html>\n<html lang=en><head>"
	    "<meta charset=utf-8><title>Comparison</title><style>");
	jmx_buf_adds(b, jmx_render_css());
	jmx_buf_adds(b, "</style></head><body>\n<h1>Comparison</h1>\n");
	for (i = 0; i < n; i++) {
		jmx_buf_reset(&t);
		heading(&t, cs[i]);
		jmx_buf_adds(b, "<h2>");
		jmx_html_escape(b, t.data);
		jmx_buf_adds(b, "</h2>\n");
		jmx_buf_reset(&t);
		summary_line(&t, cs[i]);
		jmx_buf_adds(b, cs[i]->regressions ? "<p class=bad>" : "<p>");
		jmx_html_escape(b, t.data);
		jmx_buf_adds(b, "</p>\n");
		table(b, cs[i], JMX_RENDER_HTML);
	}
	for (k = 0; dir != NULL && k < sizeof charts / sizeof charts[0];
	    k++) {
		jmx_buf_addf(&t, "%s/%s.png", dir, charts[k][0]);
		if (access_ok(t.data)) {
			jmx_buf_addf(b, "<div class=chart><h3>%s</h3>"
			    "<a href=\"%s.svg\"><img alt=\"%s\" src=\"",
			    charts[k][1], charts[k][0], charts[k][1]);
			jmx_render_png_uri(b, dir, charts[k][0]);
			jmx_buf_adds(b, "\"></a></div>\n");
		}
		jmx_buf_reset(&t);
	}
	jmx_buf_adds(b, "<footer>Regression: a difference beyond the "
	    "tolerance that a statistical test on the stored distributions "
	    "finds real (see jmx-report(1)).</footer>\n</body></html>\n");
	jmx_buf_free(&t);
}

static void
value_json(struct jmx_json *w, const struct jmx_compare *c,
    const struct jmx_compare_value *v, int m)
{
	char *rule;

	jmx_json_object_begin(w);
	jmx_json_pair_double(w, "a", v->a);
	jmx_json_pair_double(w, "b", v->b);
	jmx_json_pair_double(w, "delta", v->delta);
	jmx_json_pair_double(w, "rel_pct", v->rel_pct);
	jmx_json_pair_double(w, "p", v->p);
	rule = fmt_rule(c, v->rule);
	jmx_json_pair_str(w, "tolerance", *rule != '\0' ? rule : NULL);
	free(rule);
	jmx_json_pair_str(w, "verdict", verdict(c, v, m));
	jmx_json_pair_bool(w, "regression", v->regression);
	jmx_json_object_end(w);
}

void
jmx_render_compare_json(struct jmx_compare **cs, int n, struct jmx_buf *b)
{
	const struct jmx_compare_row *row;
	struct jmx_json w;
	int i, k, m, total = 0;

	jmx_json_init(&w, b);
	jmx_json_object_begin(&w);
	jmx_json_key(&w, "comparisons");
	jmx_json_array_begin(&w);
	for (i = 0; i < n; i++) {
		total += cs[i]->regressions;
		jmx_json_object_begin(&w);
		jmx_json_pair_int_or_null(&w, "a", cs[i]->run_a,
		    cs[i]->run_a > 0);
		jmx_json_pair_str(&w, "a_state", cs[i]->state_a);
		jmx_json_pair_int_or_null(&w, "b", cs[i]->run_b,
		    cs[i]->run_b > 0);
		jmx_json_pair_str(&w, "b_state", cs[i]->state_b);
		jmx_json_pair_str(&w, "test_case", cs[i]->name_b);
		jmx_json_pair_double(&w, "alpha", cs[i]->alpha);
		jmx_json_pair_int(&w, "regressions", cs[i]->regressions);
		jmx_json_key(&w, "rows");
		jmx_json_array_begin(&w);
		for (k = 0; k < cs[i]->nrows; k++) {
			row = &cs[i]->rows[k];
			jmx_json_object_begin(&w);
			jmx_json_pair_str(&w, "label", row->label);
			jmx_json_pair_bool(&w, "total", row->label == NULL);
			jmx_json_pair_double(&w, "mann_whitney_p", row->mw_p);
			jmx_json_pair_double(&w, "ks_p", row->ks_p);
			jmx_json_pair_double(&w, "ks_d", row->ks_d);
			jmx_json_pair_double(&w, "cliffs_delta", row->cliff);
			jmx_json_pair_int(&w, "regressions",
			    row->regressions);
			jmx_json_key(&w, "metrics");
			jmx_json_object_begin(&w);
			for (m = 0; m < JMX_CMP_NMETRICS; m++) {
				jmx_json_key(&w, jmx_compare_metric_name(
				    (enum jmx_compare_metric)m));
				value_json(&w, cs[i], &row->m[m], m);
			}
			jmx_json_object_end(&w);
			jmx_json_object_end(&w);
		}
		jmx_json_array_end(&w);
		jmx_json_object_end(&w);
	}
	jmx_json_array_end(&w);
	jmx_json_pair_int(&w, "regressions", total);
	jmx_json_object_end(&w);
	jmx_buf_addc(b, '\n');
}

/* One test case per (label, metric with a rule) of each comparison. */
void
jmx_render_compare_junit(struct jmx_compare **cs, int n, struct jmx_buf *b)
{
	const struct jmx_compare_row *row;
	const struct jmx_compare_value *v;
	struct jmx_buf t = { 0 };
	int i, k, m, tests, total = 0, ntests = 0;
	char *rule;

	for (i = 0; i < n; i++) {
		total += cs[i]->regressions;
		for (k = 0; k < cs[i]->nrows; k++)
			for (m = 0; m < JMX_CMP_NMETRICS; m++)
				ntests += cs[i]->rows[k].m[m].rule >= 0;
	}
	jmx_buf_addf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites name=\"jmx-report compare\" tests=\"%d\" "
	    "failures=\"%d\">\n", ntests, total);
	for (i = 0; i < n; i++) {
		tests = 0;
		for (k = 0; k < cs[i]->nrows; k++)
			for (m = 0; m < JMX_CMP_NMETRICS; m++)
				tests += cs[i]->rows[k].m[m].rule >= 0;
		jmx_buf_reset(&t);
		heading(&t, cs[i]);
		jmx_buf_adds(b, "<testsuite name=\"");
		jmx_html_escape(b, t.data);
		jmx_buf_addf(b, "\" tests=\"%d\" failures=\"%d\">\n", tests,
		    cs[i]->regressions);
		for (k = 0; k < cs[i]->nrows; k++) {
			row = &cs[i]->rows[k];
			for (m = 0; m < JMX_CMP_NMETRICS; m++) {
				v = &row->m[m];
				if (v->rule < 0)
					continue;
				jmx_buf_addf(b, "<testcase classname=\""
				    "compare.run%lld\" name=\"",
				    (long long)cs[i]->run_b);
				jmx_html_escape(b, row->label != NULL ?
				    row->label : "TOTAL");
				jmx_buf_addf(b, " %s\"",
				    jmx_compare_metric_name(
				    (enum jmx_compare_metric)m));
				if (!v->regression) {
					jmx_buf_adds(b, "/>\n");
					continue;
				}
				rule = fmt_rule(cs[i], v->rule);
				jmx_buf_reset(&t);
				jmx_buf_addf(&t, "%s of '%s' moved %+.1f %% "
				    "(%.*f to %.*f), beyond %s; p %s",
				    jmx_compare_metric_name(
				    (enum jmx_compare_metric)m),
				    row->label != NULL ? row->label : "TOTAL",
				    v->rel_pct, prec[m], v->a, prec[m], v->b,
				    rule, v->p < 0.001 ? "< 0.001" : "");
				if (v->p >= 0.001)
					jmx_buf_addf(&t, "%.3f", v->p);
				jmx_buf_adds(b, "><failure type=\"regression\" "
				    "message=\"");
				jmx_html_escape(b, t.data);
				jmx_buf_adds(b, "\"/></testcase>\n");
				free(rule);
			}
		}
		jmx_buf_adds(b, "</testsuite>\n");
	}
	jmx_buf_adds(b, "</testsuites>\n");
	jmx_buf_free(&t);
}

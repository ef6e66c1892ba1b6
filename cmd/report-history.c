/*
 * report-history.c: jmx-report history, compare, baseline and trend.
 * The statistics are the library's (history, compare, trend); this file
 * chooses runs, prints and writes files.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "cli.h"
#include "compare.h"
#include "history.h"
#include "json.h"
#include "render-compare.h"
#include "render.h"
#include "report-history.h"
#include "report.h"
#include "store.h"
#include "trend.h"
#include "util.h"
#include "xmalloc.h"

/* --since: YYYY-MM-DD[THH:MM[:SS]][Z] in UTC, or a duration ago (7d). */
static int
parse_since(const char *s, int64_t *ms)
{
	struct tm tm;
	const char *end;
	int64_t d;

	/* A duration takes days too ("7d"). */
	if ((d = jmx_parse_duration_ms(s)) >= 0) {
		*ms = jmx_now_ms() - d;
		return 0;
	}
	memset(&tm, 0, sizeof tm);
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL)
		return -1;
	if (*end == 'T' || *end == ' ') {
		if ((end = strptime(end + 1, "%H:%M", &tm)) == NULL)
			return -1;
		if (*end == ':' && (end = strptime(end + 1, "%S", &tm)) ==
		    NULL)
			return -1;
	}
	if (*end == 'Z')
		end++;
	if (*end != '\0')
		return -1;
	*ms = (int64_t)timegm(&tm) * 1000;
	return 0;
}

static int
open_ro(struct cli *c)
{
	struct jmx_err err;

	if (cli_load_config(c, &err) != JMX_OK ||
	    cli_open_store_ro(c, &err) != JMX_OK)
		return cli_fail(c, &err);
	return -1;
}

/*
 * history and trend keep a final run's figures once computed (history.h):
 * the store read-write when it can be, else read-only as other readers.
 */
static int
open_rw_or_ro(struct cli *c)
{
	struct jmx_err err;

	if (cli_load_config(c, &err) != JMX_OK)
		return cli_fail(c, &err);
	if (cli_open_store(c, &err) == JMX_OK)
		return -1;
	c->store = NULL;
	if (cli_open_store_ro(c, &err) != JMX_OK)
		return cli_fail(c, &err);
	return -1;
}

static const char *
verdict_name(int v)
{
	return v < 0 ? NULL : v ? "pass" : "fail";
}

/* The baselines of every test case, read once for a listing. */
struct bases {
	char	**cases;
	int64_t	 *runs;
	int	  n;
};

static int
is_baseline(const struct bases *b, const struct jmx_history_run *h)
{
	int i;

	for (i = 0; i < b->n; i++)
		if (b->runs[i] == h->id)
			return 1;
	return 0;
}

static void
bases_free(struct bases *b)
{
	int i;

	for (i = 0; i < b->n; i++)
		free(b->cases[i]);
	free(b->cases);
	free(b->runs);
}

static void
history_json(const struct bases *bs, struct jmx_history_run *h, int n,
    struct jmx_buf *b)
{
	struct jmx_json w;
	int i;

	jmx_json_init(&w, b);
	jmx_json_object_begin(&w);
	jmx_json_key(&w, "runs");
	jmx_json_array_begin(&w);
	for (i = 0; i < n; i++) {
		jmx_json_object_begin(&w);
		jmx_json_pair_int(&w, "run_id", h[i].id);
		jmx_json_pair_str(&w, "test_case", h[i].test_case);
		if (h[i].start_ms > 0)
			jmx_json_pair_time(&w, "start", h[i].start_ms);
		else
			jmx_json_pair_str(&w, "start", NULL);
		jmx_json_pair_int_or_null(&w, "duration_ms",
		    h[i].duration_ms, h[i].duration_ms > 0);
		jmx_json_pair_str(&w, "state", h[i].state);
		jmx_json_pair_bool(&w, "imported", h[i].imported);
		jmx_json_pair_bool(&w, "baseline", is_baseline(bs, &h[i]));
		jmx_json_pair_int(&w, "agents", h[i].agents);
		jmx_json_pair_uint(&w, "samples", h[i].samples);
		jmx_json_pair_double(&w, "throughput", h[i].throughput);
		jmx_json_pair_double(&w, "p95", h[i].p95);
		jmx_json_pair_double(&w, "error_pct", h[i].error_pct);
		jmx_json_pair_str(&w, "verdict", verdict_name(h[i].verdict));
		jmx_json_object_end(&w);
	}
	jmx_json_array_end(&w);
	jmx_json_object_end(&w);
	jmx_buf_addc(b, '\n');
}

#define HCOLS	11

static void
history_text(const struct bases *bs, struct jmx_history_run *h, int n,
    struct jmx_buf *b)
{
	static const char *const heads[HCOLS] = {
		"Run", "Test case", "Start", "Duration", "State", "Agents",
		"Samples", "Throughput", "p95", "Error %", "Verdict"
	};
	char **cells, t[64];
	int *bad, i, k = 0;

	cells = xcalloc((size_t)n * HCOLS + 1, sizeof *cells);
	bad = xcalloc((size_t)n * HCOLS + 1, sizeof *bad);
	for (i = 0; i < n; i++) {
		xasprintf(&cells[k++], "%lld%s", (long long)h[i].id,
		    is_baseline(bs, &h[i]) ? "*" : "");
		cells[k++] = xstrdup(h[i].test_case);
		if (h[i].start_ms > 0)
			jmx_format_time(t, sizeof t, h[i].start_ms);
		else
			strcpy(t, "-");
		cells[k++] = xstrdup(t);
		if (h[i].duration_ms > 0)
			jmx_format_duration(t, sizeof t, h[i].duration_ms);
		else
			strcpy(t, "-");
		cells[k++] = xstrdup(t);
		bad[k] = !h[i].usable;
		xasprintf(&cells[k++], "%s%s", h[i].state, h[i].imported ?
		    " (imported)" : "");
		xasprintf(&cells[k++], "%d", h[i].agents);
		xasprintf(&cells[k++], "%llu",
		    (unsigned long long)h[i].samples);
		xasprintf(&cells[k++], "%.2f/s", h[i].throughput);
		if (isnan(h[i].p95))
			cells[k++] = xstrdup("-");
		else
			xasprintf(&cells[k++], "%.0f ms", h[i].p95);
		if (isnan(h[i].error_pct))
			cells[k++] = xstrdup("-");
		else
			xasprintf(&cells[k++], "%.2f %%", h[i].error_pct);
		bad[k] = h[i].verdict == 0;
		cells[k++] = xstrdup(h[i].verdict < 0 ? "-" :
		    verdict_name(h[i].verdict));
	}
	jmx_render_cells(b, JMX_RENDER_TEXT, heads, HCOLS, 0x3e0,
	    (const char *const *)cells, bad, (size_t)k);
	for (i = 0; i < k; i++)
		free(cells[i]);
	free(cells);
	free(bad);
}

int
cmd_history(struct cli *c, const struct hist_opts *o, char **args, int n)
{
	struct jmx_history_query q;
	struct jmx_history_run *h = NULL;
	struct jmx_buf b = { 0 };
	struct bases bs = { NULL, NULL, 0 };
	struct jmx_err err;
	enum jmx_run_state st;
	int nh = 0, rc;

	(void)args;
	if (n > 0)
		return cli_usage(c, "history: unexpected argument '%s'",
		    args[0]);
	memset(&q, 0, sizeof q);
	q.test_case = o->test_case;
	q.state = o->state;
	q.limit = o->limit;
	q.metric = JMX_CMP_P95;
	if (o->state != NULL && jmx_run_state_parse(o->state, &st) != 0)
		return cli_usage(c, "--state takes a run state such as "
		    "completed, partial, stopped or failed, not '%s'",
		    o->state);
	if (o->since != NULL && parse_since(o->since, &q.since_ms) != 0)
		return cli_usage(c, "--since takes a date (2026-11-26, "
		    "2026-11-26T08:00Z) or an age (7d, 12h), not '%s'",
		    o->since);
	if ((rc = open_rw_or_ro(c)) != -1)
		return rc;
	if (jmx_history_list(c->store, c->cfg, &q, &h, &nh, &err) != JMX_OK ||
	    jmx_store_baselines(c->store, &bs.cases, &bs.runs, &bs.n, &err) !=
	    JMX_OK) {
		jmx_history_free(h, nh);
		return cli_fail(c, &err);
	}
	if (c->json)
		history_json(&bs, h, nh, &b);
	else if (nh == 0)
		jmx_buf_adds(&b, "no runs\n");
	else
		history_text(&bs, h, nh, &b);
	fputs(b.data, stdout);
	jmx_buf_free(&b);
	jmx_history_free(h, nh);
	bases_free(&bs);
	return JMX_EXIT_OK;
}

/* The baseline of test_case, or 0 (with a message unless quiet). */
static int64_t
baseline_of(struct cli *c, const char *test_case, int quiet)
{
	struct jmx_err err;
	int64_t run = 0;

	if (jmx_store_baseline_get(c->store, test_case, &run, NULL, &err) !=
	    JMX_OK) {
		cli_fail(c, &err);
		return -1;
	}
	if (run == 0 && !quiet)
		cli_warnx(c, "test case '%s' has no baseline: set one with "
		    "'jmx-report baseline set RUN'", test_case);
	return run;
}

/* The test case's regression rules, else the defaults. */
static struct jmx_compare_rule *
rules_of(struct cli *c, const char *test_case, int *n)
{
	const struct jmx_test_conf *t;
	struct jmx_compare_rule *r = NULL;
	struct jmx_err err;

	if (c->cfg != NULL && test_case != NULL &&
	    (t = jmx_config_test(c->cfg, test_case)) != NULL &&
	    t->nregression > 0) {
		r = xcalloc((size_t)t->nregression, sizeof *r);
		memcpy(r, t->regression, (size_t)t->nregression * sizeof *r);
		*n = t->nregression;
		return r;
	}
	jmx_compare_rules_parse(JMX_COMPARE_DEFAULT_RULES, &r, n, &err);
	return r;
}

/* compare.html, compare.md, compare.json, junit.xml and charts. */
static int
compare_dir(struct cli *c, const struct hist_opts *o,
    struct jmx_report **reps, int nreps, struct jmx_compare **cs, int ncs)
{
	struct jmx_buf b = { 0 };
	struct jmx_err err;
	enum jmx_code code;
	const char *dir = o->output;

	if ((code = jmx_mkdirs(dir, 0755, &err)) != JMX_OK)
		return cli_fail(c, &err);
	if (!o->no_charts && jmx_chart_compare(reps, nreps, dir, &err) !=
	    JMX_OK)
		cli_warnx(c, "no charts: %s", err.msg);
	jmx_render_compare_html(cs, ncs, dir, &b);
	if ((code = jmx_write_buf(dir, "compare.html", &b, &err)) != JMX_OK)
		goto out;
	jmx_render_compare_markdown(cs, ncs, &b);
	if ((code = jmx_write_buf(dir, "compare.md", &b, &err)) != JMX_OK)
		goto out;
	jmx_render_compare_json(cs, ncs, &b);
	if ((code = jmx_write_buf(dir, "compare.json", &b, &err)) != JMX_OK)
		goto out;
	jmx_render_compare_junit(cs, ncs, &b);
	code = jmx_write_buf(dir, "junit.xml", &b, &err);
out:
	jmx_buf_free(&b);
	return code == JMX_OK ? -1 : cli_fail(c, &err);
}

int
cmd_compare(struct cli *c, const struct hist_opts *o, char **args, int n)
{
	struct jmx_report **reps;
	struct jmx_compare **cs;
	struct jmx_compare_rule *rules = NULL;
	struct jmx_compare_rates *rates = NULL;
	struct jmx_buf b = { 0 };
	struct jmx_err err;
	int64_t *ids, base;
	int i, nids = 0, nrules = 0, rc, regressions = 0, series;

	if (!o->baseline && n < 2)
		return cli_usage(c, "compare: give two runs or more (A B "
		    "[C...]), or --baseline [RUN]");
	if (o->baseline && n > 1)
		return cli_usage(c, "compare --baseline takes one run");
	ids = xcalloc((size_t)n + 2, sizeof *ids);
	for (i = 0; i < n; i++)
		if ((ids[i + 1] = jmx_parse_count(args[i])) <= 0) {
			free(ids);
			return cli_usage(c, "compare: '%s' is not a run id",
			    args[i]);
		}
	if ((rc = open_ro(c)) != -1) {
		free(ids);
		return rc;
	}
	reps = xcalloc((size_t)n + 2, sizeof *reps);
	cs = xcalloc((size_t)n + 2, sizeof *cs);
	if (o->baseline) {
		/* The run (default: the newest) against its baseline. */
		if (n == 0 && o->test_case != NULL) {
			int64_t *cids = NULL;
			int nc = 0;

			if (jmx_store_run_ids(c->store, o->test_case, 0, &cids,
			    &nc, &err) != JMX_OK) {
				rc = cli_fail(c, &err);
				goto out;
			}
			ids[1] = nc > 0 ? cids[nc - 1] : 0;
			free(cids);
			if (ids[1] == 0) {
				rc = cli_usage(c, "compare: test case '%s' "
				    "has no runs", o->test_case);
				goto out;
			}
		} else if (n == 0 && jmx_store_run_latest(c->store, &ids[1],
		    &err) != JMX_OK) {
			rc = cli_fail(c, &err);
			goto out;
		}
		nids = 2;
	} else {
		for (i = 0; i < n; i++)
			ids[i] = ids[i + 1];
		nids = n;
	}
	/* The series only for the charts: the tests need none of it. */
	series = o->output != NULL && !o->no_charts;
	for (i = o->baseline ? 1 : 0; i < nids; i++) {
		reps[i] = jmx_report_new(series);
		if (jmx_report_load_run(reps[i], c->store, ids[i],
		    c->home_dir, &err) != JMX_OK) {
			rc = cli_fail(c, &err);
			goto out;
		}
		jmx_report_finish(reps[i]);
	}
	if (o->baseline) {
		if ((base = baseline_of(c, reps[1]->name, 0)) <= 0) {
			rc = base < 0 ? JMX_EXIT_ENV : JMX_EXIT_USAGE;
			goto out;
		}
		ids[0] = base;
		reps[0] = jmx_report_new(series);
		if (jmx_report_load_run(reps[0], c->store, base, c->home_dir,
		    &err) != JMX_OK) {
			rc = cli_fail(c, &err);
			goto out;
		}
		jmx_report_finish(reps[0]);
	}
	for (i = 0; i < nids; i++)
		if (reps[i]->state != NULL &&
		    strcmp(reps[i]->state, "completed") != 0)
			cli_warnx(c, "run %lld is %s, not completed",
			    (long long)ids[i], reps[i]->state);
	rates = xcalloc((size_t)nids, sizeof *rates);
	for (i = 0; i < nids; i++)
		if (jmx_store_run_rates(c->store, ids[i], (uint64_t **)
		    &rates[i].counts, &rates[i].n, &err) != JMX_OK) {
			rc = cli_fail(c, &err);
			goto out;
		}
	rules = rules_of(c, reps[nids - 1]->name, &nrules);
	for (i = 1; i < nids; i++) {
		cs[i - 1] = jmx_compare_new(reps[0], reps[i], &rates[0],
		    &rates[i], rules, nrules, JMX_COMPARE_ALPHA);
		regressions += cs[i - 1]->regressions;
	}
	if (o->output != NULL && (rc = compare_dir(c, o, reps, nids, cs,
	    nids - 1)) != -1)
		goto out;
	if (c->json)
		jmx_render_compare_json(cs, nids - 1, &b);
	else
		jmx_render_compare_text(cs, nids - 1, &b);
	fputs(b.data, stdout);
	rc = regressions > 0 ? JMX_EXIT_VERDICT : JMX_EXIT_OK;
out:
	for (i = 0; i < n + 2; i++) {
		jmx_report_free(reps[i]);
		jmx_compare_free(cs[i]);
	}
	for (i = 0; rates != NULL && i < nids; i++)
		free((void *)rates[i].counts);
	free(rates);
	free(reps);
	free(cs);
	free(rules);
	free(ids);
	jmx_buf_free(&b);
	return rc;
}

int
cmd_baseline(struct cli *c, const struct hist_opts *o, char **args, int n)
{
	struct jmx_run_rec rec;
	struct jmx_buf b = { 0 };
	struct jmx_json w;
	struct jmx_err err;
	char **cases = NULL;
	int64_t run, *runs = NULL, set_ms = 0;
	int i, ncases = 0, rc = -1;
	const char *verb = n > 0 ? args[0] : "";

	if (strcmp(verb, "set") == 0) {
		if (n != 2 || (run = jmx_parse_count(args[1])) <= 0)
			return cli_usage(c, "baseline set takes a run id");
		if (cli_load_config(c, &err) != JMX_OK ||
		    cli_open_store(c, &err) != JMX_OK ||
		    jmx_store_run_get(c->store, run, &rec, &err) != JMX_OK)
			return cli_fail(c, &err);
		if (!jmx_history_usable(jmx_run_state_name(rec.state),
		    o->include_partial)) {
			cli_warnx(c, "run %lld is %s: a baseline must be a "
			    "completed run%s", (long long)run,
			    jmx_run_state_name(rec.state),
			    jmx_run_state_final(rec.state) &&
			    rec.state != JMX_RUN_FAILED ?
			    " (--include-partial takes it anyway)" : "");
			jmx_run_rec_free(&rec);
			return JMX_EXIT_USAGE;
		}
		rc = JMX_EXIT_OK;
		if (jmx_store_baseline_set(c->store, rec.test_case, run,
		    jmx_now_ms(), &err) != JMX_OK)
			rc = cli_fail(c, &err);
		else if (c->json) {
			jmx_json_init(&w, &b);
			jmx_json_object_begin(&w);
			jmx_json_pair_str(&w, "test_case", rec.test_case);
			jmx_json_pair_int(&w, "run_id", run);
			jmx_json_object_end(&w);
			printf("%s\n", b.data);
		} else
			printf("baseline of '%s': run %lld\n", rec.test_case,
			    (long long)run);
		jmx_run_rec_free(&rec);
		jmx_buf_free(&b);
		return rc;
	}
	if (strcmp(verb, "clear") == 0) {
		if (n != 2)
			return cli_usage(c, "baseline clear takes a test case");
		if (cli_load_config(c, &err) != JMX_OK ||
		    cli_open_store(c, &err) != JMX_OK)
			return cli_fail(c, &err);
		if (jmx_store_baseline_get(c->store, args[1], &run, NULL,
		    &err) != JMX_OK ||
		    jmx_store_baseline_set(c->store, args[1], 0, 0, &err) !=
		    JMX_OK)
			return cli_fail(c, &err);
		if (run == 0) {
			cli_warnx(c, "test case '%s' has no baseline", args[1]);
			return JMX_EXIT_USAGE;
		}
		if (c->json) {
			jmx_json_init(&w, &b);
			jmx_json_object_begin(&w);
			jmx_json_pair_str(&w, "test_case", args[1]);
			jmx_json_pair_int(&w, "cleared", run);
			jmx_json_object_end(&w);
			printf("%s\n", b.data);
		} else
			printf("baseline of '%s' cleared (was run %lld)\n",
			    args[1], (long long)run);
		jmx_buf_free(&b);
		return JMX_EXIT_OK;
	}
	if (strcmp(verb, "show") != 0 || n > 2)
		return cli_usage(c, "baseline takes set RUN, show [CASE] or "
		    "clear CASE");
	if ((rc = open_ro(c)) != -1)
		return rc;
	if (n == 2) {
		cases = xcalloc(1, sizeof *cases);
		runs = xcalloc(1, sizeof *runs);
		if (jmx_store_baseline_get(c->store, args[1], &runs[0],
		    &set_ms, &err) != JMX_OK)
			return cli_fail(c, &err);
		cases[0] = xstrdup(args[1]);
		ncases = runs[0] > 0;
		if (ncases == 0) {
			free(cases[0]);
			rc = JMX_EXIT_USAGE;
			cli_warnx(c, "test case '%s' has no baseline", args[1]);
		}
	} else if (jmx_store_baselines(c->store, &cases, &runs, &ncases,
	    &err) != JMX_OK)
		return cli_fail(c, &err);
	if (rc == -1)
		rc = JMX_EXIT_OK;
	jmx_json_init(&w, &b);
	if (c->json) {
		jmx_json_object_begin(&w);
		jmx_json_key(&w, "baselines");
		jmx_json_array_begin(&w);
	}
	for (i = 0; i < ncases; i++) {
		if (c->json) {
			jmx_json_object_begin(&w);
			jmx_json_pair_str(&w, "test_case", cases[i]);
			jmx_json_pair_int(&w, "run_id", runs[i]);
			jmx_json_object_end(&w);
		} else {
			jmx_text_escape(&b, cases[i]);
			jmx_buf_addf(&b, ": run %lld\n", (long long)runs[i]);
		}
		free(cases[i]);
	}
	if (c->json) {
		jmx_json_array_end(&w);
		jmx_json_object_end(&w);
		jmx_buf_addc(&b, '\n');
	} else if (ncases == 0 && n < 2)
		jmx_buf_adds(&b, "no baselines\n");
	if (b.data != NULL)
		fputs(b.data, stdout);
	jmx_buf_free(&b);
	free(cases);
	free(runs);
	return rc;
}

/* A finding's runs: "run 12" or "runs 3-11". */
static void
run_span(struct jmx_buf *b, const struct jmx_history_run *h, int from,
    int to)
{
	if (from == to)
		jmx_buf_addf(b, "run %lld", (long long)h[from].id);
	else
		jmx_buf_addf(b, "runs %lld-%lld", (long long)h[from].id,
		    (long long)h[to].id);
}

/* The findings, one sentence each, naming the runs behind them. */
static char **
findings(const struct jmx_history_run *h, int n, const struct jmx_trend *t,
    const struct jmx_trend_params *p, const char *metric,
    const char *unit, int64_t base, int *nf)
{
	struct jmx_buf b = { 0 };
	char **f = xcalloc((size_t)(t->nchanges + t->nanomalies) + 3,
	    sizeof *f);
	const struct jmx_trend_change *c;
	const struct jmx_trend_anomaly *a;
	int i, k, from, to, bi = -1;

	*nf = 0;
	for (i = 0; i < t->nchanges; i++) {
		c = &t->changes[i];
		from = i > 0 ? t->changes[i - 1].index : 0;
		to = i + 1 < t->nchanges ? t->changes[i + 1].index - 1 : n - 1;
		jmx_buf_reset(&b);
		jmx_buf_addf(&b, "%s at run %lld: %s %+.1f %% (%.2f%s to "
		    "%.2f%s), confidence %.1f %%; ", c->worse ? "Regression" :
		    "Improvement", (long long)h[c->index].id, metric,
		    c->rel_pct, c->before, unit, c->after, unit,
		    100 * c->confidence);
		run_span(&b, h, from, c->index - 1);
		jmx_buf_adds(&b, " before, ");
		run_span(&b, h, c->index, to);
		jmx_buf_adds(&b, " after");
		f[(*nf)++] = xstrdup(b.data);
	}
	for (i = 0; i < t->nanomalies; i++) {
		a = &t->anomalies[i];
		from = a->index - p->window < 0 ? 0 : a->index - p->window;
		jmx_buf_reset(&b);
		jmx_buf_addf(&b, "Anomaly: run %lld has %s %.2f%s, %+.1f %% "
		    "off the median %.2f%s of ", (long long)h[a->index].id,
		    metric, a->value, unit, 100 * (a->value - a->median) /
		    (a->median != 0 ? fabs(a->median) : 1), a->median, unit);
		run_span(&b, h, from, a->index - 1);
		jmx_buf_addf(&b, " (robust z %.1f)", a->z);
		f[(*nf)++] = xstrdup(b.data);
	}
	for (k = 0; k < n; k++)
		if (h[k].id == base)
			bi = k;
	if (bi >= 0 && bi != n - 1 && !isnan(h[n - 1].value) &&
	    h[bi].value != 0) {
		jmx_buf_reset(&b);
		jmx_buf_addf(&b, "Latest run %lld: %s %.2f%s, %+.1f %% against "
		    "the baseline run %lld (%.2f%s)", (long long)h[n - 1].id,
		    metric, h[n - 1].value, unit, 100 * (h[n - 1].value -
		    h[bi].value) / fabs(h[bi].value), (long long)base,
		    h[bi].value, unit);
		f[(*nf)++] = xstrdup(b.data);
	}
	if (t->nchanges == 0 && t->nanomalies == 0) {
		jmx_buf_reset(&b);
		jmx_buf_addf(&b, "No change point and no anomaly in %d run%s",
		    n, n == 1 ? "" : "s");
		if (n > 0) {
			jmx_buf_adds(&b, " (");
			run_span(&b, h, 0, n - 1);
			jmx_buf_addc(&b, ')');
		}
		f[(*nf)++] = xstrdup(b.data);
	}
	jmx_buf_free(&b);
	return f;
}

static void
trend_json(struct jmx_buf *b, const char *test_case, const char *metric,
    const char *label, const struct jmx_history_run *h, int n,
    const struct jmx_trend *t, const struct jmx_trend_params *p,
    int64_t base, char **f, int nf)
{
	const struct jmx_trend_change *c;
	struct jmx_json w;
	int i, to;

	jmx_json_init(&w, b);
	jmx_json_object_begin(&w);
	jmx_json_pair_str(&w, "test_case", test_case);
	jmx_json_pair_str(&w, "metric", metric);
	jmx_json_pair_str(&w, "label", label);
	jmx_json_pair_int_or_null(&w, "baseline", base, base > 0);
	jmx_json_key(&w, "params");
	jmx_json_object_begin(&w);
	jmx_json_pair_int(&w, "window", p->window);
	jmx_json_pair_double(&w, "z", p->z);
	jmx_json_pair_double(&w, "min_rel_pct", p->min_rel_pct);
	jmx_json_pair_int(&w, "min_size", p->min_size);
	jmx_json_pair_int(&w, "permutations", p->permutations);
	jmx_json_pair_double(&w, "alpha", p->alpha);
	jmx_json_pair_uint(&w, "seed", p->seed);
	jmx_json_object_end(&w);
	jmx_json_key(&w, "runs");
	jmx_json_array_begin(&w);
	for (i = 0; i < n; i++) {
		jmx_json_object_begin(&w);
		jmx_json_pair_int(&w, "run_id", h[i].id);
		jmx_json_pair_str(&w, "state", h[i].state);
		jmx_json_pair_double(&w, "value", h[i].value);
		jmx_json_object_end(&w);
	}
	jmx_json_array_end(&w);
	jmx_json_key(&w, "change_points");
	jmx_json_array_begin(&w);
	for (i = 0; i < t->nchanges; i++) {
		c = &t->changes[i];
		to = i + 1 < t->nchanges ? t->changes[i + 1].index - 1 : n - 1;
		jmx_json_object_begin(&w);
		jmx_json_pair_int(&w, "run_id", h[c->index].id);
		jmx_json_pair_int(&w, "previous_run_id", h[c->index - 1].id);
		jmx_json_pair_int(&w, "first_run_id", h[i > 0 ?
		    t->changes[i - 1].index : 0].id);
		jmx_json_pair_int(&w, "last_run_id", h[to].id);
		jmx_json_pair_double(&w, "before", c->before);
		jmx_json_pair_double(&w, "after", c->after);
		jmx_json_pair_double(&w, "rel_pct", c->rel_pct);
		jmx_json_pair_double(&w, "p", c->p);
		jmx_json_pair_double(&w, "confidence", c->confidence);
		jmx_json_pair_bool(&w, "regression", c->worse);
		jmx_json_object_end(&w);
	}
	jmx_json_array_end(&w);
	jmx_json_key(&w, "anomalies");
	jmx_json_array_begin(&w);
	for (i = 0; i < t->nanomalies; i++) {
		jmx_json_object_begin(&w);
		jmx_json_pair_int(&w, "run_id", h[t->anomalies[i].index].id);
		jmx_json_pair_double(&w, "value", t->anomalies[i].value);
		jmx_json_pair_double(&w, "median", t->anomalies[i].median);
		jmx_json_pair_double(&w, "mad", t->anomalies[i].mad);
		jmx_json_pair_double(&w, "z", t->anomalies[i].z);
		jmx_json_object_end(&w);
	}
	jmx_json_array_end(&w);
	jmx_json_key(&w, "findings");
	jmx_json_array_begin(&w);
	for (i = 0; i < nf; i++)
		jmx_json_string(&w, f[i]);
	jmx_json_array_end(&w);
	jmx_json_object_end(&w);
	jmx_buf_addc(b, '\n');
}

int
cmd_trend(struct cli *c, const struct hist_opts *o, char **args, int n)
{
	struct jmx_history_query q;
	struct jmx_history_run *h = NULL, *all = NULL;
	struct jmx_trend_params p;
	struct jmx_trend t;
	struct jmx_buf b = { 0 };
	struct jmx_err err;
	const char *metric = o->metric != NULL ? o->metric : "p95";
	const char *unit;
	char **f = NULL;
	double *x;
	int64_t *ids, base = 0;
	int *flags, i, k, nh = 0, nall = 0, nf = 0, m, rc;

	memset(&t, 0, sizeof t);
	if (n != 1)
		return cli_usage(c, "trend takes one test case");
	m = jmx_compare_metric_parse(metric);
	if (m != JMX_CMP_P95 && m != JMX_CMP_P99 && m != JMX_CMP_AVG &&
	    m != JMX_CMP_THROUGHPUT && m != JMX_CMP_ERROR_PCT &&
	    m != JMX_CMP_P50 && m != JMX_CMP_P90)
		return cli_usage(c, "--metric takes p50, p90, p95, p99, avg, "
		    "throughput or error_pct, not '%s'", metric);
	unit = m == JMX_CMP_THROUGHPUT ? "/s" : m == JMX_CMP_ERROR_PCT ?
	    " %" : " ms";
	if ((rc = open_rw_or_ro(c)) != -1)
		return rc;
	memset(&q, 0, sizeof q);
	q.test_case = args[0];
	q.label = o->label;
	q.metric = m;
	q.limit = o->limit;
	q.usable_only = o->include_partial ? 2 : 1;
	if (o->since != NULL && parse_since(o->since, &q.since_ms) != 0)
		return cli_usage(c, "--since takes a date (2026-11-26, "
		    "2026-11-26T08:00Z) or an age (7d, 12h), not '%s'",
		    o->since);
	if (jmx_history_list(c->store, c->cfg, &q, &all, &nall, &err) !=
	    JMX_OK)
		return cli_fail(c, &err);
	/* Runs without the label (or samples) have no value: left out. */
	h = xcalloc((size_t)nall + 1, sizeof *h);
	for (i = 0; i < nall; i++)
		if (!isnan(all[i].value))
			h[nh++] = all[i];
	if (nall == 0) {
		cli_warnx(c, "test case '%s' has no completed runs%s", args[0],
		    o->include_partial ? "" : " (--include-partial counts "
		    "partial and stopped ones)");
		rc = JMX_EXIT_USAGE;
		goto out;
	}
	if ((base = baseline_of(c, args[0], 1)) < 0) {
		rc = JMX_EXIT_ENV;
		goto out;
	}
	jmx_trend_defaults(&p);
	p.higher_is_worse = m != JMX_CMP_THROUGHPUT;
	x = xcalloc((size_t)nh + 1, sizeof *x);
	for (i = 0; i < nh; i++)
		x[i] = h[i].value;
	jmx_trend_analyse(x, nh, &p, &t);
	f = findings(h, nh, &t, &p, metric, unit, base, &nf);
	if (o->output != NULL) {
		ids = xcalloc((size_t)nh + 1, sizeof *ids);
		flags = xcalloc((size_t)nh + 1, sizeof *flags);
		for (i = 0; i < nh; i++)
			ids[i] = h[i].id;
		for (i = 0; i < t.nanomalies; i++)
			flags[t.anomalies[i].index] |= 1;
		for (i = 0; i < t.nchanges; i++)
			flags[t.changes[i].index] |= 2;
		if (jmx_mkdirs(o->output, 0755, &err) != JMX_OK)
			rc = cli_fail(c, &err);
		else if (!o->no_charts && jmx_chart_trend(ids, x, flags, nh,
		    metric, o->output, &err) != JMX_OK)
			cli_warnx(c, "no chart: %s", err.msg);
		if (rc == -1) {
			trend_json(&b, args[0], metric, o->label, h, nh, &t,
			    &p, base, f, nf);
			if (jmx_write_buf(o->output, "trend.json", &b, &err) !=
			    JMX_OK)
				rc = cli_fail(c, &err);
		}
		free(ids);
		free(flags);
	}
	free(x);
	if (rc != -1)
		goto out;
	if (c->json)
		trend_json(&b, args[0], metric, o->label, h, nh, &t, &p, base,
		    f, nf);
	else {
		jmx_buf_adds(&b, "Trend of ");
		jmx_text_escape(&b, metric);
		if (o->label != NULL) {
			jmx_buf_adds(&b, " of '");
			jmx_text_escape(&b, o->label);
			jmx_buf_adds(&b, "'");
		}
		jmx_buf_adds(&b, " for ");
		jmx_text_escape(&b, args[0]);
		jmx_buf_addf(&b, ", %d run%s:\n", nh, nh == 1 ? "" : "s");
		for (i = 0; i < nh; i++) {
			jmx_buf_addf(&b, "  %6lld  %12.2f%s",
			    (long long)h[i].id,
			    h[i].value, unit);
			for (k = 0; k < t.nchanges; k++)
				if (t.changes[k].index == i)
					jmx_buf_addf(&b, "  <- change point "
					    "(%+.1f %%)", t.changes[k].rel_pct);
			for (k = 0; k < t.nanomalies; k++)
				if (t.anomalies[k].index == i)
					jmx_buf_adds(&b, "  <- anomaly");
			if (h[i].id == base)
				jmx_buf_adds(&b, "  (baseline)");
			if (strcmp(h[i].state, "completed") != 0) {
				jmx_buf_addf(&b, "  (%s)", h[i].state);
			}
			jmx_buf_addc(&b, '\n');
		}
		jmx_buf_adds(&b, "Findings:\n");
		for (i = 0; i < nf; i++) {
			jmx_buf_adds(&b, "  ");
			jmx_text_escape(&b, f[i]);
			jmx_buf_addc(&b, '\n');
		}
	}
	fputs(b.data, stdout);
	rc = JMX_EXIT_OK;
out:
	for (i = 0; i < nf; i++)
		free(f[i]);
	free(f);
	jmx_trend_clear(&t);
	free(h);
	jmx_history_free(all, nall);
	jmx_buf_free(&b);
	return rc;
}

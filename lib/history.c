/*
 * history.c: the list of runs with their key figures, read from the
 * store's runs and their exact histograms (the same summary as a report).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "config.h"
#include "history.h"
#include "report.h"
#include "stats.h"
#include "store.h"
#include "verdict.h"
#include "xmalloc.h"

int
jmx_history_usable(const char *state, int include_partial)
{
	if (strcmp(state, "completed") == 0)
		return 1;
	return include_partial && (strcmp(state, "partial") == 0 ||
	    strcmp(state, "stopped") == 0);
}

static int
verdict(const struct jmx_config *cfg, const char *test_case,
    struct jmx_summary *sum)
{
	const struct jmx_test_conf *t;
	struct jmx_verdict *v;
	int failed;

	if (cfg == NULL || (t = jmx_config_test(cfg, test_case)) == NULL ||
	    t->nthresholds == 0)
		return -1;
	v = xcalloc((size_t)t->nthresholds, sizeof *v);
	failed = jmx_verdict_check(sum, t->thresholds, t->nthresholds, v);
	free(v);
	return failed == 0;
}

/* The total's figures of a summary, as kept in the store. */
static void
figures_of(struct jmx_summary *sum, struct jmx_run_figures *f)
{
	const struct jmx_summary_row *tot = jmx_summary_total(sum);

	f->samples = tot->count;
	f->errors = tot->errors;
	f->error_pct = jmx_compare_value_of(tot, JMX_CMP_ERROR_PCT);
	f->avg = jmx_compare_value_of(tot, JMX_CMP_AVG);
	f->p50 = jmx_compare_value_of(tot, JMX_CMP_P50);
	f->p90 = jmx_compare_value_of(tot, JMX_CMP_P90);
	f->p95 = jmx_compare_value_of(tot, JMX_CMP_P95);
	f->p99 = jmx_compare_value_of(tot, JMX_CMP_P99);
	f->throughput = jmx_compare_value_of(tot, JMX_CMP_THROUGHPUT);
}

void
jmx_history_keep(struct jmx_store *st, int64_t run, struct jmx_summary *sum)
{
	struct jmx_run_figures f;

	figures_of(sum, &f);
	jmx_store_figures_put(st, run, &f, NULL);
}

static double
figure(const struct jmx_run_figures *f, int metric)
{
	switch (metric) {
	case JMX_CMP_SAMPLES:
		return (double)f->samples;
	case JMX_CMP_AVG:
		return f->avg;
	case JMX_CMP_P50:
		return f->p50;
	case JMX_CMP_P90:
		return f->p90;
	case JMX_CMP_P95:
		return f->p95;
	case JMX_CMP_P99:
		return f->p99;
	case JMX_CMP_THROUGHPUT:
		return f->throughput;
	case JMX_CMP_ERROR_PCT:
		return f->error_pct;
	}
	return NAN;
}

/*
 * A run's figures: kept ones for a final run, else merged from its
 * histograms (and kept, if it is final and the store is writable).  The
 * summary is needed anyway for a label's value or the verdict.
 */
static enum jmx_code
fill(struct jmx_store *st, const struct jmx_config *cfg,
    const struct jmx_history_query *q, struct jmx_run_rec *rec,
    struct jmx_history_run *h, struct jmx_err *err)
{
	struct jmx_summary *sum = NULL;
	struct jmx_run_figures f;
	const struct jmx_test_conf *t;
	enum jmx_code code;
	int found = 0, final;

	h->id = rec->id;
	h->test_case = xstrdup(rec->test_case);
	h->state = xstrdup(jmx_run_state_name(rec->state));
	h->imported = rec->label != NULL &&
	    strcmp(rec->label, "imported") == 0;
	h->usable = jmx_history_usable(h->state, 0);
	h->start_ms = rec->start_ms;
	h->duration_ms = rec->active_ms > 0 ? rec->active_ms :
	    rec->end_ms > rec->start_ms && rec->start_ms > 0 ?
	    rec->end_ms - rec->start_ms : 0;
	h->verdict = -1;
	final = jmx_run_state_final(rec->state);
	if ((code = jmx_store_figures_get(st, rec->id, &f, &found, &h->agents,
	    err)) != JMX_OK)
		return code;
	found = found && final;
	t = cfg != NULL ? jmx_config_test(cfg, rec->test_case) : NULL;
	if (!found || q->label != NULL || (t != NULL && t->nthresholds > 0)) {
		if ((sum = jmx_report_run_summary(st, rec->id, err)) == NULL)
			return err->code;
		if (!found) {
			figures_of(sum, &f);
			/* A read-only store keeps nothing: no matter. */
			if (final)
				jmx_store_figures_put(st, rec->id, &f, NULL);
		}
		h->verdict = verdict(cfg, rec->test_case, sum);
	}
	h->samples = f.samples;
	h->throughput = f.throughput;
	h->p95 = f.p95;
	h->error_pct = f.error_pct;
	h->value = q->label == NULL ? figure(&f, q->metric) :
	    jmx_compare_value_of(jmx_summary_find(sum, q->label),
	    (enum jmx_compare_metric)q->metric);
	jmx_summary_free(sum);
	return JMX_OK;
}

enum jmx_code
jmx_history_list(struct jmx_store *st, const struct jmx_config *cfg,
    const struct jmx_history_query *q, struct jmx_history_run **out, int *n,
    struct jmx_err *err)
{
	struct jmx_run_rec rec;
	int64_t *ids = NULL;
	enum jmx_code code;
	int nids = 0, i, keep, from;
	struct jmx_run_rec *recs;

	*out = NULL;
	*n = 0;
	if ((code = jmx_store_run_ids(st, q->test_case, q->since_ms, &ids,
	    &nids, err)) != JMX_OK)
		return code;
	/* Filter on the rows first: the figures cost a read of buckets. */
	recs = xcalloc((size_t)nids + 1, sizeof *recs);
	for (i = keep = 0; i < nids && code == JMX_OK; i++) {
		if ((code = jmx_store_run_get(st, ids[i], &rec, err)) !=
		    JMX_OK)
			break;
		/* Half an import (store.h) is no run yet. */
		if (jmx_run_importing(&rec) || (q->state != NULL &&
		    strcmp(q->state, jmx_run_state_name(rec.state)) != 0) ||
		    (q->usable_only && !jmx_history_usable(
		    jmx_run_state_name(rec.state), q->usable_only > 1))) {
			jmx_run_rec_free(&rec);
			continue;
		}
		recs[keep++] = rec;
	}
	from = q->limit > 0 && keep > q->limit ? keep - q->limit : 0;
	if (code == JMX_OK) {
		*out = xcalloc((size_t)(keep - from) + 1, sizeof **out);
		for (i = from; i < keep && code == JMX_OK; i++)
			code = fill(st, cfg, q, &recs[i], &(*out)[(*n)++],
			    err);
	}
	for (i = 0; i < keep; i++)
		jmx_run_rec_free(&recs[i]);
	free(recs);
	free(ids);
	if (code != JMX_OK) {
		jmx_history_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return code;
}

void
jmx_history_free(struct jmx_history_run *h, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(h[i].test_case);
		free(h[i].state);
	}
	free(h);
}

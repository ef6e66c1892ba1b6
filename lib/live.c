/*
 * live.c: a run as of an instant, for jmx-watch (live.h).
 *
 * Each snapshot reads the run afresh through the store's read-only
 * handle: the status as jmx-run status reads it, the report model as
 * jmx-report builds it, the segments for the agents' states and the
 * events.  Nothing is kept between snapshots, so a snapshot is always
 * what the database holds, and the watcher never writes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "json.h"
#include "live.h"
#include "report.h"
#include "stats.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

enum jmx_code
jmx_live_pick(struct jmx_store *st, int64_t *run, int *active,
    struct jmx_err *err)
{
	int64_t *ids;
	int i, n, max = 64;

	*active = 0;
	/* Runs whose controller died long ago stay unfinished: any number. */
	ids = xcalloc((size_t)max, sizeof *ids);
	if ((n = jmx_store_unfinished_runs(st, ids, max)) > max) {
		ids = xreallocarray(ids, (size_t)n, sizeof *ids);
		max = n;
		n = jmx_store_unfinished_runs(st, ids, max);
	}
	for (i = 0; i < n && i < max; i++)
		if (!*active || ids[i] > *run) {
			*run = ids[i];
			*active = 1;
		}
	free(ids);
	if (*active)
		return JMX_OK;
	return jmx_store_run_latest(st, run, err);
}

/* Samples (errors: failed ones) of agent (-1: all) in [from_s, to_s). */
static uint64_t
count_in(const struct jmx_report *r, int agent, int errors, int64_t from_s,
    int64_t to_s)
{
	const struct jmx_report_point *p;
	uint64_t n = 0;
	int i;

	for (i = r->npoints - 1; i >= 0; i--) {
		p = &r->points[i];
		if (p->t >= to_s)
			continue;
		if (p->t < from_s)
			break;
		if (errors)
			n += p->errors;
		else
			n += agent < 0 ? p->count : p->agent_count[agent];
	}
	return n;
}

/*
 * The window of the current rate, in seconds of the series: the last
 * JMX_LIVE_WINDOW_S seconds (at least two of its intervals) that ended
 * a second before now, or before the run's end.  The newest second is
 * left out: its samples are still coming in.
 */
static void
rate_window(const struct jmx_live *l, int64_t *from_s, int64_t *to_s)
{
	const struct jmx_report *r = l->rep;
	int64_t end = l->now_ms, w;

	if (jmx_live_ended(l) && l->newest_ms > 0)
		end = l->newest_ms + 1000;
	*to_s = jmx_report_sec(r, end) - 1;
	*to_s -= *to_s % r->interval_s;
	w = r->interval_s * 2 > JMX_LIVE_WINDOW_S ? r->interval_s * 2 :
	    JMX_LIVE_WINDOW_S;
	w = (w + r->interval_s - 1) / r->interval_s * r->interval_s;
	*from_s = *to_s - w;
}

/*
 * Is the agent silent: has the controller staged takers for its load
 * since from_ms (a "standby" event), in case the silence turns out a
 * loss, and not cancelled them?
 */
static int
silent(const struct jmx_live *l, const char *agent, int64_t from_ms)
{
	const struct jmx_live_event *e;
	int i, on = 0;

	for (i = 0; i < l->nevents; i++) {
		e = &l->events[i];
		if (e->agent == NULL || strcmp(e->agent, agent) != 0 ||
		    e->time_ms < from_ms)
			continue;
		if (strcmp(e->kind, "standby") == 0)
			on = 1;
		else if (strcmp(e->kind, "standby_cancelled") == 0)
			on = 0;
	}
	return on;
}

/*
 * An agent's state from its newest segment and the run's state: a
 * segment that ended while the run pauses is paused, one that ended
 * with the run is done; an agent with no segment is a spare, or still
 * starting.  A running one whose agent went silent is "silent" until
 * the controller declares it lost or hears from it again.
 */
static const char *
agent_state(const struct jmx_live *l, const char *name,
    const struct jmx_segment_rec *seg, int nseg, const char *stored)
{
	const struct jmx_segment_rec *s = NULL;
	enum jmx_run_state run = l->st.rec.state;
	int i;

	for (i = 0; i < nseg; i++)
		if (seg[i].agent != NULL && strcmp(seg[i].agent, name) == 0 &&
		    (s == NULL || seg[i].id > s->id))
			s = &seg[i];
	if (s == NULL || s->state == JMX_SEGMENT_CANCELLED) {
		if (stored != NULL && strcmp(stored, "spare") == 0)
			return "spare";
		if (run <= JMX_RUN_STARTING)
			return "starting";
		return stored != NULL && strcmp(stored, "ok") != 0 ?
		    stored : "idle";
	}
	/* The row stays running until its worker is through; the loss is
	 * recorded at once as its cause. */
	if (s->cause != NULL && (s->state == JMX_SEGMENT_RUNNING ||
	    s->state == JMX_SEGMENT_STARTING))
		return "lost";
	switch (s->state) {
	case JMX_SEGMENT_STARTING:
		return "starting";
	case JMX_SEGMENT_RUNNING:
		if (run == JMX_RUN_PAUSING)
			return "pausing";
		return silent(l, name, s->start_ms) ? "silent" : "running";
	case JMX_SEGMENT_ENDED:
		if (run == JMX_RUN_PAUSING || run == JMX_RUN_PAUSED)
			return "paused";
		if (run == JMX_RUN_RESUMING)
			return "starting";
		return "done";
	case JMX_SEGMENT_LOST:
		return "lost";
	case JMX_SEGMENT_FENCED:
		return "fenced";
	case JMX_SEGMENT_FAILED:
		return "failed";
	case JMX_SEGMENT_CANCELLED:
		break;
	}
	return "?";
}

static enum jmx_code
load_agents(struct jmx_live *l, struct jmx_store *st, struct jmx_err *err)
{
	struct jmx_report *r = l->rep;
	struct jmx_segment_rec *seg = NULL;
	const struct jmx_summary_row *t;
	struct jmx_live_agent *a;
	int64_t from, to;
	int i, nseg = 0;

	if (jmx_store_segments(st, l->st.rec.id, &seg, &nseg, err) != JMX_OK)
		return err->code;
	rate_window(l, &from, &to);
	l->agents = xcalloc((size_t)r->nagents + 1, sizeof *l->agents);
	l->nagents = r->nagents;
	for (i = 0; i < r->nagents; i++) {
		a = &l->agents[i];
		a->name = r->agents[i].name;
		a->threads = r->agents[i].threads;
		a->state = agent_state(l, a->name, seg, nseg,
		    r->agents[i].state);
		a->rate = (double)count_in(r, i, 0, from, to) /
		    (double)(to - from);
		a->error_pct = NAN;
		a->p95 = -1;
		a->age_ms = -1;
		if (r->agents[i].sum == NULL)
			continue;
		t = jmx_summary_total(r->agents[i].sum);
		a->samples = t->count;
		if (t->count == 0)
			continue;
		a->error_pct = t->error_pct;
		a->p95 = t->p95;
		a->age_ms = l->now_ms > t->last_end ? l->now_ms - t->last_end :
		    0;
	}
	jmx_segment_recs_free(seg, nseg);
	return JMX_OK;
}

static enum jmx_code
load_events(struct jmx_live *l, struct jmx_store *st, struct jmx_err *err)
{
	struct jmx_event_rec *ev = NULL;
	struct jmx_shortfall_rec *sf;
	int i, n = 0;

	if (jmx_store_events(st, l->st.rec.id, &ev, &n, err) != JMX_OK)
		return err->code;
	l->events = xcalloc((size_t)n + 1, sizeof *l->events);
	for (i = 0; i < n; i++) {
		/* The records' strings move to the snapshot. */
		l->events[i].id = ev[i].id;
		l->events[i].time_ms = ev[i].time_ms;
		l->events[i].kind = ev[i].kind;
		l->events[i].agent = ev[i].agent;
		l->events[i].detail = ev[i].detail;
		l->events[i].actor = ev[i].actor;
		ev[i].kind = ev[i].agent = ev[i].detail = ev[i].actor = NULL;
	}
	l->nevents = n;
	jmx_event_recs_free(ev, n);
	for (i = 0; i < l->rep->nshortfalls; i++) {
		sf = &l->rep->shortfalls[i];
		if (sf->to_ms == 0 && strcmp(sf->kind, "unplaced") == 0)
			l->short_threads += sf->threads;
	}
	return JMX_OK;
}

enum jmx_code
jmx_live_load(struct jmx_store *st, int64_t run, int64_t now_ms,
    struct jmx_live **out, struct jmx_err *err)
{
	struct jmx_live *l = xcalloc(1, sizeof *l);
	const struct jmx_summary_row *t;
	const struct jmx_report_point *p;
	int64_t from, to;
	enum jmx_code code;

	*out = NULL;
	l->now_ms = now_ms;
	l->rep = jmx_report_new(1);
	if ((code = jmx_control_status(st, run, now_ms, &l->st, err)) !=
	    JMX_OK ||
	    (code = jmx_report_load_run(l->rep, st, run, NULL, err)) != JMX_OK)
		goto fail;
	jmx_report_finish(l->rep);
	t = jmx_summary_total(l->rep->sum);
	if (t->count > 0)
		l->newest_ms = t->last_end;
	if ((code = load_events(l, st, err)) != JMX_OK ||
	    (code = load_agents(l, st, err)) != JMX_OK)
		goto fail;
	rate_window(l, &from, &to);
	l->rate = (double)count_in(l->rep, -1, 0, from, to) /
	    (double)(to - from);
	l->error_rate = (double)count_in(l->rep, -1, 1, from, to) /
	    (double)(to - from);
	/* Threads: the newest complete interval while the load runs. */
	if (l->rep->npoints > 0 && (l->st.rec.state == JMX_RUN_RUNNING ||
	    l->st.rec.state == JMX_RUN_PAUSING)) {
		p = &l->rep->points[l->rep->npoints - 1];
		if (p->t >= to && l->rep->npoints > 1)
			p--;
		if (p->t >= from)
			l->threads_active = p->threads;
	}
	*out = l;
	return JMX_OK;
fail:
	jmx_live_free(l);
	return code;
}

void
jmx_live_free(struct jmx_live *l)
{
	int i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nevents; i++) {
		free(l->events[i].kind);
		free(l->events[i].agent);
		free(l->events[i].detail);
		free(l->events[i].actor);
	}
	free(l->events);
	free(l->agents);
	jmx_report_free(l->rep);
	jmx_control_status_free(&l->st);
	free(l);
}

int
jmx_live_ended(const struct jmx_live *l)
{
	return jmx_run_state_final(l->st.rec.state);
}

size_t
jmx_live_nlabels(const struct jmx_live *l)
{
	return jmx_summary_nlabels(l->rep->sum);
}

const struct jmx_summary_row *
jmx_live_label(const struct jmx_live *l, size_t i)
{
	return jmx_summary_label(l->rep->sum, i);
}

const struct jmx_summary_row *
jmx_live_total(const struct jmx_live *l)
{
	return jmx_summary_total(l->rep->sum);
}

static const char *const col_names[JMX_LIVE_NCOLS] = {
	[JMX_LIVE_COL_LABEL] = "label",
	[JMX_LIVE_COL_SAMPLES] = "samples",
	[JMX_LIVE_COL_RATE] = "/s",
	[JMX_LIVE_COL_AVG] = "avg",
	[JMX_LIVE_COL_P50] = "p50",
	[JMX_LIVE_COL_P90] = "p90",
	[JMX_LIVE_COL_P95] = "p95",
	[JMX_LIVE_COL_P99] = "p99",
	[JMX_LIVE_COL_ERRORS] = "err%"
};

const char *
jmx_live_col_name(enum jmx_live_col c)
{
	return (unsigned)c < JMX_LIVE_NCOLS ? col_names[c] : "?";
}

/* A row's value in a numeric column; NAN sorts last. */
static double
col_value(const struct jmx_summary_row *r, enum jmx_live_col c)
{
	switch (c) {
	case JMX_LIVE_COL_SAMPLES:
		return (double)r->count;
	case JMX_LIVE_COL_RATE:
		return r->throughput;
	case JMX_LIVE_COL_AVG:
		return r->avg;
	case JMX_LIVE_COL_P50:
		return r->p50 < 0 ? NAN : (double)r->p50;
	case JMX_LIVE_COL_P90:
		return r->p90 < 0 ? NAN : (double)r->p90;
	case JMX_LIVE_COL_P95:
		return r->p95 < 0 ? NAN : (double)r->p95;
	case JMX_LIVE_COL_P99:
		return r->p99 < 0 ? NAN : (double)r->p99;
	case JMX_LIVE_COL_ERRORS:
		return r->error_pct;
	case JMX_LIVE_COL_LABEL:
		break;
	}
	return NAN;
}

/* Does row a come after row b in column c's order? */
static int
after(const struct jmx_summary_row *a, const struct jmx_summary_row *b,
    enum jmx_live_col c, int ascending)
{
	double x, y;

	if (c == JMX_LIVE_COL_LABEL)
		return ascending ? strcmp(a->label, b->label) > 0 :
		    strcmp(a->label, b->label) < 0;
	x = col_value(a, c);
	y = col_value(b, c);
	if (isnan(x) || isnan(y))
		return isnan(x) && !isnan(y);	/* unknown last */
	return ascending ? x > y : x < y;
}

void
jmx_live_sort(const struct jmx_live *l, enum jmx_live_col c, int ascending,
    size_t *idx)
{
	size_t i, j, k, n = jmx_live_nlabels(l);

	for (i = 0; i < n; i++)
		idx[i] = i;
	/* Rows come sorted by label: a stable insertion sort keeps ties so. */
	for (i = 1; i < n; i++) {
		k = idx[i];
		for (j = i; j > 0 && after(jmx_live_label(l, idx[j - 1]),
		    jmx_live_label(l, k), c, ascending); j--)
			idx[j] = idx[j - 1];
		idx[j] = k;
	}
}

void
jmx_live_span(const struct jmx_live *l, int64_t *from_ms, int64_t *to_ms)
{
	const struct jmx_run_rec *rec = &l->st.rec;

	*from_ms = l->rep->t0_ms > 0 ? l->rep->t0_ms : rec->start_ms;
	if (*from_ms <= 0)
		*from_ms = l->now_ms;
	*to_ms = l->now_ms;
	if (jmx_live_ended(l) && rec->end_ms > *from_ms)
		*to_ms = rec->end_ms;
	if (*to_ms <= *from_ms)
		*to_ms = *from_ms + 1000;
}

/* Is [a, b) within a pause: from "pausing" to the next "resumed"? */
static unsigned
marks_in(const struct jmx_live *l, int64_t a, int64_t b)
{
	const struct jmx_live_event *e;
	int64_t paused = -1;
	unsigned m = 0;
	int i;

	for (i = 0; i < l->nevents; i++) {
		e = &l->events[i];
		if (strcmp(e->kind, "pausing") == 0 && paused < 0)
			paused = e->time_ms;
		else if ((strcmp(e->kind, "resumed") == 0 ||
		    strcmp(e->kind, "resume_failed") == 0) && paused >= 0) {
			if (paused < b && e->time_ms > a)
				m |= JMX_LIVE_MARK_PAUSED;
			paused = -1;
		}
		if (e->time_ms >= a && e->time_ms < b &&
		    jmx_report_failure_event(e->kind))
			m |= JMX_LIVE_MARK_FAILURE;
	}
	if (paused >= 0 && paused < b && !jmx_live_ended(l))
		m |= JMX_LIVE_MARK_PAUSED;
	return m;
}

static double
point_value(const struct jmx_report_point *p, enum jmx_live_metric m)
{
	switch (m) {
	case JMX_LIVE_THROUGHPUT:
		return (double)p->count;
	case JMX_LIVE_ERRORS:
		return (double)p->errors;
	case JMX_LIVE_P50:
		return p->p50 < 0 ? NAN : (double)p->p50;
	case JMX_LIVE_P95:
		return p->p95 < 0 ? NAN : (double)p->p95;
	case JMX_LIVE_THREADS:
		return (double)p->threads;
	}
	return NAN;
}

void
jmx_live_series(const struct jmx_live *l, enum jmx_live_metric m,
    int64_t from_ms, int64_t to_ms, int ncols, double *out, unsigned *marks)
{
	const struct jmx_report *r = l->rep;
	const struct jmx_report_point *p;
	int64_t a, b, pa, pb, iv = r->interval_s * 1000, last;
	double v, sum, secs;
	int c, i, rate, any;

	rate = m == JMX_LIVE_THROUGHPUT || m == JMX_LIVE_ERRORS;
	jmx_live_span(l, &pa, &last);
	for (c = 0; c < ncols; c++) {
		a = from_ms + (to_ms - from_ms) * c / ncols;
		b = from_ms + (to_ms - from_ms) * (c + 1) / ncols;
		if (marks != NULL)
			marks[c] = marks_in(l, a, b);
		out[c] = NAN;
		if (b <= pa || a >= last)
			continue;
		sum = 0;
		secs = 0;
		any = 0;
		for (i = 0; i < r->npoints; i++) {
			p = &r->points[i];
			pa = r->t0_ms + p->t * 1000;
			pb = pa + iv;
			/* A point counts where it starts, or covers a narrow
			 * column's start. */
			if (!((pa >= a && pa < b) || (pa <= a && pb > a)))
				continue;
			v = point_value(p, m);
			if (isnan(v))
				continue;
			any = 1;
			if (rate) {
				sum += v;
				secs += (double)iv / 1000.0;
			} else if (v > sum)
				sum = v;
		}
		jmx_live_span(l, &pa, &last);
		if (rate)
			out[c] = secs > 0 ? sum / secs : 0;
		else if (any)
			out[c] = sum;
	}
}

/* "12.3" or null for a rate or share that is not known. */
static void
pair_num(struct jmx_json *w, const char *key, double v)
{
	jmx_json_pair_double(w, key, isnan(v) ? NAN : round(v * 1000) / 1000);
}

void
jmx_live_json(const struct jmx_live *l, struct jmx_json *w,
    int64_t events_after)
{
	const struct jmx_run_rec *rec = &l->st.rec;
	const struct jmx_live_agent *a;
	const struct jmx_live_event *e;
	size_t i;
	int k;

	jmx_json_object_begin(w);
	jmx_json_pair_time(w, "time", l->now_ms);
	jmx_json_pair_int(w, "run_id", rec->id);
	jmx_json_pair_str(w, "test_case", rec->test_case);
	jmx_json_pair_str(w, "state", jmx_run_state_name(rec->state));
	jmx_json_pair_bool(w, "ended", jmx_live_ended(l));
	jmx_json_pair_bool(w, "controller_alive", l->st.alive);
	jmx_json_pair_time(w, "start", rec->start_ms);
	jmx_json_pair_int(w, "duration_ms", rec->duration_ms);
	jmx_json_pair_int(w, "elapsed_ms", l->st.elapsed_ms);
	jmx_json_pair_int_or_null(w, "remaining_ms", l->st.remaining_ms,
	    l->st.remaining_ms >= 0);
	jmx_json_pair_int(w, "threads_planned", rec->threads);
	jmx_json_pair_int(w, "threads_active", l->threads_active);
	jmx_json_pair_int_or_null(w, "skew_ms", rec->skew_ms,
	    rec->skew_ms >= 0);
	pair_num(w, "delivered_pct", jmx_live_ended(l) &&
	    rec->delivered_pct >= 0 ? rec->delivered_pct : NAN);
	jmx_json_pair_int(w, "short_threads", l->short_threads);
	jmx_json_pair_int(w, "samples", l->st.samples);
	jmx_json_pair_int(w, "errors", l->st.errors);
	pair_num(w, "throughput", l->rate);
	pair_num(w, "errors_per_s", l->error_rate);
	jmx_json_pair_time(w, "newest_sample", l->newest_ms);
	jmx_json_key(w, "agents");
	jmx_json_array_begin(w);
	for (k = 0; k < l->nagents; k++) {
		a = &l->agents[k];
		jmx_json_object_begin(w);
		jmx_json_pair_str(w, "name", a->name);
		jmx_json_pair_str(w, "state", a->state);
		jmx_json_pair_int(w, "threads", a->threads);
		jmx_json_pair_uint(w, "samples", a->samples);
		pair_num(w, "throughput", a->rate);
		pair_num(w, "error_pct", a->error_pct);
		jmx_json_pair_int_or_null(w, "p95", a->p95, a->p95 >= 0);
		jmx_json_pair_int_or_null(w, "age_ms", a->age_ms,
		    a->age_ms >= 0);
		jmx_json_object_end(w);
	}
	jmx_json_array_end(w);
	jmx_json_key(w, "labels");
	jmx_json_array_begin(w);
	for (i = 0; i < jmx_live_nlabels(l); i++)
		jmx_summary_row_json(jmx_live_label(l, i), w);
	jmx_json_array_end(w);
	jmx_json_key(w, "total");
	jmx_summary_row_json(jmx_live_total(l), w);
	jmx_json_key(w, "events");
	jmx_json_array_begin(w);
	for (k = 0; k < l->nevents; k++) {
		e = &l->events[k];
		if (e->id <= events_after)
			continue;
		jmx_json_object_begin(w);
		jmx_json_pair_int(w, "id", e->id);
		jmx_json_pair_time(w, "time", e->time_ms);
		jmx_json_pair_str(w, "kind", e->kind);
		jmx_json_pair_str(w, "agent", e->agent);
		jmx_json_pair_str(w, "detail", e->detail);
		jmx_json_pair_str(w, "actor", e->actor);
		jmx_json_object_end(w);
	}
	jmx_json_array_end(w);
	jmx_json_object_end(w);
}

void
jmx_live_line(const struct jmx_live *l, struct jmx_buf *b)
{
	const struct jmx_run_rec *rec = &l->st.rec;
	const struct jmx_summary_row *t = jmx_live_total(l);
	char now[32], el[32], rem[32] = "-";
	int k, up = 0;

	jmx_format_time(now, sizeof now, l->now_ms);
	jmx_format_duration(el, sizeof el, l->st.elapsed_ms);
	if (l->st.remaining_ms >= 0)
		jmx_format_duration(rem, sizeof rem, l->st.remaining_ms);
	for (k = 0; k < l->nagents; k++)
		up += strcmp(l->agents[k].state, "running") == 0;
	jmx_buf_addf(b, "%s run %lld %s elapsed %s remaining %s threads "
	    "%lld/%lld samples %lld errors %lld rate %.1f/s", now,
	    (long long)rec->id, jmx_run_state_name(rec->state), el, rem,
	    (long long)l->threads_active, (long long)rec->threads,
	    (long long)l->st.samples, (long long)l->st.errors, l->rate);
	if (t->p95 >= 0)
		jmx_buf_addf(b, " p95 %lldms", (long long)t->p95);
	else
		jmx_buf_adds(b, " p95 -");
	jmx_buf_addf(b, " agents %d/%d running", up, l->nagents);
	if (l->short_threads > 0)
		jmx_buf_addf(b, " short %lld threads",
		    (long long)l->short_threads);
	if (jmx_live_ended(l) && rec->delivered_pct >= 0)
		jmx_buf_addf(b, " delivered %.1f%%", rec->delivered_pct);
}

void
jmx_live_event_line(const struct jmx_live_event *e, struct jmx_buf *b)
{
	struct jmx_buf raw = { 0 };
	char t[32];

	jmx_format_time(t, sizeof t, e->time_ms);
	jmx_buf_addf(b, "%s ", t);
	jmx_report_event_text(&raw, e->kind, e->agent, e->detail);
	if (e->actor != NULL)
		jmx_buf_addf(&raw, " [%s]", e->actor);
	/* Details quote agents' output: never raw to a terminal. */
	jmx_text_escape(b, raw.data);
	jmx_buf_free(&raw);
}

/*
 * takeover.c: a new controller for a run whose controller is gone
 * (jmx-run attach).  The run's agents, split and segments are rebuilt
 * from the store: live segments are tailed on from their committed
 * offsets, ended ones kept, and the run goes on in runner.c's poll loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "hist.h"
#include "jtl.h"
#include "log.h"
#include "part.h"
#include "plan.h"
#include "runner.h"
#include "runner-int.h"
#include "segment.h"
#include "stats.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

/* An agent out of reach is warned about, not waited for. */
#define AGENT_CONNECT_MS	5000

/* An agent as the first controller saw it (its run_agents row). */
static void
agent_from_row(struct jmx_runner *r, struct ragent *ra,
    const struct jmx_run_agent_rec *row)
{
	ra->a.clock_offset_ms = row->clock_offset_ms;
	ra->a.cores = row->cores;
	ra->a.mem_avail_mb = row->mem_mb;
	snprintf(ra->a.java_version, sizeof ra->a.java_version, "%s",
	    row->java_version != NULL ? row->java_version : "");
	snprintf(ra->a.jmeter_version, sizeof ra->a.jmeter_version, "%s",
	    row->jmeter_version != NULL ? row->jmeter_version : "");
	jmx_runner_set_capacity(r, ra);
	ra->weight = row->weight;
	ra->peak_threads = (int)row->threads;
	ra->state = "ok";
}

/* The run's agents as the first controller stored them (v[n]). */
static enum jmx_code
adopt_agents(struct jmx_runner *r, const struct jmx_run_agent_rec *v, int n,
    struct jmx_err *err)
{
	struct ragent *ra;
	int i, j;

	for (i = 0; i < r->n; i++) {
		ra = &r->agents[i];
		for (j = 0; j < n; j++)
			if (strcmp(v[j].agent, ra->a.conf->name) == 0)
				break;
		if (j == n)
			return jmx_err_set(err, JMX_ERR_STATE, "run %lld has "
			    "no agent '%s'", (long long)r->rec.id,
			    ra->a.conf->name);
		agent_from_row(r, ra, &v[j]);
	}
	return JMX_OK;
}

/*
 * The spares that joined the run: the rest of its stored agents (v[n]),
 * added after the split is made again.
 */
static void
adopt_spares(struct jmx_runner *r, const struct jmx_run_agent_rec *v, int n)
{
	const struct jmx_agent_conf *conf;
	struct ragent *ra;
	int j;

	for (j = 0; j < n; j++) {
		if (jmx_runner_agent_named(r, v[j].agent) != NULL ||
		    (conf = jmx_config_agent(r->cfg, v[j].agent)) == NULL)
			continue;
		ra = jmx_runner_append_agent(r, &r->agents, &r->n, conf);
		agent_from_row(r, ra, &v[j]);
		ra->spare = 1;
	}
}

/*
 * A running row whose JTL was collected and all ingested: its JMeter
 * ended, the JTL was fetched whole into local_dir, and the controller
 * died before it stored the end (maybe after the work dir went).
 * Tailing it on would find no work dir and call it lost.  Its work dir
 * is removed if it is still there.
 */
static int
collected(struct jmx_seg *s)
{
	char *path, *data = NULL;
	size_t len;
	int64_t n;
	int got;

	xasprintf(&path, "%s/results.jtl", s->local_dir);
	got = jmx_read_file(path, &data, &len, NULL) == JMX_OK;
	free(path);
	n = got ? (int64_t)jmx_jtl_count(data, len) : -1;
	free(data);
	if (n != s->rec.records)
		return 0;
	s->jtl_records = n;
	if (jmx_agent_connect(&s->a, AGENT_CONNECT_MS, &s->err) == JMX_OK)
		jmx_agent_cleanup(&s->a, s->rec.work_dir, NULL);
	jmx_agent_disconnect(&s->a);
	return 1;
}

/*
 * Segments from the store: live ones are tailed on, ended ones kept.
 * The current generation is the newest; its T0 its first start.
 */
static enum jmx_code
adopt_segments(struct jmx_runner *r, struct jmx_err *err)
{
	const struct jmx_settings *set = &r->cfg->settings;
	struct jmx_segment_rec *v;
	struct ragent *ra;
	struct jmx_seg *s;
	int i, n;

	if (jmx_store_segments(r->store, r->rec.id, &v, &n, err) != JMX_OK)
		return err->code;
	for (i = 0; i < n; i++)
		if (v[i].gen > r->gen)
			r->gen = v[i].gen;
	for (i = 0; i < n; i++)
		if (v[i].gen == r->gen && v[i].start_ms > 0 &&
		    (r->gen_t0 == 0 || v[i].start_ms < r->gen_t0))
			r->gen_t0 = v[i].start_ms;
	for (i = 0; i < n; i++) {
		if ((ra = jmx_runner_agent_named(r, v[i].agent)) == NULL)
			continue;
		s = jmx_seg_new(&ra->a, r->rec.id, set, r->req->keep);
		free(s->rec.agent);
		s->rec = v[i];		/* takes over its strings */
		memset(&v[i], 0, sizeof v[i]);
		jmx_seg_set_id(s, s->rec.id, r->rec.run_dir);
		jmx_runner_add_seg(r, s);
		jmx_part_init(&s->part, r->plan->ngroups);
		if (s->rec.part == NULL || jmx_part_parse(s->rec.part,
		    r->plan->ngroups, &s->part, err) != JMX_OK) {
			jmx_segment_recs_free(v, n);
			return jmx_err_set(err, JMX_ERR_STATE, "run %lld: "
			    "segment %lld has no part of the load to take "
			    "over", (long long)r->rec.id,
			    (long long)s->rec.id);
		}
		if (s->rec.cause != NULL) {
			s->lost = 1;
			snprintf(s->cause, sizeof s->cause, "%s",
			    s->rec.cause);
			ra->lost = 1;
		}
		if (s->rec.gen == r->gen)
			s->planned_end_ms = jmx_runner_planned_end(r);
		jmx_runner_side_groups(r, s);
		if (s->rec.state == JMX_SEGMENT_STARTING &&
		    s->rec.work_dir != NULL) {
			/*
			 * Staged, never released: its JMeter waits at the
			 * sync point (or is still starting); end it and
			 * remove its work dir.
			 */
			s->cancelled = 1;
			jmx_seg_stop(s, 2);
			if (jmx_seg_adopt(s) != JMX_OK)
				log_warn("%s", s->err.msg);
		} else if (s->rec.state == JMX_SEGMENT_RUNNING &&
		    s->rec.work_dir != NULL && !s->lost && !collected(s)) {
			if (jmx_seg_adopt(s) != JMX_OK)
				log_warn("%s", s->err.msg);
		} else if (s->rec.state == JMX_SEGMENT_RUNNING &&
		    s->rec.work_dir != NULL && !s->lost) {
			/* collected(): its end was all that was missing. */
			s->state = JMX_SEG_DONE;
			s->status = "done";
		} else {
			s->state = s->rec.state == JMX_SEGMENT_ENDED ||
			    s->rec.state == JMX_SEGMENT_FENCED ?
			    JMX_SEG_DONE : JMX_SEG_FAILED;
			s->fenced = s->rec.state == JMX_SEGMENT_FENCED;
			s->cancelled = s->rec.state == JMX_SEGMENT_CANCELLED;
			s->status = "done";
			s->jtl_records = s->rec.jtl_records;
		}
	}
	jmx_segment_recs_free(v, n);
	return JMX_OK;
}

/*
 * A segment lost while its controller died moving its load: the takers
 * never started (attach ends them, staged), so the load ran nowhere
 * from the loss on.  Say so as a failed move would (unplaced), or the
 * run would claim it delivered all its load.
 */
static void
unmoved_losses(struct jmx_runner *r)
{
	struct jmx_shortfall_rec *f;
	const struct jmx_seg *s, *t;
	int i, j, nf, moved;

	if (jmx_store_shortfalls(r->store, r->rec.id, &f, &nf, NULL) != JMX_OK)
		return;
	for (i = 0; i < r->nsegs; i++) {
		s = r->segs[i];
		/* Declared lost (a cause), maybe before its row said so. */
		if (s->rec.cause == NULL || s->rec.gen != r->gen ||
		    s->rec.state == JMX_SEGMENT_FAILED ||
		    s->rec.state == JMX_SEGMENT_CANCELLED ||
		    !jmx_part_has_load(r->plan, s->part.groups))
			continue;
		moved = 0;
		for (j = 0; j < nf; j++)
			moved |= f[j].segment_id == s->rec.id;
		for (j = 0; j < r->nsegs; j++) {
			t = r->segs[j];
			moved |= t->rec.replaces == s->rec.id &&
			    t->rec.state != JMX_SEGMENT_STARTING &&
			    t->rec.state != JMX_SEGMENT_CANCELLED &&
			    t->rec.state != JMX_SEGMENT_FAILED;
		}
		if (moved)
			continue;
		jmx_runner_shortfall(r, s, &s->part, "unplaced",
		    s->rec.end_ms > 0 ? s->rec.end_ms : jmx_now_ms(), 0,
		    "its controller died while the load was moved");
		jmx_runner_event(r, "move_failed", s->rec.agent, "its "
		    "controller died while the load was moved", NULL);
	}
	jmx_shortfall_recs_free(f, nf);
}

/*
 * Work dirs the controller that is gone made but never recorded (killed
 * while it unpacked): no segment names them, so nothing else would ever
 * remove them.  Only on an agent whose lock is ours again: another
 * database's run of the same number could be unpacking there.  Every
 * agent is told all the run's dirs, as agents may share a /tmp.
 */
static void
sweep_agents(struct jmx_runner *r)
{
	const char *keep[r->nsegs > 0 ? r->nsegs : 1];
	struct jmx_agent *a;
	struct jmx_err err = { 0 };
	int i, n = 0;

	for (i = 0; i < r->nsegs; i++)
		if (r->segs[i]->rec.work_dir != NULL)
			keep[n++] = r->segs[i]->rec.work_dir;
	for (i = 0; i < r->n; i++) {
		a = &r->agents[i].a;
		if (a->lease == NULL)
			continue;
		if (jmx_agent_connect(a, AGENT_CONNECT_MS, &err) != JMX_OK ||
		    jmx_agent_sweep(a, r->rec.id, keep, n, &err) != JMX_OK)
			log_warn("%s", err.msg);
		jmx_agent_disconnect(a);
		jmx_err_clear(&err);
	}
}

/*
 * Commands sent to the controller that is gone were never answered;
 * acting on them now, maybe minutes later, would surprise whoever sent
 * them.  Fail them: they can ask again.
 */
static void
drop_stale_commands(struct jmx_runner *r)
{
	char *verb, *actor;
	int64_t id, after = 0;

	while (jmx_store_command_next(r->store, r->rec.id, after, &id, &verb,
	    &actor, NULL) == JMX_OK && id != 0) {
		jmx_store_command_done(r->store, id, 0, "its controller was "
		    "gone; ask again", NULL);
		after = id;
		free(verb);
		free(actor);
	}
}

/* When the pause now in progress was asked for. */
static int64_t
pause_asked(struct jmx_runner *r)
{
	struct jmx_event_rec *ev;
	int64_t t = jmx_now_ms();
	int i, n;

	if (jmx_store_events(r->store, r->rec.id, &ev, &n, NULL) != JMX_OK)
		return t;
	for (i = 0; i < n; i++)
		if (strcmp(ev[i].kind, "pausing") == 0)
			t = ev[i].time_ms;
	jmx_event_recs_free(ev, n);
	return t;
}

enum jmx_code
jmx_runner_attach(struct jmx_runner *r, int64_t run_id, struct jmx_err *err)
{
	struct jmx_summary *sum;
	const struct jmx_summary_row *total;
	struct jmx_run_agent_rec *v;
	enum jmx_code code;
	char host[256] = "";
	int n;

	if (jmx_store_run_get(r->store, run_id, &r->rec, err) != JMX_OK)
		return err->code;
	if (jmx_run_state_final(r->rec.state))
		return jmx_err_set(err, JMX_ERR_STATE, "run %lld has ended "
		    "(%s)", (long long)run_id,
		    jmx_run_state_name(r->rec.state));
	if (jmx_store_run_agents(r->store, run_id, &v, &n, err) != JMX_OK)
		return err->code;
	if ((code = adopt_agents(r, v, n, err)) == JMX_OK &&
	    (code = jmx_runner_split(r, err)) == JMX_OK)
		adopt_spares(r, v, n);
	jmx_run_agent_recs_free(v, n);
	if (code != JMX_OK)
		return code;
	r->duration_ms = r->rec.duration_ms;
	r->ramp_ms = r->rec.ramp_ms;
	r->t0 = r->rec.start_ms;
	/* What is stored already counts towards the totals. */
	sum = jmx_summary_new();
	if (jmx_store_summary(r->store, run_id, NULL, sum, err) != JMX_OK) {
		jmx_summary_free(sum);
		return err->code;
	}
	total = jmx_summary_total(sum);
	r->samples = (int64_t)total->count;
	r->errors = (int64_t)total->errors;
	jmx_summary_free(sum);
	r->window = jmx_hist_new();
	r->window_start = jmx_mono_ms();

	r->rec.controller_pid = getpid();
	gethostname(host, sizeof host - 1);
	free(r->rec.controller_host);
	r->rec.controller_host = xstrdup(host);
	r->rec.heartbeat_ms = jmx_now_ms();
	if (jmx_store_run_update(r->store, &r->rec, err) != JMX_OK)
		return err->code;
	jmx_runner_event(r, "attached", NULL,
	    "a new controller took the run over", NULL);
	drop_stale_commands(r);
	if (adopt_segments(r, err) != JMX_OK)
		return err->code;
	unmoved_losses(r);
	jmx_runner_probe_spares(r);
	jmx_runner_lock_agents(r, 0, err);
	sweep_agents(r);
	switch (r->rec.state) {
	case JMX_RUN_RUNNING:
	case JMX_RUN_PAUSED:
		break;
	case JMX_RUN_PAUSING:
		r->pausing = 1;
		r->pause_ms = pause_asked(r);
		break;
	default:
		/* Caught mid-start, mid-resume or mid-stop: end it. */
		jmx_runner_begin_stop(r, 2, "controller");
		break;
	}
	return JMX_OK;
}

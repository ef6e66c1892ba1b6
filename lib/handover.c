/*
 * handover.c: lost and suspect segments, and their load moved.
 *
 * A segment declared lost (its worker gave up on the agent) has its part
 * moved as settings.on_agent_failure says: failover.c decides who takes
 * it (spares first, then free room), and its takers are staged and
 * released like any batch (runner.c).  An agent gone silent has its
 * takers staged ahead (a standby), released the moment it is lost.  A
 * JMeter of the first start that died before it was ready has its share
 * moved before T0.  Main thread only, called from runner.c's start phase
 * and poll loop.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "data.h"
#include "failover.h"
#include "log.h"
#include "part.h"
#include "plan.h"
#include "runner.h"
#include "runner-int.h"
#include "segment.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

/* A lost share is not moved when less than this is left of the run. */
#define MIN_MOVE_MS		3000

/*
 * Segments that took over a lost agent's load started late: end them
 * with the rest of their generation, at its planned end.
 */
void
jmx_runner_end_takeovers(struct jmx_runner *r)
{
	int64_t end = jmx_runner_planned_end(r);
	int i;

	if (end == 0 || r->stopping || r->pausing || jmx_now_ms() < end + 1000)
		return;
	for (i = 0; i < r->nsegs; i++)
		if (r->segs[i]->rec.gen == r->gen &&
		    r->segs[i]->rec.start_ms > r->gen_t0)
			jmx_seg_stop(r->segs[i], 1);
}

/* A lost part's move: takers, their parts, placements, and a batch. */
struct move {
	struct jmx_seg		*lost;		/* whose part */
	struct jmx_failover	 fo;		/* takers, parts, the rest */
	struct placement	*pl;		/* takers that got load */
	char			**tags;		/* their data slices */
	int			 k;		/* placements */
	int			 whole;		/* data rows reused */
	struct batch		 batch;
	int			 staged;	/* batch staged ahead */
	int			 warm;		/* the warm spare took it */
	char			*props;		/* its release file's rest */
	struct jmx_part		 part;		/* a warm spare's, held */
};

/* The warm spare's held segment, or NULL. */
static struct jmx_seg *
warm_seg(struct jmx_runner *r)
{
	return r->warm != NULL && r->warm->batch.n > 0 ?
	    r->warm->batch.ph[0].seg : NULL;
}

/*
 * The agent's segments now: how many carry load, the threads they hold
 * at peak, and whether one is lost or silent.
 */
struct agent_load {
	int	live;
	int64_t	threads;
	int	doubt;
};

static void
agent_load(struct jmx_runner *r, const struct ragent *ra,
    struct agent_load *l)
{
	struct jmx_seg *s;
	int i;

	memset(l, 0, sizeof *l);
	l->doubt = ra->lost;
	for (i = 0; i < r->nsegs; i++) {
		s = r->segs[i];
		/* A warm spare held at the sync point carries nothing. */
		if (strcmp(s->rec.agent, ra->a.conf->name) != 0 ||
		    s == warm_seg(r))
			continue;
		if (jmx_seg_live(s))
			l->live++;
		/* Staged ones hold their room, though not running yet. */
		if (jmx_seg_live(s) || jmx_seg_state(s) == JMX_SEG_NEW)
			l->threads += jmx_part_peak(r->plan, s->part.groups);
		if (jmx_seg_lost(s, NULL, 0) || jmx_seg_suspect(s))
			l->doubt = 1;
	}
}

/* Whether the agent has a segment carrying load now. */
int
jmx_runner_has_live(struct jmx_runner *r, const struct ragent *ra)
{
	struct agent_load l;

	agent_load(r, ra, &l);
	return l.live > 0;
}

/*
 * Bring a spare into the run: reserved (if no other run holds it), a
 * row in run_agents, an agent of the run.  Its index, -1 if it cannot.
 * One joined before whose takers were cancelled is idle: used again.
 */
static int
join_spare(struct jmx_runner *r, struct ragent *sp)
{
	const char *name = sp->a.conf->name;
	struct jmx_err err = { 0 };
	struct agent_load l;
	struct ragent *ra;

	if (sp->joined) {
		ra = jmx_runner_agent_named(r, name);
		if (ra == NULL)
			return -1;
		agent_load(r, ra, &l);
		return l.live == 0 && l.threads == 0 && !l.doubt ? ra->idx :
		    -1;
	}
	if (sp->verr.code != JMX_OK || sp->max_threads <= 0 ||
	    jmx_runner_holder(r, sp) != 0)
		return -1;
	if (jmx_agent_lock(&sp->a, &r->lock_me, &err) != JMX_OK ||
	    jmx_store_reserve(r->store, r->rec.id, &name, 1, jmx_now_ms(),
	    &err) != JMX_OK) {
		jmx_agent_unlock(&sp->a);
		log_warn("spare '%s': %s", name, err.msg);
		return -1;
	}
	sp->joined = 1;
	ra = jmx_runner_append_agent(r, &r->agents, &r->n, sp->a.conf);
	ra->a = sp->a;		/* the probe; its session was closed */
	sp->a.lease = NULL;	/* the run's agent holds its lock now */
	ra->weight = sp->weight;
	ra->max_threads = sp->max_threads;
	ra->spare = 1;
	ra->state = "spare";
	jmx_runner_put_agent(r, ra, -1, "spare");
	jmx_runner_event(r, "spare_joined", name, "to take over a lost "
	    "agent's load", NULL);
	return ra->idx;
}

/*
 * Who can take over a lost part, as failover.c wants them: the spares
 * (one not yet joined as idle, if it passed validation), then the run's
 * agents with their load now.  Candidate i is r->spares[i] if i <
 * r->nspares, else r->agents[i - r->nspares].
 */
static int
candidates(struct jmx_runner *r, struct jmx_failover_cand *c)
{
	struct agent_load l;
	struct ragent *ra;
	int i, n = 0;

	for (i = 0; i < r->nspares; i++, n++) {
		struct ragent *sp = &r->spares[i];

		memset(&c[n], 0, sizeof c[n]);
		c[n].spare = 1;
		if (!sp->joined) {
			if (sp->verr.code == JMX_OK)
				c[n].max_threads = sp->max_threads;
			continue;
		}
		/* Joined before, its takers cancelled: idle, used again. */
		if ((ra = jmx_runner_agent_named(r, sp->a.conf->name)) == NULL)
			continue;
		agent_load(r, ra, &l);
		c[n].doubt = l.doubt;
		c[n].live = l.live;
		c[n].threads = l.threads;
		c[n].max_threads = ra->max_threads;
	}
	for (i = 0; i < r->n; i++, n++) {
		agent_load(r, &r->agents[i], &l);
		memset(&c[n], 0, sizeof c[n]);
		c[n].doubt = l.doubt;
		c[n].live = l.live;
		c[n].threads = l.threads;
		c[n].max_threads = r->agents[i].max_threads;
	}
	return n;
}

/*
 * Decide who takes over s's part (failover.c) and join the spares it
 * chose; a spare that cannot join is left out and the decision made
 * again.  Fills idx[] (into r->agents) for each taker of m->fo.
 */
static void
takers(struct jmx_runner *r, struct move *m, int *idx)
{
	struct jmx_failover_cand *c;
	struct jmx_seg *s = m->lost;
	int n, i, t = -1;

	c = xcalloc((size_t)(r->nspares + r->n) + 1, sizeof *c);
	n = candidates(r, c);
	for (;;) {
		jmx_failover_plan(r->plan, &s->part, r->test->setup_on_all,
		    c, n, &m->fo);
		for (i = 0; i < m->fo.ntakers; i++) {
			t = m->fo.taker[i];
			if (t >= r->nspares)
				idx[i] = t - r->nspares;
			else if ((idx[i] = join_spare(r, &r->spares[t])) < 0)
				break;
		}
		if (i == m->fo.ntakers)
			break;
		c[t].max_threads = 0;	/* it could not join */
		jmx_failover_free(&m->fo);
	}
	free(c);
}

/* When the lost segment's load stopped: its last sample's end. */
static int64_t
loss_start(struct jmx_seg *s)
{
	int64_t t;

	pthread_mutex_lock(&s->lock);
	t = s->last_end > 0 ? s->last_end : s->seen_ms > 0 ? s->seen_ms :
	    s->lost_ms;
	pthread_mutex_unlock(&s->lock);
	return t;
}

void
jmx_runner_shortfall(struct jmx_runner *r, const struct jmx_seg *s,
    const struct jmx_part *part, const char *kind, int64_t from_ms,
    int64_t to_ms, const char *reason)
{
	struct jmx_shortfall_rec f;
	int g;

	for (g = 0; g < r->plan->ngroups; g++) {
		if (!jmx_part_group_has_load(r->plan, part->groups, g))
			continue;
		memset(&f, 0, sizeof f);
		f.segment_id = s->rec.id;
		f.agent = s->rec.agent;
		f.kind = (char *)kind;
		f.grp = g;
		f.grp_name = r->plan->groups[g].name;
		f.threads = part->groups[g].threads;
		f.from_ms = from_ms;
		f.to_ms = to_ms;
		f.reason = (char *)reason;
		jmx_store_shortfall_add(r->store, r->rec.id, &f, NULL);
	}
}

/*
 * Each taker's data: what the lost segment left of its slice of every
 * split data file (after the rows it used and one per thread that may
 * have been in use unseen), cut again between them by threads; too few
 * rows to cut, each gets them all (rows are then used twice, as said in
 * the event).
 */
static int
slice_for_takers(struct jmx_runner *r, struct jmx_seg *lost,
    const struct placement *pl, int n)
{
	struct jmx_data_file *data;
	const char *from = lost->rec.slice != NULL ? lost->rec.slice :
	    lost->rec.agent;
	const char **tags = xcalloc((size_t)n, sizeof *tags);
	double *w = xcalloc((size_t)n, sizeof *w);
	struct jmx_data_pos pos;
	int i, ndata, whole;

	jmx_runner_seg_rows(lost, &pos);
	for (i = 0; i < n; i++) {
		tags[i] = pl[i].slice;
		w[i] = (double)jmx_part_main_threads(r->plan, pl[i].part) + 1;
	}
	ndata = jmx_runner_run_data(r, &data);
	whole = jmx_data_continue(data, ndata, r->rec.run_dir, from, &pos,
	    jmx_runner_rows_in_flight(r, lost), n, w, tags);
	jmx_data_files_free(data, ndata);
	jmx_data_pos_free(&pos);
	free(tags);
	free(w);
	return whole;
}


static void
move_free(struct move *m)
{
	int i;

	for (i = 0; i < m->k; i++)
		free(m->tags[i]);
	jmx_failover_free(&m->fo);
	jmx_part_free(&m->part);
	free(m->pl);
	free(m->tags);
	free(m->props);
	free(m);
}

/* Who takes which part of s's load, and their data slices. */
static struct move *
plan_move(struct jmx_runner *r, struct jmx_seg *s)
{
	const struct jmx_plan *plan = r->plan;
	struct move *m = xcalloc(1, sizeof *m);
	int max = r->n + r->nspares + 1, *idx, i;

	idx = xcalloc((size_t)max, sizeof *idx);
	m->lost = s;
	takers(r, m, idx);
	m->pl = xcalloc((size_t)m->fo.ntakers + 1, sizeof *m->pl);
	m->tags = xcalloc((size_t)m->fo.ntakers + 1, sizeof *m->tags);
	for (i = 0; i < m->fo.ntakers; i++) {
		if (!jmx_part_has_load(plan, m->fo.parts[i].groups))
			continue;
		xasprintf(&m->tags[m->k], "%lld.%d", (long long)s->rec.id,
		    m->k);
		m->pl[m->k].agent = idx[i];
		m->pl[m->k].part = &m->fo.parts[i];
		m->pl[m->k].slice = m->tags[m->k];
		m->pl[m->k].replaces = s->rec.id;
		m->k++;
	}
	if (m->k > 0)
		m->whole = slice_for_takers(r, s, m->pl, m->k);
	free(idx);
	return m;
}

/* Stage a move's takers for the time left. */
static void
stage_move(struct jmx_runner *r, struct move *m)
{
	int64_t left = jmx_runner_planned_end(r) - jmx_now_ms();
	int64_t ramp = r->ramp_ms - jmx_run_active_ms(&r->rec, r->gen_t0,
	    jmx_now_ms());

	jmx_runner_stage(r, m->pl, m->k, left, ramp > 0 ? ramp : 0, &m->batch);
	m->staged = 1;
}

/*
 * A move's takers now carry its parts: their peak threads, a spare's
 * row, and "a3 (3), a1 (2)" appended to d.
 */
static void
takers_in(struct jmx_runner *r, struct move *m, struct jmx_buf *d)
{
	int i;

	for (i = 0; i < m->k; i++) {
		struct ragent *ra = &r->agents[m->pl[i].agent];

		ra->peak_threads += jmx_part_peak(r->plan,
		    m->pl[i].part->groups);
		if (ra->spare)
			jmx_runner_put_agent(r, ra, -1, "ok");
		jmx_buf_addf(d, "%s %s (%lld)", i > 0 ? "," : "",
		    ra->a.conf->name,
		    (long long)jmx_part_main_threads(r->plan, m->pl[i].part));
	}
}

/*
 * Warm spares.  A spare configured `spare: warm` has its JMeter started
 * as soon as the run runs, with a plan whose thread counts, ramp-up and
 * duration are properties (plan.c, share->warm), and held at the sync
 * point: not released at the run's T0.  When a lost part goes to it
 * whole (failover.c chooses spares first), its data slices are uploaded
 * and the release file carries T0 and those properties: no JVM starts
 * then.  One warm spare per run; a second loss, a part that goes
 * elsewhere or a plan it cannot run (plugin groups, throughput targets)
 * take the cold way.  Not used, it is stopped at the run's end (or a
 * pause) with nothing collected.
 */

/* The split data files' slices tag, uploaded into s's work dir. */
static enum jmx_code
upload_slices(struct jmx_runner *r, struct jmx_seg *s, const char *tag,
    struct jmx_err *err)
{
	struct jmx_data_file *data;
	enum jmx_code code = JMX_OK;
	char *path, *text;
	size_t len;
	int j, ndata;

	ndata = jmx_runner_run_data(r, &data);
	for (j = 0; j < ndata && code == JMX_OK; j++) {
		if (!data[j].split)
			continue;
		path = jmx_data_slice_path(r->rec.run_dir, &data[j], tag);
		if ((code = jmx_read_file(path, &text, &len, err)) == JMX_OK) {
			code = jmx_agent_put(&s->a, s->rec.work_dir,
			    data[j].name, text, err);
			free(text);
		}
		free(path);
	}
	jmx_data_files_free(data, ndata);
	return code;
}

/*
 * Start the warm spare, once, when the run runs: join it, stage its
 * JMeter (held) for the whole run.
 */
static void
stage_warm(struct jmx_runner *r)
{
	struct ragent *sp = NULL;
	struct move *m;
	int i, g, idx;

	if (r->warm_tried || r->rec.state != JMX_RUN_RUNNING || r->stopping ||
	    r->pausing || r->finishing)
		return;
	r->warm_tried = 1;
	for (i = 0; i < r->nspares && sp == NULL; i++)
		if (r->spares[i].a.conf->warm && !r->spares[i].joined)
			sp = &r->spares[i];
	if (sp == NULL || r->cfg->settings.on_agent_failure !=
	    JMX_POLICY_REDISTRIBUTE || r->duration_ms <= 0)
		return;
	if (!jmx_plan_warm_ok(r->plan)) {
		jmx_runner_event(r, "warm_spare_cold", sp->a.conf->name,
		    "the plan has plugin thread groups or throughput targets: "
		    "it takes over the cold way", NULL);
		return;
	}
	if ((idx = join_spare(r, sp)) < 0)
		return;
	m = xcalloc(1, sizeof *m);
	jmx_part_init(&m->part, r->plan->ngroups);
	for (g = 0; g < r->plan->ngroups; g++)
		if (r->plan->groups[g].kind == JMX_PLAN_SETUP &&
		    r->test->setup_on_all)
			m->part.groups[g].threads = r->plan->groups[g].threads;
	m->pl = xcalloc(1, sizeof *m->pl);
	m->tags = xcalloc(1, sizeof *m->tags);	/* no slice of its own */
	m->pl[0].agent = idx;
	m->pl[0].part = &m->part;
	m->pl[0].slice = "warm";
	m->pl[0].warm = 1;
	m->k = 1;
	r->warm = m;
	jmx_runner_stage(r, m->pl, 1, r->duration_ms, -1, &m->batch);
	m->staged = 1;
	if (m->batch.code != JMX_OK) {
		jmx_runner_cancel_warm(r, m->batch.err.msg);
		return;
	}
	jmx_runner_event(r, "warm_spare", sp->a.conf->name, "its JMeter "
	    "is held at the sync point, ready to take over", NULL);
}

/*
 * If m's one taker is the warm spare, it takes m's part: slices
 * uploaded, the part's threads and time left for its release file, its
 * held batch m's.  Else (or if the upload fails) m stays to be staged,
 * and a warm spare m puts load on is stopped (the cold way takes it).
 */
static void
take_warm(struct jmx_runner *r, struct move *m)
{
	struct move *w = r->warm;
	struct jmx_seg *s = warm_seg(r);
	const struct jmx_part *part = m->pl[0].part;
	int64_t left = jmx_runner_planned_end(r) - jmx_now_ms();
	int64_t ramp = r->ramp_ms - jmx_run_active_ms(&r->rec, r->gen_t0,
	    jmx_now_ms());
	struct jmx_err err = { 0 };
	struct jmx_buf props = { 0 };
	int i, g;

	if (s == NULL)
		return;
	for (i = 0; i < m->k; i++)
		if (m->pl[i].agent == w->pl[0].agent)
			break;
	if (i == m->k)
		return;
	if (m->k > 1 || upload_slices(r, s, m->pl[0].slice, &err) != JMX_OK) {
		jmx_runner_cancel_warm(r, m->k > 1 ? "the load goes to more "
		    "than it" : err.msg);
		return;
	}
	for (g = 0; g < r->plan->ngroups; g++)
		if (r->plan->groups[g].enabled &&
		    jmx_plan_warm_group(&r->plan->groups[g]))
			jmx_buf_addf(&props, JMX_PLAN_WARM_THREADS "%d=%d\n", g,
			    part->groups[g].threads);
	jmx_buf_addf(&props, JMX_PLAN_WARM_DURATION "=%lld\n"
	    JMX_PLAN_WARM_RAMP "=%lld\n", (long long)((left + 999) / 1000),
	    (long long)(ramp > 0 ? (ramp + 999) / 1000 : 0));
	/* The held segment now carries the part. */
	jmx_part_set(&s->part, part->groups, part->ngroups, part->scale);
	free(s->rec.part);
	s->rec.part = jmx_part_format(&s->part);
	free(s->rec.slice);
	s->rec.slice = xstrdup(m->pl[0].slice);
	s->rec.replaces = m->pl[0].replaces;
	jmx_runner_save_segment(r, s);
	jmx_runner_side_groups(r, s);
	m->batch = w->batch;
	m->batch.duration_ms = left;
	m->props = props.data;
	m->batch.ph[0].props = m->props;
	m->staged = 1;
	m->warm = 1;
	memset(&w->batch, 0, sizeof w->batch);
	r->warm = NULL;
	move_free(w);
}

/* Stop the warm spare's held JMeter, if any, saying why. */
void
jmx_runner_cancel_warm(struct jmx_runner *r, const char *why)
{
	struct move *m = r->warm;
	struct jmx_err err = { 0 };
	char text[sizeof err.msg];
	int64_t t0 = 0;

	if (m == NULL)
		return;
	/* why may be the batch's own error, which the release frees. */
	snprintf(text, sizeof text, "%s", why[0] != '\0' ? why :
	    "its JMeter did not reach the sync point");
	r->warm = NULL;
	jmx_runner_release(r, &m->batch, 1, &t0, &err);
	jmx_runner_event(r, "warm_spare_stopped",
	    r->agents[m->pl[0].agent].a.conf->name, text, NULL);
	move_free(m);
}

/*
 * Carry a move out (its takers staged ahead or now) and record it: the
 * handover gap from from, what found no room, the event.  Frees m.
 */
static void
finish_move(struct jmx_runner *r, struct move *m, int64_t from)
{
	const struct jmx_plan *plan = r->plan;
	struct jmx_seg *s = m->lost;
	struct jmx_part placed;
	struct jmx_err err = { 0 };
	struct jmx_buf d = { 0 };
	int64_t t0 = 0;
	int i, ahead = m->staged;

	if (m->k == 0)
		jmx_err_set(&err, JMX_ERR_AGENT, "no agent has room for it");
	else {
		if (!m->staged)
			take_warm(r, m);
		if (!m->staged)
			stage_move(r, m);
		jmx_runner_release(r, &m->batch, 0, &t0, &err);
	}
	if (err.code != JMX_OK) {
		jmx_runner_shortfall(r, s, &s->part, "unplaced", from, 0,
		    err.msg);
		jmx_runner_event(r, "move_failed", s->rec.agent, err.msg, NULL);
		move_free(m);
		return;
	}
	jmx_part_init(&placed, plan->ngroups);
	for (i = 0; i < plan->ngroups; i++)
		placed.groups[i].threads = s->part.groups[i].threads -
		    m->fo.rest.groups[i].threads;
	jmx_runner_shortfall(r, s, &placed, "handover", from, t0,
	    "moved to other agents");
	if (jmx_part_has_load(plan, m->fo.rest.groups))
		jmx_runner_shortfall(r, s, &m->fo.rest, "unplaced", from, 0,
		    "no room left for it");
	jmx_buf_addf(&d, "%lld of %lld threads moved to",
	    (long long)jmx_part_main_threads(plan, &placed),
	    (long long)jmx_part_main_threads(plan, &s->part));
	takers_in(r, m, &d);
	jmx_buf_addf(&d, "; load back %.1f s after it stopped (lost "
	    "%.1f s after, takers started in %.1f s%s)%s",
	    (double)(t0 - from) / 1000, (double)(s->lost_ms - from) / 1000,
	    (double)(t0 - s->lost_ms) / 1000, m->warm ? ", warm spare" :
	    ahead ? ", staged ahead" : "", m->whole ? "; data rows reused: too few to cut" : "");
	jmx_runner_event(r, "share_moved", s->rec.agent, d.data, NULL);
	jmx_part_free(&placed);
	jmx_buf_free(&d);
	move_free(m);
}

/* Stop a standby's staged takers: its agent answered after all. */
void
jmx_runner_cancel_standby(struct jmx_runner *r, const char *why)
{
	struct move *m = r->standby;
	struct jmx_err err = { 0 };
	int64_t t0;

	if (m == NULL)
		return;
	r->standby = NULL;
	jmx_runner_release(r, &m->batch, 1, &t0, &err);
	jmx_runner_event(r, "standby_cancelled", m->lost->rec.agent, why, NULL);
	move_free(m);
}

/*
 * An agent gone silent may be lost when the failure timeout runs out:
 * stage its takers now (JVMs started, held at the sync point), so that
 * if it is, its load moves at once.  One standby at a time; it is
 * cancelled when the agent answers again or the run ends or pauses.
 */
static void
check_suspects(struct jmx_runner *r)
{
	int i;

	if (r->standby != NULL) {
		if (r->finishing || r->stopping || r->pausing)
			jmx_runner_cancel_standby(r, "the run is ending or "
			    "pausing");
		else if (!jmx_seg_lost(r->standby->lost, NULL, 0) &&
		    !jmx_seg_suspect(r->standby->lost))
			jmx_runner_cancel_standby(r, "its agent answered "
			    "again");
		return;
	}
	if (r->cfg->settings.on_agent_failure != JMX_POLICY_REDISTRIBUTE ||
	    r->finishing || r->stopping || r->pausing ||
	    r->rec.state != JMX_RUN_RUNNING ||
	    jmx_runner_planned_end(r) - jmx_now_ms() < MIN_MOVE_MS)
		return;
	for (i = 0; i < r->nsegs; i++) {
		struct jmx_seg *s = r->segs[i];

		if (s->rec.cause != NULL || !jmx_seg_suspect(s) ||
		    !jmx_part_has_load(r->plan, s->part.groups))
			continue;
		r->standby = plan_move(r, s);
		if (r->standby->k == 0) {
			move_free(r->standby);
			r->standby = NULL;
			return;
		}
		jmx_runner_event(r, "standby", s->rec.agent, "its agent is "
		    "silent: takers staged in case it is lost", NULL);
		stage_move(r, r->standby);
		return;
	}
}

/*
 * A segment was declared lost: record it, then as the policy says move
 * its load (redistribute), go on without it (continue-partial) or stop
 * the run (abort).
 */
static void
handle_loss(struct jmx_runner *r, struct jmx_seg *s, const char *cause)
{
	const struct jmx_settings *set = &r->cfg->settings;
	struct ragent *ra = jmx_runner_agent_named(r, s->rec.agent);
	int64_t from = loss_start(s), end = jmx_runner_planned_end(r);
	int64_t left = end - jmx_now_ms();
	const char *why = NULL;
	struct move *m;

	free(s->rec.cause);
	s->rec.cause = xstrdup(cause);
	jmx_runner_save_segment(r, s);
	if (ra != NULL)
		ra->lost = 1;
	jmx_runner_event(r, "agent_lost", s->rec.agent, cause, NULL);
	if (!jmx_part_has_load(r->plan, s->part.groups))
		return;
	if (r->finishing || r->stopping || r->pausing ||
	    r->rec.state != JMX_RUN_RUNNING)
		why = "lost while the run was ending or pausing";
	else if (set->on_agent_failure == JMX_POLICY_ABORT) {
		why = "on_agent_failure is abort: the run is stopped";
		r->aborted = 1;
		jmx_runner_begin_stop(r, 2, "controller");
	} else if (set->on_agent_failure == JMX_POLICY_CONTINUE_PARTIAL)
		why = "on_agent_failure is continue-partial";
	else if (end == 0)
		why = "the plan has no set duration to take over";
	else if (left < MIN_MOVE_MS)
		why = "too little of the run was left to move it";
	if (why != NULL) {
		jmx_runner_shortfall(r, s, &s->part, "unplaced", from, 0,
		    why);
		jmx_runner_event(r, "share_not_moved", s->rec.agent, why, NULL);
		if (r->standby != NULL && r->standby->lost == s)
			jmx_runner_cancel_standby(r, why);
		return;
	}
	m = NULL;
	if (r->standby != NULL && r->standby->lost == s) {
		m = r->standby;
		r->standby = NULL;
		/* A standby that failed to stage: try afresh. */
		if (m->batch.code != JMX_OK) {
			char msg[sizeof m->batch.err.msg];

			snprintf(msg, sizeof msg, "%s", m->batch.err.msg);
			r->standby = m;
			jmx_runner_cancel_standby(r, msg);
			m = NULL;
		}
	}
	finish_move(r, m != NULL ? m : plan_move(r, s), from);
}

/*
 * A JMeter of the first start died before it was ready (s): plan its
 * share onto spares or the others' free room (failover.c), all of it or
 * nothing.  The move, or NULL when the start must fail.
 */
struct move *
jmx_runner_move_early(struct jmx_runner *r, struct jmx_seg *s)
{
	struct ragent *ra = jmx_runner_agent_named(r, s->rec.agent);
	char cause[sizeof s->err.msg];
	struct move *m;

	snprintf(cause, sizeof cause, "%s", s->err.msg);
	if (ra != NULL)
		ra->lost = 1;
	jmx_runner_event(r, "agent_lost", s->rec.agent, cause, NULL);
	if (r->cfg->settings.on_agent_failure != JMX_POLICY_REDISTRIBUTE ||
	    !jmx_part_has_load(r->plan, s->part.groups))
		return NULL;
	m = plan_move(r, s);
	if (m->k == 0 || jmx_part_has_load(r->plan, m->fo.rest.groups)) {
		jmx_runner_event(r, "share_not_moved", s->rec.agent, "no room "
		    "for all of it before the start", NULL);
		move_free(m);
		return NULL;
	}
	pthread_mutex_lock(&s->lock);
	s->lost = 1;
	s->lost_ms = jmx_now_ms();
	snprintf(s->cause, sizeof s->cause, "%s", cause);
	pthread_mutex_unlock(&s->lock);
	free(s->rec.cause);
	s->rec.cause = xstrdup(cause);
	return m;
}

/*
 * Stage the takers of the shares moved while b staged, for b's window;
 * a taker batch that fails fails b (the run needs all of its load).
 */
void
jmx_runner_stage_takers(struct jmx_runner *r, struct batch *b,
    struct move **moves, int nm)
{
	struct batch *tb;
	int i, j;

	for (i = 0; i < nm && b->code == JMX_OK; i++) {
		tb = &moves[i]->batch;
		jmx_runner_stage(r, moves[i]->pl, moves[i]->k, b->duration_ms,
		    b->ramp_ms, tb);
		moves[i]->staged = 1;
		/* A taker that died before ready too: no second round. */
		for (j = 0; j < tb->n; j++) {
			if (tb->ph[j].move == NULL)
				continue;
			move_free(tb->ph[j].move);
			tb->ph[j].move = NULL;
			if (tb->code == JMX_OK) {
				tb->code = tb->ph[j].seg->err.code;
				tb->err = tb->ph[j].seg->err;
			}
		}
		if (tb->code != JMX_OK) {
			b->code = tb->code;
			b->err = tb->err;
		}
	}
}

/*
 * Release the takers staged by stage_takers at t0 (or cancel them: the
 * start failed), record each move, free them.
 */
void
jmx_runner_release_takers(struct jmx_runner *r, struct move **moves, int nm,
    int cancel, int64_t t0)
{
	struct jmx_err err = { 0 };
	struct jmx_buf d = { 0 };
	int64_t at;
	int i;

	for (i = 0; i < nm; i++) {
		struct move *m = moves[i];

		at = t0;
		if (jmx_runner_release(r, &m->batch, cancel, &at, &err) ==
		    JMX_OK) {
			jmx_buf_addf(&d, "%lld threads moved to",
			    (long long)jmx_part_main_threads(r->plan,
			    &m->lost->part));
			takers_in(r, m, &d);
			jmx_buf_addf(&d, " before the start%s", m->whole ?
			    "; data rows reused: too few to cut" : "");
			jmx_runner_event(r, "share_moved", m->lost->rec.agent,
			    d.data, NULL);
		} else if (!cancel) {
			jmx_runner_shortfall(r, m->lost, &m->lost->part,
			    "unplaced", t0, 0, err.msg);
			jmx_runner_event(r, "move_failed", m->lost->rec.agent,
			    err.msg, NULL);
		}
		jmx_buf_free(&d);
		jmx_err_clear(&err);
		move_free(m);
	}
}

/* Act on segments newly declared lost, and on those gone silent. */
void
jmx_runner_check_losses(struct jmx_runner *r)
{
	char cause[256];
	int i;

	if (r->warm != NULL && (r->finishing || r->stopping || r->pausing))
		jmx_runner_cancel_warm(r, "the run is ending or pausing");
	for (i = 0; i < r->nsegs; i++) {
		struct jmx_seg *s = r->segs[i];

		if (s->rec.cause != NULL ||
		    !jmx_seg_lost(s, cause, sizeof cause))
			continue;
		/*
		 * A segment never released (its start failed, or it was
		 * cancelled) whose worker lost the agent while ending it:
		 * it carried no load, so there is none to move.
		 */
		if (s->rec.state == JMX_SEGMENT_FAILED ||
		    s->rec.state == JMX_SEGMENT_CANCELLED) {
			s->rec.cause = xstrdup(cause);
			jmx_runner_save_segment(r, s);
			continue;
		}
		handle_loss(r, s, cause);
	}
	check_suspects(r);
	stage_warm(r);
}

/*
 * validate.c: before the run.  The test and its plan resolved, the
 * agents chosen (and the spares), probed and locked, the load split
 * between them and every share checked against its agent's capacity.
 * Probes and locks run one thread per agent (for_each_agent); the rest
 * is the main thread's.
 */
#include <sys/stat.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "config.h"
#include "log.h"
#include "plan.h"
#include "request.h"
#include "runner.h"
#include "runner-int.h"
#include "split.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

/* A TCP connect to an agent that does not answer in this time fails. */
#define CONNECT_TIMEOUT_MS	10000

static int
has_tag(const struct jmx_agent_conf *a, const char *tag)
{
	int i;

	for (i = 0; i < a->ntags; i++)
		if (strcmp(a->tags[i], tag) == 0)
			return 1;
	return 0;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The run's agent of that name, or NULL. */
struct ragent *
jmx_runner_agent_named(struct jmx_runner *r, const char *name)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->agents[i].a.conf->name, name) == 0)
			return &r->agents[i];
	return NULL;
}

/* Append an agent to a list (the run's agents or its spares). */
struct ragent *
jmx_runner_append_agent(struct jmx_runner *r, struct ragent **v, int *n,
    const struct jmx_agent_conf *conf)
{
	struct ragent *ra;

	*v = xreallocarray(*v, (size_t)*n + 1, sizeof **v);
	ra = &(*v)[*n];
	memset(ra, 0, sizeof *ra);
	ra->a.conf = conf;
	ra->r = r;
	ra->idx = (*n)++;
	ra->first_start = INT64_MAX;
	ra->state = "chosen";
	return ra;
}

static void
add_agent(struct jmx_runner *r, const struct jmx_agent_conf *conf)
{
	jmx_runner_append_agent(r, &r->agents, &r->n, conf);
}

/*
 * The configured spares that are not in the run: probed with the run's
 * agents, used only to take over the load of a lost one.
 */
static void
choose_spares(struct jmx_runner *r)
{
	const struct jmx_config *cfg = r->cfg;
	int i, j;

	for (i = 0; i < cfg->nagents; i++) {
		if (!cfg->agents[i].spare)
			continue;
		for (j = 0; j < r->n; j++)
			if (r->agents[j].a.conf == &cfg->agents[i])
				break;
		if (j == r->n)
			jmx_runner_append_agent(r, &r->spares, &r->nspares,
			    &cfg->agents[i]);
	}
}

/* The agents: --agents, else --tag, else the test's, else all non-spare. */
static enum jmx_code
choose_agents(struct jmx_runner *r, struct jmx_err *err)
{
	const struct jmx_config *cfg = r->cfg;
	const struct jmx_agent_conf *a;
	char *const *names = NULL;
	const char *tag = r->req->tag;
	int i, nnames = 0;

	if (r->req->nagents > 0) {
		names = r->req->agents;
		nnames = r->req->nagents;
	} else if (tag == NULL && r->test->nagents > 0) {
		names = r->test->agents;
		nnames = r->test->nagents;
	} else if (tag == NULL)
		tag = r->test->tag;
	if (names != NULL) {
		for (i = 0; i < nnames; i++) {
			if ((a = jmx_config_agent(cfg, names[i])) == NULL)
				return jmx_err_set(err, JMX_ERR_NOTFOUND,
				    "no agent '%s' in %s", names[i],
				    cfg->path != NULL ? cfg->path :
				    "the configuration");
			add_agent(r, a);
		}
	} else {
		for (i = 0; i < cfg->nagents; i++) {
			a = &cfg->agents[i];
			if (tag != NULL ? has_tag(a, tag) : !a->spare)
				add_agent(r, a);
		}
	}
	if (r->req->count > 0 && r->n > r->req->count)
		r->n = (int)r->req->count;
	if (r->n == 0)
		return jmx_err_set(err, JMX_ERR_USAGE, tag != NULL ?
		    "no agent carries tag '%s'" : "no agents to run on%s",
		    tag != NULL ? tag : " (none in the configuration)");
	choose_spares(r);
	return JMX_OK;
}

static void
add_prop(struct jmx_runner *r, const struct jmx_prop *p)
{
	r->props = xreallocarray(r->props, (size_t)r->nprops + 1,
	    sizeof *r->props);
	r->props[r->nprops++] = *p;	/* borrowed strings */
}

enum jmx_code
jmx_runner_resolve(struct jmx_runner *r, struct jmx_err *err)
{
	const struct jmx_run_request *req = r->req;
	struct jmx_split_opts o;
	struct stat st;
	int i;

	r->test = jmx_config_test(r->cfg, req->test);
	if (r->test == NULL) {
		if (!ends_with(req->test, ".jmx") || stat(req->test, &st) != 0)
			return jmx_err_set(err, JMX_ERR_NOTFOUND,
			    "'%s' is neither a test case in %s nor a .jmx "
			    "file", req->test, r->cfg->path != NULL ?
			    r->cfg->path : "the configuration");
		r->adhoc.name = (char *)req->test;
		r->adhoc.plan = (char *)req->test;
		r->adhoc.ramp_ms = -1;
		r->test = &r->adhoc;
	}
	/* Missing inputs end here, before any agent is probed. */
	if (jmx_run_request_check_inputs(req, r->test, err) != JMX_OK)
		return err->code;
	for (i = 0; i < r->test->nprops; i++)
		add_prop(r, &r->test->props[i]);
	for (i = 0; i < req->nprops; i++)
		add_prop(r, &req->props[i]);
	memset(&o, 0, sizeof o);
	if (jmx_run_request_threads(req->threads, r->test->threads, &o,
	    err) != JMX_OK ||
	    jmx_run_request_load_plan(r->test, r->props, r->nprops, &o,
	    &r->plan, err) != JMX_OK)
		return err->code;
	return choose_agents(r, err);
}

/* Run fn on every agent of v[n], each in its own thread; wait for all. */
static void
for_each_agent(struct ragent *v, int n, void *(*fn)(void *))
{
	pthread_t *tids = xcalloc((size_t)n + 1, sizeof *tids);
	int i, *started = xcalloc((size_t)n + 1, sizeof *started);

	for (i = 0; i < n; i++)
		started[i] = pthread_create(&tids[i], NULL, fn, &v[i]) == 0;
	for (i = 0; i < n; i++) {
		if (started[i])
			pthread_join(tids[i], NULL);
		else
			fn(&v[i]);
	}
	free(tids);
	free(started);
}

static void *
validate_one(void *arg)
{
	struct ragent *ra = arg;
	const struct jmx_settings *s = &ra->r->cfg->settings;
	const struct jmx_plan_need *nd;

	ra->a.io_timeout_ms = s->failure_timeout_ms > 0 ?
	    (int)s->failure_timeout_ms : 10000;
	if (jmx_agent_connect(&ra->a, CONNECT_TIMEOUT_MS, &ra->verr) !=
	    JMX_OK || jmx_agent_probe(&ra->a, s->min_free_disk_mb,
	    &ra->verr) != JMX_OK || ra->r->plan == NULL)
		return NULL;
	/* An element from a plugin this JMeter does not have. */
	if ((nd = jmx_plan_missing(ra->r->plan, ra->a.ext_jars)) != NULL)
		jmx_err_set(&ra->verr, JMX_ERR_AGENT, "JMeter in '%s' lacks "
		    "plugin %s (lib/ext/%s-*.jar) for %s (plan line %d); "
		    "tools/install-jmeter.sh --plugins %s adds it",
		    ra->a.conf->jmeter_home, nd->plugin, nd->jar, nd->what,
		    nd->line, nd->plugin);
	return NULL;
}

/* Weight and capacity: configured, else from the probe. */
void
jmx_runner_set_capacity(struct jmx_runner *r, struct ragent *ra)
{
	const struct jmx_settings *s = &r->cfg->settings;

	ra->weight = ra->a.conf->weight > 0 ? ra->a.conf->weight :
	    jmx_agent_probed_weight(&ra->a);
	ra->max_threads = ra->a.conf->max_threads > 0 ?
	    ra->a.conf->max_threads :
	    (ra->a.cores > 0 ? ra->a.cores : 1) * s->threads_per_core;
}

/* Which live run holds the agent, 0 if none. */
int64_t
jmx_runner_holder(struct jmx_runner *r, const struct ragent *ra)
{
	if (r->store == NULL)
		return 0;
	return jmx_store_reserved_by(r->store, ra->a.conf->name, jmx_now_ms());
}

static void *
lock_one(void *arg)
{
	struct ragent *ra = arg;

	/* A retry may have set verr on the way to success. */
	if (jmx_agent_lock(&ra->a, &ra->r->lock_me, &ra->verr) == JMX_OK)
		jmx_err_clear(&ra->verr);
	return NULL;
}

/*
 * This controller as the holder of agent locks for run (0 before the run
 * is recorded: only to check), with this database's unfinished runs, so
 * that a lock left by a run of ours that has ended (its agent was out of
 * reach at the end) does not bind us for the rest of its lease.
 */
static void
lock_holder(struct jmx_runner *r, struct jmx_agent_holder *h, int64_t run,
    int64_t created_ms)
{
	int64_t live[JMX_AGENT_LIVE_MAX];
	char *db;

	xasprintf(&db, "%s/jmx.db", r->home);
	jmx_agent_holder_init(h, run, created_ms, db);
	free(db);
	jmx_agent_holder_live(h, live, jmx_store_unfinished_runs(r->store,
	    live, JMX_AGENT_LIVE_MAX));
}

enum jmx_code
jmx_runner_lock_agents(struct jmx_runner *r, int all_or_none,
    struct jmx_err *err)
{
	int i, bad = 0;

	lock_holder(r, &r->lock_me, r->rec.id, r->rec.created_ms);
	for_each_agent(r->agents, r->n, lock_one);
	for (i = 0; i < r->n; i++) {
		struct ragent *ra = &r->agents[i];

		if (ra->verr.code == JMX_OK)
			continue;
		if (all_or_none && bad++ == 0)
			jmx_err_set(err, ra->verr.code, "agent '%s': %s",
			    ra->a.conf->name, ra->verr.msg);
		else if (!all_or_none)
			log_warn("agent '%s': %s", ra->a.conf->name,
			    ra->verr.msg);
		jmx_err_clear(&ra->verr);
	}
	for (i = 0; bad > 0 && i < r->n; i++)
		jmx_agent_unlock(&r->agents[i].a);
	return bad > 0 ? err->code : JMX_OK;
}

/*
 * Probe the spares for their capacity; a spare that fails is only
 * skipped later.  One already in the run (found by attach) has joined.
 */
void
jmx_runner_probe_spares(struct jmx_runner *r)
{
	int i;

	for_each_agent(r->spares, r->nspares, validate_one);
	for (i = 0; i < r->nspares; i++) {
		jmx_runner_set_capacity(r, &r->spares[i]);
		/* Its session would idle for the whole run. */
		jmx_agent_disconnect(&r->spares[i].a);
		r->spares[i].joined = jmx_runner_agent_named(r,
		    r->spares[i].a.conf->name) != NULL;
	}
}

enum jmx_code
jmx_runner_validate(struct jmx_runner *r, struct jmx_err *err)
{
	struct jmx_agent_holder asker;
	int64_t by;
	int i, bad = 0;

	lock_holder(r, &asker, 0, 0);
	for_each_agent(r->agents, r->n, validate_one);
	jmx_runner_probe_spares(r);
	for (i = 0; i < r->n; i++) {
		struct ragent *ra = &r->agents[i];

		if (ra->verr.code == JMX_OK &&
		    (by = jmx_runner_holder(r, ra)) != 0)
			jmx_err_set(&ra->verr, JMX_ERR_AGENT, "busy: reserved "
			    "by run %lld", (long long)by);
		else if (ra->verr.code == JMX_OK)
			jmx_agent_lock_check(&ra->a, &asker, &ra->verr);
		jmx_runner_set_capacity(r, ra);
		if (ra->verr.code != JMX_OK) {
			bad++;
			ra->state = "unusable";
		} else
			ra->state = "ok";
	}
	if (bad > 0)
		return jmx_err_set(err, JMX_ERR_AGENT, r->n == 1 ?
		    "the agent is unusable; nothing started" :
		    "%d of %d agents unusable; nothing started", bad, r->n);
	return JMX_OK;
}

/*
 * Every agent must carry its share: the run needs sum(peak) threads and
 * each agent holds at most max_threads (configured, else cores times
 * settings.threads_per_core).
 */
static enum jmx_code
check_capacity(struct jmx_runner *r, struct jmx_err *err)
{
	int64_t need = 0, have = 0;
	int i, over = 0;

	for (i = 0; i < r->n; i++) {
		struct ragent *ra = &r->agents[i];

		ra->peak_threads = r->split->agents[i].peak_threads;
		need += ra->peak_threads;
		have += ra->max_threads;
		if (ra->peak_threads > ra->max_threads) {
			jmx_err_set(&ra->verr, JMX_ERR_AGENT, "over capacity: "
			    "its share is %d threads, it carries %d",
			    ra->peak_threads, ra->max_threads);
			ra->state = "unusable";
			over++;
		}
	}
	if (need > have)
		return jmx_err_set(err, JMX_ERR_AGENT, "not enough capacity: "
		    "the test needs %lld threads, the agents carry %lld",
		    (long long)need, (long long)have);
	if (over > 0)
		return jmx_err_set(err, JMX_ERR_AGENT, "%d agents over "
		    "capacity for their share; nothing started", over);
	return JMX_OK;
}

enum jmx_code
jmx_runner_split(struct jmx_runner *r, struct jmx_err *err)
{
	const struct jmx_run_request *req = r->req;
	struct jmx_split_agent *sa;
	struct jmx_split_opts o;
	int64_t ramp_ms;
	enum jmx_code code;
	int i, g;

	memset(&o, 0, sizeof o);
	if (jmx_run_request_threads(req->threads, r->test->threads, &o,
	    err) != JMX_OK)
		return err->code;
	o.setup_on_all = r->test->setup_on_all;
	r->duration_ms = req->duration_ms > 0 ? req->duration_ms :
	    r->test->duration_ms;
	o.duration_s = (r->duration_ms + 999) / 1000;
	ramp_ms = req->ramp_ms >= 0 ? req->ramp_ms : r->test->ramp_ms;
	if (ramp_ms >= 0) {
		o.ramp_set = 1;
		o.ramp_s = (ramp_ms + 999) / 1000;
	}
	/* Capacity is checked below, where it can name every agent. */
	sa = xcalloc((size_t)r->n, sizeof *sa);
	for (i = 0; i < r->n; i++) {
		sa[i].name = r->agents[i].a.conf->name;
		sa[i].weight = r->agents[i].weight;
	}
	code = jmx_split_plan(r->plan, sa, r->n, &o, &r->split, err);
	free(sa);
	r->nsplit = r->n;
	if (code != JMX_OK)
		return code;
	if ((code = check_capacity(r, err)) != JMX_OK)
		return code;

	/* What the plan itself says about its length, when not overridden. */
	r->ramp_ms = o.ramp_set ? o.ramp_s * 1000 : 0;
	if (r->duration_ms == 0) {
		for (g = 0; g < r->plan->ngroups; g++) {
			const struct jmx_plan_group *pg = &r->plan->groups[g];
			int64_t end;

			if (!pg->enabled || pg->kind != JMX_PLAN_THREADS ||
			    !pg->scheduler || pg->duration_s <= 0)
				continue;
			end = (pg->delay_s + pg->duration_s) * 1000;
			if (end > r->duration_ms)
				r->duration_ms = end;
			if (!o.ramp_set && pg->ramp_s * 1000 > r->ramp_ms)
				r->ramp_ms = pg->ramp_s * 1000;
		}
	}
	return JMX_OK;
}

/*
 * runner.c: the controller of a run.
 *
 * A run is a set of segments (segment.c), one JMeter on one agent each.
 * The first start makes one per agent; a resume after a pause makes new
 * ones for the remaining duration; a stop ends them all.  Threads: each
 * segment has a worker that owns its SSH session; the main thread, the
 * caller of jmx_runner_poll(), is the only one that touches SQLite.  It
 * takes each segment's aggregate together with the JTL byte offset it
 * covers and commits both in one transaction, so every record is stored
 * exactly once.  Other processes steer the run through the commands
 * table (pause, resume, stop), which poll reads.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "bundle.h"
#include "hist.h"
#include "jtl.h"
#include "log.h"
#include "plan.h"
#include "runner.h"
#include "segment.h"
#include "split.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

/* How long JMeters get to reach the sync point (JVM start, plan load). */
#define READY_TIMEOUT_MS	120000
/* T0 is this far after the last agent is ready, plus the slowest RTT. */
#define START_MARGIN_MS		500
/* Longest run when neither the request nor the plan sets a duration. */
#define UNBOUNDED_DEADLINE_S	(24 * 3600)
/* A controller silent this long no longer holds its agents. */
#define HEARTBEAT_STALE_MS	60000
/* A TCP connect to an agent that does not answer in this time fails. */
#define CONNECT_TIMEOUT_MS	10000

struct ragent {
	struct jmx_agent	 a;		/* probed; session for probes */
	struct jmx_err		 verr;		/* validation problem */
	double			 weight;
	int			 max_threads;
	int			 peak_threads;	/* its share at peak */
	struct jmx_runner	*r;
	int			 idx;
	const char		*state;		/* before its first segment */
	struct jmx_seg		*cur;		/* its current segment */
	int64_t			 first_start;	/* of its first segment */
};

struct jmx_runner {
	const struct jmx_config		*cfg;
	const struct jmx_run_request	*req;
	struct jmx_store		*store;
	const char			*home;
	struct jmx_test_conf		 adhoc;	/* a bare .jmx path */
	const struct jmx_test_conf	*test;
	struct jmx_prop			*props;	/* test's, then -J */
	int				 nprops;
	struct jmx_plan			*plan;
	struct jmx_split		*split;
	struct ragent			*agents;
	int				 n;
	struct jmx_seg			**segs;	/* every segment, in order */
	int				 nsegs;

	struct jmx_run_rec		 rec;
	int64_t				 t0;	/* first start, our clock */
	int64_t				 gen_t0;	/* current generation's */
	int64_t				 duration_ms;	/* planned, 0 unknown */
	int64_t				 ramp_ms;

	volatile sig_atomic_t		 stop_level;	/* from signals */
	int				 stop_sent;
	int				 stopping;	/* a stop was asked */
	int				 pausing;
	int64_t				 pause_ms;	/* when it was asked */
	int				 start_failed;
	int64_t				 cmd_id;	/* awaiting its end */
	char				*cmd_actor;

	/* Progress over a short window. */
	struct jmx_hist			*window;
	int64_t				 window_start;
	int64_t				 window_samples;
	double				 rate;
	int64_t				 p95;
	int64_t				 samples;
	int64_t				 errors;
	int64_t				 last_heartbeat;
	int64_t				 last_command;
	char				*archive;
};

void
jmx_run_request_init(struct jmx_run_request *req)
{
	memset(req, 0, sizeof *req);
	req->ramp_ms = -1;
}

void
jmx_run_request_free(struct jmx_run_request *req)
{
	int i;

	for (i = 0; i < req->nagents; i++)
		free(req->agents[i]);
	free(req->agents);
	for (i = 0; i < req->nprops; i++) {
		free(req->props[i].name);
		free(req->props[i].value);
	}
	free(req->props);
	for (i = 0; i < req->ndata; i++)
		free(req->data[i].file);
	free(req->data);
	memset(req, 0, sizeof *req);
}

int
jmx_runner_parse_threads(const char *s, int64_t *count, double *scale)
{
	struct jmx_split_opts o;

	memset(&o, 0, sizeof o);
	if (jmx_split_parse_threads(s, &o, NULL) != JMX_OK)
		return -1;
	if (o.mode == JMX_SPLIT_EACH && count != NULL)
		*count = o.threads;
	if (o.mode == JMX_SPLIT_FACTOR && scale != NULL)
		*scale = o.factor;
	return 0;
}

struct jmx_runner *
jmx_runner_new(const struct jmx_config *cfg, const struct jmx_run_request *req,
    struct jmx_store *store, const char *home)
{
	struct jmx_runner *r = xcalloc(1, sizeof *r);

	r->cfg = cfg;
	r->req = req;
	r->store = store;
	r->home = home;
	r->p95 = -1;
	return r;
}

void
jmx_runner_free(struct jmx_runner *r)
{
	int i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nsegs; i++)
		jmx_seg_free(r->segs[i]);
	free(r->segs);
	for (i = 0; i < r->n; i++)
		jmx_agent_disconnect(&r->agents[i].a);
	free(r->agents);
	free(r->props);
	jmx_split_free(r->split);
	jmx_plan_free(r->plan);
	jmx_hist_free(r->window);
	jmx_run_rec_free(&r->rec);
	free(r->archive);
	free(r->cmd_actor);
	free(r);
}

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

static void
add_agent(struct jmx_runner *r, const struct jmx_agent_conf *conf)
{
	struct ragent *ra;

	r->agents = xreallocarray(r->agents, (size_t)r->n + 1,
	    sizeof *r->agents);
	ra = &r->agents[r->n];
	memset(ra, 0, sizeof *ra);
	ra->a.conf = conf;
	ra->r = r;
	ra->idx = r->n++;
	ra->first_start = INT64_MAX;
	ra->state = "chosen";
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
	for (i = 0; i < r->test->nprops; i++)
		add_prop(r, &r->test->props[i]);
	for (i = 0; i < req->nprops; i++)
		add_prop(r, &req->props[i]);
	if (jmx_plan_load(r->test->plan, r->props, r->nprops, &r->plan,
	    err) != JMX_OK)
		return err->code;
	return choose_agents(r, err);
}

const char *
jmx_runner_test_name(struct jmx_runner *r)
{
	return r->test->name;
}

const struct jmx_test_conf *
jmx_runner_test(struct jmx_runner *r)
{
	return r->test;
}

const struct jmx_plan *
jmx_runner_plan(struct jmx_runner *r)
{
	return r->plan;
}

const struct jmx_split *
jmx_runner_the_split(struct jmx_runner *r)
{
	return r->split;
}

/* Run fn on every agent, each in its own thread, and wait for all. */
static void
for_each_agent(struct jmx_runner *r, void *(*fn)(void *))
{
	pthread_t *tids = xcalloc((size_t)r->n, sizeof *tids);
	int i, *started = xcalloc((size_t)r->n, sizeof *started);

	for (i = 0; i < r->n; i++)
		started[i] = pthread_create(&tids[i], NULL, fn,
		    &r->agents[i]) == 0;
	for (i = 0; i < r->n; i++) {
		if (started[i])
			pthread_join(tids[i], NULL);
		else
			fn(&r->agents[i]);
	}
	free(tids);
	free(started);
}

static void *
validate_one(void *arg)
{
	struct ragent *ra = arg;
	const struct jmx_settings *s = &ra->r->cfg->settings;

	ra->a.io_timeout_ms = s->failure_timeout_ms > 0 ?
	    (int)s->failure_timeout_ms : 10000;
	if (jmx_agent_connect(&ra->a, CONNECT_TIMEOUT_MS, &ra->verr) ==
	    JMX_OK)
		jmx_agent_probe(&ra->a, s->min_free_disk_mb, &ra->verr);
	return NULL;
}

enum jmx_code
jmx_runner_validate(struct jmx_runner *r, struct jmx_err *err)
{
	const struct jmx_settings *s = &r->cfg->settings;
	int64_t holder;
	int i, bad = 0;

	for_each_agent(r, validate_one);
	for (i = 0; i < r->n; i++) {
		struct ragent *ra = &r->agents[i];

		if (ra->verr.code == JMX_OK && r->store != NULL &&
		    (holder = jmx_store_reserved_by(r->store,
		    ra->a.conf->name, jmx_now_ms(), HEARTBEAT_STALE_MS)) != 0)
			jmx_err_set(&ra->verr, JMX_ERR_AGENT, "busy: reserved "
			    "by run %lld", (long long)holder);
		ra->weight = ra->a.conf->weight > 0 ? ra->a.conf->weight :
		    jmx_agent_probed_weight(&ra->a);
		ra->max_threads = ra->a.conf->max_threads > 0 ?
		    ra->a.conf->max_threads :
		    (ra->a.cores > 0 ? ra->a.cores : 1) * s->threads_per_core;
		if (ra->verr.code != JMX_OK) {
			bad++;
			ra->state = "unusable";
		} else
			ra->state = "ok";
	}
	if (bad > 0)
		return jmx_err_set(err, JMX_ERR_AGENT, "%d of %d agents "
		    "unusable; nothing started", bad, r->n);
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
	const char *threads;
	int64_t ramp_ms;
	enum jmx_code code;
	int i, g;

	memset(&o, 0, sizeof o);
	threads = req->threads != NULL ? req->threads : r->test->threads;
	if (threads != NULL &&
	    jmx_split_parse_threads(threads, &o, err) != JMX_OK)
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

void
jmx_runner_split_json(struct jmx_runner *r, struct jmx_buf *out)
{
	jmx_split_json(out, r->split, r->plan);
}

int
jmx_runner_nagents(struct jmx_runner *r)
{
	return r->n;
}

void
jmx_runner_agent(struct jmx_runner *r, int i, struct jmx_runner_agent *v)
{
	struct ragent *ra = &r->agents[i];
	int j;

	memset(v, 0, sizeof *v);
	v->name = ra->a.conf->name;
	v->host = ra->a.conf->host;
	v->java_version = ra->a.java_version;
	v->jmeter_version = ra->a.jmeter_version;
	v->cores = ra->a.cores;
	v->mem_avail_mb = ra->a.mem_avail_mb;
	v->load1 = ra->a.load1;
	v->disk_free_mb = ra->a.disk_free_mb;
	v->clock_offset_ms = ra->a.clock_offset_ms;
	v->weight = ra->weight;
	v->max_threads = ra->max_threads;
	v->threads = ra->peak_threads;
	v->problem = ra->verr.code != JMX_OK ? ra->verr.msg : NULL;
	v->state = ra->state;
	v->skew_ms = ra->first_start != INT64_MAX && r->t0 > 0 ?
	    ra->first_start - r->t0 : -1;
	for (j = 0; j < r->nsegs; j++) {
		struct jmx_seg *s = r->segs[j];

		if (strcmp(s->rec.agent, v->name) != 0)
			continue;
		pthread_mutex_lock(&s->lock);
		v->samples += s->samples;
		if (s == ra->cur)
			v->state = s->status;
		pthread_mutex_unlock(&s->lock);
	}
}

/* The request as JSON, kept with the run (no secrets: no keys). */
static char *
options_json(struct jmx_runner *r)
{
	struct jmx_buf b = { 0 };
	int i;

	jmx_buf_adds(&b, "{\"test\":");
	jmx_json_str(&b, r->req->test);
	jmx_buf_adds(&b, ",\"threads\":");
	jmx_json_str(&b, r->req->threads);
	jmx_buf_addf(&b, ",\"duration_ms\":%lld,\"ramp_ms\":%lld",
	    (long long)r->duration_ms, (long long)r->ramp_ms);
	jmx_buf_adds(&b, ",\"properties\":{");
	for (i = 0; i < r->nprops; i++) {
		if (i > 0)
			jmx_buf_addc(&b, ',');
		jmx_json_str(&b, r->props[i].name);
		jmx_buf_addc(&b, ':');
		jmx_json_str(&b, r->props[i].value);
	}
	jmx_buf_adds(&b, "},\"agents\":[");
	for (i = 0; i < r->n; i++) {
		if (i > 0)
			jmx_buf_addc(&b, ',');
		jmx_json_str(&b, r->agents[i].a.conf->name);
	}
	jmx_buf_adds(&b, "]}");
	return jmx_buf_steal(&b);
}

static int64_t
total_threads(struct jmx_runner *r)
{
	int64_t t = 0;
	int i;

	for (i = 0; i < r->n; i++)
		t += r->agents[i].peak_threads;
	return t;
}


static void
opt_add(struct jmx_prop **v, int *n, const char *name, const char *value)
{
	*v = xreallocarray(*v, (size_t)*n + 1, sizeof **v);
	(*v)[*n].name = xstrdup(name);
	(*v)[*n].value = value != NULL ? xstrdup(value) : NULL;
	(*n)++;
}

/*
 * Keep the request with the run, resolved where it matters: the agents
 * actually chosen, not the selectors.  Properties from the test case
 * are not kept: they come from the configuration again.
 */
static enum jmx_code
store_options(struct jmx_runner *r, struct jmx_err *err)
{
	const struct jmx_run_request *q = r->req;
	struct jmx_prop *v = NULL;
	char buf[64], *kv;
	int i, n = 0;
	enum jmx_code code;

	opt_add(&v, &n, "config", r->cfg->path);
	opt_add(&v, &n, "test", q->test);
	if (q->threads != NULL)
		opt_add(&v, &n, "threads", q->threads);
	snprintf(buf, sizeof buf, "%lld", (long long)q->duration_ms);
	opt_add(&v, &n, "duration_ms", buf);
	snprintf(buf, sizeof buf, "%lld", (long long)q->ramp_ms);
	opt_add(&v, &n, "ramp_ms", buf);
	if (q->label != NULL)
		opt_add(&v, &n, "label", q->label);
	if (q->keep)
		opt_add(&v, &n, "keep", "1");
	for (i = 0; i < r->n; i++)
		opt_add(&v, &n, "agent", r->agents[i].a.conf->name);
	for (i = 0; i < q->nprops; i++) {
		xasprintf(&kv, "%s=%s", q->props[i].name, q->props[i].value);
		opt_add(&v, &n, "prop", kv);
		free(kv);
	}
	for (i = 0; i < q->ndata; i++) {
		xasprintf(&kv, "%s%s", q->data[i].file,
		    q->data[i].split ? ":split" : "");
		opt_add(&v, &n, "data", kv);
		free(kv);
	}
	code = jmx_store_run_options_put(r->store, r->rec.id, v, n, err);
	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
	return code;
}

void
jmx_run_request_from_options(struct jmx_run_request *q,
    const struct jmx_prop *o, int n, const char **config)
{
	char *colon, *eq;
	int i;

	jmx_run_request_init(q);
	*config = NULL;
	for (i = 0; i < n; i++) {
		const char *name = o[i].name, *val = o[i].value;

		if (val == NULL)
			continue;
		if (strcmp(name, "config") == 0)
			*config = val;
		else if (strcmp(name, "test") == 0)
			q->test = val;
		else if (strcmp(name, "threads") == 0)
			q->threads = val;
		else if (strcmp(name, "duration_ms") == 0)
			q->duration_ms = strtoll(val, NULL, 10);
		else if (strcmp(name, "ramp_ms") == 0)
			q->ramp_ms = strtoll(val, NULL, 10);
		else if (strcmp(name, "label") == 0)
			q->label = val;
		else if (strcmp(name, "keep") == 0)
			q->keep = 1;
		else if (strcmp(name, "agent") == 0) {
			q->agents = xreallocarray(q->agents,
			    (size_t)q->nagents + 2, sizeof *q->agents);
			q->agents[q->nagents++] = xstrdup(val);
			q->agents[q->nagents] = NULL;
		} else if (strcmp(name, "prop") == 0 &&
		    (eq = strchr(val, '=')) != NULL) {
			q->props = xreallocarray(q->props,
			    (size_t)q->nprops + 1, sizeof *q->props);
			q->props[q->nprops].name = xstrndup(val,
			    (size_t)(eq - val));
			q->props[q->nprops].value = xstrdup(eq + 1);
			q->nprops++;
		} else if (strcmp(name, "data") == 0) {
			q->data = xreallocarray(q->data, (size_t)q->ndata + 1,
			    sizeof *q->data);
			q->data[q->ndata].file = xstrdup(val);
			q->data[q->ndata].split = 0;
			colon = strrchr(q->data[q->ndata].file, ':');
			if (colon != NULL && strcmp(colon, ":split") == 0) {
				*colon = '\0';
				q->data[q->ndata].split = 1;
			}
			q->ndata++;
		}
	}
}

enum jmx_code
jmx_runner_create(struct jmx_runner *r, int64_t *run_id, struct jmx_err *err)
{
	const char *names[r->n > 0 ? r->n : 1];
	char host[256] = "";
	int i;

	r->rec.test_case = xstrdup(r->test->name);
	r->rec.plan = xstrdup(r->test->plan);
	r->rec.label = r->req->label != NULL ? xstrdup(r->req->label) : NULL;
	r->rec.state = JMX_RUN_VALIDATING;
	r->rec.created_ms = jmx_now_ms();
	r->rec.duration_ms = r->duration_ms;
	r->rec.ramp_ms = r->ramp_ms;
	r->rec.threads = total_threads(r);
	r->rec.controller_pid = getpid();
	gethostname(host, sizeof host - 1);
	r->rec.controller_host = xstrdup(host);
	r->rec.heartbeat_ms = r->rec.created_ms;
	r->rec.skew_ms = -1;
	r->rec.jtl_records = -1;
	r->rec.options_json = options_json(r);
	if (jmx_store_run_create(r->store, &r->rec, err) != JMX_OK)
		return err->code;
	xasprintf(&r->rec.run_dir, "%s/runs/%lld", r->home,
	    (long long)r->rec.id);
	if (jmx_mkdirs(r->rec.run_dir, 0700, err) != JMX_OK ||
	    jmx_store_run_update(r->store, &r->rec, err) != JMX_OK)
		return err->code;
	if (store_options(r, err) != JMX_OK)
		return err->code;
	/* Reserve all agents at once; another run may have raced us. */
	for (i = 0; i < r->n; i++)
		names[i] = r->agents[i].a.conf->name;
	if (jmx_store_reserve(r->store, r->rec.id, names, r->n, jmx_now_ms(),
	    HEARTBEAT_STALE_MS, err) != JMX_OK) {
		jmx_store_run_set_state(r->store, r->rec.id, JMX_RUN_FAILED,
		    NULL);
		return err->code;
	}
	*run_id = r->rec.id;
	return JMX_OK;
}

enum jmx_code
jmx_runner_adopt(struct jmx_runner *r, struct jmx_store *store,
    struct jmx_err *err)
{
	r->store = store;
	r->rec.controller_pid = getpid();
	r->rec.heartbeat_ms = jmx_now_ms();
	return jmx_store_run_update(store, &r->rec, err);
}

/* The local file a data file name resolves to, for the bundle. */
static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/* A data file to ship: local path, bundle name, split or not. */
struct shipped {
	char	*local;
	char	*name;		/* "data/users.csv" */
	int	 split;
	const struct jmx_plan_csv *csv;	/* the CSV Data Set reading it */
	char	**slices;	/* per agent, when split */
};

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

/*
 * The data files: those named by the test case or --data (split or
 * copied), and every CSV Data Set file that exists beside the plan.
 */
static int
collect_data(struct jmx_runner *r, struct shipped **out)
{
	struct shipped *v = NULL;
	const struct jmx_data_conf *d;
	struct stat st;
	int i, j, n = 0, found;
	char *local;

	for (i = 0; i < r->test->ndata + r->req->ndata; i++) {
		d = i < r->test->ndata ? &r->test->data[i] :
		    &r->req->data[i - r->test->ndata];
		v = xreallocarray(v, (size_t)n + 1, sizeof *v);
		memset(&v[n], 0, sizeof v[n]);
		v[n].local = xstrdup(d->file);
		xasprintf(&v[n].name, "data/%s", base_name(d->file));
		v[n].split = d->split;
		n++;
	}
	for (j = 0; j < r->plan->ncsvs; j++) {
		const struct jmx_plan_csv *c = &r->plan->csvs[j];

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
		local = csv_local_path(r->plan, c->filename);
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

static void
shipped_free(struct shipped *v, int n, int nagents)
{
	int i, j;

	for (i = 0; i < n; i++) {
		free(v[i].local);
		free(v[i].name);
		if (v[i].slices != NULL)
			for (j = 0; j < nagents; j++)
				free(v[i].slices[j]);
		free(v[i].slices);
	}
	free(v);
}

/* Cut every split data file into one slice per agent, by weight. */
static enum jmx_code
split_data(struct jmx_runner *r, struct shipped *v, int n,
    struct jmx_err *err)
{
	struct jmx_split_csvfmt fmt;
	double *w = xcalloc((size_t)r->n, sizeof *w);
	int i, j;
	enum jmx_code code = JMX_OK;

	for (j = 0; j < r->n; j++)
		w[j] = r->agents[j].weight;
	for (i = 0; i < n && code == JMX_OK; i++) {
		if (!v[i].split)
			continue;
		if (v[i].csv != NULL)
			jmx_split_csvfmt(&fmt, v[i].csv);
		else {
			memset(&fmt, 0, sizeof fmt);
			fmt.delim = ',';
		}
		v[i].slices = xcalloc((size_t)r->n, sizeof *v[i].slices);
		for (j = 0; j < r->n; j++)
			xasprintf(&v[i].slices[j], "%s/%s.%s", r->rec.run_dir,
			    base_name(v[i].local), r->agents[j].a.conf->name);
		code = jmx_split_csv(v[i].local, &fmt, r->n, w,
		    (const char *const *)v[i].slices, NULL, err);
	}
	free(w);
	return code;
}

/*
 * Write each agent's plan for this generation (its share; duration_s and
 * ramp_s override when >= 0) and pack its bundle into bundles[i].
 */
static enum jmx_code
build_bundles(struct jmx_runner *r, int gen, int64_t duration_s,
    int64_t ramp_s, struct jmx_buf *bundles, struct jmx_err *err)
{
	struct shipped *data;
	struct jmx_plan_rename *ren;
	struct jmx_bundle *b;
	const void *bytes;
	char *path;
	size_t len;
	int i, j, ndata, nren;
	enum jmx_code code;

	ndata = collect_data(r, &data);
	if ((code = split_data(r, data, ndata, err)) != JMX_OK) {
		shipped_free(data, ndata, r->n);
		return code;
	}
	ren = xcalloc((size_t)ndata + 1, sizeof *ren);
	for (nren = 0, j = 0; j < ndata; j++) {
		if (data[j].csv == NULL)
			continue;
		ren[nren].from = data[j].csv->filename;
		ren[nren].to = data[j].name;
		nren++;
	}
	for (i = 0; i < r->n && code == JMX_OK; i++) {
		struct ragent *ra = &r->agents[i];
		struct jmx_plan_share share = r->split->agents[i].share;

		share.renames = ren;
		share.nrenames = nren;
		share.sync_start = 1;
		if (duration_s > 0)
			share.duration_s = duration_s;
		if (ramp_s >= 0)
			share.ramp_s = ramp_s;
		xasprintf(&path, "%s/plan-%s-%d.jmx", r->rec.run_dir,
		    ra->a.conf->name, gen);
		code = jmx_plan_write_share(r->plan, &share, path, err);
		b = jmx_bundle_new();
		if (code == JMX_OK)
			code = jmx_bundle_add_file(b, "plan.jmx", path, err);
		free(path);
		if (code == JMX_OK)
			code = jmx_bundle_add_data(b, "run.sh",
			    jmx_agent_run_script(),
			    strlen(jmx_agent_run_script()), 0700, err);
		for (j = 0; j < ndata && code == JMX_OK; j++)
			code = jmx_bundle_add_file(b, data[j].name,
			    data[j].slices != NULL ? data[j].slices[i] :
			    data[j].local, err);
		if (code == JMX_OK &&
		    (code = jmx_bundle_finish(b, &bytes, &len, err)) == JMX_OK)
			jmx_buf_add(&bundles[i], bytes, len);
		jmx_bundle_free(b);
	}
	free(ren);
	shipped_free(data, ndata, r->n);
	return code;
}

static void
event(struct jmx_runner *r, const char *kind, const char *agent,
    const char *detail, const char *actor)
{
	struct jmx_err err = { 0 };

	if (jmx_store_event(r->store, r->rec.id, jmx_now_ms(), kind, agent,
	    detail, actor != NULL ? actor : "controller", &err) != JMX_OK)
		log_warn("%s", err.msg);
}

/* One phase of starting a generation, for every segment in parallel. */
struct phase {
	struct jmx_seg		*seg;
	volatile sig_atomic_t	 done;
	enum jmx_code		(*fn)(struct phase *);
	const struct jmx_buf	*bundle;
	int64_t			 deadline_s;
	const char *const	*args;
	int64_t			 t0;
};

static enum jmx_code
phase_prepare(struct phase *ph)
{
	return jmx_seg_prepare(ph->seg, ph->bundle->data, ph->bundle->len);
}

static enum jmx_code
phase_launch(struct phase *ph)
{
	return jmx_seg_launch(ph->seg, ph->deadline_s, ph->args);
}

static enum jmx_code
phase_ready(struct phase *ph)
{
	return jmx_seg_wait_ready(ph->seg, READY_TIMEOUT_MS);
}

static enum jmx_code
phase_go(struct phase *ph)
{
	return jmx_seg_go(ph->seg, ph->t0);
}

static void *
phase_thread(void *arg)
{
	struct phase *ph = arg;

	if (jmx_seg_state(ph->seg) != JMX_SEG_FAILED)
		ph->fn(ph);
	ph->done = 1;
	return NULL;
}

/* Tell the world this controller lives (jmx-run pause checks it). */
static void
heartbeat(struct jmx_runner *r)
{
	int64_t now = jmx_now_ms();

	if (now - r->last_heartbeat >= 2000) {
		/* In the record too: a later update must not turn it back. */
		r->rec.heartbeat_ms = now;
		jmx_store_run_heartbeat(r->store, r->rec.id, now, NULL);
		r->last_heartbeat = now;
	}
}

/* Run fn on every segment of phases[n] at once; the first failure. */
static enum jmx_code
run_phase(struct jmx_runner *r, struct phase *ph, int n,
    enum jmx_code (*fn)(struct phase *), struct jmx_err *err)
{
	pthread_t *tids = xcalloc((size_t)n, sizeof *tids);
	struct timespec pause = { 0, 100 * 1000000L };
	int i, all, *started = xcalloc((size_t)n, sizeof *started);

	for (i = 0; i < n; i++) {
		ph[i].fn = fn;
		ph[i].done = 0;
		started[i] = pthread_create(&tids[i], NULL, phase_thread,
		    &ph[i]) == 0;
	}
	/* A phase may take a while (JVM start): keep the heartbeat. */
	do {
		for (all = 1, i = 0; i < n; i++)
			if (started[i] && !ph[i].done)
				all = 0;
		if (!all)
			nanosleep(&pause, NULL);
		heartbeat(r);
	} while (!all);
	for (i = 0; i < n; i++) {
		if (started[i])
			pthread_join(tids[i], NULL);
		else
			phase_thread(&ph[i]);
	}
	free(tids);
	free(started);
	for (i = 0; i < n; i++)
		if (jmx_seg_state(ph[i].seg) == JMX_SEG_FAILED) {
			*err = ph[i].seg->err;
			return err->code;
		}
	return JMX_OK;
}

/* The JMeter arguments: the run's properties. */
static char **
launch_args(struct jmx_runner *r)
{
	char **args = xcalloc((size_t)r->nprops + 1, sizeof *args);
	int i;

	for (i = 0; i < r->nprops; i++)
		xasprintf(&args[i], "-J%s=%s", r->props[i].name,
		    r->props[i].value);
	return args;
}

static int64_t
max_rtt(struct jmx_runner *r)
{
	int64_t m = 0;
	int i;

	for (i = 0; i < r->n; i++)
		if (r->agents[i].a.rtt_ms > m)
			m = r->agents[i].a.rtt_ms;
	return m;
}

static void
add_seg(struct jmx_runner *r, struct jmx_seg *s)
{
	r->segs = xreallocarray(r->segs, (size_t)r->nsegs + 1,
	    sizeof *r->segs);
	r->segs[r->nsegs++] = s;
}

/*
 * Start one generation of segments, one per agent, for duration_ms (0:
 * the plan's own) with ramp_ms (-1: the run's): prepare everywhere, then
 * launch everywhere, wait until every JMeter holds at the sync point and
 * give them all one T0.  On failure every segment of it is stopped.
 */
static enum jmx_code
start_generation(struct jmx_runner *r, int64_t duration_ms, int64_t ramp_ms,
    struct jmx_err *err)
{
	const struct jmx_settings *set = &r->cfg->settings;
	struct jmx_buf *bundles = xcalloc((size_t)r->n, sizeof *bundles);
	struct phase *ph = xcalloc((size_t)r->n, sizeof *ph);
	int64_t deadline_s, ramp;
	enum jmx_code code;
	char **args;
	int i, gen = r->nsegs / (r->n > 0 ? r->n : 1);

	ramp = ramp_ms >= 0 ? ramp_ms : r->ramp_ms;
	code = build_bundles(r, gen, (duration_ms + 999) / 1000,
	    ramp_ms >= 0 ? (ramp_ms + 999) / 1000 : -1, bundles, err);
	if (code != JMX_OK)
		goto out;
	deadline_s = (READY_TIMEOUT_MS + ramp + set->deadline_grace_ms) / 1000 +
	    (duration_ms > 0 ? duration_ms / 1000 : r->duration_ms > 0 ?
	    r->duration_ms / 1000 : UNBOUNDED_DEADLINE_S);
	args = launch_args(r);
	for (i = 0; i < r->n; i++) {
		struct ragent *ra = &r->agents[i];
		struct jmx_seg *s = jmx_seg_new(&ra->a, r->rec.id, set,
		    r->req->keep);

		s->rec.deadline_ms = jmx_now_ms() + deadline_s * 1000;
		jmx_store_segment_create(r->store, &s->rec, NULL);
		jmx_seg_set_id(s, s->rec.id, r->rec.run_dir);
		add_seg(r, s);
		ra->cur = s;
		ph[i].seg = s;
		ph[i].bundle = &bundles[i];
		ph[i].deadline_s = deadline_s;
		ph[i].args = (const char *const *)args;
	}
	if ((code = run_phase(r, ph, r->n, phase_prepare, err)) == JMX_OK &&
	    (code = run_phase(r, ph, r->n, phase_launch, err)) == JMX_OK &&
	    (code = run_phase(r, ph, r->n, phase_ready, err)) == JMX_OK) {
		r->gen_t0 = jmx_now_ms() + START_MARGIN_MS + max_rtt(r);
		for (i = 0; i < r->n; i++)
			ph[i].t0 = r->gen_t0;
		code = run_phase(r, ph, r->n, phase_go, err);
	}
	if (r->gen_t0 == 0)
		r->gen_t0 = jmx_now_ms();
	if (r->t0 == 0)
		r->t0 = r->gen_t0;
	/* Workers for all: the failed ones end the JMeters that started. */
	for (i = 0; i < r->n; i++) {
		struct jmx_seg *s = ph[i].seg;

		free(s->rec.state);
		s->rec.state = xstrdup(code == JMX_OK ? "running" : "failed");
		s->rec.start_ms = r->gen_t0;
		jmx_store_segment_update(r->store, &s->rec, NULL);
		if (s->rec.work_dir == NULL)
			continue;
		if (code != JMX_OK)
			jmx_seg_stop(s, 2);
		if (jmx_seg_state(s) != JMX_SEG_FAILED || s->pid > 0)
			jmx_seg_start_worker(s);
	}
	for (i = 0; args[i] != NULL; i++)
		free(args[i]);
	free(args);
out:
	for (i = 0; i < r->n; i++)
		jmx_buf_free(&bundles[i]);
	free(bundles);
	free(ph);
	return code;
}

enum jmx_code
jmx_runner_start(struct jmx_runner *r, struct jmx_err *err)
{
	char detail[128];
	int i, g;

	r->rec.state = JMX_RUN_STARTING;
	jmx_store_run_update(r->store, &r->rec, NULL);
	for (i = 0; i < r->n; i++) {
		struct ragent *ra = &r->agents[i];
		struct jmx_run_agent_rec ar;

		memset(&ar, 0, sizeof ar);
		ar.agent = (char *)ra->a.conf->name;
		ar.host = (char *)ra->a.conf->host;
		ar.weight = ra->weight;
		ar.threads = ra->peak_threads;
		ar.clock_offset_ms = ra->a.clock_offset_ms;
		ar.skew_ms = -1;
		ar.java_version = ra->a.java_version;
		ar.jmeter_version = ra->a.jmeter_version;
		ar.cores = ra->a.cores;
		ar.mem_mb = ra->a.mem_avail_mb;
		ar.state = "ok";
		jmx_store_run_agent_put(r->store, r->rec.id, &ar, NULL);
		for (g = 0; g < r->plan->ngroups; g++)
			if (r->plan->groups[g].enabled)
				jmx_store_share_put(r->store, r->rec.id,
				    ra->a.conf->name, g,
				    r->plan->groups[g].name,
				    r->split->agents[i].groups[g].threads,
				    NULL);
		/* The probe's session is done; segments have their own. */
		jmx_agent_disconnect(&ra->a);
	}
	event(r, "validated", NULL, NULL, NULL);
	r->window = jmx_hist_new();
	r->window_start = jmx_mono_ms();
	if (start_generation(r, r->duration_ms, -1, err) != JMX_OK)
		r->start_failed = 1;
	r->rec.start_ms = r->t0;
	r->rec.state = r->start_failed ? JMX_RUN_STOPPING : JMX_RUN_RUNNING;
	jmx_store_run_update(r->store, &r->rec, NULL);
	snprintf(detail, sizeof detail, "%d agents", r->n);
	event(r, r->start_failed ? "start_failed" : "started", NULL,
	    r->start_failed ? err->msg : detail, NULL);
	return r->start_failed ? err->code : JMX_OK;
}

/* Progress counters from a batch of buckets. */
static enum jmx_code
count_bucket(const struct jmx_bucket *b, void *arg)
{
	struct jmx_runner *r = arg;

	r->samples += (int64_t)b->count;
	r->errors += (int64_t)b->errors;
	r->window_samples += (int64_t)b->count;
	jmx_hist_merge(r->window, b->hist);
	return JMX_OK;
}

/* Take what a segment's worker parsed and commit it with its offset. */
static enum jmx_code
flush_seg(struct jmx_runner *r, struct jmx_seg *s, struct jmx_err *err)
{
	struct jmx_agg *agg;
	int64_t offset, records;
	int header_new;
	enum jmx_code code;

	if (!jmx_seg_take(s, &agg, &offset, &records, &header_new)) {
		jmx_agg_free(agg);
		return JMX_OK;
	}
	if ((code = jmx_store_begin(r->store, err)) != JMX_OK)
		goto out;
	code = jmx_store_put_agg(r->store, r->rec.id, s->rec.id, agg, err);
	if (code == JMX_OK)
		code = jmx_store_segment_advance(r->store, s->rec.id, offset,
		    records, err);
	if (code == JMX_OK && header_new)
		code = jmx_store_segment_update(r->store, &s->rec, err);
	if (code == JMX_OK)
		code = jmx_store_commit(r->store, err);
	else
		jmx_store_rollback(r->store);
	if (code == JMX_OK) {
		s->rec.jtl_offset = offset;
		s->rec.records = records;
		jmx_agg_foreach(agg, count_bucket, r);
	}
out:
	jmx_agg_free(agg);
	return code;
}

/*
 * Once a segment's worker is through, say so in the store at once: a
 * controller that takes the run over must not tail it again.
 */
static void
record_end(struct jmx_runner *r, struct jmx_seg *s)
{
	enum jmx_seg_state st = jmx_seg_state(s);
	const char *state;

	if (st != JMX_SEG_DONE && st != JMX_SEG_FAILED)
		return;
	state = st == JMX_SEG_FAILED ? "lost" : "ended";
	if (s->rec.state != NULL && strcmp(s->rec.state, state) == 0)
		return;
	free(s->rec.state);
	s->rec.state = xstrdup(state);
	s->rec.jtl_records = s->jtl_records;
	s->rec.end_ms = jmx_now_ms();
	jmx_store_segment_update(r->store, &s->rec, NULL);
}

/* Are all segments of the current generation over? */
static int
generation_over(struct jmx_runner *r)
{
	enum jmx_seg_state st;
	int i;

	for (i = 0; i < r->n; i++) {
		if (r->agents[i].cur == NULL)
			continue;
		st = jmx_seg_state(r->agents[i].cur);
		if (st == JMX_SEG_RUNNING || (st == JMX_SEG_NEW &&
		    r->agents[i].cur->thread_started))
			return 0;
	}
	return 1;
}

static void
stop_generation(struct jmx_runner *r, int level)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (r->agents[i].cur != NULL)
			jmx_seg_stop(r->agents[i].cur, level);
}

static void
set_run_state(struct jmx_runner *r, enum jmx_run_state state)
{
	r->rec.state = state;
	jmx_store_run_update(r->store, &r->rec, NULL);
}

/* Finish the command a state change was waiting for. */
static void
command_done(struct jmx_runner *r, int ok, const char *result)
{
	if (r->cmd_id == 0)
		return;
	jmx_store_command_done(r->store, r->cmd_id, ok, result, NULL);
	r->cmd_id = 0;
}

/* When the current generation's last sample ended; 0 if none seen. */
static int64_t
generation_end(struct jmx_runner *r)
{
	int64_t end = 0;
	int i;

	for (i = 0; i < r->n; i++) {
		struct jmx_seg *s = r->agents[i].cur;

		if (s == NULL)
			continue;
		pthread_mutex_lock(&s->lock);
		if (s->last_end > end)
			end = s->last_end;
		pthread_mutex_unlock(&s->lock);
	}
	return end;
}

/*
 * Add the current generation's time under load to active_ms: from its
 * T0 to its last sample's end, or to fallback when it made none.
 */
static void
close_generation(struct jmx_runner *r, int64_t fallback)
{
	int64_t end = generation_end(r);

	if (end <= r->gen_t0)
		end = fallback;
	if (end > r->gen_t0)
		r->rec.active_ms += end - r->gen_t0;
}

/* Active time so far: every generation's time from its T0. */
static int64_t
active_ms(struct jmx_runner *r, int64_t now)
{
	int64_t gen = r->rec.state == JMX_RUN_PAUSED ? 0 : now - r->gen_t0;

	return r->rec.active_ms + (gen > 0 ? gen : 0);
}

static void
begin_stop(struct jmx_runner *r, int level, const char *actor)
{
	char detail[64];

	stop_generation(r, level);
	if (!r->stopping) {
		r->stopping = 1;
		if (r->rec.state == JMX_RUN_RUNNING ||
		    r->rec.state == JMX_RUN_PAUSING)
			close_generation(r, jmx_now_ms());
		set_run_state(r, JMX_RUN_STOPPING);
		snprintf(detail, sizeof detail, "%s", level >= 2 ?
		    "stop now" : "graceful stop");
		event(r, "stopping", NULL, detail, actor);
	}
}

/* Refuse a command the run's state does not allow. */
static void
refuse(struct jmx_runner *r, int64_t id, enum jmx_run_state want,
    const char *verb)
{
	char msg[160];

	snprintf(msg, sizeof msg, "run %lld is %s, not %s: cannot %s",
	    (long long)r->rec.id, jmx_run_state_name(r->rec.state),
	    jmx_run_state_name(want), verb);
	jmx_store_command_done(r->store, id, 0, msg, NULL);
}

/* Handle one command from another process (jmx-run pause, jmx-watch). */
static void
handle_command(struct jmx_runner *r, int64_t id, const char *verb,
    const char *actor, struct jmx_err *err)
{
	enum jmx_run_state st = r->rec.state;
	char msg[256];
	int64_t remaining;

	if (r->cmd_id != 0) {
		jmx_store_command_done(r->store, id, 0, "another command is "
		    "still in progress", NULL);
		return;
	}
	free(r->cmd_actor);
	r->cmd_actor = actor != NULL ? xstrdup(actor) : NULL;
	if (strcmp(verb, "stop") == 0) {
		if (r->stopping) {
			jmx_store_command_done(r->store, id, 0,
			    "already stopping", NULL);
			return;
		}
		r->cmd_id = id;
		begin_stop(r, 2, actor);
		return;
	}
	if (strcmp(verb, "pause") == 0) {
		if (st != JMX_RUN_RUNNING) {
			refuse(r, id, JMX_RUN_RUNNING, verb);
			return;
		}
		if (r->duration_ms <= 0) {
			jmx_store_command_done(r->store, id, 0, "the run has "
			    "no planned duration (a loop-count plan): pause "
			    "needs one to resume from", NULL);
			return;
		}
		r->cmd_id = id;
		r->pausing = 1;
		r->pause_ms = jmx_now_ms();
		stop_generation(r, 1);
		set_run_state(r, JMX_RUN_PAUSING);
		event(r, "pausing", NULL, NULL, actor);
		return;
	}
	if (strcmp(verb, "resume") == 0) {
		if (st != JMX_RUN_PAUSED) {
			refuse(r, id, JMX_RUN_PAUSED, verb);
			return;
		}
		remaining = r->duration_ms - r->rec.active_ms;
		set_run_state(r, JMX_RUN_RESUMING);
		event(r, "resuming", NULL, NULL, actor);
		if (start_generation(r, remaining > 1000 ? remaining : 1000,
		    r->cfg->settings.resume_ramp ? -1 : 0, err) != JMX_OK) {
			snprintf(msg, sizeof msg, "resume failed: %s", err->msg);
			jmx_store_command_done(r->store, id, 0, msg, NULL);
			event(r, "resume_failed", NULL, err->msg, actor);
			jmx_err_clear(err);
			begin_stop(r, 2, "controller");
			return;
		}
		set_run_state(r, JMX_RUN_RUNNING);
		snprintf(msg, sizeof msg, "resumed: %lld s left",
		    (long long)(remaining / 1000));
		event(r, "resumed", NULL, msg, actor);
		jmx_store_command_done(r->store, id, 1, msg, NULL);
		return;
	}
	snprintf(msg, sizeof msg, "unknown command '%s'", verb);
	jmx_store_command_done(r->store, id, 0, msg, NULL);
}

static void
poll_commands(struct jmx_runner *r, struct jmx_err *err)
{
	char *verb, *actor;
	int64_t id;

	if (jmx_mono_ms() - r->last_command < 300)
		return;
	r->last_command = jmx_mono_ms();
	/* The one in progress stays pending until done: look past it. */
	if (jmx_store_command_next(r->store, r->rec.id, r->cmd_id, &id, &verb,
	    &actor, NULL) != JMX_OK || id == 0)
		return;
	handle_command(r, id, verb, actor, err);
	free(verb);
	free(actor);
}

/* Move the run along: pausing -> paused, stopping -> done. */
static int
advance(struct jmx_runner *r)
{
	char detail[64];
	int over = generation_over(r);

	if (r->stop_level > r->stop_sent) {
		r->stop_sent = r->stop_level;
		begin_stop(r, r->stop_level, "interrupt");
	}
	if (r->pausing && over) {
		r->pausing = 0;
		close_generation(r, r->pause_ms);
		set_run_state(r, JMX_RUN_PAUSED);
		snprintf(detail, sizeof detail, "%lld s of %lld s run",
		    (long long)(r->rec.active_ms / 1000),
		    (long long)(r->duration_ms / 1000));
		event(r, "paused", NULL, detail, r->cmd_actor);
		command_done(r, 1, detail);
		return 0;
	}
	if (r->rec.state == JMX_RUN_PAUSED)
		return r->stopping;
	return over && !r->pausing;
}

/* The agents' probe data and weights, as the first controller saw them. */
static enum jmx_code
adopt_agents(struct jmx_runner *r, struct jmx_err *err)
{
	struct jmx_run_agent_rec *v;
	int i, j, n;

	if (jmx_store_run_agents(r->store, r->rec.id, &v, &n, err) != JMX_OK)
		return err->code;
	for (i = 0; i < r->n; i++) {
		struct ragent *ra = &r->agents[i];

		for (j = 0; j < n; j++)
			if (strcmp(v[j].agent, ra->a.conf->name) == 0)
				break;
		if (j == n) {
			jmx_run_agent_recs_free(v, n);
			return jmx_err_set(err, JMX_ERR_STATE, "run %lld has "
			    "no agent '%s'", (long long)r->rec.id,
			    ra->a.conf->name);
		}
		ra->weight = v[j].weight;
		ra->max_threads = INT_MAX;	/* checked when it started */
		ra->a.clock_offset_ms = v[j].clock_offset_ms;
		ra->a.cores = v[j].cores;
		ra->a.mem_avail_mb = v[j].mem_mb;
		snprintf(ra->a.java_version, sizeof ra->a.java_version, "%s",
		    v[j].java_version != NULL ? v[j].java_version : "");
		snprintf(ra->a.jmeter_version, sizeof ra->a.jmeter_version,
		    "%s", v[j].jmeter_version != NULL ? v[j].jmeter_version :
		    "");
		ra->state = "ok";
	}
	jmx_run_agent_recs_free(v, n);
	return JMX_OK;
}

static struct ragent *
agent_named(struct jmx_runner *r, const char *name)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->agents[i].a.conf->name, name) == 0)
			return &r->agents[i];
	return NULL;
}

/* Segments from the store: live ones are tailed on, ended ones kept. */
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
	for (i = 0; i < n; i++) {
		if ((ra = agent_named(r, v[i].agent)) == NULL)
			continue;
		s = jmx_seg_new(&ra->a, r->rec.id, set, r->req->keep);
		free(s->rec.agent);
		free(s->rec.state);
		s->rec = v[i];		/* takes over its strings */
		memset(&v[i], 0, sizeof v[i]);
		jmx_seg_set_id(s, s->rec.id, r->rec.run_dir);
		add_seg(r, s);
		ra->cur = s;
		if (s->rec.start_ms > r->gen_t0)
			r->gen_t0 = s->rec.start_ms;
		if (strcmp(s->rec.state, "running") == 0 &&
		    s->rec.work_dir != NULL) {
			if (jmx_seg_adopt(s) != JMX_OK)
				log_warn("%s", s->err.msg);
		} else {
			s->state = strcmp(s->rec.state, "ended") == 0 ?
			    JMX_SEG_DONE : JMX_SEG_FAILED;
			s->status = "done";
			s->jtl_records = s->rec.jtl_records;
		}
	}
	jmx_segment_recs_free(v, n);
	return JMX_OK;
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
	char host[256] = "";

	if (jmx_store_run_get(r->store, run_id, &r->rec, err) != JMX_OK)
		return err->code;
	if (jmx_run_state_final(r->rec.state))
		return jmx_err_set(err, JMX_ERR_STATE, "run %lld has ended "
		    "(%s)", (long long)run_id,
		    jmx_run_state_name(r->rec.state));
	if (adopt_agents(r, err) != JMX_OK || jmx_runner_split(r, err) !=
	    JMX_OK)
		return err->code;
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
	event(r, "attached", NULL, "a new controller took the run over",
	    NULL);
	drop_stale_commands(r);
	if (adopt_segments(r, err) != JMX_OK)
		return err->code;
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
		begin_stop(r, 2, "controller");
		break;
	}
	return JMX_OK;
}

enum jmx_code
jmx_runner_poll(struct jmx_runner *r, struct jmx_runner_progress *p,
    struct jmx_err *err)
{
	int64_t now = jmx_now_ms(), mono = jmx_mono_ms();
	int i, up = 0, done;

	for (i = 0; i < r->nsegs; i++) {
		if (flush_seg(r, r->segs[i], err) != JMX_OK)
			return err->code;
		record_end(r, r->segs[i]);
	}
	poll_commands(r, err);
	done = advance(r);
	/* Rate and p95 over windows of about five seconds. */
	if (mono - r->window_start >= 5000) {
		r->rate = r->window_samples * 1000.0 /
		    (double)(mono - r->window_start);
		r->p95 = jmx_hist_percentile(r->window, 95);
		jmx_hist_reset(r->window);
		r->window_samples = 0;
		r->window_start = mono;
	}
	heartbeat(r);
	for (i = 0; i < r->n; i++)
		if (r->agents[i].cur != NULL &&
		    jmx_seg_state(r->agents[i].cur) == JMX_SEG_RUNNING)
			up++;
	memset(p, 0, sizeof *p);
	p->state = r->rec.state;
	p->elapsed_ms = active_ms(r, now);
	if (now < r->gen_t0)
		p->elapsed_ms = now - r->gen_t0;
	p->remaining_ms = r->duration_ms > 0 ?
	    r->duration_ms - active_ms(r, now) : -1;
	if (p->remaining_ms < -1)
		p->remaining_ms = 0;
	p->agents_up = up;
	p->agents_total = r->n;
	p->samples = r->samples;
	p->errors = r->errors;
	p->rate = r->rate;
	p->p95_ms = r->p95;
	p->done = done;
	return JMX_OK;
}

void
jmx_runner_stop(struct jmx_runner *r, int level)
{
	if (level > r->stop_level)
		r->stop_level = level;
}

/*
 * Pack every segment's collected JTL and logs (runs/<id>/segments/) into
 * runs/<id>/agents.tar.xz as <agent>/<segment>/<file>, then drop the
 * loose copies.
 */
static void
archive_results(struct jmx_runner *r)
{
	static const char *const files[] = { "results.jtl", "jmeter.log",
	    "jmeter.out" };
	struct jmx_archive_writer *w;
	struct jmx_err err = { 0 };
	struct stat st;
	char name[512], *path, *loose;
	int i, f;

	xasprintf(&r->archive, "%s/agents%s", r->rec.run_dir,
	    jmx_archive_suffix());
	if ((w = jmx_archive_open(r->archive, &err)) == NULL) {
		log_warn("%s", err.msg);
		free(r->archive);
		r->archive = NULL;
		return;
	}
	for (i = 0; i < r->nsegs; i++) {
		struct jmx_seg *s = r->segs[i];

		for (f = 0; f < 3; f++) {
			xasprintf(&path, "%s/%s", s->local_dir, files[f]);
			snprintf(name, sizeof name, "%s/%lld/%s", s->rec.agent,
			    (long long)s->rec.id, files[f]);
			if (stat(path, &st) == 0 && jmx_archive_add_file(w,
			    name, path, &err) != JMX_OK)
				log_warn("%s", err.msg);
			free(path);
		}
	}
	if (jmx_archive_close(w, &err) != JMX_OK) {
		log_warn("%s", err.msg);
		free(r->archive);
		r->archive = NULL;
		return;
	}
	xasprintf(&loose, "%s/segments", r->rec.run_dir);
	jmx_remove_tree(loose, NULL);
	free(loose);
}

enum jmx_code
jmx_runner_finish(struct jmx_runner *r, struct jmx_runner_result *res,
    struct jmx_err *err)
{
	struct jmx_runner_progress p;
	int64_t first = INT64_MAX, last = INT64_MIN, jtl = 0;
	int i, lost = 0, counted = 1;
	char detail[256];

	for (i = 0; i < r->nsegs; i++)
		jmx_seg_join(r->segs[i]);
	if (jmx_runner_poll(r, &p, err) != JMX_OK)
		return err->code;
	archive_results(r);
	for (i = 0; i < r->nsegs; i++) {
		struct jmx_seg *s = r->segs[i];
		int failed = jmx_seg_state(s) == JMX_SEG_FAILED;

		if (failed && !r->start_failed) {
			lost++;
			event(r, "agent_lost", s->rec.agent, s->err.msg, NULL);
		}
		if (s->jtl_records < 0)
			counted = 0;
		else
			jtl += s->jtl_records;
		record_end(r, s);
	}
	/* The start skew: the first generation's first samples. */
	for (i = 0; i < r->n && i < r->nsegs; i++) {
		struct ragent *ra = &r->agents[i];
		struct jmx_seg *s = r->segs[i];
		struct jmx_run_agent_rec ar;

		ra->first_start = s->first_start;
		if (s->first_start != INT64_MAX) {
			if (s->first_start < first)
				first = s->first_start;
			if (s->first_start > last)
				last = s->first_start;
		}
		memset(&ar, 0, sizeof ar);
		ar.agent = (char *)ra->a.conf->name;
		ar.host = (char *)ra->a.conf->host;
		ar.weight = ra->weight;
		ar.threads = ra->peak_threads;
		ar.clock_offset_ms = ra->a.clock_offset_ms;
		ar.skew_ms = s->first_start != INT64_MAX ?
		    s->first_start - r->t0 : -1;
		ar.java_version = ra->a.java_version;
		ar.jmeter_version = ra->a.jmeter_version;
		ar.cores = ra->a.cores;
		ar.mem_mb = ra->a.mem_avail_mb;
		ar.state = jmx_seg_state(s) == JMX_SEG_FAILED ? "lost" : "ok";
		jmx_store_run_agent_put(r->store, r->rec.id, &ar, NULL);
	}
	if (r->rec.state == JMX_RUN_RUNNING)
		close_generation(r, jmx_now_ms());
	r->rec.samples = r->samples;
	r->rec.jtl_records = counted ? jtl : -1;
	r->rec.skew_ms = first != INT64_MAX ? last - first : -1;
	r->rec.end_ms = jmx_now_ms();
	r->rec.delivered_pct = r->nsegs > 0 ?
	    100.0 * (r->nsegs - lost) / r->nsegs : 0;
	if (r->start_failed || (r->nsegs > 0 && lost == r->nsegs))
		r->rec.state = JMX_RUN_FAILED;
	else if (lost > 0)
		r->rec.state = JMX_RUN_PARTIAL;
	else if (r->stopping)
		r->rec.state = JMX_RUN_STOPPED;
	else
		r->rec.state = JMX_RUN_COMPLETED;
	snprintf(detail, sizeof detail, "%lld samples ingested, %lld in the "
	    "JTLs", (long long)r->rec.samples, (long long)r->rec.jtl_records);
	event(r, jmx_run_state_name(r->rec.state), NULL, detail, NULL);
	command_done(r, 1, jmx_run_state_name(r->rec.state));
	if (jmx_store_run_update(r->store, &r->rec, err) != JMX_OK)
		return err->code;
	jmx_store_release(r->store, r->rec.id, NULL);

	memset(res, 0, sizeof *res);
	res->run_id = r->rec.id;
	res->state = r->rec.state;
	res->samples = r->rec.samples;
	res->jtl_records = r->rec.jtl_records;
	res->skew_ms = r->rec.skew_ms;
	res->delivered_pct = r->rec.delivered_pct;
	res->run_dir = r->rec.run_dir;
	res->archive = r->archive;
	return JMX_OK;
}

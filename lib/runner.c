/*
 * runner.c: the controller of a run.
 *
 * Threads: one worker per agent owns that agent's SSH session and does
 * all its remote work (probe, ship, launch, tail, signal, collect).  The
 * main thread, the caller of jmx_runner_poll(), is the only one that
 * touches SQLite.  A worker parses new JTL bytes into its aggregate under
 * the runner's lock; the main thread swaps the aggregate out under that
 * lock together with the parser's byte offset, and commits both in one
 * transaction, so every record is stored exactly once.
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
/* A tail read takes at most this much of a JTL at once. */
#define READ_CHUNK		(1024 * 1024)
#define POLL_MS			250
/* A controller silent this long no longer holds its agents. */
#define HEARTBEAT_STALE_MS	60000

enum worker_state {
	W_IDLE = 0,
	W_RUNNING,
	W_DONE,		/* JMeter ended and its results are in */
	W_FAILED	/* the agent was lost; werr says why */
};

struct ragent {
	struct jmx_agent	 a;
	struct jmx_err		 verr;		/* validation problem */
	double			 weight;
	int			 max_threads;
	int			 peak_threads;	/* its share at peak */
	struct jmx_runner	*r;
	int			 idx;

	/* The segment: one JMeter on this agent. */
	struct jmx_segment_rec	 seg;
	char			*plan_path;	/* local rewritten plan */
	char			*data_dir;	/* local data slices */
	struct jmx_buf		 bundle;
	int64_t			 pid;
	pthread_t		 tid;
	int			 thread_started;

	/* Shared with the main thread under r->lock. */
	enum worker_state	 wstate;
	struct jmx_err		 werr;
	struct jmx_jtl		*jtl;
	struct jmx_agg		*agg;		/* filled by the worker */
	int64_t			 first_start;	/* corrected; INT64_MAX none */
	int64_t			 samples;
	int			 udp_port;
	int			 exit_code;
	const char		*state;		/* for display */

	/* Collected at the end (worker), then archived (main). */
	struct jmx_buf		 jtl_file;
	struct jmx_buf		 log_file;
	struct jmx_buf		 out_file;
	int64_t			 jtl_records;	/* counted afresh; -1 */
	int64_t			 committed_records;
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

	struct jmx_run_rec		 rec;
	int64_t				 t0;	/* controller clock */
	int64_t				 duration_ms;	/* planned, 0 unknown */
	int64_t				 ramp_ms;
	int64_t				 deadline_s;

	pthread_mutex_t			 lock;
	volatile sig_atomic_t		 stop_level;
	int				 stop_seen;
	int				 start_failed;
	int64_t				 stop_ms;

	/* Progress over a short window. */
	struct jmx_hist			*window;
	int64_t				 window_start;
	int64_t				 window_samples;
	int64_t				 last_rate_ms;
	double				 rate;
	int64_t				 p95;
	int64_t				 samples;
	int64_t				 errors;
	int64_t				 last_heartbeat;
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
	pthread_mutex_init(&r->lock, NULL);
	return r;
}

static void
ragent_free(struct ragent *ra)
{
	jmx_agent_disconnect(&ra->a);
	free(ra->seg.agent);
	free(ra->seg.work_dir);
	free(ra->seg.state);
	free(ra->seg.jtl_header);
	free(ra->plan_path);
	free(ra->data_dir);
	jmx_buf_free(&ra->bundle);
	jmx_jtl_free(ra->jtl);
	jmx_agg_free(ra->agg);
	jmx_buf_free(&ra->jtl_file);
	jmx_buf_free(&ra->log_file);
	jmx_buf_free(&ra->out_file);
}

void
jmx_runner_free(struct jmx_runner *r)
{
	int i;

	if (r == NULL)
		return;
	jmx_runner_stop(r, 2);
	for (i = 0; i < r->n; i++) {
		if (r->agents[i].thread_started)
			pthread_join(r->agents[i].tid, NULL);
		ragent_free(&r->agents[i]);
	}
	free(r->agents);
	free(r->props);
	jmx_split_free(r->split);
	jmx_plan_free(r->plan);
	jmx_hist_free(r->window);
	jmx_run_rec_free(&r->rec);
	free(r->archive);
	pthread_mutex_destroy(&r->lock);
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
	ra->jtl_records = -1;
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

/* A TCP connect to an agent that does not answer in this time fails. */
#define CONNECT_TIMEOUT_MS	10000

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
	pthread_mutex_lock(&r->lock);
	v->state = ra->state;
	v->samples = ra->samples;
	v->skew_ms = ra->first_start != INT64_MAX && r->t0 > 0 ?
	    ra->first_start - r->t0 : -1;
	pthread_mutex_unlock(&r->lock);
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
event(struct jmx_runner *r, const char *kind, const char *agent,
    const char *detail)
{
	struct jmx_err err = { 0 };

	if (jmx_store_event(r->store, r->rec.id, jmx_now_ms(), kind, agent,
	    detail, "controller", &err) != JMX_OK)
		log_warn("%s", err.msg);
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

/* Write each agent's plan and pack its bundle. */
static enum jmx_code
build_bundles(struct jmx_runner *r, struct jmx_err *err)
{
	struct shipped *data;
	struct jmx_plan_rename *ren;
	struct jmx_bundle *b;
	const void *bytes;
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
		xasprintf(&ra->plan_path, "%s/plan-%s.jmx", r->rec.run_dir,
		    ra->a.conf->name);
		if ((code = jmx_plan_write_share(r->plan, &share,
		    ra->plan_path, err)) != JMX_OK)
			break;
		b = jmx_bundle_new();
		code = jmx_bundle_add_file(b, "plan.jmx", ra->plan_path, err);
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
			jmx_buf_add(&ra->bundle, bytes, len);
		jmx_bundle_free(b);
	}
	free(ren);
	shipped_free(data, ndata, r->n);
	return code;
}

static void *
unpack_one(void *arg)
{
	struct ragent *ra = arg;

	if (jmx_agent_unpack(&ra->a, ra->r->rec.id, ra->bundle.data,
	    ra->bundle.len, &ra->seg.work_dir, &ra->werr) != JMX_OK)
		ra->wstate = W_FAILED;
	jmx_buf_free(&ra->bundle);
	return NULL;
}

/* The JMeter arguments of one agent: the run's properties. */
static char **
launch_args(struct jmx_runner *r, struct ragent *ra)
{
	char **args = xcalloc((size_t)r->nprops + 1, sizeof *args);
	int i;

	for (i = 0; i < r->nprops; i++)
		xasprintf(&args[i], "-J%s=%s", r->props[i].name,
		    r->props[i].value);
	return args;
}

/* Wait until this agent's JMeter holds at the sync point. */
static void *
ready_one(void *arg)
{
	struct ragent *ra = arg;
	struct jmx_agent_status st;
	struct timespec pause = { 0, 100 * 1000000L };
	int64_t until = jmx_mono_ms() + READY_TIMEOUT_MS;

	if (ra->wstate == W_FAILED)
		return NULL;
	while (jmx_mono_ms() < until && ra->r->stop_level == 0) {
		if (jmx_agent_status(&ra->a, ra->seg.work_dir, &st,
		    &ra->werr) != JMX_OK)
			break;
		if (st.ready)
			return NULL;
		if (st.exited || (!st.running && st.started)) {
			jmx_err_set(&ra->werr, JMX_ERR_REMOTE, "agent '%s': "
			    "JMeter ended before the test began (exit %d); "
			    "see jmeter.log in %s", ra->a.conf->name,
			    st.exit_code, ra->seg.work_dir);
			break;
		}
		nanosleep(&pause, NULL);
	}
	if (ra->werr.code == JMX_OK)
		jmx_err_set(&ra->werr, JMX_ERR_TIMEOUT, "agent '%s': JMeter "
		    "not ready after %d s", ra->a.conf->name,
		    READY_TIMEOUT_MS / 1000);
	ra->wstate = W_FAILED;
	return NULL;
}

/* Give this agent T0, on its own clock. */
static void *
go_one(void *arg)
{
	struct ragent *ra = arg;
	char t0[32];

	if (ra->wstate == W_FAILED)
		return NULL;
	snprintf(t0, sizeof t0, "%lld\n",
	    (long long)(ra->r->t0 + ra->a.clock_offset_ms));
	if (jmx_agent_put(&ra->a, ra->seg.work_dir, JMX_PLAN_SYNC_PROP, t0,
	    &ra->werr) != JMX_OK)
		ra->wstate = W_FAILED;
	return NULL;
}

static void *
launch_one(void *arg)
{
	struct ragent *ra = arg;
	struct jmx_runner *r = ra->r;
	struct jmx_launch l;
	char **args;
	int i;

	if (ra->wstate == W_FAILED)
		return NULL;
	args = launch_args(r, ra);
	memset(&l, 0, sizeof l);
	l.deadline_s = r->deadline_s;
	l.heap = getenv("JMX_AGENT_HEAP");
	l.args = (const char *const *)args;
	if (jmx_agent_launch(&ra->a, ra->seg.work_dir, &l, &ra->pid,
	    &ra->werr) != JMX_OK)
		ra->wstate = W_FAILED;
	for (i = 0; args[i] != NULL; i++)
		free(args[i]);
	free(args);
	return NULL;
}

/* Parser callback, on the worker thread, under r->lock. */
static enum jmx_code
on_sample(const struct jmx_sample *s, void *arg, struct jmx_err *err)
{
	struct ragent *ra = arg;
	int64_t start = s->ts - ra->a.clock_offset_ms;

	jmx_agg_add(ra->agg, s, ra->a.clock_offset_ms);
	if (start < ra->first_start)
		ra->first_start = start;
	ra->samples++;
	return JMX_OK;
}

/* Read what is new in results.jtl and parse it; returns bytes read. */
static int64_t
tail_once(struct ragent *ra, int64_t *fed, struct jmx_err *err)
{
	struct jmx_runner *r = ra->r;
	struct jmx_buf chunk = { 0 };
	enum jmx_code code;
	int64_t n;

	code = jmx_agent_read(&ra->a, ra->seg.work_dir, "results.jtl", *fed,
	    READ_CHUNK, &chunk, err);
	if (code == JMX_ERR_NOTFOUND) {
		jmx_buf_free(&chunk);
		return 0;
	}
	if (code != JMX_OK) {
		jmx_buf_free(&chunk);
		return -1;
	}
	n = (int64_t)chunk.len;
	if (n > 0) {
		pthread_mutex_lock(&r->lock);
		/* Bad records are counted and skipped: nothing stops. */
		jmx_jtl_feed(ra->jtl, chunk.data, chunk.len, NULL);
		pthread_mutex_unlock(&r->lock);
		*fed += n;
	}
	jmx_buf_free(&chunk);
	return n;
}

static void
set_state(struct ragent *ra, const char *state)
{
	pthread_mutex_lock(&ra->r->lock);
	ra->state = state;
	pthread_mutex_unlock(&ra->r->lock);
}

/* Pass a stop request on to this agent's JMeter. */
static void
forward_stop(struct ragent *ra, int *sent, int64_t *sent_ms)
{
	struct jmx_runner *r = ra->r;
	int level = r->stop_level;
	struct jmx_err err = { 0 };
	int64_t grace = r->cfg->settings.stop_grace_ms;

	if (level > *sent && ra->udp_port > 0) {
		if (jmx_agent_signal(&ra->a, ra->udp_port, level >= 2 ?
		    "StopTestNow" : "Shutdown", &err) != JMX_OK)
			log_warn("%s", err.msg);
		*sent = level;
		*sent_ms = jmx_mono_ms();
		set_state(ra, level >= 2 ? "stopping now" : "stopping");
	} else if (level > *sent && ra->udp_port <= 0) {
		/* Not listening yet: JMeter is still starting; end it. */
		jmx_agent_kill(&ra->a, ra->seg.work_dir, level >= 2, &err);
		*sent = level;
		*sent_ms = jmx_mono_ms();
	} else if (level >= 2 && *sent >= 2 &&
	    jmx_mono_ms() - *sent_ms > grace) {
		jmx_agent_kill(&ra->a, ra->seg.work_dir, 1, &err);
		*sent_ms = jmx_mono_ms();
	}
}

/* Fetch the JTL and logs and count the JTL's records afresh. */
static void
collect(struct ragent *ra)
{
	struct jmx_err err = { 0 };
	struct jmx_jtl *count;

	if (jmx_agent_fetch(&ra->a, ra->seg.work_dir, "results.jtl",
	    &ra->jtl_file, &err) == JMX_OK) {
		count = jmx_jtl_new(NULL, NULL);
		jmx_jtl_set_skip_bad(count, 1);
		jmx_jtl_feed(count, ra->jtl_file.data, ra->jtl_file.len, NULL);
		jmx_jtl_finish(count, NULL);
		ra->jtl_records = (int64_t)jmx_jtl_records(count);
		jmx_jtl_free(count);
	} else
		log_warn("agent '%s': %s", ra->a.conf->name, err.msg);
	jmx_agent_fetch(&ra->a, ra->seg.work_dir, "jmeter.log", &ra->log_file,
	    NULL);
	jmx_agent_fetch(&ra->a, ra->seg.work_dir, "jmeter.out", &ra->out_file,
	    NULL);
	if (!ra->r->req->keep)
		jmx_agent_cleanup(&ra->a, ra->seg.work_dir, NULL);
}

/*
 * The SSH connection failed: JMeter goes on by itself on the agent, so
 * try to reconnect until settings.failure_timeout has passed.  Reading
 * then resumes at the same byte offset.
 */
static int
reconnect(struct ragent *ra)
{
	int64_t until = jmx_mono_ms() + ra->r->cfg->settings.failure_timeout_ms;
	struct timespec pause = { 1, 0 };
	struct jmx_err err = { 0 };

	set_state(ra, "reconnecting");
	log_warn("agent '%s': %s; reconnecting", ra->a.conf->name,
	    ra->werr.msg);
	jmx_agent_disconnect(&ra->a);
	while (jmx_mono_ms() < until) {
		if (jmx_agent_connect(&ra->a, CONNECT_TIMEOUT_MS, &err) ==
		    JMX_OK) {
			set_state(ra, ra->udp_port > 0 ? "running" : "starting");
			jmx_err_clear(&ra->werr);
			return 0;
		}
		nanosleep(&pause, NULL);
	}
	return -1;
}

/*
 * The worker: tail the JTL, watch JMeter, forward stops, and at the end
 * drain, collect and clean up.
 */
static void *
worker(void *arg)
{
	struct ragent *ra = arg;
	struct jmx_runner *r = ra->r;
	struct jmx_agent_status st = { 0 };
	int64_t fed = 0, last_status = 0, sent_ms = 0, n = 0;
	int sent = 0, exited = 0;
	struct timespec pause = { 0, POLL_MS * 1000000L };

	set_state(ra, "starting");
	while (!exited) {
		forward_stop(ra, &sent, &sent_ms);
		if (jmx_mono_ms() - last_status >= 1000) {
			if (jmx_agent_status(&ra->a, ra->seg.work_dir, &st,
			    &ra->werr) != JMX_OK) {
				if (reconnect(ra) != 0)
					goto lost;
				continue;
			}
			last_status = jmx_mono_ms();
			if (st.udp_port > 0 && ra->udp_port == 0) {
				ra->udp_port = st.udp_port;
				set_state(ra, "running");
			}
			exited = st.exited || !st.running;
		}
		/* After the exit is seen, read on until the file is drained. */
		do {
			if ((n = tail_once(ra, &fed, &ra->werr)) < 0)
				break;
		} while (exited && n > 0);
		if (n < 0) {
			if (reconnect(ra) != 0)
				goto lost;
			exited = 0;
			continue;
		}
		if (!exited && n == 0)
			nanosleep(&pause, NULL);
	}
	pthread_mutex_lock(&r->lock);
	/* SIGTERM flushes a complete last line; SIGKILL may cut it. */
	jmx_jtl_finish(ra->jtl, NULL);
	ra->exit_code = st.exit_code;
	ra->wstate = W_DONE;
	ra->state = "collecting";
	pthread_mutex_unlock(&r->lock);
	collect(ra);
	set_state(ra, "done");
	return NULL;
lost:
	pthread_mutex_lock(&r->lock);
	ra->wstate = W_FAILED;
	ra->state = "lost";
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* The first agent failure, copied to err; JMX_OK if none. */
static enum jmx_code
first_failure(struct jmx_runner *r, struct jmx_err *err)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (r->agents[i].wstate == W_FAILED) {
			*err = r->agents[i].werr;
			return err->code;
		}
	return JMX_OK;
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

/* Prepare everywhere, then launch everywhere for one instant T0. */
enum jmx_code
jmx_runner_start(struct jmx_runner *r, struct jmx_err *err)
{
	const struct jmx_settings *s = &r->cfg->settings;
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
	}
	event(r, "validated", NULL, NULL);
	if (build_bundles(r, err) != JMX_OK)
		return err->code;
	for_each_agent(r, unpack_one);
	if (first_failure(r, err) != JMX_OK)
		return err->code;

	r->deadline_s = (READY_TIMEOUT_MS + r->ramp_ms +
	    s->deadline_grace_ms) / 1000 + (r->duration_ms > 0 ?
	    r->duration_ms / 1000 : UNBOUNDED_DEADLINE_S);
	for_each_agent(r, launch_one);
	/* Everyone at the sync point first, then one instant for all. */
	if (first_failure(r, err) == JMX_OK)
		for_each_agent(r, ready_one);
	if (first_failure(r, err) == JMX_OK) {
		r->t0 = jmx_now_ms() + START_MARGIN_MS + max_rtt(r);
		for_each_agent(r, go_one);
		first_failure(r, err);
	}
	if (err->code != JMX_OK) {
		/* The workers end every JMeter that did start. */
		jmx_runner_stop(r, 2);
		r->start_failed = 1;
		if (r->t0 == 0)
			r->t0 = jmx_now_ms();
	}

	r->rec.start_ms = r->t0;
	r->rec.state = JMX_RUN_RUNNING;
	r->window = jmx_hist_new();
	r->window_start = jmx_mono_ms();
	for (i = 0; i < r->n; i++) {
		struct ragent *ra = &r->agents[i];

		ra->seg.run_id = r->rec.id;
		ra->seg.agent = xstrdup(ra->a.conf->name);
		ra->seg.state = xstrdup("running");
		ra->seg.pid = ra->pid;
		ra->seg.start_ms = r->t0;
		ra->seg.deadline_ms = r->t0 + r->deadline_s * 1000;
		ra->seg.jtl_records = -1;
		ra->seg.clock_offset_ms = ra->a.clock_offset_ms;
		jmx_store_segment_create(r->store, &ra->seg, NULL);
		ra->jtl = jmx_jtl_new(on_sample, ra);
		jmx_jtl_set_skip_bad(ra->jtl, 1);
		/* Parse only what the aggregate reads: the hot path. */
		jmx_jtl_set_fields(ra->jtl, JMX_AGG_FIELDS);
		ra->agg = jmx_agg_new();
		if (ra->wstate == W_FAILED)
			continue;
		ra->wstate = W_RUNNING;
		ra->thread_started = pthread_create(&ra->tid, NULL, worker,
		    ra) == 0;
		if (!ra->thread_started) {
			ra->wstate = W_FAILED;
			jmx_err_set(&ra->werr, JMX_ERR_IO, "cannot start a "
			    "thread for agent '%s'", ra->a.conf->name);
		}
	}
	jmx_store_run_update(r->store, &r->rec, NULL);
	snprintf(detail, sizeof detail, "%d agents", r->n);
	event(r, "started", NULL, detail);
	return err->code != JMX_OK ? err->code : JMX_OK;
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

/* Take what a worker parsed and commit it with its offset. */
static enum jmx_code
flush_agent(struct jmx_runner *r, struct ragent *ra, struct jmx_err *err)
{
	struct jmx_agg *full, *fresh = jmx_agg_new();
	int64_t offset, records;
	const char *header;
	int need_header;
	enum jmx_code code;

	pthread_mutex_lock(&r->lock);
	full = ra->agg;
	ra->agg = fresh;
	offset = (int64_t)jmx_jtl_offset(ra->jtl);
	records = (int64_t)jmx_jtl_records(ra->jtl);
	header = jmx_jtl_header(ra->jtl);
	need_header = header != NULL && ra->seg.jtl_header == NULL;
	if (need_header)
		ra->seg.jtl_header = xstrdup(header);
	pthread_mutex_unlock(&r->lock);

	if (offset == ra->seg.jtl_offset && !need_header) {
		jmx_agg_free(full);
		return JMX_OK;
	}
	if ((code = jmx_store_begin(r->store, err)) != JMX_OK)
		goto out;
	code = jmx_store_put_agg(r->store, r->rec.id, ra->seg.id, full, err);
	if (code == JMX_OK)
		code = jmx_store_segment_advance(r->store, ra->seg.id, offset,
		    records, err);
	if (code == JMX_OK && need_header)
		code = jmx_store_segment_update(r->store, &ra->seg, err);
	if (code == JMX_OK)
		code = jmx_store_commit(r->store, err);
	else
		jmx_store_rollback(r->store);
	if (code == JMX_OK) {
		ra->seg.jtl_offset = offset;
		ra->committed_records = records;
		jmx_agg_foreach(full, count_bucket, r);
	}
out:
	jmx_agg_free(full);
	return code;
}

enum jmx_code
jmx_runner_poll(struct jmx_runner *r, struct jmx_runner_progress *p,
    struct jmx_err *err)
{
	int64_t now = jmx_now_ms(), mono = jmx_mono_ms();
	int i, up = 0, done = 0;

	for (i = 0; i < r->n; i++)
		if (flush_agent(r, &r->agents[i], err) != JMX_OK)
			return err->code;
	/* Rate and p95 over windows of about five seconds. */
	if (mono - r->window_start >= 5000) {
		r->rate = r->window_samples * 1000.0 /
		    (double)(mono - r->window_start);
		r->p95 = jmx_hist_percentile(r->window, 95);
		jmx_hist_reset(r->window);
		r->window_samples = 0;
		r->window_start = mono;
	}
	if (now - r->last_heartbeat >= 2000) {
		jmx_store_run_heartbeat(r->store, r->rec.id, now, NULL);
		r->last_heartbeat = now;
	}
	pthread_mutex_lock(&r->lock);
	for (i = 0; i < r->n; i++) {
		if (r->agents[i].wstate == W_RUNNING)
			up++;
		else
			done++;
	}
	pthread_mutex_unlock(&r->lock);
	if (r->stop_level > 0 && !r->stop_seen) {
		r->stop_seen = 1;
		r->rec.state = JMX_RUN_STOPPING;
		jmx_store_run_set_state(r->store, r->rec.id, JMX_RUN_STOPPING,
		    NULL);
		event(r, "stopping", NULL, r->stop_level >= 2 ?
		    "stop now (interrupt twice)" : "graceful stop (interrupt)");
	}
	memset(p, 0, sizeof *p);
	p->state = r->rec.state;
	p->elapsed_ms = now - r->t0;
	p->remaining_ms = r->duration_ms > 0 ?
	    r->t0 + r->duration_ms - now : -1;
	if (p->remaining_ms < -1)
		p->remaining_ms = 0;
	p->agents_up = up;
	p->agents_total = r->n;
	p->samples = r->samples;
	p->errors = r->errors;
	p->rate = r->rate;
	p->p95_ms = r->p95;
	p->done = done == r->n;
	return JMX_OK;
}

void
jmx_runner_stop(struct jmx_runner *r, int level)
{
	if (level > r->stop_level)
		r->stop_level = level;
}

/* Pack every agent's JTL and logs into runs/<id>/agents.tar.xz. */
static void
archive_results(struct jmx_runner *r)
{
	struct jmx_archive_writer *w;
	struct jmx_err err = { 0 };
	char name[512];
	int i;

	xasprintf(&r->archive, "%s/agents%s", r->rec.run_dir,
	    jmx_archive_suffix());
	if ((w = jmx_archive_open(r->archive, &err)) == NULL) {
		log_warn("%s", err.msg);
		free(r->archive);
		r->archive = NULL;
		return;
	}
	for (i = 0; i < r->n; i++) {
		struct ragent *ra = &r->agents[i];
		const char *agent = ra->a.conf->name;

		snprintf(name, sizeof name, "%s/results.jtl", agent);
		if (ra->jtl_file.len > 0)
			jmx_archive_add_data(w, name, ra->jtl_file.data,
			    ra->jtl_file.len, &err);
		snprintf(name, sizeof name, "%s/jmeter.log", agent);
		if (ra->log_file.len > 0)
			jmx_archive_add_data(w, name, ra->log_file.data,
			    ra->log_file.len, &err);
		snprintf(name, sizeof name, "%s/jmeter.out", agent);
		if (ra->out_file.len > 0)
			jmx_archive_add_data(w, name, ra->out_file.data,
			    ra->out_file.len, &err);
	}
	if (jmx_archive_close(w, &err) != JMX_OK) {
		log_warn("%s", err.msg);
		free(r->archive);
		r->archive = NULL;
	}
}

enum jmx_code
jmx_runner_finish(struct jmx_runner *r, struct jmx_runner_result *res,
    struct jmx_err *err)
{
	struct jmx_runner_progress p;
	int64_t first = INT64_MAX, last = INT64_MIN, jtl = 0;
	int i, lost = 0, counted = 1;
	char detail[256];

	for (i = 0; i < r->n; i++)
		if (r->agents[i].thread_started) {
			pthread_join(r->agents[i].tid, NULL);
			r->agents[i].thread_started = 0;
		}
	if (jmx_runner_poll(r, &p, err) != JMX_OK)
		return err->code;
	archive_results(r);
	for (i = 0; i < r->n; i++) {
		struct ragent *ra = &r->agents[i];
		struct jmx_run_agent_rec ar;

		if (ra->wstate == W_FAILED) {
			lost++;
			snprintf(detail, sizeof detail, "%s", ra->werr.msg);
			event(r, "agent_lost", ra->a.conf->name, detail);
		}
		if (ra->jtl_records < 0)
			counted = 0;
		else
			jtl += ra->jtl_records;
		ra->seg.jtl_records = ra->jtl_records;
		ra->seg.end_ms = jmx_now_ms();
		free(ra->seg.state);
		ra->seg.state = xstrdup(ra->wstate == W_FAILED ? "lost" :
		    "ended");
		jmx_store_segment_update(r->store, &ra->seg, NULL);
		if (ra->first_start != INT64_MAX) {
			if (ra->first_start < first)
				first = ra->first_start;
			if (ra->first_start > last)
				last = ra->first_start;
		}
		memset(&ar, 0, sizeof ar);
		ar.agent = (char *)ra->a.conf->name;
		ar.host = (char *)ra->a.conf->host;
		ar.weight = ra->weight;
		ar.threads = ra->peak_threads;
		ar.clock_offset_ms = ra->a.clock_offset_ms;
		ar.skew_ms = ra->first_start != INT64_MAX ?
		    ra->first_start - r->t0 : -1;
		ar.java_version = ra->a.java_version;
		ar.jmeter_version = ra->a.jmeter_version;
		ar.cores = ra->a.cores;
		ar.mem_mb = ra->a.mem_avail_mb;
		ar.state = ra->wstate == W_FAILED ? "lost" : "ok";
		jmx_store_run_agent_put(r->store, r->rec.id, &ar, NULL);
	}
	r->rec.samples = r->samples;
	r->rec.jtl_records = counted ? jtl : -1;
	r->rec.skew_ms = first != INT64_MAX ? last - first : -1;
	r->rec.end_ms = jmx_now_ms();
	r->rec.delivered_pct = r->n > 0 ? 100.0 * (r->n - lost) / r->n : 0;
	if (lost == r->n || r->start_failed)
		r->rec.state = JMX_RUN_FAILED;
	else if (lost > 0)
		r->rec.state = JMX_RUN_PARTIAL;
	else if (r->stop_level > 0)
		r->rec.state = JMX_RUN_STOPPED;
	else
		r->rec.state = JMX_RUN_COMPLETED;
	snprintf(detail, sizeof detail, "%lld samples ingested, %lld in the "
	    "JTLs", (long long)r->rec.samples, (long long)r->rec.jtl_records);
	event(r, jmx_run_state_name(r->rec.state), NULL, detail);
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

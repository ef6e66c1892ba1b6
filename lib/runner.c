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
 *
 * This file keeps the run's life: new/free, create (or adopt), the
 * bundles, events and state transitions, the start phases, the poll
 * loop and its commands, and the end (archive, finish).  Other files of
 * the runner: validate.c resolves the test, chooses, probes and locks
 * the agents and splits the load (before the run); handover.c acts on
 * lost and suspect segments and moves their load, with failover.c
 * deciding who takes it; takeover.c attaches to a run whose controller
 * is gone.  The state they share is in runner-int.h.
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
#include "control.h"
#include "data.h"
#include "hist.h"
#include "jtl.h"
#include "stream.h"
#include "log.h"
#include "part.h"
#include "plan.h"
#include "runner.h"
#include "runner-int.h"
#include "segment.h"
#include "split.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

/* How long JMeters get to reach the sync point (JVM start, plan load). */
#define READY_TIMEOUT_MS	120000
/*
 * T0 is this far after the last agent is ready, plus the slowest RTT:
 * time to write it everywhere (over SFTP: ~10 ms on the loaded bed).
 */
#define START_MARGIN_MS		250
/* Longest run when neither the request nor the plan sets a duration. */
#define UNBOUNDED_DEADLINE_S	(24 * 3600)
/* The run's JMeter properties in the work dir (launch_properties). */
#define PROPERTIES_FILE		"jmx.properties"

static void	while_starting(struct jmx_runner *, struct phase *, int,
		    int);
static enum jmx_code transition(struct jmx_runner *, enum jmx_run_state,
		    const char *, const char *, const char *, int,
		    const char *, struct jmx_err *);
static void	poll_commands(struct jmx_runner *, struct jmx_err *);

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
	jmx_runner_cancel_standby(r, "the controller is ending");
	jmx_runner_cancel_warm(r, "the controller is ending");
	for (i = 0; i < r->nsegs; i++)
		jmx_seg_free(r->segs[i]);
	free(r->segs);
	for (i = 0; i < r->n; i++) {
		jmx_agent_unlock(&r->agents[i].a);
		jmx_agent_disconnect(&r->agents[i].a);
	}
	free(r->agents);
	for (i = 0; i < r->nspares; i++)
		jmx_agent_disconnect(&r->spares[i].a);
	free(r->spares);
	free(r->props);
	jmx_split_free(r->split);
	jmx_plan_free(r->plan);
	jmx_hist_free(r->window);
	jmx_stream_free(r->stream);
	jmx_run_rec_free(&r->rec);
	free(r->archive);
	free(r->cmd_actor);
	free(r);
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

/*
 * An agent's first sample against T0 (ms), -1 unknown.  A first sample
 * in the millisecond before T0 (an early start wakes threads at T0 to
 * the millisecond, and the clocks compare to a millisecond at best)
 * counts as at T0, not as unknown.
 */
static int64_t
agent_skew(const struct jmx_runner *r, const struct ragent *ra)
{
	int64_t d;

	if (ra->first_start == INT64_MAX || r->t0 <= 0)
		return -1;
	d = ra->first_start - r->t0;
	return d == -1 ? 0 : d;
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
	v->skew_ms = agent_skew(r, ra);
	/* The state of its newest segment. */
	for (j = 0; j < r->nsegs; j++) {
		struct jmx_seg *s = r->segs[j];

		if (strcmp(s->rec.agent, v->name) != 0)
			continue;
		pthread_mutex_lock(&s->lock);
		v->samples += s->samples;
		v->state = s->status;
		pthread_mutex_unlock(&s->lock);
	}
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
	for (i = 0; i < r->n; i++)
		names[i] = r->agents[i].a.conf->name;
	r->rec.options_json = jmx_run_request_json(r->req, r->duration_ms,
	    r->ramp_ms, r->props, r->nprops, names, r->n);
	/*
	 * The run and the request attach rebuilds it from, in one
	 * transaction: a controller killed in between leaves no run that
	 * cannot be taken over.
	 */
	if (jmx_store_begin(r->store, err) != JMX_OK)
		return err->code;
	if (jmx_store_run_create(r->store, &r->rec, err) != JMX_OK) {
		jmx_store_rollback(r->store);
		return err->code;
	}
	xasprintf(&r->rec.run_dir, "%s/runs/%lld", r->home,
	    (long long)r->rec.id);
	if (jmx_mkdirs(r->rec.run_dir, 0700, err) != JMX_OK ||
	    jmx_store_run_update(r->store, &r->rec, err) != JMX_OK ||
	    jmx_run_request_save(r->req, r->store, r->rec.id, r->cfg->path,
	    names, r->n, err) != JMX_OK) {
		jmx_store_rollback(r->store);
		return err->code;
	}
	if (jmx_store_commit(r->store, err) != JMX_OK)
		return err->code;
	/* Reserve all agents at once; another run may have raced us. */
	if (jmx_store_reserve(r->store, r->rec.id, names, r->n, jmx_now_ms(),
	    err) != JMX_OK ||
	    jmx_runner_lock_agents(r, 1, err) != JMX_OK) {
		transition(r, JMX_RUN_FAILED, "start_failed", err->msg, NULL,
		    0, NULL, NULL);
		jmx_store_release(r->store, r->rec.id, NULL);
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

/* The run's data files (data.h): the test case's and --data. */
int
jmx_runner_run_data(struct jmx_runner *r, struct jmx_data_file **v)
{
	return jmx_data_collect(r->plan, r->test->data, r->test->ndata,
	    r->req->data, r->req->ndata, v);
}

/*
 * Cut every split data file into one slice per agent of the split, once
 * per run: resumes and takeovers read the slices from the run dir.
 */
static enum jmx_code
split_data(struct jmx_runner *r, struct jmx_err *err)
{
	double *w = xcalloc((size_t)r->nsplit + 1, sizeof *w);
	const char **tags = xcalloc((size_t)r->nsplit + 1, sizeof *tags);
	struct jmx_data_file *v;
	enum jmx_code code;
	int j, n;

	for (j = 0; j < r->nsplit; j++) {
		w[j] = r->agents[j].weight;
		tags[j] = r->agents[j].a.conf->name;
	}
	n = jmx_runner_run_data(r, &v);
	code = jmx_data_split(v, n, r->rec.run_dir, NULL, r->nsplit, w, tags,
	    err);
	jmx_data_files_free(v, n);
	free(w);
	free(tags);
	return code;
}

/*
 * The run's JMeter properties, as the text of a properties file: on the
 * agent's command line a value (a password) would show in ps(1).
 */
static char *
launch_properties(struct jmx_runner *r, struct jmx_data_file *data,
    int ndata)
{
	struct jmx_buf text = { 0 };
	const char *theirs = NULL;
	char *vars;
	int i;

	/*
	 * Every sample reaches the file at once: live figures stay fresh,
	 * a JMeter killed with SIGKILL loses none it finished, and a quiet
	 * file means a stalled JMeter.  A property of the run comes after
	 * and wins.
	 */
	jmx_java_property(&text, "jmeter.save.saveservice.autoflush", "true");
	for (i = 0; i < r->nprops; i++) {
		jmx_java_property(&text, r->props[i].name, r->props[i].value);
		if (strcmp(r->props[i].name, "sample_variables") == 0)
			theirs = r->props[i].value;
	}
	/* The data rows each record used (data.h): theirs, then ours. */
	if ((vars = jmx_data_sample_vars(data, ndata, theirs)) != NULL)
		jmx_java_property(&text, "sample_variables", vars);
	free(vars);
	return jmx_buf_steal(&text);
}

/*
 * The main groups' duration (s) the shares are written with: duration_ms
 * (rounded up) when set, else the split's own.
 */
static int64_t
share_duration_s(const struct jmx_runner *r, int64_t duration_ms)
{
	return duration_ms > 0 ? (duration_ms + 999) / 1000 :
	    r->split->agents[0].share.duration_s;
}

/*
 * Write each placement's plan (its part, for duration_ms: see
 * share_duration_s; ramp_s overrides when >= 0) and pack its bundle into
 * bundles[i], with the data slices its tag names.
 */
static enum jmx_code
build_bundles(struct jmx_runner *r, const struct placement *pl, int n,
    int64_t duration_ms, int64_t ramp_s, struct jmx_buf *bundles,
    struct jmx_err *err)
{
	const struct jmx_plan_share *base = &r->split->agents[0].share;
	struct jmx_data_file *data;
	struct jmx_plan_rename *ren;
	struct jmx_bundle *b;
	const void *bytes;
	char *path, *props;
	size_t len;
	int i, j, ndata, nren;
	enum jmx_code code = JMX_OK;

	ndata = jmx_runner_run_data(r, &data);
	props = launch_properties(r, data, ndata);
	ren = xcalloc((size_t)ndata + 1, sizeof *ren);
	for (nren = 0, j = 0; j < ndata; j++) {
		if (data[j].csv == NULL)
			continue;
		ren[nren].from = data[j].csv->filename;
		ren[nren].to = data[j].name;
		ren[nren].row_var = data[j].row_var;
		nren++;
	}
	for (i = 0; i < n && code == JMX_OK; i++) {
		struct jmx_plan_share share = *base;

		share.groups = pl[i].part->groups;
		share.ngroups = pl[i].part->ngroups;
		share.scale = pl[i].part->scale;
		share.renames = ren;
		share.nrenames = nren;
		share.sync_start = 1;
		/*
		 * Takers are about speed, not a tight start: they join
		 * agents long running, and the warm-up would delay their T0
		 * by more than it saves after it.
		 */
		share.warm_up = pl[i].replaces == 0;
		share.warm = pl[i].warm;
		share.duration_s = share_duration_s(r, duration_ms);
		if (ramp_s >= 0) {
			share.ramp_set = 1;
			share.ramp_s = ramp_s;
		}
		xasprintf(&path, "%s/plan-%s-%d-%d.jmx", r->rec.run_dir,
		    r->agents[pl[i].agent].a.conf->name, r->gen,
		    r->nsegs + i);
		code = jmx_plan_write_share(r->plan, &share, path, err);
		b = jmx_bundle_new();
		if (code == JMX_OK)
			code = jmx_bundle_add_file(b, "plan.jmx", path, err);
		free(path);
		if (code == JMX_OK)
			code = jmx_bundle_add_data(b, "run.sh",
			    jmx_agent_run_script(),
			    strlen(jmx_agent_run_script()), 0700, err);
		if (code == JMX_OK)
			code = jmx_bundle_add_data(b, PROPERTIES_FILE, props,
			    strlen(props), 0600, err);
		for (j = 0; j < ndata && code == JMX_OK; j++) {
			/*
			 * A warm spare's slices come when it takes over; an
			 * empty stand-in beside them makes their directory.
			 */
			if (data[j].split && pl[i].warm) {
				xasprintf(&path, "%s.warm", data[j].name);
				code = jmx_bundle_add_data(b, path, "", 0,
				    0644, err);
				free(path);
				continue;
			}
			path = data[j].split ? jmx_data_slice_path(
			    r->rec.run_dir, &data[j], pl[i].slice) :
			    xstrdup(data[j].local);
			code = jmx_bundle_add_file(b, data[j].name, path, err);
			free(path);
		}
		if (code == JMX_OK &&
		    (code = jmx_bundle_finish(b, &bytes, &len, err)) == JMX_OK)
			jmx_buf_add(&bundles[i], bytes, len);
		jmx_bundle_free(b);
	}
	free(ren);
	free(props);
	jmx_data_files_free(data, ndata);
	return code;
}

void
jmx_runner_event(struct jmx_runner *r, const char *kind, const char *agent,
    const char *detail, const char *actor)
{
	struct jmx_err err = { 0 };

	if (jmx_store_event(r->store, r->rec.id, jmx_now_ms(), kind, agent,
	    detail, actor != NULL ? actor : "controller", &err) != JMX_OK)
		log_warn("%s", err.msg);
}

/*
 * The one way a run's state changes: the state, stored at once with the
 * record; its event (kind, detail; none if kind is NULL; actor NULL is
 * the controller); and the answer to the command waiting for it
 * (r->cmd_id): reply NULL leaves it waiting (what it asked for is not
 * complete yet), else it is answered, done (ok) or failed, with reply.
 * The store's error, if any, goes to err (NULL: logged).
 */
static enum jmx_code
transition(struct jmx_runner *r, enum jmx_run_state state, const char *kind,
    const char *detail, const char *actor, int ok, const char *reply,
    struct jmx_err *err)
{
	struct jmx_err e = { 0 };
	enum jmx_code code;

	r->rec.state = state;
	code = jmx_store_run_update(r->store, &r->rec, err != NULL ? err : &e);
	if (code != JMX_OK && err == NULL)
		log_warn("run %lld: %s", (long long)r->rec.id, e.msg);
	if (kind != NULL)
		jmx_runner_event(r, kind, NULL, detail, actor);
	if (reply != NULL && r->cmd_id != 0) {
		jmx_store_command_done(r->store, r->cmd_id, ok, reply, NULL);
		r->cmd_id = 0;
	}
	return code;
}

/* The agent's row in run_agents. */
void
jmx_runner_put_agent(struct jmx_runner *r, const struct ragent *ra,
    int64_t skew, const char *state)
{
	struct jmx_run_agent_rec ar;

	memset(&ar, 0, sizeof ar);
	ar.agent = (char *)ra->a.conf->name;
	ar.host = (char *)ra->a.conf->host;
	ar.weight = ra->weight;
	ar.threads = ra->peak_threads;
	ar.clock_offset_ms = ra->a.clock_offset_ms;
	ar.skew_ms = skew;
	ar.java_version = (char *)ra->a.java_version;
	ar.jmeter_version = (char *)ra->a.jmeter_version;
	ar.cores = ra->a.cores;
	ar.mem_mb = ra->a.mem_avail_mb;
	ar.state = (char *)state;
	jmx_store_run_agent_put(r->store, r->rec.id, &ar, NULL);
}

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
	return jmx_seg_go(ph->seg, ph->t0, ph->props);
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

/*
 * Store a segment's row.  A failure is logged and the run goes on; the
 * row keeps its last state (an attach would find it there), and the
 * samples' own commits (flush_seg) report a failing database too.
 */
void
jmx_runner_save_segment(struct jmx_runner *r, struct jmx_seg *s)
{
	struct jmx_err err = { 0 };

	if (jmx_store_segment_update(r->store, &s->rec, &err) != JMX_OK)
		log_warn("segment %lld: %s", (long long)s->rec.id, err.msg);
}

/*
 * Move a segment to state st and store its row at once (an attach reads
 * it): the one place a segment's stored state changes.  A final state
 * records when it ended and its JTL's record count.
 */
static void
seg_state(struct jmx_runner *r, struct jmx_seg *s, enum jmx_segment_state st)
{
	s->rec.state = st;
	if (st != JMX_SEGMENT_STARTING && st != JMX_SEGMENT_RUNNING &&
	    jmx_seg_state(s) != JMX_SEG_RUNNING) {
		s->rec.jtl_records = s->jtl_records;
		s->rec.end_ms = jmx_now_ms();
	}
	jmx_runner_save_segment(r, s);
}

/* Start streaming, once, in the process that ingests (after a fork). */
static void
stream_open(struct jmx_runner *r)
{
	struct jmx_err err = { 0 };

	if (r->stream_tried)
		return;
	r->stream_tried = 1;
	if (jmx_stream_start(r->test, r->req->stream, r->rec.id, &r->stream,
	    &err) != JMX_OK) {
		log_warn("run %lld: not streaming: %s", (long long)r->rec.id,
		    err.msg);
		jmx_runner_event(r, "stream_failed", NULL, err.msg, NULL);
	}
}

/* Take what a segment's worker parsed and commit it with its offset. */
static enum jmx_code
flush_seg(struct jmx_runner *r, struct jmx_seg *s, struct jmx_err *err)
{
	struct jmx_agg *agg;
	int64_t offset, records;
	int rec_new;
	enum jmx_code code;

	if (!jmx_seg_take(s, &agg, &offset, &records, &rec_new)) {
		jmx_seg_recycle(s, agg);
		return JMX_OK;
	}
	if ((code = jmx_store_begin(r->store, err)) != JMX_OK)
		goto out;
	code = jmx_store_put_agg(r->store, r->rec.id, s->rec.id, agg, err);
	if (code == JMX_OK)
		code = jmx_store_segment_advance(r->store, s->rec.id, offset,
		    records, err);
	if (code == JMX_OK && rec_new)
		code = jmx_store_segment_update(r->store, &s->rec, err);
	if (code == JMX_OK)
		code = jmx_store_commit(r->store, err);
	else
		jmx_store_rollback(r->store);
	if (code == JMX_OK) {
		s->rec.jtl_offset = offset;
		s->rec.records = records;
		jmx_agg_foreach(agg, count_bucket, r);
		stream_open(r);
		jmx_stream_add_agg(r->stream, agg, s->rec.id);
	}
out:
	jmx_seg_recycle(s, agg);
	return code;
}

/* Tell the world this controller lives (jmx-run pause checks it). */
static void
heartbeat(struct jmx_runner *r)
{
	int64_t now = jmx_now_ms();
	int i;

	stream_open(r);
	jmx_stream_tick(r->stream, now);
	if (now - r->last_heartbeat >= 2000) {
		for (i = 0; i < r->n; i++)
			jmx_agent_lock_renew(&r->agents[i].a);
		/* In the record too: a later update must not turn it back. */
		r->rec.heartbeat_ms = now;
		jmx_store_run_heartbeat(r->store, r->rec.id, now, NULL);
		r->last_heartbeat = now;
	}
}

/*
 * Run fn on every segment of phases[n] at once; the first failure.  A
 * phase may take a while (JVM start): meanwhile the heartbeat goes on,
 * and so does ingestion from segments already running.
 */
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
	do {
		for (all = 1, i = 0; i < n; i++)
			if (started[i] && !ph[i].done)
				all = 0;
		if (!all)
			nanosleep(&pause, NULL);
		heartbeat(r);
		for (i = 0; i < r->nsegs; i++)
			flush_seg(r, r->segs[i], NULL);
		while_starting(r, ph, n, fn == phase_ready);
	} while (!all);
	for (i = 0; i < n; i++) {
		if (started[i])
			pthread_join(tids[i], NULL);
		else
			phase_thread(&ph[i]);
	}
	free(tids);
	free(started);
	while_starting(r, ph, n, fn == phase_ready);
	/* The cause, not the others stopped because of it. */
	for (i = 0; i < n; i++)
		if (ph[i].move == NULL && ph[i].seg->early &&
		    jmx_seg_state(ph[i].seg) == JMX_SEG_FAILED) {
			*err = ph[i].seg->err;
			return err->code;
		}
	for (i = 0; i < n; i++)
		if (ph[i].move == NULL &&
		    jmx_seg_state(ph[i].seg) == JMX_SEG_FAILED) {
			*err = ph[i].seg->err;
			return err->code;
		}
	return JMX_OK;
}

/* The JMeter arguments: the properties file of the bundle. */
static char **
launch_args(void)
{
	char **args = xcalloc(3, sizeof *args);

	args[0] = xstrdup("-q");
	args[1] = xstrdup(PROPERTIES_FILE);
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

/*
 * The thread groups whose samples are not the load's start: the plan's
 * setUp and tearDown groups, and with them the injected sync group.
 * None for a plan without them: its segments do not even parse the
 * thread name (bench/run-jtl.sh: about 30 instructions a record).
 */
void
jmx_runner_side_groups(struct jmx_runner *r, struct jmx_seg *s)
{
	const char **names;
	int g, n = 0;

	names = xcalloc((size_t)r->plan->ngroups + 1, sizeof *names);
	for (g = 0; g < r->plan->ngroups; g++)
		if (r->plan->groups[g].kind != JMX_PLAN_THREADS)
			names[n++] = r->plan->groups[g].name;
	if (n > 0)
		names[n++] = JMX_PLAN_SYNC_GROUP;
	jmx_seg_set_side_groups(s, names, n);
	free(names);
}

void
jmx_runner_add_seg(struct jmx_runner *r, struct jmx_seg *s)
{
	r->segs = xreallocarray(r->segs, (size_t)r->nsegs + 1,
	    sizeof *r->segs);
	r->segs[r->nsegs++] = s;
}

/*
 * When the current generation's load is planned to end (our clock), 0
 * if the plan has no set duration.
 */
int64_t
jmx_runner_planned_end(struct jmx_runner *r)
{
	if (r->duration_ms <= 0 || r->gen_t0 == 0)
		return 0;
	return r->gen_t0 + r->duration_ms - r->rec.active_ms;
}

static void
batch_free(struct batch *b)
{
	int i;

	for (i = 0; b->args != NULL && b->args[i] != NULL; i++)
		free(b->args[i]);
	free(b->args);
	for (i = 0; i < b->n; i++)
		jmx_buf_free(&b->bundles[i]);
	free(b->bundles);
	free(b->ph);
	memset(b, 0, sizeof *b);
}

/* Store the rows of a batch's segments (work dir, pid). */
static void
save_batch(struct jmx_runner *r, struct batch *b)
{
	int i;

	for (i = 0; i < b->n; i++)
		jmx_runner_save_segment(r, b->ph[i].seg);
}

/* A stop was asked while the batch was staging: it goes no further. */
static int
stopped(struct jmx_runner *r, struct batch *b)
{
	if (!r->stopping || b->code != JMX_OK)
		return 0;
	b->code = jmx_err_set(&b->err, JMX_ERR_STATE, "stopped before the "
	    "start");
	return 1;
}

/*
 * Stage a segment for each placement, all for duration_ms (0: the plan's
 * own) with ramp_ms (-1: the run's): prepare everywhere, then launch
 * everywhere, and wait until every JMeter holds at the sync point.  They
 * join the current generation.  The outcome is in b->code and b->err.
 */
void
jmx_runner_stage(struct jmx_runner *r, const struct placement *pl, int n,
    int64_t duration_ms, int64_t ramp_ms, struct batch *b)
{
	const struct jmx_settings *set = &r->cfg->settings;
	int64_t deadline_s, ramp;
	int i;

	memset(b, 0, sizeof *b);
	b->n = n;
	b->duration_ms = duration_ms;
	b->ramp_ms = ramp_ms;
	b->bundles = xcalloc((size_t)n + 1, sizeof *b->bundles);
	b->ph = xcalloc((size_t)n + 1, sizeof *b->ph);
	ramp = ramp_ms >= 0 ? ramp_ms : r->ramp_ms;
	b->code = build_bundles(r, pl, n, duration_ms,
	    ramp_ms >= 0 ? (ramp_ms + 999) / 1000 : -1, b->bundles, &b->err);
	if (b->code != JMX_OK) {
		b->n = 0;
		return;
	}
	deadline_s = (READY_TIMEOUT_MS + ramp + set->deadline_grace_ms) / 1000 +
	    (duration_ms > 0 ? duration_ms / 1000 : r->duration_ms > 0 ?
	    r->duration_ms / 1000 : UNBOUNDED_DEADLINE_S);
	b->args = launch_args();
	for (i = 0; i < n; i++) {
		struct jmx_seg *s = jmx_seg_new(&r->agents[pl[i].agent].a,
		    r->rec.id, set, r->req->keep);

		jmx_part_set(&s->part, pl[i].part->groups,
		    pl[i].part->ngroups, pl[i].part->scale);
		s->rec.part = jmx_part_format(&s->part);
		s->rec.slice = xstrdup(pl[i].slice);
		s->rec.replaces = pl[i].replaces;
		s->rec.gen = r->gen;
		s->rec.deadline_ms = jmx_now_ms() + deadline_s * 1000;
		/* Without its row it has no id, dir or offsets: none start. */
		if ((b->code = jmx_store_segment_create(r->store, &s->rec,
		    &b->err)) != JMX_OK) {
			jmx_seg_free(s);
			for (b->n = i; i < n; i++)
				jmx_buf_free(&b->bundles[i]);
			return;
		}
		jmx_seg_set_id(s, s->rec.id, r->rec.run_dir);
		jmx_runner_side_groups(r, s);
		jmx_runner_add_seg(r, s);
		b->ph[i].seg = s;
		b->ph[i].bundle = &b->bundles[i];
		b->ph[i].deadline_s = deadline_s;
		b->ph[i].args = (const char *const *)b->args;
	}
	/*
	 * Each row is stored with its work dir before its JMeter starts and
	 * with its pid once it has: a controller that dies now leaves
	 * nothing that attach cannot find, end and remove.
	 */
	b->code = run_phase(r, b->ph, n, phase_prepare, &b->err);
	save_batch(r, b);
	if (b->code == JMX_OK && !stopped(r, b))
		b->code = run_phase(r, b->ph, n, phase_launch, &b->err);
	save_batch(r, b);
	if (b->code == JMX_OK && !stopped(r, b))
		b->code = run_phase(r, b->ph, n, phase_ready, &b->err);
	if (b->code == JMX_OK)
		stopped(r, b);
}

/*
 * Give a staged batch one T0 (*t0: that one if set, else one chosen
 * now), or, when staging failed or cancel is set, stop it.  Either way
 * every segment with a work dir gets its worker (a stopped one ends the
 * JMeter that started and removes the dir) and the batch is freed.  A
 * segment that died before it was ready, its share moved, is lost.
 */
enum jmx_code
jmx_runner_release(struct jmx_runner *r, struct batch *b, int cancel,
    int64_t *t0, struct jmx_err *err)
{
	enum jmx_code code = b->code;
	int64_t d, at = *t0;
	int i;

	*t0 = 0;
	if (code != JMX_OK)
		*err = b->err;
	else if (cancel)
		code = jmx_err_set(err, JMX_ERR_STATE, "cancelled");
	else {
		*t0 = at > 0 ? at : jmx_now_ms() + START_MARGIN_MS +
		    max_rtt(r);
		for (i = 0; i < b->n; i++)
			b->ph[i].t0 = *t0;
		code = run_phase(r, b->ph, b->n, phase_go, err);
	}
	if (*t0 == 0)
		*t0 = jmx_now_ms();
	d = b->duration_ms > 0 ? b->duration_ms : r->duration_ms;
	for (i = 0; i < b->n; i++) {
		struct jmx_seg *s = b->ph[i].seg;
		/* Stopped while staging is not a failure of its own. */
		enum jmx_segment_state st = code != JMX_OK ? (cancel ||
		    r->stopping ? JMX_SEGMENT_CANCELLED : JMX_SEGMENT_FAILED) :
		    JMX_SEGMENT_RUNNING;

		if (b->ph[i].move != NULL)
			st = JMX_SEGMENT_LOST;
		s->cancelled = st == JMX_SEGMENT_CANCELLED;
		s->rec.start_ms = *t0;
		s->planned_end_ms = d > 0 ? *t0 + d : 0;
		seg_state(r, s, st);
		if (s->rec.work_dir == NULL)
			continue;
		if (st != JMX_SEGMENT_RUNNING)
			jmx_seg_stop(s, 2);
		jmx_seg_start_worker(s);
	}
	batch_free(b);
	return code;
}

/*
 * Start a segment for each placement (see stage) and give them all one
 * T0 (*t0).  On failure every one of them is stopped.
 */
static enum jmx_code
start_segments(struct jmx_runner *r, const struct placement *pl, int n,
    int64_t duration_ms, int64_t ramp_ms, int64_t *t0, struct jmx_err *err)
{
	struct move **moves;
	struct batch b;
	enum jmx_code code;
	int i, nm = 0;

	jmx_runner_stage(r, pl, n, duration_ms, ramp_ms, &b);
	/* Shares of JMeters that died before ready: takers staged now. */
	moves = xcalloc((size_t)b.n + 1, sizeof *moves);
	for (i = 0; i < b.n; i++)
		if (b.ph[i].move != NULL)
			moves[nm++] = b.ph[i].move;
	jmx_runner_stage_takers(r, &b, moves, nm);
	/*
	 * Two batches to release: room for both before T0.  A plan that
	 * can start early (plan.h) gets its lead on top, so that its
	 * threads are made before T0.
	 */
	*t0 = jmx_now_ms() + (nm > 0 ? 2 : 1) * START_MARGIN_MS + max_rtt(r);
	if (jmx_plan_early_start(r->plan, share_duration_s(r, duration_ms)))
		*t0 += JMX_PLAN_LEAD_MS;
	code = jmx_runner_release(r, &b, 0, t0, err);
	jmx_runner_release_takers(r, moves, nm, code != JMX_OK, *t0);
	free(moves);
	return code;
}

/*
 * Start a new generation: the placements, for duration_ms with ramp_ms
 * (as start_segments); it becomes the current one, its T0 the
 * generation's.
 */
static enum jmx_code
start_generation(struct jmx_runner *r, const struct placement *pl, int n,
    int64_t duration_ms, int64_t ramp_ms, struct jmx_err *err)
{
	enum jmx_code code;

	if (r->nsegs > 0)
		r->gen++;
	code = start_segments(r, pl, n, duration_ms, ramp_ms, &r->gen_t0,
	    err);
	if (r->t0 == 0)
		r->t0 = r->gen_t0;
	return code;
}

enum jmx_code
jmx_runner_start(struct jmx_runner *r, struct jmx_err *err)
{
	struct placement *pl = xcalloc((size_t)r->n, sizeof *pl);
	struct jmx_part *parts = xcalloc((size_t)r->n, sizeof *parts);
	char detail[128];
	int i, g;

	transition(r, JMX_RUN_STARTING, "validated", NULL, NULL, 0, NULL,
	    NULL);
	for (i = 0; i < r->n; i++) {
		struct ragent *ra = &r->agents[i];
		const struct jmx_split_share *sh = &r->split->agents[i];

		jmx_runner_put_agent(r, ra, -1, "ok");
		for (g = 0; g < r->plan->ngroups; g++)
			if (r->plan->groups[g].enabled)
				jmx_store_share_put(r->store, r->rec.id,
				    ra->a.conf->name, g,
				    r->plan->groups[g].name,
				    sh->groups[g].threads, NULL);
		/* The probe's session is done; segments have their own. */
		jmx_agent_disconnect(&ra->a);
		jmx_part_set(&parts[i], sh->groups, r->plan->ngroups,
		    sh->share.scale);
		pl[i].agent = ra->idx;
		pl[i].part = &parts[i];
		pl[i].slice = ra->a.conf->name;
	}
	r->window = jmx_hist_new();
	r->window_start = jmx_mono_ms();
	if (split_data(r, err) != JMX_OK ||
	    start_generation(r, pl, r->nsplit, r->duration_ms, -1, err) !=
	    JMX_OK)
		r->start_failed = 1;
	/* Spares that joined during the start come after these. */
	for (i = 0; i < r->nsplit; i++)
		jmx_part_free(&parts[i]);
	free(parts);
	free(pl);
	r->rec.start_ms = r->t0;
	if (r->stopping) {
		/* Stopped while starting (signal or command): no failure. */
		r->start_failed = 0;
		jmx_err_clear(err);
		return JMX_OK;
	}
	snprintf(detail, sizeof detail, "%d agents", r->n);
	if (r->start_failed)
		transition(r, JMX_RUN_STOPPING, "start_failed", err->msg,
		    NULL, 0, NULL, NULL);
	else
		transition(r, JMX_RUN_RUNNING, "started", detail, NULL, 0,
		    NULL, NULL);
	return r->start_failed ? err->code : JMX_OK;
}

/*
 * Once a segment's worker is through, say so in the store at once: a
 * controller that takes the run over must not tail it again.
 */
static void
record_end(struct jmx_runner *r, struct jmx_seg *s)
{
	enum jmx_seg_state st = jmx_seg_state(s);
	enum jmx_segment_state state;

	if (st != JMX_SEG_DONE && st != JMX_SEG_FAILED)
		return;
	/* One never released stays as it was left: it carried no load. */
	if (s->cancelled)
		state = JMX_SEGMENT_CANCELLED;
	else if (s->rec.state == JMX_SEGMENT_FAILED ||
	    (st == JMX_SEG_FAILED && !s->lost))
		state = JMX_SEGMENT_FAILED;
	else if (s->lost)
		state = s->fenced ? JMX_SEGMENT_FENCED : JMX_SEGMENT_LOST;
	else
		state = JMX_SEGMENT_ENDED;
	/* Once more when its worker collected: the JTL's count. */
	if (s->rec.state == state && s->rec.end_ms != 0 &&
	    s->rec.jtl_records == s->jtl_records)
		return;
	seg_state(r, s, state);
	if (s->fenced)
		jmx_runner_event(r, "fenced", s->rec.agent, "its old JMeter "
		    "is stopped and its results are in", NULL);
}

/* Does any segment of the current generation still carry load? */
static int
generation_over(struct jmx_runner *r)
{
	int i;

	for (i = 0; i < r->nsegs; i++)
		if (r->segs[i]->rec.gen == r->gen && jmx_seg_live(r->segs[i]))
			return 0;
	return 1;
}

static void
stop_generation(struct jmx_runner *r, int level)
{
	int i;

	for (i = 0; i < r->nsegs; i++)
		if (r->segs[i]->rec.gen == r->gen)
			jmx_seg_stop(r->segs[i], level);
}


/* When the current generation's last sample ended; 0 if none seen. */
static int64_t
generation_end(struct jmx_runner *r)
{
	int64_t end = 0;
	int i;

	for (i = 0; i < r->nsegs; i++) {
		struct jmx_seg *s = r->segs[i];

		if (s->rec.gen != r->gen)
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

void
jmx_runner_begin_stop(struct jmx_runner *r, int level, const char *actor)
{
	char detail[64];

	stop_generation(r, level);
	if (!r->stopping) {
		r->stopping = 1;
		if (r->rec.state == JMX_RUN_RUNNING ||
		    r->rec.state == JMX_RUN_PAUSING)
			close_generation(r, jmx_now_ms());
		snprintf(detail, sizeof detail, "%s", level >= 2 ?
		    "stop now" : "graceful stop");
		transition(r, JMX_RUN_STOPPING, "stopping", detail, actor, 0,
		    NULL, NULL);
	}
}

/*
 * Rows of a segment's slices that may have been in use though no record
 * shows them: one per thread if its JMeter did not end by itself (lost,
 * silent, or killed), else none (a Shutdown lets every sample finish).
 */
int64_t
jmx_runner_rows_in_flight(struct jmx_runner *r, struct jmx_seg *s)
{
	int killed;

	pthread_mutex_lock(&s->lock);
	killed = s->exit_code != 0;
	pthread_mutex_unlock(&s->lock);
	if (killed || jmx_seg_lost(s, NULL, 0) || jmx_seg_suspect(s))
		return jmx_part_main_threads(r->plan, &s->part);
	return 0;
}

/*
 * Where s got to in its slices: what its worker has seen (the latest,
 * maybe not yet stored; it started from the stored rows), else the
 * stored rows (a segment adopted as ended has no worker).
 */
void
jmx_runner_seg_rows(struct jmx_seg *s, struct jmx_data_pos *pos)
{
	int seen;

	pthread_mutex_lock(&s->lock);
	if ((seen = s->rows.n > 0))
		jmx_data_pos_copy(pos, &s->rows);
	pthread_mutex_unlock(&s->lock);
	if (!seen && jmx_data_pos_parse(s->rec.data_pos, pos, NULL) != JMX_OK)
		memset(pos, 0, sizeof *pos);
}

/*
 * The slices that carry s's part on after a pause: what s left of its
 * own (from), tagged "<its id>.rest".  Caller frees the tag.
 */
static char *
continue_slice(struct jmx_runner *r, struct jmx_seg *s, const char *from)
{
	struct jmx_data_file *data;
	struct jmx_data_pos pos;
	char *tag;
	int ndata;

	xasprintf(&tag, "%lld.rest", (long long)s->rec.id);
	jmx_runner_seg_rows(s, &pos);
	ndata = jmx_runner_run_data(r, &data);
	jmx_data_continue(data, ndata, r->rec.run_dir, from, &pos,
	    jmx_runner_rows_in_flight(r, s), 1, NULL,
	    (const char *const *)&tag);
	jmx_data_files_free(data, ndata);
	jmx_data_pos_free(&pos);
	return tag;
}

/*
 * What a resume starts again: every segment of the current generation
 * that carried load to the pause (not lost), same agent and part, its
 * data going on after the rows it used (continue_slice).  *pl and each
 * slice are the caller's to free.
 */
static int
resume_placements(struct jmx_runner *r, struct placement **pl)
{
	struct ragent *ra;
	int i, n = 0;

	*pl = xcalloc((size_t)r->nsegs + 1, sizeof **pl);
	for (i = 0; i < r->nsegs; i++) {
		struct jmx_seg *s = r->segs[i];

		if (s->rec.gen != r->gen || jmx_seg_lost(s, NULL, 0) ||
		    s->cancelled ||
		    jmx_seg_state(s) != JMX_SEG_DONE ||
		    (ra = jmx_runner_agent_named(r, s->rec.agent)) == NULL)
			continue;
		(*pl)[n].agent = ra->idx;
		(*pl)[n].part = &s->part;
		(*pl)[n].slice = continue_slice(r, s, s->rec.slice != NULL ?
		    s->rec.slice : ra->a.conf->name);
		(*pl)[n].replaces = s->rec.replaces;
		n++;
	}
	return n;
}

/* Refuse a command: the table's text (jmx_control_allowed()) or another. */
static void
refuse(struct jmx_runner *r, int64_t id, const char *why)
{
	jmx_store_command_done(r->store, id, 0, why, NULL);
}

/*
 * Handle one command from another process (jmx-run pause, jmx-watch).
 * What the run's state allows is the table of control.c, the same the
 * client checked before it posted: the state may have moved since.
 */
static void
handle_command(struct jmx_runner *r, int64_t id, const char *verb,
    const char *actor, struct jmx_err *err)
{
	enum jmx_run_state st = r->stopping ? JMX_RUN_STOPPING : r->rec.state;
	enum jmx_control_verb v;
	struct placement *pl;
	enum jmx_code code;
	char msg[256];
	int64_t remaining;
	int n;

	if (jmx_control_verb_parse(verb, &v) != 0 || v == JMX_CONTROL_ATTACH) {
		snprintf(msg, sizeof msg, "unknown command '%s'", verb);
		refuse(r, id, msg);
		return;
	}
	if (r->cmd_id != 0) {
		refuse(r, id, "another command is still in progress");
		return;
	}
	if (!jmx_control_allowed(v, r->rec.id, st, msg, sizeof msg)) {
		refuse(r, id, msg);
		return;
	}
	free(r->cmd_actor);
	r->cmd_actor = actor != NULL ? xstrdup(actor) : NULL;
	switch (v) {
	case JMX_CONTROL_STOP:
		r->cmd_id = id;
		jmx_runner_begin_stop(r, 2, actor);
		return;
	case JMX_CONTROL_PAUSE:
		if (r->duration_ms <= 0) {
			refuse(r, id, "the run has no planned duration (a "
			    "loop-count plan): pause needs one to resume from");
			return;
		}
		r->cmd_id = id;
		r->pausing = 1;
		r->pause_ms = jmx_now_ms();
		stop_generation(r, 1);
		transition(r, JMX_RUN_PAUSING, "pausing", NULL, actor, 0, NULL,
		    NULL);
		return;
	case JMX_CONTROL_RESUME:
		r->cmd_id = id;
		remaining = r->duration_ms - r->rec.active_ms;
		transition(r, JMX_RUN_RESUMING, "resuming", NULL, actor, 0,
		    NULL, NULL);
		n = resume_placements(r, &pl);
		code = n == 0 ? jmx_err_set(err, JMX_ERR_STATE, "no agent "
		    "left to resume on") : start_generation(r, pl, n,
		    remaining > 1000 ? remaining : 1000,
		    r->cfg->settings.resume_ramp ? -1 : 0, err);
		while (n-- > 0)
			free((char *)pl[n].slice);
		free(pl);
		if (code != JMX_OK) {
			snprintf(msg, sizeof msg, "resume failed: %s", err->msg);
			transition(r, JMX_RUN_RESUMING, "resume_failed",
			    err->msg, actor, 0, msg, NULL);
			jmx_err_clear(err);
			jmx_runner_begin_stop(r, 2, "controller");
			return;
		}
		snprintf(msg, sizeof msg, "resumed: %lld s left",
		    (long long)(remaining / 1000));
		transition(r, JMX_RUN_RUNNING, "resumed", msg, actor, 1, msg,
		    NULL);
		return;
	case JMX_CONTROL_ATTACH:
		break;
	}
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

/* A stop asked by a signal (jmx_runner_stop) and not yet begun: begin it. */
static void
take_signal(struct jmx_runner *r)
{
	if (r->stop_level > r->stop_sent) {
		r->stop_sent = r->stop_level;
		jmx_runner_begin_stop(r, r->stop_level, "interrupt");
	}
}

/* Move the run along: pausing -> paused, stopping -> done. */
static int
advance(struct jmx_runner *r)
{
	char detail[64];
	int over;

	jmx_runner_end_takeovers(r);
	over = generation_over(r);

	take_signal(r);
	if (r->pausing && over) {
		r->pausing = 0;
		close_generation(r, r->pause_ms);
		snprintf(detail, sizeof detail, "%lld s of %lld s run",
		    (long long)(r->rec.active_ms / 1000),
		    (long long)(r->duration_ms / 1000));
		transition(r, JMX_RUN_PAUSED, "paused", detail, r->cmd_actor,
		    1, detail, NULL);
		return 0;
	}
	if (r->rec.state == JMX_RUN_PAUSED)
		return r->stopping;
	return over && !r->pausing;
}

/*
 * While a batch stages (run_phase's loop): a stop asked by a signal or
 * a command (read while the run starts; control.c's table says which
 * are allowed then) ends the staging at once.  In the ready phase of
 * the first start, a JMeter that died before it was ready has its share
 * planned onto others (staged once the rest are ready, released at the
 * same T0); with no room for it, the batch is stopped and the start
 * fails now, not at the ready timeout.
 */
static void
while_starting(struct jmx_runner *r, struct phase *ph, int n, int ready)
{
	struct jmx_err err = { 0 };
	struct jmx_seg *s;
	int i, j, early;

	take_signal(r);
	if (r->rec.state == JMX_RUN_STARTING)
		poll_commands(r, &err);
	if (r->stopping) {
		for (i = 0; i < n; i++)
			jmx_seg_stop(ph[i].seg, 2);
		return;
	}
	if (!ready || r->rec.state != JMX_RUN_STARTING)
		return;
	for (i = 0; i < n; i++) {
		s = ph[i].seg;
		if (ph[i].seen || jmx_seg_state(s) != JMX_SEG_FAILED)
			continue;
		ph[i].seen = 1;
		pthread_mutex_lock(&s->lock);
		early = s->early;
		pthread_mutex_unlock(&s->lock);
		if (early && (ph[i].move = jmx_runner_move_early(r, s)) != NULL)
			continue;
		for (j = 0; j < n; j++)
			jmx_seg_stop(ph[j].seg, 2);
	}
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
	jmx_runner_check_losses(r);
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
		if (jmx_runner_has_live(r, &r->agents[i]))
			up++;
	memset(p, 0, sizeof *p);
	p->state = r->rec.state;
	p->elapsed_ms = jmx_run_active_ms(&r->rec, r->gen_t0, now);
	if (now < r->gen_t0)
		p->elapsed_ms = now - r->gen_t0;
	p->remaining_ms = r->duration_ms > 0 ?
	    r->duration_ms - jmx_run_active_ms(&r->rec, r->gen_t0, now) : -1;
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
 * runs/<id>/agents.tar.zst as <agent>/<segment>/<file>, then drop the
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
	xasprintf(&loose, "%s/segments", r->rec.run_dir);
	/*
	 * The loose files go only once the archive is whole: a controller
	 * killed after that left the archive to keep, not to write again
	 * from nothing (attach).
	 */
	if (stat(loose, &st) == -1 && stat(r->archive, &st) == 0) {
		free(loose);
		return;
	}
	if ((w = jmx_archive_open(r->archive, &err)) == NULL) {
		log_warn("%s", err.msg);
		free(r->archive);
		r->archive = NULL;
		free(loose);
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
		free(loose);
		return;
	}
	jmx_remove_tree(loose, NULL);
	free(loose);
}

/*
 * The share of the planned load that ran: the thread-time that ran
 * (threads times active time, less what the shortfalls say was missing)
 * of the planned thread-time (threads times the planned duration; for a
 * plan without an end, the active time).  A run that ended on its own
 * ran its whole duration; a stopped one only its active time.  Sets
 * *unplaced to the count of shortfalls that never ran elsewhere.
 */
static double
delivered(struct jmx_runner *r, int *unplaced)
{
	struct jmx_shortfall_rec *v;
	double planned, ran, missing = 0, pct;
	int64_t end = generation_end(r), plan_ms, ran_ms;
	int i, n;

	/*
	 * Open windows end with the load, not with the run's end (which
	 * comes after collecting and archiving): active_ms ends there too.
	 */
	*unplaced = 0;
	jmx_store_shortfall_close(r->store, r->rec.id, end > 0 ? end :
	    r->rec.end_ms, NULL);
	if (jmx_store_shortfalls(r->store, r->rec.id, &v, &n, NULL) != JMX_OK)
		return 0;
	for (i = 0; i < n; i++) {
		missing += (double)v[i].threads * (double)(v[i].to_ms -
		    v[i].from_ms);
		if (strcmp(v[i].kind, "unplaced") == 0)
			(*unplaced)++;
	}
	jmx_shortfall_recs_free(v, n);
	plan_ms = r->duration_ms > 0 ? r->duration_ms : r->rec.active_ms;
	ran_ms = r->stopping && r->rec.active_ms < plan_ms ?
	    r->rec.active_ms : plan_ms;
	planned = (double)r->rec.threads * (double)plan_ms;
	if (planned <= 0)
		return r->samples > 0 && !r->stopping ? 100 : 0;
	ran = (double)r->rec.threads * (double)ran_ms;
	pct = 100.0 * (ran - missing) / planned;
	return pct < 0 ? 0 : pct > 100 ? 100 : pct;
}

enum jmx_code
jmx_runner_finish(struct jmx_runner *r, struct jmx_runner_result *res,
    struct jmx_err *err)
{
	struct jmx_runner_progress p;
	struct jmx_err perr = { 0 };
	enum jmx_run_state state;
	enum jmx_code code;
	int64_t first = INT64_MAX, last = INT64_MIN, jtl = 0;
	int i, unplaced, counted = 1;
	char detail[256];

	/* A lost agent that has not come back by now is given up. */
	r->finishing = 1;
	jmx_runner_cancel_standby(r, "the run is ending");
	jmx_runner_cancel_warm(r, "the run is ending");
	for (i = 0; i < r->nsegs; i++)
		if (jmx_seg_lost(r->segs[i], NULL, 0))
			jmx_seg_abandon(r->segs[i]);
	for (i = 0; i < r->nsegs; i++)
		jmx_seg_join(r->segs[i]);
	/*
	 * A controller that fails (the store cannot write: a full disk)
	 * still ends the run, failed, and releases its agents.
	 */
	if (jmx_runner_poll(r, &p, &perr) != JMX_OK)
		log_warn("run %lld: %s", (long long)r->rec.id, perr.msg);
	archive_results(r);
	for (i = 0; i < r->nsegs; i++) {
		struct jmx_seg *s = r->segs[i];

		if (s->jtl_records < 0 && s->rec.work_dir != NULL) {
			counted = 0;
			if (s->lost)
				jmx_runner_event(r, "not_reconciled",
				    s->rec.agent, "its JTL could not be "
				    "fetched", NULL);
		} else if (s->jtl_records > 0)
			jtl += s->jtl_records;
		record_end(r, s);
	}
	if (r->stream != NULL && jmx_stream_end(r->stream, &r->stream_st,
	    detail, sizeof detail) > 0)
		jmx_runner_event(r, "stream_dropped", NULL, detail, NULL);
	/* The start skew: the first generation's first samples. */
	for (i = 0; i < r->nsplit && i < r->nsegs; i++) {
		struct ragent *ra = &r->agents[i];
		struct jmx_seg *s = r->segs[i];

		ra->first_start = s->first_start;
		if (s->first_start != INT64_MAX) {
			if (s->first_start < first)
				first = s->first_start;
			if (s->first_start > last)
				last = s->first_start;
		}
	}
	for (i = 0; i < r->n; i++) {
		struct ragent *ra = &r->agents[i];

		jmx_runner_put_agent(r, ra, agent_skew(r, ra),
		    ra->lost ? "lost" : "ok");
	}
	if (r->rec.state == JMX_RUN_RUNNING)
		close_generation(r, jmx_now_ms());
	r->rec.samples = r->samples;
	r->rec.jtl_records = counted ? jtl : -1;
	r->rec.skew_ms = first != INT64_MAX ? last - first : -1;
	r->rec.end_ms = jmx_now_ms();
	r->rec.delivered_pct = delivered(r, &unplaced);
	if (r->start_failed || r->aborted || perr.code != JMX_OK)
		state = JMX_RUN_FAILED;
	else if (unplaced > 0)
		state = JMX_RUN_PARTIAL;
	else if (r->stopping)
		state = JMX_RUN_STOPPED;
	else
		state = JMX_RUN_COMPLETED;
	snprintf(detail, sizeof detail, "%lld samples ingested, %lld in the "
	    "JTLs; %.1f %% of the planned load delivered",
	    (long long)r->rec.samples, (long long)r->rec.jtl_records,
	    r->rec.delivered_pct);
	code = transition(r, state, jmx_run_state_name(state), detail, NULL,
	    1, jmx_run_state_name(state), err);
	/* The record did not go in whole: the state at least, if it can. */
	if (code != JMX_OK)
		jmx_store_run_set_state(r->store, r->rec.id, state, NULL);
	jmx_store_release(r->store, r->rec.id, NULL);
	for (i = 0; i < r->n; i++)
		jmx_agent_unlock(&r->agents[i].a);
	if (code != JMX_OK)
		return code;
	if (perr.code != JMX_OK) {
		*err = perr;
		return err->code;
	}

	memset(res, 0, sizeof *res);
	res->run_id = r->rec.id;
	res->state = r->rec.state;
	res->samples = r->rec.samples;
	res->jtl_records = r->rec.jtl_records;
	res->skew_ms = r->rec.skew_ms;
	res->delivered_pct = r->rec.delivered_pct;
	res->threads = r->rec.threads;
	res->t0_ms = r->t0;
	res->run_dir = r->rec.run_dir;
	res->archive = r->archive;
	if (r->stream != NULL) {
		res->stream_url = jmx_stream_url(r->stream);
		res->stream_sent = r->stream_st.sent;
		res->stream_dropped = r->stream_st.dropped;
		res->stream_error = r->stream_st.last_error;
	}
	return JMX_OK;
}

/*
 * schedule.c: tasks in the store, claimed and started by the tick.
 *
 * Catch-up after a gap (cron or the machine down): of a recurring task's
 * due times that passed, only the newest counts (the older ones are
 * missed, not made up); it runs late if it is at most late_ms old, else
 * it is skipped with a notice.  A one-off task the same.  A start that
 * fails because agents are busy or unreachable (jmx-run's exit status 3)
 * is tried again by each tick until retry_ms after its due time, then
 * fails with a notice saying why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cron.h"
#include "log.h"
#include "notify.h"
#include "report.h"
#include "schedule.h"
#include "stats.h"
#include "store.h"
#include "util.h"
#include "verdict.h"
#include "xmalloc.h"

#define TASK_COLUMNS "id, test_case, created_ms, cron, tz, next_ms, state," \
	" notify_before_ms, late_ms, retry_ms, config"
#define RUN_COLUMNS "id, task_id, due_ms, claimed_ms, run_id, state, detail"
/* How long jmx-run may take to validate the agents and detach. */
#define START_TIMEOUT_S	600

static int64_t
num(const char *s)
{
	return s != NULL ? strtoll(s, NULL, 10) : 0;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
jmx_task_free(struct jmx_task *t)
{
	int i;

	if (t == NULL)
		return;
	free(t->test_case);
	free(t->cron);
	free(t->tz);
	free(t->state);
	free(t->config);
	for (i = 0; i < t->nargs; i++)
		free(t->args[i]);
	free(t->args);
	for (i = 0; i < t->ntargets; i++)
		free(t->targets[i]);
	free(t->targets);
	memset(t, 0, sizeof *t);
}

void
jmx_task_runs_free(struct jmx_task_run *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(v[i].state);
		free(v[i].detail);
	}
	free(v);
}

enum jmx_code
jmx_schedule_add(struct jmx_store *st, struct jmx_task *t,
    struct jmx_err *err)
{
	int i, seq = 0;

	if (jmx_store_begin(st, err) != JMX_OK)
		return JMX_ERR_STORE;
	if (jmx_store_sql(st, NULL, NULL, err, "INSERT INTO tasks (test_case,"
	    " created_ms, cron, tz, next_ms, state, notify_before_ms, late_ms,"
	    " retry_ms, config) VALUES (?,?,?,?,?,'active',?,?,?,?)",
	    "sissiiiis", t->test_case, t->created_ms, t->cron, t->tz,
	    t->next_ms, t->notify_before_ms, t->late_ms, t->retry_ms,
	    t->config) != JMX_OK)
		goto fail;
	t->id = jmx_store_last_id(st);
	for (i = 0; i < t->nargs; i++)
		if (jmx_store_sql(st, NULL, NULL, err, "INSERT INTO task_args"
		    " (task_id, seq, kind, value) VALUES (?,?,'arg',?)", "iis",
		    t->id, (int64_t)seq++, t->args[i]) != JMX_OK)
			goto fail;
	for (i = 0; i < t->ntargets; i++)
		if (jmx_store_sql(st, NULL, NULL, err, "INSERT INTO task_args"
		    " (task_id, seq, kind, value) VALUES (?,?,'notify',?)",
		    "iis", t->id, (int64_t)seq++, t->targets[i]) != JMX_OK)
			goto fail;
	return jmx_store_commit(st, err);
fail:
	jmx_store_rollback(st);
	return JMX_ERR_STORE;
}

struct tasks {
	struct jmx_task	*v;
	int		 n;
};

static int
task_row(void *arg, int ncols, char **c)
{
	struct tasks *ts = arg;
	struct jmx_task *t;

	ts->v = xreallocarray(ts->v, (size_t)ts->n + 1, sizeof *ts->v);
	t = &ts->v[ts->n++];
	memset(t, 0, sizeof *t);
	t->id = num(c[0]);
	t->test_case = xstrdup(c[1]);
	t->created_ms = num(c[2]);
	t->cron = dup_or_null(c[3]);
	t->tz = dup_or_null(c[4]);
	t->next_ms = num(c[5]);
	t->state = xstrdup(c[6]);
	t->notify_before_ms = num(c[7]);
	t->late_ms = num(c[8]);
	t->retry_ms = num(c[9]);
	t->config = dup_or_null(c[10]);
	return 0;
}

static int
arg_row(void *arg, int ncols, char **c)
{
	struct jmx_task *t = arg;

	if (strcmp(c[0], "arg") == 0) {
		t->args = xreallocarray(t->args, (size_t)t->nargs + 1,
		    sizeof *t->args);
		t->args[t->nargs++] = xstrdup(c[1]);
	} else {
		t->targets = xreallocarray(t->targets, (size_t)t->ntargets + 1,
		    sizeof *t->targets);
		t->targets[t->ntargets++] = xstrdup(c[1]);
	}
	return 0;
}

static enum jmx_code
load_args(struct jmx_store *st, struct jmx_task *t, struct jmx_err *err)
{
	return jmx_store_sql(st, arg_row, t, err, "SELECT kind, value FROM"
	    " task_args WHERE task_id = ? ORDER BY seq", "i", t->id);
}

enum jmx_code
jmx_schedule_get(struct jmx_store *st, int64_t id, struct jmx_task *t,
    struct jmx_err *err)
{
	struct tasks ts = { NULL, 0 };

	memset(t, 0, sizeof *t);
	if (jmx_store_sql(st, task_row, &ts, err, "SELECT " TASK_COLUMNS
	    " FROM tasks WHERE id = ?", "i", id) != JMX_OK)
		return JMX_ERR_STORE;
	if (ts.n == 0)
		return jmx_err_set(err, JMX_ERR_NOTFOUND, "no task %lld",
		    (long long)id);
	*t = ts.v[0];
	free(ts.v);
	return load_args(st, t, err);
}

enum jmx_code
jmx_schedule_list(struct jmx_store *st, struct jmx_task **v, int *n,
    struct jmx_err *err)
{
	struct tasks ts = { NULL, 0 };
	enum jmx_code code;
	int i;

	code = jmx_store_sql(st, task_row, &ts, err, "SELECT " TASK_COLUMNS
	    " FROM tasks ORDER BY id", "");
	for (i = 0; code == JMX_OK && i < ts.n; i++)
		code = load_args(st, &ts.v[i], err);
	*v = ts.v;
	*n = ts.n;
	return code;
}

struct runs {
	struct jmx_task_run	*v;
	int			 n;
};

static int
run_row(void *arg, int ncols, char **c)
{
	struct runs *rs = arg;
	struct jmx_task_run *r;

	rs->v = xreallocarray(rs->v, (size_t)rs->n + 1, sizeof *rs->v);
	r = &rs->v[rs->n++];
	r->id = num(c[0]);
	r->task_id = num(c[1]);
	r->due_ms = num(c[2]);
	r->claimed_ms = num(c[3]);
	r->run_id = num(c[4]);
	r->state = xstrdup(c[5]);
	r->detail = dup_or_null(c[6]);
	return 0;
}

enum jmx_code
jmx_schedule_runs(struct jmx_store *st, int64_t task,
    struct jmx_task_run **v, int *n, struct jmx_err *err)
{
	struct runs rs = { NULL, 0 };
	enum jmx_code code;

	code = jmx_store_sql(st, run_row, &rs, err, "SELECT " RUN_COLUMNS
	    " FROM task_runs WHERE task_id = ? ORDER BY due_ms, id", "i",
	    task);
	*v = rs.v;
	*n = rs.n;
	return code;
}

/* Task runs in a state, any task. */
static enum jmx_code
runs_in(struct jmx_store *st, const char *state, struct runs *rs,
    struct jmx_err *err)
{
	rs->v = NULL;
	rs->n = 0;
	return jmx_store_sql(st, run_row, rs, err, "SELECT " RUN_COLUMNS
	    " FROM task_runs WHERE state = ? ORDER BY id", "s", state);
}

enum jmx_code
jmx_schedule_next(const char *cron, const char *tz, int64_t after_ms,
    int64_t *next, struct jmx_err *err)
{
	struct jmx_cron c;

	if (jmx_cron_parse(cron, &c, err) != JMX_OK)
		return JMX_ERR_USAGE;
	if ((*next = jmx_cron_next(&c, after_ms, tz)) < 0)
		return jmx_err_set(err, JMX_ERR_USAGE, "cron expression '%s' "
		    "never runs", cron);
	return JMX_OK;
}

enum jmx_code
jmx_schedule_set_state(struct jmx_store *st, int64_t id, const char *verb,
    struct jmx_err *err)
{
	struct jmx_task t;
	const char *to;
	int64_t next;
	enum jmx_code code;

	if (jmx_store_begin(st, err) != JMX_OK)
		return JMX_ERR_STORE;
	if ((code = jmx_schedule_get(st, id, &t, err)) != JMX_OK)
		goto out;
	next = t.next_ms;
	if (strcmp(t.state, "cancelled") == 0 || strcmp(t.state, "done") == 0) {
		code = jmx_err_set(err, JMX_ERR_STATE, "task %lld is %s",
		    (long long)id, t.state);
		goto out;
	}
	if (strcmp(verb, "cancel") == 0)
		to = "cancelled";
	else if (t.cron == NULL) {
		code = jmx_err_set(err, JMX_ERR_STATE, "task %lld runs once: "
		    "only a recurring task can be paused or resumed",
		    (long long)id);
		goto out;
	} else if (strcmp(verb, "pause") == 0) {
		if (strcmp(t.state, "paused") == 0) {
			code = jmx_err_set(err, JMX_ERR_STATE, "task %lld is "
			    "paused already", (long long)id);
			goto out;
		}
		to = "paused";
	} else {
		if (strcmp(t.state, "active") == 0) {
			code = jmx_err_set(err, JMX_ERR_STATE, "task %lld is "
			    "not paused", (long long)id);
			goto out;
		}
		to = "active";
		/* What came due while paused is not made up. */
		if ((code = jmx_schedule_next(t.cron, t.tz, jmx_now_ms(),
		    &next, err)) != JMX_OK)
			goto out;
	}
	code = jmx_store_sql(st, NULL, NULL, err, "UPDATE tasks SET state = ?,"
	    " next_ms = ? WHERE id = ?", "sii", to, next, id);
out:
	jmx_task_free(&t);
	if (code != JMX_OK) {
		jmx_store_rollback(st);
		return code;
	}
	return jmx_store_commit(st, err);
}

static int
one_num(void *arg, int ncols, char **c)
{
	*(int64_t *)arg = num(c[0]);
	return 1;
}

int64_t
jmx_schedule_task_of_run(struct jmx_store *st, int64_t run)
{
	int64_t task = 0;

	if (jmx_store_sql(st, one_num, &task, NULL, "SELECT task_id FROM"
	    " task_runs WHERE run_id = ?", "i", run) != JMX_OK)
		return 0;
	return task;
}

/*
 * Send notice n to each of t's targets that has not had it: claimed by
 * its notices row first, so a notice goes out once however many ticks.
 * A failure is logged and recorded, and stops nothing.
 */
static void
notices(struct jmx_store *st, struct jmx_tick *tk, const struct jmx_task *t,
    const struct jmx_notice *n)
{
	struct jmx_err err = { 0 };
	int64_t id;
	int i, ok;

	for (i = 0; i < t->ntargets; i++) {
		if (jmx_store_sql(st, NULL, NULL, &err, "INSERT OR IGNORE INTO"
		    " notices (task_id, due_ms, kind, target, sent_ms)"
		    " VALUES (?,?,?,?,?)", "iissi", t->id, n->due_ms,
		    n->event, t->targets[i], jmx_now_ms()) != JMX_OK) {
			log_warn("task %lld: %s", (long long)t->id, err.msg);
			continue;
		}
		if (jmx_store_changes(st) != 1)
			continue;
		id = jmx_store_last_id(st);
		jmx_err_clear(&err);
		ok = jmx_notify_send(t->targets[i], n, &err) == JMX_OK;
		if (!ok)
			log_warn("task %lld: %s notice to '%s' failed: %s",
			    (long long)t->id, n->event, t->targets[i], err.msg);
		else
			tk->notices++;
		jmx_store_sql(st, NULL, NULL, NULL, "UPDATE notices SET ok = ?,"
		    " detail = ? WHERE id = ?", "isi", (int64_t)ok,
		    ok ? NULL : err.msg, id);
	}
}

static void
notice_init(struct jmx_notice *n, const struct jmx_task *t,
    const char *event, int64_t due)
{
	memset(n, 0, sizeof *n);
	n->event = event;
	n->task = t->id;
	n->test_case = t->test_case;
	n->due_ms = due;
	n->samples = -1;
	n->p95_ms = -1;
	n->throughput = -1;
	n->error_pct = -1;
}

static void
set_run(struct jmx_store *st, int64_t trid, const char *state,
    int64_t run, const char *detail)
{
	struct jmx_err err = { 0 };

	if (jmx_store_sql(st, NULL, NULL, &err, "UPDATE task_runs SET"
	    " state = ?, run_id = nullif(?, 0), detail = ? WHERE id = ?",
	    "sisi", state, run, detail, trid) != JMX_OK)
		log_error("%s", err.msg);
}

/* What jmx-run said last: its last "jmx-run: " line, else its last. */
static void
last_words(char *text, char *out, size_t len)
{
	char *line, *save = NULL, *said = NULL, *last = NULL;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "jmx-run: ", 9) == 0)
			said = line + 9;
		if (*line != '\0')
			last = line;
	}
	snprintf(out, len, "%s", said != NULL ? said : last != NULL ? last :
	    "jmx-run said nothing");
}

/*
 * Start the run of task t due at due (task_runs row trid): jmx-run
 * --detach with the task's options, no shell; JMX_NOW is not passed on
 * (a run keeps real time).
 */
static void
start(struct jmx_store *st, struct jmx_tick *tk, const struct jmx_task *t,
    int64_t trid, int64_t due)
{
	static const char *const unset[] = { "JMX_NOW", NULL };
	struct jmx_notice n;
	struct jmx_buf out = { 0 };
	struct jmx_err err = { 0 };
	const char **argv;
	char reason[512], detail[64], *p;
	int64_t run = 0;
	int i, k = 0, status = -1;

	argv = xcalloc((size_t)t->nargs + 10, sizeof *argv);
	argv[k++] = tk->jmx_run;
	if (tk->home != NULL) {
		argv[k++] = "--home";
		argv[k++] = tk->home;
	}
	if (t->config != NULL) {
		argv[k++] = "--config";
		argv[k++] = t->config;
	}
	argv[k++] = "--detach";
	for (i = 0; i < t->nargs; i++)
		argv[k++] = t->args[i];
	argv[k++] = "--";
	argv[k++] = t->test_case;
	argv[k] = NULL;
	log_info("task %lld: starting %s", (long long)t->id, t->test_case);
	if (jmx_spawn(argv, NULL, unset, NULL, &out, START_TIMEOUT_S,
	    &status, &err) != JMX_OK) {
		snprintf(reason, sizeof reason, "%s", err.msg);
		status = -1;
	} else if (status == 0) {
		/* jmx-run --detach prints the run id as its last line. */
		for (p = out.data + out.len; p > out.data && p[-1] == '\n'; p--)
			*(p - 1) = '\0';
		while (p > out.data && p[-1] != '\n')
			p--;
		run = strtoll(p, NULL, 10);
		if (run <= 0) {
			status = -1;
			snprintf(reason, sizeof reason, "jmx-run printed no "
			    "run id");
		}
	} else
		last_words(out.data != NULL ? out.data : "", reason,
		    sizeof reason);
	free(argv);
	jmx_buf_free(&out);
	if (status == 0) {
		set_run(st, trid, "started", run, NULL);
		snprintf(detail, sizeof detail, "started by jmx-schedule task "
		    "%lld", (long long)t->id);
		jmx_store_event(st, run, jmx_now_ms(), "task", NULL, detail,
		    "jmx-schedule", NULL);
		tk->started++;
		notice_init(&n, t, "start", due);
		n.run = run;
		notices(st, tk, t, &n);
		return;
	}
	/* 3: agents busy or unreachable; tried again until the window. */
	if (status == JMX_EXIT_ENV && jmx_now_ms() < due + t->retry_ms) {
		log_warn("task %lld: %s; trying again until %lld s after its "
		    "time", (long long)t->id, reason,
		    (long long)(t->retry_ms / 1000));
		set_run(st, trid, "retrying", 0, reason);
		return;
	}
	log_error("task %lld: the run failed to start: %s", (long long)t->id,
	    reason);
	set_run(st, trid, "failed", 0, reason);
	tk->failed++;
	notice_init(&n, t, "failure", due);
	n.reason = reason;
	notices(st, tk, t, &n);
}

/*
 * Claim due time `due` of task t (still at next_ms `seen`, active): its
 * task_runs row made and next_ms moved to next in one transaction.  Returns
 * the row's id, 0 if another tick had it.
 */
static int64_t
claim(struct jmx_store *st, const struct jmx_task *t, int64_t seen,
    int64_t due, int64_t next, struct jmx_err *err)
{
	int64_t cur = -1, id = 0;

	if (jmx_store_begin(st, err) != JMX_OK)
		return -1;
	if (jmx_store_sql(st, one_num, &cur, err, "SELECT next_ms FROM tasks"
	    " WHERE id = ? AND state = 'active'", "i", t->id) != JMX_OK)
		goto fail;
	if (cur != seen) {
		jmx_store_rollback(st);
		return 0;
	}
	if (jmx_store_sql(st, NULL, NULL, err, "INSERT OR IGNORE INTO"
	    " task_runs (task_id, due_ms, claimed_ms, state)"
	    " VALUES (?,?,?,'starting')", "iii", t->id, due,
	    jmx_now_ms()) != JMX_OK)
		goto fail;
	if (jmx_store_changes(st) == 1)
		id = jmx_store_last_id(st);
	if (jmx_store_sql(st, NULL, NULL, err, "UPDATE tasks SET next_ms = ?,"
	    " state = CASE WHEN ? = 0 THEN 'done' ELSE state END"
	    " WHERE id = ?", "iii", next, next, t->id) != JMX_OK)
		goto fail;
	if (jmx_store_commit(st, err) != JMX_OK)
		return -1;
	return id;
fail:
	jmx_store_rollback(st);
	return -1;
}

/* A task whose time has come: claim it, then start it or skip it. */
static enum jmx_code
due(struct jmx_store *st, struct jmx_tick *tk, const struct jmx_task *t,
    int64_t now, struct jmx_err *err)
{
	struct jmx_notice n;
	struct jmx_cron c;
	char reason[160], late[32];
	int64_t latest = t->next_ms, next = 0, nx, trid;
	int missed = 0;

	if (t->cron != NULL && jmx_cron_parse(t->cron, &c, NULL) == JMX_OK) {
		/* After a gap only the newest due time counts. */
		while ((nx = jmx_cron_next(&c, latest, t->tz)) > 0 &&
		    nx <= now && missed < 1000000) {
			latest = nx;
			missed++;
		}
		next = jmx_cron_next(&c, now, t->tz);
		if (next < 0)
			next = 0;
	}
	if ((trid = claim(st, t, t->next_ms, latest, next, err)) < 0)
		return JMX_ERR_STORE;
	if (trid == 0)
		return JMX_OK;
	if (missed > 0)
		log_warn("task %lld: %d earlier time%s missed (a gap in the "
		    "ticks)", (long long)t->id, missed, missed == 1 ? "" : "s");
	if (now - latest > t->late_ms) {
		jmx_format_duration(late, sizeof late, now - latest);
		snprintf(reason, sizeof reason, "%s late, more than --late "
		    "allows (a gap in the ticks: cron or the machine down)",
		    late);
		log_warn("task %lld: skipped: %s", (long long)t->id, reason);
		set_run(st, trid, "skipped", 0, reason);
		notice_init(&n, t, "skipped", latest);
		n.reason = reason;
		notices(st, tk, t, &n);
		return JMX_OK;
	}
	start(st, tk, t, trid, latest);
	return JMX_OK;
}

/* A retrying start: claimed back from 'retrying', then started again. */
static void
retry(struct jmx_store *st, struct jmx_tick *tk, const struct jmx_task_run *r)
{
	struct jmx_task t;
	struct jmx_err err = { 0 };

	if (jmx_store_sql(st, NULL, NULL, &err, "UPDATE task_runs SET"
	    " state = 'starting', claimed_ms = ? WHERE id = ? AND"
	    " state = 'retrying'", "ii", jmx_now_ms(), r->id) != JMX_OK ||
	    jmx_store_changes(st) != 1)
		return;
	if (jmx_schedule_get(st, r->task_id, &t, &err) != JMX_OK) {
		log_error("%s", err.msg);
		return;
	}
	start(st, tk, &t, r->id, r->due_ms);
	jmx_task_free(&t);
}

/* A started run that has ended: its finish (or failure) notice, once. */
static void
finish(struct jmx_store *st, struct jmx_tick *tk, const struct jmx_task_run *r)
{
	const struct jmx_test_conf *tc;
	const struct jmx_summary_row *tot;
	struct jmx_verdict *v = NULL;
	struct jmx_config *cfg = NULL;
	struct jmx_run_rec rec;
	struct jmx_summary *sum;
	struct jmx_notice n;
	struct jmx_task t;
	struct jmx_err err = { 0 };

	if (jmx_store_run_get(st, r->run_id, &rec, &err) != JMX_OK ||
	    !jmx_run_state_final(rec.state)) {
		jmx_run_rec_free(&rec);
		return;
	}
	if (jmx_store_sql(st, NULL, NULL, &err, "UPDATE task_runs SET"
	    " state = 'finished' WHERE id = ? AND state = 'started'", "i",
	    r->id) != JMX_OK || jmx_store_changes(st) != 1 ||
	    jmx_schedule_get(st, r->task_id, &t, &err) != JMX_OK) {
		jmx_run_rec_free(&rec);
		return;
	}
	notice_init(&n, &t, rec.state == JMX_RUN_FAILED ? "failure" :
	    "finish", r->due_ms);
	n.run = rec.id;
	n.state = jmx_run_state_name(rec.state);
	n.report = rec.run_dir;
	if ((sum = jmx_report_run_summary(st, rec.id, &err)) != NULL &&
	    (tot = jmx_summary_total(sum)) != NULL) {
		n.samples = (int64_t)tot->count;
		n.throughput = tot->throughput;
		n.p95_ms = tot->count > 0 ? tot->p95 : -1;
		n.error_pct = tot->count > 0 ? tot->error_pct : 0;
	}
	/* The thresholds of the configuration the task was added with. */
	if (t.config != NULL && jmx_config_load(t.config, &cfg, NULL) != JMX_OK)
		cfg = NULL;
	tc = cfg != NULL ? jmx_config_test(cfg, t.test_case) : NULL;
	if (tc == NULL || tc->nthresholds == 0 || sum == NULL)
		n.verdict = "none";
	else {
		v = xcalloc((size_t)tc->nthresholds, sizeof *v);
		n.verdict = jmx_verdict_check(sum, tc->thresholds,
		    tc->nthresholds, v) > 0 ? "failed" : "passed";
	}
	notices(st, tk, &t, &n);
	free(v);
	jmx_config_free(cfg);
	jmx_summary_free(sum);
	jmx_task_free(&t);
	jmx_run_rec_free(&rec);
}

enum jmx_code
jmx_schedule_tick(struct jmx_store *st, struct jmx_tick *tk,
    struct jmx_err *err)
{
	struct jmx_task *v = NULL;
	struct jmx_notice n;
	struct runs rs;
	int64_t now = jmx_now_ms();
	enum jmx_code code;
	int i, nt = 0;

	if ((code = jmx_schedule_list(st, &v, &nt, err)) != JMX_OK)
		goto out;
	for (i = 0; i < nt && code == JMX_OK; i++) {
		if (strcmp(v[i].state, "active") != 0 || v[i].next_ms <= 0)
			continue;
		if (v[i].notify_before_ms > 0 && now < v[i].next_ms &&
		    now >= v[i].next_ms - v[i].notify_before_ms) {
			notice_init(&n, &v[i], "before", v[i].next_ms);
			notices(st, tk, &v[i], &n);
		}
		if (now >= v[i].next_ms)
			code = due(st, tk, &v[i], now, err);
	}
	if (code == JMX_OK &&
	    (code = runs_in(st, "retrying", &rs, err)) == JMX_OK) {
		for (i = 0; i < rs.n; i++)
			retry(st, tk, &rs.v[i]);
	}
	if (code == JMX_OK) {
		jmx_task_runs_free(rs.v, rs.n);
		if ((code = runs_in(st, "started", &rs, err)) == JMX_OK)
			for (i = 0; i < rs.n; i++)
				finish(st, tk, &rs.v[i]);
		jmx_task_runs_free(rs.v, rs.n);
	}
out:
	for (i = 0; i < nt; i++)
		jmx_task_free(&v[i]);
	free(v);
	return code;
}

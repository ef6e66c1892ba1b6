/*
 * request.c: what the operator asked for (see request.h).  -J and --data
 * are parsed here once, for the command line and for a run's stored
 * options alike.
 */
#include <sys/stat.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "plan.h"
#include "request.h"
#include "split.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

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

enum jmx_code
jmx_run_request_threads(const char *asked, const char *test,
    struct jmx_split_opts *o, struct jmx_err *err)
{
	struct jmx_split_opts t;
	enum jmx_code code;
	double v;

	if (asked == NULL && test == NULL)
		return JMX_OK;
	if (asked == NULL || test == NULL)
		return jmx_split_parse_threads(asked != NULL ? asked : test, o,
		    err);
	memset(&t, 0, sizeof t);
	if ((code = jmx_split_parse_threads(asked, o, err)) != JMX_OK ||
	    (code = jmx_split_parse_threads(test, &t, err)) != JMX_OK)
		return code;
	if (o->mode != JMX_SPLIT_FACTOR)
		return JMX_OK;		/* a count replaces the test's */
	/* A factor scales what the test case asks for, not the plan. */
	if (t.mode == JMX_SPLIT_FACTOR)
		o->factor *= t.factor;
	else {
		v = floor((double)t.threads * o->factor + 0.5);
		o->mode = JMX_SPLIT_EACH;
		o->threads = v < 1 ? 1 : v > 10000000 ? 10000000 : (int)v;
	}
	return JMX_OK;
}

enum jmx_code
jmx_run_request_add_prop(struct jmx_run_request *q, const char *arg,
    struct jmx_err *err)
{
	const char *eq;

	if ((eq = strchr(arg, '=')) == NULL || eq == arg)
		return jmx_err_set(err, JMX_ERR_USAGE, "property '%s' is not "
		    "NAME=VALUE", arg);
	q->props = xreallocarray(q->props, (size_t)q->nprops + 1,
	    sizeof *q->props);
	q->props[q->nprops].name = xstrndup(arg, (size_t)(eq - arg));
	q->props[q->nprops].value = xstrdup(eq + 1);
	q->nprops++;
	return JMX_OK;
}

void
jmx_run_request_add_data(struct jmx_run_request *q, const char *arg)
{
	struct jmx_data_conf *d;
	char *colon;

	q->data = xreallocarray(q->data, (size_t)q->ndata + 1,
	    sizeof *q->data);
	d = &q->data[q->ndata++];
	d->file = xstrdup(arg);
	d->split = 0;
	colon = strrchr(d->file, ':');
	if (colon != NULL && strcmp(colon, ":split") == 0) {
		*colon = '\0';
		d->split = 1;
	}
}

/* One agent name appended to the NULL-terminated list. */
static void
add_agent(struct jmx_run_request *q, const char *name)
{
	q->agents = xreallocarray(q->agents, (size_t)q->nagents + 2,
	    sizeof *q->agents);
	q->agents[q->nagents++] = xstrdup(name);
	q->agents[q->nagents] = NULL;
}

enum jmx_code
jmx_run_request_add_agents(struct jmx_run_request *q, const char *csv,
    struct jmx_err *err)
{
	char *copy = xstrdup(csv), *p, *save = NULL;
	enum jmx_code code = JMX_OK;
	int i;

	for (p = strtok_r(copy, ",", &save); p != NULL && code == JMX_OK;
	    p = strtok_r(NULL, ",", &save)) {
		/* Two JMeters on one agent, one of them unrecorded: refuse. */
		for (i = 0; i < q->nagents; i++)
			if (strcmp(q->agents[i], p) == 0)
				break;
		if (i < q->nagents)
			code = jmx_err_set(err, JMX_ERR_USAGE, "agent '%s' "
			    "named twice", p);
		else
			add_agent(q, p);
	}
	free(copy);
	return code;
}

/* A local input the run reads: a readable regular file. */
static enum jmx_code
check_file(const char *what, const char *path, struct jmx_err *err)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return jmx_err_set(err, JMX_ERR_NOTFOUND, "%s '%s': %s", what,
		    path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return jmx_err_set(err, JMX_ERR_USAGE, "%s '%s': not a "
		    "regular file", what, path);
	if (access(path, R_OK) != 0)
		return jmx_err_set(err, JMX_ERR_USAGE, "%s '%s': %s", what,
		    path, strerror(errno));
	return JMX_OK;
}

/* A data file is read for rows: an empty one would end its threads. */
static enum jmx_code
check_data_file(const char *path, struct jmx_err *err)
{
	struct stat st;
	enum jmx_code code;

	if ((code = check_file("data file", path, err)) != JMX_OK)
		return code;
	if (stat(path, &st) == 0 && st.st_size == 0)
		return jmx_err_set(err, JMX_ERR_DATA, "data file '%s': line 1: "
		    "the file is empty, there is no row to read", path);
	return JMX_OK;
}

enum jmx_code
jmx_run_request_check_inputs(const struct jmx_run_request *q,
    const struct jmx_test_conf *t, struct jmx_err *err)
{
	enum jmx_code code;
	int i;

	if (t != NULL && t->plan != NULL &&
	    (code = check_file("plan", t->plan, err)) != JMX_OK)
		return code;
	for (i = 0; t != NULL && i < t->ndata; i++)
		if ((code = check_data_file(t->data[i].file, err)) != JMX_OK)
			return code;
	for (i = 0; q != NULL && i < q->ndata; i++)
		if ((code = check_data_file(q->data[i].file, err)) != JMX_OK)
			return code;
	if (t != NULL && t->stream_token_file != NULL &&
	    (code = check_file("stream token file", t->stream_token_file,
	    err)) != JMX_OK)
		return code;
	return JMX_OK;
}

enum jmx_code
jmx_run_request_load_plan(const struct jmx_test_conf *t,
    const struct jmx_prop *props, int nprops, const struct jmx_split_opts *o,
    struct jmx_plan **plan, struct jmx_err *err)
{
	const struct jmx_plan_group *g;

	/* --threads N fixes every count: one not resolved is no error. */
	if (jmx_plan_load_flags(t->plan, props, nprops,
	    o->mode == JMX_SPLIT_EACH ? JMX_PLAN_COUNT_FIXED : 0, plan,
	    err) != JMX_OK)
		return err->code;
	if (o->mode == JMX_SPLIT_EACH || (g = jmx_plan_idle(*plan)) == NULL)
		return JMX_OK;
	jmx_err_set(err, JMX_ERR_PLAN, "plan '%s': line %d: %s '%s' has 0 "
	    "threads, and so has every thread group: the run would send "
	    "nothing (give the test case threads: N, or --threads N)",
	    t->plan, g->line, jmx_plan_kind_name(g->kind), g->name);
	jmx_plan_free(*plan);
	*plan = NULL;
	return err->code;
}

static void
opt_add(struct jmx_prop **v, int *n, const char *name, const char *value)
{
	*v = xreallocarray(*v, (size_t)*n + 1, sizeof **v);
	(*v)[*n].name = xstrdup(name);
	(*v)[*n].value = value != NULL ? xstrdup(value) : NULL;
	(*n)++;
}

/* A local file, as a path that holds from any directory if it exists. */
static void
opt_add_path(struct jmx_prop **v, int *n, const char *name, const char *path)
{
	char *real = path != NULL ? realpath(path, NULL) : NULL;

	opt_add(v, n, name, real != NULL ? real : path);
	free(real);
}

enum jmx_code
jmx_run_request_save(const struct jmx_run_request *q, struct jmx_store *store,
    int64_t run_id, const char *config, const char *const *agents,
    int nagents, struct jmx_err *err)
{
	struct jmx_prop *v = NULL;
	char buf[64], *kv, *real;
	int i, n = 0;
	enum jmx_code code;

	/* attach may run in another directory. */
	opt_add_path(&v, &n, "config", config);
	opt_add(&v, &n, "test", q->test);
	if (q->threads != NULL)
		opt_add(&v, &n, "threads", q->threads);
	snprintf(buf, sizeof buf, "%lld", (long long)q->duration_ms);
	opt_add(&v, &n, "duration_ms", buf);
	snprintf(buf, sizeof buf, "%lld", (long long)q->ramp_ms);
	opt_add(&v, &n, "ramp_ms", buf);
	if (q->label != NULL)
		opt_add(&v, &n, "label", q->label);
	if (q->stream != NULL)
		opt_add(&v, &n, "stream", q->stream);
	if (q->keep)
		opt_add(&v, &n, "keep", "1");
	for (i = 0; i < nagents; i++)
		opt_add(&v, &n, "agent", agents[i]);
	/* In the forms -J and --data take, parsed back by them. */
	for (i = 0; i < q->nprops; i++) {
		xasprintf(&kv, "%s=%s", q->props[i].name, q->props[i].value);
		opt_add(&v, &n, "prop", kv);
		free(kv);
	}
	for (i = 0; i < q->ndata; i++) {
		real = realpath(q->data[i].file, NULL);
		xasprintf(&kv, "%s%s", real != NULL ? real : q->data[i].file,
		    q->data[i].split ? ":split" : "");
		opt_add(&v, &n, "data", kv);
		free(kv);
		free(real);
	}
	code = jmx_store_run_options_put(store, run_id, v, n, err);
	jmx_run_options_free(v, n);
	return code;
}

void
jmx_run_request_from_options(struct jmx_run_request *q,
    const struct jmx_prop *o, int n, const char **config)
{
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
		else if (strcmp(name, "stream") == 0)
			q->stream = val;
		else if (strcmp(name, "keep") == 0)
			q->keep = 1;
		else if (strcmp(name, "agent") == 0)
			add_agent(q, val);
		else if (strcmp(name, "prop") == 0)
			(void)jmx_run_request_add_prop(q, val, NULL);
		else if (strcmp(name, "data") == 0)
			jmx_run_request_add_data(q, val);
	}
}

char *
jmx_run_request_json(const struct jmx_run_request *q, int64_t duration_ms,
    int64_t ramp_ms, const struct jmx_prop *props, int nprops,
    const char *const *agents, int nagents)
{
	struct jmx_buf b = { 0 };
	struct jmx_json w;
	int i;

	jmx_json_init(&w, &b);
	jmx_json_object_begin(&w);
	jmx_json_pair_str(&w, "test", q->test);
	jmx_json_pair_str(&w, "threads", q->threads);
	jmx_json_pair_int(&w, "duration_ms", duration_ms);
	jmx_json_pair_int(&w, "ramp_ms", ramp_ms);
	jmx_json_key(&w, "properties");
	jmx_json_object_begin(&w);
	for (i = 0; i < nprops; i++)
		jmx_json_pair_str(&w, props[i].name, props[i].value);
	jmx_json_object_end(&w);
	jmx_json_key(&w, "agents");
	jmx_json_array_begin(&w);
	for (i = 0; i < nagents; i++)
		jmx_json_string(&w, agents[i]);
	jmx_json_array_end(&w);
	jmx_json_object_end(&w);
	return jmx_buf_steal(&b);
}

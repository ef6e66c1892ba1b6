/*
 * jmx-schedule: queue test runs for later, one-off or recurring, driven by
 * cron ("jmx-schedule tick" every minute).  Tasks, their runs and notices
 * live in the store (lib/schedule.c); the tick starts each run as a
 * detached jmx-run controller.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cron.h"
#include "json.h"
#include "notify.h"
#include "request.h"
#include "schedule.h"
#include "split.h"
#include "util.h"
#include "xmalloc.h"

enum {
	OPT_AT = CLI_OPT_FIRST_PROGRAM,
	OPT_IN,
	OPT_CRON,
	OPT_NOTIFY,
	OPT_NOTIFY_BEFORE,
	OPT_LATE,
	OPT_RETRY,
	/* jmx-run's, kept with the task and passed on as given. */
	OPT_AGENTS,
	OPT_TAG,
	OPT_COUNT,
	OPT_THREADS,
	OPT_DURATION,
	OPT_RAMP,
	OPT_DATA,
	OPT_LABEL
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "agents",	required_argument,	NULL, OPT_AGENTS },
	{ "at",		required_argument,	NULL, OPT_AT },
	{ "count",	required_argument,	NULL, OPT_COUNT },
	{ "cron",	required_argument,	NULL, OPT_CRON },
	{ "data",	required_argument,	NULL, OPT_DATA },
	{ "duration",	required_argument,	NULL, OPT_DURATION },
	{ "in",		required_argument,	NULL, OPT_IN },
	{ "label",	required_argument,	NULL, OPT_LABEL },
	{ "late",	required_argument,	NULL, OPT_LATE },
	{ "notify",	required_argument,	NULL, OPT_NOTIFY },
	{ "notify-before", required_argument,	NULL, OPT_NOTIFY_BEFORE },
	{ "property",	required_argument,	NULL, 'J' },
	{ "ramp",	required_argument,	NULL, OPT_RAMP },
	{ "retry",	required_argument,	NULL, OPT_RETRY },
	{ "tag",	required_argument,	NULL, OPT_TAG },
	{ "threads",	required_argument,	NULL, OPT_THREADS },
	{ NULL, 0, NULL, 0 }
};

static void
usage(void)
{
	printf("usage: jmx-schedule [options] add TEST-CASE --at TIME|--in D|"
	    "--cron EXPR\n"
	    "       jmx-schedule [options] list | show TASK\n"
	    "       jmx-schedule [options] cancel|pause|resume TASK\n"
	    "       jmx-schedule [options] tick | cron-line | install-cron\n"
	    "\n"
	    "Queue distributed JMeter runs for later, once or on a cron\n"
	    "schedule; cron runs 'jmx-schedule tick' every minute to start\n"
	    "them and send notices.\n"
	    "\n"
	    "Commands:\n"
	    "  add TEST-CASE       check and store a task\n"
	    "  list                the tasks\n"
	    "  show TASK           one task with its past runs\n"
	    "  cancel TASK         drop a task\n"
	    "  pause TASK          stop a recurring task for now\n"
	    "  resume TASK         go on with a paused task from now\n"
	    "  tick                notices, due runs, finishes (from cron)\n"
	    "  cron-line           print the crontab entry for the tick\n"
	    "  install-cron        add that entry to your crontab once\n"
	    "\n"
	    "When (add; one of):\n"
	    "      --at TIME       \"2026-12-24 02:00\", local unless given\n"
	    "                      with an offset (\"...02:00+01:00\", \"Z\")\n"
	    "      --in D          after a duration, e.g. 2h, 90m\n"
	    "      --cron EXPR     recurring: \"0 2 * * 1-5\", in the local\n"
	    "                      time zone ($TZ), wall-clock across DST\n"
	    "\n"
	    "Task policy (add):\n"
	    "      --notify TARGET mail:ADDR, exec:COMMAND or syslog[:TAG]\n"
	    "                      (repeatable; default: the test's notify:)\n"
	    "      --notify-before D\n"
	    "                      a \"starting soon\" notice D before\n"
	    "      --late D        run at most D late after a gap, else skip\n"
	    "                      (default: 10m)\n"
	    "      --retry D       agents busy or down at start: try again\n"
	    "                      for D, then fail (default: 0, fail)\n"
	    "\n"
	    "The run (add; as jmx-run takes them):\n"
	    "      --agents NAMES  --tag TAG  --count N  --threads N|xF\n"
	    "      --duration D  --ramp D  -J, --property NAME=VALUE\n"
	    "      --data FILE[:split]  --label TEXT\n"
	    "\n"
	    "Options:\n" CLI_HELP);
}

/* What add was given. */
struct add {
	const char	*at;
	const char	*in;
	const char	*cron;
	int64_t		 notify_before_ms;
	int64_t		 late_ms;
	int64_t		 retry_ms;
	char		**targets;
	int		 ntargets;
	char		**args;		/* jmx-run options, argv form */
	int		 nargs;
	struct jmx_run_request req;	/* the same, parsed: for the checks */
	char		*plan;		/* TEST-CASE a .jmx file: its path */
};

static void
push(char ***v, int *n, const char *s)
{
	*v = xreallocarray(*v, (size_t)*n + 1, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

static void
push_opt(struct add *a, const char *name, const char *val)
{
	push(&a->args, &a->nargs, name);
	push(&a->args, &a->nargs, val);
}

static int
duration_opt(struct cli *c, const char *name, const char *arg, int64_t *out)
{
	if ((*out = jmx_parse_duration_ms(arg)) < 0)
		return cli_usage(c, "%s takes a duration such as 15m or 2h, "
		    "not '%s'", name, arg);
	return -1;
}

static int
parse_option(struct cli *c, struct add *a, int ch, const char *arg)
{
	struct jmx_split_opts threads = { 0 };
	struct jmx_err err = { 0 };
	int64_t ms;

	switch (ch) {
	case OPT_AT:
		a->at = arg;
		return -1;
	case OPT_IN:
		a->in = arg;
		return -1;
	case OPT_CRON:
		a->cron = arg;
		return -1;
	case OPT_NOTIFY:
		if (jmx_notify_check(arg, &err) != JMX_OK)
			return cli_usage(c, "%s", err.msg);
		push(&a->targets, &a->ntargets, arg);
		return -1;
	case OPT_NOTIFY_BEFORE:
		return duration_opt(c, "--notify-before", arg,
		    &a->notify_before_ms);
	case OPT_LATE:
		return duration_opt(c, "--late", arg, &a->late_ms);
	case OPT_RETRY:
		return duration_opt(c, "--retry", arg, &a->retry_ms);
	case OPT_AGENTS:
		if (jmx_run_request_add_agents(&a->req, arg, &err) != JMX_OK)
			return cli_usage(c, "%s", err.msg);
		push_opt(a, "--agents", arg);
		return -1;
	case OPT_TAG:
		a->req.tag = arg;
		push_opt(a, "--tag", arg);
		return -1;
	case OPT_COUNT:
		if (jmx_parse_count(arg) <= 0)
			return cli_usage(c, "--count takes a positive number, "
			    "not '%s'", arg);
		push_opt(a, "--count", arg);
		return -1;
	case OPT_THREADS:
		if (jmx_split_parse_threads(arg, &threads, NULL) != JMX_OK)
			return cli_usage(c, "--threads takes a count or a "
			    "scale factor such as x2, not '%s'", arg);
		push_opt(a, "--threads", arg);
		return -1;
	case OPT_DURATION:
		if ((ms = jmx_parse_duration_ms(arg)) <= 0)
			return cli_usage(c, "--duration takes a duration such "
			    "as 90s or 10m, not '%s'", arg);
		push_opt(a, "--duration", arg);
		return -1;
	case OPT_RAMP:
		if (jmx_parse_duration_ms(arg) < 0)
			return cli_usage(c, "--ramp takes a duration such as "
			    "30s, not '%s'", arg);
		push_opt(a, "--ramp", arg);
		return -1;
	case 'J':
		if (jmx_run_request_add_prop(&a->req, arg, NULL) != JMX_OK)
			return cli_usage(c, "-J takes NAME=VALUE, not '%s'",
			    arg);
		push_opt(a, "--property", arg);
		return -1;
	case OPT_DATA:
		jmx_run_request_add_data(&a->req, arg);
		push_opt(a, "--data", arg);
		return -1;
	case OPT_LABEL:
		push_opt(a, "--label", arg);
		return -1;
	default:
		return cli_option(c, ch, arg, usage);
	}
}

/*
 * --at: "YYYY-MM-DD HH:MM[:SS]" (or with a T), local time unless it ends
 * with Z or an offset +HH:MM / -HHMM.  -1 if malformed.
 */
static int64_t
parse_at(const char *s)
{
	int y, mo, d, h, mi, sec = 0, n = 0, oh, om, sign;
	const char *p;

	if (sscanf(s, "%4d-%2d-%2d%*1[ T]%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &n) != 5 || n == 0)
		return -1;
	p = s + n;
	if (*p == ':') {
		if (sscanf(p, ":%2d%n", &sec, &n) != 1)
			return -1;
		p += n;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 59 || y < 1970)
		return -1;
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return jmx_cron_local(y, mo, d, h, mi, sec, NULL);
	if (strcmp(p, "Z") == 0 || strcmp(p, "UTC") == 0)
		return jmx_cron_local(y, mo, d, h, mi, sec, "UTC0");
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p == '-' ? -1 : 1;
	if ((sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 &&
	    sscanf(p + 1, "%2d%2d%n", &oh, &om, &n) != 2) || p[1 + n] != '\0' ||
	    oh > 14 || om > 59)
		return -1;
	return jmx_cron_local(y, mo, d, h, mi, sec, "UTC0") -
	    sign * ((int64_t)oh * 3600 + om * 60) * 1000;
}

/* Do the agents the task names exist (they are probed at start time)? */
static enum jmx_code
check_agents(struct cli *c, const struct add *a,
    const struct jmx_test_conf *tc, struct jmx_err *err)
{
	char **names = a->req.nagents > 0 ? a->req.agents :
	    tc != NULL ? tc->agents : NULL;
	int i, j, k, n = a->req.nagents > 0 ? a->req.nagents :
	    tc != NULL ? tc->nagents : 0;
	const char *tag = a->req.tag != NULL ? a->req.tag :
	    tc != NULL ? tc->tag : NULL;

	for (i = 0; i < n; i++)
		if (jmx_config_agent(c->cfg, names[i]) == NULL)
			return jmx_err_set(err, JMX_ERR_NOTFOUND, "agent '%s' "
			    "is not in the configuration", names[i]);
	if (tag != NULL && n == 0) {
		for (i = k = 0; i < c->cfg->nagents; i++)
			for (j = 0; j < c->cfg->agents[i].ntags; j++)
				k += strcmp(c->cfg->agents[i].tags[j], tag) == 0;
		if (k == 0)
			return jmx_err_set(err, JMX_ERR_NOTFOUND, "no agent "
			    "has the tag '%s'", tag);
	}
	if (n == 0 && tag == NULL && c->cfg->nagents == 0)
		return jmx_err_set(err, JMX_ERR_CONFIG, "the configuration "
		    "has no agents");
	return JMX_OK;
}

static int
cmd_add(struct cli *c, struct add *a, const char *test)
{
	const struct jmx_test_conf *tc;
	struct jmx_test_conf adhoc;
	struct jmx_task t;
	struct jmx_err err = { 0 };
	char buf[64], *real = NULL, *tz;
	int64_t now = jmx_now_ms(), when = 0, next;
	size_t n;
	int i;

	if (test == NULL)
		return cli_usage(c, "add needs a test case");
	if ((a->at != NULL) + (a->in != NULL) + (a->cron != NULL) != 1)
		return cli_usage(c, "add needs one of --at, --in or --cron");
	if (cli_load_config(c, &err) != JMX_OK)
		return cli_fail(c, &err);
	/* As jmx-run: a test case, else a .jmx file (kept absolute). */
	tc = jmx_config_test(c->cfg, test);
	n = strlen(test);
	if (tc == NULL && (n < 4 || strcmp(test + n - 4, ".jmx") != 0 ||
	    (a->plan = realpath(test, NULL)) == NULL)) {
		jmx_err_set(&err, JMX_ERR_NOTFOUND, "'%s' is neither a test "
		    "case in %s nor a .jmx file", test, c->cfg->path != NULL ?
		    c->cfg->path : "the configuration");
		return cli_fail(c, &err);
	}
	if (a->plan != NULL) {
		memset(&adhoc, 0, sizeof adhoc);
		adhoc.plan = a->plan;
		tc = &adhoc;
		test = a->plan;
	}
	a->req.test = test;
	if (jmx_run_request_check_inputs(&a->req, tc, &err) != JMX_OK ||
	    check_agents(c, a, tc, &err) != JMX_OK)
		return cli_fail(c, &err);
	tz = getenv("TZ");
	if (a->at != NULL && (when = parse_at(a->at)) < 0)
		return cli_usage(c, "--at takes a time such as \"2026-12-24 "
		    "02:00\", not '%s'", a->at);
	if (a->in != NULL) {
		if ((when = jmx_parse_duration_ms(a->in)) <= 0)
			return cli_usage(c, "--in takes a duration such as 2h, "
			    "not '%s'", a->in);
		when += now;
	}
	if (a->cron != NULL &&
	    jmx_schedule_next(a->cron, tz, now, &when, &err) != JMX_OK)
		return cli_fail(c, &err);
	if (when <= now) {
		jmx_cron_format(buf, sizeof buf, now, NULL);
		return cli_usage(c, "--at '%s' is not in the future (now "
		    "%s)", a->at, buf);
	}
	for (i = 0; a->ntargets == 0 && i < tc->nnotify; i++) {
		if (jmx_notify_check(tc->notify[i], &err) != JMX_OK) {
			jmx_err_prefix(&err, "test case '%s': notify", test);
			return cli_fail(c, &err);
		}
	}
	if (a->ntargets == 0)
		for (i = 0; i < tc->nnotify; i++)
			push(&a->targets, &a->ntargets, tc->notify[i]);
	if (cli_open_store(c, &err) != JMX_OK)
		return cli_fail(c, &err);
	if (c->cfg->path != NULL)
		real = realpath(c->cfg->path, NULL);
	memset(&t, 0, sizeof t);
	t.test_case = (char *)test;
	t.created_ms = now;
	t.cron = (char *)a->cron;
	t.tz = tz != NULL && *tz != '\0' ? tz : NULL;
	t.next_ms = when;
	t.notify_before_ms = a->notify_before_ms;
	t.late_ms = a->late_ms >= 0 ? a->late_ms : JMX_SCHEDULE_LATE_MS;
	t.retry_ms = a->retry_ms;
	t.config = real;
	t.args = a->args;
	t.nargs = a->nargs;
	t.targets = a->targets;
	t.ntargets = a->ntargets;
	if (jmx_schedule_add(c->store, &t, &err) != JMX_OK) {
		free(real);
		return cli_fail(c, &err);
	}
	free(real);
	if (c->json) {
		printf("{\"task_id\":%lld,\"next\":", (long long)t.id);
		jmx_format_time(buf, sizeof buf, when);
		printf("\"%s\"}\n", buf);
		return JMX_EXIT_OK;
	}
	jmx_cron_format(buf, sizeof buf, when, t.tz);
	printf("task %lld: %s at %s\n", (long long)t.id, test, buf);
	if (a->cron != NULL) {
		next = when;
		for (i = 0; i < 2 && jmx_schedule_next(a->cron, tz, next, &next,
		    &err) == JMX_OK; i++)
		{
			jmx_cron_format(buf, sizeof buf, next, t.tz);
			printf("  then %s\n", buf);
		}
	}
	return JMX_EXIT_OK;
}

static void
task_json(struct jmx_json *w, const struct jmx_task *t)
{
	int i;

	jmx_json_object_begin(w);
	jmx_json_pair_int(w, "task_id", t->id);
	jmx_json_pair_str(w, "test_case", t->test_case);
	jmx_json_pair_str(w, "state", t->state);
	jmx_json_pair_str(w, "cron", t->cron);
	jmx_json_pair_str(w, "tz", t->tz);
	jmx_json_key(w, "next");
	if (t->next_ms > 0)
		jmx_json_time(w, t->next_ms);
	else
		jmx_json_null(w);
	jmx_json_pair_int(w, "notify_before_ms", t->notify_before_ms);
	jmx_json_pair_int(w, "late_ms", t->late_ms);
	jmx_json_pair_int(w, "retry_ms", t->retry_ms);
	jmx_json_key(w, "notify");
	jmx_json_array_begin(w);
	for (i = 0; i < t->ntargets; i++)
		jmx_json_string(w, t->targets[i]);
	jmx_json_array_end(w);
	jmx_json_key(w, "args");
	jmx_json_array_begin(w);
	for (i = 0; i < t->nargs; i++)
		jmx_json_string(w, t->args[i]);
	jmx_json_array_end(w);
}

static int
cmd_list(struct cli *c)
{
	struct jmx_task *v = NULL;
	struct jmx_buf b = { 0 }, e = { 0 };
	struct jmx_json w;
	struct jmx_err err = { 0 };
	char when[64];
	int i, n = 0;

	if (cli_open_store_ro(c, &err) != JMX_OK ||
	    jmx_schedule_list(c->store, &v, &n, &err) != JMX_OK)
		return cli_fail(c, &err);
	if (c->json) {
		jmx_json_init(&w, &b);
		jmx_json_array_begin(&w);
		for (i = 0; i < n; i++) {
			task_json(&w, &v[i]);
			jmx_json_object_end(&w);
		}
		jmx_json_array_end(&w);
		printf("%s\n", b.data);
	} else if (n > 0)
		printf("%-5s %-9s %-22s %-16s %s\n", "TASK", "STATE", "NEXT",
		    "SCHEDULE", "TEST CASE");
	for (i = 0; !c->json && i < n; i++) {
		jmx_buf_reset(&e);
		jmx_text_escape(&e, v[i].test_case);
		snprintf(when, sizeof when, "-");
		if (v[i].next_ms > 0)
			jmx_cron_format(when, sizeof when, v[i].next_ms,
			    v[i].tz);
		printf("%-5lld %-9s %-22s %-16s %s\n", (long long)v[i].id,
		    v[i].state, when,
		    v[i].cron != NULL ? v[i].cron : "once", e.data);
	}
	for (i = 0; i < n; i++)
		jmx_task_free(&v[i]);
	free(v);
	jmx_buf_free(&b);
	jmx_buf_free(&e);
	return JMX_EXIT_OK;
}

static int
task_id(struct cli *c, const char *verb, const char *arg, int64_t *id)
{
	if (arg == NULL)
		return cli_usage(c, "%s needs a task id", verb);
	if ((*id = jmx_parse_count(arg)) <= 0)
		return cli_usage(c, "%s: '%s' is not a task id", verb, arg);
	return -1;
}

static int
cmd_show(struct cli *c, const char *arg)
{
	struct jmx_task t;
	struct jmx_task_run *r = NULL;
	struct jmx_buf b = { 0 };
	struct jmx_json w;
	struct jmx_err err = { 0 };
	char when[64];
	int64_t id;
	int i, n = 0, rc;

	if ((rc = task_id(c, "show", arg, &id)) != -1)
		return rc;
	if (cli_open_store_ro(c, &err) != JMX_OK ||
	    jmx_schedule_get(c->store, id, &t, &err) != JMX_OK ||
	    jmx_schedule_runs(c->store, id, &r, &n, &err) != JMX_OK)
		return cli_fail(c, &err);
	if (c->json) {
		jmx_json_init(&w, &b);
		task_json(&w, &t);
		jmx_json_key(&w, "runs");
		jmx_json_array_begin(&w);
		for (i = 0; i < n; i++) {
			jmx_json_object_begin(&w);
			jmx_json_pair_time(&w, "due", r[i].due_ms);
			jmx_json_pair_str(&w, "state", r[i].state);
			jmx_json_pair_int_or_null(&w, "run_id", r[i].run_id,
			    r[i].run_id > 0);
			jmx_json_pair_str(&w, "detail", r[i].detail);
			jmx_json_object_end(&w);
		}
		jmx_json_array_end(&w);
		jmx_json_object_end(&w);
		printf("%s\n", b.data);
	} else {
		printf("task %lld: %s\ntest case: ", (long long)t.id, t.state);
		jmx_text_escape(&b, t.test_case);
		printf("%s\nschedule: %s", b.data, t.cron != NULL ? t.cron :
		    "once");
		if (t.tz != NULL)
			printf(" (%s)", t.tz);
		snprintf(when, sizeof when, "-");
		if (t.next_ms > 0)
			jmx_cron_format(when, sizeof when, t.next_ms, t.tz);
		printf("\nnext: %s\n", when);
		for (i = 0; i < t.ntargets; i++)
			printf("notify: %s\n", t.targets[i]);
		for (i = 0; i < t.nargs; i += 2)
			printf("option: %s %s\n", t.args[i],
			    i + 1 < t.nargs ? t.args[i + 1] : "");
		for (i = 0; i < n; i++) {
			jmx_cron_format(when, sizeof when, r[i].due_ms, t.tz);
			printf("due %s: %s", when, r[i].state);
			if (r[i].run_id > 0)
				printf(", run %lld", (long long)r[i].run_id);
			if (r[i].detail != NULL)
				printf(": %s", r[i].detail);
			printf("\n");
		}
	}
	jmx_buf_free(&b);
	jmx_task_runs_free(r, n);
	jmx_task_free(&t);
	return JMX_EXIT_OK;
}

static int
cmd_state(struct cli *c, const char *verb, const char *arg)
{
	struct jmx_err err = { 0 };
	int64_t id;
	int rc;

	if ((rc = task_id(c, verb, arg, &id)) != -1)
		return rc;
	if (cli_open_store(c, &err) != JMX_OK ||
	    jmx_schedule_set_state(c->store, id, verb, &err) != JMX_OK)
		return cli_fail(c, &err);
	if (!c->json)
		printf("task %lld: %s\n", (long long)id,
		    strcmp(verb, "cancel") == 0 ? "cancelled" :
		    strcmp(verb, "pause") == 0 ? "paused" : "resumed");
	return JMX_EXIT_OK;
}

/* This program's directory, to find jmx-run beside it; allocated. */
static char *
self_path(void)
{
	char buf[PATH_MAX];
	ssize_t n;

	if ((n = readlink("/proc/self/exe", buf, sizeof buf - 1)) <= 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

static int
cmd_tick(struct cli *c)
{
	struct jmx_tick tk;
	struct jmx_err err = { 0 };
	char *self, *run = NULL, *slash;

	if (cli_open_store(c, &err) != JMX_OK)
		return cli_fail(c, &err);
	memset(&tk, 0, sizeof tk);
	if ((self = self_path()) != NULL &&
	    (slash = strrchr(self, '/')) != NULL) {
		*slash = '\0';
		xasprintf(&run, "%s/jmx-run", self);
		if (access(run, X_OK) != 0) {
			free(run);
			run = NULL;
		}
	}
	free(self);
	tk.jmx_run = run != NULL ? run : "jmx-run";
	tk.home = c->home_dir;
	if (jmx_schedule_tick(c->store, &tk, &err) != JMX_OK) {
		free(run);
		return cli_fail(c, &err);
	}
	free(run);
	if (c->json)
		printf("{\"started\":%d,\"notices\":%d,\"failed\":%d}\n",
		    tk.started, tk.notices, tk.failed);
	return tk.failed > 0 ? JMX_EXIT_ENV : JMX_EXIT_OK;
}

/* The crontab line: absolute paths, shell-quoted, % escaped for cron. */
static char *
cron_line(struct cli *c)
{
	struct jmx_buf b = { 0 }, q = { 0 };
	char *self = self_path(), *cfg = NULL, *p;

	jmx_buf_adds(&q, "* * * * * ");
	jmx_shquote(&q, self != NULL ? self : "jmx-schedule");
	jmx_buf_adds(&q, " --home ");
	jmx_shquote(&q, c->home_dir);
	if (c->cfg != NULL && c->cfg->path != NULL &&
	    (cfg = realpath(c->cfg->path, NULL)) != NULL) {
		jmx_buf_adds(&q, " --config ");
		jmx_shquote(&q, cfg);
	}
	jmx_buf_adds(&q, " tick >>");
	xasprintf(&p, "%s/schedule.log", c->home_dir);
	jmx_shquote(&q, p);
	free(p);
	jmx_buf_adds(&q, " 2>&1");
	for (p = q.data; *p != '\0'; p++) {
		if (*p == '%')
			jmx_buf_addc(&b, '\\');
		jmx_buf_addc(&b, *p);
	}
	free(self);
	free(cfg);
	jmx_buf_free(&q);
	return jmx_buf_steal(&b);
}

static int
cmd_cron(struct cli *c, int install)
{
	static const char *const list[] = { "crontab", "-l", NULL };
	static const char *const load[] = { "crontab", "-", NULL };
	struct jmx_buf tab = { 0 };
	struct jmx_err err = { 0 };
	char *line;
	int status = 0;

	/* The home is made here, so the line names a real directory. */
	if (cli_load_config(c, &err) != JMX_OK ||
	    cli_open_store(c, &err) != JMX_OK)
		return cli_fail(c, &err);
	line = cron_line(c);
	if (!install) {
		printf("%s\n", line);
		free(line);
		return JMX_EXIT_OK;
	}
	/* No crontab yet: crontab -l fails, and the new one is the line. */
	if (jmx_spawn((const char *const *)list, NULL, NULL, NULL, &tab, 30,
	    &status, &err) != JMX_OK) {
		free(line);
		return cli_fail(c, &err);
	}
	if (status != 0)
		jmx_buf_reset(&tab);
	if (tab.data != NULL && strstr(tab.data, line) != NULL) {
		printf("already in the crontab: %s\n", line);
		goto out;
	}
	if (tab.len > 0 && tab.data[tab.len - 1] != '\n')
		jmx_buf_addc(&tab, '\n');
	jmx_buf_addf(&tab, "%s\n", line);
	if (jmx_spawn((const char *const *)load, NULL, NULL, tab.data, NULL,
	    30, &status, &err) != JMX_OK || status != 0) {
		if (err.code == JMX_OK)
			jmx_err_set(&err, JMX_ERR_IO, "crontab - exited with "
			    "%d", status);
		free(line);
		jmx_buf_free(&tab);
		return cli_fail(c, &err);
	}
	printf("added to the crontab: %s\n", line);
out:
	free(line);
	jmx_buf_free(&tab);
	return JMX_EXIT_OK;
}

static void
add_free(struct add *a)
{
	int i;

	for (i = 0; i < a->ntargets; i++)
		free(a->targets[i]);
	free(a->targets);
	for (i = 0; i < a->nargs; i++)
		free(a->args[i]);
	free(a->args);
	jmx_run_request_free(&a->req);
	free(a->plan);
}

int
main(int argc, char **argv)
{
	struct cli c;
	struct add a;
	const char *cmd, *arg;
	int ch, rc = -1;

	cli_init(&c, argv);
	memset(&a, 0, sizeof a);
	jmx_run_request_init(&a.req);
	a.late_ms = -1;
	while (rc == -1 && (ch = getopt_long(argc, argv, CLI_SHORTOPTS "J:",
	    longopts, NULL)) != -1)
		rc = parse_option(&c, &a, ch, optarg);
	if (rc == -1)
		rc = cli_parsed(&c);
	if (rc == -1 && optind >= argc)
		rc = cli_usage(&c, "missing command");
	if (rc == -1) {
		cli_verbosity(&c);
		cmd = argv[optind];
		arg = optind + 1 < argc ? argv[optind + 1] : NULL;
		if (optind + 2 < argc)
			rc = cli_usage(&c, "unexpected argument '%s'",
			    argv[optind + 2]);
		else if (strcmp(cmd, "add") != 0 && (a.at != NULL ||
		    a.in != NULL || a.cron != NULL || a.nargs > 0 ||
		    a.ntargets > 0))
			rc = cli_usage(&c, "--at, --in, --cron, --notify and "
			    "the run's options go with add");
		else if (strcmp(cmd, "add") == 0)
			rc = cmd_add(&c, &a, arg);
		else if (arg != NULL && (strcmp(cmd, "list") == 0 ||
		    strcmp(cmd, "tick") == 0 || strcmp(cmd, "cron-line") == 0 ||
		    strcmp(cmd, "install-cron") == 0))
			rc = cli_usage(&c, "%s takes no argument", cmd);
		else if (strcmp(cmd, "list") == 0)
			rc = cmd_list(&c);
		else if (strcmp(cmd, "show") == 0)
			rc = cmd_show(&c, arg);
		else if (strcmp(cmd, "cancel") == 0 ||
		    strcmp(cmd, "pause") == 0 || strcmp(cmd, "resume") == 0)
			rc = cmd_state(&c, cmd, arg);
		else if (strcmp(cmd, "tick") == 0)
			rc = cmd_tick(&c);
		else if (strcmp(cmd, "cron-line") == 0)
			rc = cmd_cron(&c, 0);
		else if (strcmp(cmd, "install-cron") == 0)
			rc = cmd_cron(&c, 1);
		else
			rc = cli_usage(&c, "unknown command '%s'", cmd);
	}
	add_free(&a);
	cli_free(&c);
	return rc;
}

/*
 * test-request.c: -J, --data and --agents parsed into a run request, and
 * the same request rebuilt from a run's stored options (jmx-run attach).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "request.h"
#include "split.h"
#include "store.h"

static void
test_parse(void)
{
	struct jmx_run_request q;
	struct jmx_err err = { 0 };

	jmx_run_request_init(&q);
	is_int(q.ramp_ms, -1, "init: ramp is the test's");
	is_int(jmx_run_request_add_prop(&q, "host=a=b", &err), JMX_OK,
	    "-J NAME=VALUE");
	is_str(q.props[0].name, "host", "... the name up to the first '='");
	is_str(q.props[0].value, "a=b", "... the value after it");
	is_int(jmx_run_request_add_prop(&q, "empty=", &err), JMX_OK,
	    "-J NAME= (an empty value)");
	is_str(q.props[1].value, "", "... is empty");
	is_int(jmx_run_request_add_prop(&q, "novalue", &err), JMX_ERR_USAGE,
	    "-J without '=': refused");
	is_str(err.msg, "property 'novalue' is not NAME=VALUE",
	    "... naming it");
	is_int(jmx_run_request_add_prop(&q, "=x", &err), JMX_ERR_USAGE,
	    "-J without a name: refused");
	is_int(q.nprops, 2, "... nothing added");

	jmx_run_request_add_data(&q, "users.csv:split");
	jmx_run_request_add_data(&q, "/d/a:b.csv");
	jmx_run_request_add_data(&q, "x.csv:splitx");
	is_int(q.ndata, 3, "--data three times");
	is_str(q.data[0].file, "users.csv", "FILE:split: the file");
	is_int(q.data[0].split, 1, "... split");
	is_str(q.data[1].file, "/d/a:b.csv", "a colon in the name kept");
	is_int(q.data[1].split, 0, "... copied");
	is_str(q.data[2].file, "x.csv:splitx", "only ':split' at the end");

	is_int(jmx_run_request_add_agents(&q, "a1,a2", &err), JMX_OK,
	    "--agents a1,a2");
	is_int(jmx_run_request_add_agents(&q, "a3", &err), JMX_OK,
	    "--agents a3");
	is_int(q.nagents, 3, "--agents a1,a2 then a3");
	is_str(q.agents[2], "a3", "... in order");
	ok(q.agents[3] == NULL, "... NULL-terminated");
	jmx_run_request_free(&q);

	/* One agent twice would get two JMeters and one record. */
	jmx_run_request_init(&q);
	is_int(jmx_run_request_add_agents(&q, "a1,a1", &err), JMX_ERR_USAGE,
	    "--agents a1,a1: refused");
	is_str(err.msg, "agent 'a1' named twice", "... naming it");
	is_int(jmx_run_request_add_agents(&q, "a2", &err), JMX_OK,
	    "--agents a2");
	is_int(jmx_run_request_add_agents(&q, "a3,a2", &err), JMX_ERR_USAGE,
	    "--agents a2 then a3,a2: refused");
	is_str(err.msg, "agent 'a2' named twice", "... naming it");
	jmx_run_request_free(&q);
}

/* --threads against the test case's threads. */
static void
test_threads(void)
{
	struct jmx_split_opts o;
	struct jmx_err err = { 0 };

	memset(&o, 0, sizeof o);
	is_int(jmx_run_request_threads(NULL, NULL, &o, &err), JMX_OK,
	    "no --threads, none in the test case");
	is_int(o.mode, JMX_SPLIT_PLAN, "... the plan's");
	is_int(jmx_run_request_threads("x2", "12", &o, &err), JMX_OK,
	    "--threads x2 on threads: 12");
	is_int(o.mode, JMX_SPLIT_EACH, "... a count");
	is_int(o.threads, 24, "... twice the test case's 12");
	memset(&o, 0, sizeof o);
	is_int(jmx_run_request_threads("x0.5", "5", &o, &err), JMX_OK,
	    "--threads x0.5 on threads: 5");
	is_int(o.threads, 3, "... rounded half up");
	memset(&o, 0, sizeof o);
	jmx_run_request_threads("x2", "x1.5", &o, &err);
	is_int(o.mode, JMX_SPLIT_FACTOR, "--threads x2 on threads: x1.5");
	is_num(o.factor, 3, 1e-9, "... x3 of the plan's");
	memset(&o, 0, sizeof o);
	jmx_run_request_threads("7", "12", &o, &err);
	ok(o.mode == JMX_SPLIT_EACH && o.threads == 7,
	    "--threads 7 replaces the test case's 12");
	memset(&o, 0, sizeof o);
	jmx_run_request_threads("x2", NULL, &o, &err);
	ok(o.mode == JMX_SPLIT_FACTOR && o.factor == 2,
	    "--threads x2 without test case threads: x2 of the plan's");
	memset(&o, 0, sizeof o);
	jmx_run_request_threads(NULL, "12", &o, &err);
	ok(o.mode == JMX_SPLIT_EACH && o.threads == 12,
	    "the test case's 12 alone");
	is_int(jmx_run_request_threads("x2", "zz", &o, &err), JMX_ERR_USAGE,
	    "a malformed test case count: refused");
}

static void
test_from_options(void)
{
	struct jmx_prop o[] = {
		{ "config", "/etc/jmx.yaml" }, { "test", "checkout" },
		{ "threads", "x2" }, { "duration_ms", "90000" },
		{ "ramp_ms", "-1" }, { "keep", "1" }, { "agent", "a1" },
		{ "agent", "a,2" }, { "prop", "host=h=1" },
		{ "data", "users.csv:split" }, { "label", NULL },
	};
	struct jmx_run_request q;
	const char *config;
	char *json;

	jmx_run_request_from_options(&q, o, sizeof o / sizeof o[0], &config);
	is_str(config, "/etc/jmx.yaml", "options: the configuration");
	is_str(q.test, "checkout", "... the test");
	is_str(q.threads, "x2", "... --threads");
	is_int(q.duration_ms, 90000, "... the duration");
	is_int(q.ramp_ms, -1, "... the ramp");
	is_int(q.keep, 1, "... --keep");
	ok(q.label == NULL, "... no label");
	is_int(q.nagents, 2, "... each agent as stored");
	is_str(q.agents[1], "a,2", "... a name not cut at commas");
	is_int(q.nprops, 1, "... -J as on the command line");
	is_str(q.props[0].value, "h=1", "... its value");
	is_int(q.ndata, 1, "... --data as on the command line");
	ok(q.data[0].split && strcmp(q.data[0].file, "users.csv") == 0,
	    "... split");
	json = jmx_run_request_json(&q, 90000, 5000, q.props, q.nprops,
	    (const char *const *)q.agents, q.nagents);
	is_str(json, "{\"test\":\"checkout\",\"threads\":\"x2\","
	    "\"duration_ms\":90000,\"ramp_ms\":5000,\"properties\":"
	    "{\"host\":\"h=1\"},\"agents\":[\"a1\",\"a,2\"]}",
	    "the request as JSON");
	free(json);
	jmx_run_request_free(&q);
}

/* Relative paths are kept absolute: attach may run elsewhere. */
static void
test_save(void)
{
	const char *dir = tap_tmpdir();
	struct jmx_run_request q;
	struct jmx_run_rec r;
	struct jmx_store *st = NULL;
	struct jmx_prop *o = NULL;
	struct jmx_err err = { 0 };
	char cwd[4096], path[4096], want[4096];
	const char *config;
	int n = 0;
	FILE *fp;

	snprintf(path, sizeof path, "%s/jmx.db", dir);
	if (jmx_store_open(path, &st, &err) != JMX_OK) {
		printf("Bail out! %s\n", err.msg);
		exit(1);
	}
	snprintf(path, sizeof path, "%s/c.yaml", dir);
	if ((fp = fopen(path, "w")) != NULL)
		fclose(fp);
	snprintf(path, sizeof path, "%s/u.csv", dir);
	if ((fp = fopen(path, "w")) != NULL)
		fclose(fp);
	memset(&r, 0, sizeof r);
	r.test_case = "steady";
	r.plan = "p.jmx";
	if (jmx_store_run_create(st, &r, &err) != JMX_OK)
		printf("# %s\n", err.msg);
	jmx_run_request_init(&q);
	q.test = "steady";
	jmx_run_request_add_data(&q, "u.csv:split");
	jmx_run_request_add_data(&q, "missing.csv");
	if (getcwd(cwd, sizeof cwd) == NULL || chdir(dir) != 0)
		cwd[0] = '\0';
	is_int(jmx_run_request_save(&q, st, r.id, "c.yaml", NULL, 0, &err),
	    JMX_OK, "save: a request with relative paths");
	if (cwd[0] != '\0' && chdir(cwd) != 0)
		cwd[0] = '\0';
	jmx_run_request_free(&q);
	is_int(jmx_store_run_options(st, r.id, &o, &n, &err), JMX_OK,
	    "... read back");
	jmx_run_request_from_options(&q, o, n, &config);
	if (realpath(dir, path) == NULL)
		snprintf(path, sizeof path, "%s", dir);
	snprintf(want, sizeof want, "%s/c.yaml", path);
	is_str(config, want, "... the configuration as an absolute path");
	snprintf(want, sizeof want, "%s/u.csv", path);
	ok(q.ndata == 2 && strcmp(q.data[0].file, want) == 0 &&
	    q.data[0].split, "... a data file too, still split");
	ok(q.ndata == 2 && strcmp(q.data[1].file, "missing.csv") == 0,
	    "... one that does not exist as given");
	jmx_run_request_free(&q);
	jmx_run_options_free(o, n);
	jmx_store_close(st);
}

int
main(void)
{
	test_parse();
	test_threads();
	test_from_options();
	test_save();
	return done_testing();
}

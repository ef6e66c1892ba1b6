/*
 * test-config.c: jmx.conf(5) loading: every field of a full file, the
 * defaults, and one test per error class with its exact file:line:col.
 * The fixtures in tests/data/config are checked against their
 * "# expect:" lines too.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "../../lib/config.h"	/* not a stray top-level autoconf config.h */

static char dir[PATH_MAX];	/* realpath of the test's tmpdir */

static void
put(const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) == EOF) {
		perror(path);
		exit(99);
	}
}

static struct jmx_config *
load(const char *name, const char *text, struct jmx_err *err)
{
	struct jmx_config *cfg = NULL;
	char path[PATH_MAX + 64];

	put(name, text);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	memset(err, 0, sizeof *err);
	if (jmx_config_load(path, &cfg, err) != JMX_OK)
		return NULL;
	return cfg;
}

/* Load text, expect JMX_ERR_CONFIG at "FILE:pos: " with want in it. */
static void
bad(const char *name, const char *text, const char *pos, const char *want)
{
	struct jmx_config *cfg;
	struct jmx_err err;
	char prefix[PATH_MAX + 64];
	int good;

	cfg = load(name, text, &err);
	snprintf(prefix, sizeof prefix, "%s/%s:%s: ", dir, name, pos);
	good = cfg == NULL && err.code == JMX_ERR_CONFIG &&
	    strncmp(err.msg, prefix, strlen(prefix)) == 0 &&
	    strstr(err.msg, want) != NULL && strchr(err.msg, '\n') == NULL;
	ok(good, "%s: %s: %s", name, pos, want);
	if (!good)
		printf("#   got code %d: '%s'\n", (int)err.code, err.msg);
	jmx_config_free(cfg);
}

static const char full[] =
    "# every key once\n"
    "defaults:\n"
    "  user: loadtest\n"
    "  port: 2222\n"
    "  key: ~/.ssh/id_ed25519\n"
    "  known_hosts: keys/known_hosts\n"
    "  jmeter_home: /opt/jmx/jmeter-5.6.3\n"
    "agents:\n"
    "  - name: a1\n"
    "    host: 198.18.0.11\n"
    "    weight: 2.5\n"
    "    max_threads: 200\n"
    "    tags: [eu, fast]\n"
    "  - name: a2\n"
    "    host: 198.18.0.12\n"
    "    port: 22\n"
    "    user: root\n"
    "    key: /keys/a2\n"
    "    java: /usr/bin/java\n"
    "    work_dir: /var/tmp\n"
    "    tags:\n"
    "      - us\n"
    "    spare: yes\n"
    "tests:\n"
    "  checkout:\n"
    "    plan: plans/checkout.jmx\n"
    "    threads: x0.5\n"
    "    duration: 10m\n"
    "    ramp: 60s\n"
    "    properties: {host: 198.18.0.100, think: 100, empty: }\n"
    "    data:\n"
    "      - users.csv\n"
    "      - {file: /data/accounts.csv, split: true}\n"
    "    agents: [a1, a2]\n"
    "    tag: eu\n"
    "    setup_on_all: true\n"
    "    thresholds:\n"
    "      - {metric: p95, op: \"<\", value: 500}\n"
    "      - {label: \"GET /\", metric: error_pct, op: \"<=\", "
    "value: 1.5}\n"
    "    notify: [\"mail:ops@example.com\", \"exec:/usr/local/bin/hook\"]\n"
    "  smoke:\n"
    "    plan: /abs/smoke.jmx\n"
    "    threads: 30\n"
    "    duration: 90\n"
    "    ramp: 0\n"
    "settings:\n"
    "  failure_timeout: 5s\n"
    "  on_agent_failure: continue-partial\n"
    "  stop_grace: 1m30s\n"
    "  deadline_grace: 0\n"
    "  min_free_disk_mb: 0\n"
    "  threads_per_core: 100\n"
    "  home: ~/jmx-data\n"
    "  resume_ramp: no\n";

static void
test_full(void)
{
	const struct jmx_agent_conf *a;
	const struct jmx_test_conf *t;
	struct jmx_config *cfg;
	struct jmx_err err;
	char want[PATH_MAX + 64];

	cfg = load("full.yaml", full, &err);
	if (!ok(cfg != NULL, "full config loads"))
		printf("#   %s\n", err.msg);
	if (cfg == NULL)
		return;
	is_str(cfg->dir, dir, "dir is the file's absolute directory");
	is_int(cfg->nagents, 2, "two agents");
	is_int(cfg->ntests, 2, "two tests");

	a = jmx_config_agent(cfg, "a1");
	ok(a == &cfg->agents[0], "agent a1 found first");
	is_str(a->host, "198.18.0.11", "a1 host");
	is_int(a->port, 2222, "a1 port inherited");
	is_str(a->user, "loadtest", "a1 user inherited");
	is_str(a->key, "/home/tester/.ssh/id_ed25519", "a1 key: ~ expands");
	snprintf(want, sizeof want, "%s/keys/known_hosts", dir);
	is_str(a->known_hosts, want, "a1 known_hosts: relative to config");
	is_str(a->jmeter_home, "/opt/jmx/jmeter-5.6.3", "a1 jmeter_home");
	is_str(a->java, "java", "a1 java built-in default");
	is_str(a->work_dir, "/tmp", "a1 work_dir built-in default");
	is_num(a->weight, 2.5, 1e-9, "a1 weight");
	is_int(a->max_threads, 200, "a1 max_threads");
	is_int(a->spare, 0, "a1 not spare");
	is_int(a->ntags, 2, "a1 two tags");
	is_str(a->tags[0], "eu", "a1 tag 0");
	is_str(a->tags[1], "fast", "a1 tag 1");
	ok(a->tags[2] == NULL, "a1 tags NULL-terminated");
	is_int(a->line, 9, "a1 defined at line 9");

	a = jmx_config_agent(cfg, "a2");
	ok(a == &cfg->agents[1], "agent a2 found second");
	is_int(a->port, 22, "a2 port overrides");
	is_str(a->user, "root", "a2 user overrides");
	is_str(a->key, "/keys/a2", "a2 key overrides");
	is_str(a->java, "/usr/bin/java", "a2 java");
	is_str(a->work_dir, "/var/tmp", "a2 work_dir");
	is_num(a->weight, 0, 0, "a2 weight unset = 0");
	is_int(a->max_threads, 0, "a2 max_threads unset = 0");
	is_int(a->spare, 1, "a2 spare: yes");
	is_int(a->warm, 0, "a2 spare: yes is not warm");
	is_int(a->ntags, 1, "a2 block-style tags");
	is_str(a->tags[0], "us", "a2 tag");
	ok(jmx_config_agent(cfg, "a3") == NULL, "no agent a3");

	t = jmx_config_test(cfg, "checkout");
	ok(t == &cfg->tests[0], "test checkout first");
	is_int(t->line, 25, "checkout at line 25");
	snprintf(want, sizeof want, "%s/plans/checkout.jmx", dir);
	is_str(t->plan, want, "plan resolved against config dir");
	is_str(t->threads, "x0.5", "threads scale factor kept as text");
	is_int(t->duration_ms, 600000, "duration 10m");
	is_int(t->ramp_ms, 60000, "ramp 60s");
	is_int(t->nprops, 3, "three properties");
	is_str(t->props[0].name, "host", "prop 0 name");
	is_str(t->props[0].value, "198.18.0.100", "prop 0 value");
	is_str(t->props[1].name, "think", "prop 1 name");
	is_str(t->props[1].value, "100", "prop 1 value");
	is_str(t->props[2].name, "empty", "prop 2 name");
	is_str(t->props[2].value, "", "prop 2 empty value");
	is_int(t->ndata, 2, "two data files");
	snprintf(want, sizeof want, "%s/users.csv", dir);
	is_str(t->data[0].file, want, "data 0 resolved");
	is_int(t->data[0].split, 0, "data 0 copied");
	is_str(t->data[1].file, "/data/accounts.csv", "data 1 absolute");
	is_int(t->data[1].split, 1, "data 1 split");
	is_int(t->nagents, 2, "two default agents");
	is_str(t->agents[0], "a1", "agent 0");
	is_str(t->agents[1], "a2", "agent 1");
	ok(t->agents[2] == NULL, "agents NULL-terminated");
	is_str(t->tag, "eu", "tag");
	is_int(t->setup_on_all, 1, "setup_on_all");
	is_int(t->nthresholds, 2, "two thresholds");
	is_str(t->thresholds[0].label, NULL, "threshold 0: no label");
	is_str(t->thresholds[0].metric, "p95", "threshold 0 metric");
	is_str(t->thresholds[0].op, "<", "threshold 0 op");
	is_num(t->thresholds[0].value, 500, 0, "threshold 0 value");
	is_str(t->thresholds[1].label, "GET /", "threshold 1 label");
	is_str(t->thresholds[1].metric, "error_pct", "threshold 1 metric");
	is_str(t->thresholds[1].op, "<=", "threshold 1 op");
	is_num(t->thresholds[1].value, 1.5, 1e-9, "threshold 1 value");
	is_int(t->nnotify, 2, "two notify targets");
	is_str(t->notify[0], "mail:ops@example.com", "notify 0");
	is_str(t->notify[1], "exec:/usr/local/bin/hook", "notify 1");

	t = jmx_config_test(cfg, "smoke");
	ok(t == &cfg->tests[1], "test smoke second");
	is_str(t->plan, "/abs/smoke.jmx", "absolute plan kept");
	is_str(t->threads, "30", "threads integer kept as text");
	is_int(t->duration_ms, 90000, "bare duration is seconds");
	is_int(t->ramp_ms, 0, "ramp 0 is not 'unset'");
	is_int(t->nprops + t->ndata + t->nagents + t->nthresholds +
	    t->nnotify, 0, "smoke has no lists");
	ok(jmx_config_test(cfg, "nope") == NULL, "no test 'nope'");

	is_int(cfg->settings.failure_timeout_ms, 5000, "failure_timeout");
	is_int(cfg->settings.on_agent_failure, JMX_POLICY_CONTINUE_PARTIAL,
	    "on_agent_failure");
	is_str(jmx_config_policy_name(cfg->settings.on_agent_failure),
	    "continue-partial", "policy name");
	is_int(cfg->settings.stop_grace_ms, 90000, "stop_grace 1m30s");
	is_int(cfg->settings.deadline_grace_ms, 0, "deadline_grace 0");
	is_int(cfg->settings.min_free_disk_mb, 0, "min_free_disk_mb 0");
	is_int(cfg->settings.threads_per_core, 100, "threads_per_core");
	is_str(cfg->settings.home, "/home/tester/jmx-data", "home: ~ expands");
	is_int(cfg->settings.resume_ramp, 0, "resume_ramp no");
	jmx_config_free(cfg);
}

static void
check_default_settings(const struct jmx_config *cfg, const char *what)
{
	const struct jmx_settings *s = &cfg->settings;

	ok(s->failure_timeout_ms == 10000 &&
	    s->on_agent_failure == JMX_POLICY_REDISTRIBUTE &&
	    s->stop_grace_ms == 10000 && s->deadline_grace_ms == 120000 &&
	    s->min_free_disk_mb == 200 && s->threads_per_core == 250 &&
	    s->home == NULL && s->resume_ramp == 1,
	    "%s: default settings", what);
}

static void
test_defaults(void)
{
	const struct jmx_agent_conf *a;
	const struct jmx_test_conf *t;
	struct jmx_config *cfg;
	struct jmx_err err;

	cfg = jmx_config_new();
	ok(cfg->nagents == 0 && cfg->ntests == 0, "new: empty");
	check_default_settings(cfg, "new");
	jmx_config_free(cfg);
	jmx_config_free(NULL);

	cfg = load("empty.yaml", "", &err);
	ok(cfg != NULL && cfg->nagents == 0 && cfg->ntests == 0,
	    "empty file is an empty config");
	if (cfg != NULL)
		check_default_settings(cfg, "empty file");
	jmx_config_free(cfg);
	cfg = load("comment.yaml", "# nothing yet\n---\n", &err);
	ok(cfg != NULL, "comment-only file loads");
	jmx_config_free(cfg);

	cfg = load("min.yaml",
	    "agents:\n"
	    "  - {name: b1, host: h1}\n"
	    "tests:\n"
	    "  t1: {plan: t.jmx}\n"
	    "settings:\n"
	    "  home:\n", &err);
	if (!ok(cfg != NULL, "minimal config loads")) {
		printf("#   %s\n", err.msg);
		return;
	}
	a = &cfg->agents[0];
	/* port and user unset: ssh_config(5) may give them (ssh.h). */
	ok(a->port == 0 && a->user == NULL &&
	    strcmp(a->java, "java") == 0 &&
	    strcmp(a->work_dir, "/tmp") == 0 && a->key == NULL &&
	    a->known_hosts == NULL && a->jmeter_home == NULL &&
	    a->weight == 0 && a->max_threads == 0 && a->spare == 0 &&
	    a->ntags == 0 && a->tags == NULL,
	    "agent built-in defaults");
	t = &cfg->tests[0];
	ok(t->threads == NULL && t->duration_ms == 0 && t->ramp_ms == -1 &&
	    t->nprops == 0 && t->ndata == 0 && t->nthresholds == 0 &&
	    t->nagents == 0 && t->tag == NULL && t->setup_on_all == 0 &&
	    t->nnotify == 0, "test built-in defaults");
	check_default_settings(cfg, "minimal (null home)");
	jmx_config_free(cfg);
}

static void
test_errors(void)
{
	struct jmx_config *cfg = NULL;
	struct jmx_err err;
	char path[PATH_MAX + 64], want[PATH_MAX + 192];

	/* I/O */
	snprintf(path, sizeof path, "%s/missing.yaml", dir);
	is_int(jmx_config_load(path, &cfg, &err), JMX_ERR_IO,
	    "missing file: JMX_ERR_IO");
	snprintf(want, sizeof want, "%s: %s", path, strerror(ENOENT));
	is_str(err.msg, want, "missing file: 'FILE: strerror'");
	ok(cfg == NULL, "missing file: no config");
	is_int(jmx_config_load(dir, &cfg, &err), JMX_ERR_IO,
	    "directory: JMX_ERR_IO");

	/* YAML syntax, with libyaml's context */
	bad("syntax.yaml", "agents:\n  - name: a1\n   host: x\n", "3:4",
	    "did not find expected '-' indicator (while parsing a block "
	    "collection at line 2)");
	bad("tab.yaml", "agents:\n\t- name: a1\n", "2:1",
	    "found character that cannot start any token");
	bad("quote.yaml", "agents:\n  - name: \"a1\n", "3:1",
	    "found unexpected end of stream");
	bad("alias.yaml", "agents:\n  - name: *nope\n", "2:11",
	    "found undefined alias");
	bad("utf8.yaml", "agents:\n  - name: a\xff" "1\n", "2:12",
	    "invalid leading UTF-8 octet");
	bad("twodocs.yaml", "settings: {}\n---\nagents: []\n", "3:1",
	    "more than one YAML document");

	/* unknown keys */
	bad("unknown-top.yaml", "agent:\n  - {name: a1, host: h}\n", "1:1",
	    "unknown key 'agent' at top level; expected one of: defaults, "
	    "agents, tests, settings");
	bad("unknown-agent.yaml",
	    "agents:\n  - hots: x\n    name: a1\n", "2:5",
	    "unknown key 'hots' in agent 'a1'; expected one of: name, host, "
	    "port, user, key, known_hosts, jmeter_home, java, work_dir, "
	    "weight, max_threads, tags, spare");
	bad("unknown-noname.yaml", "agents:\n  - hots: x\n", "2:5",
	    "unknown key 'hots' in agent at line 2;");
	bad("unknown-default.yaml", "defaults:\n  weight: 2\n", "2:3",
	    "unknown key 'weight' in defaults;");
	bad("unknown-test.yaml", "tests:\n  t:\n    plan: p\n    thread: 3\n",
	    "4:5", "unknown key 'thread' in test 't'; expected one of: plan,");
	bad("unknown-setting.yaml", "settings:\n  grace: 1s\n", "2:3",
	    "unknown key 'grace' in settings;");
	bad("unknown-threshold.yaml", "tests:\n  t:\n    plan: p\n"
	    "    thresholds:\n      - {metric: p95, op: <, value: 1, x: 1}\n",
	    "5:40", "unknown key 'x' in threshold;");

	/* wrong types */
	bad("type-int.yaml", "agents:\n  - name: a1\n    host: h\n"
	    "    max_threads: abc\n", "4:18",
	    "'max_threads' must be a positive integer, got 'abc'");
	bad("type-zero.yaml", "agents:\n  - {name: a1, host: h, "
	    "max_threads: 0}\n", "2:38",
	    "'max_threads' must be a positive integer, got '0'");
	bad("type-port.yaml", "defaults:\n  port: 70000\n", "2:9",
	    "'port' must be an integer from 1 to 65535, got '70000'");
	bad("type-map.yaml", "agents:\n  - name: a1\n    host: {a: 1}\n",
	    "3:11", "'host' must be a string, got a mapping");
	bad("type-weight.yaml", "agents:\n  - {name: a1, host: h, "
	    "weight: -1}\n", "2:33", "'weight' must be a positive number, "
	    "got '-1'");
	bad("type-nan.yaml", "agents:\n  - {name: a1, host: h, "
	    "weight: .nan}\n", "2:33", "'weight' must be a positive number");
	bad("type-bool.yaml", "agents:\n  - {name: a1, host: h, "
	    "spare: maybe}\n", "2:32",
	    "'spare' must be true, false or warm, got 'maybe'");
	{
		struct jmx_config *w = load("warm.yaml", "agents:\n  - {name: "
		    "a1, host: h, spare: warm}\n", &err);

		ok(w != NULL && w->agents[0].spare && w->agents[0].warm,
		    "spare: warm is a spare, and warm");
		jmx_config_free(w);
	}
	bad("type-tags.yaml", "agents:\n  - {name: a1, host: h, "
	    "tags: {eu: 1}}\n", "2:31",
	    "'tags' must be a list of strings, got a mapping");
	bad("type-agents.yaml", "agents: a1\n", "1:9",
	    "'agents' must be a list, got 'a1'");
	bad("type-root.yaml", "- a\n- b\n", "1:1",
	    "the configuration must be a mapping, got a list");
	bad("type-threads.yaml", "tests:\n  t: {plan: p, threads: x0}\n",
	    "2:25", "'threads' must be a positive integer or a scale factor "
	    "such as x2, got 'x0'");
	bad("type-prop.yaml", "tests:\n  t: {plan: p, properties: "
	    "{a: [1]}}\n", "2:32", "property 'a' must be a single value, "
	    "got a list");
	bad("type-remote.yaml", "defaults:\n  work_dir: ~/jmx\n", "2:13",
	    "'work_dir' must be an absolute path on the agent, got '~/jmx'");
	bad("type-name.yaml", "agents:\n  - {name: a/1, host: h}\n", "2:12",
	    "agent name 'a/1' may only hold letters, digits");
	bad("type-long.yaml", "agents:\n  - {name: a1, host: h, port: "
	    "123456789012345678901234567890123456789012345678901234567890}\n",
	    "2:31", "got '123456789012345678901234567890123456789012...'");

	/* missing required fields */
	bad("missing-host.yaml", "agents:\n  - name: a1\n    port: 22\n",
	    "2:5", "agent at line 2 has no 'host'");
	bad("missing-name.yaml", "agents:\n  - host: h\n", "2:5",
	    "agent at line 2 has no 'name'");
	bad("missing-plan.yaml", "tests:\n  t:\n    threads: 3\n", "3:5",
	    "test 't' has no 'plan'");
	bad("missing-plan2.yaml", "tests:\n  t:\n", "2:3",
	    "test 't' has no 'plan'");
	bad("missing-value.yaml", "tests:\n  t:\n    plan: p\n"
	    "    thresholds:\n      - {metric: p95, op: <}\n", "5:9",
	    "threshold at line 5 has no 'value'");
	bad("missing-file.yaml", "tests:\n  t:\n    plan: p\n"
	    "    data:\n      - {split: true}\n", "5:9",
	    "data entry at line 5 has no 'file'");

	/* duplicates */
	bad("dup-agent.yaml", "agents:\n  - name: a1\n    host: h1\n"
	    "  - name: a1\n    host: h2\n", "4:11",
	    "duplicate agent name 'a1' (first defined at line 2)");
	bad("dup-key.yaml", "settings:\n  stop_grace: 1s\n  home: /x\n"
	    "  stop_grace: 2s\n", "4:3",
	    "duplicate key 'stop_grace' in settings (first at line 2)");
	bad("dup-test.yaml", "tests:\n  t: {plan: p}\n  t: {plan: q}\n",
	    "3:3", "duplicate key 't' in tests (first at line 2)");
	bad("dup-ref.yaml", "agents:\n  - {name: a1, host: h}\n"
	    "tests:\n  t: {plan: p, agents: [a1, a1]}\n", "4:29",
	    "agent 'a1' listed twice in test 't'");

	/* references and enumerations */
	bad("unknown-ref.yaml", "agents:\n  - {name: a1, host: h}\n"
	    "tests:\n  t:\n    plan: p.jmx\n    agents: [a1, a9]\n", "6:18",
	    "unknown agent 'a9' in test 't'");
	bad("bad-duration.yaml", "tests:\n  t:\n    plan: p\n"
	    "    duration: 10x\n", "4:15",
	    "'duration' must be a duration such as 90s, 10m or 1h30m, "
	    "got '10x'");
	bad("zero-duration.yaml", "tests:\n  t:\n    plan: p\n"
	    "    duration: 0s\n", "4:15", "'duration' must be longer than zero");
	bad("bad-policy.yaml", "settings:\n  on_agent_failure: retry\n", "2:21",
	    "'on_agent_failure' must be one of redistribute, "
	    "continue-partial, abort, got 'retry'");
	bad("bad-op.yaml", "tests:\n  t:\n    plan: p\n    thresholds:\n"
	    "      - {metric: p95, op: \"==\", value: 1}\n", "5:27",
	    "'op' must be one of <, <=, >, >=, got '=='");
	bad("bad-metric.yaml", "tests:\n  t:\n    plan: p\n    thresholds:\n"
	    "      - {metric: p100, op: <, value: 1}\n", "5:18",
	    "'metric' must be pNN or one of");
	bad("bad-notify.yaml", "tests:\n  t:\n    plan: p\n"
	    "    notify: [ops@example.com]\n", "4:14",
	    "'notify' targets must be mail:ADDRESS, exec:COMMAND or syslog, "
	    "got 'ops@example.com'");
}

static void
test_default_path(void)
{
	char cwd[PATH_MAX], sub[PATH_MAX + 64], want[PATH_MAX + 128];
	char *p;

	if (getcwd(cwd, sizeof cwd) == NULL)
		exit(99);
	snprintf(sub, sizeof sub, "%s/cwd", dir);
	mkdir(sub, 0755);
	if (chdir(sub) == -1)
		exit(99);
	unsetenv("JMX_CONFIG");
	setenv("XDG_CONFIG_HOME", dir, 1);

	p = jmx_config_default_path();
	is_str(p, NULL, "default path: nothing found");
	free(p);

	snprintf(want, sizeof want, "%s/jmx", dir);
	mkdir(want, 0755);
	put("jmx/config.yaml", "");
	snprintf(want, sizeof want, "%s/jmx/config.yaml", dir);
	p = jmx_config_default_path();
	is_str(p, want, "default path: XDG_CONFIG_HOME");
	free(p);

	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", dir, 1);
	p = jmx_config_default_path();
	is_str(p, NULL, "default path: ~/.config not there");
	free(p);
	snprintf(want, sizeof want, "%s/.config", dir);
	mkdir(want, 0755);
	snprintf(want, sizeof want, "%s/.config/jmx", dir);
	mkdir(want, 0755);
	put(".config/jmx/config.yaml", "");
	snprintf(want, sizeof want, "%s/.config/jmx/config.yaml", dir);
	p = jmx_config_default_path();
	is_str(p, want, "default path: ~/.config/jmx/config.yaml");
	free(p);

	put("cwd/jmx.yaml", "agents:\n  - {name: c1, host: h}\n"
	    "tests:\n  t: {plan: p.jmx}\n");
	p = jmx_config_default_path();
	is_str(p, "jmx.yaml", "default path: ./jmx.yaml first");
	free(p);

	setenv("JMX_CONFIG", "/nonexistent/jmx.yaml", 1);
	p = jmx_config_default_path();
	is_str(p, "/nonexistent/jmx.yaml", "default path: $JMX_CONFIG wins "
	    "even when missing");
	free(p);
	unsetenv("JMX_CONFIG");
	setenv("HOME", "/home/tester", 1);

	{
		struct jmx_config *cfg = NULL;
		struct jmx_err err;

		/* A bare relative name still resolves to an absolute dir. */
		if (jmx_config_load("jmx.yaml", &cfg, &err) != JMX_OK) {
			ok(0, "relative config path loads: %s", err.msg);
		} else {
			snprintf(want, sizeof want, "%s/p.jmx", sub);
			is_str(cfg->tests[0].plan, want,
			    "relative config path: plan is absolute");
			is_str(cfg->path, "jmx.yaml", "path kept as given");
		}
		jmx_config_free(cfg);
	}
	if (chdir(cwd) == -1)
		exit(99);
}

/* The shipped example and the shell test's fixtures. */
static void
test_files(void)
{
	struct jmx_config *cfg = NULL;
	struct jmx_err err;
	struct dirent *de;
	const char *src = getenv("JMX_SRCDIR");
	char path[PATH_MAX + 64], line[512], *nl, *msg;
	size_t plen;
	FILE *f;
	DIR *d;
	int n = 0;

	if (src == NULL)
		src = ".";
	snprintf(path, sizeof path, "%s/share/examples/jmx.yaml", src);
	if (access(path, R_OK) == -1) {
		ok(1, "# SKIP %s not found (set JMX_SRCDIR)", path);
		return;
	}
	if (jmx_config_load(path, &cfg, &err) != JMX_OK)
		ok(0, "example config loads: %s", err.msg);
	else {
		ok(cfg->nagents == 3 && jmx_config_test(cfg, "smoke") != NULL,
		    "example config loads: 3 agents, test 'smoke'");
		ok(strstr(jmx_config_test(cfg, "smoke")->plan,
		    "/share/examples/../plans/http-get.jmx") != NULL,
		    "example plan path resolves next to the example");
	}
	jmx_config_free(cfg);

	snprintf(path, sizeof path, "%s/tests/data/config", src);
	if ((d = opendir(path)) == NULL) {
		ok(0, "open %s", path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		plen = strlen(de->d_name);
		if (plen < 6 || strcmp(de->d_name + plen - 5, ".yaml") != 0)
			continue;
		snprintf(path, sizeof path, "%s/tests/data/config/%s", src,
		    de->d_name);
		line[0] = '\0';
		if ((f = fopen(path, "r")) != NULL) {
			if (fgets(line, sizeof line, f) == NULL)
				line[0] = '\0';
			fclose(f);
		}
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (strncmp(line, "# expect: ", 10) != 0) {
			ok(0, "%s: first line is '# expect: ...'", de->d_name);
			continue;
		}
		n++;
		cfg = NULL;
		if (strcmp(line + 10, "ok") == 0) {
			if (!ok(jmx_config_load(path, &cfg, &err) == JMX_OK,
			    "fixture %s loads", de->d_name))
				printf("#   %s\n", err.msg);
			jmx_config_free(cfg);
			continue;
		}
		/* "L:C: text": the message is "FILE:L:C: ...text..." */
		if ((msg = strstr(line + 10, ": ")) == NULL) {
			ok(0, "%s: expect line malformed", de->d_name);
			continue;
		}
		*msg = '\0';
		msg += 2;
		jmx_config_load(path, &cfg, &err);
		plen = strlen(path);
		if (!ok(cfg == NULL && err.code == JMX_ERR_CONFIG &&
		    strncmp(err.msg, path, plen) == 0 && err.msg[plen] == ':' &&
		    strncmp(err.msg + plen + 1, line + 10,
		    strlen(line + 10)) == 0 &&
		    err.msg[plen + 1 + strlen(line + 10)] == ':' &&
		    strstr(err.msg, msg) != NULL,
		    "fixture %s: %s: %s", de->d_name, line + 10, msg))
			printf("#   got '%s'\n", err.msg);
		jmx_config_free(cfg);
	}
	closedir(d);
	ok(n >= 6, "found %d fixtures", n);
}

/* Every error, in file order; a syntax error is the one error. */
static void
test_load_all(void)
{
	struct jmx_config *cfg = NULL;
	struct jmx_err errs[4];
	char path[PATH_MAX + 64], want[PATH_MAX + 80];
	int n = 0, i;
	static const char *const lines[] = { "2", "3", "5" };

	put("all.yaml", "settings:\n  stop_grace: soon\nfoo: 1\n"
	    "agents:\n  - {name: a, host: h, port: x}\n");
	snprintf(path, sizeof path, "%s/all.yaml", dir);
	memset(errs, 0, sizeof errs);
	ok(jmx_config_load_all(path, &cfg, errs, 4, &n) == JMX_ERR_CONFIG &&
	    cfg == NULL && n == 3, "load_all: 3 errors found");
	for (i = 0; i < 3; i++) {
		snprintf(want, sizeof want, "%s:%s:", path, lines[i]);
		ok(strncmp(errs[i].msg, want, strlen(want)) == 0,
		    "load_all: error %d at line %s: %s", i, lines[i],
		    errs[i].msg);
	}
	memset(errs, 0, sizeof errs);
	ok(jmx_config_load_all(path, &cfg, errs, 2, &n) == JMX_ERR_CONFIG &&
	    n == 3 && strstr(errs[1].msg, ":3:") != NULL &&
	    errs[2].msg[0] == '\0', "load_all: the first 2 of 3 kept");

	put("all2.yaml", "settings: {}\n---\n[\n");
	snprintf(path, sizeof path, "%s/all2.yaml", dir);
	memset(errs, 0, sizeof errs);
	n = 0;
	ok(jmx_config_load_all(path, &cfg, errs, 4, &n) == JMX_ERR_CONFIG &&
	    n == 1 && strstr(errs[0].msg, path) != NULL &&
	    errs[1].msg[0] == '\0',
	    "load_all: a syntax error in a second document is one error: %s",
	    errs[0].msg);
}

int
main(void)
{
	if (realpath(tap_tmpdir(), dir) == NULL) {
		perror("realpath");
		return 99;
	}
	setenv("HOME", "/home/tester", 1);
	ok(strncmp(jmx_config_libversion(), "libyaml 0.", 10) == 0,
	    "libversion: %s", jmx_config_libversion());
	test_full();
	test_defaults();
	test_errors();
	test_load_all();
	test_default_path();
	test_files();
	return done_testing();
}

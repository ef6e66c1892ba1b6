/*
 * test-plan.c: loading .jmx fixtures (tests/data/plans) and writing
 * agent shares that are loaded back and checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "../../lib/config.h"	/* struct jmx_prop, not autoconf's */
#include "plan.h"
#include "split.h"
#include "util.h"

static char *
fixture(const char *name)
{
	const char *dir = getenv("JMX_SRCDIR");
	char *p;

	p = malloc(1024);
	snprintf(p, 1024, "%s/tests/data/plans/%s", dir != NULL ? dir : ".",
	    name);
	return p;
}

static char *
tmpfile_path(const char *name)
{
	char *p = malloc(1024);

	snprintf(p, 1024, "%s/%s", tap_tmpdir(), name);
	return p;
}

static struct jmx_plan *
load(const char *name, const struct jmx_prop *props, int nprops)
{
	struct jmx_plan *plan = NULL;
	struct jmx_err err;
	char *path = fixture(name);

	if (jmx_plan_load(path, props, nprops, &plan, &err) != JMX_OK) {
		printf("Bail out! %s: %s\n", name, err.msg);
		exit(1);
	}
	free(path);
	return plan;
}

static struct jmx_plan *
reload(const char *path)
{
	struct jmx_plan *plan = NULL;
	struct jmx_err err;

	if (jmx_plan_load(path, NULL, 0, &plan, &err) != JMX_OK) {
		printf("Bail out! reload %s: %s\n", path, err.msg);
		exit(1);
	}
	return plan;
}

/* Load name expecting failure; the message with the path made relative. */
static enum jmx_code
load_fail(const char *name, const struct jmx_prop *props, int nprops,
    char *msg, size_t len)
{
	struct jmx_plan *plan = NULL;
	struct jmx_err err;
	char *path = fixture(name), *p;
	enum jmx_code rc;

	memset(&err, 0, sizeof err);
	rc = jmx_plan_load(path, props, nprops, &plan, &err);
	if (rc == JMX_OK) {
		jmx_plan_free(plan);
		snprintf(msg, len, "(loaded)");
	} else if ((p = strstr(err.msg, path)) != NULL) {
		/* "plan '/x/tests/data/plans/f.jmx'" -> "plan 'f.jmx'" */
		snprintf(msg, len, "%.*s%s%s", (int)(p - err.msg), err.msg,
		    name, p + strlen(path));
	} else
		snprintf(msg, len, "%s", err.msg);
	ok(plan == NULL, "%s: no plan on failure", name);
	free(path);
	return rc;
}

static char *
slurp(const char *path)
{
	struct jmx_err err;
	char *data;

	if (jmx_read_file(path, &data, NULL, &err) != JMX_OK) {
		printf("Bail out! %s\n", err.msg);
		exit(1);
	}
	return data;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void
test_classic_load(void)
{
	struct jmx_plan *p = load("classic.jmx", NULL, 0);
	const struct jmx_plan_group *g = p->groups;

	is_str(p->name, "Shop", "classic: Test Plan name");
	is_int(p->serialize, 0, "classic: serialize_threadgroups false");
	is_int(p->ngroups, 4, "classic: 4 thread groups");
	is_int(g[0].kind, JMX_PLAN_SETUP, "group 0 is setUp");
	is_str(g[0].name, "Prepare", "group 0 named Prepare");
	is_int(g[0].threads, 1, "Prepare: 1 thread");
	is_int(g[0].line, 31, "Prepare: line 31");
	is_int(g[1].kind, JMX_PLAN_THREADS, "group 1 is a ThreadGroup");
	is_str(g[1].name, "Browse", "group 1 named Browse");
	ok(g[1].enabled, "Browse enabled");
	is_int(g[1].threads, 10, "Browse: 10 threads (intProp)");
	is_int(g[1].ramp_s, 20, "Browse: ramp 20");
	is_int(g[1].scheduler, 1, "Browse: scheduler on");
	is_int(g[1].duration_s, 300, "Browse: duration 300");
	is_int(g[1].delay_s, 5, "Browse: delay 5");
	is_int(g[1].loops, -1, "Browse: loops forever");
	is_str(g[2].name, "Checkout", "group 2 named Checkout");
	is_int(g[2].threads, 7, "Checkout: 7 threads (stringProp)");
	is_int(g[2].ramp_s, 14, "Checkout: ramp 14");
	is_int(g[2].scheduler, 0, "Checkout: scheduler off");
	is_int(g[2].duration_s, 0, "Checkout: empty duration is 0");
	is_int(g[2].delay_s, 0, "Checkout: empty delay is 0");
	is_int(g[2].loops, 5, "Checkout: 5 loops");
	is_int(g[3].kind, JMX_PLAN_TEARDOWN, "group 3 is tearDown");
	is_int(g[3].threads, 2, "Cleanup: 2 threads");

	is_int(p->ntputs, 3, "classic: 3 throughput timers");
	is_int(p->tputs[0].kind, JMX_PLAN_CONSTANT_TIMER, "tput 0 constant");
	is_str(p->tputs[0].name, "Browse pace", "tput 0 name");
	is_int(p->tputs[0].group, 1, "tput 0 inside Browse");
	is_num(p->tputs[0].throughput, 600, 1e-9, "tput 0: 600/min");
	is_int(p->tputs[0].calc_mode, 2, "tput 0: calcMode 2");
	is_int(p->tputs[0].per_thread, 0, "tput 0: shared, so scaled");
	is_int(p->tputs[0].line, 63, "tput 0: line 63");
	is_int(p->tputs[1].group, 2, "tput 1 inside Checkout");
	is_num(p->tputs[1].throughput, 30, 1e-9, "tput 1: 30/min");
	is_int(p->tputs[1].per_thread, 1, "tput 1: calcMode 0 is per thread");
	is_int(p->tputs[2].kind, JMX_PLAN_PRECISE_TIMER, "tput 2 precise");
	is_int(p->tputs[2].group, -1, "tput 2 at plan level");
	is_num(p->tputs[2].throughput, 120, 1e-9, "tput 2: 120");
	is_num(p->tputs[2].period_s, 60, 1e-9, "tput 2: per 60 s");

	is_int(p->ncsvs, 1, "classic: 1 CSV Data Set");
	is_str(p->csvs[0].name, "Users CSV", "csv name");
	is_str(p->csvs[0].filename, "users.csv", "csv filename");
	is_str(p->csvs[0].share_mode, "shareMode.all", "csv shareMode");
	is_int(p->csvs[0].ignore_first_line, 1, "csv ignoreFirstLine");
	is_str(p->csvs[0].variable_names, "user,password", "csv variableNames");
	is_int(p->csvs[0].quoted, 1, "csv quotedData");
	is_int(p->csvs[0].recycle, 1, "csv recycle");
	is_str(p->csvs[0].delimiter, ",", "csv delimiter");
	is_int(p->csvs[0].has_header, 1, "csv has a header line");
	is_int(p->csvs[0].group, -1, "csv at plan level");
	is_int(p->csvs[0].line, 19, "csv line 19");
	jmx_plan_free(p);
}

static void
test_classic_write(void)
{
	struct jmx_plan *p = load("classic.jmx", NULL, 0), *q;
	struct jmx_plan_gshare gs[4];
	struct jmx_plan_rename rn[2] = {
		{ "other.csv", "data/other.csv" },
		{ "users.csv", "data/users.csv", "jmx_row_2" }
	};
	struct jmx_plan_share sh;
	struct jmx_err err;
	char *out = tmpfile_path("agent1.jmx"), *text, *orig, *src;
	const char *script;

	/* Agent 1 of 2 (weights 2:3): setUp here, no Checkout, no tearDown. */
	memset(&sh, 0, sizeof sh);
	gs[0].threads = 1, gs[0].scale = 1;
	gs[1].threads = 4, gs[1].scale = 0.4;
	gs[2].threads = 0, gs[2].scale = 0;
	gs[3].threads = 0, gs[3].scale = 0;
	sh.groups = gs;
	sh.ngroups = 4;
	sh.scale = 0.4;
	sh.duration_s = 120;
	sh.ramp_set = 1;
	sh.ramp_s = 10;
	sh.renames = rn;
	sh.nrenames = 2;
	sh.sync_start = 1;
	sh.warm_up = 1;
	if (!ok(jmx_plan_write_share(p, &sh, out, &err) == JMX_OK,
	    "write agent 1's share"))
		printf("# %s\n", err.msg);
	q = reload(out);
	is_int(q->ngroups, 5, "share 1: 4 groups + the sync group");
	is_str(q->groups[0].name, "Prepare", "share 1: Prepare first");
	ok(q->groups[0].enabled && q->groups[0].threads == 1,
	    "share 1: setUp runs here with 1 thread");
	is_str(q->groups[1].name, JMX_PLAN_SYNC_GROUP,
	    "share 1: sync group right after the last setUp group");
	is_int(q->groups[1].kind, JMX_PLAN_SETUP, "sync group is a setUp");
	ok(q->groups[1].enabled && q->groups[1].threads == 1 &&
	    q->groups[1].loops == 1 && !q->groups[1].scheduler,
	    "sync group: enabled, 1 thread, 1 loop, no scheduler");
	is_str(q->groups[2].name, "Browse", "share 1: Browse");
	is_int(q->groups[2].threads, 4, "share 1: Browse 4 threads");
	is_int(q->groups[2].ramp_s, 10, "share 1: ramp override 10");
	is_int(q->groups[2].scheduler, 1, "share 1: scheduler on");
	is_int(q->groups[2].duration_s, 120, "share 1: duration override");
	is_int(q->groups[2].loops, -1, "share 1: loops -1 with duration");
	is_int(q->groups[2].delay_s, 5, "share 1: delay kept");
	is_int(q->groups[3].enabled, 0, "share 1: Checkout disabled (0)");
	is_int(q->groups[4].enabled, 0, "share 1: tearDown not here");
	is_int(q->groups[0].ramp_s, 1, "share 1: setUp ramp not overridden");
	/* Checkout is off: its per-thread timer is no longer listed. */
	is_int(q->ntputs, 2, "share 1: 2 enabled timers");
	is_num(q->tputs[0].throughput, 240, 1e-9,
	    "share 1: Browse pace 600 x 0.4 = 240");
	is_num(q->tputs[1].throughput, 48, 1e-9,
	    "share 1: plan pace 120 x 0.4 = 48");
	is_num(q->tputs[1].period_s, 60, 1e-9, "share 1: period kept");
	is_int(q->ncsvs, 1, "share 1: the CSV Data Set");
	is_str(q->csvs[0].filename, "data/users.csv", "share 1: csv renamed");
	is_str(q->csvs[0].variable_names, "jmx_row_2,user,password",
	    "share 1: the row variable first in variableNames");
	jmx_plan_free(q);

	text = slurp(out);
	script = "<TestAction guiclass=\"TestActionGui\" "
	    "testclass=\"TestAction\" testname=\"jmx-sync-wait\">\n"
	    "          <intProp name=\"ActionProcessor.action\">1</intProp>\n"
	    "          <intProp name=\"ActionProcessor.target\">0</intProp>\n"
	    "          <stringProp name=\"ActionProcessor.duration\">"
	    "${__groovy(def rd = { File x -&gt; x.exists() ? x.text.trim() : '' }; "
	    "def hd = { String x -&gt; x.readLines() ? x.readLines()[0].trim() : "
	    "'' }; "
	    "def num = { String x -&gt; x.isLong() ? Long.parseLong(x) : -1L }; "
	    "def setp = { String x -&gt; x.readLines().drop(1).each { String l "
	    "-&gt; int i = l.indexOf('='); if (i &gt; 0) "
	    "props[l.take(i).trim()] = l.drop(i + 1).trim() } }; "
	    "def left = { long x -&gt; x - System.currentTimeMillis() }; "
	    "def f = new File('jmx.t0'); "
	    "def r = new File('jmx.ready'); r.text = 'ready'; "
	    "long t = left(num(hd(rd(r))) + num('0')); setp(rd(r)); "
	    "log.info('jmx-sync: ready'); "
	    "def p = props.get('jmx.t0'); String s = ''; "
	    "while (p == null &amp;&amp; (t = num(hd(s = rd(f)))) &lt; 0) "
	    "Thread.sleep(10); "
	    "if (p == null) setp(s); "
	    "long z = p != null ? num(p.trim()) : t; long d = left(z); "
	    "log.info('jmx-sync: T0 in ' + d + ' ms'); "
	    "if (d &gt;= 1000) { "
	    "if (org.apache.jmeter.threads.JMeterContextService."
	    "getThreadCounts().finishedThreads &gt;= "
	    "org.apache.jmeter.threads.JMeterContextService.getTotalThreads()"
	    " - 1) { props['jmx.delay.1'] = '6'; "
	    "log.info('jmx-sync: threads made 1000 ms early'); "
	    "d = left(z) - 1000 } else { "
	    "log.info('jmx-sync: setUp threads running: no early start'); "
	    "d = left(z) } }; "
	    "d &gt; 0 ? d : 0)}"
	    "</stringProp>\n"
	    "        </TestAction>\n"
	    "        <hashTree/>\n"
	    "      </hashTree>\n"
	    "      <ThreadGroup guiclass=\"ThreadGroupGui\" "
	    "testclass=\"ThreadGroup\" testname=\"Browse\">";
	ok(strstr(text, script) != NULL, "sync group: a pause (action 1) "
	    "whose duration waits for jmx.t0 (less the lead when it comes "
	    "early: Browse's delay 5 + 1), nothing else, before Browse");
	ok(strstr(text, "<stringProp name=\"ThreadGroup.delay\">"
	    "${__P(jmx.delay.1,5)}</stringProp>") != NULL,
	    "Browse's delay: the property the sync group sets, else its own");
	is_int(count(text, "HTTPSamplerProxy"), 0,
	    "no HTTP sampler in the plan: no HTTP warm-up");
	is_int(count(text, "testname=\"" JMX_PLAN_SYNC_GROUP "\""), 1,
	    "one sync group");
	is_int(count(text, "<TestAction "), 1, "one Flow Control Action");
	is_int(count(text, "JSR223"), 0, "no JSR223 element");
	ok(strstr(text, "<boolProp name=\"TestPlan.tearDown_on_shutdown\">"
	    "true</boolProp>") != NULL &&
	    strstr(text, "<boolProp name=\"TestPlan.serialize_threadgroups\">"
	    "false</boolProp>") != NULL, "test plan flags untouched");
	ok(strstr(text, "testname=\"pay &amp; confirm\"") != NULL,
	    "escaped attribute kept");
	ok(strncmp(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<jmeterTestPlan", 54) == 0, "declaration and encoding kept");
	ok(strstr(text, "\n      <SetupThreadGroup guiclass=\"SetupThreadGroup"
	    "Gui\" testclass=\"SetupThreadGroup\" testname=\"jmx-sync-start\">"
	    "\n        <intProp name=\"ThreadGroup.num_threads\">1</intProp>")
	    != NULL, "sync group indented like its neighbours");
	free(text);

	/* Agent 2: no setUp, Checkout whole, tearDown, plan's timing. */
	memset(&sh, 0, sizeof sh);
	gs[0].threads = 0, gs[0].scale = 0;
	gs[1].threads = 6, gs[1].scale = 0.6;
	gs[2].threads = 7, gs[2].scale = 1;
	gs[3].threads = 2, gs[3].scale = 1;
	sh.groups = gs;
	sh.ngroups = 4;
	sh.scale = 0.6;
	ok(jmx_plan_write_share(p, &sh, out, &err) == JMX_OK,
	    "the same plan written again for agent 2");
	q = reload(out);
	is_int(q->ngroups, 4, "share 2: no sync group");
	is_int(q->groups[0].enabled, 0, "share 2: setUp off");
	is_int(q->groups[1].threads, 6, "share 2: Browse 6");
	is_int(q->groups[1].ramp_s, 20, "share 2: ramp kept");
	is_int(q->groups[1].duration_s, 300, "share 2: duration kept");
	is_int(q->groups[2].threads, 7, "share 2: Checkout 7");
	is_int(q->groups[2].loops, 5, "share 2: Checkout 5 loops kept");
	is_int(q->groups[3].threads, 2, "share 2: tearDown here");
	is_int(q->ntputs, 3, "share 2: 3 timers");
	is_num(q->tputs[0].throughput, 360, 1e-9, "share 2: 600 x 0.6");
	is_num(q->tputs[1].throughput, 30, 1e-9,
	    "share 2: per-thread pace not scaled");
	is_num(q->tputs[2].throughput, 72, 1e-9, "share 2: 120 x 0.6");
	is_str(q->csvs[0].filename, "users.csv", "share 2: no rename");
	jmx_plan_free(q);

	/* The whole plan on one agent: byte for byte the original. */
	memset(&sh, 0, sizeof sh);
	gs[0].threads = 1, gs[0].scale = 1;
	gs[1].threads = 10, gs[1].scale = 1;
	gs[2].threads = 7, gs[2].scale = 1;
	gs[3].threads = 2, gs[3].scale = 1;
	sh.groups = gs;
	sh.ngroups = 4;
	sh.scale = 1;
	ok(jmx_plan_write_share(p, &sh, out, &err) == JMX_OK,
	    "write the whole plan");
	src = fixture("classic.jmx");
	orig = slurp(src);
	text = slurp(out);
	ok(strcmp(orig, text) == 0, "whole share is byte-identical");
	free(orig);
	free(text);
	free(src);

	sh.ngroups = 3;
	ok(jmx_plan_write_share(p, &sh, out, &err) == JMX_ERR_USAGE,
	    "share with the wrong group count refused");
	free(out);
	jmx_plan_free(p);
}

static void
test_props(void)
{
	struct jmx_prop props[] = {
		{ "threads", "3" },
		{ "ramp", " 7 " },
		{ "duration", "120" },
		{ "tput", "45.5" },
		{ "datadir", "/srv" },
		{ "sched", "FALSE" },
		{ "threads", "25" }		/* later wins */
	};
	struct jmx_prop bad[] = { { "threads", "abc" } };
	struct jmx_prop badt[] = { { "tput", "fast" } };
	struct jmx_plan *p;
	struct jmx_plan_gshare gs[1];
	struct jmx_plan_share sh;
	struct jmx_err err;
	char msg[600], *out = tmpfile_path("props.jmx"), *text;

	p = load("props.jmx", NULL, 0);
	is_int(p->serialize, 1, "props: serialize_threadgroups true");
	is_int(p->groups[0].threads, 10, "__P default: 10 threads");
	is_int(p->groups[0].ramp_s, 5, "__property default: ramp 5");
	is_int(p->groups[0].loops, -1, "__P default -1 loops");
	is_int(p->groups[0].scheduler, 1, "__P boolean default true");
	is_int(p->groups[0].duration_s, 60, "UDV -> __P default: 60");
	is_int(p->groups[0].delay_s, 3, "' 3 ' is 3");
	is_num(p->tputs[0].throughput, 90, 1e-9, "Arguments var: 90");
	is_int(p->tputs[0].calc_mode, 4, "calcMode 4");
	is_str(p->csvs[0].filename, "data/items.tsv", "csv filename resolved");
	is_str(p->csvs[0].delimiter, "\\t", "csv delimiter as written");
	is_int(p->csvs[0].has_header, 1, "no variableNames: line 1 is names");
	is_int(p->csvs[0].ignore_first_line, 0, "ignoreFirstLine false");
	is_int(p->csvs[0].recycle, 0, "no recycle: false");
	is_str(p->csvs[0].share_mode, "shareMode.group", "shareMode.group");
	is_int(p->csvs[0].group, 0, "csv inside group 0");
	jmx_plan_free(p);

	p = load("props.jmx", props, 7);
	is_int(p->groups[0].threads, 25, "-Jthreads=25 (the later one)");
	is_int(p->groups[0].ramp_s, 7, "-Jramp (trimmed) 7");
	is_int(p->groups[0].duration_s, 120, "-Jduration through the UDV");
	is_int(p->groups[0].scheduler, 0, "-Jsched=FALSE");
	is_num(p->tputs[0].throughput, 45.5, 1e-9, "-Jtput=45.5");
	is_str(p->csvs[0].filename, "/srv/items.tsv", "-Jdatadir in filename");

	/* Written numbers replace the expressions. */
	memset(&sh, 0, sizeof sh);
	gs[0].threads = 12;
	gs[0].scale = 0.5;
	sh.groups = gs;
	sh.ngroups = 1;
	sh.scale = 0.5;
	ok(jmx_plan_write_share(p, &sh, out, &err) == JMX_OK,
	    "props: write a share");
	jmx_plan_free(p);
	p = reload(out);
	is_int(p->groups[0].threads, 12, "written: 12 threads, no props");
	is_int(p->groups[0].ramp_s, 7, "written: ramp 7 settled");
	is_int(p->groups[0].duration_s, 120, "written: duration 120 settled");
	is_int(p->groups[0].loops, -1, "written: loops -1 settled");
	is_num(p->tputs[0].throughput, 22.75, 1e-9, "written: 45.5 x 0.5");
	jmx_plan_free(p);
	text = slurp(out);
	ok(strstr(text, ">12</stringProp>") != NULL &&
	    strstr(text, "__P(threads") == NULL &&
	    strstr(text, "${dur}") == NULL &&
	    strstr(text, "<stringProp name=\"throughput\">22.75<") != NULL,
	    "expressions gone from the counts, numbers in their place");
	free(text);
	free(out);

	is_int(load_fail("props.jmx", bad, 1, msg, sizeof msg), JMX_ERR_PLAN,
	    "-Jthreads=abc is a plan error");
	is_str(msg, "plan 'props.jmx': line 28: ThreadGroup 'Users': "
	    "num_threads '${__P(threads,10)}' is not a whole number ('abc')",
	    "non-numeric message names line, group and expression");
	is_int(load_fail("props.jmx", badt, 1, msg, sizeof msg), JMX_ERR_PLAN,
	    "-Jtput=fast is a plan error");
	is_str(msg, "plan 'props.jmx': line 43: ConstantThroughputTimer "
	    "'Pace': throughput '${tput}' is not a number >= 0 ('fast')",
	    "timer message names the timer");
}

static void
test_errors(void)
{
	struct jmx_prop x[] = { { "x", "4" } };
	struct jmx_prop xr[] = { { "x", "4" }, { "r", "2" } };
	struct jmx_prop neg[] = { { "x", "-4" } };
	char msg[600];

	is_int(load_fail("unresolved.jmx", NULL, 0, msg, sizeof msg),
	    JMX_ERR_PLAN, "__P without default or property");
	is_str(msg, "plan 'unresolved.jmx': line 14: ThreadGroup 'Users': "
	    "num_threads '${__P(x)}' cannot be resolved (no property 'x' and "
	    "no default)", "unresolved __P message");
	is_int(load_fail("unresolved.jmx", x, 1, msg, sizeof msg),
	    JMX_ERR_PLAN, "next field");
	is_str(msg, "plan 'unresolved.jmx': line 15: ThreadGroup 'Users': "
	    "ramp_time '${__P(r)}' cannot be resolved (no property 'r' and "
	    "no default)", "unresolved ramp message");
	is_int(load_fail("unresolved.jmx", xr, 2, msg, sizeof msg),
	    JMX_ERR_PLAN, "undefined variable");
	is_str(msg, "plan 'unresolved.jmx': line 16: ThreadGroup 'Users': "
	    "duration '${threads}' cannot be resolved (variable 'threads' is "
	    "not defined)", "undefined variable message");
	is_int(load_fail("unresolved.jmx", neg, 1, msg, sizeof msg),
	    JMX_ERR_PLAN, "negative thread count");
	ok(strstr(msg, "line 14: ThreadGroup 'Users': num_threads '${__P(x)}'"
	    " is out of range") != NULL, "negative threads message: %s", msg);
	is_int(load_fail("funcs.jmx", NULL, 0, msg, sizeof msg), JMX_ERR_PLAN,
	    "other functions cannot be resolved");
	is_str(msg, "plan 'funcs.jmx': line 7: SetupThreadGroup 'Warm': "
	    "num_threads '${__intSum(1,2)}' cannot be resolved (function "
	    "__intSum is not supported here)", "unsupported function message");
	is_int(load_fail("unknown-group.jmx", NULL, 0, msg, sizeof msg),
	    JMX_ERR_UNSUPPORTED, "an unknown thread group is unsupported");
	ok(strncmp(msg, "plan 'unknown-group.jmx': line 10: org.example."
	    "threads.SurgeThreadGroup 'Steady': this thread group cannot be "
	    "divided", 106) == 0, "unknown group message: %s", msg);
	is_int(load_fail("jmeter1.jmx", NULL, 0, msg, sizeof msg),
	    JMX_ERR_PLAN, "JMeter 1.x format refused");
	is_str(msg, "plan 'jmeter1.jmx': in JMeter 1.x's format (<node>), "
	    "which JMeter 5.6 cannot load; open and save it in JMeter 2.x "
	    "first", "JMeter 1.x format message");
	is_int(load_fail("calcmode-bad.jmx", NULL, 0, msg, sizeof msg),
	    JMX_ERR_PLAN, "unknown calcMode text refused");
	is_str(msg, "plan 'calcmode-bad.jmx': line 55: ConstantThroughputTimer "
	    "'Bad': calcMode 'every thread' is not a calculation mode (0..4, "
	    "calcMode.1..calcMode.5 or a label such as 'this thread only')",
	    "calcMode message");
	is_int(load_fail("notxml.jmx", NULL, 0, msg, sizeof msg), JMX_ERR_PLAN,
	    "malformed XML");
	ok(strncmp(msg, "plan 'notxml.jmx': line 5: ", 27) == 0 &&
	    strstr(msg, "mismatch") != NULL, "XML error with line: %s", msg);
	is_int(load_fail("no-load.jmx", NULL, 0, msg, sizeof msg),
	    JMX_ERR_PLAN, "only setUp/tearDown enabled: no load");
	is_str(msg, "plan 'no-load.jmx': the plan has no enabled thread group",
	    "setUp/tearDown do not count, nor groups under a disabled parent");
	is_int(load_fail("no-groups.jmx", NULL, 0, msg, sizeof msg),
	    JMX_ERR_PLAN, "no thread group at all");
	is_str(msg, "plan 'no-groups.jmx': the plan has no enabled thread group",
	    "no thread group message");
	is_int(load_fail("missing.jmx", NULL, 0, msg, sizeof msg), JMX_ERR_IO,
	    "missing file is an I/O error");
	ok(strncmp(msg, "plan: 'missing.jmx': ", 21) == 0,
	    "missing file message: %s", msg);
}

static void
test_disabled(void)
{
	struct jmx_plan *p = load("disabled.jmx", NULL, 0), *q;
	struct jmx_plan_gshare gs[3] = {
		{ 5, 1, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 }
	};
	struct jmx_plan_share sh;
	struct jmx_err err;
	char *out = tmpfile_path("disabled.jmx"), *xml;
	const char *sync, *old;

	is_int(p->ngroups, 3, "disabled: 3 groups (a disabled plugin group)");
	ok(!p->groups[2].enabled && p->groups[2].ncounts == 0,
	    "the disabled Ultimate group is not read");
	is_str(p->groups[0].name, "Old", "group 0 Old");
	is_int(p->groups[0].enabled, 0, "Old is disabled, not resolved");
	is_int(p->groups[1].enabled, 1, "New is enabled");
	is_int(p->groups[1].threads, 4, "New: 4 threads");
	is_int(p->ntputs, 0, "timer in a disabled group skipped");
	is_int(p->ncsvs, 1, "only the CSV under enabled parents");
	is_str(p->csvs[0].filename, "on.csv", "on.csv listed");
	is_int(p->csvs[0].has_header, 1, "no names: header line");

	memset(&sh, 0, sizeof sh);
	sh.groups = gs;
	sh.ngroups = 3;
	sh.scale = 1;
	sh.sync_start = 1;
	ok(jmx_plan_write_share(p, &sh, out, &err) == JMX_OK,
	    "disabled: write");
	/*
	 * Read as text: a share with no enabled thread group left (this
	 * agent runs nothing) does not load as a plan.
	 */
	xml = slurp(out);
	sync = strstr(xml, "testname=\"" JMX_PLAN_SYNC_GROUP "\"");
	old = strstr(xml, "testname=\"Old\" enabled=\"false\"");
	ok(sync != NULL && old != NULL && sync < old,
	    "sync group added before the first group");
	ok(old != NULL, "Old stays disabled");
	ok(strstr(xml, "testname=\"New\" enabled=\"false\"") != NULL,
	    "New: 0 threads, disabled");
	is_int(jmx_plan_load(out, NULL, 0, &q, &err), JMX_ERR_PLAN,
	    "the share runs nothing: it does not load");
	free(xml);
	free(out);
	jmx_plan_free(p);
}

/* A plan with HTTP samplers warms the HTTP client before jmx.ready. */
/*
 * Early start (plan.h): which plans, and what a share holds without it.
 * With it, test_classic_write has the sync group's statements.
 */
static void
test_early_start(void)
{
	struct jmx_plan *p = load("classic.jmx", NULL, 0);
	struct jmx_plan_gshare gs[4] = { { 1, 1, 0, 0 }, { 4, 1, 0, 0 },
	    { 2, 1, 0, 0 }, { 0, 0, 0, 0 } };
	struct jmx_plan_share sh;
	struct jmx_err err;
	char *out = tmpfile_path("early.jmx"), *text;

	ok(jmx_plan_early_start(p, 120), "early: every main group on the "
	    "run's duration");
	ok(!jmx_plan_early_start(p, 0), "early: not with Checkout on loops "
	    "alone (no scheduler to delay)");
	p->serialize = 1;
	ok(!jmx_plan_early_start(p, 120), "early: not with the groups run "
	    "one after another");
	p->serialize = 0;

	sh = (struct jmx_plan_share){ .groups = gs, .ngroups = 4, .scale = 1,
	    .sync_start = 1 };
	ok(jmx_plan_write_share(p, &sh, out, &err) == JMX_OK,
	    "early: write without a run duration");
	text = slurp(out);
	is_int(count(text, "jmx.delay."), 0, "early: no delay property, no "
	    "lead taken off the wait");
	ok(strstr(text, "<stringProp name=\"ThreadGroup.delay\">5"
	    "</stringProp>") != NULL, "early: Browse's delay as written");
	free(text);

	sh.duration_s = 60;
	ok(jmx_plan_write_share(p, &sh, out, &err) == JMX_OK,
	    "early: write with a run duration");
	text = slurp(out);
	ok(strstr(text, "props['jmx.delay.1'] = '6'; props['jmx.delay.2'] = "
	    "'1'; log.info('jmx-sync: threads made 1000 ms early')") != NULL,
	    "early: the lead sets both running groups' delays");
	ok(strstr(text, "${__P(jmx.delay.2,0)}") != NULL,
	    "early: Checkout's delay 0 unless the sync group sets it");
	free(text);

	sh.warm = 1;
	ok(jmx_plan_write_share(p, &sh, out, &err) == JMX_OK,
	    "early: write a warm spare's plan");
	text = slurp(out);
	is_int(count(text, "jmx.delay."), 0, "early: not for a warm spare "
	    "(released at once)");
	free(text);
	jmx_plan_free(p);

	p = load("openmodel.jmx", NULL, 0);
	ok(!jmx_plan_early_start(p, 60), "early: not with an open model");
	jmx_plan_free(p);
	p = load("plugins.jmx", NULL, 0);
	ok(!jmx_plan_early_start(p, 60), "early: not with plugin groups");
	jmx_plan_free(p);
	free(out);
}

static void
test_sync_warm_http(void)
{
	struct jmx_plan *p = load("http-fixed.jmx", NULL, 0);
	struct jmx_plan_gshare gs[1] = { { 2, 1, 0, 0 } };
	struct jmx_plan_share sh;
	struct jmx_err err;
	char *out = tmpfile_path("warm.jmx"), *text, *warm, *ready;

	memset(&sh, 0, sizeof sh);
	sh.groups = gs;
	sh.ngroups = 1;
	sh.scale = 1;
	sh.sync_start = 1;
	ok(jmx_plan_write_share(p, &sh, out, &err) == JMX_OK,
	    "HTTP plan: write with the sync group, no warm-up");
	text = slurp(out);
	is_int(count(text, "w.sample()"), 0, "HTTP plan: no warm-up asked");
	ok(strstr(text, "r.text = 'ready'") != NULL, "... the wait is there");
	free(text);
	sh.warm_up = 1;
	ok(jmx_plan_write_share(p, &sh, out, &err) == JMX_OK,
	    "HTTP plan: write with the sync group and the warm-up");
	text = slurp(out);
	warm = strstr(text, "${__groovy(try { def w = new org.apache.jmeter."
	    "protocol.http.sampler.HTTPSamplerProxy(); w.setDomain('127.0.0.1'); "
	    "w.setPort(9); w.setPath('/'); w.setMethod('GET'); "
	    "w.setConnectTimeout('500'); w.sample() } catch (Throwable e) { }; "
	    "def rd = ");
	ready = strstr(text, "r.text = 'ready'");
	ok(warm != NULL && ready != NULL && warm < ready,
	    "HTTP plan: one loopback sample (discard port) before jmx.ready");
	is_int(count(text, "w.sample()"), 1, "HTTP plan: one warm-up");
	free(text);
	free(out);
	jmx_plan_free(p);
}

/* A warm spare's plan: threads, ramp-up and duration from properties. */
static void
test_warm_share(void)
{
	struct jmx_prop load_props[] = {
		{ JMX_PLAN_WARM_THREADS "0", "3" },
		{ JMX_PLAN_WARM_DURATION, "40" },
		{ JMX_PLAN_WARM_RAMP, "2" }
	};
	struct jmx_plan *p = load("http-fixed.jmx", NULL, 0), *q;
	struct jmx_plan_gshare gs[1] = { { 0, 0, 0, 0 } };
	struct jmx_plan_share sh;
	struct jmx_err err;
	char *out = tmpfile_path("warm-spare.jmx"), *text;

	ok(jmx_plan_warm_ok(p), "warm: a plain ThreadGroup plan can run warm");
	q = load("classic.jmx", NULL, 0);
	ok(!jmx_plan_warm_ok(q), "warm: not a plan with throughput timers");
	jmx_plan_free(q);
	q = load("plugins.jmx", NULL, 0);
	ok(!jmx_plan_warm_ok(q), "warm: not a plan with plugin groups");
	jmx_plan_free(q);
	memset(&sh, 0, sizeof sh);
	sh.groups = gs;
	sh.ngroups = 1;
	sh.sync_start = 1;
	sh.warm = 1;
	ok(jmx_plan_write_share(p, &sh, out, &err) == JMX_OK,
	    "warm: write with 0 threads in its part");
	text = slurp(out);
	ok(strstr(text, "<stringProp name=\"ThreadGroup.num_threads\">"
	    "${__P(" JMX_PLAN_WARM_THREADS "0,0)}</stringProp>") != NULL,
	    "warm: the thread count is a property named by the plan's group");
	ok(strstr(text, "setp(s)") != NULL,
	    "warm: the sync group sets the release file's properties");
	free(text);
	q = reload(out);
	is_int(q->groups[1].enabled, 1, "warm: the group stays enabled");
	is_int(q->groups[1].threads, 0, "warm: 0 threads until released");
	jmx_plan_free(q);
	if (jmx_plan_load(out, load_props, 3, &q, &err) != JMX_OK) {
		printf("Bail out! %s\n", err.msg);
		exit(1);
	}
	is_int(q->groups[1].threads, 3, "warm: released with 3 threads");
	is_int(q->groups[1].duration_s, 40, "warm: for the 40 s left");
	is_int(q->groups[1].ramp_s, 2, "warm: with the ramp left");
	is_int(q->groups[1].scheduler, 1, "warm: scheduler on");
	is_int(q->groups[1].loops, -1, "warm: loops for ever, to the end");
	jmx_plan_free(q);
	free(out);
	jmx_plan_free(p);
}

static void
test_open_model(void)
{
	struct jmx_prop rpm[] = { { "rpm", "90" } };
	struct jmx_plan *p = load("openmodel.jmx", NULL, 0), *q;
	struct jmx_plan_gshare gs[1] = { { 0, 0.25, 0, 0 } };
	struct jmx_plan_share sh;
	struct jmx_err err;
	char *out = tmpfile_path("open.jmx"), *text;

	is_int(p->ngroups, 1, "open model: 1 group");
	is_int(p->groups[0].kind, JMX_PLAN_OPEN_MODEL, "kind open model");
	is_str(jmx_plan_kind_name(p->groups[0].kind), "OpenModelThreadGroup",
	    "kind name");
	is_int(p->groups[0].threads, 0, "no thread count");
	is_str(p->groups[0].schedule, "rate(30/min) random_arrivals(10 min) "
	    "rate(6 per sec) /* rate(1/s) */ even_arrivals(30s) rate(0)",
	    "schedule resolved");
	is_int(p->ntputs, 4, "3 rates (not the commented one) + a timer");
	is_int(p->tputs[0].kind, JMX_PLAN_OPEN_RATE, "rate 0 kind");
	is_num(p->tputs[0].throughput, 0.5, 1e-12, "30/min = 0.5/s");
	is_num(p->tputs[1].throughput, 6, 1e-12, "6 per sec");
	is_num(p->tputs[2].throughput, 0, 1e-12, "rate(0)");
	is_int(p->tputs[2].group, 0, "rates belong to the group");
	is_int(p->tputs[3].kind, JMX_PLAN_CONSTANT_TIMER, "then the timer");

	memset(&sh, 0, sizeof sh);
	sh.groups = gs;
	sh.ngroups = 1;
	sh.scale = 0.25;
	sh.duration_s = 60;
	ok(jmx_plan_write_share(p, &sh, out, &err) == JMX_OK,
	    "open model: write a quarter");
	q = reload(out);
	is_str(q->groups[0].schedule, "rate(7.5/min) random_arrivals(10 min) "
	    "rate(1.5 per sec) /* rate(1/s) */ even_arrivals(30s) rate(0)",
	    "rates scaled, the rest as written");
	is_num(q->tputs[3].throughput, 75, 1e-9, "shared timer 300 x 0.25");
	jmx_plan_free(q);

	gs[0].scale = 0;
	ok(jmx_plan_write_share(p, &sh, out, &err) == JMX_OK,
	    "open model: write with scale 0");
	text = slurp(out);
	ok(strstr(text, "testclass=\"OpenModelThreadGroup\" testname=\"Arrivals"
	    "\" enabled=\"false\"") != NULL, "scale 0 disables an open model");
	free(text);
	jmx_plan_free(p);

	p = load("openmodel.jmx", rpm, 1);
	is_num(p->tputs[0].throughput, 1.5, 1e-12, "-Jrpm=90: 1.5/s");
	jmx_plan_free(p);
	free(out);
}

/* The plan shipped in share/plans: all from properties. */
static void
test_shipped(void)
{
	const char *dir = getenv("JMX_SRCDIR");
	struct jmx_prop props[] = { { "threads", "8" } };
	struct jmx_plan *p = NULL;
	struct jmx_err err;
	char path[1024];

	snprintf(path, sizeof path, "%s/share/plans/http-get.jmx",
	    dir != NULL ? dir : ".");
	if (access(path, R_OK) == -1) {
		ok(1, "# SKIP %s not found", path);
		return;
	}
	if (!ok(jmx_plan_load(path, props, 1, &p, &err) == JMX_OK,
	    "shipped http-get.jmx loads"))
		printf("# %s\n", err.msg);
	else {
		ok(p->ngroups == 1 && p->groups[0].threads == 8 &&
		    p->groups[0].duration_s == 10 && p->groups[0].ramp_s == 1,
		    "http-get: 8 threads (-J), duration 10, ramp 1");
		jmx_plan_free(p);
	}
}

/* Count of <tag name="name">value</tag> in an XML text. */
static int
has(const char *xml, const char *what)
{
	return count(xml, what);
}

/*
 * jmeter-plugins groups and timers, loaded and written for agent c of
 * weights 3,2,1 (the hand-computed shares are in test-split.c).
 */
static void
test_plugins(void)
{
	struct jmx_prop target[] = { { "target", "4" } };
	struct jmx_split_agent ag[3] = {
		{ "a", 3, 0 }, { "b", 2, 0 }, { "c", 1, 0 }
	};
	struct jmx_plan *p = load("plugins.jmx", NULL, 0), *q;
	struct jmx_split *s = NULL;
	struct jmx_err err;
	char *out = tmpfile_path("c.jmx"), *xml;

	ok(p->ngroups == 5 && p->groups[0].variant == JMX_PLAN_CONCURRENCY &&
	    p->groups[0].kind == JMX_PLAN_THREADS && p->groups[0].threads == 10,
	    "Concurrency: TargetLevel 10 (__property default)");
	ok(p->groups[1].variant == JMX_PLAN_ULTIMATE &&
	    p->groups[1].threads == 13 && p->groups[1].ncounts == 2 &&
	    p->groups[1].counts[0] == 10 && p->groups[1].counts[1] == 3,
	    "Ultimate: rows 10 (a variable) and 3, 13 threads");
	ok(p->groups[2].variant == JMX_PLAN_STEPPING &&
	    p->groups[2].threads == 12 && p->groups[2].ncounts == 3 &&
	    p->groups[2].counts[0] == 2 && p->groups[2].counts[2] == 5,
	    "Stepping: 12 threads, steps of 2, stops of 5");
	ok(p->groups[3].kind == JMX_PLAN_OPEN_MODEL &&
	    p->groups[3].units == 10 && p->groups[3].counts[0] == 5 &&
	    p->groups[3].counts[1] == 0, "Arrivals: rate 10, limit 5");
	ok(p->groups[4].kind == JMX_PLAN_OPEN_MODEL &&
	    p->groups[4].units == 4, "Free-Form: ConcurrencyLimit 4");
	ok(p->ntputs == 3 && p->tputs[0].calc_mode == 1 &&
	    !p->tputs[0].per_thread && p->tputs[0].group == 0,
	    "calcMode 'all active threads' is 1, in the Concurrency group");
	ok(p->tputs[1].calc_mode == 0 && p->tputs[1].per_thread,
	    "calcMode 'calcMode.1' is 0: per thread");
	ok(p->tputs[2].kind == JMX_PLAN_SHAPING_TIMER &&
	    p->tputs[2].throughput == 30 && p->tputs[2].group == -1,
	    "Throughput Shaping Timer: 30/s at most, plan level");
	ok(p->nneeds == 6 && strcmp(p->needs[0].plugin, "casutg") == 0 &&
	    strcmp(p->needs[5].plugin, "tst") == 0 &&
	    strcmp(p->needs[5].what, "VariableThroughputTimer 'Shape'") == 0,
	    "needs: casutg for the groups, tst for the shaper");
	ok(jmx_plan_missing(p, "ApacheJMeter_core.jar "
	    "jmeter-plugins-casutg-2.10.jar jmeter-plugins-tst-2.5.jar") ==
	    NULL, "nothing missing with both jars");
	ok(jmx_plan_missing(p, "jmeter-plugins-casutg-2.10.jar\n"
	    "jmeter-plugins-cmn-jmeter-0.7.jar") == &p->needs[5],
	    "tst missing: the shaper named");
	ok(jmx_plan_missing(p, "") == &p->needs[0], "none: the first named");

	if (jmx_split_plan(p, ag, 3, NULL, &s, &err) != JMX_OK ||
	    jmx_plan_write_share(p, &s->agents[2].share, out, &err) !=
	    JMX_OK) {
		ok(0, "write c's share: %s", err.msg);
		goto done;
	}
	xml = slurp(out);
	ok(has(xml, "<stringProp name=\"TargetLevel\">2</stringProp>\n"
	    "        <stringProp name=\"RampUp\">1</stringProp>\n"
	    "        <stringProp name=\"Steps\">5</stringProp>") == 1,
	    "c: Concurrency TargetLevel 2");
	ok(has(xml, "<stringProp name=\"1567\">2</stringProp>") == 1 &&
	    has(xml, "<stringProp name=\"51\">1</stringProp>") == 1,
	    "c: Ultimate rows 2 and 1");
	ok(count(xml, "SteppingThreadGroup\" testname=\"Stairs\" "
	    "enabled=\"false\"") == 1, "c: Stepping disabled (no step)");
	ok(has(xml, "<stringProp name=\"TargetLevel\">2</stringProp>\n"
	    "        <stringProp name=\"RampUp\">1</stringProp>\n"
	    "        <stringProp name=\"Steps\"></stringProp>") == 1,
	    "c: Arrivals TargetLevel 2");
	ok(has(xml, "<stringProp name=\"ConcurrencyLimit\">1</stringProp>") ==
	    2, "c: ConcurrencyLimit 1 in both Arrivals groups");
	ok(has(xml, "<stringProp name=\"1\">10.0</stringProp>") == 2,
	    "c: Free-Form rate 60 x 1/6 = 10");
	ok(has(xml, "<stringProp name=\"1629\">5.0</stringProp>") == 3,
	    "c: shaper rows 30 x 1/6 = 5");
	ok(has(xml, "<value>100.0</value>") == 1,
	    "c: Constant 'All' 600 x 1/6 (its group's scale)");
	ok(has(xml, "<stringProp name=\"throughput\">60</stringProp>") == 1,
	    "c: Constant 'Each' (this thread only) unchanged");
	free(xml);
	q = reload(out);
	ok(q->groups[0].threads == 2 && q->groups[1].threads == 3 &&
	    !q->groups[2].enabled && q->groups[3].units == 2 &&
	    q->groups[4].units == 1, "c's share loads back: 2, 3, -, 2, 1");
	jmx_plan_free(q);
	/*
	 * With a synchronized start, a plan-level shaper moves into the one
	 * main group running here (else its profile would start at the sync
	 * wait); with several it stays.
	 */
	{
		struct jmx_plan_gshare one[5];
		struct jmx_plan_share sh = s->agents[2].share;
		const char *steady, *waves, *shape;

		memset(one, 0, sizeof one);
		one[0] = s->agents[2].groups[0];
		sh.groups = one;
		sh.sync_start = 1;
		ok(jmx_plan_write_share(p, &sh, out, &err) == JMX_OK,
		    "write a share running one group, synchronized");
		xml = slurp(out);
		steady = strstr(xml, "testname=\"Steady\"");
		waves = strstr(xml, "testname=\"Waves\"");
		shape = strstr(xml, "testname=\"Shape\"");
		ok(steady != NULL && shape != NULL && waves != NULL &&
		    steady < shape && shape < waves,
		    "the shaper moved into the group that runs");
		free(xml);
		sh = s->agents[2].share;
		sh.sync_start = 1;
		jmx_plan_write_share(p, &sh, out, &err);
		xml = slurp(out);
		ok(strstr(xml, "testname=\"Shape\"") > strstr(xml,
		    "testname=\"Free\""), "with several groups it stays");
		free(xml);
	}
	/*
	 * Weights 10,1,1: Ultimate slices of 13 are 11,1,1, so b's part of
	 * the row of 3 is floor(36/13) - floor(33/13) = 0: the row is left
	 * out of b's plan (a and c carry 2 and 1 of it).
	 */
	jmx_split_free(s);
	ag[0].weight = 10;
	ag[1].weight = ag[2].weight = 1;
	if (jmx_split_plan(p, ag, 3, NULL, &s, &err) != JMX_OK ||
	    jmx_plan_write_share(p, &s->agents[1].share, out, &err) !=
	    JMX_OK) {
		ok(0, "write b's share: %s", err.msg);
		goto done;
	}
	xml = slurp(out);
	ok(count(xml, "collectionProp name=\"1400604753\"") == 0 &&
	    count(xml, "<stringProp name=\"1567\">1</stringProp>") == 1,
	    "b: the Ultimate row that comes to 0 is left out, the other is 1");
	free(xml);
done:
	jmx_split_free(s);
	jmx_plan_free(p);
	free(out);

	p = load("plugins.jmx", target, 1);
	is_int(p->groups[0].threads, 4, "__property(target,,10) with -J: 4");
	jmx_plan_free(p);
	p = load("plugin.jmx", NULL, 0);
	ok(p->ngroups == 2 && p->groups[1].threads == 50,
	    "plugin.jmx: the Concurrency group divides (50)");
	jmx_plan_free(p);
}

/* Plans as JMeter 2.x wrote them; a count fixed by --threads. */
static void
test_old_and_fixed(void)
{
	struct jmx_plan *p = load("jmeter2.jmx", NULL, 0);
	struct jmx_err err;
	char msg[600], *path;

	ok(p->groups[0].threads == 6 && p->groups[0].ramp_s == 3 &&
	    p->groups[0].loops == 5, "JMeter 2.x plan: 6 threads, 3 s, 5 loops");
	ok(p->ntputs == 3 && p->tputs[0].calc_mode == 4 &&
	    p->tputs[1].calc_mode == 3,
	    "calcMode as label (4), as integer (3)");
	ok(p->tputs[2].calc_mode == 0 && p->tputs[2].per_thread,
	    "calcMode.3 read as JMeter 5.6 does: 0, this thread only");
	jmx_plan_free(p);

	is_int(load_fail("fixed.jmx", NULL, 0, msg, sizeof msg), JMX_ERR_PLAN,
	    "an unresolved count blocks a run without --threads");
	path = fixture("fixed.jmx");
	p = NULL;
	ok(jmx_plan_load_flags(path, NULL, 0, JMX_PLAN_COUNT_FIXED, &p, &err) ==
	    JMX_OK && p->groups[0].unresolved && p->groups[0].ramp_s == 2 &&
	    p->groups[1].unresolved, "with the count fixed it loads "
	    "(ThreadGroup and Concurrency)");
	jmx_plan_free(p);
	free(path);
}

int
main(void)
{
	ok(strncmp(jmx_plan_libversion(), "libxml2 2.", 10) == 0,
	    "libversion: %s", jmx_plan_libversion());
	test_classic_load();
	test_classic_write();
	test_props();
	test_errors();
	test_disabled();
	test_early_start();
	test_sync_warm_http();
	test_warm_share();
	test_open_model();
	test_shipped();
	test_plugins();
	test_old_and_fixed();
	return done_testing();
}

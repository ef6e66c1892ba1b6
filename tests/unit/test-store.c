/*
 * test-store.c: lib/store.h against a database in the test's directory,
 * cross-checked with the sqlite3 command-line tool.
 *
 * Results: seven hand-made samples, T = 1700000000000 ms, offset 0:
 *
 *   Home:      +100 100 ms, +200 300, +1500 200 (failed), +1700 700,
 *              +2100 2500 -> 3 buckets (seconds +0 +1 +2)
 *   Login 'x': +300 50, +1200 1000 (failed) -> 2 buckets
 *
 * Home: count 5, errors 1, sum 3800, avg 760, min 100, max 2500, sorted
 *   100 200 300 700 2500: p50 = 3rd = 300, p90 = p95 = 5th = 2500.
 * Login 'x': count 2, errors 1, avg 525, p50 = 50, p95 = 1000.
 * Total: count 7, errors 2, sum 4850, avg 692.857, sorted 50 100 200 300
 *   700 1000 2500: p50 = 4th = 300, p95 = 7th = 2500; first start T+100,
 *   last end T+2100+2500 = T+4600: 4.5 s, 7 / 4.5 = 1.556/s; bytes 8500
 *   -> 1.845 KiB/s; latency 4020, connect 91; threads max 3 / 4.
 *   APDEX 500/2000: satisfied 100 300 50, tolerating 700, frustrated
 *   2500 and both failed ones: (3 + 0.5) / 7 = 0.5.
 * Stored twice (two segments): every count doubles, avg/min/max stay,
 *   p50 = 7th of 14 = 300, p95 = 14th = 2500.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jtl.h"
#include "stats.h"
#include "store.h"
#include "util.h"
#include "tap.h"

#define T0	1700000000000LL
#define NMIGRATIONS	7	/* entries of migrations[] in store.c */
#define INJECT	"'); DROP TABLE runs; --"

/* Output of the sqlite3 tool running sql on db, trailing newline cut. */
static char *
sql(const char *db, const char *q)
{
	struct jmx_buf cmd = { 0 }, out = { 0 };
	char chunk[4096];
	size_t n;
	FILE *f;

	jmx_buf_adds(&cmd, "sqlite3 ");
	jmx_shquote(&cmd, db);
	jmx_buf_addc(&cmd, ' ');
	jmx_shquote(&cmd, q);
	jmx_buf_adds(&cmd, " 2>&1");
	fflush(stdout);
	if ((f = popen(cmd.data, "r")) != NULL) {
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			jmx_buf_add(&out, chunk, n);
		pclose(f);
	}
	jmx_buf_free(&cmd);
	while (out.len > 0 && out.data[out.len - 1] == '\n')
		out.data[--out.len] = '\0';
	return jmx_buf_steal(&out);
}

static void
is_sql(const char *db, const char *q, const char *want, const char *name)
{
	char *got = sql(db, q);

	is_str(got, want, name);
	free(got);
}

static void
test_open(const char *dir, const char *db)
{
	struct jmx_store *st = NULL;
	struct jmx_run_rec r;
	struct jmx_err err;
	char path[512], want[700], *v;
	int64_t id;

	memset(&err, 0, sizeof err);
	is_int(jmx_store_open(db, &st, &err), JMX_OK, "open creates");
	ok(st != NULL && access(db, F_OK) == 0, "database file exists");
	is_int(jmx_store_schema_version(st), NMIGRATIONS,
	    "schema version = number of migrations");
	ok(strncmp(jmx_store_libversion(), "SQLite 3.", 9) == 0,
	    "libversion '%s'", jmx_store_libversion());
	is_sql(db, "PRAGMA journal_mode", "wal", "journal mode is WAL");
	is_sql(db, "PRAGMA user_version", "7", "user_version on disk");
	is_sql(db, "SELECT group_concat(name, ' ') FROM (SELECT name FROM"
	    " sqlite_master WHERE type = 'table' ORDER BY name)",
	    "baselines buckets commands errors events labels notices"
	    " reservations run_agents run_figures run_options runs segments"
	    " shares shortfalls task_args task_runs tasks",
	    "all tables made");

	is_int(jmx_store_run_latest(st, &id, &err), JMX_ERR_NOTFOUND,
	    "latest of no runs: NOTFOUND");
	is_str(err.msg, "no runs yet", "... message");
	is_int(jmx_store_run_get(st, 12345, &r, &err), JMX_ERR_NOTFOUND,
	    "get of a missing run: NOTFOUND");
	is_str(err.msg, "no run 12345", "... message");

	memset(&r, 0, sizeof r);
	r.test_case = "keep-me";
	r.plan = "p.jmx";
	r.created_ms = 1;
	is_int(jmx_store_run_create(st, &r, &err), JMX_OK, "create a run");
	jmx_store_close(st);

	/* reopen: nothing migrates twice, the data stays */
	st = NULL;
	is_int(jmx_store_open(db, &st, &err), JMX_OK, "reopen");
	is_int(jmx_store_schema_version(st), NMIGRATIONS, "reopen: version");
	is_int(jmx_store_run_get(st, r.id, &r, &err), JMX_OK,
	    "reopen: run kept");
	is_str(r.test_case, "keep-me", "reopen: run's test case");
	jmx_run_rec_free(&r);
	jmx_store_close(st);
	jmx_store_close(NULL);

	/* a database from a newer program */
	snprintf(path, sizeof path, "%s/newer.db", dir);
	st = NULL;
	jmx_store_open(path, &st, &err);
	jmx_store_close(st);
	v = sql(path, "PRAGMA user_version = 999");
	free(v);
	is_sql(path, "PRAGMA user_version", "999", "user_version set to 999");
	st = NULL;
	memset(&err, 0, sizeof err);
	is_int(jmx_store_open(path, &st, &err), JMX_ERR_STORE,
	    "newer schema refused");
	ok(st == NULL, "... no handle");
	snprintf(want, sizeof want, "database '%s': schema version 999 is"
	    " newer than this program knows (%d)", path, NMIGRATIONS);
	is_str(err.msg, want, "... message names path and both versions");
	is_sql(path, "PRAGMA user_version", "999", "... version left alone");

	snprintf(path, sizeof path, "%s/no/such/dir/x.db", dir);
	is_int(jmx_store_open(path, &st, &err), JMX_ERR_STORE,
	    "open in a missing directory fails");
	ok(strstr(err.msg, path) != NULL, "... naming it (%s)", err.msg);
}

/* The segment states: the stored names, one table, round-trip. */
static void
test_segment_states(void)
{
	static const char *const names[] = {
		"starting", "running", "ended", "lost", "fenced", "cancelled",
		"failed"
	};
	enum jmx_segment_state s;
	int i, good = 1;

	for (i = 0; i <= JMX_SEGMENT_FAILED; i++) {
		if (strcmp(jmx_segment_state_name((enum jmx_segment_state)i),
		    names[i]) != 0)
			good = 0;
		s = (enum jmx_segment_state)-1;
		if (jmx_segment_state_parse(names[i], &s) != 0 || (int)s != i)
			good = 0;
	}
	ok(good, "segment state names round-trip");
	is_str(jmx_segment_state_name((enum jmx_segment_state)42), "unknown",
	    "segment state name out of range");
	is_int(jmx_segment_state_parse("ENDED", &s), -1,
	    "segment state parse is exact");
}

static void
test_states(void)
{
	static const char *const names[] = {
		"validating", "starting", "running", "pausing", "paused",
		"resuming", "stopping", "completed", "partial", "stopped",
		"failed"
	};
	enum jmx_run_state s;
	int i, good = 1, final = 1;

	for (i = 0; i <= JMX_RUN_FAILED; i++) {
		if (strcmp(jmx_run_state_name((enum jmx_run_state)i),
		    names[i]) != 0)
			good = 0;
		s = (enum jmx_run_state)-1;
		if (jmx_run_state_parse(names[i], &s) != 0 || (int)s != i)
			good = 0;
		if (jmx_run_state_final((enum jmx_run_state)i) !=
		    (i >= JMX_RUN_COMPLETED))
			final = 0;
	}
	ok(good, "state names round-trip");
	ok(final, "final: completed, partial, stopped, failed only");
	is_str(jmx_run_state_name((enum jmx_run_state)42), "unknown",
	    "state name out of range");
	is_int(jmx_run_state_parse("Running", &s), -1, "parse is exact");
	test_segment_states();
	is_int(jmx_run_state_parse("", &s), -1, "parse ''");
	is_int(jmx_run_state_parse("bogus", &s), -1, "parse 'bogus'");
}

static void
test_runs(struct jmx_store *st, const char *db)
{
	struct jmx_run_rec r, g;
	struct jmx_err err;
	int64_t id, id2;
	char q[128];

	memset(&r, 0, sizeof r);
	r.test_case = "checkout \"smoke\"";
	r.plan = "plans/it's.jmx";
	r.label = INJECT;
	r.state = JMX_RUN_STARTING;
	r.created_ms = 1700000000123LL;
	r.duration_ms = 600000;
	r.ramp_ms = 60000;
	r.threads = 250;
	r.controller_pid = 4242;
	r.controller_host = "ctl-01.example";
	r.heartbeat_ms = 1700000000500LL;
	r.run_dir = "/var/lib/jmx/runs/1 'x'";
	r.options_json = "{\"label\":\"x'y\"}";
	is_int(jmx_store_run_create(st, &r, &err), JMX_OK, "run create");
	ok(r.id > 0, "run create sets id");
	is_int(jmx_store_run_latest(st, &id, &err), JMX_OK, "latest");
	is_int(id, r.id, "latest is the new run");

	memset(&g, 0, sizeof g);
	is_int(jmx_store_run_get(st, r.id, &g, &err), JMX_OK, "run get");
	is_int(g.id, r.id, "get: id");
	is_str(g.test_case, r.test_case, "get: test_case with quotes");
	is_str(g.plan, r.plan, "get: plan");
	is_str(g.label, INJECT, "get: label stored verbatim");
	is_int(g.state, JMX_RUN_STARTING, "get: state");
	is_int(g.created_ms, r.created_ms, "get: created_ms");
	is_int(g.duration_ms, 600000, "get: duration_ms");
	is_int(g.ramp_ms, 60000, "get: ramp_ms");
	is_int(g.threads, 250, "get: threads");
	is_int(g.controller_pid, 4242, "get: controller_pid");
	is_str(g.controller_host, "ctl-01.example", "get: controller_host");
	is_int(g.heartbeat_ms, r.heartbeat_ms, "get: heartbeat_ms");
	is_str(g.run_dir, r.run_dir, "get: run_dir");
	is_str(g.options_json, r.options_json, "get: options_json");
	/* not set by create: the schema's defaults */
	is_int(g.start_ms, 0, "get: start_ms default 0");
	is_int(g.end_ms, 0, "get: end_ms default 0");
	is_int(g.skew_ms, -1, "get: skew_ms default -1 (unknown)");
	is_num(g.delivered_pct, 0, 0, "get: delivered_pct default 0");
	is_int(g.samples, 0, "get: samples default 0");
	is_int(g.jtl_records, -1, "get: jtl_records default -1");
	jmx_run_rec_free(&g);
	ok(g.test_case == NULL && g.label == NULL, "run_rec_free clears");
	jmx_run_rec_free(NULL);

	/* keep-me from test_open and this one */
	is_sql(db, "SELECT count(*) FROM runs", "2", "runs table intact");
	snprintf(q, sizeof q, "SELECT label FROM runs WHERE id = %lld",
	    (long long)r.id);
	is_sql(db, q, INJECT, "label on disk verbatim");

	/* update every field it covers */
	r.label = "O'Brien \"quoted\" \\ %s";
	r.state = JMX_RUN_RUNNING;
	r.start_ms = 1700000010000LL;
	r.end_ms = 1700000610000LL;
	r.duration_ms = 600001;
	r.ramp_ms = 60001;
	r.threads = 251;
	r.controller_pid = 4343;
	r.controller_host = "ctl-02";
	r.heartbeat_ms = 1700000020000LL;
	r.skew_ms = 37;
	r.delivered_pct = 99.5;
	r.run_dir = "/r2";
	r.options_json = "{}";
	r.samples = 123456;
	r.jtl_records = 123460;
	r.test_case = "ignored";	/* not updatable */
	is_int(jmx_store_run_update(st, &r, &err), JMX_OK, "run update");
	jmx_store_run_get(st, r.id, &g, &err);
	is_str(g.label, r.label, "update: label");
	is_int(g.state, JMX_RUN_RUNNING, "update: state");
	is_int(g.start_ms, r.start_ms, "update: start_ms");
	is_int(g.end_ms, r.end_ms, "update: end_ms");
	is_int(g.duration_ms, 600001, "update: duration_ms");
	is_int(g.ramp_ms, 60001, "update: ramp_ms");
	is_int(g.threads, 251, "update: threads");
	is_int(g.controller_pid, 4343, "update: controller_pid");
	is_str(g.controller_host, "ctl-02", "update: controller_host");
	is_int(g.heartbeat_ms, r.heartbeat_ms, "update: heartbeat_ms");
	is_int(g.skew_ms, 37, "update: skew_ms");
	is_num(g.delivered_pct, 99.5, 0, "update: delivered_pct");
	is_str(g.run_dir, "/r2", "update: run_dir");
	is_str(g.options_json, "{}", "update: options_json");
	is_int(g.samples, 123456, "update: samples");
	is_int(g.jtl_records, 123460, "update: jtl_records");
	is_str(g.test_case, "checkout \"smoke\"", "update: test_case kept");
	is_str(g.plan, "plans/it's.jmx", "update: plan kept");
	is_int(g.created_ms, 1700000000123LL, "update: created_ms kept");
	jmx_run_rec_free(&g);

	r.label = NULL;
	r.run_dir = NULL;
	jmx_store_run_update(st, &r, &err);
	jmx_store_run_get(st, r.id, &g, &err);
	ok(g.label == NULL && g.run_dir == NULL, "update: NULL stays NULL");
	jmx_run_rec_free(&g);

	is_int(jmx_store_run_set_state(st, r.id, JMX_RUN_PAUSED, &err), JMX_OK,
	    "set_state");
	is_int(jmx_store_run_heartbeat(st, r.id, 1700000099999LL, &err),
	    JMX_OK, "heartbeat");
	jmx_store_run_get(st, r.id, &g, &err);
	is_int(g.state, JMX_RUN_PAUSED, "set_state stored");
	is_int(g.heartbeat_ms, 1700000099999LL, "heartbeat stored");
	is_int(g.threads, 251, "set_state/heartbeat touch nothing else");
	jmx_run_rec_free(&g);

	memset(&g, 0, sizeof g);
	g.test_case = "second";
	g.plan = "b.jmx";
	jmx_store_run_create(st, &g, &err);
	id2 = g.id;
	ok(id2 > r.id, "second run has a larger id");
	jmx_store_run_latest(st, &id, &err);
	is_int(id, id2, "latest is the second run");
}

static void
test_agents(struct jmx_store *st, const char *db, int64_t run,
    int64_t other)
{
	struct jmx_run_agent_rec a, *v;
	struct jmx_err err;
	int n;

	memset(&a, 0, sizeof a);
	a.agent = "agent-b";
	a.host = "10.0.0.2";
	a.weight = 0.25;
	a.threads = 25;
	a.clock_offset_ms = -12;
	a.skew_ms = 3;
	a.java_version = "17.0.9";
	a.jmeter_version = "5.6.3";
	a.cores = 8;
	a.mem_mb = 16384;
	a.state = "ok";
	is_int(jmx_store_run_agent_put(st, run, &a, &err), JMX_OK,
	    "agent put b");
	a.agent = "agent-a";
	a.host = "10.0.0.1";
	jmx_store_run_agent_put(st, run, &a, &err);
	a.agent = "agent-c";
	a.host = NULL;
	a.java_version = a.jmeter_version = a.state = NULL;
	jmx_store_run_agent_put(st, run, &a, &err);
	a.agent = "agent-z";
	jmx_store_run_agent_put(st, other, &a, &err);

	/* upsert b: new values, same place */
	a.agent = "agent-b";
	a.host = "10.0.0.22";
	a.weight = 0.5;
	a.threads = 30;
	a.clock_offset_ms = 7;
	a.skew_ms = -1;
	a.java_version = "21";
	a.jmeter_version = "5.6.2";
	a.cores = 16;
	a.mem_mb = 32768;
	a.state = "lost";
	is_int(jmx_store_run_agent_put(st, run, &a, &err), JMX_OK,
	    "agent put b again (upsert)");

	is_int(jmx_store_run_agents(st, run, &v, &n, &err), JMX_OK,
	    "run agents");
	is_int(n, 3, "three agents, the upsert added none");
	if (n == 3) {
		ok(strcmp(v[0].agent, "agent-b") == 0 &&
		    strcmp(v[1].agent, "agent-a") == 0 &&
		    strcmp(v[2].agent, "agent-c") == 0,
		    "insertion order b, a, c");
		is_str(v[0].host, "10.0.0.22", "upsert: host");
		is_num(v[0].weight, 0.5, 0, "upsert: weight");
		is_int(v[0].threads, 30, "upsert: threads");
		is_int(v[0].clock_offset_ms, 7, "upsert: clock_offset_ms");
		is_int(v[0].skew_ms, -1, "upsert: skew_ms");
		is_str(v[0].java_version, "21", "upsert: java_version");
		is_str(v[0].jmeter_version, "5.6.2", "upsert: jmeter_version");
		is_int(v[0].cores, 16, "upsert: cores");
		is_int(v[0].mem_mb, 32768, "upsert: mem_mb");
		is_str(v[0].state, "lost", "upsert: state");
		is_str(v[1].host, "10.0.0.1", "agent a: host");
		is_num(v[1].weight, 0.25, 0, "agent a: weight");
		is_int(v[1].clock_offset_ms, -12, "agent a: clock offset");
		is_str(v[1].state, "ok", "agent a: state");
		ok(v[2].host == NULL && v[2].state == NULL,
		    "agent c: NULLs stay NULL");
	}
	jmx_run_agent_recs_free(v, n);
	jmx_store_run_agents(st, other, &v, &n, &err);
	ok(n == 1 && strcmp(v[0].agent, "agent-z") == 0,
	    "the other run has only its agent");
	jmx_run_agent_recs_free(v, n);
	jmx_store_run_agents(st, 99999, &v, &n, &err);
	ok(n == 0 && v == NULL, "no agents for an unknown run");

	is_int(jmx_store_share_put(st, run, "agent-a", 0, "Users", 10, &err),
	    JMX_OK, "share put");
	jmx_store_share_put(st, run, "agent-a", 0, "Users", 12, &err);
	jmx_store_share_put(st, run, "agent-a", 1, "Admins", 2, &err);
	is_sql(db, "SELECT group_concat(grp || ':' || grp_name || ':' ||"
	    " threads, ' ') FROM (SELECT * FROM shares ORDER BY grp)",
	    "0:Users:12 1:Admins:2", "shares replaced by key");
}

static void
test_segments(struct jmx_store *st, int64_t run, int64_t other,
    int64_t *seg_a, int64_t *seg_b)
{
	struct jmx_segment_rec s, *v;
	struct jmx_err err;
	int n;

	memset(&s, 0, sizeof s);
	s.run_id = run;
	s.agent = "agent-a";
	s.work_dir = "/tmp/jmx seg 'a'";
	s.state = JMX_SEGMENT_STARTING;
	s.udp_port = 4445;
	s.start_ms = 1000;
	s.deadline_ms = 2000;
	s.jtl_records = -1;
	s.clock_offset_ms = -12;
	s.gen = 2;
	s.part = "0.5 3:0.5 0:0";
	s.slice = "agent-a";
	s.replaces = 41;
	is_int(jmx_store_segment_create(st, &s, &err), JMX_OK, "segment a");
	s.gen = 0;
	s.part = NULL;
	s.slice = NULL;
	s.replaces = 0;
	*seg_a = s.id;
	s.agent = "agent-b";
	s.udp_port = 4446;
	jmx_store_segment_create(st, &s, &err);
	*seg_b = s.id;
	ok(*seg_a > 0 && *seg_b > *seg_a, "segment ids increase");
	s.run_id = other;
	s.agent = "agent-z";
	jmx_store_segment_create(st, &s, &err);

	s.id = *seg_a;
	s.run_id = run;
	s.agent = "agent-a";
	s.work_dir = "/w/a";
	s.state = JMX_SEGMENT_RUNNING;
	s.pid = 31337;
	s.udp_port = 4447;
	s.start_ms = 1001;
	s.end_ms = 9000;
	s.deadline_ms = 9500;
	s.jtl_header = "timeStamp,elapsed,label,\"my var\"";
	s.jtl_records = 77;
	s.clock_offset_ms = 5;
	s.cause = "JMeter was killed (SIGKILL)";
	s.data_pos = "1:4210:4207 2:80:80";
	/* Update stores these too: a warm spare's gets its part late. */
	s.part = "0.5 3:0.5 0:0";
	s.slice = "agent-a";
	s.replaces = 41;
	is_int(jmx_store_segment_update(st, &s, &err), JMX_OK,
	    "segment update");
	is_int(jmx_store_segment_advance(st, *seg_a, 4096, 50, &err), JMX_OK,
	    "segment advance");
	s.jtl_offset = 1;	/* update must not move the offset back */
	s.records = 1;
	jmx_store_segment_update(st, &s, &err);

	is_int(jmx_store_segments(st, run, &v, &n, &err), JMX_OK, "segments");
	is_int(n, 2, "two segments for the run");
	if (n == 2) {
		is_int(v[0].id, *seg_a, "segments ordered by id");
		is_int(v[0].run_id, run, "seg: run_id");
		is_str(v[0].agent, "agent-a", "seg: agent");
		is_str(v[0].work_dir, "/w/a", "seg: work_dir");
		is_int(v[0].state, JMX_SEGMENT_RUNNING, "seg: state");
		is_int(v[0].pid, 31337, "seg: pid");
		is_int(v[0].udp_port, 4447, "seg: udp_port");
		is_int(v[0].start_ms, 1001, "seg: start_ms");
		is_int(v[0].end_ms, 9000, "seg: end_ms");
		is_int(v[0].deadline_ms, 9500, "seg: deadline_ms");
		is_int(v[0].jtl_offset, 4096, "seg: jtl_offset by advance");
		is_int(v[0].records, 50, "seg: records by advance");
		is_str(v[0].jtl_header, s.jtl_header, "seg: jtl_header");
		is_int(v[0].jtl_records, 77, "seg: jtl_records");
		is_int(v[0].clock_offset_ms, 5, "seg: clock_offset_ms");
		is_int(v[0].gen, 2, "seg: gen");
		is_str(v[0].part, "0.5 3:0.5 0:0", "seg: part");
		is_str(v[0].slice, "agent-a", "seg: slice");
		is_int(v[0].replaces, 41, "seg: replaces");
		is_str(v[0].cause, "JMeter was killed (SIGKILL)",
		    "seg: cause by update");
		is_str(v[0].data_pos, "1:4210:4207 2:80:80",
		    "seg: data_pos by update");
		ok(v[1].part == NULL && v[1].cause == NULL &&
		    v[1].data_pos == NULL, "seg b: no part, no cause, no rows");
		is_str(v[1].agent, "agent-b", "seg b: agent");
		is_str(v[1].work_dir, "/tmp/jmx seg 'a'", "seg b: work_dir");
		is_int(v[1].udp_port, 4446, "seg b: udp_port");
		ok(v[1].jtl_header == NULL, "seg b: no header yet");
		is_int(v[1].jtl_records, -1, "seg b: jtl_records -1");
		is_int(v[1].jtl_offset, 0, "seg b: offset 0");
		is_int(v[1].clock_offset_ms, -12, "seg b: clock offset");
	}
	jmx_segment_recs_free(v, n);
}

static void
test_shortfalls(struct jmx_store *st, int64_t run, int64_t other)
{
	struct jmx_shortfall_rec f, *v;
	struct jmx_err err = { 0 };
	int n;

	memset(&f, 0, sizeof f);
	f.segment_id = 7;
	f.agent = "agent-b";
	f.kind = "unplaced";
	f.grp = 1;
	f.grp_name = "Users, \"quoted\"";
	f.threads = 4;
	f.from_ms = 5000;
	f.reason = "no agent has room for it";
	is_int(jmx_store_shortfall_add(st, run, &f, &err), JMX_OK,
	    "shortfall added");
	f.kind = "handover";
	f.to_ms = 4000;		/* before from: kept as given */
	jmx_store_shortfall_add(st, run, &f, &err);
	jmx_store_shortfall_add(st, other, &f, &err);
	f.from_ms = 9000;
	f.to_ms = 0;
	jmx_store_shortfall_add(st, run, &f, &err);
	is_int(jmx_store_shortfall_close(st, run, 8000, &err), JMX_OK,
	    "open windows closed");
	is_int(jmx_store_shortfalls(st, run, &v, &n, &err), JMX_OK,
	    "shortfalls read");
	is_int(n, 3, "three for the run, in order");
	if (n == 3) {
		is_str(v[0].agent, "agent-b", "agent");
		is_str(v[0].kind, "unplaced", "kind");
		is_int(v[0].grp, 1, "group index");
		is_str(v[0].grp_name, "Users, \"quoted\"", "group name");
		is_int(v[0].threads, 4, "threads");
		is_int(v[0].segment_id, 7, "segment");
		is_int(v[0].to_ms, 8000, "an open window ends at the close");
		is_int(v[1].to_ms, 4000, "a closed window is left alone");
		is_int(v[2].to_ms, 9000, "a window opened after the close "
		    "ends where it began");
		is_str(v[0].reason, "no agent has room for it", "reason");
	}
	jmx_shortfall_recs_free(v, n);
}

static void
test_events(struct jmx_store *st, int64_t run, int64_t other)
{
	struct jmx_event_rec *v;
	struct jmx_err err;
	int n;

	is_int(jmx_store_event(st, run, 3000, "stop", NULL, "by user",
	    "alice", &err), JMX_OK, "event");
	jmx_store_event(st, run, 1000, "start", "agent-a", NULL, NULL, &err);
	jmx_store_event(st, run, 2000, "pause", "agent-b",
	    "it's \"paused\"", "bob", &err);
	jmx_store_event(st, run, 1000, "start", "agent-b", NULL, NULL, &err);
	jmx_store_event(st, other, 1500, "noise", NULL, NULL, NULL, &err);
	is_int(jmx_store_events(st, run, &v, &n, &err), JMX_OK, "events");
	is_int(n, 4, "four events for the run");
	if (n == 4) {
		ok(v[0].time_ms == 1000 && v[1].time_ms == 1000 &&
		    v[2].time_ms == 2000 && v[3].time_ms == 3000,
		    "events in time order");
		ok(strcmp(v[0].agent, "agent-a") == 0 &&
		    strcmp(v[1].agent, "agent-b") == 0 && v[0].id < v[1].id,
		    "same time: insertion order");
		is_str(v[2].kind, "pause", "event kind");
		is_str(v[2].detail, "it's \"paused\"", "event detail");
		is_str(v[2].actor, "bob", "event actor");
		ok(v[0].detail == NULL && v[0].actor == NULL,
		    "event NULLs stay NULL");
		ok(v[3].agent == NULL && strcmp(v[3].actor, "alice") == 0,
		    "event without agent");
	}
	jmx_event_recs_free(v, n);
	jmx_store_events(st, 99999, &v, &n, &err);
	ok(n == 0 && v == NULL, "no events for an unknown run");
}

static void
test_commands(struct jmx_store *st, int64_t run, int64_t other)
{
	struct jmx_err err;
	int64_t id, c1, c2, c3;
	char *verb, *actor, *state, *result;

	is_int(jmx_store_command_next(st, run, 0, &id, &verb, &actor, &err),
	    JMX_OK, "command next, none");
	ok(id == 0 && verb == NULL && actor == NULL, "... id 0");
	is_int(jmx_store_command_add(st, run, "pause", "alice", &c1, &err),
	    JMX_OK, "command add");
	jmx_store_command_add(st, other, "resume", NULL, &c3, &err);
	jmx_store_command_add(st, run, "stop", NULL, &c2, &err);
	ok(c1 > 0 && c3 > c1 && c2 > c3, "command ids increase");

	jmx_store_command_next(st, run, 0, &id, &verb, &actor, &err);
	is_int(id, c1, "next is the oldest");
	is_str(verb, "pause", "next verb");
	is_str(actor, "alice", "next actor");
	free(verb);
	free(actor);
	state = result = NULL;
	is_int(jmx_store_command_get(st, c1, &state, &result, &err), JMX_OK,
	    "command get");
	is_str(state, "pending", "pending");
	ok(result == NULL, "no result yet");
	free(state);
	free(result);

	is_int(jmx_store_command_done(st, c1, 1, "paused at 12:00", &err),
	    JMX_OK, "command done");
	jmx_store_command_get(st, c1, &state, &result, &err);
	is_str(state, "done", "done state");
	is_str(result, "paused at 12:00", "done result");
	free(state);
	free(result);

	jmx_store_command_next(st, run, 0, &id, &verb, &actor, &err);
	is_int(id, c2, "next skips done ones and other runs");
	is_str(verb, "stop", "second verb");
	ok(actor == NULL, "NULL actor");
	free(verb);
	free(actor);
	jmx_store_command_done(st, c2, 0, "agent 'x' lost", &err);
	jmx_store_command_get(st, c2, &state, &result, &err);
	is_str(state, "failed", "failed state");
	is_str(result, "agent 'x' lost", "failed result");
	free(state);
	free(result);
	jmx_store_command_next(st, run, 0, &id, &verb, &actor, &err);
	is_int(id, 0, "no pending left");
	jmx_store_command_next(st, other, 0, &id, &verb, &actor, &err);
	is_int(id, c3, "the other run's command is still pending");
	free(verb);
	free(actor);
	is_int(jmx_store_command_get(st, 99999, &state, &result, &err),
	    JMX_ERR_NOTFOUND, "get of an unknown command");
	is_str(err.msg, "no command 99999", "... message");
}

static int64_t
live_run(struct jmx_store *st, const char *name, int64_t heartbeat)
{
	struct jmx_run_rec r;
	struct jmx_err err;

	memset(&r, 0, sizeof r);
	r.test_case = (char *)name;
	r.plan = "p.jmx";
	r.state = JMX_RUN_RUNNING;
	r.heartbeat_ms = heartbeat;
	jmx_store_run_create(st, &r, &err);
	return r.id;
}

static void
test_reserve(struct jmx_store *st)
{
	const int64_t now = 2000000000000LL, stale = JMX_CONTROLLER_STALE_MS;
	const char *ab[] = { "a1", "a2" }, *cb[] = { "a3", "a2" };
	const char *one[] = { "a1" }, *c1[] = { "c1" }, *e1[] = { "e1" };
	struct jmx_run_rec r;
	struct jmx_err err;
	char host[256], want[128];
	int64_t A, B, C, D, E;
	pid_t pid;

	A = live_run(st, "A", now);
	B = live_run(st, "B", now);
	is_int(jmx_store_reserve(st, A, ab, 2, now, &err), JMX_OK,
	    "A reserves a1 a2");
	is_int(jmx_store_reserved_by(st, "a1", now), A, "a1 held by A");
	is_int(jmx_store_reserved_by(st, "a2", now), A, "a2 held by A");
	is_int(jmx_store_reserved_by(st, "a3", now), 0, "a3 free");
	memset(&err, 0, sizeof err);
	is_int(jmx_store_reserve(st, B, cb, 2, now + 1000, &err),
	    JMX_ERR_AGENT, "B cannot take a2");
	snprintf(want, sizeof want, "agent 'a2' is reserved by run %lld",
	    (long long)A);
	is_str(err.msg, want, "... naming the agent and run A");
	is_int(jmx_store_reserved_by(st, "a3", now), 0,
	    "... and a3 was not reserved either (rolled back)");
	is_int(jmx_store_reserve(st, A, one, 1, now + 1000, &err),
	    JMX_OK, "A may reserve its own agent again");

	jmx_store_run_set_state(st, A, JMX_RUN_COMPLETED, &err);
	is_int(jmx_store_reserved_by(st, "a2", now), 0,
	    "a completed run holds nothing");
	is_int(jmx_store_reserve(st, B, cb, 2, now + 2000, &err),
	    JMX_OK, "B reserves a3 a2 after A completed");
	is_int(jmx_store_reserved_by(st, "a2", now + 2000), B,
	    "a2 held by B");
	is_int(jmx_store_reserved_by(st, "a1", now + 2000), 0,
	    "a1 (A's) free");

	/* stale heartbeat: alive up to the window, taken over after */
	C = live_run(st, "C", now);
	jmx_store_reserve(st, C, c1, 1, now, &err);
	is_int(jmx_store_reserved_by(st, "c1", now + stale), C,
	    "heartbeat exactly the window old: alive");
	is_int(jmx_store_reserved_by(st, "c1", now + stale + 1), 0,
	    "heartbeat older than the window: not");
	D = live_run(st, "D", now + 40000);
	is_int(jmx_store_reserve(st, D, c1, 1, now + 40000, &err),
	    JMX_OK, "D takes over C's stale reservation");
	is_int(jmx_store_reserved_by(st, "c1", now + 40000), D,
	    "c1 held by D");

	is_int(jmx_store_release(st, B, &err), JMX_OK, "release B");
	is_int(jmx_store_reserved_by(st, "a2", now + 2000), 0,
	    "a2 free");
	is_int(jmx_store_reserved_by(st, "a3", now + 2000), 0,
	    "a3 free");
	is_int(jmx_store_reserved_by(st, "c1", now + 40000), D,
	    "D's reservation untouched");
	is_int(jmx_store_reserved_by(st, "nobody", now), 0,
	    "unknown agent: 0");

	/* a controller on this host whose process is gone holds nothing */
	if (gethostname(host, sizeof host) != 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	E = live_run(st, "E", now);
	jmx_store_run_get(st, E, &r, &err);
	free(r.controller_host);
	r.controller_host = strdup(host);
	r.controller_pid = getpid();
	jmx_store_run_update(st, &r, &err);
	jmx_store_reserve(st, E, e1, 1, now, &err);
	is_int(jmx_store_reserved_by(st, "e1", now), E,
	    "controller alive on this host: held");
	if ((pid = fork()) == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	r.controller_pid = pid;	/* reaped: no such process */
	jmx_store_run_update(st, &r, &err);
	is_int(jmx_store_reserved_by(st, "e1", now), 0,
	    "controller pid gone on this host: free");
	free(r.controller_host);
	r.controller_host = strdup("another-host.invalid");
	jmx_store_run_update(st, &r, &err);
	is_int(jmx_store_reserved_by(st, "e1", now), E,
	    "same pid on another host: still held");
	jmx_run_rec_free(&r);
}

static void
sample(struct jmx_agg *agg, const char *label, int64_t ts, int64_t el,
    int success, int64_t bytes, int64_t sent, int64_t lat, int64_t conn,
    int64_t grp, int64_t all)
{
	struct jmx_sample s;

	memset(&s, 0, sizeof s);
	s.ts = ts;
	s.elapsed = el;
	s.label.p = label;
	s.label.len = strlen(label);
	s.success = success;
	s.bytes = bytes;
	s.sent_bytes = sent;
	s.latency = lat;
	s.connect = conn;
	s.grp_threads = grp;
	s.all_threads = all;
	s.sample_count = 1;
	s.error_count = success ? 0 : 1;
	s.have = JMX_JTL_TIMESTAMP | JMX_JTL_ELAPSED | JMX_JTL_LABEL |
	    JMX_JTL_SUCCESS | JMX_JTL_BYTES | JMX_JTL_SENTBYTES |
	    JMX_JTL_LATENCY | JMX_JTL_CONNECT | JMX_JTL_GRPTHREADS |
	    JMX_JTL_ALLTHREADS;
	jmx_agg_add(agg, &s, 0);
}

#define LOGIN	"Login 'x'"

/* Do two rows agree on everything a summary reports? */
static int
same_row(const struct jmx_summary_row *a, const struct jmx_summary_row *b)
{
	return a->count == b->count && a->errors == b->errors &&
	    a->avg == b->avg && a->min == b->min && a->max == b->max &&
	    a->p50 == b->p50 && a->p90 == b->p90 && a->p95 == b->p95 &&
	    a->p99 == b->p99 && a->throughput == b->throughput &&
	    a->received_kbps == b->received_kbps &&
	    a->sent_kbps == b->sent_kbps && a->latency_avg == b->latency_avg &&
	    a->connect_avg == b->connect_avg &&
	    a->max_grp_threads == b->max_grp_threads &&
	    a->max_all_threads == b->max_all_threads &&
	    a->first_start == b->first_start && a->last_end == b->last_end;
}

static void
test_buckets(struct jmx_store *st, const char *db)
{
	struct jmx_segment_rec s;
	struct jmx_summary *direct, *stored, *sum;
	const struct jmx_summary_row *t, *d, *h, *l;
	struct jmx_agg *agg;
	struct jmx_err err;
	int64_t run, other, sa, sb;
	char q[160];

	run = live_run(st, "buckets", 0);
	other = live_run(st, "buckets-other", 0);
	memset(&s, 0, sizeof s);
	s.run_id = run;
	s.agent = "agent-a";
	s.state = JMX_SEGMENT_RUNNING;
	jmx_store_segment_create(st, &s, &err);
	sa = s.id;
	s.agent = "agent-b";
	jmx_store_segment_create(st, &s, &err);
	sb = s.id;

	agg = jmx_agg_new();
	sample(agg, "Home", T0 + 100, 100, 1, 1000, 100, 80, 10, 1, 2);
	sample(agg, "Home", T0 + 200, 300, 1, 2000, 200, 250, 20, 2, 3);
	sample(agg, "Home", T0 + 1500, 200, 0, 500, 50, 150, 5, 3, 4);
	sample(agg, "Home", T0 + 1700, 700, 1, 1500, 150, 600, 15, 2, 4);
	sample(agg, "Home", T0 + 2100, 2500, 1, 3000, 300, 2000, 30, 1, 2);
	sample(agg, LOGIN, T0 + 300, 50, 1, 400, 40, 40, 3, 1, 2);
	sample(agg, LOGIN, T0 + 1200, 1000, 0, 100, 10, 900, 8, 1, 2);
	is_int(jmx_agg_nbuckets(agg), 5, "agg: 5 buckets");

	/* a rolled-back put leaves nothing */
	jmx_store_begin(st, &err);
	is_int(jmx_store_put_agg(st, run, sa, agg, &err), JMX_OK,
	    "put_agg (to be rolled back)");
	jmx_store_rollback(st);
	snprintf(q, sizeof q, "SELECT count(*) FROM buckets WHERE run_id = %lld",
	    (long long)run);
	is_sql(db, q, "0", "rollback: no buckets");

	is_int(jmx_store_begin(st, &err), JMX_OK, "begin");
	is_int(jmx_store_put_agg(st, run, sa, agg, &err), JMX_OK, "put_agg");
	is_int(jmx_store_segment_advance(st, sa, 700, 7, &err), JMX_OK,
	    "advance in the same transaction");
	is_int(jmx_store_commit(st, &err), JMX_OK, "commit");
	is_sql(db, q, "5", "5 bucket rows");

	direct = jmx_summary_new();
	jmx_summary_add_agg(direct, agg);
	stored = jmx_summary_new();
	is_int(jmx_store_summary(st, run, NULL, stored, &err), JMX_OK,
	    "store summary");
	is_int(jmx_summary_nlabels(stored), 2, "two labels");

	t = jmx_summary_total(stored);
	is_int(t->count, 7, "total count");
	is_int(t->errors, 2, "total errors");
	is_num(t->avg, 4850.0 / 7, 1e-9, "total avg 692.857");
	is_int(t->min, 50, "total min");
	is_int(t->max, 2500, "total max");
	is_int(t->p50, 300, "total p50");
	is_int(t->p90, 2500, "total p90");
	is_int(t->p95, 2500, "total p95");
	is_int(t->first_start, T0 + 100, "total first start");
	is_int(t->last_end, T0 + 4600, "total last end");
	is_num(t->throughput, 7 / 4.5, 1e-9, "total throughput 1.556/s");
	is_num(t->received_kbps, 8500 / 1024.0 / 4.5, 1e-9,
	    "total received 1.845 KiB/s");
	is_num(t->latency_avg, 4020.0 / 7, 1e-9, "total latency avg");
	is_num(t->connect_avg, 91.0 / 7, 1e-9, "total connect avg");
	is_int(t->max_grp_threads, 3, "max group threads");
	is_int(t->max_all_threads, 4, "max all threads");

	h = jmx_summary_find(stored, "Home");
	l = jmx_summary_find(stored, LOGIN);
	ok(h != NULL && l != NULL, "both labels found");
	if (h != NULL && l != NULL) {
		ok(h->count == 5 && h->errors == 1 && h->avg == 760 &&
		    h->min == 100 && h->max == 2500 && h->p50 == 300 &&
		    h->p95 == 2500, "Home: 5, 1 error, avg 760, 100..2500, "
		    "p50 300, p95 2500");
		ok(l->count == 2 && l->errors == 1 && l->avg == 525 &&
		    l->min == 50 && l->max == 1000 && l->p50 == 50 &&
		    l->p95 == 1000, "Login: 2, 1 error, avg 525, p50 50, "
		    "p95 1000");
	}

	d = jmx_summary_total(direct);
	ok(same_row(t, d), "stored total = total built from the agg");
	ok(h != NULL && same_row(h, jmx_summary_find(direct, "Home")),
	    "stored Home = direct Home");
	ok(l != NULL && same_row(l, jmx_summary_find(direct, LOGIN)),
	    "stored Login = direct Login");
	is_num(d->apdex, 0.5, 1e-12, "direct APDEX (3 + 1/2) / 7");
	/* failed samples are frustrated, however the summary was built */
	is_num(t->apdex, d->apdex, 1e-12, "stored APDEX = direct APDEX");
	jmx_summary_free(stored);

	/* the same buckets under a second segment (agent-b) */
	jmx_store_begin(st, &err);
	is_int(jmx_store_put_agg(st, run, sb, agg, &err), JMX_OK,
	    "put_agg again, segment b");
	jmx_store_commit(st, &err);
	is_sql(db, q, "10", "10 bucket rows");
	snprintf(q, sizeof q, "SELECT count(*) FROM labels WHERE run_id = %lld",
	    (long long)run);
	is_sql(db, q, "2", "labels stored once per run");

	sum = jmx_summary_new();
	jmx_store_summary(st, run, NULL, sum, &err);
	t = jmx_summary_total(sum);
	is_int(t->count, 14, "twice: count doubles");
	is_int(t->errors, 4, "twice: errors double");
	is_num(t->avg, 4850.0 / 7, 1e-9, "twice: avg the same");
	ok(t->min == 50 && t->max == 2500, "twice: min/max the same");
	ok(t->p50 == 300 && t->p95 == 2500, "twice: p50 300, p95 2500");
	h = jmx_summary_find(sum, "Home");
	ok(h != NULL && h->count == 10 && h->errors == 2, "twice: Home 10/2");
	jmx_summary_free(sum);

	sum = jmx_summary_new();
	is_int(jmx_store_summary(st, run, "agent-a", sum, &err), JMX_OK,
	    "summary of agent-a");
	t = jmx_summary_total(sum);
	ok(t->count == 7 && same_row(t, d), "agent-a: the agg once");
	jmx_summary_free(sum);
	sum = jmx_summary_new();
	jmx_store_summary(st, run, "agent-b", sum, &err);
	is_int(jmx_summary_total(sum)->count, 7, "agent-b: 7");
	jmx_summary_free(sum);
	sum = jmx_summary_new();
	jmx_store_summary(st, run, "agent-c", sum, &err);
	ok(jmx_summary_total(sum)->count == 0 &&
	    jmx_summary_nlabels(sum) == 0, "unknown agent: empty");
	jmx_summary_free(sum);
	sum = jmx_summary_new();
	jmx_store_summary(st, other, NULL, sum, &err);
	is_int(jmx_summary_total(sum)->count, 0, "another run: empty");
	jmx_summary_free(sum);

	jmx_summary_free(direct);
	jmx_agg_free(agg);
}

static void
test_home(void)
{
	char *p;

	setenv("JMX_HOME", "/jh", 1);
	p = jmx_store_home("/conf");
	is_str(p, "/jh", "home: JMX_HOME first");
	free(p);
	unsetenv("JMX_HOME");
	setenv("XDG_DATA_HOME", "/xdg", 1);
	p = jmx_store_home("/conf");
	is_str(p, "/conf", "home: configured next");
	free(p);
	p = jmx_store_home(NULL);
	is_str(p, "/xdg/jmx", "home: XDG_DATA_HOME/jmx");
	free(p);
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/h", 1);
	p = jmx_store_home("");
	is_str(p, "/h/.local/share/jmx", "home: ~/.local/share/jmx");
	free(p);
}

/* Active time: closed generations, plus the open one while it runs. */
static void
test_active(void)
{
	struct jmx_run_rec r;

	memset(&r, 0, sizeof r);
	r.active_ms = 20000;
	r.state = JMX_RUN_RUNNING;
	is_int(jmx_run_active_ms(&r, 100000, 105000), 25000,
	    "active: running adds the open generation");
	r.state = JMX_RUN_PAUSING;
	is_int(jmx_run_active_ms(&r, 100000, 105000), 25000,
	    "active: pausing too (its generation closes when paused)");
	r.state = JMX_RUN_STOPPING;
	is_int(jmx_run_active_ms(&r, 100000, 105000), 20000,
	    "active: a stop closed the generation, not counted twice");
	r.state = JMX_RUN_PAUSED;
	is_int(jmx_run_active_ms(&r, 100000, 105000), 20000,
	    "active: paused adds nothing");
	r.state = JMX_RUN_RUNNING;
	is_int(jmx_run_active_ms(&r, 0, 105000), 20000,
	    "active: no T0 yet adds nothing");
	is_int(jmx_run_active_ms(&r, 110000, 105000), 20000,
	    "active: before T0 adds nothing");
}

/*
 * Unfinished imports: hidden from history, and removed once their
 * importer is gone, but not a finished import nor a controller's run
 * that happens to be labelled "imported" (it awaits attach).
 */
static void
test_imports(struct jmx_store *st, const char *db)
{
	static const char *const names[] = { "imp-dead", "imp-live",
	    "imp-done", "ctl-dead" };
	const int64_t now = 2000000000000LL, stale = JMX_CONTROLLER_STALE_MS;
	struct jmx_run_rec r;
	struct jmx_err err;
	int64_t ids[4];
	int i;

	for (i = 0; i < 4; i++) {
		memset(&r, 0, sizeof r);
		r.test_case = (char *)names[i];
		r.plan = "p.jtl";
		r.label = "imported";
		r.state = i == 2 ? JMX_RUN_COMPLETED : JMX_RUN_RUNNING;
		r.heartbeat_ms = i == 1 ? now : now - stale - 1;
		r.options_json = i == 3 ? "{}" : NULL;
		jmx_store_run_create(st, &r, &err);
		ids[i] = r.id;
		ok(jmx_run_importing(&r) == (i < 2), "imports: %s is %san "
		    "unfinished import", r.test_case, i < 2 ? "" : "not ");
	}
	is_int(jmx_store_drop_dead_imports(st, now, &err), JMX_OK,
	    "imports: dropping the dead ones");
	is_sql(db, "SELECT group_concat(test_case, ' ') FROM runs WHERE "
	    "test_case LIKE 'imp-%' OR test_case = 'ctl-dead'",
	    "imp-live imp-done ctl-dead", "imports: only the dead one is gone");
	is_int(jmx_store_drop_dead_imports(st, now + stale + 1, &err), JMX_OK,
	    "imports: later, the live one's importer gone silent");
	is_sql(db, "SELECT count(*) FROM runs WHERE test_case = 'imp-live'",
	    "0", "imports: ... it is dropped too");
	for (i = 1; i < 4; i++)
		jmx_store_run_delete(st, ids[i], NULL);
}

/* The database and its -wal and -shm files are 0600 whatever the umask. */
static void
test_modes(const char *dir)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	static const mode_t masks[] = { 022, 0 };
	struct jmx_store *st = NULL;
	struct jmx_err err;
	struct stat sb;
	char db[512], path[530];
	size_t i, k;
	mode_t old;

	for (k = 0; k < sizeof masks / sizeof masks[0]; k++) {
		snprintf(db, sizeof db, "%s/modes-%03o.db", dir,
		    (unsigned)masks[k]);
		old = umask(masks[k]);
		if (jmx_store_open(db, &st, &err) != JMX_OK) {
			umask(old);
			ok(0, "umask %03o: open: %s", (unsigned)masks[k],
			    err.msg);
			continue;
		}
		/* Open, in WAL mode: all three files are there. */
		for (i = 0; i < 3; i++) {
			snprintf(path, sizeof path, "%s%s", db, suffix[i]);
			memset(&sb, 0, sizeof sb);
			ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600,
			    "umask %03o: jmx.db%s is 0600 (%03o)",
			    (unsigned)masks[k], suffix[i],
			    (unsigned)(sb.st_mode & 0777));
		}
		jmx_store_close(st);
		umask(old);
	}
}

/* The first column of the last row, copied (NULL for NULL). */
static int
first_col(void *arg, int ncols, char **cols)
{
	char **v = arg;

	free(*v);
	*v = ncols > 0 && cols[0] != NULL ? strdup(cols[0]) : NULL;
	return 0;
}

/* Rows of "SELECT n FROM seq", each asking the same statement again. */
struct nested {
	struct jmx_store *st;
	int outer, inner, depth;
};

static int
nested_row(void *arg, int ncols, char **cols)
{
	struct nested *n = arg;
	struct jmx_err err;

	(void)ncols;
	(void)cols;
	if (n->depth > 0) {
		n->inner++;
		return 0;
	}
	n->outer++;
	n->depth = 1;
	/* The outer statement is in use: this one must be another. */
	if (jmx_store_sql(n->st, nested_row, n, &err,
	    "SELECT n FROM seq ORDER BY n", "") != JMX_OK)
		printf("# %s\n", err.msg);
	n->depth = 0;
	return 0;
}

/*
 * Statements are kept prepared between uses: the same text nested in
 * its own rows, more texts than are kept, and the answers unchanged.
 */
static void
test_statement_reuse(struct jmx_store *st)
{
	struct jmx_err err;
	struct nested n = { st, 0, 0, 0 };
	enum jmx_code rc;
	char sql[64], *v;
	int i, same = 1;

	ok(jmx_store_sql(st, NULL, NULL, &err, "CREATE TEMP TABLE seq (n)",
	    "") == JMX_OK, "reuse: a table");
	for (i = 1; i <= 3; i++)
		jmx_store_sql(st, NULL, NULL, &err,
		    "INSERT INTO seq VALUES (?)", "i", (int64_t)i);
	/* Twice: the second time both are kept ones. */
	for (i = 0; i < 2; i++) {
		n.outer = n.inner = 0;
		rc = jmx_store_sql(st, nested_row, &n, &err,
		    "SELECT n FROM seq ORDER BY n", "");
		ok(rc == JMX_OK && n.outer == 3 && n.inner == 9,
		    "reuse: a statement nested in its own rows runs apart "
		    "(%d rows, %d inside)", n.outer, n.inner);
	}
	/* Forty texts, each twice: more than the store keeps. */
	for (i = 0; i < 80; i++) {
		snprintf(sql, sizeof sql, "SELECT %d + n FROM seq WHERE n = ?",
		    i % 40);
		v = NULL;
		if (jmx_store_sql(st, first_col, &v, &err, sql, "i",
		    (int64_t)2) != JMX_OK || v == NULL ||
		    atoi(v) != i % 40 + 2)
			same = 0;
		free(v);
	}
	ok(same, "reuse: forty texts twice over, every answer right");
	/*
	 * After more one-off texts than are kept, a text used now is
	 * kept all the same: the least recently used make way.
	 */
	ok(jmx_store_kept(st, "SELECT 39 + n FROM seq WHERE n = ?") &&
	    !jmx_store_kept(st, "SELECT 0 + n FROM seq WHERE n = ?"),
	    "reuse: the newest texts are kept, the oldest fell off");
	jmx_store_sql(st, NULL, NULL, &err, "SELECT count(*) FROM seq", "");
	ok(jmx_store_kept(st, "SELECT count(*) FROM seq"),
	    "reuse: a text first used once the list is full is kept");
	/*
	 * Bindings do not carry over: the kept statement was last bound
	 * to 2; used now without a binding its parameter is NULL and it
	 * finds nothing (with the 2 kept it would find "2").
	 */
	v = NULL;
	jmx_store_sql(st, first_col, &v, &err,
	    "SELECT 0 + n FROM seq WHERE n = ?", "i", (int64_t)2);
	ok(v != NULL && strcmp(v, "2") == 0 &&
	    jmx_store_kept(st, "SELECT 0 + n FROM seq WHERE n = ?"),
	    "reuse: bound to 2 it finds 2, and is kept");
	free(v);
	v = NULL;
	jmx_store_sql(st, first_col, &v, &err,
	    "SELECT 0 + n FROM seq WHERE n = ?", "");
	ok(v == NULL, "reuse: a kept statement is bound afresh (%s)",
	    v != NULL ? v : "no row");
	free(v);
}

int
main(void)
{
	const char *dir = tap_tmpdir();
	struct jmx_store *st = NULL;
	struct jmx_err err;
	char db[512];
	int64_t run, other, sa, sb;

	snprintf(db, sizeof db, "%s/jmx 'test'.db", dir);
	test_open(dir, db);
	test_states();
	test_active();
	test_modes(dir);
	if (jmx_store_open(db, &st, &err) != JMX_OK) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}
	test_runs(st, db);
	run = live_run(st, "work", 0);
	other = live_run(st, "other", 0);
	test_agents(st, db, run, other);
	test_segments(st, run, other, &sa, &sb);
	(void)sa;
	(void)sb;
	test_events(st, run, other);
	test_shortfalls(st, run, other);
	test_commands(st, run, other);
	test_reserve(st);
	test_buckets(st, db);
	test_imports(st, db);
	test_statement_reuse(st);
	jmx_store_close(st);
	test_home();
	return done_testing();
}

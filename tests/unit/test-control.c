/*
 * test-control: the verb x state table, the controller liveness rule,
 * posting and waiting for a command, and a run's status, against a real
 * SQLite database.
 */
#include <sys/wait.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "jtl.h"
#include "stats.h"
#include "store.h"
#include "util.h"
#include "tap.h"

#define NSTATES	(JMX_RUN_FAILED + 1)

/*
 * Every verb in every state: NULL where it is allowed, else the text the
 * refusal must hold (for run 7).  Written out here, not derived from the
 * table under test.
 */
static const char *const want[JMX_CONTROL_NVERBS][NSTATES] = {
	[JMX_CONTROL_PAUSE] = {
		"run 7 is validating, not running: cannot pause",
		"run 7 is starting, not running: cannot pause",
		NULL,
		"run 7 is already pausing",
		"run 7 is already paused",
		"run 7 is resuming, not running: cannot pause",
		"run 7 is stopping, not running: cannot pause",
		"run 7 has ended (completed): nothing to pause",
		"run 7 has ended (partial): nothing to pause",
		"run 7 has ended (stopped): nothing to pause",
		"run 7 has ended (failed): nothing to pause"
	},
	[JMX_CONTROL_RESUME] = {
		"run 7 is validating, not paused: cannot resume",
		"run 7 is starting, not paused: cannot resume",
		"run 7 is running, not paused: cannot resume",
		"run 7 is pausing, not paused: cannot resume",
		NULL,
		"run 7 is already resuming",
		"run 7 is stopping, not paused: cannot resume",
		"run 7 has ended (completed): nothing to resume",
		"run 7 has ended (partial): nothing to resume",
		"run 7 has ended (stopped): nothing to resume",
		"run 7 has ended (failed): nothing to resume"
	},
	[JMX_CONTROL_STOP] = {
		NULL, NULL, NULL, NULL, NULL, NULL,
		"run 7 is already stopping",
		"run 7 has ended (completed): nothing to stop",
		"run 7 has ended (partial): nothing to stop",
		"run 7 has ended (stopped): nothing to stop",
		"run 7 has ended (failed): nothing to stop"
	},
	[JMX_CONTROL_ATTACH] = {
		NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		"run 7 has ended (completed): nothing to attach to",
		"run 7 has ended (partial): nothing to attach to",
		"run 7 has ended (stopped): nothing to attach to",
		"run 7 has ended (failed): nothing to attach to"
	}
};

static void
test_table(void)
{
	enum jmx_control_verb v;
	char msg[256], name[96];
	int i, st, allowed;

	for (i = 0; i < JMX_CONTROL_NVERBS; i++) {
		is_int(jmx_control_verb_parse(jmx_control_verb_name(i), &v), 0,
		    "verb name parses back");
		is_int(v, i, "... to the same verb");
		for (st = 0; st < NSTATES; st++) {
			snprintf(name, sizeof name, "%s when %s: %s",
			    jmx_control_verb_name(i), jmx_run_state_name(st),
			    want[i][st] == NULL ? "allowed" : "refused");
			strcpy(msg, "untouched");
			allowed = jmx_control_allowed(i, 7, st, msg,
			    sizeof msg);
			is_int(allowed, want[i][st] == NULL, name);
			is_str(msg, want[i][st] == NULL ? "untouched" :
			    want[i][st], "... with its text");
		}
	}
	is_int(jmx_control_verb_parse("kill", &v), -1, "'kill' is no verb");
	is_int(jmx_control_verb_parse(NULL, &v), -1, "NULL is no verb");
}

static void
test_alive(void)
{
	const int64_t now = 2000000000000LL;
	struct jmx_run_rec r;
	char host[256] = "";
	pid_t pid;
	int st;

	gethostname(host, sizeof host - 1);
	memset(&r, 0, sizeof r);
	r.state = JMX_RUN_RUNNING;
	r.heartbeat_ms = now;
	r.controller_host = "another-host.invalid";
	r.controller_pid = 1;
	ok(jmx_run_controller_alive(&r, now), "fresh heartbeat: alive");
	ok(jmx_run_controller_alive(&r, now + JMX_CONTROLLER_STALE_MS),
	    "heartbeat exactly the window old: alive");
	ok(!jmx_run_controller_alive(&r, now + JMX_CONTROLLER_STALE_MS + 1),
	    "heartbeat older than the window: gone");
	ok(JMX_CONTROLLER_STALE_MS >= 10 * 2000,
	    "the window holds at least ten 2 s heartbeats");
	for (st = JMX_RUN_COMPLETED; st <= JMX_RUN_FAILED; st++) {
		r.state = st;
		ok(!jmx_run_controller_alive(&r, now),
		    "a %s run has no controller", jmx_run_state_name(st));
	}
	r.state = JMX_RUN_PAUSED;
	ok(jmx_run_controller_alive(&r, now), "paused, fresh: alive");

	/* On this host the process decides too. */
	r.controller_host = host;
	r.controller_pid = getpid();
	ok(jmx_run_controller_alive(&r, now), "this host, own pid: alive");
	if ((pid = fork()) == 0) {
		pause();
		_exit(0);
	}
	r.controller_pid = pid;
	ok(jmx_run_controller_alive(&r, now), "this host, live child: alive");
	kill(pid, SIGKILL);
	usleep(200000);
	ok(!jmx_run_controller_alive(&r, now),
	    "this host, killed but not reaped (zombie): gone");
	waitpid(pid, NULL, 0);
	ok(!jmx_run_controller_alive(&r, now), "this host, reaped: gone");
	r.controller_host = "another-host.invalid";
	ok(jmx_run_controller_alive(&r, now),
	    "the same pid on another host: heartbeat only, alive");
}

static int64_t
new_run(struct jmx_store *st, enum jmx_run_state state, int64_t heartbeat)
{
	struct jmx_run_rec r;
	struct jmx_err err;
	char host[256] = "";

	gethostname(host, sizeof host - 1);
	memset(&r, 0, sizeof r);
	r.test_case = "steady";
	r.plan = "p.jmx";
	r.state = state;
	r.heartbeat_ms = heartbeat;
	r.controller_pid = getpid();
	r.controller_host = host;
	jmx_store_run_create(st, &r, &err);
	return r.id;
}

static void
test_rec_free(struct jmx_store *st)
{
	struct jmx_run_rec r;
	struct jmx_err err;

	/* Garbage as a caller's uninitialised stack would hold. */
	memset(&r, 0xa5, sizeof r);
	is_int(jmx_store_run_get(st, 99999, &r, &err), JMX_ERR_NOTFOUND,
	    "no run 99999: not found");
	is_str(err.msg, "no run 99999", "... named");
	ok(r.test_case == NULL && r.controller_host == NULL,
	    "a failed get leaves a zeroed record");
	jmx_run_rec_free(&r);
	jmx_run_rec_free(&r);
	/* A crash (or the sanitizer) fails it; freed, it is zeroed again. */
	ok(r.test_case == NULL && r.controller_host == NULL,
	    "freeing it (twice) is safe");
	jmx_run_rec_free(NULL);
}

static void
test_post_wait(struct jmx_store *st)
{
	const int64_t now = jmx_now_ms();
	enum jmx_control_answer ans;
	struct jmx_run_rec rec;
	struct jmx_err err;
	char *text, *verb, *actor;
	int64_t run, gone, ended, cmd, got;
	int alive;
	pid_t pid;

	run = new_run(st, JMX_RUN_RUNNING, now);
	memset(&err, 0, sizeof err);
	is_int(jmx_control_check(st, run, JMX_CONTROL_PAUSE, &rec, &alive,
	    &err), JMX_OK, "check: pause a running run");
	ok(alive, "... its controller (this process) is alive");
	is_int(rec.id, run, "... the record is handed back");
	jmx_run_rec_free(&rec);
	is_int(jmx_control_check(st, run, JMX_CONTROL_RESUME, NULL, &alive,
	    &err), JMX_ERR_STATE, "check: resume a running run is refused");
	ok(strstr(err.msg, "not paused") != NULL, "... not paused");
	is_int(jmx_control_check(st, 99999, JMX_CONTROL_STOP, NULL, &alive,
	    &err), JMX_ERR_NOTFOUND, "check: no such run");
	is_int(jmx_control_post(st, run, JMX_CONTROL_ATTACH, "me", &cmd,
	    &err), JMX_ERR_USAGE, "attach is not posted");

	/* Answered: the text comes back. */
	is_int(jmx_control_post(st, run, JMX_CONTROL_PAUSE, "me@here", &cmd,
	    &err), JMX_OK, "post pause");
	jmx_store_command_next(st, run, 0, &got, &verb, &actor, &err);
	is_int(got, cmd, "the controller sees it");
	is_str(verb, "pause", "... as pause");
	is_str(actor, "me@here", "... from its actor");
	free(verb);
	free(actor);
	jmx_store_command_done(st, cmd, 1, "10 s of 20 s run", &err);
	is_int(jmx_control_wait(st, run, cmd, 1000, &ans, &text, &err),
	    JMX_OK, "wait");
	is_int(ans, JMX_CONTROL_DONE, "... done");
	is_str(text, "10 s of 20 s run", "... with the answer");
	free(text);

	jmx_control_post(st, run, JMX_CONTROL_RESUME, "me", &cmd, &err);
	jmx_store_command_done(st, cmd, 0, "no agent left", &err);
	jmx_control_wait(st, run, cmd, 1000, &ans, &text, &err);
	is_int(ans, JMX_CONTROL_FAILED, "a refused command: failed");
	is_str(text, "no agent left", "... with the reason");
	free(text);

	/* Nobody answers: a timeout while the controller lives. */
	jmx_control_post(st, run, JMX_CONTROL_STOP, "me", &cmd, &err);
	got = jmx_mono_ms();
	jmx_control_wait(st, run, cmd, 500, &ans, &text, &err);
	is_int(ans, JMX_CONTROL_TIMEOUT, "no answer: timeout");
	ok(text == NULL, "... and no text");
	ok(jmx_mono_ms() - got >= 500 && jmx_mono_ms() - got < 2000,
	    "... after the timeout");

	/* The controller dies: the wait does not sit out its timeout. */
	if ((pid = fork()) == 0) {
		pause();
		_exit(0);
	}
	gone = new_run(st, JMX_RUN_RUNNING, now);
	jmx_store_run_get(st, gone, &rec, &err);
	rec.controller_pid = pid;
	jmx_store_run_update(st, &rec, &err);
	jmx_run_rec_free(&rec);
	jmx_control_post(st, gone, JMX_CONTROL_STOP, "me", &cmd, &err);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	got = jmx_mono_ms();
	jmx_control_wait(st, gone, cmd, 60000, &ans, &text, &err);
	is_int(ans, JMX_CONTROL_GONE, "controller died: gone");
	ok(jmx_mono_ms() - got < 5000, "... noticed at once");
	is_int(jmx_control_check(st, gone, JMX_CONTROL_ATTACH, NULL, &alive,
	    &err), JMX_OK, "attach to it: allowed by state");
	ok(!alive, "... and its controller is gone");

	/* An answer given just before the controller exited still counts. */
	ended = new_run(st, JMX_RUN_STOPPING, now);
	jmx_control_post(st, ended, JMX_CONTROL_STOP, "me", &cmd, &err);
	jmx_store_command_done(st, cmd, 1, "stopped", &err);
	jmx_store_run_set_state(st, ended, JMX_RUN_STOPPED, &err);
	jmx_control_wait(st, ended, cmd, 1000, &ans, &text, &err);
	is_int(ans, JMX_CONTROL_DONE, "answered, then ended: done");
	free(text);
}

static void
add_sample(struct jmx_agg *agg, int64_t ts, int success)
{
	struct jmx_sample s;

	memset(&s, 0, sizeof s);
	s.ts = ts;
	s.elapsed = 50;
	s.label.p = "Home";
	s.label.len = 4;
	s.success = success;
	s.sample_count = 1;
	s.error_count = success ? 0 : 1;
	s.have = JMX_JTL_TIMESTAMP | JMX_JTL_ELAPSED | JMX_JTL_LABEL |
	    JMX_JTL_SUCCESS;
	jmx_agg_add(agg, &s, 0);
}

static void
test_status(struct jmx_store *st)
{
	const int64_t now = 2000000000000LL, t0 = now - 8000;
	struct jmx_control_status s;
	struct jmx_segment_rec seg;
	struct jmx_run_rec rec;
	struct jmx_agg *agg;
	struct jmx_err err;
	int64_t run;
	int i;

	memset(&s, 0, sizeof s);
	jmx_control_status_free(&s);
	is_int(jmx_control_status(st, 99999, now, &s, &err),
	    JMX_ERR_NOTFOUND, "status of no run: not found");
	jmx_control_status_free(&s);
	ok(s.agents == NULL && s.nagents == 0 && s.rec.test_case == NULL,
	    "... and its status frees");

	run = new_run(st, JMX_RUN_RUNNING, now);
	jmx_store_run_get(st, run, &rec, &err);
	rec.duration_ms = 20000;
	rec.start_ms = t0;
	jmx_store_run_update(st, &rec, &err);
	memset(&seg, 0, sizeof seg);
	seg.run_id = run;
	seg.agent = "a1";
	seg.state = JMX_SEGMENT_RUNNING;
	seg.start_ms = t0;
	jmx_store_segment_create(st, &seg, &err);
	agg = jmx_agg_new();
	for (i = 0; i < 30; i++)
		add_sample(agg, t0 + i * 100, i % 10 != 0);
	jmx_store_put_agg(st, run, seg.id, agg, &err);
	jmx_agg_free(agg);

	is_int(jmx_control_status(st, run, now, &s, &err), JMX_OK,
	    "status of a running run");
	is_int(s.samples, 30, "samples so far from the buckets");
	is_int(s.errors, 3, "failed samples so far");
	is_int(s.elapsed_ms, 8000, "elapsed: since the generation's T0");
	is_int(s.remaining_ms, 12000, "remaining: the duration less that");
	ok(s.alive, "its controller is alive");
	jmx_control_status_free(&s);

	/* Paused after 8 s: the clock stops; a resume's T0 starts it. */
	rec.state = JMX_RUN_PAUSED;
	rec.active_ms = 8000;
	jmx_store_run_update(st, &rec, &err);
	jmx_control_status(st, run, now + 60000, &s, &err);
	is_int(s.elapsed_ms, 8000, "paused: elapsed stands still");
	is_int(s.remaining_ms, 12000, "paused: so does remaining");
	jmx_control_status_free(&s);
	rec.state = JMX_RUN_RUNNING;
	jmx_store_run_update(st, &rec, &err);
	seg.gen = 1;
	seg.start_ms = now + 60000;
	jmx_store_segment_create(st, &seg, &err);
	seg.start_ms = now + 60500;	/* a taker, later in the generation */
	jmx_store_segment_create(st, &seg, &err);
	jmx_control_status(st, run, now + 63000, &s, &err);
	is_int(s.elapsed_ms, 11000, "resumed: the first 8 s plus 3 s");
	is_int(s.remaining_ms, 9000, "resumed: 9 s left");
	jmx_control_status_free(&s);
	jmx_control_status(st, run, now + 90000, &s, &err);
	is_int(s.remaining_ms, 0, "past the duration: 0 left, not negative");
	jmx_control_status_free(&s);

	rec.duration_ms = 0;
	jmx_store_run_update(st, &rec, &err);
	jmx_control_status(st, run, now + 63000, &s, &err);
	is_int(s.remaining_ms, -1, "no planned duration: remaining unknown");
	jmx_control_status_free(&s);

	rec.state = JMX_RUN_COMPLETED;
	rec.samples = 31;
	rec.active_ms = 20000;
	jmx_store_run_update(st, &rec, &err);
	jmx_control_status(st, run, now + 63000, &s, &err);
	is_int(s.samples, 31, "a final run: the row's reconciled total");
	is_int(s.elapsed_ms, 20000, "a final run: its active time");
	ok(!s.alive, "a final run has no controller");
	jmx_control_status_free(&s);
	jmx_run_rec_free(&rec);
}

int
main(void)
{
	const char *dir = tap_tmpdir();
	struct jmx_store *st = NULL;
	struct jmx_err err;
	char db[512];

	test_table();
	test_alive();
	snprintf(db, sizeof db, "%s/jmx.db", dir);
	if (jmx_store_open(db, &st, &err) != JMX_OK) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}
	test_rec_free(st);
	test_post_wait(st);
	test_status(st);
	jmx_store_close(st);
	return done_testing();
}

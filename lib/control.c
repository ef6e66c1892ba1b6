/*
 * control.c: run control from another process, and the rules the
 * client and the runner share (control.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

static const char *const verb_names[JMX_CONTROL_NVERBS] = {
	[JMX_CONTROL_PAUSE] = "pause",
	[JMX_CONTROL_RESUME] = "resume",
	[JMX_CONTROL_STOP] = "stop",
	[JMX_CONTROL_ATTACH] = "attach"
};

/* Why a verb is refused; each has one text, in jmx_control_allowed(). */
enum why {
	OK = 0,
	ENDED,		/* run 3 has ended (completed): nothing to stop */
	ALREADY,	/* run 3 is already paused */
	NOT		/* run 3 is starting, not running: cannot pause */
};

struct rule {
	enum why		why;
	enum jmx_run_state	want;	/* for NOT: the state it needs */
};

#define R(w)	{ w, JMX_RUN_RUNNING }
#define NOT_RUNNING	{ NOT, JMX_RUN_RUNNING }
#define NOT_PAUSED	{ NOT, JMX_RUN_PAUSED }
#define FINAL_STATES							\
	[JMX_RUN_COMPLETED] = R(ENDED), [JMX_RUN_PARTIAL] = R(ENDED),	\
	[JMX_RUN_STOPPED] = R(ENDED), [JMX_RUN_FAILED] = R(ENDED)

/*
 * Which verb is allowed in which state.  pause needs a running run and
 * resume a paused one; stop and attach take any run that has not ended
 * (stop while it is starting, pausing or resuming too: the controller
 * stops whatever it is doing).  Whether attach may replace the
 * controller is a question of liveness, not of state.
 */
static const struct rule rules[JMX_CONTROL_NVERBS][JMX_RUN_FAILED + 1] = {
	[JMX_CONTROL_PAUSE] = {
		[JMX_RUN_VALIDATING] = NOT_RUNNING,
		[JMX_RUN_STARTING] = NOT_RUNNING,
		[JMX_RUN_RUNNING] = R(OK),
		[JMX_RUN_PAUSING] = R(ALREADY),
		[JMX_RUN_PAUSED] = R(ALREADY),
		[JMX_RUN_RESUMING] = NOT_RUNNING,
		[JMX_RUN_STOPPING] = NOT_RUNNING,
		FINAL_STATES
	},
	[JMX_CONTROL_RESUME] = {
		[JMX_RUN_VALIDATING] = NOT_PAUSED,
		[JMX_RUN_STARTING] = NOT_PAUSED,
		[JMX_RUN_RUNNING] = NOT_PAUSED,
		[JMX_RUN_PAUSING] = NOT_PAUSED,
		[JMX_RUN_PAUSED] = R(OK),
		[JMX_RUN_RESUMING] = R(ALREADY),
		[JMX_RUN_STOPPING] = NOT_PAUSED,
		FINAL_STATES
	},
	[JMX_CONTROL_STOP] = {
		[JMX_RUN_VALIDATING] = R(OK),
		[JMX_RUN_STARTING] = R(OK),
		[JMX_RUN_RUNNING] = R(OK),
		[JMX_RUN_PAUSING] = R(OK),
		[JMX_RUN_PAUSED] = R(OK),
		[JMX_RUN_RESUMING] = R(OK),
		[JMX_RUN_STOPPING] = R(ALREADY),
		FINAL_STATES
	},
	[JMX_CONTROL_ATTACH] = {
		[JMX_RUN_VALIDATING] = R(OK),
		[JMX_RUN_STARTING] = R(OK),
		[JMX_RUN_RUNNING] = R(OK),
		[JMX_RUN_PAUSING] = R(OK),
		[JMX_RUN_PAUSED] = R(OK),
		[JMX_RUN_RESUMING] = R(OK),
		[JMX_RUN_STOPPING] = R(OK),
		FINAL_STATES
	}
};

const char *
jmx_control_verb_name(enum jmx_control_verb v)
{
	return (unsigned)v < JMX_CONTROL_NVERBS ? verb_names[v] : "?";
}

int
jmx_control_verb_parse(const char *s, enum jmx_control_verb *v)
{
	int i;

	for (i = 0; s != NULL && i < JMX_CONTROL_NVERBS; i++)
		if (strcmp(s, verb_names[i]) == 0) {
			*v = (enum jmx_control_verb)i;
			return 0;
		}
	return -1;
}

int
jmx_control_allowed(enum jmx_control_verb v, int64_t run,
    enum jmx_run_state st, char *msg, size_t len)
{
	const struct rule *r;

	if ((unsigned)v >= JMX_CONTROL_NVERBS ||
	    (unsigned)st > JMX_RUN_FAILED) {
		snprintf(msg, len, "run %lld: unknown command or state",
		    (long long)run);
		return 0;
	}
	r = &rules[v][st];
	switch (r->why) {
	case OK:
		return 1;
	case ENDED:
		snprintf(msg, len, "run %lld has ended (%s): nothing to %s%s",
		    (long long)run, jmx_run_state_name(st), verb_names[v],
		    v == JMX_CONTROL_ATTACH ? " to" : "");
		break;
	case ALREADY:
		snprintf(msg, len, "run %lld is already %s", (long long)run,
		    jmx_run_state_name(st));
		break;
	case NOT:
		snprintf(msg, len, "run %lld is %s, not %s: cannot %s",
		    (long long)run, jmx_run_state_name(st),
		    jmx_run_state_name(r->want), verb_names[v]);
		break;
	}
	return 0;
}

enum jmx_code
jmx_control_check(struct jmx_store *st, int64_t run,
    enum jmx_control_verb v, struct jmx_run_rec *out, int *alive,
    struct jmx_err *err)
{
	struct jmx_run_rec rec;
	char msg[256];
	enum jmx_code code = JMX_OK;

	*alive = 0;
	if (jmx_store_run_get(st, run, &rec, err) != JMX_OK)
		code = err->code;
	else if (!jmx_control_allowed(v, run, rec.state, msg, sizeof msg))
		code = jmx_err_set(err, JMX_ERR_STATE, "%s", msg);
	else
		*alive = jmx_run_controller_alive(&rec, jmx_now_ms());
	if (out != NULL)
		*out = rec;
	else
		jmx_run_rec_free(&rec);
	return code;
}

enum jmx_code
jmx_control_post(struct jmx_store *st, int64_t run, enum jmx_control_verb v,
    const char *actor, int64_t *cmd, struct jmx_err *err)
{
	if (v == JMX_CONTROL_ATTACH || (unsigned)v >= JMX_CONTROL_NVERBS)
		return jmx_err_set(err, JMX_ERR_USAGE, "%s is not a command "
		    "to a controller", jmx_control_verb_name(v));
	return jmx_store_command_add(st, run, verb_names[v], actor, cmd, err);
}

/* The command's state: 1 answered (*ans, *text set), 0 pending, -1 error. */
static int
answered(struct jmx_store *st, int64_t cmd, enum jmx_control_answer *ans,
    char **text, struct jmx_err *err)
{
	char *state = NULL, *result = NULL;
	int done = 1;

	if (jmx_store_command_get(st, cmd, &state, &result, err) != JMX_OK)
		return -1;
	if (strcmp(state, "done") == 0)
		*ans = JMX_CONTROL_DONE;
	else if (strcmp(state, "failed") == 0)
		*ans = JMX_CONTROL_FAILED;
	else
		done = 0;
	free(state);
	if (done)
		*text = result;
	else
		free(result);
	return done;
}

enum jmx_code
jmx_control_wait(struct jmx_store *st, int64_t run, int64_t cmd,
    int64_t timeout_ms, enum jmx_control_answer *ans, char **text,
    struct jmx_err *err)
{
	struct timespec pause = { 0, 200 * 1000000L };
	struct jmx_run_rec rec;
	int64_t until = jmx_mono_ms() + timeout_ms;
	int done, alive;

	*text = NULL;
	*ans = JMX_CONTROL_TIMEOUT;
	for (;;) {
		if ((done = answered(st, cmd, ans, text, err)) != 0)
			return done < 0 ? err->code : JMX_OK;
		if (jmx_store_run_get(st, run, &rec, err) != JMX_OK)
			return err->code;
		alive = jmx_run_controller_alive(&rec, jmx_now_ms());
		jmx_run_rec_free(&rec);
		if (!alive) {
			/* It may have answered just before it exited. */
			if ((done = answered(st, cmd, ans, text, err)) != 0)
				return done < 0 ? err->code : JMX_OK;
			*ans = JMX_CONTROL_GONE;
			return JMX_OK;
		}
		if (jmx_mono_ms() >= until)
			return JMX_OK;
		nanosleep(&pause, NULL);
	}
}

/* The current generation's T0: its earliest segment start; 0 if none. */
static enum jmx_code
generation_t0(struct jmx_store *st, int64_t run, int64_t *t0,
    struct jmx_err *err)
{
	struct jmx_segment_rec *v;
	int i, n, gen = -1;

	*t0 = 0;
	if (jmx_store_segments(st, run, &v, &n, err) != JMX_OK)
		return err->code;
	for (i = 0; i < n; i++)
		if (v[i].gen > gen)
			gen = v[i].gen;
	for (i = 0; i < n; i++)
		if (v[i].gen == gen && v[i].start_ms > 0 &&
		    (*t0 == 0 || v[i].start_ms < *t0))
			*t0 = v[i].start_ms;
	jmx_segment_recs_free(v, n);
	return JMX_OK;
}

enum jmx_code
jmx_control_status(struct jmx_store *st, int64_t run, int64_t now_ms,
    struct jmx_control_status *s, struct jmx_err *err)
{
	int64_t gen_t0 = 0;

	memset(s, 0, sizeof *s);
	if (jmx_store_run_get(st, run, &s->rec, err) != JMX_OK ||
	    jmx_store_run_agents(st, run, &s->agents, &s->nagents, err) !=
	    JMX_OK)
		return err->code;
	if (jmx_store_run_counts(st, run, &s->samples, &s->errors, err) !=
	    JMX_OK || generation_t0(st, run, &gen_t0, err) != JMX_OK)
		return err->code;
	/* A final run's row has the reconciled total. */
	if (jmx_run_state_final(s->rec.state))
		s->samples = s->rec.samples;
	s->elapsed_ms = jmx_run_active_ms(&s->rec, gen_t0, now_ms);
	s->remaining_ms = -1;
	if (s->rec.duration_ms > 0) {
		s->remaining_ms = s->rec.duration_ms - s->elapsed_ms;
		if (s->remaining_ms < 0 || jmx_run_state_final(s->rec.state))
			s->remaining_ms = 0;
	}
	s->alive = jmx_run_controller_alive(&s->rec, now_ms);
	return JMX_OK;
}

void
jmx_control_status_free(struct jmx_control_status *s)
{
	if (s == NULL)
		return;
	jmx_run_agent_recs_free(s->agents, s->nagents);
	jmx_run_rec_free(&s->rec);
	memset(s, 0, sizeof *s);
}

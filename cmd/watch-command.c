/*
 * watch-command.c: what jmx-watch's keys ask of the run's controller
 * (pause, resume, stop).  The watcher's own handle stays read-only: a
 * command is posted through a writable handle opened for it, and its
 * answer is looked for at each refresh without waiting.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "control.h"
#include "store.h"
#include "watch-screen.h"
#include "xmalloc.h"

int
watch_command(struct watch *w, enum jmx_control_verb v)
{
	struct jmx_store *rw = NULL;
	struct jmx_err err = { 0 };
	char actor[256], *db;
	int alive, rc = -1;

	if (w->cmd != 0) {
		snprintf(w->msg, sizeof w->msg, "still waiting for the answer "
		    "to %s", jmx_control_verb_name(w->cmd_verb));
		return -1;
	}
	if (jmx_control_check(w->c.store, w->run, v, NULL, &alive, &err) !=
	    JMX_OK) {
		snprintf(w->msg, sizeof w->msg, "%s", err.msg);
		return -1;
	}
	if (!alive) {
		snprintf(w->msg, sizeof w->msg, "run %lld has no live "
		    "controller; take it over with 'jmx-run attach %lld'",
		    (long long)w->run, (long long)w->run);
		return -1;
	}
	cli_actor(actor, sizeof actor);
	xasprintf(&db, "%s/jmx.db", w->c.home_dir);
	if (jmx_store_open(db, &rw, &err) == JMX_OK &&
	    jmx_control_post(rw, w->run, v, actor, &w->cmd, &err) == JMX_OK) {
		w->cmd_verb = v;
		snprintf(w->msg, sizeof w->msg, "%s: asked, waiting for the "
		    "controller", jmx_control_verb_name(v));
		rc = 0;
	} else
		snprintf(w->msg, sizeof w->msg, "%s", err.msg);
	jmx_store_close(rw);
	free(db);
	return rc;
}

void
watch_command_poll(struct watch *w)
{
	enum jmx_control_answer ans;
	struct jmx_err err = { 0 };
	char *text = NULL;
	const char *verb = jmx_control_verb_name(w->cmd_verb);

	if (w->cmd == 0)
		return;
	/* No wait: one look at the answer, the screen goes on. */
	if (jmx_control_wait(w->c.store, w->run, w->cmd, 0, &ans, &text,
	    &err) != JMX_OK) {
		snprintf(w->msg, sizeof w->msg, "%s", err.msg);
		w->cmd = 0;
		return;
	}
	switch (ans) {
	case JMX_CONTROL_TIMEOUT:
		return;
	case JMX_CONTROL_DONE:
		snprintf(w->msg, sizeof w->msg, "%s: %s", verb,
		    text != NULL ? text : "done");
		break;
	case JMX_CONTROL_FAILED:
		snprintf(w->msg, sizeof w->msg, "%s failed: %s", verb,
		    text != NULL ? text : "refused");
		break;
	case JMX_CONTROL_GONE:
		snprintf(w->msg, sizeof w->msg, "%s: the controller is gone "
		    "(jmx-run attach %lld)", verb, (long long)w->run);
		break;
	}
	free(text);
	w->cmd = 0;
}

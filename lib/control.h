/*
 * control.h: run control from another process (jmx-run pause/resume/
 * stop/attach/status, jmx-watch keys, jmx-schedule) and the rules both
 * sides share.
 *
 * A client asks a run's controller through the commands table: it
 * checks the verb against the run's state (jmx_control_allowed(), the
 * same table the runner answers by), checks that the run has a live
 * controller (jmx_run_controller_alive() in store.h), posts the command
 * and waits for the controller's answer.  Nothing here prints.
 */
#ifndef JMX_CONTROL_H
#define JMX_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

/* What can be asked of a run.  attach is not a command: it replaces a
 * controller that is gone. */
enum jmx_control_verb {
	JMX_CONTROL_PAUSE = 0,
	JMX_CONTROL_RESUME,
	JMX_CONTROL_STOP,
	JMX_CONTROL_ATTACH
};
#define JMX_CONTROL_NVERBS	4

/* "pause", ...; parse returns -1 for a word that is not a verb. */
const char	*jmx_control_verb_name(enum jmx_control_verb);
int		 jmx_control_verb_parse(const char *, enum jmx_control_verb *);

/*
 * May verb act on run in state?  1 if so; if not 0, with the refusal in
 * msg ("run 12 is already paused").  The one table, used by the client
 * before it posts and by the runner when it answers.
 */
int		 jmx_control_allowed(enum jmx_control_verb, int64_t run,
		    enum jmx_run_state, char *msg, size_t len);

/*
 * Before asking: read the run, check verb against its state and see
 * whether it has a live controller.  JMX_ERR_NOTFOUND for no such run,
 * JMX_ERR_STATE with the table's refusal; otherwise JMX_OK and *alive.
 * rec, if not NULL, receives the run (the caller frees it, also on
 * failure).
 */
enum jmx_code	 jmx_control_check(struct jmx_store *, int64_t run,
		    enum jmx_control_verb, struct jmx_run_rec *rec, int *alive,
		    struct jmx_err *);

/*
 * Post a command (not attach) for the run's controller, as actor
 * ("root@host (pid 12)", for the timeline); *cmd is its id for
 * jmx_control_wait().  Call jmx_control_check() first.
 */
enum jmx_code	 jmx_control_post(struct jmx_store *, int64_t run,
		    enum jmx_control_verb, const char *actor, int64_t *cmd,
		    struct jmx_err *);

/* How a command ended, as far as its sender can tell. */
enum jmx_control_answer {
	JMX_CONTROL_DONE = 0,	/* the controller did it */
	JMX_CONTROL_FAILED,	/* the controller refused or failed */
	JMX_CONTROL_GONE,	/* the controller died before answering */
	JMX_CONTROL_TIMEOUT	/* no answer within the timeout */
};

/*
 * Wait up to timeout_ms for the answer to command cmd of run, polling
 * the store; stop early when the run's controller is no longer alive.
 * *text is the controller's answer (done or failed), NULL otherwise;
 * the caller frees it.
 */
enum jmx_code	 jmx_control_wait(struct jmx_store *, int64_t run,
		    int64_t cmd, int64_t timeout_ms,
		    enum jmx_control_answer *, char **text, struct jmx_err *);

/* Where a run is, for jmx-run status and jmx-watch. */
struct jmx_control_status {
	struct jmx_run_rec		 rec;
	struct jmx_run_agent_rec	*agents;	/* nagents of them */
	int				 nagents;
	int64_t				 samples;	/* stored so far */
	int64_t				 errors;	/* failed samples */
	int64_t				 elapsed_ms;	/* active, no pauses */
	int64_t				 remaining_ms;	/* -1: no duration */
	int				 alive;		/* has a controller */
};

/*
 * Read run's status as of now_ms.  Owned by the caller:
 * jmx_control_status_free() (safe on a zeroed or failed status).
 */
enum jmx_code	 jmx_control_status(struct jmx_store *, int64_t run,
		    int64_t now_ms, struct jmx_control_status *,
		    struct jmx_err *);
void		 jmx_control_status_free(struct jmx_control_status *);

#endif

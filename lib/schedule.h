/*
 * schedule.h: jmx-schedule's tasks in the store, and the tick that starts
 * them.
 *
 * A task is a test case with jmx-run's options, a time (one-off) or a
 * cron expression in a time zone (recurring), and notice targets.  Its
 * next due time is kept in tasks.next_ms; the tick claims a due time by
 * inserting the task_runs row for it and moving next_ms on, in one
 * BEGIN IMMEDIATE transaction, so two ticks never start it twice.  Every
 * notice is claimed the same way (a notices row per task, due time, kind
 * and target) before it is sent, so each is sent once.
 *
 * Every time comes from jmx_now_ms() (JMX_NOW sets it for tests).
 */
#ifndef JMX_SCHEDULE_H
#define JMX_SCHEDULE_H

#include <stdint.h>

#include "err.h"

struct jmx_store;

/* Catch-up: a due time missed by more than this is skipped (--late). */
#define JMX_SCHEDULE_LATE_MS	(10 * 60 * 1000)

/* One task; strings and arrays owned by it (jmx_task_free). */
struct jmx_task {
	int64_t	  id;
	char	 *test_case;		/* TEST-CASE */
	int64_t	  created_ms;
	char	 *cron;			/* --cron; NULL for --at / --in */
	char	 *tz;			/* TZ when added; NULL: the system's */
	int64_t	  next_ms;		/* next due time; 0 when none */
	char	 *state;		/* active, paused, cancelled, done */
	int64_t	  notify_before_ms;	/* --notify-before; 0 none */
	int64_t	  late_ms;		/* --late */
	int64_t	  retry_ms;		/* --retry: agents busy or down */
	char	 *config;		/* configuration file, absolute */
	char	**args;			/* jmx-run options, argv form */
	int	  nargs;
	char	**targets;		/* --notify, else the test's notify: */
	int	  ntargets;
};

/* A due time of a task and what became of it (task_runs). */
struct jmx_task_run {
	int64_t	 id;
	int64_t	 task_id;
	int64_t	 due_ms;
	int64_t	 claimed_ms;
	int64_t	 run_id;		/* 0 until a run started */
	char	*state;	/* starting, retrying, started, finished, failed,
			   skipped */
	char	*detail;
};

void		jmx_task_free(struct jmx_task *);
void		jmx_task_runs_free(struct jmx_task_run *, int);

/* Store a new task; sets t->id. */
enum jmx_code	jmx_schedule_add(struct jmx_store *, struct jmx_task *,
		    struct jmx_err *);
/* Fill t (zeroed first); JMX_ERR_NOTFOUND for an unknown id. */
enum jmx_code	jmx_schedule_get(struct jmx_store *, int64_t id,
		    struct jmx_task *, struct jmx_err *);
/* All tasks, oldest first; *v owned by the caller (free each, then v). */
enum jmx_code	jmx_schedule_list(struct jmx_store *, struct jmx_task **v,
		    int *n, struct jmx_err *);
/* A task's due times, oldest first; jmx_task_runs_free(). */
enum jmx_code	jmx_schedule_runs(struct jmx_store *, int64_t task,
		    struct jmx_task_run **v, int *n, struct jmx_err *);
/*
 * cancel, pause or resume a task (verb).  JMX_ERR_STATE when the task
 * cannot: pause and resume only a recurring task, a cancelled or done
 * task nothing.  resume moves next_ms to the first time after now.
 */
enum jmx_code	jmx_schedule_set_state(struct jmx_store *, int64_t id,
		    const char *verb, struct jmx_err *);
/* The task that started a run, or 0. */
int64_t		jmx_schedule_task_of_run(struct jmx_store *, int64_t run);

/*
 * The next due time of a recurring task after after_ms (its cron in its
 * zone); JMX_ERR_USAGE if the expression is bad or never runs.
 */
enum jmx_code	jmx_schedule_next(const char *cron, const char *tz,
		    int64_t after_ms, int64_t *next, struct jmx_err *);

/* What a tick needs besides the store. */
struct jmx_tick {
	const char		*jmx_run;	/* the jmx-run program */
	const char		*home;		/* --home for jmx-run */
	int			 started;	/* out: runs started */
	int			 notices;	/* out: notices sent */
	int			 failed;	/* out: tasks that failed */
};

/*
 * One tick: "starting soon" notices inside their window, due tasks
 * claimed and started (jmx-run --detach, the run recorded against the
 * task), start retries of tasks whose agents were busy or down, and
 * finish notices for runs that ended.  Nothing here fails a task
 * because a notice failed.  An error only for the store.
 */
enum jmx_code	jmx_schedule_tick(struct jmx_store *, struct jmx_tick *,
		    struct jmx_err *);

#endif

/*
 * runner-int.h: the runner's private state and the helpers its files
 * share (runner.c: phases, poll loop and end; takeover.c: attach to a
 * run whose controller is gone).  Not installed; included only by the
 * runner's own files, like libarchive's archive_private.h.  The shared
 * helpers carry the jmx_runner_ prefix but are no public interface.
 */
#ifndef JMX_RUNNER_INT_H
#define JMX_RUNNER_INT_H

#include <signal.h>
#include <stdint.h>

#include "agent.h"
#include "config.h"
#include "err.h"
#include "runner.h"
#include "store.h"

struct jmx_hist;
struct jmx_plan;
struct jmx_seg;
struct jmx_split;

/* One agent of the run (or a spare). */
struct ragent {
	struct jmx_agent	 a;		/* probed; session for probes */
	struct jmx_err		 verr;		/* validation problem */
	double			 weight;
	int			 max_threads;
	int			 peak_threads;	/* its share at peak */
	struct jmx_runner	*r;
	int			 idx;
	const char		*state;		/* before its first segment */
	int64_t			 first_start;	/* of its first segment */
	int			 lost;		/* a segment of it was lost */
	int			 spare;		/* joined to replace a lost one */
	int			 joined;	/* (in spares) it did join */
};

struct move;

struct jmx_runner {
	const struct jmx_config		*cfg;
	const struct jmx_run_request	*req;
	struct jmx_store		*store;
	const char			*home;
	struct jmx_test_conf		 adhoc;	/* a bare .jmx path */
	const struct jmx_test_conf	*test;
	struct jmx_prop			*props;	/* test's, then -J */
	int				 nprops;
	struct jmx_plan			*plan;
	struct jmx_split		*split;
	struct ragent			*agents;	/* the split's, then
							   spares that joined */
	int				 n;
	int				 nsplit;	/* agents in the split */
	struct ragent			*spares;	/* configured, not in */
	int				 nspares;
	struct jmx_seg			**segs;	/* every segment, in order */
	int				 nsegs;

	struct jmx_run_rec		 rec;
	int64_t				 t0;	/* first start, our clock */
	int				 gen;	/* current generation */
	int64_t				 gen_t0;	/* its T0 */
	int				 aborted;	/* on_agent_failure: abort */
	int				 finishing;	/* in jmx_runner_finish */
	struct move			*standby;	/* takers staged ahead */
	int64_t				 duration_ms;	/* planned, 0 unknown */
	int64_t				 ramp_ms;

	volatile sig_atomic_t		 stop_level;	/* from signals */
	int				 stop_sent;
	int				 stopping;	/* a stop was asked */
	int				 pausing;
	int64_t				 pause_ms;	/* when it was asked */
	int				 start_failed;
	int64_t				 cmd_id;	/* awaiting its end */
	char				*cmd_actor;

	/* Progress over a short window. */
	struct jmx_hist			*window;
	int64_t				 window_start;
	int64_t				 window_samples;
	double				 rate;
	int64_t				 p95;
	int64_t				 samples;
	int64_t				 errors;
	int64_t				 last_heartbeat;
	int64_t				 last_command;
	char				*archive;
	struct jmx_agent_holder		 lock_me; /* of agent locks */
};

/* The run's agent of that name, or NULL. */
struct ragent	*jmx_runner_agent_named(struct jmx_runner *, const char *);
/* Append an agent to a list (the run's agents or its spares). */
struct ragent	*jmx_runner_append_agent(struct jmx_runner *, struct ragent **,
		    int *n, const struct jmx_agent_conf *);
/* Weight and capacity: configured, else from the probe. */
void		jmx_runner_set_capacity(struct jmx_runner *, struct ragent *);
/* Probe the spares for their capacity (see runner.c). */
void		jmx_runner_probe_spares(struct jmx_runner *);
/*
 * Lock the run's agents on the agents themselves (agent.c), all at once:
 * all or none (all_or_none), else as many as can be, the rest logged.
 */
enum jmx_code	jmx_runner_lock_agents(struct jmx_runner *, int all_or_none,
		    struct jmx_err *);
/* Give a segment the plan's side groups (setUp, tearDown, sync). */
void		jmx_runner_side_groups(struct jmx_runner *, struct jmx_seg *);
/* Add a segment to the run's list (the runner owns it). */
void		jmx_runner_add_seg(struct jmx_runner *, struct jmx_seg *);
/* When the current generation is planned to end (our clock); 0 none. */
int64_t		jmx_runner_planned_end(struct jmx_runner *);
/* Record an event of the run (actor NULL: the controller). */
void		jmx_runner_event(struct jmx_runner *, const char *kind,
		    const char *agent, const char *detail, const char *actor);
/* Begin a stop: 1 graceful, 2 at once. */
void		jmx_runner_begin_stop(struct jmx_runner *, int level,
		    const char *actor);

#endif

/*
 * runner-int.h: the runner's private state and the helpers its files
 * share (runner.c: phases, poll loop and end; validate.c: choosing and
 * validating agents, the split; handover.c: lost and suspect segments,
 * their load moved; takeover.c: attach to a run whose controller is
 * gone).  Not installed; included only by the runner's own files, like
 * libarchive's archive_private.h.  The shared helpers carry the
 * jmx_runner_ prefix but are no public interface.
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
#include "stream.h"

struct jmx_buf;
struct jmx_data_file;
struct jmx_data_pos;
struct jmx_hist;
struct jmx_part;
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

/*
 * One segment to start: where (an index into r->agents, not a pointer:
 * joining a spare may move the array), which part of the load, which
 * data.
 */
struct placement {
	int			 agent;
	const struct jmx_part	*part;
	const char		*slice;		/* tag of its data slices */
	int64_t			 replaces;	/* the lost segment, or 0 */
	int			 warm;		/* a warm spare's plan */
};

/* One phase of starting a generation, for every segment in parallel. */
struct phase {
	struct jmx_seg		*seg;
	volatile sig_atomic_t	 done;
	enum jmx_code		(*fn)(struct phase *);
	const struct jmx_buf	*bundle;
	int64_t			 deadline_s;
	const char *const	*args;
	int64_t			 t0;
	const char		*props;		/* more of the release file */
	int			 seen;		/* its failure acted on */
	struct move		*move;		/* died before ready: its
						   takers (first start) */
};

/* Segments started together: staged to the sync point, then released. */
struct batch {
	struct phase	*ph;
	int		 n;
	char		**args;
	struct jmx_buf	*bundles;
	int64_t		 duration_ms;
	int64_t		 ramp_ms;	/* -1: the run's */
	enum jmx_code	 code;		/* of staging */
	struct jmx_err	 err;
};

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
	struct move			*warm;		/* a warm spare, held */
	int				 warm_tried;	/* staged once, at most */
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
	struct jmx_stream		*stream;	/* --stream, stream: */
	int				 stream_tried;	/* opened, or failed */
	struct jmx_stream_stats		 stream_st;	/* at the end */
};

/* The run's agent of that name, or NULL. */
struct ragent	*jmx_runner_agent_named(struct jmx_runner *, const char *);
/* Append an agent to a list (the run's agents or its spares). */
struct ragent	*jmx_runner_append_agent(struct jmx_runner *, struct ragent **,
		    int *n, const struct jmx_agent_conf *);
/* Weight and capacity: configured, else from the probe. */
void		jmx_runner_set_capacity(struct jmx_runner *, struct ragent *);
/* Probe the spares for their capacity (see validate.c). */
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

/* Which live run holds the agent in the store, 0 if none. */
int64_t		jmx_runner_holder(struct jmx_runner *, const struct ragent *);
/* Store the agent's row in run_agents (skew -1: unknown). */
void		jmx_runner_put_agent(struct jmx_runner *, const struct ragent *,
		    int64_t skew, const char *state);
/* Store a segment's row as it is now. */
void		jmx_runner_save_segment(struct jmx_runner *, struct jmx_seg *);
/* The run's data files (*v, the caller frees it); their count. */
int		jmx_runner_run_data(struct jmx_runner *,
		    struct jmx_data_file **v);
/* Rows of s's slices that may have been in use unseen. */
int64_t		jmx_runner_rows_in_flight(struct jmx_runner *,
		    struct jmx_seg *);
/* Stage a batch of segments to the sync point (runner.c). */
void		jmx_runner_stage(struct jmx_runner *, const struct placement *,
		    int n, int64_t duration_ms, int64_t ramp_ms,
		    struct batch *);
/* Give a staged batch its T0 (or cancel it), start its workers, free it. */
enum jmx_code	jmx_runner_release(struct jmx_runner *, struct batch *,
		    int cancel, int64_t *t0, struct jmx_err *);

/* End late takers with the rest of their generation (handover.c). */
void		jmx_runner_end_takeovers(struct jmx_runner *);
/* Whether the agent has a segment carrying load now. */
int		jmx_runner_has_live(struct jmx_runner *, const struct ragent *);
/* Stop the standby's staged takers, if any, saying why. */
void		jmx_runner_cancel_standby(struct jmx_runner *, const char *why);
/* Stop the warm spare's held JMeter, if any, saying why. */
void		jmx_runner_cancel_warm(struct jmx_runner *, const char *why);
/* A JMeter of the first start died before ready: its move, or NULL. */
struct move	*jmx_runner_move_early(struct jmx_runner *, struct jmx_seg *);
/* Stage the takers of moves made while b staged; a failure fails b. */
void		jmx_runner_stage_takers(struct jmx_runner *, struct batch *b,
		    struct move **, int n);
/* Release (or cancel) the takers staged by stage_takers, record, free. */
void		jmx_runner_release_takers(struct jmx_runner *, struct move **,
		    int n, int cancel, int64_t t0);
/* Act on segments newly declared lost, and on those gone silent. */
void		jmx_runner_check_losses(struct jmx_runner *);
/* Record the main load of part as missing from from_ms to to_ms (0: on). */
void		jmx_runner_shortfall(struct jmx_runner *, const struct jmx_seg *,
		    const struct jmx_part *, const char *kind, int64_t from_ms,
		    int64_t to_ms, const char *reason);

/*
 * Where s got to in its data slices: what its worker has seen (maybe not
 * yet stored), else the stored rows.  Caller frees pos.
 */
void		jmx_runner_seg_rows(struct jmx_seg *, struct jmx_data_pos *);

#endif

/*
 * failover.h: who takes over a lost part of the load, and how much of it
 * each takes.  A pure decision: the runner describes the candidates
 * (spares and the agents of the run) as they are now, and gets back the
 * takers, each taker's part and what finds no room.  No I/O, no store:
 * the runner then joins the spares, stages the takers and records the
 * shortfall.
 */
#ifndef JMX_FAILOVER_H
#define JMX_FAILOVER_H

#include <stdint.h>

#include "part.h"

struct jmx_plan;

/* One candidate taker as the runner sees it now. */
struct jmx_failover_cand {
	int		 spare;		/* a spare: idle, kept for this */
	int		 doubt;		/* lost, or a segment of it silent */
	int		 live;		/* its segments carrying load */
	int64_t		 threads;	/* held at peak (live and staged) */
	int		 max_threads;	/* capacity (agents[].max_threads) */
};

/* The decision: takers in the order chosen. */
struct jmx_failover {
	int		 ntakers;
	int		*taker;		/* ntakers indexes into candidates */
	int		*room;		/* each taker's free room, threads */
	struct jmx_part	*parts;		/* ntakers: each taker's part */
	struct jmx_part	 rest;		/* what finds no room (shortfall) */
};

/*
 * Choose the takers of a part needing need threads among c[n]: idle
 * spares not in doubt first, in order, each with its whole capacity,
 * until their room covers need; if it does not, then every other
 * candidate that carries load now, is not in doubt and has free room,
 * with that room.  Fills taker[] and room[] (n entries at most); returns
 * how many.
 */
int		jmx_failover_takers(const struct jmx_failover_cand *c, int n,
		    int64_t need, int *taker, int *room);

/*
 * Decide the takeover of lost: the takers (jmx_failover_takers with the
 * part's peak) and the part's main load divided between them by their
 * room (jmx_failover_divide), the rest in out->rest; with no taker, all of it
 * is the rest.  out is the caller's; free it with jmx_failover_free.
 */
void		jmx_failover_plan(const struct jmx_plan *,
		    const struct jmx_part *lost, int setup_on_all,
		    const struct jmx_failover_cand *c, int n,
		    struct jmx_failover *out);
void		jmx_failover_free(struct jmx_failover *);

/*
 * Divide the main load of a lost part between n takers, taker i having
 * room for cap[i] > 0 more threads: each main group's threads by cap
 * (largest remainder), no taker over its room; if the room is short, the
 * same fraction of every group is placed and the rest goes to *rest.
 * Targets follow the threads.  setUp groups are not run again unless
 * setup_on_all (then every taker runs them); tearDown groups go to taker
 * 0.  out[n] and *rest must be initialised with the plan's ngroups.
 */
void		jmx_failover_divide(const struct jmx_plan *,
		    const struct jmx_part *lost, const int *cap, int n,
		    int setup_on_all, struct jmx_part *out,
		    struct jmx_part *rest);

#endif

/*
 * split.h: divide a plan's load between agents by weight.  Pure
 * arithmetic: the XML side is plan.h, which turns one agent's
 * jmx_plan_share into a .jmx; data files are sliced by data.h.
 *
 * Counts are divided with the largest-remainder method: agent a gets
 * floor(T * w[a] / W), and the few units left over go to the largest
 * fractional parts, so the counts always add up exactly to T.
 */
#ifndef JMX_SPLIT_H
#define JMX_SPLIT_H

#include <stdint.h>

#include "err.h"
#include "plan.h"

struct jmx_buf;

/*
 * Divide total over n weights (each > 0) into out[n], adding up to total.
 * Equal remainders go to the earlier agent.  JMX_ERR_USAGE on a bad
 * weight, n < 1 or total < 0.
 */
enum jmx_code	jmx_split_weights(const double *weights, int n, int64_t total,
		    int64_t *out, struct jmx_err *err);

/* An agent taking part; the name is copied. */
struct jmx_split_agent {
	const char	*name;		/* agents[].name */
	double		 weight;	/* agents[].weight or derived; > 0 */
	int		 max_threads;	/* agents[].max_threads; 0 = no limit */
};

/* How the thread counts of main groups are overridden (--threads). */
enum jmx_split_mode {
	JMX_SPLIT_PLAN = 0,	/* the plan's own counts */
	JMX_SPLIT_EACH,		/* "N": every main group's total becomes N */
	JMX_SPLIT_FACTOR	/* "xF": each total times F, rounded half up */
};

struct jmx_split_opts {
	enum jmx_split_mode mode;	/* tests.X.threads / --threads */
	int		 threads;	/* JMX_SPLIT_EACH */
	double		 factor;	/* JMX_SPLIT_FACTOR */
	int		 setup_on_all;	/* tests.X.setup_on_all */
	/* Copied to each share (see jmx_plan_share). */
	int64_t		 duration_s;	/* > 0: override the duration */
	int		 ramp_set;	/* override the ramp ... */
	int64_t		 ramp_s;
};

/*
 * Parse "N" (N >= 1) or "xF" (F > 0) into opts->mode and opts->threads or
 * opts->factor.  JMX_ERR_USAGE with a message naming s when malformed.
 */
enum jmx_code	jmx_split_parse_threads(const char *s, struct jmx_split_opts *,
		    struct jmx_err *err);

/* One agent's part of the load. */
struct jmx_split_share {
	char			*name;
	double			 weight;	/* as given */
	double			 fraction;	/* weight / sum of weights */
	/*
	 * Threads alive at once at worst: the largest of the setUp sum, the
	 * main groups' sum (their largest with serialize_threadgroups) and
	 * the tearDown sum.  Open model groups are not counted: their thread
	 * count depends on response times.
	 */
	int			 peak_threads;
	int			 idle;		/* no main group runs here */
	struct jmx_plan_gshare	*groups;	/* one per plan group */
	/*
	 * Ready for jmx_plan_write_share: groups, scale, duration and ramp
	 * set; the caller adds renames and sync_start.
	 */
	struct jmx_plan_share	 share;
};

struct jmx_split {
	int			 nagents;
	struct jmx_split_share	*agents;
	int			 ngroups;
	int			*totals;	/* per group, after --threads */
};

/*
 * Divide plan between agents:
 * - each enabled ThreadGroup's threads by weight (largest remainder; equal
 *   remainders go to the agent that has so far got least for its weight,
 *   then to the earlier agent, so many one-thread groups spread out);
 * - setUp/tearDown groups whole on the first agent, or whole on every
 *   agent with setup_on_all;
 * - throughput scale of a main group: the agent's weight over the weights
 *   of the agents that run the group (0 where it got no threads), so the
 *   group's total target is the plan's; open model groups and plan-level
 *   targets scale by the agent's fraction; setUp/tearDown by 1.
 * Fails with JMX_ERR_PLAN naming the agent when a share exceeds its
 * max_threads, JMX_ERR_USAGE on bad weights.  *out is the caller's.
 */
enum jmx_code	jmx_split_plan(const struct jmx_plan *,
		    const struct jmx_split_agent *agents, int nagents,
		    const struct jmx_split_opts *opts, struct jmx_split **out,
		    struct jmx_err *err);
void		jmx_split_free(struct jmx_split *);

/*
 * Append the dry-run document to out:
 * {"agents":[{"name":..,"weight":..,"thread_groups":[{"name":..,
 * "threads":..}]}]} with the plan's enabled groups in order; "threads" is
 * null for an open model group (it has rates, not threads).
 */
void		jmx_split_json(struct jmx_buf *out, const struct jmx_split *,
		    const struct jmx_plan *);

#endif

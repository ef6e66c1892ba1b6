/*
 * part.h: a part of a plan's load, what one segment runs: threads and
 * target scale per thread group, and a scale for plan-level targets.  The
 * split gives each agent its part; when an agent is lost, its part is
 * divided between the agents that take it over (failover.h).  Parts are
 * stored with their segments as text, so another controller can run them
 * again.
 */
#ifndef JMX_PART_H
#define JMX_PART_H

#include "err.h"
#include "plan.h"

struct jmx_part {
	struct jmx_plan_gshare	*groups;	/* ngroups, owned */
	int			 ngroups;
	double			 scale;		/* plan-level targets */
};

/* A part with ngroups empty groups (free with jmx_part_free). */
void		jmx_part_init(struct jmx_part *, int ngroups);
/* A copy of groups[ngroups] and scale into a zeroed or used part. */
void		jmx_part_set(struct jmx_part *, const struct jmx_plan_gshare *,
		    int ngroups, double scale);
void		jmx_part_free(struct jmx_part *);

/*
 * Threads alive at once at worst: the largest of the setUp sum, the main
 * groups' sum (their largest with serialize_threadgroups) and the
 * tearDown sum.  Open model groups are not counted.
 */
int		jmx_part_peak(const struct jmx_plan *,
		    const struct jmx_plan_gshare *groups);
/* Peak threads of the main groups alone (their largest if serialized). */
int64_t		jmx_part_main_peak(const struct jmx_plan *,
		    const struct jmx_plan_gshare *groups);
/* Threads of its main thread groups. */
int64_t		jmx_part_main_threads(const struct jmx_plan *,
		    const struct jmx_part *);
/* Do these shares run main group g (threads, or an open model's rate)? */
int		jmx_part_group_has_load(const struct jmx_plan *,
		    const struct jmx_plan_gshare *groups, int g);
/* Do they run any main group? */
int		jmx_part_has_load(const struct jmx_plan *,
		    const struct jmx_plan_gshare *groups);

/*
 * Text form: "scale threads:scale threads:scale ..." (one pair per plan
 * group), with %.17g so it parses back exactly; a plugin group's slice
 * follows its pair as "@first+len".  Caller frees.
 */
char		*jmx_part_format(const struct jmx_part *);
/* Parse it into an initialised part of ngroups groups (JMX_ERR_DATA). */
enum jmx_code	jmx_part_parse(const char *, int ngroups, struct jmx_part *,
		    struct jmx_err *);

#endif

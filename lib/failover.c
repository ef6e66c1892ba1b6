/*
 * failover.c: the takeover of a lost part decided (see failover.h).
 */
#include <stdlib.h>
#include <string.h>

#include "failover.h"
#include "part.h"
#include "plan.h"
#include "xmalloc.h"

int
jmx_failover_takers(const struct jmx_failover_cand *c, int n, int64_t need,
    int *taker, int *room)
{
	int64_t got = 0;
	int i, k = 0;

	/* Spares first: idle, kept for this. */
	for (i = 0; i < n && got < need; i++) {
		if (!c[i].spare || c[i].doubt || c[i].live > 0 ||
		    c[i].threads > 0 || c[i].max_threads <= 0)
			continue;
		taker[k] = i;
		room[k] = c[i].max_threads;
		got += room[k++];
	}
	if (got >= need)
		return k;
	/*
	 * Not enough: every agent carrying load by its free room, so the
	 * load spreads.  Never onto an agent in doubt; only where load runs
	 * now (an idle spare was taken above or cannot be).
	 */
	for (i = 0; i < n; i++) {
		if (c[i].spare || c[i].doubt || c[i].live == 0 ||
		    c[i].threads >= c[i].max_threads)
			continue;
		taker[k] = i;
		room[k++] = (int)(c[i].max_threads - c[i].threads);
	}
	return k;
}

void
jmx_failover_plan(const struct jmx_plan *plan, const struct jmx_part *lost,
    int setup_on_all, const struct jmx_failover_cand *c, int n,
    struct jmx_failover *out)
{
	int i;

	memset(out, 0, sizeof *out);
	out->taker = xcalloc((size_t)n + 1, sizeof *out->taker);
	out->room = xcalloc((size_t)n + 1, sizeof *out->room);
	out->ntakers = jmx_failover_takers(c, n,
	    jmx_part_peak(plan, lost->groups), out->taker, out->room);
	out->parts = xcalloc((size_t)out->ntakers + 1, sizeof *out->parts);
	for (i = 0; i < out->ntakers; i++)
		jmx_part_init(&out->parts[i], plan->ngroups);
	jmx_part_init(&out->rest, plan->ngroups);
	if (out->ntakers > 0)
		jmx_part_divide(plan, lost, out->room, out->ntakers,
		    setup_on_all, out->parts, &out->rest);
	else
		jmx_part_set(&out->rest, lost->groups, plan->ngroups,
		    lost->scale);
}

void
jmx_failover_free(struct jmx_failover *f)
{
	int i;

	if (f == NULL)
		return;
	for (i = 0; i < f->ntakers; i++)
		jmx_part_free(&f->parts[i]);
	jmx_part_free(&f->rest);
	free(f->parts);
	free(f->taker);
	free(f->room);
	memset(f, 0, sizeof *f);
}

/*
 * part-fixture.h: the plan and the lost part that test-part.c and
 * test-failover.c compute their expected values against.
 */
#ifndef JMX_PART_FIXTURE_H
#define JMX_PART_FIXTURE_H

#include "part.h"
#include "plan.h"

/* setUp (2), two main groups, an open model group, tearDown (1). */
static struct jmx_plan_group groups[] = {
	{ .kind = JMX_PLAN_SETUP, .name = "setup", .enabled = 1, .threads = 2 },
	{ .kind = JMX_PLAN_THREADS, .name = "users", .enabled = 1,
	  .threads = 9 },
	{ .kind = JMX_PLAN_THREADS, .name = "admins", .enabled = 1,
	  .threads = 3 },
	{ .kind = JMX_PLAN_OPEN_MODEL, .name = "open", .enabled = 1 },
	{ .kind = JMX_PLAN_TEARDOWN, .name = "teardown", .enabled = 1,
	  .threads = 1 },
};
#define NG	5

static struct jmx_plan plan = { .groups = groups, .ngroups = NG };

/* The lost part: 6 users, 2 admins, half of each target, the setUp. */
static void
lost_part(struct jmx_part *p)
{
	static const struct jmx_plan_gshare g[NG] = {
		{ 2, 1, 0, 0 }, { 6, 0.5, 0, 0 }, { 2, 0.5, 0, 0 },
		{ 0, 0.4, 0, 0 }, { 1, 1, 0, 0 }
	};

	jmx_part_init(p, NG);
	jmx_part_set(p, g, NG, 0.5);
}

#endif

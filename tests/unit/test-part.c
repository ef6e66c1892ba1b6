/*
 * test-part.c: parts of a plan's load: text form, peak threads, and the
 * division of a lost part between takers with limited room, against
 * hand-computed values.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "part.h"

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
		{ 2, 1 }, { 6, 0.5 }, { 2, 0.5 }, { 0, 0.4 }, { 1, 1 }
	};

	jmx_part_init(p, NG);
	jmx_part_set(p, g, NG, 0.5);
}

static void
test_text(void)
{
	struct jmx_part p, q;
	struct jmx_err err = { 0 };
	char *s;

	lost_part(&p);
	s = jmx_part_format(&p);
	is_str(s, "0.5 2:1 6:0.5 2:0.5 0:0.40000000000000002 1:1",
	    "text form");
	jmx_part_init(&q, NG);
	is_int(jmx_part_parse(s, NG, &q, &err), JMX_OK, "parses back");
	ok(memcmp(p.groups, q.groups, NG * sizeof *p.groups) == 0 &&
	    p.scale == q.scale, "... exactly");
	is_int(jmx_part_parse("0.5 2:1 6:0.5", NG, &q, &err), JMX_ERR_DATA,
	    "too few groups: refused");
	is_str(err.msg, "bad part \"0.5 2:1 6:0.5\": want a scale and 5 "
	    "threads:scale pairs", "... with the text in the message");
	is_int(jmx_part_parse("0.5 2:1 6:0.5 2:0.5 0:0 1:1 x", NG, &q, &err),
	    JMX_ERR_DATA, "trailing junk: refused");
	is_int(jmx_part_parse("0.5 2:1 -6:0.5 2:0.5 0:0 1:1", NG, &q, &err),
	    JMX_ERR_DATA, "negative threads: refused");
	free(s);
	jmx_part_free(&p);
	jmx_part_free(&q);
}

static void
test_peak(void)
{
	struct jmx_part p;

	lost_part(&p);
	is_int(jmx_part_peak(&plan, p.groups), 8, "peak: main groups' sum");
	is_int(jmx_part_main_threads(&plan, &p), 8, "main threads");
	plan.serialize = 1;
	is_int(jmx_part_peak(&plan, p.groups), 6, "serialized: the largest");
	plan.serialize = 0;
	ok(jmx_part_has_load(&plan, p.groups), "it has load");
	p.groups[1].threads = p.groups[2].threads = 0;
	ok(jmx_part_has_load(&plan, p.groups), "an open model rate is load");
	p.groups[3].scale = 0;
	ok(!jmx_part_has_load(&plan, p.groups), "setUp and tearDown alone are not");
	jmx_part_free(&p);
}

static void
test_divide_room(void)
{
	struct jmx_part lost, out[2], rest;
	int cap[2] = { 10, 5 }, i;

	lost_part(&lost);
	for (i = 0; i < 2; i++)
		jmx_part_init(&out[i], NG);
	jmx_part_init(&rest, NG);
	jmx_part_divide(&plan, &lost, cap, 2, 0, out, &rest);
	/* 6 users by 10:5 = 4, 2; 2 admins = 1.33, 0.67 -> 1, 1. */
	is_int(out[0].groups[1].threads, 4, "room: users to taker 0");
	is_int(out[1].groups[1].threads, 2, "room: users to taker 1");
	is_int(out[0].groups[2].threads, 1, "room: admins to taker 0");
	is_int(out[1].groups[2].threads, 1, "room: admins to taker 1");
	is_num(out[0].groups[1].scale, 0.5 * 4 / 6, 1e-12,
	    "targets follow the threads");
	is_num(out[0].groups[3].scale, 0.4 * 10 / 15, 1e-12,
	    "open model rate by room");
	is_num(out[1].scale, 0.5 * 5 / 15, 1e-12, "plan-level targets by room");
	is_int(out[0].groups[0].threads + out[1].groups[0].threads, 0,
	    "setUp not run again");
	is_int(out[0].groups[4].threads, 1, "tearDown to taker 0");
	is_int(out[1].groups[4].threads, 0, "... only");
	ok(!jmx_part_has_load(&plan, rest.groups) && rest.scale == 0,
	    "everything placed");
	for (i = 0; i < 2; i++)
		jmx_part_free(&out[i]);
	jmx_part_free(&rest);
	jmx_part_free(&lost);
}

static void
test_divide_short(void)
{
	struct jmx_part lost, out[2], rest;
	int cap[2] = { 2, 2 }, i, placed;

	lost_part(&lost);
	for (i = 0; i < 2; i++)
		jmx_part_init(&out[i], NG);
	jmx_part_init(&rest, NG);
	/* Room for 4 of 8: half of each group is placed. */
	jmx_part_divide(&plan, &lost, cap, 2, 1, out, &rest);
	for (i = 0; i < 2; i++)
		ok(jmx_part_peak(&plan, out[i].groups) <= 2,
		    "short: taker %d within its room", i);
	placed = out[0].groups[1].threads + out[1].groups[1].threads;
	is_int(placed + rest.groups[1].threads, 6, "short: users add up");
	is_int(rest.groups[1].threads, 3, "short: half the users wait");
	is_int(out[0].groups[2].threads + out[1].groups[2].threads +
	    rest.groups[2].threads, 2, "short: admins add up");
	is_num(rest.groups[3].scale, 0.2, 1e-12, "short: half the rate waits");
	is_num(rest.scale, 0.25, 1e-12, "short: half the plan targets wait");
	is_num(out[0].groups[1].scale + out[1].groups[1].scale +
	    rest.groups[1].scale, 0.5, 1e-12, "short: targets add up");
	is_int(out[1].groups[0].threads, 2, "setup_on_all: every taker "
	    "runs setUp");
	for (i = 0; i < 2; i++)
		jmx_part_free(&out[i]);
	jmx_part_free(&rest);
	jmx_part_free(&lost);
}

int
main(void)
{
	test_text();
	test_peak();
	test_divide_room();
	test_divide_short();
	return done_testing();
}

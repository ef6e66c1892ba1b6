/*
 * test-failover.c: who takes over a lost part and how much each takes,
 * against hand-computed values: spares first, then room by free
 * capacity, the shortfall exact, agents in doubt never chosen; and the
 * division of a lost part between takers with limited room.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "failover.h"
#include "part-fixture.h"

/* Main threads of a part. */
static int64_t
main_threads(const struct jmx_part *p)
{
	return jmx_part_main_threads(&plan, p);
}

/* Every main group's threads, takers and rest, add up to the lost part. */
static int
adds_up(const struct jmx_failover *f, const struct jmx_part *lost)
{
	int g, i, sum;

	for (g = 1; g <= 2; g++) {
		sum = f->rest.groups[g].threads;
		for (i = 0; i < f->ntakers; i++)
			sum += f->parts[i].groups[g].threads;
		if (sum != lost->groups[g].threads)
			return 0;
	}
	return 1;
}

static void
test_spares_first(void)
{
	/* An agent with much room, then two spares of 5 each. */
	struct jmx_failover_cand c[] = {
		{ .live = 1, .threads = 10, .max_threads = 100 },
		{ .spare = 1, .max_threads = 5 },
		{ .spare = 1, .max_threads = 5 },
	};
	struct jmx_failover f;
	struct jmx_part lost;

	lost_part(&lost);
	jmx_failover_plan(&plan, &lost, 0, c, 3, &f);
	is_int(f.ntakers, 2, "spares first: both spares, no agent");
	is_int(f.taker[0], 1, "... spare 1 first");
	is_int(f.taker[1], 2, "... then spare 2");
	is_int(f.room[0], 5, "... a spare's room is its capacity");
	is_int(main_threads(&f.parts[0]) + main_threads(&f.parts[1]), 8,
	    "... all 8 threads placed");
	ok(!jmx_part_has_load(&plan, f.rest.groups), "... nothing short");
	ok(adds_up(&f, &lost), "... totals add up");
	jmx_failover_free(&f);

	/* One spare is enough: the second stays out. */
	c[1].max_threads = 8;
	jmx_failover_plan(&plan, &lost, 0, c, 3, &f);
	is_int(f.ntakers, 1, "one spare with room enough: alone");
	is_int(f.taker[0], 1, "... the first spare");
	jmx_failover_free(&f);
	jmx_part_free(&lost);
}

static void
test_room(void)
{
	/*
	 * A spare of 2 is short of 8: then agents by free room, 6 and 2;
	 * idle and full agents get nothing.
	 */
	struct jmx_failover_cand c[] = {
		{ .spare = 1, .max_threads = 2 },
		{ .live = 1, .threads = 4, .max_threads = 10 },
		{ .live = 0, .threads = 0, .max_threads = 10 },	/* idle */
		{ .live = 1, .threads = 10, .max_threads = 10 },/* full */
		{ .live = 2, .threads = 8, .max_threads = 10 },
	};
	struct jmx_failover f;
	struct jmx_part lost;
	int64_t total = 0;
	int i;

	lost_part(&lost);
	jmx_failover_plan(&plan, &lost, 0, c, 5, &f);
	is_int(f.ntakers, 3, "room: the spare and two agents with room");
	is_int(f.taker[0], 0, "... the spare first");
	is_int(f.taker[1], 1, "... then agent 1");
	is_int(f.taker[2], 4, "... and agent 4");
	is_int(f.room[1], 6, "... agent 1's room is what it has free");
	is_int(f.room[2], 2, "... agent 4's too");
	for (i = 0; i < f.ntakers; i++) {
		ok(jmx_part_peak(&plan, f.parts[i].groups) <= f.room[i],
		    "... taker %d within its room", i);
		total += main_threads(&f.parts[i]);
	}
	is_int(total, 8, "... room 10 for 8: all placed");
	/* 6 users by 2:6:2 = 1.2, 3.6, 1.2 -> 1, 4, 1. */
	is_int(f.parts[1].groups[1].threads, 4, "... users by room");
	is_int(f.parts[0].groups[4].threads, 1, "... tearDown to taker 0");
	ok(adds_up(&f, &lost), "... totals add up");
	jmx_failover_free(&f);
	jmx_part_free(&lost);
}

static void
test_short(void)
{
	/* Room for 4 of 8: exactly half of each main group is short. */
	struct jmx_failover_cand c[] = {
		{ .live = 1, .threads = 8, .max_threads = 10 },
		{ .live = 1, .threads = 3, .max_threads = 5 },
	};
	struct jmx_failover f;
	struct jmx_part lost;

	lost_part(&lost);
	jmx_failover_plan(&plan, &lost, 0, c, 2, &f);
	is_int(f.ntakers, 2, "short: both agents take");
	is_int(f.rest.groups[1].threads, 3, "short: 3 of 6 users unplaced");
	is_int(f.rest.groups[2].threads, 1, "short: 1 of 2 admins unplaced");
	is_num(f.rest.groups[1].scale, 0.25, 1e-12,
	    "short: half the users' target unplaced");
	is_num(f.rest.scale, 0.25, 1e-12, "short: half the plan targets");
	is_int(main_threads(&f.parts[0]) + main_threads(&f.parts[1]), 4,
	    "short: 4 placed");
	ok(adds_up(&f, &lost), "short: totals add up");
	jmx_failover_free(&f);
	jmx_part_free(&lost);
}

static void
test_doubt(void)
{
	/* In doubt: a spare, an agent with room; only the sure one takes. */
	struct jmx_failover_cand c[] = {
		{ .spare = 1, .doubt = 1, .max_threads = 50 },
		{ .live = 1, .doubt = 1, .threads = 0, .max_threads = 50 },
		{ .live = 1, .threads = 0, .max_threads = 3 },
	};
	struct jmx_failover f;
	struct jmx_part lost;

	lost_part(&lost);
	jmx_failover_plan(&plan, &lost, 0, c, 3, &f);
	is_int(f.ntakers, 1, "in doubt: never chosen");
	is_int(f.taker[0], 2, "... only the agent not in doubt");
	/* Room 3 of 8: floor(6 x 3/8) = 2 users, floor(2 x 3/8) = 0. */
	is_int(main_threads(&f.parts[0]), 2, "... 2 threads placed");
	is_int(main_threads(&f.rest), 6, "... the rest is short");
	ok(adds_up(&f, &lost), "... totals add up");
	jmx_failover_free(&f);

	/* All in doubt: nobody, the whole part is short. */
	c[2].doubt = 1;
	jmx_failover_plan(&plan, &lost, 0, c, 3, &f);
	is_int(f.ntakers, 0, "all in doubt: no taker");
	ok(memcmp(f.rest.groups, lost.groups, NG * sizeof *lost.groups) == 0 &&
	    f.rest.scale == lost.scale, "... the whole part is the rest");
	jmx_failover_free(&f);
	jmx_part_free(&lost);
}

static void
test_edges(void)
{
	struct jmx_failover_cand c[] = {
		{ .spare = 1, .max_threads = 5 },
		{ .live = 1, .threads = 1, .max_threads = 5 },
	};
	struct jmx_failover f;
	struct jmx_part lost;

	/* Zero candidates: nothing taken, everything short. */
	lost_part(&lost);
	jmx_failover_plan(&plan, &lost, 0, NULL, 0, &f);
	is_int(f.ntakers, 0, "zero candidates: no taker");
	is_int(main_threads(&f.rest), 8, "... all 8 threads short");
	ok(adds_up(&f, &lost), "... totals add up");
	jmx_failover_free(&f);
	jmx_part_free(&lost);

	/* Nothing to place: no taker needed, nothing short. */
	jmx_part_init(&lost, NG);
	jmx_failover_plan(&plan, &lost, 0, c, 2, &f);
	is_int(f.ntakers, 0, "nothing to place: no taker");
	ok(!jmx_part_has_load(&plan, f.rest.groups), "... nothing short");
	jmx_failover_free(&f);
	jmx_part_free(&lost);

	/* A spare already carrying load is not idle: taken by its room. */
	c[0].live = 1;
	c[0].threads = 5;
	lost_part(&lost);
	jmx_failover_plan(&plan, &lost, 0, c, 2, &f);
	is_int(f.ntakers, 1, "a busy spare is no spare");
	is_int(f.taker[0], 1, "... the agent with room takes");
	jmx_failover_free(&f);
	jmx_failover_free(NULL);
	jmx_part_free(&lost);
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
	jmx_failover_divide(&plan, &lost, cap, 2, 0, out, &rest);
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
	jmx_failover_divide(&plan, &lost, cap, 2, 1, out, &rest);
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
	test_spares_first();
	test_room();
	test_short();
	test_doubt();
	test_edges();
	test_divide_room();
	test_divide_short();
	return done_testing();
}

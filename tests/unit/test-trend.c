/*
 * test-trend.c: change points and anomalies on synthetic series: a step
 * is found where it is, one slow run is an anomaly and not a change,
 * noise raises nothing over many seeds.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "trend.h"
#include "tap.h"

static uint64_t rng;

static double
uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

/* Normal noise of relative sd around level. */
static double
noisy(double level, double sd)
{
	double u1 = uniform(), u2 = uniform();

	if (u1 < 1e-12)
		u1 = 1e-12;
	return level * (1 + sd * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2));
}

int
main(void)
{
	struct jmx_trend_params p;
	struct jmx_trend t;
	double x[60];
	int i, seed, raised, k;

	jmx_trend_defaults(&p);

	/* A step of +25 % at run 30 of 60, 2 % noise. */
	rng = 42;
	for (i = 0; i < 60; i++)
		x[i] = noisy(i < 30 ? 200 : 250, 0.02);
	jmx_trend_analyse(x, 60, &p, &t);
	is_int(t.nchanges, 1, "step: one change point");
	if (t.nchanges > 0) {
		is_int(t.changes[0].index, 30, "step: found at run 30");
		ok(t.changes[0].worse, "step: worse");
		ok(t.changes[0].rel_pct > 20 && t.changes[0].rel_pct < 30,
		    "step: its size is about 25 %% (%.1f)",
		    t.changes[0].rel_pct);
		ok(t.changes[0].confidence >= 0.95, "step: confidence %.3f",
		    t.changes[0].confidence);
	}
	is_int(t.nanomalies, 0, "step: the runs after it are no anomalies");
	jmx_trend_clear(&t);

	/* Steps at several places, found at each. */
	for (k = 5; k <= 50; k += 15) {
		rng = 7 + (uint64_t)k;
		for (i = 0; i < 60; i++)
			x[i] = noisy(i < k ? 100 : 115, 0.02);
		jmx_trend_analyse(x, 60, &p, &t);
		ok(t.nchanges == 1 && t.changes[0].index == k,
		    "step of +15 %% at run %d found there (%d changes, first "
		    "at %d)", k, t.nchanges, t.nchanges ? t.changes[0].index :
		    -1);
		jmx_trend_clear(&t);
	}

	/* One slow run: an anomaly, not a change point. */
	rng = 9;
	for (i = 0; i < 40; i++)
		x[i] = noisy(200, 0.02);
	x[25] = 320;
	jmx_trend_analyse(x, 40, &p, &t);
	is_int(t.nanomalies, 1, "slow run: one anomaly");
	if (t.nanomalies > 0)
		is_int(t.anomalies[0].index, 25, "slow run: at run 25");
	is_int(t.nchanges, 0, "slow run: no change point");
	jmx_trend_clear(&t);

	/* Pure noise, 100 seeds: nothing raised. */
	raised = k = 0;
	for (seed = 1; seed <= 100; seed++) {
		rng = (uint64_t)seed * 2654435761u;
		for (i = 0; i < 60; i++)
			x[i] = noisy(150, 0.02);
		jmx_trend_analyse(x, 60, &p, &t);
		raised += t.nanomalies;
		k += t.nchanges;
		jmx_trend_clear(&t);
	}
	is_int(raised, 0, "noise over 100 seeds: no anomaly");
	is_int(k, 0, "noise over 100 seeds: no change point");

	/* Deterministic: the same input, the same p-value. */
	rng = 42;
	for (i = 0; i < 60; i++)
		x[i] = noisy(i < 30 ? 200 : 250, 0.02);
	jmx_trend_analyse(x, 60, &p, &t);
	{
		double p1 = t.nchanges ? t.changes[0].p : -1;

		jmx_trend_clear(&t);
		jmx_trend_analyse(x, 60, &p, &t);
		ok(t.nchanges && t.changes[0].p == p1, "seeded: same p");
		jmx_trend_clear(&t);
	}

	/* Throughput: lower is worse. */
	p.higher_is_worse = 0;
	for (i = 0; i < 30; i++)
		x[i] = i < 15 ? 100 : 80;
	jmx_trend_analyse(x, 30, &p, &t);
	ok(t.nchanges == 1 && t.changes[0].index == 15 &&
	    t.changes[0].worse, "a drop in throughput is worse");
	jmx_trend_clear(&t);
	is_num(jmx_trend_median((double[]){ 3, 1, 2, 10 }, 4), 2.5, 1e-9,
	    "median of an even count");
	return done_testing();
}

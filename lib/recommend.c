/*
 * recommend.c: the rules.  Each is a function of the model that fills
 * a struct jmx_rec and returns 1 when it fires.  Thresholds are written
 * where they are used, with the reason, so a reader can argue with them.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "recommend.h"
#include "report.h"
#include "stats.h"
#include "xmalloc.h"

static void
rec_set(struct jmx_rec *o, const char *rule, enum jmx_rec_severity sev,
    int64_t from, int64_t to, const char *title, const char *suggestion,
    const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static void
rec_set(struct jmx_rec *o, const char *rule, enum jmx_rec_severity sev,
    int64_t from, int64_t to, const char *title, const char *suggestion,
    const char *fmt, ...)
{
	va_list ap;

	memset(o, 0, sizeof *o);
	o->rule = rule;
	o->severity = sev;
	o->from_s = from;
	o->to_s = to;
	o->title = xstrdup(title);
	o->suggestion = xstrdup(suggestion);
	va_start(ap, fmt);
	if (vasprintf(&o->evidence, fmt, ap) == -1)
		o->evidence = xstrdup("");
	va_end(ap);
}

static double
pt_tput(const struct jmx_report *r, int i)
{
	return (double)r->points[i].count / (double)r->interval_s;
}

/* Averages of throughput, threads and avg response time over [a, b). */
static void
window(const struct jmx_report *r, int a, int b, double *tput,
    double *threads, double *rt)
{
	uint64_t n = 0;
	int64_t el = 0;
	int i;

	*tput = *threads = 0;
	for (i = a; i < b; i++) {
		*tput += pt_tput(r, i);
		*threads += (double)r->points[i].threads;
		n += r->points[i].count;
		el += r->points[i].elapsed_sum;
	}
	*tput /= (double)(b - a);
	*threads /= (double)(b - a);
	*rt = n ? (double)el / (double)n : 0;
}

/*
 * Saturation: after throughput first reaches 90 % of its peak, threads
 * keep rising (+30 %) but throughput does not (+10 % at most) while the
 * average response time climbs (+50 %): added users only queue.
 */
static int
rule_saturation(struct jmx_report *r, struct jmx_rec *o)
{
	double peak = 0, t, tk, thk, rtk, te, the, rte;
	int i, knee = -1, w, n = r->npoints;

	/* The last interval may be partial: leave it out. */
	if (n > 1)
		n--;
	if (n < 8)
		return 0;
	w = n / 10 > 1 ? n / 10 : 1;
	for (i = 0; i + w <= n; i++) {
		window(r, i, i + w, &t, &thk, &rtk);
		if (t > peak)
			peak = t;
	}
	for (i = 0; i + w <= n; i++) {
		window(r, i, i + w, &t, &thk, &rtk);
		if (t >= 0.9 * peak) {
			knee = i;
			break;
		}
	}
	if (knee < 0 || knee + 2 * w > n)
		return 0;
	window(r, knee, knee + w, &tk, &thk, &rtk);
	window(r, n - w, n, &te, &the, &rte);
	if (thk <= 0 || rtk <= 0 || the < 1.3 * thk || te > 1.1 * tk ||
	    rte < 1.5 * rtk)
		return 0;
	rec_set(o, "saturation", JMX_REC_WARN, r->points[knee].t,
	    r->points[n - 1].t + r->interval_s,
	    "The system under test saturated",
	    "More users only queued: treat the throughput at the knee as the "
	    "capacity of this setup. Look at the server side (CPU, database "
	    "and connection pools, worker threads, locks) around the start "
	    "of the window to find the bottleneck before adding load.",
	    "from %llds to %llds active threads rose from %.0f to %.0f "
	    "(+%.0f%%) while throughput stayed at %.1f -> %.1f samples/s and "
	    "the average response time rose from %.0f ms to %.0f ms (x%.1f)",
	    (long long)r->points[knee].t,
	    (long long)(r->points[n - 1].t + r->interval_s), thk, the,
	    100.0 * (the / thk - 1), tk, te, rtk, rte, rte / rtk);
	return 1;
}

/*
 * Error bursts: consecutive intervals whose error rate is at least 5 %
 * and three times the run's, holding at least 10 errors, and covering
 * less than half the run (errors all along are not a burst).
 */
static int
rule_error_burst(struct jmx_report *r, struct jmx_rec *o)
{
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum);
	double base, pct;
	uint64_t errs = 0, cnt = 0, best_e = 0, best_c = 0;
	int i, start = -1, bs = -1, be = -1;

	if (r->npoints < 4 || tot->count == 0)
		return 0;
	base = 100.0 * (double)tot->errors / (double)tot->count;
	for (i = 0; i <= r->npoints; i++) {
		const struct jmx_report_point *p = i < r->npoints ?
		    &r->points[i] : NULL;

		pct = p != NULL && p->count ?
		    100.0 * (double)p->errors / (double)p->count : 0;
		if (p != NULL && p->errors > 0 && pct >= 5 &&
		    pct >= 3 * base) {
			if (start < 0) {
				start = i;
				errs = cnt = 0;
			}
			errs += p->errors;
			cnt += p->count;
			continue;
		}
		if (start >= 0 && errs > best_e) {
			best_e = errs;
			best_c = cnt;
			bs = start;
			be = i - 1;
		}
		start = -1;
	}
	if (bs < 0 || best_e < 10 || (be - bs + 1) * 2 >= r->npoints)
		return 0;
	rec_set(o, "error_burst", JMX_REC_WARN, r->points[bs].t,
	    r->points[be].t + r->interval_s, "Errors came in a burst",
	    "Line the window up with the server's logs and the run's events "
	    "(deploys, autoscaling, an agent lost, a pause): a burst usually "
	    "has one cause. Check timeouts and connection limits at that "
	    "moment.",
	    "%llu of %llu samples failed (%.1f%%) between %llds and %llds, "
	    "against %.2f%% over the whole run%s%s%s",
	    (unsigned long long)best_e, (unsigned long long)best_c,
	    100.0 * (double)best_e / (double)best_c,
	    (long long)r->points[bs].t,
	    (long long)(r->points[be].t + r->interval_s), base,
	    r->nerrors > 0 ? "; most frequent error code: '" : "",
	    r->nerrors > 0 ? r->errors[0].code : "",
	    r->nerrors > 0 ? "'" : "");
	return 1;
}

/* Errors at all: 1 % or more of the samples failed. */
static int
rule_errors(struct jmx_report *r, struct jmx_rec *o)
{
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum);
	double pct;

	if (tot->count == 0 || tot->errors == 0)
		return 0;
	pct = 100.0 * (double)tot->errors / (double)tot->count;
	if (pct < 1)
		return 0;
	rec_set(o, "errors", pct >= 5 ? JMX_REC_CRIT : JMX_REC_WARN, -1, -1,
	    "Many samples failed",
	    "Fix functional errors before reading response times: failed "
	    "samples are often fast error pages that flatter the statistics. "
	    "See the error table for the codes and messages by label.",
	    "%llu of %llu samples failed (%.2f%%)%s%s%s%s%s",
	    (unsigned long long)tot->errors, (unsigned long long)tot->count,
	    pct, r->nerrors > 0 ? "; most frequent: '" : "",
	    r->nerrors > 0 ? r->errors[0].code : "",
	    r->nerrors > 0 && *r->errors[0].message ? " " : "",
	    r->nerrors > 0 ? r->errors[0].message : "",
	    r->nerrors > 0 ? "'" : "");
	return 1;
}

/*
 * Long tail: p99 at least 5 times p50 and 100 ms above it, for a label
 * with 100 samples or more (fewer give no meaningful p99).
 */
static int
rule_long_tail(struct jmx_report *r, struct jmx_rec *o)
{
	const struct jmx_summary_row *row, *worst = NULL;
	double ratio, best = 0;
	size_t i, n = jmx_summary_nlabels(r->sum);

	for (i = 0; i <= n; i++) {
		row = i < n ? jmx_summary_label(r->sum, i) :
		    jmx_summary_total(r->sum);
		if (row->count < 100 || row->p50 < 0)
			continue;
		ratio = (double)row->p99 / (double)(row->p50 > 0 ? row->p50 : 1);
		if (ratio >= 5 && row->p99 - row->p50 >= 100 && ratio > best) {
			best = ratio;
			worst = row;
		}
	}
	if (worst == NULL)
		return 0;
	rec_set(o, "long_tail", best >= 10 ? JMX_REC_WARN : JMX_REC_INFO, -1,
	    -1, "Long response time tail",
	    "One request in a hundred is much slower than the typical one: "
	    "look for garbage-collection pauses, lock contention, cold caches, "
	    "retries or a slow dependency. Trace the slowest samples and set "
	    "a p99 threshold so the tail cannot regress unnoticed.",
	    "%s%s%s: p50 %lld ms, p99 %lld ms (x%.1f), max %lld ms over "
	    "%llu samples", worst->label ? "label '" : "all labels",
	    worst->label ? worst->label : "", worst->label ? "'" : "",
	    (long long)worst->p50, (long long)worst->p99, best,
	    (long long)worst->max, (unsigned long long)worst->count);
	return 1;
}

/*
 * Connect time dominating: connecting takes 30 % or more of the average
 * elapsed time (and at least 5 ms): connections are not reused.
 */
static int
rule_connect(struct jmx_report *r, struct jmx_rec *o)
{
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum);
	double share;

	if (tot->count == 0 || tot->avg <= 0 || isnan(tot->avg))
		return 0;
	share = tot->connect_avg / tot->avg;
	if (share < 0.3 || tot->connect_avg < 5)
		return 0;
	rec_set(o, "connect_time", JMX_REC_WARN, -1, -1,
	    "Connect time dominates response time",
	    "Reuse connections: tick 'Use KeepAlive' on HTTP samplers (the "
	    "HttpClient4 implementation), check the server's and the load "
	    "balancer's keep-alive timeout and connection limits, and size "
	    "client pools. If real clients do not reuse connections either, "
	    "look at TLS handshakes and the accept queue.",
	    "connect averages %.1f ms of %.1f ms elapsed (%.0f%%); latency "
	    "(to first byte) averages %.1f ms", tot->connect_avg, tot->avg,
	    100 * share, tot->latency_avg);
	return 1;
}

/*
 * One label dominating: a label holds at least half the total time spent
 * waiting and 1.5 times its fair share (so two labels need 75 %).
 */
static int
rule_label_dominates(struct jmx_report *r, struct jmx_rec *o)
{
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum), *row;
	const struct jmx_summary_row *top = NULL;
	size_t i, n = jmx_summary_nlabels(r->sum);
	double share, best = 0;

	if (n < 2 || tot->elapsed_sum <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		row = jmx_summary_label(r->sum, i);
		share = (double)row->elapsed_sum / (double)tot->elapsed_sum;
		if (share > best) {
			best = share;
			top = row;
		}
	}
	if (top == NULL || best < 0.5 || best < 1.5 / (double)n)
		return 0;
	rec_set(o, "label_dominates", JMX_REC_INFO, -1, -1,
	    "One label dominates the time spent",
	    "Optimise this request first: it is where the users' waiting "
	    "time goes. Profile it on the server and check whether it can be "
	    "cached, paginated or made asynchronous.",
	    "'%s' accounts for %.0f%% of all response time (%llu of %llu "
	    "samples, avg %.0f ms against %.0f ms overall)", top->label,
	    100 * best, (unsigned long long)top->count,
	    (unsigned long long)tot->count, top->avg, tot->avg);
	return 1;
}

/*
 * Uneven agents: among agents with 50 samples or more, p95 differs by
 * 1.5 times and 50 ms, or error rates by 3 times and 2 points, or
 * throughput per planned thread by more than 25 %.
 */
static int
rule_uneven_agents(struct jmx_report *r, struct jmx_rec *o)
{
	const struct jmx_summary_row *row;
	int i, lo = -1, hi = -1, elo = -1, ehi = -1, tlo = -1, thi = -1;
	int64_t plo = 0, phi = 0;
	double e, emin = 0, emax = 0, t, tmin = 0, tmax = 0;

	for (i = 0; i < r->nagents; i++) {
		row = jmx_summary_total(r->agents[i].sum);
		if (row->count < 50)
			continue;
		if (lo < 0 || row->p95 < plo) {
			lo = i;
			plo = row->p95;
		}
		if (hi < 0 || row->p95 > phi) {
			hi = i;
			phi = row->p95;
		}
		e = row->error_pct;
		if (elo < 0 || e < emin) {
			elo = i;
			emin = e;
		}
		if (ehi < 0 || e > emax) {
			ehi = i;
			emax = e;
		}
		if (r->agents[i].threads > 0) {
			t = row->throughput / (double)r->agents[i].threads;
			if (tlo < 0 || t < tmin) {
				tlo = i;
				tmin = t;
			}
			if (thi < 0 || t > tmax) {
				thi = i;
				tmax = t;
			}
		}
	}
	if (lo < 0 || lo == hi)
		return 0;
	if (phi >= plo * 3 / 2 && phi - plo >= 50) {
		rec_set(o, "uneven_agents", JMX_REC_WARN, -1, -1,
		    "Agents measured different response times",
		    "The agents do not see the same system: check each "
		    "agent's network path (zone, proxy, NAT), its CPU and "
		    "garbage collection during the run, and its JMeter "
		    "settings. Lower the weight of, or drop, the slow agent.",
		    "p95 on agent '%s' is %lld ms against %lld ms on '%s'",
		    r->agents[hi].name, (long long)phi, (long long)plo,
		    r->agents[lo].name);
		return 1;
	}
	if (emax >= 3 * emin && emax - emin >= 2) {
		rec_set(o, "uneven_agents", JMX_REC_WARN, -1, -1,
		    "Errors concentrate on one agent",
		    "Look at that agent's jmeter.log and its network: errors "
		    "that only one agent sees point at the agent or its path, "
		    "not at the system under test.",
		    "agent '%s' has %.1f%% errors against %.1f%% on '%s'",
		    r->agents[ehi].name, emax, emin, r->agents[elo].name);
		return 1;
	}
	if (tlo >= 0 && tlo != thi && tmax > 1.25 * tmin) {
		rec_set(o, "uneven_agents", JMX_REC_WARN, -1, -1,
		    "Agents delivered uneven load per thread",
		    "An agent that delivers less per thread is probably its "
		    "own bottleneck (CPU, memory, ports): give it a lower "
		    "weight or more resources.",
		    "'%s' made %.2f samples/s per thread, '%s' %.2f",
		    r->agents[thi].name, tmax, r->agents[tlo].name, tmin);
		return 1;
	}
	return 0;
}

/*
 * Agent-side limits: JMeter itself complained (ERROR lines or
 * OutOfMemoryError in its log), or samples failed with client-side
 * exceptions that mean the load generator ran out of something.
 */
static int
rule_agent_limits(struct jmx_report *r, struct jmx_rec *o)
{
	static const char *const client[] = { "BindException",
	    "Too many open files", "OutOfMemoryError",
	    "Cannot assign requested address" };
	const struct jmx_report_agent *a;
	uint64_t n;
	int i, k;

	for (i = 0; i < r->nagents; i++) {
		a = &r->agents[i];
		if (a->log_oom == 0 && a->log_errors == 0)
			continue;
		rec_set(o, "agent_limits", a->log_oom ? JMX_REC_CRIT :
		    JMX_REC_WARN, -1, -1, "JMeter reported problems on an agent",
		    "Results from a struggling load generator are not the "
		    "system's: raise JMeter's heap (JMX_AGENT_HEAP, -Xmx), run "
		    "fewer threads per agent or add agents, and read the "
		    "agent's jmeter.log (kept in the run's archive).",
		    "agent '%s': jmeter.log has %llu ERROR line(s)%s, %llu "
		    "WARN; first: %s", a->name,
		    (unsigned long long)a->log_errors,
		    a->log_oom ? " including OutOfMemoryError" : "",
		    (unsigned long long)a->log_warnings,
		    a->log_first_error != NULL ? a->log_first_error : "-");
		return 1;
	}
	for (k = 0; k < (int)(sizeof client / sizeof client[0]); k++) {
		n = 0;
		for (i = 0; i < r->nerrors; i++)
			if (strstr(r->errors[i].code, client[k]) != NULL ||
			    strstr(r->errors[i].message, client[k]) != NULL)
				n += r->errors[i].count;
		if (n == 0)
			continue;
		rec_set(o, "agent_limits", JMX_REC_WARN, -1, -1,
		    "The load generator ran out of resources",
		    "Raise the agents' limits (ulimit -n, the ephemeral port "
		    "range, net.ipv4.tcp_tw_reuse), reuse connections, or "
		    "spread the threads over more agents.",
		    "%llu failed sample(s) with '%s', an error of the client "
		    "side", (unsigned long long)n, client[k]);
		return 1;
	}
	return 0;
}

/*
 * Too short a steady state: the time at 90 % or more of the peak thread
 * count is under 60 s (or, without thread counts, the whole run is).
 */
static int
rule_short_steady(struct jmx_report *r, struct jmx_rec *o)
{
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum);
	int64_t peak = 0, steady = 0, span;
	int i;

	if (tot->count == 0)
		return 0;
	for (i = 0; i < r->npoints; i++)
		if (r->points[i].threads > peak)
			peak = r->points[i].threads;
	span = (tot->last_end - tot->first_start) / 1000;
	if (peak > 0) {
		for (i = 0; i < r->npoints; i++)
			if (r->points[i].threads * 10 >= peak * 9)
				steady += r->interval_s;
	} else
		steady = span;
	if (steady >= 60)
		return 0;
	rec_set(o, "short_steady_state", JMX_REC_INFO, -1, -1,
	    "Steady state too short",
	    "Hold the full load for at least several minutes (10 or more for "
	    "a capacity figure): warm-up (JIT, caches, connection pools) "
	    "weighs heavily in a short run, and its percentiles rest on few "
	    "samples.",
	    "%lld s at full load%s%lld%s of a %lld s run (%llu samples)",
	    (long long)steady, peak > 0 ? " (>= 90% of " : "",
	    (long long)peak, peak > 0 ? " threads)" : "", (long long)span,
	    (unsigned long long)tot->count);
	if (peak == 0) {
		free(o->evidence);
		if (asprintf(&o->evidence, "the run lasted %lld s (%llu "
		    "samples); no thread counts in the results",
		    (long long)span, (unsigned long long)tot->count) == -1)
			o->evidence = xstrdup("");
	}
	return 1;
}

static const struct {
	const char	*name;
	int		(*fn)(struct jmx_report *, struct jmx_rec *);
} rules[] = {
	{ "agent_limits", rule_agent_limits },
	{ "errors", rule_errors },
	{ "error_burst", rule_error_burst },
	{ "saturation", rule_saturation },
	{ "long_tail", rule_long_tail },
	{ "connect_time", rule_connect },
	{ "label_dominates", rule_label_dominates },
	{ "uneven_agents", rule_uneven_agents },
	{ "short_steady_state", rule_short_steady },
};
#define NRULES	((int)(sizeof rules / sizeof rules[0]))

const char *const *
jmx_recommend_rules(int *n)
{
	static const char *names[NRULES + 1];
	int i;

	for (i = 0; i < NRULES; i++)
		names[i] = rules[i].name;
	*n = NRULES;
	return names;
}

int
jmx_recommend_rule(struct jmx_report *r, const char *rule,
    struct jmx_rec *out)
{
	int i;

	memset(out, 0, sizeof *out);
	for (i = 0; i < NRULES; i++)
		if (strcmp(rules[i].name, rule) == 0)
			return rules[i].fn(r, out);
	return -1;
}

int
jmx_recommend(struct jmx_report *r, struct jmx_rec **out)
{
	struct jmx_rec *v = xcalloc(NRULES, sizeof *v);
	int i, n = 0;

	for (i = 0; i < NRULES; i++)
		if (rules[i].fn(r, &v[n]) == 1)
			n++;
	*out = v;
	return n;
}

const char *
jmx_rec_severity_name(enum jmx_rec_severity s)
{
	switch (s) {
	case JMX_REC_INFO:
		return "info";
	case JMX_REC_WARN:
		return "warning";
	case JMX_REC_CRIT:
		return "critical";
	}
	return "info";
}

void
jmx_recs_free(struct jmx_rec *v, int n)
{
	int i;

	for (i = 0; v != NULL && i < n; i++) {
		free(v[i].title);
		free(v[i].evidence);
		free(v[i].suggestion);
	}
	free(v);
}

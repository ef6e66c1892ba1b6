/*
 * request.h: what the operator asked jmx-run for, parsed once here for
 * the command line (a new run) and for the stored options of a run (a
 * takeover with jmx-run attach), and kept with the run.
 */
#ifndef JMX_REQUEST_H
#define JMX_REQUEST_H

#include <stdint.h>

#include "config.h"
#include "err.h"

struct jmx_plan;
struct jmx_split_opts;
struct jmx_store;

/* What the operator asked for (jmx-run's command line). */
struct jmx_run_request {
	const char		 *test;		/* test case name or .jmx path */
	char			**agents;	/* --agents, NULL-terminated */
	int			  nagents;
	const char		 *tag;		/* --tag */
	int64_t			  count;	/* --count; 0 = all chosen */
	const char		 *threads;	/* --threads N or xF */
	int64_t			  duration_ms;	/* --duration; 0 = test's */
	int64_t			  ramp_ms;	/* --ramp; -1 = test's */
	struct jmx_prop		 *props;	/* -J */
	int			  nprops;
	struct jmx_data_conf	 *data;		/* --data */
	int			  ndata;
	const char		 *label;	/* --label */
	const char		 *stream;	/* --stream URL (no secret) */
	int			  dry_run;	/* --dry-run */
	int			  detach;	/* --detach */
	int			  keep;		/* --keep */
	int			  check_only;	/* --check */
};

void	jmx_run_request_init(struct jmx_run_request *);
void	jmx_run_request_free(struct jmx_run_request *);
/*
 * -J NAME=VALUE: a property added to the request (copied).  JMX_ERR_USAGE
 * when there is no '=' or no name.
 */
enum jmx_code jmx_run_request_add_prop(struct jmx_run_request *,
	    const char *arg, struct jmx_err *);
/* --data FILE or FILE:split: a data file added to the request (copied). */
void	jmx_run_request_add_data(struct jmx_run_request *, const char *arg);
/*
 * --agents a,b,c: agent names added to the request (copied).
 * JMX_ERR_USAGE, naming it, for a name given twice (up to it are added).
 */
enum jmx_code jmx_run_request_add_agents(struct jmx_run_request *,
	    const char *csv, struct jmx_err *);

/*
 * Every local input of a run, before anything starts: the test case's
 * plan, data files and stream token file (t, may be NULL) and --data
 * (q, may be NULL), each a readable regular file.  The first that is
 * not: JMX_ERR_NOTFOUND or
 * JMX_ERR_USAGE (exit status 2) naming it.
 */
enum jmx_code jmx_run_request_check_inputs(const struct jmx_run_request *,
	    const struct jmx_test_conf *, struct jmx_err *);

/*
 * Load test case t's plan with props[nprops] for the thread counts of o
 * (jmx_run_request_threads): JMX_ERR_PLAN (exit status 2) when it cannot
 * be read, or when it would start no thread ("plan 'P': line N:
 * ThreadGroup 'G' has 0 threads ..."), before any agent is touched.
 */
enum jmx_code jmx_run_request_load_plan(const struct jmx_test_conf *,
	    const struct jmx_prop *props, int nprops,
	    const struct jmx_split_opts *o, struct jmx_plan **,
	    struct jmx_err *);

/*
 * Keep the request with run_id (jmx_store_run_options_put), resolved
 * where it matters: the configuration file, and the agents actually
 * chosen (agents[nagents]), not the selectors.  Properties from the test
 * case are not kept: they come from the configuration again.
 */
enum jmx_code jmx_run_request_save(const struct jmx_run_request *,
	    struct jmx_store *, int64_t run_id, const char *config,
	    const char *const *agents, int nagents, struct jmx_err *);
/*
 * Rebuild the request a run was started with from its stored options
 * (jmx_store_run_options), -J and --data parsed as on the command line.
 * test, threads, tag and label point into opts, which must outlive req;
 * *config is the configuration file the run used (borrowed from opts
 * too, NULL if none).
 */
void	jmx_run_request_from_options(struct jmx_run_request *,
	    const struct jmx_prop *opts, int n, const char **config);
/*
 * The request as JSON, kept with the run (no secrets: no keys): the test,
 * --threads, the duration and ramp in effect, the properties in effect
 * (props[nprops]: the test case's, then -J) and the agents chosen.
 * Caller frees.
 */
char	*jmx_run_request_json(const struct jmx_run_request *,
	    int64_t duration_ms, int64_t ramp_ms, const struct jmx_prop *props,
	    int nprops, const char *const *agents, int nagents);

/*
 * The thread counts in effect (o: mode, threads, factor) from --threads
 * (asked) and the test case's threads (test), either NULL: a count
 * replaces the test case's, a factor scales it (x2 on "12" is 24 in every
 * group; on "x1.5", x3), and without one the plan's.  JMX_ERR_USAGE for
 * a malformed one.
 */
enum jmx_code jmx_run_request_threads(const char *asked, const char *test,
	    struct jmx_split_opts *o, struct jmx_err *);

#endif

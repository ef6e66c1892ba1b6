/*
 * runner.h: the controller of one run.  The program drives it phase by
 * phase and prints between phases; the runner never prints:
 *
 *	jmx_runner_new()	what was asked, the configuration, the store
 *	jmx_runner_resolve()	test case, plan, agents chosen
 *	jmx_runner_validate()	every agent probed in parallel
 *	jmx_runner_split()	the load divided by weight, capacity checked
 *	jmx_runner_start()	run recorded, agents reserved, bundles
 *				shipped, every JMeter launched for T0
 *	jmx_runner_poll()	results ingested, progress; until done
 *	jmx_runner_finish()	results collected, reconciled, archived;
 *				agents released; the final state
 */
#ifndef JMX_RUNNER_H
#define JMX_RUNNER_H

#include <stdint.h>

#include "config.h"
#include "err.h"
#include "request.h"
#include "store.h"
#include "util.h"

struct jmx_runner;
struct jmx_split;
struct jmx_plan;

/* One agent as the program shows it: borrowed from the runner. */
struct jmx_runner_agent {
	const char	*name;
	const char	*host;
	const char	*java_version;
	const char	*jmeter_version;
	int		 cores;
	int64_t		 mem_avail_mb;
	double		 load1;
	int64_t		 disk_free_mb;
	int64_t		 clock_offset_ms;
	double		 weight;
	int		 max_threads;	/* capacity */
	int		 threads;	/* its share: threads at peak */
	const char	*problem;	/* why it is unusable, NULL if usable */
	const char	*state;		/* during a run: starting, running, ... */
	int64_t		 samples;	/* ingested so far */
	int64_t		 skew_ms;	/* its first sample minus T0; -1 */
};

/* Progress of a running run. */
struct jmx_runner_progress {
	enum jmx_run_state state;
	int64_t		 elapsed_ms;	/* since T0; negative before it */
	int64_t		 remaining_ms;	/* -1 when the plan has no end */
	int		 agents_up;
	int		 agents_total;
	int64_t		 samples;
	int64_t		 errors;
	double		 rate;		/* samples per second, last window */
	int64_t		 p95_ms;	/* last window; -1 if none */
	int		 done;		/* every JMeter has ended */
};

/* What the run came to, for the summary. */
struct jmx_runner_result {
	int64_t		 run_id;
	enum jmx_run_state state;
	int64_t		 samples;	/* ingested */
	int64_t		 jtl_records;	/* counted again in the JTLs */
	int64_t		 skew_ms;	/* start skew across agents; -1 */
	double		 delivered_pct;	/* of planned thread-time */
	int64_t		 threads;	/* planned total threads */
	int64_t		 t0_ms;		/* the first start */
	char		*run_dir;	/* borrowed */
	char		*archive;	/* borrowed; NULL if none */
	const char	*stream_url;	/* borrowed; NULL: not streamed */
	int64_t		 stream_sent;	/* points InfluxDB took */
	int64_t		 stream_dropped;	/* points it did not get */
	const char	*stream_error;	/* borrowed: the last failure */
};

/* Everything borrowed must outlive the runner. */
struct jmx_runner *jmx_runner_new(const struct jmx_config *,
		    const struct jmx_run_request *, struct jmx_store *,
		    const char *home_dir);
void		jmx_runner_free(struct jmx_runner *);

enum jmx_code	jmx_runner_resolve(struct jmx_runner *, struct jmx_err *);
/* JMX_ERR_AGENT if any chosen agent is unusable (see the agents). */
enum jmx_code	jmx_runner_validate(struct jmx_runner *, struct jmx_err *);
enum jmx_code	jmx_runner_split(struct jmx_runner *, struct jmx_err *);
/* The dry-run document of the split. */
void		jmx_runner_split_json(struct jmx_runner *, struct jmx_buf *);
int		jmx_runner_nagents(struct jmx_runner *);
void		jmx_runner_agent(struct jmx_runner *, int,
		    struct jmx_runner_agent *);
/* The test case name, plan path and planned totals. */
const char	*jmx_runner_test_name(struct jmx_runner *);
/* The test case run (an ad-hoc one for a bare .jmx path). */
const struct jmx_test_conf *jmx_runner_test(struct jmx_runner *);
const struct jmx_plan *jmx_runner_plan(struct jmx_runner *);
const struct jmx_split *jmx_runner_the_split(struct jmx_runner *);
/* Record the run (state validating); its id, for --detach. */
enum jmx_code	jmx_runner_create(struct jmx_runner *, int64_t *run_id,
		    struct jmx_err *);
/*
 * After fork() (--detach): this process is now the controller and uses
 * this store (SQLite connections must not cross a fork).
 */
enum jmx_code	jmx_runner_adopt(struct jmx_runner *, struct jmx_store *,
		    struct jmx_err *);
enum jmx_code	jmx_runner_start(struct jmx_runner *, struct jmx_err *);
/*
 * Take over run_id from a controller that is gone (killed, crashed):
 * after jmx_runner_resolve() with the request from its options, adopt
 * its agents, split, segments (tailing on from the committed offsets)
 * and state, then poll and finish as usual.
 */
enum jmx_code	jmx_runner_attach(struct jmx_runner *, int64_t run_id,
		    struct jmx_err *);
/* Ingest what arrived and report progress; call about twice a second. */
enum jmx_code	jmx_runner_poll(struct jmx_runner *,
		    struct jmx_runner_progress *, struct jmx_err *);
/*
 * Ask for a stop: 1 graceful (JMeter Shutdown: in-flight samples end and
 * are recorded), 2 at once (StopTestNow, then kill).  Async-signal-safe.
 */
void		jmx_runner_stop(struct jmx_runner *, int level);
enum jmx_code	jmx_runner_finish(struct jmx_runner *,
		    struct jmx_runner_result *, struct jmx_err *);

#endif

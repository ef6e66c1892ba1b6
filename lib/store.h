/*
 * store.h: the SQLite database every program shares (jmx.db).
 *
 * The controller of a run is its only writer; jmx-watch and jmx-report
 * read concurrently (WAL mode, busy timeout).  Writes go through
 * BEGIN IMMEDIATE so a writer waits for the lock up front instead of
 * failing half-way.  The schema is versioned: migrations in store.c run
 * in order and PRAGMA user_version records how far a file has come.
 */
#ifndef JMX_STORE_H
#define JMX_STORE_H

#include <stdint.h>

#include "err.h"
#include "util.h"

struct jmx_store;

/* Run states, in the order a run moves through them (DESIGN.md). */
enum jmx_run_state {
	JMX_RUN_VALIDATING = 0,
	JMX_RUN_STARTING,
	JMX_RUN_RUNNING,
	JMX_RUN_PAUSING,
	JMX_RUN_PAUSED,
	JMX_RUN_RESUMING,
	JMX_RUN_STOPPING,
	JMX_RUN_COMPLETED,
	JMX_RUN_PARTIAL,
	JMX_RUN_STOPPED,
	JMX_RUN_FAILED
};

/* One row of the runs table.  Strings are owned by the record. */
struct jmx_run_rec {
	int64_t			 id;
	char			*test_case;	/* config test name or plan path */
	char			*plan;		/* plan file as given */
	char			*label;		/* --label */
	enum jmx_run_state	 state;
	int64_t			 created_ms;
	int64_t			 start_ms;	/* T0: planned start instant */
	int64_t			 end_ms;
	int64_t			 duration_ms;	/* planned active duration */
	int64_t			 ramp_ms;
	int64_t			 threads;	/* planned total threads */
	int64_t			 controller_pid;
	char			*controller_host;
	int64_t			 heartbeat_ms;	/* controller's last sign of life */
	int64_t			 skew_ms;	/* measured start skew; -1 unknown */
	double			 delivered_pct;	/* share of planned load run */
	char			*run_dir;
	char			*options_json;	/* the request, for attach/resume */
	int64_t			 samples;	/* ingested */
	int64_t			 jtl_records;	/* counted in the agents' JTLs; -1 */
	int64_t			 active_ms;	/* time under load, pauses excluded */
};

/*
 * A segment's state (segments.state), one name each; what moves a
 * segment between them is in doc/ARCHITECTURE.md.
 */
enum jmx_segment_state {
	JMX_SEGMENT_STARTING = 0,	/* shipped, launched, held at sync */
	JMX_SEGMENT_RUNNING,		/* released; its worker tails it */
	JMX_SEGMENT_ENDED,		/* JMeter ended, results collected */
	JMX_SEGMENT_LOST,		/* declared lost; not (yet) fenced */
	JMX_SEGMENT_FENCED,		/* lost, then stopped and collected */
	JMX_SEGMENT_CANCELLED,		/* staged, never released */
	JMX_SEGMENT_FAILED		/* its start failed */
};

/* "starting", ...; parse returns -1 for a word that is not a state. */
const char	*jmx_segment_state_name(enum jmx_segment_state);
int		 jmx_segment_state_parse(const char *,
		    enum jmx_segment_state *);

/* One row of the segments table: one JMeter process on one agent. */
struct jmx_segment_rec {
	int64_t	 id;
	int64_t	 run_id;
	char	*agent;
	char	*work_dir;	/* private dir on the agent */
	enum jmx_segment_state state;
	int64_t	 pid;
	int	 udp_port;
	int64_t	 start_ms;
	int64_t	 end_ms;
	int64_t	 deadline_ms;
	int64_t	 jtl_offset;	/* bytes of results.jtl ingested */
	char	*jtl_header;	/* header line, to resume parsing mid-file */
	int64_t	 records;	/* records ingested */
	int64_t	 jtl_records;	/* records in the JTL at collection; -1 */
	int64_t	 clock_offset_ms;
	int	 gen;		/* generation: 0, then one more per resume */
	char	*part;		/* its load: jmx_part_format(); NULL = none */
	char	*slice;		/* tag of the data slices it reads */
	int64_t	 replaces;	/* the lost segment whose load it took; 0 */
	char	*cause;		/* why it was lost; NULL if it was not */
	char	*data_pos;	/* rows seen: jmx_data_pos_format(); NULL */
};

/*
 * A row of shortfalls: threads of one thread group of a lost segment
 * that did not run from from_ms to to_ms (0 while still missing).  kind
 * "unplaced": nowhere to run them (the run is partial); "handover": they
 * ran again elsewhere from to_ms on.
 */
struct jmx_shortfall_rec {
	int64_t	 segment_id;
	char	*agent;
	char	*kind;
	int	 grp;
	char	*grp_name;
	int64_t	 threads;
	int64_t	 from_ms;
	int64_t	 to_ms;
	char	*reason;
};

/* A row of events: the run's timeline. */
struct jmx_event_rec {
	int64_t	 id;
	int64_t	 time_ms;
	char	*kind;
	char	*agent;
	char	*detail;
	char	*actor;
};

const char	*jmx_run_state_name(enum jmx_run_state);
int		 jmx_run_state_parse(const char *, enum jmx_run_state *);
/* completed, partial, stopped or failed. */
int		 jmx_run_state_final(enum jmx_run_state);
/*
 * The exit status of a program that saw a run end in state s (jmx-run,
 * jmx-watch): 0 completed, 4 partial or stopped (it did not run its
 * plan), 3 failed or not ended.
 */
int		 jmx_run_state_exit(enum jmx_run_state);

/*
 * How long a controller may go without a heartbeat before it counts as
 * gone.  The runner heartbeats every 2 s from its main loop; the longest
 * it legitimately goes without one is a write waiting out SQLite's 10 s
 * busy timeout, or the end of a run (joining workers, archiving the
 * JTLs).  30 s is 15 heartbeats: a busy controller is never taken for a
 * dead one.  On the controller's own host its process is checked too, so
 * there a dead controller is seen at once and the window only matters
 * for a hung one or one on another host.
 */
#define JMX_CONTROLLER_STALE_MS	30000

/*
 * Active time of a run at now_ms: the closed generations' (active_ms)
 * plus, while running or pausing, the open one's since its T0 (gen_t0,
 * 0 if unknown).  A stop or a pause closes a generation into active_ms.
 * The one rule for the controller's progress and jmx-run status.
 */
int64_t		 jmx_run_active_ms(const struct jmx_run_rec *, int64_t gen_t0,
		    int64_t now_ms);

/*
 * Does the run have a live controller at now_ms?  The one rule for
 * jmx-run pause/stop/attach, jmx-watch and agent reservations: the run
 * is not final, its heartbeat is at most JMX_CONTROLLER_STALE_MS old and,
 * when the controller runs on this host, its process exists and is not a
 * zombie (reads /proc).
 */
int		 jmx_run_controller_alive(const struct jmx_run_rec *,
		    int64_t now_ms);

/*
 * Open (creating if needed) the database at path and bring its schema up
 * to date.  The handle is owned by the caller: jmx_store_close().  A
 * read-only file or directory is an error that says so.
 */
enum jmx_code	jmx_store_open(const char *path, struct jmx_store **,
		    struct jmx_err *);
/*
 * Open an existing database for reading only (jmx-run status, jmx-report
 * show): works on a read-only file or directory.  A missing file is made
 * as by jmx_store_open(); an old schema is upgraded if the file can be
 * written, else the error says it is read-only.  Writes through the
 * handle fail.
 */
enum jmx_code	jmx_store_open_ro(const char *path, struct jmx_store **,
		    struct jmx_err *);
void		jmx_store_close(struct jmx_store *);
int		jmx_store_schema_version(struct jmx_store *);
const char	*jmx_store_libversion(void);

/*
 * One SQL statement for a module whose tables store.c does not model
 * (schedule): values bound from types ('i' int64, 'd' double, 's'
 * string), never in sql.  row, if not NULL, gets each result row's
 * columns as text (NULL for NULL; borrowed for the call); a non-zero
 * return stops.  _last_id() and _changes() tell about the last write.
 */
enum jmx_code	jmx_store_sql(struct jmx_store *,
		    int (*row)(void *, int ncols, char **cols), void *arg,
		    struct jmx_err *, const char *sql, const char *types, ...);
/* Is a statement of this text kept prepared, idle?  For the tests. */
int		jmx_store_kept(struct jmx_store *, const char *sql);
int64_t		jmx_store_last_id(struct jmx_store *);
int		jmx_store_changes(struct jmx_store *);

/* Transactions: BEGIN IMMEDIATE ... COMMIT, or ROLLBACK. */
enum jmx_code	jmx_store_begin(struct jmx_store *, struct jmx_err *);
enum jmx_code	jmx_store_commit(struct jmx_store *, struct jmx_err *);
void		jmx_store_rollback(struct jmx_store *);

/* Runs. */
enum jmx_code	jmx_store_run_create(struct jmx_store *, struct jmx_run_rec *,
		    struct jmx_err *);
/* Fills the record (zeroed first, also on failure); caller frees it. */
enum jmx_code	jmx_store_run_get(struct jmx_store *, int64_t id,
		    struct jmx_run_rec *, struct jmx_err *);
/* The newest run, or JMX_ERR_NOTFOUND. */
enum jmx_code	jmx_store_run_latest(struct jmx_store *, int64_t *,
		    struct jmx_err *);
enum jmx_code	jmx_store_run_update(struct jmx_store *,
		    const struct jmx_run_rec *, struct jmx_err *);
enum jmx_code	jmx_store_run_set_state(struct jmx_store *, int64_t,
		    enum jmx_run_state, struct jmx_err *);
enum jmx_code	jmx_store_run_heartbeat(struct jmx_store *, int64_t,
		    int64_t now_ms, struct jmx_err *);
/*
 * Samples and failed samples stored so far for a run (sum of its
 * buckets): the count while it runs, before the runs row is final.
 */
enum jmx_code	jmx_store_run_counts(struct jmx_store *, int64_t run,
		    int64_t *samples, int64_t *errors, struct jmx_err *);
/* Frees the strings and zeroes r; safe on a zeroed record and on one
 * jmx_store_run_get() failed to fill. */
void		jmx_run_rec_free(struct jmx_run_rec *);

/* The agents of a run and their shares. */
struct jmx_run_agent_rec {
	char	*agent;
	char	*host;
	double	 weight;
	int64_t	 threads;
	int64_t	 clock_offset_ms;
	int64_t	 skew_ms;		/* first sample minus T0; -1 */
	char	*java_version;
	char	*jmeter_version;
	int	 cores;
	int64_t	 mem_mb;
	char	*state;			/* ok, lost, ... */
};
enum jmx_code	jmx_store_run_agent_put(struct jmx_store *, int64_t run,
		    const struct jmx_run_agent_rec *, struct jmx_err *);
/* All agents of a run, in insertion order; *out owned by the caller. */
enum jmx_code	jmx_store_run_agents(struct jmx_store *, int64_t run,
		    struct jmx_run_agent_rec **out, int *n, struct jmx_err *);
void		jmx_run_agent_recs_free(struct jmx_run_agent_rec *, int);
/*
 * The request a run was started with, as name/value pairs (see
 * runner.c), so that jmx-run attach can take the run over.
 */
struct jmx_prop;
enum jmx_code	jmx_store_run_options_put(struct jmx_store *, int64_t run,
		    const struct jmx_prop *, int n, struct jmx_err *);
/* Owned by the caller: jmx_run_options_free(). */
enum jmx_code	jmx_store_run_options(struct jmx_store *, int64_t run,
		    struct jmx_prop **out, int *n, struct jmx_err *);
/* Frees n options (both strings of each) and the array. */
void		jmx_run_options_free(struct jmx_prop *, int n);
/* Per agent and thread group thread counts (the split). */
enum jmx_code	jmx_store_share_put(struct jmx_store *, int64_t run,
		    const char *agent, int group, const char *group_name,
		    int64_t threads, struct jmx_err *);

/* Segments. */
enum jmx_code	jmx_store_segment_create(struct jmx_store *,
		    struct jmx_segment_rec *, struct jmx_err *);
enum jmx_code	jmx_store_segment_update(struct jmx_store *,
		    const struct jmx_segment_rec *, struct jmx_err *);
/* Record ingestion progress; call inside the transaction that stored the
 * aggregates of those bytes, so both commit or neither does. */
enum jmx_code	jmx_store_segment_advance(struct jmx_store *, int64_t seg,
		    int64_t offset, int64_t records, struct jmx_err *);
enum jmx_code	jmx_store_segments(struct jmx_store *, int64_t run,
		    struct jmx_segment_rec **out, int *n, struct jmx_err *);
void		jmx_segment_recs_free(struct jmx_segment_rec *, int);

/* Shortfalls; _close() ends every open window at to_ms. */
enum jmx_code	jmx_store_shortfall_add(struct jmx_store *, int64_t run,
		    const struct jmx_shortfall_rec *, struct jmx_err *);
enum jmx_code	jmx_store_shortfall_close(struct jmx_store *, int64_t run,
		    int64_t to_ms, struct jmx_err *);
enum jmx_code	jmx_store_shortfalls(struct jmx_store *, int64_t run,
		    struct jmx_shortfall_rec **out, int *n, struct jmx_err *);
void		jmx_shortfall_recs_free(struct jmx_shortfall_rec *, int);

/* Events: the timeline. */
enum jmx_code	jmx_store_event(struct jmx_store *, int64_t run,
		    int64_t time_ms, const char *kind, const char *agent,
		    const char *detail, const char *actor, struct jmx_err *);
enum jmx_code	jmx_store_events(struct jmx_store *, int64_t run,
		    struct jmx_event_rec **out, int *n, struct jmx_err *);
void		jmx_event_recs_free(struct jmx_event_rec *, int);

/*
 * Agent reservations.  Reserving fails with JMX_ERR_AGENT naming the
 * holder if another live run holds one of the agents; reservations of
 * runs without a live controller (jmx_run_controller_alive()) are taken
 * over.
 */
enum jmx_code	jmx_store_reserve(struct jmx_store *, int64_t run,
		    const char *const *agents, int n, int64_t now_ms,
		    struct jmx_err *);
/*
 * The runs not in a final state, at most max of them into ids; returns
 * how many there are (more than max when ids could not hold them all),
 * -1 if the store cannot say.
 */
int		jmx_store_unfinished_runs(struct jmx_store *, int64_t *ids,
		    int max);
/* Which live run holds agent, or 0. */
int64_t		jmx_store_reserved_by(struct jmx_store *, const char *agent,
		    int64_t now_ms);
enum jmx_code	jmx_store_release(struct jmx_store *, int64_t run,
		    struct jmx_err *);

/* Commands from other processes to a run's controller. */
enum jmx_code	jmx_store_command_add(struct jmx_store *, int64_t run,
		    const char *verb, const char *actor, int64_t *id,
		    struct jmx_err *);
/*
 * The oldest pending command of a run after command `after` (0: any):
 * *id = 0 if none; verb and actor are the caller's.
 */
enum jmx_code	jmx_store_command_next(struct jmx_store *, int64_t run,
		    int64_t after, int64_t *id, char **verb, char **actor, struct jmx_err *);
enum jmx_code	jmx_store_command_done(struct jmx_store *, int64_t id,
		    int ok, const char *result, struct jmx_err *);
/* State ("pending", "done", "failed") and result of a command. */
enum jmx_code	jmx_store_command_get(struct jmx_store *, int64_t id,
		    char **state, char **result, struct jmx_err *);

/*
 * Results.  jmx_store_put_agg() appends the agg's buckets for a segment
 * (call it inside the transaction that advances the segment's offset);
 * jmx_store_summary() merges a run's stored buckets into summary, exact
 * to the millisecond (agent NULL = all agents).
 */
struct jmx_agg;
struct jmx_summary;
enum jmx_code	jmx_store_put_agg(struct jmx_store *, int64_t run,
		    int64_t segment, const struct jmx_agg *, struct jmx_err *);
enum jmx_code	jmx_store_summary(struct jmx_store *, int64_t run,
		    const char *agent, struct jmx_summary *, struct jmx_err *);

/* The data directory: $JMX_HOME, else configured, else XDG; allocated. */
char		*jmx_store_home(const char *configured);

/*
 * Report queries.  jmx_store_buckets() calls cb with every stored bucket
 * of a run in time order, with its label and agent names (borrowed, valid
 * during the call; the bucket's histograms too), stopping at the first
 * code that is not JMX_OK.  The errors table counts failed samples by
 * label, response code and message: jmx_store_error_add() adds count to
 * a row, jmx_store_errors() lists them, largest count first.
 */
struct jmx_bucket;
enum jmx_code	jmx_store_buckets(struct jmx_store *, int64_t run,
		    enum jmx_code (*cb)(const char *label, const char *agent,
		    const struct jmx_bucket *, void *), void *arg,
		    struct jmx_err *);
enum jmx_code	jmx_store_error_add(struct jmx_store *, int64_t run,
		    const char *label, const char *code, const char *message,
		    int64_t count, struct jmx_err *);
enum jmx_code	jmx_store_errors(struct jmx_store *, int64_t run,
		    enum jmx_code (*cb)(const char *label, const char *code,
		    const char *message, int64_t count, void *), void *arg,
		    struct jmx_err *);

/*
 * Remove a run and every row that refers to it, in one transaction: what
 * a failed import leaves behind.
 */
enum jmx_code	jmx_store_run_delete(struct jmx_store *, int64_t run,
		    struct jmx_err *);

/*
 * An import (jmx-report import) stores its buckets in a transaction per
 * batch and completes its run in the last one, so that a large import
 * never holds the database from a live run for long.  Until then the run
 * is an unfinished import: not final, labelled "imported", with no run
 * request (a controller's runs always have one).  History hides it.  Its
 * importer is its controller and heartbeats at each batch; an unfinished
 * import whose importer is gone (jmx_run_controller_alive()) is half a
 * run, removed by jmx_store_drop_dead_imports(), which the next import
 * calls.
 */
int		jmx_run_importing(const struct jmx_run_rec *);
enum jmx_code	jmx_store_drop_dead_imports(struct jmx_store *,
		    int64_t now_ms, struct jmx_err *);

/*
 * History.  jmx_store_run_ids() lists the ids of the runs of a test case
 * (NULL: all) created at or after since_ms, oldest first (*ids owned by
 * the caller).  A baseline is the reference run of a test case: set
 * (run 0 clears it), get (*run 0 when none; set_ms may be NULL), and all
 * of them by test case (caller frees each case, both arrays).
 */
enum jmx_code	jmx_store_run_ids(struct jmx_store *, const char *test_case,
		    int64_t since_ms, int64_t **ids, int *n, struct jmx_err *);
enum jmx_code	jmx_store_baseline_set(struct jmx_store *,
		    const char *test_case, int64_t run, int64_t now_ms,
		    struct jmx_err *);
enum jmx_code	jmx_store_baseline_get(struct jmx_store *,
		    const char *test_case, int64_t *run, int64_t *set_ms,
		    struct jmx_err *);
enum jmx_code	jmx_store_baselines(struct jmx_store *, char ***cases,
		    int64_t **runs, int *n, struct jmx_err *);
/*
 * A final run's total figures, kept once computed (NAN: undefined);
 * get sets *found 0 when none are kept, and *agents to the number of
 * the run's agents either way.
 */
struct jmx_run_figures {
	uint64_t	 samples, errors;
	double		 error_pct, avg, p50, p90, p95, p99, throughput;
};
enum jmx_code	jmx_store_figures_put(struct jmx_store *, int64_t run,
		    const struct jmx_run_figures *, struct jmx_err *);
/*
 * A run's samples per second, the seconds with samples in order (no
 * histogram read: cheap for the throughput test of compare.h).
 */
enum jmx_code	jmx_store_run_rates(struct jmx_store *, int64_t run,
		    uint64_t **counts, int *n, struct jmx_err *);
enum jmx_code	jmx_store_figures_get(struct jmx_store *, int64_t run,
		    struct jmx_run_figures *, int *found, int *agents,
		    struct jmx_err *);

#endif

/*
 * plan.h: read a JMeter test plan (.jmx) and write one agent's share of it.
 *
 * jmx_plan_load() parses the plan, resolves the numbers that decide the
 * load (thread counts, ramp-up, durations, throughput targets) and lists
 * the thread groups (JMeter's and jmeter-plugins' Custom Thread Groups),
 * throughput elements (Constant, Precise and Throughput Shaping Timers)
 * and CSV Data Sets in document order, and the plugins they need.
 * jmx_plan_write_share() writes a copy of the plan for one agent:
 * its thread counts, scaled throughput targets, renamed data files and
 * an optional synchronized start.  Only plan.c sees libxml2.
 *
 * Numeric fields may be plain numbers or use ${__P(name,default)},
 * ${__property(name,,default)} and ${var} where var is a User Defined
 * Variable of the Test Plan or of an Arguments element; properties come
 * from the caller (-J and the test case's properties).  Stricter than
 * JMeter: ${__P(name)} with no such property is an error, not "1", and
 * a value that is not a number is an error, not a silent 0.
 */
#ifndef JMX_PLAN_H
#define JMX_PLAN_H

#include <stdint.h>

#include "err.h"

struct jmx_prop;		/* config.h: name/value pair */
struct jmx_plan_xml;		/* plan.c: the parsed document */

enum jmx_plan_kind {
	JMX_PLAN_THREADS = 0,	/* ThreadGroup */
	JMX_PLAN_SETUP,		/* SetupThreadGroup (setUp) */
	JMX_PLAN_TEARDOWN,	/* PostThreadGroup (tearDown) */
	JMX_PLAN_OPEN_MODEL	/* OpenModelThreadGroup: rates, no threads */
};

/* The element name of a kind ("ThreadGroup", "SetupThreadGroup", ...). */
const char	*jmx_plan_kind_name(enum jmx_plan_kind);

/*
 * Which element a group is: JMeter's own, or one of jmeter-plugins'
 * Custom Thread Groups (kg.apc:jmeter-plugins-casutg).  Concurrency,
 * Ultimate and Stepping groups are JMX_PLAN_THREADS (their threads are
 * the peak they start); Arrivals groups are JMX_PLAN_OPEN_MODEL (rates).
 */
enum jmx_plan_variant {
	JMX_PLAN_CORE = 0,
	JMX_PLAN_CONCURRENCY,	/* ConcurrencyThreadGroup: TargetLevel */
	JMX_PLAN_ULTIMATE,	/* UltimateThreadGroup: rows of threads */
	JMX_PLAN_STEPPING,	/* SteppingThreadGroup: threads, steps */
	JMX_PLAN_ARRIVALS,	/* ArrivalsThreadGroup: TargetLevel rate */
	JMX_PLAN_FREEFORM	/* FreeFormArrivalsThreadGroup: rate rows */
};

struct jmx_plan_group {
	enum jmx_plan_kind kind;
	char		*name;		/* testname */
	int		 enabled;	/* 0: enabled="false", not resolved */
	int		 line;		/* of the element */
	int		 threads;	/* ThreadGroup.num_threads (open: 0) */
	int		 ramp_s;	/* ThreadGroup.ramp_time */
	int		 scheduler;	/* ThreadGroup.scheduler */
	int64_t		 duration_s;	/* ThreadGroup.duration; 0 if unset */
	int64_t		 delay_s;	/* ThreadGroup.delay; 0 if unset */
	int64_t		 loops;		/* LoopController.loops; -1 = forever */
	char		*schedule;	/* OpenModelThreadGroup.schedule */
	enum jmx_plan_variant variant;
	/*
	 * Plugin groups: the whole number divided between agents by largest
	 * remainder (threads; Arrivals: TargetLevel; Free-Form:
	 * ConcurrencyLimit, 0 when unset), and the counts divided with it by
	 * jmx_plan_slice(): Ultimate: each row's threads; Stepping: "Start
	 * users count", "Start users count burst", "Stop users count";
	 * Arrivals and Free-Form: ConcurrencyLimit, ArrivalsLimit (0 unset).
	 */
	int64_t		 units;
	int64_t		*counts;
	int		 ncounts;
	/*
	 * With JMX_PLAN_COUNT_FIXED: num_threads could not be resolved and
	 * is left to --threads (threads is 0).
	 */
	int		 unresolved;
};

/*
 * Agent's part of a count q of a group of units: the agent runs units
 * [first, first + len) of them, and gets floor(q (first + len) / units) -
 * floor(q first / units).  Over agents whose slices tile the units the
 * parts add up exactly to q.  0 when units <= 0.
 */
int64_t		jmx_plan_slice(int64_t q, int64_t units, int64_t first,
		    int64_t len);

/* An element from a plugin, and the plugin's name ("casutg"). */
struct jmx_plan_need {
	const char	*plugin;	/* install-jmeter.sh --plugins NAME */
	const char	*jar;		/* jar name prefix in lib/ext */
	char		*what;		/* "ConcurrencyThreadGroup 'Users'" */
	int		 line;
};

enum jmx_plan_tput_kind {
	JMX_PLAN_CONSTANT_TIMER = 0,	/* ConstantThroughputTimer */
	JMX_PLAN_PRECISE_TIMER,		/* PreciseThroughputTimer */
	JMX_PLAN_OPEN_RATE,		/* a rate() of an open model group */
	JMX_PLAN_SHAPING_TIMER		/* VariableThroughputTimer */
};

/* A throughput target; jmx_plan_write_share() scales it. */
struct jmx_plan_tput {
	enum jmx_plan_tput_kind kind;
	char		*name;		/* testname (the group's, for a rate) */
	int		 group;		/* index in groups; -1 = plan level */
	int		 line;
	/*
	 * Constant: samples per minute (throughput).  Precise: samples per
	 * period_s (throughput, throughputPeriod).  Open rate: per second.
	 * Shaping: the highest rate of its load_profile rows, per second
	 * (every row's start and end rates are scaled).
	 */
	double		 throughput;
	double		 period_s;	/* throughputPeriod; else 60 or 1 */
	int		 calc_mode;	/* Constant: calcMode 0..4; else -1 */
	/*
	 * Constant with calcMode 0 ("this thread only") sets a rate per
	 * thread: dividing the threads already divides it, so it is never
	 * scaled.  Every other target is shared by threads and is scaled.
	 */
	int		 per_thread;
};

/* An enabled CSV Data Set. */
struct jmx_plan_csv {
	char		*name;		/* testname */
	int		 group;		/* index in groups; -1 = plan level */
	int		 line;
	char		*filename;	/* filename, resolved when possible */
	char		*share_mode;	/* shareMode: "shareMode.all", ... */
	int		 ignore_first_line; /* ignoreFirstLine */
	char		*variable_names; /* variableNames; "" = from line 1 */
	int		 quoted;	/* quotedData */
	int		 recycle;	/* recycle: at end of file, rewind */
	char		*delimiter;	/* delimiter as written: ",", "\t" */
	/* Is line 1 not data (ignoreFirstLine, or names read from it)? */
	int		 has_header;
};

struct jmx_plan {
	char			*path;		/* as given to jmx_plan_load */
	char			*name;		/* the Test Plan's testname */
	int			 serialize;	/* serialize_threadgroups */
	struct jmx_plan_group	*groups;	/* all, in document order */
	int			 ngroups;
	struct jmx_plan_tput	*tputs;		/* enabled throughput targets */
	int			 ntputs;
	struct jmx_plan_csv	*csvs;		/* enabled CSV Data Sets */
	int			 ncsvs;
	struct jmx_plan_need	*needs;		/* enabled plugin elements */
	int			 nneeds;
	struct jmx_plan_xml	*xml;		/* private */
};

/*
 * Load path.  props (may be NULL) are name/value pairs for ${__P()};
 * with a name given twice the later one wins, so pass -J values last.
 * On success *out is the caller's (jmx_plan_free).  Errors:
 * JMX_ERR_IO (unreadable), JMX_ERR_PLAN ("plan 'P': line N: ThreadGroup
 * 'Users': num_threads '${x}' cannot be resolved (...)"; also "plan 'P':
 * the plan has no enabled thread group" when no ThreadGroup or
 * OpenModelThreadGroup is enabled, setUp/tearDown not counting), and
 * JMX_ERR_UNSUPPORTED for an enabled thread group jmx cannot divide (one
 * of another plugin).
 */
enum jmx_code	jmx_plan_load(const char *path, const struct jmx_prop *props,
		    int nprops, struct jmx_plan **out, struct jmx_err *err);

/*
 * The thread counts are fixed by the caller (--threads N): a ThreadGroup
 * num_threads or ConcurrencyThreadGroup TargetLevel that cannot be
 * resolved is no error (the group's unresolved is set).  A Stepping or
 * Ultimate group's counts must resolve: its steps and rows are divided in
 * proportion to them.
 */
#define JMX_PLAN_COUNT_FIXED	0x1
/* jmx_plan_load with flags (JMX_PLAN_*). */
enum jmx_code	jmx_plan_load_flags(const char *path,
		    const struct jmx_prop *props, int nprops, int flags,
		    struct jmx_plan **out, struct jmx_err *err);

/*
 * The first enabled main group (JMX_PLAN_THREADS) when no enabled main
 * group would start a thread, all of them given 0 threads: the run would
 * send nothing.  NULL when one would, or when an open model group sets
 * the load by rates, or a count is left to --threads (unresolved).
 */
const struct jmx_plan_group *jmx_plan_idle(const struct jmx_plan *);

/*
 * The first element of the plan whose plugin has no jar in jars (the jar
 * names of JMeter's lib/ext, separated by white space), or NULL.
 */
const struct jmx_plan_need *jmx_plan_missing(const struct jmx_plan *,
		    const char *jars);
void		jmx_plan_free(struct jmx_plan *);

/* One thread group's share on one agent. */
struct jmx_plan_gshare {
	/*
	 * Threads on this agent; 0 disables the group here.  An open model
	 * group has no thread count: it is disabled when scale is 0.
	 */
	int		 threads;
	double		 scale;		/* factor for the targets inside it */
	/*
	 * Plugin groups: the units of the group (jmx_plan_group.units, or
	 * threads scaled by --threads) this share runs: [first, first+len).
	 * Both 0: not set (then len is taken from threads or scale).
	 */
	int		 first;
	int		 len;
};

/* A data file renamed in the bundle: CSVDataSet filename from -> to. */
struct jmx_plan_rename {
	const char	*from;		/* as in jmx_plan_csv.filename */
	const char	*to;		/* e.g. "data/users.csv" */
	/*
	 * Not NULL: the file's records start with a row number, read into
	 * this variable; it is put first in variableNames when those are
	 * set (else the file's header line names it).
	 */
	const char	*row_var;
};

/* What one agent runs; every pointer is borrowed for the call. */
struct jmx_plan_share {
	const struct jmx_plan_gshare *groups; /* one per plan group, by index */
	int		 ngroups;	/* must equal plan->ngroups */
	double		 scale;		/* factor for plan-level targets */
	int64_t		 duration_s;	/* > 0: main groups run this long */
	int		 ramp_set;	/* override every main group's ramp: */
	int64_t		 ramp_s;	/* ... with this (seconds) */
	const struct jmx_plan_rename *renames;
	int		 nrenames;
	/*
	 * Inject the setUp group "jmx-sync-start" that holds the main groups
	 * until T0 (epoch milliseconds on the agent's clock): property
	 * jmx.t0 (-Jjmx.t0=...) if set, else the first line of the file
	 * jmx.t0 in JMeter's working directory, waited for (write it
	 * atomically); each later line name=value of that file is set as
	 * a JMeter property before the main groups start.
	 * On reaching the wait it writes the file jmx.ready there.  Its one
	 * Flow Control Action records no sample.  Unless warm, a plan that
	 * jmx_plan_early_start() allows starts early (see there).
	 */
	int		 sync_start;
	/*
	 * With sync_start: before jmx.ready, also warm up what the first
	 * sample would otherwise do for the first time after T0 (the HTTP
	 * client): a tighter start for a longer start-up.
	 */
	int		 warm_up;
	/*
	 * A warm spare's plan: every core ThreadGroup's and tearDown
	 * group's threads come from property JMX_PLAN_WARM_THREADS<index>
	 * (0 if unset), main groups' ramp-up and duration (seconds) from
	 * JMX_PLAN_WARM_RAMP and JMX_PLAN_WARM_DURATION: the release file
	 * sets them (see sync_start).  Only for a plan jmx_plan_warm_ok().
	 */
	int		 warm;
};

#define JMX_PLAN_WARM_THREADS	"jmx.warm.threads."
#define JMX_PLAN_WARM_RAMP	"jmx.warm.ramp"
#define JMX_PLAN_WARM_DURATION	"jmx.warm.duration"

/* Is g a group a warm spare's plan takes its threads for at release? */
int		jmx_plan_warm_group(const struct jmx_plan_group *);
/*
 * Can a warm spare run this plan: every enabled group but setUp ones a
 * core ThreadGroup or tearDown group, no throughput target to scale.
 * Else a lost part goes to spares the cold way (a new JMeter).
 */
int		jmx_plan_warm_ok(const struct jmx_plan *);

/* Do these shares run main group g (threads, or an open model's rate)? */
int		jmx_plan_group_runs(const struct jmx_plan *,
		    const struct jmx_plan_gshare *groups, int g);

/*
 * Early start.  A main group's threads are made (each a copy of the test
 * tree) when the group starts; on a busy agent that took up to 90 ms,
 * which came after T0.  So when T0 is known at least JMX_PLAN_LEAD_MS
 * ahead, the sync group ends its wait that much early, and each main
 * group starts with its scheduler's start-up delay lengthened by the
 * lead: its threads are made before T0 and each sleeps until its own
 * start time, T0.  The delay is in whole seconds (ThreadGroup.delay),
 * hence a lead of one second.  A T0 known later starts as before.
 *
 * Can shares of this plan start early: no serialized groups, and every
 * enabled main group a core ThreadGroup on its scheduler (its own or,
 * duration_s > 0, the run's duration).  Otherwise a lengthened delay
 * would move a group the lead cannot move (an open model's schedule, a
 * plugin group, a group run after another) and every group waits as it
 * did.
 */
#define JMX_PLAN_LEAD_MS	1000
int		jmx_plan_early_start(const struct jmx_plan *,
		    int64_t duration_s);
/* Main group i's start-up delay (s), set by the sync group. */
#define JMX_PLAN_DELAY_PROP	"jmx.delay."

/* The name of the injected setUp group. */
#define JMX_PLAN_SYNC_GROUP	"jmx-sync-start"
/* The property, and file, the injected group waits for (epoch ms). */
#define JMX_PLAN_SYNC_PROP	"jmx.t0"
/* The file it writes on reaching the wait. */
#define JMX_PLAN_READY_FILE	"jmx.ready"

/*
 * Write the plan rewritten for one agent to path (atomically), in the
 * plan's encoding.  Main groups (ThreadGroup, OpenModelThreadGroup) get
 * the overrides; setUp/tearDown groups keep their own timing; groups
 * disabled in the plan stay disabled.  Resolved numbers replace the
 * expressions they came from.  The plan is unchanged and can be written
 * again for the next agent.
 */
enum jmx_code	jmx_plan_write_share(const struct jmx_plan *,
		    const struct jmx_plan_share *, const char *path,
		    struct jmx_err *err);

/* "libxml2 2.9.14": the XML library in use, for --version -v. */
const char	*jmx_plan_libversion(void);

#endif

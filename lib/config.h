/*
 * config.h: the inventory of agents and the named test cases, loaded
 * from YAML (see jmx.conf(5)).  Every error names file:line:column.
 */
#ifndef JMX_CONFIG_H
#define JMX_CONFIG_H

#include <stdint.h>

#include "err.h"

struct jmx_compare_rule;

/* What to do when an agent is lost mid-run (settings.on_agent_failure). */
enum jmx_failure_policy {
	JMX_POLICY_REDISTRIBUTE = 0,
	JMX_POLICY_CONTINUE_PARTIAL,
	JMX_POLICY_ABORT
};

struct jmx_agent_conf {
	char	 *name;		/* agents[].name, unique */
	char	 *host;		/* agents[].host (address or name) */
	int	  port;		/* agents[].port; 0: ssh_config's or 22 */
	char	 *user;		/* agents[].user; NULL: ssh_config's or root */
	char	 *key;		/* agents[].key; NULL: IdentityFile, ssh-agent */
	char	 *known_hosts;	/* agents[].known_hosts: file used strictly */
	char	 *jmeter_home;	/* agents[].jmeter_home */
	char	 *java;		/* agents[].java: java binary, default "java" */
	char	 *work_dir;	/* agents[].work_dir: parent of run dirs, default /tmp */
	double	  weight;	/* agents[].weight; 0 = derive from probe */
	int	  max_threads;	/* agents[].max_threads; 0 = derive from probe */
	int	  spare;	/* agents[].spare: used only to replace lost agents */
	int	  warm;		/* spare: warm: its JMeter started with the run */
	char	**tags;		/* agents[].tags, NULL-terminated (or NULL) */
	int	  ntags;
	int	  line;		/* where it was defined (1-based), for messages */
};

struct jmx_data_conf {
	char	*file;		/* tests.X.data[].file, resolved against the config dir */
	int	 split;		/* tests.X.data[].split: give each agent a disjoint slice */
};

struct jmx_prop {
	char	*name;
	char	*value;
};

struct jmx_threshold {
	char	*label;		/* NULL = total */
	char	*metric;	/* p95, p99, avg, error_pct, throughput ... */
	char	*op;		/* "<", "<=", ">", ">=" */
	double	 value;	/* tests.X.thresholds[].value */
};

/* String lists (tags, agents, notify) are NULL-terminated, or NULL. */
struct jmx_test_conf {
	char			 *name;		/* key under tests: */
	char			 *plan;		/* tests.X.plan, resolved against the config dir */
	char			 *threads;	/* tests.X.threads: "N" or "xF"; NULL = plan's */
	int64_t			  duration_ms;	/* tests.X.duration; 0 = plan's */
	int64_t			  ramp_ms;	/* tests.X.ramp; -1 = plan's */
	struct jmx_prop		 *props;	/* tests.X.properties */
	int			  nprops;
	struct jmx_data_conf	 *data;		/* tests.X.data */
	int			  ndata;
	struct jmx_threshold	 *thresholds;	/* tests.X.thresholds */
	int			  nthresholds;
	struct jmx_compare_rule	 *regression;	/* tests.X.regression */
	int			  nregression;
	char			**agents;	/* tests.X.agents: default names */
	int			  nagents;
	char			 *tag;		/* tests.X.tag: default agent tag */
	int			  setup_on_all;	/* tests.X.setup_on_all */
	char			**notify;	/* tests.X.notify: mail:A, exec:C */
	int			  nnotify;
	char			 *stream;	/* tests.X.stream(.url): write URL */
	char			 *stream_token_file; /* tests.X.stream.token_file */
	char			 *stream_app;	/* tests.X.stream.application */
	int64_t			  stream_interval_ms; /* .interval; 0 = 5s */
	int			  line;
};

struct jmx_settings {
	int64_t			 failure_timeout_ms;	/* settings.failure_timeout, 10s */
	enum jmx_failure_policy	 on_agent_failure;	/* settings.on_agent_failure */
	int64_t			 stop_grace_ms;		/* settings.stop_grace, 10s */
	int64_t			 stall_timeout_ms;	/* settings.stall_timeout, 30s; 0 off */
	int64_t			 deadline_grace_ms;	/* settings.deadline_grace, 120s */
	int64_t			 min_free_disk_mb;	/* settings.min_free_disk_mb, 200 */
	int			 threads_per_core;	/* settings.threads_per_core, 250 */
	char			*home;			/* settings.home: data dir */
	int			 resume_ramp;		/* settings.resume_ramp: ramp again */
};

struct jmx_config {
	char			*path;		/* the file it was loaded from */
	char			*dir;		/* its directory, for relative paths */
	struct jmx_agent_conf	*agents;
	int			 nagents;
	struct jmx_test_conf	*tests;
	int			 ntests;
	struct jmx_settings	 settings;
};

/*
 * Load and validate path.  On success *out is owned by the caller (free
 * with jmx_config_free).  On failure err->msg reads
 * "FILE:LINE:COL: what is wrong" and the code is JMX_ERR_CONFIG (or
 * JMX_ERR_IO when the file cannot be read).
 */
enum jmx_code	jmx_config_load(const char *path, struct jmx_config **out,
		    struct jmx_err *err);
/*
 * The same, going on past an error to the next independent item (agent,
 * test, key, threshold, list entry): on failure errs[0..max) get the
 * first max errors in file order, each "FILE:LINE:COL: ...", and *nerrs
 * (may be NULL) how many were found, which may be more than max.  A YAML
 * syntax error or an unreadable file is one error.
 */
enum jmx_code	jmx_config_load_all(const char *path, struct jmx_config **out,
		    struct jmx_err *errs, int max, int *nerrs);
/* An empty configuration (no agents, no tests) with default settings. */
struct jmx_config *jmx_config_new(void);
void		jmx_config_free(struct jmx_config *);

/* The configuration path: $JMX_CONFIG, ./jmx.yaml, then XDG; NULL if none. */
char		*jmx_config_default_path(void);

/* Lookups; the returned pointers are borrowed from cfg. */
const struct jmx_agent_conf *jmx_config_agent(const struct jmx_config *,
		    const char *name);
const struct jmx_test_conf *jmx_config_test(const struct jmx_config *,
		    const char *name);

/* "redistribute", "continue-partial" or "abort" (static text). */
const char	*jmx_config_policy_name(enum jmx_failure_policy);
/* "libyaml 0.2.5": the YAML library in use (static text). */
const char	*jmx_config_libversion(void);

#endif

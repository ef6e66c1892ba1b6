/*
 * agent.h: what the controller does on one agent host, over SSH: probe
 * its capabilities, ship a bundle into a private work directory, start
 * JMeter detached with a hard deadline, watch it, signal it, fetch its
 * files and clean up.  Every remote argument is shell-quoted here.
 */
#ifndef JMX_AGENT_H
#define JMX_AGENT_H

#include <stdint.h>

#include "config.h"
#include "err.h"
#include "util.h"

struct jmx_agent_lease;
struct jmx_ssh;

/* One agent as the controller sees it during a run. */
struct jmx_agent {
	const struct jmx_agent_conf	*conf;	/* borrowed from the config */
	struct jmx_ssh			*ssh;	/* NULL until connected */
	int				 io_timeout_ms;

	/* Filled by jmx_agent_probe(). */
	char		 java_version[96];	/* "openjdk version \"17.0.15\"" */
	char		 jmeter_version[32];	/* "5.6.3" */
	int		 cores;
	int64_t		 mem_avail_mb;
	double		 load1;
	int64_t		 disk_free_mb;		/* in work_dir */
	int64_t		 clock_offset_ms;	/* agent clock minus ours */
	int64_t		 rtt_ms;		/* best round trip measured */
	/* The jars of lib/ext but JMeter's own, separated by spaces. */
	char		 ext_jars[2048];
	int		 probed;

	/*
	 * Its lock while a run holds it (jmx_agent_lock), else NULL.
	 * Owned by the run's agent; copies of the struct (segments) never
	 * use it.
	 */
	struct jmx_agent_lease *lease;
};

/* Connect with strict host key checking; JMX_ERR_SSH says why not. */
enum jmx_code	jmx_agent_connect(struct jmx_agent *, int connect_timeout_ms,
		    struct jmx_err *);
void		jmx_agent_disconnect(struct jmx_agent *);

/*
 * Probe Java, JMeter, cores, memory, load, disk and the clock.  Returns
 * JMX_ERR_AGENT with the reason when the agent cannot run a test
 * (no Java, no JMeter, too little disk), JMX_ERR_SSH/REMOTE on failure.
 */
enum jmx_code	jmx_agent_probe(struct jmx_agent *, int64_t min_free_disk_mb,
		    struct jmx_err *);

/* The weight a probe suggests: cores, fewer when memory is short. */
double		jmx_agent_probed_weight(const struct jmx_agent *);

/*
 * Make a private work directory (mode 0700) under the agent's work_dir
 * and unpack the gzip tarball bundle into it.  *work_dir is allocated.
 */
enum jmx_code	jmx_agent_unpack(struct jmx_agent *, int64_t run_id,
		    const void *bundle, size_t len, char **work_dir,
		    struct jmx_err *);

/* The launcher script that jmx_agent_unpack'ed bundles carry (run.sh). */
const char	*jmx_agent_run_script(void);

/* How to start one JMeter. */
struct jmx_launch {
	int64_t		 deadline_s;	/* hard limit enforced on the agent */
	const char	*heap;		/* JVM heap flags, NULL = default */
	const char	*const *args;	/* extra JMeter args (-Jx=y), NULL-ended */
};

/*
 * Start JMeter in work_dir detached from the SSH session (its own
 * session, pid and exit status written there), so that losing the
 * connection does not stop the test.  *pid is the process group.
 */
enum jmx_code	jmx_agent_launch(struct jmx_agent *, const char *work_dir,
		    const struct jmx_launch *, int64_t *pid, struct jmx_err *);

/* The state of a launched JMeter. */
struct jmx_agent_status {
	int	running;	/* its process group still exists */
	int	exited;		/* exit_code written */
	int	exit_code;	/* JMeter's (or timeout's 124) status */
	int	udp_port;	/* JMeter's control port, 0 if not yet known */
	int	started;	/* JMeter said "Starting standalone test" */
	int	ready;		/* the sync group waits for T0 (jmx.ready) */
	int64_t	jtl_size;	/* bytes in results.jtl, -1 if none */
};
/*
 * With wait_ms > 0 the agent first waits, up to that long, until the
 * ready file is there, JMeter has exited or its process group is gone.
 */
enum jmx_code	jmx_agent_status(struct jmx_agent *, const char *work_dir,
		    int wait_ms, struct jmx_agent_status *, struct jmx_err *);

/* Send JMeter's "Shutdown" (graceful) or "StopTestNow" to its port. */
enum jmx_code	jmx_agent_signal(struct jmx_agent *, int udp_port,
		    const char *message, struct jmx_err *);
/* Kill the process group of a launched JMeter (TERM, or KILL if hard). */
enum jmx_code	jmx_agent_kill(struct jmx_agent *, const char *work_dir,
		    int hard, struct jmx_err *);

/* Read up to max bytes of work_dir/name from offset (for tailing). */
enum jmx_code	jmx_agent_read(struct jmx_agent *, const char *work_dir,
		    const char *name, int64_t offset, size_t max,
		    struct jmx_buf *out, struct jmx_err *);
/* Fetch a whole file of the work dir. */
enum jmx_code	jmx_agent_fetch(struct jmx_agent *, const char *work_dir,
		    const char *name, struct jmx_buf *out, struct jmx_err *);
/*
 * Write a small new file into the work dir atomically (temp + rename,
 * over SFTP: no process is started on the agent).
 */
enum jmx_code	jmx_agent_put(struct jmx_agent *, const char *work_dir,
		    const char *name, const char *content, struct jmx_err *);
/* Remove the work directory. */
enum jmx_code	jmx_agent_cleanup(struct jmx_agent *, const char *work_dir,
		    struct jmx_err *);
/*
 * Remove the work directories of run_id that none of keep[n] names: what
 * a controller killed while it unpacked bundles made and never recorded
 * (no JMeter runs there: one is launched only in a recorded directory).
 */
enum jmx_code	jmx_agent_sweep(struct jmx_agent *, int64_t run_id,
		    const char *const *keep, int n, struct jmx_err *);

/*
 * The agent's own reservation: a lock file on the agent names the run
 * that loads it, so controllers with different databases never load one
 * agent at once.  The holder renews its lease; a lock not renewed for
 * longer than its lease is stale and can be taken over.  The protocol
 * and why it is safe: doc/ARCHITECTURE.md.
 */

#define JMX_AGENT_LIVE_MAX	16

/* Who holds (or asks for) an agent's lock: one run of one database. */
struct jmx_agent_holder {
	char	 token[17];	/* the run and its database, hashed */
	int64_t	 run_id;
	char	 host[64];	/* controller host */
	int64_t	 pid;		/* controller that took it */
	char	 database[256];
	int64_t	 lease_s;	/* stale unless renewed as often */
	/* Of a lock read: its last renewal (agent's clock), how long ago. */
	int64_t	 mtime_s;
	int64_t	 age_s;
	/*
	 * Of the asker: the runs of its own database that have not ended,
	 * nlive < 0 if not known.  A lock of the same database naming any
	 * other run is over: that run ended, so the lock need not wait out
	 * its lease (it outlives its run when its agent was out of reach at
	 * the end).  A run whose controller died has not ended: its JMeters
	 * may still run, and its lock binds until attach or the lease.
	 */
	int64_t	 live[JMX_AGENT_LIVE_MAX];
	int	 nlive;
};

/*
 * This process as the holder for a run of database (created_ms as the
 * run's record says: a later controller of the same run, attach, makes
 * the same token).  The lease is JMX_AGENT_LEASE seconds, default 60.
 */
void		jmx_agent_holder_init(struct jmx_agent_holder *,
		    int64_t run_id, int64_t created_ms, const char *database);

/*
 * The runs of the holder's database that have not ended, for
 * holder->live (see there):
 * ids of n (n > JMX_AGENT_LIVE_MAX or n < 0: not known).
 */
void		jmx_agent_holder_live(struct jmx_agent_holder *,
		    const int64_t *ids, int n);

/*
 * Over the connected (probed) session and without taking anything:
 * JMX_ERR_AGENT "busy: in use by run N of controller HOST (database D)"
 * if a live lock is on the agent, JMX_OK if none or a stale one or one
 * over for asker (NULL: none is).
 */
enum jmx_code	jmx_agent_lock_check(struct jmx_agent *,
		    const struct jmx_agent_holder *asker, struct jmx_err *);

/*
 * Take the agent's lock for holder, or take it back if holder's run has
 * it already (attach), over a session of the lock's own; a stale lock is
 * taken over.  Busy is JMX_ERR_AGENT as above.  Needs the agent's clock
 * offset (probed, or as stored).
 */
enum jmx_code	jmx_agent_lock(struct jmx_agent *,
		    const struct jmx_agent_holder *, struct jmx_err *);

/*
 * Keep a held lock's lease renewed from a thread of this process, which
 * the first call starts (and the first call after a fork, in the child).
 * Cheap: call it from a heartbeat.
 */
void		jmx_agent_lock_renew(struct jmx_agent *);

/* Stop the renewals and remove the lock if it is still ours.  Idempotent. */
void		jmx_agent_unlock(struct jmx_agent *);

#endif

/*
 * segment.h: one JMeter on one agent carrying a share of a run's load
 * over a time window.  A run is a set of segments: the first start makes
 * one per agent, a resume after a pause makes new ones, a stop ends all.
 *
 * The controller prepares, launches and starts segments phase by phase
 * (each call may run in its own thread, one per segment), then a worker
 * thread per segment tails its JTL into an aggregate that the main
 * thread takes with jmx_seg_take() and commits.  A segment owns its SSH
 * session: no two threads ever share one.
 */
#ifndef JMX_SEGMENT_H
#define JMX_SEGMENT_H

#include <pthread.h>
#include <signal.h>
#include <stdint.h>

#include "agent.h"
#include "data.h"
#include "err.h"
#include "part.h"
#include "store.h"
#include "util.h"

struct jmx_agg;
struct jmx_jtl;

enum jmx_seg_state {
	JMX_SEG_NEW = 0,	/* not launched */
	JMX_SEG_RUNNING,	/* worker tailing */
	JMX_SEG_DONE,		/* JMeter ended; results in and collected */
	JMX_SEG_FAILED		/* lost or never started; err says why */
};

/*
 * A running segment is declared lost (lost set, cause says why) when
 * JMeter exits with an error or vanishes, when the agent cannot be
 * reached for the failure timeout since the last contact, or when the
 * JTL stops growing (stalled).  Its worker then fences it: it stops the
 * old JMeter (at once if reachable, else as soon as the agent answers
 * again), ingests what it wrote and collects; the state becomes DONE
 * with fenced set, or FAILED when the runner abandons it first.
 */

struct jmx_seg {
	struct jmx_agent	 a;		/* own session; conf and probe
						   copied from the agent */
	struct jmx_segment_rec	 rec;		/* its row in segments */
	struct jmx_part		 part;		/* the load it carries */
	int64_t			 stop_grace_ms;
	int64_t			 failure_timeout_ms;
	int64_t			 stall_timeout_ms;	/* 0: no check */
	int64_t			 planned_end_ms;	/* our clock; 0 none */
	int			 keep;		/* --keep: leave the work dir */

	/* Under lock: shared between the worker and the main thread. */
	pthread_mutex_t		 lock;
	enum jmx_seg_state	 state;
	const char		*status;	/* for display */
	struct jmx_err		 err;
	struct jmx_jtl		*jtl;
	struct jmx_agg		*agg;
	int64_t			 first_start;	/* corrected; INT64_MAX none */
	int64_t			 last_end;	/* corrected; 0 none */
	int64_t			 samples;
	struct jmx_data_pos	 rows;		/* rows seen in its slices */
	int			 udp_port;
	int			 exit_code;
	int			 lost;		/* declared lost: see above */
	char			 cause[256];	/* why */
	int64_t			 lost_ms;	/* when declared (wall) */
	int64_t			 seen_ms;	/* last contact before (wall) */
	int			 fenced;	/* old JMeter stopped, results in */
	int			 suspect;	/* silent: redialling its agent */
	int			 cancelled;	/* a standby never released */
	int			 early;		/* JMeter ended before ready */

	volatile sig_atomic_t	 stop_level;	/* 1 Shutdown, 2 StopTestNow */
	volatile sig_atomic_t	 abandon;	/* stop fencing: the run ends */
	pthread_cond_t		 wake;	/* with lock: a stop or abandon came */
	int64_t			 pid;
	pthread_t		 tid;
	int			 thread_started;

	/*
	 * Collected at the end by the worker into local_dir (results.jtl,
	 * jmeter.log, jmeter.out), where a controller that takes the run
	 * over finds them too.
	 */
	char			*local_dir;
	/*
	 * The JTL bytes as they are tailed, written to local_dir's
	 * results.jtl.part (worker only): collecting then downloads
	 * nothing again.  -1: none (a segment taken over mid-file, or a
	 * failed write), and the JTL is downloaded whole at the end.
	 */
	int			 mirror_fd;
	struct jmx_buf		 chunk;		/* the JTL bytes of a poll */
	struct jmx_agg		*spare;		/* main thread: the next agg */
	int64_t			 jtl_records;	/* counted afresh; -1 */
	int64_t			 base_records;	/* ingested before this
						   controller took over */
	/*
	 * Thread groups whose samples say nothing of the start (setUp,
	 * tearDown, the sync group): first_start ignores them.  Owned.
	 */
	char			**side_groups;
	int			 nside;
};

/* A segment of agent (probe copied, no session yet).  Free with _free. */
struct jmx_seg	*jmx_seg_new(const struct jmx_agent *agent, int64_t run_id,
		    const struct jmx_settings *, int keep);
/* Set rec.id (once the store gave it), and local_dir under run_dir. */
void		 jmx_seg_set_id(struct jmx_seg *, int64_t id,
		    const char *run_dir);
void		 jmx_seg_free(struct jmx_seg *);
/*
 * Samples of threads of these groups (names copied) do not count as the
 * segment's first start: setUp and tearDown groups run outside T0.
 */
void		 jmx_seg_set_side_groups(struct jmx_seg *,
		    const char *const *names, int n);
/* Is thread (JMeter's "<group> <g>-<t>") of one of the side groups? */
int		 jmx_seg_side_thread(const struct jmx_seg *, const char *thread,
		    size_t len);

/* Connect and unpack bundle into a private work dir on the agent. */
enum jmx_code	jmx_seg_prepare(struct jmx_seg *, const void *bundle,
		    size_t len);
/* Start JMeter detached with a hard deadline. */
enum jmx_code	jmx_seg_launch(struct jmx_seg *, int64_t deadline_s,
		    const char *const *args);
/* Wait until JMeter holds at the sync point (or fails, or stop asked). */
enum jmx_code	jmx_seg_wait_ready(struct jmx_seg *, int64_t timeout_ms);
/*
 * Release it at t0 (controller clock); props (NULL: none) are more lines
 * of the release file, name=value, set as JMeter properties (a warm
 * spare's load).
 */
enum jmx_code	jmx_seg_go(struct jmx_seg *, int64_t t0, const char *props);
/*
 * Start the worker that tails the JTL from rec.jtl_offset (rec.jtl_header
 * is used when resuming mid-file) until JMeter ends, then collects.
 */
enum jmx_code	jmx_seg_start_worker(struct jmx_seg *);
/*
 * Take over a segment another controller started (its rec loaded from
 * the store): connect and tail on from the committed offset.
 */
enum jmx_code	jmx_seg_adopt(struct jmx_seg *);
/* Ask the worker to stop JMeter: 1 graceful, 2 at once. */
void		 jmx_seg_stop(struct jmx_seg *, int level);
/* Give up on a lost segment's fencing (the worker ends soon). */
void		 jmx_seg_abandon(struct jmx_seg *);
/* Is it lost?  Copies the cause (size bytes) when it is. */
int		 jmx_seg_lost(struct jmx_seg *, char *cause, size_t size);
/* Is its agent silent (redialling) but not yet declared lost? */
int		 jmx_seg_suspect(struct jmx_seg *);
/* Is it carrying load: started, not ended, not lost? */
int		 jmx_seg_live(struct jmx_seg *);
void		 jmx_seg_join(struct jmx_seg *);
/* The state, under the lock. */
enum jmx_seg_state jmx_seg_state(struct jmx_seg *);

/*
 * Take what the worker parsed so far: *agg (caller frees), the byte
 * offset and record count it reached; the JTL header once known and the
 * rows seen in its data slices go into rec.jtl_header and rec.data_pos,
 * and *rec_new says rec changed so (save it with the offset).  Returns
 * 1 if anything changed.
 */
int		 jmx_seg_take(struct jmx_seg *, struct jmx_agg **agg,
		    int64_t *offset, int64_t *records, int *rec_new);
/* Hand back what jmx_seg_take() gave, once committed (main thread). */
void		 jmx_seg_recycle(struct jmx_seg *, struct jmx_agg *);

#endif

/*
 * segment.c: one JMeter on one agent, from unpacking to collection.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jtl.h"
#include "log.h"
#include "plan.h"
#include "segment.h"
#include "stats.h"
#include "xmalloc.h"

/* A tail read takes at most this much of a JTL at once. */
#define READ_CHUNK		(1024 * 1024)
/* Reconnections while collecting a JTL. */
#define COLLECT_TRIES		3
#define POLL_MS			250
#define CONNECT_TIMEOUT_MS	10000
#define READY_WAIT_MS		1000

static void
set_status(struct jmx_seg *s, const char *status)
{
	pthread_mutex_lock(&s->lock);
	s->status = status;
	pthread_mutex_unlock(&s->lock);
}

static enum jmx_code
fail(struct jmx_seg *s)
{
	pthread_mutex_lock(&s->lock);
	s->state = JMX_SEG_FAILED;
	s->status = "failed";
	pthread_mutex_unlock(&s->lock);
	return s->err.code != JMX_OK ? s->err.code : JMX_ERR_REMOTE;
}

void
jmx_seg_set_id(struct jmx_seg *s, int64_t id, const char *run_dir)
{
	s->rec.id = id;
	free(s->local_dir);
	xasprintf(&s->local_dir, "%s/segments/%s/%lld", run_dir,
	    s->a.conf->name, (long long)id);
}

struct jmx_seg *
jmx_seg_new(const struct jmx_agent *agent, int64_t run_id,
    const struct jmx_settings *settings, int keep)
{
	struct jmx_seg *s = xcalloc(1, sizeof *s);
	pthread_condattr_t ca;

	s->a = *agent;
	s->a.ssh = NULL;
	s->rec.run_id = run_id;
	s->rec.agent = xstrdup(agent->conf->name);
	s->rec.state = JMX_SEGMENT_STARTING;
	s->rec.jtl_records = -1;
	s->rec.clock_offset_ms = agent->clock_offset_ms;
	s->stop_grace_ms = settings->stop_grace_ms;
	s->failure_timeout_ms = settings->failure_timeout_ms;
	s->stall_timeout_ms = settings->stall_timeout_ms;
	/*
	 * A hung call gives up in a third of the timeout: the agent is then
	 * suspect (its takers get staged) with time left to redial.
	 */
	s->a.io_timeout_ms = (int)(s->failure_timeout_ms / 3 > 2000 ?
	    s->failure_timeout_ms / 3 : 2000);
	s->keep = keep;
	s->status = "new";
	s->first_start = INT64_MAX;
	s->jtl_records = -1;
	s->mirror_fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	return s;
}

void
jmx_seg_free(struct jmx_seg *s)
{
	if (s == NULL)
		return;
	jmx_seg_stop(s, 2);
	jmx_seg_join(s);
	jmx_agent_disconnect(&s->a);
	free(s->rec.agent);
	free(s->rec.work_dir);
	free(s->rec.jtl_header);
	free(s->rec.part);
	free(s->rec.slice);
	free(s->rec.cause);
	free(s->rec.data_pos);
	jmx_data_pos_free(&s->rows);
	jmx_part_free(&s->part);
	jmx_jtl_free(s->jtl);
	jmx_agg_free(s->agg);
	jmx_agg_free(s->spare);
	if (s->mirror_fd != -1)
		close(s->mirror_fd);
	jmx_buf_free(&s->chunk);
	free(s->local_dir);
	jmx_seg_set_side_groups(s, NULL, 0);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void
jmx_seg_set_side_groups(struct jmx_seg *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < s->nside; i++)
		free(s->side_groups[i]);
	free(s->side_groups);
	s->side_groups = n > 0 ? xcalloc((size_t)n, sizeof *s->side_groups) :
	    NULL;
	for (i = 0; i < n; i++)
		s->side_groups[i] = xstrdup(names[i]);
	s->nside = n;
}

int
jmx_seg_side_thread(const struct jmx_seg *s, const char *thread, size_t len)
{
	size_t n = len;
	int i;

	/* Drop the " <group>-<thread>" numbers JMeter appends. */
	while (n > 0 && thread[n - 1] != ' ')
		n--;
	if (n == 0)
		return 0;
	n--;
	for (i = 0; i < s->nside; i++)
		if (strlen(s->side_groups[i]) == n &&
		    memcmp(s->side_groups[i], thread, n) == 0)
			return 1;
	return 0;
}

enum jmx_seg_state
jmx_seg_state(struct jmx_seg *s)
{
	enum jmx_seg_state st;

	pthread_mutex_lock(&s->lock);
	st = s->state;
	pthread_mutex_unlock(&s->lock);
	return st;
}

enum jmx_code
jmx_seg_prepare(struct jmx_seg *s, const void *bundle, size_t len)
{
	set_status(s, "shipping");
	if (jmx_agent_connect(&s->a, CONNECT_TIMEOUT_MS, &s->err) != JMX_OK ||
	    jmx_agent_unpack(&s->a, s->rec.run_id, bundle, len,
	    &s->rec.work_dir, &s->err) != JMX_OK)
		return fail(s);
	return JMX_OK;
}

enum jmx_code
jmx_seg_launch(struct jmx_seg *s, int64_t deadline_s,
    const char *const *args)
{
	struct jmx_launch l;

	memset(&l, 0, sizeof l);
	l.deadline_s = deadline_s;
	l.heap = getenv("JMX_AGENT_HEAP");
	l.args = args;
	set_status(s, "launching");
	if (jmx_agent_launch(&s->a, s->rec.work_dir, &l, &s->pid,
	    &s->err) != JMX_OK)
		return fail(s);
	s->rec.pid = s->pid;
	return JMX_OK;
}

/*
 * The release writes T0 over SFTP (jmx_agent_put): start the session
 * now, while nobody waits, by reading the ready file.
 */
static enum jmx_code
warm_sftp(struct jmx_seg *s)
{
	struct jmx_buf b = { 0 };
	enum jmx_code code;

	code = jmx_agent_read(&s->a, s->rec.work_dir, JMX_PLAN_READY_FILE, 0,
	    16, &b, &s->err);
	jmx_buf_free(&b);
	return code == JMX_OK ? JMX_OK : fail(s);
}

/*
 * The end of the work dir's jmeter.log as one line for a message: its
 * last non-empty line, cut to fit size bytes ("" when unreadable).
 */
static void
log_tail(struct jmx_seg *s, char *out, size_t size)
{
	struct jmx_buf log = { 0 };
	struct jmx_err err = { 0 };
	size_t end, start;

	out[0] = '\0';
	if (jmx_agent_fetch(&s->a, s->rec.work_dir, "jmeter.log", &log,
	    &err) != JMX_OK || log.len == 0) {
		jmx_buf_free(&log);
		return;
	}
	end = log.len;
	while (end > 0 && (log.data[end - 1] == '\n' ||
	    log.data[end - 1] == '\r'))
		end--;
	for (start = end; start > 0 && log.data[start - 1] != '\n'; start--)
		;
	snprintf(out, size, "%.*s", (int)(end - start), log.data + start);
	jmx_buf_free(&log);
}

/*
 * A JMeter that ended before it was ready: why, as far as its status
 * and the end of its jmeter.log tell.
 */
static enum jmx_code
died_early(struct jmx_seg *s, const struct jmx_agent_status *st)
{
	char tail[160], how[32];

	log_tail(s, tail, sizeof tail);
	if (!st->exited)
		snprintf(how, sizeof how, "vanished");
	else if (st->exit_code == 128 + 9 || st->exit_code == -9)
		snprintf(how, sizeof how, "was killed");
	else
		snprintf(how, sizeof how, "exited %d", st->exit_code);
	jmx_err_set(&s->err, JMX_ERR_REMOTE, "agent '%s': JMeter %s before "
	    "it was ready; its jmeter.log ends: %s", s->a.conf->name, how,
	    tail[0] != '\0' ? tail : "(nothing)");
	pthread_mutex_lock(&s->lock);
	s->early = 1;
	pthread_mutex_unlock(&s->lock);
	return fail(s);
}

enum jmx_code
jmx_seg_wait_ready(struct jmx_seg *s, int64_t timeout_ms)
{
	struct jmx_agent_status st;
	struct timespec pause = { 0, 100 * 1000000L };
	int64_t until = jmx_mono_ms() + timeout_ms;
	int gone = 0;

	set_status(s, "starting JMeter");
	while (jmx_mono_ms() < until && s->stop_level == 0) {
		/*
		 * The agent waits for the ready file itself, up to a second
		 * a command: polling from here every 100 ms, SSH packets
		 * were most of a short run's CPU.
		 */
		if (jmx_agent_status(&s->a, s->rec.work_dir, READY_WAIT_MS, &st,
		    &s->err) != JMX_OK)
			return fail(s);
		if (st.ready && !st.exited && st.running)
			return warm_sftp(s);
		/*
		 * Not running is enough (twice, 100 ms apart: the pid file
		 * may come a moment before timeout(1) has its own process
		 * group).  It used to take "Starting standalone test" in
		 * jmeter.out too, which a JVM killed early never printed:
		 * the loop then ran to the timeout.
		 */
		gone = st.running ? 0 : gone + 1;
		if (st.exited || gone >= 2)
			return died_early(s, &st);
		if (gone > 0)
			nanosleep(&pause, NULL);
	}
	if (s->stop_level != 0)
		jmx_err_set(&s->err, JMX_ERR_STATE, "agent '%s': stopped "
		    "before the start", s->a.conf->name);
	else
		jmx_err_set(&s->err, JMX_ERR_TIMEOUT, "agent '%s': JMeter "
		    "not ready after %lld s", s->a.conf->name,
		    (long long)(timeout_ms / 1000));
	return fail(s);
}

enum jmx_code
jmx_seg_go(struct jmx_seg *s, int64_t t0, const char *props)
{
	struct jmx_buf text = { 0 };
	enum jmx_code code;

	/* T0 on the agent's own clock. */
	jmx_buf_addf(&text, "%lld\n", (long long)(t0 + s->a.clock_offset_ms));
	if (props != NULL)
		jmx_buf_adds(&text, props);
	code = jmx_agent_put(&s->a, s->rec.work_dir, JMX_PLAN_SYNC_PROP,
	    text.data, &s->err);
	jmx_buf_free(&text);
	return code != JMX_OK ? fail(s) : JMX_OK;
}

/* Parser callback, on the worker thread, under the segment's lock. */
static enum jmx_code
on_sample(const struct jmx_sample *sm, void *arg, struct jmx_err *err)
{
	struct jmx_seg *s = arg;
	int64_t start = sm->ts - s->a.clock_offset_ms;

	jmx_agg_add(s->agg, sm, s->a.clock_offset_ms);
	/* Rarely true after the first samples: the name check is cheap. */
	if (start < s->first_start && !jmx_seg_side_thread(s,
	    sm->thread_name.p, sm->thread_name.len))
		s->first_start = start;
	if (start + sm->elapsed > s->last_end)
		s->last_end = start + sm->elapsed;
	if (sm->nvars > 0)
		jmx_data_pos_seen(&s->rows, sm);
	s->samples++;
	return JMX_OK;
}

/* local_dir's results.jtl.part, the mirror's file; the caller frees it. */
static char *
mirror_path(const struct jmx_seg *s)
{
	char *path;

	xasprintf(&path, "%s/results.jtl.part", s->local_dir);
	return path;
}

/*
 * Keep the JTL bytes tailed from the start in local_dir: downloading the
 * whole JTL again at the end cost as much SSH and SFTP as tailing it.
 * A segment taken over mid-file has no copy of the earlier bytes here
 * (they may be lost with the machine that read them), so it downloads.
 */
static void
mirror_open(struct jmx_seg *s)
{
	struct jmx_err err = { 0 };
	char *path;

	if (s->rec.jtl_offset != 0 || s->local_dir == NULL)
		return;
	path = mirror_path(s);
	if (jmx_mkdirs(s->local_dir, 0700, &err) != JMX_OK)
		log_warn("%s", err.msg);
	else if ((s->mirror_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644)) == -1)
		log_warn("'%s': %s", path, strerror(errno));
	free(path);
}

/* Write a chunk read at offset to the mirror; on failure, drop it. */
static void
mirror_write(struct jmx_seg *s, const char *data, size_t len, int64_t offset)
{
	ssize_t n;

	while (s->mirror_fd != -1 && len > 0) {
		n = pwrite(s->mirror_fd, data, len, (off_t)offset);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_warn("agent '%s': no local copy of its JTL (%s): "
			    "it is downloaded at the end", s->a.conf->name,
			    n == -1 ? strerror(errno) : "short write");
			close(s->mirror_fd);
			s->mirror_fd = -1;
			return;
		}
		data += n;
		len -= (size_t)n;
		offset += n;
	}
}

/*
 * The mirror, complete once the JTL is drained, becomes the collected
 * results.jtl; 0 if it did, -1 to download instead.
 */
static int
mirror_keep(struct jmx_seg *s)
{
	char *part, *path;
	int rc = -1;

	if (s->mirror_fd == -1)
		return -1;
	part = mirror_path(s);
	xasprintf(&path, "%s/results.jtl", s->local_dir);
	if (close(s->mirror_fd) == -1)
		log_warn("'%s': %s", part, strerror(errno));
	else if (rename(part, path) == -1)
		log_warn("'%s': %s", path, strerror(errno));
	else
		rc = 0;
	s->mirror_fd = -1;
	unlink(part);
	free(part);
	free(path);
	return rc;
}

/* Read what is new in results.jtl and parse it; bytes read or -1. */
static int64_t
tail_once(struct jmx_seg *s, int64_t *fed)
{
	struct jmx_buf *chunk = &s->chunk;
	enum jmx_code code;
	int64_t n;

	/* One buffer for the segment's life: no allocation a poll. */
	jmx_buf_reset(chunk);
	code = jmx_agent_read(&s->a, s->rec.work_dir, "results.jtl", *fed,
	    READ_CHUNK, chunk, &s->err);
	if (code == JMX_ERR_NOTFOUND) {
		jmx_err_clear(&s->err);
		return 0;
	}
	if (code != JMX_OK)
		return -1;
	n = (int64_t)chunk->len;
	if (n > 0) {
		/* Before the parser: a committed offset is in the copy. */
		mirror_write(s, chunk->data, chunk->len, *fed);
		pthread_mutex_lock(&s->lock);
		/* Bad records are counted and skipped: nothing stops. */
		jmx_jtl_feed(s->jtl, chunk->data, chunk->len, NULL);
		pthread_mutex_unlock(&s->lock);
		*fed += n;
	}
	return n;
}

/* Pass a stop request on to JMeter; after the grace, kill it. */
static void
forward_stop(struct jmx_seg *s, int *sent, int64_t *sent_ms)
{
	int level = s->stop_level;
	struct jmx_err err = { 0 };

	if (level > *sent && s->udp_port > 0) {
		if (jmx_agent_signal(&s->a, s->udp_port, level >= 2 ?
		    "StopTestNow" : "Shutdown", &err) != JMX_OK)
			log_warn("%s", err.msg);
		*sent = level;
		*sent_ms = jmx_mono_ms();
		set_status(s, level >= 2 ? "stopping now" : "stopping");
	} else if (level > *sent) {
		/* Not listening yet: JMeter is still starting; end it. */
		jmx_agent_kill(&s->a, s->rec.work_dir, level >= 2, &err);
		*sent = level;
		*sent_ms = jmx_mono_ms();
	} else if (level >= 2 && jmx_mono_ms() - *sent_ms > s->stop_grace_ms) {
		jmx_agent_kill(&s->a, s->rec.work_dir, 1, &err);
		*sent_ms = jmx_mono_ms();
	}
}

/* Fetch one file of the work dir into local_dir; 0 if it was there. */
static int
fetch(struct jmx_seg *s, const char *name, struct jmx_buf *into)
{
	struct jmx_err err = { 0 };
	char *path;
	int rc = -1;

	if (jmx_agent_fetch(&s->a, s->rec.work_dir, name, into, &err) !=
	    JMX_OK) {
		if (err.code != JMX_ERR_NOTFOUND)
			log_warn("agent '%s': %s", s->a.conf->name, err.msg);
		return -1;
	}
	xasprintf(&path, "%s/%s", s->local_dir, name);
	if (jmx_write_file(path, into->data != NULL ? into->data : "",
	    into->len, &err) == JMX_OK)
		rc = 0;
	else
		log_warn("%s", err.msg);
	free(path);
	return rc;
}

/*
 * Copy results.jtl into local_dir a chunk at a time, counting its
 * records afresh (the reconciliation figure): a whole JTL in memory was
 * the controller's peak, gigabytes per agent after a long run.
 * The number of records, 0 without a file.
 */
static int64_t
fetch_jtl(struct jmx_seg *s)
{
	struct jmx_buf chunk = { 0 };
	struct jmx_err err = { 0 };
	struct jmx_jtl *count = jmx_jtl_new(NULL, NULL);
	int64_t off = 0, records;
	FILE *f = NULL;
	char *path;
	int tries = 0;

	xasprintf(&path, "%s/results.jtl", s->local_dir);
	jmx_jtl_set_skip_bad(count, 1);
	for (;;) {
		jmx_buf_reset(&chunk);
		if (jmx_agent_read(&s->a, s->rec.work_dir, "results.jtl", off,
		    READ_CHUNK, &chunk, &err) != JMX_OK) {
			/*
			 * A stall on a busy agent: go on from the offset on a
			 * new connection, or the whole count (and the logs and
			 * the work dir's removal after it) is lost.
			 */
			if ((err.code == JMX_ERR_SSH ||
			    err.code == JMX_ERR_TIMEOUT) &&
			    tries++ < COLLECT_TRIES) {
				log_warn("agent '%s': %s; reconnecting",
				    s->a.conf->name, err.msg);
				jmx_agent_disconnect(&s->a);
				if (jmx_agent_connect(&s->a,
				    CONNECT_TIMEOUT_MS, &err) == JMX_OK)
					continue;
			}
			if (err.code != JMX_ERR_NOTFOUND)
				log_warn("agent '%s': %s", s->a.conf->name,
				    err.msg);
			break;
		}
		if (f == NULL && (f = fopen(path, "w")) == NULL)
			log_warn("'%s': %s", path, strerror(errno));
		if (chunk.len == 0)
			break;
		if (f != NULL && fwrite(chunk.data, 1, chunk.len, f) !=
		    chunk.len)
			log_warn("'%s': %s", path, strerror(errno));
		jmx_jtl_feed(count, chunk.data, chunk.len, NULL);
		off += (int64_t)chunk.len;
	}
	if (f != NULL && fclose(f) != 0)
		log_warn("'%s': %s", path, strerror(errno));
	jmx_jtl_finish(count, NULL);
	records = (int64_t)jmx_jtl_records(count);
	jmx_jtl_free(count);
	jmx_buf_free(&chunk);
	free(path);
	return records;
}

/*
 * The records of the collected local results.jtl, read a chunk at a
 * time (a whole JTL in memory was the controller's peak after a long
 * run).
 */
static int64_t
count_local_jtl(struct jmx_seg *s)
{
	struct jmx_jtl *count = jmx_jtl_new(NULL, NULL);
	char *path, *chunk = xmalloc(READ_CHUNK);
	int64_t records;
	size_t n;
	FILE *f;

	xasprintf(&path, "%s/results.jtl", s->local_dir);
	jmx_jtl_set_skip_bad(count, 1);
	if ((f = fopen(path, "r")) == NULL)
		log_warn("'%s': %s", path, strerror(errno));
	else {
		while ((n = fread(chunk, 1, READ_CHUNK, f)) > 0)
			jmx_jtl_feed(count, chunk, n, NULL);
		if (ferror(f))
			log_warn("'%s': %s", path, strerror(errno));
		fclose(f);
	}
	jmx_jtl_finish(count, NULL);
	records = (int64_t)jmx_jtl_records(count);
	jmx_jtl_free(count);
	free(chunk);
	free(path);
	return records;
}

/*
 * Fetch the JTL and logs into local_dir, count the JTL's records afresh
 * (the reconciliation figure), and remove the work dir.
 */
static void
collect(struct jmx_seg *s)
{
	struct jmx_buf other = { 0 };
	struct jmx_err err = { 0 };

	if (jmx_mkdirs(s->local_dir, 0700, &err) != JMX_OK)
		log_warn("%s", err.msg);
	s->jtl_records = mirror_keep(s) == 0 ? count_local_jtl(s) :
	    fetch_jtl(s);
	fetch(s, "jmeter.log", &other);
	jmx_buf_reset(&other);
	fetch(s, "jmeter.out", &other);
	jmx_buf_free(&other);
	if (!s->keep)
		jmx_agent_cleanup(&s->a, s->rec.work_dir, NULL);
}

/* The agent answered: the failure clock starts again. */
static void
contact(struct jmx_seg *s, int64_t *last)
{
	*last = jmx_mono_ms();
	pthread_mutex_lock(&s->lock);
	s->seen_ms = jmx_now_ms();
	s->suspect = 0;
	pthread_mutex_unlock(&s->lock);
}

/* Declare the segment lost, once; the runner moves its load. */
static void
declare_lost(struct jmx_seg *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
declare_lost(struct jmx_seg *s, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&s->lock);
	if (!s->lost) {
		va_start(ap, fmt);
		vsnprintf(s->cause, sizeof s->cause, fmt, ap);
		va_end(ap);
		s->lost = 1;
		s->lost_ms = jmx_now_ms();
		s->status = "lost";
	}
	pthread_mutex_unlock(&s->lock);
	log_warn("agent '%s': lost: %s", s->a.conf->name, s->cause);
}

/*
 * A call failed.  A refused command (the work dir is gone) will not get
 * better.  A failed connection may: JMeter goes on by itself on the
 * agent, so redial until the failure timeout has passed since the last
 * contact.  Reading then resumes at the same byte offset.  Returns 0 to
 * go on, -1 when the segment is lost (declared so).
 */
static int
recover(struct jmx_seg *s, int64_t last)
{
	struct timespec pause = { 0, 500 * 1000000L };
	struct jmx_err err = { 0 };
	int64_t left;

	if (s->err.code != JMX_ERR_SSH && s->err.code != JMX_ERR_TIMEOUT) {
		declare_lost(s, "%s", s->err.msg);
		return -1;
	}
	pthread_mutex_lock(&s->lock);
	s->suspect = 1;
	s->status = "reconnecting";
	pthread_mutex_unlock(&s->lock);
	log_warn("agent '%s': %s; reconnecting", s->a.conf->name, s->err.msg);
	jmx_agent_disconnect(&s->a);
	while ((left = s->failure_timeout_ms - (jmx_mono_ms() - last)) > 0) {
		if (jmx_agent_connect(&s->a, left < CONNECT_TIMEOUT_MS ?
		    (int)left : CONNECT_TIMEOUT_MS, &err) == JMX_OK) {
			pthread_mutex_lock(&s->lock);
			s->suspect = 0;
			s->status = s->udp_port > 0 ? "running" : "starting";
			pthread_mutex_unlock(&s->lock);
			return 0;
		}
		nanosleep(&pause, NULL);
	}
	declare_lost(s, "no answer for %lld s (%s)",
	    (long long)((jmx_mono_ms() - last) / 1000), err.code != JMX_OK ?
	    err.msg : s->err.msg);
	return -1;
}

/*
 * Sleep up to ms, waking at once when a stop is asked or the segment is
 * abandoned: pauses act fast.  One wakeup per nap, not a wakeup every
 * few milliseconds: idle workers cost the controller nothing.
 */
static void
nap(struct jmx_seg *s, int ms)
{
	int64_t at = jmx_mono_ms() + ms;	/* the clock s->wake waits on */
	struct timespec until = { (time_t)(at / 1000),
	    (long)(at % 1000) * 1000000L };
	int sent;

	pthread_mutex_lock(&s->lock);
	sent = s->stop_level;
	while (s->stop_level == sent && !s->abandon &&
	    pthread_cond_timedwait(&s->wake, &s->lock, &until) == 0)
		;
	pthread_mutex_unlock(&s->lock);
}

/*
 * Has the JTL stopped growing while JMeter should be writing?  Only in
 * the segment's window (after T0, before its planned end, no stop
 * asked), and for the stall timeout and five times the longest quiet
 * spell seen so far, so a slow test is not taken for a stalled one.
 */
static int
stalled(struct jmx_seg *s, int64_t size, int64_t *last_size,
    int64_t *grew, int64_t *longest)
{
	int64_t now = jmx_mono_ms(), wall = jmx_now_ms(), quiet;

	if (size != *last_size) {
		if (*last_size >= 0 && now - *grew > *longest)
			*longest = now - *grew;
		*last_size = size;
		*grew = now;
		return 0;
	}
	quiet = now - *grew;
	return s->stall_timeout_ms > 0 && s->stop_level == 0 && size >= 0 &&
	    wall > s->rec.start_ms && (s->planned_end_ms == 0 ||
	    wall < s->planned_end_ms) && quiet > s->stall_timeout_ms &&
	    quiet > 5 * *longest;
}

/*
 * Did JMeter end by itself with an error, before its planned end and
 * without being asked to?  Then the segment is lost, though its results
 * are in (and still ingested).
 */
static void
check_exit(struct jmx_seg *s, struct jmx_agent_status *st)
{
	struct jmx_err err = { 0 };

	if (s->stop_level != 0 || s->lost || (s->planned_end_ms > 0 &&
	    jmx_now_ms() >= s->planned_end_ms))
		return;
	if (!st->exited) {
		/* run.sh writes the status just after JMeter's group ends. */
		nap(s, 500);
		if (jmx_agent_status(&s->a, s->rec.work_dir, 0, st, &err) !=
		    JMX_OK)
			return;
	}
	if (!st->exited)
		declare_lost(s, "JMeter vanished without an exit status");
	else if (st->exit_code == 128 + 9)
		declare_lost(s, "JMeter was killed (SIGKILL)");
	else if (st->exit_code != 0)
		declare_lost(s, "JMeter exited with status %d", st->exit_code);
}

/* Read the JTL to its end; -1 on a failed read. */
static int
drain(struct jmx_seg *s, int64_t *fed)
{
	int64_t n;

	while ((n = tail_once(s, fed)) > 0)
		;
	return n < 0 ? -1 : 0;
}

/* The JTL is in: parse its last record, collect, done. */
static void
finish(struct jmx_seg *s, int exit_code, int fenced)
{
	pthread_mutex_lock(&s->lock);
	/* SIGTERM flushes a complete last line; SIGKILL may cut it. */
	jmx_jtl_finish(s->jtl, NULL);
	s->exit_code = exit_code;
	s->status = "collecting";
	pthread_mutex_unlock(&s->lock);
	collect(s);
	pthread_mutex_lock(&s->lock);
	s->state = JMX_SEG_DONE;
	s->fenced = fenced;
	s->status = fenced ? "fenced" : s->lost ? "lost" : "done";
	pthread_mutex_unlock(&s->lock);
}

/*
 * A lost segment's JMeter may still run (a partition hides it, it does
 * not stop it): as soon as the agent answers, kill it, wait until it is
 * gone, ingest what it wrote and collect.  Until then, and until the
 * runner abandons it, keep trying.
 */
static void
fence(struct jmx_seg *s, int64_t *fed)
{
	struct jmx_agent_status st;
	struct jmx_err err = { 0 };
	int i;

	while (!s->abandon) {
		jmx_agent_disconnect(&s->a);
		if (jmx_agent_connect(&s->a, 3000, &err) == JMX_OK &&
		    s->rec.work_dir != NULL) {
			set_status(s, "fencing");
			jmx_agent_kill(&s->a, s->rec.work_dir, 1, &err);
			for (i = 0; i < 60; i++) {
				if (jmx_agent_status(&s->a, s->rec.work_dir, 0,
				    &st, &s->err) != JMX_OK || !st.running)
					break;
				nap(s, 250);
			}
			if (i < 60 && s->err.code == JMX_OK &&
			    drain(s, fed) == 0) {
				log_info("agent '%s': fenced: its JMeter is "
				    "stopped and its results are in",
				    s->a.conf->name);
				finish(s, st.exit_code, 1);
				return;
			}
			jmx_err_clear(&s->err);
		}
		for (i = 0; i < 100 && !s->abandon; i++)
			nap(s, 10);
	}
	pthread_mutex_lock(&s->lock);
	s->state = JMX_SEG_FAILED;
	s->status = "lost";
	pthread_mutex_unlock(&s->lock);
}

/*
 * The worker: tail the JTL, watch JMeter and the link, forward stops,
 * and at the end drain, collect and clean up; a lost segment is fenced.
 */
static void *
worker(void *arg)
{
	struct jmx_seg *s = arg;
	struct jmx_agent_status st = { 0 };
	int64_t fed = s->rec.jtl_offset, last_status = 0, sent_ms = 0, n = 0;
	int64_t last, size = -1, grew, longest = 0;
	int sent = 0, exited = 0;

	contact(s, &last);
	grew = last;
	while (!exited) {
		forward_stop(s, &sent, &sent_ms);
		if (jmx_mono_ms() - last_status >= 1000) {
			if (jmx_agent_status(&s->a, s->rec.work_dir, 0, &st,
			    &s->err) != JMX_OK) {
				if (recover(s, last) != 0)
					goto lost;
				continue;
			}
			contact(s, &last);
			jmx_err_clear(&s->err);
			last_status = jmx_mono_ms();
			if (st.udp_port > 0 && s->udp_port == 0) {
				s->udp_port = st.udp_port;
				set_status(s, "running");
			}
			exited = st.exited || !st.running;
			if (!exited && stalled(s, st.jtl_size, &size, &grew,
			    &longest)) {
				declare_lost(s, "stalled: its JTL has not grown "
				    "for %lld s", (long long)((jmx_mono_ms() -
				    grew) / 1000));
				goto lost;
			}
		}
		/* After the exit is seen, read on until the file is drained. */
		do {
			if ((n = tail_once(s, &fed)) < 0)
				break;
		} while (exited && n > 0);
		if (n < 0) {
			if (recover(s, last) != 0)
				goto lost;
			exited = 0;
			continue;
		}
		/*
		 * Caught up: wait for the next poll.  Reading again at once
		 * fetched each of JMeter's writes on its own, dozens of SFTP
		 * round trips a second an agent for the same bytes.
		 */
		if (!exited && n < READ_CHUNK)
			nap(s, POLL_MS);
	}
	check_exit(s, &st);
	finish(s, st.exit_code, 0);
	return NULL;
lost:
	fence(s, &fed);
	return NULL;
}

enum jmx_code
jmx_seg_start_worker(struct jmx_seg *s)
{
	struct jmx_err perr = { 0 };

	s->jtl = jmx_jtl_new(on_sample, s);
	jmx_jtl_set_skip_bad(s->jtl, 1);
	/*
	 * Parse only what the aggregate reads (the hot path), the thread
	 * name when there are side groups to tell, and the sample
	 * variables, which carry the data rows (none: no cost).
	 */
	jmx_jtl_set_fields(s->jtl, JMX_AGG_FIELDS | JMX_JTL_VARS |
	    (s->nside > 0 ? JMX_JTL_THREADNAME : 0));
	/* An adopted segment goes on from the rows stored. */
	jmx_data_pos_free(&s->rows);
	if (jmx_data_pos_parse(s->rec.data_pos, &s->rows, &perr) != JMX_OK)
		log_warn("segment %lld: %s", (long long)s->rec.id, perr.msg);
	s->base_records = s->rec.records;
	if (s->rec.jtl_offset > 0 && s->rec.jtl_header != NULL) {
		jmx_jtl_set_header(s->jtl, s->rec.jtl_header,
		    strlen(s->rec.jtl_header), NULL);
		jmx_jtl_set_offset(s->jtl, (uint64_t)s->rec.jtl_offset);
	}
	s->agg = jmx_agg_new();
	mirror_open(s);
	pthread_mutex_lock(&s->lock);
	s->state = JMX_SEG_RUNNING;
	s->status = "running";
	pthread_mutex_unlock(&s->lock);
	if (pthread_create(&s->tid, NULL, worker, s) != 0) {
		jmx_err_set(&s->err, JMX_ERR_IO, "cannot start a thread for "
		    "agent '%s'", s->a.conf->name);
		return fail(s);
	}
	s->thread_started = 1;
	return JMX_OK;
}

enum jmx_code
jmx_seg_adopt(struct jmx_seg *s)
{
	set_status(s, "reconnecting");
	if (jmx_agent_connect(&s->a, CONNECT_TIMEOUT_MS, &s->err) != JMX_OK)
		return fail(s);
	s->pid = s->rec.pid;
	return jmx_seg_start_worker(s);
}

void
jmx_seg_stop(struct jmx_seg *s, int level)
{
	pthread_mutex_lock(&s->lock);
	if (level > s->stop_level)
		s->stop_level = level;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

void
jmx_seg_abandon(struct jmx_seg *s)
{
	pthread_mutex_lock(&s->lock);
	s->abandon = 1;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

int
jmx_seg_lost(struct jmx_seg *s, char *cause, size_t size)
{
	int lost;

	pthread_mutex_lock(&s->lock);
	lost = s->lost;
	if (lost && cause != NULL)
		snprintf(cause, size, "%s", s->cause);
	pthread_mutex_unlock(&s->lock);
	return lost;
}

int
jmx_seg_suspect(struct jmx_seg *s)
{
	int suspect;

	pthread_mutex_lock(&s->lock);
	suspect = s->suspect && !s->lost && s->state == JMX_SEG_RUNNING;
	pthread_mutex_unlock(&s->lock);
	return suspect;
}

int
jmx_seg_live(struct jmx_seg *s)
{
	int live;

	pthread_mutex_lock(&s->lock);
	live = !s->lost && s->state == JMX_SEG_RUNNING;
	pthread_mutex_unlock(&s->lock);
	return live;
}

void
jmx_seg_join(struct jmx_seg *s)
{
	if (s->thread_started) {
		pthread_join(s->tid, NULL);
		s->thread_started = 0;
	}
}

int
jmx_seg_take(struct jmx_seg *s, struct jmx_agg **agg, int64_t *offset,
    int64_t *records, int *rec_new)
{
	struct jmx_agg *fresh;
	const char *header;

	*agg = NULL;
	*rec_new = 0;
	if (s->jtl == NULL)
		return 0;
	fresh = s->spare != NULL ? s->spare : jmx_agg_new();
	s->spare = NULL;
	pthread_mutex_lock(&s->lock);
	*agg = s->agg;
	s->agg = fresh;
	*offset = (int64_t)jmx_jtl_offset(s->jtl);
	*records = s->base_records + (int64_t)jmx_jtl_records(s->jtl);
	header = jmx_jtl_header(s->jtl);
	if (header != NULL && s->rec.jtl_header == NULL) {
		s->rec.jtl_header = xstrdup(header);
		*rec_new = 1;
	}
	if (s->rows.changed) {
		s->rows.changed = 0;
		free(s->rec.data_pos);
		s->rec.data_pos = jmx_data_pos_format(&s->rows);
		*rec_new = 1;
	}
	pthread_mutex_unlock(&s->lock);
	return *offset != s->rec.jtl_offset || *rec_new;
}

/*
 * The aggregate jmx_seg_take() gave, committed: cleared, it becomes the
 * next one the worker fills, instead of a fresh one a poll that the
 * worker's thread filled and the main one freed (allocations churned
 * across glibc's arenas; bench/soak.sh measures the controller's RSS).
 */
void
jmx_seg_recycle(struct jmx_seg *s, struct jmx_agg *agg)
{
	if (agg == NULL)
		return;
	if (s->spare != NULL) {
		jmx_agg_free(agg);
		return;
	}
	jmx_agg_clear(agg);
	s->spare = agg;
}

/*
 * store.c: the SQLite database.  The only file that includes sqlite3.h.
 *
 * Every value reaches SQL through a bound parameter, never through the
 * query text.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config.h"
#include "hist.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

/*
 * Statements kept prepared between uses, by their SQL text: the runner
 * writes the same few every half second, and parsing them again was a
 * twentieth of the controller's CPU.
 */
#define IDLE_STATEMENTS	24

struct jmx_store {
	sqlite3		*db;
	char		*path;
	sqlite3_stmt	*idle[IDLE_STATEMENTS];	/* reset, none in use */
};

/*
 * Migrations, applied in order; PRAGMA user_version is the number done.
 * Never edit one that has shipped: add the next.
 */
static const char *const migrations[] = {
	/* 1: runs, their agents, segments, results, timeline, control. */
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  test_case TEXT NOT NULL,"
	"  plan TEXT NOT NULL,"
	"  label TEXT,"
	"  state TEXT NOT NULL,"
	"  created_ms INTEGER NOT NULL,"
	"  start_ms INTEGER NOT NULL DEFAULT 0,"
	"  end_ms INTEGER NOT NULL DEFAULT 0,"
	"  duration_ms INTEGER NOT NULL DEFAULT 0,"
	"  ramp_ms INTEGER NOT NULL DEFAULT 0,"
	"  threads INTEGER NOT NULL DEFAULT 0,"
	"  controller_pid INTEGER NOT NULL DEFAULT 0,"
	"  controller_host TEXT,"
	"  heartbeat_ms INTEGER NOT NULL DEFAULT 0,"
	"  skew_ms INTEGER NOT NULL DEFAULT -1,"
	"  delivered_pct REAL NOT NULL DEFAULT 0,"
	"  run_dir TEXT,"
	"  options_json TEXT,"
	"  samples INTEGER NOT NULL DEFAULT 0,"
	"  jtl_records INTEGER NOT NULL DEFAULT -1);"
	"CREATE TABLE run_agents ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  seq INTEGER NOT NULL,"
	"  agent TEXT NOT NULL,"
	"  host TEXT,"
	"  weight REAL NOT NULL DEFAULT 0,"
	"  threads INTEGER NOT NULL DEFAULT 0,"
	"  clock_offset_ms INTEGER NOT NULL DEFAULT 0,"
	"  skew_ms INTEGER NOT NULL DEFAULT -1,"
	"  java_version TEXT,"
	"  jmeter_version TEXT,"
	"  cores INTEGER NOT NULL DEFAULT 0,"
	"  mem_mb INTEGER NOT NULL DEFAULT 0,"
	"  state TEXT,"
	"  PRIMARY KEY (run_id, agent));"
	"CREATE TABLE shares ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  agent TEXT NOT NULL,"
	"  grp INTEGER NOT NULL,"
	"  grp_name TEXT NOT NULL,"
	"  threads INTEGER NOT NULL,"
	"  PRIMARY KEY (run_id, agent, grp));"
	"CREATE TABLE segments ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  agent TEXT NOT NULL,"
	"  work_dir TEXT,"
	"  state TEXT NOT NULL,"
	"  pid INTEGER NOT NULL DEFAULT 0,"
	"  udp_port INTEGER NOT NULL DEFAULT 0,"
	"  start_ms INTEGER NOT NULL DEFAULT 0,"
	"  end_ms INTEGER NOT NULL DEFAULT 0,"
	"  deadline_ms INTEGER NOT NULL DEFAULT 0,"
	"  jtl_offset INTEGER NOT NULL DEFAULT 0,"
	"  jtl_header TEXT,"
	"  records INTEGER NOT NULL DEFAULT 0,"
	"  jtl_records INTEGER NOT NULL DEFAULT -1,"
	"  clock_offset_ms INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX segments_run ON segments(run_id);"
	"CREATE TABLE labels ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  name TEXT NOT NULL,"
	"  UNIQUE (run_id, name));"
	/* Several rows may share (segment, sec, label): readers sum them. */
	"CREATE TABLE buckets ("
	"  run_id INTEGER NOT NULL,"
	"  segment_id INTEGER NOT NULL,"
	"  sec INTEGER NOT NULL,"
	"  label_id INTEGER NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  errors INTEGER NOT NULL,"
	"  elapsed_sum INTEGER NOT NULL,"
	"  elapsed_min INTEGER NOT NULL,"
	"  elapsed_max INTEGER NOT NULL,"
	"  latency_sum INTEGER NOT NULL,"
	"  connect_sum INTEGER NOT NULL,"
	"  bytes INTEGER NOT NULL,"
	"  sent_bytes INTEGER NOT NULL,"
	"  grp_threads INTEGER NOT NULL,"
	"  all_threads INTEGER NOT NULL,"
	"  first_start INTEGER NOT NULL,"
	"  last_end INTEGER NOT NULL,"
	"  hist BLOB,"
	"  err_hist BLOB);"
	"CREATE INDEX buckets_run_sec ON buckets(run_id, sec);"
	"CREATE TABLE errors ("
	"  run_id INTEGER NOT NULL,"
	"  label_id INTEGER NOT NULL,"
	"  code TEXT NOT NULL,"
	"  message TEXT NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  PRIMARY KEY (run_id, label_id, code, message));"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL,"
	"  time_ms INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  agent TEXT,"
	"  detail TEXT,"
	"  actor TEXT);"
	"CREATE INDEX events_run ON events(run_id, time_ms);"
	"CREATE TABLE commands ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL,"
	"  verb TEXT NOT NULL,"
	"  actor TEXT,"
	"  requested_ms INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending',"
	"  result TEXT,"
	"  done_ms INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE reservations ("
	"  agent TEXT PRIMARY KEY,"
	"  run_id INTEGER NOT NULL,"
	"  since_ms INTEGER NOT NULL);",
	/* 2: time under load, so a resumed run knows what is left. */
	"ALTER TABLE runs ADD COLUMN active_ms INTEGER NOT NULL DEFAULT 0;",
	/* 3: the request, so another controller can take a run over. */
	"CREATE TABLE run_options ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  seq INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  value TEXT,"
	"  PRIMARY KEY (run_id, seq));",
	/*
	 * 4: agent failures.  A segment records its generation, the part of
	 * the load it carries (to run it again on resume or take it over),
	 * the data slice it reads, the lost segment it replaces and why it
	 * was lost; shortfalls, the load that did not run as planned.
	 */
	"ALTER TABLE segments ADD COLUMN gen INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE segments ADD COLUMN part TEXT;"
	"ALTER TABLE segments ADD COLUMN slice TEXT;"
	"ALTER TABLE segments ADD COLUMN replaces INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE segments ADD COLUMN cause TEXT;"
	"CREATE TABLE shortfalls ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  segment_id INTEGER NOT NULL,"
	"  agent TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  grp INTEGER NOT NULL,"
	"  grp_name TEXT NOT NULL,"
	"  threads INTEGER NOT NULL,"
	"  from_ms INTEGER NOT NULL,"
	"  to_ms INTEGER NOT NULL DEFAULT 0,"
	"  reason TEXT);",
	/*
	 * 5: where a segment got to in its data slices (rows seen), so the
	 * segments that carry its part on continue after them.
	 */
	"ALTER TABLE segments ADD COLUMN data_pos TEXT;",
	/*
	 * 6: the reference run of each test case, for jmx-report compare
	 * --baseline and trend (run_id: deleting the run drops it too).
	 */
	"CREATE TABLE baselines ("
	"  test_case TEXT PRIMARY KEY,"
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  set_ms INTEGER NOT NULL);"
	/* A final run's total figures, so a long history need not merge
	 * every run's histograms each time it is listed. */
	"CREATE TABLE run_figures ("
	"  run_id INTEGER PRIMARY KEY REFERENCES runs(id),"
	"  samples INTEGER NOT NULL,"
	"  errors INTEGER NOT NULL,"
	"  error_pct REAL, avg REAL, p50 REAL, p90 REAL, p95 REAL,"
	"  p99 REAL, throughput REAL);",
	/*
	 * 7: jmx-schedule: tasks (when, jmx-run's arguments, notice
	 * targets), the runs each started (one row per due time, the claim)
	 * and the notices sent (one row per task, due time, kind, target).
	 */
	"CREATE TABLE tasks ("
	"  id INTEGER PRIMARY KEY,"
	"  test_case TEXT NOT NULL,"
	"  created_ms INTEGER NOT NULL,"
	"  cron TEXT,"
	"  tz TEXT,"
	"  next_ms INTEGER NOT NULL DEFAULT 0,"
	"  state TEXT NOT NULL,"
	"  notify_before_ms INTEGER NOT NULL DEFAULT 0,"
	"  late_ms INTEGER NOT NULL DEFAULT 600000,"
	"  retry_ms INTEGER NOT NULL DEFAULT 0,"
	"  config TEXT);"
	"CREATE TABLE task_args ("
	"  task_id INTEGER NOT NULL REFERENCES tasks(id),"
	"  seq INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  PRIMARY KEY (task_id, seq));"
	"CREATE TABLE task_runs ("
	"  id INTEGER PRIMARY KEY,"
	"  task_id INTEGER NOT NULL REFERENCES tasks(id),"
	"  due_ms INTEGER NOT NULL,"
	"  claimed_ms INTEGER NOT NULL,"
	"  run_id INTEGER,"
	"  state TEXT NOT NULL,"
	"  detail TEXT,"
	"  UNIQUE (task_id, due_ms));"
	"CREATE INDEX task_runs_run ON task_runs(run_id);"
	"CREATE TABLE notices ("
	"  id INTEGER PRIMARY KEY,"
	"  task_id INTEGER NOT NULL REFERENCES tasks(id),"
	"  due_ms INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  target TEXT NOT NULL,"
	"  sent_ms INTEGER NOT NULL,"
	"  ok INTEGER,"
	"  detail TEXT,"
	"  UNIQUE (task_id, due_ms, kind, target));",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

static const char *const state_names[] = {
	"validating", "starting", "running", "pausing", "paused", "resuming",
	"stopping", "completed", "partial", "stopped", "failed"
};

const char *
jmx_run_state_name(enum jmx_run_state s)
{
	if ((unsigned)s >= sizeof state_names / sizeof state_names[0])
		return "unknown";
	return state_names[s];
}

int
jmx_run_state_parse(const char *name, enum jmx_run_state *out)
{
	size_t i;

	for (i = 0; i < sizeof state_names / sizeof state_names[0]; i++) {
		if (strcmp(name, state_names[i]) == 0) {
			*out = (enum jmx_run_state)i;
			return 0;
		}
	}
	return -1;
}

static const char *const segment_state_names[] = {
	"starting", "running", "ended", "lost", "fenced", "cancelled",
	"failed"
};

const char *
jmx_segment_state_name(enum jmx_segment_state s)
{
	if ((unsigned)s >= sizeof segment_state_names /
	    sizeof segment_state_names[0])
		return "unknown";
	return segment_state_names[s];
}

int
jmx_segment_state_parse(const char *name, enum jmx_segment_state *out)
{
	size_t i;

	for (i = 0; i < sizeof segment_state_names /
	    sizeof segment_state_names[0]; i++) {
		if (strcmp(name, segment_state_names[i]) == 0) {
			*out = (enum jmx_segment_state)i;
			return 0;
		}
	}
	return -1;
}

int
jmx_run_state_final(enum jmx_run_state s)
{
	return s == JMX_RUN_COMPLETED || s == JMX_RUN_PARTIAL ||
	    s == JMX_RUN_STOPPED || s == JMX_RUN_FAILED;
}

int
jmx_run_state_exit(enum jmx_run_state s)
{
	switch (s) {
	case JMX_RUN_COMPLETED:
		return JMX_EXIT_OK;
	case JMX_RUN_STOPPED:	/* by a command: it did not run its plan */
	case JMX_RUN_PARTIAL:
		return JMX_EXIT_PARTIAL;
	default:
		return JMX_EXIT_ENV;
	}
}

int64_t
jmx_run_active_ms(const struct jmx_run_rec *rec, int64_t gen_t0,
    int64_t now_ms)
{
	int64_t t = rec->active_ms;

	/* Closed generations are in active_ms; the open one is not. */
	if ((rec->state == JMX_RUN_RUNNING || rec->state == JMX_RUN_PAUSING) &&
	    gen_t0 > 0 && now_ms > gen_t0)
		t += now_ms - gen_t0;
	return t;
}

int
jmx_run_controller_alive(const struct jmx_run_rec *r, int64_t now_ms)
{
	char host[256] = "", path[64], line[256], *paren;
	FILE *fp;
	int alive = 1;

	if (jmx_run_state_final(r->state) ||
	    now_ms - r->heartbeat_ms > JMX_CONTROLLER_STALE_MS)
		return 0;
	if (r->controller_pid <= 0 || r->controller_host == NULL ||
	    gethostname(host, sizeof host - 1) != 0 ||
	    strcmp(host, r->controller_host) != 0)
		return 1;
	if (kill((pid_t)r->controller_pid, 0) == -1 && errno == ESRCH)
		return 0;
	/* Exited but not yet reaped: "pid (comm) Z ...". */
	snprintf(path, sizeof path, "/proc/%lld/stat",
	    (long long)r->controller_pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 1;
	if (fgets(line, sizeof line, fp) != NULL &&
	    (paren = strrchr(line, ')')) != NULL && paren[1] == ' ' &&
	    paren[2] == 'Z')
		alive = 0;
	fclose(fp);
	return alive;
}

const char *
jmx_store_libversion(void)
{
	static char buf[64];

	snprintf(buf, sizeof buf, "SQLite %s", sqlite3_libversion());
	return buf;
}

static enum jmx_code
db_error(struct jmx_store *st, struct jmx_err *err, const char *what)
{
	return jmx_err_set(err, JMX_ERR_STORE, "database '%s': %s: %s",
	    st->path, what, sqlite3_errmsg(st->db));
}

static enum jmx_code
exec_sql(struct jmx_store *st, const char *sql, struct jmx_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		jmx_err_set(err, JMX_ERR_STORE, "database '%s': %s", st->path,
		    msg != NULL ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return JMX_ERR_STORE;
	}
	return JMX_OK;
}

/*
 * A prepared statement for sql: an idle one with the same text, else a
 * new one (NULL with err set on a failure).  The connection's mutex
 * guards the idle list: validation threads share the store.
 */
/* The idle statement of this text, its index; -1 none.  Under the mutex. */
static int
find_idle(const struct jmx_store *st, const char *sql)
{
	int i;

	for (i = 0; i < IDLE_STATEMENTS && st->idle[i] != NULL; i++)
		if (strcmp(sqlite3_sql(st->idle[i]), sql) == 0)
			return i;
	return -1;
}

static sqlite3_stmt *
take_prepared(struct jmx_store *st, const char *sql, struct jmx_err *err)
{
	sqlite3_mutex *mu = sqlite3_db_mutex(st->db);
	sqlite3_stmt *stmt = NULL;
	int i;

	sqlite3_mutex_enter(mu);
	if ((i = find_idle(st, sql)) >= 0) {
		stmt = st->idle[i];
		memmove(&st->idle[i], &st->idle[i + 1],
		    (IDLE_STATEMENTS - i - 1) * sizeof st->idle[0]);
		st->idle[IDLE_STATEMENTS - 1] = NULL;
	}
	if (stmt == NULL && sqlite3_prepare_v3(st->db, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK) {
		db_error(st, err, "prepare");
		stmt = NULL;
	}
	sqlite3_mutex_leave(mu);
	return stmt;
}

/*
 * Done with a statement of take_prepared: reset (which ends its read)
 * and kept first in the idle list; the least recently used one falls
 * off the end, so a start-up's one-off statements make way for the
 * ones a run repeats.
 */
static void
put_back(struct jmx_store *st, sqlite3_stmt *stmt)
{
	sqlite3_mutex *mu;

	if (stmt == NULL)
		return;
	mu = sqlite3_db_mutex(st->db);
	sqlite3_mutex_enter(mu);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	sqlite3_finalize(st->idle[IDLE_STATEMENTS - 1]);
	memmove(&st->idle[1], &st->idle[0],
	    (IDLE_STATEMENTS - 1) * sizeof st->idle[0]);
	st->idle[0] = stmt;
	sqlite3_mutex_leave(mu);
}

int
jmx_store_kept(struct jmx_store *st, const char *sql)
{
	sqlite3_mutex *mu = sqlite3_db_mutex(st->db);
	int kept;

	sqlite3_mutex_enter(mu);
	kept = find_idle(st, sql) >= 0;
	sqlite3_mutex_leave(mu);
	return kept;
}

/* Before the connection closes: SQLite closes none with statements. */
static void
forget_prepared(struct jmx_store *st)
{
	int i;

	for (i = 0; i < IDLE_STATEMENTS; i++) {
		sqlite3_finalize(st->idle[i]);
		st->idle[i] = NULL;
	}
}

/*
 * Prepare sql and bind its parameters from a format string: 'i' int64,
 * 'd' double, 's' string (NULL binds NULL), 'b' blob (pointer, int len).
 */
static sqlite3_stmt *
vprepare(struct jmx_store *st, struct jmx_err *err, const char *sql,
    const char *types, va_list ap)
{
	sqlite3_stmt *stmt;
	int i, rc = SQLITE_OK;

	if ((stmt = take_prepared(st, sql, err)) == NULL)
		return NULL;
	for (i = 0; types[i] != '\0' && rc == SQLITE_OK; i++) {
		switch (types[i]) {
		case 'i':
			rc = sqlite3_bind_int64(stmt, i + 1, va_arg(ap, int64_t));
			break;
		case 'd':
			rc = sqlite3_bind_double(stmt, i + 1, va_arg(ap, double));
			break;
		case 's':
			rc = sqlite3_bind_text(stmt, i + 1, va_arg(ap, const char *),
			    -1, SQLITE_TRANSIENT);
			break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			int len = va_arg(ap, int);

			rc = sqlite3_bind_blob(stmt, i + 1, p, len,
			    SQLITE_TRANSIENT);
			break;
		}
		}
	}
	if (rc != SQLITE_OK) {
		db_error(st, err, "bind");
		put_back(st, stmt);
		return NULL;
	}
	return stmt;
}

static sqlite3_stmt *
prepare(struct jmx_store *st, struct jmx_err *err, const char *sql,
    const char *types, ...)
{
	sqlite3_stmt *stmt;
	va_list ap;

	va_start(ap, types);
	stmt = vprepare(st, err, sql, types, ap);
	va_end(ap);
	return stmt;
}

enum jmx_code
jmx_store_sql(struct jmx_store *st, int (*row)(void *, int, char **),
    void *arg, struct jmx_err *err, const char *sql, const char *types, ...)
{
	sqlite3_stmt *stmt;
	va_list ap;
	char **cols;
	int i, n, rc, stop = 0;

	va_start(ap, types);
	stmt = vprepare(st, err, sql, types, ap);
	va_end(ap);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	n = sqlite3_column_count(stmt);
	cols = xcalloc((size_t)n + 1, sizeof *cols);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		for (i = 0; i < n; i++)
			cols[i] = (char *)sqlite3_column_text(stmt, i);
		stop = row != NULL && row(arg, n, cols) != 0;
	}
	free(cols);
	put_back(st, stmt);
	if (!stop && rc != SQLITE_DONE)
		return db_error(st, err, "query");
	return JMX_OK;
}

int64_t
jmx_store_last_id(struct jmx_store *st)
{
	return sqlite3_last_insert_rowid(st->db);
}

int
jmx_store_changes(struct jmx_store *st)
{
	return sqlite3_changes(st->db);
}

/* Run a prepared statement that returns no rows, then finalize it. */
static enum jmx_code
step_done(struct jmx_store *st, sqlite3_stmt *stmt, struct jmx_err *err)
{
	enum jmx_code code;
	int rc;

	if (stmt == NULL)
		return JMX_ERR_STORE;
	rc = sqlite3_step(stmt);
	/* The error's words before the reset. */
	code = rc == SQLITE_DONE || rc == SQLITE_ROW ? JMX_OK :
	    db_error(st, err, "write");
	put_back(st, stmt);
	return code;
}

static char *
col_str(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

static enum jmx_code
migrate(struct jmx_store *st, struct jmx_err *err)
{
	sqlite3_stmt *stmt;
	int version, i;
	char pragma[64];

	if (jmx_store_begin(st, err) != JMX_OK)
		return JMX_ERR_STORE;
	version = jmx_store_schema_version(st);
	if (version > NMIGRATIONS) {
		jmx_store_rollback(st);
		return jmx_err_set(err, JMX_ERR_STORE,
		    "database '%s': schema version %d is newer than this "
		    "program knows (%d)", st->path, version, NMIGRATIONS);
	}
	for (i = version; i < NMIGRATIONS; i++) {
		if (exec_sql(st, migrations[i], err) != JMX_OK) {
			jmx_err_prefix(err, "migration %d", i + 1);
			jmx_store_rollback(st);
			return JMX_ERR_STORE;
		}
	}
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d",
	    NMIGRATIONS);
	/* The message before ROLLBACK, which would make it "not an error". */
	if (sqlite3_prepare_v2(st->db, pragma, -1, &stmt, NULL) != SQLITE_OK)
		db_error(st, err, "user_version");
	else if (step_done(st, stmt, err) == JMX_OK)
		return jmx_store_commit(st, err);
	jmx_store_rollback(st);
	return JMX_ERR_STORE;
}

/*
 * Why a database cannot be written, for the one-line message: SQLite says
 * "attempt to write a readonly database" or "unable to open database
 * file" whether the file or its directory (where WAL mode keeps the -wal
 * and -shm files) is the read-only one.
 */
static enum jmx_code
readonly_error(struct jmx_store *st, struct jmx_err *err)
{
	char *dir = xstrdup(st->path), *slash = strrchr(dir, '/');

	if (slash != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if (access(st->path, W_OK) != 0)
		jmx_err_set(err, JMX_ERR_STORE, "database '%s' is read-only: "
		    "the file cannot be written (%s)", st->path,
		    strerror(errno));
	else if (access(slash != NULL ? dir : ".", W_OK) != 0)
		jmx_err_set(err, JMX_ERR_STORE, "database '%s' is read-only: "
		    "its directory cannot be written (%s)", st->path,
		    strerror(errno));
	else
		jmx_err_set(err, JMX_ERR_STORE, "database '%s' is read-only "
		    "(%s)", st->path, sqlite3_errmsg(st->db));
	free(dir);
	return JMX_ERR_STORE;
}

/* The last error was the database being read-only, not something else. */
static int
is_readonly(struct jmx_store *st)
{
	int rc = sqlite3_errcode(st->db) & 0xff;

	return rc == SQLITE_READONLY || rc == SQLITE_CANTOPEN ||
	    rc == SQLITE_PERM || rc == SQLITE_AUTH ||
	    sqlite3_db_readonly(st->db, "main") == 1;
}

static struct jmx_store *
store_new(const char *path)
{
	struct jmx_store *st = xcalloc(1, sizeof *st);

	st->path = xstrdup(path);
	return st;
}

/* Open st->path with flags; uri, if not NULL, is what SQLite opens. */
static enum jmx_code
open_db(struct jmx_store *st, const char *uri, int flags,
    struct jmx_err *err)
{
	int rc;

	rc = sqlite3_open_v2(uri != NULL ? uri : st->path, &st->db,
	    flags | SQLITE_OPEN_FULLMUTEX | (uri != NULL ? SQLITE_OPEN_URI : 0),
	    NULL);
	if (rc != SQLITE_OK)
		return jmx_err_set(err, JMX_ERR_STORE, "database '%s': %s",
		    st->path, st->db != NULL ? sqlite3_errmsg(st->db) :
		    "cannot open");
	/* Readers (jmx-watch, jmx-report) run beside the one writer. */
	sqlite3_busy_timeout(st->db, 10000);
	return JMX_OK;
}

/*
 * A new database is made 0600, whatever the umask: it holds every run's
 * figures and how each was started.  SQLite gives the -wal and -shm files
 * the database's mode.  An existing file keeps the mode it has.
 */
static void
create_private(const char *path)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) != -1)
		close(fd);
}

enum jmx_code
jmx_store_open(const char *path, struct jmx_store **out, struct jmx_err *err)
{
	struct jmx_store *st = store_new(path);

	create_private(path);
	if (open_db(st, NULL, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	    err) != JMX_OK) {
		jmx_store_close(st);
		return JMX_ERR_STORE;
	}
	/* SQLite falls back to reading a file it may not write. */
	if (sqlite3_db_readonly(st->db, "main") == 1 ||
	    exec_sql(st, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA foreign_keys = ON;", err) != JMX_OK ||
	    migrate(st, err) != JMX_OK) {
		if (is_readonly(st))
			readonly_error(st, err);
		jmx_store_close(st);
		return JMX_ERR_STORE;
	}
	*out = st;
	return JMX_OK;
}

/*
 * "file:" URI of st->path with the query given: '%', '?' and '#' in the
 * path are escaped.
 */
static char *
file_uri(const char *path, const char *query)
{
	struct jmx_buf b = { 0 };

	jmx_buf_adds(&b, "file:");
	for (; *path != '\0'; path++) {
		if (*path == '%' || *path == '?' || *path == '#')
			jmx_buf_addf(&b, "%%%02X", (unsigned char)*path);
		else
			jmx_buf_addc(&b, *path);
	}
	jmx_buf_adds(&b, query);
	return jmx_buf_steal(&b);
}

/* A reader's database needs a migration: a writer's open does it. */
static enum jmx_code
open_upgrade(const char *path, int version, struct jmx_store **out,
    struct jmx_err *err)
{
	struct jmx_err werr;
	const char *why;
	size_t n;

	if (jmx_store_open(path, out, &werr) == JMX_OK)
		return JMX_OK;
	/* "database 'P' is read-only: why" loses its "database 'P' ". */
	n = strlen(path) + strlen("database '' ");
	why = strlen(werr.msg) > n ? werr.msg + n : "";
	if (strncmp(why, "is ", 3) != 0)
		return jmx_err_set(err, werr.code, "database '%s' needs its "
		    "schema upgraded from version %d to %d: %s", path, version,
		    NMIGRATIONS, werr.msg);
	return jmx_err_set(err, werr.code, "database '%s' needs its schema "
	    "upgraded from version %d to %d and %s", path, version,
	    NMIGRATIONS, why);
}

/*
 * A reader opens the file read-only, so a read-only file or directory
 * does not stop it.  In a read-only directory SQLite cannot make the
 * WAL index (-shm); with no -wal file there nothing can be changing
 * the database (no writer could make its log), so it is opened as
 * immutable.  A schema that is not current is brought up to date
 * through a writer's open, which says so when the file is read-only.
 */
enum jmx_code
jmx_store_open_ro(const char *path, struct jmx_store **out,
    struct jmx_err *err)
{
	struct jmx_store *st;
	struct stat sb;
	char *wal, *uri;
	int version;

	if (stat(path, &sb) != 0)
		return jmx_store_open(path, out, err);
	st = store_new(path);
	if (open_db(st, NULL, SQLITE_OPEN_READONLY, err) != JMX_OK) {
		jmx_store_close(st);
		return JMX_ERR_STORE;
	}
	version = jmx_store_schema_version(st);
	xasprintf(&wal, "%s-wal", path);
	if (version < 0 && is_readonly(st) && stat(wal, &sb) != 0) {
		forget_prepared(st);
		sqlite3_close(st->db);
		st->db = NULL;
		uri = file_uri(path, "?mode=ro&immutable=1");
		if (open_db(st, uri, SQLITE_OPEN_READONLY, err) == JMX_OK)
			version = jmx_store_schema_version(st);
		free(uri);
	}
	free(wal);
	if (version < 0) {
		if (st->db != NULL)
			jmx_err_set(err, JMX_ERR_STORE, "database '%s': %s",
			    path, sqlite3_errmsg(st->db));
		jmx_store_close(st);
		return JMX_ERR_STORE;
	}
	if (version > NMIGRATIONS) {
		jmx_err_set(err, JMX_ERR_STORE, "database '%s': schema version "
		    "%d is newer than this program knows (%d)", path, version,
		    NMIGRATIONS);
		jmx_store_close(st);
		return JMX_ERR_STORE;
	}
	if (version < NMIGRATIONS) {
		jmx_store_close(st);
		return open_upgrade(path, version, out, err);
	}
	if (exec_sql(st, "PRAGMA foreign_keys = ON", err) != JMX_OK) {
		jmx_store_close(st);
		return JMX_ERR_STORE;
	}
	*out = st;
	return JMX_OK;
}

void
jmx_store_close(struct jmx_store *st)
{
	if (st == NULL)
		return;
	forget_prepared(st);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

int
jmx_store_schema_version(struct jmx_store *st)
{
	sqlite3_stmt *stmt;
	int v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int(stmt, 0);
	put_back(st, stmt);
	return v;
}

enum jmx_code
jmx_store_begin(struct jmx_store *st, struct jmx_err *err)
{
	return exec_sql(st, "BEGIN IMMEDIATE", err);
}

enum jmx_code
jmx_store_commit(struct jmx_store *st, struct jmx_err *err)
{
	if (exec_sql(st, "COMMIT", err) != JMX_OK) {
		jmx_store_rollback(st);
		return JMX_ERR_STORE;
	}
	return JMX_OK;
}

void
jmx_store_rollback(struct jmx_store *st)
{
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

enum jmx_code
jmx_store_run_create(struct jmx_store *st, struct jmx_run_rec *r,
    struct jmx_err *err)
{
	sqlite3_stmt *stmt;

	stmt = prepare(st, err,
	    "INSERT INTO runs (test_case, plan, label, state, created_ms,"
	    " duration_ms, ramp_ms, threads, controller_pid, controller_host,"
	    " heartbeat_ms, run_dir, options_json)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", "ssssiiiiisiss",
	    r->test_case, r->plan, r->label, jmx_run_state_name(r->state),
	    r->created_ms, r->duration_ms, r->ramp_ms, r->threads,
	    r->controller_pid, r->controller_host, r->heartbeat_ms,
	    r->run_dir, r->options_json);
	if (step_done(st, stmt, err) != JMX_OK)
		return JMX_ERR_STORE;
	r->id = sqlite3_last_insert_rowid(st->db);
	return JMX_OK;
}

#define RUN_COLUMNS "id, test_case, plan, label, state, created_ms,"	\
	" start_ms, end_ms, duration_ms, ramp_ms, threads, controller_pid,"	\
	" controller_host, heartbeat_ms, skew_ms, delivered_pct, run_dir,"	\
	" options_json, samples, jtl_records, active_ms"

static void
run_from_row(sqlite3_stmt *stmt, struct jmx_run_rec *r)
{
	const char *state = (const char *)sqlite3_column_text(stmt, 4);

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(stmt, 0);
	r->test_case = col_str(stmt, 1);
	r->plan = col_str(stmt, 2);
	r->label = col_str(stmt, 3);
	if (state == NULL || jmx_run_state_parse(state, &r->state) != 0)
		r->state = JMX_RUN_FAILED;
	r->created_ms = sqlite3_column_int64(stmt, 5);
	r->start_ms = sqlite3_column_int64(stmt, 6);
	r->end_ms = sqlite3_column_int64(stmt, 7);
	r->duration_ms = sqlite3_column_int64(stmt, 8);
	r->ramp_ms = sqlite3_column_int64(stmt, 9);
	r->threads = sqlite3_column_int64(stmt, 10);
	r->controller_pid = sqlite3_column_int64(stmt, 11);
	r->controller_host = col_str(stmt, 12);
	r->heartbeat_ms = sqlite3_column_int64(stmt, 13);
	r->skew_ms = sqlite3_column_int64(stmt, 14);
	r->delivered_pct = sqlite3_column_double(stmt, 15);
	r->run_dir = col_str(stmt, 16);
	r->options_json = col_str(stmt, 17);
	r->samples = sqlite3_column_int64(stmt, 18);
	r->jtl_records = sqlite3_column_int64(stmt, 19);
	r->active_ms = sqlite3_column_int64(stmt, 20);
}

enum jmx_code
jmx_store_run_get(struct jmx_store *st, int64_t id, struct jmx_run_rec *r,
    struct jmx_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(r, 0, sizeof *r);
	stmt = prepare(st, err, "SELECT " RUN_COLUMNS " FROM runs WHERE id = ?",
	    "i", id);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		run_from_row(stmt, r);
	put_back(st, stmt);
	if (rc == SQLITE_ROW)
		return JMX_OK;
	if (rc == SQLITE_DONE)
		return jmx_err_set(err, JMX_ERR_NOTFOUND, "no run %lld",
		    (long long)id);
	return db_error(st, err, "read run");
}

enum jmx_code
jmx_store_run_latest(struct jmx_store *st, int64_t *id, struct jmx_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = prepare(st, err, "SELECT max(id) FROM runs", "");
	if (stmt == NULL)
		return JMX_ERR_STORE;
	rc = sqlite3_step(stmt);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	put_back(st, stmt);
	if (*id == 0)
		return jmx_err_set(err, JMX_ERR_NOTFOUND, "no runs yet");
	return JMX_OK;
}

enum jmx_code
jmx_store_run_update(struct jmx_store *st, const struct jmx_run_rec *r,
    struct jmx_err *err)
{
	return step_done(st, prepare(st, err,
	    "UPDATE runs SET label = ?, state = ?, start_ms = ?, end_ms = ?,"
	    " duration_ms = ?, ramp_ms = ?, threads = ?, controller_pid = ?,"
	    " controller_host = ?, heartbeat_ms = ?, skew_ms = ?,"
	    " delivered_pct = ?, run_dir = ?, options_json = ?, samples = ?,"
	    " jtl_records = ?, active_ms = ? WHERE id = ?",
	    "ssiiiiiisiidssiiii",
	    r->label, jmx_run_state_name(r->state), r->start_ms, r->end_ms,
	    r->duration_ms, r->ramp_ms, r->threads, r->controller_pid,
	    r->controller_host, r->heartbeat_ms, r->skew_ms, r->delivered_pct,
	    r->run_dir, r->options_json, r->samples, r->jtl_records,
	    r->active_ms, r->id),
	    err);
}

enum jmx_code
jmx_store_run_set_state(struct jmx_store *st, int64_t id,
    enum jmx_run_state state, struct jmx_err *err)
{
	return step_done(st, prepare(st, err,
	    "UPDATE runs SET state = ? WHERE id = ?", "si",
	    jmx_run_state_name(state), id), err);
}

enum jmx_code
jmx_store_run_heartbeat(struct jmx_store *st, int64_t id, int64_t now_ms,
    struct jmx_err *err)
{
	return step_done(st, prepare(st, err,
	    "UPDATE runs SET heartbeat_ms = ? WHERE id = ?", "ii", now_ms, id),
	    err);
}

enum jmx_code
jmx_store_run_counts(struct jmx_store *st, int64_t run, int64_t *samples,
    int64_t *errors, struct jmx_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*samples = *errors = 0;
	stmt = prepare(st, err, "SELECT coalesce(sum(count), 0),"
	    " coalesce(sum(errors), 0) FROM buckets WHERE run_id = ?", "i",
	    run);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*samples = sqlite3_column_int64(stmt, 0);
		*errors = sqlite3_column_int64(stmt, 1);
	}
	put_back(st, stmt);
	if (rc != SQLITE_ROW)
		return db_error(st, err, "count samples");
	return JMX_OK;
}

void
jmx_run_rec_free(struct jmx_run_rec *r)
{
	if (r == NULL)
		return;
	free(r->test_case);
	free(r->plan);
	free(r->label);
	free(r->controller_host);
	free(r->run_dir);
	free(r->options_json);
	memset(r, 0, sizeof *r);
}

enum jmx_code
jmx_store_run_agent_put(struct jmx_store *st, int64_t run,
    const struct jmx_run_agent_rec *a, struct jmx_err *err)
{
	return step_done(st, prepare(st, err,
	    "INSERT INTO run_agents (run_id, seq, agent, host, weight, threads,"
	    " clock_offset_ms, skew_ms, java_version, jmeter_version, cores,"
	    " mem_mb, state) VALUES (?1, (SELECT count(*) FROM run_agents"
	    " WHERE run_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
	    " ON CONFLICT (run_id, agent) DO UPDATE SET host = excluded.host,"
	    " weight = excluded.weight, threads = excluded.threads,"
	    " clock_offset_ms = excluded.clock_offset_ms,"
	    " skew_ms = excluded.skew_ms, java_version = excluded.java_version,"
	    " jmeter_version = excluded.jmeter_version, cores = excluded.cores,"
	    " mem_mb = excluded.mem_mb, state = excluded.state",
	    "issdiiissiis", run, a->agent, a->host, a->weight, a->threads,
	    a->clock_offset_ms, a->skew_ms, a->java_version, a->jmeter_version,
	    (int64_t)a->cores, a->mem_mb, a->state), err);
}

enum jmx_code
jmx_store_run_agents(struct jmx_store *st, int64_t run,
    struct jmx_run_agent_rec **out, int *n, struct jmx_err *err)
{
	struct jmx_run_agent_rec *v = NULL, *a;
	sqlite3_stmt *stmt;
	int rc, count = 0;

	stmt = prepare(st, err, "SELECT agent, host, weight, threads,"
	    " clock_offset_ms, skew_ms, java_version, jmeter_version, cores,"
	    " mem_mb, state FROM run_agents WHERE run_id = ? ORDER BY seq",
	    "i", run);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		v = xreallocarray(v, (size_t)count + 1, sizeof *v);
		a = &v[count++];
		a->agent = col_str(stmt, 0);
		a->host = col_str(stmt, 1);
		a->weight = sqlite3_column_double(stmt, 2);
		a->threads = sqlite3_column_int64(stmt, 3);
		a->clock_offset_ms = sqlite3_column_int64(stmt, 4);
		a->skew_ms = sqlite3_column_int64(stmt, 5);
		a->java_version = col_str(stmt, 6);
		a->jmeter_version = col_str(stmt, 7);
		a->cores = sqlite3_column_int(stmt, 8);
		a->mem_mb = sqlite3_column_int64(stmt, 9);
		a->state = col_str(stmt, 10);
	}
	put_back(st, stmt);
	*out = v;
	*n = count;
	if (rc != SQLITE_DONE) {
		jmx_run_agent_recs_free(v, count);
		*out = NULL;
		*n = 0;
		return db_error(st, err, "read agents");
	}
	return JMX_OK;
}

void
jmx_run_agent_recs_free(struct jmx_run_agent_rec *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(v[i].agent);
		free(v[i].host);
		free(v[i].java_version);
		free(v[i].jmeter_version);
		free(v[i].state);
	}
	free(v);
}

enum jmx_code
jmx_store_run_options_put(struct jmx_store *st, int64_t run,
    const struct jmx_prop *opts, int n, struct jmx_err *err)
{
	int i;

	for (i = 0; i < n; i++)
		if (step_done(st, prepare(st, err, "INSERT INTO run_options"
		    " (run_id, seq, name, value) VALUES (?,?,?,?)", "iiss",
		    run, (int64_t)i, opts[i].name, opts[i].value),
		    err) != JMX_OK)
			return JMX_ERR_STORE;
	return JMX_OK;
}

enum jmx_code
jmx_store_run_options(struct jmx_store *st, int64_t run,
    struct jmx_prop **out, int *n, struct jmx_err *err)
{
	struct jmx_prop *v = NULL;
	sqlite3_stmt *stmt;
	int rc, count = 0;

	stmt = prepare(st, err, "SELECT name, value FROM run_options"
	    " WHERE run_id = ? ORDER BY seq", "i", run);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		v = xreallocarray(v, (size_t)count + 1, sizeof *v);
		v[count].name = col_str(stmt, 0);
		v[count].value = col_str(stmt, 1);
		count++;
	}
	put_back(st, stmt);
	*out = v;
	*n = count;
	if (rc != SQLITE_DONE)
		return db_error(st, err, "read run options");
	return JMX_OK;
}

void
jmx_run_options_free(struct jmx_prop *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

enum jmx_code
jmx_store_share_put(struct jmx_store *st, int64_t run, const char *agent,
    int group, const char *group_name, int64_t threads, struct jmx_err *err)
{
	return step_done(st, prepare(st, err,
	    "INSERT OR REPLACE INTO shares (run_id, agent, grp, grp_name,"
	    " threads) VALUES (?,?,?,?,?)", "isisi", run, agent,
	    (int64_t)group, group_name, threads), err);
}

enum jmx_code
jmx_store_segment_create(struct jmx_store *st, struct jmx_segment_rec *s,
    struct jmx_err *err)
{
	if (step_done(st, prepare(st, err,
	    "INSERT INTO segments (run_id, agent, work_dir, state, pid,"
	    " udp_port, start_ms, end_ms, deadline_ms, jtl_offset, jtl_header,"
	    " records, jtl_records, clock_offset_ms, gen, part, slice,"
	    " replaces, cause, data_pos)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	    "isssiiiiiisiiiississ",
	    s->run_id, s->agent, s->work_dir,
	    jmx_segment_state_name(s->state), s->pid,
	    (int64_t)s->udp_port, s->start_ms, s->end_ms, s->deadline_ms,
	    s->jtl_offset, s->jtl_header, s->records, s->jtl_records,
	    s->clock_offset_ms, (int64_t)s->gen, s->part, s->slice,
	    s->replaces, s->cause, s->data_pos), err) != JMX_OK)
		return JMX_ERR_STORE;
	s->id = sqlite3_last_insert_rowid(st->db);
	return JMX_OK;
}

enum jmx_code
jmx_store_segment_update(struct jmx_store *st,
    const struct jmx_segment_rec *s, struct jmx_err *err)
{
	return step_done(st, prepare(st, err,
	    "UPDATE segments SET work_dir = ?, state = ?, pid = ?,"
	    " udp_port = ?, start_ms = ?, end_ms = ?, deadline_ms = ?,"
	    " jtl_header = ?, jtl_records = ?, clock_offset_ms = ?,"
	    " cause = ?, data_pos = ?, part = ?, slice = ?, replaces = ?"
	    " WHERE id = ?", "ssiiiiisiissssii",
	    s->work_dir, jmx_segment_state_name(s->state), s->pid,
	    (int64_t)s->udp_port, s->start_ms, s->end_ms, s->deadline_ms,
	    s->jtl_header, s->jtl_records, s->clock_offset_ms, s->cause,
	    s->data_pos, s->part, s->slice, s->replaces, s->id), err);
}

enum jmx_code
jmx_store_segment_advance(struct jmx_store *st, int64_t seg, int64_t offset,
    int64_t records, struct jmx_err *err)
{
	return step_done(st, prepare(st, err,
	    "UPDATE segments SET jtl_offset = ?, records = ? WHERE id = ?",
	    "iii", offset, records, seg), err);
}

enum jmx_code
jmx_store_segments(struct jmx_store *st, int64_t run,
    struct jmx_segment_rec **out, int *n, struct jmx_err *err)
{
	struct jmx_segment_rec *v = NULL, *s;
	sqlite3_stmt *stmt;
	const char *state;
	int rc, count = 0;

	stmt = prepare(st, err, "SELECT id, run_id, agent, work_dir, state,"
	    " pid, udp_port, start_ms, end_ms, deadline_ms, jtl_offset,"
	    " jtl_header, records, jtl_records, clock_offset_ms, gen, part,"
	    " slice, replaces, cause, data_pos FROM segments"
	    " WHERE run_id = ? ORDER BY id", "i", run);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		v = xreallocarray(v, (size_t)count + 1, sizeof *v);
		s = &v[count++];
		s->id = sqlite3_column_int64(stmt, 0);
		s->run_id = sqlite3_column_int64(stmt, 1);
		s->agent = col_str(stmt, 2);
		s->work_dir = col_str(stmt, 3);
		state = (const char *)sqlite3_column_text(stmt, 4);
		/* A state this version does not know is not live. */
		if (state == NULL ||
		    jmx_segment_state_parse(state, &s->state) != 0)
			s->state = JMX_SEGMENT_FAILED;
		s->pid = sqlite3_column_int64(stmt, 5);
		s->udp_port = sqlite3_column_int(stmt, 6);
		s->start_ms = sqlite3_column_int64(stmt, 7);
		s->end_ms = sqlite3_column_int64(stmt, 8);
		s->deadline_ms = sqlite3_column_int64(stmt, 9);
		s->jtl_offset = sqlite3_column_int64(stmt, 10);
		s->jtl_header = col_str(stmt, 11);
		s->records = sqlite3_column_int64(stmt, 12);
		s->jtl_records = sqlite3_column_int64(stmt, 13);
		s->clock_offset_ms = sqlite3_column_int64(stmt, 14);
		s->gen = sqlite3_column_int(stmt, 15);
		s->part = col_str(stmt, 16);
		s->slice = col_str(stmt, 17);
		s->replaces = sqlite3_column_int64(stmt, 18);
		s->cause = col_str(stmt, 19);
		s->data_pos = col_str(stmt, 20);
	}
	put_back(st, stmt);
	*out = v;
	*n = count;
	if (rc != SQLITE_DONE) {
		jmx_segment_recs_free(v, count);
		*out = NULL;
		*n = 0;
		return db_error(st, err, "read segments");
	}
	return JMX_OK;
}

void
jmx_segment_recs_free(struct jmx_segment_rec *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(v[i].agent);
		free(v[i].work_dir);
		free(v[i].jtl_header);
		free(v[i].part);
		free(v[i].slice);
		free(v[i].cause);
		free(v[i].data_pos);
	}
	free(v);
}

enum jmx_code
jmx_store_shortfall_add(struct jmx_store *st, int64_t run,
    const struct jmx_shortfall_rec *f, struct jmx_err *err)
{
	return step_done(st, prepare(st, err,
	    "INSERT INTO shortfalls (run_id, segment_id, agent, kind, grp,"
	    " grp_name, threads, from_ms, to_ms, reason)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?)", "iissisiiis", run, f->segment_id,
	    f->agent, f->kind, (int64_t)f->grp, f->grp_name, f->threads,
	    f->from_ms, f->to_ms, f->reason), err);
}

enum jmx_code
jmx_store_shortfall_close(struct jmx_store *st, int64_t run, int64_t to_ms,
    struct jmx_err *err)
{
	return step_done(st, prepare(st, err,
	    "UPDATE shortfalls SET to_ms = max(?, from_ms)"
	    " WHERE run_id = ? AND to_ms = 0", "ii", to_ms, run), err);
}

enum jmx_code
jmx_store_shortfalls(struct jmx_store *st, int64_t run,
    struct jmx_shortfall_rec **out, int *n, struct jmx_err *err)
{
	struct jmx_shortfall_rec *v = NULL, *f;
	sqlite3_stmt *stmt;
	int rc, count = 0;

	stmt = prepare(st, err, "SELECT segment_id, agent, kind, grp,"
	    " grp_name, threads, from_ms, to_ms, reason FROM shortfalls"
	    " WHERE run_id = ? ORDER BY rowid", "i", run);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		v = xreallocarray(v, (size_t)count + 1, sizeof *v);
		f = &v[count++];
		f->segment_id = sqlite3_column_int64(stmt, 0);
		f->agent = col_str(stmt, 1);
		f->kind = col_str(stmt, 2);
		f->grp = sqlite3_column_int(stmt, 3);
		f->grp_name = col_str(stmt, 4);
		f->threads = sqlite3_column_int64(stmt, 5);
		f->from_ms = sqlite3_column_int64(stmt, 6);
		f->to_ms = sqlite3_column_int64(stmt, 7);
		f->reason = col_str(stmt, 8);
	}
	put_back(st, stmt);
	*out = v;
	*n = count;
	if (rc != SQLITE_DONE) {
		jmx_shortfall_recs_free(v, count);
		*out = NULL;
		*n = 0;
		return db_error(st, err, "read shortfalls");
	}
	return JMX_OK;
}

void
jmx_shortfall_recs_free(struct jmx_shortfall_rec *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(v[i].agent);
		free(v[i].kind);
		free(v[i].grp_name);
		free(v[i].reason);
	}
	free(v);
}

enum jmx_code
jmx_store_event(struct jmx_store *st, int64_t run, int64_t time_ms,
    const char *kind, const char *agent, const char *detail,
    const char *actor, struct jmx_err *err)
{
	return step_done(st, prepare(st, err,
	    "INSERT INTO events (run_id, time_ms, kind, agent, detail, actor)"
	    " VALUES (?,?,?,?,?,?)", "iissss", run, time_ms, kind, agent,
	    detail, actor), err);
}

enum jmx_code
jmx_store_events(struct jmx_store *st, int64_t run,
    struct jmx_event_rec **out, int *n, struct jmx_err *err)
{
	struct jmx_event_rec *v = NULL, *e;
	sqlite3_stmt *stmt;
	int rc, count = 0;

	stmt = prepare(st, err, "SELECT id, time_ms, kind, agent, detail,"
	    " actor FROM events WHERE run_id = ? ORDER BY time_ms, id", "i",
	    run);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		v = xreallocarray(v, (size_t)count + 1, sizeof *v);
		e = &v[count++];
		e->id = sqlite3_column_int64(stmt, 0);
		e->time_ms = sqlite3_column_int64(stmt, 1);
		e->kind = col_str(stmt, 2);
		e->agent = col_str(stmt, 3);
		e->detail = col_str(stmt, 4);
		e->actor = col_str(stmt, 5);
	}
	put_back(st, stmt);
	*out = v;
	*n = count;
	if (rc != SQLITE_DONE) {
		jmx_event_recs_free(v, count);
		*out = NULL;
		*n = 0;
		return db_error(st, err, "read events");
	}
	return JMX_OK;
}

void
jmx_event_recs_free(struct jmx_event_rec *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].agent);
		free(v[i].detail);
		free(v[i].actor);
	}
	free(v);
}

/* Does the run that holds a reservation still have its controller? */
static int
holder_alive(struct jmx_store *st, int64_t run, int64_t now_ms)
{
	struct jmx_run_rec r;
	int alive;

	if (jmx_store_run_get(st, run, &r, NULL) != JMX_OK)
		return 0;
	alive = jmx_run_controller_alive(&r, now_ms);
	jmx_run_rec_free(&r);
	return alive;
}

int
jmx_store_unfinished_runs(struct jmx_store *st, int64_t *ids, int max)
{
	sqlite3_stmt *stmt;
	enum jmx_run_state state;
	const char *text;
	int64_t id;
	int n = 0;

	stmt = prepare(st, NULL, "SELECT id, state FROM runs", "");
	if (stmt == NULL)
		return -1;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		id = sqlite3_column_int64(stmt, 0);
		text = (const char *)sqlite3_column_text(stmt, 1);
		if (text != NULL && jmx_run_state_parse(text, &state) == 0 &&
		    jmx_run_state_final(state))
			continue;
		if (n < max)
			ids[n] = id;
		n++;
	}
	put_back(st, stmt);
	return n;
}

int64_t
jmx_store_reserved_by(struct jmx_store *st, const char *agent,
    int64_t now_ms)
{
	sqlite3_stmt *stmt;
	int64_t run = 0;

	stmt = prepare(st, NULL, "SELECT run_id FROM reservations"
	    " WHERE agent = ?", "s", agent);
	if (stmt == NULL)
		return 0;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		run = sqlite3_column_int64(stmt, 0);
	put_back(st, stmt);
	if (run != 0 && !holder_alive(st, run, now_ms))
		run = 0;
	return run;
}

enum jmx_code
jmx_store_reserve(struct jmx_store *st, int64_t run,
    const char *const *agents, int n, int64_t now_ms, struct jmx_err *err)
{
	int64_t holder;
	int i;

	if (jmx_store_begin(st, err) != JMX_OK)
		return JMX_ERR_STORE;
	for (i = 0; i < n; i++) {
		holder = jmx_store_reserved_by(st, agents[i], now_ms);
		if (holder != 0 && holder != run) {
			jmx_store_rollback(st);
			return jmx_err_set(err, JMX_ERR_AGENT,
			    "agent '%s' is reserved by run %lld", agents[i],
			    (long long)holder);
		}
		if (step_done(st, prepare(st, err,
		    "INSERT OR REPLACE INTO reservations (agent, run_id,"
		    " since_ms) VALUES (?,?,?)", "sii", agents[i], run, now_ms),
		    err) != JMX_OK) {
			jmx_store_rollback(st);
			return JMX_ERR_STORE;
		}
	}
	return jmx_store_commit(st, err);
}

enum jmx_code
jmx_store_release(struct jmx_store *st, int64_t run, struct jmx_err *err)
{
	return step_done(st, prepare(st, err,
	    "DELETE FROM reservations WHERE run_id = ?", "i", run), err);
}

enum jmx_code
jmx_store_command_add(struct jmx_store *st, int64_t run, const char *verb,
    const char *actor, int64_t *id, struct jmx_err *err)
{
	if (step_done(st, prepare(st, err,
	    "INSERT INTO commands (run_id, verb, actor, requested_ms)"
	    " VALUES (?,?,?,?)", "issi", run, verb, actor, jmx_now_ms()),
	    err) != JMX_OK)
		return JMX_ERR_STORE;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return JMX_OK;
}

enum jmx_code
jmx_store_command_next(struct jmx_store *st, int64_t run, int64_t after,
    int64_t *id, char **verb, char **actor, struct jmx_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*id = 0;
	*verb = *actor = NULL;
	stmt = prepare(st, err, "SELECT id, verb, actor FROM commands"
	    " WHERE run_id = ? AND state = 'pending' AND id > ?"
	    " ORDER BY id LIMIT 1", "ii", run, after);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(stmt, 0);
		*verb = col_str(stmt, 1);
		*actor = col_str(stmt, 2);
	}
	put_back(st, stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, err, "read commands");
	return JMX_OK;
}

enum jmx_code
jmx_store_command_done(struct jmx_store *st, int64_t id, int ok,
    const char *result, struct jmx_err *err)
{
	return step_done(st, prepare(st, err,
	    "UPDATE commands SET state = ?, result = ?, done_ms = ?"
	    " WHERE id = ?", "ssii", ok ? "done" : "failed", result,
	    jmx_now_ms(), id), err);
}

enum jmx_code
jmx_store_command_get(struct jmx_store *st, int64_t id, char **state,
    char **result, struct jmx_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = prepare(st, err, "SELECT state, result FROM commands"
	    " WHERE id = ?", "i", id);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*state = col_str(stmt, 0);
		*result = col_str(stmt, 1);
	}
	put_back(st, stmt);
	if (rc != SQLITE_ROW)
		return jmx_err_set(err, JMX_ERR_NOTFOUND, "no command %lld",
		    (long long)id);
	return JMX_OK;
}

char *
jmx_store_home(const char *configured)
{
	const char *env = getenv("JMX_HOME"), *xdg, *home;
	char *p;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if (configured != NULL && *configured != '\0')
		return xstrdup(configured);
	if ((xdg = getenv("XDG_DATA_HOME")) != NULL && *xdg != '\0') {
		xasprintf(&p, "%s/jmx", xdg);
		return p;
	}
	home = getenv("HOME");
	xasprintf(&p, "%s/.local/share/jmx", home != NULL ? home : "/tmp");
	return p;
}

/* State of one jmx_store_put_agg() call. */
struct put_ctx {
	struct jmx_store	*st;
	const struct jmx_agg	*agg;
	int64_t			 run;
	int64_t			 segment;
	sqlite3_stmt		*label_ins;
	sqlite3_stmt		*label_get;
	sqlite3_stmt		*bucket_ins;
	struct jmx_buf		 blob;
	struct jmx_buf		 eblob;
	struct jmx_err		*err;
};

static int64_t
label_id(struct put_ctx *c, const char *name)
{
	int64_t id = -1;

	sqlite3_reset(c->label_ins);
	sqlite3_bind_int64(c->label_ins, 1, c->run);
	sqlite3_bind_text(c->label_ins, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(c->label_ins) != SQLITE_DONE)
		return -1;
	sqlite3_reset(c->label_get);
	sqlite3_bind_int64(c->label_get, 1, c->run);
	sqlite3_bind_text(c->label_get, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(c->label_get) == SQLITE_ROW)
		id = sqlite3_column_int64(c->label_get, 0);
	return id;
}

static enum jmx_code
put_bucket(const struct jmx_bucket *b, void *arg)
{
	struct put_ctx *c = arg;
	sqlite3_stmt *s = c->bucket_ins;
	const char *name = jmx_agg_label(c->agg, b->label);
	int64_t id;
	int i = 1;

	if (name == NULL || (id = label_id(c, name)) < 0)
		return db_error(c->st, c->err, "store label");
	jmx_buf_reset(&c->blob);
	jmx_hist_encode(b->hist, &c->blob);
	sqlite3_reset(s);
	sqlite3_bind_int64(s, i++, c->run);
	sqlite3_bind_int64(s, i++, c->segment);
	sqlite3_bind_int64(s, i++, b->second);
	sqlite3_bind_int64(s, i++, id);
	sqlite3_bind_int64(s, i++, (int64_t)b->count);
	sqlite3_bind_int64(s, i++, (int64_t)b->errors);
	sqlite3_bind_int64(s, i++, b->elapsed_sum);
	sqlite3_bind_int64(s, i++, b->elapsed_min);
	sqlite3_bind_int64(s, i++, b->elapsed_max);
	sqlite3_bind_int64(s, i++, b->latency_sum);
	sqlite3_bind_int64(s, i++, b->connect_sum);
	sqlite3_bind_int64(s, i++, b->bytes);
	sqlite3_bind_int64(s, i++, b->sent_bytes);
	sqlite3_bind_int64(s, i++, b->max_grp_threads);
	sqlite3_bind_int64(s, i++, b->max_all_threads);
	sqlite3_bind_int64(s, i++, b->first_start);
	sqlite3_bind_int64(s, i++, b->last_end);
	sqlite3_bind_blob(s, i++, c->blob.data, (int)c->blob.len,
	    SQLITE_STATIC);
	/* Failed samples' times too: APDEX counts them as frustrated. */
	jmx_buf_reset(&c->eblob);
	if (b->err_hist != NULL) {
		jmx_hist_encode(b->err_hist, &c->eblob);
		sqlite3_bind_blob(s, i++, c->eblob.data, (int)c->eblob.len,
		    SQLITE_STATIC);
	} else
		sqlite3_bind_null(s, i++);
	if (sqlite3_step(s) != SQLITE_DONE)
		return db_error(c->st, c->err, "store bucket");
	return JMX_OK;
}

enum jmx_code
jmx_store_put_agg(struct jmx_store *st, int64_t run, int64_t segment,
    const struct jmx_agg *agg, struct jmx_err *err)
{
	struct put_ctx c;
	enum jmx_code code;

	memset(&c, 0, sizeof c);
	c.st = st;
	c.agg = agg;
	c.run = run;
	c.segment = segment;
	c.err = err;
	if ((c.label_ins = take_prepared(st, "INSERT INTO labels (run_id,"
	    " name) VALUES (?,?) ON CONFLICT DO NOTHING", err)) == NULL ||
	    (c.label_get = take_prepared(st, "SELECT id FROM labels"
	    " WHERE run_id = ? AND name = ?", err)) == NULL ||
	    (c.bucket_ins = take_prepared(st, "INSERT INTO buckets (run_id,"
	    " segment_id, sec, label_id, count, errors, elapsed_sum,"
	    " elapsed_min, elapsed_max, latency_sum, connect_sum, bytes,"
	    " sent_bytes, grp_threads, all_threads, first_start, last_end,"
	    " hist, err_hist)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", err)) == NULL)
		code = JMX_ERR_STORE;
	else
		code = jmx_agg_foreach(agg, put_bucket, &c);
	put_back(st, c.label_ins);
	put_back(st, c.label_get);
	put_back(st, c.bucket_ins);
	jmx_buf_free(&c.blob);
	jmx_buf_free(&c.eblob);
	return code;
}

/* Add a stored bucket to the summary, when its agent is wanted. */
struct summary_ctx {
	const char		*agent;		/* NULL: all */
	struct jmx_summary	*sum;
};

static enum jmx_code
summary_bucket(const char *label, const char *agent,
    const struct jmx_bucket *b, void *arg)
{
	struct summary_ctx *c = arg;

	if (c->agent == NULL || strcmp(agent, c->agent) == 0)
		jmx_summary_add_bucket(c->sum, label, b);
	return JMX_OK;
}

enum jmx_code
jmx_store_summary(struct jmx_store *st, int64_t run, const char *agent,
    struct jmx_summary *sum, struct jmx_err *err)
{
	struct summary_ctx c = { agent, sum };

	return jmx_store_buckets(st, run, summary_bucket, &c, err);
}

/* Report queries. */

enum jmx_code
jmx_store_buckets(struct jmx_store *st, int64_t run,
    enum jmx_code (*cb)(const char *, const char *,
    const struct jmx_bucket *, void *), void *arg, struct jmx_err *err)
{
	struct jmx_bucket b;
	struct jmx_hist *ehist;
	sqlite3_stmt *stmt;
	enum jmx_code code = JMX_OK;
	int rc = SQLITE_DONE;

	stmt = prepare(st, err, "SELECT l.name, s.agent, b.sec, b.count,"
	    " b.errors, b.elapsed_sum, b.elapsed_min, b.elapsed_max,"
	    " b.latency_sum, b.connect_sum, b.bytes, b.sent_bytes,"
	    " b.grp_threads, b.all_threads, b.first_start, b.last_end,"
	    " b.hist, b.err_hist"
	    " FROM buckets b JOIN labels l ON l.id = b.label_id"
	    " JOIN segments s ON s.id = b.segment_id"
	    " WHERE b.run_id = ? ORDER BY b.sec", "i", run);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	memset(&b, 0, sizeof b);
	b.hist = jmx_hist_new();
	ehist = jmx_hist_new();
	while (code == JMX_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		b.second = sqlite3_column_int64(stmt, 2);
		b.count = (uint64_t)sqlite3_column_int64(stmt, 3);
		b.errors = (uint64_t)sqlite3_column_int64(stmt, 4);
		b.elapsed_sum = sqlite3_column_int64(stmt, 5);
		b.elapsed_min = sqlite3_column_int64(stmt, 6);
		b.elapsed_max = sqlite3_column_int64(stmt, 7);
		b.latency_sum = sqlite3_column_int64(stmt, 8);
		b.connect_sum = sqlite3_column_int64(stmt, 9);
		b.bytes = sqlite3_column_int64(stmt, 10);
		b.sent_bytes = sqlite3_column_int64(stmt, 11);
		b.max_grp_threads = sqlite3_column_int64(stmt, 12);
		b.max_all_threads = sqlite3_column_int64(stmt, 13);
		b.first_start = sqlite3_column_int64(stmt, 14);
		b.last_end = sqlite3_column_int64(stmt, 15);
		code = jmx_hist_decode(sqlite3_column_blob(stmt, 16),
		    (size_t)sqlite3_column_bytes(stmt, 16), b.hist, err);
		b.err_hist = NULL;
		if (code == JMX_OK && sqlite3_column_type(stmt, 17) !=
		    SQLITE_NULL) {
			code = jmx_hist_decode(sqlite3_column_blob(stmt, 17),
			    (size_t)sqlite3_column_bytes(stmt, 17), ehist, err);
			b.err_hist = ehist;
		}
		if (code != JMX_OK) {
			jmx_err_prefix(err, "run %lld: stored histogram",
			    (long long)run);
			break;
		}
		code = cb((const char *)sqlite3_column_text(stmt, 0),
		    (const char *)sqlite3_column_text(stmt, 1), &b, arg);
	}
	if (code == JMX_OK && rc != SQLITE_DONE)
		code = db_error(st, err, "read buckets");
	put_back(st, stmt);
	jmx_hist_free(b.hist);
	jmx_hist_free(ehist);
	return code;
}

enum jmx_code
jmx_store_error_add(struct jmx_store *st, int64_t run, const char *label,
    const char *code, const char *message, int64_t count,
    struct jmx_err *err)
{
	if (step_done(st, prepare(st, err, "INSERT INTO labels (run_id, name)"
	    " VALUES (?,?) ON CONFLICT DO NOTHING", "is", run, label),
	    err) != JMX_OK)
		return JMX_ERR_STORE;
	return step_done(st, prepare(st, err,
	    "INSERT INTO errors (run_id, label_id, code, message, count)"
	    " VALUES (?1, (SELECT id FROM labels WHERE run_id = ?1 AND"
	    " name = ?2), ?3, ?4, ?5) ON CONFLICT DO UPDATE SET"
	    " count = count + excluded.count", "isssi", run, label, code,
	    message, count), err);
}

enum jmx_code
jmx_store_errors(struct jmx_store *st, int64_t run,
    enum jmx_code (*cb)(const char *, const char *, const char *, int64_t,
    void *), void *arg, struct jmx_err *err)
{
	sqlite3_stmt *stmt;
	enum jmx_code code = JMX_OK;
	int rc = SQLITE_DONE;

	stmt = prepare(st, err, "SELECT l.name, e.code, e.message, e.count"
	    " FROM errors e JOIN labels l ON l.id = e.label_id"
	    " WHERE e.run_id = ? ORDER BY e.count DESC", "i", run);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	while (code == JMX_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		code = cb((const char *)sqlite3_column_text(stmt, 0),
		    (const char *)sqlite3_column_text(stmt, 1),
		    (const char *)sqlite3_column_text(stmt, 2),
		    sqlite3_column_int64(stmt, 3), arg);
	if (code == JMX_OK && rc != SQLITE_DONE)
		code = db_error(st, err, "read errors");
	put_back(st, stmt);
	return code;
}

/*
 * Every table with a run_id column is found from the schema, so a table
 * a later migration adds is not forgotten.  Foreign keys are checked at
 * COMMIT, when the rows that refer to the run have gone with it.
 */
enum jmx_code
jmx_store_run_delete(struct jmx_store *st, int64_t run, struct jmx_err *err)
{
	sqlite3_stmt *tables;
	enum jmx_code code;
	char *sql;
	int rc = SQLITE_DONE;

	if ((code = jmx_store_begin(st, err)) != JMX_OK)
		return code;
	code = exec_sql(st, "PRAGMA defer_foreign_keys = ON", err);
	tables = code != JMX_OK ? NULL : prepare(st, err,
	    "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p"
	    " WHERE m.type = 'table' AND p.name = 'run_id'", "");
	if (tables == NULL)
		code = JMX_ERR_STORE;
	while (code == JMX_OK && (rc = sqlite3_step(tables)) == SQLITE_ROW) {
		/* A table name cannot be bound; it comes from the schema. */
		sql = sqlite3_mprintf("DELETE FROM \"%w\" WHERE run_id = ?",
		    (const char *)sqlite3_column_text(tables, 0));
		code = step_done(st, prepare(st, err, sql, "i", run), err);
		sqlite3_free(sql);
	}
	if (code == JMX_OK && rc != SQLITE_DONE)
		code = db_error(st, err, "read schema");
	put_back(st, tables);
	if (code == JMX_OK)
		code = step_done(st, prepare(st, err,
		    "DELETE FROM runs WHERE id = ?", "i", run), err);
	if (code != JMX_OK) {
		jmx_store_rollback(st);
		return code;
	}
	return jmx_store_commit(st, err);
}

int
jmx_run_importing(const struct jmx_run_rec *r)
{
	return !jmx_run_state_final(r->state) && r->options_json == NULL &&
	    r->label != NULL && strcmp(r->label, "imported") == 0;
}

enum jmx_code
jmx_store_drop_dead_imports(struct jmx_store *st, int64_t now_ms,
    struct jmx_err *err)
{
	struct jmx_run_rec r;
	enum jmx_code code = JMX_OK;
	int64_t *ids;
	int i, n, max = 64;

	for (;;) {
		ids = xcalloc((size_t)max, sizeof *ids);
		if ((n = jmx_store_unfinished_runs(st, ids, max)) <= max)
			break;
		free(ids);
		max = n;
	}
	if (n < 0)
		code = db_error(st, err, "list unfinished runs");
	for (i = 0; i < n && code == JMX_OK; i++) {
		if (jmx_store_run_get(st, ids[i], &r, NULL) != JMX_OK)
			continue;
		if (jmx_run_importing(&r) &&
		    !jmx_run_controller_alive(&r, now_ms))
			code = jmx_store_run_delete(st, ids[i], err);
		jmx_run_rec_free(&r);
	}
	free(ids);
	return code;
}

enum jmx_code
jmx_store_run_ids(struct jmx_store *st, const char *test_case,
    int64_t since_ms, int64_t **ids, int *n, struct jmx_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*ids = NULL;
	*n = 0;
	stmt = prepare(st, err, "SELECT id FROM runs WHERE"
	    " (?1 IS NULL OR test_case = ?1) AND created_ms >= ?2"
	    " ORDER BY id", "si", test_case, since_ms);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*ids = xreallocarray(*ids, (size_t)*n + 1, sizeof **ids);
		(*ids)[(*n)++] = sqlite3_column_int64(stmt, 0);
	}
	put_back(st, stmt);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return db_error(st, err, "read runs");
	}
	return JMX_OK;
}

enum jmx_code
jmx_store_baseline_set(struct jmx_store *st, const char *test_case,
    int64_t run, int64_t now_ms, struct jmx_err *err)
{
	if (run == 0)
		return step_done(st, prepare(st, err,
		    "DELETE FROM baselines WHERE test_case = ?", "s",
		    test_case), err);
	return step_done(st, prepare(st, err,
	    "INSERT OR REPLACE INTO baselines (test_case, run_id, set_ms)"
	    " VALUES (?, ?, ?)", "sii", test_case, run, now_ms), err);
}

enum jmx_code
jmx_store_baseline_get(struct jmx_store *st, const char *test_case,
    int64_t *run, int64_t *set_ms, struct jmx_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*run = 0;
	stmt = prepare(st, err, "SELECT run_id, set_ms FROM baselines"
	    " WHERE test_case = ?", "s", test_case);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*run = sqlite3_column_int64(stmt, 0);
		if (set_ms != NULL)
			*set_ms = sqlite3_column_int64(stmt, 1);
	}
	put_back(st, stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, err, "read baselines");
	return JMX_OK;
}

enum jmx_code
jmx_store_baselines(struct jmx_store *st, char ***cases, int64_t **runs,
    int *n, struct jmx_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*cases = NULL;
	*runs = NULL;
	*n = 0;
	stmt = prepare(st, err, "SELECT test_case, run_id FROM baselines"
	    " ORDER BY test_case", "");
	if (stmt == NULL)
		return JMX_ERR_STORE;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*cases = xreallocarray(*cases, (size_t)*n + 1,
		    sizeof **cases);
		*runs = xreallocarray(*runs, (size_t)*n + 1, sizeof **runs);
		(*cases)[*n] = col_str(stmt, 0);
		(*runs)[(*n)++] = sqlite3_column_int64(stmt, 1);
	}
	put_back(st, stmt);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "read baselines");
	return JMX_OK;
}

enum jmx_code
jmx_store_figures_put(struct jmx_store *st, int64_t run,
    const struct jmx_run_figures *f, struct jmx_err *err)
{
	return step_done(st, prepare(st, err,
	    "INSERT OR REPLACE INTO run_figures (run_id, samples, errors,"
	    " error_pct, avg, p50, p90, p95, p99, throughput)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "iiiddddddd", run,
	    (int64_t)f->samples, (int64_t)f->errors, f->error_pct, f->avg,
	    f->p50, f->p90, f->p95, f->p99, f->throughput), err);
}

/* A REAL column, NAN for NULL (SQLite stores NaN as NULL). */
static double
col_real(sqlite3_stmt *stmt, int i)
{
	return sqlite3_column_type(stmt, i) == SQLITE_NULL ? NAN :
	    sqlite3_column_double(stmt, i);
}

enum jmx_code
jmx_store_figures_get(struct jmx_store *st, int64_t run,
    struct jmx_run_figures *f, int *found, int *agents, struct jmx_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*found = 0;
	*agents = 0;
	/* One statement: history asks for every run. */
	stmt = prepare(st, err, "SELECT (SELECT count(*) FROM run_agents"
	    " WHERE run_id = ?1), f.run_id, f.samples, f.errors, f.error_pct,"
	    " f.avg, f.p50, f.p90, f.p95, f.p99, f.throughput"
	    " FROM (SELECT 1) LEFT JOIN run_figures f ON f.run_id = ?1",
	    "i", run);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*agents = sqlite3_column_int(stmt, 0);
		*found = sqlite3_column_type(stmt, 1) != SQLITE_NULL;
		f->samples = (uint64_t)sqlite3_column_int64(stmt, 2);
		f->errors = (uint64_t)sqlite3_column_int64(stmt, 3);
		f->error_pct = col_real(stmt, 4);
		f->avg = col_real(stmt, 5);
		f->p50 = col_real(stmt, 6);
		f->p90 = col_real(stmt, 7);
		f->p95 = col_real(stmt, 8);
		f->p99 = col_real(stmt, 9);
		f->throughput = col_real(stmt, 10);
	}
	put_back(st, stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, err, "read run figures");
	return JMX_OK;
}

enum jmx_code
jmx_store_run_rates(struct jmx_store *st, int64_t run, uint64_t **counts,
    int *n, struct jmx_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*counts = NULL;
	*n = 0;
	stmt = prepare(st, err, "SELECT sum(count) FROM buckets"
	    " WHERE run_id = ? GROUP BY sec ORDER BY sec", "i", run);
	if (stmt == NULL)
		return JMX_ERR_STORE;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*counts = xreallocarray(*counts, (size_t)*n + 1,
		    sizeof **counts);
		(*counts)[(*n)++] = (uint64_t)sqlite3_column_int64(stmt, 0);
	}
	put_back(st, stmt);
	if (rc != SQLITE_DONE) {
		free(*counts);
		*counts = NULL;
		*n = 0;
		return db_error(st, err, "read buckets");
	}
	return JMX_OK;
}

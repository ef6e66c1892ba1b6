/*
 * agent.c: remote operations on one agent.  Commands are composed with
 * every variable part passed through jmx_shquote(); the agent needs only
 * a POSIX shell, coreutils (timeout, setsid, mktemp, df), tar and bash
 * (for JMeter's UDP control port).
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"
#include "plan.h"
#include "ssh.h"
#include "xmalloc.h"

/*
 * The launcher shipped in every bundle.  It runs under setsid, so JMeter
 * is detached from the SSH session; timeout(1) enforces the hard deadline
 * on the agent itself and puts JMeter in a process group of its own whose
 * id is written to ./pid; the exit status lands in ./exit_code.
 *
 * -XX:+DisableExplicitGC: JMeter calls System.gc() between the setUp
 * groups and the main groups, so after the sync point (plan.c): on a
 * loaded host it took 100 to 300 ms, different on each agent, all of it
 * start skew.  The user's JVM_ARGS come after and can turn it back on.
 */
static const char run_script[] =
	"#!/bin/sh\n"
	"# run.sh DEADLINE_S JMETER_HOME JAVA HEAP [JMeter arguments...]\n"
	"cd \"$(dirname \"$0\")\" || exit 1\n"
	"deadline=$1 home=$2 java=$3 heap=$4\n"
	"shift 4\n"
	"case $java in */*) PATH=$(dirname \"$java\"):$PATH; export PATH;; esac\n"
	"[ -n \"$heap\" ] && { HEAP=$heap; export HEAP; }\n"
	"JVM_ARGS=\"-XX:+DisableExplicitGC ${JVM_ARGS:-}\"; export JVM_ARGS\n"
	"timeout -k 15 \"$deadline\" \"$home/bin/jmeter\" -n -t plan.jmx \\\n"
	"    -l results.jtl -j jmeter.log \"$@\" >jmeter.out 2>&1 </dev/null &\n"
	"echo $! >pid.tmp && mv pid.tmp pid\n"
	"wait $!\n"
	"echo $? >exit_code.tmp && mv exit_code.tmp exit_code\n";

const char *
jmx_agent_run_script(void)
{
	return run_script;
}

static const char *
agent_java(const struct jmx_agent *a)
{
	return a->conf->java != NULL ? a->conf->java : "java";
}

static const char *
agent_work_dir(const struct jmx_agent *a)
{
	return a->conf->work_dir != NULL ? a->conf->work_dir : "/tmp";
}

/* Run cmd; a non-zero exit becomes JMX_ERR_REMOTE with its stderr. */
static enum jmx_code
remote(struct jmx_agent *a, const char *cmd, const void *in, size_t inlen,
    struct jmx_buf *out, struct jmx_err *err)
{
	struct jmx_buf errout = { 0 };
	enum jmx_code code;
	int status = -1;
	size_t n;

	if (a->ssh == NULL)
		return jmx_err_set(err, JMX_ERR_SSH, "agent '%s': not connected",
		    a->conf->name);
	code = jmx_ssh_exec(a->ssh, cmd, in, inlen, out, &errout, &status,
	    err);
	if (code == JMX_OK && status != 0) {
		/* First line of stderr is the useful part. */
		n = errout.data != NULL ? strcspn(errout.data, "\n") : 0;
		code = jmx_err_set(err, JMX_ERR_REMOTE,
		    "agent '%s': remote command failed (exit %d)%s%.*s",
		    a->conf->name, status, n > 0 ? ": " : "", (int)n,
		    n > 0 ? errout.data : "");
	} else if (code != JMX_OK)
		jmx_err_prefix(err, "agent '%s'", a->conf->name);
	jmx_buf_free(&errout);
	return code;
}

enum jmx_code
jmx_agent_connect(struct jmx_agent *a, int connect_timeout_ms,
    struct jmx_err *err)
{
	struct jmx_ssh_opts o;
	enum jmx_code code;

	if (a->ssh != NULL)
		return JMX_OK;
	memset(&o, 0, sizeof o);
	o.host = a->conf->host;
	o.port = a->conf->port;
	o.user = a->conf->user;
	o.key = a->conf->key;
	o.known_hosts = a->conf->known_hosts;
	o.connect_timeout_ms = connect_timeout_ms;
	o.io_timeout_ms = a->io_timeout_ms > 0 ? a->io_timeout_ms : 30000;
	o.keepalive_s = 2;
	code = jmx_ssh_connect(&o, &a->ssh, err);
	if (code != JMX_OK)
		a->ssh = NULL;
	return code;
}

void
jmx_agent_disconnect(struct jmx_agent *a)
{
	jmx_ssh_close(a->ssh);
	a->ssh = NULL;
}

/* Parse "key=value" lines of the probe into the agent. */
static void
parse_probe(struct jmx_agent *a, char *text, int *have_jar, int *have_tools)
{
	char *line, *save = NULL, *eq;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq++ = '\0';
		if (strcmp(line, "cores") == 0)
			a->cores = atoi(eq);
		else if (strcmp(line, "mem_kb") == 0)
			a->mem_avail_mb = strtoll(eq, NULL, 10) / 1024;
		else if (strcmp(line, "load") == 0)
			a->load1 = strtod(eq, NULL);
		else if (strcmp(line, "disk_kb") == 0)
			a->disk_free_mb = strtoll(eq, NULL, 10) / 1024;
		else if (strcmp(line, "java") == 0)
			snprintf(a->java_version, sizeof a->java_version, "%s",
			    eq);
		else if (strcmp(line, "jmeter") == 0)
			snprintf(a->jmeter_version, sizeof a->jmeter_version,
			    "%s", eq);
		else if (strcmp(line, "jar") == 0)
			*have_jar = 1;
		else if (strcmp(line, "tools") == 0)
			*have_tools = atoi(eq);
		else if (strcmp(line, "ext") == 0)
			snprintf(a->ext_jars, sizeof a->ext_jars, "%s", eq);
	}
}

/*
 * Measure the clock offset.  An exec is lopsided: opening the channel
 * and starting a shell come before `date` runs (tens of ms), while only
 * the output's trip back comes after it.  So the agent's reading is
 * matched to the moment the answer arrived, less half a bare network
 * round trip (a keepalive's), not to the middle of the exec.
 */
static enum jmx_code
probe_clock(struct jmx_agent *a, struct jmx_err *err)
{
	struct jmx_buf out = { 0 };
	int64_t t1, t2, remote_ms, net = -1, best = -1;
	int i;

	for (i = 0; i < 3; i++) {
		t1 = jmx_mono_ms();
		if (jmx_ssh_keepalive(a->ssh, err) != JMX_OK)
			return err->code;
		t2 = jmx_mono_ms();
		if (net < 0 || t2 - t1 < net)
			net = t2 - t1;
	}
	a->rtt_ms = net;
	for (i = 0; i < 3; i++) {
		jmx_buf_reset(&out);
		t1 = jmx_now_ms();
		if (remote(a, "date +%s%3N", NULL, 0, &out, err) != JMX_OK) {
			jmx_buf_free(&out);
			return err->code;
		}
		t2 = jmx_now_ms();
		remote_ms = strtoll(out.data != NULL ? out.data : "0", NULL, 10);
		if (best < 0 || t2 - t1 < best) {
			best = t2 - t1;
			a->clock_offset_ms = remote_ms - (t2 - net / 2);
		}
	}
	jmx_buf_free(&out);
	return JMX_OK;
}

/* JMeter's version when the install has no stamp: ask JMeter itself. */
static void
probe_jmeter_version(struct jmx_agent *a)
{
	struct jmx_buf cmd = { 0 }, out = { 0 };
	const char *p;

	jmx_buf_adds(&cmd, "timeout 60 ");
	jmx_shquote(&cmd, agent_java(a));
	jmx_buf_adds(&cmd, " -jar ");
	jmx_shquote(&cmd, a->conf->jmeter_home);
	jmx_buf_adds(&cmd, "/bin/ApacheJMeter.jar --version 2>&1 | "
	    "grep -oE '[0-9]+\\.[0-9]+(\\.[0-9]+)?' | head -1");
	if (remote(a, cmd.data, NULL, 0, &out, NULL) == JMX_OK &&
	    out.data != NULL && (p = strtok(out.data, "\n")) != NULL)
		snprintf(a->jmeter_version, sizeof a->jmeter_version, "%s", p);
	jmx_buf_free(&cmd);
	jmx_buf_free(&out);
}

enum jmx_code
jmx_agent_probe(struct jmx_agent *a, int64_t min_free_disk_mb,
    struct jmx_err *err)
{
	struct jmx_buf cmd = { 0 }, out = { 0 };
	const char *home = a->conf->jmeter_home;
	int have_jar = 0, have_tools = 0;
	enum jmx_code code;

	jmx_buf_adds(&cmd, "home=");
	jmx_shquote(&cmd, home != NULL ? home : "");
	jmx_buf_adds(&cmd, "; java=");
	jmx_shquote(&cmd, agent_java(a));
	jmx_buf_adds(&cmd, "; wd=");
	jmx_shquote(&cmd, agent_work_dir(a));
	jmx_buf_adds(&cmd, "\n"
	    "echo cores=$(nproc)\n"
	    "awk '/^MemAvailable:/ {print \"mem_kb=\" $2}' /proc/meminfo\n"
	    "echo load=$(cut -d' ' -f1 /proc/loadavg)\n"
	    /* Only look: the work dir is made when a run unpacks there. */
	    "d=$wd; while [ ! -d \"$d\" ]; do d=$(dirname \"$d\"); done\n"
	    "[ -w \"$d\" ] && echo disk_kb=$(df -Pk \"$d\" | "
	    "awk 'NR==2 {print $4}')\n"
	    "echo java=$(\"$java\" -version 2>&1 | head -1)\n"
	    "[ -f \"$home/bin/ApacheJMeter.jar\" ] && "
	    "[ -f \"$home/bin/jmeter.properties\" ] && echo jar=1\n"
	    "[ -f \"$home/.jmx-installed\" ] && "
	    "echo jmeter=$(cat \"$home/.jmx-installed\")\n"
	    /* Plugins: what a plan's elements need (jmx_plan_missing). */
	    "echo ext=$(ls \"$home/lib/ext\" 2>/dev/null | "
	    "grep -v '^ApacheJMeter' | tr '\\n' ' ')\n"
	    "n=0; for t in timeout setsid tar bash mktemp; do "
	    "command -v $t >/dev/null && n=$((n+1)); done; echo tools=$n\n"
	    "exit 0\n");
	code = remote(a, cmd.data, NULL, 0, &out, err);
	jmx_buf_free(&cmd);
	if (code != JMX_OK) {
		jmx_buf_free(&out);
		return code;
	}
	if (out.data != NULL)
		parse_probe(a, out.data, &have_jar, &have_tools);
	jmx_buf_free(&out);
	if (strstr(a->java_version, "version") == NULL)
		return jmx_err_set(err, JMX_ERR_AGENT, "no Java: '%s' does not "
		    "run%s%s", agent_java(a), a->java_version[0] ? ": " : "",
		    a->java_version);
	if (home == NULL || !have_jar)
		return jmx_err_set(err, JMX_ERR_AGENT, "no JMeter in '%s' "
		    "(bin/ApacheJMeter.jar and bin/jmeter.properties missing)",
		    home != NULL ? home : "(jmeter_home not set)");
	if (have_tools < 5)
		return jmx_err_set(err, JMX_ERR_AGENT, "missing one of "
		    "timeout, setsid, tar, bash, mktemp");
	if (a->jmeter_version[0] == '\0')
		probe_jmeter_version(a);
	if (a->disk_free_mb < min_free_disk_mb)
		return jmx_err_set(err, JMX_ERR_AGENT, "only %lld MB free in "
		    "'%s', %lld MB needed", (long long)a->disk_free_mb,
		    agent_work_dir(a), (long long)min_free_disk_mb);
	if ((code = probe_clock(a, err)) != JMX_OK)
		return code;
	a->probed = 1;
	return JMX_OK;
}

double
jmx_agent_probed_weight(const struct jmx_agent *a)
{
	double w = a->cores > 0 ? a->cores : 1;

	/* A JMeter wants about 1 GB of heap per core's worth of threads. */
	if (a->mem_avail_mb > 0 && a->mem_avail_mb / 1024.0 < w)
		w = a->mem_avail_mb / 1024.0;
	return w > 0.1 ? w : 0.1;
}

enum jmx_code
jmx_agent_unpack(struct jmx_agent *a, int64_t run_id, const void *bundle,
    size_t len, char **work_dir, struct jmx_err *err)
{
	struct jmx_buf cmd = { 0 }, out = { 0 }, tmpl = { 0 };
	enum jmx_code code;

	jmx_buf_addf(&tmpl, "%s/jmx-run-%lld.XXXXXX", agent_work_dir(a),
	    (long long)run_id);
	/* mktemp -d makes the directory 0700: private to the SSH user. */
	jmx_buf_adds(&cmd, "umask 077 && mkdir -p ");
	jmx_shquote(&cmd, agent_work_dir(a));
	jmx_buf_adds(&cmd, " && d=$(mktemp -d ");
	jmx_shquote(&cmd, tmpl.data);
	jmx_buf_adds(&cmd, ") && cd \"$d\" && tar -xzf - && echo \"$d\"");
	code = remote(a, cmd.data, bundle, len, &out, err);
	if (code == JMX_OK) {
		if (out.data == NULL || out.data[0] != '/') {
			code = jmx_err_set(err, JMX_ERR_REMOTE, "agent '%s': "
			    "no work directory made", a->conf->name);
		} else {
			/* Only echo's newline: a work_dir may hold one. */
			if (out.len > 0 && out.data[out.len - 1] == '\n')
				out.data[--out.len] = '\0';
			*work_dir = xstrdup(out.data);
		}
	}
	jmx_buf_free(&cmd);
	jmx_buf_free(&out);
	jmx_buf_free(&tmpl);
	return code;
}

enum jmx_code
jmx_agent_launch(struct jmx_agent *a, const char *work_dir,
    const struct jmx_launch *l, int64_t *pid, struct jmx_err *err)
{
	struct jmx_buf cmd = { 0 }, out = { 0 };
	const char *const *arg;
	enum jmx_code code;

	jmx_buf_adds(&cmd, "cd ");
	jmx_shquote(&cmd, work_dir);
	jmx_buf_addf(&cmd, " || exit 1\nsetsid sh run.sh %lld ",
	    (long long)l->deadline_s);
	jmx_shquote(&cmd, a->conf->jmeter_home);
	jmx_buf_addc(&cmd, ' ');
	jmx_shquote(&cmd, agent_java(a));
	jmx_buf_addc(&cmd, ' ');
	jmx_shquote(&cmd, l->heap != NULL ? l->heap : "");
	for (arg = l->args; arg != NULL && *arg != NULL; arg++) {
		jmx_buf_addc(&cmd, ' ');
		jmx_shquote(&cmd, *arg);
	}
	/* Wait (briefly) for run.sh to record the process group. */
	jmx_buf_adds(&cmd, " </dev/null >/dev/null 2>&1 &\n"
	    "i=0; while [ ! -s pid ] && [ $i -lt 100 ]; do sleep 0.05; "
	    "i=$((i+1)); done; cat pid");
	code = remote(a, cmd.data, NULL, 0, &out, err);
	if (code == JMX_OK && (out.data == NULL ||
	    (*pid = strtoll(out.data, NULL, 10)) <= 0))
		code = jmx_err_set(err, JMX_ERR_REMOTE, "agent '%s': JMeter "
		    "did not start", a->conf->name);
	jmx_buf_free(&cmd);
	jmx_buf_free(&out);
	return code;
}

enum jmx_code
jmx_agent_status(struct jmx_agent *a, const char *work_dir, int wait_ms,
    struct jmx_agent_status *st, struct jmx_err *err)
{
	struct jmx_buf cmd = { 0 }, out = { 0 };
	char *line, *save = NULL, *eq;
	enum jmx_code code;

	memset(st, 0, sizeof *st);
	st->jtl_size = -1;
	jmx_buf_adds(&cmd, "cd ");
	jmx_shquote(&cmd, work_dir);
	jmx_buf_adds(&cmd, " || exit 3\n"
	    "pid=$(cat pid 2>/dev/null)\n"
	    "alive() { [ -n \"$pid\" ] && "
	    "kill -0 -- \"-$pid\" 2>/dev/null; }\n");
	if (wait_ms > 0)
		jmx_buf_addf(&cmd, "i=0; while [ $i -lt %d ] && "
		    "[ ! -f " JMX_PLAN_READY_FILE " ] && [ ! -f exit_code ] && "
		    "alive; do sleep 0.1; i=$((i+1)); done\n",
		    (wait_ms + 99) / 100);
	jmx_buf_adds(&cmd,
	    "alive && echo running=1\n"
	    "[ -f exit_code ] && echo exit=$(cat exit_code)\n"
	    "sed -n 's/.*Waiting for possible .* on port \\([0-9]*\\).*/"
	    "port=\\1/p' jmeter.out 2>/dev/null | head -1\n"
	    "grep -q 'Starting standalone test' jmeter.out 2>/dev/null && "
	    "echo started=1\n"
	    "[ -f " JMX_PLAN_READY_FILE " ] && echo ready=1\n"
	    "[ -f results.jtl ] && echo jtl=$(stat -c %s results.jtl)\n"
	    "exit 0");
	code = remote(a, cmd.data, NULL, 0, &out, err);
	if (code == JMX_OK && out.data != NULL) {
		for (line = strtok_r(out.data, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			if ((eq = strchr(line, '=')) == NULL)
				continue;
			*eq++ = '\0';
			if (strcmp(line, "running") == 0)
				st->running = 1;
			else if (strcmp(line, "exit") == 0) {
				st->exited = 1;
				st->exit_code = atoi(eq);
			} else if (strcmp(line, "port") == 0)
				st->udp_port = atoi(eq);
			else if (strcmp(line, "started") == 0)
				st->started = 1;
			else if (strcmp(line, "ready") == 0)
				st->ready = 1;
			else if (strcmp(line, "jtl") == 0)
				st->jtl_size = strtoll(eq, NULL, 10);
		}
	}
	jmx_buf_free(&cmd);
	jmx_buf_free(&out);
	return code;
}

enum jmx_code
jmx_agent_signal(struct jmx_agent *a, int udp_port, const char *message,
    struct jmx_err *err)
{
	struct jmx_buf cmd = { 0 };
	enum jmx_code code;

	if (udp_port <= 0)
		return jmx_err_set(err, JMX_ERR_STATE, "agent '%s': JMeter's "
		    "control port is not known yet", a->conf->name);
	/* The datagram must be exactly the word: no newline. */
	jmx_buf_adds(&cmd, "bash -c 'printf %s \"$1\" >/dev/udp/127.0.0.1/$2' "
	    "jmx ");
	jmx_shquote(&cmd, message);
	jmx_buf_addf(&cmd, " %d", udp_port);
	code = remote(a, cmd.data, NULL, 0, NULL, err);
	jmx_buf_free(&cmd);
	return code;
}

enum jmx_code
jmx_agent_kill(struct jmx_agent *a, const char *work_dir, int hard,
    struct jmx_err *err)
{
	struct jmx_buf cmd = { 0 };
	enum jmx_code code;

	jmx_buf_adds(&cmd, "cd ");
	jmx_shquote(&cmd, work_dir);
	jmx_buf_addf(&cmd, " && pid=$(cat pid) && "
	    "{ kill -%s -- \"-$pid\" 2>/dev/null; true; }",
	    hard ? "KILL" : "TERM");
	code = remote(a, cmd.data, NULL, 0, NULL, err);
	jmx_buf_free(&cmd);
	return code;
}

static char *
work_path(const char *work_dir, const char *name)
{
	char *p;

	xasprintf(&p, "%s/%s", work_dir, name);
	return p;
}

enum jmx_code
jmx_agent_read(struct jmx_agent *a, const char *work_dir, const char *name,
    int64_t offset, size_t max, struct jmx_buf *out, struct jmx_err *err)
{
	char *path = work_path(work_dir, name);
	uint64_t size = 0;
	enum jmx_code code;

	code = jmx_ssh_read_at(a->ssh, path, (uint64_t)offset, max, out,
	    &size, err);
	free(path);
	return code;
}

enum jmx_code
jmx_agent_fetch(struct jmx_agent *a, const char *work_dir, const char *name,
    struct jmx_buf *out, struct jmx_err *err)
{
	char *path = work_path(work_dir, name);
	enum jmx_code code;

	code = jmx_ssh_download(a->ssh, path, out, err);
	free(path);
	return code;
}

/*
 * Over SFTP, not a shell command: the release of a synchronized start
 * writes T0 this way, and a command's process start on a loaded agent
 * took 100 to 300 ms, eating into the start margin.
 */
enum jmx_code
jmx_agent_put(struct jmx_agent *a, const char *work_dir, const char *name,
    const char *content, struct jmx_err *err)
{
	char *path = work_path(work_dir, name), *tmp;
	enum jmx_code code;

	xasprintf(&tmp, "%s.tmp", path);
	if ((code = jmx_ssh_upload(a->ssh, content, strlen(content), tmp,
	    0600, err)) == JMX_OK)
		code = jmx_ssh_rename(a->ssh, tmp, path, err);
	free(tmp);
	free(path);
	return code;
}

enum jmx_code
jmx_agent_cleanup(struct jmx_agent *a, const char *work_dir,
    struct jmx_err *err)
{
	struct jmx_buf cmd = { 0 };
	enum jmx_code code;

	/* Only ever a directory this module made. */
	if (strstr(work_dir, "/jmx-run-") == NULL)
		return jmx_err_set(err, JMX_ERR_STATE, "refusing to remove "
		    "'%s'", work_dir);
	jmx_buf_adds(&cmd, "rm -rf -- ");
	jmx_shquote(&cmd, work_dir);
	code = remote(a, cmd.data, NULL, 0, NULL, err);
	jmx_buf_free(&cmd);
	return code;
}

enum jmx_code
jmx_agent_sweep(struct jmx_agent *a, int64_t run_id, const char *const *keep,
    int n, struct jmx_err *err)
{
	struct jmx_buf cmd = { 0 };
	enum jmx_code code;
	int i;

	/*
	 * The names jmx_agent_unpack() makes; '' matches none.  A dir with
	 * a pid had a launch: another database's run of the same number,
	 * maybe live.  Another user's dir in a sticky /tmp stays.
	 */
	jmx_buf_adds(&cmd, "for d in ");
	jmx_shquote(&cmd, agent_work_dir(a));
	jmx_buf_addf(&cmd, "/jmx-run-%lld.*; do [ -d \"$d\" ] && "
	    "[ ! -e \"$d/pid\" ] && [ ! -e \"$d/pid.tmp\" ] || continue; "
	    "case $d in ''", (long long)run_id);
	for (i = 0; i < n; i++) {
		jmx_buf_addc(&cmd, '|');
		jmx_shquote(&cmd, keep[i]);
	}
	jmx_buf_adds(&cmd, ") ;; *) rm -rf -- \"$d\" 2>/dev/null ;; "
	    "esac; done; true");
	code = remote(a, cmd.data, NULL, 0, NULL, err);
	jmx_buf_free(&cmd);
	return code;
}

/* --- the agent's lock ------------------------------------------------ */

/*
 * Host-wide, in a directory every agent has: the load is the host's.  The
 * name carries the sshd host key, so one host reached by several names,
 * addresses or users is one lock, and hosts sharing a file system (the
 * test bed's network namespaces) are still several.
 */
#define LOCK_DIR		"/tmp"
#define LEASE_DEFAULT_S		60
#define LOCK_CONNECT_MS		5000
#define LOCK_IO_MS		5000
/* Attempts to take a lock that keeps changing hands under us. */
#define LOCK_TRIES		4

struct jmx_agent_lease {
	struct jmx_agent	 a;	/* copy: conf, clock; own ssh */
	char			*path;	/* the lock file */
	char			*dead;	/* a stale lock, moved */
	struct jmx_agent_holder	 me;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	pthread_t		 tid;
	pid_t			 tid_pid;	/* the renewer's */
	int			 stop;
	int			 warned;	/* failure logged */
};

void
jmx_agent_holder_init(struct jmx_agent_holder *h, int64_t run_id,
    int64_t created_ms, const char *database)
{
	char real[PATH_MAX], key[PATH_MAX + 64];
	const char *e = getenv("JMX_AGENT_LEASE");
	uint64_t fnv = 14695981039346656037ULL;
	const unsigned char *p;

	memset(h, 0, sizeof *h);
	if (realpath(database, real) == NULL)
		snprintf(real, sizeof real, "%s", database);
	snprintf(key, sizeof key, "%s\n%lld\n%lld", real, (long long)run_id,
	    (long long)created_ms);
	/* FNV-1a: a name for the run, not a secret. */
	for (p = (const unsigned char *)key; *p != '\0'; p++)
		fnv = (fnv ^ *p) * 1099511628211ULL;
	snprintf(h->token, sizeof h->token, "%016llx", (unsigned long long)fnv);
	h->run_id = run_id;
	gethostname(h->host, sizeof h->host - 1);
	h->pid = getpid();
	snprintf(h->database, sizeof h->database, "%s", real);
	h->lease_s = e != NULL && atoll(e) >= 2 ? atoll(e) : LEASE_DEFAULT_S;
	h->nlive = -1;
}

void
jmx_agent_holder_live(struct jmx_agent_holder *h, const int64_t *ids, int n)
{
	int i;

	h->nlive = n >= 0 && n <= JMX_AGENT_LIVE_MAX ? n : -1;
	for (i = 0; i < h->nlive; i++)
		h->live[i] = ids[i];
}

/* The lock's contents: a line per field, readable with cat(1). */
static void
holder_format(const struct jmx_agent_holder *h, struct jmx_buf *b)
{
	jmx_buf_addf(b, "token=%s\nrun=%lld\nhost=%s\npid=%lld\n"
	    "database=%s\nlease=%lld\n", h->token, (long long)h->run_id,
	    h->host, (long long)h->pid, h->database, (long long)h->lease_s);
}

static void
holder_parse(char *text, struct jmx_agent_holder *h)
{
	char *line, *save = NULL, *eq;

	h->lease_s = LEASE_DEFAULT_S;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq++ = '\0';
		if (strcmp(line, "token") == 0)
			snprintf(h->token, sizeof h->token, "%s", eq);
		else if (strcmp(line, "run") == 0)
			h->run_id = strtoll(eq, NULL, 10);
		else if (strcmp(line, "host") == 0)
			snprintf(h->host, sizeof h->host, "%s", eq);
		else if (strcmp(line, "pid") == 0)
			h->pid = strtoll(eq, NULL, 10);
		else if (strcmp(line, "database") == 0)
			snprintf(h->database, sizeof h->database, "%s", eq);
		else if (strcmp(line, "lease") == 0 && atoll(eq) > 0)
			h->lease_s = atoll(eq);
	}
}

/* Now on the agent's clock, as the probe measured it. */
static int64_t
agent_now_s(const struct jmx_agent *a)
{
	return (jmx_now_ms() + a->clock_offset_ms) / 1000;
}

/* The lock file of the host behind the session; allocated. */
static char *
lock_path(struct jmx_ssh *ssh)
{
	char id[17], *p;

	jmx_ssh_hostkey_id(ssh, id, sizeof id);
	xasprintf(&p, "%s/jmx-agent-%s.lock", LOCK_DIR, id[0] ? id : "host");
	return p;
}

/* Who holds the lock at path; JMX_ERR_NOTFOUND if nobody. */
static enum jmx_code
read_lock(const struct jmx_agent *a, const char *path,
    struct jmx_agent_holder *h, struct jmx_err *err)
{
	struct jmx_buf b = { 0 };
	enum jmx_code code;

	memset(h, 0, sizeof *h);
	if ((code = jmx_ssh_mtime(a->ssh, path, &h->mtime_s, err)) ==
	    JMX_OK && (code = jmx_ssh_download(a->ssh, path, &b, err)) ==
	    JMX_OK) {
		holder_parse(b.data != NULL ? b.data : (char *)"", h);
		h->age_s = agent_now_s(a) - h->mtime_s;
	}
	jmx_buf_free(&b);
	return code;
}

/*
 * Does the lock h bind asker?  Renewed within its lease (a second of
 * slack: times are in seconds), and not a lock of asker's own database
 * that asker's store says is over (struct jmx_agent_holder, live).
 */
static int
live(const struct jmx_agent_holder *h, const struct jmx_agent_holder *asker)
{
	int i;

	if (h->age_s > h->lease_s + 1)
		return 0;
	if (asker == NULL || asker->nlive < 0 || h->database[0] == '\0' ||
	    strcmp(h->database, asker->database) != 0)
		return 1;
	for (i = 0; i < asker->nlive; i++)
		if (asker->live[i] == h->run_id)
			return 1;
	return 0;
}

static enum jmx_code
busy(struct jmx_err *err, const struct jmx_agent_holder *h)
{
	return jmx_err_set(err, JMX_ERR_AGENT, "busy: in use by run %lld of "
	    "controller %s (database %s)", (long long)h->run_id,
	    h->host[0] ? h->host : "?", h->database[0] ? h->database : "?");
}

/* A link error that no retry on the same session can mend. */
static int
link_dead(enum jmx_code code)
{
	return code == JMX_ERR_SSH || code == JMX_ERR_TIMEOUT;
}

enum jmx_code
jmx_agent_lock_check(struct jmx_agent *a,
    const struct jmx_agent_holder *asker, struct jmx_err *err)
{
	struct jmx_agent_holder h;
	struct jmx_err rerr = { 0 };
	enum jmx_code code;
	char *path;

	if (a->ssh == NULL)
		return jmx_err_set(err, JMX_ERR_SSH, "agent '%s': not "
		    "connected", a->conf->name);
	path = lock_path(a->ssh);
	code = read_lock(a, path, &h, &rerr);
	free(path);
	if (code == JMX_ERR_NOTFOUND || (code == JMX_OK && !live(&h, asker)))
		return JMX_OK;
	if (code == JMX_OK)
		return busy(err, &h);
	*err = rerr;
	return code;
}

/*
 * A stale lock (holder h) moved aside to a name only that lock can take:
 * of two controllers taking it over at once, one rename wins; and one
 * that comes late, when the lock is a new holder's, finds the name taken
 * (it stays until our unlock) and looks again.  What was moved is
 * checked: a lock renewed or replaced since it was read goes back.
 */
static enum jmx_code
move_stale(struct jmx_agent_lease *l, const struct jmx_agent_holder *h,
    struct jmx_err *err)
{
	struct jmx_agent_holder moved;
	enum jmx_code code;
	char *dead;

	if (h->token[0] != '\0')
		xasprintf(&dead, "%s.dead.%s", l->path, h->token);
	else
		xasprintf(&dead, "%s.dead.t%lld", l->path,
		    (long long)h->mtime_s);
	if ((code = jmx_ssh_rename(l->a.ssh, l->path, dead, err)) != JMX_OK) {
		free(dead);
		return code;
	}
	if (read_lock(&l->a, dead, &moved, err) == JMX_OK &&
	    strcmp(moved.token, h->token) == 0 &&
	    moved.mtime_s == h->mtime_s) {
		log_info("agent '%s': took over the stale lock of run %lld of "
		    "controller %s (not renewed for %lld s)",
		    l->a.conf->name, (long long)h->run_id, h->host,
		    (long long)h->age_s);
		if (l->dead != NULL)
			jmx_ssh_unlink(l->a.ssh, l->dead, NULL);
		free(l->dead);
		l->dead = dead;
		return JMX_OK;
	}
	jmx_ssh_rename(l->a.ssh, dead, l->path, NULL);
	free(dead);
	return busy(err, &moved);
}

/*
 * Take the lock: our holder file written under a name of our own, then
 * renamed to the lock's name.  SFTP's rename never replaces (OpenSSH
 * links, then unlinks), so of controllers doing this at once one wins.
 * A loser reads the lock: ours already (the same run), live (busy), or
 * stale (moved aside, then try again).
 */
static enum jmx_code
take(struct jmx_agent_lease *l, struct jmx_err *err)
{
	struct jmx_buf text = { 0 };
	struct jmx_agent_holder h;
	struct jmx_err rerr = { 0 };
	enum jmx_code code = JMX_OK;
	char *tmp;
	int i;

	holder_format(&l->me, &text);
	xasprintf(&tmp, "%s.%s.new", l->path, l->me.token);
	for (i = 0; i < LOCK_TRIES; i++) {
		if ((code = jmx_ssh_upload(l->a.ssh, text.data, text.len, tmp,
		    0644, err)) != JMX_OK)
			break;
		/* Refused while a lock is there: not an error yet. */
		if ((code = jmx_ssh_rename(l->a.ssh, tmp, l->path, &rerr)) ==
		    JMX_OK)
			break;
		jmx_ssh_unlink(l->a.ssh, tmp, NULL);
		if (link_dead(code)) {
			*err = rerr;
			break;
		}
		code = read_lock(&l->a, l->path, &h, err);
		if (code == JMX_ERR_NOTFOUND)
			continue;	/* released meanwhile */
		if (code != JMX_OK)
			break;
		if (strcmp(h.token, l->me.token) == 0) {
			/* The same run's (attach): renew it. */
			code = jmx_ssh_touch(l->a.ssh, l->path,
			    agent_now_s(&l->a), err);
			break;
		}
		if (live(&h, &l->me)) {
			code = busy(err, &h);
			break;
		}
		if ((code = move_stale(l, &h, err)) != JMX_OK &&
		    (link_dead(code) || code == JMX_ERR_AGENT))
			break;
	}
	if (i == LOCK_TRIES)
		code = jmx_err_set(err, JMX_ERR_AGENT, "busy: its lock '%s' "
		    "keeps changing hands", l->path);
	free(tmp);
	jmx_buf_free(&text);
	return code;
}

static void
lease_free(struct jmx_agent_lease *l)
{
	jmx_agent_disconnect(&l->a);
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
	free(l->path);
	free(l->dead);
	free(l);
}

/* The lease's session, connected again if it was lost. */
static enum jmx_code
lease_connect(struct jmx_agent_lease *l, struct jmx_err *err)
{
	if (l->a.ssh != NULL && jmx_ssh_keepalive(l->a.ssh, NULL) != JMX_OK)
		jmx_agent_disconnect(&l->a);
	return jmx_agent_connect(&l->a, LOCK_CONNECT_MS, err);
}

enum jmx_code
jmx_agent_lock(struct jmx_agent *a, const struct jmx_agent_holder *me,
    struct jmx_err *err)
{
	struct jmx_agent_lease *l;
	enum jmx_code code;

	if (a->lease != NULL)
		return JMX_OK;
	l = xcalloc(1, sizeof *l);
	l->a = *a;
	l->a.ssh = NULL;
	l->a.lease = NULL;
	l->a.io_timeout_ms = LOCK_IO_MS;
	l->me = *me;
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	if ((code = jmx_agent_connect(&l->a, LOCK_CONNECT_MS, err)) ==
	    JMX_OK) {
		l->path = lock_path(l->a.ssh);
		code = take(l, err);
	}
	if (code != JMX_OK) {
		lease_free(l);
		return code;
	}
	log_debug("agent '%s': locked %s", a->conf->name, l->path);
	a->lease = l;
	return JMX_OK;
}

/*
 * One renewal: the lock still ours is touched (its time on the agent's
 * clock); one gone is taken again (after an outage, if nobody took it);
 * one of another run is logged once (our lease ran out meanwhile).
 */
static void
renew(struct jmx_agent_lease *l)
{
	struct jmx_agent_holder h;
	struct jmx_err err = { 0 };
	enum jmx_code code;

	if ((code = lease_connect(l, &err)) == JMX_OK) {
		code = read_lock(&l->a, l->path, &h, &err);
		if (code == JMX_OK && strcmp(h.token, l->me.token) == 0)
			code = jmx_ssh_touch(l->a.ssh, l->path,
			    agent_now_s(&l->a), &err);
		else if (code == JMX_OK || code == JMX_ERR_NOTFOUND)
			code = take(l, &err);
	}
	if (code != JMX_OK && !l->warned)
		log_warn("agent '%s': lock not renewed: %s", l->a.conf->name,
		    err.msg);
	l->warned = code != JMX_OK;
}

static void *
renewer(void *arg)
{
	struct jmx_agent_lease *l = arg;
	int64_t every = l->me.lease_s * 1000 / 4, at;
	struct timespec ts;

	pthread_mutex_lock(&l->mu);
	while (!l->stop) {
		pthread_mutex_unlock(&l->mu);
		renew(l);
		at = jmx_now_ms() + (every > 500 ? every : 500);
		ts.tv_sec = (time_t)(at / 1000);
		ts.tv_nsec = (long)(at % 1000) * 1000000L;
		pthread_mutex_lock(&l->mu);
		while (!l->stop && pthread_cond_timedwait(&l->cv, &l->mu,
		    &ts) == 0)
			;
	}
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

void
jmx_agent_lock_renew(struct jmx_agent *a)
{
	struct jmx_agent_lease *l = a->lease;

	if (l == NULL || l->tid_pid == getpid())
		return;
	/* After a fork the parent's renewer is not ours: start one. */
	l->stop = 0;
	if (pthread_create(&l->tid, NULL, renewer, l) == 0)
		l->tid_pid = getpid();
}

void
jmx_agent_unlock(struct jmx_agent *a)
{
	struct jmx_agent_lease *l = a->lease;
	struct jmx_agent_holder h;

	if (l == NULL)
		return;
	a->lease = NULL;
	if (l->tid_pid == getpid()) {
		pthread_mutex_lock(&l->mu);
		l->stop = 1;
		pthread_cond_signal(&l->cv);
		pthread_mutex_unlock(&l->mu);
		pthread_join(l->tid, NULL);
	}
	/* Removed only while ours: a lease that ran out may be another's. */
	if (lease_connect(l, NULL) == JMX_OK &&
	    read_lock(&l->a, l->path, &h, NULL) == JMX_OK &&
	    strcmp(h.token, l->me.token) == 0) {
		jmx_ssh_unlink(l->a.ssh, l->path, NULL);
		log_debug("agent '%s': unlocked %s", l->a.conf->name, l->path);
	}
	if (l->dead != NULL && l->a.ssh != NULL)
		jmx_ssh_unlink(l->a.ssh, l->dead, NULL);
	lease_free(l);
}

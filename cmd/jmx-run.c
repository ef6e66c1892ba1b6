/*
 * jmx-run: run a JMeter test across agents now, and look at or control
 * runs.  Options and printing live here; the work is in lib/runner.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "control.h"
#include "influx.h"
#include "json.h"
#include "plan.h"
#include "render.h"
#include "history.h"
#include "report.h"
#include "schedule.h"
#include "runner.h"
#include "split.h"
#include "stats.h"
#include "store.h"
#include "util.h"
#include "verdict.h"
#include "xmalloc.h"

enum {
	OPT_AGENTS = CLI_OPT_FIRST_PROGRAM,
	OPT_CHECK,
	OPT_COUNT,
	OPT_DATA,
	OPT_DETACH,
	OPT_DRY_RUN,
	OPT_DURATION,
	OPT_KEEP,
	OPT_LABEL,
	OPT_RAMP,
	OPT_STREAM,
	OPT_TAG,
	OPT_THREADS
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "agents",	required_argument,	NULL, OPT_AGENTS },
	{ "check",	no_argument,		NULL, OPT_CHECK },
	{ "count",	required_argument,	NULL, OPT_COUNT },
	{ "data",	required_argument,	NULL, OPT_DATA },
	{ "detach",	no_argument,		NULL, OPT_DETACH },
	{ "dry-run",	no_argument,		NULL, OPT_DRY_RUN },
	{ "duration",	required_argument,	NULL, OPT_DURATION },
	{ "keep",	no_argument,		NULL, OPT_KEEP },
	{ "label",	required_argument,	NULL, OPT_LABEL },
	{ "property",	required_argument,	NULL, 'J' },
	{ "ramp",	required_argument,	NULL, OPT_RAMP },
	{ "stream",	required_argument,	NULL, OPT_STREAM },
	{ "tag",	required_argument,	NULL, OPT_TAG },
	{ "threads",	required_argument,	NULL, OPT_THREADS },
	{ NULL, 0, NULL, 0 }
};

static void
usage(void)
{
	printf("usage: jmx-run [options] TEST-CASE|PLAN.jmx\n"
	    "       jmx-run [options] status [RUN]\n"
	    "       jmx-run [options] pause|resume|stop|attach RUN\n"
	    "       jmx-run [options] --check\n"
	    "\n"
	    "Run a JMeter test across agents: validate them, divide the load by\n"
	    "their capability, start them together, stream results into the\n"
	    "database and print one aggregated result.\n"
	    "\n"
	    "Choosing agents (default: the test case's, else all non-spare):\n"
	    "      --agents NAMES  comma-separated agent names\n"
	    "      --tag TAG       agents carrying TAG\n"
	    "      --count N       at most N of the chosen agents\n"
	    "\n"
	    "Shaping the load:\n"
	    "      --threads N|xF  each thread group's total, or a scale factor\n"
	    "      --duration D    run length, e.g. 90s, 10m, 1h\n"
	    "      --ramp D        ramp-up of every thread group\n"
	    "  -J, --property NAME=VALUE\n"
	    "                      JMeter property (repeatable)\n"
	    "      --data FILE[:split]\n"
	    "                      ship a data file; :split gives each agent\n"
	    "                      its own slice of the rows (repeatable)\n"
	    "      --label TEXT    a note stored with the run\n"
	    "\n"
	    "Running:\n"
	    "      --dry-run       validate and show the split; start nothing\n"
	    "      --detach        run in the background, print the run id\n"
	    "      --keep          keep the agents' work directories\n"
	    "      --stream URL    send live metrics to InfluxDB (write URL)\n"
	    "      --check         only check the configuration file\n"
	    "\n"
	    "Commands:\n"
	    "  status [RUN]        state and progress of a run (default: latest)\n"
	    "  pause RUN           pause gracefully: in-flight samples finish\n"
	    "  resume RUN          go on for the rest of the planned duration\n"
	    "  stop RUN            stop at once and collect the results\n"
	    "  attach RUN          take over a run whose controller is gone\n"
	    "\n"
	    "Options:\n" CLI_HELP);
}

/*
 * Blank the value of a -J NAME=VALUE already copied, in our argv, which
 * ps(1) shows to every user: a secret is there only from exec to here.
 */
static void
hide_value(char *arg)
{
	char *eq = strchr(arg, '=');

	if (eq != NULL)
		memset(eq + 1, 'x', strlen(eq + 1));
}

static int
parse_option(struct cli *c, struct jmx_run_request *req, int ch,
    char *arg)
{
	struct jmx_split_opts threads = { 0 };
	struct jmx_influx_url url;
	struct jmx_err err = { 0 };

	switch (ch) {
	case OPT_AGENTS:
		if (jmx_run_request_add_agents(req, arg, &err) != JMX_OK)
			return cli_usage(c, "%s", err.msg);
		return -1;
	case OPT_CHECK:
		req->check_only = 1;
		return -1;
	case OPT_COUNT:
		if ((req->count = jmx_parse_count(arg)) <= 0)
			return cli_usage(c, "--count takes a positive number, "
			    "not '%s'", arg);
		return -1;
	case OPT_DATA:
		jmx_run_request_add_data(req, arg);
		return -1;
	case OPT_DETACH:
		req->detach = 1;
		return -1;
	case OPT_DRY_RUN:
		req->dry_run = 1;
		return -1;
	case OPT_DURATION:
		if ((req->duration_ms = jmx_parse_duration_ms(arg)) <= 0)
			return cli_usage(c, "--duration takes a duration such "
			    "as 90s or 10m, not '%s'", arg);
		return -1;
	case OPT_KEEP:
		req->keep = 1;
		return -1;
	case OPT_LABEL:
		req->label = arg;
		return -1;
	case 'J':
		if (jmx_run_request_add_prop(req, arg, NULL) != JMX_OK)
			return cli_usage(c, "-J takes NAME=VALUE, not '%s'",
			    arg);
		hide_value(arg);
		return -1;
	case OPT_RAMP:
		if ((req->ramp_ms = jmx_parse_duration_ms(arg)) < 0)
			return cli_usage(c, "--ramp takes a duration such as "
			    "30s, not '%s'", arg);
		return -1;
	case OPT_STREAM:
		if (jmx_influx_url_parse(arg, &url, &err) != JMX_OK)
			return cli_usage(c, "--stream: %s", err.msg);
		jmx_influx_url_free(&url);
		req->stream = arg;
		return -1;
	case OPT_TAG:
		req->tag = arg;
		return -1;
	case OPT_THREADS:
		if (jmx_split_parse_threads(arg, &threads, NULL) != JMX_OK)
			return cli_usage(c, "--threads takes a count or a "
			    "scale factor such as x2, not '%s'", arg);
		req->threads = arg;
		return -1;
	default:
		return cli_option(c, ch, arg, usage);
	}
}

/*
 * The run being controlled, for the SIGINT and SIGTERM handler; before
 * there is one, nothing is recorded or started and a signal ends the
 * program at once.
 */
static struct jmx_runner *volatile active_runner;
static volatile sig_atomic_t interrupts;
static volatile sig_atomic_t stop_signal;	/* the first one */
static int detached;				/* --detach's controller */
/* What the handler says, made ready once the run has an id. */
static char stop_msg[3][96];
static size_t stop_len[3];

/* "stopping run N ..." for a first SIGINT, a first SIGTERM, a second. */
static void
prepare_stop_messages(int64_t run_id)
{
	int i;

	snprintf(stop_msg[0], sizeof stop_msg[0], "\nstopping run %lld "
	    "(Ctrl-C again to stop at once)\n", (long long)run_id);
	snprintf(stop_msg[1], sizeof stop_msg[1], "\nstopping run %lld "
	    "(the same signal again to stop at once)\n", (long long)run_id);
	snprintf(stop_msg[2], sizeof stop_msg[2], "\nstopping run %lld at "
	    "once\n", (long long)run_id);
	for (i = 0; i < 3; i++)
		stop_len[i] = strlen(stop_msg[i]);
}

/*
 * First Ctrl-C (or SIGTERM): stop gracefully and collect; second: stop
 * at once.  Said at once, whatever phase the run is in, with write(2),
 * which a handler may call.
 */
static void
on_interrupt(int sig)
{
	static const char msg[] = "\njmx-run: interrupted\n";
	int which;

	if (stop_signal == 0)
		stop_signal = sig;
	interrupts++;
	if (active_runner != NULL) {
		which = interrupts >= 2 ? 2 : stop_signal == SIGINT ? 0 : 1;
		if (stop_len[which] > 0)
			(void)!write(STDERR_FILENO, stop_msg[which],
			    stop_len[which]);
		jmx_runner_stop(active_runner, interrupts >= 2 ? 2 : 1);
	} else {
		(void)write(STDERR_FILENO, msg, sizeof msg - 1);
		_exit(128 + sig);
	}
}

/* Catch SIGINT and SIGTERM from now on. */
static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void
print_agents(struct jmx_runner *r, FILE *fp)
{
	struct jmx_runner_agent a;
	int i, n = jmx_runner_nagents(r);

	fprintf(fp, "%-10s %-15s %-8s %-7s %5s %8s %5s %8s %6s %5s  %s\n",
	    "AGENT", "HOST", "JAVA", "JMETER", "CORES", "MEM", "LOAD", "DISK",
	    "WEIGHT", "MAX", "STATUS");
	for (i = 0; i < n; i++) {
		char java[16] = "-", *q;

		jmx_runner_agent(r, i, &a);
		/* "openjdk version "17.0.15" ..." -> 17.0.15 */
		if ((q = strchr(a.java_version, '"')) != NULL) {
			snprintf(java, sizeof java, "%s", q + 1);
			java[strcspn(java, "\"")] = '\0';
		}
		fprintf(fp, "%-10s %-15s %-8s %-7s %5d %7.1fG %5.2f %7.1fG "
		    "%6.2f %5d  %s\n", a.name, a.host, java,
		    a.jmeter_version[0] ? a.jmeter_version : "-", a.cores,
		    a.mem_avail_mb / 1024.0, a.load1, a.disk_free_mb / 1024.0,
		    a.weight, a.max_threads, a.problem != NULL ? a.problem :
		    "ok");
	}
}

static void
agents_json(struct jmx_runner *r, struct jmx_json *w)
{
	struct jmx_runner_agent a;
	int i, n = jmx_runner_nagents(r);

	jmx_json_array_begin(w);
	for (i = 0; i < n; i++) {
		jmx_runner_agent(r, i, &a);
		jmx_json_object_begin(w);
		jmx_json_pair_str(w, "name", a.name);
		jmx_json_pair_str(w, "host", a.host);
		jmx_json_pair_int(w, "cores", a.cores);
		jmx_json_pair_int(w, "mem_avail_mb", a.mem_avail_mb);
		jmx_json_pair_double(w, "load", round(a.load1 * 100) / 100);
		jmx_json_pair_int(w, "disk_free_mb", a.disk_free_mb);
		jmx_json_pair_int(w, "clock_offset_ms", a.clock_offset_ms);
		jmx_json_pair_double(w, "weight", a.weight);
		jmx_json_pair_int(w, "max_threads", a.max_threads);
		jmx_json_pair_int(w, "threads", a.threads);
		jmx_json_pair_int(w, "samples", a.samples);
		jmx_json_key(w, "skew_ms");
		if (a.skew_ms >= 0 || a.skew_ms < -1)
			jmx_json_int(w, a.skew_ms);
		else
			jmx_json_null(w);
		jmx_json_pair_str(w, "java", a.java_version);
		jmx_json_pair_str(w, "jmeter", a.jmeter_version);
		jmx_json_pair_str(w, "problem", a.problem);
		jmx_json_object_end(w);
	}
	jmx_json_array_end(w);
}

/* The split: per agent, its weight and each thread group's threads. */
static void
print_split(struct jmx_runner *r)
{
	const struct jmx_split *sp = jmx_runner_the_split(r);
	const struct jmx_plan *plan = jmx_runner_plan(r);
	int i, g;

	printf("%-10s %6s %7s", "AGENT", "WEIGHT", "THREADS");
	for (g = 0; g < plan->ngroups; g++)
		if (plan->groups[g].enabled)
			printf("  %s", plan->groups[g].name);
	printf("\n");
	for (i = 0; i < sp->nagents; i++) {
		printf("%-10s %6.2f %7d", sp->agents[i].name,
		    sp->agents[i].weight, sp->agents[i].peak_threads);
		for (g = 0; g < plan->ngroups; g++)
			if (plan->groups[g].enabled)
				printf("  %*d", (int)strlen(plan->groups[g].name),
				    sp->agents[i].groups[g].threads);
		printf("\n");
	}
}

/*
 * The progress line, on standard error.  On a live terminal it is redrawn
 * in place, cut to the terminal's width by leaving out the fields that
 * matter least; on a dumb one (follow() calls every half second on any
 * terminal) a plain line every 10 seconds, each ended when the next one
 * starts or by follow()'s newline; elsewhere a plain line per call.
 */
static void
print_progress(struct cli *c, const struct jmx_runner_progress *p, int tty)
{
	/* Fields in the order shown; drop[] says which to leave out first. */
	enum { F_STATE, F_EL, F_REM, F_AGENTS, F_SAMPLES, F_RATE, F_P95,
	    F_ERRORS, NF };
	static const int drop[] = { F_P95, F_AGENTS, F_RATE, F_REM, F_SAMPLES,
	    F_EL, F_ERRORS };
	static int64_t dumb_last = -1;
	char f[NF][48], el[32], rem[32] = "-", p95[32] = "-";
	enum cli_color col[NF] = { CLI_NONE };
	int on[NF], live = tty && jmx_term_live(STDERR_FILENO), i, d, width, len;
	const char *sep;

	if (tty && !live) {
		if (dumb_last >= 0 && jmx_mono_ms() - dumb_last < 10000)
			return;
		if (dumb_last >= 0)
			fputc('\n', stderr);
		dumb_last = jmx_mono_ms();
	}
	jmx_format_duration(el, sizeof el, p->elapsed_ms > 0 ? p->elapsed_ms :
	    0);
	if (p->remaining_ms >= 0)
		jmx_format_duration(rem, sizeof rem, p->remaining_ms);
	if (p->p95_ms >= 0)
		snprintf(p95, sizeof p95, "%lldms", (long long)p->p95_ms);
	snprintf(f[F_STATE], sizeof f[0], "%s", p->elapsed_ms < 0 ?
	    "starting" : jmx_run_state_name(p->state));
	if (p->elapsed_ms >= 0)
		col[F_STATE] = cli_state_color(p->state);
	snprintf(f[F_EL], sizeof f[0], "%s elapsed", el);
	snprintf(f[F_REM], sizeof f[0], "%s left", rem);
	snprintf(f[F_AGENTS], sizeof f[0], "agents %d/%d", p->agents_up,
	    p->agents_total);
	if (p->agents_up < p->agents_total)
		col[F_AGENTS] = CLI_YELLOW;
	snprintf(f[F_SAMPLES], sizeof f[0], "%lld samples",
	    (long long)p->samples);
	snprintf(f[F_RATE], sizeof f[0], "%.1f/s", p->rate);
	snprintf(f[F_P95], sizeof f[0], "p95 %s", p95);
	snprintf(f[F_ERRORS], sizeof f[0], "%lld errors",
	    (long long)p->errors);
	if (p->errors > 0)
		col[F_ERRORS] = CLI_RED;

	/* One column short of the width: no wrap on a full last column. */
	for (i = 0; i < NF; i++)
		on[i] = 1;
	width = live ? cli_columns(stderr) - 1 : 1 << 20;
	for (d = 0; live && d < (int)(sizeof drop / sizeof drop[0]); d++) {
		for (i = 0, len = 0; i < NF; i++)
			if (on[i])
				len += (len > 0 ? 2 : 0) + (int)strlen(f[i]);
		if (len <= width)
			break;
		on[drop[d]] = 0;
	}
	if (live)
		fputs("\r\033[K", stderr);
	for (i = 0, len = 0, sep = ""; i < NF && len < width; i++) {
		if (!on[i])
			continue;
		len += (int)strlen(sep);
		/* Only the state can be left, on a very narrow terminal. */
		fprintf(stderr, "%s%s%.*s%s", sep, cli_color(c, stderr,
		    col[i]), width - len > 0 ? width - len : 0, f[i],
		    col[i] != CLI_NONE ? cli_color(c, stderr, CLI_RESET) : "");
		len += (int)strlen(f[i]);
		sep = ", ";
	}
	if (!tty)
		fputc('\n', stderr);
}

/* {"run_id":N} */
static void
print_run_id(int64_t id)
{
	struct jmx_buf b = { 0 };
	struct jmx_json w;

	jmx_json_init(&w, &b);
	jmx_json_object_begin(&w);
	jmx_json_pair_int(&w, "run_id", id);
	jmx_json_object_end(&w);
	printf("%s\n", b.data);
	jmx_buf_free(&b);
}

/*
 * Leave the parent at once; the child goes on as the controller, logging
 * to runs/<id>/controller.log.  The database is closed across the fork
 * and opened again in the child: an SQLite connection must not be used
 * by two processes.
 */
static int
detach(struct cli *c, struct jmx_runner *r, int64_t run_id)
{
	struct jmx_err err = { 0 };
	char *log;
	pid_t pid;
	int fd;

	fflush(NULL);
	jmx_store_close(c->store);
	c->store = NULL;
	if ((pid = fork()) == -1) {
		cli_warnx(c, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		if (c->json)
			print_run_id(run_id);
		else
			printf("%lld\n", (long long)run_id);
		fflush(stdout);
		_exit(0);
	}
	setsid();
	detached = 1;
	xasprintf(&log, "%s/runs/%lld/controller.log", c->home_dir,
	    (long long)run_id);
	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600)) != -1) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	free(log);
	if ((fd = open("/dev/null", O_RDONLY)) != -1) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	if (cli_open_store(c, &err) != JMX_OK ||
	    jmx_runner_adopt(r, c->store, &err) != JMX_OK) {
		cli_fail(c, &err);
		return -1;
	}
	return 0;
}

/* Watch the run until every JMeter has ended. */
static enum jmx_code
follow(struct cli *c, struct jmx_runner *r, struct jmx_err *err)
{
	struct jmx_runner_progress p;
	struct timespec half = { 0, 500000000L };
	int tty = !c->json && isatty(STDERR_FILENO);
	int64_t last_line = 0;

	for (;;) {
		if (jmx_runner_poll(r, &p, err) != JMX_OK)
			return err->code;
		if (p.done)
			break;
		if (tty || jmx_mono_ms() - last_line >= 10000) {
			if (!c->json)
				print_progress(c, &p, tty);
			last_line = jmx_mono_ms();
		}
		nanosleep(&half, NULL);
	}
	if (tty)
		fputc('\n', stderr);
	return JMX_OK;
}

/*
 * The run's result, from the report model as jmx-report draws it: the
 * text renderer's table and lines, or one JSON document with the
 * renderer's result keys and the run's own (samples, directories,
 * agents).
 */
static int
report_result(struct cli *c, struct jmx_runner *r,
    const struct jmx_runner_result *res)
{
	const struct jmx_test_conf *test = jmx_runner_test(r);
	struct jmx_report *rep = jmx_report_new(0);
	struct jmx_verdict *verdict;
	struct jmx_buf b = { 0 };
	struct jmx_err err = { 0 };
	struct jmx_json w;
	int rc = jmx_run_state_exit(res->state), failed;

	if (jmx_report_load_run(rep, c->store, res->run_id, c->home_dir,
	    &err) != JMX_OK) {
		jmx_report_free(rep);
		return cli_fail(c, &err);
	}
	jmx_report_finish(rep);
	if (jmx_run_state_final(res->state))
		jmx_history_keep(c->store, res->run_id, rep->sum);
	verdict = xcalloc((size_t)test->nthresholds + 1, sizeof *verdict);
	failed = jmx_verdict_check(rep->sum, test->thresholds,
	    test->nthresholds, verdict);
	rep->verdicts = verdict;
	rep->nverdicts = test->nthresholds;
	/* A completed run whose thresholds failed: the verdict fails. */
	if (failed > 0 && rc == JMX_EXIT_OK)
		rc = JMX_EXIT_VERDICT;
	if (c->json) {
		jmx_json_init(&w, &b);
		jmx_json_object_begin(&w);
		jmx_render_result_json(rep, &w);
		jmx_json_pair_int(&w, "samples", res->samples);
		jmx_json_pair_str(&w, "run_dir", res->run_dir);
		jmx_json_pair_str(&w, "archive", res->archive);
		jmx_json_key(&w, "agents");
		agents_json(r, &w);
		if (res->stream_url != NULL) {
			jmx_json_key(&w, "stream");
			jmx_json_object_begin(&w);
			jmx_json_pair_str(&w, "url", res->stream_url);
			jmx_json_pair_int(&w, "sent", res->stream_sent);
			jmx_json_pair_int(&w, "dropped", res->stream_dropped);
			jmx_json_object_end(&w);
		}
		jmx_json_object_end(&w);
	} else {
		jmx_buf_addc(&b, '\n');
		jmx_render_text(rep, &b);
		if (res->archive != NULL)
			jmx_buf_addf(&b, "results: %s\n", res->archive);
		if (res->stream_url != NULL)
			jmx_buf_addf(&b, "streamed: %lld points to %s\n",
			    (long long)res->stream_sent, res->stream_url);
	}
	/* Points the dashboard missed: a warning, not a failed run. */
	if (res->stream_dropped > 0)
		cli_warnx(c, "stream: %lld points not sent to %s: %s",
		    (long long)res->stream_dropped, res->stream_url,
		    res->stream_error);
	printf("%s%s", b.data, c->json ? "\n" : "");
	jmx_buf_free(&b);
	free(verdict);
	jmx_report_free(rep);
	return rc;
}

static int	control(struct cli *, struct jmx_runner *, int64_t, int);

static int
cli_run(struct cli *c, struct jmx_run_request *req)
{
	struct jmx_runner *r;
	struct jmx_err err = { 0 };
	struct jmx_buf b = { 0 };
	struct jmx_json w;
	int64_t run_id;
	int rc;

	/* Until a run is recorded, a signal just ends the program. */
	catch_signals();
	if (cli_load_config(c, &err) != JMX_OK ||
	    cli_open_store(c, &err) != JMX_OK)
		return cli_fail(c, &err);
	r = jmx_runner_new(c->cfg, req, c->store, c->home_dir);
	if (jmx_runner_resolve(r, &err) != JMX_OK) {
		jmx_runner_free(r);
		return cli_fail(c, &err);
	}
	if (!c->json)
		fprintf(stderr, "validating %d agent%s...\n",
		    jmx_runner_nagents(r), PLURAL(jmx_runner_nagents(r)));
	if (jmx_runner_validate(r, &err) == JMX_OK)
		jmx_runner_split(r, &err);
	if (err.code != JMX_OK) {
		if (c->json) {
			jmx_json_init(&w, &b);
			jmx_json_object_begin(&w);
			jmx_json_pair_str(&w, "error", err.msg);
			jmx_json_key(&w, "agents");
			agents_json(r, &w);
			jmx_json_object_end(&w);
			printf("%s\n", b.data);
			jmx_buf_free(&b);
		} else
			print_agents(r, stderr);
		rc = cli_fail(c, &err);
		jmx_runner_free(r);
		return rc;
	}
	if (req->dry_run) {
		if (c->json) {
			jmx_runner_split_json(r, &b);
			printf("%s\n", b.data);
			jmx_buf_free(&b);
		} else {
			print_agents(r, stdout);
			printf("\n");
			print_split(r);
		}
		jmx_runner_free(r);
		return JMX_EXIT_OK;
	}
	if (!c->json) {
		print_agents(r, stderr);
		fflush(stderr);
	}
	/* From here a signal stops the run, which then ends as usual. */
	active_runner = r;
	if (jmx_runner_create(r, &run_id, &err) != JMX_OK) {
		active_runner = NULL;
		jmx_runner_free(r);
		rc = cli_fail(c, &err);
		return stop_signal != 0 ? 128 + stop_signal : rc;
	}
	if (req->detach && detach(c, r, run_id) != 0) {
		active_runner = NULL;
		jmx_runner_free(r);
		return JMX_EXIT_ENV;
	}
	if (!c->json)
		fprintf(stderr, "run %lld: starting %d agent%s\n",
		    (long long)run_id, jmx_runner_nagents(r),
		    PLURAL(jmx_runner_nagents(r)));
	return control(c, r, run_id, 1);
}

/*
 * Be the run's controller until it ends: start it (or go on with it
 * after attach), follow it, finish it and report.  Frees r.
 */
static int
control(struct cli *c, struct jmx_runner *r, int64_t run_id, int start)
{
	struct jmx_runner_result res;
	struct jmx_err err = { 0 };
	int rc, sig;

	prepare_stop_messages(run_id);
	active_runner = r;
	catch_signals();
	/* A stop asked during the start takes effect right after it. */
	if (start && jmx_runner_start(r, &err) != JMX_OK)
		cli_warnx(c, "%s", err.msg);
	jmx_err_clear(&err);
	if (follow(c, r, &err) != JMX_OK)
		cli_warnx(c, "%s", err.msg);
	jmx_err_clear(&err);
	/* A signal after the load ended (while collecting) stopped nothing. */
	sig = stop_signal;
	if (jmx_runner_finish(r, &res, &err) != JMX_OK)
		rc = cli_fail(c, &err);
	else
		rc = report_result(c, r, &res);
	active_runner = NULL;
	jmx_runner_free(r);
	/* The shell's convention for a program a signal ended: 128 + it. */
	if (sig != 0)
		rc = 128 + sig;
	if (detached)
		fprintf(stderr, "jmx-run: run %lld: exit status %d\n",
		    (long long)run_id, rc);
	return rc;
}

/* Take over a run whose controller is gone, and see it to its end. */
static int
cli_run_attach(struct cli *c, const char *arg)
{
	struct jmx_run_request req;
	struct jmx_run_rec rec;
	struct jmx_runner *r;
	struct jmx_prop *opts = NULL;
	struct jmx_err err = { 0 };
	const char *config;
	int64_t id;
	int alive, nopts = 0, rc = -1;

	if (arg == NULL)
		return cli_usage(c, "attach needs a run id");
	if ((id = jmx_parse_count(arg)) <= 0)
		return cli_usage(c, "'%s' is not a run id", arg);
	/* The store is where the configuration puts it, as for stop. */
	if (cli_load_config(c, &err) != JMX_OK ||
	    cli_open_store(c, &err) != JMX_OK)
		return cli_fail(c, &err);
	if (jmx_control_check(c->store, id, JMX_CONTROL_ATTACH, &rec, &alive,
	    &err) != JMX_OK)
		rc = cli_fail(c, &err);
	else if (alive)
		rc = cli_usage(c, "run %lld still has its controller (pid "
		    "%lld on %s)", (long long)id, (long long)rec.controller_pid,
		    rec.controller_host != NULL ? rec.controller_host : "?");
	jmx_run_rec_free(&rec);
	if (rc != -1)
		return rc;
	if (jmx_store_run_options(c->store, id, &opts, &nopts, &err) !=
	    JMX_OK) {
		jmx_run_options_free(opts, nopts);	/* what was read */
		return cli_fail(c, &err);
	}
	jmx_run_request_from_options(&req, opts, nopts, &config);
	/* Without -c, the test case comes from the run's own configuration. */
	if (c->config_path == NULL && config != NULL) {
		jmx_config_free(c->cfg);
		c->cfg = NULL;
		c->config_path = config;
	}
	if (req.test == NULL)
		err.code = jmx_err_set(&err, JMX_ERR_STATE, "run %lld was not "
		    "recorded with its request", (long long)id);
	else if (cli_load_config(c, &err) == JMX_OK) {
		r = jmx_runner_new(c->cfg, &req, c->store, c->home_dir);
		if (jmx_runner_resolve(r, &err) == JMX_OK &&
		    jmx_runner_attach(r, id, &err) == JMX_OK) {
			if (!c->json)
				fprintf(stderr, "run %lld: attached\n",
				    (long long)id);
			rc = control(c, r, id, 0);
		} else
			jmx_runner_free(r);
	}
	if (rc == -1)
		rc = cli_fail(c, &err);
	jmx_run_request_free(&req);
	jmx_run_options_free(opts, nopts);
	return rc;
}

/* s escaped for a terminal, in b (a label may hold any byte). */
static const char *
text(struct jmx_buf *b, const char *s)
{
	jmx_buf_reset(b);
	jmx_buf_adds(b, "");
	jmx_text_escape(b, s);
	return b->data;
}

/* "4m05s", or "-" when not known (ms < 0). */
static const char *
duration(char *out, size_t len, int64_t ms)
{
	if (ms < 0)
		snprintf(out, len, "-");
	else
		jmx_format_duration(out, len, ms);
	return out;
}

static void
status_json(const struct jmx_control_status *s, int64_t task)
{
	const struct jmx_run_rec *rec = &s->rec;
	struct jmx_buf b = { 0 };
	struct jmx_json w;
	int i;

	jmx_json_init(&w, &b);
	jmx_json_object_begin(&w);
	jmx_json_pair_int(&w, "run_id", rec->id);
	jmx_json_pair_str(&w, "state", jmx_run_state_name(rec->state));
	jmx_json_pair_str(&w, "test_case", rec->test_case);
	jmx_json_pair_str(&w, "label", rec->label);
	jmx_json_pair_int_or_null(&w, "task_id", task, task > 0);
	jmx_json_pair_time(&w, "start", rec->start_ms);
	jmx_json_pair_int(&w, "duration_ms", rec->duration_ms);
	jmx_json_pair_int(&w, "elapsed_ms", s->elapsed_ms);
	jmx_json_key(&w, "remaining_ms");
	if (s->remaining_ms >= 0)
		jmx_json_int(&w, s->remaining_ms);
	else
		jmx_json_null(&w);
	jmx_json_pair_int(&w, "threads", rec->threads);
	jmx_json_pair_int(&w, "samples", s->samples);
	jmx_json_pair_int(&w, "errors", s->errors);
	jmx_json_pair_int(&w, "jtl_records", rec->jtl_records);
	jmx_json_pair_int(&w, "skew_ms", rec->skew_ms);
	jmx_json_pair_bool(&w, "controller_alive", s->alive);
	jmx_json_key(&w, "agents");
	jmx_json_array_begin(&w);
	for (i = 0; i < s->nagents; i++) {
		jmx_json_object_begin(&w);
		jmx_json_pair_str(&w, "name", s->agents[i].agent);
		jmx_json_pair_double(&w, "weight", s->agents[i].weight);
		jmx_json_pair_int(&w, "threads", s->agents[i].threads);
		jmx_json_pair_int(&w, "skew_ms", s->agents[i].skew_ms);
		jmx_json_pair_str(&w, "state", s->agents[i].state);
		jmx_json_object_end(&w);
	}
	jmx_json_array_end(&w);
	jmx_json_object_end(&w);
	printf("%s\n", b.data);
	jmx_buf_free(&b);
}

static void
status_text(const struct jmx_control_status *s, int64_t task)
{
	const struct jmx_run_rec *rec = &s->rec;
	struct jmx_buf b = { 0 };
	char t0[32] = "-", el[32], dur[32], rem[32];
	int i;

	if (rec->start_ms > 0)
		jmx_format_time(t0, sizeof t0, rec->start_ms);
	printf("run %lld: %s\n", (long long)rec->id,
	    jmx_run_state_name(rec->state));
	printf("test case: %s", text(&b, rec->test_case));
	if (rec->label != NULL)
		printf("  label: %s", text(&b, rec->label));
	/* A run jmx-schedule started names its task. */
	if (task > 0)
		printf("  task: %lld", (long long)task);
	printf("\nstarted: %s\nthreads: %lld\nsamples: %lld (%lld failed)\n",
	    t0, (long long)rec->threads, (long long)s->samples,
	    (long long)s->errors);
	printf("elapsed: %s of %s\nremaining: %s\n",
	    duration(el, sizeof el, s->elapsed_ms),
	    duration(dur, sizeof dur, rec->duration_ms > 0 ?
	    rec->duration_ms : -1),
	    duration(rem, sizeof rem, s->remaining_ms));
	if (!jmx_run_state_final(rec->state) && !s->alive)
		printf("controller: gone (take the run over with 'jmx-run "
		    "attach %lld')\n", (long long)rec->id);
	if (rec->skew_ms >= 0)
		printf("start skew: %lld ms\n", (long long)rec->skew_ms);
	for (i = 0; i < s->nagents; i++) {
		printf("agent %-10s", text(&b, s->agents[i].agent));
		printf(" weight %.2f threads %lld %s\n", s->agents[i].weight,
		    (long long)s->agents[i].threads,
		    text(&b, s->agents[i].state));
	}
	jmx_buf_free(&b);
}

/* Where a run is: state, samples, time, agents (the newest by default). */
static int
cli_run_status(struct cli *c, const char *arg)
{
	struct jmx_control_status s;
	struct jmx_err err = { 0 };
	int64_t id;

	if (arg != NULL && (id = jmx_parse_count(arg)) <= 0)
		return cli_usage(c, "'%s' is not a run id", arg);
	if (cli_load_config(c, &err) != JMX_OK ||
	    cli_open_store_ro(c, &err) != JMX_OK)
		return cli_fail(c, &err);
	if (arg == NULL && jmx_store_run_latest(c->store, &id, &err) !=
	    JMX_OK) {
		if (err.code != JMX_ERR_NOTFOUND)
			return cli_fail(c, &err);
		/* No runs yet is an answer, not an error. */
		if (c->json)
			printf("{\"run_id\":null}\n");
		else
			printf("no runs\n");
		return JMX_EXIT_OK;
	}
	if (jmx_control_status(c->store, id, jmx_now_ms(), &s, &err) !=
	    JMX_OK) {
		jmx_control_status_free(&s);
		return cli_fail(c, &err);
	}
	if (c->json)
		status_json(&s, jmx_schedule_task_of_run(c->store, id));
	else
		status_text(&s, jmx_schedule_task_of_run(c->store, id));
	jmx_control_status_free(&s);
	return JMX_EXIT_OK;
}

/* A command's answer as jmx-run(1) documents it. */
static void
print_command_json(int64_t id, const char *verb, const char *answer)
{
	struct jmx_buf b = { 0 };
	struct jmx_json w;

	jmx_json_init(&w, &b);
	jmx_json_object_begin(&w);
	jmx_json_pair_int(&w, "run_id", id);
	jmx_json_pair_str(&w, "command", verb);
	jmx_json_pair_bool(&w, "ok", 1);
	jmx_json_pair_str(&w, "answer", answer);
	jmx_json_object_end(&w);
	printf("%s\n", b.data);
	jmx_buf_free(&b);
}

/*
 * pause, resume, stop: ask the run's controller through the commands
 * table and wait until it says the action is done or failed.
 */
static int
cli_run_command(struct cli *c, enum jmx_control_verb verb, const char *arg)
{
	const char *word = jmx_control_verb_name(verb);
	enum jmx_control_answer ans;
	struct jmx_err err = { 0 };
	char actor[256], *answer = NULL;
	int64_t id, cmd;
	int alive, rc;

	if (arg == NULL)
		return cli_usage(c, "%s needs a run id", word);
	if ((id = jmx_parse_count(arg)) <= 0)
		return cli_usage(c, "'%s' is not a run id", arg);
	if (cli_load_config(c, &err) != JMX_OK ||
	    cli_open_store(c, &err) != JMX_OK ||
	    jmx_control_check(c->store, id, verb, NULL, &alive, &err) !=
	    JMX_OK)
		return cli_fail(c, &err);
	if (!alive) {
		cli_warnx(c, "run %lld has no live controller; take it over "
		    "with 'jmx-run attach %lld'", (long long)id, (long long)id);
		return JMX_EXIT_ENV;
	}
	cli_actor(actor, sizeof actor);
	if (jmx_control_post(c->store, id, verb, actor, &cmd, &err) !=
	    JMX_OK ||
	    jmx_control_wait(c->store, id, cmd, 300000, &ans, &answer,
	    &err) != JMX_OK)
		return cli_fail(c, &err);
	switch (ans) {
	case JMX_CONTROL_DONE:
		if (c->json)
			print_command_json(id, word, answer);
		else
			printf("run %lld: %s\n", (long long)id,
			    answer != NULL ? answer : word);
		rc = JMX_EXIT_OK;
		break;
	case JMX_CONTROL_FAILED:
		cli_warnx(c, "run %lld: %s", (long long)id,
		    answer != NULL ? answer : "failed");
		rc = JMX_EXIT_USAGE;
		break;
	case JMX_CONTROL_GONE:
	case JMX_CONTROL_TIMEOUT:
	default:
		cli_warnx(c, "run %lld: no answer from its controller; take "
		    "the run over with 'jmx-run attach %lld'", (long long)id,
		    (long long)id);
		rc = JMX_EXIT_ENV;
		break;
	}
	free(answer);
	return rc;
}

static int
check_config(struct cli *c)
{
	struct jmx_err err = { 0 };
	struct jmx_buf b = { 0 };
	const struct jmx_test_conf *t;
	struct jmx_split_opts o;
	struct jmx_plan *plan;
	struct jmx_json w;
	int i, rc;

	if ((rc = cli_check_config(c)) != -1)
		return rc;
	/*
	 * The files the test cases name, each test case on its own, and
	 * each plan read as a run without -J would read it.
	 */
	for (i = 0, rc = JMX_EXIT_OK; i < c->cfg->ntests; i++) {
		t = &c->cfg->tests[i];
		memset(&o, 0, sizeof o);
		plan = NULL;
		if (jmx_run_request_check_inputs(NULL, t, &err) == JMX_OK &&
		    jmx_run_request_threads(NULL, t->threads, &o, &err) ==
		    JMX_OK && jmx_run_request_load_plan(t, t->props, t->nprops,
		    &o, &plan, &err) == JMX_OK) {
			jmx_plan_free(plan);
			continue;
		}
		cli_warnx(c, "test case '%s': %s", t->name, err.msg);
		rc = jmx_code_exit(err.code);
	}
	if (rc != JMX_EXIT_OK)
		return rc;
	if (c->json) {
		jmx_json_init(&w, &b);
		jmx_json_object_begin(&w);
		jmx_json_pair_str(&w, "config", c->cfg->path != NULL ?
		    c->cfg->path : "");
		jmx_json_pair_int(&w, "agents", c->cfg->nagents);
		jmx_json_pair_int(&w, "tests", c->cfg->ntests);
		jmx_json_object_end(&w);
		printf("%s\n", b.data);
		jmx_buf_free(&b);
	} else
		printf("%s: %d agent%s, %d test case%s\n",
		    c->cfg->path != NULL ? c->cfg->path : "(no config)",
		    c->cfg->nagents, PLURAL(c->cfg->nagents), c->cfg->ntests,
		    PLURAL(c->cfg->ntests));
	return JMX_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct jmx_run_request req;
	enum jmx_control_verb verb;
	struct cli c;
	int ch, rc = -1;
	const char *word, *arg;

	cli_init(&c, argv);
	jmx_run_request_init(&req);
	while (rc == -1 && (ch = getopt_long(argc, argv, CLI_SHORTOPTS "J:",
	    longopts, NULL)) != -1)
		rc = parse_option(&c, &req, ch, optarg);
	if (rc == -1)
		rc = cli_parsed(&c);
	if (rc == -1 && req.check_only)
		rc = optind < argc ? cli_usage(&c, "--check takes no test") :
		    check_config(&c);
	if (rc == -1 && optind >= argc)
		rc = cli_usage(&c, "missing test case or plan");
	if (rc == -1) {
		word = argv[optind];
		arg = optind + 1 < argc ? argv[optind + 1] : NULL;
		if (strcmp(word, "status") == 0)
			rc = cli_run_status(&c, arg);
		else if (jmx_control_verb_parse(word, &verb) == 0)
			rc = verb == JMX_CONTROL_ATTACH ?
			    cli_run_attach(&c, arg) :
			    cli_run_command(&c, verb, arg);
		else if (arg != NULL)
			rc = cli_usage(&c, "unexpected argument '%s'", arg);
		else {
			req.test = word;
			rc = cli_run(&c, &req);
		}
	}
	jmx_run_request_free(&req);
	cli_free(&c);
	return rc;
}

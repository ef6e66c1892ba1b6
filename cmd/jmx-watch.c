/*
 * jmx-watch: the live screen of a running test (ncurses, in
 * watch-screen.c), with plain lines and JSON Lines for CI logs.  It
 * reads the database through a read-only handle; only a key that asks
 * the run's controller for something (pause, resume, stop) writes, a
 * command row, through a handle opened for it.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "live.h"
#include "store.h"
#include "util.h"
#include "watch-screen.h"

enum {
	OPT_INTERVAL = CLI_OPT_FIRST_PROGRAM,
	OPT_WINDOW
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "interval",	required_argument,	NULL, 'i' },
	{ "plain",	no_argument,		NULL, 'p' },
	{ "window",	required_argument,	NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(void)
{
	printf("usage: jmx-watch [options] [RUN]\n"
	    "\n"
	    "Show a run live: state, agents, labels, charts and events\n"
	    "(default: the newest run that has not ended, else the newest).\n"
	    "On a terminal a full screen; else, or with --plain, one line\n"
	    "per interval; with --json, one JSON object per interval.\n"
	    "\n"
	    "Options:\n"
	    "  -p, --plain         plain lines, one per interval\n"
	    "  -i, --interval DUR  refresh every DUR (default: 1s)\n"
	    "  -w, --window DUR    the charts' \"last\" span (default: 5m)\n"
	    CLI_HELP);
}

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	interrupted = sig;
}

/* Sleep until mono ms `until`, or a signal. */
static void
sleep_until(int64_t until)
{
	struct timespec ts;
	int64_t left;

	while (!interrupted && (left = until - jmx_mono_ms()) > 0) {
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000L;
		nanosleep(&ts, NULL);
	}
}

/*
 * --plain and --json: one line per interval until the run ends, with
 * the run's end state's exit status; the events as they come.
 */
static int
stream(struct watch *w)
{
	struct jmx_live *l;
	struct jmx_err err = { 0 };
	struct jmx_buf b = { 0 };
	struct jmx_json j;
	int64_t tick = jmx_mono_ms(), events_after = 0;
	int i, rc = -1, gone = 0;

	while (rc == -1) {
		if (jmx_live_load(w->c.store, w->run, jmx_now_ms(), &l, &err) !=
		    JMX_OK)
			return cli_fail(&w->c, &err);
		jmx_buf_reset(&b);
		if (w->c.json) {
			jmx_json_init(&j, &b);
			jmx_live_json(l, &j, events_after);
			jmx_buf_addc(&b, '\n');
		} else {
			for (i = 0; i < l->nevents; i++) {
				if (l->events[i].id <= events_after)
					continue;
				jmx_buf_adds(&b, "event ");
				jmx_live_event_line(&l->events[i], &b);
				jmx_buf_addc(&b, '\n');
			}
			jmx_live_line(l, &b);
			jmx_buf_addc(&b, '\n');
		}
		if (l->nevents > 0)
			events_after = l->events[l->nevents - 1].id;
		fputs(b.data, stdout);
		fflush(stdout);
		if (jmx_live_ended(l))
			rc = jmx_run_state_exit(l->st.rec.state);
		else if (!l->st.alive && ++gone >= 3) {
			/* Three looks, so that a controller that has just
			 * ended its run has time to store the end. */
			cli_warnx(&w->c, "run %lld has no live controller; "
			    "take it over with 'jmx-run attach %lld'",
			    (long long)w->run, (long long)w->run);
			rc = JMX_EXIT_ENV;
		} else if (l->st.alive)
			gone = 0;
		jmx_live_free(l);
		if (rc != -1)
			break;
		tick += w->interval_ms;
		sleep_until(tick);
		if (interrupted)
			rc = 128 + interrupted;
	}
	jmx_buf_free(&b);
	return rc;
}

static int
parse_option(struct watch *w, int ch, const char *arg)
{
	switch (ch) {
	case 'p':
		w->plain = 1;
		return -1;
	case 'i':
		if ((w->interval_ms = jmx_parse_duration_ms(arg)) < 100)
			return cli_usage(&w->c, "--interval: '%s' is not a "
			    "duration of at least 100ms", arg);
		return -1;
	case 'w':
		if ((w->window_ms = jmx_parse_duration_ms(arg)) < 10000)
			return cli_usage(&w->c, "--window: '%s' is not a "
			    "duration of at least 10s", arg);
		return -1;
	default:
		return cli_option(&w->c, ch, arg, usage);
	}
}

/* The run named, or the one to pick; -1 to go on, else the exit status. */
static int
choose_run(struct watch *w, const char *arg)
{
	struct jmx_run_rec rec;
	struct jmx_err err = { 0 };
	int active;

	if (arg != NULL) {
		if ((w->run = jmx_parse_count(arg)) <= 0)
			return cli_usage(&w->c, "'%s' is not a run id", arg);
		return -1;
	}
	if (jmx_live_pick(w->c.store, &w->run, &active, &err) != JMX_OK) {
		if (err.code == JMX_ERR_NOTFOUND) {
			cli_warnx(&w->c, "no runs to watch");
			return JMX_EXIT_USAGE;
		}
		return cli_fail(&w->c, &err);
	}
	if (active)
		return -1;
	if (jmx_store_run_get(w->c.store, w->run, &rec, &err) != JMX_OK) {
		jmx_run_rec_free(&rec);
		return cli_fail(&w->c, &err);
	}
	snprintf(w->notice, sizeof w->notice, "no active run; run %lld has "
	    "ended (%s)", (long long)w->run, jmx_run_state_name(rec.state));
	jmx_run_rec_free(&rec);
	return -1;
}

int
main(int argc, char **argv)
{
	struct watch w;
	struct jmx_err err = { 0 };
	struct sigaction sa;
	int ch, rc = -1;

	memset(&w, 0, sizeof w);
	cli_init(&w.c, argv);
	w.interval_ms = 1000;
	w.window_ms = 300000;
	while (rc == -1 && (ch = getopt_long(argc, argv,
	    CLI_SHORTOPTS "i:pw:", longopts, NULL)) != -1)
		rc = parse_option(&w, ch, optarg);
	if (rc == -1)
		rc = cli_parsed(&w.c);
	if (rc == -1 && optind + 1 < argc)
		rc = cli_usage(&w.c, "unexpected argument '%s'",
		    argv[optind + 1]);
	if (rc == -1 && (cli_load_config(&w.c, &err) != JMX_OK ||
	    cli_open_store_ro(&w.c, &err) != JMX_OK))
		rc = cli_fail(&w.c, &err);
	if (rc == -1)
		rc = choose_run(&w, optind < argc ? argv[optind] : NULL);
	if (rc == -1 && (w.plain || w.c.json ||
	    !jmx_term_live(STDOUT_FILENO) || !isatty(STDIN_FILENO))) {
		/* The last line goes out whole; curses has its own. */
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		if (w.notice[0] != '\0')
			cli_warnx(&w.c, "%s", w.notice);
		rc = stream(&w);
	} else if (rc == -1)
		rc = watch_screen(&w);
	cli_free(&w.c);
	return rc;
}

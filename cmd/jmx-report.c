/*
 * jmx-report: reports, statistics, comparisons and history of runs, from
 * the database or straight from JTL files.
 */
#include <sys/stat.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "cli.h"
#include "history.h"
#include "input.h"
#include "json.h"
#include "recommend.h"
#include "render.h"
#include "report-history.h"
#include "report.h"
#include "stats.h"
#include "util.h"
#include "verdict.h"
#include "xmalloc.h"

enum {
	OPT_APDEX = CLI_OPT_FIRST_PROGRAM,
	OPT_APDEX_LABEL,
	OPT_NAME,
	OPT_NO_CHARTS,
	OPT_PERCENTILES,
	OPT_PROPERTIES,
	OPT_CASE,
	OPT_SINCE,
	OPT_STATE,
	OPT_LIMIT,
	OPT_BASELINE,
	OPT_METRIC,
	OPT_LABEL,
	OPT_INCLUDE_PARTIAL
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "apdex",	required_argument,	NULL, OPT_APDEX },
	{ "apdex-label", required_argument,	NULL, OPT_APDEX_LABEL },
	{ "name",	required_argument,	NULL, OPT_NAME },
	{ "no-charts",	no_argument,		NULL, OPT_NO_CHARTS },
	{ "output",	required_argument,	NULL, 'o' },
	{ "percentiles", required_argument,	NULL, OPT_PERCENTILES },
	{ "properties",	required_argument,	NULL, OPT_PROPERTIES },
	{ "case",	required_argument,	NULL, OPT_CASE },
	{ "since",	required_argument,	NULL, OPT_SINCE },
	{ "state",	required_argument,	NULL, OPT_STATE },
	{ "limit",	required_argument,	NULL, OPT_LIMIT },
	{ "baseline",	no_argument,		NULL, OPT_BASELINE },
	{ "metric",	required_argument,	NULL, OPT_METRIC },
	{ "label",	required_argument,	NULL, OPT_LABEL },
	{ "include-partial", no_argument,	NULL, OPT_INCLUDE_PARTIAL },
	{ NULL, 0, NULL, 0 }
};

/* Everything main owns, freed once on the way out. */
struct state {
	struct cli		 c;
	const char		*name;		/* --name */
	const char		*output;	/* --output */
	int			 no_charts;	/* --no-charts */
	int64_t			 apdex_t, apdex_f;	/* --apdex */
	char			**apdex_labels;	/* --apdex-label L=T[:F] */
	int			 napdex_labels;
	struct jmx_report	*rep;
	struct jmx_rec		*recs;
	int			 nrecs;
	struct jmx_verdict	*verdicts;
	char			*dir;
	struct jmx_input_opts	 input;		/* --properties */
	enum jmx_pct_mode	 pct;		/* --percentiles */
	struct hist_opts	 h;		/* history, compare, trend */
};

static void
usage(void)
{
	printf("usage: jmx-report [options] show [RUN | FILE.jtl...]\n"
	    "       jmx-report [options] stats FILE.jtl...\n"
	    "       jmx-report [options] import FILE.jtl... [--name CASE]\n"
	    "       jmx-report [options] history\n"
	    "       jmx-report [options] compare RUN RUN... | --baseline [RUN]\n"
	    "       jmx-report [options] baseline set RUN | show [CASE] |"
	    " clear CASE\n"
	    "       jmx-report [options] trend CASE\n"
	    "\n"
	    "Commands:\n"
	    "  show [RUN]      write the report of a run (default: the newest)\n"
	    "                  or of JTL files: index.html, report.md,\n"
	    "                  report.json, junit.xml, charts; print its path\n"
	    "  stats FILE...   statistics straight from JTL files\n"
	    "  import FILE...  store JTL files as a run; print its id\n"
	    "  history         past runs, oldest first, with key figures\n"
	    "  compare A B...  B (and C...) against A; exit 1 on a regression\n"
	    "  baseline        the reference run of a test case\n"
	    "  trend CASE      a metric over the runs: change points, anomalies\n"
	    "\n"
	    "Options:\n"
	    "  -o, --output DIR    report directory (default: runs/RUN/report)\n"
	    "      --name NAME     test case of an imported run, name of a file\n"
	    "                      report\n"
	    "      --apdex T[:F]   APDEX satisfied/tolerated ms (default 500:2000)\n"
	    "      --apdex-label LABEL=T[:F]\n"
	    "                      APDEX thresholds of one label (repeatable)\n"
	    "      --no-charts     do not run gnuplot\n"
	    "      --percentiles exact|jmeter\n"
	    "                      nearest rank (default) or interpolated as\n"
	    "                      JMeter's dashboard\n"
	    "      --properties FILE\n"
	    "                      JMeter properties that wrote headerless CSV\n"
	    "                      files (jmeter.save.saveservice.*)\n"
	    "      --case NAME     history, compare --baseline: one test case\n"
	    "      --since DATE    history, trend: runs since DATE (2026-11-26,\n"
	    "                      2026-11-26T08:00Z) or an age (7d, 12h)\n"
	    "      --state STATE   history: runs in STATE (completed, partial...)\n"
	    "      --limit N       history, trend: the newest N runs\n"
	    "      --baseline      compare: RUN (default: the newest) against\n"
	    "                      its test case's baseline\n"
	    "      --metric M      trend: p95 (default), p99, p90, p50, avg,\n"
	    "                      throughput or error_pct\n"
	    "      --label LABEL   trend: of one label (default: the total)\n"
	    "      --include-partial\n"
	    "                      trend, baseline set: count partial and\n"
	    "                      stopped runs too\n"
	    CLI_HELP);
}

static void
state_free(struct state *s)
{
	jmx_recs_free(s->recs, s->nrecs);
	jmx_report_free(s->rep);
	free(s->verdicts);
	free(s->apdex_labels);
	free(s->dir);
	jmx_input_opts_free(&s->input);
	cli_free(&s->c);
}

/* {"run_id":N}, null for N 0, with more keys from a caller. */
static void
json_run_id(struct jmx_json *w, struct jmx_buf *b, int64_t run)
{
	jmx_json_init(w, b);
	jmx_json_object_begin(w);
	jmx_json_pair_int_or_null(w, "run_id", run, run > 0);
}

static int
setup_apdex(struct state *s)
{
	char *eq;
	int64_t t, f;
	int i;

	/* how the input is read and its percentiles computed */
	s->rep->input = &s->input;
	jmx_summary_set_percentiles(s->rep->sum, s->pct);
	if (s->apdex_t > 0)
		jmx_report_set_apdex(s->rep, s->apdex_t, s->apdex_f);
	for (i = 0; i < s->napdex_labels; i++) {
		eq = strrchr(s->apdex_labels[i], '=');
		if (eq == NULL || eq == s->apdex_labels[i] ||
		    jmx_report_parse_apdex(eq + 1, &t, &f) != 0)
			return cli_usage(&s->c, "--apdex-label takes "
			    "LABEL=T[:F], not '%s'", s->apdex_labels[i]);
		*eq = '\0';
		jmx_report_add_apdex(s->rep, s->apdex_labels[i], t, f);
		*eq = '=';
	}
	return -1;
}

/* Say what was skipped in the input, on stderr. */
static void
warn_input(struct state *s)
{
	uint64_t more;
	int i;

	if (s->rep->bad_records > 0)
		cli_warnx(&s->c, "%llu malformed record%s skipped",
		    (unsigned long long)s->rep->bad_records,
		    PLURAL(s->rep->bad_records));
	if (s->rep->truncated > 0)
		cli_warnx(&s->c, "%llu truncated last record%s dropped",
		    (unsigned long long)s->rep->truncated,
		    PLURAL(s->rep->truncated));
	for (i = 0; i < s->rep->nbad_shown; i++)
		cli_warnx(&s->c, "%s", s->rep->bad_shown[i]);
	more = s->rep->bad_records + s->rep->truncated -
	    (uint64_t)s->rep->nbad_shown;
	if (s->rep->nbad_shown > 0 && more > 0)
		cli_warnx(&s->c, "and %llu more", (unsigned long long)more);
}

static int
cmd_stats(struct state *s, char **files, int n)
{
	struct jmx_buf b = { 0 };
	struct jmx_json w;
	struct jmx_err err;
	int rc;

	if (n == 0)
		return cli_usage(&s->c, "stats: no JTL file given");
	s->rep = jmx_report_new(0);
	if ((rc = setup_apdex(s)) != -1)
		return rc;
	if (jmx_report_load_jtl(s->rep, (const char *const *)files, n,
	    &err) != JMX_OK)
		return cli_fail(&s->c, &err);
	jmx_report_finish(s->rep);
	warn_input(s);
	if (s->c.json) {
		jmx_json_init(&w, &b);
		jmx_summary_json(s->rep->sum, &w);
		jmx_buf_addc(&b, '\n');
	} else
		jmx_render_text(s->rep, &b);
	fputs(b.data, stdout);
	jmx_buf_free(&b);
	return JMX_EXIT_OK;
}

static int
cmd_import(struct state *s, char **files, int n)
{
	struct jmx_buf b = { 0 };
	struct jmx_json w;
	struct jmx_summary *sum = NULL;
	struct jmx_err err;
	int64_t run = 0;

	if (n == 0)
		return cli_usage(&s->c, "import: no JTL file given");
	if (cli_load_config(&s->c, &err) != JMX_OK ||
	    cli_open_store(&s->c, &err) != JMX_OK)
		return cli_fail(&s->c, &err);
	if (jmx_report_import(s->c.store, (const char *const *)files, n,
	    s->name, &s->input, &run, &sum, &err) != JMX_OK)
		return cli_fail(&s->c, &err);
	/* Its figures for history, at once (an import is final). */
	jmx_history_keep(s->c.store, run, sum);
	jmx_summary_free(sum);
	if (s->c.json) {
		json_run_id(&w, &b, run);
		jmx_json_object_end(&w);
		printf("%s\n", b.data);
		jmx_buf_free(&b);
	} else
		printf("%lld\n", (long long)run);
	return JMX_EXIT_OK;
}

static int
is_run_id(const char *a)
{
	return jmx_parse_count(a) > 0;
}

/* The verdicts of the run's test case thresholds, if config has them. */
static void
check_thresholds(struct state *s)
{
	const struct jmx_test_conf *t;

	if (s->c.cfg == NULL || s->rep->name == NULL ||
	    (t = jmx_config_test(s->c.cfg, s->rep->name)) == NULL ||
	    t->nthresholds == 0)
		return;
	s->verdicts = xcalloc((size_t)t->nthresholds, sizeof *s->verdicts);
	jmx_verdict_check(s->rep->sum, t->thresholds, t->nthresholds,
	    s->verdicts);
	s->rep->verdicts = s->verdicts;
	s->rep->nverdicts = t->nthresholds;
}

static int
cmd_show(struct state *s, char **args, int n)
{
	struct jmx_err err;
	struct jmx_buf b = { 0 };
	struct jmx_json w;
	int64_t run = 0;
	const char *dot;
	int rc;

	s->rep = jmx_report_new(1);
	if ((rc = setup_apdex(s)) != -1)
		return rc;
	if (n == 1 && is_run_id(args[0]))
		run = jmx_parse_count(args[0]);
	if (n == 0 || run > 0) {
		if (cli_load_config(&s->c, &err) != JMX_OK ||
		    cli_open_store_ro(&s->c, &err) != JMX_OK)
			return cli_fail(&s->c, &err);
		if (run == 0 && jmx_store_run_latest(s->c.store, &run,
		    &err) != JMX_OK)
			return cli_fail(&s->c, &err);
		if (jmx_report_load_run(s->rep, s->c.store, run,
		    s->c.home_dir, &err) != JMX_OK)
			return cli_fail(&s->c, &err);
		if (s->output == NULL)
			xasprintf(&s->dir, "%s/runs/%lld/report",
			    s->c.home_dir, (long long)run);
	} else {
		if (jmx_report_load_jtl(s->rep, (const char *const *)args, n,
		    &err) != JMX_OK)
			return cli_fail(&s->c, &err);
		if (s->output == NULL) {
			dot = strrchr(args[0], '.');
			if (dot == NULL || strchr(dot, '/') != NULL)
				dot = args[0] + strlen(args[0]);
			xasprintf(&s->dir, "%.*s-report",
			    (int)(dot - args[0]), args[0]);
		}
	}
	if (s->name != NULL) {
		free(s->rep->name);
		s->rep->name = xstrdup(s->name);
	}
	if (s->output != NULL)
		s->dir = xstrdup(s->output);
	jmx_report_finish(s->rep);
	warn_input(s);
	check_thresholds(s);
	s->nrecs = jmx_recommend(s->rep, &s->recs);
	if (jmx_mkdirs(s->dir, 0755, &err) != JMX_OK)
		return cli_fail(&s->c, &err);
	if (!s->no_charts && jmx_chart_render(s->rep, s->dir, &err) != JMX_OK)
		return cli_fail(&s->c, &err);
	if (jmx_render_dir(s->rep, s->recs, s->nrecs, s->dir, &err) != JMX_OK)
		return cli_fail(&s->c, &err);
	if (s->c.json) {
		json_run_id(&w, &b, s->rep->run_id);
		jmx_json_pair_str(&w, "dir", s->dir);
		jmx_json_pair_str(&w, "index", "index.html");
		jmx_json_pair_int(&w, "recommendations", s->nrecs);
		jmx_json_object_end(&w);
		printf("%s\n", b.data);
		jmx_buf_free(&b);
	} else
		printf("%s\n", s->dir);
	for (rc = 0; rc < s->rep->nverdicts; rc++)
		if (!s->rep->verdicts[rc].pass)
			return JMX_EXIT_VERDICT;
	if (s->rep->state != NULL && strcmp(s->rep->state, "partial") == 0)
		return JMX_EXIT_PARTIAL;
	return JMX_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct state s;
	struct jmx_err err;
	const char *cmd;
	int ch, rc = -1;

	memset(&s, 0, sizeof s);
	cli_init(&s.c, argv);
	while (rc == -1 && (ch = getopt_long(argc, argv, CLI_SHORTOPTS "o:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_APDEX:
			if (jmx_report_parse_apdex(optarg, &s.apdex_t,
			    &s.apdex_f) != 0)
				rc = cli_usage(&s.c, "--apdex takes T[:F] in "
				    "ms, not '%s'", optarg);
			break;
		case OPT_APDEX_LABEL:
			s.apdex_labels = xreallocarray(s.apdex_labels,
			    (size_t)s.napdex_labels + 1,
			    sizeof *s.apdex_labels);
			s.apdex_labels[s.napdex_labels++] = optarg;
			break;
		case OPT_NAME:
			s.name = optarg;
			break;
		case OPT_NO_CHARTS:
			s.no_charts = 1;
			s.h.no_charts = 1;
			break;
		case OPT_CASE:
			s.h.test_case = optarg;
			break;
		case OPT_SINCE:
			s.h.since = optarg;
			break;
		case OPT_STATE:
			s.h.state = optarg;
			break;
		case OPT_LIMIT:
			if ((s.h.limit = (int)jmx_parse_count(optarg)) <= 0)
				rc = cli_usage(&s.c, "--limit takes a positive "
				    "count, not '%s'", optarg);
			break;
		case OPT_BASELINE:
			s.h.baseline = 1;
			break;
		case OPT_METRIC:
			s.h.metric = optarg;
			break;
		case OPT_LABEL:
			s.h.label = optarg;
			break;
		case OPT_INCLUDE_PARTIAL:
			s.h.include_partial = 1;
			break;
		case OPT_PERCENTILES:
			if (strcmp(optarg, "jmeter") == 0)
				s.pct = JMX_PCT_JMETER;
			else if (strcmp(optarg, "exact") != 0)
				rc = cli_usage(&s.c, "--percentiles takes "
				    "exact or jmeter, not '%s'", optarg);
			break;
		case OPT_PROPERTIES:
			if (jmx_input_properties(optarg, &s.input,
			    &err) != JMX_OK) {
				jmx_err_prefix(&err, "properties '%s'",
				    optarg);
				rc = cli_fail(&s.c, &err);
			}
			break;
		case 'o':
			s.output = optarg;
			s.h.output = optarg;
			break;
		default:
			rc = cli_option(&s.c, ch, optarg, usage);
		}
	}
	if (rc == -1)
		rc = cli_parsed(&s.c);
	if (rc == -1 && optind >= argc)
		rc = cli_usage(&s.c, "missing command");
	if (rc == -1) {
		cmd = argv[optind++];
		if (strcmp(cmd, "stats") == 0)
			rc = cmd_stats(&s, argv + optind, argc - optind);
		else if (strcmp(cmd, "import") == 0)
			rc = cmd_import(&s, argv + optind, argc - optind);
		else if (strcmp(cmd, "show") == 0)
			rc = cmd_show(&s, argv + optind, argc - optind);
		else if (strcmp(cmd, "history") == 0)
			rc = cmd_history(&s.c, &s.h, argv + optind,
			    argc - optind);
		else if (strcmp(cmd, "compare") == 0)
			rc = cmd_compare(&s.c, &s.h, argv + optind,
			    argc - optind);
		else if (strcmp(cmd, "baseline") == 0)
			rc = cmd_baseline(&s.c, &s.h, argv + optind,
			    argc - optind);
		else if (strcmp(cmd, "trend") == 0)
			rc = cmd_trend(&s.c, &s.h, argv + optind,
			    argc - optind);
		if (rc == -1)
			rc = cli_usage(&s.c, "unknown command '%s'", cmd);
	}
	state_free(&s);
	return rc;
}

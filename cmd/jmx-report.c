/*
 * jmx-report: reports, statistics, comparisons and history of runs, from
 * the database or straight from JTL files.
 */
#include <sys/stat.h>

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "cli.h"
#include "recommend.h"
#include "render.h"
#include "report.h"
#include "stats.h"
#include "util.h"
#include "verdict.h"
#include "xmalloc.h"

enum {
	OPT_APDEX = CLI_OPT_FIRST_PROGRAM,
	OPT_APDEX_LABEL,
	OPT_NAME,
	OPT_NO_CHARTS
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "apdex",	required_argument,	NULL, OPT_APDEX },
	{ "apdex-label", required_argument,	NULL, OPT_APDEX_LABEL },
	{ "name",	required_argument,	NULL, OPT_NAME },
	{ "no-charts",	no_argument,		NULL, OPT_NO_CHARTS },
	{ "output",	required_argument,	NULL, 'o' },
	{ NULL, 0, NULL, 0 }
};

/* Columns of the widest label in the stats table. */
#define LABEL_MAX	40

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
};

static void
usage(void)
{
	printf("usage: jmx-report [options] show [RUN | FILE.jtl...]\n"
	    "       jmx-report [options] stats FILE.jtl...\n"
	    "       jmx-report [options] import FILE.jtl... [--name NAME]\n"
	    "       jmx-report [options] compare RUN RUN...\n"
	    "       jmx-report [options] history | trend\n"
	    "\n"
	    "Commands:\n"
	    "  show [RUN]      write the report of a run (default: the newest)\n"
	    "                  or of JTL files: index.html, report.md,\n"
	    "                  report.json, junit.xml, charts; print its path\n"
	    "  stats FILE...   statistics straight from JTL files\n"
	    "  import FILE...  store JTL files as a run; print its id\n"
	    "  compare RUN...  compare runs, highlight regressions (not implemented yet)\n"
	    "  history         past runs, newest first (not implemented yet)\n"
	    "  trend           trends and anomalies (not implemented yet)\n"
	    "\n"
	    "Options:\n"
	    "  -o, --output DIR    report directory (default: runs/RUN/report)\n"
	    "      --name NAME     name of an imported run or file report\n"
	    "      --apdex T[:F]   APDEX satisfied/tolerated ms (default 500:2000)\n"
	    "      --apdex-label LABEL=T[:F]\n"
	    "                      APDEX thresholds of one label (repeatable)\n"
	    "      --no-charts     do not run gnuplot\n"
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
	cli_free(&s->c);
}

/*
 * A label as the table shows it: control bytes escaped (a label is input,
 * and may hold terminal escapes), so it stays on one line.  Returns its
 * width in columns.
 */
static int
text_label_esc(const char *s, char *buf, size_t size)
{
	const char *p;
	int w = 0;

	jmx_text_esc(buf, size, s, strlen(s));
	for (p = buf; *p != '\0'; p++)
		w += ((unsigned char)*p & 0xC0) != 0x80;
	return w;
}

static void
text_label(const char *s, int width)
{
	char buf[LABEL_MAX * 4 + 4];
	const char *p;
	int n = 0;

	text_label_esc(s != NULL ? s : "", buf, sizeof buf);
	for (p = buf; *p != '\0'; p++) {
		if (((unsigned char)*p & 0xC0) != 0x80 && n++ == width)
			break;
		putchar(*p);
	}
	for (n = n > width ? width : n; n < width; n++)
		putchar(' ');
}

static void
text_num(double v, int w, int prec)
{
	if (isnan(v))
		printf(" %*s", w, "-");
	else
		printf(" %*.*f", w, prec, v);
}

static void
text_ms(int64_t v, int w)
{
	if (v < 0)
		printf(" %*s", w, "-");
	else
		printf(" %*lld", w, (long long)v);
}

static void
text_row(const struct jmx_summary_row *r, int lw)
{
	text_label(r->label != NULL ? r->label : "TOTAL", lw);
	printf(" %9llu %7llu", (unsigned long long)r->count,
	    (unsigned long long)r->errors);
	text_num(r->count ? r->error_pct : NAN, 7, 2);
	text_num(r->avg, 8, 1);
	text_ms(r->min, 6);
	text_ms(r->max, 7);
	text_ms(r->p50, 6);
	text_ms(r->p90, 6);
	text_ms(r->p95, 6);
	text_ms(r->p99, 6);
	text_num(r->throughput, 9, 2);
	text_num(r->received_kbps, 9, 2);
	text_num(r->sent_kbps, 9, 2);
	text_num(r->apdex, 5, 2);
	putchar('\n');
}

static void
print_stats(struct jmx_summary *sum)
{
	char buf[LABEL_MAX * 4 + 4];
	size_t i, n = jmx_summary_nlabels(sum);
	int lw = 5, len;

	for (i = 0; i < n; i++) {
		len = text_label_esc(jmx_summary_label(sum, i)->label, buf,
		    sizeof buf);
		if (len > lw)
			lw = len > LABEL_MAX ? LABEL_MAX : len;
	}
	text_label("Label", lw);
	printf(" %9s %7s %7s %8s %6s %7s %6s %6s %6s %6s %9s %9s %9s %5s\n",
	    "Samples", "Errors", "Error%", "Avg", "Min", "Max", "p50", "p90",
	    "p95", "p99", "Per sec", "Recv KB/s", "Sent KB/s", "APDEX");
	for (i = 0; i < n; i++)
		text_row(jmx_summary_label(sum, i), lw);
	text_row(jmx_summary_total(sum), lw);
}

static int
setup_apdex(struct state *s)
{
	char *eq;
	int64_t t, f;
	int i;

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
	if (s->rep->bad_records > 0)
		cli_warnx(&s->c, "%llu malformed record%s skipped",
		    (unsigned long long)s->rep->bad_records,
		    PLURAL(s->rep->bad_records));
	if (s->rep->truncated > 0)
		cli_warnx(&s->c, "%llu truncated last record%s dropped",
		    (unsigned long long)s->rep->truncated,
		    PLURAL(s->rep->truncated));
}

static int
cmd_stats(struct state *s, char **files, int n)
{
	struct jmx_buf b = { 0 };
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
		jmx_summary_json(s->rep->sum, &b);
		printf("%s\n", b.data);
		jmx_buf_free(&b);
	} else
		print_stats(s->rep->sum);
	return JMX_EXIT_OK;
}

static int
cmd_import(struct state *s, char **files, int n)
{
	struct jmx_err err, derr;
	int64_t run = 0;

	if (n == 0)
		return cli_usage(&s->c, "import: no JTL file given");
	if (cli_load_config(&s->c, &err) != JMX_OK ||
	    cli_open_store(&s->c, &err) != JMX_OK)
		return cli_fail(&s->c, &err);
	if (jmx_report_import(s->c.store, (const char *const *)files, n,
	    s->name, &run, &err) != JMX_OK) {
		/* A failed import leaves no run behind. */
		if (run > 0 && jmx_store_run_delete(s->c.store, run,
		    &derr) != JMX_OK)
			cli_warnx(&s->c, "%s", derr.msg);
		return cli_fail(&s->c, &err);
	}
	if (s->c.json)
		printf("{\"run_id\":%lld}\n", (long long)run);
	else
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
		jmx_buf_adds(&b, "{\"run_id\":");
		if (s->rep->run_id > 0)
			jmx_buf_addf(&b, "%lld", (long long)s->rep->run_id);
		else
			jmx_buf_adds(&b, "null");
		jmx_buf_adds(&b, ",\"dir\":");
		jmx_json_str(&b, s->dir);
		jmx_buf_adds(&b, ",\"index\":");
		jmx_buf_addf(&b, "\"%s\"", "index.html");
		jmx_buf_addf(&b, ",\"recommendations\":%d}", s->nrecs);
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
	static const char *const later[] = { "compare", "history", "trend" };
	struct state s;
	const char *cmd;
	size_t i;
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
			break;
		case 'o':
			s.output = optarg;
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
		for (i = 0; rc == -1 && i < sizeof later / sizeof later[0];
		    i++)
			if (strcmp(cmd, later[i]) == 0)
				rc = cli_unimplemented(&s.c, later[i]);
		if (rc == -1)
			rc = cli_usage(&s.c, "unknown command '%s'", cmd);
	}
	state_free(&s);
	return rc;
}

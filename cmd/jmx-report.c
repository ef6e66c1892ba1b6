/*
 * jmx-report: reports, statistics, comparisons and history of runs, from
 * the database or straight from JTL files.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static void
usage(void)
{
	printf("usage: jmx-report [options] show [RUN]\n"
	    "       jmx-report [options] stats FILE.jtl...\n"
	    "       jmx-report [options] import FILE.jtl... [--name NAME]\n"
	    "       jmx-report [options] compare RUN RUN...\n"
	    "       jmx-report [options] history | trend\n"
	    "\n"
	    "Commands:\n"
	    "  show [RUN]      write the report of a run (not implemented yet)\n"
	    "  stats FILE...   statistics straight from JTL files (not implemented yet)\n"
	    "  import FILE...  store JTL files as a run (not implemented yet)\n"
	    "  compare RUN...  compare runs, highlight regressions (not implemented yet)\n"
	    "  history         past runs, newest first (not implemented yet)\n"
	    "  trend           trends and anomalies (not implemented yet)\n"
	    "\n"
	    "Options:\n" CLI_HELP);
}

int
main(int argc, char **argv)
{
	static const char *const commands[] = { "show", "stats", "import",
	    "compare", "history", "trend" };
	struct cli c;
	size_t i;
	int ch, rc = -1;

	cli_init(&c, argv[0]);
	while (rc == -1 &&
	    (ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1)
		rc = cli_option(&c, ch, optarg, usage);
	if (rc == -1 && optind >= argc)
		rc = cli_usage(&c, "missing command");
	for (i = 0; rc == -1 && i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[optind], commands[i]) == 0)
			rc = cli_unimplemented(&c, commands[i]);
	if (rc == -1)
		rc = cli_usage(&c, "unknown command '%s'", argv[optind]);
	cli_free(&c);
	return rc;
}

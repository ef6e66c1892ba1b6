/*
 * jmx-schedule: queue test runs for later, one-off or recurring, driven by
 * cron ("jmx-schedule tick" every minute).  The scheduler is a later
 * issue: until then every command says so and exits 2, never pretends.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum {
	OPT_AT = CLI_OPT_FIRST_PROGRAM,
	OPT_EVERY
};

/* --at and --every are taken, so that "add" says it is not built yet. */
static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "at",		required_argument,	NULL, OPT_AT },
	{ "every",	required_argument,	NULL, OPT_EVERY },
	{ NULL, 0, NULL, 0 }
};

static void
usage(void)
{
	printf("usage: jmx-schedule [options] add TEST-CASE --at TIME [--every INTERVAL]\n"
	    "       jmx-schedule [options] list | remove TASK | tick\n"
	    "\n"
	    "Queue distributed JMeter runs for a later time.  Not implemented\n"
	    "yet: every command says so and exits 2, nothing is queued.\n"
	    "\n"
	    "Commands (none implemented yet):\n"
	    "  add TEST-CASE   queue a run of TEST-CASE\n"
	    "  list            show queued tasks\n"
	    "  remove TASK     drop a queued task\n"
	    "  tick            start due tasks and send notices, from cron\n"
	    "\n"
	    "Options:\n"
	    "      --at TIME       with add: when to run first\n"
	    "                      (not implemented yet)\n"
	    "      --every INTERVAL\n"
	    "                      with add: run again every INTERVAL\n"
	    "                      (not implemented yet)\n"
	    CLI_HELP);
}

int
main(int argc, char **argv)
{
	static const char *const commands[] = { "add", "list", "remove",
	    "tick" };
	struct cli c;
	size_t i;
	int ch, rc = -1;

	cli_init(&c, argv);
	while (rc == -1 &&
	    (ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1)
		rc = ch == OPT_AT || ch == OPT_EVERY ? -1 :
		    cli_option(&c, ch, optarg, usage);
	if (rc == -1)
		rc = cli_parsed(&c);
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

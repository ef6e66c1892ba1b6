/*
 * jmx-watch: the live screen of a running test (ncurses), with plain and
 * JSON Lines modes for CI logs.  The screen is a later issue: until then
 * it says so and exits 2, never pretends.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "plain",	no_argument,	NULL, 'p' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(void)
{
	printf("usage: jmx-watch [options] [RUN]\n"
	    "\n"
	    "Show a running test live: status, agents, throughput, response\n"
	    "times, errors and charts (not implemented yet).\n"
	    "\n"
	    "Options:\n"
	    "  -p, --plain         plain periodic lines instead of the screen\n"
	    CLI_HELP);
}

int
main(int argc, char **argv)
{
	struct cli c;
	int ch, rc = -1;

	cli_init(&c, argv);
	while (rc == -1 &&
	    (ch = getopt_long(argc, argv, CLI_SHORTOPTS "p", longopts,
	    NULL)) != -1)
		rc = ch == 'p' ? -1 : cli_option(&c, ch, optarg, usage);
	if (rc == -1)
		rc = cli_parsed(&c);
	if (rc == -1)
		rc = cli_unimplemented(&c, "jmx-watch");
	cli_free(&c);
	return rc;
}

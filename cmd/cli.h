/*
 * cli.h: what every jmx program does the same way: start-up, the one-line
 * error format, --version, finding the configuration and the database.
 */
#ifndef JMX_CLI_H
#define JMX_CLI_H

#include <stdio.h>

#include "config.h"
#include "err.h"
#include "store.h"

/* Options shared by all programs; the program keeps one and frees it. */
struct cli {
	const char		*prog;
	const char		*config_path;	/* --config */
	const char		*home;		/* --home */
	const char		*color;		/* --color=auto|always|never */
	int			 json;		/* --json */
	int			 verbose;	/* -v, repeatable */
	int			 version;	/* -V */
	struct jmx_config	*cfg;
	struct jmx_store	*store;
	char			*home_dir;
};

/* "s" after a count of n things, unless n is 1: "1 agent", "2 agents". */
#define PLURAL(n)	((n) == 1 ? "" : "s")

/* Options every program takes: merge into its own getopt tables. */
#define CLI_SHORTOPTS	"c:hH:vV"
#define CLI_LONGOPTS							\
	{ "color",	required_argument,	NULL, CLI_OPT_COLOR },	\
	{ "config",	required_argument,	NULL, 'c' },		\
	{ "help",	no_argument,		NULL, 'h' },		\
	{ "home",	required_argument,	NULL, 'H' },		\
	{ "json",	no_argument,		NULL, CLI_OPT_JSON },	\
	{ "verbose",	no_argument,		NULL, 'v' },		\
	{ "version",	no_argument,		NULL, 'V' }
#define CLI_HELP							\
	"  -c, --config FILE   configuration (default: $JMX_CONFIG, ./jmx.yaml)\n" \
	"  -H, --home DIR      data directory (default: $JMX_HOME)\n"	\
	"      --json          one JSON document on stdout\n"		\
	"      --color WHEN    auto, always or never (default: auto)\n"	\
	"  -v, --verbose       more diagnostics on stderr (repeatable)\n"	\
	"  -h, --help          show this help and exit\n"		\
	"  -V, --version       show the version and exit\n"		\
	"\n"								\
	"Exit status: 0 success, 1 verdict failed, 2 usage, config or plan\n" \
	"error, 3 environment or remote failure, 4 run ended partial.\n"

enum {
	CLI_OPT_COLOR = 0x100,
	CLI_OPT_JSON,
	CLI_OPT_FIRST_PROGRAM		/* programs number theirs from here */
};

/* Start-up; argv[0] becomes the program's name without its directory. */
void	cli_init(struct cli *, char **argv);
/*
 * Handle one of the shared options.  Returns -1 when the program should
 * go on parsing, else the exit status to leave with (--help, --version,
 * an unknown option).
 */
int	cli_option(struct cli *, int ch, const char *arg,
	    void (*usage)(void));
/*
 * After the options: -1 to go on, else the exit status (--version, done
 * once all options are seen so that -V -v and -v -V agree).
 */
int	cli_parsed(struct cli *);
void	cli_free(struct cli *);
/* "prog: message" to stderr. */
void	cli_warnx(struct cli *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Print err as one line and return the exit status its code maps to. */
int	cli_fail(struct cli *, const struct jmx_err *);
/* A usage error: the message, the --help hint, exit status 2. */
int	cli_usage(struct cli *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* --version: "prog X.Y.Z", with -v the library versions too. */
int	cli_version(struct cli *);
/* Raise the log level for each -v. */
void	cli_verbosity(struct cli *);
/* Load the configuration (--config, else the default search); a
 * missing default config gives an empty one. */
enum jmx_code cli_load_config(struct cli *, struct jmx_err *);
/*
 * --check: load the configuration, printing every error found (up to
 * CLI_CHECK_ERRORS, in file order).  -1 if it loaded, else the exit
 * status.
 */
#define CLI_CHECK_ERRORS	50
int	cli_check_config(struct cli *);
/* Open the database under the data home, creating directories. */
enum jmx_code cli_open_store(struct cli *, struct jmx_err *);
/* The same for a command that only reads it (jmx_store_open_ro). */
enum jmx_code cli_open_store_ro(struct cli *, struct jmx_err *);
/* "root@host (pid 123)": who asks a run's controller, for its timeline. */
void	cli_actor(char *out, size_t len);
/* Print a subcommand that is not built yet: exit 2, never faked. */
int	cli_unimplemented(struct cli *, const char *what);

/* Colours for cli_color(); CLI_NONE is never an escape. */
enum cli_color {
	CLI_NONE = 0,
	CLI_RESET,
	CLI_RED,
	CLI_GREEN,
	CLI_YELLOW
};
/*
 * The escape that starts col on f (static), or "" if f is not coloured:
 * --color=always colours, never does not, auto (the default) when f is
 * a terminal, TERM is not "dumb" and NO_COLOR is unset or empty
 * (jmx_want_color).
 */
const char *cli_color(struct cli *, FILE *f, enum cli_color col);
/* A run state's colour: completed green, partial or stopped yellow,
 * failed red, others none. */
enum cli_color cli_state_color(enum jmx_run_state);
/* The width of f's terminal: TIOCGWINSZ, else $COLUMNS, else 80. */
int	cli_columns(FILE *f);

#endif

/* cli.c: shared start-up, error printing and resource finding. */
#include <sys/ioctl.h>

#include <locale.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "util.h"
#include "version.h"
#include "xmalloc.h"

void
cli_init(struct cli *c, char **argv)
{
	char *slash = strrchr(argv[0], '/');

	memset(c, 0, sizeof *c);
	/* getopt's own messages name argv[0]: the name, not the path. */
	if (slash != NULL)
		argv[0] = slash + 1;
	c->prog = argv[0];
	setlocale(LC_ALL, "");
	/* Numbers in output and JSON always use a dot. */
	setlocale(LC_NUMERIC, "C");
	jmx_log_open(c->prog);
}

int
cli_option(struct cli *c, int ch, const char *arg, void (*usage)(void))
{
	switch (ch) {
	case 'c':
		c->config_path = arg;
		return -1;
	case 'h':
		usage();
		return JMX_EXIT_OK;
	case 'H':
		c->home = arg;
		return -1;
	case 'v':
		c->verbose++;
		cli_verbosity(c);
		return -1;
	case 'V':
		/* after all options: -V -v shows the libraries too */
		c->version = 1;
		return -1;
	case CLI_OPT_COLOR:
		if (strcmp(arg, "auto") != 0 && strcmp(arg, "always") != 0 &&
		    strcmp(arg, "never") != 0)
			return cli_usage(c, "--color takes auto, always or "
			    "never, not '%s'", arg);
		c->color = arg;
		return -1;
	case CLI_OPT_JSON:
		c->json = 1;
		return -1;
	default:
		/* getopt has already said what was wrong. */
		fprintf(stderr, "Try '%s --help' for more information.\n",
		    c->prog);
		return JMX_EXIT_USAGE;
	}
}

void
cli_free(struct cli *c)
{
	jmx_store_close(c->store);
	jmx_config_free(c->cfg);
	free(c->home_dir);
	jmx_log_close();
	memset(c, 0, sizeof *c);
}

void
cli_warnx(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", c->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* "prog: " before an error: red when standard error is coloured. */
static void
error_prefix(struct cli *c)
{
	fprintf(stderr, "%s%s:%s ", cli_color(c, stderr, CLI_RED), c->prog,
	    cli_color(c, stderr, CLI_RESET));
}

int
cli_fail(struct cli *c, const struct jmx_err *err)
{
	error_prefix(c);
	fprintf(stderr, "%s\n", err->msg[0] != '\0' ? err->msg :
	    jmx_strerror(err->code));
	return jmx_code_exit(err->code);
}

int
cli_usage(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	error_prefix(c);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", c->prog);
	return JMX_EXIT_USAGE;
}

int
cli_parsed(struct cli *c)
{
	return c->version ? cli_version(c) : -1;
}

int
cli_version(struct cli *c)
{
	struct jmx_buf b = { 0 };

	printf("%s %s\n", c->prog, jmx_version());
	if (c->verbose > 0) {
		jmx_version_libs(&b);
		printf("%s\n", b.data);
		jmx_buf_free(&b);
	}
	return JMX_EXIT_OK;
}

void
cli_verbosity(struct cli *c)
{
	if (c->verbose >= 2)
		jmx_log_set_level(JMX_LOG_DEBUG);
	else if (c->verbose == 1)
		jmx_log_set_level(JMX_LOG_INFO);
}

static enum jmx_code
load_config(struct cli *c, struct jmx_err *errs, int max, int *nerrs)
{
	char *path;
	enum jmx_code code;

	*nerrs = 0;
	if (c->cfg != NULL)
		return JMX_OK;
	path = c->config_path != NULL ? xstrdup(c->config_path) :
	    jmx_config_default_path();
	if (path == NULL) {
		c->cfg = jmx_config_new();
		return JMX_OK;
	}
	code = jmx_config_load_all(path, &c->cfg, errs, max, nerrs);
	free(path);
	/* A config file that cannot be read is the operator's to fix. */
	if (code == JMX_ERR_IO)
		errs->code = code = JMX_ERR_CONFIG;
	return code;
}

enum jmx_code
cli_load_config(struct cli *c, struct jmx_err *err)
{
	int n;

	return load_config(c, err, 1, &n);
}

int
cli_check_config(struct cli *c)
{
	struct jmx_err errs[CLI_CHECK_ERRORS];
	int i, n;

	if (load_config(c, errs, CLI_CHECK_ERRORS, &n) == JMX_OK)
		return -1;
	for (i = 0; i < n && i < CLI_CHECK_ERRORS; i++)
		cli_warnx(c, "%s", errs[i].msg);
	if (n > CLI_CHECK_ERRORS)
		cli_warnx(c, "%d more error%s not shown",
		    n - CLI_CHECK_ERRORS, n - CLI_CHECK_ERRORS == 1 ? "" : "s");
	return jmx_code_exit(errs[0].code);
}

static enum jmx_code
open_store(struct cli *c, int readonly, struct jmx_err *err)
{
	char *db;
	enum jmx_code code;

	if (c->store != NULL)
		return JMX_OK;
	if (c->home_dir == NULL)
		c->home_dir = c->home != NULL ? xstrdup(c->home) :
		    jmx_store_home(c->cfg != NULL ? c->cfg->settings.home : NULL);
	if (jmx_mkdirs(c->home_dir, 0700, err) != JMX_OK)
		return err->code;
	xasprintf(&db, "%s/jmx.db", c->home_dir);
	code = readonly ? jmx_store_open_ro(db, &c->store, err) :
	    jmx_store_open(db, &c->store, err);
	free(db);
	return code;
}

enum jmx_code
cli_open_store(struct cli *c, struct jmx_err *err)
{
	return open_store(c, 0, err);
}

enum jmx_code
cli_open_store_ro(struct cli *c, struct jmx_err *err)
{
	return open_store(c, 1, err);
}

void
cli_actor(char *out, size_t len)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *user = pw != NULL ? pw->pw_name : getenv("USER");
	char host[128] = "";

	gethostname(host, sizeof host - 1);
	snprintf(out, len, "%s@%s (pid %ld)", user != NULL ? user : "?", host,
	    (long)getpid());
}

int
cli_unimplemented(struct cli *c, const char *what)
{
	cli_warnx(c, "'%s' is not implemented yet", what);
	return JMX_EXIT_USAGE;
}

const char *
cli_color(struct cli *c, FILE *f, enum cli_color col)
{
	if (col == CLI_NONE || !jmx_want_color(fileno(f), c->color))
		return "";
	switch (col) {
	case CLI_NONE:
		return "";
	case CLI_RESET:
		return "\033[0m";
	case CLI_RED:
		return "\033[31m";
	case CLI_GREEN:
		return "\033[32m";
	case CLI_YELLOW:
		return "\033[33m";
	}
	return "";
}

enum cli_color
cli_state_color(enum jmx_run_state state)
{
	switch (state) {
	case JMX_RUN_COMPLETED:
		return CLI_GREEN;
	case JMX_RUN_PARTIAL:
	case JMX_RUN_STOPPED:
		return CLI_YELLOW;
	case JMX_RUN_FAILED:
		return CLI_RED;
	default:
		return CLI_NONE;
	}
}

int
cli_columns(FILE *f)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");
	long n;
	char *end;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (env != NULL && *env != '\0') {
		n = strtol(env, &end, 10);
		if (*end == '\0' && n > 0 && n < 10000)
			return (int)n;
	}
	return 80;
}

/*
 * log.c: one line per message, "prog: text" at the default levels and
 * "prog: func: text" in debug, where the function name helps most.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

static const char *progname = "jmx";
static enum jmx_log_level level = JMX_LOG_WARN;
static FILE *logfp;

void
jmx_log_open(const char *name)
{
	const char *slash = strrchr(name, '/');

	progname = slash != NULL ? slash + 1 : name;
}

int
jmx_log_file(const char *path)
{
	FILE *fp = fopen(path, "a");

	if (fp == NULL)
		return -1;
	setvbuf(fp, NULL, _IOLBF, 0);
	jmx_log_close();
	logfp = fp;
	return 0;
}

void
jmx_log_close(void)
{
	if (logfp != NULL)
		fclose(logfp);
	logfp = NULL;
}

void
jmx_log_set_level(enum jmx_log_level l)
{
	level = l;
}

enum jmx_log_level
jmx_log_get_level(void)
{
	return level;
}

const char *
jmx_log_progname(void)
{
	return progname;
}

void
jmx_log(enum jmx_log_level l, const char *func, const char *fmt, ...)
{
	FILE *fp = logfp != NULL ? logfp : stderr;
	va_list ap;

	if (l > level)
		return;
	if (logfp != NULL) {
		char ts[32];
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(fp, "%s ", ts);
	}
	fprintf(fp, "%s: ", progname);
	if (l == JMX_LOG_DEBUG)
		fprintf(fp, "%s: ", func);
	else if (l == JMX_LOG_WARN)
		fputs("warning: ", fp);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fputc('\n', fp);
}

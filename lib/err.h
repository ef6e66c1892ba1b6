/*
 * err.h: the library's error codes and the caller-owned error record.
 *
 * Library functions return an enum jmx_code and, on failure, fill a
 * struct jmx_err that the caller owns.  The error path never allocates.
 */
#ifndef JMX_ERR_H
#define JMX_ERR_H

#include <stdarg.h>

enum jmx_code {
	JMX_OK = 0,
	JMX_ERR_USAGE,		/* bad command line or argument */
	JMX_ERR_CONFIG,		/* configuration file is wrong */
	JMX_ERR_PLAN,		/* JMX plan cannot be read or divided */
	JMX_ERR_DATA,		/* input data (JTL, CSV) is malformed */
	JMX_ERR_IO,		/* local file or process failure */
	JMX_ERR_STORE,		/* SQLite failure */
	JMX_ERR_SSH,		/* connection, host key or authentication */
	JMX_ERR_REMOTE,		/* a remote command failed */
	JMX_ERR_AGENT,		/* an agent is unusable for a run */
	JMX_ERR_NOTFOUND,	/* named run, agent or test case unknown */
	JMX_ERR_STATE,		/* request does not fit the current state */
	JMX_ERR_TIMEOUT,	/* a deadline passed */
	JMX_ERR_UNSUPPORTED,	/* feature not (yet) implemented */
	JMX_ERR_PARTIAL		/* run ended with part of its load missing */
};

/* Process exit statuses shared by all programs (STYLE.md). */
enum jmx_exit {
	JMX_EXIT_OK = 0,	/* success */
	JMX_EXIT_VERDICT = 1,	/* ran, but the verdict failed */
	JMX_EXIT_USAGE = 2,	/* usage, bad config or plan */
	JMX_EXIT_ENV = 3,	/* environment or remote failure */
	JMX_EXIT_PARTIAL = 4	/* the run ended partial */
};

struct jmx_err {
	enum jmx_code	code;
	int		sys_errno;	/* errno when the cause was a syscall */
	char		msg[512];
};

/* Fill err (may be NULL) and return code; msg is printf-formatted. */
enum jmx_code	jmx_err_set(struct jmx_err *, enum jmx_code, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
enum jmx_code	jmx_err_setv(struct jmx_err *, enum jmx_code, const char *,
		    va_list);
/* Like jmx_err_set, appending ": strerror(errno)" and saving errno. */
enum jmx_code	jmx_err_sys(struct jmx_err *, enum jmx_code, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
/* Prefix the existing message with "prefix: ". */
void		jmx_err_prefix(struct jmx_err *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		jmx_err_clear(struct jmx_err *);

/* Static text for a code. */
const char	*jmx_strerror(enum jmx_code);
/* The exit status a program uses when it fails with this code. */
int		 jmx_code_exit(enum jmx_code);

#endif

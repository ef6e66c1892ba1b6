/*
 * notify.h: notices about scheduled runs, to mail:ADDR (the system's
 * sendmail -t, message on stdin), exec:COMMAND (run by /bin/sh -c with
 * only the configured COMMAND; every detail in JMX_* environment
 * variables, never in the command line) and syslog[:TAG] (syslog(3)).
 */
#ifndef JMX_NOTIFY_H
#define JMX_NOTIFY_H

#include <stdint.h>

#include "err.h"

/* What a notice says; strings borrowed, NULL or -1 when not known. */
struct jmx_notice {
	const char	*event;		/* before, start, finish, failure,
					   skipped */
	int64_t		 task;
	const char	*test_case;
	int64_t		 due_ms;
	int64_t		 run;		/* 0 if none */
	const char	*state;		/* the run's state */
	const char	*verdict;	/* passed, failed, none */
	int64_t		 samples;
	double		 throughput;	/* samples per second */
	int64_t		 p95_ms;
	double		 error_pct;
	const char	*report;	/* the run's directory */
	const char	*reason;	/* why it failed or was skipped */
};

/* Is target a known kind with what it needs?  JMX_ERR_USAGE saying why. */
enum jmx_code	jmx_notify_check(const char *target, struct jmx_err *);
/* The notice as one line of text ("task 3 'checkout': run 12 ..."). */
char		*jmx_notify_text(const struct jmx_notice *);
/*
 * Send n to target, waiting at most JMX_NOTIFY_TIMEOUT_S for a mailer or
 * command (then killed).  An error says what failed; the caller logs it.
 */
#define JMX_NOTIFY_TIMEOUT_S	30
enum jmx_code	jmx_notify_send(const char *target, const struct jmx_notice *,
		    struct jmx_err *);

#endif

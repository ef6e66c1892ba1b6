/*
 * notify.c: send a notice to mail:, exec: or syslog: targets.
 *
 * Data never reaches a shell: mail goes to sendmail -t -i as a message on
 * stdin (header values stripped of control characters, so a test name
 * cannot add a header), exec: runs /bin/sh -c with only the configured
 * COMMAND and passes every detail in JMX_* environment variables.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "notify.h"
#include "util.h"
#include "xmalloc.h"

/* The mailer; JMX_SENDMAIL overrides it (for tests). */
#define SENDMAIL	"/usr/sbin/sendmail"

enum jmx_code
jmx_notify_check(const char *t, struct jmx_err *err)
{
	const char *p;

	if (strncmp(t, "mail:", 5) == 0) {
		p = t + 5;
		if (*p == '\0' || *p == '-' || strchr(p, '@') == NULL)
			return jmx_err_set(err, JMX_ERR_USAGE, "notice target "
			    "'%s': mail: needs an address such as "
			    "mail:ops@example.com", t);
		for (; *p != '\0'; p++)
			if (isspace((unsigned char)*p) || iscntrl((unsigned
			    char)*p) || *p == ',' || *p == '<' || *p == '>')
				return jmx_err_set(err, JMX_ERR_USAGE, "notice "
				    "target '%s': one plain address, no "
				    "spaces, commas or brackets", t);
		return JMX_OK;
	}
	if (strncmp(t, "exec:", 5) == 0) {
		if (t[5] == '\0')
			return jmx_err_set(err, JMX_ERR_USAGE, "notice target "
			    "'%s': exec: needs a command", t);
		return JMX_OK;
	}
	if (strcmp(t, "syslog") == 0 || strncmp(t, "syslog:", 7) == 0)
		return JMX_OK;
	return jmx_err_set(err, JMX_ERR_USAGE, "notice target '%s': not "
	    "mail:ADDR, exec:COMMAND or syslog[:TAG]", t);
}

static void
add_pct(struct jmx_buf *b, const char *fmt, double v)
{
	if (v >= 0)
		jmx_buf_addf(b, fmt, v);
}

char *
jmx_notify_text(const struct jmx_notice *n)
{
	struct jmx_buf b = { 0 };
	char when[32];

	jmx_format_time(when, sizeof when, n->due_ms);
	jmx_buf_addf(&b, "task %lld '", (long long)n->task);
	jmx_text_escape(&b, n->test_case);
	jmx_buf_adds(&b, "'");
	if (strcmp(n->event, "before") == 0)
		jmx_buf_addf(&b, ": starting soon, at %s", when);
	else if (strcmp(n->event, "start") == 0)
		jmx_buf_addf(&b, ": run %lld started (due %s)",
		    (long long)n->run, when);
	else if (strcmp(n->event, "skipped") == 0)
		jmx_buf_addf(&b, ": skipped the run due %s", when);
	else if (n->run > 0)
		jmx_buf_addf(&b, ": run %lld %s", (long long)n->run,
		    n->state != NULL ? n->state : "failed");
	else
		jmx_buf_addf(&b, ": the run due %s failed to start", when);
	if (n->verdict != NULL)
		jmx_buf_addf(&b, ", verdict %s", n->verdict);
	if (n->samples >= 0 && n->run > 0 && strcmp(n->event, "start") != 0) {
		jmx_buf_addf(&b, ", %lld samples", (long long)n->samples);
		add_pct(&b, ", %.1f/s", n->throughput);
		if (n->p95_ms >= 0)
			jmx_buf_addf(&b, ", p95 %lld ms", (long long)n->p95_ms);
		add_pct(&b, ", %.2f%% errors", n->error_pct);
	}
	if (n->report != NULL) {
		jmx_buf_adds(&b, ", report ");
		jmx_text_escape(&b, n->report);
	}
	if (n->reason != NULL) {
		jmx_buf_adds(&b, ": ");
		jmx_text_escape(&b, n->reason);
	}
	return jmx_buf_steal(&b);
}

/* "NAME=value" into env[(*n)++]. */
static void
env_add(char **env, int *n, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
env_add(char **env, int *n, const char *name, const char *fmt, ...)
{
	struct jmx_buf b = { 0 };
	char *v;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&v, fmt, ap) == -1)
		v = NULL;
	va_end(ap);
	jmx_buf_addf(&b, "%s=%s", name, v != NULL ? v : "");
	free(v);
	env[(*n)++] = jmx_buf_steal(&b);
}

#define NENV	16

static void
notice_env(const struct jmx_notice *n, const char *text, char **env)
{
	char when[32];
	int k = 0;

	jmx_format_time(when, sizeof when, n->due_ms);
	env_add(env, &k, "JMX_EVENT", "%s", n->event);
	env_add(env, &k, "JMX_TASK", "%lld", (long long)n->task);
	env_add(env, &k, "JMX_TEST_CASE", "%s", n->test_case);
	env_add(env, &k, "JMX_DUE", "%s", when);
	env_add(env, &k, "JMX_MESSAGE", "%s", text);
	if (n->run > 0)
		env_add(env, &k, "JMX_RUN", "%lld", (long long)n->run);
	if (n->state != NULL)
		env_add(env, &k, "JMX_STATE", "%s", n->state);
	if (n->verdict != NULL)
		env_add(env, &k, "JMX_VERDICT", "%s", n->verdict);
	if (n->samples >= 0) {
		env_add(env, &k, "JMX_SAMPLES", "%lld", (long long)n->samples);
		env_add(env, &k, "JMX_THROUGHPUT", "%.3f", n->throughput);
		env_add(env, &k, "JMX_P95_MS", "%lld", (long long)n->p95_ms);
		env_add(env, &k, "JMX_ERROR_PCT", "%.3f", n->error_pct);
	}
	if (n->report != NULL)
		env_add(env, &k, "JMX_REPORT", "%s", n->report);
	if (n->reason != NULL)
		env_add(env, &k, "JMX_REASON", "%s", n->reason);
	env[k] = NULL;
}

/* s for a mail header: control characters (a newline) become spaces. */
static void
header_text(struct jmx_buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		jmx_buf_addc(b, iscntrl((unsigned char)*s) ? ' ' : *s);
}

static enum jmx_code
send_mail(const char *addr, const struct jmx_notice *n, const char *text,
    struct jmx_err *err)
{
	const char *sendmail = getenv("JMX_SENDMAIL");
	const char *argv[4];
	struct jmx_buf msg = { 0 }, out = { 0 };
	enum jmx_code code;
	int status = 0;

	if (sendmail == NULL || *sendmail == '\0')
		sendmail = SENDMAIL;
	argv[0] = sendmail;
	argv[1] = "-t";
	argv[2] = "-i";
	argv[3] = NULL;
	jmx_buf_addf(&msg, "To: %s\nSubject: jmx: ", addr);
	header_text(&msg, text);
	jmx_buf_adds(&msg, "\nContent-Type: text/plain; charset=utf-8\n\n");
	jmx_buf_addf(&msg, "%s\n", text);
	code = jmx_spawn(argv, NULL, NULL, msg.data, &out,
	    JMX_NOTIFY_TIMEOUT_S, &status, err);
	if (code == JMX_OK && status != 0)
		code = jmx_err_set(err, JMX_ERR_IO, "mail to '%s': %s exited "
		    "with %d%s%s", addr, sendmail, status, out.len ? ": " : "",
		    out.len ? out.data : "");
	else if (code != JMX_OK)
		jmx_err_prefix(err, "mail to '%s'", addr);
	jmx_buf_free(&msg);
	jmx_buf_free(&out);
	return code;
}

static enum jmx_code
send_exec(const char *cmd, const struct jmx_notice *n, const char *text,
    struct jmx_err *err)
{
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	char *env[NENV + 1];
	struct jmx_buf out = { 0 };
	enum jmx_code code;
	int i, status = 0;

	notice_env(n, text, env);
	code = jmx_spawn(argv, (const char *const *)env, NULL, NULL, &out,
	    JMX_NOTIFY_TIMEOUT_S, &status, err);
	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	while (out.len > 0 && out.data[out.len - 1] == '\n')
		out.data[--out.len] = '\0';
	if (code == JMX_OK && status != 0)
		code = jmx_err_set(err, JMX_ERR_IO, "command '%s' exited with "
		    "%d%s%s", cmd, status, out.len ? ": " : "",
		    out.len ? out.data : "");
	else if (code != JMX_OK)
		jmx_err_prefix(err, "command '%s'", cmd);
	jmx_buf_free(&out);
	return code;
}

enum jmx_code
jmx_notify_send(const char *target, const struct jmx_notice *n,
    struct jmx_err *err)
{
	enum jmx_code code;
	char *text;

	if (jmx_notify_check(target, err) != JMX_OK)
		return JMX_ERR_USAGE;
	text = jmx_notify_text(n);
	if (strncmp(target, "mail:", 5) == 0)
		code = send_mail(target + 5, n, text, err);
	else if (strncmp(target, "exec:", 5) == 0)
		code = send_exec(target + 5, n, text, err);
	else {
		openlog(target[6] == ':' && target[7] != '\0' ? target + 7 :
		    "jmx-schedule", LOG_PID, LOG_USER);
		syslog(strcmp(n->event, "failure") == 0 ? LOG_ERR :
		    LOG_NOTICE, "%s", text);
		closelog();
		code = JMX_OK;
	}
	free(text);
	return code;
}

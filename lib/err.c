/* err.c: error records, their text and their exit statuses. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

enum jmx_code
jmx_err_setv(struct jmx_err *err, enum jmx_code code, const char *fmt,
    va_list ap)
{
	if (err == NULL)
		return code;
	err->code = code;
	err->sys_errno = 0;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	return code;
}

enum jmx_code
jmx_err_set(struct jmx_err *err, enum jmx_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	jmx_err_setv(err, code, fmt, ap);
	va_end(ap);
	return code;
}

enum jmx_code
jmx_err_sys(struct jmx_err *err, enum jmx_code code, const char *fmt, ...)
{
	int saved = errno;
	size_t len;
	va_list ap;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	jmx_err_setv(err, code, fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	if (len + 3 < sizeof err->msg) {
		err->msg[len++] = ':';
		err->msg[len++] = ' ';
		strncpy(err->msg + len, strerror(saved),
		    sizeof err->msg - len - 1);
		err->msg[sizeof err->msg - 1] = '\0';
	}
	err->sys_errno = saved;
	return code;
}

void
jmx_err_prefix(struct jmx_err *err, const char *fmt, ...)
{
	char old[sizeof err->msg], pre[sizeof err->msg];
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	snprintf(err->msg, sizeof err->msg, "%s: %s", pre, old);
}

void
jmx_err_clear(struct jmx_err *err)
{
	if (err == NULL)
		return;
	err->code = JMX_OK;
	err->sys_errno = 0;
	err->msg[0] = '\0';
}

/* No default case: the compiler names any code left without text. */
const char *
jmx_strerror(enum jmx_code code)
{
	switch (code) {
	case JMX_OK:
		return "no error";
	case JMX_ERR_USAGE:
		return "usage error";
	case JMX_ERR_CONFIG:
		return "configuration error";
	case JMX_ERR_PLAN:
		return "test plan error";
	case JMX_ERR_DATA:
		return "malformed input data";
	case JMX_ERR_IO:
		return "input/output error";
	case JMX_ERR_STORE:
		return "database error";
	case JMX_ERR_SSH:
		return "ssh error";
	case JMX_ERR_REMOTE:
		return "remote command failed";
	case JMX_ERR_AGENT:
		return "agent unusable";
	case JMX_ERR_NOTFOUND:
		return "not found";
	case JMX_ERR_STATE:
		return "not possible in the current state";
	case JMX_ERR_TIMEOUT:
		return "timed out";
	case JMX_ERR_UNSUPPORTED:
		return "not supported";
	case JMX_ERR_PARTIAL:
		return "run ended partial";
	}
	return "unknown error";
}

int
jmx_code_exit(enum jmx_code code)
{
	switch (code) {
	case JMX_OK:
		return JMX_EXIT_OK;
	case JMX_ERR_USAGE:
	case JMX_ERR_CONFIG:
	case JMX_ERR_PLAN:
	case JMX_ERR_DATA:
	case JMX_ERR_NOTFOUND:
	case JMX_ERR_STATE:
	case JMX_ERR_UNSUPPORTED:
		return JMX_EXIT_USAGE;
	case JMX_ERR_IO:
	case JMX_ERR_STORE:
	case JMX_ERR_SSH:
	case JMX_ERR_REMOTE:
	case JMX_ERR_AGENT:
	case JMX_ERR_TIMEOUT:
		return JMX_EXIT_ENV;
	case JMX_ERR_PARTIAL:
		return JMX_EXIT_PARTIAL;
	}
	return JMX_EXIT_ENV;
}

/*
 * tap.h: a tiny Test Anything Protocol helper for the unit tests.
 * Each test program prints "1..N" at the end (done_testing) and one
 * "ok"/"not ok" line per check; tap_tmpdir() gives it a private directory
 * that is removed on success and kept for inspection on failure.
 */
#ifndef JMX_TAP_H
#define JMX_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int tap_n, tap_failed;
static char tap_dir[256];

static int __attribute__((unused))
tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok((cond), __VA_ARGS__)
#define is_int(got, want, name) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (!tap_ok(g_ == w_, "%s", (name)))				\
		printf("#   got %lld, want %lld (%s:%d)\n", g_, w_,	\
		    __FILE__, __LINE__);				\
} while (0)
#define is_num(got, want, eps, name) do {				\
	double g_ = (got), w_ = (want);					\
	if (!tap_ok(fabs(g_ - w_) <= (eps), "%s", (name)))		\
		printf("#   got %.6f, want %.6f (%s:%d)\n", g_, w_,	\
		    __FILE__, __LINE__);				\
} while (0)
#define is_str(got, want, name) do {					\
	const char *g_ = (got), *w_ = (want);				\
	int c_ = (g_ == NULL && w_ == NULL) ||				\
	    (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0);		\
	if (!tap_ok(c_, "%s", (name)))					\
		printf("#   got '%s', want '%s' (%s:%d)\n",		\
		    g_ ? g_ : "(null)", w_ ? w_ : "(null)",		\
		    __FILE__, __LINE__);				\
} while (0)

/* A fresh private directory for this test program. */
static const char * __attribute__((unused))
tap_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (tap_dir[0] == '\0') {
		snprintf(tap_dir, sizeof tap_dir, "%s/jmx-unit-XXXXXX",
		    base != NULL ? base : "/tmp");
		if (mkdtemp(tap_dir) == NULL) {
			perror("mkdtemp");
			exit(99);
		}
	}
	return tap_dir;
}

/* Print the plan; remove the temp dir unless something failed. */
static int __attribute__((unused))
done_testing(void)
{
	char cmd[300];

	printf("1..%d\n", tap_n);
	if (tap_dir[0] != '\0') {
		if (tap_failed == 0) {
			snprintf(cmd, sizeof cmd, "rm -rf '%s'", tap_dir);
			if (system(cmd) != 0)
				printf("# could not remove %s\n", tap_dir);
		} else
			printf("# kept %s\n", tap_dir);
	}
	return tap_failed == 0 ? 0 : 1;
}

#endif

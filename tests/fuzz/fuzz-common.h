/*
 * fuzz-common.h: what the file-reading harnesses share: the input is
 * written to a file of this process under $TMPDIR (the loaders read
 * paths), and every error message must name that file.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A path of this process under $TMPDIR ending in name; static storage. */
static const char *
fuzz_path(const char *name, int which)
{
	static char paths[2][256];
	const char *tmp;

	if (paths[which][0] == '\0') {
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
			tmp = "/tmp";
		snprintf(paths[which], sizeof paths[which], "%s/jmx-fuzz-%ld-%s",
		    tmp, (long)getpid(), name);
	}
	return paths[which];
}

/* Write size bytes of data to path, or abort: the harness is broken. */
static void
fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	FILE *f;

	if ((f = fopen(path, "wb")) == NULL ||
	    (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

/* The message must be non-empty and mention the file (abort if not). */
static void
fuzz_named(const char *msg, const char *file)
{
	if (msg[0] == '\0' || strstr(msg, file) == NULL) {
		fprintf(stderr, "error does not name '%s': '%s'\n", file, msg);
		abort();
	}
}

#endif

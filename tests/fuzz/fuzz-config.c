/*
 * fuzz-config.c: libFuzzer harness for the configuration loader
 * (lib/config.c, libyaml underneath).  The input is the YAML file.  Both
 * loaders run: jmx_config_load() must fail exactly when
 * jmx_config_load_all() does, and every error must start with the file's
 * name ("FILE:LINE:COL: ...").
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "config.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path("jmx.yaml", 0);
	struct jmx_config *cfg = NULL, *all = NULL;
	struct jmx_err err, errs[4];
	enum jmx_code rc, rc_all;
	int i, n = 0;

	fuzz_write(path, data, size);
	memset(&err, 0, sizeof err);
	memset(errs, 0, sizeof errs);
	rc = jmx_config_load(path, &cfg, &err);
	rc_all = jmx_config_load_all(path, &all, errs, 4, &n);
	if ((rc == JMX_OK) != (rc_all == JMX_OK)) {
		fprintf(stderr, "load %d, load_all %d\n", rc, rc_all);
		abort();
	}
	if (rc == JMX_OK) {
		if (cfg == NULL || all == NULL)
			abort();
		for (i = 0; i < cfg->ntests; i++)
			(void)jmx_config_test(cfg, cfg->tests[i].name);
		for (i = 0; i < cfg->nagents; i++)
			if (jmx_config_agent(cfg, cfg->agents[i].name) == NULL)
				abort();
	} else {
		if (cfg != NULL || all != NULL || n < 1)
			abort();
		fuzz_named(err.msg, path);
		for (i = 0; i < n && i < 4; i++)
			fuzz_named(errs[i].msg, path);
		/* The first error is the same either way. */
		if (strcmp(err.msg, errs[0].msg) != 0) {
			fprintf(stderr, "load: %s\nload_all: %s\n", err.msg,
			    errs[0].msg);
			abort();
		}
	}
	jmx_config_free(cfg);
	jmx_config_free(all);
	return 0;
}

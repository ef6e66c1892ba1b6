/*
 * fuzz-plan.c: libFuzzer harness for the JMX reader and rewriter
 * (lib/plan.c, libxml2 underneath).  The input is the plan.  A plan that
 * loads is written for one agent (half the threads plus one, half the
 * targets, each CSV Data Set renamed, the synchronized start injected
 * when it has a main group), and the share written must load again.
 * A plan that does not load must say why, naming the file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "config.h"
#include "plan.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct jmx_prop props[] = {
		{ "threads", "4" }, { "users", "10" }, { "ramp", "5" },
		{ "duration", "60" }, { "rate", "120" }
	};
	const char *path = fuzz_path("plan.jmx", 0);
	const char *out = fuzz_path("share.jmx", 1);
	struct jmx_plan *p = NULL, *q = NULL;
	struct jmx_plan_gshare *gs;
	struct jmx_plan_rename *rn;
	struct jmx_plan_share sh;
	struct jmx_err err;
	enum jmx_code rc;
	char (*to)[32];
	int i, main_group = 0;

	fuzz_write(path, data, size);
	memset(&err, 0, sizeof err);
	rc = jmx_plan_load(path, props, 5, &p, &err);
	if (rc != JMX_OK) {
		if (p != NULL || (rc != JMX_ERR_PLAN &&
		    rc != JMX_ERR_UNSUPPORTED))
			abort();
		fuzz_named(err.msg, path);
		return 0;
	}
	gs = calloc((size_t)p->ngroups + 1, sizeof *gs);
	rn = calloc((size_t)p->ncsvs + 1, sizeof *rn);
	to = calloc((size_t)p->ncsvs + 1, sizeof *to);
	if (gs == NULL || rn == NULL || to == NULL)
		abort();
	for (i = 0; i < p->ngroups; i++) {
		/*
		 * At least 1: a group given 0 is disabled in the share, and
		 * so is what a broken plan nests in it, other groups too.
		 */
		gs[i].threads = p->groups[i].threads / 2 + 1;
		gs[i].scale = 0.5;
		if (p->groups[i].enabled && (p->groups[i].kind ==
		    JMX_PLAN_THREADS || p->groups[i].kind == JMX_PLAN_OPEN_MODEL))
			main_group = 1;
	}
	for (i = 0; i < p->ncsvs; i++) {
		snprintf(to[i], sizeof to[i], "data/f%d.csv", i);
		rn[i].from = p->csvs[i].filename;
		rn[i].to = to[i];
		rn[i].row_var = i % 2 ? "jmx_row" : NULL;
	}
	memset(&sh, 0, sizeof sh);
	sh.groups = gs;
	sh.ngroups = p->ngroups;
	sh.scale = 0.5;
	sh.duration_s = size % 3 ? 0 : 30;
	sh.ramp_set = size % 2;
	sh.ramp_s = 3;
	sh.renames = rn;
	sh.nrenames = p->ncsvs;
	sh.sync_start = main_group;
	sh.warm_up = main_group && size % 5 == 0;
	rc = jmx_plan_write_share(p, &sh, out, &err);
	if (rc != JMX_OK)
		fuzz_named(err.msg, "");
	else if (jmx_plan_load(out, props, 5, &q, &err) != JMX_OK) {
		fprintf(stderr, "the share written does not load: %s\n",
		    err.msg);
		abort();
	}
	jmx_plan_free(q);
	jmx_plan_free(p);
	free(gs);
	free(rn);
	free(to);
	return 0;
}

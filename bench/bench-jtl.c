/*
 * bench-jtl.c: the ingestion hot path on a JTL file: read it in 64 KB
 * chunks, parse every record and add it to a struct jmx_agg, flushing the
 * buckets every 1 MB as the runner does at each commit (visit them all,
 * then clear).  Prints records, seconds and records per second.  The
 * parser is asked only for the columns the aggregation reads
 * (JMX_AGG_FIELDS), as an ingesting caller should.
 *
 * usage: bench-jtl [-a] [-e] [-p] file.jtl
 *	-a: parse every column (the parser's default)
 *	-e: at each flush also encode every bucket's histograms, as the
 *	    store does when it commits them
 *	-p: parse only, no aggregation
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "hist.h"
#include "jtl.h"
#include "stats.h"
#include "util.h"

#define CHUNK		(64 * 1024)
#define FLUSH_EVERY	16		/* chunks */

static enum jmx_code
add(const struct jmx_sample *s, void *arg, struct jmx_err *err)
{
	jmx_agg_add(arg, s, 0);
	return JMX_OK;
}

static enum jmx_code
count(const struct jmx_sample *s, void *arg, struct jmx_err *err)
{
	(*(uint64_t *)arg) += (uint64_t)s->elapsed;
	return JMX_OK;
}

static enum jmx_code
visit(const struct jmx_bucket *b, void *arg)
{
	*(uint64_t *)arg += b->count;
	return JMX_OK;
}

static struct jmx_buf blob;

static enum jmx_code
visit_encode(const struct jmx_bucket *b, void *arg)
{
	visit(b, arg);
	jmx_buf_reset(&blob);
	jmx_hist_encode(b->hist, &blob);
	if (b->err_hist != NULL)
		jmx_hist_encode(b->err_hist, &blob);
	return JMX_OK;
}

int
main(int argc, char **argv)
{
	static char buf[CHUNK];
	struct jmx_agg *agg;
	struct jmx_jtl *p;
	struct jmx_err err;
	struct timespec t0, t1;
	uint64_t counted = 0, sum = 0;
	ssize_t n;
	double secs;
	enum jmx_code (*flush)(const struct jmx_bucket *, void *) = visit;
	int fd, chunks = 0, parse_only = 0, all = 0;

	for (; argc > 2 && argv[1][0] == '-'; argc--, argv++) {
		if (strcmp(argv[1], "-p") == 0)
			parse_only = 1;
		else if (strcmp(argv[1], "-a") == 0)
			all = 1;
		else if (strcmp(argv[1], "-e") == 0)
			flush = visit_encode;
		else
			break;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: bench-jtl [-a] [-e] [-p] file.jtl\n");
		return 2;
	}
	if ((fd = open(argv[1], O_RDONLY)) == -1) {
		perror(argv[1]);
		return 1;
	}
	agg = jmx_agg_new();
	if (parse_only)
		p = jmx_jtl_new(count, &sum);
	else
		p = jmx_jtl_new(add, agg);
	jmx_jtl_set_skip_bad(p, 1);
	if (!all)
		jmx_jtl_set_fields(p, JMX_AGG_FIELDS);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		if (jmx_jtl_feed(p, buf, (size_t)n, &err) != JMX_OK) {
			fprintf(stderr, "bench-jtl: %s\n", err.msg);
			return 1;
		}
		if (++chunks % FLUSH_EVERY == 0) {
			jmx_agg_foreach(agg, flush, &counted);
			jmx_agg_clear(agg);
		}
	}
	if (jmx_jtl_finish(p, &err) != JMX_OK)
		fprintf(stderr, "bench-jtl: %s\n", err.msg);
	jmx_agg_foreach(agg, flush, &counted);
	jmx_agg_clear(agg);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("records %llu bad %llu counted %llu seconds %.3f "
	    "records/s %.0f\n", (unsigned long long)jmx_jtl_records(p),
	    (unsigned long long)jmx_jtl_bad(p), (unsigned long long)counted,
	    secs, secs > 0 ? (double)jmx_jtl_records(p) / secs : 0);
	if (parse_only)
		printf("elapsed sum %llu\n", (unsigned long long)sum);
	jmx_jtl_free(p);
	jmx_agg_free(agg);
	jmx_buf_free(&blob);
	close(fd);
	return 0;
}

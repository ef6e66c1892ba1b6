/*
 * jtl-gen.c: write a realistic JMeter CSV JTL of N records to stdout, for
 * benchmarking the parser and the aggregation.
 *
 * Default columns; 10 labels (two of them need quoting); 50 threads each
 * looping over the labels with think time; elapsed times log-normal with
 * a long tail; about 1.5 % failures, whose messages sometimes hold a comma
 * or a line break (quoted); lines in completion order, as JMeter writes
 * them.  Deterministic for a given seed.
 *
 * Each thread makes about 1.3 samples/s, so the rate is set by -t: the
 * default 50 threads give ~67 samples/s, ~7 per (second, label) bucket,
 * the worst case for the aggregation; a load test at hundreds of
 * samples/s (-t 400: ~530/s, ~53 per bucket) is more typical.
 *
 * usage: jtl-gen [-t threads] N [seed] > file.jtl
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXTHREADS	10000

static const char *const labels[] = {
	"01 Home", "\"02 Search, products\"", "03 Product page",
	"04 Add to cart", "05 View cart", "06 Checkout: address",
	"07 Checkout: payment", "08 Place order", "\"09 Login \"\"SSO\"\"\"",
	"10 Logout"
};
static const char *const paths[] = {
	"/", "/search?q=shoes&page=2", "/product/12345", "/cart/add",
	"/cart", "/checkout/address", "/checkout/payment", "/order",
	"/sso/login", "/logout"
};
static const double median_ms[] = {
	45, 180, 90, 60, 55, 120, 350, 420, 150, 30
};
#define NLABELS	(int)(sizeof labels / sizeof labels[0])

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
uniform(void)
{
	return (double)(next() >> 11) / 9007199254740992.0;
}

static double
gauss(void)
{
	double u = uniform(), v = uniform();

	if (u < 1e-12)
		u = 1e-12;
	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

struct thread {
	int64_t	 end;		/* its sample's end */
	int64_t	 start;
	int64_t	 elapsed;
	int	 step;
};

static void
begin(struct thread *t, int64_t now)
{
	int l = t->step % NLABELS;
	double e = median_ms[l] * exp(0.6 * gauss());

	if (uniform() < 0.01)
		e *= 5 + 20 * uniform();	/* the long tail */
	/* think time 200..1000 ms */
	t->start = now + (int64_t)(200 + 800 * uniform());
	t->elapsed = (int64_t)e + 1;
	t->end = t->start + t->elapsed;
}

int
main(int argc, char **argv)
{
	static struct thread th[MAXTHREADS];
	long long n, i;
	int nthreads = 50;
	int k, best, l, fail;
	int64_t lat, conn;

	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		nthreads = atoi(argv[2]);
		argc -= 2;
		argv += 2;
	}
	if (argc < 2 || (n = atoll(argv[1])) < 0 || nthreads < 1 ||
	    nthreads > MAXTHREADS) {
		fprintf(stderr, "usage: jtl-gen [-t threads] N [seed]\n");
		return 2;
	}
	if (argc > 2)
		rng ^= (uint64_t)atoll(argv[2]) * 0x2545F4914F6CDD1DULL;
	printf("timeStamp,elapsed,label,responseCode,responseMessage,"
	    "threadName,dataType,success,failureMessage,bytes,sentBytes,"
	    "grpThreads,allThreads,URL,Latency,IdleTime,Connect\n");
	for (k = 0; k < nthreads; k++) {
		th[k].step = k;
		begin(&th[k], 1764132726000LL + k * 5000 / nthreads);
	}
	for (i = 0; i < n; i++) {
		best = 0;
		for (k = 1; k < nthreads; k++)
			if (th[k].end < th[best].end)
				best = k;
		l = th[best].step % NLABELS;
		fail = uniform() < 0.015;
		lat = th[best].elapsed * (60 + (int64_t)(next() % 40)) / 100;
		conn = next() % 10 == 0 ? (int64_t)(next() % 40) : 0;
		printf("%lld,%lld,%s,", (long long)th[best].start,
		    (long long)th[best].elapsed, labels[l]);
		if (!fail)
			printf("200,OK,Thread Group 1-%d,text,true,,",
			    best + 1);
		else if (next() % 3 == 0)
			printf("Non HTTP response code: java.net."
			    "SocketTimeoutException,Non HTTP response message: "
			    "Read timed out,Thread Group 1-%d,text,false,"
			    "\"Read timed out, after 30000 ms\",", best + 1);
		else if (next() % 2 == 0)
			printf("500,Internal Server Error,Thread Group 1-%d,"
			    "text,false,\"Test failed: text expected to "
			    "contain /Welcome, \"\"user\"\"/\n"
			    "Response was an error page\",", best + 1);
		else
			printf("500,Internal Server Error,Thread Group 1-%d,"
			    "text,false,Test failed: code expected to equal /"
			    "200/,", best + 1);
		printf("%lld,%lld,%d,%d,https://shop.example.com%s,"
		    "%lld,0,%lld\n",
		    (long long)(500 + next() % 60000),
		    (long long)(120 + next() % 900), nthreads, nthreads,
		    paths[l], (long long)lat, (long long)conn);
		th[best].step++;
		begin(&th[best], th[best].end);
	}
	return 0;
}

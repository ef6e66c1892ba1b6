/*
 * standin.c: a JMeter stand-in for fleet-scale tests of jmx-run.
 *
 * Fifty JVMs do not fit in two cores, so bench/fleet.sh runs this on each
 * agent instead.  It is started by bin/jmeter exactly as run.sh starts
 * JMeter (lib/agent.c), and does what jmx-run relies on:
 *   - prints JMeter's start lines to stdout (jmeter.out), among them
 *     "Waiting for possible Shutdown/StopTestNow/... on port N", and
 *     listens on that UDP port for Shutdown and StopTestNow;
 *   - reads the plan jmx-run uploaded for this agent: its main
 *     ThreadGroups' thread counts and durations (as rewritten for the
 *     agent), sampler names, and whether the sync group was injected;
 *   - with the sync group: writes jmx.ready, waits for T0 (property
 *     jmx.t0, else the file jmx.t0), sleeps until it;
 *   - writes a CSV JTL with JMeter 5's default columns (plus any
 *     sample_variables), whole lines per write(2) as autoflush does, at
 *     -Jstandin.rate records per second (default 2000) until T0 plus the
 *     planned duration, then exits 0 like JMeter.
 * It skips everything else: no HTTP traffic, no ramp-up, no timers,
 * no listeners; elapsed times are synthetic (1..50 ms).
 *
 * usage (as bin/jmeter): standin -n -t PLAN -l JTL -j LOG [-Jname=value...]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_LABELS	8
#define TICK_MS		10
#define FIRST_PORT	4445	/* JMeter's: 4445..4455 */
#define LAST_PORT	4455

struct plan {
	int	 threads;
	long	 duration_s;
	int	 sync;
	char	 group[128];
	char	*labels[MAX_LABELS];
	int	 nlabels;
};

static FILE *logf;

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
logmsg(const char *fmt, ...)
{
	va_list ap;
	time_t t = time(NULL);
	char when[32];

	if (logf == NULL)
		return;
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime(&t));
	fprintf(logf, "%s INFO o.a.j.StandIn: ", when);
	va_start(ap, fmt);
	vfprintf(logf, fmt, ap);
	va_end(ap);
	fputc('\n', logf);
	fflush(logf);
}

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "standin: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (logf != NULL) {
		fprintf(logf, "ERROR standin: ");
		va_start(ap, fmt);
		vfprintf(logf, fmt, ap);
		va_end(ap);
		fputc('\n', logf);
		fclose(logf);
	}
	exit(1);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return NULL;
	do {
		if (cap - len < 65536) {
			cap = cap * 2 + 65536;
			if ((buf = realloc(buf, cap + 1)) == NULL)
				die("out of memory");
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* The value of attribute name in the start tag at tag (up to '>'). */
static int
attr(const char *tag, const char *name, char *out, size_t size)
{
	const char *end = strchr(tag, '>'), *p;
	char pat[64];
	size_t n;

	snprintf(pat, sizeof pat, " %s=\"", name);
	if ((p = strstr(tag, pat)) == NULL || (end != NULL && p > end))
		return 0;
	p += strlen(pat);
	n = strcspn(p, "\"");
	if (n >= size)
		n = size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 1;
}

/* The number in <xxxProp name="name">N</xxxProp> between from and to. */
static long
prop_num(const char *from, const char *to, const char *name)
{
	char pat[96];
	const char *p;

	snprintf(pat, sizeof pat, "name=\"%s\">", name);
	if ((p = strstr(from, pat)) == NULL || p > to)
		return 0;
	return strtol(p + strlen(pat), NULL, 10);
}

/*
 * What this agent's share of the plan asks: the plan is the one jmx-run
 * wrote (plan.c), so thread counts and durations are plain numbers.
 */
static void
read_plan(const char *path, struct plan *pl)
{
	char *xml = slurp(path), *p, *end, buf[128];

	if (xml == NULL)
		die("cannot read plan '%s': %s", path, strerror(errno));
	memset(pl, 0, sizeof *pl);
	pl->sync = strstr(xml, "testname=\"jmx-sync-start\"") != NULL;
	for (p = xml; (p = strstr(p, "<ThreadGroup ")) != NULL; p = end) {
		if ((end = strstr(p, "</ThreadGroup>")) == NULL)
			die("plan '%s': unterminated ThreadGroup", path);
		if (attr(p, "enabled", buf, sizeof buf) &&
		    strcmp(buf, "false") == 0)
			continue;
		pl->threads += (int)prop_num(p, end, "ThreadGroup.num_threads");
		if (prop_num(p, end, "ThreadGroup.duration") > pl->duration_s)
			pl->duration_s = prop_num(p, end,
			    "ThreadGroup.duration");
		if (pl->group[0] == '\0')
			attr(p, "testname", pl->group, sizeof pl->group);
	}
	for (p = xml; pl->nlabels < MAX_LABELS &&
	    (p = strstr(p, "<HTTPSamplerProxy ")) != NULL; p++)
		if (attr(p, "testname", buf, sizeof buf))
			pl->labels[pl->nlabels++] = strdup(buf);
	free(xml);
	if (pl->nlabels == 0)
		pl->labels[pl->nlabels++] = strdup("sample");
	if (pl->group[0] == '\0')
		snprintf(pl->group, sizeof pl->group, "Thread Group");
	if (pl->threads <= 0)
		die("plan '%s': no enabled ThreadGroup with threads", path);
	if (pl->duration_s <= 0)
		die("plan '%s': no duration (run jmx-run with --duration)",
		    path);
}

/* A CSV field, quoted when it must be. */
static void
csv(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\n\r") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* JMeter's UDP control port: the first free one of 4445..4455. */
static int
control_port(int *port)
{
	struct sockaddr_in sa;
	int fd, p;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (p = FIRST_PORT; p <= LAST_PORT; p++) {
		sa.sin_port = htons((uint16_t)p);
		if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
			*port = p;
			return fd;
		}
	}
	close(fd);
	return -1;
}

/* Wait up to ms for a control message; 1 when told to stop. */
static int
stop_requested(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char msg[64];
	ssize_t n;

	if (ms < 0)
		ms = 0;
	if (fd < 0) {
		if (ms > 0)
			usleep((useconds_t)ms * 1000);
		return 0;
	}
	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	while ((n = recv(fd, msg, sizeof msg - 1, 0)) > 0) {
		msg[n] = '\0';
		logmsg("Command: %s received", msg);
		if (strcmp(msg, "Shutdown") == 0 ||
		    strcmp(msg, "StopTestNow") == 0)
			return 1;
	}
	return 0;
}

/* T0 from the property, else from the file jmx.t0; -1 if stopped. */
static int64_t
wait_t0(const char *prop, int fd)
{
	char buf[64], *end;
	long long v;
	FILE *f;

	if ((f = fopen("jmx.ready", "w")) == NULL ||
	    fputs("ready", f) < 0 || fclose(f) != 0)
		die("cannot write jmx.ready: %s", strerror(errno));
	logmsg("jmx-sync: ready");
	if (prop != NULL)
		return strtoll(prop, NULL, 10);
	for (;;) {
		if ((f = fopen("jmx.t0", "r")) != NULL) {
			if (fgets(buf, sizeof buf, f) != NULL) {
				v = strtoll(buf, &end, 10);
				if (end != buf) {
					fclose(f);
					return v;
				}
			}
			fclose(f);
		}
		if (stop_requested(fd, 10))
			return -1;
	}
}

/* One name=value property, as -Jname=value or a line of a -q file. */
static void
take_prop(const char *nv, double *rate, const char **t0prop,
    const char **vars)
{
	if (strncmp(nv, "standin.rate=", 13) == 0)
		*rate = atof(nv + 13);
	else if (strncmp(nv, "jmx.t0=", 7) == 0)
		*t0prop = strdup(nv + 7);
	else if (strncmp(nv, "sample_variables=", 17) == 0)
		*vars = strdup(nv + 17);
}

/* jmx-run passes the run's properties in a file (-q), as to JMeter. */
static void
read_props(const char *path, double *rate, const char **t0prop,
    const char **vars)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		die("cannot open '%s': %s", path, strerror(errno));
	while ((n = getline(&line, &cap, f)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		take_prop(line, rate, t0prop, vars);
	}
	free(line);
	fclose(f);
}

int
main(int argc, char **argv)
{
	const char *planpath = NULL, *jtlpath = NULL, *logpath = NULL;
	const char *t0prop = NULL, *vars = NULL;
	struct plan pl;
	double rate = 2000;
	int64_t t0, end, now, written = 0, due, d;
	char *line = NULL;
	size_t linecap = 0;
	FILE *mem;
	int i, fd, port = 0, jtl, nvars = 0, stopped = 0;
	const char *p;

	if (getenv("JMX_STANDIN_RATE") != NULL)
		rate = atof(getenv("JMX_STANDIN_RATE"));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			planpath = argv[++i];
		else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
			jtlpath = argv[++i];
		else if (strcmp(argv[i], "-j") == 0 && i + 1 < argc)
			logpath = argv[++i];
		else if (strcmp(argv[i], "-q") == 0 && i + 1 < argc)
			read_props(argv[++i], &rate, &t0prop, &vars);
		else if (strncmp(argv[i], "-J", 2) == 0)
			take_prop(argv[i] + 2, &rate, &t0prop, &vars);
	}
	if (planpath == NULL || jtlpath == NULL)
		die("usage: jmeter -n -t PLAN -l JTL [-j LOG] [-Jname=value...]");
	if (rate <= 0)
		die("standin.rate must be positive");
	if (logpath != NULL && (logf = fopen(logpath, "a")) == NULL)
		die("cannot open '%s': %s", logpath, strerror(errno));
	logmsg("Version 5.6.3 (jmx stand-in, not JMeter)");
	read_plan(planpath, &pl);
	logmsg("plan: %d threads, %ld s, sync %d, %.0f records/s",
	    pl.threads, pl.duration_s, pl.sync, rate);
	fd = control_port(&port);
	printf("Creating summariser <summary>\n"
	    "Created the tree successfully using %s\n"
	    "Starting standalone test @ %lld\n", planpath,
	    (long long)now_ms());
	if (fd >= 0)
		printf("Waiting for possible Shutdown/StopTestNow/HeapDump/"
		    "ThreadDump message on port %d\n", port);
	fflush(stdout);

	t0 = now_ms();
	if (pl.sync && (t0 = wait_t0(t0prop, fd)) < 0)
		stopped = 1;
	while (!stopped && (d = t0 - now_ms()) > 0)
		stopped = stop_requested(fd, (int)(d < 100 ? d : 100));
	logmsg("jmx-sync: T0 reached");

	if ((jtl = open(jtlpath, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0)
		die("cannot open '%s': %s", jtlpath, strerror(errno));
	if ((mem = open_memstream(&line, &linecap)) == NULL)
		die("out of memory");
	fputs("timeStamp,elapsed,label,responseCode,responseMessage,"
	    "threadName,dataType,success,failureMessage,bytes,sentBytes,"
	    "grpThreads,allThreads,URL,Latency,IdleTime,Connect", mem);
	for (p = vars; p != NULL && *p != '\0'; nvars++) {
		fputc(',', mem);
		fprintf(mem, "%.*s", (int)strcspn(p, ","), p);
		p += strcspn(p, ",");
		p += *p == ',';
	}
	fputc('\n', mem);
	end = t0 + pl.duration_s * 1000;
	while (!stopped) {
		now = now_ms();
		if (now > end)
			now = end;
		/* Records due by now since T0; never a burst over a second. */
		due = (int64_t)((double)(now - t0) * rate / 1000.0);
		if (due - written > (int64_t)rate)
			written = due - (int64_t)rate;
		for (; written < due; written++) {
			int64_t el = 1 + (written * 7919) % 50;

			fprintf(mem, "%lld,%lld,", (long long)(now - el),
			    (long long)el);
			csv(mem, pl.labels[written % pl.nlabels]);
			fputs(",200,OK,", mem);
			fprintf(mem, "%s 1-%d", pl.group,
			    (int)(written % pl.threads) + 1);
			fprintf(mem, ",text,true,,%d,120,%d,%d,"
			    "http://standin/,%lld,0,0", 100 +
			    (int)(written % 900), pl.threads, pl.threads,
			    (long long)(el > 1 ? el - 1 : 1));
			for (i = 0; i < nvars; i++)
				fputc(',', mem);
			fputc('\n', mem);
		}
		fflush(mem);
		if (linecap > 0 && ftello(mem) > 0) {
			if (write(jtl, line, (size_t)ftello(mem)) < 0)
				die("write '%s': %s", jtlpath,
				    strerror(errno));
			rewind(mem);
		}
		if (now >= end)
			break;
		stopped = stop_requested(fd, TICK_MS);
	}
	fclose(mem);
	free(line);
	close(jtl);
	logmsg("%lld records written%s", (long long)written,
	    stopped ? " (stopped)" : "");
	printf("Tidying up ...    @ %lld\n... end of run\n",
	    (long long)now_ms());
	if (logf != NULL)
		fclose(logf);
	return 0;
}

/*
 * chart.c: gnuplot data files and script for a report's charts.
 *
 * One gnuplot process draws everything: the script sets the terminal
 * once for PNG and once for SVG and repeats the same plots.  Text that
 * comes from the data (agent names, event kinds) is reduced to a safe
 * character set before it reaches the script, and enhanced text mode is
 * off, so nothing in a JTL can be read as gnuplot syntax.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart.h"
#include "hist.h"
#include "report.h"
#include "stats.h"
#include "util.h"
#include "xmalloc.h"

static const struct jmx_chart charts[] = {
	{ "response-times", "Response time percentiles over time",
	  "p50, p90, p95 and p99 of each interval, exact; average dashed", 1 },
	{ "throughput", "Throughput over time",
	  "samples and errors per second", 1 },
	{ "threads", "Active threads",
	  "JMeter threads running, summed over agents", 1 },
	{ "errors", "Errors over time",
	  "failed samples per second and error %", 1 },
	{ "rt-vs-threads", "Response time vs active threads",
	  "one point per interval", 0 },
	{ "distribution", "Response time distribution",
	  "samples per response time bin, all labels", 0 },
	{ "percentiles", "Percentile curve",
	  "response time at each percentile, tail stretched", 0 },
	{ "latency-connect", "Latency and connect time",
	  "averages per interval: elapsed, latency (first byte), connect", 1 },
	{ "agents", "Throughput per agent",
	  "samples per second of each agent", 1 },
};
#define NCHARTS	((int)(sizeof charts / sizeof charts[0]))

int
jmx_chart_list(const struct jmx_report *r, const struct jmx_chart **out)
{
	int i, n = 0;

	if (r->npoints == 0)
		return 0;
	for (i = 0; i < NCHARTS; i++)
		out[n++] = &charts[i];
	return n;
}

char *
jmx_chart_gnuplot(void)
{
	const char *name = getenv("JMX_GNUPLOT"), *path, *p, *colon;
	char *cand;
	size_t len;

	if (name == NULL || *name == '\0')
		name = "gnuplot";
	if (strchr(name, '/') != NULL)
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	if ((path = getenv("PATH")) == NULL)
		path = "/usr/bin:/bin";
	for (p = path; ; p = colon + 1) {
		colon = strchr(p, ':');
		len = colon != NULL ? (size_t)(colon - p) : strlen(p);
		xasprintf(&cand, "%.*s/%s", (int)(len ? len : 1),
		    len ? p : ".", name);
		if (access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (colon == NULL)
			return NULL;
	}
}

/* Text safe inside a gnuplot double-quoted string. */
static void
gp_str(struct jmx_buf *b, const char *s)
{
	jmx_buf_addc(b, '"');
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr(" _.:,-/#()+=", c))
			jmx_buf_addc(b, (char)c);
		else
			jmx_buf_addc(b, '?');
	}
	jmx_buf_addc(b, '"');
}

static double
xval(const struct jmx_report *r, int64_t t)
{
	return r->interval_s >= 60 || (r->npoints > 0 &&
	    r->points[r->npoints - 1].t - r->points[0].t > 1200) ?
	    (double)t / 60.0 : (double)t;
}

static int
minutes(const struct jmx_report *r)
{
	return xval(r, 60) == 1.0;
}

/* series.dat: one line per interval. */
static void
series_data(const struct jmx_report *r, struct jmx_buf *b)
{
	const struct jmx_report_point *p;
	double w = (double)r->interval_s;
	int i;

	jmx_buf_adds(b, "# t tput errps avg p50 p90 p95 p99 threads latency"
	    " connect errpct recv_kbps max\n");
	for (i = 0; i < r->npoints; i++) {
		p = &r->points[i];
		jmx_buf_addf(b, "%.4f %.4f %.4f %.3f %lld %lld %lld %lld %lld"
		    " %.3f %.3f %.4f %.4f %lld\n", xval(r, p->t),
		    (double)p->count / w, (double)p->errors / w,
		    p->count ? (double)p->elapsed_sum / (double)p->count : 0,
		    (long long)p->p50, (long long)p->p90, (long long)p->p95,
		    (long long)p->p99, (long long)p->threads,
		    p->count ? (double)p->latency_sum / (double)p->count : 0,
		    p->count ? (double)p->connect_sum / (double)p->count : 0,
		    p->count ? 100.0 * (double)p->errors / (double)p->count : 0,
		    (double)p->bytes / 1024.0 / w, (long long)p->max);
	}
}

static void
agents_data(const struct jmx_report *r, struct jmx_buf *b)
{
	double w = (double)r->interval_s;
	int i, a;

	for (i = 0; i < r->npoints; i++) {
		jmx_buf_addf(b, "%.4f", xval(r, r->points[i].t));
		for (a = 0; a < r->nagents; a++)
			jmx_buf_addf(b, " %.4f",
			    (double)r->points[i].agent_count[a] / w);
		jmx_buf_addc(b, '\n');
	}
}

static int64_t
nice_width(int64_t span)
{
	static const int64_t steps[] = { 1, 2, 5 };
	int64_t m = 1;
	int i;

	for (;;) {
		for (i = 0; i < 3; i++)
			if (span / (steps[i] * m) <= 60)
				return steps[i] * m;
		m *= 10;
	}
}

/* dist.dat: bins up to p99.9, the rest in the last bin. */
static void
dist_data(struct jmx_hist *h, struct jmx_buf *b, int64_t *width)
{
	struct jmx_hist_iter it;
	int64_t lo = jmx_hist_min(h), hi = jmx_hist_percentile(h, 99.9), v;
	int64_t w, bin, last = -1;
	uint64_t c, acc = 0;

	w = nice_width(hi - lo + 1);
	*width = w;
	jmx_hist_iter_init(&it, h);
	while (jmx_hist_iter_next(&it, &v, &c)) {
		bin = v > hi ? hi / w : v / w;
		if (bin != last && last >= 0) {
			jmx_buf_addf(b, "%lld %llu\n",
			    (long long)(last * w + w / 2),
			    (unsigned long long)acc);
			acc = 0;
		}
		last = bin;
		acc += c;
	}
	if (last >= 0)
		jmx_buf_addf(b, "%lld %llu\n", (long long)(last * w + w / 2),
		    (unsigned long long)acc);
}

/* pct.dat: x = 100 / (100 - p), so 90, 99, 99.9 are evenly apart. */
static void
pct_data(struct jmx_hist *h, struct jmx_buf *b)
{
	double p;
	int i;

	for (i = 0; i <= 99990; i += (i < 90000 ? 1000 : i < 99000 ? 100 :
	    i < 99900 ? 10 : 1)) {
		p = i / 1000.0;
		jmx_buf_addf(b, "%.6f %.3f %lld\n", 100.0 / (100.0 - p), p,
		    (long long)jmx_hist_percentile(h, p));
	}
}

static void
mark_events(const struct jmx_report *r, struct jmx_buf *b)
{
	const struct jmx_report_event *e;
	char *text;
	double x;
	int i;

	for (i = 0; i < r->nevents; i++) {
		e = &r->events[i];
		if (!jmx_report_event_timed(e))
			continue;
		x = xval(r, (e->time_ms - r->t0_ms) / 1000);
		jmx_buf_addf(b, "set arrow from %.3f, graph 0 to %.3f, graph 1"
		    " nohead lc rgb '#c05000' dt 2 lw 1\n", x, x);
		xasprintf(&text, "%s%s%s", e->kind, e->agent != NULL ?
		    " " : "", e->agent != NULL ? e->agent : "");
		jmx_buf_adds(b, "set label ");
		gp_str(b, text);
		free(text);
		jmx_buf_addf(b, " at %.3f, graph 0.97 rotate by 90 right"
		    " font ',8' tc rgb '#c05000' offset -0.6,0\n", x);
	}
}

static void
plots(const struct jmx_report *r, struct jmx_buf *b, const char *ext)
{
	const char *xl = minutes(r) ? "minutes since start" :
	    "seconds since start";
	int a;

#define OUT(name) jmx_buf_addf(b, "set output '../%s.%s'\n", name, ext)
	jmx_buf_addf(b, "set xlabel '%s'\n", xl);
	mark_events(r, b);

	OUT("response-times");
	jmx_buf_adds(b, "set ylabel 'ms'\nset yrange [0:*]\n"
	    "plot 'series.dat' u 1:5 w l lw 2 lc rgb '#1b9e77' t 'p50',"
	    " '' u 1:6 w l lw 2 lc rgb '#7570b3' t 'p90',"
	    " '' u 1:7 w l lw 2 lc rgb '#e6ab02' t 'p95',"
	    " '' u 1:8 w l lw 2 lc rgb '#d95f02' t 'p99',"
	    " '' u 1:4 w l lw 1 dt 2 lc rgb '#333333' t 'avg'\n");
	OUT("throughput");
	jmx_buf_adds(b, "set ylabel 'per second'\n"
	    "plot 'series.dat' u 1:2 w l lw 2 lc rgb '#1f78b4' t 'samples/s',"
	    " '' u 1:3 w l lw 2 lc rgb '#e31a1c' t 'errors/s'\n");
	OUT("threads");
	jmx_buf_adds(b, "set ylabel 'threads'\n"
	    "plot 'series.dat' u 1:9 w steps lw 2 lc rgb '#6a3d9a'"
	    " t 'active threads'\n");
	OUT("errors");
	jmx_buf_adds(b, "set ylabel 'errors/s'\nset y2label 'error %'\n"
	    "set y2tics\nset y2range [0:*]\n"
	    "plot 'series.dat' u 1:3 w boxes fs solid 0.5 lc rgb '#e31a1c'"
	    " t 'errors/s', '' u 1:12 axes x1y2 w l lw 2 lc rgb '#333333'"
	    " t 'error %'\n"
	    "unset y2tics\nunset y2label\n");
	OUT("latency-connect");
	jmx_buf_adds(b, "set ylabel 'ms'\n"
	    "plot 'series.dat' u 1:4 w l lw 2 lc rgb '#333333' t 'elapsed',"
	    " '' u 1:10 w l lw 2 lc rgb '#1f78b4' t 'latency',"
	    " '' u 1:11 w l lw 2 lc rgb '#33a02c' t 'connect'\n");
	OUT("agents");
	jmx_buf_adds(b, "set ylabel 'samples/s'\nplot ");
	for (a = 0; a < r->nagents; a++) {
		jmx_buf_addf(b, "%s'agents.dat' u 1:%d w l lw 2 t ",
		    a ? ", " : "", a + 2);
		gp_str(b, r->agents[a].name);
	}
	if (r->nagents == 0)
		jmx_buf_adds(b, "'series.dat' u 1:2 w l t 'all'");
	jmx_buf_addc(b, '\n');

	/* Charts without a time axis: no event marks. */
	jmx_buf_adds(b, "unset arrow\nunset label\n");
	OUT("rt-vs-threads");
	jmx_buf_adds(b, "set xlabel 'active threads'\nset ylabel 'ms'\n"
	    "set xrange [0:*]\n"
	    "plot 'series.dat' u 9:4 w p pt 7 ps 0.6 lc rgb '#1f78b4' t 'avg',"
	    " '' u 9:7 w p pt 7 ps 0.6 lc rgb '#d95f02' t 'p95'\n"
	    "set xrange [*:*]\n");
	OUT("distribution");
	jmx_buf_adds(b, "set xlabel 'response time (ms)'\n"
	    "set ylabel 'samples'\nset boxwidth binw\n"
	    "plot 'dist.dat' u 1:2 w boxes fs solid 0.6 lc rgb '#1f78b4'"
	    " t 'samples'\n");
	OUT("percentiles");
	jmx_buf_adds(b, "set xlabel 'percentile'\nset ylabel 'ms'\n"
	    "set logscale x\nset xrange [1:10000]\n"
	    "set xtics ('0' 1, '50' 2, '90' 10, '99' 100, '99.9' 1000,"
	    " '99.99' 10000)\n"
	    "plot 'pct.dat' u 1:3 w l lw 2 lc rgb '#d95f02' t 'response time'\n"
	    "unset logscale x\nset xtics autofreq\nset xrange [*:*]\n");
#undef OUT
}

static enum jmx_code
run_gnuplot(const char *gp, const char *dir, struct jmx_err *err)
{
	char *log;
	pid_t pid;
	int st, fd;

	xasprintf(&log, "%s/gnuplot.log", dir);
	if ((pid = fork()) == -1) {
		free(log);
		return jmx_err_sys(err, JMX_ERR_IO, "fork");
	}
	if (pid == 0) {
		if (chdir(dir) == -1)
			_exit(126);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(gp, gp, "charts.gp", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char *text = NULL, *last;
		size_t len = 0;

		jmx_read_file(log, &text, &len, NULL);
		while (len > 0 && text[len - 1] == '\n')
			text[--len] = '\0';
		last = text != NULL ? strrchr(text, '\n') : NULL;
		jmx_err_set(err, JMX_ERR_IO, "gnuplot '%s' failed (see %s)%s%s",
		    gp, log, text != NULL && *text ? ": " : "",
		    text == NULL ? "" : last != NULL ? last + 1 : text);
		free(text);
		free(log);
		return JMX_ERR_IO;
	}
	free(log);
	return JMX_OK;
}

enum jmx_code
jmx_chart_render(struct jmx_report *r, const char *dir, struct jmx_err *err)
{
	const struct jmx_summary_row *tot = jmx_summary_total(r->sum);
	struct jmx_buf b;
	enum jmx_code code;
	char *gp, *gdir;
	int64_t binw = 1;
	int pass;

	if (r->npoints == 0 || tot == NULL || tot->count == 0)
		return JMX_OK;
	if ((gp = jmx_chart_gnuplot()) == NULL)
		return jmx_err_set(err, JMX_ERR_IO, "gnuplot not found: "
		    "install it (Debian: gnuplot-nox) or set JMX_GNUPLOT");
	xasprintf(&gdir, "%s/gnuplot", dir);
	memset(&b, 0, sizeof b);
	if ((code = jmx_mkdirs(gdir, 0755, err)) != JMX_OK)
		goto out;
	series_data(r, &b);
	if ((code = jmx_write_buf(gdir, "series.dat", &b, err)) != JMX_OK)
		goto out;
	agents_data(r, &b);
	if ((code = jmx_write_buf(gdir, "agents.dat", &b, err)) != JMX_OK)
		goto out;
	dist_data(tot->hist, &b, &binw);
	if ((code = jmx_write_buf(gdir, "dist.dat", &b, err)) != JMX_OK)
		goto out;
	pct_data(tot->hist, &b);
	if ((code = jmx_write_buf(gdir, "pct.dat", &b, err)) != JMX_OK)
		goto out;

	jmx_buf_addf(&b, "# Written by jmx-report: gnuplot charts.gp\n"
	    "binw = %lld\n"
	    "set termoption noenhanced\n"
	    "set grid lc rgb '#dddddd'\n"
	    "set key outside top center horizontal\n"
	    "set border lc rgb '#888888'\n"
	    "set style fill solid 0.6 noborder\n"
	    "set datafile commentschars '#'\n", (long long)binw);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 0)
			jmx_buf_adds(&b, "set terminal pngcairo size 960,400"
			    " font 'sans,10' background '#ffffff'\n");
		else
			jmx_buf_adds(&b, "set terminal svg size 960,400"
			    " font 'sans,10' background '#ffffff'\n");
		plots(r, &b, pass == 0 ? "png" : "svg");
		jmx_buf_adds(&b, "set xrange [*:*]\nset yrange [*:*]\n");
	}
	jmx_buf_adds(&b, "set output\n");
	if ((code = jmx_write_buf(gdir, "charts.gp", &b, err)) != JMX_OK)
		goto out;
	code = run_gnuplot(gp, gdir, err);
out:
	jmx_buf_free(&b);
	free(gdir);
	free(gp);
	return code;
}

/* The gnuplot preamble and the two passes (PNG, SVG) of body(). */
static void
script(struct jmx_buf *b, void (*body)(struct jmx_buf *, const char *,
    const void *), const void *arg)
{
	int pass;

	jmx_buf_adds(b, "# Written by jmx-report: gnuplot charts.gp\n"
	    "set termoption noenhanced\n"
	    "set grid lc rgb '#dddddd'\n"
	    "set key outside top center horizontal\n"
	    "set border lc rgb '#888888'\n"
	    "set datafile commentschars '#'\n");
	for (pass = 0; pass < 2; pass++) {
		jmx_buf_adds(b, pass == 0 ? "set terminal pngcairo size "
		    "960,400 font 'sans,10' background '#ffffff'\n" :
		    "set terminal svg size 960,400 font 'sans,10' "
		    "background '#ffffff'\n");
		body(b, pass == 0 ? "png" : "svg", arg);
	}
	jmx_buf_adds(b, "set output\n");
}

/* Write the script in b to dir/gnuplot/charts.gp and run it. */
static enum jmx_code
draw(const char *dir, struct jmx_buf *b, struct jmx_err *err)
{
	enum jmx_code code;
	char *gp, *gdir;

	if ((gp = jmx_chart_gnuplot()) == NULL)
		return jmx_err_set(err, JMX_ERR_IO, "gnuplot not found: "
		    "install it (Debian: gnuplot-nox) or set JMX_GNUPLOT");
	xasprintf(&gdir, "%s/gnuplot", dir);
	if ((code = jmx_write_buf(gdir, "charts.gp", b, err)) == JMX_OK)
		code = run_gnuplot(gp, gdir, err);
	free(gdir);
	free(gp);
	return code;
}

struct overlay {
	struct jmx_report	**reps;
	int			  n;
};

/* One line per run: file PREFIX-i.dat, columns cols, titled "run N". */
static void
overlay_lines(struct jmx_buf *b, const struct overlay *o, const char *prefix,
    const char *cols)
{
	char name[32];
	int i;

	for (i = 0; i < o->n; i++) {
		jmx_buf_addf(b, "%s'%s-%d.dat' u %s w l lw 2 t ",
		    i ? ", " : "", prefix, i, cols);
		snprintf(name, sizeof name, "run %lld",
		    (long long)o->reps[i]->run_id);
		gp_str(b, name);
	}
}

static void
overlay_plots(struct jmx_buf *b, const char *ext, const void *arg)
{
	const struct overlay *o = arg;

	jmx_buf_addf(b, "set output '../compare-percentiles.%s'\n"
	    "set xlabel 'percentile'\nset ylabel 'ms'\n"
	    "set logscale x\nset xrange [1:10000]\nset yrange [0:*]\n"
	    "set xtics ('0' 1, '50' 2, '90' 10, '99' 100, '99.9' 1000,"
	    " '99.99' 10000)\nplot ", ext);
	overlay_lines(b, o, "pct", "1:3");
	jmx_buf_addf(b, "\nunset logscale x\nset xtics autofreq\n"
	    "set xrange [*:*]\n"
	    "set output '../compare-throughput.%s'\n"
	    "set xlabel 'seconds since start'\nset ylabel 'samples/s'\n"
	    "plot ", ext);
	overlay_lines(b, o, "tput", "1:2");
	jmx_buf_adds(b, "\nset yrange [*:*]\n");
}

enum jmx_code
jmx_chart_compare(struct jmx_report **reps, int n, const char *dir,
    struct jmx_err *err)
{
	const struct jmx_report_point *p;
	struct overlay o = { reps, n };
	struct jmx_buf b = { 0 };
	enum jmx_code code;
	char *gdir, name[32];
	int i, k;

	xasprintf(&gdir, "%s/gnuplot", dir);
	code = jmx_mkdirs(gdir, 0755, err);
	for (i = 0; i < n && code == JMX_OK; i++) {
		pct_data(jmx_summary_total(reps[i]->sum)->hist, &b);
		snprintf(name, sizeof name, "pct-%d.dat", i);
		if ((code = jmx_write_buf(gdir, name, &b, err)) != JMX_OK)
			break;
		for (k = 0; k < reps[i]->npoints; k++) {
			p = &reps[i]->points[k];
			jmx_buf_addf(&b, "%lld %.4f\n", (long long)p->t,
			    (double)p->count / (double)reps[i]->interval_s);
		}
		snprintf(name, sizeof name, "tput-%d.dat", i);
		code = jmx_write_buf(gdir, name, &b, err);
	}
	if (code == JMX_OK) {
		script(&b, overlay_plots, &o);
		code = draw(dir, &b, err);
	}
	jmx_buf_free(&b);
	free(gdir);
	return code;
}

static void
trend_plots(struct jmx_buf *b, const char *ext, const void *arg)
{
	const char *ylabel = arg;

	jmx_buf_addf(b, "set output '../trend.%s'\n"
	    "set xlabel 'run'\nset ylabel ", ext);
	gp_str(b, ylabel);
	jmx_buf_adds(b, "\nset yrange [0:*]\n"
	    "plot 'trend.dat' u 1:2 w lp lw 2 pt 7 ps 0.5"
	    " lc rgb '#1f78b4' t 'value',"
	    " '' u 1:($3 > 0 ? $2 : 1/0) w p pt 6 ps 2 lw 2 lc rgb '#e31a1c'"
	    " t 'anomaly',"
	    " '' u 1:($4 > 0 ? $2 : 1/0) w p pt 5 ps 1.2 lc rgb '#6a3d9a'"
	    " t 'change point'\n");
}

enum jmx_code
jmx_chart_trend(const int64_t *runs, const double *values,
    const int *flags, int n, const char *ylabel, const char *dir,
    struct jmx_err *err)
{
	struct jmx_buf b = { 0 };
	enum jmx_code code;
	char *gdir;
	int i;

	xasprintf(&gdir, "%s/gnuplot", dir);
	if ((code = jmx_mkdirs(gdir, 0755, err)) == JMX_OK) {
		jmx_buf_adds(&b, "# run value anomaly change\n");
		for (i = 0; i < n; i++)
			if (!isnan(values[i]))
				jmx_buf_addf(&b, "%lld %.4f %d %d\n",
				    (long long)runs[i], values[i],
				    (flags[i] & 1) != 0, (flags[i] & 2) != 0);
		code = jmx_write_buf(gdir, "trend.dat", &b, err);
	}
	if (code == JMX_OK) {
		script(&b, trend_plots, ylabel);
		code = draw(dir, &b, err);
	}
	jmx_buf_free(&b);
	free(gdir);
	return code;
}

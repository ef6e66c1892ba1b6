/*
 * watch-screen.c: jmx-watch's full screen, the only file that includes
 * curses.h.  It draws a snapshot of the live model (lib/live.h) every
 * interval: a header, then four panes (agents, labels, a chart, events)
 * and a line for messages.  Tab and left/right move between the panes,
 * up/down scroll the one in focus; keys ask the run's controller to pause,
 * resume or stop (watch_command() in watch-command.c).  Laid out for 80x24
 * and up; smaller terminals get what fits.
 */
#include <curses.h>
#include <langinfo.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live.h"
#include "report.h"
#include "stats.h"
#include "store.h"
#include "util.h"
#include "watch-screen.h"
#include "xmalloc.h"

enum pane { P_AGENTS = 0, P_LABELS, P_CHART, P_EVENTS, NPANES };

static const char *const pane_names[NPANES] = {
	"AGENTS", "LABELS", "CHART", "EVENTS"
};

/* Charts, cycled with c: their titles and what they plot. */
#define NCHARTS	4
static const char *const chart_names[NCHARTS] = {
	"throughput (samples/s)", "p50 (dark) / p95 (light), ms",
	"errors/s", "active threads"
};

/* The screen's state: what is shown and how. */
struct screen {
	struct watch		*w;
	struct jmx_live		*l;		/* the snapshot shown */
	enum pane		 focus;
	int			 scroll[NPANES];
	enum jmx_live_col	 sort;
	int			 ascending;
	int			 chart;		/* 0..NCHARTS-1 */
	int			 whole;		/* chart the whole run */
	int			 help;		/* ? shown */
	int			 confirm;	/* s asked, y confirms */
	int			 color;
	int			 utf8;
	char			 err[256];	/* the store failed */
};

/* Colour pairs, when colour is wanted. */
enum { C_OK = 1, C_WARN, C_BAD, C_HEAD };

static void
pen(struct screen *s, int pair, int attrs)
{
	if (s->color && pair != 0)
		attrs |= COLOR_PAIR(pair);
	attrset(attrs);
}

/*
 * Text at (y, x) in at most width columns: escaped (a label may hold
 * any byte), cut to fit.
 */
static void
put(int y, int x, int width, const char *text)
{
	struct jmx_buf b = { 0 };
	const unsigned char *p;
	int code, n, cols = 0;

	if (width <= 0 || y >= LINES || x >= COLS)
		return;
	if (x + width > COLS)
		width = COLS - x;
	jmx_text_escape(&b, text);
	jmx_buf_adds(&b, "");
	for (p = (const unsigned char *)b.data; *p != '\0' && cols < width;
	    p += n, cols++)
		n = jmx_utf8_char(p, &code);
	mvaddnstr(y, x, b.data, (int)((const char *)p - b.data));
	jmx_buf_free(&b);
}

static void
putf(int y, int x, int width, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
putf(int y, int x, int width, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	put(y, x, width, line);
}

/* "123" or "-" for an unknown number. */
static const char *
num(char *out, size_t len, int64_t v)
{
	if (v < 0)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%lld", (long long)v);
	return out;
}

static const char *
dec(char *out, size_t len, double v, int prec)
{
	if (isnan(v))
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%.*f", prec, v);
	return out;
}

static int
state_pair(const char *state)
{
	if (strcmp(state, "running") == 0 || strcmp(state, "completed") == 0 ||
	    strcmp(state, "done") == 0)
		return C_OK;
	if (strcmp(state, "lost") == 0 || strcmp(state, "failed") == 0 ||
	    strcmp(state, "fenced") == 0 || strcmp(state, "silent") == 0)
		return C_BAD;
	return C_WARN;
}

static void
draw_header(struct screen *s)
{
	const struct jmx_live *l = s->l;
	const struct jmx_run_rec *rec = &l->st.rec;
	const char *state = jmx_run_state_name(rec->state);
	char el[32], rem[32] = "-", sk[32], del[32] = "-", age[32] = "-";
	int x;

	jmx_format_duration(el, sizeof el, l->st.elapsed_ms);
	if (l->st.remaining_ms >= 0)
		jmx_format_duration(rem, sizeof rem, l->st.remaining_ms);
	pen(s, C_HEAD, A_BOLD);
	putf(0, 0, COLS, "run %lld ", (long long)rec->id);
	x = snprintf(NULL, 0, "run %lld ", (long long)rec->id);
	attrset(A_NORMAL);
	put(0, x, COLS / 3, rec->test_case);
	x += (int)strlen(rec->test_case) < COLS / 3 ?
	    (int)strlen(rec->test_case) + 1 : COLS / 3 + 1;
	pen(s, state_pair(state), A_BOLD | A_REVERSE);
	putf(0, x, COLS - x, " %s ", state);
	x += (int)strlen(state) + 3;
	attrset(A_NORMAL);
	putf(0, x, COLS - x, "elapsed %s  left %s  threads %lld/%lld", el,
	    rem, (long long)l->threads_active, (long long)rec->threads);
	if (jmx_live_ended(l) && rec->delivered_pct >= 0)
		snprintf(del, sizeof del, "%.1f%%", rec->delivered_pct);
	else if (l->short_threads > 0)
		snprintf(del, sizeof del, "short %lld thr",
		    (long long)l->short_threads);
	if (l->newest_ms > 0)
		snprintf(age, sizeof age, "%.1fs ago", (double)(l->now_ms -
		    l->newest_ms) / 1000.0);
	putf(1, 0, COLS, "skew %s ms  delivered %s  samples %lld (%lld err)"
	    "  %.1f/s  newest %s%s", num(sk, sizeof sk, rec->skew_ms), del,
	    (long long)l->st.samples, (long long)l->st.errors, l->rate, age,
	    !jmx_live_ended(l) && !l->st.alive ? "  CONTROLLER GONE" : "");
}

/* A pane's heading row: its name (reversed when in focus) and columns. */
static void
heading(struct screen *s, int y, enum pane p, const char *cols)
{
	pen(s, C_HEAD, s->focus == p ? A_REVERSE | A_BOLD : A_BOLD);
	putf(y, 0, 8, "%-7s", pane_names[p]);
	pen(s, C_HEAD, A_BOLD);
	put(y, 8, COLS - 8, cols);
	attrset(A_NORMAL);
}

/* The first row to show of rows, rows lines at a time. */
static int
first_row(struct screen *s, enum pane p, int n, int rows)
{
	if (s->scroll[p] > n - rows)
		s->scroll[p] = n - rows;
	if (s->scroll[p] < 0)
		s->scroll[p] = 0;
	return s->scroll[p];
}

static void
draw_agents(struct screen *s, int y, int rows)
{
	const struct jmx_live_agent *a;
	char th[16], p95[16], ep[16], age[16];
	int i, first;

	heading(s, y, P_AGENTS, "         state     threads      /s   err%"
	    "    p95    age");
	first = first_row(s, P_AGENTS, s->l->nagents, rows);
	for (i = first; i < s->l->nagents && i - first < rows; i++) {
		a = &s->l->agents[i];
		put(y + 1 + i - first, 1, 15, a->name);
		pen(s, state_pair(a->state), A_NORMAL);
		put(y + 1 + i - first, 17, 9, a->state);
		attrset(A_NORMAL);
		if (a->age_ms >= 0)
			snprintf(age, sizeof age, "%.1fs",
			    (double)a->age_ms / 1000.0);
		else
			snprintf(age, sizeof age, "-");
		putf(y + 1 + i - first, 26, COLS - 26,
		    "%8s %7.1f %6s %6s %6s", num(th, sizeof th, a->threads),
		    a->rate, dec(ep, sizeof ep, a->error_pct, 2),
		    num(p95, sizeof p95, a->p95), age);
	}
}

static void
draw_labels(struct screen *s, int y, int rows)
{
	const struct jmx_summary_row *r;
	size_t n = jmx_live_nlabels(s->l), *idx;
	char head[256], c[8][16];
	int i, first, lw, k, x;

	/* The label takes what the numbers leave: 60 columns of them. */
	lw = COLS - 1 - 60;
	if (lw < 8)
		lw = 8;
	x = snprintf(head, sizeof head, "%*s", lw - 7, "");
	for (k = 1; k < JMX_LIVE_NCOLS; k++)
		x += snprintf(head + x, sizeof head - (size_t)x,
		    k == 1 ? "%9s%s" : k == 2 ? "%7s%s" : "%6s%s",
		    jmx_live_col_name((enum jmx_live_col)k),
		    (int)s->sort == k ? (s->ascending ? "^" : "v") : " ");
	heading(s, y, P_LABELS, head);
	if (s->sort == JMX_LIVE_COL_LABEL)
		put(y, 8, 6, s->ascending ? "(A-Z)" : "(Z-A)");
	idx = xcalloc(n + 1, sizeof *idx);
	jmx_live_sort(s->l, s->sort, s->ascending, idx);
	first = first_row(s, P_LABELS, (int)n, rows);
	for (i = first; i < (int)n && i - first < rows; i++) {
		r = jmx_live_label(s->l, idx[i]);
		put(y + 1 + i - first, 1, lw, r->label);
		if (r->errors > 0)
			pen(s, C_BAD, A_NORMAL);
		putf(y + 1 + i - first, lw + 1, COLS - lw - 1,
		    " %8llu  %6.1f  %5s  %5s  %5s  %5s  %5s  %5s",
		    (unsigned long long)r->count, r->throughput,
		    dec(c[0], sizeof c[0], r->avg, 0),
		    num(c[1], sizeof c[1], r->p50),
		    num(c[2], sizeof c[2], r->p90),
		    num(c[3], sizeof c[3], r->p95),
		    num(c[4], sizeof c[4], r->p99),
		    dec(c[5], sizeof c[5], r->error_pct, 2));
		attrset(A_NORMAL);
	}
	free(idx);
}

/* One column of a bar chart: height in eighths of a row, from bottom. */
static void
bar(struct screen *s, int bottom, int x, int rows, double frac,
    const char *full_utf8, char full_ascii)
{
	static const char *const eighths[8] = { " ", "\u2581", "\u2582",
	    "\u2583", "\u2584", "\u2585", "\u2586", "\u2587" };
	int e, r;

	if (isnan(frac) || frac <= 0)
		return;
	e = (int)lround(frac * rows * 8);
	if (e == 0)
		e = 1;	/* something, however little */
	for (r = 0; r < rows && e > 0; r++, e -= 8) {
		if (e >= 8 && s->utf8)
			mvaddstr(bottom - r, x, full_utf8);
		else if (e >= 8)
			mvaddch(bottom - r, x, (chtype)full_ascii);
		else if (s->utf8)
			mvaddstr(bottom - r, x, eighths[e]);
		else if (e >= 4)
			mvaddch(bottom - r, x, (chtype)full_ascii);
		else
			mvaddch(bottom - r, x, '.');
	}
}

static void
draw_chart(struct screen *s, int y, int rows)
{
	static const enum jmx_live_metric metric[NCHARTS] = {
		JMX_LIVE_THROUGHPUT, JMX_LIVE_P95, JMX_LIVE_ERRORS,
		JMX_LIVE_THREADS
	};
	char head[160], t0[32], t1[32];
	int64_t from, to;
	double *v, *v50, top;
	unsigned *marks;
	int x, ncols = COLS - 8, bottom = y + rows;

	if (ncols < 4 || rows < 1)
		return;
	jmx_live_span(s->l, &from, &to);
	if (!s->whole && to - from > s->w->window_ms)
		from = to - s->w->window_ms;
	jmx_format_duration(t0, sizeof t0, from - (s->l->rep->t0_ms > 0 ?
	    s->l->rep->t0_ms : from));
	jmx_format_duration(t1, sizeof t1, to - from);
	snprintf(head, sizeof head, "%s, %s  [c] next  [w] %s",
	    chart_names[s->chart], s->whole ? "whole run" : "last",
	    s->whole ? "last" : "whole run");
	heading(s, y, P_CHART, head);
	v = xcalloc((size_t)ncols, sizeof *v);
	v50 = xcalloc((size_t)ncols, sizeof *v50);
	marks = xcalloc((size_t)ncols, sizeof *marks);
	jmx_live_series(s->l, metric[s->chart], from, to, ncols, v, marks);
	if (s->chart == 1)
		jmx_live_series(s->l, JMX_LIVE_P50, from, to, ncols, v50,
		    NULL);
	for (top = 0, x = 0; x < ncols; x++)
		if (!isnan(v[x]) && v[x] > top)
			top = v[x];
	/* The axis: the top value and zero. */
	putf(y + 1, 0, 7, "%7.*f", top < 10 ? 1 : 0, top);
	putf(bottom - 1, 0, 7, "%7d", 0);
	for (x = 0; x < ncols && top > 0; x++) {
		pen(s, s->chart == 2 ? C_BAD : C_OK, A_NORMAL);
		bar(s, bottom - 1, 8 + x, rows - 1, v[x] / top,
		    s->chart == 1 ? "\u2591" : "\u2588", s->chart == 1 ? ':' :
		    '#');
		if (s->chart == 1)
			bar(s, bottom - 1, 8 + x, rows - 1, v50[x] / top,
			    "\u2588", '#');
		attrset(A_NORMAL);
	}
	/* The marks row: P paused, X an agent failure; the time span. */
	putf(bottom, 0, 8, "%7s", t0[0] != '\0' ? t0 : "");
	for (x = 0; x < ncols; x++) {
		if (marks[x] & JMX_LIVE_MARK_FAILURE) {
			pen(s, C_BAD, A_BOLD);
			mvaddch(bottom, 8 + x, 'X');
		} else if (marks[x] & JMX_LIVE_MARK_PAUSED) {
			pen(s, C_WARN, A_NORMAL);
			mvaddch(bottom, 8 + x, 'P');
		} else
			mvaddch(bottom, 8 + x, '-');
		attrset(A_NORMAL);
	}
	putf(bottom, COLS - (int)strlen(t1) - 2, (int)strlen(t1) + 2, "+%s",
	    t1);
	free(v);
	free(v50);
	free(marks);
}

static void
draw_events(struct screen *s, int y, int rows)
{
	struct jmx_buf b = { 0 };
	int i, first, n = s->l->nevents;

	heading(s, y, P_EVENTS, "newest first  [who asked]");
	first = first_row(s, P_EVENTS, n, rows);
	for (i = first; i < n && i - first < rows; i++) {
		jmx_buf_reset(&b);
		jmx_buf_adds(&b, "");
		/* Newest first: scrolling down goes back in time. */
		jmx_live_event_line(&s->l->events[n - 1 - i], &b);
		if (jmx_report_failure_event(s->l->events[n - 1 - i].kind))
			pen(s, C_BAD, A_NORMAL);
		/* The line is escaped already; skip the date. */
		put(y + 1 + i - first, 1, COLS - 1, b.len > 11 ?
		    b.data + 11 : b.data);
		attrset(A_NORMAL);
	}
	jmx_buf_free(&b);
}

static void
draw_help(void)
{
	static const char *const lines[] = {
		"jmx-watch keys",
		"",
		"  p        pause the run",
		"  r        resume it",
		"  s        stop it (y confirms)",
		"  tab      next pane (shift-tab: back);",
		"           left/right arrows too",
		"  up/down  scroll the pane in focus",
		"  1-9      sort labels by a column;",
		"           again: the other way",
		"  < >      sort by the column left/right",
		"  c        next chart",
		"  w        chart: whole run / last minutes",
		"  q        quit (the run goes on)",
		"  ?        this help",
		"",
		"any key closes this"
	};
	int i, n = (int)(sizeof lines / sizeof lines[0]), w = 46;
	int y = (LINES - n - 2) / 2, x = (COLS - w) / 2;

	if (y < 0)
		y = 0;
	if (x < 0)
		x = 0;
	for (i = -1; i <= n; i++) {
		move(y + 1 + i, x);
		attrset(A_REVERSE);
		printw("%-*s", w, i >= 0 && i < n ? lines[i] : "");
	}
	attrset(A_NORMAL);
}

/* The rows each pane gets of LINES: header 2, message line 1. */
static void
layout(struct screen *s, int *ra, int *rl, int *rc, int *re)
{
	int left = LINES - 3 - 4;	/* four heading rows */

	*ra = s->l->nagents < left / 4 ? s->l->nagents : left / 4;
	*re = left / 6 < 2 ? 2 : left / 6;
	*rc = left / 4 < 4 ? 4 : left / 4;
	*rl = left - *ra - *re - *rc;
	if (*rl < 2) {
		*rc -= 2 - *rl;
		*rl = 2;
	}
	if (*ra < 1)
		*ra = 1;
}

static void
draw(struct screen *s)
{
	int ra, rl, rc, re, y;

	erase();
	if (s->l == NULL) {
		put(0, 0, COLS, s->err);
	} else {
		draw_header(s);
		layout(s, &ra, &rl, &rc, &re);
		y = 2;
		draw_agents(s, y, ra);
		y += ra + 1;
		draw_labels(s, y, rl);
		y += rl + 1;
		draw_chart(s, y, rc);
		y += rc + 1;
		draw_events(s, y, re);
	}
	/* The message line: a question, the last answer, or the keys. */
	attrset(A_BOLD);
	if (s->confirm)
		putf(LINES - 1, 0, COLS, "stop run %lld? y stops it, any "
		    "other key does not", (long long)s->w->run);
	else if (s->l != NULL && jmx_live_ended(s->l))
		putf(LINES - 1, 0, COLS, "run %lld ended %s: final summary, "
		    "q quits.  %s", (long long)s->w->run,
		    jmx_run_state_name(s->l->st.rec.state), s->w->msg);
	else if (s->w->msg[0] != '\0')
		put(LINES - 1, 0, COLS, s->w->msg);
	else
		put(LINES - 1, 0, COLS, "p pause  r resume  s stop  tab pane  "
		    "1-9 sort  c chart  w window  ? help  q quit");
	attrset(A_NORMAL);
	if (s->help)
		draw_help();
	refresh();
}

/* Read a new snapshot; keep the old one if the store fails. */
static void
reload(struct screen *s)
{
	struct jmx_live *l;
	struct jmx_err err = { 0 };

	if (jmx_live_load(s->w->c.store, s->w->run, jmx_now_ms(), &l, &err) !=
	    JMX_OK) {
		snprintf(s->err, sizeof s->err, "%s", err.msg);
		if (s->l == NULL)
			return;
		snprintf(s->w->msg, sizeof s->w->msg, "%s", err.msg);
		return;
	}
	jmx_live_free(s->l);
	s->l = l;
}

/* Handle a key; 1 to quit. */
static int
key(struct screen *s, int ch)
{
	if (s->help) {
		s->help = 0;
		return 0;
	}
	if (s->confirm) {
		s->confirm = 0;
		if (ch == 'y' || ch == 'Y')
			watch_command(s->w, JMX_CONTROL_STOP);
		else
			snprintf(s->w->msg, sizeof s->w->msg, "not stopped");
		return 0;
	}
	switch (ch) {
	case 'q':
	case 'Q':
		return 1;
	case '?':
	case 'h':
		s->help = 1;
		break;
	case 'p':
		watch_command(s->w, JMX_CONTROL_PAUSE);
		break;
	case 'r':
		watch_command(s->w, JMX_CONTROL_RESUME);
		break;
	case 's':
		s->confirm = 1;
		break;
	case '\t':
	case KEY_RIGHT:
		s->focus = (s->focus + 1) % NPANES;
		break;
	case KEY_BTAB:
	case KEY_LEFT:
		s->focus = (s->focus + NPANES - 1) % NPANES;
		break;
	case KEY_DOWN:
	case 'j':
		if (s->focus == P_CHART)
			s->chart = (s->chart + 1) % NCHARTS;
		else
			s->scroll[s->focus]++;
		break;
	case KEY_UP:
	case 'k':
		if (s->focus == P_CHART)
			s->chart = (s->chart + NCHARTS - 1) % NCHARTS;
		else
			s->scroll[s->focus]--;
		break;
	case KEY_NPAGE:
		s->scroll[s->focus] += 10;
		break;
	case KEY_PPAGE:
		s->scroll[s->focus] -= 10;
		break;
	case 'c':
		s->chart = (s->chart + 1) % NCHARTS;
		break;
	case 'w':
		s->whole = !s->whole;
		break;
	case '<':
		s->sort = (s->sort + JMX_LIVE_NCOLS - 1) % JMX_LIVE_NCOLS;
		s->ascending = s->sort == JMX_LIVE_COL_LABEL;
		break;
	case '>':
		s->sort = (s->sort + 1) % JMX_LIVE_NCOLS;
		s->ascending = s->sort == JMX_LIVE_COL_LABEL;
		break;
	default:
		if (ch >= '1' && ch <= '0' + JMX_LIVE_NCOLS) {
			if ((int)s->sort == ch - '1')
				s->ascending = !s->ascending;
			else {
				s->sort = (enum jmx_live_col)(ch - '1');
				s->ascending = s->sort == JMX_LIVE_COL_LABEL;
			}
		}
		break;
	}
	return 0;
}

int
watch_screen(struct watch *w)
{
	struct screen s;
	int64_t next = 0;
	int ch, quit = 0, final = 0;

	memset(&s, 0, sizeof s);
	s.w = w;
	s.sort = JMX_LIVE_COL_LABEL;
	s.ascending = 1;
	s.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	snprintf(w->msg, sizeof w->msg, "%s", w->notice);
	if (initscr() == NULL) {
		cli_warnx(&w->c, "cannot draw on this terminal");
		return JMX_EXIT_ENV;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout(100);
	s.color = jmx_want_color(1, w->c.color) && has_colors();
	if (s.color) {
		start_color();
		use_default_colors();
		init_pair(C_OK, COLOR_GREEN, -1);
		init_pair(C_WARN, COLOR_YELLOW, -1);
		init_pair(C_BAD, COLOR_RED, -1);
		init_pair(C_HEAD, COLOR_CYAN, -1);
	}
	while (!quit) {
		/* An ended run is read once more, then stays as it is. */
		if (!final && jmx_mono_ms() >= next) {
			watch_command_poll(w);
			reload(&s);
			if (s.l != NULL && jmx_live_ended(s.l))
				final = 1;
			next = jmx_mono_ms() + w->interval_ms;
			draw(&s);
		}
		ch = getch();
		if (ch == ERR)
			continue;
		if (ch == KEY_RESIZE)
			;
		else
			quit = key(&s, ch);
		draw(&s);
	}
	endwin();
	jmx_live_free(s.l);
	return JMX_EXIT_OK;
}

/*
 * render.h: a report's model written out as HTML (self-contained: inline
 * CSS, charts embedded as data: URIs with links to the PNG and SVG
 * files), Markdown, plain text for a terminal, JSON and JUnit XML.
 * Every label, message and name from the data is escaped for the format
 * it goes into; control characters are shown as \xNN in all but JSON.
 */
#ifndef JMX_RENDER_H
#define JMX_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct jmx_buf;
struct jmx_json;
struct jmx_rec;
struct jmx_report;

/* Append s with & < > " ' as character references. */
void		 jmx_html_escape(struct jmx_buf *, const char *);
/* Append s escaped for Markdown text: no markup, no line breaks. */
void		 jmx_md_escape(struct jmx_buf *, const char *);
/* dir: where the charts are (NULL: none embedded). */
void		 jmx_render_html(struct jmx_report *, const struct jmx_rec *,
		    int nrec, const char *dir, struct jmx_buf *);
void		 jmx_render_markdown(struct jmx_report *,
		    const struct jmx_rec *, int nrec, const char *dir,
		    struct jmx_buf *);
void		 jmx_render_json(struct jmx_report *, const struct jmx_rec *,
		    int nrec, const char *dir, struct jmx_buf *);
/*
 * For a terminal: the run's line, the statistics table (the columns of
 * the HTML and Markdown), skew and samples, agent failures and
 * shortfalls, the load delivered, thresholds and the verdict.
 */
void		 jmx_render_text(struct jmx_report *, struct jmx_buf *);
/*
 * jmx-run's result, as keys of an object the caller opened: run_id,
 * state, test_case, start, end, verdict, thresholds, jtl_records,
 * skew_ms, delivered_pct, failures, shortfalls, labels, total.
 */
void		 jmx_render_result_json(struct jmx_report *,
		    struct jmx_json *);
/* One test case per threshold and per label. */
void		 jmx_render_junit(struct jmx_report *, struct jmx_buf *);
/* index.html, report.md, report.json and junit.xml into dir. */
enum jmx_code	 jmx_render_dir(struct jmx_report *, const struct jmx_rec *,
		    int nrec, const char *dir, struct jmx_err *);

/* Formats of jmx_render_cells(). */
enum jmx_render_fmt {
	JMX_RENDER_TEXT,
	JMX_RENDER_MARKDOWN,
	JMX_RENDER_HTML
};
/*
 * A table of ncols columns (num_cols: bit c set for a numeric column)
 * from plain-text cells row after row, escaped for fmt; bad[i] (bad may
 * be NULL) marks a cell as a problem (red in HTML, bold in Markdown).
 */
void		 jmx_render_cells(struct jmx_buf *, enum jmx_render_fmt,
		    const char *const *heads, int ncols, uint32_t num_cols,
		    const char *const *cells, const int *bad, size_t ncells);
/* The reports' inline style sheet. */
const char	*jmx_render_css(void);
/* dir/name.png as a data: URI (else the file's name). */
void		 jmx_render_png_uri(struct jmx_buf *, const char *dir,
		    const char *name);

#endif

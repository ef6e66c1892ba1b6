/*
 * render-compare.h: comparisons of runs (compare.h) as plain text for a
 * terminal, Markdown, self-contained HTML (with the overlay charts of
 * jmx_chart_compare() when dir has them), JSON and JUnit XML (one test
 * case per label and metric with a tolerance; a regression fails it).
 * cs[0..n): B of each against its A.
 */
#ifndef JMX_RENDER_COMPARE_H
#define JMX_RENDER_COMPARE_H

struct jmx_buf;
struct jmx_compare;

void	jmx_render_compare_text(struct jmx_compare **cs, int n,
	    struct jmx_buf *);
void	jmx_render_compare_markdown(struct jmx_compare **cs, int n,
	    struct jmx_buf *);
void	jmx_render_compare_html(struct jmx_compare **cs, int n,
	    const char *dir, struct jmx_buf *);
/*
 * {"comparisons":[{"a","a_state","b","b_state","test_case","alpha",
 * "regressions","rows":[{"label","total","mann_whitney_p","ks_p","ks_d",
 * "cliffs_delta","regressions","metrics":{"p95":{"a","b","delta",
 * "rel_pct","p","tolerance","verdict","regression"},...}}]}],
 * "regressions":N}
 */
void	jmx_render_compare_json(struct jmx_compare **cs, int n,
	    struct jmx_buf *);
void	jmx_render_compare_junit(struct jmx_compare **cs, int n,
	    struct jmx_buf *);

#endif

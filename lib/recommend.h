/*
 * recommend.h: rule-based recommendations drawn from a report's model.
 *
 * Each rule looks at the finished model (jmx_report_finish) and either
 * stays silent or says what it saw, with its evidence (numbers and the
 * time window, in seconds of the report's time axis) and a concrete
 * suggestion.  Rules never guess from missing data: a rule whose inputs
 * are absent (no series, one agent, no logs) does not fire.
 */
#ifndef JMX_RECOMMEND_H
#define JMX_RECOMMEND_H

#include <stdint.h>

struct jmx_report;

enum jmx_rec_severity {
	JMX_REC_INFO = 0,
	JMX_REC_WARN,
	JMX_REC_CRIT
};

/* One recommendation; strings owned by it (jmx_recs_free). */
struct jmx_rec {
	const char		*rule;		/* static: "saturation", ... */
	enum jmx_rec_severity	 severity;
	char			*title;
	char			*evidence;
	char			*suggestion;
	int64_t			 from_s, to_s;	/* window; -1 none */
};

/* The rules' names, in the order they are tried; *n gets the count. */
const char *const *jmx_recommend_rules(int *n);
/*
 * Try one rule: 1 and *out filled when it fires, 0 when not, -1 for an
 * unknown rule.
 */
int		 jmx_recommend_rule(struct jmx_report *, const char *rule,
		    struct jmx_rec *out);
/* Every rule; *out allocated (jmx_recs_free), returns how many fired. */
int		 jmx_recommend(struct jmx_report *, struct jmx_rec **out);
const char	*jmx_rec_severity_name(enum jmx_rec_severity);
void		 jmx_recs_free(struct jmx_rec *, int);

#endif

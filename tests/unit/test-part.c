/*
 * test-part.c: parts of a plan's load: text form and peak threads,
 * against hand-computed values (their division: test-failover.c).
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "part.h"
#include "part-fixture.h"

static void
test_text(void)
{
	struct jmx_part p, q;
	struct jmx_err err = { 0 };
	char *s;

	lost_part(&p);
	s = jmx_part_format(&p);
	is_str(s, "0.5 2:1 6:0.5 2:0.5 0:0.40000000000000002 1:1",
	    "text form");
	jmx_part_init(&q, NG);
	is_int(jmx_part_parse(s, NG, &q, &err), JMX_OK, "parses back");
	ok(memcmp(p.groups, q.groups, NG * sizeof *p.groups) == 0 &&
	    p.scale == q.scale, "... exactly");
	is_int(jmx_part_parse("0.5 2:1 6:0.5", NG, &q, &err), JMX_ERR_DATA,
	    "too few groups: refused");
	is_str(err.msg, "bad part \"0.5 2:1 6:0.5\": want a scale and 5 "
	    "threads:scale pairs", "... with the text in the message");
	is_int(jmx_part_parse("0.5 2:1 6:0.5 2:0.5 0:0 1:1 x", NG, &q, &err),
	    JMX_ERR_DATA, "trailing junk: refused");
	is_int(jmx_part_parse("0.5 2:1 -6:0.5 2:0.5 0:0 1:1", NG, &q, &err),
	    JMX_ERR_DATA, "negative threads: refused");
	free(s);

	/* A plugin group's slice of its units comes after its pair. */
	p.groups[1].first = 3;
	p.groups[1].len = 6;
	p.groups[3].len = 2;
	s = jmx_part_format(&p);
	is_str(s, "0.5 2:1 6:0.5@3+6 2:0.5 0:0.40000000000000002@0+2 1:1",
	    "text form with slices");
	is_int(jmx_part_parse(s, NG, &q, &err), JMX_OK, "parses back");
	ok(memcmp(p.groups, q.groups, NG * sizeof *p.groups) == 0,
	    "... slices too");
	is_int(jmx_part_parse("0.5 2:1 6:0.5@3 2:0.5 0:0 1:1", NG, &q, &err),
	    JMX_ERR_DATA, "slice without length: refused");
	is_int(jmx_part_parse("0.5 2:1 6:0.5@3+x 2:0.5 0:0 1:1", NG, &q,
	    &err), JMX_ERR_DATA, "bad slice length: refused");
	free(s);
	jmx_part_free(&p);
	jmx_part_free(&q);
}

static void
test_peak(void)
{
	struct jmx_part p;

	lost_part(&p);
	is_int(jmx_part_peak(&plan, p.groups), 8, "peak: main groups' sum");
	is_int(jmx_part_main_threads(&plan, &p), 8, "main threads");
	plan.serialize = 1;
	is_int(jmx_part_peak(&plan, p.groups), 6, "serialized: the largest");
	plan.serialize = 0;
	ok(jmx_part_has_load(&plan, p.groups), "it has load");
	p.groups[1].threads = p.groups[2].threads = 0;
	ok(jmx_part_has_load(&plan, p.groups), "an open model rate is load");
	p.groups[3].scale = 0;
	ok(!jmx_part_has_load(&plan, p.groups), "setUp and tearDown alone are not");
	jmx_part_free(&p);
}

int
main(void)
{
	test_text();
	test_peak();
	return done_testing();
}

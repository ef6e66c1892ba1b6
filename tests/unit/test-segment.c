/*
 * test-segment.c: what a segment decides without an agent: which
 * threads' samples say nothing of the start (setUp, tearDown, sync).
 */
#include <string.h>

#include "config.h"
#include "segment.h"
#include "tap.h"

static int
side(const struct jmx_seg *s, const char *thread)
{
	return jmx_seg_side_thread(s, thread, strlen(thread));
}

int
main(void)
{
	static const char *const names[] = { "Prepare", "Clean up",
	    "jmx-sync-start" };
	struct jmx_agent_conf conf;
	struct jmx_settings set;
	struct jmx_agent a;
	struct jmx_seg *s;

	memset(&conf, 0, sizeof conf);
	memset(&set, 0, sizeof set);
	memset(&a, 0, sizeof a);
	conf.name = "a1";
	a.conf = &conf;
	s = jmx_seg_new(&a, 1, &set, 0);
	ok(!side(s, "Prepare 1-1"), "no side groups: every thread counts");
	jmx_seg_set_side_groups(s, names, 3);
	ok(side(s, "Prepare 1-1"), "a setUp group's thread");
	ok(side(s, "Clean up 3-12"), "a tearDown group's, name with a space");
	ok(side(s, "jmx-sync-start 2-1"), "the sync group's");
	ok(!side(s, "Users 1-1"), "a main group's counts");
	ok(!side(s, "Prepare more 1-1"), "a name that only starts alike");
	ok(!side(s, "Prepar 1-1"), "a prefix of a side group's name");
	ok(!side(s, ""), "an empty thread name counts");
	ok(!side(s, "Prepare"), "no numbers: not JMeter's form, counts");
	jmx_seg_set_side_groups(s, NULL, 0);
	ok(!side(s, "Prepare 1-1"), "side groups cleared");
	jmx_seg_free(s);
	return done_testing();
}
